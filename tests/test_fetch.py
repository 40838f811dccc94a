"""Fetching against a real HTTP server on 127.0.0.1, and reading saved HTML files."""

from __future__ import annotations

import gzip
import os
import socket
import time
import tracemalloc
import zlib
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import pytest

from redline import __version__
from redline.archive.core.errors import FetchError, InputError, RedlineError, UsageError
from redline.archive.fetch.client import DEFAULT_USER_AGENT, Fetcher, fetch, read_html_file
from tests.support.http_server import LocalHTTPServer, Route, unused_port

pytest_plugins = ["tests.support.fixtures"]

PAGE = "<!doctype html><html><head><title>Story</title></head><body><p>Text é</p></body></html>"


def one_line_error(caught: pytest.ExceptionInfo[RedlineError], *needles: str) -> str:
    """The message, checked to be one line with advice and no chained traceback."""
    error = caught.value
    message = str(error)
    assert "\n" not in message, message
    assert "Traceback" not in message
    assert ";" in message, f"no advice in: {message}"
    assert error.__cause__ is None
    assert error.__context__ is None or error.__suppress_context__
    for needle in needles:
        assert needle in message, f"{needle!r} not in {message!r}"
    return message


def failing(url: str, *needles: str, **options: Any) -> str:
    with pytest.raises(FetchError) as caught:
        fetch(url, **options)
    return one_line_error(caught, *needles)


# -- successful fetches ----------------------------------------------------------------


def test_plain_page(http_server: LocalHTTPServer) -> None:
    url = http_server.route(
        "/story",
        body=PAGE,
        headers=[("Set-Cookie", "a=1"), ("X-Custom", "yes"), ("Set-Cookie", "b=2")],
    )
    before = datetime.now(timezone.utc).replace(microsecond=0)
    capture = fetch(url)
    assert capture.body == PAGE.encode("utf-8")
    assert capture.wire_body is None
    assert (capture.status, capture.reason, capture.http_version) == (200, "OK", "HTTP/1.1")
    assert capture.requested_url == capture.final_url == url
    assert capture.redirects == ()
    assert capture.source == "http"
    assert capture.fetched_at.tzinfo is not None and capture.fetched_at >= before
    assert capture.fetched_at.microsecond == 0
    assert [name for name, _ in capture.headers] == [
        "Content-Type",
        "Set-Cookie",
        "X-Custom",
        "Set-Cookie",
        "Content-Length",
    ]
    assert capture.header("set-cookie") == "a=1"
    assert capture.content_type == "text/html; charset=utf-8"


def test_request_headers_are_recorded_as_sent(http_server: LocalHTTPServer) -> None:
    url = http_server.route("/story", body=PAGE)
    capture = fetch(url)
    sent = http_server.requests[-1].headers
    assert list(capture.request_headers) == sent
    names = [name for name, _ in sent]
    assert names[:5] == ["Host", "User-Agent", "Accept", "Accept-Language", "Accept-Encoding"]
    assert capture.user_agent == DEFAULT_USER_AGENT
    assert f"redline/{__version__} (+https://github.com/redline-archive/redline)" == (
        http_server.requests[-1].header("User-Agent")
    )
    assert http_server.requests[-1].header("Accept-Encoding") == "gzip, deflate"
    assert "text/html" in (http_server.requests[-1].header("Accept") or "")
    assert http_server.requests[-1].header("Host") == f"127.0.0.1:{http_server.port}"


def test_custom_user_agent(http_server: LocalHTTPServer) -> None:
    url = http_server.route("/story", body=PAGE)
    capture = fetch(url, user_agent="tester/1.0")
    assert http_server.requests[-1].header("User-Agent") == "tester/1.0"
    assert capture.user_agent == "tester/1.0"


@pytest.mark.parametrize("encoding", ["gzip", "deflate"])
def test_compressed_body_is_decoded_and_wire_bytes_kept(
    http_server: LocalHTTPServer, encoding: str
) -> None:
    url = http_server.route("/story", body=PAGE * 50, encoding=encoding)
    capture = fetch(url)
    assert capture.body == (PAGE * 50).encode("utf-8")
    assert capture.wire_body is not None
    assert len(capture.wire_body) < len(capture.body)
    assert capture.header("Content-Encoding") == encoding
    if encoding == "gzip":
        assert gzip.decompress(capture.wire_body) == capture.body
    else:
        assert zlib.decompress(capture.wire_body) == capture.body


