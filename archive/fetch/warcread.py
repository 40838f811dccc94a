"""Reading HTML pages out of WARC (or ARC) files made by any tool.

``captures_from_warc`` yields every 2xx HTML page of a file as a ``source="warc"``
Capture: its request headers come from the matching ``request`` record, its redirect
chain from the 3xx responses earlier in the file, and the server's address from
``WARC-IP-Address``. A page read from a WARC (not an ARC) file also carries the records
of its exchange exactly as the file held them (``Capture.source_records``): the
``warcinfo`` its response names (or the last one before it), each hop's ``request`` and
``response``, and any record that refers to one of them (``WARC-Concurrent-To`` or
``WARC-Refers-To``: a crawler's metadata), in file order, so that storing the page can
copy them with their record ids instead of writing new ones.
"""

from __future__ import annotations

import gzip
import io
import re
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace
from datetime import datetime
from pathlib import Path
from typing import Any
from urllib.parse import urljoin

from warcio.archiveiterator import ArchiveIterator
from warcio.bufferedreaders import ChunkedDataReader
from warcio.timeutils import iso_date_to_datetime

from redline.archive.core.errors import InputError, one_line
from redline.archive.core.models import Capture, Redirect
from redline.archive.core.times import utc_now
from redline.archive.fetch.client import (
    DEFAULT_MAX_BYTES,
    REDIRECT_BODY_LIMIT,
    BodyTooLarge,
    decode_body,
    is_html_type,
    looks_like_html,
)

__all__ = ["RENAMED_TRANSFER_ENCODING", "captures_from_warc", "captures_in_warc", "record_fields"]

#: redline writes a response's ``Transfer-Encoding`` header under this name, since the
#: body it stores is no longer chunked.
RENAMED_TRANSFER_ENCODING = "X-Redline-Orig-Transfer-Encoding"


def record_fields(raw: bytes) -> dict[str, str]:
    """The WARC header fields of one uncompressed record, names lower-cased."""
    head = raw.split(b"\r\n\r\n", 1)[0].decode("utf-8", "replace")
    fields: dict[str, str] = {}
    for line in head.split("\r\n")[1:]:
        name, sep, value = line.partition(":")
        if sep:
            fields.setdefault(name.strip().lower(), value.strip())
    return fields


def _one_record(member: bytes) -> bytes | None:
    """The uncompressed bytes of the one record ``member`` holds (a gzip member or the
    plain bytes between two records), its trailing blank lines normalised; None when it
    does not hold exactly one whole record (a file gzipped as one stream)."""
    if member.startswith(b"\x1f\x8b"):
        try:
            member = gzip.decompress(member)
        except (OSError, EOFError, zlib.error):
            return None
    if not member.startswith(b"WARC/"):
        return None
    end = member.find(b"\r\n\r\n")
    length = record_fields(member).get("content-length", "")
    if end < 0 or not length.isdigit():
        return None
    stop = end + 4 + int(length)
    if len(member) < stop or member[stop:].strip(b"\r\n"):
        return None
    return member[:stop] + b"\r\n\r\n"


@dataclass
class _Span:
    """Where one record lies in the file, and what ties it to others."""

    start: int
    kind: str
    record_id: str
    end: int = -1
    links: tuple[str, ...] = ()  # WARC-Concurrent-To and WARC-Refers-To
    warcinfo_id: str = ""


@dataclass
class _Exchange:
    """The spans making up one page's exchange, gathered as the file is read."""

    spans: list[_Span] = field(default_factory=list)
    ids: set[str] = field(default_factory=set)

    def add(self, span: _Span | None) -> None:
        if span is not None and span.record_id not in self.ids:
            self.spans.append(span)
            self.ids.add(span.record_id)


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
        # Redirects seen so far, by the URL they point to, to rebuild chains, with the
        # spans of their request and response records.
        self.redirect_to: dict[str, tuple[Redirect, tuple[_Span | None, ...]]] = {}
        # Request headers seen before their response, by target URI, and their spans.
        self.requests: dict[str, tuple[list[tuple[str, str]], _Span | None]] = {}
        # The warcinfo records seen, by record id, and the last one.
        self.warcinfos: dict[str, _Span] = {}
        self.last_warcinfo: _Span | None = None
        # The records of the page being read (its response's exchange).
        self.exchange = _Exchange()

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

    def remember_redirect(
        self,
        record: Any,
        uri: str,
        status: int,
        request: tuple[list[tuple[str, str]], _Span | None],
        span: _Span | None,
    ) -> None:
        location = record.http_headers.get_header("Location")
        if not location:
            return
        target = urljoin(uri, location.strip()).split("#", 1)[0]
        if target == uri:
            return
        http = record.http_headers
        statusline = http.statusline or ""
        body: bytes | None = record.raw_stream.read(REDIRECT_BODY_LIMIT + 1)
        hop = Redirect(
            uri,
            status,
            target,
            reason=statusline.split(" ", 1)[1] if " " in statusline else "",
            http_version=http.protocol or "HTTP/1.1",
            headers=tuple(http.headers),
            request_headers=tuple(request[0]),
            body=body if body is not None and len(body) <= REDIRECT_BODY_LIMIT else None,
            fetched_at=_record_date(record),
            ip_address=record.rec_headers.get_header("WARC-IP-Address"),
        )
        if len(self.redirect_to) > 1000:
            self.redirect_to.clear()
        self.redirect_to[target] = (hop, (request[1], span))

    def chain(self, uri: str) -> tuple[tuple[Redirect, ...], list[_Span | None]]:
        """The redirects that led to ``uri``, first hop first, and their records' spans."""
        hops: list[Redirect] = []
        spans: list[_Span | None] = []
        seen = {uri}
        current = uri
        while current in self.redirect_to:
            hop, hop_spans = self.redirect_to[current]
            if hop.url in seen:
                break
            seen.add(hop.url)
            hops.append(hop)
            spans.extend(hop_spans)
            current = hop.url
        return tuple(reversed(hops)), spans

    def response(self, record: Any, span: _Span | None) -> Capture | None:
        uri = _target_uri(record)
        http = record.http_headers
        if http is None or not uri.lower().startswith(("http:", "https:")):
            return None
        try:
            status = int(http.get_statuscode())
        except (TypeError, ValueError):
            return None
        request = self.requests.pop(uri, ([], None))
        request_headers = request[0]
        if 300 <= status < 400:
            self.remember_redirect(record, uri, status, request, span)
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
        redirects, hop_spans = self.chain(uri)
        self.begin_exchange(record, [*hop_spans, request[1], span])
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
            ip_address=record.rec_headers.get_header("WARC-IP-Address"),
        )

    def begin_exchange(self, record: Any, spans: list[_Span | None]) -> None:
        """Start gathering the records of a new page: its warcinfo and ``spans``."""
        self.exchange = _Exchange()
        info_id = record.rec_headers.get_header("WARC-Warcinfo-ID") or ""
        self.exchange.add(self.warcinfos.get(info_id.strip(), self.last_warcinfo))
        for span in spans:
            self.exchange.add(span)

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

    def resource(self, record: Any, span: _Span | None) -> Capture | None:
        uri = _target_uri(record)
        if not uri.lower().startswith(("http:", "https:")):
            return None
        content_type = record.rec_headers.get_header("Content-Type")
        if content_type and not is_html_type(content_type):
            return None
        body = self._payload(record, uri)
        if not body or (not content_type and not looks_like_html(body)):
            return None
        self.begin_exchange(record, [span])
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
        with path.open("rb") as raw:

            def read_span(begin: int, end: int) -> bytes:
                raw.seek(begin)
                return raw.read(end - begin)

            yield from _captures(handle, name, max_bytes, read_span, size)


