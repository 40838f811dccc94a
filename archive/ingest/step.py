"""The capture step: read the page → quality gate → decide → record.

Every way of capturing goes through ``ingest``: a URL fetched by ``redline capture``, a
saved page (``--html``), each page of a WARC file (``--warc``), and each page a watch run
fetched. So a consent wall, a challenge, a paywall stub or an article that suddenly lost
most of its text is refused the same way wherever it came from, and nothing but the
article a reader sees ever becomes a version.

What is left to the callers is what only they know: ``redline capture`` turns a refusal
into an error (or stores the page anyway when asked to), ``redline watch`` fetches a
dropped article once more before calling it suspect, and keeps its schedule.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from redline.archive.core.errors import ExtractionError, InputError
from redline.archive.core.models import Article, Capture
from redline.archive.core.urls import normalize_url
from redline.archive.extract.quality import BLOCKED, GONE, SUSPECT, Refusal, drop_refusal
from redline.archive.extract.reader import Reader, analyse
from redline.archive.ocfl.archive import Archive, RecordResult, StateRead, article_fingerprint
from redline.archive.ocfl.state import ArticleState


@dataclass(frozen=True)
class Ingested:
    """What became of one capture.

    ``status`` is ``new``, ``changed`` or ``unchanged`` when it was recorded (``result``
    says which version is current), or the refusal's event (``blocked``, ``suspect``,
    ``gone``) when nothing was stored (``refusal`` says why).
    """

    status: str
    article: Article
    result: RecordResult | None = None
    refusal: Refusal | None = None
    #: The head the capture was compared with, when it was read (for grading a change).
    previous: Article | None = None

    @property
    def stored(self) -> bool:
        return self.result is not None


def ingest(
    archive: Archive,
    capture: Capture,
    *,
    reader: Reader = analyse,
    accept_refused: bool = False,
    known: StateRead | None = None,
    annotate: Callable[[ArticleState, Article], None] | None = None,
) -> Ingested:
    """Read ``capture``, refuse what is not the article, and record it unless unchanged.

    ``known``: the article's state and its bytes as the caller read them (read here if
    not given).
    ``annotate`` changes the article's state, given the article read, in the same write
    that records it.
    ``accept_refused`` stores a refused page all the same, for an archivist who wants
    the wall itself. A page with no text at all raises ``ExtractionError`` (or
    ``InputError``) for an article not captured before, and is refused as ``suspect``
    for one captured before."""
    object_id = normalize_url(capture.requested_url)
    if known is None:
        known = archive.read_state(object_id)
    state = known[0]
    captured = bool(state is not None and state.head)
    try:
        article, refusal = reader(
            capture.body,
            capture.final_url,
            capture.content_type,
            capture.status,
            captured,
            capture.file_path or capture.final_url,
        )
    except (ExtractionError, InputError):
        if captured and not accept_refused:
            refusal = Refusal(SUSPECT, "no article on the page")
            return Ingested(SUSPECT, Article(), refusal=refusal)
        raise
    if refusal is not None and not accept_refused:
        return Ingested(refusal.event, article, refusal=refusal)
    previous = None
    if state is not None and captured and article_fingerprint(article) != state.fingerprint:
        previous = archive.article(object_id, state.head)
        drop = drop_refusal(previous, article)
        if drop is not None and not accept_refused:
            return Ingested(drop.event, article, refusal=drop, previous=previous)
    result = archive.record(
        capture,
        article,
        (lambda s: annotate(s, article)) if annotate is not None else None,
        known=known,
    )
    return Ingested(result.status, article, result=result, previous=previous)


__all__ = ["BLOCKED", "GONE", "SUSPECT", "Ingested", "Reader", "ingest"]
