"""Nothing secret from a URL is ever stored or shown: no password, no token, no key.

A URL with a user name and password is refused before anything is sent; a URL whose
query carries credentials (a token, an API key, a pre-signed link's signature) is
fetched as given, and everything kept or printed (the article's id, the object's folder,
the inventory, capture.json, the WARC, events, run logs, reports) shows ``REDACTED``.
Every file of the archive, its WARC decompressed, is searched for the secrets.
"""

from __future__ import annotations

import gzip
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import Result

from redline.archive.core.secrets import redact
from redline.archive.core.urls import normalize_url
from tests.support.http_server import LocalHTTPServer, Route

Run = Callable[..., Result]
SECRETS = ("pa55word", "TOKEN-8f3a", "KEY-77c1", "SIG-0b9e", "AKIAEXAMPLE")
PAGE = (
    "<html><head><title>Vote on the flood barrier</title></head><body><article>"
    "<h1>Vote on the flood barrier</h1>"
    + "".join(
        f"<p>Paragraph {n}: the council met on Monday to vote on the new flood barrier, "
        "which engineers say needs two more years and more money.</p>"
        for n in range(4)
    )
    + "</article></body></html>"
)


def _everything(folder: Path) -> str:
    """Every path and every file's bytes (gzip members unpacked) under ``folder``."""
    parts = []
    for path in sorted(folder.rglob("*")):
        parts.append(str(path.relative_to(folder)))
        if path.is_file():
            data = path.read_bytes()
            if data[:2] == b"\x1f\x8b":
                data = gzip.decompress(data)
            parts.append(data.decode("utf-8", "replace"))
    return "\n".join(parts)


def _assert_no_secret(*texts: str) -> None:
    for text in texts:
        for secret in SECRETS:
            assert secret not in text, (secret, text[:200])


def test_redaction_keeps_the_parameter_and_drops_its_value() -> None:
    url = "https://news.example/a?id=5&token=TOKEN-8f3a&X-Amz-Signature=SIG-0b9e&utm_source=x"
    assert redact(url) == (
        "https://news.example/a?id=5&token=REDACTED&X-Amz-Signature=REDACTED&utm_source=x"
    )
    assert (
        normalize_url(url) == "https://news.example/a?id=5&token=REDACTED&X-Amz-Signature=REDACTED"
    )
    assert redact("https://alice:pa55word@news.example/a") == "https://news.example/a"


def test_a_url_with_a_password_is_refused_and_nothing_is_sent(
    redline: Run, http_server: LocalHTTPServer, archive_dir: Path
) -> None:
    url = http_server.route("/page", Route(body=PAGE)).replace("http://", "http://alice:pa55word@")
    result = redline("capture", url)
    assert result.exit_code == 2
    assert "user name or password" in result.stderr
    _assert_no_secret(result.stdout, result.stderr)
    assert http_server.requests == []
    assert not archive_dir.exists() or _everything(archive_dir).strip() == ""


@pytest.mark.parametrize("command", ["capture", "watch"])
def test_credentials_in_a_query_are_sent_but_never_kept_or_shown(
    command: str, redline: Run, http_server: LocalHTTPServer, archive_dir: Path, tmp_path: Path
) -> None:
    base = http_server.route("/page", Route(body=PAGE))
    url = f"{base}?id=5&token=TOKEN-8f3a&api_key=KEY-77c1&X-Amz-Signature=SIG-0b9e"
    url += "&X-Amz-Credential=AKIAEXAMPLE"
    if command == "capture":
        result = redline("capture", url)
    else:
        watchlist = tmp_path / "watchlist.txt"
        watchlist.write_text(url + "\n")
        result = redline("watch", str(watchlist), "--delay", "0")
    assert result.exit_code == 0, result.output
    sent = [r.path for r in http_server.requests if r.path.startswith("/page")]
    assert sent and "token=TOKEN-8f3a" in sent[0]  # the site got what it asked for
    _assert_no_secret(result.stdout, result.stderr, _everything(archive_dir))
    assert "REDACTED" in _everything(archive_dir)
    shown = [redline(*args) for args in (["list"], ["log", url], ["show", url])]
    assert all(r.exit_code == 0 for r in shown)
    _assert_no_secret(*(r.stdout + r.stderr for r in shown))
    if command == "watch":
        report = redline("report", "--format", "json")
        _assert_no_secret(report.stdout)


def test_a_redirect_carrying_a_secret_is_kept_without_it(
    redline: Run, http_server: LocalHTTPServer, archive_dir: Path
) -> None:
    target = http_server.route("/page", Route(body=PAGE)) + "?token=TOKEN-8f3a"
    moved = f'<html><body><a href="{target}">moved</a></body></html>'
    start = http_server.route("/go", Route.redirect(target, status=302, body=moved))
    result = redline("capture", start + "?api_key=KEY-77c1")
    assert result.exit_code == 0, result.output
    stored = _everything(archive_dir)
    _assert_no_secret(result.stdout, result.stderr, stored)
    # The hop is in the WARC all the same, as its own exchange, without its body.
    (warc,) = archive_dir.rglob("capture.warc.gz")
    text = gzip.decompress(warc.read_bytes()).decode("utf-8", "replace")
    assert "WARC-Target-URI: " + start + "?api_key=REDACTED" in text
    assert "HTTP/1.1 302 Found" in text
    assert "Location: " + target.replace("TOKEN-8f3a", "REDACTED") in text
    assert "X-Redline-Orig-Content-Length" in text and "moved</a>" not in text
