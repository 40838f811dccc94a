"""Significance: each rule on realistic news sentences, and the stealth verdict."""

from __future__ import annotations

from dataclasses import replace

import pytest

from redline.archive.core.models import Article
from redline.archive.diff.model import ArticleDiff, Significance, diff_articles
from redline.archive.diff.significance import assess
from redline.archive.diff.textfacts import names, numbers_and_dates, quotes

LEDE = (
    "Flood waters began to recede across Riverton on Saturday morning, but officials "
    "said the death toll had risen to 12."
)
SECOND = (
    "More than 10,000 residents remained in emergency shelters overnight, according to "
    "the county's emergency management office."
)
THIRD = "Volunteers from neighbouring towns arrived with boats and trucks."
MODIFIED = "2026-03-14T07:30:00Z"


def article(*paragraphs: str, **fields: object) -> Article:
    values: dict[str, object] = {
        "title": "Flood waters recede in Riverton as death toll rises",
        "byline": "Dana Whitfield",
        "published": MODIFIED,
        "modified": MODIFIED,
        "paragraphs": paragraphs or (LEDE, SECOND, THIRD),
    }
    values.update(fields)
    return Article(**values)  # type: ignore[arg-type]


def grade(old: Article, new: Article) -> Significance:
    return assess(old, new, diff_articles(old, new))


def edit(paragraph: int, before: str, after: str, **fields: object) -> Significance:
    """Replace ``before`` with ``after`` in one paragraph of the standard article."""
    old = article()
    paragraphs = list(old.paragraphs)
    assert before in paragraphs[paragraph]
    paragraphs[paragraph] = paragraphs[paragraph].replace(before, after)
    return grade(old, replace(old, paragraphs=tuple(paragraphs), **fields))


# -- numbers -----------------------------------------------------------------------------


def test_a_changed_figure_is_major_however_small() -> None:
    result = edit(1, "10,000", "12,000")
    assert result.severity == "major"
    assert "number changed: 10,000 → 12,000" in result.reasons


def test_written_out_number_against_digits_is_a_number_change() -> None:
    result = edit(0, "risen to 12", "risen to nine")
    assert result.severity == "major"
    assert "number changed: 12 → nine" in result.reasons


@pytest.mark.parametrize(
    ("before", "after"),
    [("12 million", "12,000,000"), ("12%", "12 percent"), ("nine", "9"), ("1.5", "1.50")],
)
def test_the_same_value_written_differently_is_not_a_number_change(before: str, after: str) -> None:
    [old], _ = numbers_and_dates(f"about {before} homes")
    [new], _ = numbers_and_dates(f"about {after} homes")
    assert old.key == new.key


def test_removed_number_and_decimal_change() -> None:
    assert "number removed: 10,000" in edit(1, "More than 10,000", "Many").reasons
    crest = "The river crested at 31.2 feet."
    result = grade(article(LEDE, crest), article(LEDE, crest.replace("31.2", "31.5")))
    assert result.reasons == ("number changed: 31.2 → 31.5",)


# -- minor -------------------------------------------------------------------------------


def test_a_typo_fix_is_minor() -> None:
    result = edit(2, "neighbouring", "neighboring")
    assert result.severity == "minor"
    assert result.reasons == ("spelling: neighbouring → neighboring",)
    assert not result.stealth


def test_punctuation_capitalisation_and_typography_are_minor() -> None:
    assert edit(2, "boats and trucks.", "boats, and trucks.").reasons == ("punctuation changed",)
    assert edit(2, "Volunteers from", "volunteers from").severity == "minor"
    quoted = 'The mayor said "we will rebuild" on Friday.'
    curly = "The mayor said “we will rebuild” on Friday."
    result = grade(article(LEDE, quoted), article(LEDE, curly))
    assert result.severity == "minor" and result.reasons == ("typography changed",)


def test_a_figure_written_another_way_is_minor() -> None:
    assert edit(1, "More than 10,000", "More than ten thousand").reasons == (
        "number style changed",
    )
    rate = "Unemployment rose to 5% in March."
    result = grade(article(LEDE, rate), article(LEDE, rate.replace("5%", "five percent")))
    assert result.severity == "minor" and not result.stealth


def test_a_short_word_swap_is_not_spelling() -> None:
    # "trucks" → "vans" is another word, not a respelling: rewording
    result = edit(2, "boats and trucks", "boats and vans")
    assert result.severity == "moderate"


# -- moderate ----------------------------------------------------------------------------


