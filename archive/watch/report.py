"""What watch runs found: the ``Report`` model every report format renders.

A report is one run's log, or the logs of every run that started at or after a time,
merged: the runs, the counts added up, and one list per kind of notable event, newest
first. An event that happened in several runs is listed once for each. Beside the log,
each entry may carry the article's headline and, for a changed one, a short excerpt of
its word diff (``excerpt``). Building a report from an archive is
``redline.archive.report``; every output format renders a ``Report`` and none of them
reads the archive.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from redline.archive.core.models import Article
from redline.archive.core.wording import plural
from redline.archive.diff.blocks import PARAGRAPH_BREAK, body_blocks
from redline.archive.diff.model import ParagraphOp, diff_articles
from redline.archive.diff.words import EQUAL, DiffOp, is_changed
from redline.archive.watch.events import CHECKED, EVENTS

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
#: The list each event kind goes to.
SECTION_OF = {event: section for section, event in SECTIONS.items()}


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


def title(report: Report) -> str:
    """What the report covers, for its heading: one run, or the runs of a period."""
    if report.since is None and len(report.runs) == 1:
        return f"watch run {report.runs[0].run}"
    return f"{plural(len(report.runs), 'watch run')} since {report.since}"


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
        f"Checked {plural(report.checked, 'article')}: {c['changed']:,} changed, "
        f"{c['new']:,} new, {unchanged:,} unchanged, {c['gone']:,} gone, "
        f"{c['redirected']:,} redirected, {c['blocked']:,} blocked, {c['suspect']:,} suspect, "
        f"{plural(c['error'], 'error')}."
    )
    if c["skipped"]:
        text += f" {c['skipped']:,} skipped."
    return text


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
