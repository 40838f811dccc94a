"""Web archives that speak the Wayback Machine's APIs: listing an article's captures
(the CDX API) and fetching each capture's original bytes (``id_`` replay).

Two kinds of server, behind one interface (``WaybackServer``):

* the Internet Archive's Wayback Machine (``https://web.archive.org/web/``, and any
  server whose address ends in ``/web``): captures are listed by
  ``/cdx/search/cdx?output=json``, a JSON array whose first row names the fields
  (``timestamp``, ``original``, ``statuscode``, ``mimetype``, ``digest``), and replayed
  at ``/web/<timestamp>id_/<url>``;
* a pywb collection (``http://host/<collection>``): captures are listed by
  ``/<collection>/cdx?output=json``, one JSON object per line (``timestamp``, ``url``,
  ``status``, ``mime``, ``digest``), and replayed at ``/<collection>/<timestamp>id_/<url>``.

``capture_of`` turns a fetched memento back into the capture it replays: the original
URLs (redirect hops included, and the Location headers that pointed at mementos), the
time of the original capture, and the memento's URL for provenance. The request
headers and the server's address are left out: they are the web archive's, not the
original site's.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from datetime import datetime, timezone
from urllib.parse import urlencode, urlsplit

from redline.archive.core.errors import FetchError, UsageError, one_line
from redline.archive.core.models import Capture
from redline.archive.core.urls import check_http_url

DEFAULT_WAYBACK_URL = "https://web.archive.org/web/"
_MEMENTO = re.compile(r"/(\d{4,14})(?:[a-z]{2}_)?/(https?:/{1,2}.*)$", re.IGNORECASE)


@dataclass(frozen=True)
class Memento:
    """One capture of a URL in a web archive."""

    url: str  # the URL as it was captured
    timestamp: str  # 14 digits, UTC
    status: str  # "200", "301" ... ("-" for a revisit when unknown)
    mime: str
    digest: str

    @property
    def when(self) -> datetime:
        return timestamp_time(self.timestamp)


def timestamp_time(stamp: str) -> datetime:
    """A Wayback timestamp (YYYYMMDDhhmmss, maybe shorter) as a UTC time."""
    digits = (stamp + "00000101000000"[len(stamp) :])[:14]
    return datetime.strptime(digits, "%Y%m%d%H%M%S").replace(tzinfo=timezone.utc)


def timestamp_of(when: datetime) -> str:
    return when.astimezone(timezone.utc).strftime("%Y%m%d%H%M%S")


@dataclass(frozen=True)
class WaybackServer:
    """A Wayback-compatible server: where its CDX API and its mementos are."""

    replay_base: str  # "<replay_base><timestamp>id_/<url>" is a memento
    cdx_url: str
    style: str  # "ia" (JSON array with a header row) or "pywb" (JSON lines)

    @classmethod
    def at(cls, address: str) -> WaybackServer:
        """The server at ``address``: the Internet Archive's style when its path ends in
        ``/web``, a pywb collection otherwise."""
        url = check_http_url(address).rstrip("/")
        parts = urlsplit(url)
        if parts.query or parts.fragment:
            raise UsageError(
                f"--wayback-url {address!r} has a query or fragment; give the address of "
                "the archive, e.g. https://web.archive.org/web/ or http://host/collection"
            )
        origin = f"{parts.scheme}://{parts.netloc}"
        if parts.path.endswith("/web") or (parts.netloc == "web.archive.org" and not parts.path):
            return cls(f"{origin}/web/", f"{origin}/cdx/search/cdx", "ia")
        if not parts.path.strip("/"):
            raise UsageError(
                f"--wayback-url {address!r} names no collection; give a pywb collection "
                "(http://host/collection) or a Wayback Machine (…/web/)"
            )
        return cls(url + "/", url + "/cdx", "pywb")

    def memento_url(self, memento: Memento) -> str:
        return f"{self.replay_base}{memento.timestamp}id_/{memento.url}"

    def within(self, memento: Memento) -> Callable[[str], str]:
        """Where a redirect met replaying ``memento`` is followed: the target's
        memento at the same time, never the live web (pywb's ``id_`` replay leaves
        an original Location as it was)."""

        def follow(target: str) -> str:
            if self.original(target) is not None:
                return target
            return f"{self.replay_base}{memento.timestamp}id_/{target}"

        return follow

    def refuse_outside(self, url: str) -> str | None:
        """A guard: why ``url`` may not be fetched while reading this web archive."""
        if url.startswith(self.replay_base) or url.startswith(self.cdx_url):
            return None
        return f"{url} is outside the web archive {self.replay_base}; it was not fetched"

    def query(
        self,
        url: str,
        since: datetime | None = None,
        until: datetime | None = None,
    ) -> str:
        """The CDX API request listing ``url``'s captures, oldest first."""
        params: dict[str, str] = {"url": url, "output": "json"}
        if since is not None:
            params["from"] = timestamp_of(since)
        if until is not None:
            params["to"] = timestamp_of(until)
        if self.style == "ia":
            params["filter"] = "statuscode:[23].."
        return f"{self.cdx_url}?{urlencode(params)}"

    def parse(self, body: bytes, source: str) -> list[Memento]:
        """The captures in a CDX API answer, oldest first."""
        try:
            text = body.decode("utf-8")
            if self.style == "ia":
                rows = json.loads(text) if text.strip() else []
                if not rows:
                    return []
                header, *data = rows
                records: list[Mapping[str, str]] = [
                    dict(zip(header, row, strict=False)) for row in data
                ]
            else:
                records = [json.loads(line) for line in text.splitlines() if line.strip()]
        except (UnicodeDecodeError, ValueError, TypeError) as exc:
            raise FetchError(
                f"{source} did not answer with a CDX listing ({one_line(str(exc))[:100]}); "
                "check --wayback-url"
            ) from None
        found = []
        for record in records:
            if not isinstance(record, Mapping):
                continue
            stamp = str(record.get("timestamp", ""))
            original = str(record.get("original") or record.get("url") or "")
            if not stamp.isdigit() or not original.lower().startswith(("http://", "https://")):
                continue
            found.append(
                Memento(
                    url=original,
                    timestamp=stamp,
                    status=str(record.get("statuscode") or record.get("status") or "-"),
                    mime=str(record.get("mimetype") or record.get("mime") or ""),
                    digest=str(record.get("digest") or ""),
                )
            )
        return sorted(found, key=lambda m: m.timestamp)

    def original(self, url: str) -> tuple[str, datetime] | None:
        """The original URL and capture time a memento URL of this server replays."""
        if not url.startswith(self.replay_base):
            return None
        match = _MEMENTO.search("/" + url[len(self.replay_base) :])
        if match is None:
            return None
        original = match.group(2)
        original = re.sub(r"^(https?:)/(?!/)", r"\1//", original, flags=re.IGNORECASE)
        return original, timestamp_time(match.group(1))

    def capture_of(self, fetched: Capture, memento: Memento, asked: str) -> Capture:
        """The capture a fetched memento replays (see the module docstring), as a
        capture of ``asked``, the article's URL the listing was made for."""

        def back(url: str) -> str:
            found = self.original(url)
            return found[0] if found is not None else url

        def when(url: str) -> datetime:
            found = self.original(url)
            return found[1] if found is not None else memento.when

        hops = tuple(
            replace(
                hop,
                url=back(hop.url),
                location=back(hop.location),
                headers=tuple(
                    (name, back(value) if name.lower() == "location" else value)
                    for name, value in hop.headers
                ),
                request_headers=(),
                ip_address=None,
                fetched_at=when(hop.url),
            )
            for hop in fetched.redirects
        )
        return replace(
            fetched,
            requested_url=asked,
            final_url=back(fetched.final_url),
            fetched_at=when(fetched.final_url),
            source="wayback",
            request_headers=(),
            ip_address=None,
            redirects=hops,
            user_agent=None,
            memento_url=fetched.final_url,
        )
