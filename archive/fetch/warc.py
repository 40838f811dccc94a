"""WARC files: one capture written as ``capture.warc.gz``, and pages read from any WARC.

Written with warcio, the reference WARC library (it streams records, computes the
digests and its ``warcio check`` verifies them).

``capture_to_warc`` writes WARC/1.1, one gzip member per record:

1. ``warcinfo``: software (redline/version), format, conformsTo, and the User-Agent.
2. For a fetched page (``status`` is set): a ``request`` record (the request line and
   the headers actually sent) and a ``response`` record (status line, the response
   headers as received, in order, and the body as it travelled: still compressed when
   a Content-Encoding was applied). Both have WARC-Target-URI = the final URL and
   WARC-Date = the fetch time; the request points at the response with
   WARC-Concurrent-To. The body in the record is not chunked, since the HTTP client
   removes chunked framing: a ``Transfer-Encoding`` header is therefore written as
   ``X-Redline-Orig-Transfer-Encoding`` so that readers do not try to de-chunk, and
   the payload digest is the digest of the entity body as every reader computes it.
3. For a saved file (``status`` is None): one ``resource`` record of ``text/html``
   holding the file's bytes, with WARC-Target-URI = the URL it was saved from.

Redirect hops are not written as records: only the final exchange is kept in the
WARC, and the chain (URL, status, Location of each hop) is in ``capture.json`` (see
``provenance``).

Every record has WARC-Block-Digest and (except warcinfo) WARC-Payload-Digest, SHA-1 in
base 32 as is usual for WARC tools. The output is deterministic: WARC-Record-IDs are
UUIDv5 derived from the record type, target URI, date and a SHA-256 of the record's
content, and the gzip headers carry no time stamp, so the same Capture always gives
the same bytes.

``captures_from_warc`` reads HTML pages out of WARC (or ARC) files made by any tool.
"""

from __future__ import annotations

import hashlib
import io
import re
import uuid
import zlib
from collections.abc import Iterator
from dataclasses import replace
from datetime import datetime, timezone
from pathlib import Path
from typing import Any
from urllib.parse import urljoin, urlsplit

from warcio.archiveiterator import ArchiveIterator
from warcio.bufferedreaders import ChunkedDataReader
from warcio.statusandheaders import StatusAndHeaders
from warcio.timeutils import iso_date_to_datetime
from warcio.warcwriter import WARCWriter

from redline import __version__
from redline.archive.core.errors import InputError, one_line
from redline.archive.core.models import Capture, Redirect
from redline.archive.core.times import utc_now
from redline.archive.fetch.client import (
    DEFAULT_MAX_BYTES,
    BodyTooLarge,
    decode_body,
    is_html_type,
    looks_like_html,
)
from redline.archive.fetch.provenance import provenance

__all__ = ["capture_to_warc", "captures_from_warc", "provenance", "warc_date"]

WARC_VERSION = "WARC/1.1"
SOFTWARE = f"redline/{__version__} (+https://github.com/redline-archive/redline)"
_CONFORMS_TO = "http://iipc.github.io/warc-specifications/specifications/warc-format/warc-1.1/"
_ID_NAMESPACE = uuid.uuid5(uuid.NAMESPACE_URL, "https://github.com/redline-archive/redline/warc")
RENAMED_TRANSFER_ENCODING = "X-Redline-Orig-Transfer-Encoding"


class _Headers(StatusAndHeaders):
    """HTTP headers written back as the bytes they were read as.

    The HTTP client decodes header bytes as ISO-8859-1, so encoding them the same way
    restores the bytes received (warcio would write UTF-8).
    """

    def compute_headers_buffer(self, header_filter: Any = None) -> None:
        text = self.to_str(header_filter) + "\r\n"
        try:
            self.headers_buff = text.encode("iso-8859-1")
        except UnicodeEncodeError:
            self.headers_buff = text.encode("utf-8")


def warc_date(when: datetime) -> str:
    """A WARC-Date: UTC, ISO 8601 with a Z, with microseconds only when there are some."""
    if when.tzinfo is None:
        when = when.replace(tzinfo=timezone.utc)
    when = when.astimezone(timezone.utc)
    pattern = "%Y-%m-%dT%H:%M:%S.%fZ" if when.microsecond else "%Y-%m-%dT%H:%M:%SZ"
    return when.strftime(pattern)


def _record_id(kind: str, uri: str, date: str, content: bytes) -> str:
    digest = hashlib.sha256(content).hexdigest()
    return f"<urn:uuid:{uuid.uuid5(_ID_NAMESPACE, f'{kind} {uri} {date} {digest}')}>"


