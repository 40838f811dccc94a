"""Fetching one web page into a ``Capture``, and reading a saved HTML file into one.

``Fetcher`` keeps a urllib3 connection pool, so fetching many pages reuses connections.
It follows redirects itself (recording each hop), asks for and undoes gzip and deflate
compression itself with a bounded decompressor, and stops as soon as a limit is hit:

* ``timeout`` (20 s) limits connecting and each wait for data; ``deadline``
  (3 x timeout unless given) limits the whole fetch, redirects included. The deadline
  is checked between reads, so a page trickling in slowly stops within one read of it.
* ``max_bytes`` (20 MB) limits the body both as it travels and once decompressed, so a
  gzip bomb stops at the limit having inflated at most ``max_bytes + 1`` bytes.
* ``max_redirects`` (10) limits the redirect chain; a redirect back to a URL already
  visited (with the same cookies) is reported as a loop at once.

Cookies set during one fetch are sent back to the same host on later hops of that
fetch only (some sites redirect to themselves after setting a cookie); nothing is kept
between fetches. Brotli is neither asked for nor decoded: a server that sends ``br``
anyway gets a clear error. Proxies from the environment are not used.

Every failure is a ``FetchError`` (``UsageError`` for bad options) with a one-line
message naming the URL or host and what to do.
"""

from __future__ import annotations

import errno
import http.client
import re
import socket
import ssl
import time
import zlib
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from datetime import datetime, timezone
from email.utils import parsedate_to_datetime
from http import HTTPStatus
from pathlib import Path
from typing import Any
from urllib.parse import urljoin, urlsplit, urlunsplit

import urllib3
from urllib3.exceptions import (
    ConnectTimeoutError,
    HTTPError,
    IncompleteRead,
    LocationParseError,
    NewConnectionError,
    ProtocolError,
    ReadTimeoutError,
    SSLError,
)
from urllib3.util import Retry, parse_url

from redline import __version__
from redline.archive.core.binary import nul_bytes_mean_binary
from redline.archive.core.errors import (
    FetchError,
    GuardRefused,
    HTTPStatusError,
    InputError,
    UsageError,
    one_line,
)
from redline.archive.core.models import Capture, Redirect
from redline.archive.core.printable import printable
from redline.archive.core.times import utc_now
from redline.archive.core.urls import DEFAULT_PORTS, check_http_url, url_problem
from redline.archive.core.wording import cut, quoted
from redline.archive.fetch.deadline import deadline, watched_pool_manager

__all__ = [
    "DEFAULT_MAX_BYTES",
    "DEFAULT_MAX_REDIRECTS",
    "DEFAULT_TIMEOUT",
    "DEFAULT_USER_AGENT",
    "BodyTooLarge",
    "Fetcher",
    "UrlGuard",
    "decode_body",
    "fetch",
    "is_html_type",
    "looks_like_html",
    "read_html_file",
]

DEFAULT_TIMEOUT = 20.0
DEFAULT_MAX_BYTES = 20 * 1024 * 1024
DEFAULT_MAX_REDIRECTS = 10
DEFAULT_USER_AGENT = f"redline/{__version__} (+https://github.com/redline-archive/redline)"
DEFAULT_ACCEPT = "text/html,application/xhtml+xml;q=0.9,*/*;q=0.5"
DEFAULT_ACCEPT_LANGUAGE = "en;q=1.0,*;q=0.5"
ACCEPT_ENCODING = "gzip, deflate"

HTML_TYPES = ("text/html", "application/xhtml+xml")
#: Called with every URL about to be requested (redirect targets too): a reason to
#: refuse it, or None.
UrlGuard = Callable[[str], "str | None"]
REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})
_READ_SIZE = 64 * 1024
#: No retry and no redirect followed by urllib3 (redirects are followed here, hop by
#: hop): made once rather than for every request.
_NO_RETRIES = Retry.from_int(False, redirect=False)


# -- helpers shared by fetching and file reading --------------------------------------


def _size(n: int) -> str:
    if n >= 1024 * 1024:
        return f"{n / (1024 * 1024):.1f} MB".replace(".0 MB", " MB")
    if n >= 1024:
        return f"{n / 1024:.0f} KB"
    return f"{n} bytes"


