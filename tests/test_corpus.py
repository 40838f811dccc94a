"""Body extraction on real pages (../shared/corpora), against bare trafilatura in the
same run: redline must score at least as well on both corpora, and find an article on
every page.

- readability-pages: all 130 pages, 4-gram shingle F1 of the body (as
  benchmarks/extraction.py scores it).
- trafilatura-eval: every fifth of its 945 pages (the full set takes minutes; the
  benchmark runs it all), F1 over the passages that must and must not be extracted.

Pages are extracted in two worker processes, to keep each test near a minute.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from types import ModuleType

import pytest

REPO = Path(__file__).resolve().parents[1]
CORPORA = REPO.parent / "shared" / "corpora"
READABILITY = CORPORA / "readability-pages"
EVAL = CORPORA / "trafilatura-eval"

pytestmark = [
    pytest.mark.corpus,
    pytest.mark.skipif(
        not (READABILITY.is_dir() and EVAL.is_dir()), reason=f"corpora not found at {CORPORA}"
    ),
]

#: Every EVAL_EVERY-th page of trafilatura-eval is scored (keeps the test near a minute).
EVAL_EVERY = 5
WORKERS = 2


@pytest.fixture(scope="module")
def score() -> Iterator[ModuleType]:
    sys.path.insert(0, str(REPO / "benchmarks"))
    try:
        import corpus_score
    finally:
        sys.path.remove(str(REPO / "benchmarks"))
    yield corpus_score


def test_readability_pages_body_at_least_as_good_as_trafilatura(score: ModuleType) -> None:
    ours, theirs = score.BodyScore(), score.BodyScore()
    not_extracted = []
    pages = list(score.iter_pages(READABILITY))
    with ProcessPoolExecutor(WORKERS) as pool:
        results = pool.map(score.both_bodies, [p.source for p in pages], chunksize=4)
        for page, (body, baseline) in zip(pages, results, strict=True):
            if body is None:
                not_extracted.append(page.name)
            ours.add(body or "", page.expected_text)
            theirs.add(baseline or "", page.expected_text)
    assert not_extracted == []
    assert ours.f1 >= theirs.f1, f"redline {ours.f1:.4f} < trafilatura {theirs.f1:.4f}"


def test_trafilatura_eval_passages_at_least_as_good_as_trafilatura(score: ModuleType) -> None:
    ours, theirs = score.PassageScore(), score.PassageScore()
    pages = list(score.iter_eval_pages(EVAL, every=EVAL_EVERY))
    with ProcessPoolExecutor(WORKERS) as pool:
        results = pool.map(score.both_texts, [p.source for p in pages], chunksize=4)
        for page, (text, baseline) in zip(pages, results, strict=True):
            ours.add(text, page)
            theirs.add(baseline, page)
    assert ours.not_extracted == []
    assert ours.f1 >= theirs.f1, f"redline {ours.f1:.4f} < trafilatura {theirs.f1:.4f}"
