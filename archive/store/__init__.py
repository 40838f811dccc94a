"""Where an archive's bytes live: one small interface, a folder or S3 behind it."""

from __future__ import annotations

import re

from redline.archive.core.errors import UsageError
from redline.archive.core.wording import quoted
from redline.archive.store.base import Store
from redline.archive.store.local import LocalStore


def open_store(location: str, *, create: bool = False, endpoint_url: str | None = None) -> Store:
    """The store for an archive location: ``s3://bucket/prefix`` or a folder path.

    A location that starts like a URL but is not an ``s3://`` one (``s3:/bucket``,
    ``S3://bucket``, ``gs://bucket``) is refused rather than taken for a folder named
    ``s3:``; a folder with such a name can be given as ``./s3:/…``."""
    problem = _url_like_problem(location)
    if problem:
        raise UsageError(problem)
    if location.startswith("s3://"):
        from redline.archive.store.s3 import S3Store

        return S3Store(location, endpoint_url=endpoint_url)
    return LocalStore(location, create=create)


#: A scheme and its colon, as a URL starts (one letter is a Windows drive, C:).
_SCHEME = re.compile(r"([A-Za-z][A-Za-z0-9+.-]+):")


def _url_like_problem(location: str) -> str | None:
    match = _SCHEME.match(location)
    if match is None or location.startswith("s3://"):
        return None
    scheme = match.group(1)
    if scheme.lower() in ("s3", "s3a", "s3n"):
        return (
            f"archive location {quoted(location)} is not an S3 URL; give s3://BUCKET/PREFIX "
            "(lowercase, two slashes), or ./" + quoted(location)[1:-1] + " for a folder"
        )
    return (
        f"archive location {quoted(location)} is a {quoted(scheme)[1:-1]}: URL, where redline "
        "cannot keep an archive; give a folder path or s3://BUCKET/PREFIX"
    )


__all__ = ["LocalStore", "Store", "open_store"]
