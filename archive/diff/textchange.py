"""Grading the change from one text to another: a paragraph, a headline, a subtitle.

Facts (numbers, dates, names, quotes, negations, attributions: see ``textfacts``) are
compared over the whole text, so words moved within a sentence are not a removed and
an added fact. When no fact changed, each changed stretch of the word diff is graded on
its own: minor when only punctuation, case, typography or spelling differ, moderate
otherwise.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterator

from redline.archive.diff.model import Ops
from redline.archive.diff.textfacts import (
    Fact,
    attributions,
    is_respelling,
    names,
    negations,
    numbers_and_dates,
    plain,
    quotes,
    typographic,
    words,
)
from redline.archive.diff.words import diff_words

NONE, MINOR, MODERATE, MAJOR = range(4)

#: (severity rank, human-readable reason)
Reason = tuple[int, str]

SNIPPET = 60


def snippet(text: str) -> str:
    """``text`` cut to about SNIPPET characters, for a reason."""
    return text if len(text) <= SNIPPET else text[: SNIPPET - 1].rstrip() + "…"


def compare_text(old: str, new: str, ops: Ops, *, with_names: bool = True) -> list[Reason]:
    """Reasons for the change from ``old`` to ``new`` (``ops`` their word diff).

    Facts (numbers, dates, names, quotes, negations, attributions) are compared over
    the whole text; when none changed, each changed stretch is graded on its own.
    """
    reasons = list(_facts(old, new, with_names))
    if reasons:
        return reasons
    for before, after in _regions(ops):
        reasons.append(_grade_region(before, after))
    return reasons


def _regions(ops: Ops) -> Iterator[tuple[str, str]]:
    """(deleted text, inserted text) of each run of changes between equal stretches."""
    before: list[str] = []
    after: list[str] = []
    for op, text in (*ops, ("=", "")):
        if op == "-":
            before.append(text)
        elif op == "+":
            after.append(text)
        elif before or after:
            yield "".join(before), "".join(after)
            before, after = [], []


def _grade_region(before: str, after: str) -> Reason:
    if plain(before) == plain(after):
        if typographic(before) == typographic(after):
            return MINOR, "typography changed"
        if typographic(before).lower() == typographic(after).lower():
            return MINOR, "capitalisation changed"
        return MINOR, "punctuation changed"
    if _figures_as_values(before) == _figures_as_values(after):
        return MINOR, "number style changed"
    old_words, new_words = words(before), words(after)
    if len(old_words) == len(new_words):
        pairs = [(o, n) for o, n in zip(old_words, new_words, strict=True) if plain(o) != plain(n)]
        if pairs and all(is_respelling(o, n) for o, n in pairs):
            return MINOR, "spelling: " + ", ".join(f"{o} → {n}" for o, n in pairs)
    return MODERATE, "wording changed"


def _figures_as_values(text: str) -> str:
    """``plain(text)`` with each figure written as its value and no percent words:
    "five percent" and "5%" both give "5"."""
    numbers, _ = numbers_and_dates(text)
    for fact in numbers:
        text = text.replace(fact.text, f" {fact.key.rstrip('%')} ", 1)
    return " ".join(re.sub(r"\b(?:percent|per cent)\b", " ", plain(text)).split())


def _facts(old: str, new: str, with_names: bool) -> Iterator[Reason]:
    old_numbers, old_dates = numbers_and_dates(old)
    new_numbers, new_dates = numbers_and_dates(new)
    yield from _fact_changes("number", old_numbers, new_numbers)
    yield from _fact_changes("date", old_dates, new_dates)
    if with_names:
        yield from _name_changes(old, new)
    yield from _counter_changes("negation", negations(old), negations(new))
    yield from _counter_changes("attribution", attributions(old), attributions(new))
    yield from _quote_changes(quotes(old), quotes(new))


def _pairs(kind: str, gone: list[str], came: list[str]) -> Iterator[Reason]:
    for k in range(max(len(gone), len(came))):
        if k < len(gone) and k < len(came):
            yield MAJOR, f"{kind} changed: {gone[k]} → {came[k]}"
        elif k < len(gone):
            yield MAJOR, f"{kind} removed: {gone[k]}"
        else:
            yield MAJOR, f"{kind} added: {came[k]}"


def _fact_changes(kind: str, old: list[Fact], new: list[Fact]) -> Iterator[Reason]:
    left = Counter(f.key for f in new)
    gone = []
    for fact in old:
        if left[fact.key]:
            left[fact.key] -= 1
        else:
            gone.append(fact.text)
    left = Counter(f.key for f in old)
    came = []
    for fact in new:
        if left[fact.key]:
            left[fact.key] -= 1
        else:
            came.append(fact.text)
    yield from _pairs(kind, gone, came)


def _name_changes(old: str, new: str) -> Iterator[Reason]:
    old_words = {w.lower() for w in words(old)}
    new_words = {w.lower() for w in words(new)}
    gone = list(dict.fromkeys(n for n in names(old) if n.lower() not in new_words))
    came = list(dict.fromkeys(n for n in names(new) if n.lower() not in old_words))
    yield from _pairs("name", gone, came)


def _counter_changes(kind: str, old: Counter[str], new: Counter[str]) -> Iterator[Reason]:
    yield from _pairs(kind, list((old - new).elements()), list((new - old).elements()))


def _quote_changes(old: list[str], new: list[str]) -> Iterator[Reason]:
    new_plain = Counter(plain(q) for q in new)
    old_plain = Counter(plain(q) for q in old)
    gone = [q for q in old if not _take(new_plain, plain(q))]
    came = [q for q in new if not _take(old_plain, plain(q))]
    for k in range(max(len(gone), len(came))):
        if k < len(gone) and k < len(came):
            grade = [_grade_region(b, a) for b, a in _regions(tuple(diff_words(gone[k], came[k])))]
            if any(s >= MODERATE for s, _ in grade):
                yield MAJOR, "quote changed"
        elif k < len(gone):
            yield MAJOR, f"quote removed: “{snippet(gone[k])}”"
        else:
            yield MAJOR, f"quote added: “{snippet(came[k])}”"


def _take(counter: Counter[str], key: str) -> bool:
    if counter[key]:
        counter[key] -= 1
        return True
    return False
