"""From the HTML of a news page to an Article: metadata plus body paragraphs.

trafilatura locates the article body (it leads public extraction benchmarks and is
Apache-2.0). Before it runs, hidden elements and page furniture are removed (by class
only when they hold no running text), a body the template splits around ad rows is
put back together and text blocks are given the same markup whatever the template;
after it, paragraphs are cut where the page breaks the line, and lines the page gives
away as furniture (a link rail after the article, a kicker that is a menu link, the
byline repeated, an author box, an image's file name...) are dropped, so that only a
change to the article changes the result. The page is parsed once: metadata is read
from the same lxml tree (see ``metadata.py``) before the body extraction prunes it.
"""

from __future__ import annotations

import re
from configparser import ConfigParser
from dataclasses import replace

import trafilatura
from lxml import etree
from lxml.html import HtmlElement
from trafilatura.settings import use_config

from redline import __version__
from redline.archive.core.errors import ExtractionError
from redline.archive.core.models import Article
from redline.archive.extract.decode import decode_html
from redline.archive.extract.furniture import (
    blocks_to_paragraphs,
    correction_marked,
    drop_before_headline,
    drop_page_furniture,
    is_noise_line,
    join_body_chunks,
    known_body,
    link_texts,
    mark_content,
    strip_furniture,
)
from redline.archive.extract.headline import headline_in_body
from redline.archive.extract.metadata import Metadata, read_metadata
from redline.archive.extract.normalize import clean_text
from redline.archive.extract.parse import parse_html

EXTRACTOR = f"redline/{__version__}+trafilatura/{trafilatura.__version__}"

_CORRECTION_LINE = re.compile(
    r"^(?:corrections?|clarifications?|editor['’]?s['’]?\s+note|note from the editors?|"
    r"erratum|retraction)"
    r"(?:\s*\([^)]{0,40}\)|\s*,?\s+[A-Z][a-z]{2,8}\.?\s+\d{1,2}(?:,\s*\d{4})?)?\s*[:.\-–—]"
    r"|^(?:an|a)\s+(?:earlier|previous|prior)\s+version\s+of\s+this\s+"
    r"(?:article|story|report|post|piece)"
    r"|^this\s+(?:article|story|report|post|piece)\s+(?:has\s+been|was)\s+"
    r"(?:corrected|amended|updated\s+to\s+correct)",
    re.I,
)

# Blocks of trafilatura's output tree that become one paragraph each.
_LEAF_BLOCKS = frozenset({"p", "head", "item", "row", "quote", "code", "lb_block"})


#: A page with no headline whose short body is only link text is a menu, not an article.
MIN_ARTICLE_CHARS = 50


_WORD = re.compile(r"\w+")


def is_correction(text: str) -> bool:
    """True when a paragraph is a correction, clarification or editor's note."""
    return bool(_CORRECTION_LINE.match(text))


def _element_texts(el: etree._Element, split_lines: bool = True) -> list[str]:
    """The text of one block of trafilatura's output, cut where the page breaks the
    line (``<br>``): a template that separates paragraphs with ``<br>`` and one that
    gives each its own ``<p>`` come out the same."""
    lines: list[list[str]] = [[]]

    def walk(node: etree._Element) -> None:
        if node.text:
            lines[-1].append(node.text)
        for child in node:
            if child.tag in ("lb", "br"):
                if split_lines:
                    lines.append([])
                else:
                    lines[-1].append(" ")
            elif child.tag == "cell":
                lines[-1].append(" ")
                walk(child)
                lines[-1].append(" ")
            else:
                walk(child)
            if child.tail:
                lines[-1].append(child.tail)

    walk(el)
    return [t for t in (clean_text("".join(parts)) for parts in lines) if t]


def _paragraphs_from_body(body: etree._Element) -> list[str]:
    out: list[str] = []

    def loose(text: str | None) -> None:
        cleaned = clean_text(text or "")
        if cleaned:
            out.append(cleaned)

    def visit(node: etree._Element) -> None:
        loose(node.text)
        for child in node:
            tag = child.tag if isinstance(child.tag, str) else ""
            if tag in ("list", "table", "div", "main", "quote", "item") and _has_block_child(child):
                visit(child)
            elif not (tag in ("graphic", "lb", "ref") and not (child.text or "").strip()):
                out.extend(_element_texts(child, split_lines=tag != "row"))
            loose(child.tail)

    visit(body)
    return out


