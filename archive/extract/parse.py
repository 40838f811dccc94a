"""A decoded page as an lxml tree, parsed once for every reader of it: the metadata,
the quality gate, the visible text and (last, since it prunes the tree) the body."""

from __future__ import annotations

from lxml import etree
from lxml import html as lxml_html
from lxml.html import HtmlElement

from redline.archive.extract.normalize import without_control_characters


def _html_parser() -> lxml_html.HTMLParser:
    """``lxml.html``'s parser, giving every node the class ``lxml.html`` gives it
    (``HtmlElement``, ``FormElement`` for a form...), but chosen by lxml itself rather
    than by a Python method: the readers walk the tree many times, and lxml picks a
    class each time a node is met again, which cost a tenth of a page's reading."""
    lookup = etree.ElementNamespaceClassLookup(
        etree.ElementDefaultClassLookup(
            element=HtmlElement,
            comment=lxml_html.HtmlComment,
            pi=lxml_html.HtmlProcessingInstruction,
            entity=lxml_html.HtmlEntity,
        )
    )
    by_tag = lookup.get_namespace(None)
    for tag, cls in lxml_html.HtmlElementClassLookup._default_element_classes.items():
        by_tag[tag] = cls
    parser = lxml_html.HTMLParser()
    parser.set_element_class_lookup(lookup)
    return parser


_PARSER = _html_parser()


def parse_html(text: str, *, decoded: bool = False) -> HtmlElement:
    """The document tree of a decoded page; an empty document when nothing in it parses
    (the readers then find no article, no title and no text). ``decoded``: the text
    comes from ``decode_html``, which left no control character in it, so only the two
    non-characters are looked for."""
    if not decoded or "\ufffe" in text or "\uffff" in text:
        text = without_control_characters(text)
    for markup in (text, f"<html><body>{text}</body></html>"):
        try:
            return lxml_html.document_fromstring(markup, parser=_PARSER)
        except (etree.ParserError, ValueError):
            continue
    return lxml_html.document_fromstring("<html><body></body></html>", parser=_PARSER)