def is_html_type(content_type: str | None) -> bool:
    """Whether a Content-Type value names HTML (``text/html`` or XHTML)."""
    if not content_type:
        return False
    return content_type.split(";", 1)[0].strip().lower() in HTML_TYPES


# The start of an HTML document, as browsers sniff it (WHATWG MIME sniffing, 7.1).
_HTML_SNIFF = re.compile(
    rb"^[\t\n\x0c\r ]*<(?:!doctype html|html|head|script|iframe|h1|div|font|table|a|style"
    rb"|title|b|body|br|p|!--|meta|link|article|section|header|main|nav)(?:[\t\n\x0c\r >/]|$)",
    re.IGNORECASE,
)


def looks_like_html(body: bytes) -> bool:
    """Whether ``body`` starts like an HTML document (after a BOM and white space)."""
    head = body[:1024]
    if head.startswith(b"\xef\xbb\xbf"):
        head = head[3:]
    elif head.startswith((b"\xff\xfe", b"\xfe\xff")):
        codec = "utf-16-le" if head.startswith(b"\xff\xfe") else "utf-16-be"
        head = head[2:].decode(codec, errors="ignore").encode("utf-8")
    return _HTML_SNIFF.match(head) is not None


def _defrag(url: str) -> str:
    parts = urlsplit(url)
    return urlunsplit((parts.scheme, parts.netloc, parts.path, parts.query, ""))


def _host_of(url: str) -> str:
    try:
        parts = urlsplit(url)
        host = parts.hostname or url
        port = parts.port
    except ValueError:
        return url
    if ":" in host:
        host = f"[{host}]"
    if port is not None and port != DEFAULT_PORTS.get(parts.scheme.lower()):
        return f"{host}:{port}"
    return host


# -- bounded decompression -------------------------------------------------------------


class BodyTooLarge(Exception):
    """A decoded body passed the size limit."""


class _Inflater:
    """gzip or deflate decoding that never produces more than ``limit + 1`` bytes."""

    def __init__(self, kind: str, limit: int) -> None:
        self.kind = kind
        self.limit = limit
        self.produced = 0
        self._obj: Any = None
        self._pending = b""
        self._done = False

    def _start(self, head: bytes) -> Any:
        if self.kind == "gzip":
            return zlib.decompressobj(16 + zlib.MAX_WBITS)
        # "deflate" is meant to be zlib-wrapped, but some servers send raw deflate.
        cmf, flg = head[0], head[1]
        zlib_wrapped = cmf & 0x0F == 8 and (cmf * 256 + flg) % 31 == 0
        return zlib.decompressobj(zlib.MAX_WBITS if zlib_wrapped else -zlib.MAX_WBITS)

    def feed(self, data: bytes) -> bytes:
        if self._obj is None:
            self._pending += data
            if len(self._pending) < 2:
                return b""
            self._obj = self._start(self._pending)
            data, self._pending = self._pending, b""
        out = []
        while data and not self._done:
            if self._obj.eof:
                # Another gzip member may follow; anything else is trailing junk.
                if self.kind != "gzip" or not data.startswith(b"\x1f\x8b"):
                    self._done = True
                    break
                self._obj = zlib.decompressobj(16 + zlib.MAX_WBITS)
            room = self.limit - self.produced + 1
            piece = self._obj.decompress(data, room)
            self.produced += len(piece)
            if self.produced > self.limit:
                raise BodyTooLarge
            out.append(piece)
            data = self._obj.unconsumed_tail or (self._obj.unused_data if self._obj.eof else b"")
        return b"".join(out)

    def finish(self) -> bytes:
        if self._obj is None:
            if self._pending:
                raise zlib.error("incomplete or truncated stream")
            return b""
        if self._done or self._obj.eof:
            return b""
        piece: bytes = self._obj.flush()
        self.produced += len(piece)
        if self.produced > self.limit:
            raise BodyTooLarge
        return piece


