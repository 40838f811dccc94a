"""What watch runs found, for a person or a CI step summary: the ``Report`` model.

``redline watch`` leaves each run's log in the archive (``state/runs/<run id>.json``:
its counts and every notable event). A report is one run's log, or the logs of every
run that started at or after a time, merged: the runs, the counts added up, and one
list per kind of notable event, newest first. An event that happened in several runs
is listed once for each. The archive adds what the log does not hold: the headline of
each article, and for a changed one a short excerpt of its word diff.

Every output format renders a ``Report``; none of them reads the archive.
"""

from __future__ import annotations

import json
import os
import tempfile
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from redline.archive.core.errors import ArchiveError, InputError, NotFound, RedlineError, UsageError
from redline.archive.core.models import Article, iso
from redline.archive.core.urls import normalize_url
from redline.archive.diff.model import ParagraphOp, diff_articles
from redline.archive.diff.words import EQUAL, DiffOp, is_changed
from redline.archive.ocfl.archive import Archive
from redline.archive.ocfl.state import load_state
from redline.archive.render.blocks import PARAGRAPH_BREAK, body_blocks
from redline.archive.watch.events import CHECKED, EVENTS, Event
from redline.archive.watching import RUNS_PREFIX

#: The lists of a report, in the order they are shown, and the event each one holds.
SECTIONS = {
    "changed": "changed",
    "new": "new",
    "gone": "gone",
    "redirected": "redirected",
    "blocked": "blocked",
    "suspect": "suspect",
    "errors": "error",
}
#: The keys of each list's entries, in order.
ITEM_KEYS = {
    "changed": ("url", "title", "version", "severity", "stealth", "reason", "at", "run", "excerpt"),
    "new": ("url", "title", "version", "at", "run"),
    "gone": ("url", "title", "version", "reason", "at", "run"),
    "redirected": ("url", "title", "version", "location", "reason", "at", "run"),
    "blocked": ("url", "title", "version", "reason", "at", "run"),
    "suspect": ("url", "title", "version", "reason", "at", "run"),
    "errors": ("url", "title", "version", "reason", "at", "run"),
}

#: An excerpt holds about this many characters of the change and the text around it.
EXCERPT_CHARS = 300
#: Unchanged text kept on each side of a change in an excerpt.
CONTEXT_CHARS = 60
GAP = "…"
#: Headlines and excerpts are looked up for this many entries of each list (newest
#: first); older ones get none, so a report over a long period stays quick.
DETAIL_LIMIT = 1000
#: Fields an excerpt is taken from, the first that changed: the headline matters most.
EXCERPT_FIELDS = (
    "title",
    "subtitle",
    "body",
    "byline",
    "corrections",
    "published",
    "canonical_url",
    "language",
    "modified",
)
_RUN_ID_TIME = "%Y%m%dT%H%M%SZ"
_SECTION_OF = {event: section for section, event in SECTIONS.items()}


@dataclass(frozen=True)
class RunInfo:
    """One watch run in the report."""

    run: str
    started: str
    finished: str | None = None
    shard: str | None = None
    checked: int = 0
    #: What the run warned about (unusable watchlist lines, a log it could not save).
    notes: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        return {
            "run": self.run,
            "started": self.started,
            "finished": self.finished,
            "shard": self.shard,
            "checked": self.checked,
            "notes": list(self.notes),
        }


@dataclass(frozen=True)
class Excerpt:
    """A few changed words in context: word operations of one field, clipped."""

    field: str
    ops: tuple[DiffOp, ...]

    def to_dict(self) -> dict[str, Any]:
        return {"field": self.field, "ops": [[op, text] for op, text in self.ops]}


