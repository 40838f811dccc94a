"""The recaptures corpus: one article URL captured twice, years apart, labelled.

Shared by ``benchmarks/recaptures.py`` and the corpus test. Each pair goes old then new
into an empty archive through the same capture step as ``redline capture --html``; a
``template`` pair must come out unchanged, an ``edited`` pair changed with each listed
passage on its side of the diff, and no template pair may ever be called a stealth edit.
The same decision is made by plain text comparison of bare trafilatura's output, in the
same run, as the baseline.
"""

from __future__ import annotations

import json
import re
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

REPO_ROOT = Path(__file__).resolve().parents[1]
RECAPTURES_DIR = REPO_ROOT.parent / "shared" / "corpora" / "recaptures"


@dataclass(frozen=True)
class Pair:
    name: str
    url: str
    label: str  # "template" | "edited"
    old: bytes
    new: bytes
    old_at: datetime
    changed: tuple[tuple[str, str], ...]


def iter_pairs(corpus: Path = RECAPTURES_DIR) -> Iterator[Pair]:
    for folder in sorted(p for p in corpus.iterdir() if (p / "case.json").is_file()):
        case: dict[str, Any] = json.loads((folder / "case.json").read_text("utf-8"))
        captured = case["old"].get("captured") or "2016-01-01T00:00:00Z"
        yield Pair(
            name=folder.name,
            url=case["url"],
            label=case["label"],
            old=(folder / "old.html").read_bytes(),
            new=(folder / "new.html").read_bytes(),
            old_at=datetime.fromisoformat(captured.replace("Z", "+00:00")),
            changed=tuple((a, b) for a, b in case.get("changed", ())),
        )


def squash(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


@dataclass
class Outcome:
    """What one tool made of one pair."""

    pair: str
    label: str
    changed: bool
    stealth: bool = False
    severity: str | None = None
    #: Listed passages not found on their side of the diff ("old: …" / "new: …").
    missing: list[str] = field(default_factory=list)
    error: str | None = None
    reasons: tuple[str, ...] = ()

    @property
    def right(self) -> bool:
        if self.error is not None:
            return False
        if self.label == "template":
            return not self.changed
        return self.changed and not self.missing


def _found(passage: str, texts: list[str]) -> bool:
    """Whether ``passage`` is in one of ``texts`` or runs across consecutive ones (a
    passage may span paragraphs). A byline passage ("By Ann Lee") is found when the
    byline field shows the names."""
    whole = " ".join(squash(t).lower() for t in texts)
    wanted = squash(passage).lower()
    return wanted in whole or (wanted.startswith("by ") and wanted[3:] in whole)


def check_passages(pair: Pair, old_sides: list[str], new_sides: list[str]) -> list[str]:
    """The listed passages that are not on their side: old words among the old texts of
    what changed (in order), new words among the new texts."""
    missing = []
    for old, new in pair.changed:
        if old and not _found(old, old_sides):
            missing.append(f"old: {old[:70]}")
        if new and not _found(new, new_sides):
            missing.append(f"new: {new[:70]}")
    return missing


def redline_outcome(pair: Pair) -> Outcome:
    """Capture old then new with redline; read the verdict and the diff."""
    from redline.archive.capture import record_capture
    from redline.archive.compare import compare
    from redline.archive.core.errors import RedlineError
    from redline.archive.core.models import Capture
    from redline.archive.diff.blocks import body_blocks, new_text, old_text
    from redline.archive.diff.words import is_changed
    from redline.archive.ocfl.archive import Archive

    with tempfile.TemporaryDirectory() as tmp:
        archive = Archive.open(str(Path(tmp) / "archive"), create=True)
        try:
            for body, at in (
                (pair.old, pair.old_at),
                (pair.new, pair.old_at + timedelta(days=600)),
            ):
                capture = Capture(
                    requested_url=pair.url,
                    final_url=pair.url,
                    body=body,
                    fetched_at=at.astimezone(timezone.utc),
                    source="file",
                    file_path=f"{pair.name}.html",
                )
                result = record_capture(archive, capture)
        except RedlineError as exc:
            return Outcome(pair.name, pair.label, False, error=exc.message)
        if result.status != "changed":
            return Outcome(pair.name, pair.label, False)
        report = compare(archive, pair.url)
    sig = report.significance
    old_sides: list[str] = []
    new_sides: list[str] = []
    for block in body_blocks(report.diff):
        if block.op != "=" or is_changed(block.ops):
            old_sides.append(old_text(block.ops))
            new_sides.append(new_text(block.ops))
    for name, ops in report.diff.fields().items():
        if name != "body" and is_changed(ops):
            old_sides.append(old_text(ops))
            new_sides.append(new_text(ops))
    return Outcome(
        pair.name,
        pair.label,
        True,
        stealth=sig.stealth if sig is not None else False,
        severity=sig.severity if sig is not None else None,
        missing=check_passages(pair, old_sides, new_sides),
        reasons=tuple(sig.reasons) if sig is not None else (),
    )


def trafilatura_outcome(pair: Pair) -> Outcome:
    """Bare trafilatura: changed when the extracted text differs at all."""
    import trafilatura

    old = squash(trafilatura.extract(pair.old) or "")
    new = squash(trafilatura.extract(pair.new) or "")
    if not old and not new:
        return Outcome(pair.name, pair.label, False, error="no text extracted")
    if old == new:
        return Outcome(pair.name, pair.label, False)
    return Outcome(pair.name, pair.label, True, missing=check_passages(pair, [old], [new]))


@dataclass
class Tally:
    outcomes: list[Outcome] = field(default_factory=list)
    seconds: float = 0.0

    def of(self, label: str) -> list[Outcome]:
        return [o for o in self.outcomes if o.label == label]

    @property
    def templates_unchanged(self) -> int:
        return sum(o.right for o in self.of("template"))

    @property
    def edits_caught(self) -> int:
        return sum(o.right for o in self.of("edited"))

    @property
    def edits_changed(self) -> int:
        return sum(o.changed for o in self.of("edited"))

    @property
    def template_stealth(self) -> int:
        return sum(o.changed and o.stealth for o in self.of("template"))


def run(tool: str, pairs: list[Pair]) -> Tally:
    judge = redline_outcome if tool == "redline" else trafilatura_outcome
    tally = Tally()
    start = time.perf_counter()
    for pair in pairs:
        tally.outcomes.append(judge(pair))
    tally.seconds = time.perf_counter() - start
    return tally
