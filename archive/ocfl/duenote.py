"""When a watch shard next has anything due, noted beside its index: a cache.

A scheduled job starts a watch run every few minutes, and most runs find nothing due.
Working that out means reading every state of the shard and parsing every URL of the
watchlist: a cost that grows with the archive. So a run that saw every state notes
beside its index (``state/index/<name>.due.json``) the earliest moment any of its
articles falls due, and what that was worked out from:

- the digest of the watchlist's text, and what chooses and schedules the articles (the
  shard, and redline's version, whose schedule it is);
- the stamp of every index and journal segment the run reads (``Store.stamps``), taken
  after its merge, and only when the store held exactly what the run read and wrote.

A later run with the same watchlist and options, which lists the same stamps (no
capture, no other run, no journal left by a killed run since) and starts before that
moment, has nothing due: it counts the articles as skipped, not due, without reading
an index or parsing a URL. Anything else takes the full path, and so does every run of
a watchlist with feeds or sitemaps (each run fetches them: they name new articles).
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field

from redline.archive.core import layout
from redline.archive.core.errors import ArchiveError
from redline.archive.store.base import Store

FORMAT = 1


@dataclass
class DueNote:
    #: The digest of the watchlist's text (``Watchlist.digest``).
    watchlist: str
    #: What else chose and scheduled the articles (the shard, redline's version).
    options: str
    #: The stamp of each index and journal segment a run of this shard reads.
    inputs: dict[str, str | None]
    #: How many articles the shard watches.
    targets: int
    #: When the first of them is next due (``next_check``), None when there is none.
    next_due: str | None
    #: The watchlist's unusable lines, as a run reports them.
    problems: list[str] = field(default_factory=list)

    def matches(self, digest: str, options: str) -> bool:
        """Whether this note was worked out from this watchlist and these options."""
        return self.watchlist == digest and self.options == options


def read_note(store: Store, name: str) -> DueNote | None:
    """The note beside index ``name``, None when there is none or it cannot be used."""
    try:
        raw = json.loads(store.read(layout.due_key(name)))
    except (ArchiveError, ValueError, UnicodeDecodeError):
        return None  # none, unreadable or from another version: the full path
    if not isinstance(raw, dict) or raw.pop("format", None) != FORMAT:
        return None
    try:
        note = DueNote(**raw)
    except TypeError:
        return None
    if not (
        isinstance(note.inputs, dict)
        and isinstance(note.targets, int)
        and isinstance(note.problems, list)
        and all(isinstance(p, str) for p in note.problems)
        and (note.next_due is None or isinstance(note.next_due, str))
    ):
        return None
    return note


def write_note(store: Store, name: str, note: DueNote) -> None:
    data = json.dumps({"format": FORMAT, **asdict(note)}, ensure_ascii=False, sort_keys=True)
    try:
        store.put(layout.due_key(name), data.encode())
    except ArchiveError:
        pass  # a cache: the next run takes the full path
