"""Real text for the property and corpus tests.

The paragraphs of the Readability test pages in ``../shared/corpora/readability-pages``
(``expected.html.gz``: the article as a reader sees it), when that folder is there, and
always a small built-in set of news paragraphs, so tests that only need real prose run
without it.
"""

from __future__ import annotations

import gzip
from functools import lru_cache
from pathlib import Path

from lxml import html as lxml_html

REPO = Path(__file__).resolve().parents[2]
CORPUS = REPO.parent / "shared" / "corpora" / "readability-pages"
NO_CORPUS = f"corpus not found at {CORPUS}"

#: News paragraphs with the figures, quotes, names and scripts that real pages hold.
FALLBACK: tuple[str, ...] = (
    "Flood waters began to recede across Riverton on Saturday morning, two days after "
    "the Sable River broke its banks, but officials said the death toll had risen to 12.",
    "More than 3,400 residents remained in emergency shelters overnight, according to the "
    "county's emergency management office, and about 1,100 homes were still without power.",
    "“The city was not prepared for a flood of this size, and we will have to answer for "
    "that,” Mayor Elena Park said at a news conference on Friday evening.",
    "The National Weather Service said the river crested at 31.2 feet late on Thursday, "
    "nearly nine feet above flood stage and the highest level since records began in 1911.",
    "Shelters and road closures",
    "Routers running firmware 2.1.3 answer on 192.168.0.1 by default; the fix, version "
    "2.1.4, was published on 12.03.2024 at 10.30 and downloaded 1,234,567 times.",
    "Der Umsatz stieg auf €1.234,56 Millionen, also 1.234.567 Euro mehr als im Vorjahr, "
    "sagte Finanzvorstand Jürgen Weiß am Dienstag in Zürich.",
    "Le club s'est imposé 3-2 face à Lyon devant 1 234 567 téléspectateurs ; « nous "
    "n'avons rien lâché », a déclaré l'entraîneur.",
    "Die Gebühr beträgt 1'234'567 Franken. Mr. O'Neill (D-N.Y.) said he didn't know: "
    '"We never saw the 1/2 of the report that mattered," he told reporters at 3 p.m.',
    "Shares fell 4.5% to $1,234.56 in early trading, the lowest since Sept. 11, 2001, "
    "while the index lost twelve points — about −0.3 per cent.",
    "東京都は14日、新たに1,234人の感染を確認したと発表した。",
    "यह निर्णय सोमवार को लिया गया, अधिकारियों ने कहा। 👍🏽 Family: 👨‍👩‍👧 🇫🇷",
    "Correction, March 14: An earlier version of this article misstated the number of "
    "deaths. Nine people have died, not 12.",
)


def have_corpus() -> bool:
    return CORPUS.is_dir() and any(CORPUS.glob("*/expected.html.gz"))


def page_dirs() -> list[Path]:
    """The corpus pages that have a source page, in name order."""
    if not CORPUS.is_dir():
        return []
    return sorted(p for p in CORPUS.iterdir() if (p / "source.html.gz").is_file())


def _blocks(markup: bytes) -> list[str]:
    """The text of each paragraph-like element of an HTML fragment, spaces collapsed."""
    text = markup.decode("utf-8", "replace")
    if not text.strip():
        return []
    tree = lxml_html.fromstring(text)
    found = []
    for element in tree.iter("p", "li", "blockquote", "h1", "h2", "h3", "h4", "pre", "td"):
        block = " ".join(element.text_content().split())
        if block:
            found.append(block)
    return found


@lru_cache(maxsize=1)
def corpus_paragraphs() -> tuple[str, ...]:
    """Every distinct paragraph of the corpus's expected articles; () without it."""
    if not CORPUS.is_dir():
        return ()
    found: dict[str, None] = {}
    for path in sorted(CORPUS.glob("*/expected.html.gz")):
        for block in _blocks(gzip.decompress(path.read_bytes())):
            found.setdefault(block)
    return tuple(found)


def real_paragraphs() -> tuple[str, ...]:
    """The corpus's paragraphs when it is there, and the built-in ones."""
    return corpus_paragraphs() + FALLBACK
