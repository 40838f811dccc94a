"""The Store interface: keys are '/'-separated paths relative to the archive's root.

Contract shared by every backend:
- ``read`` of a missing key raises ``KeyMissing``; other failures raise ``StoreError``.
- ``put`` replaces a key atomically: readers see the old bytes or the new, never a mix.
- ``put_if`` replaces a key only while it holds the bytes the caller read (compare and
  swap), so a run working from stale bytes cannot undo another run's write; it is
  durable (on disk, not only in a cache) when it returns.
- ``put_durable`` is ``put``, durable when it returns (``put`` may leave the bytes in a
  cache a crash of the machine loses, as a folder does until the next flush).
- ``stamps`` lists keys with a stamp of each one's bytes, which changes whenever they do
  (``put_if`` returns the stamp of what it wrote): telling whether what was read is
  still there costs one listing, not a read of each key.
- ``commit_object`` publishes one OCFL object version so that at no moment does the
  object fail validation: new content files and the version inventory first, then the
  object's root inventory and its sidecar, replaced together. ``expected_head`` is the
  sha512 of the root inventory the caller based its version on (``None`` for a new
  object); when the stored object has moved on, nothing is written and ``Conflict`` is
  raised so the caller can re-read and retry.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Iterator, Mapping

from redline.archive.core.errors import Conflict, KeyMissing


class Store(ABC):
    """Bytes by key, plus the one compound write an OCFL object needs."""

    #: How the store is named in messages (a path or an s3:// URL).
    location: str
    #: Whether a commit cut off mid-way can leave part of its keys written (no atomic
    #: multi-key publish): files above an object's head, or a root sidecar one step
    #: behind its inventory. Readers then finish or ignore what such a commit left.
    partial_commits: bool = False

    @abstractmethod
    def read(self, key: str) -> bytes:
        """The bytes stored at ``key``."""

    @abstractmethod
    def exists(self, key: str) -> bool:
        """Whether ``key`` holds bytes."""

    @abstractmethod
    def list(self, prefix: str = "") -> Iterator[str]:
        """Every key under ``prefix`` (a folder-like prefix ending in '/' or ''), sorted."""

    @abstractmethod
    def put(self, key: str, data: bytes) -> None:
        """Store ``data`` at ``key``, replacing what was there, atomically."""

    def put_durable(self, key: str, data: bytes) -> None:
        """``put``, on disk when it returns (a backend whose writes always are: ``put``)."""
        self.put(key, data)

    def put_if(self, key: str, data: bytes, expected: bytes | None) -> str | None:
        """Store ``data`` at ``key`` only if it still holds ``expected`` (``None``: only
        if the key is missing); otherwise write nothing and raise ``Conflict``. Returns
        the stamp of what was written (as ``stamps`` will list it), None if unknown.

        Backends make the compare and the write one step; this fallback does not.
        """
        try:
            current: bytes | None = self.read(key)
        except KeyMissing:
            current = None
        if current != expected:
            raise Conflict(f"{key} in {self.location} was changed by another run")
        self.put_durable(key, data)
        return None

    def stamps(self, prefix: str = "") -> dict[str, str | None]:
        """Every key under ``prefix`` with a stamp that changes whenever its bytes do
        (None when this backend cannot tell: such a key never counts as unchanged)."""
        return dict.fromkeys(self.list(prefix))

    @abstractmethod
    def delete(self, key: str) -> None:
        """Remove ``key``; removing a missing key is not an error."""

    @abstractmethod
    def commit_object(
        self,
        object_root: str,
        new_files: Mapping[str, bytes],
        root_files: Mapping[str, bytes],
        expected_head: str | None,
    ) -> None:
        """Add ``new_files`` under ``object_root`` then replace its ``root_files``.

        Keys in both mappings are relative to ``object_root``.
        """

    @abstractmethod
    def lock(self, name: str) -> AbstractLock:
        """An exclusive lock between processes writing the same object."""

    def ensure_writable(self) -> None:  # noqa: B027 - optional hook
        """Raise ``ArchiveError`` when the store cannot be written to."""


class AbstractLock(ABC):
    """A context manager around an inter-process lock."""

    @abstractmethod
    def __enter__(self) -> AbstractLock: ...

    @abstractmethod
    def __exit__(self, *exc: object) -> None: ...
