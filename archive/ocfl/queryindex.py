"""The query index: every version's grade and words in one SQLite file, for questions
asked across the whole archive (``redline changes``, ``redline search``, the site).

It is a cache beside the record, never the record: each article is keyed by what its
state says of it (head version, last change, status), and an article whose key moved is
indexed again, alone. A file that is missing, unreadable, or written for another
extractor or schema is thrown away and rebuilt. Words go into an FTS5 table (SQLite's
full-text search, part of Python's standard library), one row per version.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from redline.archive.core.errors import ArchiveError, UsageError

SCHEMA_VERSION = "1"
#: Seconds a writer waits for another process that holds the index.
BUSY_TIMEOUT = 30.0

_SCHEMA = """
CREATE TABLE meta(key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE articles(
    id TEXT PRIMARY KEY, key TEXT NOT NULL, host TEXT NOT NULL, title TEXT,
    versions INTEGER NOT NULL, first_captured TEXT, last_changed TEXT, status TEXT NOT NULL
);
CREATE TABLE versions(
    id TEXT NOT NULL, version INTEGER NOT NULL, captured_at TEXT NOT NULL, title TEXT,
    severity TEXT NOT NULL, rank INTEGER NOT NULL, stealth INTEGER NOT NULL,
    inserted INTEGER NOT NULL, deleted INTEGER NOT NULL, reverts_to INTEGER,
    flip_flop INTEGER NOT NULL, reasons TEXT NOT NULL,
    PRIMARY KEY(id, version)
);
CREATE INDEX versions_by_time ON versions(captured_at);
CREATE TABLE text_rows(row INTEGER PRIMARY KEY, id TEXT NOT NULL, version INTEGER NOT NULL);
CREATE INDEX text_rows_by_id ON text_rows(id, version);
CREATE VIRTUAL TABLE texts USING fts5(body, tokenize = 'unicode61 remove_diacritics 2');
"""


@dataclass(frozen=True)
class IndexedArticle:
    id: str
    key: str
    host: str
    title: str | None
    versions: int
    first_captured: str | None
    last_changed: str | None
    status: str


@dataclass(frozen=True)
class IndexedVersion:
    """One version as ``redline log`` grades it against the version before."""

    id: str
    version: int
    captured_at: str
    title: str | None
    severity: str
    rank: int
    stealth: bool
    inserted: int
    deleted: int
    reverts_to: int | None
    flip_flop: bool
    reasons: tuple[str, ...]


def phrase_query(text: str) -> str:
    """``text`` as one FTS5 phrase: its words in order, whatever their punctuation."""
    if not any(ch.isalnum() for ch in text):
        raise UsageError(f"{text!r} has no words to search for; give a word or a phrase")
    return '"' + text.replace('"', '""') + '"'


class QueryIndex:
    """An open index file. Use as a context manager; ``generation`` names the extractor
    and grading the rows were made with (rows of another generation are dropped)."""

    def __init__(self, path: Path, generation: str) -> None:
        self.path = path
        self.generation = f"{SCHEMA_VERSION}/{generation}"
        self.rebuilt = False
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise ArchiveError(
                f"cannot create {path.parent} for the query index ({exc.strerror}); "
                "set REDLINE_CACHE_DIR to a writable folder"
            ) from None
        self.db = self._open()

    def _connect(self) -> sqlite3.Connection:
        try:
            db = sqlite3.connect(self.path, timeout=BUSY_TIMEOUT, isolation_level=None)
        except sqlite3.Error as exc:
            raise ArchiveError(
                f"cannot open the query index {self.path} ({exc}); "
                "set REDLINE_CACHE_DIR to a writable folder"
            ) from None
        return db

    def _open(self) -> sqlite3.Connection:
        db = self._connect()
        try:
            if self._meta(db, "generation") == self.generation:
                return db
        except sqlite3.DatabaseError:
            pass  # unreadable or from elsewhere: built again below
        db.close()
        self._remove()
        self.rebuilt = True
        db = self._connect()
        with _transaction(db):
            for statement in _SCHEMA.strip().split(";"):
                if statement.strip():
                    db.execute(statement)
            db.execute("INSERT INTO meta VALUES ('generation', ?)", (self.generation,))
        return db

    def _remove(self) -> None:
        for suffix in ("", "-journal", "-wal", "-shm"):
            try:
                Path(f"{self.path}{suffix}").unlink()
            except FileNotFoundError:
                pass
            except OSError as exc:
                raise ArchiveError(
                    f"cannot replace the query index {self.path} ({exc.strerror}); "
                    "remove it by hand, it is rebuilt"
                ) from None

    @staticmethod
    def _meta(db: sqlite3.Connection, key: str) -> str | None:
        row = db.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return str(row[0]) if row else None

    def close(self) -> None:
        self.db.close()

    def __enter__(self) -> QueryIndex:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- articles ----------------------------------------------------------------------------
    def keys(self) -> dict[str, str]:
        """Each indexed article's key."""
        return dict(self.db.execute("SELECT id, key FROM articles"))

    def versions_indexed(self, object_id: str) -> set[int]:
        """The versions whose words are in the index."""
        rows = self.db.execute("SELECT version FROM text_rows WHERE id = ?", (object_id,))
        return {int(v) for (v,) in rows}

    def store_article(
        self,
        article: IndexedArticle,
        versions: Sequence[IndexedVersion],
        texts: Iterable[tuple[int, str]],
    ) -> None:
        """Replace what the index holds of one article: its row, every version's grade,
        and the words of the versions in ``texts`` (those already indexed stay)."""
        with _transaction(self.db):
            db = self.db
            db.execute("DELETE FROM articles WHERE id = ?", (article.id,))
            db.execute(
                "INSERT INTO articles VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    article.id,
                    article.key,
                    article.host,
                    article.title,
                    article.versions,
                    article.first_captured,
                    article.last_changed,
                    article.status,
                ),
            )
            db.execute("DELETE FROM versions WHERE id = ?", (article.id,))
            db.executemany(
                "INSERT INTO versions VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [
                    (
                        v.id,
                        v.version,
                        v.captured_at,
                        v.title,
                        v.severity,
                        v.rank,
                        int(v.stealth),
                        v.inserted,
                        v.deleted,
                        v.reverts_to,
                        int(v.flip_flop),
                        json.dumps(list(v.reasons), ensure_ascii=False),
                    )
                    for v in versions
                ],
            )
            # Words of versions beyond the head (an object rewritten) go.
            self._drop_texts(article.id, above=article.versions)
            for number, body in texts:
                self._drop_texts(article.id, only=number)
                cursor = db.execute(
                    "INSERT INTO text_rows(id, version) VALUES (?, ?)", (article.id, number)
                )
                db.execute("INSERT INTO texts(rowid, body) VALUES (?, ?)", (cursor.lastrowid, body))

    def remove_article(self, object_id: str) -> None:
        with _transaction(self.db):
            self.db.execute("DELETE FROM articles WHERE id = ?", (object_id,))
            self.db.execute("DELETE FROM versions WHERE id = ?", (object_id,))
            self._drop_texts(object_id)

    def _drop_texts(self, object_id: str, *, above: int = 0, only: int | None = None) -> None:
        where = "id = ? AND version > ?" if only is None else "id = ? AND version = ?"
        args: tuple[object, ...] = (object_id, above if only is None else only)
        rows = [r for (r,) in self.db.execute(f"SELECT row FROM text_rows WHERE {where}", args)]
        if rows:
            marks = ",".join("?" * len(rows))
            self.db.execute(f"DELETE FROM texts WHERE rowid IN ({marks})", rows)
            self.db.execute(f"DELETE FROM text_rows WHERE row IN ({marks})", rows)

    # -- queries -----------------------------------------------------------------------------
    def articles(self) -> list[IndexedArticle]:
        rows = self.db.execute(
            "SELECT id, key, host, title, versions, first_captured, last_changed, status "
            "FROM articles"
        )
        return [IndexedArticle(*row) for row in rows]

    def versions(
        self,
        *,
        object_id: str | None = None,
        since: str | None = None,
        min_rank: int = 0,
        stealth: bool = False,
        first: bool = True,
    ) -> list[IndexedVersion]:
        """Versions, newest first, filtered: one article's, captured at or after
        ``since``, graded ``min_rank`` or above, stealth edits only, first captures."""
        clauses: list[str] = ["rank >= ?"]
        args: list[object] = [min_rank]
        if object_id is not None:
            clauses.append("id = ?")
            args.append(object_id)
        if since is not None:
            clauses.append("captured_at >= ?")
            args.append(since)
        if stealth:
            clauses.append("stealth = 1")
        if not first:
            clauses.append("version > 1")
        rows = self.db.execute(
            "SELECT id, version, captured_at, title, severity, rank, stealth, inserted, "
            "deleted, reverts_to, flip_flop, reasons FROM versions "
            f"WHERE {' AND '.join(clauses)} ORDER BY captured_at DESC, id, version DESC",
            args,
        )
        return [_version(row) for row in rows]

    def matching(self, text: str) -> dict[str, set[int]]:
        """The versions whose words hold ``text`` as a phrase, by article."""
        found: dict[str, set[int]] = {}
        try:
            rows = self.db.execute(
                "SELECT text_rows.id, text_rows.version FROM texts "
                "JOIN text_rows ON text_rows.row = texts.rowid WHERE texts MATCH ?",
                (phrase_query(text),),
            ).fetchall()
        except sqlite3.OperationalError as exc:
            raise UsageError(f"cannot search for {text!r} ({exc}); give plain words") from None
        for object_id, version in rows:
            found.setdefault(object_id, set()).add(int(version))
        return found


def _version(row: tuple[Any, ...]) -> IndexedVersion:
    try:
        reasons = tuple(str(r) for r in json.loads(row[11]))
    except (ValueError, TypeError):
        reasons = ()
    return IndexedVersion(
        id=row[0],
        version=int(row[1]),
        captured_at=row[2],
        title=row[3],
        severity=row[4],
        rank=int(row[5]),
        stealth=bool(row[6]),
        inserted=int(row[7]),
        deleted=int(row[8]),
        reverts_to=row[9],
        flip_flop=bool(row[10]),
        reasons=reasons,
    )


@contextmanager
def _transaction(db: sqlite3.Connection) -> Iterator[None]:
    db.execute("BEGIN IMMEDIATE")
    try:
        yield
    except BaseException:
        db.execute("ROLLBACK")
        raise
    db.execute("COMMIT")
