"""``capture.json``: where and how one capture was obtained, as plain JSON data.

Keys (always present unless noted)::

    redline_version   version of redline that made the capture
    source            "http", "file", "warc" or "wayback"
    requested_url     the URL asked for, as given
    final_url         the URL of the page after redirects
    redirects         [{"url", "status", "location", "fetched_at", "ip_address"}, ...]
                      one per hop, in order (the last two null when not known)
    fetched_at        ISO 8601 UTC with a Z
    status, reason    HTTP status code and phrase (null and "" for files)
    http_version      "HTTP/1.1" or "HTTP/1.0" (null for files)
    headers           response headers as received: [[name, value], ...]
    request_headers   request headers sent: [[name, value], ...]
    content_type      the response's Content-Type (null if none)
    user_agent        the User-Agent used (null for files)
    ip_address        the address of the server that answered (null when not known)
    file              the file the page was read from (null when fetched)
    body_sha256       SHA-256 (hex) of the page body, decompressed
    body_length       its length in bytes
    memento_url       only for a page from a web archive: the memento it was read from
                      (``fetched_at`` is then the time of the original capture)
    wire_sha256       only when a Content-Encoding was applied: SHA-256 of the bytes
    wire_length       as they travelled, and their length
"""

from __future__ import annotations

import hashlib
from typing import Any

from redline import __version__
from redline.archive.core.models import Capture
from redline.archive.core.times import iso

__all__ = ["provenance"]


def provenance(capture: Capture, *, user_agent: str | None = None) -> dict[str, Any]:
    """The ``capture.json`` document for ``capture`` (see the module docstring).

    ``user_agent`` overrides the one recorded in the capture, if given.
    """
    is_http = capture.status is not None
    data: dict[str, Any] = {
        "redline_version": __version__,
        "source": capture.source,
        "requested_url": capture.requested_url,
        "final_url": capture.final_url,
        "redirects": [
            {
                "url": hop.url,
                "status": hop.status,
                "location": hop.location,
                "fetched_at": iso(hop.fetched_at) if hop.fetched_at else None,
                "ip_address": hop.ip_address,
            }
            for hop in capture.redirects
        ],
        "fetched_at": iso(capture.fetched_at),
        "status": capture.status,
        "reason": capture.reason,
        "http_version": capture.http_version if is_http else None,
        "headers": [[name, value] for name, value in capture.headers],
        "request_headers": [[name, value] for name, value in capture.request_headers],
        "content_type": capture.content_type,
        "user_agent": user_agent if user_agent is not None else capture.user_agent,
        "ip_address": capture.ip_address,
        "file": capture.file_path,
        "body_sha256": hashlib.sha256(capture.body).hexdigest(),
        "body_length": len(capture.body),
    }
    if capture.memento_url is not None:
        data["memento_url"] = capture.memento_url
    if capture.wire_body is not None and capture.wire_body != capture.body:
        data["wire_sha256"] = hashlib.sha256(capture.wire_body).hexdigest()
        data["wire_length"] = len(capture.wire_body)
    return data