def test_raw_deflate_is_decoded(http_server: LocalHTTPServer) -> None:
    compressor = zlib.compressobj(6, zlib.DEFLATED, -zlib.MAX_WBITS)
    raw = compressor.compress(PAGE.encode()) + compressor.flush()
    url = http_server.route("/raw", body=raw, headers=[("Content-Encoding", "deflate")])
    assert fetch(url).body == PAGE.encode()


def test_chunked_and_close_delimited_bodies(http_server: LocalHTTPServer) -> None:
    big = PAGE + "<p>" + "x" * 10_000 + "</p>"
    chunked = http_server.route("/chunked", body=big, chunked=True)
    closing = http_server.route("/closing", body=big, length=False)
    both = http_server.route("/both", body=big, chunked=True, encoding="gzip")
    assert fetch(chunked).body == big.encode()
    assert fetch(closing).body == big.encode()
    capture = fetch(both)
    assert capture.body == big.encode()
    assert capture.header("Transfer-Encoding") == "chunked"


def test_http_10_response(http_server: LocalHTTPServer) -> None:
    raw = b"HTTP/1.0 200 OK\r\nContent-Type: text/html\r\n\r\n" + PAGE.encode()
    capture = fetch(http_server.route("/old", raw=raw))
    assert capture.http_version == "HTTP/1.0"
    assert capture.body == PAGE.encode()


def test_xhtml_and_sniffed_html_are_accepted(http_server: LocalHTTPServer) -> None:
    xhtml = http_server.route("/x", body=PAGE, content_type="application/xhtml+xml")
    untyped = http_server.route("/u", body="\n  <HTML><body>hi</body></HTML>", content_type=None)
    assert fetch(xhtml).body == PAGE.encode()
    assert fetch(untyped).content_type is None


def test_redirect_chain_is_recorded(http_server: LocalHTTPServer) -> None:
    http_server.route("/a", Route.redirect("/b", status=301))
    http_server.route("/b", Route.redirect(http_server.url("/c?x=1"), status=302))
    http_server.route("/c", Route.redirect("d", status=303))
    http_server.route("/d", Route.redirect("/e#frag", status=307))
    http_server.route("/e", Route.redirect("/final", status=308))
    http_server.route("/final", body=PAGE)
    start = http_server.url("/a")
    capture = fetch(start)
    base = http_server.base_url
    assert capture.requested_url == start
    assert capture.final_url == base + "/final"
    assert [(hop.url, hop.status, hop.location) for hop in capture.redirects] == [
        (base + "/a", 301, base + "/b"),
        (base + "/b", 302, base + "/c?x=1"),
        (base + "/c?x=1", 303, base + "/d"),
        (base + "/d", 307, base + "/e"),
        (base + "/e", 308, base + "/final"),
    ]
    assert capture.body == PAGE.encode()


def test_cookies_set_during_a_fetch_are_sent_on_later_hops(
    http_server: LocalHTTPServer,
) -> None:
    http_server.route(
        "/gate", Route.redirect("/story", headers=[("Set-Cookie", "consent=yes; Path=/")])
    )
    http_server.route("/story", body=PAGE)
    capture = fetch(http_server.url("/gate"))
    assert http_server.requests[-1].header("Cookie") == "consent=yes"
    assert ("Cookie", "consent=yes") in capture.request_headers
    fetch(http_server.url("/story"))
    assert http_server.requests[-1].header("Cookie") is None  # nothing kept between fetches


def test_fetcher_reuses_connections(http_server: LocalHTTPServer) -> None:
    url = http_server.route("/story", body=PAGE)
    with Fetcher() as fetcher:
        fetcher.fetch(url)
        fetcher.fetch(url)
    first, second = http_server.requests[-2:]
    assert first.client_port == second.client_port


