"""``--format jsonl`` and ``--format sqlite``: every chosen version and every change,
as rows for analysis.

A version row holds the article's fields as ``redline log`` graded them (the current
extractor's reading) and the verdict: words inserted and deleted, severity, stealth,
the reasons, and the version it reverts to. A change row is one edit of one field: the
words deleted and the words inserted in their place, next to each other.

JSON Lines: one object per line, ``"kind": "version"`` or ``"change"``.

SQLite, in sqlite-utils' conventions so that ``datasette export.db`` browses it:
tables ``versions`` and ``changes`` (``changes.version_id`` references ``versions.id``),
lists as JSON text, and full-text search on the articles' titles and text in
``versions_fts`` (FTS5, ``content=versions``, as ``sqlite-utils enable-fts`` makes it).
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from redline.archive.core.models import Article
from redline.archive.diff.model import ArticleDiff
from redline.archive.export.output import new_file
from redline.archive.export.selection import Selection

#: The fields of an article diffed word by word, in the order a reader meets them.
FIELDS = ("title", "subtitle", "byline", "published", "modified", "body", "corrections")

VERSION_COLUMNS = {
    "url": "TEXT",
    "version": "INTEGER",
    "captured_at": "TEXT",
    "title": "TEXT",
    "subtitle": "TEXT",
    "byline": "TEXT",
    "published": "TEXT",
    "modified": "TEXT",
    "canonical_url": "TEXT",
    "language": "TEXT",
    "body": "TEXT",
    "corrections": "TEXT",
    "inserted_words": "INTEGER",
    "deleted_words": "INTEGER",
    "severity": "TEXT",
    "stealth": "INTEGER",
    "reasons": "TEXT",
    "reverts_to": "INTEGER",
    "flip_flop": "INTEGER",
}
CHANGE_COLUMNS = {
    "url": "TEXT",
    "version": "INTEGER",
    "field": "TEXT",
    "deleted": "TEXT",
    "inserted": "TEXT",
}


def _changes(diff: ArticleDiff | None) -> Iterator[dict[str, Any]]:
    """Each run of edits in each field, as the words deleted and inserted."""
    if diff is None:
        return
    for name in FIELDS:
        deleted: list[str] = []
        inserted: list[str] = []
        for op, text in [*getattr(diff, name), ("=", "")]:
            if op == "-":
                deleted.append(text)
            elif op == "+":
                inserted.append(text)
            elif deleted or inserted:
                yield {
                    "field": name,
                    "deleted": "".join(deleted).strip(),
                    "inserted": "".join(inserted).strip(),
                }
                deleted, inserted = [], []


def rows(selection: Selection) -> Iterator[tuple[dict[str, Any], list[dict[str, Any]]]]:
    """Each chosen version's row with its change rows, article by article, oldest first."""
    chosen = {(v.url, v.version) for v in selection.versions}
    for url in selection.urls:
        for entry in selection.grade(selection.archive, url):
            if (url, entry.version) not in chosen:
                continue
            article = entry.article or Article()
            significance = entry.significance
            version = {
                "url": url,
                "version": entry.version,
                "captured_at": entry.captured_at,
                "title": article.title,
                "subtitle": article.subtitle,
                "byline": article.byline,
                "published": article.published,
                "modified": article.modified,
                "canonical_url": article.canonical_url,
                "language": article.language,
                "body": article.body,
                "corrections": list(article.corrections),
                "inserted_words": entry.inserted_words,
                "deleted_words": entry.deleted_words,
                "severity": significance.severity,
                "stealth": significance.stealth,
                "reasons": list(significance.reasons),
                "reverts_to": entry.reverts_to,
                "flip_flop": entry.flip_flop,
            }
            changes = (
                [{"url": url, "version": entry.version, **c} for c in _changes(entry.diff)]
                if entry.version > 1
                else []
            )
            yield version, changes


def write_jsonl(selection: Selection, path: Path) -> None:
    with new_file(path) as out:
        for version, changes in rows(selection):
            for kind, row in [("version", version), *(("change", c) for c in changes)]:
                line = json.dumps({"kind": kind, **row}, ensure_ascii=False)
                out.write(line.encode("utf-8") + b"\n")


def _cell(value: Any) -> Any:
    if isinstance(value, (list, dict)):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, bool):
        return int(value)
    return value


def _create(db: sqlite3.Connection, table: str, columns: dict[str, str], extra: str = "") -> None:
    body = ",\n   ".join(f"[{name}] {kind}" for name, kind in columns.items())
    db.execute(f"CREATE TABLE [{table}] (\n   [id] INTEGER PRIMARY KEY,\n   {body}{extra}\n)")


def write_sqlite(selection: Selection, path: Path) -> None:
    with new_file(path) as handle:
        handle.close()
        db = sqlite3.connect(handle.name)
        try:
            _create(db, "versions", VERSION_COLUMNS)
            _create(
                db,
                "changes",
                {"version_id": "INTEGER", **CHANGE_COLUMNS},
                ",\n   FOREIGN KEY([version_id]) REFERENCES [versions]([id])",
            )
            for version, changes in rows(selection):
                cursor = db.execute(
                    f"INSERT INTO versions ({', '.join(VERSION_COLUMNS)}) "
                    f"VALUES ({', '.join('?' * len(VERSION_COLUMNS))})",
                    [_cell(version[name]) for name in VERSION_COLUMNS],
                )
                db.executemany(
                    f"INSERT INTO changes (version_id, {', '.join(CHANGE_COLUMNS)}) "
                    f"VALUES (?, {', '.join('?' * len(CHANGE_COLUMNS))})",
                    [
                        [cursor.lastrowid, *(_cell(c[name]) for name in CHANGE_COLUMNS)]
                        for c in changes
                    ],
                )
            db.execute("CREATE INDEX [idx_versions_url] ON [versions] ([url], [version])")
            db.execute("CREATE INDEX [idx_changes_version_id] ON [changes] ([version_id])")
            # Full-text search as sqlite-utils' enable_fts writes it, which Datasette finds.
            db.execute(
                "CREATE VIRTUAL TABLE [versions_fts] USING FTS5 ([title], [body], "
                "content=[versions])"
            )
            db.execute(
                "INSERT INTO [versions_fts] (rowid, [title], [body]) "
                "SELECT rowid, [title], [body] FROM [versions]"
            )
            db.commit()
        finally:
            db.close()