def _has_block_child(el: etree._Element) -> bool:
    return any(c.tag in ("p", "list", "item", "quote", "head", "table", "row") for c in el)


def _correction_blocks(root: HtmlElement) -> list[tuple[int, list[str]]]:
    """Text of elements marked as corrections, with their position in document order."""
    found: list[tuple[int, list[str]]] = []
    marked = correction_marked(root)
    if not marked:
        return found  # nearly every page
    position = {el: index for index, el in enumerate(root.iter())}
    # Elements, not their id(): lxml makes a new Python object each time a walk meets
    # a node no one holds, and a freed object's id is soon another node's.
    claimed: set[HtmlElement] = set()
    for el in marked:
        if el in claimed:
            continue
        if el.tag in ("html", "body", "main", "article"):
            continue
        claimed.update(el.iter())
        leaves = [
            clean_text(b.text_content())
            for b in el.iter("p", "li", "h2", "h3", "h4", "blockquote", "div")
            if not any(isinstance(c.tag, str) and c.tag in ("p", "li", "div") for c in b)
        ]
        texts = [t for t in leaves if t] or [clean_text(el.text_content())]
        # A link or a button ("Submit a correction", "Report an error") asks for a
        # correction; it is not one.
        links = {clean_text(a.text_content()) for a in el.iter("a", "button")}
        texts = [t for t in texts if t and len(t.split()) >= 3 and t not in links]
        if texts:
            found.append((position[el], texts))
    return found


def _trafilatura_config() -> ConfigParser:
    config = use_config()
    # trafilatura's own fallback for bodies under 250 characters returns the whole page
    # as one paragraph (headline, byline and "Updated 5 minutes ago" included). Short
    # articles, and articles in scripts written without spaces, are often that short.
    config.set("DEFAULT", "MIN_EXTRACTED_SIZE", "80")
    return config


_CONFIG = _trafilatura_config()


def _run_trafilatura(root: HtmlElement, url: str | None, favor_recall: bool) -> list[str]:
    # trafilatura works on a copy of the tree it is given.
    document = trafilatura.bare_extraction(
        root,
        url=url,
        config=_CONFIG,
        include_comments=False,
        include_tables=True,
        include_images=False,
        include_links=False,
        favor_recall=favor_recall,
        with_metadata=False,
        deduplicate=False,
    )
    body = getattr(document, "body", None)
    if body is None:
        return []
    return _paragraphs_from_body(body)


def _first_index_of(root: HtmlElement, text: str) -> int | None:
    for index, el in enumerate(root.iter("p", "li", "h2", "h3", "blockquote")):
        if clean_text(el.text_content()) == text:
            return index
    return None


def page_source(
    html: str | bytes, content_type: str | None = None, *, where: str = "the page"
) -> str:
    """The decoded text of a page, ready to parse; raises ``ExtractionError`` for an
    empty page and ``InputError`` for one that is not text."""
    text = decode_html(html, content_type, source=where) if isinstance(html, bytes) else html
    text = text.lstrip("\ufeff")
    if not text.strip():
        raise ExtractionError(f"no article text found in {where}; the page is empty")
    # XML declarations with an encoding are refused by lxml for str input.
    return re.sub(r"^\s*<\?xml[^>]*>", "", text)


def extract_article(
    html: str | bytes,
    url: str | None = None,
    content_type: str | None = None,
    *,
    source: str | None = None,
) -> Article:
    """The article on a page: metadata, body paragraphs in reading order, corrections.

    Raises InputError for empty or binary input and ExtractionError when the page holds
    no article text. Messages name ``source`` (the file or URL read), else ``url``.
    """
    where = source or url or "the page"
    return read_article(parse_html(page_source(html, content_type, where=where)), url, where)