def test_fragment_is_not_sent(http_server: LocalHTTPServer) -> None:
    url = http_server.route("/story", body=PAGE)
    capture = fetch(url + "#part-2")
    assert capture.requested_url == url + "#part-2"
    assert capture.final_url == url
    assert http_server.requests[-1].path == "/story"


# -- failures --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("status", "phrase", "advice"),
    [
        (404, "Not Found", "check the URL"),
        (410, "Gone", "check the URL"),
        (403, "Forbidden", "refuses"),
        (429, "Too Many Requests", "try again later"),
        (500, "Internal Server Error", "try again later"),
        (503, "Service Unavailable", "try again later"),
    ],
)
def test_http_errors(http_server: LocalHTTPServer, status: int, phrase: str, advice: str) -> None:
    url = http_server.route("/page", status=status, body="<html>error</html>")
    message = failing(url, advice)
    assert message.startswith(f"{url} returned HTTP {status} {phrase}; ")


def test_404_message_format(http_server: LocalHTTPServer) -> None:
    url = http_server.url("/missing")
    assert failing(url) == f"{url} returned HTTP 404 Not Found; check the URL"


def test_non_html_content_types(http_server: LocalHTTPServer) -> None:
    for path, content_type in [
        ("/data.json", "application/json"),
        ("/file.pdf", "application/pdf"),
        ("/notes.txt", "text/plain; charset=utf-8"),
        ("/image.png", "image/png"),
    ]:
        url = http_server.route(path, body="x" * 10, content_type=content_type)
        failing(url, url, content_type.split(";")[0], "not an HTML page")


def test_untyped_body_that_is_not_html(http_server: LocalHTTPServer) -> None:
    url = http_server.route("/blob", body=b"\x00\x01binary", content_type=None)
    failing(url, url, "no Content-Type", "does not look like HTML")


def test_empty_body(http_server: LocalHTTPServer) -> None:
    url = http_server.route("/empty", body="")
    failing(url, url, "empty page")
    no_content = http_server.route("/nc", status=204, content_type=None)
    failing(no_content, "HTTP 204")


def test_declared_length_over_limit(http_server: LocalHTTPServer) -> None:
    url = http_server.route("/big", body=PAGE + "x" * 5000)
    failing(url, url, "over the", "limit", max_bytes=4096)
    assert len(http_server.requests) == 1


def test_streamed_body_over_limit(http_server: LocalHTTPServer) -> None:
    url = http_server.route("/big", body=PAGE + "x" * 50_000, chunked=True)
    failing(url, url, "over the 4 KB limit", max_bytes=4096)
    endless = http_server.route("/endless", endless=True)
    started = time.monotonic()
    failing(endless, endless, "over the 64 KB limit", max_bytes=65536)
    assert time.monotonic() - started < 2


def test_decompressed_body_over_limit(http_server: LocalHTTPServer) -> None:
    url = http_server.route("/packed", body=PAGE + " " * 200_000, encoding="gzip")
    failing(url, url, "once decompressed", max_bytes=100_000)


def test_gzip_bomb_stops_at_the_limit_in_little_memory(http_server: LocalHTTPServer) -> None:
    url = http_server.route("/bomb", gzip_bomb=100_000_000)  # ~100 KB on the wire
    tracemalloc.start()
    started = time.monotonic()
    try:
        with pytest.raises(FetchError) as caught:
            fetch(url, max_bytes=1_000_000)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    one_line_error(caught, url, "once decompressed")
    assert peak < 8_000_000, f"peak memory {peak} bytes"
    assert time.monotonic() - started < 3


def test_slow_response_times_out(http_server: LocalHTTPServer) -> None:
    url = http_server.route("/slow", body=PAGE, delay=10)
    started = time.monotonic()
    failing(url, url, "did not answer within 1 s", timeout=1)
    assert time.monotonic() - started < 3


def test_trickling_body_hits_the_overall_deadline(http_server: LocalHTTPServer) -> None:
    url = http_server.route("/trickle", endless=True, trickle=0.05)
    started = time.monotonic()
    failing(url, url, "took longer than 1.5 s", timeout=1, deadline=1.5)
    assert time.monotonic() - started < 3


