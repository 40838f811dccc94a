"""The one list of export formats: each one's name, what it writes and the function
that writes it (imported only when that format is asked for)."""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from redline.archive.export.selection import Selection


@dataclass(frozen=True)
class ExportFormat:
    name: str
    #: What the output is, for --help and messages.
    description: str
    #: The usual ending of the output's name.
    suffix: str
    #: "module:function" writing ``Selection`` to a path: (selection, path) -> None.
    writer: str

    def write(self, selection: Selection, path: Path) -> None:
        module, _, function = self.writer.partition(":")
        run: Callable[[Selection, Path], None] = getattr(importlib.import_module(module), function)
        run(selection, path)


_FORMATS = (
    ExportFormat(
        "wacz",
        "a WACZ 1.1.1 file for ReplayWeb.page and pywb: each version's WARC, one page per "
        "version, a CDXJ index and digests",
        ".wacz",
        "redline.archive.export.wacz:write_wacz",
    ),
    ExportFormat(
        "warc",
        "one WARC file of every chosen exchange (gzip per record)",
        ".warc.gz",
        "redline.archive.export.warcs:write_warc",
    ),
    ExportFormat(
        "bagit",
        "a BagIt bag (folder) holding the chosen articles' OCFL objects",
        "",
        "redline.archive.export.bag:write_bag",
    ),
    ExportFormat(
        "jsonl",
        "JSON Lines: one row per version (fields and verdict), one per change",
        ".jsonl",
        "redline.archive.export.tables:write_jsonl",
    ),
    ExportFormat(
        "sqlite",
        "a SQLite database (versions, changes, full-text search) that Datasette browses",
        ".db",
        "redline.archive.export.tables:write_sqlite",
    ),
)

#: Every export format, by name.
FORMATS: dict[str, ExportFormat] = {f.name: f for f in _FORMATS}