def decode_body(data: bytes, encoding: str, max_bytes: int) -> bytes:
    """Undo a gzip or deflate Content-Encoding without ever inflating past ``max_bytes``.

    Raises ``BodyTooLarge`` past the limit, ``zlib.error`` for corrupt data and
    ``ValueError`` for any other encoding.
    """
    encoding = _content_encoding(encoding) or ""
    if encoding not in ("gzip", "deflate"):
        raise ValueError(f"unsupported content encoding {encoding!r}")
    inflater = _Inflater(encoding, max_bytes)
    return inflater.feed(data) + inflater.finish()


# -- cookies within one fetch ----------------------------------------------------------


class _Cookies:
    """name=value pairs set by each host during one fetch (no attributes honoured)."""

    def __init__(self) -> None:
        self._jar: dict[str, dict[str, str]] = {}

    def update(self, host: str, headers: tuple[tuple[str, str], ...]) -> None:
        for name, value in headers:
            if name.lower() != "set-cookie":
                continue
            pair, _, attributes = value.partition(";")
            key, sep, val = pair.partition("=")
            key = key.strip()
            if not sep or not key:
                continue
            jar = self._jar.setdefault(host, {})
            if re.search(r"max-age\s*=\s*0\b", attributes, re.IGNORECASE):
                jar.pop(key, None)
            else:
                jar[key] = val.strip()

    def header(self, host: str) -> str | None:
        jar = self._jar.get(host)
        if not jar:
            return None
        return "; ".join(f"{k}={v}" for k, v in jar.items())


# -- the fetcher -----------------------------------------------------------------------


def _positive(value: float, what: str) -> None:
    if not value > 0:
        raise UsageError(f"{what} must be a positive number, not {value!r}")


