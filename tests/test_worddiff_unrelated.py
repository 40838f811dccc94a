"""Two unrelated texts (another article, a page whose template changed) diff quickly,
and exactly as diff-match-patch's semantic cleanup would."""

from __future__ import annotations

import random
import time

from redline.archive.diff.words import diff_words, new_text, old_text
from tests.support import worddiff_reference as reference


def _text(rng: random.Random, vocabulary: list[str], words: int) -> str:
    return " ".join(rng.choice(vocabulary) for _ in range(words))


def test_unrelated_texts_clean_up_as_the_reference_does() -> None:
    # Many small equalities between edits: each one the cleanup folds in used to make it
    # rescan from the start.
    rng = random.Random(11)
    for _ in range(60):
        vocabulary = [f"w{i}" for i in range(rng.choice([3, 8, 30]))] + [",", ".", "the"]
        old = _text(rng, vocabulary, rng.randint(0, 120))
        new = _text(rng, vocabulary, rng.randint(0, 120))
        assert diff_words(old, new) == reference.diff_words(old, new)


def test_two_unrelated_articles_diff_in_well_under_a_second_each() -> None:
    rng = random.Random(12)
    english = "the a of to in and said that was for on with as it at by from city".split()
    czech = "a se na je v že to s do o z pro by jako ale jsou tým který při".split()
    old = ". ".join(_text(rng, english, 40) for _ in range(60))
    new = ". ".join(_text(rng, czech + english[:4], 40) for _ in range(25))
    started = time.perf_counter()
    ops = diff_words(old, new)
    elapsed = time.perf_counter() - started
    assert old_text(ops) == old and new_text(ops) == new
    # It took over four seconds: a two-second budget for the diff, and a cleanup that
    # was quadratic in the number of edits.
    assert elapsed < 2.0, elapsed
