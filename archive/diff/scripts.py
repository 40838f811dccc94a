"""Words that mix alphabets which look alike: a headline written with homoglyphs.

``СNN rеports`` reads as "CNN reports" but its С and е are Cyrillic: a page can pass
for another publisher, or make two different headlines look the same, so that an edit
goes unseen. Latin, Cyrillic and Greek share many letter shapes (a/а/α, e/е, o/о/ο,
p/р/ρ, c/с, x/х/χ, A/А/Α, B/В/Β, H/Н/Η, K/К/Κ, M/М/Μ, T/Т/Τ...), so a single word
holding letters of two of them is flagged, naming each letter of the word's minority
script with its code point.

A word is a run of letters and combining marks: hyphens, apostrophes, spaces and
digits separate words, so ``Coca-Кола`` is two words of one script each. Text wholly
in one alphabet (a Russian or Greek headline) is never flagged, nor is a word mixing
other scripts with Latin (Japanese kana and kanji around a Latin brand name, Chinese,
Arabic): only Latin, Cyrillic and Greek letters are compared. Nor is the scientific
naming of an upper-case Latin acronym followed by one lower-case Greek letter (TNFα,
PPARγ), which no lookalike attack needs: a lower-case letter ending an acronym shows.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

#: The alphabets whose letters look alike, as Unicode names them.
CONFUSABLE = ("LATIN", "CYRILLIC", "GREEK")
#: An acronym with a Greek letter after it, as biology and physics write them.
_SCIENTIFIC = re.compile(r"[A-Z]{2,}[\u03b1-\u03c9]")
#: How the reason naming them starts.
MIXED_SCRIPTS = "lookalike letters in "
#: Words and letters named per field, at most.
MAX_WORDS = 5
MAX_LETTERS = 3


@dataclass(frozen=True)
class MixedWord:
    """A word of ``field`` whose letters come from two or more alike alphabets."""

    field: str
    word: str
    #: The script most of its letters are in ("Latin").
    script: str
    #: The other letters: (letter, "U+0421", "Cyrillic").
    letters: tuple[tuple[str, str, str], ...]

    def to_dict(self) -> dict[str, object]:
        return {
            "field": self.field,
            "word": self.word,
            "script": self.script,
            "letters": [list(letter) for letter in self.letters],
        }

    def describe(self) -> str:
        """``“СNN” (Cyrillic С U+0421 among Latin)``."""
        shown = ", ".join(f"{script} {ch} {code}" for ch, code, script in self.letters)
        return f"“{self.word}” ({shown} among {self.script})"


def _script(char: str) -> str | None:
    """The alike alphabet a letter belongs to, or None (not a letter, or another)."""
    if not char.isalpha():
        return None
    name = unicodedata.name(char, "")
    for script in CONFUSABLE:
        if name.startswith(script + " "):
            return script.capitalize()
    return None


def _words(text: str) -> list[str]:
    words: list[str] = []
    current: list[str] = []
    for char in text:
        if char.isalpha() or unicodedata.category(char).startswith("M"):
            current.append(char)
        elif current:
            words.append("".join(current))
            current = []
    if current:
        words.append("".join(current))
    return words


def mixed_words(field: str, text: str | None) -> list[MixedWord]:
    """The words of ``text`` that mix Latin, Cyrillic and Greek letters."""
    found: list[MixedWord] = []
    for word in dict.fromkeys(_words(text or "")):
        scripts = [s for s in map(_script, word) if s is not None]
        counts = {s: scripts.count(s) for s in dict.fromkeys(scripts)}
        if len(counts) < 2 or _SCIENTIFIC.fullmatch(word):
            continue
        main = max(counts, key=lambda s: counts[s])
        letters = tuple(
            dict.fromkeys(
                (ch, f"U+{ord(ch):04X}", script)
                for ch in word
                if (script := _script(ch)) is not None and script != main
            )
        )
        found.append(MixedWord(field, word, main, letters[:MAX_LETTERS]))
    return found[:MAX_WORDS]


def mixed_script_reason(words: list[MixedWord]) -> str | None:
    """One reason naming the flagged words field by field, or None when there are none."""
    if not words:
        return None
    fields: dict[str, list[str]] = {}
    for word in words:
        fields.setdefault(word.field, []).append(word.describe())
    parts = [f"{field}: {', '.join(described)}" for field, described in fields.items()]
    return MIXED_SCRIPTS + "; ".join(parts)
