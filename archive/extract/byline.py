"""The byline: every author of the article, by name, from JSON-LD, the byline the page
shows (author links, marked names) or meta tags; never a share button, a handle or the
publisher."""

from __future__ import annotations

import re
from typing import Any

from lxml import etree
from lxml.html import HtmlElement

from redline.archive.extract.metatags import MetaTags, letters, names
from redline.archive.extract.normalize import clean_text
from redline.archive.extract.tree import ancestor, attr, classes, descendants, text_of

_BY_PREFIX = re.compile(
    r"^\s*(?:written\s+|posted\s+|words\s+)?(?:by|por|par|von|door)\b[\s:]*", re.I
)
_BYLINE_TAIL = re.compile(
    r"(?:\s+|\s*[|,•·]\s*)(?:last\s+)?(?:updated|published|posted|on)\b.*$|\s*[|•·]\s*.*$"
    r"|\s*[-–—,]?\s+(?:\d{1,2}\s+)?(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)"
    r"[a-z]*\.?\s+\d.*$|\s+\d{1,2}[./]\d{1,2}[./]\d{2,4}.*$",
    re.I,
)
_BYLINE_CLASS = re.compile(r"\b(?:byline|by-line|author|authors|writer|contributor)\b")
#: Links to an author's page: /author/ann-lee, /people/ann-lee, /staff/annlee, ...
_AUTHOR_HREF = re.compile(
    r"/(?:authors?|people|staff|profiles?|contributors?|writers?|reporters?|journalists?|"
    r"columnists?|by)(?:/|-|$)|[/-]author[-/]",
    re.I,
)
_HANDLE_OR_MAIL = re.compile(r"\S+@\S+|@\w+")
_NAME = re.compile(r"^[^\W\d_][\w.'’\- ]*$")
_NAME_PROP = re.compile(r"\bname\b")
_NOT_NAMES = frozenset(
    {"follow", "more", "see more", "read more", "profile", "view profile", "bio", "email"}
)
_META_KEYS = ("author", "article:author", "parsely-author", "sailthru.author", "dc.creator")
_OUTSIDE_ARTICLE = ("nav", "footer", "aside")
_TEXT_CONTAINERS = frozenset({"div", "span", "p", "a", "address", "section"})


def clean_byline(text: str) -> str | None:
    """A byline without "By", dates and "Updated" tails; None when what is left is no
    name (a URL, a handle, a number, too many words)."""
    text = clean_text(text)
    text = _BY_PREFIX.sub("", text)
    text = _BYLINE_TAIL.sub("", text).strip(" ,;|-–—")
    text = re.sub(r"^by\s+", "", text, flags=re.I)
    if not text or "://" in text or text.startswith("@") or len(text.split()) > 12:
        return None
    if not re.search(r"[^\W\d_]", text) or text[0].isdigit() or text.lower() == "last":
        return None
    return text


def join_names(found: list[str]) -> str | None:
    """Names as one byline ("A, B and C"), each once."""
    seen: list[str] = []
    for name in found:
        cleaned = clean_byline(name)
        if cleaned and cleaned.lower() not in (s.lower() for s in seen):
            seen.append(cleaned)
    if not seen:
        return None
    if len(seen) == 1:
        return seen[0]
    return ", ".join(seen[:-1]) + " and " + seen[-1]


def _inline_text(el: HtmlElement) -> str:
    """The text of an inline element as it renders: no space added between its parts
    (a name styled letter by letter stays one word)."""
    return clean_text(text_of(el, ""))


def _marks_author(el: HtmlElement) -> bool:
    rels = [r.lower() for r in attr(el, "rel").split()]
    return (
        "author" in attr(el, "itemprop").lower().split()
        or "author" in rels
        or bool(_BYLINE_CLASS.search(classes(el).replace("_", "-")))
    )


#: Elements with a class, an id, a rel or an itemprop: the only ones that may mark an
#: author, picked out by lxml.
_WITH_MARKS = etree.XPath("descendant-or-self::*[@class or @id or @rel or @itemprop]")
#: A word that each mark ``_marks_author`` looks for holds, lower-case: elements whose
#: marks hold none of them are not asked.
_AUTHOR_WORD = re.compile(r"author|byline|by-line|by_line|writer|contributor")


