"""Questions asked of the whole archive: what changed (``redline changes``) and in which
versions a phrase appeared or went away (``redline search``).

Both read the query index (``redline.archive.ocfl.queryindex``), brought up to date
first: an article is indexed again only when its state says it moved (a new version, a
new status), by the same grading as ``redline log`` (``history``), so the cost of a
query after a watch run grows with what the run changed, not with the archive. Changes
stored by ``capture`` and by ``watch`` are alike here: both are versions of an object.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from urllib.parse import urlsplit

from redline.archive.core.errors import RedlineError, UsageError
from redline.archive.core.models import Article
from redline.archive.core.printable import printable
from redline.archive.core.times import iso
from redline.archive.diff.model import SEVERITIES
from redline.archive.diff.significance import rank
from redline.archive.extract.article import EXTRACTOR
from redline.archive.history import LogEntry, history
from redline.archive.ingest.reading import read_version
from redline.archive.ocfl.archive import Archive, ArticleSummary
from redline.archive.ocfl.queryindex import (
    IndexedArticle,
    IndexedVersion,
    QueryIndex,
)


@dataclass
class Refreshed:
    """What bringing the index up to date did."""

    articles: int = 0  # articles indexed again
    versions: int = 0  # versions whose words were added
    removed: int = 0  # articles no longer in the archive
    rebuilt: bool = False  # the whole index was made anew
    problems: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Change:
    """One stored version after the first, graded as ``redline log`` grades it."""

    url: str
    version: int
    captured_at: str
    title: str | None
    severity: str
    stealth: bool
    reasons: tuple[str, ...]
    inserted_words: int
    deleted_words: int
    reverts_to: int | None = None
    flip_flop: bool = False
    #: "" while live, "gone" or "redirected" since a watch run saw it disappear.
    status: str = ""

    def to_dict(self) -> dict[str, Any]:
        return {
            "url": self.url,
            "version": self.version,
            "captured_at": self.captured_at,
            "title": self.title,
            "severity": self.severity,
            "stealth": self.stealth,
            "reasons": list(self.reasons),
            "inserted_words": self.inserted_words,
            "deleted_words": self.deleted_words,
            "reverts_to": self.reverts_to,
            "flip_flop": self.flip_flop,
            "status": self.status or None,
        }


@dataclass(frozen=True)
class Found:
    """A version where a phrase appeared (``added``) or went away (``removed``)."""

    url: str
    title: str | None
    event: str  # "added" | "removed"
    version: int
    captured_at: str
    #: For a removal: the last version that still had the phrase.
    last_seen: int | None = None
    #: Whether the article's latest version has the phrase.
    in_latest: bool = False

    def to_dict(self) -> dict[str, Any]:
        return {
            "url": self.url,
            "title": self.title,
            "event": self.event,
            "version": self.version,
            "captured_at": self.captured_at,
            "last_seen": self.last_seen,
            "first_capture": self.event == "added" and self.version == 1,
            "in_latest": self.in_latest,
        }


def open_index(
    archive: Archive,
    *,
    refreshed: Refreshed | None = None,
    progress: Callable[[int, int], None] | None = None,
    summaries: list[ArticleSummary] | None = None,
) -> QueryIndex:
    """The archive's query index, brought up to date (what that did goes to
    ``refreshed`` when given; ``progress(done, total)`` is called per article indexed;
    ``summaries``: the archive's articles as the caller read them)."""
    index = QueryIndex(archive.index_file(), EXTRACTOR)
    try:
        outcome = refresh(archive, index, progress, summaries)
    except BaseException:
        index.close()
        raise
    if refreshed is not None:
        refreshed.__dict__.update(outcome.__dict__)
    return index


def article_key(summary: ArticleSummary) -> str:
    """What must stay the same for an article's index rows to stand."""
    return json.dumps([summary.versions, summary.last_changed, summary.status, summary.title])


def host(url: str) -> str:
    try:
        name = (urlsplit(url).hostname or "").lower()
    except ValueError:
        return ""
    return name


def search_text(article: Article) -> str:
    """The words of a version that ``search`` looks through: headline, standfirst,
    byline and body (not dates or URLs)."""
    parts = [article.title, article.subtitle, article.byline, *article.paragraphs]
    return "\n\n".join(p for p in parts if p)


def refresh(
    archive: Archive,
    index: QueryIndex,
    progress: Callable[[int, int], None] | None = None,
    summaries: list[ArticleSummary] | None = None,
) -> Refreshed:
    """Index again each article whose state moved since it was indexed, and forget
    those no longer in the archive."""
    outcome = Refreshed(rebuilt=index.rebuilt)
    if summaries is None:
        summaries = archive.summaries()
    known = index.keys()
    stale = [s for s in summaries if known.get(s.url) != article_key(s)]
    for done, summary in enumerate(stale, start=1):
        try:
            outcome.versions += index_article(archive, index, summary)
        except RedlineError as exc:
            outcome.problems.append(f"{summary.url} was left out of the index: {exc.message}")
            continue
        outcome.articles += 1
        if progress is not None:
            progress(done, len(stale))
    for object_id in set(known) - {s.url for s in summaries}:
        index.remove_article(object_id)
        outcome.removed += 1
    return outcome


