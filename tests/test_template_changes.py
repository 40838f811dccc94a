"""Real pages under a new template: the Readability corpus's pages, each captured again
after the markup changes the way redesigns change it (scripts and JSON-LD removed; the
content wrapped in new containers, links moved to https) while the article stays word
for word the same, are never a new version. ``benchmarks/template_changes.py`` prints
these figures and two harsher changes. Skipped without the corpus."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
CORPUS = REPO.parent / "shared/corpora/readability-pages"

pytestmark = [
    pytest.mark.corpus,
    pytest.mark.skipif(not CORPUS.is_dir(), reason=f"corpus not found at {CORPUS}"),
]


@pytest.mark.parametrize("change", ["scripts", "wrap"])
def test_a_new_template_around_the_same_article_is_no_version(change: str) -> None:
    sys.path.insert(0, str(REPO / "benchmarks"))
    try:
        from template_changes import run
    finally:
        sys.path.remove(str(REPO / "benchmarks"))
    outcomes = run(change, every=2)
    assert len(outcomes) >= 60
    assert [(o.pair, o.error or o.reasons[:2]) for o in outcomes if not o.right] == []
