"""What the archive site shows: each article with its versions and watch events.

The site's renderers (``site_html``, ``site_feed``) turn these into pages and feeds;
none of them reads the archive. Building them from an archive is
``redline.archive.site``.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from redline.archive.core.models import Article
from redline.archive.diff.model import SEVERITIES
from redline.archive.watch.report import Excerpt


@dataclass(frozen=True)
class SiteVersion:
    """One version of an article, graded against the one before (as ``redline log``)."""

    version: int
    captured_at: str
    title: str | None
    severity: str = "none"
    stealth: bool = False
    reasons: tuple[str, ...] = ()
    inserted: int = 0
    deleted: int = 0
    reverts_to: int | None = None
    #: The version as text (headline, byline, dates, paragraphs), when the page shows it.
    text: str | None = None
    #: The version's article, when the page shows it (rendered as the page's HTML).
    article: Article | None = None
    #: The first words that changed, for feeds.
    excerpt: Excerpt | None = None

    @property
    def rank(self) -> int:
        return SEVERITIES.index(self.severity) if self.severity in SEVERITIES else 0

    @property
    def diff_page(self) -> str | None:
        """The file of this version's diff from the one before, next to the article."""
        return f"v{self.version}.html" if self.version > 1 else None


@dataclass(frozen=True)
class SiteNote:
    """Something a watch run saw between versions: gone, redirected, back, blocked,
    suspect."""

    event: str
    at: str
    reason: str


@dataclass(frozen=True)
class SiteArticle:
    url: str
    #: The article's folder in the site, relative to its root (``a/<host>-<hash>``).
    path: str
    host: str
    title: str | None
    status: str = ""
    versions: tuple[SiteVersion, ...] = ()
    notes: tuple[SiteNote, ...] = ()
    #: How often redline captured or checked it, when last, and since when it is the same.
    checks: int = 0
    last_checked: str | None = None
    unchanged_since: str | None = None

    @property
    def changes(self) -> tuple[SiteVersion, ...]:
        return tuple(v for v in self.versions if v.version > 1)

    @property
    def last_change(self) -> str | None:
        return self.versions[-1].captured_at if self.versions else None

    @property
    def severity(self) -> str:
        """The severity of the latest change ("none" before any)."""
        changes = self.changes
        return changes[-1].severity if changes else "none"

    @property
    def stealth(self) -> bool:
        """Whether any change was a stealth edit."""
        return any(v.stealth for v in self.versions)

    def index_entry(self) -> dict[str, object]:
        """The article in the site's JSON index."""
        return {
            "url": self.url,
            "title": self.title,
            "site": self.host,
            "page": f"{self.path}/index.html",
            "versions": len(self.versions),
            "last_change": self.last_change,
            "severity": self.severity,
            "rank": SEVERITIES.index(self.severity) if self.severity in SEVERITIES else 0,
            "stealth": self.stealth,
            "status": self.status or None,
        }


@dataclass(frozen=True)
class Site:
    """The whole site: its articles, newest change first, and where it is published."""

    articles: list[SiteArticle] = field(default_factory=list)
    #: The site's public address (``https://you.github.io/news/``), for absolute links
    #: in feeds; None when unknown (links are then relative to the feed).
    base_url: str | None = None
    title: str = "redline archive"
