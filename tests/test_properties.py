"""No ordinary text breaks the diff, the grading or a rendering.

Real paragraphs (the Readability corpus's when ``../shared`` is there, built-in ones
always) get random edits: words inserted, deleted and replaced by figures of every
notation, quotes, punctuation, other scripts, emoji, control characters and empty
strings; paragraphs added, removed, moved, split, merged, emptied. Each pair of versions
must diff so that both texts rebuild exactly, grade without an exception, and render
in every format.
"""

from __future__ import annotations

from dataclasses import replace

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from redline.archive.core.models import Article
from redline.archive.diff.numbers import figure_key, read_number
from redline.archive.diff.textchange import compare_text
from redline.archive.diff.textfacts import numbers_and_dates, sentences
from redline.archive.diff.words import diff_words, new_text, old_text
from tests.support.corpus import FALLBACK, NO_CORPUS, corpus_paragraphs, real_paragraphs
from tests.support.diffcheck import check_pair

FIGURES = [
    "2.1.3", "192.168.0.1", "12.03.2024", "10.30", "3-2", "1/2", "€1.234,56", "$1,234.56",
    "1,234,567", "1.234.567", "1 234 567", "1\u202f234\u202f567", "1'234'567", "12,34,567",
    "1,5", "0,250", "-5", "\u22125", "12%", "12 percent", "1.5 million", "nine",
    "twenty-one", "a dozen", "\u0663\u0664\u0665", "²", "½", "10:30", "3 p.m.",
    "2026-03-14", "9/11", "24/7", "1,,2", "1.", ".5", "007", "1e10", "99999999999999999999",
    "$", "€", "%", "£5bn", "5 €", "5'11\"",
]  # fmt: skip
MARKS = [
    "“", "”", '"', "'", "‘", "’", "«", "»", ".", ",", ";", ":", "!", "?", "…", "—", "–",
    "-", "(", ")", "[", "]", "\n", "\n\n", "  ", "\u00a0", "\u200b", "\u00ad", "e\u0301",
    "👍🏽", "👨\u200d👩\u200d👧", "🇫🇷", "日本語", "ไทย", "हिन्दी", "العربية", "Straße", "İ",
    "\t", "\r\n", "\x00", "",
]  # fmt: skip
WORDS = [
    "not", "never", "didn't", "said", "according to", "claimed", "Mr.", "Gov.", "U.S.",
    "Saturday", "night", "morning", "last night", "March", "May", "Elena", "Park",
    "“We will rebuild,”", "\"No.\"", "Correction:", "Editor's note:",
]  # fmt: skip

# Paragraphs of the corpus when it is there, sampled; the built-in ones always.
POOL = real_paragraphs()

token = st.one_of(
    st.sampled_from(FIGURES),
    st.sampled_from(MARKS),
    st.sampled_from(WORDS),
    st.text(max_size=6),
)


@st.composite
def edited(draw: st.DrawFn, text: str) -> str:
    """``text`` with a few words inserted, deleted or replaced."""
    words = text.split(" ")
    for _ in range(draw(st.integers(0, 4))):
        at = draw(st.integers(0, len(words)))
        kind = draw(st.sampled_from(["insert", "delete", "replace"]))
        if kind == "insert" or at == len(words):
            words.insert(at, draw(token))
        elif kind == "delete":
            del words[at]
        else:
            words[at] = draw(token)
    return " ".join(words)


@st.composite
def paragraph(draw: st.DrawFn) -> str:
    return draw(st.sampled_from(POOL))


@st.composite
def new_paragraphs(draw: st.DrawFn, old: list[str]) -> list[str]:
    """``old`` with paragraphs edited, added, removed, moved, split, merged or emptied."""
    new = list(old)
    for _ in range(draw(st.integers(0, 4))):
        kind = draw(
            st.sampled_from(["edit", "add", "remove", "move", "split", "merge", "empty", "copy"])
        )
        if kind == "add" or not new:
            new.insert(draw(st.integers(0, len(new))), draw(edited(draw(paragraph()))))
            continue
        at = draw(st.integers(0, len(new) - 1))
        if kind == "edit":
            new[at] = draw(edited(new[at]))
        elif kind == "remove":
            del new[at]
        elif kind == "move":
            new.insert(draw(st.integers(0, len(new) - 1)), new.pop(at))
        elif kind == "split":
            cut = draw(st.integers(0, len(new[at])))
            new[at : at + 1] = [new[at][:cut], new[at][cut:]]
        elif kind == "merge" and at + 1 < len(new):
            new[at : at + 2] = [new[at] + draw(st.sampled_from([" ", "", "\n"])) + new[at + 1]]
        elif kind == "empty":
            new[at] = draw(st.sampled_from(["", " ", "\n"]))
        elif kind == "copy":
            new.insert(at, new[at])
    return new


