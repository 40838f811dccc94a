"""Text normalisation: differences that are not edits disappear here.

Two strings that read the same to a person (NFC vs NFD, a soft hyphen, a zero-width
space, a non-breaking space, extra whitespace) must come out equal, so that a new
version is stored only when the words changed.
"""

from __future__ import annotations

import re
import unicodedata

# Characters that are invisible in print: soft hyphen, zero-width space/joiners,
# word joiner, BOM / zero-width no-break space, Mongolian vowel separator,
# left-to-right / right-to-left marks and embedding controls.
_INVISIBLE = dict.fromkeys(
    [
        0x00AD,
        0x180E,
        0x200B,
        0x200C,
        0x200D,
        0x200E,
        0x200F,
        0x2060,
        0x2061,
        0x2062,
        0x2063,
        0x2064,
        0xFEFF,
        0x202A,
        0x202B,
        0x202C,
        0x202D,
        0x202E,
        0x2066,
        0x2067,
        0x2068,
        0x2069,
    ]
)

#: The same characters as one pattern: removing them with it is many times quicker than
#: ``str.translate`` on text that is not ASCII.
_INVISIBLE_CHARS = re.compile("[" + "".join(re.escape(chr(c)) for c in _INVISIBLE) + "]")

#: Every control character (Unicode category Cc) that is not whitespace.
_CONTROLS_NOT_SPACE = re.compile(
    "["
    + "".join(
        re.escape(chr(c))
        for c in range(0xA0)
        if unicodedata.category(chr(c)) == "Cc" and not chr(c).isspace()
    )
    + "]"
)


def clean_text(s: str) -> str:
    """Return ``s`` in NFC with invisible characters removed and whitespace collapsed.

    Removes soft hyphens and zero-width characters, turns NBSP and every other Unicode
    space into an ordinary space, collapses runs of whitespace and strips both ends.
    Letters, digits and punctuation are left as they are: changing a quote mark or a
    dash is an edit.
    """
    if not s:
        return ""
    text = s if s.isascii() else _INVISIBLE_CHARS.sub("", s)
    text = unicodedata.normalize("NFC", text)
    # Control characters other than whitespace never carry meaning in article text.
    text = _CONTROLS_NOT_SPACE.sub("", text)
    # Every Unicode space separator (Zs), line and paragraph separators and ASCII
    # whitespace (what ``str.isspace`` calls space) becomes one ordinary space.
    return " ".join(text.split())


# C0 controls other than tab, newline and carriage return, and the two non-characters.
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def without_control_characters(text: str) -> str:
    """``text`` without the control characters a page may hold by mistake (a stray NUL,
    or ``\\x10`` in a paragraph): a browser does not show them, and the XML tree the
    body is extracted from refuses them."""
    return _CONTROL.sub("", text) if _CONTROL.search(text) else text


# Scripts written without spaces between words: Han, kana, Thai, Lao, Myanmar, Khmer.
_UNSPACED = re.compile(
    "[\u3040-\u30ff\u31f0-\u31ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff66-\uff9f"
    "\u0e00-\u0e7f\u0e80-\u0eff\u1000-\u109f\u1780-\u17ff\U00020000-\U0002fa1f]"
)
_TOKEN = re.compile(r"[^\W_]\S*")  # from the first letter or digit of a token to its end


def count_words(text: str) -> int:
    """Words in ``text``: whitespace-separated tokens holding a letter or digit, with
    characters of scripts written without spaces (Chinese, Japanese, Thai...) counted
    two to a word, about the length of a word in those languages."""
    unspaced = len(_UNSPACED.findall(text))
    if not unspaced:
        return len(_TOKEN.findall(text))
    spaced = sum(1 for token in _TOKEN.findall(text) if not _UNSPACED.search(token))
    return spaced + (unspaced + 1) // 2
