"""Headlines and bylines written with lookalike letters of another alphabet are flagged.

``СNN rеports`` (its С and е Cyrillic) reads as "CNN reports". A word mixing Latin,
Cyrillic and Greek letters is named, letter by letter with its code point, in every
format of the diff report (text, Markdown, HTML, JSON) as a warning: it grades
nothing, so it never makes an edit major or stealthy by itself. Text in one alphabet,
and Latin beside scripts that do not look like it, is never flagged.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import Result

from redline.archive.core.models import Article
from redline.archive.diff.model import DiffReport, VersionRef, diff_articles
from redline.archive.diff.scripts import mixed_words
from redline.archive.diff.significance import assess
from redline.archive.render.diff_text import render_text

Run = Callable[..., Result]
URL = "https://news.example/2026/11/flood"

#: Words that mix lookalike alphabets: the word, and the letters to be named.
ATTACKS = {
    "СNN": ["С U+0421"],  # Cyrillic capital Es for C
    "rеports": ["е U+0435"],  # Cyrillic small Ie for e
    "Rеutеrs": ["е U+0435"],
    "Аpple": ["А U+0410"],
    "paypаl": ["а U+0430"],
    "gооgle": ["о U+043E"],
    "Miсrosoft": ["с U+0441"],
    "ΒBC": ["Β U+0392"],  # Greek capital Beta for B
    "Nοw": ["ο U+03BF"],  # Greek omicron for o
    "USΑ": ["Α U+0391"],
    "Мoсква": ["o U+006F"],  # a Latin o in a Russian word
    "Αθηνa": ["a U+0061"],  # a Latin a in a Greek word
    "Рrеsіdеnt": ["Р U+0420", "е U+0435", "і U+0456"],
}

#: Headlines and bylines that are not attacks: one alphabet, or scripts unlike Latin.
LEGITIMATE = [
    "Москва объявила о новых мерах поддержки",  # Russian
    "Η Αθήνα ψηφίζει τον νέο προϋπολογισμό",  # Greek, accents included
    "Україна і Європа підписали угоду",  # Ukrainian
    "トヨタ、新型iPhone対応の車を発表",  # Japanese: kana, kanji and a Latin brand
    "東京オリンピックでNHKが中継",  # kanji, katakana, Latin
    "苹果发布新款iPhone手机",  # Chinese and Latin
    "서울시, AI 교통 시스템 도입",  # Korean
    "مصر تعلن عن خطة جديدة",  # Arabic
    "Hà Nội mở rộng đường vành đai",  # Vietnamese: Latin with diacritics
    "Apple представила новый iPhone в Москве",  # Latin and Cyrillic words side by side
    "Coca-Кола и Pepsi-Кола",  # the hyphen separates the two alphabets
    "Naïve café owners in Zürich and Kraków",  # Latin accents, precomposed
    "Cafe\u0301 owners say no",  # a combining accent
    "TNFα and PPARγ levels in the study",  # acronyms with a Greek letter
    "By Ана Иванова and John Smith",  # each name in one alphabet
    "Δ variant spreads; π day",  # Greek letters standing alone
]

PARAGRAPHS = (
    "The river fell two metres overnight, officials in Riverton said on Saturday "
    "morning after a long week of rain.",
    "Residents began returning to their homes along the bank, where the water had "
    "reached the first floors of many houses.",
    "The mayor thanked volunteers who filled sandbags through the night and said the "
    "town would recover within weeks.",
)


@pytest.mark.parametrize("word", list(ATTACKS))
def test_a_word_mixing_lookalike_alphabets_is_flagged(word: str) -> None:
    [found] = mixed_words("headline", f"Breaking: {word} says so")
    assert found.word == word
    assert [f"{ch} {code}" for ch, code, _ in found.letters] == ATTACKS[word]


@pytest.mark.parametrize("text", LEGITIMATE)
def test_text_in_one_alphabet_or_unlike_scripts_is_not_flagged(text: str) -> None:
    assert mixed_words("headline", text) == []


def _article(title: str, byline: str | None = "By Ana Ruiz", *extra: str) -> Article:
    return Article(title=title, byline=byline, paragraphs=(*PARAGRAPHS, *extra))


def test_the_warning_comes_first_and_grades_nothing() -> None:
    """The same edit, with and without lookalike letters in the new headline and byline:
    the same severity and stealth verdict; only the warning and its signal differ."""
    old = _article("Flood waters recede in Riverton")
    plain = _article("CNN: flood waters recede", "By Anna Smith", "A fourth paragraph.")
    spoofed = _article("СNN: flood waters rеcede", "By Аnna Smith", "A fourth paragraph.")
    clean = assess(old, plain, diff_articles(old, plain))
    flagged = assess(old, spoofed, diff_articles(old, spoofed))
    assert (flagged.severity, flagged.stealth) == (clean.severity, clean.stealth)
    assert flagged.reasons[0] == (
        "lookalike letters in headline: “СNN” (Cyrillic С U+0421 among Latin), "
        "“rеcede” (Cyrillic е U+0435 among Latin); "
        "byline: “Аnna” (Cyrillic А U+0410 among Latin)"
    )
    assert not any("lookalike" in reason for reason in clean.reasons)
    assert [w["word"] for w in flagged.signals["mixed_scripts"]] == ["СNN", "rеcede", "Аnna"]
    assert clean.signals["mixed_scripts"] == []


def test_an_unchanged_spoofed_headline_is_flagged_with_no_severity() -> None:
    spoofed = _article("СNN rеports a flood")
    verdict = assess(spoofed, spoofed, diff_articles(spoofed, spoofed))
    assert (verdict.severity, verdict.stealth) == ("none", False)
    assert verdict.reasons[0].startswith("lookalike letters in headline: “СNN”")


def test_the_text_diff_of_an_unchanged_spoofed_headline_still_warns() -> None:
    spoofed = _article("СNN rеports a flood")
    diff = diff_articles(spoofed, spoofed)
    report = DiffReport(URL, VersionRef(1, "2026-11-20T08:00:00Z"),
                        VersionRef(2, "2026-11-20T10:00:00Z"), diff, title=spoofed.title,
                        significance=assess(spoofed, spoofed, diff))  # fmt: skip
    text = render_text(report, color=False)
    assert "Warning: lookalike letters in headline: “СNN” (Cyrillic С U+0421" in text
    assert "Severity" not in text


def test_a_legitimate_headline_change_is_not_flagged() -> None:
    old = _article(LEGITIMATE[0])
    new = _article(LEGITIMATE[3], "By Ана Иванова")
    verdict = assess(old, new, diff_articles(old, new))
    assert not any("lookalike" in reason for reason in verdict.reasons)
    assert verdict.signals["mixed_scripts"] == []


# -- every format of `redline diff`, from captured pages ---------------------------------------


def _page(folder: Path, name: str, title: str, byline: str, extra: str = "") -> Path:
    paragraphs = "".join(f"<p>{p}</p>" for p in (*PARAGRAPHS, extra) if p)
    page = folder / name
    page.write_text(
        f"<html><head><meta charset='utf-8'><title>{title}</title>"
        f"<meta name='author' content='{byline}'></head><body><article>"
        f"<h1>{title}</h1><p class='byline'>By {byline}</p>{paragraphs}</article></body></html>",
        encoding="utf-8",
    )
    return page


@pytest.fixture
def spoofed(redline: Run, tmp_path: Path) -> None:
    """v1 with a Latin headline, v2 with Cyrillic letters in its headline and a new
    paragraph."""
    pages = [
        (_page(tmp_path, "v1.html", "CNN reports flood waters recede", "Anna Smith"),
         "2026-11-20T08:00:00Z"),
        (_page(tmp_path, "v2.html", "СNN rеports flood waters recede", "Anna Smith",
               "The council will meet on Monday to count the cost of the damage."),
         "2026-11-20T10:00:00Z"),
    ]  # fmt: skip
    for page, at in pages:
        result = redline("capture", "--html", str(page), "--url", URL, "--at", at)
        assert result.exit_code == 0, result.output


WORDS = ("СNN", "U+0421", "rеports", "U+0435")


@pytest.mark.parametrize("fmt", ["text", "markdown", "html"])
def test_every_format_of_the_diff_names_the_lookalike_letters(
    fmt: str, redline: Run, spoofed: None
) -> None:
    result = redline("diff", URL, "1", "2", "--format", fmt)
    assert result.exit_code == 0, result.output
    for word in WORDS:
        assert word in result.stdout, (fmt, word)
    assert "lookalike letters in headline" in result.stdout


def test_the_json_diff_has_the_signal_and_the_reason(redline: Run, spoofed: None) -> None:
    result = redline("diff", URL, "1", "2", "--format", "json")
    assert result.exit_code == 0, result.output
    significance = json.loads(result.stdout)  # its keys at the top level
    assert significance["reasons"][0].startswith("lookalike letters in headline: “СNN”")
    assert significance["signals"]["mixed_scripts"] == [
        {"field": "headline", "word": "СNN", "script": "Latin",
         "letters": [["С", "U+0421", "Cyrillic"]]},
        {"field": "headline", "word": "rеports", "script": "Latin",
         "letters": [["е", "U+0435", "Cyrillic"]]},
    ]  # fmt: skip
