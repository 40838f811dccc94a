"""``--format warc``: one WARC file holding every chosen version's records.

Each version's ``capture.warc.gz`` is already a WARC of gzip members, one per record,
so the combined file is their concatenation: every record, its id and digests as
stored, one gzip member each (what ``warcio check``, cdxj-indexer and pywb read)."""

from __future__ import annotations

from pathlib import Path

from redline.archive.export.output import new_file
from redline.archive.export.selection import Selection


def write_warc(selection: Selection, path: Path) -> None:
    with new_file(path) as out:
        for _chosen, data in selection.warcs():
            out.write(data)
