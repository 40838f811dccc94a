"""Pieces shared by the Markdown and HTML renderings of a diff report: labels,
headline, links and the words-changed summary. Both show the body paragraph by
paragraph, as ``diff.blocks`` reads it."""

from __future__ import annotations

from urllib.parse import urlsplit

from redline.archive.core.wording import plural
from redline.archive.diff.blocks import new_text, old_text
from redline.archive.diff.model import ArticleDiff, DiffReport, ParagraphOp
from redline.archive.diff.words import is_changed

#: What each paragraph operation is called, for labels.
PARAGRAPH_LABELS = {
    "=": "unchanged",
    "+": "added",
    "-": "removed",
    "~": "edited",
    ">": "moved",
}


def headline(report: DiffReport) -> str:
    """The article's headline (the newer version's), or "" when it has none."""
    if report.title:
        return report.title.strip()
    return new_text(report.diff.title).strip() or old_text(report.diff.title).strip()


def is_web_url(url: str) -> bool:
    """True for an absolute http(s) URL, the only kind rendered as a link."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return False
    return parts.scheme.lower() in {"http", "https"} and bool(parts.netloc)


def block_label(block: ParagraphOp) -> str:
    """A short label such as "¶ 3 edited", "¶ 5 moved from ¶ 2" or "¶ 4 removed"."""
    number = block.new if block.new is not None else block.old
    where = f"¶ {number + 1}" if number is not None else "¶"
    if block.op == ">":
        moved = f"{where} moved from ¶ {block.old + 1}" if block.old is not None else where
        return moved + (" and edited" if is_changed(block.ops) else "")
    if block.op == "-" and block.old is not None:
        return f"¶ {block.old + 1} removed"
    return f"{where} {PARAGRAPH_LABELS.get(block.op, 'edited')}"


def summary(diff: ArticleDiff) -> str:
    return (
        f"{plural(diff.inserted_words, 'word')} inserted, "
        f"{plural(diff.deleted_words, 'word')} deleted."
    )


STEALTH_TEXT = (
    "Stealth edit: the text changed, but neither the modified date "
    "nor a correction or editor's note says so."
)