@st.composite
def field(draw: st.DrawFn, old: str | None) -> str | None:
    """A title, subtitle or byline: kept, edited, dropped or made up."""
    kind = draw(st.sampled_from(["keep", "keep", "edit", "none", "new"]))
    if kind == "keep":
        return old
    if kind == "edit":
        return draw(edited(old or ""))
    if kind == "none":
        return None
    return draw(edited(draw(paragraph())))


DATES = [None, "2026-03-14T07:30:00Z", "2026-03-14T09:00:00Z", "", "not a date"]


@st.composite
def versions(draw: st.DrawFn) -> tuple[Article, Article]:
    """Two versions of one article."""
    old_paragraphs = draw(st.lists(paragraph(), max_size=5))
    paragraphs = draw(new_paragraphs(old_paragraphs))
    old_corrections = tuple(p for p in old_paragraphs if p.startswith("Correction"))
    old = Article(
        title=draw(st.one_of(st.none(), paragraph())),
        subtitle=draw(st.one_of(st.none(), paragraph())),
        byline=draw(st.sampled_from([None, "Dana Whitfield", "By Ana Ruiz"])),
        published=draw(st.sampled_from(DATES)),
        modified=draw(st.sampled_from(DATES)),
        canonical_url=draw(st.sampled_from([None, "https://news.example/a"])),
        language=draw(st.sampled_from([None, "en", "de"])),
        paragraphs=tuple(old_paragraphs),
        corrections=old_corrections,
    )
    corrections = list(old_corrections)
    if draw(st.booleans()):
        note = draw(st.sampled_from([FALLBACK[-1], "Editor's note: this story was updated."]))
        paragraphs.append(note)
        corrections.append(note)
    new = replace(
        old,
        title=draw(field(old.title)),
        subtitle=draw(field(old.subtitle)),
        byline=draw(field(old.byline)),
        published=draw(st.sampled_from([old.published, *DATES])),
        modified=draw(st.sampled_from([old.modified, *DATES])),
        language=draw(st.sampled_from([old.language, "fr"])),
        paragraphs=tuple(paragraphs),
        corrections=tuple(corrections),
    )
    return old, new


# Derandomized, so that CI runs the same examples every time and writes no database.
FAST = settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
    derandomize=True,
    database=None,
)


@FAST
@given(versions())
def test_edited_articles_diff_grade_and_render(pair: tuple[Article, Article]) -> None:
    check_pair(*pair)


@FAST
@given(versions())
def test_the_change_back_is_as_sound(pair: tuple[Article, Article]) -> None:
    old, new = pair
    check_pair(new, old)
    check_pair(new, new)


@settings(max_examples=100, deadline=None, derandomize=True, database=None)
@given(paragraph().flatmap(lambda p: st.tuples(st.just(p), edited(p))))
def test_an_edited_paragraph_grades_and_rebuilds(pair: tuple[str, str]) -> None:
    old, new = pair
    ops = tuple(diff_words(old, new))
    assert old_text(ops) == old and new_text(ops) == new
    reasons = compare_text(old, new, ops)
    if old != new:
        assert reasons, (old, new)


@settings(max_examples=200, deadline=None, derandomize=True, database=None)
@given(st.lists(st.one_of(token, st.text()), max_size=12).map(" ".join))
def test_any_text_reads_its_figures_and_sentences(text: str) -> None:
    numbers, dates = numbers_and_dates(text)
    assert all(isinstance(f.key, str) and f.text for f in numbers + dates)
    # Sentences are the text in order, cut only at spaces.
    assert "".join("".join(s.split()) for s in sentences(text)) == "".join(text.split())
    for word in text.split():
        value = read_number(word)
        assert value is None or figure_key(word) == figure_key(word.replace("\u2212", "-"))


@pytest.mark.corpus
@pytest.mark.skipif(not corpus_paragraphs(), reason=NO_CORPUS)
def test_the_corpus_paragraphs_are_read() -> None:
    paragraphs = corpus_paragraphs()
    assert len(paragraphs) > 1_000
    # The expected pages are UTF-8: no mojibake such as "â€”" for a dash.
    assert sum("\u00e2\u0080" in p for p in paragraphs) == 0
    assert set(paragraphs) <= set(POOL)
