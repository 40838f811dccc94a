"""A budget for reading one page: how deep its markup may nest, how many elements.

Extraction costs grow faster than the page: ten thousand nested ``div``s, or fifty
thousand paragraphs, would hold one check (and the watch run around it) for minutes. The
largest of 1,075 real pages of the extraction corpora has about 10,000 elements and
nests 43 deep, so a page past several times that is refused before it is read, with a
message saying why, and the run goes on.
"""

from __future__ import annotations

from lxml import etree

from redline.archive.core.errors import ExtractionError

#: A page with more elements than this is not read (three times the largest real page).
MAX_ELEMENTS = 30_000
#: A page whose markup nests deeper than this is not read.
MAX_DEPTH = 400


def check_budget(html: str, source: str | None = None) -> None:
    """Raise ``ExtractionError`` when the page is too large or too deeply nested to read
    in bounded time; a page that does not parse at all is left to the extractor."""
    if html.count("<") <= MAX_ELEMENTS // 4:
        return  # the common case: too few tags to be past either limit
    try:
        # huge_tree: libxml2 otherwise stops counting nesting at 256 levels.
        root = etree.fromstring(html, etree.HTMLParser(huge_tree=True))
    except (etree.ParserError, ValueError):
        return
    if root is None:
        return
    elements = depth = deepest = 0
    for event, _element in etree.iterwalk(root, events=("start", "end")):
        if event == "start":
            elements += 1
            depth += 1
            deepest = max(deepest, depth)
            if elements > MAX_ELEMENTS or deepest > MAX_DEPTH:
                break
        else:
            depth -= 1
    where = source or "the page"
    if elements > MAX_ELEMENTS:
        raise ExtractionError(
            f"{where} has more than {MAX_ELEMENTS:,} elements, too many to read in bounded "
            "time; it is not archived (save the article's own page if this is a listing)"
        )
    if deepest > MAX_DEPTH:
        raise ExtractionError(
            f"{where} nests its markup more than {MAX_DEPTH} levels deep, too deep to read "
            "in bounded time; it is not archived"
        )
