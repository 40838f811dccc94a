"""One deadline for a whole fetch: connecting, the status line, the headers, the body.

A socket timeout only bounds each wait for data: a server that sends its headers one
byte a second never times out, and holds the fetch (and the watch run around it) for
as long as it likes. So every connection a fetch uses is watched: when the fetch's
deadline passes, a timer shuts the socket down, the blocked read returns at once, and
the fetch fails with a deadline error. The connection classes below register
themselves with the deadline of the fetch running in their thread. One watchdog
thread keeps every deadline of the process (a timer thread per fetch would cost more
than a fetch of an unchanged page).
"""

from __future__ import annotations

import heapq
import itertools
import os
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import urllib3
from urllib3.connection import HTTPConnection, HTTPSConnection
from urllib3.connectionpool import HTTPConnectionPool, HTTPSConnectionPool

_current = threading.local()


class _Watchdog:
    """One thread that expires deadlines when their time comes."""

    def __init__(self) -> None:
        self._reset()
        os.register_at_fork(after_in_child=self._reset)

    def _reset(self) -> None:
        self._cond = threading.Condition()
        self._heap: list[tuple[float, int, Deadline]] = []
        self._order = itertools.count()
        self._cancelled = 0
        self._thread: threading.Thread | None = None

    def add(self, deadline: Deadline) -> None:
        with self._cond:
            heapq.heappush(self._heap, (deadline.at, next(self._order), deadline))
            if self._thread is None or not self._thread.is_alive():
                self._thread = threading.Thread(
                    target=self._run, name="fetch-deadlines", daemon=True
                )
                self._thread.start()
            if self._heap[0][2] is deadline:
                self._cond.notify()

    def cancel(self, deadline: Deadline) -> None:
        with self._cond:
            deadline.cancelled = True
            self._cancelled += 1
            if self._cancelled > 256 and self._cancelled * 2 > len(self._heap):
                self._heap = [entry for entry in self._heap if not entry[2].cancelled]
                heapq.heapify(self._heap)
                self._cancelled = 0

    def _run(self) -> None:
        while True:
            with self._cond:
                while True:
                    while self._heap and self._heap[0][2].cancelled:
                        heapq.heappop(self._heap)
                        self._cancelled = max(0, self._cancelled - 1)
                    if not self._heap:
                        self._cond.wait()
                        continue
                    wait = self._heap[0][0] - time.monotonic()
                    if wait <= 0:
                        due = heapq.heappop(self._heap)[2]
                        break
                    self._cond.wait(wait)
            due._expire()


class Deadline:
    """Shuts down every connection it watches once ``at`` (time.monotonic) passes."""

    def __init__(self, at: float) -> None:
        self.at = at
        self.expired = False
        self.cancelled = False
        self._connections: list[Any] = []
        self._lock = threading.Lock()

    def _expire(self) -> None:
        with self._lock:
            self.expired = True
            connections = list(self._connections)
        for connection in connections:
            _shut(connection)

    def watch(self, connection: Any) -> None:
        with self._lock:
            if not self.expired:
                self._connections.append(connection)
                return
        _shut(connection)

    def start(self) -> None:
        _WATCHDOG.add(self)

    def cancel(self) -> None:
        _WATCHDOG.cancel(self)


_WATCHDOG = _Watchdog()


def _shut(connection: Any) -> None:
    sock = getattr(connection, "sock", None)
    if sock is None:
        return
    try:
        sock.shutdown(socket.SHUT_RDWR)
    except OSError:
        pass  # already closed


@contextmanager
def deadline(at: float) -> Iterator[Deadline]:
    """Watch the connections this thread opens or reuses until ``at``."""
    watch = Deadline(at)
    previous = getattr(_current, "deadline", None)
    _current.deadline = watch
    watch.start()
    try:
        yield watch
    finally:
        watch.cancel()
        _current.deadline = previous


def _register(connection: Any) -> None:
    watch = getattr(_current, "deadline", None)
    if watch is not None:
        watch.watch(connection)


def _peer_of(sock: Any) -> str | None:
    try:
        return str(sock.getpeername()[0])
    except (OSError, IndexError, TypeError, AttributeError):
        return None


# Each connection also notes the address it reached when it connects (``peer_address``):
# asked once a connection, not once a request.


class _WatchedHTTPConnection(HTTPConnection):
    peer_address: str | None = None

    def request(self, *args: Any, **kwargs: Any) -> None:
        super().request(*args, **kwargs)
        _register(self)

    def connect(self) -> None:
        _register(self)
        self.peer_address = None
        super().connect()
        self.peer_address = _peer_of(self.sock)
        _register(self)


class _WatchedHTTPSConnection(HTTPSConnection):
    peer_address: str | None = None

    def request(self, *args: Any, **kwargs: Any) -> None:
        super().request(*args, **kwargs)
        _register(self)

    def connect(self) -> None:
        _register(self)
        self.peer_address = None
        super().connect()
        self.peer_address = _peer_of(self.sock)
        _register(self)


class _WatchedHTTPPool(HTTPConnectionPool):
    ConnectionCls = _WatchedHTTPConnection


class _WatchedHTTPSPool(HTTPSConnectionPool):
    ConnectionCls = _WatchedHTTPSConnection


def watched_pool_manager(**options: Any) -> urllib3.PoolManager:
    """A PoolManager whose connections obey the deadline of the fetch using them."""
    manager = urllib3.PoolManager(**options)
    manager.pool_classes_by_scheme = {"http": _WatchedHTTPPool, "https": _WatchedHTTPSPool}
    return manager
