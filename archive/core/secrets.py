"""Secrets in URLs: never stored, never printed.

An archive may be published (a public bucket, a public repository, a CI log), and a URL
can carry a password (``https://alice:pa55@host/``) or a credential in its query: an API
key, a token, a signature of a pre-signed link. redline refuses URLs with a user name or
password, and replaces the value of every credential-like query parameter with
``REDACTED`` wherever a URL is kept or shown: the article's id, the version's message,
``capture.json``, the WARC's request and target URI, events, run logs and errors. The
request itself is sent with the real URL.
"""

from __future__ import annotations

import re
from dataclasses import replace
from urllib.parse import unquote, urlsplit, urlunsplit

from redline.archive.core.models import Capture

REDACTED = "REDACTED"

#: Query parameters that carry credentials, compared case-insensitively.
SECRET_PARAMS = frozenset(
    {
        "access_token",
        "api_key",
        "api-key",
        "apikey",
        "auth_token",
        "client_secret",
        "id_token",
        "jwt",
        "key",
        "passwd",
        "password",
        "pwd",
        "refresh_token",
        "secret",
        "session_id",
        "sessionid",
        "sig",
        "signature",
        "token",
    }
)
#: Prefixes of the parameters of pre-signed cloud storage links.
SECRET_PREFIXES = ("x-amz-", "x-goog-", "x-ms-")
_URL_IN_TEXT = re.compile(r"https?://[^\s'\"<>()]+", re.I)


def is_secret_param(name: str) -> bool:
    lname = name.lower()
    return lname in SECRET_PARAMS or lname.startswith(SECRET_PREFIXES)


def has_userinfo(url: str) -> bool:
    """Whether ``url`` names a user (and maybe a password) before its host."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return False
    return "@" in parts.netloc


def redact_query(query: str) -> str:
    pieces = []
    for piece in query.split("&"):
        name, sep, _value = piece.partition("=")
        if sep and is_secret_param(unquote(name.replace("+", " "))):
            pieces.append(f"{name}={REDACTED}")
        else:
            pieces.append(piece)
    return "&".join(pieces)


def redact(url: str) -> str:
    """``url`` with any user name and password removed and every credential-like query
    value replaced by ``REDACTED``; anything that is not a URL is returned as it is."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return url
    if not parts.scheme or not parts.netloc:
        return url
    netloc = parts.netloc.rpartition("@")[2] if "@" in parts.netloc else parts.netloc
    query = redact_query(parts.query) if parts.query else parts.query
    if netloc == parts.netloc and query == parts.query:
        return url
    return urlunsplit((parts.scheme, netloc, parts.path, query, parts.fragment))


def redact_text(text: str) -> str:
    """``text`` (a message, a reason) with every http(s) URL in it redacted."""
    if "://" not in text:
        return text
    return _URL_IN_TEXT.sub(lambda m: redact(m.group(0)), text)


def redact_capture(capture: Capture) -> Capture:
    """``capture`` as it may be archived: its URLs, its redirect chain and the URLs in
    its Location-like headers redacted. The body is the page as served."""
    headers = tuple(
        (name, redact_text(value) if name.lower() in _URL_HEADERS else value)
        for name, value in capture.headers
    )
    redirects = tuple(
        replace(
            hop,
            url=redact(hop.url),
            location=redact(hop.location),
            headers=tuple(
                (name, redact_text(value) if name.lower() in _URL_HEADERS else value)
                for name, value in hop.headers
            ),
        )
        for hop in capture.redirects
    )
    redacted = replace(
        capture,
        requested_url=redact(capture.requested_url),
        final_url=redact(capture.final_url),
        headers=headers,
        redirects=redirects,
        memento_url=redact(capture.memento_url) if capture.memento_url else None,
    )
    if redacted == capture:
        if any(_record_has_secret(raw) for raw in capture.source_records):
            return replace(capture, source_records=())
        return capture
    # A redirect's body repeats its Location, and a source WARC's records hold the URLs
    # as they were: neither is kept once a secret had to be taken out.
    return replace(
        redacted,
        redirects=tuple(replace(hop, body=None) for hop in redirects),
        source_records=(),
    )


_URL_HEADERS = frozenset({"location", "content-location", "link", "refresh"})


def has_secret(text: str) -> bool:
    """Whether ``text`` holds a URL that ``redact`` would change."""
    return "://" in text and any(redact(url) != url for url in _URL_IN_TEXT.findall(text))


def _record_has_secret(raw: bytes) -> bool:
    """Whether a WARC record names a URL with a secret anywhere but in the page it holds
    (its WARC headers, its HTTP headers, a crawler's notes such as its command line)."""
    head, _, block = raw.partition(b"\r\n\r\n")
    kind = re.search(rb"(?im)^WARC-Type:\s*(\S+)", head)
    target = re.search(rb"(?im)^WARC-Target-URI:\s*<?https?:", head)
    if kind is not None and kind.group(1).lower() in (b"response", b"revisit"):
        block = block.partition(b"\r\n\r\n")[0]  # the HTTP headers, not the page
    elif kind is not None and kind.group(1).lower() == b"resource" and target is not None:
        block = b""  # a page saved as it was served
    return has_secret((head + b"\n" + block).decode("utf-8", "replace"))
