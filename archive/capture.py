"""``redline capture``: obtain a page, then the one capture step (``ingest``).

One function per way of obtaining a page (a URL, a saved file, a WARC); each hands the
capture to ``record_capture``, which refuses what is not the article exactly as a watch
run does. ``capture_all`` runs many and keeps going when one fails, so a broken site
becomes a line in the report instead of stopping the run.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, replace
from datetime import datetime
from pathlib import Path

from redline.archive.core.errors import InputError, PageRefused, RedlineError
from redline.archive.core.models import Article, Capture
from redline.archive.core.urls import check_http_url
from redline.archive.extract.article import extract_article
from redline.archive.extract.budget import check_budget
from redline.archive.extract.decode import decode_html
from redline.archive.fetch.client import DEFAULT_MAX_BYTES, Fetcher, read_html_file
from redline.archive.fetch.warc import captures_from_warc
from redline.archive.ingest.step import ingest
from redline.archive.ocfl.archive import Archive, RecordResult


def check_source_file(path: str | Path, kind: str) -> None:
    """Refuse a saved page or WARC (``kind``) that is not there before an archive is
    created for it: a failed first capture leaves no empty archive behind."""
    path = Path(path)
    if path.is_dir():
        raise InputError(f"{path} is a directory; give the path of {kind}")
    if not path.exists():
        raise InputError(f"no such file: {path}; check the path")


def extract_file(
    path: str | Path, url: str | None = None, *, max_bytes: int = DEFAULT_MAX_BYTES
) -> Article:
    """The article in a saved HTML file, without touching any archive."""
    capture = read_html_file(path, url or "http://localhost/", max_bytes=max_bytes)
    html = decode_html(capture.body, capture.content_type, source=str(path))
    check_budget(html, str(path))
    return extract_article(html, url, capture.content_type, source=str(path))


def record_capture(
    archive: Archive, capture: Capture, *, accept_refused: bool = False
) -> RecordResult:
    """Read the article in ``capture`` and store it unless it is unchanged.

    Raises ``PageRefused`` when the page is not the article (a consent wall, a
    challenge, a paywall stub, an error page) or lost most of the stored article's
    text, unless ``accept_refused`` asks to store it anyway."""
    done = ingest(archive, capture, accept_refused=accept_refused)
    if done.result is not None:
        return replace(done.result, note=done.note) if done.note else done.result
    assert done.refusal is not None
    where = capture.file_path or capture.requested_url
    raise PageRefused(
        f"{where} was not stored: {done.refusal.reason}; pass --accept-blocked to store "
        "the page anyway",
        event=done.refusal.event,
        reason=done.refusal.reason,
    )


def capture_url(
    archive: Archive, url: str, fetcher: Fetcher, *, accept_refused: bool = False
) -> RecordResult:
    capture = fetcher.fetch(check_http_url(url))
    return record_capture(archive, capture, accept_refused=accept_refused)


def capture_file(
    archive: Archive,
    path: str | Path,
    url: str,
    at: datetime | None = None,
    *,
    max_bytes: int = DEFAULT_MAX_BYTES,
    accept_refused: bool = False,
) -> RecordResult:
    capture = read_html_file(path, check_http_url(url), at, max_bytes=max_bytes)
    return record_capture(archive, capture, accept_refused=accept_refused)


def capture_warc(
    archive: Archive,
    path: str | Path,
    *,
    max_bytes: int = DEFAULT_MAX_BYTES,
    accept_refused: bool = False,
) -> Iterator[Outcome]:
    """Record every HTML page in a WARC file, in file order (the article states saved
    once at the end: a WARC may hold thousands of pages)."""
    pages = captures_from_warc(path, max_bytes=max_bytes)
    with archive.batched_states():
        while True:
            try:
                capture = next(pages)
            except StopIteration:
                return
            except RedlineError as exc:
                yield Outcome(str(path), error=exc)
                return
            try:
                result = record_capture(archive, capture, accept_refused=accept_refused)
                yield Outcome(capture.requested_url, result=result)
            except RedlineError as exc:
                yield Outcome(capture.requested_url, error=exc)


@dataclass(frozen=True)
class Outcome:
    """What happened to one input: a result, or the error that stopped it."""

    source: str
    result: RecordResult | None = None
    error: RedlineError | None = None


def capture_all(
    sources: Iterable[str], capture_one: Callable[[str], RecordResult]
) -> Iterator[Outcome]:
    """Run ``capture_one`` on each source in turn; an error is reported, not raised."""
    for source in sources:
        try:
            yield Outcome(source, result=capture_one(source))
        except RedlineError as exc:
            yield Outcome(source, error=exc)
