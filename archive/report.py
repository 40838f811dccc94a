"""``redline report``: build the ``Report`` of one watch run, or of a period's runs.

``redline watch`` leaves each run's log in the archive (its counts and every notable
event). The archive adds what the log does not hold: the headline of each article, and
for a changed one a short excerpt of its word diff.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from datetime import datetime, timezone
from typing import Any

from redline.archive.core import layout
from redline.archive.core.errors import NotFound, RedlineError, UsageError
from redline.archive.core.printable import printable
from redline.archive.core.times import iso
from redline.archive.core.urls import normalize_url
from redline.archive.ocfl.archive import Archive
from redline.archive.watch.events import EVENTS, Event
from redline.archive.watch.report import (
    DETAIL_LIMIT,
    SECTION_OF,
    Item,
    Report,
    RunInfo,
    excerpt,
)

_RUN_ID_TIME = "%Y%m%dT%H%M%SZ"


# -- choosing the runs --------------------------------------------------------------------
def _id_time(run_id: str) -> datetime | None:
    """When the run started, read off its id; None for an id of another shape."""
    try:
        return datetime.strptime(run_id[:16], _RUN_ID_TIME).replace(tzinfo=timezone.utc)
    except ValueError:
        return None


def _load(archive: Archive, run_id: str) -> dict[str, Any]:
    return archive.load_run(run_id)


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
        f"such as {ids[-1]} (the newest; every id is a file name in {layout.RUN_LOGS})"
    )


def select_runs(
    archive: Archive, *, run: str | None = None, since: datetime | None = None
) -> list[tuple[str, dict[str, Any]]]:
    """The run logs a report covers, oldest first: ``run`` (an id, a unique prefix of
    one, or "latest", the default) or every run that started at or after ``since``."""
    if run is not None and since is not None:
        raise UsageError("--run and --since choose the runs two ways; give one of them")
    ids = archive.run_ids()
    if not ids:
        raise NotFound(
            f"no watch runs in {archive.location} yet; run redline watch first (for the "
            "changes of captures, run redline changes)"
        )
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
            section = SECTION_OF.get(item.event) if item is not None else None
            if item is not None and section is not None:
                report.sections[section].append(item)
    started = {info.run: info.started for info in report.runs}
    for section, items in report.sections.items():
        # Newest first (an event without a time at its run's start), later runs first.
        items.sort(key=lambda i: (i.at or "", started[i.run]), reverse=True)
        report.sections[section] = with_details(archive, items)
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
        notes=tuple(printable(str(n)) for n in notes) if isinstance(notes, list) else (),
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


def with_details(archive: Archive, items: list[Item]) -> list[Item]:
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
        state = archive.state(object_id)
    except RedlineError:
        return item
    return replace(item, title=state.title) if state is not None else item