def _request_target(url: str) -> str:
    parts = urlsplit(url)
    target = parts.path or "/"
    if parts.query:
        target += "?" + parts.query
    return target


def capture_to_warc(capture: Capture) -> bytes:
    """``capture`` as a gzipped WARC/1.1 file (see the module docstring)."""
    out = io.BytesIO()
    writer = WARCWriter(out, gzip=True, warc_version=WARC_VERSION)
    date = warc_date(capture.fetched_at)
    uri = capture.final_url

    info_lines = [
        ("software", SOFTWARE),
        ("format", "WARC File Format 1.1"),
        ("conformsTo", _CONFORMS_TO),
    ]
    if capture.user_agent:
        info_lines.append(("http-header-user-agent", capture.user_agent))
    info = "".join(f"{k}: {v}\r\n" for k, v in info_lines).encode("utf-8")
    info_id = _record_id("warcinfo", uri, date, info + capture.body)
    warcinfo = writer.create_warc_record(
        "",
        "warcinfo",
        payload=io.BytesIO(info),
        length=len(info),
        warc_content_type="application/warc-fields",
        warc_headers_dict={
            "WARC-Record-ID": info_id,
            "WARC-Date": date,
            "WARC-Filename": "capture.warc.gz",
        },
    )
    writer.write_record(warcinfo)

    if capture.status is None:
        resource = writer.create_warc_record(
            uri,
            "resource",
            payload=io.BytesIO(capture.body),
            length=len(capture.body),
            warc_content_type="text/html",
            warc_headers_dict={
                "WARC-Record-ID": _record_id("resource", uri, date, capture.body),
                "WARC-Date": date,
                "WARC-Warcinfo-ID": info_id,
            },
        )
        writer.write_record(resource)
        return out.getvalue()

    wire = capture.wire_body if capture.wire_body is not None else capture.body
    headers = [
        (RENAMED_TRANSFER_ENCODING if name.lower() == "transfer-encoding" else name, value)
        for name, value in capture.headers
    ]
    status_line = f"{capture.status} {capture.reason}".rstrip()
    http_headers = _Headers(status_line, headers, protocol=capture.http_version or "HTTP/1.1")
    http_headers.compute_headers_buffer()
    response_id = _record_id("response", uri, date, http_headers.headers_buff + wire)
    response = writer.create_warc_record(
        uri,
        "response",
        payload=io.BytesIO(wire),
        length=len(wire),
        http_headers=http_headers,
        warc_headers_dict={
            "WARC-Record-ID": response_id,
            "WARC-Date": date,
            "WARC-Warcinfo-ID": info_id,
        },
    )
    if capture.request_headers:
        request_line = f"GET {_request_target(uri)} HTTP/1.1"
        request_headers = _Headers(
            request_line, list(capture.request_headers), is_http_request=True
        )
        request_headers.compute_headers_buffer()
        request = writer.create_warc_record(
            uri,
            "request",
            payload=io.BytesIO(b""),
            length=0,
            http_headers=request_headers,
            warc_headers_dict={
                "WARC-Record-ID": _record_id("request", uri, date, request_headers.headers_buff),
                "WARC-Date": date,
                "WARC-Warcinfo-ID": info_id,
                "WARC-Concurrent-To": response_id,
            },
        )
        writer.write_record(request)
    writer.write_record(response)
    return out.getvalue()


# -- reading ---------------------------------------------------------------------------


def _target_uri(record: Any) -> str:
    uri = record.rec_headers.get_header("WARC-Target-URI") or ""
    uri = uri.strip()
    if uri.startswith("<") and uri.endswith(">"):  # WARC/1.1 drafts wrapped it
        uri = uri[1:-1]
    return uri


def _record_date(record: Any) -> datetime:
    text = record.rec_headers.get_header("WARC-Date") or ""
    try:
        when: datetime = iso_date_to_datetime(text.strip(), tz_aware=True)
    except (ValueError, TypeError, IndexError):
        return utc_now()
    return when


def _header(pairs: list[tuple[str, str]], name: str) -> str | None:
    lname = name.lower()
    for key, value in pairs:
        if key.lower() == lname:
            return value
    return None


