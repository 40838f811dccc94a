"""``redline import wayback``: an article's history from a web archive.

For each URL, the captures a Wayback-compatible server holds (its CDX API, see
``fetch.wayback``) are fetched as they were captured (``id_`` replay) and handed, oldest
first, to the one capture step (``ingest``), exactly as pages fetched live: only a real
change of the article becomes a version, dated when the web archive captured it, and
its ``capture.json`` names the memento it was read from.

Captures at or before the article's last check are not fetched: they were imported
by an earlier run (re-running imports nothing twice), or they are older than versions
the archive already holds, which the capture step could not place before them (import
history into an archive before watching, or into a new one). Only the web archive is
ever asked: a redirect it replays is followed to the target's memento, never to the
live site. Requests are spaced by
``delay`` seconds, and a server that answers 429 or 503 is waited for (its
Retry-After, at most a minute) and asked again, twice at most.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass

from redline.archive.capture import record_capture
from redline.archive.core.errors import FetchError, HTTPStatusError, RedlineError
from redline.archive.core.models import Capture
from redline.archive.core.times import parse_when, read_iso
from redline.archive.core.urls import check_http_url, normalize_url
from redline.archive.fetch.client import Fetcher, is_html_type
from redline.archive.fetch.wayback import DEFAULT_WAYBACK_URL, Memento, WaybackServer
from redline.archive.ocfl.archive import Archive, RecordResult

#: Seconds between two requests to a web archive, unless told otherwise.
DEFAULT_DELAY = 1.0
RETRIES = 2
MAX_WAIT = 60.0


@dataclass(frozen=True)
class Imported:
    """What became of one capture in the web archive (or of one URL's listing)."""

    url: str  # the URL asked for
    memento: Memento | None = None
    result: RecordResult | None = None
    error: RedlineError | None = None


@dataclass(frozen=True)
class Listing:
    """One URL's captures in the web archive, and how many were imported before."""

    url: str
    found: int
    known: int
    chosen: tuple[Memento, ...]


class _Polite:
    """Spaces requests to one server and waits out its rate limits."""

    def __init__(self, fetcher: Fetcher, delay: float) -> None:
        self.fetcher = fetcher
        self.delay = delay
        self.last = 0.0

    def fetch(
        self,
        url: str,
        *,
        html_only: bool,
        server: WaybackServer,
        follow: Callable[[str], str] | None = None,
    ) -> Capture:
        for attempt in range(RETRIES + 1):
            wait = self.last + self.delay - time.monotonic()
            if wait > 0:
                time.sleep(wait)
            try:
                return self.fetcher.fetch(
                    url, html_only=html_only, guard=server.refuse_outside, follow=follow
                )
            except HTTPStatusError as exc:
                if exc.status not in (429, 503) or attempt == RETRIES:
                    raise
                time.sleep(min(MAX_WAIT, exc.retry_after or 5.0 * (attempt + 1)))
            finally:
                self.last = time.monotonic()
        raise AssertionError("unreachable")


def _wanted(memento: Memento) -> bool:
    status_ok = memento.status == "-" or memento.status[:1] in ("2", "3")
    mime = memento.mime.lower()
    type_ok = not mime or mime in ("unk", "warc/revisit") or is_html_type(mime)
    return status_ok and (type_ok or memento.status[:1] == "3")


def listing(
    archive: Archive,
    server: WaybackServer,
    polite: _Polite,
    url: str,
    *,
    since: str | None,
    until: str | None,
    limit: int | None,
) -> Listing:
    """``url``'s captures to import, oldest first."""
    start = parse_when(since) if since else None
    end = parse_when(until) if until else None
    query = server.query(url, start, end)
    answer = polite.fetch(query, html_only=False, server=server)
    mementos = [m for m in server.parse(answer.body, query) if _wanted(m)]
    mementos = list({m.timestamp: m for m in mementos}.values())  # one per second
    state = archive.state(normalize_url(url))
    checked = read_iso(state.last_checked) if state is not None and state.last_checked else None
    fresh = [m for m in mementos if checked is None or m.when > checked]
    chosen = fresh[:limit] if limit else fresh
    return Listing(url, len(mementos), len(mementos) - len(fresh), tuple(chosen))


def import_wayback(
    archive: Archive,
    urls: Sequence[str],
    *,
    since: str | None = None,
    until: str | None = None,
    limit: int | None = None,
    wayback_url: str = DEFAULT_WAYBACK_URL,
    delay: float = DEFAULT_DELAY,
    timeout: float = 30.0,
) -> Iterator[Listing | Imported]:
    """Import each URL's captures (see the module docstring): its ``Listing``, then
    one ``Imported`` per capture fetched, in time order."""
    server = WaybackServer.at(wayback_url)
    urls = [check_http_url(url) for url in urls]  # a typo stops the run first
    if since:
        parse_when(since)
    if until:
        parse_when(until)
    with Fetcher(timeout=timeout) as fetcher:
        polite = _Polite(fetcher, delay)
        for url in urls:
            try:
                found = listing(archive, server, polite, url, since=since, until=until, limit=limit)
            except FetchError as exc:
                yield Imported(url, error=exc)
                continue
            yield found
            for memento in found.chosen:
                try:
                    fetched = polite.fetch(
                        server.memento_url(memento),
                        html_only=True,
                        server=server,
                        follow=server.within(memento),
                    )
                    capture = server.capture_of(fetched, memento, url)
                    yield Imported(url, memento, result=record_capture(archive, capture))
                except RedlineError as exc:
                    yield Imported(url, memento, error=exc)
