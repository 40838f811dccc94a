"""The diff model: per-field word diffs of two article versions, and their totals."""

from __future__ import annotations

from redline.archive.core.models import Article
from redline.archive.diff.model import DIFF_FIELDS, ArticleDiff, diff_articles
from redline.archive.diff.words import new_text, old_text

OLD = Article(
    title="Council votes 12 to 3 to close library",
    subtitle="Residents protest",
    byline="By Ana Ruiz",
    published="2026-11-24T08:00:00Z",
    modified=None,
    paragraphs=(
        "The city council voted 12 to 3 on Tuesday to close the Elm Street library.",
        "The mayor was absent. Her office did not reply to questions.",
        "The library opened in 1952.",
    ),
)

NEW = Article(
    title="Council votes 9 to 3 to close library",
    subtitle="Residents protest",
    byline="By Ana Ruiz and Tom Lee",
    published="2026-11-24T08:00:00Z",
    modified="2026-11-25T10:30:00Z",
    paragraphs=(
        "The city council voted 9 to 3 on Tuesday to close the Elm Street library.",
        "Her office did not reply to questions.",
        "The library opened in 1952.",
        "Correction: an earlier version gave the wrong vote count.",
    ),
    corrections=("Correction: an earlier version gave the wrong vote count.",),
)


def edits(ops: tuple[tuple[str, str], ...]) -> list[tuple[str, str]]:
    return [(op, text) for op, text in ops if op != "="]


def test_fields_that_changed() -> None:
    diff = diff_articles(OLD, NEW)
    assert diff.changed
    assert diff.changed_fields() == ["title", "byline", "modified", "body", "corrections"]
    assert edits(diff.title) == [("-", "12"), ("+", "9")]
    assert edits(diff.byline) == [("+", " and Tom Lee")]
    assert diff.subtitle == (("=", "Residents protest"),)
    assert edits(diff.published) == []


def test_missing_field_counts_as_empty() -> None:
    diff = diff_articles(OLD, NEW)
    assert diff.modified == (("+", "2026-11-25T10:30:00Z"),)
    gone = diff_articles(NEW, OLD)
    assert gone.modified == (("-", "2026-11-25T10:30:00Z"),)
    assert diff_articles(Article(), Article()).title == ()


def test_changed_date_is_one_pair() -> None:
    old = Article(published="2026-11-24T08:00:00Z")
    new = Article(published="2026-11-24T09:15:00Z")
    assert diff_articles(old, new).published == (
        ("-", "2026-11-24T08:00:00Z"),
        ("+", "2026-11-24T09:15:00Z"),
    )


def test_body_is_the_joined_paragraphs() -> None:
    diff = diff_articles(OLD, NEW)
    assert old_text(diff.body) == OLD.body
    assert new_text(diff.body) == NEW.body
    assert ("-", "12") in diff.body and ("+", "9") in diff.body
    removed = [text for op, text in diff.body if op == "-" and "mayor" in text]
    assert [t.strip() for t in removed] == ["The mayor was absent."]


def test_corrections_are_joined() -> None:
    old = Article(corrections=("First note.",))
    new = Article(corrections=("First note.", "Second note."))
    diff = diff_articles(old, new)
    assert new_text(diff.corrections) == "First note.\n\nSecond note."
    assert edits(diff.corrections) == [("+", "\n\nSecond note.")]


def test_word_totals_cover_every_field() -> None:
    diff = diff_articles(OLD, NEW)
    # title 1, byline 3, modified 1, body 1 + 9 (the correction; counted once, in the body)
    assert diff.inserted_words == 15
    # title 1, body 1 + 4 ("The mayor was absent")
    assert diff.deleted_words == 6


def test_unchanged_article() -> None:
    diff = diff_articles(OLD, OLD)
    assert not diff.changed
    assert diff.changed_fields() == []
    assert diff.inserted_words == diff.deleted_words == 0
    assert set(diff.fields()) == set(DIFF_FIELDS)


def test_the_extractor_does_not_count() -> None:
    old = Article(title="Same", extractor="a", language="en")
    new = Article(title="Same", extractor="b", language="en")
    assert diff_articles(old, new) == ArticleDiff(title=(("=", "Same"),), language=(("=", "en"),))


def test_canonical_url_and_language_are_fields_of_their_own() -> None:
    # A version is stored when either changes, so the diff must show it.
    old = Article(title="Same", language="en", canonical_url="https://a.example/x")
    new = Article(title="Same", language="fr", canonical_url="https://a.example/y")
    diff = diff_articles(old, new)
    assert diff.changed and diff.changed_fields() == ["canonical_url", "language"]