class _Reader:
    """State for one pass over a WARC file."""

    def __init__(self, name: str, max_bytes: int) -> None:
        self.name = name
        self.max_bytes = max_bytes
        # Redirects seen so far, by the URL they point to, to rebuild chains.
        self.redirect_to: dict[str, Redirect] = {}
        # Request headers seen before their response, by target URI.
        self.requests: dict[str, list[tuple[str, str]]] = {}

    def _too_large(self, uri: str) -> InputError:
        return InputError(
            f"{self.name}: the page for {uri} is over the {self.max_bytes} byte limit; "
            "raise --max-bytes to read it"
        )

    def _payload(self, record: Any, uri: str) -> bytes:
        stream = record.raw_stream
        parts: list[bytes] = []
        size = 0
        while size <= self.max_bytes:
            part: bytes = stream.read(min(1 << 20, self.max_bytes + 1 - size))
            if not part:
                break
            parts.append(part)
            size += len(part)
        if size > self.max_bytes:
            raise self._too_large(uri)
        if getattr(stream, "limit", 0) > 0:  # the record promised more than the file holds
            raise InputError(
                f"{self.name} is truncated or damaged (the record for {uri} is cut short); "
                "get a complete copy of the file"
            )
        return b"".join(parts)

    def remember_redirect(self, record: Any, uri: str, status: int) -> None:
        location = record.http_headers.get_header("Location")
        if location:
            target = urljoin(uri, location.strip()).split("#", 1)[0]
            if target != uri:
                self.redirect_to[target] = Redirect(uri, status, target)

    def chain(self, uri: str) -> tuple[Redirect, ...]:
        hops: list[Redirect] = []
        seen = {uri}
        current = uri
        while current in self.redirect_to:
            hop = self.redirect_to[current]
            if hop.url in seen:
                break
            seen.add(hop.url)
            hops.append(hop)
            current = hop.url
        return tuple(reversed(hops))

    def response(self, record: Any) -> Capture | None:
        uri = _target_uri(record)
        http = record.http_headers
        if http is None or not uri.lower().startswith(("http:", "https:")):
            return None
        try:
            status = int(http.get_statuscode())
        except (TypeError, ValueError):
            return None
        request_headers = self.requests.pop(uri, [])
        if 300 <= status < 400:
            self.remember_redirect(record, uri, status)
            return None
        if not 200 <= status < 300:
            return None
        headers = [
            ("Transfer-Encoding" if k == RENAMED_TRANSFER_ENCODING else k, v)
            for k, v in http.headers
        ]
        content_type = _header(headers, "Content-Type")
        if content_type and not is_html_type(content_type):
            return None
        raw = self._payload(record, uri)
        if (_header(headers, "Transfer-Encoding") or "").lower().strip() == "chunked":
            raw = ChunkedDataReader(io.BytesIO(raw)).read()
        encoding = (_header(headers, "Content-Encoding") or "").strip().lower()
        if encoding in ("", "identity"):
            body, wire = raw, None
        else:
            body, wire = self._decode(raw, encoding, uri), raw
        if not body or (not content_type and not looks_like_html(body)):
            return None
        statusline = http.statusline or ""
        reason = statusline.split(" ", 1)[1] if " " in statusline else ""
        redirects = self.chain(uri)
        return Capture(
            requested_url=redirects[0].url if redirects else uri,
            final_url=uri,
            body=body,
            fetched_at=_record_date(record),
            source="warc",
            status=status,
            reason=reason,
            http_version=http.protocol or "HTTP/1.1",
            headers=tuple(headers),
            request_headers=tuple(request_headers),
            redirects=redirects,
            wire_body=wire,
            file_path=self.name,
            user_agent=_header(request_headers, "User-Agent"),
        )

    def _decode(self, raw: bytes, encoding: str, uri: str) -> bytes:
        try:
            if encoding == "br":
                try:
                    import brotli
                except ImportError:
                    raise InputError(
                        f"{self.name}: the page for {uri} is brotli-compressed; "
                        "install the brotli package to read it"
                    ) from None
                body: bytes = brotli.decompress(raw)
                if len(body) > self.max_bytes:
                    raise BodyTooLarge
                return body
            return decode_body(raw, encoding, self.max_bytes)
        except BodyTooLarge:
            raise self._too_large(uri) from None
        except (zlib.error, ValueError) as exc:
            raise InputError(
                f"{self.name}: the page for {uri} has a corrupt or unknown "
                f"{encoding!r} body ({one_line(str(exc))}); the WARC may be damaged"
            ) from None

    def resource(self, record: Any) -> Capture | None:
        uri = _target_uri(record)
        if not uri.lower().startswith(("http:", "https:")):
            return None
        content_type = record.rec_headers.get_header("Content-Type")
        if content_type and not is_html_type(content_type):
            return None
        body = self._payload(record, uri)
        if not body or (not content_type and not looks_like_html(body)):
            return None
        return Capture(
            requested_url=uri,
            final_url=uri,
            body=body,
            fetched_at=_record_date(record),
            source="warc",
            status=None,
            file_path=self.name,
        )


