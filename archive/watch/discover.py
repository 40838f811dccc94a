"""Articles named by the watchlist's feeds and sitemaps.

Each feed and sitemap is fetched once a run; a sitemap index is followed one level down
(at most ``MAX_CHILD_SITEMAPS`` children, the recent ones). Pages of a sitemap dated more
than ``days`` ago are left out, so a site's whole back catalogue is not watched; feed
items are taken as they come. A feed or sitemap that fails is an ``error`` event and
the rest of the run goes on.
"""

from __future__ import annotations

from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import datetime

from redline.archive.core.errors import FetchError, GuardRefused, InputError
from redline.archive.core.times import iso, utc_now
from redline.archive.fetch.client import Fetcher, UrlGuard
from redline.archive.fetch.netguard import connected_address_problem
from redline.archive.watch.events import PRIVATE, Event
from redline.archive.watch.feeds import parse_feed
from redline.archive.watch.sitemaps import SitemapEntry, parse_sitemap, recent

MAX_CHILD_SITEMAPS = 50
MAX_PAGES_PER_SOURCE = 5000


@dataclass(frozen=True)
class Found:
    """A page some feed or sitemap named."""

    url: str
    source: str


def discover(
    fetcher: Fetcher,
    feeds: Iterable[str],
    sitemaps: Iterable[str],
    *,
    now: datetime | None = None,
    days: float = 30.0,
    concurrency: int = 4,
    guard: UrlGuard | None = None,
) -> tuple[list[Found], list[Event]]:
    """Every page the feeds and sitemaps name (first source wins), and their errors."""
    now = now or utc_now()
    jobs = [("feed", url) for url in feeds] + [("sitemap", url) for url in sitemaps]
    found: list[Found] = []
    errors: list[Event] = []
    seen: set[str] = set()

    def one(job: tuple[str, str]) -> tuple[list[Found], list[Event]]:
        kind, url = job
        if kind == "feed":
            return _feed(fetcher, url)
        return _sitemap(fetcher, url, now, days, guard)

    pool = ThreadPoolExecutor(max_workers=max(1, min(concurrency, len(jobs) or 1)))
    try:
        for pages, problems in pool.map(one, jobs):
            errors += problems
            for page in pages:
                if page.url not in seen:
                    seen.add(page.url)
                    found.append(page)
    finally:
        # On an interrupt, do not wait for slow feeds: their threads end on their own.
        pool.shutdown(wait=False, cancel_futures=True)
    return found, errors


def _error(url: str, message: str) -> Event:
    return Event("error", url, reason=message, at=iso(utc_now()))


def _feed(fetcher: Fetcher, url: str) -> tuple[list[Found], list[Event]]:
    try:
        capture = fetcher.fetch(url, html_only=False)
        items = parse_feed(capture.body, capture.final_url, capture.content_type)
    except (FetchError, InputError) as exc:
        return [], [_error(url, exc.message)]
    return [Found(item.url, url) for item in items[:MAX_PAGES_PER_SOURCE]], []


def _sitemap(
    fetcher: Fetcher, url: str, now: datetime, days: float, guard: UrlGuard | None
) -> tuple[list[Found], list[Event]]:
    try:
        capture = fetcher.fetch(url, html_only=False)
        sitemap = parse_sitemap(capture.body, capture.final_url, max_bytes=fetcher.max_bytes)
    except (FetchError, InputError) as exc:
        return [], [_error(url, exc.message)]
    pages = list(recent(sitemap.pages, now, days))
    errors: list[Event] = []
    children = _newest(recent(sitemap.sitemaps, now, days))[:MAX_CHILD_SITEMAPS]
    for child in children:
        # A sitemap index names other URLs, like a feed: the same guard applies to them.
        try:
            capture = fetcher.fetch(
                child.url,
                html_only=False,
                guard=guard,
                peer_guard=connected_address_problem if guard is not None else None,
            )
            sub = parse_sitemap(capture.body, capture.final_url, max_bytes=fetcher.max_bytes)
        except GuardRefused as exc:
            at = iso(utc_now())
            errors.append(Event("skipped", child.url, reason=exc.message, at=at, cause=PRIVATE))
            continue
        except (FetchError, InputError) as exc:
            errors.append(_error(child.url, exc.message))
            continue
        pages += recent(sub.pages, now, days)  # an index inside an index is not followed
    pages = _newest(pages)[:MAX_PAGES_PER_SOURCE]
    return [Found(page.url, url) for page in pages], errors


def _newest(entries: Iterable[SitemapEntry]) -> list[SitemapEntry]:
    """Dated entries newest first, then the undated in their order."""
    items = list(entries)
    dated = sorted((e for e in items if e.modified), key=lambda e: e.modified or "", reverse=True)
    return dated + [e for e in items if not e.modified]
