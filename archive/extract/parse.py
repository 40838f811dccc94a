"""A decoded page as an lxml tree, parsed once for every reader of it: the metadata,
the quality gate, the visible text and (last, since it prunes the tree) the body."""

from __future__ import annotations

from lxml import etree
from lxml import html as lxml_html
from lxml.html import HtmlElement

from redline.archive.extract.normalize import without_control_characters


def parse_html(text: str) -> HtmlElement:
    """The document tree of a decoded page; an empty document when nothing in it parses
    (the readers then find no article, no title and no text)."""
    text = without_control_characters(text)
    for markup in (text, f"<html><body>{text}</body></html>"):
        try:
            return lxml_html.document_fromstring(markup)
        except (etree.ParserError, ValueError):
            continue
    return lxml_html.document_fromstring("<html><body></body></html>")
