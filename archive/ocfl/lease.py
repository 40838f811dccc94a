"""A lease that keeps two runs of the same watch shard from writing at once.

The lease is a small JSON object in the archive (``state/leases/NAME.json``) created with
a conditional write, renewed while the run goes on, and deleted at its end. A second run
finds it and stops with a message; a lease not renewed for ``timeout`` seconds (its run
was killed) is taken over, as is one left by a dead process on this very machine.
"""

from __future__ import annotations

import json
import os
import socket
import time
import uuid
from datetime import datetime, timedelta, timezone

from redline.archive.core import layout
from redline.archive.core.errors import ArchiveError, Conflict, KeyMissing
from redline.archive.core.times import iso, read_iso
from redline.archive.store.base import Store

DEFAULT_LEASE_TIMEOUT = 600.0


class LeaseHeld(ArchiveError):
    """Another run holds the lease."""


class RunLease:
    def __init__(self, store: Store, name: str, *, timeout: float = DEFAULT_LEASE_TIMEOUT):
        self.store = store
        self.name = name
        self.key = layout.lease_key(name)
        self.timeout = timeout
        self.owner = f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"
        self._bytes: bytes | None = None
        self._renewed = 0.0

    def _body(self) -> bytes:
        now = datetime.now(timezone.utc).replace(microsecond=0)
        return json.dumps(
            {
                "name": self.name,
                "owner": self.owner,
                "renewed": iso(now),
                "expires": iso(now + timedelta(seconds=self.timeout)),
            },
            sort_keys=True,
        ).encode()

    def acquire(self) -> None:
        body = self._body()
        try:
            self.store.put_if(self.key, body, None)
        except Conflict:
            current = self._current()
            if current is not None and not _stale(current):
                info = _parse(current)
                raise LeaseHeld(
                    f"another watch run ({info.get('owner', '?')}) is working on {self.name} "
                    f"in {self.store.location} until at least {info.get('expires', '?')}; "
                    "let it finish, or remove its lease if that run is dead"
                ) from None
            try:
                self.store.put_if(self.key, body, current)
            except Conflict:
                raise LeaseHeld(
                    f"another watch run took {self.name} in {self.store.location} just now; "
                    "let it finish"
                ) from None
        self._bytes = body
        self._renewed = time.monotonic()

    def renew(self, every: float = 30.0) -> None:
        """Push the expiry on (at most every ``every`` seconds); ``LeaseHeld`` when it
        was taken over, for a run that stalled past its timeout."""
        if self._bytes is None or time.monotonic() - self._renewed < every:
            return
        body = self._body()
        try:
            self.store.put_if(self.key, body, self._bytes)
        except Conflict:
            self._bytes = None
            raise LeaseHeld(
                f"the lease on {self.name} in {self.store.location} was taken over by "
                "another run; this run stops"
            ) from None
        self._bytes = body
        self._renewed = time.monotonic()

    def release(self) -> None:
        if self._bytes is None:
            return
        if self._current() == self._bytes:
            self.store.delete(self.key)
        self._bytes = None

    def _current(self) -> bytes | None:
        try:
            return self.store.read(self.key)
        except KeyMissing:
            return None

    def __enter__(self) -> RunLease:
        self.acquire()
        return self

    def __exit__(self, *exc: object) -> None:
        try:
            self.release()
        except ArchiveError:
            pass  # it expires on its own


def _parse(data: bytes) -> dict[str, str]:
    try:
        value = json.loads(data)
    except ValueError:
        return {}
    return value if isinstance(value, dict) else {}


def _stale(data: bytes) -> bool:
    info = _parse(data)
    expires = read_iso(str(info.get("expires") or ""))
    if expires is None or expires <= datetime.now(timezone.utc):
        return True
    host, _, rest = str(info.get("owner", "")).partition(":")
    pid = rest.split(":", 1)[0]
    if host == socket.gethostname() and pid.isdigit():
        try:
            os.kill(int(pid), 0)
        except ProcessLookupError:
            return True  # its run died on this machine
        except PermissionError:
            return False
    return False
