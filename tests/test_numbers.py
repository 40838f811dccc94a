"""One reader for every figure: locales, currencies, versions, addresses, scores."""

from __future__ import annotations

from fractions import Fraction

import pytest

from redline.archive.diff.numbers import figure_key, read_number, value_key
from redline.archive.diff.textfacts import numbers_and_dates


@pytest.mark.parametrize(
    ("written", "value"),
    [
        ("12", Fraction(12)),
        ("1,234,567", Fraction(1234567)),
        ("1.234.567", Fraction(1234567)),
        ("1 234 567", Fraction(1234567)),
        ("1\u202f234\u202f567", Fraction(1234567)),
        ("1'234'567", Fraction(1234567)),
        ("1\u2019234\u2019567", Fraction(1234567)),
        ("12,34,567", Fraction(1234567)),
        ("1,234.56", Fraction("1234.56")),
        ("1.234,56", Fraction("1234.56")),
        ("1 234,56", Fraction("1234.56")),
        ("1'234.56", Fraction("1234.56")),
        ("1,234", Fraction(1234)),
        ("1,5", Fraction("1.5")),
        ("0,250", Fraction("0.25")),
        ("31.2", Fraction("31.2")),
        ("10.30", Fraction("10.3")),
        ("-5", Fraction(-5)),
        ("\u22125", Fraction(-5)),
        ("\u0661\u0662\u0663", Fraction(123)),
        ("12345678901234567891", Fraction(12345678901234567891)),
    ],
)
def test_figures_read_as_their_value(written: str, value: Fraction) -> None:
    assert read_number(written) == value


@pytest.mark.parametrize(
    "written",
    ["2.1.3", "192.168.0.1", "12.03.2024", "3-2", "1/2", "10:30", "1,2,3", "1.", "", "²", "12a"],
)
def test_what_is_not_one_number_is_none_and_compares_as_its_text(written: str) -> None:
    assert read_number(written) is None
    assert figure_key(written) == written


def test_keys_are_canonical() -> None:
    assert value_key(Fraction("1.50")) == "1.5"
    assert value_key(Fraction(12_000_000)) == "12000000"
    assert value_key(Fraction(-1, 4)) == "-0.25"
    assert value_key(Fraction(1, 3)) == "1/3"
    assert figure_key("1.234,5") == figure_key("1,234.5") == "1234.5"
    assert figure_key("2.1.3") != figure_key("2.1.4")


def _keys(text: str) -> list[str]:
    return [fact.key for fact in numbers_and_dates(text)[0]]


def test_figures_in_running_text() -> None:
    assert _keys("firmware 2.1.3 on router 192.168.0.1") == ["2.1.3", "192.168.0.1"]
    assert _keys("a 3-2 win, and half (1/2) of the seats") == ["3-2", "1/2"]
    assert _keys("raised €1.234,56 and $1,234.56") == ["€1234.56", "$1234.56"]
    assert _keys("1,234,567 / 1.234.567 / 1 234 567 / 1'234'567") == ["1234567"] * 4
    assert _keys("temperatures of -3 degrees, 5 € a ticket") == ["-3", "€5"]
    # A plain space joins groups of three only when there are two of them or more.
    assert _keys("On May 5 100 people gathered") == ["100"]


def test_currency_and_sign_are_part_of_the_figure() -> None:
    assert _keys("it costs $5") != _keys("it costs €5")
    assert _keys("at -3 degrees") != _keys("at 3 degrees")


def test_figures_written_as_dates_are_dates() -> None:
    numbers, dates = numbers_and_dates("on 12.03.2024 and on 2026-03-14, at 10:30:15")
    assert numbers == []
    assert [d.text for d in dates] == ["10:30:15", "12.03.2024", "2026-03-14"]