@dataclass(frozen=True)
class Item:
    """One notable event of a run, with what the archive adds to it."""

    event: str
    url: str
    run: str
    at: str | None = None
    version: int | None = None
    severity: str | None = None
    stealth: bool | None = None
    reason: str | None = None
    location: str | None = None
    #: The article's headline: a changed one's new headline, else the latest stored.
    title: str | None = None
    #: For a changed article: the start of its diff from the version before.
    excerpt: Excerpt | None = None

    def to_dict(self, section: str) -> dict[str, Any]:
        data: dict[str, Any] = {key: getattr(self, key) for key in ITEM_KEYS[section]}
        if "excerpt" in data:
            data["excerpt"] = self.excerpt.to_dict() if self.excerpt else None
        if "stealth" in data:
            data["stealth"] = bool(self.stealth)
        return data


@dataclass
class Report:
    """The runs, their counts added up, and each list of notable events, newest first."""

    runs: list[RunInfo]
    since: str | None = None
    counts: dict[str, int] = field(default_factory=lambda: dict.fromkeys(EVENTS, 0))
    sections: dict[str, list[Item]] = field(default_factory=lambda: {name: [] for name in SECTIONS})

    @property
    def checked(self) -> int:
        return sum(n for name, n in self.counts.items() if name in CHECKED)

    @property
    def notable(self) -> bool:
        """Whether any list has an entry."""
        return any(self.sections.values())

    def to_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "runs": [run.to_dict() for run in reversed(self.runs)],  # newest first
            "since": self.since,
            "checked": self.checked,
            "counts": {name: self.counts.get(name, 0) for name in EVENTS},
        }
        for name, items in self.sections.items():
            data[name] = [item.to_dict(name) for item in items]
        return data


#: Each list's heading.
SECTION_TITLES = {
    "changed": "Changed",
    "new": "New",
    "gone": "Gone",
    "redirected": "Redirected",
    "blocked": "Blocked",
    "suspect": "Suspect",
    "errors": "Errors",
}
NOTHING_NOTABLE = "Nothing notable: no article changed, appeared, went away or was refused."


def _plural(count: int, word: str) -> str:
    return f"{count:,} {word}" if count == 1 else f"{count:,} {word}s"


def title(report: Report) -> str:
    """What the report covers, for its heading: one run, or the runs of a period."""
    if report.since is None and len(report.runs) == 1:
        return f"watch run {report.runs[0].run}"
    return f"{_plural(len(report.runs), 'watch run')} since {report.since}"


def when(report: Report) -> str:
    """When the runs ran, in one sentence."""
    if len(report.runs) == 1:
        run = report.runs[0]
        text = f"Started {run.started}"
        if run.finished:
            text += f", finished {run.finished}"
        return text + (f" (shard {run.shard})." if run.shard else ".")
    first, last = report.runs[0], report.runs[-1]
    return f"From {first.started} to {last.finished or last.started}."


def sentence(report: Report) -> str:
    """The counts in one sentence."""
    c = report.counts
    unchanged = c["unchanged"] + c["not-modified"]
    text = (
        f"Checked {_plural(report.checked, 'article')}: {c['changed']:,} changed, "
        f"{c['new']:,} new, {unchanged:,} unchanged, {c['gone']:,} gone, "
        f"{c['redirected']:,} redirected, {c['blocked']:,} blocked, {c['suspect']:,} suspect, "
        f"{_plural(c['error'], 'error')}."
    )
    if c["skipped"]:
        text += f" {c['skipped']:,} skipped."
    return text


# -- choosing the runs --------------------------------------------------------------------
def run_ids(archive: Archive) -> list[str]:
    """The id of every run log in the archive, oldest first (ids start with the time)."""
    ids = []
    for key in archive.store.list(RUNS_PREFIX):
        name = key[len(RUNS_PREFIX) :]
        if name.endswith(".json") and "/" not in name and not name.startswith("."):
            ids.append(name[: -len(".json")])
    return sorted(ids)


def _id_time(run_id: str) -> datetime | None:
    """When the run started, read off its id; None for an id of another shape."""
    try:
        return datetime.strptime(run_id[:16], _RUN_ID_TIME).replace(tzinfo=timezone.utc)
    except ValueError:
        return None


