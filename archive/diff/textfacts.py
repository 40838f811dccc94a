"""The checkable facts in a piece of news text: numbers, dates, names, quotes, negations
and attributions, and what makes two strings differ only in form.

These are heuristics for English news copy. ``significance`` compares what they find in
two versions of the same sentence or paragraph.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from dataclasses import dataclass
from fractions import Fraction

from redline.archive.diff.numbers import NUMBER, ascii_digits, figure_key, read_number, value_key

# -- numbers ---------------------------------------------------------------------------

_UNITS = {
    "zero": 0, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
    "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13,
    "fourteen": 14, "fifteen": 15, "sixteen": 16, "seventeen": 17, "eighteen": 18,
    "nineteen": 19, "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60,
    "seventy": 70, "eighty": 80, "ninety": 90, "dozen": 12,
}  # fmt: skip
# "one" is left out: far more often a pronoun ("one of the residents") than a figure.
_SCALES = {"hundred": 100, "thousand": 1_000, "million": 10**6, "billion": 10**9,
           "trillion": 10**12}  # fmt: skip
_PERCENT = ("%", "percent", "per cent")

MONTHS = frozenset(
    "January February March April May June July August September October November "
    "December Jan Feb Mar Apr Jun Jul Aug Sep Sept Oct Nov Dec".split()
)
WEEKDAYS = frozenset("Monday Tuesday Wednesday Thursday Friday Saturday Sunday".split())
#: Words that name a day on their own.
_RELATIVE_DAYS = frozenset("today yesterday tomorrow tonight".split())
#: Parts of a day: a date only next to a day ("Saturday morning", "last night"), never
#: on their own ("a night of terror").
_DAY_PARTS = frozenset(
    "morning afternoon evening night overnight midnight noon midday dawn dusk weekend".split()
)
_DAY_PART_ANCHORS = frozenset("this last next".split())
#: The points of a day that are a time after a preposition: "at noon", "by midnight".
_CLOCK_WORDS = frozenset("noon midnight midday".split())
_CLOCK_ANCHORS = frozenset("at by until till before after since from around past".split())
_TIME = re.compile(
    r"\b\d{1,2}(?::\d{2}){0,2}\s*(?:a\.m\.|p\.m\.|am\b|pm\b)|\b\d{1,2}:\d{2}(?::\d{2})?\b", re.I
)
# Dates written in figures: 12.03.2024, 3/14/2026, 2026-03-14.
_NUMERIC_DATE = re.compile(
    r"(?<![\d.,/\-])(?:\d{1,2}([./\-])\d{1,2}\1\d{4}|\d{4}-\d{1,2}-\d{1,2})(?![.,/\-]?\d)"
)
# A figure, a word, or a percent sign.
_SCAN = re.compile(rf"(?P<number>{NUMBER.pattern})|[^\W\d_]+(?:[-\u2010\u2011][^\W\d_]+)*|%")


@dataclass(frozen=True)
class Fact:
    """One number or date found in a text: how it reads and what it compares as."""

    text: str
    key: str


def _word_value(word: str) -> Fraction | None:
    lower = word.lower()
    if lower in _UNITS:
        return Fraction(_UNITS[lower])
    parts = re.split(r"[-\u2010\u2011]", lower)
    if len(parts) == 2 and all(p in _UNITS for p in parts):
        return Fraction(_UNITS[parts[0]] + _UNITS[parts[1]])
    return None


def _is_currency(char: str) -> bool:
    return len(char) == 1 and unicodedata.category(char) == "Sc"


def _marks(text: str, start: int, end: int) -> tuple[int, int, str, str]:
    """The figure at ``text[start:end]`` widened to its currency sign (before or after
    it: "$5", "5 €") and a minus sign before it: (start, end, sign, currency)."""
    currency = ""
    if start and _is_currency(text[start - 1]):
        currency, start = text[start - 1], start - 1
    elif start > 1 and text[start - 1] == " " and _is_currency(text[start - 2]):
        currency, start = text[start - 2], start - 2
    elif end < len(text) and _is_currency(text[end]):
        currency, end = text[end], end + 1
    elif end + 1 < len(text) and text[end] in " \u00a0" and _is_currency(text[end + 1]):
        currency, end = text[end + 1], end + 2
    sign = ""
    if start and text[start - 1] in "-\u2212" and (start == 1 or text[start - 2] in " \t\n(["):
        sign, start = "-", start - 1
    return start, end, sign, currency


def numbers_and_dates(text: str) -> tuple[list[Fact], list[Fact]]:
    """The figures in ``text`` (``"10,000"``, ``"1.5 million"``, ``"nine"``, ``"12%"``,
    ``"$1,234.56"``, ``"2.1.3"``) and its dates and times (month and day names,
    ``"3 p.m."``, ``"12.03.2024"``, ``"Saturday morning"``; a figure next to a month
    name is a date).

    Figures compare by value (see ``numbers``): "12,000,000" and "12 million" have the
    same key, and so do "1.234,5" and "1,234.5"; a currency sign and a minus sign are
    part of the key. A figure that is not one number ("2.1.3", "192.168.0.1", "3-2")
    compares as its text. Never raises.
    """
    dates = [Fact(m.group(), m.group().lower().replace(" ", "")) for m in _TIME.finditer(text)]
    rest = _TIME.sub(" ", text)
    dates += [Fact(m.group(), ascii_digits(m.group())) for m in _NUMERIC_DATE.finditer(rest)]
    rest = _NUMERIC_DATE.sub(" ", rest)
    tokens = [
        (m.group(), m.start(), m.end(), bool(m.group("number"))) for m in _SCAN.finditer(rest)
    ]
    numbers: list[Fact] = []
    i = 0
    while i < len(tokens):
        word, start, end, is_figure = tokens[i]
        before = tokens[i - 1][0] if i else ""
        if word in MONTHS or word in WEEKDAYS or word.lower() in _RELATIVE_DAYS:
            dates.append(Fact(word, word.lower().rstrip(".")))
            i += 1
            continue
        if word.lower() in _DAY_PARTS:
            anchor = before.lower()
            if (
                before in WEEKDAYS
                or before in MONTHS
                or anchor in _RELATIVE_DAYS
                or anchor in _DAY_PART_ANCHORS
                or (word.lower() in _CLOCK_WORDS and anchor in _CLOCK_ANCHORS)
            ):
                dates.append(Fact(word, word.lower()))
            i += 1
            continue
        value = read_number(word) if is_figure else _word_value(word)
        j = i + 1
        if is_figure and value is None:
            start, end, sign, currency = _marks(rest, start, end)
            key = sign + currency + figure_key(word)
            fact = Fact(rest[start:end], key)
        else:
            if value is None and word.lower() not in _SCALES:
                i += 1
                continue
            total, current = Fraction(0), value if value is not None else Fraction(1)
            while j < len(tokens):
                nxt = tokens[j][0].lower()
                if nxt in _SCALES:
                    scale = _SCALES[nxt]
                    if scale == 100:
                        current *= scale
                    else:
                        total, current = total + current * scale, Fraction(0)
                elif not is_figure and (v := _word_value(nxt)) is not None:
                    current += v
                elif (
                    nxt == "and"
                    and j + 1 < len(tokens)
                    and _word_value(tokens[j + 1][0]) is not None
                ):
                    pass
                else:
                    break
                end = tokens[j][2]
                j += 1
            after = rest[end : end + 9].lower().lstrip()
            percent = any(after.startswith(mark) for mark in _PERCENT)
            start, end, sign, currency = _marks(rest, start, end)
            value = total + current
            key = currency + value_key(-value if sign else value) + ("%" if percent else "")
            fact = Fact(rest[start:end], key)
        after_word = tokens[j][0] if j < len(tokens) else ""
        if before in MONTHS or after_word in MONTHS:
            dates.append(fact)
        else:
            numbers.append(fact)
        i = j
    return numbers, dates


# -- words -----------------------------------------------------------------------------

_WORD = re.compile(r"[^\W_]+(?:['\u2019\-][^\W_]+)*")
NEGATIONS = frozenset(
    "not no never none nobody nothing neither nor without cannot nowhere deny denies "
    "denied denying refuse refused refuses".split()
)
ATTRIBUTIONS = frozenset(
    "said says say saying told tells tell according claimed claims claim claiming stated "
    "reported reports alleged alleges allegedly alleging insisted insists admitted admits "
    "acknowledged acknowledges conceded asserted confirmed confirms".split()
)


def words(text: str) -> list[str]:
    return _WORD.findall(text)


def negations(text: str) -> Counter[str]:
    """Negating words, with every "n't" counted as "not"."""
    found: Counter[str] = Counter()
    for word in words(text):
        lower = word.lower().replace("\u2019", "'")
        if lower.endswith("n't") or lower == "cannot":
            found["not"] += 1
        elif lower in NEGATIONS:
            found[lower] += 1
    return found


def attributions(text: str) -> Counter[str]:
    """Attribution verbs: "said", "told", "according to", "claimed", ..."""
    found: Counter[str] = Counter()
    for word in words(text):
        lower = word.lower()
        if lower in ATTRIBUTIONS:
            found["according to" if lower == "according" else lower] += 1
    return found


_OPENERS = " \t\r\n\"'“”‘’«»([—–-"
# Abbreviations whose full stop does not end a sentence: "Mr. Smith", "Gov. Ruiz".
_TITLES = re.compile(
    r"\b(?:Mr|Mrs|Ms|Dr|Prof|St|Sen|Rep|Gov|Gen|Col|Lt|Sgt|Capt|Supt|Rev|Hon|Jr|Sr)\.$"
)


def _starts_sentence(before: str) -> bool:
    """True when a word after ``before`` begins a sentence (or a clause after a colon)."""
    head = before.rstrip(_OPENERS)
    if not head or before[len(head) :].count("\n"):
        return True
    return head[-1] in ".!?:;" and not _TITLES.search(head[-6:])


def names(text: str) -> list[str]:
    """Capitalised words that do not start a sentence: likely people, places, bodies.

    Month and day names, "I", and a possessive "'s" are left out.
    """
    found = []
    for match in _WORD.finditer(text):
        word = match.group()
        if not word[0].isupper() or word in MONTHS or word in WEEKDAYS or word == "I":
            continue
        if _starts_sentence(text[max(0, match.start() - 40) : match.start()]):
            continue
        found.append(re.sub(r"['\u2019]s$", "", word))
    return found


# -- quotes ----------------------------------------------------------------------------

_QUOTE = re.compile(r"“([^”“]*)”|\"([^\"]*)\"|«([^»]*)»")


def quotes(text: str) -> list[str]:
    """The text inside each pair of double quotation marks, in order."""
    return [next(g for g in m.groups() if g is not None) for m in _QUOTE.finditer(text)]


# -- sentences ---------------------------------------------------------------------------

_ENDS = ".!?\u2026"
_CLOSING = "\"'\u201d\u2019\u00bb)]"
_SENTENCE_OPENERS = "\"'\u201c\u2018\u00ab(["
# A full stop after an initial or inside an abbreviation ("J. K.", "U.S.") ends nothing.
_INITIAL = re.compile(r"(?:^|[\s.(])[^\W\d_]\.$")


def sentences(text: str) -> list[str]:
    """The sentences of ``text`` in order, each stripped of the space around it.

    A sentence ends at ``.``, ``!``, ``?`` or ``…`` (and the closing quotes or brackets
    right after it) followed by space and a capital, a digit or an opening quote, or at
    a line break. A full stop after a title ("Mr.", "Gov.") or an initial does not end
    one, and neither does anything inside a quotation, so a quotation is never cut.
    """
    found: list[str] = []
    start = depth = 0
    straight = False
    i, n = 0, len(text)
    while i < n:
        char = text[i]
        if char == "\n":
            found.append(text[start:i])
            start = i + 1
        elif char in "\u201c\u00ab":
            depth += 1
        elif char in "\u201d\u00bb":
            depth = max(0, depth - 1)
        elif char == '"':
            straight = not straight
        elif char in _ENDS:
            end = i + 1
            while end < n and text[end] in _ENDS:
                end += 1
            while end < n and text[end] in _CLOSING:
                if text[end] in "\u201d\u00bb":
                    depth = max(0, depth - 1)
                elif text[end] == '"':
                    straight = not straight
                end += 1
            after = end
            while after < n and text[after] in " \t\u00a0":
                after += 1
            head = text[max(0, i - 6) : i + 1]
            if (
                after > end
                and after < n
                and (
                    text[after].isupper()
                    or text[after].isdigit()
                    or text[after] in _SENTENCE_OPENERS
                )
                and depth == 0
                and not straight
                and not (char == "." and (_TITLES.search(head) or _INITIAL.search(head)))
            ):
                found.append(text[start:end])
                start = after
            i = end
            continue
        i += 1
    found.append(text[start:])
    return [sentence.strip() for sentence in found if sentence.strip()]


# -- form --------------------------------------------------------------------------------

_TYPOGRAPHY = str.maketrans(
    {
        "\u2018": "'", "\u2019": "'", "\u201a": "'", "\u2032": "'", "\u201c": '"',
        "\u201d": '"', "\u201e": '"', "\u00ab": '"', "\u00bb": '"', "\u2033": '"',
        "\u2010": "-", "\u2011": "-", "\u2012": "-", "\u2013": "-", "\u2014": "-",
        "\u2015": "-", "\u2212": "-", "\u00a0": " ", "\u2026": "...",
    }
)  # fmt: skip


def typographic(text: str) -> str:
    """``text`` with curly quotes, dashes and ellipses made plain, spaces collapsed."""
    return " ".join(unicodedata.normalize("NFKC", text).translate(_TYPOGRAPHY).split())


def plain(text: str) -> str:
    """The words of ``text`` only, lower-cased: what is left when punctuation, case,
    typography and spacing are ignored."""
    return " ".join(w.lower().replace("'", "") for w in words(typographic(text)))


def edit_distance(a: str, b: str, limit: int = 3) -> int:
    """Levenshtein distance between ``a`` and ``b``, capped at ``limit``."""
    if abs(len(a) - len(b)) >= limit:
        return limit
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        current = [i]
        for j, cb in enumerate(b, 1):
            current.append(min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (ca != cb)))
        if min(current) >= limit:
            return limit
        previous = current
    return min(previous[-1], limit)


def is_respelling(old: str, new: str) -> bool:
    """True when ``new`` looks like ``old`` with its spelling fixed (or broken): at
    most two letters apart, four letters or more, no digits."""
    if any(c.isdigit() for c in old + new) or min(len(old), len(new)) < 4:
        return False
    return edit_distance(old.lower(), new.lower()) <= 2