class Fetcher:
    """Fetches pages into ``Capture`` objects, reusing connections between fetches.

    Use ``with Fetcher(...) as fetcher:`` or call ``close()`` to free the connections.
    """

    def __init__(
        self,
        *,
        timeout: float = DEFAULT_TIMEOUT,
        deadline: float | None = None,
        max_bytes: int = DEFAULT_MAX_BYTES,
        user_agent: str | None = None,
        max_redirects: int = DEFAULT_MAX_REDIRECTS,
        accept_language: str = DEFAULT_ACCEPT_LANGUAGE,
        connections_per_host: int = 2,
    ) -> None:
        _positive(timeout, "the timeout")
        _positive(max_bytes, "the size limit")
        if deadline is not None:
            _positive(deadline, "the deadline")
        if max_redirects < 0:
            raise UsageError(f"the redirect limit must be 0 or more, not {max_redirects!r}")
        self.timeout = float(timeout)
        self.deadline = float(deadline) if deadline is not None else 3 * self.timeout
        self.max_bytes = int(max_bytes)
        self.user_agent = user_agent or DEFAULT_USER_AGENT
        self.max_redirects = int(max_redirects)
        self.accept_language = accept_language
        self._pool = watched_pool_manager(
            num_pools=64, maxsize=max(1, connections_per_host), retries=False
        )
        self._timeout = urllib3.Timeout(connect=self.timeout, read=self.timeout)
        #: The request headers for each scheme and host, as urllib3 reads the host.
        self._headers: dict[tuple[str, str], tuple[tuple[str, str], ...]] = {}

    def close(self) -> None:
        """Close every pooled connection."""
        self._pool.clear()

    def __enter__(self) -> Fetcher:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- public ------------------------------------------------------------------------

    def fetch(
        self,
        url: str,
        *,
        headers: Mapping[str, str] | None = None,
        guard: UrlGuard | None = None,
        peer_guard: UrlGuard | None = None,
        html_only: bool = True,
        follow: Callable[[str], str] | None = None,
    ) -> Capture:
        """Fetch ``url`` (following redirects) and return the final page as a Capture.

        ``headers`` are added to every request (conditional GET: If-None-Match...);
        ``guard`` may refuse any URL of the chain, and ``peer_guard`` the address each
        connection reached (both raise ``GuardRefused``); with
        ``html_only=False`` any content type is accepted (robots.txt, feeds, sitemaps).
        ``follow`` maps each redirect's target to the URL requested next (a web
        archive's redirect to an original URL, followed inside the archive); the hop
        keeps the target as the server gave it. A final status outside 2xx raises
        ``HTTPStatusError``, which carries it. The whole fetch, redirects, headers and
        body included, ends by ``deadline`` seconds after it began, however slowly the
        server sends.
        """
        deadline_at = time.monotonic() + self.deadline
        with deadline(deadline_at) as watch:
            try:
                return self._fetch(url, headers, guard, peer_guard, html_only, deadline_at, follow)
            except FetchError as exc:
                if watch.expired and not isinstance(exc, HTTPStatusError):
                    raise _deadline_error(url.strip(), self.deadline) from None
                raise
            except (OSError, http.client.HTTPException, urllib3.exceptions.HTTPError):
                if watch.expired:
                    raise _deadline_error(url.strip(), self.deadline) from None
                raise

    def _fetch(
        self,
        url: str,
        headers: Mapping[str, str] | None,
        guard: UrlGuard | None,
        peer_guard: UrlGuard | None,
        html_only: bool,
        deadline_at: float,
        follow: Callable[[str], str] | None = None,
    ) -> Capture:
        requested = url
        url = url.strip()
        problem = url_problem(url)
        if problem:
            raise FetchError(problem)
        extra = tuple(headers.items()) if headers else ()
        current = _defrag(url)
        cookies = _Cookies()
        seen: set[tuple[str, str | None]] = {(current, None)}
        redirects: list[Redirect] = []
        while True:
            host = _host_of(current)
            refusal = guard(current) if guard is not None else None
            if refusal:
                raise GuardRefused(refusal)
            request_headers = self._request_headers(current, cookies.header(host)) + extra
            response = self._open(current, request_headers, deadline_at)
            peer = _peer_address(response)
            refused = peer_guard(peer) if peer_guard is not None and peer else None
            if refused:
                response.close()
                response.release_conn()
                raise GuardRefused(refused)
            fetched_at = utc_now()
            received = _response_headers(response)
            cookies.update(host, received)
            status = response.status
            reason = response.reason or ""  # as received; may be empty
            # The reason phrase is the server's to choose: kept as sent in the WARC,
            # made printable wherever it is shown.
            said = f"HTTP {status} {printable(reason) or _phrase(status)}".rstrip()
            if status not in REDIRECT_STATUSES:
                break
            location = response.headers.get("Location", "").strip()
            hop_body = _redirect_body(response)
            if not location:
                raise FetchError(
                    f"{current} returned {said} without a Location header; "
                    "the site is misconfigured, try the page's final URL"
                )
            target = _defrag(urljoin(current, location))
            redirects.append(
                Redirect(
                    current,
                    status,
                    target,
                    reason=reason,
                    http_version=_http_version(response),
                    headers=received,
                    request_headers=request_headers,
                    body=hop_body,
                    fetched_at=fetched_at,
                    ip_address=peer,
                )
            )
            if url_problem(target):
                raise FetchError(
                    f"{current} redirects to {target!r}, which is not an http(s) URL; "
                    "redline only fetches web pages, check the URL"
                )
            key = (target, cookies.header(_host_of(target)))
            if key in seen:
                raise FetchError(
                    f"redirect loop: {current} leads back to {target}; "
                    "the site is misconfigured or needs a browser, try again later"
                )
            if len(redirects) > self.max_redirects:
                raise FetchError(
                    f"{url} redirected more than {self.max_redirects} times "
                    f"(last to {target}); the site may be misconfigured"
                )
            seen.add(key)
            current = follow(target) if follow is not None else target

        try:
            if not 200 <= status < 300:
                _discard(response)
                raise HTTPStatusError(
                    f"{current} returned {said}; {_advice(status)}",
                    status=status,
                    final_url=current,
                    status_line=said,
                    redirects=tuple(redirects),
                    retry_after=retry_after(response.headers.get("Retry-After")),
                )
            body, wire = self._read_final(response, current, said, deadline_at, html_only=html_only)
        finally:
            response.release_conn()
        return Capture(
            requested_url=requested,
            final_url=current,
            body=body,
            fetched_at=fetched_at,
            source="http",
            status=status,
            reason=reason,
            http_version=_http_version(response),
            headers=received,
            request_headers=request_headers,
            redirects=tuple(redirects),
            wire_body=wire,
            user_agent=self.user_agent,
            ip_address=peer,
        )

    # -- steps -------------------------------------------------------------------------

    def _request_headers(self, url: str, cookie: str | None) -> tuple[tuple[str, str], ...]:
        # The host (all that differs between requests) depends on the scheme and the
        # authority alone: worked out once for each.
        parts = urlsplit(url)
        key = (parts.scheme, parts.netloc)
        headers = self._headers.get(key)
        if headers is None:
            headers = self._base_headers(url)
            if len(self._headers) >= 1024:
                self._headers.clear()
            self._headers[key] = headers
        return (*headers, ("Cookie", cookie)) if cookie else headers

    def _base_headers(self, url: str) -> tuple[tuple[str, str], ...]:
        try:
            parsed = parse_url(url)
        except LocationParseError as exc:
            why = cut(one_line(str(exc)))
            raise FetchError(
                f"{quoted(url)} is not a valid URL ({why}); check the address"
            ) from None
        host = parsed.host or ""
        if parsed.port is not None and parsed.port != DEFAULT_PORTS.get(parsed.scheme or ""):
            host = f"{host}:{parsed.port}"
        return (
            ("Host", host),
            ("User-Agent", self.user_agent),
            ("Accept", DEFAULT_ACCEPT),
            ("Accept-Language", self.accept_language),
            ("Accept-Encoding", ACCEPT_ENCODING),
        )

    def _open(self, url: str, headers: tuple[tuple[str, str], ...], deadline_at: float) -> Any:
        remaining = deadline_at - time.monotonic()
        if remaining <= 0:
            raise _deadline_error(url, self.deadline)
        if remaining >= self.timeout:
            timeout = self._timeout
        else:
            timeout = urllib3.Timeout(connect=remaining, read=remaining)
        with _network_errors(url, self.timeout):
            return self._pool.urlopen(
                "GET",
                url,
                headers=dict(headers),
                redirect=False,
                retries=_NO_RETRIES,
                preload_content=False,
                decode_content=False,
                timeout=timeout,
            )

    def _read_final(
        self,
        response: Any,
        url: str,
        said: str,
        deadline_at: float,
        *,
        html_only: bool = True,
    ) -> tuple[bytes, bytes | None]:
        content_type = response.headers.get("Content-Type")
        if html_only and content_type and not is_html_type(content_type):
            _discard(response)
            kind = content_type.split(";", 1)[0].strip() or content_type
            raise FetchError(
                f"{url} is {kind}, not an HTML page; "
                "give the address of a web page (text/html) instead"
            )
        length = response.headers.get("Content-Length")
        known = int(length) if length and length.strip().isdigit() else None
        if known is not None and known > self.max_bytes:
            _discard(response)
            raise FetchError(
                f"{url} is {_size(known)}, over the {_size(self.max_bytes)} limit; "
                "raise --max-bytes to fetch it"
            )
        encoding = _content_encoding(response.headers.get("Content-Encoding"))
        if encoding not in (None, "gzip", "deflate"):
            _discard(response)
            raise FetchError(
                f"{url} sent a body compressed with {encoding!r}, which redline did not ask "
                "for and cannot decode; try again later"
            )
        inflater = _Inflater(encoding, self.max_bytes) if encoding else None

        wire_parts: list[bytes] = []
        body_parts: list[bytes] = []
        wire_total = 0
        read = getattr(response, "read1", None) or response.read
        # A length within the limit is read in one go (http.client reads no more than
        # it says); the deadline's watchdog ends a read the server makes slow.
        in_one = known is not None and not getattr(response, "chunked", False)

        def too_large() -> FetchError:
            return FetchError(
                f"{url} is over the {_size(self.max_bytes)} limit"
                f"{' once decompressed' if encoding else ''}; raise --max-bytes to fetch it"
            )

        with _network_errors(url, self.timeout):
            while True:
                if time.monotonic() > deadline_at:
                    _discard(response)
                    raise _deadline_error(url, self.deadline)
                if in_one:
                    chunk = b"" if wire_parts else response.read(decode_content=False)
                else:
                    chunk = read(_READ_SIZE, decode_content=False)
                if not chunk:
                    break
                wire_total += len(chunk)
                if wire_total > self.max_bytes:
                    _discard(response)
                    raise too_large()
                wire_parts.append(chunk)
                if inflater is not None:
                    try:
                        body_parts.append(inflater.feed(chunk))
                    except BodyTooLarge:
                        _discard(response)
                        raise too_large() from None
                    except zlib.error as exc:
                        _discard(response)
                        raise FetchError(
                            f"{url} sent a corrupt {encoding} body ({exc}); try again later"
                        ) from None
        wire = b"".join(wire_parts)
        if inflater is not None:
            try:
                body_parts.append(inflater.finish())
            except BodyTooLarge:
                raise too_large() from None
            except zlib.error as exc:
                raise FetchError(
                    f"{url} sent a corrupt {encoding} body ({exc}); try again later"
                ) from None
            body = b"".join(body_parts)
        else:
            body = wire
        if not body:
            raise FetchError(
                f"{url} returned an empty page ({said}); check the URL or try again later"
            )
        if html_only and not content_type and not looks_like_html(body):
            raise FetchError(
                f"{url} sent no Content-Type and does not look like HTML; "
                "give the address of a web page (text/html) instead"
            )
        return body, (wire if inflater is not None else None)


