"""What a reader can see on a page, and text folded to its meaning for comparison.

Two captures of one article, years apart, rarely extract the same way: a new template
moves the byline, splits a paragraph, puts the standfirst in a box of its own. Whether
the *article* changed is better asked of the whole page: a sentence missing from one
extraction is no edit when the other page still shows it. ``visible_text`` is every
word a reader sees on the page (not scripts, styles, hidden elements or the ``<head>``),
and ``fold`` brings text to a form where only the words count: case, typographic
quotes, dashes, ellipses, spaces and punctuation are not edits.
"""

from __future__ import annotations

import re
import unicodedata
from bisect import bisect_right
from typing import NamedTuple

from lxml import etree
from lxml import html as lxml_html
from lxml.html import HtmlElement

from redline.archive.extract.normalize import clean_text

# <noscript> is kept: some pages give their whole article there, and the extractor reads
# it, so a change in it must show here too.
_INVISIBLE_TAGS = frozenset({"script", "style", "template", "head", "svg", "iframe"})
_HIDDEN_STYLE = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden", re.I)
#: Elements whose edges separate words: a space goes between them and their neighbours.
_BLOCK_TAGS = frozenset(
    "address article aside blockquote br dd details dialog div dl dt fieldset figcaption "
    "figure footer form h1 h2 h3 h4 h5 h6 header hr li main nav ol p pre section summary "
    "table tbody td tfoot th thead tr ul option button label select textarea img".split()
)
#: Everything that is not a letter, a digit or a mark: punctuation, symbols, spaces.
_NOT_WORD = re.compile(r"[^\w]+|_+")


#: Class names that the common stylesheets (Bootstrap, WordPress, Drupal, HTML5
#: Boilerplate...) use for text read to screen-reader users only ("opens a new window").
_SCREEN_READER_ONLY = frozenset(
    "sr-only visually-hidden visuallyhidden screen-reader-text screen-reader-only "
    "screenreader-only sr-text element-invisible a11y-hidden offscreen".split()
)


#: Each of ``_SCREEN_READER_ONLY`` as part of a longer string: class lists that hold
#: none of them (nearly all) are not split into words.
_SCREEN_READER_WORDS = re.compile("|".join(re.escape(c) for c in sorted(_SCREEN_READER_ONLY)))


def _screen_reader_only(classes: str | None) -> bool:
    if not classes:
        return False
    lowered = classes.lower()
    if not _SCREEN_READER_WORDS.search(lowered):
        return False
    return any(c in _SCREEN_READER_ONLY for c in lowered.split())


class PageTexts(NamedTuple):
    """A page's text read in one walk of its body, for the two readers of it."""

    #: What ``visible_text`` gives.
    visible: str
    #: Every piece of text not inside a script, a style, a template, the head or an
    #: element hidden by ``hidden`` or its style, pieces joined with a space (a hidden
    #: element's tail runs on from the text before it): what the quality gate reads.
    unhidden: str


#: What the quality gate leaves out, a part of what ``visible_text`` leaves out.
_UNREAD_TAGS = frozenset({"script", "style", "template", "head"})


def visible_text(html: str | HtmlElement) -> str:
    """The text a reader sees on the page, in document order, whitespace collapsed:
    block elements are separated by spaces, inline ones run together as they render.
    Text for screen readers only (``sr-only``, ``visually-hidden``...) is left out."""
    if isinstance(html, str):
        try:
            root = lxml_html.document_fromstring(html)
        except (etree.ParserError, ValueError):
            try:
                root = lxml_html.document_fromstring(f"<html><body>{html}</body></html>")
            except (etree.ParserError, ValueError):
                return ""
    else:
        root = html
    return page_texts(root).visible


def page_texts(root: HtmlElement) -> PageTexts:
    """The text of the page's body as a reader sees it and as the quality gate reads
    it (see ``PageTexts``), from one walk of the tree."""
    body = root.find("body")
    if body is None:
        body = root
    shown: list[str] = []
    unhidden: list[str] = []

    def walk(el: HtmlElement, visible: bool) -> None:
        # ``visible``: ``el`` is shown. The gate reads every element ``walk`` is given.
        block = visible and el.tag in _BLOCK_TAGS
        if block:
            shown.append(" ")
        if el.text:
            unhidden.append(el.text)
            if visible:
                shown.append(el.text)
        for child in el:
            tag = child.tag
            if isinstance(tag, str):
                get = child.get
                style = get("style")
                unread = (
                    tag in _UNREAD_TAGS
                    or get("hidden") is not None
                    or (bool(style) and bool(_HIDDEN_STYLE.search(style)))
                )
                if unread:
                    if child.tail:
                        if unhidden:
                            unhidden[-1] += child.tail
                        else:
                            unhidden.append(child.tail)
                        if visible:
                            shown.append(child.tail)
                    continue
                walk(child, visible and not _unseen(child, tag))
            if child.tail:
                unhidden.append(child.tail)
                if visible:
                    shown.append(child.tail)
        if block:
            shown.append(" ")

    if isinstance(body.tag, str):
        walk(body, not _hidden(body))
    return PageTexts(clean_text("".join(shown)), " ".join(unhidden))


