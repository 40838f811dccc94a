"""One deadline for a whole fetch: connecting, the status line, the headers, the body.

A socket timeout only bounds each wait for data: a server that sends its headers one
byte a second never times out, and holds the fetch (and the watch run around it) for
as long as it likes. So every connection a fetch uses is watched: when the fetch's
deadline passes, a timer shuts the socket down, the blocked read returns at once, and
the fetch fails with a deadline error. The connection classes below register
themselves with the deadline of the fetch running in their thread.
"""

from __future__ import annotations

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


class Deadline:
    """Shuts down every connection it watches once ``at`` (time.monotonic) passes."""

    def __init__(self, at: float) -> None:
        self.at = at
        self.expired = False
        self._connections: list[Any] = []
        self._lock = threading.Lock()
        self._timer = threading.Timer(max(0.0, at - time.monotonic()), self._expire)
        self._timer.daemon = True

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
        self._timer.start()

    def cancel(self) -> None:
        self._timer.cancel()


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


class _WatchedHTTPConnection(HTTPConnection):
    def request(self, *args: Any, **kwargs: Any) -> None:
        super().request(*args, **kwargs)
        _register(self)

    def connect(self) -> None:
        _register(self)
        super().connect()
        _register(self)


class _WatchedHTTPSConnection(HTTPSConnection):
    def request(self, *args: Any, **kwargs: Any) -> None:
        super().request(*args, **kwargs)
        _register(self)

    def connect(self) -> None:
        _register(self)
        super().connect()
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
