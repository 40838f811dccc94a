"""Grading the change from one text to another: a paragraph, a headline, a subtitle.

Facts (numbers, dates, names, quotes, negations, attributions: see ``textfacts``) are
compared over the whole text, so words moved within a sentence are not a removed and
an added fact. When no fact changed, each changed stretch of the word diff is graded on
its own: minor when only punctuation, case, typography or spelling differ, moderate
otherwise.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
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
    sentences,
    typographic,
    words,
)
from redline.archive.diff.words import diff_words

NONE, MINOR, MODERATE, MAJOR = range(4)

#: (severity rank, human-readable reason)
Reason = tuple[int, str]

SNIPPET = 60
#: Each side of a changed quotation is cut to about this many characters.
QUOTE_SNIPPET = 40


def snippet(text: str, limit: int = SNIPPET) -> str:
    """``text`` cut to about ``limit`` characters, after a word, for a reason."""
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    cut = text[: limit - 1]
    space = cut.rfind(" ")
    if space >= limit * 2 // 3:
        cut = cut[:space]
    return cut.rstrip() + "…"


def compare_text(old: str, new: str, ops: Ops, *, with_names: bool = True) -> list[Reason]:
    """Reasons for the change from ``old`` to ``new`` (``ops`` their word diff).

    The sentences of the two texts are paired first: a sentence with no counterpart was
    removed or added ("sentence removed: …"), major when it holds a fact, moderate
    otherwise. Facts (numbers, dates, names, quotes, negations, attributions) are then
    compared over the paired sentences; when none changed, each changed stretch is
    graded on its own.
    """
    pairs, removed, added = align_sentences(sentences(old), sentences(new))
    reasons: list[Reason] = [
        (_sentence_grade(text, with_names), f"sentence removed: {snippet(text)}")
        for text in removed
    ]
    reasons += [
        (_sentence_grade(text, with_names), f"sentence added: {snippet(text)}") for text in added
    ]
    kept_old = " ".join(o for o, _ in pairs)
    kept_new = " ".join(n for _, n in pairs)
    facts = list(_facts(kept_old, kept_new, with_names))
    if facts or removed or added:
        reasons += facts
        if not facts:
            for before, after in pairs:
                if before != after:
                    reasons += [
                        _grade_region(b, a) for b, a in _regions(tuple(diff_words(before, after)))
                    ]
        return reasons
    return [_grade_region(before, after) for before, after in _regions(ops)]


def _sentence_grade(text: str, with_names: bool) -> int:
    """Major for a sentence that holds a fact, moderate for one that does not."""
    numbers, dates = numbers_and_dates(text)
    holds_fact = (
        numbers
        or dates
        or (with_names and names(text))
        or quotes(text)
        or negations(text)
        or attributions(text)
    )
    return MAJOR if holds_fact else MODERATE


#: Two sentences pair when the Dice coefficient of their word sets is at least this...
_SENTENCE_SIMILARITY = 0.5
#: ... or when this share of the shorter one's words (four or more) is in the other.
_SENTENCE_CONTAINED = 0.75
#: Beyond this many candidate pairs, a sentence is only compared with those within
#: _WINDOW places of its own place (relative to the lengths of the texts).
_ALL_PAIRS = 2_500
_WINDOW = 25


def align_sentences(
    old: list[str], new: list[str]
) -> tuple[list[tuple[str, str]], list[str], list[str]]:
    """Pair the sentences of two versions of a text.

    Identical sentences pair first, then similar ones (most similar first); when each
    text is one sentence the two always pair. Returns (the pairs in the old order, the
    old sentences left over, the new ones left over).
    """
    pair_of_old: dict[int, int] = {}
    free_new = list(range(len(new)))
    by_text: dict[str, list[int]] = {}
    for j in reversed(free_new):
        by_text.setdefault(new[j], []).append(j)
    for i, text in enumerate(old):
        stack = by_text.get(text)
        if stack:
            pair_of_old[i] = stack.pop()
    taken = set(pair_of_old.values())
    free_old = [i for i in range(len(old)) if i not in pair_of_old]
    free_new = [j for j in free_new if j not in taken]
    if len(old) == len(new) == 1 and free_old:
        pair_of_old[0] = 0
    elif free_old and free_new:
        old_words = {i: {w.lower() for w in words(old[i])} for i in free_old}
        new_words = {j: {w.lower() for w in words(new[j])} for j in free_new}
        scored: list[tuple[float, int, int, int]] = []
        near = len(free_old) * len(free_new) > _ALL_PAIRS
        for i in free_old:
            candidates = free_new
            if near:
                at = i * len(new) // len(old)
                lo, hi = bisect_left(free_new, at - _WINDOW), bisect_right(free_new, at + _WINDOW)
                candidates = free_new[lo:hi]
            for j in candidates:
                a, b = old_words[i], new_words[j]
                if not a or not b:
                    continue
                shared = len(a & b)
                dice = 2 * shared / (len(a) + len(b))
                smaller = min(len(a), len(b))
                if dice >= _SENTENCE_SIMILARITY or (
                    smaller >= 4 and shared / smaller >= _SENTENCE_CONTAINED
                ):
                    scored.append((-dice, abs(i - j), i, j))
        scored.sort()
        for _, _, i, j in scored:
            if i not in pair_of_old and j not in taken:
                pair_of_old[i] = j
                taken.add(j)
    pairs = [(old[i], new[pair_of_old[i]]) for i in sorted(pair_of_old)]
    removed = [old[i] for i in range(len(old)) if i not in pair_of_old]
    paired_new = set(pair_of_old.values())
    added = [new[j] for j in range(len(new)) if j not in paired_new]
    return pairs, removed, added


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
    yield from _quote_changes(quotes(old), quotes(new))
    yield from _counter_changes("negation", negations(old), negations(new))
    yield from _counter_changes("attribution", attributions(old), attributions(new))


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


_POSSESSIVE = re.compile(r"['\u2019]s$")


def _word_keys(text: str) -> set[str]:
    """The words of ``text`` as a name is compared: lower-case, without a possessive
    "'s" (either apostrophe), so "Trump's" still holds the name Trump."""
    return {_POSSESSIVE.sub("", w.lower()) for w in words(text)}


def _name_changes(old: str, new: str) -> Iterator[Reason]:
    old_words, new_words = _word_keys(old), _word_keys(new)
    gone = list(dict.fromkeys(n for n in names(old) if n.lower() not in new_words))
    came = list(dict.fromkeys(n for n in names(new) if n.lower() not in old_words))
    # A name on both sides is no change ("Span" at a sentence start on one side only).
    both = {n.lower() for n in gone} & {n.lower() for n in came}
    gone = [n for n in gone if n.lower() not in both]
    came = [n for n in came if n.lower() not in both]
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
                was, now = snippet(gone[k], QUOTE_SNIPPET), snippet(came[k], QUOTE_SNIPPET)
                yield MAJOR, f"quote changed: “{was}” → “{now}”"
        elif k < len(gone):
            yield MAJOR, f"quote removed: “{snippet(gone[k])}”"
        else:
            yield MAJOR, f"quote added: “{snippet(came[k])}”"


def _take(counter: Counter[str], key: str) -> bool:
    if counter[key]:
        counter[key] -= 1
        return True
    return False
