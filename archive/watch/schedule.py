"""When each watched article is due: often while it is young, rarely once it is old.

The age that counts is the time since the article last changed or, before any change,
since it was published (the date the page gives; else since redline first saw it), so
a story that was just edited is checked often again and an old story that turns up in
a feed is not polled like breaking news:

    younger than 3 hours    every 15 minutes
    younger than a day      every hour
    younger than a week     every 3 hours
    younger than 30 days    every day
    older                   every week

An article that disappeared is looked at daily (does it come back?). A run that starts a
few minutes early still checks what is almost due, so a job every 15 minutes keeps up.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from redline.archive.core.times import read_iso
from redline.archive.ocfl.state import ArticleState

MINUTE = timedelta(minutes=1)
HOUR = timedelta(hours=1)
DAY = timedelta(days=1)

#: (age below which, check every) pairs, youngest first.
INTERVALS: tuple[tuple[timedelta, timedelta], ...] = (
    (3 * HOUR, 15 * MINUTE),
    (DAY, HOUR),
    (7 * DAY, 3 * HOUR),
    (30 * DAY, DAY),
)
OLD_INTERVAL = 7 * DAY
GONE_INTERVAL = DAY
#: How early a check may run: jobs start late and scheduled runners drift.
SLACK = 2 * MINUTE


def interval_for(age: timedelta) -> timedelta:
    for limit, every in INTERVALS:
        if age < limit:
            return every
    return OLD_INTERVAL


def next_check(state: ArticleState) -> datetime | None:
    """When the article is next due, or None when it is due now (never tried)."""
    tried = read_iso(state.last_attempt) or read_iso(state.last_checked)
    if tried is None:
        return None
    if state.status:
        return tried + GONE_INTERVAL
    seen = read_iso(state.discovered) or read_iso(state.first_captured) or tried
    published = read_iso(state.published)
    if state.head > 1:
        born = read_iso(state.last_changed) or seen
    else:
        born = min(published, seen) if published is not None else seen
    return tried + interval_for(max(tried - born, timedelta(0)))


def is_due(state: ArticleState | None, now: datetime) -> bool:
    if state is None:
        return True
    due = next_check(state)
    return due is None or due - SLACK <= now
