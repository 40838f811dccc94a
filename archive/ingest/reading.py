"""Readings: a capture as the current extractor reads it, for deciding and diffing.

Every comparison of two versions, and the decision whether a new capture is a new
version, reads both sides with the extractor redline has now, not the one that stored
them: improving extraction must never make every archived article "changed" at its
next check, and it improves every past diff too. A version's stored ``article.json``
stays as it was recorded; how the current extractor reads the version's raw capture
(kept in its WARC) is computed once and cached beside the archive (``save_reading``).
"""

from __future__ import annotations

from typing import Any

from redline.archive.core.errors import ExtractionError, InputError
from redline.archive.core.models import Article, Capture
from redline.archive.extract.article import EXTRACTOR
from redline.archive.extract.reader import PageRead, Reader, analyse
from redline.archive.ingest.decide import Reading
from redline.archive.ocfl.archive import Archive


def reading_data(page: PageRead) -> dict[str, Any]:
    """What is cached of a reading (``Archive.save_reading``)."""
    return {"extractor": EXTRACTOR, "article": page.article.to_dict(), "text": page.text}


def read_page(capture: Capture, reader: Reader = analyse, *, captured: bool = True) -> PageRead:
    return reader(
        capture.body,
        capture.final_url,
        capture.content_type,
        capture.status,
        captured,
        capture.file_path or capture.final_url,
    )


def read_version(
    archive: Archive, object_id: str, version: int, reader: Reader = analyse
) -> Reading:
    """Version ``version`` of the article as the current extractor reads it. The
    version's stored article is read too: it is checked against its digest, and it is
    what there is to compare with when the current extractor finds nothing."""
    stored = archive.article(object_id, version)
    cached = archive.load_reading(object_id, version)
    if cached is not None and cached.get("extractor") == EXTRACTOR:
        try:
            return Reading(Article.from_dict(cached["article"]), str(cached.get("text") or ""))
        except (KeyError, TypeError, ValueError):
            pass  # an unreadable cache entry is read again below
    capture = archive.raw_capture(object_id, version)
    try:
        page = read_page(capture, reader)
    except (ExtractionError, InputError):
        # The current extractor finds nothing where an earlier one found the article:
        # the stored article is all there is to compare with.
        return Reading(stored)
    if not page.article.paragraphs and not page.article.title:
        return Reading(stored, page.text)
    archive.save_reading(object_id, version, reading_data(page))
    return Reading(page.article, page.text)
