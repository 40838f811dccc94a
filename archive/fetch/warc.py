"""WARC files: one capture written as ``capture.warc.gz`` (pages are read from any WARC
by ``warcread``).

Written with warcio, the reference WARC library (it streams records, computes the
digests and its ``warcio check`` verifies them).

``capture_to_warc`` writes WARC/1.1, one gzip member per record:

1. ``warcinfo``: software (redline/version), format, conformsTo, and the User-Agent.
2. For a fetched page (``status`` is set), every exchange of the fetch: for each
   redirect hop and then for the final page, a ``request`` record (the request line and
   the headers actually sent) and a ``response`` record (status line, the response
   headers as received, in order, and the body as it travelled: still compressed when
   a Content-Encoding was applied). Each pair has WARC-Target-URI = the URL asked for
   at that hop and WARC-Date = when it was answered, the request points at its
   response with WARC-Concurrent-To, and the response names the server's address in
   WARC-IP-Address when it is known. The body in the record is not chunked, since the
   HTTP client removes chunked framing: a ``Transfer-Encoding`` header is therefore
   written as ``X-Redline-Orig-Transfer-Encoding`` so that readers do not try to
   de-chunk. A redirect's body is kept unless it was large or the chain's URLs held a
   secret (it would repeat the Location in clear); without it, its Content-Length and
   Content-Encoding are written as ``X-Redline-Orig-…`` too.
3. For a saved file (``status`` is None): one ``resource`` record of ``text/html``
   holding the file's bytes, with WARC-Target-URI = the URL it was saved from.
4. For a page read from a WARC file whose records came with it
   (``Capture.source_records``): those records instead of 2 and 3, copied byte for byte
   (their record ids, WARC-IP-Address, digests, and the crawler's own ``warcinfo``).
5. A ``metadata`` record (application/warc-fields) about the page's response
   (WARC-Refers-To): the article's id (its URL normalised, tracking parameters
   removed), the URL asked for, the final URL, each redirect hop and, for a page read
   from a web archive, the memento it came from.
6. When no record above is filed under the article's id, a ``revisit`` record there
   (identical-payload-digest profile, WARC-Refers-To-Target-URI and -Date naming the
   response): replay tools then find every version under the URL the article is known
   by, even when it was captured through a tracking link or a non-canonical spelling.

Every record redline writes has WARC-Block-Digest and (except warcinfo and metadata)
WARC-Payload-Digest, SHA-1 in base 32 as is usual for WARC tools. The output is
deterministic: WARC-Record-IDs are UUIDv5 derived from the record type, target URI,
date and a SHA-256 of the record's content, and the gzip headers carry no time stamp,
so the same Capture always gives the same bytes.
"""

from __future__ import annotations

import base64
import gzip
import hashlib
import io
import uuid
from collections.abc import Iterable
from datetime import datetime, timezone
from typing import Any
from urllib.parse import urlsplit

from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from redline import __version__
from redline.archive.core.errors import UsageError
from redline.archive.core.models import Capture, Redirect
from redline.archive.core.urls import normalize_url
from redline.archive.fetch.provenance import provenance
from redline.archive.fetch.warcread import (
    RENAMED_TRANSFER_ENCODING,
    captures_from_warc,
    captures_in_warc,
    record_fields,
)

__all__ = [
    "RENAMED_TRANSFER_ENCODING",
    "capture_to_warc",
    "captures_from_warc",
    "captures_in_warc",
    "provenance",
    "warc_date",
]

WARC_VERSION = "WARC/1.1"
SOFTWARE = f"redline/{__version__} (+https://github.com/redline-archive/redline)"
_CONFORMS_TO = "http://iipc.github.io/warc-specifications/specifications/warc-format/warc-1.1/"
_ID_NAMESPACE = uuid.uuid5(uuid.NAMESPACE_URL, "https://github.com/redline-archive/redline/warc")
REVISIT_PROFILE = "http://netpreserve.org/warc/1.1/revisit/identical-payload-digest"
#: Headers of a redirect whose body was not kept, renamed so that they describe nothing.
_BODY_HEADERS = frozenset({"content-length", "content-encoding"})


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


def _sha1(data: bytes) -> str:
    return "sha1:" + base64.b32encode(hashlib.sha1(data).digest()).decode("ascii")