def _load(archive: Archive, run_id: str) -> dict[str, Any]:
    key = f"{RUNS_PREFIX}{run_id}.json"
    try:
        data = json.loads(archive.store.read(key))
        if not isinstance(data, dict) or not isinstance(data.get("events", []), list):
            raise ValueError("not a run log")
    except (ValueError, UnicodeDecodeError) as exc:
        raise ArchiveError(
            f"the log of watch run {run_id} in {archive.location} is unreadable ({exc}); "
            f"delete {key} or pick another run with --run"
        ) from None
    return data


def _latest(archive: Archive, ids: list[str]) -> str:
    """The newest run: ids sort by their start to the second; runs that started in the
    same second (shards started together) are told apart by when they finished."""
    newest = ids[-1]
    if _id_time(newest) is None:
        return newest
    same = [i for i in ids if i[:16] == newest[:16]]
    if len(same) == 1:
        return newest
    logs = {run_id: _load(archive, run_id) for run_id in same}
    return max(same, key=lambda i: (_finished(logs[i]), i))


def _pick(archive: Archive, ids: list[str], run: str) -> str:
    if run == "latest":
        return _latest(archive, ids)
    if run in ids:
        return run
    matches = [i for i in ids if i.startswith(run)] if run else []
    if len(matches) == 1:
        return matches[0]
    if matches:
        shown = ", ".join(matches[:3]) + (", …" if len(matches) > 3 else "")
        raise UsageError(
            f"--run {run!r} matches {len(matches)} watch runs ({shown}); give more of the id"
        )
    raise NotFound(
        f"no watch run {run!r} in {archive.location}; pass --run latest or a run id "
        f"such as {ids[-1]} (the newest; every id is a file name in {RUNS_PREFIX})"
    )


def select_runs(
    archive: Archive, *, run: str | None = None, since: datetime | None = None
) -> list[tuple[str, dict[str, Any]]]:
    """The run logs a report covers, oldest first: ``run`` (an id, a unique prefix of
    one, or "latest", the default) or every run that started at or after ``since``."""
    if run is not None and since is not None:
        raise UsageError("--run and --since choose the runs two ways; give one of them")
    ids = run_ids(archive)
    if not ids:
        raise NotFound(f"no watch runs in {archive.location} yet; run redline watch first")
    if since is None:
        chosen = _pick(archive, ids, (run or "latest").strip())
        return [(chosen, _load(archive, chosen))]
    logs = []
    for run_id in ids:
        started = _id_time(run_id)
        if started is not None and started < since:
            continue
        data = _load(archive, run_id)
        if _started(data, run_id) >= iso(since):
            logs.append((run_id, data))
    if not logs:
        newest = _started(_load(archive, ids[-1]), ids[-1])
        raise NotFound(
            f"no watch runs in {archive.location} started at or after {iso(since)}; "
            f"the newest started at {newest}: pass an earlier --since"
        )
    return sorted(logs, key=lambda log: (_started(log[1], log[0]), _finished(log[1]), log[0]))


def _finished(data: dict[str, Any]) -> str:
    finished = data.get("finished")
    return finished if isinstance(finished, str) else ""


def _started(data: dict[str, Any], run_id: str) -> str:
    started = data.get("started")
    if isinstance(started, str) and started:
        return started
    when = _id_time(run_id)
    return iso(when) if when is not None else ""


