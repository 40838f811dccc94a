"""capture.warc.gz writing, reading pages from WARC files, and capture.json provenance."""

from __future__ import annotations

import gzip
import hashlib
import http.client
import io
import json
import subprocess
import sys
from dataclasses import replace
from datetime import datetime, timezone
from pathlib import Path

import pytest
from warcio.archiveiterator import ArchiveIterator
from warcio.capture_http import capture_http
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from redline import __version__
from redline.archive.core.errors import InputError
from redline.archive.core.models import Capture
from redline.archive.fetch.client import fetch, read_html_file
from redline.archive.fetch.warc import (
    capture_to_warc,
    captures_from_warc,
    captures_in_warc,
    provenance,
    warc_date,
)
from tests.support.http_server import LocalHTTPServer, Route

pytest_plugins = ["tests.support.fixtures"]

PAGE = "<!doctype html><html><head><title>Story</title></head><body><p>Text é</p></body></html>"
WARCIO = Path(sys.executable).with_name("warcio")
AT = datetime(2026, 3, 4, 5, 6, 7, tzinfo=timezone.utc)


def warcio_cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(WARCIO), *args], capture_output=True, text=True, timeout=60, check=False
    )


def records(data: bytes) -> list[tuple[StatusAndHeaders, StatusAndHeaders | None, bytes]]:
    """(WARC headers, HTTP headers, raw payload) of every record."""
    found = []
    for record in ArchiveIterator(io.BytesIO(data)):
        found.append((record.rec_headers, record.http_headers, record.raw_stream.read()))
    return found


