"""``redline watch``: check every due article of a watchlist, politely, in parallel.

The run, start to end::

    take the shard's lease → read the articles' states → fetch feeds and sitemaps →
    pick this shard's due articles → check them (bounded overall and per host) →
    write the run's log → give the lease back

Checks run in threads; which one starts next is decided by a ``HostQueue`` (per-host
slots, delays, Retry-After) that each thread asks, under one lock, when it is free.
Nothing one site does stops the run: every outcome is an ``Event`` passed to ``emit``.
"""

from __future__ import annotations

import hashlib
import re
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import datetime
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from redline import __version__
from redline.archive.core import layout
from redline.archive.core.errors import (
    ArchiveError,
    FetchError,
    HTTPStatusError,
    UsageError,
    one_line,
)
from redline.archive.core.times import iso, read_iso, utc_now
from redline.archive.core.urls import normalize_url
from redline.archive.fetch.client import DEFAULT_MAX_BYTES, DEFAULT_TIMEOUT, Fetcher, UrlGuard
from redline.archive.fetch.netguard import connected_address_problem, private_address_problem
from redline.archive.ocfl.archive import Archive
from redline.archive.ocfl.duenote import DueNote
from redline.archive.ocfl.lease import DEFAULT_LEASE_TIMEOUT, RunLease
from redline.archive.ocfl.state import ArticleState
from redline.archive.ocfl.stateindex import StateIndex
from redline.archive.watch.events import NOT_DUE, PRIVATE, ROBOTS, Event, RunSummary
from redline.archive.watch.hostqueue import HostQueue
from redline.archive.watch.robots import RobotsPolicy, policy_from_response, robots_url
from redline.archive.watch.schedule import SLACK, next_check
from redline.archive.watch.target import Target
from redline.archive.watch.watchlist import Watchlist, WatchlistFile, contact_problem

if TYPE_CHECKING:
    from redline.archive.watch.check import Retry

#: Seconds an interrupted run waits for the checks already running.
INTERRUPT_GRACE = 2.0
PROJECT_URL = "https://github.com/redline-archive/redline"


@dataclass(frozen=True)
class WatchOptions:
    concurrency: int = 8
    per_host: int = 2
    delay: float = 1.0
    shard: tuple[int, int] = (1, 1)
    check_all: bool = False
    robots: bool = True
    allow_private: bool = False
    contact: str | None = None
    timeout: float = DEFAULT_TIMEOUT
    max_bytes: int = DEFAULT_MAX_BYTES
    lease_timeout: float = DEFAULT_LEASE_TIMEOUT
    max_attempts: int = 3
    max_retry_after: float = 120.0
    sitemap_days: float = 30.0
    #: The run's id (``redline report --run ID``); by default its start time and a
    #: random suffix.
    run_id: str | None = None
    #: The Wayback-compatible server that ``wayback:`` lines import history from.
    wayback_url: str | None = None


def parse_shard(text: str) -> tuple[int, int]:
    """``K/N`` → (K, N), shards numbered from 1."""
    head, sep, tail = text.partition("/")
    if sep and head.strip().isdigit() and tail.strip().isdigit():
        k, n = int(head), int(tail)
        if 1 <= k <= n:
            return k, n
    raise UsageError(f"--shard {text!r} is not K/N with 1 <= K <= N, e.g. --shard 2/4")


_RUN_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,99}")


def check_run_id(text: str) -> str:
    if not _RUN_ID.fullmatch(text):
        raise UsageError(
            f"--run-id {text!r} is not usable; use 1 to 100 letters, digits, '.', '_' or '-'"
        )
    return text


def check_contact(text: str) -> str:
    problem = contact_problem(text)
    if problem:
        raise UsageError(f"--contact: {problem}")
    return text.strip()


def shard_of(object_id: str, count: int) -> int:
    """The shard (1..count) an article belongs to: a hash of its id, stable across runs."""
    return int(hashlib.sha256(object_id.encode()).hexdigest()[:16], 16) % count + 1


def user_agent(contact: str | None) -> str:
    extra = f"; {contact}" if contact else ""
    return f"redline/{__version__} (+{PROJECT_URL}{extra})"