def fetch(url: str, **options: Any) -> Capture:
    """Fetch one page with a throw-away ``Fetcher(**options)``."""
    with Fetcher(**options) as fetcher:
        return fetcher.fetch(url)


# -- response helpers ------------------------------------------------------------------


def _phrase(status: int) -> str:
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return ""


def _advice(status: int) -> str:
    if status in (401, 403):
        return "the site refuses redline (login, paywall or bot blocking); try --html"
    if status in (404, 410):
        return "check the URL"
    if status == 429:
        return "the site is rate-limiting; wait and try again later"
    if status >= 500:
        return "the site has a problem; try again later"
    if status >= 400:
        return "check the URL"
    return "redline expects a page (HTTP 2xx); check the URL"


def retry_after(value: str | None, now: datetime | None = None) -> float | None:
    """Seconds to wait from a Retry-After header (delta-seconds or an HTTP date)."""
    if not value or not value.strip():
        return None
    text = value.strip()
    if text.isdigit():
        return float(text)
    try:
        when = parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=timezone.utc)
    return max(0.0, (when - (now or datetime.now(timezone.utc))).total_seconds())


def _content_encoding(value: str | None) -> str | None:
    if not value:
        return None
    codings = [c.strip().lower() for c in value.split(",") if c.strip()]
    codings = [c for c in codings if c != "identity"]
    if not codings:
        return None
    if len(codings) == 1:
        return {"x-gzip": "gzip"}.get(codings[0], codings[0])
    return ", ".join(codings)