def _fields(lines: Iterable[tuple[str, str]]) -> bytes:
    return "".join(f"{k}: {v}\r\n" for k, v in lines).encode("utf-8")


def _article_id(capture: Capture) -> str:
    try:
        return normalize_url(capture.requested_url)
    except UsageError:
        return capture.requested_url


class _Writer:
    """One capture's WARC being written."""

    def __init__(self, capture: Capture) -> None:
        self.capture = capture
        self.out = io.BytesIO()
        self.writer = WARCWriter(self.out, gzip=True, warc_version=WARC_VERSION)
        self.date = warc_date(capture.fetched_at)
        self.info_id = ""
        #: Every WARC-Target-URI written, to know whether the article's id has one.
        self.targets: set[str] = set()

    def warcinfo(self) -> None:
        capture = self.capture
        lines = [
            ("software", SOFTWARE),
            ("format", "WARC File Format 1.1"),
            ("conformsTo", _CONFORMS_TO),
        ]
        if capture.user_agent:
            lines.append(("http-header-user-agent", capture.user_agent))
        if capture.source_records:
            lines.append(("description", "the page's records as the source WARC file held them"))
        info = _fields(lines)
        self.info_id = _record_id("warcinfo", capture.final_url, self.date, info + capture.body)
        record = self.writer.create_warc_record(
            "",
            "warcinfo",
            payload=io.BytesIO(info),
            length=len(info),
            warc_content_type="application/warc-fields",
            warc_headers_dict={
                "WARC-Record-ID": self.info_id,
                "WARC-Date": self.date,
                "WARC-Filename": "capture.warc.gz",
            },
        )
        self.writer.write_record(record)

    def _common(self, record_id: str, date: str, ip_address: str | None) -> dict[str, str]:
        headers = {"WARC-Record-ID": record_id, "WARC-Date": date, "WARC-Warcinfo-ID": self.info_id}
        if ip_address:
            headers["WARC-IP-Address"] = ip_address
        return headers

    def exchange(
        self,
        uri: str,
        when: datetime,
        status_line: str,
        http_version: str,
        headers: Iterable[tuple[str, str]],
        body: bytes,
        request_headers: tuple[tuple[str, str], ...],
        ip_address: str | None,
    ) -> tuple[str, str]:
        """A request and its response; the response's record id and payload digest."""
        date = warc_date(when)
        http_headers = _Headers(status_line, list(headers), protocol=http_version or "HTTP/1.1")
        http_headers.compute_headers_buffer()
        response_id = _record_id("response", uri, date, http_headers.headers_buff + body)
        response = self.writer.create_warc_record(
            uri,
            "response",
            payload=io.BytesIO(body),
            length=len(body),
            http_headers=http_headers,
            warc_headers_dict=self._common(response_id, date, ip_address),
        )
        if request_headers:
            request_line = f"GET {_request_target(uri)} HTTP/1.1"
            request_http = _Headers(request_line, list(request_headers), is_http_request=True)
            request_http.compute_headers_buffer()
            request_id = _record_id("request", uri, date, request_http.headers_buff)
            request = self.writer.create_warc_record(
                uri,
                "request",
                payload=io.BytesIO(b""),
                length=0,
                http_headers=request_http,
                warc_headers_dict={
                    **self._common(request_id, date, None),
                    "WARC-Concurrent-To": response_id,
                },
            )
            self.writer.write_record(request)
        self.writer.write_record(response)
        self.targets.add(uri)
        digest: str = response.rec_headers.get_header("WARC-Payload-Digest")
        return response_id, digest

    def hop(self, hop: Redirect) -> None:
        headers = [
            (RENAMED_TRANSFER_ENCODING if name.lower() == "transfer-encoding" else name, value)
            for name, value in hop.headers
        ] or [("Location", hop.location)]
        body = hop.body
        if body is None:
            body = b""
            headers = [
                (f"X-Redline-Orig-{name}" if name.lower() in _BODY_HEADERS else name, value)
                for name, value in headers
            ]
        self.exchange(
            hop.url,
            hop.fetched_at or self.capture.fetched_at,
            f"{hop.status} {hop.reason}".rstrip(),
            hop.http_version,
            headers,
            body,
            hop.request_headers,
            hop.ip_address,
        )

    def page(self) -> tuple[str, str]:
        capture = self.capture
        uri = capture.final_url
        if capture.status is None:
            resource_id = _record_id("resource", uri, self.date, capture.body)
            resource = self.writer.create_warc_record(
                uri,
                "resource",
                payload=io.BytesIO(capture.body),
                length=len(capture.body),
                warc_content_type="text/html",
                warc_headers_dict=self._common(resource_id, self.date, None),
            )
            self.writer.write_record(resource)
            self.targets.add(uri)
            return resource_id, resource.rec_headers.get_header("WARC-Payload-Digest")
        for hop in capture.redirects:
            self.hop(hop)
        wire = capture.wire_body if capture.wire_body is not None else capture.body
        headers = [
            (RENAMED_TRANSFER_ENCODING if name.lower() == "transfer-encoding" else name, value)
            for name, value in capture.headers
        ]
        return self.exchange(
            uri,
            capture.fetched_at,
            f"{capture.status} {capture.reason}".rstrip(),
            capture.http_version,
            headers,
            wire,
            capture.request_headers,
            capture.ip_address,
        )

    def copied(self) -> tuple[str, str]:
        """The source's records, byte for byte; the page's record id and payload digest."""
        capture = self.capture
        page_id, digest = "", ""
        for raw in capture.source_records:
            self.out.write(gzip.compress(raw, mtime=0))
            fields = record_fields(raw)
            target = fields.get("warc-target-uri", "").strip("<>")
            if target:
                self.targets.add(target)
            if fields.get("warc-type") in ("response", "resource") and target == capture.final_url:
                page_id = fields.get("warc-record-id", "")
                digest = fields.get("warc-payload-digest", "")
        if not digest:
            digest = _sha1(capture.wire_body if capture.wire_body is not None else capture.body)
        return page_id, digest

    def metadata(self, article_id: str, page_id: str) -> None:
        capture = self.capture
        lines = [
            ("article-id", article_id),
            ("requested-url", capture.requested_url),
            ("final-url", capture.final_url),
            *(("redirect", f"{hop.url} {hop.status} {hop.location}") for hop in capture.redirects),
        ]
        if capture.memento_url:
            lines.append(("memento-url", capture.memento_url))
        content = _fields(lines)
        record_id = _record_id("metadata", capture.final_url, self.date, content)
        headers = self._common(record_id, self.date, None)
        if page_id:
            headers["WARC-Refers-To"] = page_id
        record = self.writer.create_warc_record(
            capture.final_url,
            "metadata",
            payload=io.BytesIO(content),
            length=len(content),
            warc_content_type="application/warc-fields",
            warc_headers_dict=headers,
        )
        self.writer.write_record(record)

    def revisit(self, article_id: str, page_id: str, digest: str) -> None:
        capture = self.capture
        http_headers = None
        if capture.status is not None:
            headers = [
                (RENAMED_TRANSFER_ENCODING if name.lower() == "transfer-encoding" else name, v)
                for name, v in capture.headers
            ]
            status_line = f"{capture.status} {capture.reason}".rstrip()
            http_headers = _Headers(status_line, headers, protocol=capture.http_version)
            http_headers.compute_headers_buffer()
        content = (http_headers.headers_buff if http_headers is not None else b"") + digest.encode()
        record_id = _record_id("revisit", article_id, self.date, content)
        headers_dict = self._common(record_id, self.date, None)
        if page_id:
            headers_dict["WARC-Refers-To"] = page_id
        record = self.writer.create_revisit_record(
            article_id,
            digest,
            capture.final_url,
            self.date,
            http_headers=http_headers,
            warc_headers_dict=headers_dict,
        )
        self.writer.write_record(record)


def capture_to_warc(capture: Capture, *, article_id: str | None = None) -> bytes:
    """``capture`` as a gzipped WARC/1.1 file (see the module docstring); ``article_id``
    is the article's id in the archive (by default the requested URL, normalised)."""
    article_id = article_id or _article_id(capture)
    out = _Writer(capture)
    out.warcinfo()
    page_id, digest = out.copied() if capture.source_records else out.page()
    out.metadata(article_id, page_id)
    if article_id not in out.targets and digest:
        out.revisit(article_id, page_id, digest)
    return out.out.getvalue()
