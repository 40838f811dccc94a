"""The capture step: read the page → quality gate → decide → record.

Every way of capturing goes through ``ingest``: a URL fetched by ``redline capture``, a
saved page (``--html``), each page of a WARC file (``--warc``), and each page a watch run
fetched. So a consent wall, a challenge, a paywall stub or an article that suddenly lost
most of its text is refused the same way wherever it came from, and nothing but the
article a reader sees ever becomes a version.

Deciding compares the new capture with the stored head *as the current extractor reads
the head's raw capture* (``reading.read_version``), by meaning (``decide``): a new
template, or a better extractor, is not a new version.

What is left to the callers is what only they know: ``redline capture`` turns a refusal
into an error (or stores the page anyway when asked to), ``redline watch`` fetches a
dropped article once more before calling it suspect, and keeps its schedule.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

from redline.archive.core.errors import ExtractionError, InputError
from redline.archive.core.models import Article, Capture
from redline.archive.core.times import iso, read_iso
from redline.archive.core.urls import normalize_url
from redline.archive.extract.quality import BLOCKED, GONE, SUSPECT, Refusal, drop_refusal
from redline.archive.extract.reader import Reader, analyse
from redline.archive.ingest.decide import Decision, Reading, decide, reconcile
from redline.archive.ingest.joining import joined_article
from redline.archive.ingest.reading import read_page, read_version, reading_data
from redline.archive.ocfl.archive import Archive, RecordResult, article_fingerprint
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
    #: The head the capture was compared with, as the current extractor reads it.
    previous: Article | None = None
    #: How the capture compared with that head.
    decision: Decision | None = None

    #: The capture as read (its article and its page's words).
    reading: Reading | None = None
    #: The head it was compared with, as read by the current extractor.
    head: Reading | None = None

    @property
    def stored(self) -> bool:
        return self.result is not None

    def graded_pair(self, archive: Archive) -> tuple[Article, Article]:
        """The version before a changed one and the new one, as ``diff`` and the
        grading compare them (``reconcile``)."""
        assert self.result is not None and self.reading is not None
        head = self.head
        if head is None:
            head = read_version(archive, self.result.url, self.result.version - 1)
        return reconcile(head, self.reading, self.decision if self.head else None)

    @property
    def note(self) -> str | None:
        """What differed on the page although the article did not (an unchanged one)."""
        if self.status != "unchanged" or self.decision is None:
            return None
        return self.decision.note()


def ingest(
    archive: Archive,
    capture: Capture,
    *,
    reader: Reader = analyse,
    accept_refused: bool = False,
    annotate: Callable[[ArticleState, Article], None] | None = None,
) -> Ingested:
    """Read ``capture``, refuse what is not the article, and record it unless unchanged.

    ``annotate`` changes the article's state, given the article read, in
    the same write that records it. ``accept_refused`` stores a refused page all the
    same, for an archivist who wants the wall itself. A page with no text at all raises
    ``ExtractionError`` (or ``InputError``) for an article not captured before, and is
    refused as ``suspect`` for one captured before."""
    object_id = normalize_url(capture.requested_url)
    _check_time(capture)
    noting = annotate
    state = archive.state(object_id)
    captured = bool(state is not None and state.head)
    if captured and not accept_refused:
        # The cheapest answer first: the very page last accepted, byte for byte.
        same = archive.note_same_page(
            capture, (lambda s: annotate(s, Article())) if annotate else None
        )
        if same is not None:
            return Ingested(same.status, Article(), result=same)
    try:
        page = read_page(capture, reader, captured=captured)
    except (ExtractionError, InputError):
        if captured and not accept_refused:
            refusal = Refusal(SUSPECT, "no article on the page")
            return Ingested(SUSPECT, Article(), refusal=refusal)
        raise
    article = page.article
    if page.refusal is not None and not accept_refused:
        return Ingested(page.refusal.event, article, refusal=page.refusal)
    if state is None or not state.head:
        # Not archived under this URL: the page may belong, by its canonical URL, to
        # the article at the same address without some query parameters (?ref=home).
        joined = joined_article(archive, object_id, article, reader)
        if joined is not None:
            link_id = object_id
            object_id, state = joined
            joined_note = _noting_alias(annotate, link_id)
            noting = joined_note
            captured = bool(state is not None and state.head)
            if captured and not accept_refused:
                same = archive.note_same_page(
                    capture, lambda s: joined_note(s, article), object_id=object_id
                )
                if same is not None:
                    return Ingested(same.status, article, result=same)
    new = Reading(article, page.text)
    decisions: dict[int, tuple[Reading, Decision]] = {}

    def against(version: int) -> tuple[Reading, Decision]:
        if version not in decisions:
            head = read_version(archive, object_id, version, reader)
            decisions[version] = (head, decide(head, new))
        return decisions[version]

    previous: Article | None = None
    if state is not None and captured and article_fingerprint(article) != state.fingerprint:
        head, decision = against(state.head)
        previous = head.article
        if decision.is_changed and not accept_refused:
            drop = drop_refusal(previous, article)
            if drop is not None:
                return Ingested(drop.event, article, refusal=drop, previous=previous)

    if state is not None and captured and state.last_changed:
        head_at = read_iso(state.last_changed)
        if head_at is not None and capture.fetched_at < head_at - CLOCK_SKEW:
            _refuse_older(capture, state, head_at, lambda v: not against(v)[1].is_changed)
    result = archive.record(
        capture,
        article,
        (lambda s: noting(s, article)) if noting is not None else None,
        same_as_head=lambda version: not against(version)[1].is_changed,
        reading=reading_data(page),
        object_id=object_id,
    )
    decided = decisions.get(result.version if result.status == "unchanged" else result.version - 1)
    if decided is not None:
        previous = decided[0].article
    return Ingested(
        result.status,
        article,
        result=result,
        previous=previous,
        decision=decided[1] if decided is not None else None,
        reading=new,
        head=decided[0] if decided is not None else None,
    )


def _noting_alias(
    annotate: Callable[[ArticleState, Article], None] | None, link_id: str
) -> Callable[[ArticleState, Article], None]:
    """``annotate``, and note on the joined article's state the link that joined it, so
    that a watch run checks that link as this article."""

    def both(state: ArticleState, article: Article) -> None:
        if link_id not in state.aliases:
            state.aliases = [*state.aliases, link_id]
        if annotate is not None:
            annotate(state, article)

    return both


#: How far ahead of this machine's clock a capture time may be (clocks drift), and how
#: far apart two captures may be and still count as taken at once: two watch shards on
#: machines whose clocks differ, or a capture stored while another was being read. Such
#: captures are kept in the order they were stored.
CLOCK_SKEW = timedelta(minutes=10)


def _check_time(capture: Capture) -> None:
    """A capture cannot have happened in the future."""
    now = datetime.now(timezone.utc)
    if capture.fetched_at > now + CLOCK_SKEW:
        raise InputError(
            f"the capture of {capture.file_path or capture.requested_url} is dated "
            f"{iso(capture.fetched_at)}, later than now ({iso(now)}); give the time the "
            "page was saved"
        )


def _refuse_older(
    capture: Capture, state: ArticleState, head_at: datetime, same: Callable[[int], bool]
) -> None:
    """A capture older than the stored head (by more than ``CLOCK_SKEW``) may only
    confirm it: versions are kept in the order their pages were captured, so an older
    page that differs is refused."""
    if same(state.head):
        return
    raise InputError(
        f"the capture of {capture.file_path or capture.requested_url} "
        f"({iso(capture.fetched_at)}) is older than version {state.head} of "
        f"{state.id} ({iso(head_at)}) and differs from it; capture saved pages "
        "oldest first (a new archive for a history that starts earlier)"
    )


__all__ = ["BLOCKED", "GONE", "SUSPECT", "Ingested", "Reader", "ingest"]
