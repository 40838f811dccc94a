"""Deciding whether an article changed: meaning, not spelling; the page, not the
extractor. Each case is two readings (the article and the words on its page) of the kind
real recaptures years apart give."""

from __future__ import annotations

from dataclasses import replace

import pytest

from redline.archive.core.models import Article
from redline.archive.extract.pagetext import contains, fold, visible_text
from redline.archive.ingest.decide import Reading, author_names, decide, reconcile

BODY = (
    "Flood waters began to recede across Riverton on Saturday, officials said.",
    "More than 3,400 residents remained in emergency shelters overnight.",
    "The river crested at 31.2 feet late on Thursday, nine feet above flood stage.",
)
ARTICLE = Article(
    title="Flood waters recede in Riverton",
    byline="Ann Lee and Bo Park",
    published="2026-03-14T08:00:00-04:00",
    canonical_url="http://www.ledger.example/news/flood",
    language="en",
    paragraphs=BODY,
)


def page(article: Article, *extra: str) -> str:
    """The words of a page showing ``article`` (and ``extra`` furniture), folded."""
    parts = [article.title or "", f"By {article.byline}" if article.byline else "", *extra]
    return fold(" ".join([*parts, *article.paragraphs]))


def reading(article: Article, *extra: str, text: str | None = None) -> Reading:
    return Reading(article, page(article, *extra) if text is None else text)


def test_the_same_article_is_unchanged() -> None:
    assert not decide(reading(ARTICLE), reading(ARTICLE)).is_changed


@pytest.mark.parametrize(
    ("field", "value", "seen"),
    [
        ("canonical_url", "https://www.ledger.example/news/flood/", "canonical URL"),
        ("canonical_url", "https://www.ledger.example/2026/03/14/flood", "canonical URL"),
        ("language", "en-US", "language"),
        ("language", None, "language"),
        ("modified", "2026-03-15T10:00:00Z", "modified date"),
        ("published", "2026-03-14T12:00:00Z", "published date"),  # the same instant
        ("published", "2026-03-14", "published date"),  # a date against a time that day
        ("published", None, "published date"),  # JSON-LD in one capture only
    ],
)
def test_what_a_reader_does_not_see_is_never_a_version(
    field: str, value: str | None, seen: str
) -> None:
    decision = decide(reading(ARTICLE), reading(replace(ARTICLE, **{field: value})))
    assert not decision.is_changed
    assert seen in decision.seen
    assert decision.note() == f"the page changed, the article did not: {seen}"


def test_a_publication_date_moved_by_days_is_an_edit() -> None:
    backdated = replace(ARTICLE, published="2026-03-10T08:00:00-04:00")
    old, new = reading(ARTICLE, "March 14, 2026"), reading(backdated, "March 10, 2026")
    assert decide(old, new).changed == ("published",)


@pytest.mark.parametrize(
    "byline",
    [
        "ANN LEE AND BO PARK",
        "By Ann Lee, Bo Park",
        "Updated by Ann Lee & Bo Park",
        "Ann Lee @annlee and Bo Park (Riverton bureau)",
    ],
)
def test_a_byline_is_its_set_of_names(byline: str) -> None:
    assert author_names(byline) == {"ann lee", "bo park"}
    assert not decide(reading(ARTICLE), reading(replace(ARTICLE, byline=byline))).is_changed


def test_a_byline_found_in_one_capture_only_is_not_an_edit_while_the_page_shows_it() -> None:
    old = reading(ARTICLE)
    new = Reading(replace(ARTICLE, byline=None), page(ARTICLE))  # the page still says "By"
    decision = decide(old, new)
    assert not decision.is_changed and "byline" in decision.seen


def test_a_byline_the_page_no_longer_shows_is_an_edit() -> None:
    new = replace(ARTICLE, byline="Ann Lee")
    decision = decide(reading(ARTICLE), reading(new))
    assert decision.changed == ("byline",)


