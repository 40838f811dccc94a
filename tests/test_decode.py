"""decode_html picks the encoding a browser would: BOM, HTTP header, <meta>, detection."""

from __future__ import annotations

import codecs

import pytest

from redline.archive.core.errors import InputError
from redline.archive.extract.decode import decode_html, encoding_for_label

FRENCH = "Le café crème coûte 3,50 francs à Zürich, près du lac."
CURLY = "“It costs €5,” she said — and that’s a bargain…"
JAPANESE = "東京都の新しい防潮堤は二〇二六年に完成する予定です。"


def page(text: str, head: str = "") -> str:
    head = f"<!DOCTYPE html><html><head>{head}<title>t</title></head>"
    return f"{head}<body><p>{text}</p></body></html>"


@pytest.mark.parametrize(
    ("label", "codec"),
    [
        ("ISO-8859-1", "cp1252"),
        ("latin1", "cp1252"),
        ("us-ascii", "cp1252"),
        ("windows-1252", "cp1252"),
        ("Shift_JIS", "cp932"),
        ("x-sjis", "cp932"),
        ("gb2312", "gbk"),
        ("euc-kr", "cp949"),
        ("UTF8", "utf-8"),
        ("iso-8859-9", "cp1254"),
        ("no-such-charset", None),
    ],
)
def test_whatwg_labels(label: str, codec: str | None) -> None:
    assert encoding_for_label(label) == codec


def test_iso_8859_1_from_http_header() -> None:
    body = page(FRENCH).encode("iso-8859-1")
    assert FRENCH in decode_html(body, "text/html; charset=ISO-8859-1")


def test_iso_8859_1_from_meta_http_equiv() -> None:
    head = '<meta http-equiv="Content-Type" content="text/html; charset=iso-8859-1">'
    body = page(FRENCH, head).encode("iso-8859-1")
    assert FRENCH in decode_html(body)


def test_windows_1252_labelled_latin1_keeps_curly_quotes_and_euro() -> None:
    # Bytes 0x80-0x9F are C1 controls in strict Latin-1; browsers read them as cp1252.
    body = page(CURLY).encode("cp1252")
    assert CURLY in decode_html(body, "text/html; charset=iso-8859-1")


def test_windows_1252_from_meta_charset() -> None:
    body = page(CURLY, '<meta charset="windows-1252">').encode("cp1252")
    assert CURLY in decode_html(body)


def test_shift_jis_from_header() -> None:
    body = page(JAPANESE).encode("shift_jis")
    assert JAPANESE in decode_html(body, "text/html; charset=Shift_JIS")


def test_shift_jis_from_meta() -> None:
    body = page(JAPANESE, '<meta charset="Shift_JIS">').encode("shift_jis")
    assert JAPANESE in decode_html(body)


def test_shift_jis_without_declaration_is_detected() -> None:
    text = (JAPANESE + "市議会は火曜日の夜、五対二で可決した。") * 4
    body = page(text).encode("shift_jis")
    assert text in decode_html(body)


def test_utf8_without_bom_or_declaration() -> None:
    body = page(FRENCH + CURLY + JAPANESE).encode("utf-8")
    assert FRENCH + CURLY + JAPANESE in decode_html(body)


def test_utf8_bom_wins_over_header() -> None:
    body = codecs.BOM_UTF8 + page(CURLY).encode("utf-8")
    text = decode_html(body, "text/html; charset=iso-8859-1")
    assert CURLY in text
    assert not text.startswith("\ufeff")


@pytest.mark.parametrize("codec", ["utf-16-le", "utf-16-be"])
def test_utf16_with_bom(codec: str) -> None:
    bom = codecs.BOM_UTF16_LE if codec.endswith("le") else codecs.BOM_UTF16_BE
    body = bom + page(JAPANESE + CURLY).encode(codec)
    text = decode_html(body)
    assert JAPANESE + CURLY in text
    assert text.startswith("<!DOCTYPE html>")


def test_utf8_page_with_stale_latin1_label_is_read_as_utf8() -> None:
    body = page(CURLY).encode("utf-8")
    assert CURLY in decode_html(body, "text/html; charset=ISO-8859-1")


@pytest.mark.parametrize(
    ("body", "what"),
    [
        (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj", "PDF"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "PNG"),
        (b"\xff\xd8\xff\xe0\x00\x10JFIF", "JPEG"),
        (b"PK\x03\x04\x14\x00\x00\x00", "zip"),
        (b"\x1f\x8b\x08\x00\x00\x00\x00\x00", "gzip"),
        (b"<html>\x00\x01\x02\x00binary</html>", "NUL"),
    ],
)
def test_binary_input_is_refused(body: bytes, what: str) -> None:
    with pytest.raises(InputError) as info:
        decode_html(body)
    message = str(info.value)
    assert what in message
    assert "\n" not in message


@pytest.mark.parametrize("body", [b"", b"   \n\t "])
def test_empty_input_is_refused(body: bytes) -> None:
    with pytest.raises(InputError, match="empty"):
        decode_html(body)


@pytest.mark.parametrize("declared", ["meta", "header"])
def test_a_page_declaring_utf_7_is_not_decoded_as_utf_7(declared: str) -> None:
    """Browsers refuse UTF-7 (it let pages smuggle markup past filters): redline reads
    such a page as if it declared no encoding."""
    meta = '<meta charset="utf-7">' if declared == "meta" else ""
    body = f"<html><head>{meta}</head><body><p>+ADw-b+AD4-x+ADw-/b+AD4- café</p>".encode()
    header = "text/html; charset=UTF-7" if declared == "header" else None
    text = decode_html(body, header)
    assert "+ADw-b+AD4-" in text and "<b>" not in text and "café" in text
