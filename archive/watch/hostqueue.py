"""Politeness: which pending job may start now, host by host.

At most ``per_host`` requests run at once to one host, and after each one finishes that
host rests ``delay`` seconds (or its robots.txt Crawl-delay, or a Retry-After) before the
next starts. Hosts take turns, so one big site cannot starve the others. The queue is
used by one thread at a time (its callers hold a lock); it never sleeps itself:
``next_wake`` says when something may become ready.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass, field
from typing import Generic, TypeVar

T = TypeVar("T")


@dataclass
class _Host(Generic[T]):
    jobs: deque[T] = field(default_factory=deque)
    #: Jobs that wait for a time of their own (retries), as (not_before, job).
    later: list[tuple[float, T]] = field(default_factory=list)
    active: int = 0
    next_start: float = 0.0
    delay: float | None = None
    #: Whether the host's first check came back (with its robots.txt Crawl-delay).
    known: bool = False


class HostQueue(Generic[T]):
    def __init__(self, *, per_host: int = 2, delay: float = 1.0) -> None:
        self.per_host = max(1, per_host)
        self.delay = max(0.0, delay)
        self._hosts: dict[str, _Host[T]] = {}
        self._turn: deque[str] = deque()  # hosts in round-robin order

    def _host(self, host: str) -> _Host[T]:
        state = self._hosts.get(host)
        if state is None:
            state = self._hosts[host] = _Host()
            self._turn.append(host)
        return state

    def push(self, host: str, job: T, not_before: float = 0.0) -> None:
        state = self._host(host)
        if not_before:
            state.later.append((not_before, job))
        else:
            state.jobs.append(job)

    def __len__(self) -> int:
        return sum(len(h.jobs) + len(h.later) for h in self._hosts.values())

    @property
    def active(self) -> int:
        return sum(h.active for h in self._hosts.values())

    def pop_ready(self, now: float) -> tuple[str, T] | None:
        """A job that may start now (its host is marked busy), or None."""
        for _ in range(len(self._turn)):
            host = self._turn[0]
            self._turn.rotate(-1)
            state = self._hosts[host]
            if state.active >= self._limit(state) or state.next_start > now:
                continue
            job = self._take(state, now)
            if job is not None:
                state.active += 1
                return host, job
        return None

    def _limit(self, state: _Host[T]) -> int:
        # One request at a time until the first comes back with the host's robots.txt,
        # and for good to a host that asks for a Crawl-delay.
        return 1 if state.delay or not state.known else self.per_host

    def _take(self, state: _Host[T], now: float) -> T | None:
        for i, (not_before, job) in enumerate(state.later):
            if not_before <= now:
                del state.later[i]
                return job
        return state.jobs.popleft() if state.jobs else None

    def finished(self, host: str, now: float) -> None:
        state = self._host(host)
        state.active = max(0, state.active - 1)
        delay = self.delay if state.delay is None else max(self.delay, state.delay)
        state.next_start = max(state.next_start, now + delay)

    def set_delay(self, host: str, delay: float | None) -> None:
        """What the host's robots.txt asks for (None: nothing): the host is known."""
        state = self._host(host)
        state.delay = delay
        state.known = True

    def backoff(self, host: str, until: float) -> None:
        """Start nothing on ``host`` before ``until`` (a 429's Retry-After)."""
        state = self._host(host)
        state.next_start = max(state.next_start, until)

    def next_wake(self, now: float) -> float | None:
        """The earliest time a pending job could start on a host with a free slot (a busy
        host wakes the caller when one of its requests finishes)."""
        times = []
        for state in self._hosts.values():
            if state.active >= self._limit(state):
                continue
            if state.jobs:
                times.append(max(now, state.next_start))
            for not_before, _job in state.later:
                times.append(max(now, state.next_start, not_before))
        return min(times) if times else None