def test_a_byline_given_only_in_metadata_is_never_an_edit() -> None:
    """A byline read from JSON-LD or a meta tag that neither page shows: the template
    that carried it changed, not what a reader sees."""
    hidden = replace(ARTICLE, byline="Desk Account")
    unshown = Reading(hidden, fold(" ".join([ARTICLE.title or "", *BODY])))
    for old, new in ((unshown, reading(replace(ARTICLE, byline=None))), (unshown, unshown)):
        decision = decide(old, replace(new, text=unshown.text))
        assert not decision.is_changed
    gone = decide(unshown, Reading(replace(ARTICLE, byline=None), unshown.text))
    assert "byline" in gone.seen


def test_a_line_shown_with_an_inline_formula_between_its_words_is_not_an_edit() -> None:
    """The extractor leaves inline math (or an image) out of a paragraph, so the line
    it reads stands on neither page word for word; a page that still shows its words
    in order shows the line."""
    line = "For a quadratic there are two solutions to and they are real."
    shown = fold("For a quadratic there are two solutions to ax2 + bx + c = 0 and they are real.")
    old = Reading(replace(ARTICLE, paragraphs=(*BODY, line)), fold(" ".join(BODY)) + " " + shown)
    new = Reading(ARTICLE, old.text)
    assert not decide(old, new).is_changed
    # An edit inside such a line still counts: the page no longer shows its words.
    edited = shown.replace("two solutions", "no solutions")
    assert decide(old, Reading(ARTICLE, fold(" ".join(BODY)) + " " + edited)).is_changed


def test_a_sentence_found_on_the_other_page_is_not_an_edit() -> None:
    """The extractor left a paragraph out of one capture (a new template wraps it in a
    box) or moved it to the standfirst; the page still shows it."""
    shorter = replace(ARTICLE, paragraphs=BODY[1:], subtitle=BODY[0])
    decision = decide(reading(ARTICLE), Reading(shorter, page(ARTICLE)))
    assert not decision.is_changed
    assert decision.seen == ("standfirst", "body layout")


def test_a_changed_figure_is_an_edit() -> None:
    edited = replace(ARTICLE, paragraphs=(BODY[0], BODY[1].replace("3,400", "3,100"), BODY[2]))
    decision = decide(reading(ARTICLE), reading(edited))
    assert decision.changed == ("body",)
    assert "3 100" in decision.why["body"]


def test_a_removed_sentence_is_an_edit() -> None:
    cut = replace(ARTICLE, paragraphs=BODY[:2])
    decision = decide(reading(ARTICLE), reading(cut))
    assert decision.changed == ("body",)
    assert decision.why["body"].startswith("sentence removed: the river crested")


def test_typography_and_spacing_are_not_edits() -> None:
    typeset = replace(
        ARTICLE,
        title="Flood waters recede in\u00a0Riverton",
        paragraphs=(BODY[0].replace("officials", "officials"), BODY[1], BODY[2] + "  "),
    )
    quotes_a = replace(ARTICLE, paragraphs=(*BODY, 'She said: "We are safe."'))
    quotes_b = replace(ARTICLE, paragraphs=(*BODY, "She said: \u201cWe are safe.\u201d"))
    assert not decide(reading(ARTICLE), reading(typeset)).is_changed
    assert not decide(reading(quotes_a), reading(quotes_b)).is_changed


def test_furniture_lines_are_not_text() -> None:
    """A rail heading, a time stamp or a share button a new template adds, not found on
    the old page, is no edit; a sentence is."""
    with_rail = replace(
        ARTICLE,
        paragraphs=(
            *BODY,
            "Top Searches",
            "Updated: Oct 9, 2019, 11:05 IST",
            "Watch now",
            "Watch India, Pakistan should take bilateral route to resolve all disputes: China",
            "Read more: Bridge closed after the flood",
            "In Video:India, Pakistan should take bilateral route to resolve all disputes",
        ),
    )
    assert not decide(reading(ARTICLE), reading(with_rail)).is_changed
    with_update = replace(ARTICLE, paragraphs=(*BODY, "The mayor resigned on Sunday."))
    assert decide(reading(ARTICLE), reading(with_update)).changed == ("body",)