class RobotsCache:
    """robots.txt of each host, fetched once a run by the first check that needs it.

    robots.txt is fetched through the same guards as the article it is asked for: for
    an article found in a feed or sitemap, neither the file's URL, nor any redirect
    hop, nor the address a connection reached may be private."""

    def __init__(
        self, fetcher: Fetcher, guard: UrlGuard | None = None, peer_guard: UrlGuard | None = None
    ) -> None:
        self.fetcher = fetcher
        self.guard = guard
        self.peer_guard = peer_guard
        self._policies: dict[tuple[str, bool], RobotsPolicy] = {}
        self._locks: dict[tuple[str, bool], threading.Lock] = {}
        self._lock = threading.Lock()

    def policy(self, url: str, *, guarded: bool = False) -> RobotsPolicy:
        key = (robots_url(url), guarded)
        with self._lock:
            lock = self._locks.setdefault(key, threading.Lock())
        with lock:
            if key not in self._policies:
                self._policies[key] = self._fetch(*key)
            return self._policies[key]

    def _fetch(self, url: str, guarded: bool) -> RobotsPolicy:
        try:
            capture = self.fetcher.fetch(
                url,
                html_only=False,
                guard=self.guard if guarded else None,
                peer_guard=self.peer_guard if guarded else None,
            )
        except HTTPStatusError as exc:
            return policy_from_response(exc.status, None)
        except FetchError as exc:
            reason = exc.message.split("; ")[0]
            # Only a site that answered can be watched without its robots.txt.
            unreachable = any(
                w in reason for w in ("cannot find host", "DNS", "refused", "unreachable")
            )
            advice = "check the URL" if unreachable else "check the URL, or pass --ignore-robots"
            return replace(
                policy_from_response(None, None),
                note=f"robots.txt could not be fetched ({reason}): the site is treated as "
                f"closed for this run; {advice}",
            )
        return policy_from_response(capture.status, capture.body)


def host_of(url: str) -> str:
    try:
        return (urlsplit(url).netloc or url).lower()
    except ValueError:
        return url


def _joined(states: dict[str, ArticleState]) -> dict[str, str]:
    """The links that joined the article of their canonical URL (``?ref=rss``), and
    that article's id."""
    return {alias: state.id for state in states.values() for alias in state.aliases}


def select_targets(
    watchlist: Watchlist,
    found: list[tuple[str, str]],
    states: dict[str, ArticleState],
    shard: tuple[int, int],
) -> list[Target]:
    """This shard's articles: the watchlist's, those its feeds and sitemaps name now, and
    those they named in earlier runs (an article stays watched once it appeared)."""
    targets: dict[str, Target] = {}
    # A link that joined the article of its canonical URL (?ref=rss) is that article.
    joined = _joined(states)

    def add(url: str, source: str) -> None:
        object_id = normalize_url(url)
        if object_id not in states and object_id in joined:
            object_id = joined[object_id]
        if shard[1] > 1 and shard_of(object_id, shard[1]) != shard[0]:
            return
        target = targets.get(object_id)
        if target is None:
            targets[object_id] = Target(url, states.get(object_id), (source,), object_id=object_id)
        elif source not in target.sources:
            target.sources = (*target.sources, source)

    for entry in watchlist.pages:
        add(entry.url, "")
    for url, source in found:
        add(url, source)
    sources = {e.url for e in watchlist.feeds} | {e.url for e in watchlist.sitemaps}
    for state in states.values():
        for source in state.sources:
            if source in sources:
                add(state.id, source)
    return list(targets.values())


def _backfill(
    archive: Archive,
    watchlist: Watchlist,
    states: dict[str, ArticleState],
    options: WatchOptions,
    report: Callable[[Event], None],
) -> None:
    """Import from a web archive the history of each ``wayback:`` article of this shard
    that was never checked: once, before its first check, so that only its real
    changes since become versions. Each version imported is reported as new or changed,
    dated when the web archive captured it."""
    from redline.archive.backfill import Imported, import_wayback
    from redline.archive.fetch.wayback import DEFAULT_WAYBACK_URL

    k, n = options.shard
    urls = []
    for entry in watchlist.backfills:
        object_id = normalize_url(entry.url)
        if (n == 1 or shard_of(object_id, n) == k) and object_id not in states:
            urls.append(entry.url)
    if not urls:
        return
    items = import_wayback(
        archive,
        urls,
        wayback_url=options.wayback_url or DEFAULT_WAYBACK_URL,
        delay=options.delay,
        timeout=options.timeout,
    )
    for item in items:
        if not isinstance(item, Imported):
            continue
        if item.error is not None:
            reason = f"from the web archive: {item.error.message}"
            report(Event("error", item.url, reason=reason, at=iso(utc_now())))
        elif item.result is not None and item.result.status != "unchanged":
            report(
                Event(
                    item.result.status,
                    item.result.url,
                    version=item.result.version,
                    reason=f"from the web archive, captured {item.result.captured_at}",
                    at=item.result.captured_at,
                )
            )