def read_article(root: HtmlElement, url: str | None, where: str) -> Article:
    """The article in a parsed page (see ``extract_article``). The tree is pruned on
    the way: whatever else reads it must read it first."""
    meta = read_metadata(root, url)
    paragraphs, corrections, meta = extract_body(root, url, meta)
    if not paragraphs:
        raise ExtractionError(
            f"no article text found in {where}; check that it is an article page "
            "(if its text needs JavaScript, save the page from a browser and use that)"
        )

    return Article(
        title=meta.title,
        subtitle=meta.subtitle,
        byline=meta.byline,
        published=meta.published,
        modified=meta.modified,
        canonical_url=meta.canonical_url,
        language=meta.language,
        paragraphs=tuple(paragraphs),
        corrections=tuple(corrections),
        extractor=EXTRACTOR,
    )


def extract_body(
    root: HtmlElement, url: str | None, meta: Metadata
) -> tuple[list[str], list[str], Metadata]:
    """The body paragraphs of a parsed page in reading order, and those of them that
    are corrections; no paragraphs when the page holds no article text. ``root`` is
    pruned of page furniture on the way.

    ``meta`` is what was read of the page besides the body: the headline and standfirst
    are fields of their own, so a body that starts with them does not repeat them, and
    a line that only repeats the byline is not body text. The metadata comes back with
    the headline the body shows, when the title read from metadata adds a site's name
    to it.
    """
    title, subtitle = meta.title, meta.subtitle
    links = link_texts(root)
    strip_furniture(root)
    correction_blocks = _correction_blocks(root)
    body = known_body(root)
    join_body_chunks(root, body)
    blocks_to_paragraphs(root)
    mark_content(root, body)

    paragraphs = _run_trafilatura(root, url, favor_recall=False)
    if not paragraphs:
        paragraphs = _run_trafilatura(root, url, favor_recall=True)
    shown = headline_in_body(paragraphs, title)
    if shown:
        title = shown
        meta = replace(meta, title=shown)
    paragraphs = _tidy(paragraphs, title, subtitle, links, meta.byline)
    body_chars = sum(len(m) for p in paragraphs for m in _WORD.findall(p))
    if not body_chars or (
        body_chars < MIN_ARTICLE_CHARS and not title and all(p in links for p in paragraphs)
    ):
        return [], [], meta

    paragraphs = _merge_corrections(root, paragraphs, correction_blocks)
    marked = {t for _, texts in correction_blocks for t in texts}
    return paragraphs, [p for p in paragraphs if p in marked or is_correction(p)], meta


def _tidy(
    paragraphs: list[str],
    title: str | None,
    subtitle: str | None,
    links: frozenset[str],
    byline: str | None,
) -> list[str]:
    out = [p for p in paragraphs if not is_noise_line(p) or is_correction(p)]
    out = drop_page_furniture(out, links, byline)
    # The headline and standfirst are fields of their own, not body text, and the
    # labels a template puts over a headline it repeats are not body text either.
    out = drop_before_headline(out, title)
    while out and (out[0] == title or (out[0] == subtitle and len(out) > 1)):
        out.pop(0)
    # A page whose only text is its standfirst (a short post, a teaser of an article
    # behind a wall) still has that text as its body.
    return out


def _merge_corrections(
    root: HtmlElement, paragraphs: list[str], blocks: list[tuple[int, list[str]]]
) -> list[str]:
    """Add correction notes that the body extraction left out (they often sit in an
    ``aside`` or ``footer``), before the body when they come first on the page."""
    if not blocks:
        return paragraphs
    present = set(paragraphs)
    first_index = _first_index_of(root, paragraphs[0])
    element_order = {el: i for i, el in enumerate(root.iter())}
    first_position = None
    if first_index is not None:
        for i, el in enumerate(root.iter("p", "li", "h2", "h3", "blockquote")):
            if i == first_index:
                first_position = element_order.get(el)
                break
    before: list[str] = []
    after: list[str] = []
    for position, texts in blocks:
        missing = [t for t in texts if t not in present and not _inside_any(t, paragraphs)]
        if not missing:
            continue
        if first_position is not None and position < first_position:
            before.extend(missing)
        else:
            after.extend(missing)
        present.update(missing)
    return before + paragraphs + after


def _inside_any(text: str, paragraphs: list[str]) -> bool:
    return any(text in p for p in paragraphs)
