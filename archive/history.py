"""An article's versions, oldest first: words changed, significance and reverts.

A version *reverts* to an earlier version M when its article is the same as M's, M is
not the version just before it, and it differs from that one (A → B → A: version 3
reverts to version 1). The modified date is left out of that comparison, since a page
that puts back its old text often gives it a new date. Every version from M + 1 to the
reverting one is part of a *flip-flop*: a change that was made and then undone.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from typing import Any

from redline.archive.core.errors import UsageError
from redline.archive.core.models import Article
from redline.archive.diff.model import SEVERITIES, ArticleDiff, Significance, diff_articles
from redline.archive.diff.significance import assess, first_capture, rank
from redline.archive.ingest.decide import Reading, reconcile
from redline.archive.ingest.reading import read_version
from redline.archive.ocfl.archive import Archive

#: Watch events kept when --min-severity or --stealth filter the versions.
ALWAYS_SHOWN = frozenset({"gone", "redirected", "back"})


@dataclass(frozen=True)
class LogEntry:
    version: int
    captured_at: str
    title: str | None
    inserted_words: int
    deleted_words: int
    significance: Significance = field(default_factory=first_capture)
    #: The earlier version this one restores, or None.
    reverts_to: int | None = None
    #: True for each version of a change that a later version undid, and for that one.
    flip_flop: bool = False
    #: The article as it was graded, and its word-level diff from the version before
    #: (for exports; not part of ``to_dict``).
    article: Article | None = field(default=None, compare=False, repr=False)
    diff: ArticleDiff | None = field(default=None, compare=False, repr=False)

    def to_dict(self) -> dict[str, object]:
        return {
            "version": self.version,
            "captured_at": self.captured_at,
            "title": self.title,
            "inserted_words": self.inserted_words,
            "deleted_words": self.deleted_words,
            **self.significance.to_dict(),
            "reverts_to": self.reverts_to,
            "flip_flop": self.flip_flop,
        }


def content_fingerprint(article: Article) -> str:
    """A digest of the article as a reader sees it: every field except the modified
    date and the extractor's name."""
    data: dict[str, Any] = article.to_dict()
    data.pop("extractor", None)
    data.pop("modified", None)
    return hashlib.sha256(json.dumps(data, sort_keys=True).encode()).hexdigest()


def history(archive: Archive, object_id: str) -> list[LogEntry]:
    entries: list[LogEntry] = []
    seen: dict[str, int] = {}  # content fingerprint -> latest version that had it
    previous: Article | None = None
    previous_reading: Reading | None = None
    for info in archive.versions(object_id):
        reading = read_version(archive, object_id, info.number)
        article = reading.article
        fingerprint = content_fingerprint(article)
        before, after = (
            reconcile(previous_reading, reading)
            if previous_reading is not None
            else (Article(), article)
        )
        changes = diff_articles(before, after)
        reverts_to = None
        if previous is not None and fingerprint != content_fingerprint(previous):
            reverts_to = seen.get(fingerprint)
        if reverts_to is not None:
            entries = [_with(e, flip_flop=True) if e.version > reverts_to else e for e in entries]
        significance = first_capture() if previous is None else assess(before, after, changes)
        if reverts_to is not None:
            reasons = (f"reverts to v{reverts_to}", *significance.reasons)
            significance = replace(significance, reasons=reasons)
        entries.append(
            LogEntry(
                version=info.number,
                captured_at=info.created,
                title=article.title,
                inserted_words=changes.inserted_words,
                deleted_words=changes.deleted_words,
                significance=significance,
                reverts_to=reverts_to,
                flip_flop=reverts_to is not None,
                article=article,
                diff=changes,
            )
        )
        seen[fingerprint] = info.number
        previous, previous_reading = article, reading
    return entries


def _with(entry: LogEntry, **changes: Any) -> LogEntry:
    values = {name: getattr(entry, name) for name in entry.__dataclass_fields__}
    return LogEntry(**{**values, **changes})


def filter_entries(
    entries: Iterable[LogEntry], *, min_severity: str | None = None, stealth: bool = False
) -> list[LogEntry]:
    """The entries at ``min_severity`` or above, and only stealth edits if ``stealth``."""
    if min_severity is not None and min_severity not in SEVERITIES:
        raise UsageError(f"unknown severity {min_severity!r}; use one of {', '.join(SEVERITIES)}")
    floor = rank(min_severity) if min_severity else 0
    return [
        e
        for e in entries
        if rank(e.significance.severity) >= floor and (e.significance.stealth or not stealth)
    ]


@dataclass(frozen=True)
class WatchNote:
    """Something ``redline watch`` saw between versions: the article gone, redirected or
    back, or a check blocked or suspect (nothing stored)."""

    event: str
    at: str
    reason: str

    def to_dict(self) -> dict[str, object]:
        return {"event": self.event, "at": self.at, "reason": self.reason}


def timeline(
    archive: Archive, object_id: str, entries: list[LogEntry], *, filtered: bool = False
) -> list[LogEntry | WatchNote]:
    """``entries`` with the article's watch events between them, oldest first; with
    ``filtered``, only the events that say the article disappeared or came back."""
    state = archive.state(object_id)
    notes = [
        WatchNote(str(e.get("event", "")), str(e.get("at", "")), str(e.get("reason", "")))
        for e in (state.events if state is not None else [])
    ]
    if filtered:
        notes = [n for n in notes if n.event in ALWAYS_SHOWN]
    # At the same second, the event first: "back", then the version it brought.
    items: list[tuple[str, int, LogEntry | WatchNote]] = [
        (e.captured_at, 1, e) for e in entries
    ] + [(n.at, 0, n) for n in notes]
    return [item for _at, _order, item in sorted(items, key=lambda i: (i[0], i[1]))]