def run_watch(
    archive: Archive,
    source: Watchlist | WatchlistFile,
    options: WatchOptions,
    emit: Callable[[Event], None],
    *,
    progress: Callable[[int, int], None] | None = None,
    on_problems: Callable[[list[str]], None] | None = None,
    not_due_events: bool = True,
) -> RunSummary:
    """Run a watch of ``source``'s articles. ``on_problems`` is told the watchlist's
    unusable lines before anything else happens. Without ``not_due_events`` the
    articles not due are counted, not passed to ``emit`` one by one: a run with nothing
    due then reads no index when the note beside it (``ocfl.duenote``) says so."""
    started = utc_now()
    clock = time.monotonic()
    run_id = options.run_id or (
        f"{iso(started).replace(':', '').replace('-', '')}-{uuid.uuid4().hex[:6]}"
    )
    k, n = options.shard
    name = layout.index_name(k, n)
    note = archive.due_note(name) if not options.check_all else None
    if note is not None and not note.matches(source.digest, options_key(options.shard)):
        note = None
    # A watchlist noted before is not parsed to report its unusable lines.
    problems = note.problems if note is not None else _parsed(source).problems
    if on_problems is not None:
        on_problems(problems)
    if archive.has_run(run_id):
        raise UsageError(f"a watch run named {run_id} is already in the archive; pick another")
    summary = RunSummary(run_id=run_id, started=iso(started))
    summary.notes += problems

    def report(event: Event) -> None:
        summary.add(event)
        emit(event)

    archive.ensure_root()
    lease = archive.lease(f"watch-shard-{k}-of-{n}", timeout=options.lease_timeout)
    with lease:
        if not not_due_events and note is not None and _nothing_due(archive, name, note):
            if note.targets:
                summary.counts["skipped"] += note.targets
                summary.skipped[NOT_DUE] += note.targets
            summary.next_due = note.next_due
            summary.finished = iso(utc_now())
            summary.seconds = time.monotonic() - clock
            _save_run(archive, summary, options)
            return summary
        watchlist = _parsed(source)
        index = archive.watch_states(name, lambda object_id: n == 1 or shard_of(object_id, n) == k)
        states = {state.id: state for state in index.states()}
        fetcher = Fetcher(
            timeout=options.timeout,
            max_bytes=options.max_bytes,
            user_agent=user_agent(options.contact or watchlist.contact),
            connections_per_host=options.per_host,
        )
        with fetcher:
            found: list[tuple[str, str]] = []
            if watchlist.feeds or watchlist.sitemaps:
                from redline.archive.watch.discover import discover

                pages, errors = discover(
                    fetcher,
                    [e.url for e in watchlist.feeds],
                    [e.url for e in watchlist.sitemaps],
                    days=options.sitemap_days,
                    concurrency=options.concurrency,
                    guard=None if options.allow_private else private_address_problem,
                )
                found = [(f.url, f.source) for f in pages]
                for event in errors:
                    report(event)
            if watchlist.backfills:
                _backfill(archive, watchlist, states, options, report)
                states = {state.id: state for state in index.states()}
            targets = select_targets(watchlist, found, states, options.shard)
            now = utc_now()
            due = []
            later = []
            for target in targets:
                when = next_check(target.state) if target.state is not None else None
                if options.check_all or when is None or when - SLACK <= now:
                    due.append(target)
                else:
                    report(
                        Event(
                            "skipped",
                            target.url,
                            version=_head(target),
                            reason="not due",
                            at=iso(now),
                            cause=NOT_DUE,
                        )
                    )
                    later.append(when)
            summary.next_due = iso(min(later)) if later else None
            try:
                if due:
                    _check_all(archive, fetcher, due, options, report, lease, progress)
            except (KeyboardInterrupt, SystemExit):
                summary.interrupted = True
                summary.status = "interrupted"
                summary.notes.append(
                    f"the run was interrupted after {summary.checked:,} of {len(due):,} checks"
                )
                raise
            except BaseException as exc:
                summary.status = "failed"
                summary.notes.append(
                    f"the run failed after {summary.checked:,} of {len(due):,} checks "
                    f"({type(exc).__name__}: {one_line(exc)})"
                )
                raise
            finally:
                merged = False
                try:
                    index.merge()
                    merged = True
                except ArchiveError as exc:
                    summary.notes.append(
                        f"the check times of this run could not be saved ({exc.message}); "
                        "the next run checks those articles again"
                    )
                if merged and summary.status == "completed":
                    _note_due(archive, index, watchlist, options, states, targets, due, later)
                summary.finished = iso(utc_now())
                summary.seconds = time.monotonic() - clock
                _save_run(archive, summary, options)
    return summary


