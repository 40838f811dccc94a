"""The article states of an archive in a few objects: an index per watch shard, and its
journal.

::

    state/index/shard-2-of-4.jsonl              a header line, then one line per article
    state/index/shard-2-of-4/<segment>.jsonl    changes written before being folded in

A process reads the states it needs in one listing and one read per index: its own
index and those of every other shard count (``shard-1-of-1`` is where captures and
copies note their articles, and an archive changes shard counts now and then), with
their journals. Of two states of an article the newer wins (``state.newer``), so it
does not matter which index holds which.

Changes are kept in memory. What cannot be rebuilt from the OCFL objects, or must not
be forgotten before the next write to an object (a new head, a head about to move, a
watch event, a change of status), is written before ``put`` returns: as a journal
segment when ``batched`` (a watch run), else by folding it into the index at once.
``merge`` folds everything into the process's own index with a conditional write
(If-Match on S3, compare and rename in a folder) and deletes the journal segments it
folded; a watch run merges at its end and every few minutes. A run killed before its
merge loses only check times: the next run reads its journal.

A watch shard owns its articles: it copies into its own index the newer states other
indexes hold of them, and then removes them there, so each index ends up holding the
articles of one shard. Archives written before the index kept one file per article
(``state/articles/``); the first process that writes folds them all into
``shard-1-of-1`` and removes them.
"""

from __future__ import annotations

import json
import threading
import time
import uuid
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace

from redline.archive.core import layout
from redline.archive.core.errors import ArchiveError, Conflict, KeyMissing
from redline.archive.ocfl.state import ArticleState, newer, read_legacy_states
from redline.archive.store.base import Store

FORMAT = 1
HEADER = json.dumps({"redline": "article-states", "format": FORMAT}).encode() + b"\n"
#: Seconds between merges of a long watch run (a killed run loses at most this much
#: check bookkeeping, never a version or an event).
MERGE_EVERY = 300.0
#: Threads reading indexes and journal segments at once (each is a request on S3).
READERS = 8
MERGE_ATTEMPTS = 8
#: Journal segments of an index that a command changing a few articles (a capture)
#: leaves for the next merge; at this many it folds them into the index itself.
FOLD_AFTER = 16
#: Articles looked up one by one in the indexes' bytes before every state is decoded
#: instead (a command reading many articles' states, as a report does).
LOOKUPS = 64

Owns = Callable[[str], bool]
#: A decoded index: the states by article id, and each state's line as stored.
Lines = dict[str, bytes]


def encode(states: Iterable[ArticleState]) -> bytes:
    return encode_lines({s.id: s.to_line() for s in states})


def encode_lines(lines: Lines) -> bytes:
    return HEADER + b"".join(lines[i] + b"\n" for i in sorted(lines))


def decode(data: bytes, where: str) -> dict[str, ArticleState]:
    return decode_lines(data, where)[0]


def decode_lines(data: bytes, where: str) -> tuple[dict[str, ArticleState], Lines]:
    """The states in an index or journal segment, and the line each was read from;
    unreadable lines are left out (a state is rebuilt from its object), a format this
    version does not know is an error."""
    header, _, body = data.partition(b"\n")
    try:
        info = json.loads(header)
    except ValueError:
        return {}, {}
    if not isinstance(info, dict) or info.get("redline") != "article-states":
        return {}, {}
    if info.get("format") != FORMAT:
        raise ArchiveError(
            f"{where} was written by another version of redline (format "
            f"{info.get('format')!r}); upgrade redline to read this archive"
        )
    found: dict[str, ArticleState] = {}
    lines: Lines = {}
    for line in body.splitlines():
        try:
            state = ArticleState.from_dict(json.loads(line))
        except (ValueError, TypeError):
            continue
        best = newer(found.get(state.id), state)
        if best is state:
            found[state.id], lines[state.id] = state, line
        else:
            found[state.id] = best
            lines[state.id] = best.to_line()
    return found, lines


