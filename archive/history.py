"""An article's versions, oldest first, with how many words each one changed."""

from __future__ import annotations

from dataclasses import dataclass

from redline.archive.diffmodel import diff_articles
from redline.archive.models import Article
from redline.archive.repository import Archive


@dataclass(frozen=True)
class LogEntry:
    version: int
    captured_at: str
    title: str | None
    inserted_words: int
    deleted_words: int

    def to_dict(self) -> dict[str, object]:
        return {
            "version": self.version,
            "captured_at": self.captured_at,
            "title": self.title,
            "inserted_words": self.inserted_words,
            "deleted_words": self.deleted_words,
        }


def history(archive: Archive, object_id: str) -> list[LogEntry]:
    entries = []
    previous = Article()
    for info in archive.versions(object_id):
        article = archive.article(object_id, info.number)
        changes = diff_articles(previous, article)
        entries.append(
            LogEntry(
                version=info.number,
                captured_at=info.created,
                title=article.title,
                inserted_words=changes.inserted_words,
                deleted_words=changes.deleted_words,
            )
        )
        previous = article
    return entries
