"""Turn the bytes of a page into text, the way a browser would pick the encoding.

Order: byte order mark, the charset of the HTTP Content-Type, a ``<meta charset>`` or
``<meta http-equiv="Content-Type">`` near the top of the document, then detection.
Labels follow the WHATWG Encoding Standard, so ``iso-8859-1``, ``latin1`` and
``us-ascii`` all mean windows-1252 and ``shift_jis`` means the Windows variant.
"""

from __future__ import annotations

import codecs
import re

from redline.archive.core.binary import nul_bytes_mean_binary
from redline.archive.core.errors import InputError

# How far into the document to look for a <meta> charset declaration.
META_SCAN_BYTES = 16_384

_BOMS: tuple[tuple[bytes, str], ...] = (
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)

# WHATWG labels whose meaning differs from (or is unknown to) Python's codec registry.
_LABELS: dict[str, str] = {
    # windows-1252 family: browsers never decode these as strict Latin-1 or ASCII.
    "ansi_x3.4-1968": "cp1252",
    "ascii": "cp1252",
    "cp1252": "cp1252",
    "cp819": "cp1252",
    "csisolatin1": "cp1252",
    "ibm819": "cp1252",
    "iso-8859-1": "cp1252",
    "iso-ir-100": "cp1252",
    "iso8859-1": "cp1252",
    "iso88591": "cp1252",
    "iso_8859-1": "cp1252",
    "iso_8859-1:1987": "cp1252",
    "l1": "cp1252",
    "latin1": "cp1252",
    "us-ascii": "cp1252",
    "windows-1252": "cp1252",
    "x-cp1252": "cp1252",
    # Turkish and Thai supersets.
    "iso-8859-9": "cp1254",
    "iso8859-9": "cp1254",
    "iso88599": "cp1254",
    "iso_8859-9": "cp1254",
    "latin5": "cp1254",
    "l5": "cp1254",
    "iso-8859-11": "cp874",
    "iso8859-11": "cp874",
    "tis-620": "cp874",
    "dos-874": "cp874",
    "windows-874": "cp874",
    # Japanese: browsers decode Shift_JIS as Microsoft's superset.
    "csshiftjis": "cp932",
    "ms932": "cp932",
    "ms_kanji": "cp932",
    "shift-jis": "cp932",
    "shift_jis": "cp932",
    "sjis": "cp932",
    "windows-31j": "cp932",
    "x-sjis": "cp932",
    # Chinese and Korean supersets.
    "chinese": "gbk",
    "csgb2312": "gbk",
    "gb2312": "gbk",
    "gb_2312": "gbk",
    "gb_2312-80": "gbk",
    "gbk": "gbk",
    "iso-ir-58": "gbk",
    "x-gbk": "gbk",
    "big5": "big5hkscs",
    "big5-hkscs": "big5hkscs",
    "cn-big5": "big5hkscs",
    "x-x-big5": "big5hkscs",
    "euc-kr": "cp949",
    "ks_c_5601-1987": "cp949",
    "ks_c_5601-1989": "cp949",
    "korean": "cp949",
    "windows-949": "cp949",
    # Unicode.
    "unicode-1-1-utf-8": "utf-8",
    "unicode11utf8": "utf-8",
    "unicode20utf8": "utf-8",
    "utf8": "utf-8",
    "utf-8": "utf-8",
    "x-unicode20utf8": "utf-8",
    "utf-16": "utf-16-le",
    "utf-16le": "utf-16-le",
    "unicode": "utf-16-le",
    "ucs-2": "utf-16-le",
    "utf-16be": "utf-16-be",
    "unicodefffe": "utf-16-be",
    # Others Python names differently.
    "x-mac-roman": "mac_roman",
    "macintosh": "mac_roman",
    "mac": "mac_roman",
    "x-mac-cyrillic": "mac_cyrillic",
    "x-user-defined": "cp1252",
}

