"""The diff model: what changed between two versions of an article, field by field.

Every output format renders a ``DiffReport``; none of them diffs anything itself.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

from redline.archive.core.models import Article
from redline.archive.diff.words import (
    DiffOp,
    deleted_words,
    diff_words,
    inserted_words,
    is_changed,
)

# The fields a diff covers, in the order they are shown.
DIFF_FIELDS = (
    "title",
    "subtitle",
    "byline",
    "published",
    "modified",
    "canonical_url",
    "language",
    "body",
    "corrections",
)

FIELD_LABELS = {
    "title": "Title",
    "subtitle": "Subtitle",
    "byline": "Byline",
    "published": "Published",
    "modified": "Modified",
    "canonical_url": "Canonical URL",
    "language": "Language",
    "body": "Body",
    "corrections": "Corrections",
}

Ops = tuple[DiffOp, ...]


@dataclass(frozen=True)
class VersionRef:
    """One side of a comparison: the version number and when it was captured."""

    version: int
    captured_at: str


@dataclass(frozen=True)
class ParagraphOp:
    """One body paragraph in the aligned diff, listed in the new version's order.

    ``op``: "=" unchanged, "+" added, "-" removed, "~" edited in place, ">" moved (with
    word ``ops`` when it was also edited). ``old``/``new`` are 0-based paragraph
    indexes in the old and new versions (None for the side it is missing from).
    ``ops`` are the word operations within the paragraph (for "=" one "=" op).
    """

    op: str
    old: int | None
    new: int | None
    ops: Ops = ()

    def to_dict(self) -> dict[str, Any]:
        return {
            "op": self.op,
            "old": self.old,
            "new": self.new,
            "ops": [[o, t] for o, t in self.ops],
        }


#: How much a change matters, least first.
Severity = Literal["none", "minor", "moderate", "major"]
SEVERITIES: tuple[Severity, ...] = ("none", "minor", "moderate", "major")


@dataclass(frozen=True)
class Significance:
    """How much a change matters and whether the page admitted it.

    ``severity``: "none" (no article change), "minor", "moderate" or "major";
    ``reasons``: short human-readable strings, most important first;
    ``stealth``: True when the text changed at moderate or major severity but neither
    the modified date nor a correction/editor's note admitted it;
    ``signals``: what was checked and found (e.g. {"modified_changed": False, ...}).
    """

    severity: Severity = "none"
    reasons: tuple[str, ...] = ()
    stealth: bool = False
    signals: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return {
            "severity": self.severity,
            "reasons": list(self.reasons),
            "stealth": self.stealth,
            "signals": dict(self.signals),
        }


@dataclass(frozen=True)
class ArticleDiff:
    """Word-level operations for each field, and totals over all of them.

    Each field holds ``(op, text)`` pairs, ``op`` one of ``"="``, ``"-"``, ``"+"``. The
    body is the diff of the paragraphs joined by blank lines, the corrections likewise.
    A field that is empty in both versions has no operations.
    """

    title: Ops = ()
    subtitle: Ops = ()
    byline: Ops = ()
    published: Ops = ()
    modified: Ops = ()
    body: Ops = ()
    corrections: Ops = ()
    canonical_url: Ops = ()
    language: Ops = ()
    inserted_words: int = 0
    deleted_words: int = 0
    changed: bool = False
    #: The body aligned paragraph by paragraph (moves detected), in new order.
    paragraphs: tuple[ParagraphOp, ...] = ()

    def fields(self) -> dict[str, Ops]:
        """Field name to operations, in display order."""
        return {name: getattr(self, name) for name in DIFF_FIELDS}

    def changed_fields(self) -> list[str]:
        """Names of the fields that changed, in display order."""
        return [name for name, ops in self.fields().items() if is_changed(ops)]


@dataclass(frozen=True)
class DiffReport:
    """A diff with what it compares: the article's URL and the two versions."""

    url: str
    from_ref: VersionRef
    to_ref: VersionRef
    diff: ArticleDiff
    #: The article's headline (new version), for renderers' headers.
    title: str | None = None
    significance: Significance | None = None


def _field_text(article: Article, name: str) -> str:
    if name == "body":
        return article.body
    if name == "corrections":
        return "\n\n".join(article.corrections)
    value = getattr(article, name)
    return value or ""


def _body_counts(flat: Sequence[DiffOp], paragraphs: Sequence[ParagraphOp]) -> tuple[int, int]:
    """Words inserted and deleted in the body.

    A moved paragraph is neither: when paragraphs moved, the words are counted in the
    aligned paragraphs (a moved one counts only the edits inside it); otherwise in the
    flat diff, where a split or merged paragraph changes no word.
    """
    if not any(p.op == ">" for p in paragraphs):
        return inserted_words(flat), deleted_words(flat)
    return (
        sum(inserted_words(p.ops) for p in paragraphs),
        sum(deleted_words(p.ops) for p in paragraphs),
    )


def diff_articles(old: Article, new: Article) -> ArticleDiff:
    """Diff two versions of an article, field by field (a missing field counts as "").

    The body is diffed once as one text (``body``) and once paragraph by paragraph,
    with moves found (``paragraphs``), from one tokenisation.
    """
    from redline.archive.diff.paragraphs import diff_body

    body, paragraphs = diff_body(old.paragraphs, new.paragraphs)
    ops = {
        name: tuple(body)
        if name == "body"
        else tuple(diff_words(_field_text(old, name), _field_text(new, name)))
        for name in DIFF_FIELDS
    }
    # Corrections are also body paragraphs: count their words once, in the body.
    counted = [field for name, field in ops.items() if name not in ("corrections", "body")]
    body_inserted, body_deleted = _body_counts(body, paragraphs)
    inserted = body_inserted + sum(inserted_words(field) for field in counted)
    deleted = body_deleted + sum(deleted_words(field) for field in counted)
    changed = any(is_changed(field) for field in ops.values())
    return ArticleDiff(
        **ops,
        inserted_words=inserted,
        deleted_words=deleted,
        changed=changed,
        paragraphs=tuple(paragraphs),
    )