def _not_a_warc(name: str, exc: BaseException) -> InputError:
    detail = one_line(str(exc))[:120]
    detail = re.sub(r"\s*This file is probably.*", "", detail)
    return InputError(
        f"{name} is not a readable WARC file ({detail or type(exc).__name__}); "
        "give a .warc or .warc.gz file"
    )


def _check_signature(handle: Any, name: str) -> None:
    """Raise InputError unless the file starts like a WARC or ARC file (maybe gzipped)."""
    head: bytes = handle.read(4096)
    handle.seek(0)
    text = head
    if head.startswith(b"\x1f\x8b"):
        try:
            text = zlib.decompressobj(16 + zlib.MAX_WBITS).decompress(head, 64)
        except zlib.error as exc:
            raise _not_a_warc(name, exc) from None
    if not text.startswith((b"WARC/", b"filedesc://")):
        start = text[:12].decode("ascii", "replace")
        shown = "".join(ch if ch.isprintable() else "?" for ch in start)
        raise InputError(
            f"{name} is not a readable WARC file (it starts with {shown!r}, not 'WARC/'); "
            "give a .warc or .warc.gz file"
        )


def captures_from_warc(
    path: str | Path, *, max_bytes: int = DEFAULT_MAX_BYTES
) -> Iterator[Capture]:
    """The HTML pages in a WARC (or ARC) file, in file order, as ``source="warc"`` Captures.

    Yields 2xx ``response`` records of text/html or application/xhtml+xml (or with no
    type, sniffed as HTML) and ``resource`` records of HTML, bodies decompressed.
    Request headers are attached from the matching ``request`` record; redirect chains
    are rebuilt from 3xx responses earlier in the file. Raises ``InputError`` for a
    missing, empty or unreadable file, one that is not a WARC, a damaged record, a page
    over ``max_bytes``, or a file with no HTML pages at all.
    """
    path = Path(path)
    name = str(path)
    try:
        size = path.stat().st_size
    except FileNotFoundError:
        raise InputError(f"no such file: {name}; check the path") from None
    except OSError as exc:
        raise InputError(f"cannot read {name} ({one_line(str(exc))}); check the path") from None
    if path.is_dir():
        raise InputError(f"{name} is a directory; give a .warc or .warc.gz file")
    if size == 0:
        raise InputError(f"{name} is empty; give a .warc or .warc.gz file")
    try:
        handle = path.open("rb")
    except OSError as exc:
        reason = "permission denied" if isinstance(exc, PermissionError) else exc.strerror
        raise InputError(f"cannot read {name} ({reason}); check its permissions") from None

    with handle:
        _check_signature(handle, name)
        yield from _captures(handle, name, max_bytes)


def captures_in_warc(
    data: bytes, name: str, *, max_bytes: int = DEFAULT_MAX_BYTES
) -> Iterator[Capture]:
    """``captures_from_warc`` for a WARC held in memory (a version's ``capture.warc.gz``);
    ``name`` is how messages call it."""
    handle = io.BytesIO(data)
    _check_signature(handle, name)
    yield from _captures(handle, name, max_bytes)


def _captures(handle: Any, name: str, max_bytes: int) -> Iterator[Capture]:
    reader = _Reader(name, max_bytes)
    found = 0
    pending: Capture | None = None
    pending_id: str | None = None
    records = iter(ArchiveIterator(handle, arc2warc=True))
    while True:
        try:
            record = next(records, None)
            if record is None:
                break
            kind = record.rec_type
            uri = _target_uri(record)
            record_id = record.rec_headers.get_header("WARC-Record-ID")
            if kind == "request":
                headers = list(record.http_headers.headers) if record.http_headers else []
                concurrent = record.rec_headers.get_header("WARC-Concurrent-To")
                if (
                    pending is not None
                    and not pending.request_headers
                    and ((concurrent and concurrent == pending_id) or uri == pending.final_url)
                ):
                    pending = replace(
                        pending,
                        request_headers=tuple(headers),
                        user_agent=_header(headers, "User-Agent"),
                    )
                else:
                    if len(reader.requests) > 1000:
                        reader.requests.clear()
                    reader.requests[uri] = headers
                continue
            if kind == "response":
                capture = reader.response(record)
            elif kind == "resource":
                capture = reader.resource(record)
            else:
                continue
        except InputError:
            raise
        except Exception as exc:  # warcio raises many kinds on damaged input
            raise _not_a_warc(name, exc) from None
        if capture is None:
            continue
        if pending is not None:
            found += 1
            yield pending
        pending, pending_id = capture, record_id
    if pending is not None:
        found += 1
        yield pending
    if not found:
        raise InputError(
            f"{name} holds no HTML pages (no 2xx text/html response or resource records); "
            "nothing to capture"
        )