def test_a_headline_is_read_by_its_parts() -> None:
    # The site's name is on both pages (its logo): a title that adds it is no edit.
    seo = replace(ARTICLE, title="Flood waters recede in Riverton | The Ledger")
    text = page(ARTICLE, "The Ledger")
    assert not decide(reading(ARTICLE, "The Ledger"), Reading(seo, text)).is_changed
    swapped_old = replace(ARTICLE, title="Special report: Flood waters recede in Riverton (1/2)")
    swapped_new = replace(ARTICLE, title="Flood waters recede in Riverton: Special report")
    assert not decide(reading(swapped_old), reading(swapped_new)).is_changed
    rewritten = replace(ARTICLE, title="Riverton counts the cost of the flood")
    assert decide(reading(ARTICLE), reading(rewritten)).changed == ("title",)


def test_moved_paragraphs_are_an_edit() -> None:
    moved = replace(ARTICLE, paragraphs=(BODY[2], BODY[0], BODY[1]))
    assert decide(reading(ARTICLE), reading(moved)).why["body"] == "paragraphs moved"


def test_reconcile_shows_only_what_the_page_changed() -> None:
    old = reading(ARTICLE)
    new_article = replace(
        ARTICLE,
        byline=None,  # not found by the extractor, still on the page
        modified="2026-03-15T10:00:00Z",  # found in one capture only
        paragraphs=(*BODY, "The mayor resigned on Sunday."),
    )
    new = Reading(new_article, page(new_article) + " by ann lee and bo park")
    before, after = reconcile(old, new)
    assert before.byline == after.byline == "Ann Lee and Bo Park"
    assert before.modified == after.modified == "2026-03-15T10:00:00Z"
    assert after.paragraphs[-1] == "The mayor resigned on Sunday."


def test_visible_text_keeps_inline_words_whole_and_leaves_out_what_is_hidden() -> None:
    html = (
        "<html><head><title>SEO title</title></head><body><h1>Head</h1><p>By Emma Grey"
        " Elli<span>s</span></p><script>var x = 'hidden';</script>"
        "<div style='display:none'>secret</div><p>Last <a href='/x'>said<span class="
        "'sr-only'>opens a new window</span></a>.</p></body></html>"
    )
    text = fold(visible_text(html))
    assert text == "head by emma grey ellis last said"
    assert contains(text, "emma grey ellis") and not contains(text, "grey elli")


def test_pages_showing_the_same_words_are_never_an_edit() -> None:
    """However differently two templates' markup reads (a date or byline only in one's
    metadata, a paragraph merged with a label), pages that show a reader the very same
    words hold the same article; what the extractor read differently is noted."""
    words = page(ARTICLE)
    moved_date = replace(ARTICLE, published="2027-01-01T00:00:00Z", paragraphs=BODY[:2])
    decision = decide(Reading(ARTICLE, words), Reading(moved_date, words))
    assert not decision.is_changed
    assert decision.note() == "the page changed, the article did not: published date, body layout"
    # The same readings over pages that differ are an edit.
    assert decide(Reading(ARTICLE, words), reading(moved_date)).is_changed


def test_an_edit_to_an_article_given_in_noscript_is_an_edit() -> None:
    """Some pages give their article only inside <noscript> (a script renders it for
    browsers); the extractor reads it there, so the page's words include it too and an
    edit to it is never taken for a page that shows the same words."""
    from redline.archive.extract.reader import analyse

    def page_with(body: tuple[str, ...]) -> bytes:
        paragraphs = "".join(f"<p>{p}</p>" for p in body)
        return (
            "<html><head><title>Flood waters recede in Riverton</title></head><body>"
            "<h1>Flood waters recede in Riverton</h1><div id='app'></div>"
            f"<noscript><article>{paragraphs}</article></noscript></body></html>"
        ).encode()

    url = "https://www.ledger.example/news/flood"
    before = analyse(page_with(BODY), url, "text/html", 200, False)
    edited = (BODY[0], BODY[1].replace("3,400", "3,100"), BODY[2])
    after = analyse(page_with(edited), url, "text/html", 200, True)
    assert before.article.paragraphs == BODY
    decision = decide(Reading(before.article, before.text), Reading(after.article, after.text))
    assert decision.changed == ("body",)
