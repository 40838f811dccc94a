"""An Article as plain readable text (``article.txt`` and ``redline show``)."""

from __future__ import annotations

import textwrap

from redline.archive.core.models import Article


def article_to_text(article: Article, *, width: int | None = None) -> str:
    """Headline, standfirst, byline and dates, then the paragraphs, blank-line separated."""
    head: list[str] = []
    if article.title:
        head.append(article.title)
        head.append("=" * min(len(article.title), 78))
    if article.subtitle:
        head.append(article.subtitle)
    meta = []
    if article.byline:
        meta.append(f"By: {article.byline}")
    if article.published:
        meta.append(f"Published: {article.published}")
    if article.modified:
        meta.append(f"Modified: {article.modified}")
    if article.canonical_url:
        meta.append(f"URL: {article.canonical_url}")
    blocks = []
    if head:
        blocks.append("\n".join(head))
    if meta:
        blocks.append("\n".join(meta))
    for para in article.paragraphs:
        blocks.append(textwrap.fill(para, width) if width else para)
    return "\n\n".join(blocks) + "\n"