class StateIndex:
    """The states of an archive's articles as this process sees and changes them."""

    def __init__(
        self,
        store: Store,
        name: str = layout.WHOLE_INDEX,
        *,
        owns: Owns | None = None,
        batched: bool = False,
    ) -> None:
        shards = layout.index_shards(name)
        if shards is None:
            raise ValueError(f"not an index name: {name}")
        self.store = store
        self.name = name
        self.count = shards[1]
        self.key = layout.state_index_key(name)
        self.owns = owns
        self.batched = batched
        self._lock = threading.Lock()
        self._flush_lock = threading.Lock()
        self._loaded = False
        self._view: dict[str, ArticleState] = {}
        self._own: dict[str, ArticleState] = {}
        #: The own index's lines, once a merge needed them (not kept from the read: a
        #: run that changes nothing does not hold the index twice).
        self._own_lines: Lines | None = None
        self._own_bytes: bytes | None = None
        #: Articles whose state in the view is not yet in the own index...
        self._touched: set[str] = set()
        #: ...and those of them not yet in any journal segment either.
        self._pending: set[str] = set()
        #: Journal segments of the own index folded in by the next merge.
        self._segments: list[str] = []
        #: Other indexes read (name -> their states and bytes), to drain owned states.
        self._others: dict[str, tuple[dict[str, ArticleState], bytes | None]] = {}
        #: States of an archive written before the index, until they are folded in.
        self._legacy: list[ArticleState] | None = None
        self._last_segment = 0
        self._merged_at = time.monotonic()
        #: The stamp of each index and segment read (``Store.stamps``), then written.
        self._stamps: dict[str, str | None] = {}
        #: Before a full load, the bytes read for lookups of single articles (``_peek``),
        #: and the articles looked up.
        self._raw: dict[str, bytes] | None = None
        self._peeked: set[str] = set()
        self._own_segment_count = 0

    # -- reading --------------------------------------------------------------------------
    def load(self) -> StateIndex:
        """Read the indexes and journals this process needs (once)."""
        if self._loaded:
            return self
        keys, stamps = self._listing()
        read = self._read_many(keys)
        self._stamps = {k: stamps[k] for k in keys if k in read}
        self._raw = None
        # What was noted since (lookups of single articles, and the segments they
        # wrote) is read again with the rest: the view starts over.
        self._segments = []
        view: dict[str, ArticleState] = {}
        if not stamps:
            legacy = read_legacy_states(self.store, workers=READERS)
            if legacy:
                self._legacy = legacy
                for state in legacy:
                    view[state.id] = newer(view.get(state.id), state)
        for key in keys:
            data = read.get(key)
            if data is None:
                continue
            name, segment = layout.parse_index_key(key) or (self.name, None)
            states = decode(data, f"{self.store.location}/{key}")
            if segment is None and name == self.name:
                self._own, self._own_bytes = states, data
            elif segment is None:
                self._others[name] = (states, data)
            elif name == self.name:
                self._segments.append(key)
                self._touched.update(states)
            for object_id, state in states.items():
                view[object_id] = newer(view.get(object_id), state)
        if self._legacy is not None:
            if self.name == layout.WHOLE_INDEX:
                self._touched.update(s.id for s in self._legacy)
            else:
                self._others[layout.WHOLE_INDEX] = ({s.id: s for s in self._legacy}, None)
        if self.owns is not None:
            for object_id, state in view.items():
                if self._own.get(object_id) is not state and self.owns(object_id):
                    self._touched.add(object_id)
        with self._lock:
            for object_id in self._pending:  # noted, not yet written anywhere
                view[object_id] = newer(view.get(object_id), self._view[object_id])
            self._view = view
        self._peeked = set()
        self._loaded = True
        return self

    def _listing(self) -> tuple[list[str], dict[str, str | None]]:
        """The keys of the indexes and journal segments this process reads, indexes
        first, and the stamp of every index and segment listed."""
        stamps = {
            k: v
            for k, v in self.store.stamps(layout.STATE_INDEXES).items()
            if layout.parse_index_key(k) is not None
        }
        indexes: set[str] = set()
        segments: dict[str, list[str]] = {}
        for key in stamps:
            name, segment = layout.parse_index_key(key) or ("", None)
            if segment is None:
                indexes.add(name)
            else:
                segments.setdefault(name, []).append(key)
        wanted = [n for n in sorted(indexes | set(segments)) if self._reads(n)]
        keys = [layout.state_index_key(n) for n in wanted if n in indexes]
        keys += [k for n in wanted for k in sorted(segments.get(n, []))]
        return keys, stamps

    def inputs(self) -> dict[str, str | None] | None:
        """The stamps of what this process read and wrote of the indexes it reads, when
        the store holds exactly that now (one listing): every state here is then every
        state there. None when anything changed meanwhile, or cannot be told."""
        if not self._loaded or self._legacy is not None:
            return None
        keys, stamps = self._listing()
        now = {k: stamps[k] for k in keys}
        if now != self._stamps or None in now.values():
            return None
        return now

    def listed_inputs(self) -> dict[str, str | None]:
        """The stamps of the indexes and segments a process of this index would read,
        as listed now (one listing), without reading them."""
        keys, stamps = self._listing()
        return {k: stamps[k] for k in keys}

    # -- one article, without reading every state ---------------------------------------
    def _point_reads(self) -> bool:
        """Whether single articles are looked up in the bytes read, not in a view of
        every state: for a command that changes a few (a capture), not a watch run."""
        return not self.batched and self.owns is None and len(self._peeked) < LOOKUPS

    def _peek(self, object_id: str) -> ArticleState | None:
        """The article's state, found in the indexes' and segments' bytes (each read once)
        without decoding the other articles' lines."""
        if self._raw is None:
            keys, stamps = self._listing()
            if not keys:
                self.load()  # no index: an archive written before it, or a new one
                with self._lock:
                    return self._view.get(object_id)
            self._raw = self._read_many(keys)
            self._stamps = {k: stamps[k] for k in keys if k in self._raw}
            self._segments = [
                k
                for k in self._raw
                if (layout.parse_index_key(k) or ("", None))[1]
                and k.startswith(f"{layout.STATE_INDEXES}{self.name}/")
            ]
            self._own_segment_count = len(self._segments)
        with self._lock:
            if object_id in self._peeked:
                return self._view.get(object_id)
        found: ArticleState | None = None
        for key, data in self._raw.items():
            for state in _find(data, object_id, f"{self.store.location}/{key}"):
                found = newer(found, state)
        with self._lock:
            self._peeked.add(object_id)
            if found is not None:
                self._view[object_id] = newer(self._view.get(object_id), found)
            return self._view.get(object_id)

    def _reads(self, name: str) -> bool:
        """Whether this process reads index ``name``: its own, and every index of another
        shard count (those of the same count hold other shards' articles)."""
        shards = layout.index_shards(name)
        return name == self.name or (shards is not None and shards[1] != self.count)

    def _read_many(self, keys: list[str]) -> dict[str, bytes]:
        def one(key: str) -> tuple[str, bytes | None]:
            try:
                return key, self.store.read(key)
            except KeyMissing:
                return key, None  # folded in and removed meanwhile

        if len(keys) > 1:
            with ThreadPoolExecutor(max_workers=READERS) as pool:
                pairs = list(pool.map(one, keys))
        else:
            pairs = [one(key) for key in keys]
        return {key: data for key, data in pairs if data is not None}

    def get(self, object_id: str) -> ArticleState | None:
        """A copy of the article's state, None when it has none."""
        if not self._loaded and self._point_reads():
            state = self._peek(object_id)
        else:
            self.load()
            with self._lock:
                state = self._view.get(object_id)
        return replace(state) if state is not None else None

    def states(self) -> list[ArticleState]:
        """Every article's state (not to be changed in place)."""
        self.load()
        with self._lock:
            return list(self._view.values())

    def __len__(self) -> int:
        self.load()
        return len(self._view)

    # -- writing --------------------------------------------------------------------------
    def put(
        self, state: ArticleState, *, durable: bool | None = None, before_commit: bool = False
    ) -> None:
        """Make ``state`` the article's state. It is written before this returns when
        ``durable``, by default when it changes what cannot be rebuilt or must not be
        forgotten (``lasting_change``); else by the next merge (a watch run's) or as a
        journal segment at once (a command that changes a few articles, which folds the
        segments into the index once there are ``FOLD_AFTER``). ``before_commit``: the
        write of an object follows, whose flush to disk makes this one durable too."""
        point = not self._loaded and self._point_reads()
        if point:
            self._peek(state.id)
        else:
            self.load()
        with self._lock:
            previous = self._view.get(state.id)
            state.rev = max(state.rev, previous.rev if previous is not None else 0) + 1
            self._view[state.id] = state
            self._touched.add(state.id)
            self._pending.add(state.id)
        if durable is None:
            durable = lasting_change(previous, state)
        try:
            if not self.batched:
                self.flush(sync=durable and not before_commit)
            elif durable:
                self.flush(sync=not before_commit)
        except BaseException:
            # Not written: the change is undone, so that the caller's error is the
            # outcome it reports, not the change (a gone that was never saved).
            with self._lock:
                if self._view.get(state.id) is state:
                    if previous is None:
                        self._view.pop(state.id, None)
                    else:
                        self._view[state.id] = previous
            raise
        if not self.batched and (self._own_segment_count >= FOLD_AFTER or self._legacy):
            try:
                self.merge()
            except ArchiveError:
                pass  # the change is in the journal: folded by a later merge

    def adopt(self, states: Iterable[ArticleState]) -> int:
        """Take states written elsewhere (a copy of an archive) as they are, where they
        are newer than the ones known here; folded in by the next merge. Returns how
        many were taken."""
        self.load()
        taken = 0
        with self._lock:
            for state in states:
                known = self._view.get(state.id)
                if known is not None and known.order() >= state.order():
                    continue
                self._view[state.id] = state
                self._touched.add(state.id)
                self._pending.add(state.id)
                taken += 1
        return taken

    def flush(self, *, sync: bool = True) -> None:
        """Write the changes not yet written anywhere as one journal segment (on disk
        before this returns with ``sync``)."""
        with self._flush_lock:
            with self._lock:
                ids, self._pending = self._pending, set()
                states = [self._view[i] for i in ids]
                self._last_segment = max(time.time_ns(), self._last_segment + 1)
                segment = f"{self._last_segment:020d}-{uuid.uuid4().hex[:8]}"
            if not states:
                return
            key = layout.journal_key(self.name, segment)
            try:
                if sync:
                    self.store.put_durable(key, encode(states))
                else:
                    self.store.put(key, encode(states))
            except BaseException:
                with self._lock:
                    self._pending |= ids
                raise
            self._segments.append(key)
            self._own_segment_count += 1

    def merge_if_due(self) -> None:
        """Merge when the last merge is ``MERGE_EVERY`` seconds old (long watch runs)."""
        if self._touched and time.monotonic() - self._merged_at >= MERGE_EVERY:
            self.merge()

    def merge(self) -> None:
        """Fold every change into the own index (one conditional write, redone over
        what another process wrote meanwhile), then delete the journal segments folded
        in and drain the owned states other indexes still hold."""
        if not self._loaded:
            if self._raw is None:
                return  # nothing read, nothing changed
            self.load()  # lookups of single articles so far: fold with every state
        with self._flush_lock:
            if self._legacy is not None and self.name != layout.WHOLE_INDEX:
                self._migrate()
            with self._lock:
                snapshot = {i: self._view[i] for i in self._touched}
                segments, self._segments = self._segments, []
            if snapshot or self._own_bytes is None and self._legacy is not None:
                self._write_own(snapshot)
            with self._lock:
                for object_id, state in snapshot.items():
                    if self._view.get(object_id) is state:
                        self._touched.discard(object_id)
                        self._pending.discard(object_id)
            for key in segments:
                self._delete(key)
                self._stamps.pop(key, None)
            self._own_segment_count = 0
            if self._legacy is not None:
                for state in self._legacy:
                    self._delete(layout.article_state_key(state.id))
                self._legacy = None
            if self.owns is not None:
                self._drain()
            self._merged_at = time.monotonic()

    def _write_own(self, changes: dict[str, ArticleState]) -> None:
        for _attempt in range(MERGE_ATTEMPTS):
            merged = dict(self._own)
            if self._own_lines is not None:
                lines = dict(self._own_lines)
            else:
                # Lines of the states kept as they are; a changed one is encoded once,
                # below (a run that checked every article changed every state).
                lines = {i: s.to_line() for i, s in self._own.items() if i not in changes}
            for object_id, state in changes.items():
                old = merged.get(object_id)
                best = newer(old, state)
                if best is not old or object_id not in lines:
                    merged[object_id], lines[object_id] = best, best.to_line()
            data = encode_lines(lines)
            try:
                stamp = self.store.put_if(self.key, data, self._own_bytes)
            except Conflict:
                self._reread_own()
                self._stamps[self.key] = None  # read again, no stamp: not the listed one
                continue
            self._own, self._own_lines, self._own_bytes = merged, lines, data
            self._stamps[self.key] = stamp
            return
        raise ArchiveError(
            f"could not save the article states in {self.store.location}/{self.key}: "
            "other runs kept changing them; try again"
        )

    def _reread_own(self) -> None:
        try:
            data: bytes | None = self.store.read(self.key)
        except KeyMissing:
            data = None
        where = f"{self.store.location}/{self.key}"
        theirs, lines = decode_lines(data, where) if data is not None else ({}, {})
        with self._lock:
            for object_id, state in theirs.items():
                self._view[object_id] = newer(self._view.get(object_id), state)
        self._own, self._own_lines, self._own_bytes = theirs, lines, data

    def _migrate(self) -> None:
        """Fold an archive's per-article state files into ``shard-1-of-1``."""
        assert self._legacy is not None
        key = layout.state_index_key(layout.WHOLE_INDEX)
        data = encode(self._legacy)
        try:
            self._stamps[key] = self.store.put_if(key, data, None)
        except Conflict:
            self._others.pop(layout.WHOLE_INDEX, None)  # another run folded them in
            self._stamps[key] = None
            return
        self._others[layout.WHOLE_INDEX] = ({s.id: s for s in self._legacy}, data)

    def _drain(self) -> None:
        """Remove from other indexes the states of articles this process owns, where its
        own index holds them at least as new (so every index shrinks to one shard's)."""
        assert self.owns is not None
        for name, (states, data) in list(self._others.items()):
            if data is None:
                continue
            keep = {
                i: s
                for i, s in states.items()
                if not self.owns(i) or i not in self._own or self._own[i].order() < s.order()
            }
            if len(keep) == len(states):
                continue
            body = encode(keep.values())
            key = layout.state_index_key(name)
            try:
                self._stamps[key] = self.store.put_if(key, body, data)
            except Conflict:
                continue  # written meanwhile: drained by a later run
            self._others[name] = (keep, body)

    def _delete(self, key: str) -> None:
        self.store.delete(key)


