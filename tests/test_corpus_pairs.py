"""Every page of the Readability corpus (../shared/corpora) can be diffed, graded and
rendered: against the next page (two unrelated articles, as when a URL's content is
replaced, or two captures of one article) and against itself (no change). Both texts
rebuild from the diff, and a changed title or body is never graded "none".

Each page is extracted as a capture would extract it; a page that holds no article is
an empty one.
"""

from __future__ import annotations

import gzip

import pytest

from redline.archive.core.errors import ExtractionError
from redline.archive.core.models import Article
from redline.archive.extract.article import extract_article
from tests.support.corpus import NO_CORPUS, page_dirs
from tests.support.diffcheck import check_pair

PAGES = page_dirs()

pytestmark = [pytest.mark.corpus, pytest.mark.skipif(not PAGES, reason=NO_CORPUS)]


@pytest.fixture(scope="module")
def articles() -> dict[str, Article]:
    found = {}
    for folder in PAGES:
        try:
            found[folder.name] = extract_article(
                gzip.decompress((folder / "source.html.gz").read_bytes())
            )
        except ExtractionError:
            found[folder.name] = Article()
    return found


@pytest.mark.parametrize(
    ("old", "new"),
    [(a.name, b.name) for a, b in zip(PAGES, PAGES[1:], strict=False)],
    ids=[f"{a.name}->{b.name}" for a, b in zip(PAGES, PAGES[1:], strict=False)],
)
def test_a_page_against_the_next(articles: dict[str, Article], old: str, new: str) -> None:
    check_pair(articles[old], articles[new])


@pytest.mark.parametrize("name", [p.name for p in PAGES])
def test_a_page_against_itself_is_no_change(articles: dict[str, Article], name: str) -> None:
    check_pair(articles[name], articles[name])
