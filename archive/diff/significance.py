"""How much a new version of an article matters, and whether the page admitted it.

``assess(old, new, diff)`` grades the change from ``old`` to ``new``:

- **none**: the article's text did not change. A version whose only difference is its
  modified date (or nothing at all) is not an edit.
- **minor**: punctuation, capitalisation, typography (curly quotes, dashes, spacing),
  a figure written another way ("5%" → "five percent") or spelling (a word replaced
  by one at most two letters apart, four letters or longer, no digits); a changed
  canonical URL or language.
- **moderate**: rewording that keeps the facts, a sentence without a fact added or
  removed, a paragraph moved, the subtitle reworded.
- **major**: a changed headline or lede (first paragraph); a number changed, removed or
  added (figures compare by value: 10,000 → 12,000 is major, "12 million" →
  "12,000,000" is not a change); a date, time, name or quotation changed, removed or
  added; a negation or an attribution ("said", "according to", ...) added, removed or
  changed; a sentence holding one of these added or removed; a paragraph added or
  removed; a byline change; a correction or editor's note added, removed or changed;
  the published date changed.

Names are capitalised words that do not start a sentence (a heuristic, not checked in
headlines, which are often title case). The sentences of an edited paragraph are paired
first ("sentence removed: …" for one left over); facts are compared over the paired
sentences, so moving words within a sentence is rewording, not a removed and an added
fact.

A change is a **stealth** edit when it is moderate or major and the page did not admit
it: its modified date did not change (a missing date admits nothing) and no correction
or editor's note was added.

A headline or byline of the new version with a word that mixes lookalike alphabets
(``СNN rеports``, whose С and е are Cyrillic: see diff/scripts.py) is flagged: the
first reason names each such word and letter, and ``signals["mixed_scripts"]`` lists
them. It is a warning to the reader, not a grade: the severity, and so the stealth
verdict, are what the change itself makes them.
"""

from __future__ import annotations

from collections.abc import Iterable
from difflib import SequenceMatcher
from typing import Any

from redline.archive.core.models import Article
from redline.archive.core.times import read_iso
from redline.archive.diff.model import SEVERITIES, ArticleDiff, Ops, Severity, Significance
from redline.archive.diff.scripts import mixed_script_reason, mixed_words
from redline.archive.diff.textchange import (
    MAJOR,
    MINOR,
    MODERATE,
    NONE,
    Reason,
    compare_text,
    snippet,
)
from redline.archive.diff.textfacts import plain, typographic, words
from redline.archive.diff.words import diff_words, is_changed

_EDITORS_NOTE = ("editor's note", "editors note", "editors' note", "note from the editor")


def rank(severity: Severity) -> int:
    """The position of ``severity`` in ``SEVERITIES`` (none 0 ... major 3)."""
    return SEVERITIES.index(severity)


def assess(old: Article, new: Article, diff: ArticleDiff) -> Significance:
    """Grade the change from ``old`` to ``new`` (``diff`` is their ``diff_articles``)."""
    reasons: list[Reason] = []
    reasons += _headline(diff.title)
    reasons += _byline(old.byline, new.byline)
    if is_changed(diff.subtitle):
        found = compare_text(old.subtitle or "", new.subtitle or "", diff.subtitle)
        if max((s for s, _ in found), default=NONE) >= MODERATE:
            reasons.append((MODERATE, "subtitle changed"))
        reasons += found
    reasons += _body(old, new, diff)
    added_corrections, added_notes, correction_reasons = _corrections(old, new)
    reasons += correction_reasons
    if old.published != new.published:
        reasons.append((MAJOR, f"published date changed: {old.published} → {new.published}"))
    if old.canonical_url != new.canonical_url:
        reasons.append((MINOR, "canonical URL changed"))
    if old.language != new.language:
        reasons.append((MINOR, f"language changed: {old.language} → {new.language}"))

    modified_changed: bool | None
    if old.modified is None and new.modified is None:
        modified_changed = None
    else:
        modified_changed = new.modified is not None and new.modified != old.modified
    severity = max((s for s, _ in reasons), default=NONE)
    ordered = _ordered(reasons)
    if severity == NONE and modified_changed:
        ordered = ("only the modified date changed",)
    signals: dict[str, Any] = {
        "modified_changed": modified_changed,
        "modified": {"old": old.modified, "new": new.modified},
        "correction_added": added_corrections,
        "editors_note_added": added_notes,
        # Extraction reads the modified date (JSON-LD dateModified, article:modified_time,
        # a <time> marked as updated) but keeps no visible "Updated" label of its own.
        "updated_label": None,
    }
    mixed = mixed_words("headline", new.title) + mixed_words("byline", new.byline)
    signals["mixed_scripts"] = [word.to_dict() for word in mixed]
    warning = mixed_script_reason(mixed)
    if warning is not None:
        ordered = (warning, *ordered)
    # A page admits an edit by moving its modified date on, not back (a revert that
    # also restores the old date, a correction taken down with it, admits nothing).
    admitted = _modified_moved_on(old.modified, new.modified) or added_corrections or added_notes
    return Significance(
        severity=SEVERITIES[severity],
        reasons=ordered,
        stealth=severity >= MODERATE and not admitted,
        signals=signals,
    )


def _modified_moved_on(old: str | None, new: str | None) -> bool:
    """Whether the modified date changed to a later one (or appeared); a date that
    cannot be read counts when it changed at all."""
    if new is None or new == old:
        return False
    if old is None:
        return True
    before, after = read_iso(old), read_iso(new)
    if before is None or after is None:
        return True
    return after > before


