"""One watch check of one article: fetch it, decide what it is, record what happened.

The cheap answers come first, so most checks parse nothing: a 304 to a conditional GET,
or a body byte for byte the one last accepted. Only a body that differs is extracted,
and what comes out passes the quality gate before it may become a version: a challenge,
consent wall, paywall stub or error page is *blocked*; an article that suddenly lost
most of its words is fetched once more and, if it still has, is *suspect*. An article
that answers 404/410 or is sent to a section front after it was captured is *gone* or
*redirected*: the most silent edit of all. Every outcome is an ``Event``; a transient
failure (429, 5xx, a drop) asks the caller to ``Retry`` later.
"""

from __future__ import annotations

import hashlib
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Literal
from urllib.parse import urlsplit

from redline.archive.core.errors import (
    ExtractionError,
    FetchError,
    GuardRefused,
    HTTPStatusError,
    InputError,
)
from redline.archive.core.models import Article, Capture
from redline.archive.core.times import iso, utc_now
from redline.archive.core.urls import normalize_url
from redline.archive.core.wording import join_reasons
from redline.archive.diff.model import diff_articles
from redline.archive.diff.significance import assess
from redline.archive.fetch.client import Fetcher, UrlGuard
from redline.archive.ocfl.archive import Archive, mark_unchanged
from redline.archive.ocfl.state import ArticleState
from redline.archive.watch.events import PRIVATE, Event, EventKind
from redline.archive.watch.target import Target

if TYPE_CHECKING:
    from redline.archive.extract.quality import Refusal
    from redline.archive.extract.reader import ProcessAnalyser, Reader

#: Statuses that mean "not for you": the page is there, redline may not see it.
BLOCKED_STATUSES = frozenset({401, 402, 403, 407, 451})
GONE_STATUSES = frozenset({404, 410})


@dataclass(frozen=True)
class Retry:
    """Check again after ``after`` seconds (``host``: keep off the whole host too)."""

    after: float
    reason: str
    host: bool = False
    suspect: str | None = None


