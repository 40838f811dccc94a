"""Where an archive's bytes live: one small interface, a folder or S3 behind it."""

from __future__ import annotations

from redline.archive.store.base import Store
from redline.archive.store.local import LocalStore


def open_store(location: str, *, create: bool = False, endpoint_url: str | None = None) -> Store:
    """The store for an archive location: ``s3://bucket/prefix`` or a folder path."""
    if location.startswith("s3://"):
        from redline.archive.store.s3 import S3Store

        return S3Store(location, endpoint_url=endpoint_url)
    return LocalStore(location, create=create)


__all__ = ["LocalStore", "Store", "open_store"]