def index_article(archive: Archive, index: QueryIndex, summary: ArticleSummary) -> int:
    """Index one article: every version's grade, and the words of versions not indexed
    yet. Returns how many versions' words were added."""
    object_id = summary.url
    entries = history(archive, object_id)
    have = index.versions_indexed(object_id)
    texts = [
        (e.version, search_text(read_version(archive, object_id, e.version).article))
        for e in entries
        if e.version not in have
    ]
    index.store_article(
        IndexedArticle(
            id=object_id,
            key=article_key(summary),
            host=host(object_id),
            title=summary.title,
            versions=len(entries),
            first_captured=entries[0].captured_at if entries else summary.first_captured,
            last_changed=entries[-1].captured_at if entries else summary.last_changed,
            status=summary.status,
        ),
        [_indexed(object_id, e) for e in entries],
        texts,
    )
    return len(texts)


def _indexed(object_id: str, entry: LogEntry) -> IndexedVersion:
    significance = entry.significance
    return IndexedVersion(
        id=object_id,
        version=entry.version,
        captured_at=entry.captured_at,
        title=entry.title,
        severity=significance.severity,
        rank=rank(significance.severity),
        stealth=significance.stealth,
        inserted=entry.inserted_words,
        deleted=entry.deleted_words,
        reverts_to=entry.reverts_to,
        flip_flop=entry.flip_flop,
        reasons=significance.reasons,
    )


def _same_site(name: str, wanted: str) -> bool:
    name = name.removeprefix("www.")
    return name == wanted or name.endswith("." + wanted)


def site_name(text: str) -> str:
    """A host as a person types it (``example.com``, ``https://www.example.com/``)."""
    value = text.strip().lower()
    path = value.split("://", 1)[-1].partition("/")[2]
    if path.strip("/"):
        raise UsageError(
            f"--site {printable(text)!r} names a page, not a site; give its host (such as "
            "example.com), or see one article's changes with redline log URL"
        )
    if "://" in value:
        value = host(value)
    value = value.split("/", 1)[0].removeprefix("www.").rstrip(".")
    if not value or any(ch.isspace() for ch in value):
        raise UsageError(f"--site {text!r} is not a host name; give one such as example.com")
    if "." not in value and value != "localhost":
        raise UsageError(
            f"--site {text!r} is a top-level domain, not a site; give a host such as example.com"
        )
    return value


def to_change(row: IndexedVersion, status: str = "") -> Change:
    return Change(
        url=row.id,
        version=row.version,
        captured_at=row.captured_at,
        title=row.title,
        severity=row.severity,
        stealth=row.stealth,
        reasons=row.reasons,
        inserted_words=row.inserted,
        deleted_words=row.deleted,
        reverts_to=row.reverts_to,
        flip_flop=row.flip_flop,
        status=status,
    )


def list_changes(
    index: QueryIndex,
    *,
    since: datetime | None = None,
    stealth: bool = False,
    min_severity: str | None = None,
    site: str | None = None,
) -> list[Change]:
    """Every version after an article's first, newest first, filtered."""
    if min_severity is not None and min_severity not in SEVERITIES:
        raise UsageError(f"unknown severity {min_severity!r}; use one of {', '.join(SEVERITIES)}")
    wanted = site_name(site) if site is not None else None
    articles = {a.id: a for a in index.articles()}
    rows = index.versions(
        since=iso(since) if since is not None else None,
        min_rank=SEVERITIES.index(min_severity) if min_severity else 0,
        stealth=stealth,
        first=False,
    )
    out = []
    for row in rows:
        article = articles.get(row.id)
        if wanted is not None and (article is None or not _same_site(article.host, wanted)):
            continue
        out.append(to_change(row, article.status if article is not None else ""))
    return out


def search(
    index: QueryIndex, text: str, *, added: bool = False, removed: bool = False
) -> list[Found]:
    """The versions in which ``text`` (its words, in order, any case or punctuation)
    appeared or went away, newest first; ``added`` or ``removed`` keep only those."""
    both = added == removed
    found: list[Found] = []
    articles = {a.id: a for a in index.articles()}
    for object_id, having in index.matching(text).items():
        article = articles.get(object_id)
        if article is None:
            continue
        times = {v.version: v for v in index.versions(object_id=object_id)}
        in_latest = article.versions in having
        before = False
        for number in range(1, article.versions + 1):
            now = number in having
            row = times.get(number)
            captured_at = row.captured_at if row is not None else ""
            title = (row.title if row is not None else None) or article.title
            if now and not before and (both or added):
                found.append(
                    Found(object_id, title, "added", number, captured_at, in_latest=in_latest)
                )
            if before and not now and (both or removed):
                found.append(
                    Found(
                        object_id,
                        title,
                        "removed",
                        number,
                        captured_at,
                        last_seen=number - 1,
                        in_latest=in_latest,
                    )
                )
            before = now
    return sorted(found, key=lambda f: (f.captured_at, f.url, f.version), reverse=True)