@dataclass
class CheckContext:
    archive: Archive
    fetcher: Fetcher
    #: Applied to URLs found in feeds and sitemaps (and their redirects)...
    guard: UrlGuard | None = None
    #: ...and to the address each of their connections reached.
    peer_guard: UrlGuard | None = None
    max_attempts: int = 3
    max_retry_after: float = 120.0
    #: Pause before re-fetching a page whose article dropped.
    refetch_delay: float = 1.0
    #: Reads a page: ``analyse`` here, or the same in worker processes; by default
    #: chosen (``reader``) when the first page needs reading.
    analyse: Reader | None = None
    #: How many checks the run makes (a large run reads pages in worker processes).
    checks: int = 0
    _workers: ProcessAnalyser | None = field(default=None, repr=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def reader(self) -> Reader:
        """What reads a page. The page reader (trafilatura, lxml, the quality gate) is
        loaded only when a body differs from the one last accepted: a run that finds
        nothing changed never loads it."""
        with self._lock:
            if self.analyse is None:
                from redline.archive.extract.reader import (
                    PROCESS_MIN_CHECKS,
                    ProcessAnalyser,
                    analyse,
                )

                self.analyse = analyse
                if self.checks >= PROCESS_MIN_CHECKS:
                    workers = ProcessAnalyser()
                    if workers.workers > 1:
                        self._workers = self.analyse = workers
            return self.analyse

    def close(self) -> None:
        """Stop the worker processes that read pages, if any started."""
        with self._lock:
            if self._workers is not None:
                self._workers.close()


def check(target: Target, ctx: CheckContext) -> Event | Retry:
    """Check ``target`` once; the article's state is updated before this returns."""
    at = iso(utc_now())
    state = target.state
    headers: dict[str, str] = {}
    if state is not None and target.captured and target.suspect is None and not state.status:
        if state.etag:
            headers["If-None-Match"] = state.etag
        if state.last_modified:
            headers["If-Modified-Since"] = state.last_modified
    try:
        capture = ctx.fetcher.fetch(
            target.url,
            headers=headers,
            guard=ctx.guard if target.discovered else None,
            peer_guard=ctx.peer_guard if target.discovered else None,
        )
    except GuardRefused as exc:
        return Event("skipped", target.url, reason=exc.message, at=at, cause=PRIVATE)
    except HTTPStatusError as exc:
        return _status(target, ctx, exc, at)
    except FetchError as exc:
        event = Event("error", target.url, version=_head(target), reason=exc.message, at=at)
        return _note(ctx, target, event)
    return _page(target, ctx, capture, at)


def _status(target: Target, ctx: CheckContext, exc: HTTPStatusError, at: str) -> Event | Retry:
    status = exc.status
    said = exc.status_line
    state = target.state
    head = _head(target)
    if status == 304 and target.captured:
        event = Event("not-modified", target.url, version=_head(target), reason=said, at=at)
        return _note(ctx, target, event, unchanged=True)
    if status == 429 or status >= 500:
        wait = exc.retry_after if exc.retry_after is not None else 2.0 ** (target.attempt + 1)
        if target.attempt + 1 < ctx.max_attempts and wait <= ctx.max_retry_after:
            return Retry(wait, said, host=status == 429)
        kind: EventKind = "blocked" if status == 429 else "error"
        reason = f"{said} after {target.attempt + 1} attempts"
        if exc.retry_after is not None and exc.retry_after > ctx.max_retry_after:
            reason = f"{said}, asked to wait {exc.retry_after:.0f} s; left for the next run"
        return _note(ctx, target, Event(kind, target.url, version=head, reason=reason, at=at))
    if status in BLOCKED_STATUSES:
        event = Event("blocked", target.url, version=head, reason=said, at=at)
        return _note(ctx, target, event)
    if status in GONE_STATUSES and target.captured and state is not None:
        return _disappeared(ctx, target, "gone", said, at)
    return _note(ctx, target, Event("error", target.url, version=head, reason=exc.message, at=at))


def _page(target: Target, ctx: CheckContext, capture: Capture, at: str) -> Event | Retry:
    state = target.state
    if capture.redirects and is_front_page(target.url, capture.final_url):
        reason = f"sent to {capture.final_url}"
        if not target.captured:  # never the article: a dead link, or a typo
            reason = (
                f"redirects to the site's front page ({capture.final_url}), not to an "
                "article; check the URL"
            )
            return _note(ctx, target, Event("error", target.url, reason=reason, at=at))
        return _disappeared(ctx, target, "redirected", reason, at, location=capture.final_url)
    digest = hashlib.sha256(capture.body).hexdigest()
    validators = _validators(capture, digest)
    if (
        state is not None
        and target.captured
        and not state.status
        and target.suspect is None
        and state.body_sha256 == digest
    ):
        event = Event("unchanged", target.url, version=state.head, reason="same page", at=at)
        return _note(ctx, target, event, unchanged=True, extra=validators)
    came_back = bool(state and state.status)
    from redline.archive.extract.quality import GONE, SUSPECT
    from redline.archive.ingest.step import ingest

    def annotate(s: ArticleState, article: Article) -> None:
        _attempted(s, target, at)
        s.published = article.published or s.published
        for key, value in validators.items():
            setattr(s, key, value)
        if s.status:
            s.add_event("back", at, f"answers again at {capture.final_url}")
            s.status = ""

    try:
        done = ingest(
            ctx.archive,
            capture,
            reader=ctx.reader(),
            annotate=annotate,
        )
    except (ExtractionError, InputError) as exc:
        return _note(ctx, target, Event("error", target.url, reason=exc.message, at=at))
    refusal = done.refusal
    if refusal is not None:
        if refusal.event == GONE and target.captured:
            return _disappeared(ctx, target, "gone", refusal.reason, at)
        if refusal.event == SUSPECT and done.previous is not None and target.suspect is None:
            # An article that lost most of its text: fetched once more before it is
            # called suspect (a template hiccup, a half-served page).
            return Retry(ctx.refetch_delay, refusal.reason, suspect=refusal.reason)
        return _refused(ctx, target, refusal, at)
    result = done.result
    assert result is not None
    if result.status == "changed":
        before, after = done.graded_pair(ctx.archive)
        significance = assess(before, after, diff_articles(before, after))
        return Event(
            "changed",
            target.url,
            version=result.version,
            severity=significance.severity,
            stealth=significance.stealth,
            reason=join_reasons(significance.reasons, 3) or None,
            at=at,
        )
    back = "back after it was gone" if came_back else None
    return Event(result.status, target.url, version=result.version, reason=back, at=at)


def _validators(capture: Capture, digest: str) -> dict[str, str | None]:
    return {
        "etag": capture.header("ETag"),
        "last_modified": capture.header("Last-Modified"),
        "body_sha256": digest,
    }


def _head(target: Target) -> int | None:
    return target.state.head if target.state is not None and target.state.head else None


def _attempted(state: ArticleState, target: Target, at: str) -> None:
    state.last_attempt = at
    state.discovered = state.discovered or at
    for source in target.sources:
        if source and source not in state.sources:
            state.sources = [*state.sources, source]


def _note(
    ctx: CheckContext,
    target: Target,
    event: Event,
    *,
    unchanged: bool = False,
    extra: dict[str, str | None] | None = None,
    then: Callable[[ArticleState], None] | None = None,
) -> Event:
    """Record the attempt (and, for a check that found the head, the check) in the state."""

    def annotate(state: ArticleState) -> None:
        _attempted(state, target, event.at or iso(utc_now()))
        if unchanged:
            mark_unchanged(state, event.at or iso(utc_now()))
        for key, value in (extra or {}).items():
            if value is not None or key != "body_sha256":
                setattr(state, key, value)
        if then is not None:
            then(state)

    ctx.archive.note_check(target.object_id, annotate)
    return event


def _refused(ctx: CheckContext, target: Target, refusal: Refusal, at: str) -> Event:
    event = Event(refusal.event, target.url, version=_head(target), reason=refusal.reason, at=at)
    return _note(ctx, target, event, then=lambda s: s.add_event(refusal.event, at, refusal.reason))


def _disappeared(
    ctx: CheckContext,
    target: Target,
    kind: Literal["gone", "redirected"],
    reason: str,
    at: str,
    *,
    location: str | None = None,
) -> Event:
    """A captured article answers 404/410, or sends readers elsewhere."""
    state = target.state
    if state is not None and state.status == kind:
        since = next((e["at"] for e in reversed(state.events) if e.get("event") == kind), None)
        still = f"still {kind} ({reason})" + (f" since {since}" if since else "")
        event = Event("unchanged", target.url, version=state.head, reason=still, at=at)
        return _note(ctx, target, event)
    event = Event(kind, target.url, version=_head(target), reason=reason, at=at, location=location)

    def mark(s: ArticleState) -> None:
        s.status = kind
        s.add_event(kind, at, reason)

    return _note(ctx, target, event, then=mark)


def is_front_page(article_url: str, final_url: str) -> bool:
    """Whether ``final_url`` (where a redirect ended) is a home page or a section front
    rather than the article, or another article: a path that is empty, a parent of the
    article's path, or one segment the article's path has."""
    if normalize_url(article_url) == normalize_url(final_url):
        return False
    try:
        old = [s for s in urlsplit(article_url).path.split("/") if s]
        new = [s for s in urlsplit(final_url).path.split("/") if s]
    except ValueError:
        return False
    if not new:
        return True
    if len(new) < len(old) and old[: len(new)] == new:
        return True
    return len(new) == 1 and len(old) >= 2 and new[0] in old