def test_reordering_words_in_a_sentence_is_moderate() -> None:
    old = article(LEDE, "On Friday, officials closed the Sable River bridge to traffic.")
    new = article(LEDE, "Officials closed the Sable River bridge to traffic on Friday.")
    result = grade(old, new)
    assert result.severity == "moderate"
    assert result.reasons == ("wording changed",)
    assert result.stealth


def test_rewording_without_new_facts_is_moderate() -> None:
    result = edit(2, "arrived with boats and trucks", "came with boats and trucks")
    assert result.severity == "moderate" and result.stealth


# -- major -------------------------------------------------------------------------------


def test_attribution_verb_changed_is_major() -> None:
    result = edit(0, "officials said", "officials claimed")
    assert result.severity == "major"
    assert "attribution changed: said → claimed" in result.reasons


def test_attribution_removed_is_major() -> None:
    result = edit(1, ", according to the county's emergency management office.", ".")
    assert "attribution removed: according to" in result.reasons


def test_quote_removed_is_major() -> None:
    quoted = (
        "Mayor Elena Park said the city was ready. “We have done everything we can to "
        "protect people,” she told reporters."
    )
    result = grade(
        article(LEDE, quoted), article(LEDE, "Mayor Elena Park said the city was ready.")
    )
    assert result.severity == "major"
    assert result.reasons == (
        "sentence removed: “We have done everything we can to protect people,” she…",
    )
    kept = "Mayor Elena Park said the city was ready, “and we are.”"
    dropped = grade(article(LEDE, kept), article(LEDE, "Mayor Elena Park said the city was ready."))
    assert dropped.reasons == ("quote removed: “and we are.”",)


def test_quote_changed_is_major_but_a_typo_in_a_quote_is_not() -> None:
    before = "“The city was not prepared for a flood of this size,” Mayor Elena Park said."
    reworded = "“This was a flood of historic size,” Mayor Elena Park said."
    changed = grade(article(LEDE, before), article(LEDE, reworded))
    assert changed.severity == "major"
    assert changed.reasons == (
        "quote changed: “The city was not prepared for a flood…” → “This was a flood of "
        "historic size,”",
        "negation removed: not",
    )
    typo = before.replace("prepared", "prepraed")
    assert grade(article(LEDE, typo), article(LEDE, before)).severity == "minor"


def test_negation_added_is_major() -> None:
    result = edit(2, "arrived with", "never arrived with")
    assert "negation added: never" in result.reasons
    contraction = "The levee didn't hold."
    result = grade(article(LEDE, contraction), article(LEDE, "The levee did hold."))
    assert result.reasons == ("negation removed: not",)


def test_date_and_time_changes_are_major() -> None:
    assert "date changed: Saturday → Sunday" in edit(0, "Saturday", "Sunday").reasons
    assert "date changed: morning → evening" in edit(0, "morning", "evening").reasons
    timed = "The river crested at 3 p.m. on March 14."
    later = grade(article(LEDE, timed), article(LEDE, timed.replace("3 p.m.", "5 p.m.")))
    assert "date changed: 3 p.m. → 5 p.m." in later.reasons
    day = grade(article(LEDE, timed), article(LEDE, timed.replace("14", "15")))
    assert "date changed: 14 → 15" in day.reasons


def test_a_changed_name_is_major() -> None:
    old = "The evacuation order was signed by Mayor Elena Park on Friday."
    new = old.replace("Elena Park", "Elena Morris")
    result = grade(article(LEDE, old), article(LEDE, new))
    assert result.severity == "major"
    assert result.reasons == ("name changed: Park → Morris",)


def test_a_name_still_there_is_never_a_changed_name() -> None:
    # A possessive written with the other apostrophe, and a name that moves to the
    # start of a sentence, are the same names: "name changed: Park → Park" is noise.
    old = "The order was signed by Mayor Elena Park’s deputy. Crews from Lowell came."
    new = "The order was signed by Mayor Elena Park's deputy on Friday. Lowell crews came."
    result = grade(article(LEDE, old), article(LEDE, new))
    assert not [r for r in result.reasons if r.startswith("name")], result.reasons


def test_names_skip_sentence_starts_months_and_possessives() -> None:
    text = "Officials met on Friday. “We are ready,” said Park's deputy, Ana Ruiz, in March."
    assert names(text) == ["Park", "Ana", "Ruiz"]
    assert quotes(text) == ["We are ready,"]


def test_a_name_after_a_title_abbreviation_is_still_a_name() -> None:
    old = "The order was read by Gov. Ruiz at noon."
    result = grade(article(LEDE, old), article(LEDE, old.replace("Ruiz", "Moreno")))
    assert result.reasons == ("name changed: Ruiz → Moreno",)