def _byline_containers(root: HtmlElement) -> list[HtmlElement]:
    """Elements marked as a byline or an author, outside navigation, footers and asides."""
    found = _WITH_MARKS(root)
    containers = []
    for el in found if isinstance(found, list) else []:
        if not isinstance(el, HtmlElement) or el.tag in ("meta", "link", "script", "style"):
            continue
        marks = f"{el.get('class')} {el.get('id')} {el.get('rel')} {el.get('itemprop')}"
        if (
            _AUTHOR_WORD.search(marks.lower())
            and _marks_author(el)
            and ancestor(el, *_OUTSIDE_ARTICLE) is None
        ):
            containers.append(el)
    return containers


def _author_links(container: HtmlElement) -> list[str]:
    """Names in ``container`` that link to an author's page (or are marked as the
    author's name), in order."""
    found: list[str] = []
    links = [container] if container.tag == "a" else []
    links += list(descendants(container, "a"))
    for link in links:
        rels = [r.lower() for r in attr(link, "rel").split()]
        if _AUTHOR_HREF.search(attr(link, "href")) or "author" in rels:
            text = _HANDLE_OR_MAIL.sub(" ", _inline_text(link))
            if text.strip():
                found.append(text)
    for el in descendants(container):
        if not _NAME_PROP.search(attr(el, "itemprop")):
            continue
        if any("author" in attr(a, "itemprop") for a in el.iterancestors()):
            found.append(_HANDLE_OR_MAIL.sub(" ", _inline_text(el)))
    return found


def _is_name(text: str, site: set[str]) -> bool:
    """Whether a link's text can be a person's name: letters, spaces, dots, hyphens
    and apostrophes, one to six words, not the site's own name ("+ Follow", "More
    stories" and "@handle" are not)."""
    text = clean_byline(text) or ""
    return (
        bool(_NAME.match(text))
        and not text.endswith((".", "…"))
        and 1 <= len(text.split()) <= 6
        and letters(text) not in site
        and text.lower() not in _NOT_NAMES
    )


def _in_scope(scope: HtmlElement | None, whole_page: bool, other: HtmlElement) -> bool:
    if whole_page:
        return True
    return scope is not None and any(a is scope for a in other.iterancestors())


def _visible_byline(containers: list[HtmlElement], site: set[str]) -> str | None:
    """The authors the page shows in its byline, by their links or marked names."""
    for container in containers:
        found = [n for n in _author_links(container) if _is_name(n, site)]
        if not found:
            continue
        # Authors of one article sit together; matches elsewhere are teasers.
        parent = container.getparent()
        scope = parent.getparent() if parent is not None else None
        # A byline right under the document's root shares its scope with the whole page.
        whole_page = parent is not None and scope is None
        for other in containers:
            if other is not container and _in_scope(scope, whole_page, other):
                found += [n for n in _author_links(other) if _is_name(n, site)]
        joined = join_names(found)
        if joined:
            return joined
    return None


def read_byline(
    root: HtmlElement, tags: MetaTags, article: dict[str, Any], site_names: list[str]
) -> str | None:
    """Every author of the article: JSON-LD, the byline shown, meta tags, then the text
    of an element marked as the byline."""
    site = {letters(s) for s in site_names}
    authors = [n for n in names(article.get("author")) if letters(n) not in site]
    if authors:
        joined = join_names(authors)
        if joined:
            return joined
    containers = _byline_containers(root)
    visible = _visible_byline(containers, site)
    if visible:
        return visible
    for key in _META_KEYS:
        usable = [v for v in tags.every(key) if "://" not in v and letters(v) not in site]
        if usable:
            joined = join_names(usable)
            if joined:
                return joined
    for el in containers:
        if el.tag in _TEXT_CONTAINERS:
            cleaned = clean_byline(_HANDLE_OR_MAIL.sub(" ", text_of(el, " ")))
            if cleaned and len(cleaned) <= 100:
                return cleaned
    return None