def _parsed(source: Watchlist | WatchlistFile) -> Watchlist:
    return source.parsed if isinstance(source, WatchlistFile) else source


def options_key(shard: tuple[int, int]) -> str:
    """What, besides the watchlist and the states, decides which articles a run picks
    and when each is due (the schedule is this version's)."""
    return f"redline {__version__}; shard {shard[0]}/{shard[1]}"


def _nothing_due(archive: Archive, name: str, note: DueNote) -> bool:
    """Whether the note says nothing is due now and still holds: the indexes and
    journal segments a run would read are, by their stamps, those it was worked out
    from (one listing). A run starting a little early still checks what is almost due
    (``SLACK``)."""
    if note.next_due is not None:
        first = read_iso(note.next_due)
        if first is None or utc_now() >= first - SLACK:
            return False
    if None in note.inputs.values():
        return False
    return archive.state_inputs(name) == note.inputs


def _note_due(
    archive: Archive,
    index: StateIndex,
    watchlist: Watchlist,
    options: WatchOptions,
    states: dict[str, ArticleState],
    targets: list[Target],
    due: list[Target],
    later: list[datetime],
) -> None:
    """Note beside the shard's index when its first article is next due (``ocfl.duenote``),
    when the store holds exactly the states this run read and wrote."""
    if watchlist.feeds or watchlist.sitemaps:
        return  # each run fetches them, and they may name a new article any time
    inputs = index.inputs()
    if inputs is None:
        return  # another process wrote meanwhile: the next run works it out again
    if due:  # some were checked: the next run picks and schedules from the new states
        before = states
        states = {state.id: state for state in index.states()}
        joined = _joined(states)
        if joined == _joined(before) and not any(i in joined for i in states.keys() - before):
            # No link joined another article: the next run picks the same articles.
            picked = [states.get(target.object_id) for target in targets]
        else:
            targets = select_targets(watchlist, [], states, options.shard)
            picked = [target.state for target in targets]
        later = []
        for state in picked:
            when = next_check(state) if state is not None else None
            if when is None:
                return
            later.append(when)
    k, n = options.shard
    for entry in watchlist.backfills:
        object_id = normalize_url(entry.url)
        if (n == 1 or shard_of(object_id, n) == k) and object_id not in states:
            return  # its history is imported by the next run
    first = min(later) if later else None
    if first is not None and first - SLACK <= utc_now():
        return
    note = DueNote(
        watchlist=watchlist.digest,
        options=options_key(options.shard),
        inputs=inputs,
        targets=len(targets),
        next_due=iso(first) if first is not None else None,
        problems=watchlist.problems,
    )
    archive.save_due_note(index.name, note)


def unexpected(exc: BaseException) -> str:
    """An error redline did not expect, as one line for the run's report."""
    return (
        f"unexpected {type(exc).__name__} while checking this article: {one_line(exc)}; "
        f"this is a bug in redline, please report it at {PROJECT_URL}/issues with this "
        "line and the article's URL"
    )


def _head(target: Target) -> int | None:
    return target.state.head if target.state is not None and target.state.head else None


