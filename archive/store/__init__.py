"""Where an archive's bytes live: one small interface, a folder or S3 behind it."""

from __future__ import annotations

from redline.archive.store.base import Store
from redline.archive.store.local import LocalStore


def open_store(location: str, *, create: bool = False) -> Store:
    """The store for an archive location: a folder path (``s3://`` comes later)."""
    if location.startswith("s3://"):
        from redline.archive.errors import UsageError

        raise UsageError(f"{location}: S3 archives are not supported yet; use a folder path")
    return LocalStore(location, create=create)


__all__ = ["LocalStore", "Store", "open_store"]