_MAGIC: tuple[tuple[bytes, str], ...] = (
    (b"%PDF-", "a PDF document"),
    (b"\x89PNG\r\n\x1a\n", "a PNG image"),
    (b"GIF87a", "a GIF image"),
    (b"GIF89a", "a GIF image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"PK\x03\x04", "a zip archive"),
    (b"\x1f\x8b", "gzip-compressed data"),
    (b"BZh", "bzip2-compressed data"),
    (b"\xfd7zXZ\x00", "xz-compressed data"),
    (b"\x28\xb5\x2f\xfd", "zstd-compressed data"),
    (b"7z\xbc\xaf\x27\x1c", "a 7z archive"),
    (b"\x00\x00\x01\x00", "an icon image"),
    (b"\x7fELF", "an executable"),
    (b"MZ", "an executable"),
    (b"OggS", "an audio or video file"),
    (b"ID3", "an audio file"),
)

_CHARSET_PARAM = re.compile(rb"""charset\s*=\s*["']?\s*([A-Za-z0-9_.:\-]+)""", re.I)
_META_TAG = re.compile(rb"<meta\b[^>]*>", re.I)
_HTTP_EQUIV = re.compile(rb"""http-equiv\s*=\s*["']?\s*content-type""", re.I)
_META_CHARSET_ATTR = re.compile(rb"""\scharset\s*=\s*["']?\s*([A-Za-z0-9_.:\-]+)""", re.I)
_META_CONTENT = re.compile(rb"""\scontent\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]+))""", re.I)


def encoding_for_label(label: str) -> str | None:
    """The Python codec for a WHATWG encoding label, or None when it is unknown."""
    key = label.strip().strip("\"'").lower()
    if not key:
        return None
    if key in _LABELS:
        return _LABELS[key]
    try:
        name = codecs.lookup(key).name
    except LookupError:
        return None
    if name in _REFUSED:
        return None  # as a browser: a page cannot ask for these
    # Python knows a few labels under stricter meanings than browsers use.
    return _LABELS.get(name, name)


#: Encodings the WHATWG Encoding standard refuses for web pages (UTF-7 let a page
#: smuggle markup past filters): a page declaring one is decoded as if it declared none.
_REFUSED = frozenset({"utf-7", "utf_7", "cp65000", "utf-7-imap"})


def _charset_from_content_type(content_type: str | None) -> str | None:
    if not content_type:
        return None
    match = _CHARSET_PARAM.search(content_type.encode("latin-1", "replace"))
    if not match:
        return None
    return encoding_for_label(match.group(1).decode("ascii", "replace"))


def _charset_from_meta(body: bytes) -> str | None:
    head = body[:META_SCAN_BYTES]
    for tag in _META_TAG.finditer(head):
        text = tag.group(0)
        attr = _META_CHARSET_ATTR.search(text)
        if attr:
            found = encoding_for_label(attr.group(1).decode("ascii", "replace"))
        elif _HTTP_EQUIV.search(text):
            content = _META_CONTENT.search(text)
            if not content:
                continue
            value = next(g for g in content.groups() if g is not None)
            param = _CHARSET_PARAM.search(value)
            found = encoding_for_label(param.group(1).decode("ascii")) if param else None
        else:
            continue
        if found:
            # A declaration readable as ASCII cannot be in UTF-16 (WHATWG rule).
            return "utf-8" if found.startswith("utf-16") else found
    return None


def _check_not_binary(body: bytes, declared: str | None, source: str | None = None) -> None:
    name = source or "the input"
    if not body.strip():
        raise InputError(f"{source or 'the page'} is empty; check the URL or file and try again")
    for magic, what in _MAGIC:
        if body.startswith(magic):
            raise InputError(f"{name} is {what}, not an HTML page; give an HTML page instead")
    if body.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return
    if declared and declared.startswith("utf-16"):
        return
    if nul_bytes_mean_binary(body):
        raise InputError(
            f"{name} holds binary data (NUL bytes), not an HTML page; give an HTML page instead"
        )


def _is_utf8_with_multibyte(body: bytes) -> bool:
    try:
        body.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return not body.isascii()


def _detect(body: bytes) -> str:
    try:
        body.decode("utf-8")
        return "utf-8"
    except UnicodeDecodeError:
        pass
    try:
        from charset_normalizer import from_bytes
    except ImportError:  # pragma: no cover - installed with trafilatura
        return "cp1252"
    best = from_bytes(body[:200_000]).best()
    if best is None:
        return "cp1252"
    return encoding_for_label(best.encoding) or "cp1252"


def sniff_encoding(body: bytes, content_type: str | None = None) -> tuple[str, int]:
    """The Python codec to decode ``body`` with and how many BOM bytes to skip."""
    for bom, name in _BOMS:
        if body.startswith(bom):
            return name, len(bom)
    declared = _charset_from_content_type(content_type) or _charset_from_meta(body)
    if declared:
        # Servers and templates often label UTF-8 pages with a stale legacy charset;
        # legacy-encoded text that also happens to be valid multi-byte UTF-8 is
        # vanishingly rare, so valid UTF-8 wins.
        if declared != "utf-8" and _is_utf8_with_multibyte(body):
            return "utf-8", 0
        return declared, 0
    return _detect(body), 0


def decode_html(body: bytes, content_type: str | None = None, *, source: str | None = None) -> str:
    """Decode the bytes of an HTML page to text.

    Raises InputError for empty input and for binary data (images, PDFs, archives,
    NUL bytes in a body that is not UTF-16); its message names ``source`` (a URL or
    file) when given.
    """
    declared = _charset_from_content_type(content_type)
    _check_not_binary(body, declared, source)
    encoding, skip = sniff_encoding(body, content_type)
    text = body[skip:].decode(encoding, errors="replace")
    if text.startswith("\ufeff"):
        text = text[1:]
    # A control character (ESC, BEL, backspace, U+0001...) shows nothing in a browser and
    # would make the page unreadable to the parser: such characters are dropped. In
    # UTF-8 a control character is its own byte, and bytes are quicker to look through.
    if encoding == "utf-8" and len(body.translate(None, _CONTROL_BYTES)) == len(body):
        return text
    return _CONTROLS.sub("", text)


#: C0 controls but tab, line feed and carriage return; DEL.
_CONTROLS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_CONTROL_BYTES = bytes([*range(0x09), 0x0B, 0x0C, *range(0x0E, 0x20), 0x7F])
