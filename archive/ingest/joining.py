"""Which article a capture belongs to when its URL carries extra query parameters.

A page reached at ``https://news.example/story?ref=home`` (or with any parameter a site
adds to say where a reader came from) is the article at ``https://news.example/story``
when the page itself says so: its canonical URL is the requested URL with parameters
left out (``urls.canonical_parent``: same scheme, host, port and path). The capture
then joins that article instead of starting a second one.

Two guards keep the rule safe:

* an article already archived under the requested URL keeps its captures (an archive
  made before this rule, or a site whose parameters do name different pages, stays as
  it was);
* when the canonical article already has versions, the page must tell the same story
  as its latest one: most of the shorter text's passages found in the other. A site
  whose every page names one canonical URL (``index.php?story=12`` and
  ``index.php?story=13`` both claiming ``index.php``), or page 2 of a story claiming
  page 1, does not merge two texts into one article's history.
"""

from __future__ import annotations

from redline.archive.core.models import Article
from redline.archive.core.urls import canonical_parent
from redline.archive.extract.pagetext import fold
from redline.archive.extract.reader import Reader, analyse
from redline.archive.ingest.reading import read_version
from redline.archive.ocfl.archive import Archive
from redline.archive.ocfl.state import ArticleState

#: Characters per passage compared, and the share of the shorter text's passages the
#: other must hold for the two to be one story. An edit, even a large one, keeps most
#: of an article's passages; two different stories share almost none.
SHINGLE = 8
SAME_STORY = 0.5


def _shingles(article: Article) -> set[str]:
    text = fold(" ".join(filter(None, (article.title, *article.paragraphs))))
    if len(text) <= SHINGLE:
        return {text} if text else set()
    return {text[i : i + SHINGLE] for i in range(0, len(text) - SHINGLE + 1)}


def same_story(a: Article, b: Article) -> bool:
    """Whether two readings are one story, edited or not: at least half of the
    shorter one's passages of eight characters are in the other."""
    first, second = _shingles(a), _shingles(b)
    if not first or not second:
        return False
    shared = len(first & second)
    return shared >= SAME_STORY * min(len(first), len(second))


def joined_article(
    archive: Archive,
    object_id: str,
    article: Article,
    reader: Reader = analyse,
) -> tuple[str, ArticleState | None] | None:
    """The id and state of the article a capture of ``object_id`` (not archived under
    that id) joins by its canonical URL, or None when it starts its own."""
    parent = canonical_parent(object_id, article.canonical_url)
    if parent is None:
        return None
    state = archive.state(parent)
    if state is not None and state.head:
        head = read_version(archive, parent, state.head, reader)
        if not same_story(head.article, article):
            return None
    return parent, state
