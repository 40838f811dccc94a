"""The bundled example: saved versions of one article, captured in order."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from redline.archive.capture import Outcome, capture_all, capture_file
from redline.archive.core.errors import NotFound
from redline.archive.core.times import parse_when, read_iso, utc_now
from redline.archive.ocfl.archive import Archive, RecordResult

EXAMPLE_DIR = Path(__file__).parent / "examples" / "riverton-flood"


@dataclass(frozen=True)
class Example:
    url: str
    captures: list[dict[str, str]]
    silent_edit: tuple[int, int]
    versions: int  # how many versions the captures make


def load_example(folder: Path = EXAMPLE_DIR) -> Example:
    data = json.loads((folder / "example.json").read_text(encoding="utf-8"))
    a, b = data["silent_edit"]
    return Example(
        url=data["url"], captures=data["captures"], silent_edit=(a, b), versions=data["versions"]
    )


def already_captured(archive: Archive, example: Example) -> int:
    """How many versions of the example the archive holds (0 when none).

    A run cut short holds fewer than ``example.versions``; capturing again completes it
    (the pages already stored are found unchanged)."""
    try:
        return len(archive.versions(archive.resolve(example.url)))
    except NotFound:
        return 0


def capture_shift(archive: Archive, example: Example) -> timedelta:
    """How far the example's capture times are moved: by whole days, so that the last
    page was captured yesterday at its time of day and the demo's edits are among the
    recent changes (``redline changes --since 7d``). An archive holding part of the
    example keeps the dates its versions have."""
    first = parse_when(example.captures[0]["at"])
    try:
        held = read_iso(archive.version_info(archive.resolve(example.url), 1).created)
    except NotFound:
        held = None
    if held is not None:
        return held - first
    last = parse_when(example.captures[-1]["at"])
    return timedelta(days=max((utc_now() - last).days - 1, 0))


def run_example(
    archive: Archive, example: Example, folder: Path = EXAMPLE_DIR
) -> Iterator[tuple[str, Outcome]]:
    """Capture each saved page of the example in order, dated as ``capture_shift``
    says; yields (note, outcome)."""
    shift = capture_shift(archive, example)
    for capture in example.captures:
        when = parse_when(capture["at"]) + shift

        def one(path: str, when: datetime = when) -> RecordResult:
            return capture_file(archive, path, example.url, when)

        outcome = next(capture_all([str(folder / capture["file"])], one))
        yield capture["note"], outcome
