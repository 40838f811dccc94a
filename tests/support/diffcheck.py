"""One check for a pair of versions: the diff rebuilds both, the grading is sound, and
every format renders it. The property tests and the corpus tests share it."""

from __future__ import annotations

import json

from redline.archive.core.models import Article
from redline.archive.diff.model import (
    DIFF_FIELDS,
    SEVERITIES,
    DiffReport,
    VersionRef,
    diff_articles,
)
from redline.archive.diff.significance import assess
from redline.archive.diff.words import new_text, old_text
from redline.archive.render.formats import DIFF_FORMATS, DiffOptions, render_diff


def _field_text(article: Article, name: str) -> str:
    if name == "body":
        return article.body
    if name == "corrections":
        return "\n\n".join(article.corrections)
    return getattr(article, name) or ""


def check_pair(old: Article, new: Article) -> None:
    """Diff, grade and render ``old`` → ``new``; the diff rebuilds both versions."""
    diff = diff_articles(old, new)
    for name, ops in diff.fields().items():
        assert old_text(ops) == _field_text(old, name), name
        assert new_text(ops) == _field_text(new, name), name
    olds = sorted((p.old, old_text(p.ops)) for p in diff.paragraphs if p.old is not None)
    news = sorted((p.new, new_text(p.ops)) for p in diff.paragraphs if p.new is not None)
    assert olds == list(enumerate(old.paragraphs))
    assert news == list(enumerate(new.paragraphs))
    assert [p.new for p in diff.paragraphs if p.new is not None] == list(range(len(news)))
    assert diff.inserted_words >= 0 and diff.deleted_words >= 0
    if not diff.changed:
        assert diff.inserted_words == diff.deleted_words == 0

    significance = assess(old, new, diff)
    assert significance.severity in SEVERITIES
    assert all(isinstance(r, str) and r for r in significance.reasons)
    assert not significance.stealth or significance.severity in ("moderate", "major")
    if old == new:
        assert significance.severity == "none" and significance.reasons == ()
    elif {"title", "body"} & set(diff.changed_fields()):
        assert significance.severity != "none", (old, new, significance)

    report = DiffReport(
        url="https://news.example/a",
        from_ref=VersionRef(1, "2026-03-14T08:00:00Z"),
        to_ref=VersionRef(2, "2026-03-14T09:00:00Z"),
        diff=diff,
        title=new.title,
        significance=significance,
    )
    for fmt in DIFF_FORMATS:
        for options in (DiffOptions(), DiffOptions(color=True, context=0)):
            out = render_diff(fmt, report, options)
            assert out.endswith("\n"), fmt
    data = json.loads(render_diff("json", report))
    for name in DIFF_FIELDS:
        ops = data["fields"].get(name, [])
        assert "".join(t for op, t in ops if op != "+") == _field_text(old, name)
        assert "".join(t for op, t in ops if op != "-") == _field_text(new, name)
    assert data["reasons"] == list(significance.reasons)
