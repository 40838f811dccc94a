"""clean_text: what reads the same must compare equal; what reads differently must not."""

from __future__ import annotations

import unicodedata

import pytest

from redline.archive.extract.normalize import clean_text


def test_nfd_and_nfc_become_equal() -> None:
    nfd = unicodedata.normalize("NFD", "Renée Müller in São Paulo")
    assert nfd != "Renée Müller in São Paulo"
    assert clean_text(nfd) == "Renée Müller in São Paulo"


@pytest.mark.parametrize("invisible", ["\u00ad", "\u200b", "\u200c", "\u200d", "\u2060", "\ufeff"])
def test_invisible_characters_are_removed(invisible: str) -> None:
    assert clean_text(f"resi{invisible}lience") == "resilience"


@pytest.mark.parametrize("space", ["\u00a0", "\u2009", "\u202f", "\u3000", "\u2002", "\t", "\n"])
def test_unicode_spaces_become_one_space(space: str) -> None:
    assert clean_text(f"$4.2{space}million") == "$4.2 million"


def test_whitespace_collapses_and_strips() -> None:
    assert clean_text("  The  City\n\n  Council \t voted  ") == "The City Council voted"


def test_control_characters_are_dropped() -> None:
    assert clean_text("vote\x07d 5-2") == "voted 5-2"


def test_empty_input() -> None:
    assert clean_text("") == ""
    assert clean_text(" \u00a0\u200b ") == ""


def test_punctuation_changes_are_kept() -> None:
    # A changed quote mark, dash or digit is an edit, not noise.
    assert clean_text("“quoted”") != clean_text('"quoted"')
    assert clean_text("5–2") != clean_text("5-2")
    assert clean_text("$4.2 million") != clean_text("$4.3 million")