def captures_in_warc(
    data: bytes, name: str, *, max_bytes: int = DEFAULT_MAX_BYTES
) -> Iterator[Capture]:
    """``captures_from_warc`` for a WARC held in memory (a version's ``capture.warc.gz``);
    ``name`` is how messages call it."""
    handle = io.BytesIO(data)
    _check_signature(handle, name)
    yield from _captures(handle, name, max_bytes, lambda begin, end: data[begin:end], len(data))


def _span_of(record: Any, start: int) -> _Span:
    headers = record.rec_headers
    links = tuple(
        (headers.get_header(name) or "").strip()
        for name in ("WARC-Concurrent-To", "WARC-Refers-To")
        if headers.get_header(name)
    )
    return _Span(
        start=start,
        kind=record.rec_type or "",
        record_id=(headers.get_header("WARC-Record-ID") or "").strip(),
        links=links,
        warcinfo_id=(headers.get_header("WARC-Warcinfo-ID") or "").strip(),
    )


def _with_records(
    capture: Capture, exchange: _Exchange, read_span: Callable[[int, int], bytes]
) -> Capture:
    """``capture`` carrying its exchange's records as the file held them (none when
    one of them cannot be cut out whole)."""
    records = []
    for span in sorted(exchange.spans, key=lambda s: s.start):
        one = _one_record(read_span(span.start, span.end)) if span.end > span.start else None
        if one is None:
            return capture
        records.append(one)
    return replace(capture, source_records=tuple(records))


def _captures(
    handle: Any,
    name: str,
    max_bytes: int,
    read_span: Callable[[int, int], bytes],
    size: int,
) -> Iterator[Capture]:
    reader = _Reader(name, max_bytes)
    found = 0
    pending: Capture | None = None
    pending_id: str | None = None
    pending_exchange = _Exchange()
    is_arc = False
    previous: _Span | None = None
    iterator = ArchiveIterator(handle, arc2warc=True)
    records = iter(iterator)
    while True:
        try:
            record = next(records, None)
            if previous is not None:
                previous.end = iterator.offset if record is not None else size
            if record is None:
                break
            is_arc = is_arc or record.format.startswith("arc")
            span = previous = _span_of(record, iterator.offset)
            kind = record.rec_type
            uri = _target_uri(record)
            record_id = record.rec_headers.get_header("WARC-Record-ID")
            if kind == "warcinfo":
                reader.warcinfos[span.record_id] = reader.last_warcinfo = span
                continue
            if span.links and pending is not None and set(span.links) & pending_exchange.ids:
                pending_exchange.add(span)  # a request, or a crawler's note, about it
            if kind == "request":
                headers = list(record.http_headers.headers) if record.http_headers else []
                concurrent = record.rec_headers.get_header("WARC-Concurrent-To")
                if (
                    pending is not None
                    and not pending.request_headers
                    and ((concurrent and concurrent == pending_id) or uri == pending.final_url)
                ):
                    pending_exchange.add(span)
                    pending = replace(
                        pending,
                        request_headers=tuple(headers),
                        user_agent=_header(headers, "User-Agent"),
                    )
                else:
                    if len(reader.requests) > 1000:
                        reader.requests.clear()
                    reader.requests[uri] = (headers, span)
                continue
            if kind == "response":
                capture = reader.response(record, span)
            elif kind == "resource":
                capture = reader.resource(record, span)
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
            yield pending if is_arc else _with_records(pending, pending_exchange, read_span)
        pending, pending_id = capture, record_id
        pending_exchange = reader.exchange
    if pending is not None:
        found += 1
        yield pending if is_arc else _with_records(pending, pending_exchange, read_span)
    if not found:
        raise InputError(
            f"{name} holds no HTML pages (no 2xx text/html response or resource records); "
            "nothing to capture"
        )
