"""Paragraph alignment of an article body: kept, edited, moved, added, removed.

Old and new paragraphs are paired in three steps:

1. Identical paragraphs pair up (by their text, first unused one first).
2. The paragraphs left over pair by similarity: the Jaccard index of their sets of
   words, at least ``SIMILARITY`` (0.5). Candidates come from an index of the words
   that few paragraphs share; the best-scoring pairs are taken first, nearer ones
   first among equals.
3. The longest chain of pairs in the same order in both versions stays in place:
   ``"="`` when identical, ``"~"`` when edited. Every other pair moved (``">"``).

Paragraphs without a pair were added (``"+"``) or removed (``"-"``). The operations
come in the new version's order; a removed paragraph is listed right after the
in-place paragraph that preceded it in the old version (first when none did).

Every operation carries the word diff of its paragraph (``diff_words`` of the old and
new paragraph text), so the old paragraphs can be rebuilt from the ``"="``, ``"~"``,
``">"`` and ``"-"`` operations and the new ones from ``"="``, ``"~"``, ``">"`` and
``"+"``.

The whole body is tokenised once: ``diff_body`` gives the flat word diff of the
paragraphs joined by blank lines (the same as ``diff_words`` of the joined texts) and
the paragraph operations from one set of tokens.
"""

from __future__ import annotations

from bisect import bisect_left
from collections import Counter
from collections.abc import Sequence

from redline.archive.diff.chain import longest_increasing
from redline.archive.diff.model import ParagraphOp
from redline.archive.diff.words import (
    DELETE,
    EQUAL,
    INSERT,
    Codec,
    DiffOp,
    Op,
    diff_codes,
    tokenize,
)

#: Minimum Jaccard index of the word sets of two paragraphs to pair them.
SIMILARITY = 0.5
#: Words found in more unpaired paragraphs than this do not propose candidates.
_COMMON_WORD = 32
#: Candidates scored per paragraph.
_CANDIDATES = 8
#: Below this many unpaired old paragraphs, every pair is scored.
_ALL_PAIRS = 48

BREAK = "\n\n"


def diff_paragraphs(old: Sequence[str], new: Sequence[str]) -> list[ParagraphOp]:
    """The aligned paragraphs of two bodies, in the new version's order."""
    return diff_body(old, new)[1]


def diff_body(old: Sequence[str], new: Sequence[str]) -> tuple[list[DiffOp], list[ParagraphOp]]:
    """The flat word diff of the joined paragraphs and the aligned paragraph operations.

    The flat diff is ``diff_words(BREAK.join(old), BREAK.join(new))``.
    """
    old_tokens = [tokenize(p) for p in old]
    new_tokens = [tokenize(p) for p in new]
    old_flat = _join(old_tokens)
    new_flat = _join(new_tokens)
    codec = Codec(old_flat, new_flat)
    old_codes = _paragraph_codes(codec, old_tokens)
    new_codes = _paragraph_codes(codec, new_tokens)
    if _joins_cleanly(old) and _joins_cleanly(new):
        flat = diff_codes(codec, codec.old, codec.new)
    else:
        # A paragraph that starts or ends with whitespace merges with the break.
        flat_codec = Codec(tokenize(BREAK.join(old)), tokenize(BREAK.join(new)))
        flat = diff_codes(flat_codec, flat_codec.old, flat_codec.new)
    return flat, align(codec, old_codes, new_codes)


def _join(tokens: list[list[str]]) -> list[str]:
    out: list[str] = []
    for index, paragraph in enumerate(tokens):
        if index:
            out.append(BREAK)
        out.extend(paragraph)
    return out


def _joins_cleanly(texts: Sequence[str]) -> bool:
    """True when tokenising the joined text gives the paragraphs' tokens and breaks."""
    return all(text and not text[0].isspace() and not text[-1].isspace() for text in texts)


def _paragraph_codes(codec: Codec, tokens: list[list[str]]) -> list[str]:
    return [codec.encode(paragraph) for paragraph in tokens]


# -- alignment -----------------------------------------------------------------------------


def align(codec: Codec, old: Sequence[str], new: Sequence[str]) -> list[ParagraphOp]:
    """Align paragraphs given as code strings of ``codec``; see the module docstring."""
    pair_of_new: dict[int, int] = {}
    exact: set[int] = set()
    by_text: dict[str, list[int]] = {}
    for i in range(len(old) - 1, -1, -1):
        by_text.setdefault(old[i], []).append(i)
    for j, codes in enumerate(new):
        stack = by_text.get(codes)
        if stack:
            pair_of_new[j] = stack.pop()
            exact.add(j)
    paired_old = set(pair_of_new.values())
    free_old = [i for i in range(len(old)) if i not in paired_old]
    free_new = [j for j in range(len(new)) if j not in pair_of_new]
    cache: dict[str, bool] = {}
    if free_old and free_new:
        pair_of_new.update(_pair_similar(codec, old, new, free_old, free_new, cache))

    matched = sorted(pair_of_new.items())
    in_place = _longest_chain(matched)
    if len(matched) < min(len(old), len(new)):
        extra = _pair_in_gaps(codec, old, new, pair_of_new, in_place, cache)
        if extra:
            pair_of_new.update(extra)
            in_place |= set(extra)
            matched = sorted(pair_of_new.items())
    old_kept = sorted(i for j, i in matched if j in in_place)
    # Removed paragraphs, keyed by the new index of the in-place paragraph before them.
    paired_old = set(pair_of_new.values())
    removed_after: dict[int, list[int]] = {}
    new_of_old = {i: j for j, i in pair_of_new.items()}
    for i in range(len(old)):
        if i in paired_old:
            continue
        k = bisect_left(old_kept, i) - 1
        anchor = new_of_old[old_kept[k]] if k >= 0 else -1
        removed_after.setdefault(anchor, []).append(i)

    ops: list[ParagraphOp] = []

    def removed(anchor: int) -> None:
        for gone in removed_after.get(anchor, ()):
            ops.append(ParagraphOp("-", gone, None, _whole(codec, DELETE, old[gone])))

    removed(-1)
    for j, codes in enumerate(new):
        was = pair_of_new.get(j)
        if was is None:
            ops.append(ParagraphOp("+", None, j, _whole(codec, INSERT, codes)))
            continue
        if j in exact:
            word_ops: tuple[DiffOp, ...] = _whole(codec, EQUAL, codes)
        else:
            word_ops = tuple(diff_codes(codec, old[was], codes))
        if j in in_place:
            ops.append(ParagraphOp("=" if j in exact else "~", was, j, word_ops))
            removed(j)
        else:
            ops.append(ParagraphOp(">", was, j, word_ops))
    return ops