def test_headline_change_is_major_and_a_headline_typo_is_not() -> None:
    old = article()
    changed = grade(old, replace(old, title="Riverton flood death toll falls to nine"))
    assert changed.severity == "major" and changed.reasons[0] == "headline changed"
    typo = grade(replace(old, title="Flood watres recede in Riverton as death toll rises"), old)
    assert typo.severity == "minor" and "headline changed" not in typo.reasons


def test_lede_rewording_is_major() -> None:
    result = edit(0, "began to recede", "started receding")
    assert result.severity == "major" and "lede changed" in result.reasons


def test_byline_change_is_major() -> None:
    old = article()
    result = grade(old, replace(old, byline="Dana Whitfield and Marcus Lee"))
    assert result.reasons == ("byline changed: Dana Whitfield → Dana Whitfield and Marcus Lee",)


def test_paragraph_added_removed_and_moved() -> None:
    added = grade(article(), article(LEDE, SECOND, THIRD, "The river is expected to fall."))
    assert added.severity == "major"
    assert added.reasons == ("paragraph added: The river is expected to fall.",)
    removed = grade(article(), article(LEDE, THIRD))
    assert removed.severity == "major"
    assert removed.reasons[0].startswith("paragraph removed: More than 10,000 residents")
    moved = grade(article(), article(LEDE, THIRD, SECOND))
    assert moved.severity == "moderate"
    assert moved.reasons[0].startswith("paragraph moved")


def test_paragraphs_are_aligned_here_when_the_diff_has_none() -> None:
    old, new = article(), article(LEDE, THIRD.replace("boats", "rafts"), "A new paragraph.")
    diff = diff_articles(old, new)
    flat = ArticleDiff(**{**diff.__dict__, "paragraphs": ()})
    assert assess(old, new, flat).reasons == assess(old, new, diff).reasons
    assert any(r.startswith("paragraph removed: More than") for r in assess(old, new, flat).reasons)


def test_reasons_list_the_most_severe_first() -> None:
    old = article()
    new = replace(
        old,
        paragraphs=(LEDE, SECOND.replace("10,000", "12,000"), THIRD.replace("boats", "boat")),
    )
    new = replace(new, title="Flood waters recede in Riverton as death toll Rises")
    assert grade(old, new).reasons == (
        "number changed: 10,000 → 12,000",
        "capitalisation changed",
        "spelling: boats → boat",
    )


# -- corrections, metadata and stealth -------------------------------------------------------

CORRECTION = (
    "Correction, March 14: An earlier version of this article misstated the number of "
    "deaths. Nine people have died, not 12."
)


def test_a_silent_figure_change_is_stealth() -> None:
    result = edit(0, "risen to 12", "risen to 9")
    assert result.severity == "major" and result.stealth
    assert result.signals == {
        "modified_changed": False,
        "modified": {"old": MODIFIED, "new": MODIFIED},
        "correction_added": False,
        "editors_note_added": False,
        "updated_label": None,
        "mixed_scripts": [],
    }


def test_an_added_correction_is_major_and_not_stealth() -> None:
    old = article()
    new = replace(old, paragraphs=(*old.paragraphs, CORRECTION), corrections=(CORRECTION,))
    result = grade(old, new)
    assert result.severity == "major" and result.reasons == ("correction added",)
    assert not result.stealth and result.signals["correction_added"] is True
    assert grade(new, old).reasons == ("correction removed",)


def test_an_editors_note_is_its_own_signal() -> None:
    note = "Editor's note: This article has been updated with comment from the city."
    old = article()
    new = replace(old, paragraphs=(LEDE.replace("12", "9"), SECOND, THIRD, note))
    new = replace(new, corrections=(note,))
    result = grade(old, new)
    assert "editor's note added" in result.reasons
    assert result.signals["editors_note_added"] is True and not result.stealth


def test_a_changed_modified_date_admits_the_edit() -> None:
    result = edit(0, "risen to 12", "risen to 9", modified="2026-03-14T14:05:00Z")
    assert result.severity == "major" and not result.stealth
    assert result.signals["modified_changed"] is True


def test_a_missing_modified_date_admits_nothing() -> None:
    result = edit(0, "risen to 12", "risen to 9", modified=None)
    assert result.stealth and result.signals["modified_changed"] is False
    old = article(modified=None)
    new = replace(old, paragraphs=(LEDE.replace("12", "9"), SECOND, THIRD))
    unknown = grade(old, new)
    assert unknown.stealth and unknown.signals["modified_changed"] is None