DRIPPED = (
    b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nX-Padding: "
    + b"x" * 200
    + b"\r\n\r\n<html><body><p>late</p></body></html>"
)


def test_a_server_that_drips_its_headers_hits_the_deadline(
    http_server: LocalHTTPServer,
) -> None:
    """Every byte arrives well within the read timeout, so only a deadline on the whole
    fetch, status line and headers included, ends it."""
    url = http_server.route("/drip", raw=DRIPPED, drip=0.2)
    started = time.monotonic()
    failing(url, url, "took longer than 2 s", timeout=1, deadline=2)
    assert time.monotonic() - started < 3  # the deadline, plus a second at most


def test_redirect_loop(http_server: LocalHTTPServer) -> None:
    http_server.route("/a", Route.redirect("/b"))
    http_server.route("/b", Route.redirect("/a"))
    http_server.route("/self", Route.redirect("/self"))
    failing(http_server.url("/a"), "redirect loop", http_server.url("/b"))
    failing(http_server.url("/self"), "redirect loop")


def test_too_many_redirects(http_server: LocalHTTPServer) -> None:
    for n in range(12):
        http_server.route(f"/r{n}", Route.redirect(f"/r{n + 1}"))
    http_server.route("/r12", body=PAGE)
    failing(http_server.url("/r0"), "more than 10 times")
    failing(http_server.url("/r9"), "more than 2 times", max_redirects=2)
    assert fetch(http_server.url("/r2")).final_url == http_server.url("/r12")


def test_bad_redirects(http_server: LocalHTTPServer) -> None:
    http_server.route("/nowhere", status=302, content_type=None)
    http_server.route("/ftp", Route.redirect("ftp://files.example/x"))
    failing(http_server.url("/nowhere"), "without a Location header")
    failing(http_server.url("/ftp"), "ftp://files.example/x", "not an http(s) URL")


def test_connection_refused() -> None:
    port = unused_port()
    message = failing(f"http://127.0.0.1:{port}/story", f"127.0.0.1:{port}")
    assert message == (
        f"cannot reach 127.0.0.1:{port} (connection refused); check the URL or your network"
    )


def test_dns_failure(monkeypatch: pytest.MonkeyPatch) -> None:
    # No lookup leaves the machine: name resolution fails the way a resolver reports it.
    def no_such_host(*args: Any, **kwargs: Any) -> Any:
        raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")

    monkeypatch.setattr(socket, "getaddrinfo", no_such_host)
    failing("https://no-such-host.invalid/story", "no-such-host.invalid", "DNS lookup failed")


def test_tls_error(http_server: LocalHTTPServer) -> None:
    url = http_server.route("/story", body=PAGE).replace("http://", "https://")
    failing(url, "TLS error", f"127.0.0.1:{http_server.port}", timeout=5)


def test_connection_broken_mid_body(http_server: LocalHTTPServer) -> None:
    raw = b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: 5000\r\n\r\n<html>"
    url = http_server.route("/cut", raw=raw)
    failing(url, "broke off", f"127.0.0.1:{http_server.port}")


def test_corrupt_and_unknown_encodings(http_server: LocalHTTPServer) -> None:
    corrupt = http_server.route(
        "/corrupt", body=b"\x1f\x8b\x08\x00not really gzip", headers=[("Content-Encoding", "gzip")]
    )
    brotli = http_server.route("/br", body=b"\x0b\x02\x80", headers=[("Content-Encoding", "br")])
    failing(corrupt, corrupt, "corrupt gzip body")
    failing(brotli, brotli, "'br'", "cannot decode")


@pytest.mark.parametrize(
    "url", ["ftp://example.com/x", "file:///etc/hosts", "example.com/story", "https://"]
)
def test_non_http_urls(url: str) -> None:
    with pytest.raises(FetchError) as caught:
        fetch(url)
    one_line_error(caught)


