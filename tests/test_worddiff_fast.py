"""The faster word diff gives exactly what the plain one gave.

Its parts are checked one by one against the pure-Python reference: the quick
tokenizer against the full expression, the C++ diff-match-patch against the Python one
on the same code strings, and the whole ``diff_words`` against the copy of the module
as it was before (``tests/support/worddiff_reference.py``).
"""

from __future__ import annotations

import importlib.util
import random
from pathlib import Path
from types import ModuleType

import pytest
from diff_match_patch import diff_match_patch

from redline.archive.diff import words as worddiff
from redline.archive.diff.words import diff_words, tokenize
from tests.support import worddiff_reference as reference

# Characters around every special case of the tokenizer: marks, space-less scripts,
# joiners, skin tones, flags, apostrophes, hyphens, number separators, whitespace.
PIECES = list("ab Z9_.,:'’-‐‑—\n\t\u00a0é") + [
    "1,200",
    "10:30",
    "12.5",
    "\u0301",
    "\u093f",
    "日本",
    "กข",
    "\u200d",
    "\u200c",
    "👍",
    "🏽",
    "🇫🇷",
    "\U0001f1e6",
    "ﬁ",
    "Ω",
    "  ",
    "\n\n",
    "word",
    "don't",
    "x-ray",
]


def random_text(rng: random.Random, length: int, pieces: list[str] = PIECES) -> str:
    return "".join(rng.choice(pieces) for _ in range(length))


def load_benchmark() -> ModuleType:
    path = Path(__file__).resolve().parents[1] / "benchmarks" / "diff.py"
    spec = importlib.util.spec_from_file_location("redline_diff_benchmark_fast", path)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_tokenizer_matches_the_full_expression() -> None:
    rng = random.Random(11)
    plain = [p for p in PIECES if not worddiff._SPECIAL_RE.search(p)]
    for _ in range(3000):
        for text in (random_text(rng, rng.randrange(60)), random_text(rng, 60, plain)):
            assert tokenize(text) == worddiff._TOKEN_RE.findall(text)
            assert tokenize(text) == reference.tokenize(text)


def test_fast_exact_diff_matches_python_diff_match_patch() -> None:
    if worddiff._fast_diff is None:
        pytest.skip("fast-diff-match-patch is not installed")
    rng = random.Random(12)
    dmp = diff_match_patch()
    dmp.Diff_Timeout = 0
    for _ in range(3000):
        alphabet = "abcdef\ue000\U000f0000"[: rng.randrange(2, 9)]
        a = "".join(rng.choice(alphabet) for _ in range(rng.randrange(80)))
        if rng.random() < 0.7:
            chars = list(a)
            for _ in range(rng.randrange(1, 8)):
                at = rng.randrange(len(chars) + 1)
                if chars and rng.random() < 0.5:
                    del chars[min(at, len(chars) - 1)]
                else:
                    chars.insert(at, rng.choice(alphabet))
            b = "".join(chars)
        else:
            b = "".join(rng.choice(alphabet) for _ in range(rng.randrange(80)))
        expected = [(op, len(text)) for op, text in dmp.diff_main(a, b, False)]
        assert worddiff._exact_counts(a, b) == expected


def word_pairs(rng: random.Random, count: int) -> list[tuple[str, str]]:
    words = ["the", "council", "voted", "12", "9", "to", "3", ",", ".", "é", "don't"]
    pairs = []
    for _ in range(count):
        old = [rng.choice(words) for _ in range(rng.randrange(1, 400))]
        new = list(old)
        for _ in range(rng.randrange(1, 12)):
            at = rng.randrange(len(new) + 1)
            if new and rng.random() < 0.4:
                del new[at : at + rng.randrange(1, 6)]
            elif rng.random() < 0.5:
                new[at:at] = [rng.choice(words) for _ in range(rng.randrange(1, 6))]
            else:
                new[at:at] = [f"w{rng.randrange(50)}" for _ in range(rng.randrange(1, 6))]
        joiner = rng.choice([" ", "\n\n", "  "])
        pairs.append((joiner.join(old), joiner.join(new)))
    return pairs


@pytest.mark.parametrize("fast", [True, False])
def test_random_inputs_match_the_reference(fast: bool, monkeypatch: pytest.MonkeyPatch) -> None:
    if not fast:
        monkeypatch.setattr(worddiff, "_fast_diff", None)
    rng = random.Random(13)
    for _ in range(1500):
        old = random_text(rng, rng.randrange(50))
        new = random_text(rng, rng.randrange(50)) if rng.random() < 0.3 else old[::-1]
        assert diff_words(old, new) == reference.diff_words(old, new)
        assert diff_words(old, new, cleanup=False) == reference.diff_words(old, new, cleanup=False)
    for old, new in word_pairs(rng, 150):
        assert diff_words(old, new) == reference.diff_words(old, new)


@pytest.mark.parametrize("size", [1_000, 10_000])
@pytest.mark.parametrize("flat", [False, True])
def test_benchmark_texts_match_the_reference(size: int, flat: bool) -> None:
    bench = load_benchmark()
    article = bench.make_article(size, seed=size)
    edited = bench.edit_article(article, seed=size + 1)
    old, new = bench.render(article, flat), bench.render(edited, flat)
    assert diff_words(old, new) == reference.diff_words(old, new)