# -- building the report ------------------------------------------------------------------
def build_report(
    archive: Archive, *, run: str | None = None, since: datetime | None = None
) -> Report:
    """The report on one run (``run``: an id, a unique prefix or "latest", the default)
    or on every run that started at or after ``since``."""
    logs = select_runs(archive, run=run, since=since)
    report = Report(runs=[], since=iso(since) if since is not None else None)
    for run_id, data in logs:
        info = _run_info(run_id, data)
        report.runs.append(info)
        counts = data.get("counts")
        for name in EVENTS:
            value = counts.get(name) if isinstance(counts, dict) else None
            report.counts[name] += value if isinstance(value, int) else 0
        for raw in data.get("events", []):
            item = _item(raw, info)
            section = _SECTION_OF.get(item.event) if item is not None else None
            if item is not None and section is not None:
                report.sections[section].append(item)
    started = {info.run: info.started for info in report.runs}
    for section, items in report.sections.items():
        # Newest first (an event without a time at its run's start), later runs first.
        items.sort(key=lambda i: (i.at or "", started[i.run]), reverse=True)
        report.sections[section] = _with_details(archive, items)
    return report


def _run_info(run_id: str, data: dict[str, Any]) -> RunInfo:
    def text(name: str) -> str | None:
        value = data.get(name)
        return value if isinstance(value, str) else None

    notes = data.get("notes")
    checked = data.get("checked")
    return RunInfo(
        run=run_id,
        started=_started(data, run_id),
        finished=text("finished"),
        shard=text("shard"),
        checked=checked if isinstance(checked, int) else 0,
        notes=tuple(str(n) for n in notes) if isinstance(notes, list) else (),
    )


def _item(raw: object, run: RunInfo) -> Item | None:
    if not isinstance(raw, dict):
        return None
    try:
        event = Event.from_dict(raw)
    except TypeError:
        return None
    if not isinstance(event.event, str) or not isinstance(event.url, str):
        return None
    return Item(
        event=event.event,
        url=event.url,
        run=run.run,
        at=event.at or run.started,
        version=event.version,
        severity=event.severity,
        stealth=event.stealth,
        reason=event.reason,
        location=event.location,
    )


def _with_details(archive: Archive, items: list[Item]) -> list[Item]:
    """``items`` with headlines and excerpts, the first ``DETAIL_LIMIT`` of them."""
    wanted = list(range(min(len(items), DETAIL_LIMIT)))
    if not wanted:
        return items
    out = list(items)
    with ThreadPoolExecutor(max_workers=min(8, len(wanted))) as pool:
        found = pool.map(lambda n: _details(archive, items[n]), wanted)
        for index, item in zip(wanted, found, strict=True):
            out[index] = item
    return out


def _details(archive: Archive, item: Item) -> Item:
    try:
        object_id = normalize_url(item.url)
    except RedlineError:
        return item
    if item.event == "changed" and isinstance(item.version, int) and item.version > 1:
        try:
            old = archive.article(object_id, item.version - 1)
            new = archive.article(object_id, item.version)
        except RedlineError:
            pass  # the article or the version is not in the archive (any more)
        else:
            return replace(item, title=new.title, excerpt=excerpt(old, new))
    try:
        state = load_state(archive.store, object_id)
    except RedlineError:
        return item
    return replace(item, title=state.title) if state is not None else item


# -- excerpts -----------------------------------------------------------------------------
def excerpt(old: Article, new: Article, limit: int = EXCERPT_CHARS) -> Excerpt | None:
    """The first change from article ``old`` to ``new``, a few words of context around
    it, clipped to about ``limit`` characters; None when no field's text changed.

    In the body, changed paragraphs follow each other with "…" for those left out, so a
    paragraph rewritten whole (removed, another added in its place) reads old → new."""
    diff = diff_articles(old, new)
    fields = diff.fields()
    for name in EXCERPT_FIELDS:
        ops = _changed_paragraphs(body_blocks(diff)) if name == "body" else list(fields[name])
        if is_changed(ops):
            return Excerpt(name, clip(ops, limit))
    return None


def _changed_paragraphs(blocks: list[ParagraphOp]) -> list[DiffOp]:
    """The word operations of the paragraphs with changed words, "…" between two that
    are not next to each other."""
    ops: list[DiffOp] = []
    skipped = False
    for block in blocks:
        if not is_changed(block.ops):
            skipped = bool(ops)
            continue
        if ops:
            gap = f"{PARAGRAPH_BREAK}{GAP}{PARAGRAPH_BREAK}" if skipped else PARAGRAPH_BREAK
            ops.append((EQUAL, gap))
        ops.extend(block.ops)
        skipped = False
    return ops