def _response_headers(response: Any) -> tuple[tuple[str, str], ...]:
    """Response headers in the order received, duplicates kept."""
    original = getattr(response, "_original_response", None)
    message = getattr(original, "msg", None)
    if message is not None:
        return tuple((str(k), str(v)) for k, v in message.items())
    return tuple((str(k), str(v)) for k, v in response.headers.iteritems())


def _peer_address(response: Any) -> str | None:
    """The IP address the response came from, when the socket can tell."""
    connection = getattr(response, "connection", None) or getattr(response, "_connection", None)
    sock = getattr(connection, "sock", None)
    known = getattr(connection, "peer_address", None)  # noted when it connected
    if known is not None and sock is not None:
        return str(known)
    try:
        return str(sock.getpeername()[0]) if sock is not None else None
    except (OSError, IndexError, TypeError):
        return None


def _http_version(response: Any) -> str:
    return "HTTP/1.0" if getattr(response, "version", 11) == 10 else "HTTP/1.1"


#: A redirect's body is kept for the WARC up to this size (they are a few hundred bytes).
REDIRECT_BODY_LIMIT = 64 * 1024


def _redirect_body(response: Any) -> bytes | None:
    """A redirect's body as it travelled, or None when it is over
    ``REDIRECT_BODY_LIMIT`` or cannot be read (the connection is then dropped)."""
    remaining = getattr(response, "length_remaining", None)
    body: bytes | None = None
    # A body delimited by the connection's end is not waited for (nor one too long).
    delimited = remaining is not None or getattr(response, "chunked", False)
    if delimited and (remaining is None or remaining <= REDIRECT_BODY_LIMIT):
        try:
            body = response.read(REDIRECT_BODY_LIMIT + 1, decode_content=False)
        except (HTTPError, OSError, http.client.HTTPException):
            body = None
    if body is None or len(body) > REDIRECT_BODY_LIMIT:
        response.close()
        response.release_conn()
        return None
    response.release_conn()
    return body


