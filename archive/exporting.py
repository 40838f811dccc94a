"""``redline export``: the archive, or the chosen articles and versions, in a format
other tools read (``export.formats`` lists them)."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from redline.archive.core.errors import UsageError
from redline.archive.export.formats import FORMATS
from redline.archive.export.selection import Selection, select
from redline.archive.history import history
from redline.archive.ocfl.archive import Archive


def export(
    archive: Archive,
    format_name: str,
    output: Path,
    urls: Sequence[str] = (),
    *,
    since: str | None = None,
    until: str | None = None,
) -> Selection:
    """Write the versions chosen (see ``selection.select``) to ``output`` as
    ``format_name``; what was written."""
    chosen = FORMATS.get(format_name)
    if chosen is None:
        raise UsageError(f"unknown export format {format_name!r}; use one of {', '.join(FORMATS)}")
    selection = select(archive, history, urls, since=since, until=until)
    chosen.write(selection, output)
    return selection