def first_capture() -> Significance:
    """The verdict for an article's first version: nothing to compare with."""
    return Significance(severity="none", reasons=("first capture",))


def _ordered(reasons: Iterable[Reason]) -> tuple[str, ...]:
    """Reason texts, most severe first, each once, otherwise in the order found."""
    unique = dict.fromkeys(reasons)
    return tuple(dict.fromkeys(t for _, t in sorted(unique, key=lambda r: -r[0])))


# -- fields ------------------------------------------------------------------------------


def _headline(ops: Ops) -> list[Reason]:
    if not is_changed(ops):
        return []
    old = "".join(t for o, t in ops if o != "+")
    new = "".join(t for o, t in ops if o != "-")
    found = compare_text(old, new, ops, with_names=False)
    if max((s for s, _ in found), default=NONE) >= MODERATE:
        return [(MAJOR, "headline changed"), *found]
    return found


def _byline(old: str | None, new: str | None) -> list[Reason]:
    if old == new:
        return []
    if old and new and plain(old) == plain(new):
        return [(MINOR, "byline punctuation or capitalisation changed")]
    return [(MAJOR, f"byline changed: {old or '(none)'} → {new or '(none)'}")]


def _is_note(text: str) -> bool:
    lower = typographic(text).lower()
    return any(lower.startswith(n) for n in _EDITORS_NOTE)


def _corrections(old: Article, new: Article) -> tuple[bool, bool, list[Reason]]:
    """(a correction was added, an editor's note was added, reasons)."""
    removed = [c for c in old.corrections if c not in new.corrections]
    added = [c for c in new.corrections if c not in old.corrections]
    reasons: list[Reason] = []
    added_correction = added_note = False
    for i in range(max(len(removed), len(added))):
        gone = removed[i] if i < len(removed) else None
        came = added[i] if i < len(added) else None
        text = came if came is not None else gone
        kind = "editor's note" if text is not None and _is_note(text) else "correction"
        if gone is not None and came is not None:
            reasons.append((MAJOR, f"{kind} changed"))
        elif came is not None:
            reasons.append((MAJOR, f"{kind} added"))
        else:
            reasons.append((MAJOR, f"{kind} removed"))
        if came is not None:
            if kind == "correction":
                added_correction = True
            else:
                added_note = True
    return added_correction, added_note, reasons


# -- the body ------------------------------------------------------------------------------


def paragraph_ops(
    old: Article, new: Article, diff: ArticleDiff
) -> list[tuple[str, int | None, int | None, Ops]]:
    """The body paragraph by paragraph as ``(op, old index, new index, word ops)``.

    Uses ``diff.paragraphs`` when it is there; otherwise aligns the paragraphs here:
    equal runs, then changed paragraphs paired with the most similar one, then a
    paragraph removed in one place and added unchanged in another counts as moved.
    """
    if diff.paragraphs:
        return [(p.op, p.old, p.new, p.ops) for p in diff.paragraphs]
    a, b = old.paragraphs, new.paragraphs
    out: list[tuple[str, int | None, int | None, Ops]] = []
    matcher = SequenceMatcher(None, a, b, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            continue
        olds, news = list(range(i1, i2)), list(range(j1, j2))
        for i in list(olds):
            best, best_ratio = None, 0.5
            for j in news:
                ratio = SequenceMatcher(None, words(a[i]), words(b[j]), autojunk=False).ratio()
                if ratio > best_ratio:
                    best, best_ratio = j, ratio
            if best is not None:
                news.remove(best)
                olds.remove(i)
                out.append(("~", i, best, tuple(diff_words(a[i], b[best]))))
        out += [("-", i, None, ()) for i in olds]
        out += [("+", None, j, ()) for j in news]
    removed = {a[i]: i for op, i, _, _ in out if op == "-" and i is not None}
    moved = {
        j: removed.pop(b[j])
        for op, _, j, _ in out
        if op == "+" and j is not None and b[j] in removed
    }
    rest = [
        p
        for p in out
        if not (p[0] == "-" and p[1] in moved.values()) and not (p[0] == "+" and p[2] in moved)
    ]
    rest += [(">", i, j, ((("=", b[j]),))) for j, i in moved.items()]
    return rest


def _body(old: Article, new: Article, diff: ArticleDiff) -> list[Reason]:
    a, b = old.paragraphs, new.paragraphs
    reasons: list[Reason] = []
    for op, i, j, ops in paragraph_ops(old, new, diff):
        before = a[i] if i is not None and i < len(a) else None
        after = b[j] if j is not None and j < len(b) else None
        if (before is not None and before in old.corrections) or (
            after is not None and after in new.corrections
        ):
            continue  # corrections are judged on their own
        lede = i == 0 or j == 0
        if op == "+" and after is not None:
            reasons.append((MAJOR, f"paragraph added: {snippet(after)}"))
            if j == 0:
                reasons.append((MAJOR, "lede changed"))
        elif op == "-" and before is not None:
            reasons.append((MAJOR, f"paragraph removed: {snippet(before)}"))
            if i == 0:
                reasons.append((MAJOR, "lede changed"))
        elif op in "~>" and before is not None and after is not None:
            if op == ">":
                reasons.append((MODERATE, f"paragraph moved: {snippet(after)}"))
            if before == after:
                continue
            found = compare_text(before, after, ops or tuple(diff_words(before, after)))
            if lede and max((s for s, _ in found), default=NONE) >= MODERATE:
                reasons.append((MAJOR, "lede changed"))
            reasons += found
    return reasons