def _find(data: bytes, object_id: str, where: str) -> list[ArticleState]:
    """The states of ``object_id`` in an index or segment's bytes, found by their id
    (``"id":"..."``, which no string value can hold unescaped) and decoded alone."""
    header = data[: data.find(b"\n")] if b"\n" in data[:4096] else data[:4096]
    if header and not header.startswith(b'{"redline"'):
        return []
    if header != HEADER.rstrip(b"\n"):
        decode(header + b"\n", where)  # a format this version does not know: an error
    needle = b'"id":' + json.dumps(object_id, ensure_ascii=False).encode()
    found = []
    at = data.find(needle)
    while at >= 0:
        end = at + len(needle)
        if data[end : end + 1] in (b",", b"}"):
            start = data.rfind(b"\n", 0, at) + 1
            stop = data.find(b"\n", end)
            line = data[start : stop if stop >= 0 else len(data)]
            try:
                state = ArticleState.from_dict(json.loads(line))
            except (ValueError, TypeError):
                state = None
            if state is not None and state.id == object_id:
                found.append(state)
        at = data.find(needle, end)
    return found


def lasting_change(before: ArticleState | None, after: ArticleState) -> bool:
    """Whether a change of an article's state must be written at once: a new head (or
    one about to move), a watch event or a change of status, which the OCFL objects do
    not hold or which a later check must not miss."""
    if before is None:
        return bool(after.head or after.events or after.status)
    return (
        before.head != after.head
        or before.fingerprint != after.fingerprint
        or before.status != after.status
        or before.events != after.events
    )
