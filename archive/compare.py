"""Pick two versions of an article and diff them: the model every diff format renders.

Both versions are read as the current extractor reads their raw captures (cached), so a
better extractor improves every past diff; each version's stored ``article.json`` stays
as it was recorded."""

from __future__ import annotations

from redline.archive.core.errors import NotFound, UsageError
from redline.archive.diff.model import DiffReport, VersionRef, diff_articles
from redline.archive.diff.significance import assess
from redline.archive.ingest.decide import reconcile
from redline.archive.ingest.reading import read_version
from redline.archive.ocfl.archive import Archive


def parse_version(text: str) -> int:
    try:
        return int(text)
    except ValueError as exc:
        if text.startswith("-"):
            raise UsageError(f"no such option: {text}; see redline diff --help") from exc
        raise UsageError(
            f"{text!r} is not a version number; use 1, 2, ... or -1 for the latest"
        ) from exc


def compare(archive: Archive, url: str, a: int | None = None, b: int | None = None) -> DiffReport:
    """The diff from version ``a`` to ``b`` (defaults: the previous one to the latest)."""
    object_id = archive.resolve(url)
    versions = archive.versions(object_id)
    if a is None and len(versions) < 2:
        raise NotFound(
            f"{object_id} has only one version so far, so there is nothing to compare yet; "
            "use redline show to read it"
        )
    new = archive.pick_version(object_id, -1 if b is None else b)
    old = archive.pick_version(object_id, -2 if a is None else a)
    # Both versions as the current extractor reads their captures, fields that differ
    # only in how two templates were read shown as they were.
    before, after = reconcile(
        read_version(archive, object_id, old), read_version(archive, object_id, new)
    )
    diff = diff_articles(before, after)
    return DiffReport(
        url=object_id,
        from_ref=VersionRef(old, versions[old - 1].created),
        to_ref=VersionRef(new, versions[new - 1].created),
        diff=diff,
        title=after.title,
        significance=assess(before, after, diff),
    )
