"""Small questions asked of an lxml HTML tree: an element's text as a reader sees it, its
class words, its enclosing elements.

The metadata readers use these instead of a second parse of the page: the body
extraction has the page parsed already, and one tree serves both.
"""

from __future__ import annotations

from collections.abc import Iterator

from lxml.html import HtmlElement

#: Elements whose text a reader does not see as part of the text around them: code and
#: styles, templates, and ruby annotations (the reading printed above a word).
_UNSEEN = frozenset({"script", "style", "template", "rt", "rp"})


def is_element(node: object) -> bool:
    """Whether a node is an element (not a comment or a processing instruction)."""
    return isinstance(getattr(node, "tag", None), str)


def _strings(el: HtmlElement, out: list[str]) -> None:
    if el.text:
        out.append(el.text)
    for child in el:
        tag = child.tag
        if isinstance(tag, str) and tag not in _UNSEEN:
            _strings(child, out)
        if child.tail:
            out.append(child.tail)


def text_of(el: HtmlElement, sep: str = "") -> str:
    """The text inside ``el``, its pieces joined with ``sep``: ``" "`` keeps words of two
    blocks apart, ``""`` renders inline markup as a browser does (a name styled letter by
    letter stays one word). Comments, scripts, styles, ruby readings and what a
    <template> holds (never shown) are left out."""
    if el.tag in _UNSEEN or next(el.iterancestors("template"), None) is not None:
        return ""
    out: list[str] = []
    _strings(el, out)
    return sep.join(out)


def _iter_strings(el: HtmlElement) -> Iterator[str]:
    if el.text:
        yield el.text
    for child in el:
        tag = child.tag
        if isinstance(tag, str) and tag not in _UNSEEN:
            yield from _iter_strings(child)
        if child.tail:
            yield child.tail


def leading_text(el: HtmlElement, limit: int, sep: str = " ") -> str:
    """The first ``limit`` characters or so of ``text_of(el, sep)``, read no further: a
    large element's start costs what its start holds."""
    if el.tag in _UNSEEN or next(el.iterancestors("template"), None) is not None:
        return ""
    out: list[str] = []
    size = 0
    for piece in _iter_strings(el):
        size += len(piece) + (len(sep) if out else 0)
        out.append(piece)
        if size >= limit:
            break
    return sep.join(out)


def attr(el: HtmlElement, name: str) -> str:
    """An attribute's value, "" when absent."""
    value = el.get(name)
    return value if isinstance(value, str) else ""


def words_of(el: HtmlElement, name: str) -> list[str]:
    """The space-separated words of an attribute (``class``, ``rel``, ``itemprop``)."""
    return attr(el, name).split()


def classes(el: HtmlElement) -> str:
    """An element's class words and id, lower-case, one string."""
    return f"{' '.join(words_of(el, 'class'))} {attr(el, 'id')}".lower()


def ancestor(el: HtmlElement, *tags: str) -> HtmlElement | None:
    """The nearest element around ``el`` with one of ``tags``, else None."""
    for parent in el.iterancestors(*tags):
        return parent
    return None


def elements(root: HtmlElement, *tags: str) -> Iterator[HtmlElement]:
    """The elements below and including ``root`` (with one of ``tags``, if given), in
    document order, comments and processing instructions left out."""
    for el in root.iter(*tags):
        if isinstance(el.tag, str):
            yield el


def descendants(el: HtmlElement, *tags: str) -> Iterator[HtmlElement]:
    """The elements inside ``el`` (not ``el`` itself), in document order."""
    for sub in el.iterdescendants(*tags):
        if isinstance(sub.tag, str):
            yield sub


def first(root: HtmlElement, tag: str) -> HtmlElement | None:
    """The first ``tag`` element of the tree, else None."""
    return next(elements(root, tag), None)