def write(tmp_path: Path, name: str, data: bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


@pytest.fixture
def http_captures(http_server: LocalHTTPServer) -> dict[str, Capture]:
    http_server.route("/plain", body=PAGE, headers=[("Set-Cookie", "a=1"), ("Set-Cookie", "b=2")])
    http_server.route("/gzip", body=PAGE * 20, encoding="gzip")
    http_server.route("/chunked", body=PAGE * 20, chunked=True)
    http_server.route("/start", Route.redirect("/plain", status=301))
    return {
        name: fetch(http_server.url(path))
        for name, path in [
            ("plain", "/plain"),
            ("gzip", "/gzip"),
            ("chunked", "/chunked"),
            ("redirected", "/start"),
        ]
    }


@pytest.fixture
def file_capture(tmp_path: Path) -> Capture:
    page = write(tmp_path, "story.html", PAGE.encode())
    return read_html_file(page, "https://example.com/story", at=AT)


# -- writing ---------------------------------------------------------------------------


def test_warcio_check_and_index_accept_every_kind(
    tmp_path: Path, http_captures: dict[str, Capture], file_capture: Capture
) -> None:
    paths = [
        str(write(tmp_path, f"{name}.warc.gz", capture_to_warc(capture)))
        for name, capture in [*http_captures.items(), ("file", file_capture)]
    ]
    checked = warcio_cli("check", "-v", *paths)
    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert "digest pass" in checked.stdout
    assert "failed" not in checked.stdout
    indexed = warcio_cli("index", "-f", "warc-type,warc-target-uri", *paths)
    assert indexed.returncode == 0, indexed.stderr
    lines = [json.loads(line) for line in indexed.stdout.splitlines()]
    types = [line["warc-type"] for line in lines]
    assert types.count("warcinfo") == types.count("metadata") == 5
    # The redirected fetch is two exchanges: the 301 and the page.
    assert types.count("request") == types.count("response") == 5
    assert types.count("resource") == 1
    assert {"warc-type": "resource", "warc-target-uri": "https://example.com/story"} in lines


def test_response_record_is_the_exchange(http_captures: dict[str, Capture]) -> None:
    capture = http_captures["gzip"]
    data = capture_to_warc(capture)
    assert data[:2] == b"\x1f\x8b"
    (info, _, info_body), (req, req_http, _), (resp, resp_http, payload), _meta = records(data)

    assert info.protocol == "WARC/1.1"
    assert info.get_header("WARC-Type") == "warcinfo"
    assert f"software: redline/{__version__}".encode() in info_body

    assert resp.get_header("WARC-Type") == "response"
    assert resp.get_header("WARC-Target-URI") == capture.final_url
    assert resp.get_header("WARC-Date") == warc_date(capture.fetched_at)
    assert resp.get_header("WARC-Payload-Digest").startswith("sha1:")
    assert resp.get_header("WARC-Block-Digest").startswith("sha1:")
    assert resp_http is not None
    assert resp_http.protocol == "HTTP/1.1"
    assert resp_http.statusline == "200 OK"
    assert resp_http.headers == list(capture.headers)
    assert payload == capture.wire_body
    assert gzip.decompress(payload) == capture.body

    assert req.get_header("WARC-Type") == "request"
    assert req.get_header("WARC-Concurrent-To") == resp.get_header("WARC-Record-ID")
    assert req.get_header("WARC-Target-URI") == capture.final_url
    assert req_http is not None
    assert req_http.protocol == "GET"
    assert req_http.statusline.endswith("/gzip HTTP/1.1")
    assert req_http.headers == list(capture.request_headers)
    assert info.get_header("WARC-Record-ID") == resp.get_header("WARC-Warcinfo-ID")


def record_offsets(data: bytes) -> list[tuple[int, str]]:
    iterator = ArchiveIterator(io.BytesIO(data))
    return [(iterator.offset, record.rec_type) for record in iterator]


def test_each_redirect_hop_is_its_own_exchange(http_server: LocalHTTPServer) -> None:
    moved = b'<html><body><a href="/plain">moved here</a></body></html>'
    http_server.route("/old", Route.redirect("/plain", status=301, body=moved))
    http_server.route("/plain", body=PAGE)
    capture = fetch(http_server.url("/old"))
    found = records(capture_to_warc(capture))
    kinds = [
        (rec.get_header("WARC-Type"), rec.get_header("WARC-Target-URI")) for rec, _, _ in found
    ]
    assert kinds == [
        ("warcinfo", None),
        ("request", http_server.url("/old")),
        ("response", http_server.url("/old")),
        ("request", http_server.url("/plain")),
        ("response", http_server.url("/plain")),
        ("metadata", http_server.url("/plain")),
    ]
    (_, _, _), (req1, req1_http, _), (resp1, resp1_http, body1) = found[:3]
    (req2, _, _), (resp2, resp2_http, body2), (meta, _, meta_body) = found[3:]
    # Each request points at its own response; each response names the server.
    assert req1.get_header("WARC-Concurrent-To") == resp1.get_header("WARC-Record-ID")
    assert req2.get_header("WARC-Concurrent-To") == resp2.get_header("WARC-Record-ID")
    assert resp1.get_header("WARC-IP-Address") == resp2.get_header("WARC-IP-Address") == "127.0.0.1"
    assert req1_http is not None and req1_http.statusline == "/old HTTP/1.1"
    assert resp1_http is not None and resp1_http.statusline == "301 Moved Permanently"
    assert resp1_http.get_header("Location") == "/plain"
    assert body1 == moved  # the redirect as it was served
    assert resp2_http is not None and resp2_http.statusline == "200 OK" and body2 == PAGE.encode()
    # The metadata record ties the article's id to the page's response.
    assert meta.get_header("WARC-Refers-To") == resp2.get_header("WARC-Record-ID")
    assert f"article-id: {http_server.url('/old')}".encode() in meta_body
    assert f"redirect: {http_server.url('/old')} 301 {http_server.url('/plain')}".encode() in (
        meta_body
    )
    # Read back, the chain is whole again.
    (back,) = captures_in_warc(capture_to_warc(capture), "stored")
    assert [(h.url, h.status, h.location, h.body) for h in back.redirects] == [
        (http_server.url("/old"), 301, http_server.url("/plain"), moved)
    ]
    assert back.ip_address == "127.0.0.1"


def test_a_redirect_body_is_kept_when_its_end_is_known(http_server: LocalHTTPServer) -> None:
    moved = "<p>moved</p>" * 20
    http_server.route("/chunked", Route.redirect("/plain", status=302, body=moved, chunked=True))
    http_server.route("/unbounded", Route.redirect("/plain", status=302, body=moved, length=False))
    http_server.route("/plain", body=PAGE)
    (chunked,) = fetch(http_server.url("/chunked")).redirects
    assert chunked.body == moved.encode()
    # A body that ends only when the server closes is not waited for.
    capture = fetch(http_server.url("/unbounded"))
    (unbounded,) = capture.redirects
    assert unbounded.body is None
    (_, _, _), (_, _, _), (_, hop_http, payload), *_ = records(capture_to_warc(capture))
    assert hop_http is not None and payload == b""
    assert hop_http.get_header("Location") == "/plain"


def test_a_capture_through_a_tracking_link_is_filed_under_the_article_id(
    tmp_path: Path, http_server: LocalHTTPServer
) -> None:
    http_server.route("/plain", body=PAGE)
    capture = fetch(http_server.url("/plain?utm_source=feed&id=7"))
    data = capture_to_warc(capture)
    found = records(data)
    (response,) = [rec for rec, _, _ in found if rec.get_header("WARC-Type") == "response"]
    (revisit, revisit_http, payload) = found[-1]
    article_id = http_server.url("/plain?id=7")
    assert revisit.get_header("WARC-Type") == "revisit"
    assert revisit.get_header("WARC-Target-URI") == article_id
    assert revisit.get_header("WARC-Profile").endswith("/revisit/identical-payload-digest")
    assert revisit.get_header("WARC-Refers-To") == response.get_header("WARC-Record-ID")
    assert revisit.get_header("WARC-Refers-To-Target-URI") == capture.final_url
    assert revisit.get_header("WARC-Refers-To-Date") == response.get_header("WARC-Date")
    assert revisit.get_header("WARC-Payload-Digest") == response.get_header("WARC-Payload-Digest")
    assert revisit_http is not None and revisit_http.statusline == "200 OK" and payload == b""
    # Replay tools index it under the article's URL: cdxj-indexer (pywb's indexer).
    path = write(tmp_path, "tracked.warc.gz", data)
    assert warcio_cli("check", str(path)).returncode == 0
    index = subprocess.run(
        [str(WARCIO.with_name("cdxj-indexer")), str(path)],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert any(
        line.startswith("1,0,0,127:")
        and "/plain?id=7 " in line
        and '"mime": "warc/revisit"' in line
        for line in index.splitlines()
    ), index
    # A capture already at the article's URL needs no revisit.
    plain = fetch(http_server.url("/plain"))
    assert "revisit" not in [
        rec.get_header("WARC-Type") for rec, _, _ in records(capture_to_warc(plain))
    ]


def test_chunked_transfer_header_is_renamed(http_captures: dict[str, Capture]) -> None:
    capture = http_captures["chunked"]
    _, _, (_, resp_http, payload), _meta = records(capture_to_warc(capture))
    assert resp_http is not None
    assert resp_http.get_header("Transfer-Encoding") is None
    assert resp_http.get_header("X-Redline-Orig-Transfer-Encoding") == "chunked"
    assert payload == capture.body


def test_file_capture_is_a_resource_record(file_capture: Capture) -> None:
    (info, _, _), (resource, http_headers, payload), _meta = records(capture_to_warc(file_capture))
    assert resource.get_header("WARC-Type") == "resource"
    assert resource.get_header("Content-Type") == "text/html"
    assert resource.get_header("WARC-Target-URI") == "https://example.com/story"
    assert resource.get_header("WARC-Date") == "2026-03-04T05:06:07Z"
    assert resource.get_header("WARC-Payload-Digest")
    assert http_headers is None
    assert payload == PAGE.encode()


def test_output_is_deterministic(http_captures: dict[str, Capture], file_capture: Capture) -> None:
    for capture in [*http_captures.values(), file_capture]:
        assert capture_to_warc(capture) == capture_to_warc(capture)
    later = replace(file_capture, fetched_at=datetime(2026, 3, 4, 5, 6, 8, tzinfo=timezone.utc))
    ids = [rec.get_header("WARC-Record-ID") for rec, _, _ in records(capture_to_warc(later))]
    first = [
        rec.get_header("WARC-Record-ID") for rec, _, _ in records(capture_to_warc(file_capture))
    ]
    assert not set(ids) & set(first)


def test_warc_date() -> None:
    assert warc_date(AT) == "2026-03-04T05:06:07Z"
    assert warc_date(AT.replace(microsecond=120)) == "2026-03-04T05:06:07.000120Z"
    assert warc_date(datetime(2026, 3, 4, 5, 6, 7)) == "2026-03-04T05:06:07Z"


def test_non_ascii_header_bytes_survive(http_server: LocalHTTPServer) -> None:
    raw = (
        b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nX-Title: caf\xe9\r\n"
        b"Content-Length: 13\r\n\r\n<html></html>"
    )
    capture = fetch(http_server.route("/latin1", raw=raw))
    assert b"X-Title: caf\xe9\r\n" in gzip.decompress(capture_to_warc(capture))


# -- reading ---------------------------------------------------------------------------


def test_round_trip(
    tmp_path: Path, http_captures: dict[str, Capture], file_capture: Capture
) -> None:
    for name, capture in [*http_captures.items(), ("file", file_capture)]:
        path = write(tmp_path, f"{name}.warc.gz", capture_to_warc(capture))
        (back,) = list(captures_from_warc(path))
        assert back.source == "warc"
        assert back.file_path == str(path)
        assert back.final_url == capture.final_url
        assert back.body == capture.body
        assert back.wire_body == capture.wire_body
        assert back.fetched_at == capture.fetched_at
        assert back.status == capture.status
        assert back.headers == capture.headers
        assert back.request_headers == capture.request_headers
        assert back.user_agent == capture.user_agent
        if capture.status is not None:
            assert (back.reason, back.http_version) == (capture.reason, capture.http_version)


def test_reads_a_warc_recorded_by_warcio(tmp_path: Path, http_server: LocalHTTPServer) -> None:
    http_server.route("/old", Route.redirect("/story", status=301))
    http_server.route("/story", body=PAGE * 10, chunked=True, encoding="gzip")
    http_server.route("/logo.png", body=b"\x89PNG...", content_type="image/png")
    path = tmp_path / "recorded.warc.gz"
    with capture_http(str(path)):
        connection = http.client.HTTPConnection("127.0.0.1", http_server.port, timeout=5)
        for target in ["/old", "/story", "/logo.png", "/missing"]:
            connection.request("GET", target, headers={"User-Agent": "recorder/2"})
            connection.getresponse().read()
        connection.close()
    (capture,) = list(captures_from_warc(path))
    assert capture.final_url == http_server.url("/story")
    assert capture.requested_url == http_server.url("/old")
    assert [(hop.url, hop.status, hop.location) for hop in capture.redirects] == [
        (http_server.url("/old"), 301, http_server.url("/story"))
    ]
    assert capture.body == (PAGE * 10).encode()
    assert capture.wire_body is not None and gzip.decompress(capture.wire_body) == capture.body
    assert capture.user_agent == "recorder/2"
    assert capture.header("Transfer-Encoding") == "chunked"


def build_warc(*, compress: bool = True) -> bytes:
    """A WARC of assorted records, as another crawler might write it."""
    out = io.BytesIO()
    writer = WARCWriter(out, gzip=compress)

    def response(uri: str, status: str, headers: list[tuple[str, str]], body: bytes) -> None:
        http_headers = StatusAndHeaders(status, headers, protocol="HTTP/1.1")
        writer.write_record(
            writer.create_warc_record(
                uri,
                "response",
                payload=io.BytesIO(body),
                length=len(body),
                http_headers=http_headers,
            )
        )

    html = [("Content-Type", "text/html; charset=utf-8")]
    response("https://news.example/a", "200 OK", html, b"<html><p>A</p></html>")
    response("https://news.example/img.png", "200 OK", [("Content-Type", "image/png")], b"\x89PNG")
    response("https://news.example/gone", "404 Not Found", html, b"<html>missing</html>")
    response(
        "https://news.example/b",
        "200 OK",
        [*html, ("Content-Encoding", "gzip")],
        gzip.compress(b"<html><p>B</p></html>"),
    )
    response("https://news.example/c", "200 OK", [], b"  <!DOCTYPE html><p>C</p>")
    response("https://news.example/empty", "200 OK", html, b"")
    for uri, content_type, body in [
        ("https://news.example/d", "text/html", b"<html><p>D</p></html>"),
        ("https://news.example/notes.txt", "text/plain", b"notes"),
        ("dns:news.example", "text/dns", b"20260304 news.example. 300 IN A 192.0.2.1"),
    ]:
        writer.write_record(
            writer.create_warc_record(
                uri,
                "resource",
                payload=io.BytesIO(body),
                length=len(body),
                warc_content_type=content_type,
            )
        )
    writer.write_record(
        writer.create_warc_record(
            "https://news.example/a", "metadata", payload=io.BytesIO(b"x: 1\r\n"), length=6
        )
    )
    return out.getvalue()


@pytest.mark.parametrize("compress", [True, False])
def test_only_html_pages_are_read(tmp_path: Path, compress: bool) -> None:
    path = write(
        tmp_path, "mixed.warc" + (".gz" if compress else ""), build_warc(compress=compress)
    )
    found = {capture.final_url: capture for capture in captures_from_warc(path)}
    assert sorted(found) == [
        "https://news.example/a",
        "https://news.example/b",
        "https://news.example/c",
        "https://news.example/d",
    ]
    assert found["https://news.example/b"].body == b"<html><p>B</p></html>"
    assert found["https://news.example/b"].wire_body is not None
    assert found["https://news.example/d"].status is None
    assert found["https://news.example/a"].status == 200


def warc_error(path: Path, *needles: str, **options: int) -> str:
    with pytest.raises(InputError) as caught:
        list(captures_from_warc(path, **options))
    message = str(caught.value)
    assert "\n" not in message
    assert ";" in message
    assert caught.value.__cause__ is None
    for needle in [str(path), *needles]:
        assert needle in message, f"{needle!r} not in {message!r}"
    return message


@pytest.mark.parametrize(
    ("name", "content", "needle"),
    [
        ("page.html", PAGE.encode(), "not a readable WARC"),
        ("notes.txt", b"just some text\nover lines\n", "not a readable WARC"),
        ("random.gz", gzip.compress(b"\x00\x01\x02 not a warc", mtime=0), "not a readable WARC"),
        ("noise.bin", bytes(range(256)) * 4, "not a readable WARC"),
        ("empty.warc.gz", b"", "is empty"),
    ],
)
def test_not_a_warc(tmp_path: Path, name: str, content: bytes, needle: str) -> None:
    warc_error(write(tmp_path, name, content), needle)


def test_missing_and_directory(tmp_path: Path) -> None:
    warc_error(tmp_path / "missing.warc.gz", "no such file")
    warc_error(tmp_path, "is a directory")


def test_truncated_warc(tmp_path: Path, file_capture: Capture) -> None:
    data = capture_to_warc(file_capture)
    # Cut inside the page's record (the records after it are redline's notes about it).
    page_end = [offset for offset, kind in record_offsets(data) if kind == "metadata"][0]
    warc_error(write(tmp_path, "cut.warc.gz", data[: page_end - 40]), "truncated or damaged")


def test_warc_without_html(tmp_path: Path) -> None:
    out = io.BytesIO()
    writer = WARCWriter(out, gzip=True)
    writer.write_record(
        writer.create_warc_record(
            "https://x.example/a.txt",
            "resource",
            payload=io.BytesIO(b"hi"),
            length=2,
            warc_content_type="text/plain",
        )
    )
    warc_error(write(tmp_path, "text.warc.gz", out.getvalue()), "holds no HTML pages")


def test_page_over_limit(tmp_path: Path, file_capture: Capture) -> None:
    path = write(tmp_path, "f.warc.gz", capture_to_warc(file_capture))
    warc_error(path, "over the 10 byte limit", max_bytes=10)


# -- provenance ------------------------------------------------------------------------


def test_provenance_of_a_fetch(http_captures: dict[str, Capture]) -> None:
    capture = http_captures["redirected"]
    data = provenance(capture, user_agent=None)
    assert json.loads(json.dumps(data)) == data
    assert data["redline_version"] == __version__
    assert data["source"] == "http"
    assert data["requested_url"].endswith("/start")
    assert data["final_url"].endswith("/plain")
    assert data["redirects"] == [
        {
            "url": capture.redirects[0].url,
            "status": 301,
            "location": capture.final_url,
            "fetched_at": data["redirects"][0]["fetched_at"],
            "ip_address": "127.0.0.1",
        }
    ]
    assert data["redirects"][0]["fetched_at"] <= data["fetched_at"]
    assert data["ip_address"] == "127.0.0.1"
    assert data["status"] == 200 and data["reason"] == "OK"
    assert data["http_version"] == "HTTP/1.1"
    assert data["fetched_at"].endswith("Z")
    assert ["Set-Cookie", "a=1"] in data["headers"] and ["Set-Cookie", "b=2"] in data["headers"]
    assert data["request_headers"][0][0] == "Host"
    assert data["content_type"] == "text/html; charset=utf-8"
    assert data["user_agent"] == capture.user_agent
    assert data["file"] is None
    assert data["body_sha256"] == hashlib.sha256(capture.body).hexdigest()
    assert data["body_length"] == len(capture.body)
    assert "wire_sha256" not in data
    assert provenance(capture, user_agent="other/1")["user_agent"] == "other/1"


def test_provenance_of_compressed_and_file_captures(
    http_captures: dict[str, Capture], file_capture: Capture
) -> None:
    packed = http_captures["gzip"]
    assert packed.wire_body is not None
    data = provenance(packed, user_agent=packed.user_agent)
    assert data["wire_sha256"] == hashlib.sha256(packed.wire_body).hexdigest()
    assert data["wire_length"] == len(packed.wire_body)
    assert data["body_sha256"] != data["wire_sha256"]

    data = provenance(file_capture, user_agent=None)
    assert data["source"] == "file"
    assert data["file"] == file_capture.file_path
    assert data["status"] is None and data["http_version"] is None
    assert data["fetched_at"] == "2026-03-04T05:06:07Z"
    assert data["headers"] == [] and data["redirects"] == []