def _check_all(
    archive: Archive,
    fetcher: Fetcher,
    targets: list[Target],
    options: WatchOptions,
    report: Callable[[Event], None],
    lease: RunLease,
    progress: Callable[[int, int], None] | None,
) -> None:
    from redline.archive.watch.check import CheckContext, Retry, check

    guard = None if options.allow_private else private_address_problem
    ctx = CheckContext(
        archive,
        fetcher,
        guard=guard,
        peer_guard=None if options.allow_private else connected_address_problem,
        max_attempts=options.max_attempts,
        max_retry_after=options.max_retry_after,
        refetch_delay=options.delay,
        checks=len(targets),
    )
    robots = RobotsCache(fetcher, guard, ctx.peer_guard) if options.robots else None
    queue: HostQueue[Target] = HostQueue(per_host=options.per_host, delay=options.delay)
    for target in targets:
        queue.push(host_of(target.url), target)
    total, done = len(targets), 0
    # The checking threads take their checks from the queue themselves, one at a time
    # under this lock, as each finishes the one before: no thread hands them out.
    lock = threading.Condition()
    running = waiting = ended = 0
    stopping = False
    failures: list[BaseException] = []

    def one(target: Target) -> tuple[Event | Retry, float | None]:
        """One check; whatever goes wrong in it becomes an error for that article alone."""
        try:
            return _one(target)
        except Exception as exc:  # a bug met on one page must not stop every other check
            reason = exc.message if isinstance(exc, ArchiveError) else unexpected(exc)
            at = iso(utc_now())
            return Event("error", target.url, version=_head(target), reason=reason, at=at), None

    def _one(target: Target) -> tuple[Event | Retry, float | None]:
        delay = None
        refusal = guard(target.url) if guard is not None and target.discovered else None
        at = iso(utc_now())
        head = _head(target)
        if refusal:  # before robots.txt: nothing at all is sent to such an address
            refused = Event(
                "skipped", target.url, version=head, reason=refusal, at=at, cause=PRIVATE
            )
            return refused, None
        if robots is not None:
            policy = robots.policy(target.url, guarded=guard is not None and target.discovered)
            delay = policy.crawl_delay
            if policy.closed:  # robots.txt unreachable or failing: the site is down
                return Event("error", target.url, version=head, reason=policy.note, at=at), delay
            if not policy.allows(target.url):
                reason = (
                    "robots.txt disallows it; pass --ignore-robots if you have the right "
                    "to archive it"
                )
                disallowed = Event(
                    "skipped", target.url, version=head, reason=reason, at=at, cause=ROBOTS
                )
                return disallowed, delay
        try:
            return check(target, ctx), delay
        except ArchiveError as exc:
            return Event("error", target.url, version=head, reason=exc.message, at=at), delay

    def take() -> tuple[str, Target] | None:
        """The next check this thread may start, or None once the run is over or
        stopping (called holding the lock)."""
        nonlocal running, waiting
        while not stopping:
            now = time.monotonic()
            ready = queue.pop_ready(now)
            if ready is not None:
                running += 1
                return ready
            if not len(queue) and not running:
                return None  # nothing left, and no check running that could come back
            wake = queue.next_wake(now)  # None: a host's running check frees a slot
            waiting += 1
            try:
                lock.wait(None if wake is None else max(0.0, wake - now))
            finally:
                waiting -= 1
        return None

    def record(
        host: str, target: Target, outcome: Event | Retry, crawl_delay: float | None
    ) -> None:
        """What a check found, reported (called holding the lock)."""
        nonlocal running, done
        running -= 1
        now = time.monotonic()
        queue.set_delay(host, crawl_delay)
        queue.finished(host, now)
        if waiting:  # a slot is free, a host known, or the run over: let them look
            lock.notify(waiting)
        if isinstance(outcome, Retry):
            target.attempt += 1
            target.suspect = outcome.suspect
            queue.push(host, target, not_before=now + outcome.after)
            if outcome.host:
                queue.backoff(host, now + outcome.after)
            return
        done += 1
        report(outcome)
        if progress is not None:
            progress(done, total)

    def work() -> None:
        nonlocal stopping, ended
        try:
            with lock:
                job = take()
            while job is not None:
                host, target = job
                outcome, crawl_delay = one(target)
                with lock:
                    record(host, target, outcome, crawl_delay)
                    states.merge_if_due()  # between reports, as another process sees them
                    job = take()
        except BaseException as exc:  # reporting failed (stdout closed...): the run stops
            with lock:
                failures.append(exc)
                stopping = True
        finally:
            with lock:
                ended += 1
                lock.notify_all()

    threads = [threading.Thread(target=work, name=f"check_{n}") for n in range(options.concurrency)]
    states = archive.states()
    finished_cleanly = False
    try:
        states.merge_if_due()
        for thread in threads:
            thread.start()
        while True:
            with lock:
                if lock.wait_for(lambda: ended == len(threads) or bool(failures), timeout=1.0):
                    break
                states.merge_if_due()  # a long wait (hosts resting) merges too
            lease.renew()
        if failures:
            raise failures[0]
        finished_cleanly = True
    finally:
        # On an interrupt, checks not started are dropped, and those running get a moment
        # to finish (a second interrupt stops waiting). One that finishes later still
        # writes safely: versions under the article's lock, states compare-and-swap.
        with lock:
            stopping = True
            lock.notify_all()
        if not finished_cleanly:
            until = time.monotonic() + INTERRUPT_GRACE
            try:
                for thread in threads:
                    if thread.ident is not None:
                        thread.join(max(0.0, until - time.monotonic()))
            except KeyboardInterrupt:
                pass
        ctx.close()


def _save_run(archive: Archive, summary: RunSummary, options: WatchOptions) -> None:
    """The run's log, for ``redline report``: counts and every notable event."""
    data = summary.to_dict()
    data["shard"] = f"{options.shard[0]}/{options.shard[1]}"
    data["version"] = __version__
    try:
        archive.save_run(summary.run_id, data)
    except ArchiveError as exc:
        summary.notes.append(f"the run's log could not be saved ({exc.message})")
