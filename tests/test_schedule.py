"""When articles are due, and which pending check may start: the schedule and the
per-host queue, on their own."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from redline.archive.ocfl.state import ArticleState
from redline.archive.watch.hostqueue import HostQueue
from redline.archive.watch.schedule import is_due, next_check

NOW = datetime(2026, 11, 25, 12, 0, tzinfo=timezone.utc)


def iso(dt: datetime) -> str:
    return dt.strftime("%Y-%m-%dT%H:%M:%SZ")


def state(*, published: timedelta | None, seen: timedelta, head: int = 1,
          changed: timedelta | None = None, status: str = "") -> ArticleState:  # fmt: skip
    """An article first seen ``seen`` ago, checked just now."""
    return ArticleState(
        id="https://news.example/a",
        head=head,
        discovered=iso(NOW - seen),
        first_captured=iso(NOW - seen),
        last_changed=iso(NOW - (changed or seen)),
        last_checked=iso(NOW),
        last_attempt=iso(NOW),
        published=iso(NOW - published) if published is not None else None,
        status=status,
    )


@pytest.mark.parametrize(
    ("published", "every"),
    [
        (timedelta(minutes=30), timedelta(minutes=15)),
        (timedelta(hours=10), timedelta(hours=1)),
        (timedelta(days=3), timedelta(hours=3)),
        (timedelta(days=20), timedelta(days=1)),
        (timedelta(days=90), timedelta(days=7)),
    ],
)
def test_young_articles_often_old_ones_rarely(published: timedelta, every: timedelta) -> None:
    assert next_check(state(published=published, seen=timedelta(minutes=1))) == NOW + every


def test_without_a_date_age_counts_from_first_seen() -> None:
    assert next_check(state(published=None, seen=timedelta(days=2))) == NOW + timedelta(hours=3)


def test_an_old_article_that_just_changed_is_young_again() -> None:
    edited = state(published=timedelta(days=90), seen=timedelta(days=60), head=3,
                   changed=timedelta(minutes=20))  # fmt: skip
    assert next_check(edited) == NOW + timedelta(minutes=15)


def test_a_vanished_article_is_looked_at_daily() -> None:
    gone = state(published=timedelta(minutes=30), seen=timedelta(minutes=30), status="gone")
    assert next_check(gone) == NOW + timedelta(days=1)


def test_due_a_little_early_and_never_checked_is_due() -> None:
    young = state(published=timedelta(minutes=30), seen=timedelta(minutes=30))
    assert not is_due(young, NOW + timedelta(minutes=10))
    assert is_due(young, NOW + timedelta(minutes=14))  # a job that starts early still counts
    assert is_due(None, NOW)


def test_hosts_take_turns_and_rest_between_requests() -> None:
    queue: HostQueue[str] = HostQueue(per_host=2, delay=1.0)
    for n in range(3):
        queue.push("a.example", f"a{n}")
    queue.push("b.example", "b0")
    # Until its first check comes back, a host gets one request at a time.
    assert queue.pop_ready(0.0) == ("a.example", "a0")
    assert queue.pop_ready(0.0) == ("b.example", "b0")
    assert queue.pop_ready(0.0) is None
    queue.set_delay("a.example", None)
    queue.finished("a.example", 0.5)
    assert queue.pop_ready(1.0) is None  # resting until 1.5
    assert queue.pop_ready(1.5) == ("a.example", "a1")
    assert queue.pop_ready(1.5) == ("a.example", "a2")  # two at once once known
    assert queue.next_wake(1.5) is None


def test_a_crawl_delay_means_one_at_a_time_and_a_retry_waits_its_turn() -> None:
    queue: HostQueue[str] = HostQueue(per_host=4, delay=0.0)
    for n in range(3):
        queue.push("slow.example", f"s{n}")
    assert queue.pop_ready(0.0) == ("slow.example", "s0")
    queue.set_delay("slow.example", 5.0)
    queue.finished("slow.example", 1.0)
    assert queue.pop_ready(5.9) is None
    assert queue.pop_ready(6.0) == ("slow.example", "s1")
    assert queue.pop_ready(6.0) is None  # one at a time
    queue.push("slow.example", "retry", not_before=20.0)
    queue.backoff("slow.example", 30.0)  # a 429's Retry-After holds the whole host
    queue.finished("slow.example", 7.0)
    assert queue.pop_ready(25.0) is None
    assert queue.pop_ready(30.0) == ("slow.example", "retry")


def test_a_busy_host_does_not_wake_the_dispatcher() -> None:
    """Pending jobs on a host whose slots are all taken wait for a request to finish;
    waking for them would spin the dispatcher and starve the checks of CPU."""
    queue: HostQueue[str] = HostQueue(per_host=1, delay=0.0)
    queue.push("a.example", "a0")
    queue.push("a.example", "a1")
    assert queue.pop_ready(0.0) == ("a.example", "a0")
    assert queue.next_wake(0.0) is None
    queue.set_delay("a.example", None)
    queue.finished("a.example", 0.1)
    assert queue.next_wake(0.1) == 0.1