@pytest.mark.parametrize(
    "options",
    [{"timeout": 0}, {"timeout": -1}, {"max_bytes": 0}, {"max_redirects": -1}, {"deadline": 0}],
)
def test_bad_options(options: dict[str, Any]) -> None:
    with pytest.raises(UsageError) as caught:
        Fetcher(**options)
    assert "\n" not in str(caught.value)


# -- saved HTML files --------------------------------------------------------------------


def test_read_html_file(tmp_path: Path) -> None:
    page = tmp_path / "story.html"
    page.write_text(PAGE, encoding="utf-8")
    at = datetime(2026, 1, 2, 3, 4, 5, tzinfo=timezone.utc)
    capture = read_html_file(page, "https://example.com/story", at=at)
    assert capture.body == PAGE.encode()
    assert capture.source == "file"
    assert capture.status is None
    assert capture.fetched_at == at
    assert capture.file_path == str(page)
    assert capture.requested_url == capture.final_url == "https://example.com/story"
    assert read_html_file(str(page), "https://example.com/story").fetched_at.tzinfo is not None


def test_read_utf16_html_file(tmp_path: Path) -> None:
    page = tmp_path / "utf16.html"
    page.write_bytes(b"\xff\xfe" + PAGE.encode("utf-16-le"))
    assert read_html_file(page, "https://example.com/a").body.startswith(b"\xff\xfe<\x00")


def file_error(path: Path | str, *needles: str, **options: Any) -> str:
    with pytest.raises(InputError) as caught:
        read_html_file(path, "https://example.com/a", **options)
    return one_line_error(caught, str(path), *needles)


@pytest.mark.parametrize(
    ("content", "needle"),
    [
        (b"", "is empty"),
        (b"  \n\t\n", "is empty"),
        (b"<html>\x00\x00\x00</html>", "NUL bytes"),
        (b"\x89PNG\r\n\x1a\n\x00\x00", "PNG image"),
        (b"\xff\xd8\xff\xe0\x00\x10JFIF", "JPEG image"),
        (b"GIF89a\x01\x00", "GIF image"),
        (b"%PDF-1.7\n%\xe2\xe3", "PDF document"),
        (b"PK\x03\x04\x14\x00", "zip archive"),
        (gzip.compress(b"<html></html>", mtime=0), "gzip-compressed"),
        (b"RIFF\x10\x00\x00\x00WEBPVP8 ", "WebP image"),
    ],
)
def test_unusable_files(tmp_path: Path, content: bytes, needle: str) -> None:
    page = tmp_path / "page.html"
    page.write_bytes(content)
    file_error(page, needle)


def test_missing_file_and_directory(tmp_path: Path) -> None:
    file_error(tmp_path / "nope.html", "no such file")
    file_error(tmp_path, "is a directory")


def test_file_over_the_limit(tmp_path: Path) -> None:
    page = tmp_path / "big.html"
    page.write_text(PAGE + "x" * 5000)
    file_error(page, "over the 4 KB limit", max_bytes=4096)


@pytest.mark.skipif(os.geteuid() == 0, reason="root can read any file")
def test_unreadable_file(tmp_path: Path) -> None:
    page = tmp_path / "locked.html"
    page.write_text(PAGE)
    page.chmod(0)
    try:
        file_error(page, "permission denied")
    finally:
        page.chmod(0o644)


def test_file_with_bad_url(tmp_path: Path) -> None:
    page = tmp_path / "story.html"
    page.write_text(PAGE)
    with pytest.raises(UsageError) as caught:
        read_html_file(page, "not a url")
    assert "\n" not in str(caught.value)


def test_reason_phrase_is_kept_as_received(http_server: LocalHTTPServer) -> None:
    bare = b"HTTP/1.1 200 \r\nContent-Type: text/html\r\nContent-Length: 13\r\n\r\n<html></html>"
    assert fetch(http_server.route("/bare", raw=bare)).reason == ""
    custom = http_server.route("/custom", body=PAGE, reason="Fine Thanks")
    assert fetch(custom).reason == "Fine Thanks"
    gone = http_server.route("/gone", raw=b"HTTP/1.1 404 \r\nContent-Length: 0\r\n\r\n")
    failing(gone, "returned HTTP 404 Not Found; check the URL")