def _discard(response: Any) -> None:
    """Finish with a response we do not want, keeping the connection when cheap."""
    try:
        remaining = getattr(response, "length_remaining", None)
        if remaining is not None and remaining <= _READ_SIZE:
            response.read(decode_content=False)
            response.release_conn()
            return
    except (HTTPError, OSError):
        pass
    response.close()
    response.release_conn()


def _deadline_error(url: str, deadline: float) -> FetchError:
    return FetchError(
        f"{url} took longer than {deadline:g} s in all; "
        "the site is too slow, try again later or raise --timeout"
    )


def _chain(exc: BaseException) -> Iterator[BaseException]:
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        yield current
        for arg in getattr(current, "args", ()):
            if isinstance(arg, BaseException):
                yield arg
        reason = getattr(current, "reason", None)
        if isinstance(reason, BaseException):
            yield reason
        current = current.__cause__ or current.__context__


def _is_dns_failure(exc: BaseException) -> bool:
    name_error = getattr(urllib3.exceptions, "NameResolutionError", None)
    if name_error is not None and isinstance(exc, name_error):
        return True
    return any(isinstance(e, socket.gaierror) for e in _chain(exc))


def _tls_reason(exc: BaseException) -> str:
    for err in _chain(exc):
        if isinstance(err, ssl.SSLCertVerificationError):
            return one_line(err.verify_message or "certificate verify failed")
        if isinstance(err, ssl.SSLError) and err.reason:
            return str(err.reason).replace("_", " ").lower()
    return one_line(str(exc)).split(": ")[-1][:200]


def _connect_reason(exc: BaseException) -> str:
    for err in _chain(exc):
        if isinstance(err, ConnectionRefusedError):
            return "connection refused"
        if isinstance(err, OSError) and err.errno in (errno.ENETUNREACH, errno.EHOSTUNREACH):
            return "no route to host" if err.errno == errno.EHOSTUNREACH else "network unreachable"
        if isinstance(err, OSError) and err.strerror:
            return err.strerror.lower()
    return one_line(str(exc)).split(": ")[-1][:200]


def _broken_reason(exc: BaseException) -> str:
    for err in _chain(exc):
        if isinstance(err, (IncompleteRead, http.client.IncompleteRead)):
            return "the page was cut short"
    return _connect_reason(exc)


@contextmanager
def _network_errors(url: str, timeout: float) -> Iterator[None]:
    """Turn urllib3 and socket errors into one-line FetchErrors about ``url``."""
    try:
        yield
    except FetchError:
        raise
    except LocationParseError as exc:
        why = cut(one_line(str(exc)))
        raise FetchError(f"{quoted(url)} is not a valid URL ({why}); check the address") from None
    except NewConnectionError as exc:
        if _is_dns_failure(exc):
            raise FetchError(
                f"cannot find host {_host_of(url)} (DNS lookup failed); "
                "check the spelling of the URL or your network"
            ) from None
        raise FetchError(
            f"cannot reach {_host_of(url)} ({_connect_reason(exc)}); check the URL or your network"
        ) from None
    except ConnectTimeoutError:
        raise FetchError(
            f"timed out connecting to {_host_of(url)} after {timeout:g} s; "
            "the site may be down, try again later or raise --timeout"
        ) from None
    except (ReadTimeoutError, TimeoutError):
        raise FetchError(
            f"{url} did not answer within {timeout:g} s; "
            "the site may be overloaded, try again later or raise --timeout"
        ) from None
    except SSLError as exc:
        raise FetchError(
            f"TLS error talking to {_host_of(url)} ({_tls_reason(exc)}); "
            "the site's HTTPS setup is broken or intercepted, check the URL"
        ) from None
    except ProtocolError as exc:
        raise FetchError(
            f"the connection to {_host_of(url)} broke off ({_broken_reason(exc)}); try again later"
        ) from None
    except HTTPError as exc:
        if _is_dns_failure(exc):
            raise FetchError(
                f"cannot find host {_host_of(url)} (DNS lookup failed); "
                "check the spelling of the URL or your network"
            ) from None
        raise FetchError(f"cannot fetch {url} ({one_line(str(exc))[:200]})") from None
    except OSError as exc:
        raise FetchError(
            f"cannot reach {_host_of(url)} ({_connect_reason(exc)}); check the URL or your network"
        ) from None