def _head(text: str, size: int) -> str:
    """About ``size`` characters from the start of ``text``, cut after a word."""
    if len(text) <= size:
        return text
    cut = text[:size]
    space = cut.rfind(" ")
    return (cut[:space] if space > size // 2 else cut) + f" {GAP}"


def _tail(text: str, size: int) -> str:
    """About ``size`` characters from the end of ``text``, cut before a word."""
    if len(text) <= size:
        return text
    cut = text[-size:]
    space = cut.find(" ")
    return f"{GAP} " + (cut[space + 1 :] if 0 <= space < size // 2 else cut)


def _middle(text: str, size: int) -> str:
    """``text`` with all but about ``size`` characters at each end left out."""
    if len(text) <= 2 * size + 2 * len(GAP) + 2:
        return text
    return _head(text, size) + _tail(text, size)[len(GAP) :]


def _merged(ops: tuple[DiffOp, ...] | list[DiffOp]) -> list[DiffOp]:
    """``ops`` without empty ones, and each run of one kind of operation made one."""
    out: list[DiffOp] = []
    for op, text in ops:
        if out and out[-1][0] == op:
            out[-1] = (op, out[-1][1] + text)
        elif text:
            out.append((op, text))
    return out


def clip(
    ops: tuple[DiffOp, ...] | list[DiffOp],
    limit: int = EXCERPT_CHARS,
    context: int = CONTEXT_CHARS,
) -> tuple[DiffOp, ...]:
    """Word operations cut down to their first changes: ``context`` characters of
    unchanged text before the first change, then operations until about ``limit``
    characters are shown, with "…" wherever text was left out. Long unchanged stretches
    between changes are shortened, and so is each long deletion or insertion, to about a
    third of ``limit``, so that what replaced it shows too."""
    ops = _merged(ops)
    changed = [index for index, (op, _text) in enumerate(ops) if op != EQUAL]
    if not changed:
        return tuple(ops)
    first, last = changed[0], changed[-1]
    out: list[DiffOp] = []
    before = "".join(text for _op, text in ops[:first]).rsplit(PARAGRAPH_BREAK, 1)[-1]
    if before:
        out.append((EQUAL, _tail(before, context)))
    budget = limit - len(out[0][1]) if out else limit
    index = first
    while index < len(ops) and budget > 0:
        op, text = ops[index]
        if op != EQUAL:
            text = _head(text, max(limit // 3, context))
        elif index > last:
            text = _head(text.split(PARAGRAPH_BREAK, 1)[0], context)
        else:
            text = _middle(text, context)
        if len(text) > budget:
            text = _head(text, budget)
        out.append((op, text))
        budget -= len(text)
        index += 1
    if index < len(ops) and not out[-1][1].endswith(GAP):
        out.append((EQUAL, f" {GAP}"))
    return tuple(out)


# -- writing ------------------------------------------------------------------------------
def write_atomically(path: Path, text: str) -> None:
    """Write ``text`` to ``path`` whole: a reader sees the old file or the new one."""
    folder = path.parent if str(path.parent) else Path(".")
    tmp = None
    try:
        handle, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=folder)
        with os.fdopen(handle, "w", encoding="utf-8") as out:
            out.write(text)
        if path.exists():
            os.chmod(tmp, path.stat().st_mode & 0o7777)
        else:
            umask = os.umask(0)
            os.umask(umask)
            os.chmod(tmp, 0o666 & ~umask)
        os.replace(tmp, path)
    except OSError as exc:
        if tmp is not None:
            try:
                os.unlink(tmp)
            except OSError:
                pass
        raise InputError(
            f"cannot write {path} ({exc.strerror or exc}); check that its folder exists "
            "and is writable"
        ) from None