def _unseen(el: HtmlElement, tag: str) -> bool:
    """Hidden from a reader, on top of what the gate leaves out: SVG and frames, what
    is hidden from assistive technology, and text for screen readers only."""
    return (
        tag in _INVISIBLE_TAGS
        or (el.get("aria-hidden") or "").lower() == "true"
        or _screen_reader_only(el.get("class"))
    )


def _hidden(el: HtmlElement) -> bool:
    """What ``visible_text`` leaves out, with all it holds."""
    return (
        el.tag in _INVISIBLE_TAGS
        or el.get("hidden") is not None
        or (el.get("aria-hidden") or "").lower() == "true"
        or bool(_HIDDEN_STYLE.search(el.get("style") or ""))
        or _screen_reader_only(el.get("class"))
    )


_TYPOGRAPHIC = str.maketrans(
    {
        "‘": "'",
        "’": "'",
        "‚": "'",
        "′": "'",
        "“": '"',
        "”": '"',
        "„": '"',
        "″": '"',
        "«": '"',
        "»": '"',
        "–": "-",
        "—": "-",
        "‐": "-",
        "‑": "-",
        "−": "-",
        "…": "...",
    }
)


_TYPOGRAPHIC_CHARS = re.compile("[" + "".join(re.escape(chr(c)) for c in _TYPOGRAPHIC) + "]")


def _plain_mark(match: re.Match[str]) -> str:
    return str(_TYPOGRAPHIC[ord(match.group())])


def fold(text: str | None) -> str:
    """``text`` as its words only: compatibility forms folded (NFKC: full-width letters,
    ligatures, non-breaking spaces), case folded, typographic quotes, dashes and
    ellipses made plain, and every run of punctuation, symbols and spaces one space.
    Letters and digits are kept as they are: "12" and "9" still differ, and so do
    "2.1.3" and "2.1.4"."""
    if not text:
        return ""
    if not text.isascii():
        # One pattern finds the few typographic characters quicker than
        # ``str.translate`` walks text that is not ASCII.
        text = _TYPOGRAPHIC_CHARS.sub(_plain_mark, text)
    folded = unicodedata.normalize("NFKC", text).casefold()
    return " ".join(_NOT_WORD.sub(" ", folded).split())


def _unspaced(char: str) -> bool:
    """Whether ``char`` belongs to a script written without spaces between words
    (Chinese, Japanese, Thai, Lao, Khmer, Myanmar), where any place may be a boundary."""
    code = ord(char)
    return (
        0x0E00 <= code <= 0x0EFF  # Thai, Lao
        or 0x1000 <= code <= 0x109F  # Myanmar
        or 0x1780 <= code <= 0x17FF  # Khmer
        or (0x2E80 <= code <= 0x9FFF)  # CJK radicals, kana, ideographs
        or (0xF900 <= code <= 0xFAFF)
        or (0x20000 <= code <= 0x3FFFF)
    )


def contains(haystack: str, needle: str) -> bool:
    """Whether the folded ``needle`` occurs in the folded ``haystack`` (both already
    folded), starting and ending on word boundaries where the script has them."""
    if not needle:
        return True
    left = "" if _unspaced(needle[0]) else " "
    right = "" if _unspaced(needle[-1]) else " "
    return f"{left}{needle}{right}" in f" {haystack} "


#: How many words may stand between two words of a line that a page shows with
#: something the extractor left out between them (an inline formula, an image, a button).
IN_ORDER_GAP = 12
#: Lines shorter than this (in words) are only ever found word for word.
IN_ORDER_MIN_WORDS = 4


class WordIndex:
    """Where each word of a page's folded text stands, to find a line whose words the
    page shows in order with a few others between them."""

    def __init__(self, text: str) -> None:
        self._positions: dict[str, list[int]] = {}
        for index, word in enumerate(text.split()):
            self._positions.setdefault(word, []).append(index)

    def in_order(self, needle: str, gap: int = IN_ORDER_GAP) -> bool:
        """Whether the words of the folded ``needle`` stand in the page in its order,
        each within ``gap`` words of the one before. Lines in scripts written without
        spaces, and short lines, are not looked for this way."""
        words = needle.split()
        if len(words) < IN_ORDER_MIN_WORDS or any(_unspaced(c) for c in needle):
            return False
        lists = [self._positions.get(word) for word in words]
        if any(not found for found in lists):
            return False
        for start in lists[0] or ():
            at = start
            for found in lists[1:]:
                assert found is not None
                i = bisect_right(found, at)
                if i == len(found) or found[i] > at + gap:
                    break
                at = found[i]
            else:
                return True
        return False
