"""An article a watch run is to check, with what is known of it (light to import: a run
with nothing due never loads the page reader)."""

from __future__ import annotations

from dataclasses import dataclass

from redline.archive.core.urls import normalize_url
from redline.archive.ocfl.state import ArticleState


@dataclass
class Target:
    """An article to check, with what is known of it."""

    url: str
    state: ArticleState | None = None
    #: The feeds and sitemaps that named it in this run ("" for the watchlist itself).
    sources: tuple[str, ...] = ()
    attempt: int = 0
    #: Why the previous attempt looked like a drop: this one is the re-fetch.
    suspect: str | None = None
    #: The article's id (the URL normalised; normalised here when not given).
    object_id: str = ""

    def __post_init__(self) -> None:
        self.object_id = self.object_id or normalize_url(self.url)

    @property
    def discovered(self) -> bool:
        """Found in a feed or sitemap rather than written in the watchlist."""
        return bool(self.sources) and "" not in self.sources

    @property
    def captured(self) -> bool:
        return bool(self.state and self.state.head)
