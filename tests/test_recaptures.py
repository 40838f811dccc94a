"""Real pages captured years apart (../shared/corpora/recaptures): a template change is not
an edit, a real edit is, and no template change is ever called a stealth edit.

Each pair goes old then new through the capture step into an empty archive, as
``benchmarks/recaptures.py`` does, which prints the same figures beside bare
trafilatura's. Skipped without the corpus (a clone without ../shared).
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import pytest

REPO = Path(__file__).resolve().parents[1]
CORPUS = REPO.parent / "shared/corpora/recaptures"

pytestmark = [
    pytest.mark.corpus,
    pytest.mark.skipif(not CORPUS.is_dir(), reason=f"corpus not found at {CORPUS}"),
]

#: The share of template pairs that must come out unchanged.
MIN_TEMPLATES_UNCHANGED = 0.90


@pytest.fixture(scope="module")
def tally() -> Any:
    sys.path.insert(0, str(REPO / "benchmarks"))
    try:
        from recapture_cases import iter_pairs, run
    finally:
        sys.path.remove(str(REPO / "benchmarks"))
    return run("redline", list(iter_pairs(CORPUS)))


def test_template_changes_are_not_versions(tally: Any) -> None:
    templates = tally.of("template")
    wrong = [o.pair for o in templates if not o.right]
    assert tally.templates_unchanged >= MIN_TEMPLATES_UNCHANGED * len(templates), wrong


def test_no_template_change_is_a_stealth_edit(tally: Any) -> None:
    assert [o.pair for o in tally.of("template") if o.changed and o.stealth] == []


def test_every_real_edit_is_a_new_version(tally: Any) -> None:
    assert [o.pair for o in tally.of("edited") if not o.changed or o.error] == []


def test_real_edits_show_their_words(tally: Any) -> None:
    """The passages each edited pair lists are on their sides of the diff, but for
    those the extractor rightly leaves out of the body (an author's bio box, a product
    page's small print), counted here so that the figure cannot fall unnoticed."""
    edited = tally.of("edited")
    missing = {o.pair: o.missing for o in edited if o.missing}
    assert len(missing) <= 2, missing