def _whole(codec: Codec, op: Op, codes: str) -> tuple[DiffOp, ...]:
    return ((op, codec.decode(codes)),) if codes else ()


def _word_set(codec: Codec, codes: str, cache: dict[str, bool]) -> frozenset[str]:
    """The codes of the words (not spaces or punctuation) in a paragraph."""
    words = set()
    for code in set(codes):
        is_word = cache.get(code)
        if is_word is None:
            token = codec.token(code)
            is_word = cache[code] = token[0].isalnum() or len(token) > 1 and not token.isspace()
        if is_word:
            words.add(code)
    return frozenset(words)


def _pair_similar(
    codec: Codec,
    old: Sequence[str],
    new: Sequence[str],
    free_old: list[int],
    free_new: list[int],
    cache: dict[str, bool],
) -> dict[int, int]:
    """Pairs (new index -> old index) of unpaired paragraphs with similar words."""
    old_words = {i: _word_set(codec, old[i], cache) for i in free_old}
    new_words = {j: _word_set(codec, new[j], cache) for j in free_new}
    index: dict[str, list[int]] = {}
    for i in free_old:
        for code in old_words[i]:
            index.setdefault(code, []).append(i)
    every = len(free_old) <= _ALL_PAIRS
    scored: list[tuple[float, int, int, int]] = []
    for j in free_new:
        words = new_words[j]
        if not words:
            continue
        if every:
            candidates = free_old
        else:
            counts: Counter[int] = Counter()
            for code in words:
                postings = index.get(code)
                if postings and len(postings) <= _COMMON_WORD:
                    counts.update(postings)
            candidates = [i for i, _ in counts.most_common(_CANDIDATES)]
        for i in candidates:
            theirs = old_words[i]
            if not theirs:
                continue
            shared = len(words & theirs)
            score = shared / (len(words) + len(theirs) - shared)
            if score >= SIMILARITY:
                # Best score first; among equals the pair nearest in relative position.
                distance = abs(i * len(new) - j * len(old))
                scored.append((-score, distance, j, i))
    scored.sort()
    pairs: dict[int, int] = {}
    taken: set[int] = set()
    for _, _, j, i in scored:
        if j not in pairs and i not in taken:
            pairs[j] = i
            taken.add(i)
    return pairs


def _pair_in_gaps(
    codec: Codec,
    old: Sequence[str],
    new: Sequence[str],
    pair_of_new: dict[int, int],
    in_place: set[int],
    cache: dict[str, bool],
) -> dict[int, int]:
    """Pairs of unpaired paragraphs between the same two in-place paragraphs.

    Such a pair only needs half the words of the shorter paragraph to be in the other
    (e.g. a sentence was cut from a paragraph), and pairs never cross.
    """
    paired_old = set(pair_of_new.values())
    anchors = sorted((j, pair_of_new[j]) for j in in_place)
    bounds = [(-1, -1), *anchors, (len(new), len(old))]
    pairs: dict[int, int] = {}
    for (j0, i0), (j1, i1) in zip(bounds, bounds[1:], strict=False):
        olds = [i for i in range(i0 + 1, i1) if i not in paired_old]
        news = [j for j in range(j0 + 1, j1) if j not in pair_of_new]
        if not olds or not news or len(olds) * len(news) > _ALL_PAIRS * _ALL_PAIRS:
            continue
        old_words = {i: _word_set(codec, old[i], cache) for i in olds}
        scored: list[tuple[float, int, int]] = []
        for j in news:
            words = _word_set(codec, new[j], cache)
            for i in olds:
                theirs = old_words[i]
                smaller = min(len(words), len(theirs))
                if smaller:
                    score = len(words & theirs) / smaller
                    if score >= SIMILARITY:
                        scored.append((-score, j, i))
        scored.sort()
        chosen: list[tuple[int, int]] = []
        for _, j, i in scored:
            if all((j - j2) * (i - i2) > 0 for j2, i2 in chosen):
                chosen.append((j, i))
        pairs.update(chosen)
    return pairs


def _longest_chain(matched: list[tuple[int, int]]) -> set[int]:
    """New indexes of the longest run of pairs increasing in both versions.

    ``matched`` is (new index, old index) pairs sorted by new index.
    """
    return {matched[n][0] for n in longest_increasing([i for _, i in matched])}