# -- saved files -----------------------------------------------------------------------

_BINARY_MAGIC: tuple[tuple[bytes, str], ...] = (
    (b"\x89PNG", "a PNG image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"GIF87a", "a GIF image"),
    (b"GIF89a", "a GIF image"),
    (b"%PDF-", "a PDF document"),
    (b"PK\x03\x04", "a zip archive (or an office document)"),
    (b"\x1f\x8b", "gzip-compressed"),
    (b"BZh", "bzip2-compressed"),
    (b"\xfd7zXZ\x00", "xz-compressed"),
    (b"\x28\xb5\x2f\xfd", "zstd-compressed"),
    (b"7z\xbc\xaf\x27\x1c", "a 7-Zip archive"),
    (b"WARC/", "a WARC file"),
)


# A tag, comment, doctype or XML declaration: "<" then a letter, "!", "/" or "?".
_MARKUP = re.compile(rb"<[A-Za-z!/?]")


def _binary_kind(data: bytes) -> str | None:
    """What binary format ``data`` is in, or None for text."""
    for magic, kind in _BINARY_MAGIC:
        if data.startswith(magic):
            return kind
    if data.startswith(b"RIFF") and data[8:12] == b"WEBP":
        return "a WebP image"
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return None  # UTF-16 text has NUL bytes
    if nul_bytes_mean_binary(data):
        return "binary (it contains NUL bytes)"
    return None


def read_html_file(
    path: str | Path,
    url: str,
    at: datetime | None = None,
    *,
    max_bytes: int = DEFAULT_MAX_BYTES,
) -> Capture:
    """A Capture of a saved HTML file, as if fetched from ``url`` at ``at`` (default: now).

    Raises ``InputError`` when the file cannot be used (missing, a directory, unreadable,
    empty, binary, too large) and ``UsageError`` when ``url`` is not an http(s) URL.
    """
    url = check_http_url(url)
    path = Path(path)
    name = str(path)
    try:
        info = path.stat()
    except FileNotFoundError:
        raise InputError(f"no such file: {name}; check the path") from None
    except PermissionError:
        raise InputError(f"cannot read {name} (permission denied); check its permissions") from None
    except OSError as exc:
        raise InputError(f"cannot read {name} ({_connect_reason(exc)}); check the path") from None
    if path.is_dir():
        raise InputError(f"{name} is a directory; give the path of a saved HTML page")
    if info.st_size > max_bytes:
        raise InputError(
            f"{name} is {_size(info.st_size)}, over the {_size(max_bytes)} limit; "
            "raise --max-bytes to use it"
        )
    try:
        with path.open("rb") as handle:
            data = handle.read(max_bytes + 1)
    except PermissionError:
        raise InputError(f"cannot read {name} (permission denied); check its permissions") from None
    except OSError as exc:
        raise InputError(f"cannot read {name} ({_connect_reason(exc)}); check the path") from None
    if len(data) > max_bytes:
        raise InputError(
            f"{name} is over the {_size(max_bytes)} limit; raise --max-bytes to use it"
        )
    if not data.strip():
        raise InputError(f"{name} is empty; give a saved HTML page")
    kind = _binary_kind(data)
    if kind:
        raise InputError(f"{name} is {kind}, not an HTML page; give a saved HTML page")
    if not data.startswith((b"\xff\xfe", b"\xfe\xff")) and not _MARKUP.search(data[:65_536]):
        # Random or undecodable bytes, or plain text: nothing a browser would render as a page.
        raise InputError(
            f"{name} holds no HTML tags, so it is not a saved web page in any encoding "
            "redline can read; give a saved HTML page"
        )
    return Capture(
        requested_url=url,
        final_url=url,
        body=data,
        fetched_at=at or utc_now(),
        source="file",
        status=None,
        file_path=name,
    )
