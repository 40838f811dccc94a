"""Reading the figures written in news text, in any of the usual notations.

``read_number`` reads one figure as an exact value: ``"1,234,567"`` (and the same with
dots, spaces, thin spaces or apostrophes between the thousands), Indian grouping
(``"12,34,567"``), a decimal point or a decimal comma (``"1,234.56"``, ``"1.234,56"``,
``"3,5"``), digits of any script. Anything it cannot read as one number (a version
``"2.1.3"``, an address ``"192.168.0.1"``, ``"12.03.2024"``, a score ``"3-2"``, a
fraction ``"1/2"``) gives None: it never raises. ``figure_key`` is what a figure
compares as: its value when it has one, otherwise its literal text.

Where one notation can be read two ways the English one wins: ``"1.234"`` is one and a
bit, ``"1,234"`` is a thousand and more (but ``"0,234"`` and ``"1,5"`` are decimals).
"""

from __future__ import annotations

import re
import unicodedata
from fractions import Fraction

#: The marks that stand between groups of thousands.
SPACES = " \u00a0\u2009\u202f"
_GROUP_MARKS = ",.'\u2019" + SPACES

#: A figure as it is written in running text: digits with the separators inside a
#: number (``.``, ``,``, apostrophes, ``/``, ``:``, hyphens and dashes between digits),
#: or groups of three digits after no-break or thin spaces (``1 234``), or after plain
#: spaces when there are two groups or more (``1 234 567``: "on May 5 100 people" is
#: two figures).
NUMBER = re.compile(
    r"\d{1,3}(?:(?:[\u00a0\u2009\u202f]\d{3}(?!\d))+|(?: \d{3}(?!\d)){2,})"
    r"(?:[.,]\d+)?(?![.,'\u2019/:\-]?\d)"
    r"|\d+(?:[.,'\u2019/:\-\u2010\u2011\u2013]\d+)*"
)

_MINUS = "-\u2212"
_DIGITS = frozenset("0123456789")


def _is_digits(text: str) -> bool:
    return bool(text) and all(c in _DIGITS for c in text)


def ascii_digits(text: str) -> str:
    """``text`` with every decimal digit of any script written as an ASCII digit."""
    if text.isascii():
        return text
    return "".join(
        str(unicodedata.decimal(c)) if unicodedata.category(c) == "Nd" else c for c in text
    )


def _grouped(text: str, mark: str) -> bool:
    """True when ``text`` is digits in thousands (or Indian lakh) groups cut by ``mark``."""
    groups = text.split(mark)
    if len(groups) < 2 or not all(_is_digits(g) for g in groups):
        return False
    head, *rest = groups
    if all(len(g) == 3 for g in rest) and 1 <= len(head) <= 3:
        return True
    # Indian grouping: 12,34,56,789
    return (
        mark == ","
        and len(rest[-1]) == 3
        and all(len(g) == 2 for g in rest[:-1])
        and 1 <= len(head) <= 2
    )


def read_number(token: str) -> Fraction | None:
    """The exact value of one written figure, or None when it is not one number.

    A leading minus sign is read; currency signs, percent signs and words are not part
    of a figure.
    """
    text = ascii_digits(token.strip())
    negative = text[:1] in _MINUS
    if negative or text[:1] == "+":
        text = text[1:]
    value = _unsigned(text)
    if value is None:
        return None
    return -value if negative else value


def _unsigned(text: str) -> Fraction | None:
    if not text or text[0] not in _DIGITS or text[-1] not in _DIGITS:
        return None
    if _is_digits(text):
        return Fraction(int(text))
    marks = [c for c in text if c not in _DIGITS]
    kinds = set(marks)
    if not kinds <= set(_GROUP_MARKS):
        return None
    if len(marks) == 1:
        mark = marks[0]
        whole, part = text.split(mark)
        if mark == "," and len(part) == 3 and whole != "0":
            return Fraction(int(whole + part))  # 1,234
        if mark in ".,":
            return Fraction(f"{whole}.{part}")  # 1.5, 1,5
        return Fraction(int(whole + part)) if _grouped(text, mark) else None  # 1'234
    if len(kinds) == 1:
        mark = marks[0]
        return Fraction(int(text.replace(mark, ""))) if _grouped(text, mark) else None
    # Thousands, then a decimal mark of the other kind: 1,234.56 / 1.234,56 / 1 234,56
    decimal = marks[-1]
    if decimal not in ".," or marks.count(decimal) != 1 or len(kinds) != 2:
        return None
    whole, part = text.rsplit(decimal, 1)
    group = marks[0]
    if group == decimal or not _grouped(whole, group):
        return None
    return Fraction(whole.replace(group, "") + "." + part)


def value_key(value: Fraction) -> str:
    """A value as a canonical decimal string: 1.50 → ``"1.5"``, 12 million →
    ``"12000000"``; a value with no finite decimal form is written as a fraction."""
    sign = "-" if value < 0 else ""
    value = abs(value)
    if value.denominator == 1:
        return f"{sign}{value.numerator}"
    denominator = value.denominator
    twos = fives = 0
    while denominator % 2 == 0:
        denominator //= 2
        twos += 1
    while denominator % 5 == 0:
        denominator //= 5
        fives += 1
    if denominator != 1:
        return f"{sign}{value.numerator}/{value.denominator}"
    places = max(twos, fives)
    digits = str(value.numerator * 10**places // value.denominator).rjust(places + 1, "0")
    return f"{sign}{digits[:-places]}.{digits[-places:]}".rstrip("0")


def figure_key(token: str) -> str:
    """What a written figure compares as: the key of its value when it is one number,
    otherwise its text (with digits in ASCII), so "2.1.3" → "2.1.4" is still a change."""
    value = read_number(token)
    if value is None:
        return ascii_digits(token.strip())
    return value_key(value)