def test_only_the_modified_date_changed_is_not_an_edit() -> None:
    old = article()
    result = grade(old, replace(old, modified="2026-03-15T09:00:00Z"))
    assert result.severity == "none" and not result.stealth
    assert result.reasons == ("only the modified date changed",)
    same = grade(old, old)
    assert same.severity == "none" and same.reasons == () and not same.stealth


def test_a_minor_edit_is_never_stealth() -> None:
    assert not edit(2, "neighbouring", "neighboring").stealth


def test_published_date_change_is_major() -> None:
    old = article()
    result = grade(old, replace(old, published="2026-03-13T07:30:00Z"))
    assert result.reasons == (f"published date changed: {MODIFIED} → 2026-03-13T07:30:00Z",)


# -- sentences, quotes and moves, as an editor reads them ------------------------------------


def test_a_changed_quote_is_a_quote_change_not_a_date() -> None:
    before = "“We spent the night on the roof waiting for a boat,” said Maria Ochoa."
    after = "“We spent hours on the roof waiting for anyone,” said Maria Ochoa."
    result = grade(article(LEDE, before), article(LEDE, after))
    assert result.severity == "major"
    assert result.reasons == (
        "quote changed: “We spent the night on the roof waiting…” → “We spent hours on the "
        "roof waiting for…”",
    )


@pytest.mark.parametrize(
    ("text", "dates"),
    [
        ("a night of terror in the dark", []),
        ("the morning after the flood", []),
        ("on Saturday morning", ["Saturday", "morning"]),
        ("last night", ["night"]),
        ("this weekend", ["weekend"]),
        ("they met at noon", ["noon"]),
        ("officials said yesterday", ["yesterday"]),
    ],
)
def test_parts_of_a_day_are_dates_only_next_to_a_day(text: str, dates: list[str]) -> None:
    assert [d.text for d in numbers_and_dates(text)[1]] == dates


def test_a_removed_sentence_is_named() -> None:
    kept = "Volunteers from neighbouring towns arrived with boats and trucks."
    cut = "The levee on the east bank did not hold."
    result = grade(article(LEDE, f"{kept} {cut}"), article(LEDE, kept))
    assert result.severity == "major"
    assert result.reasons == ("sentence removed: The levee on the east bank did not hold.",)
    assert grade(article(LEDE, kept), article(LEDE, f"{kept} {cut}")).reasons == (
        "sentence added: The levee on the east bank did not hold.",
    )


def test_a_sentence_without_facts_is_moderate_and_long_ones_are_clipped() -> None:
    colour = (
        "It was a long and miserable wait for everybody who had gathered on the high "
        "ground above the river."
    )
    result = grade(article(LEDE, THIRD), article(LEDE, f"{THIRD} {colour}"))
    assert result.severity == "moderate"
    assert result.reasons == (
        "sentence added: It was a long and miserable wait for everybody who had…",
    )


def test_an_edited_sentence_beside_a_removed_one_keeps_its_facts() -> None:
    old = "Officials counted 12 deaths. The levee did not hold. Roads were closed."
    new = "Officials counted 9 deaths. Roads were closed."
    assert grade(article(LEDE, old), article(LEDE, new)).reasons == (
        "sentence removed: The levee did not hold.",
        "number changed: 12 → 9",
    )


def test_a_moved_paragraph_moves_no_words() -> None:
    old = article()
    new = article(LEDE, THIRD, SECOND)
    diff = diff_articles(old, new)
    assert diff.inserted_words == diff.deleted_words == 0
    assert [p.op for p in diff.paragraphs] == ["=", ">", "="]
    edited = diff_articles(old, article(LEDE, THIRD, SECOND.replace("10,000", "12,000")))
    assert edited.inserted_words == edited.deleted_words == 1


def test_a_modified_date_moved_back_admits_nothing() -> None:
    # A revert that takes a correction down and restores the old modified date: the
    # page changed its text and said nothing, so it is a stealth edit.
    corrected = article(
        LEDE,
        SECOND,
        THIRD,
        modified="2026-03-14T14:05:00Z",
        corrections=("Correction: an earlier version misstated the death toll.",),
    )
    reverted = article(LEDE.replace("12", "9"), SECOND, THIRD, modified=MODIFIED)
    result = grade(corrected, reverted)
    assert result.severity == "major" and result.stealth
    assert result.signals["modified_changed"] is True
    # Moved on, the same date admits the edit.
    later = replace(reverted, modified="2026-03-15T09:00:00Z")
    assert not grade(corrected, later).stealth
