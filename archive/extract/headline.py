"""The headline and the standfirst a reader sees, told apart from the titles a page
gives search engines and from a logo, a section label, a teaser's dek or a promo."""

from __future__ import annotations

import re
from functools import lru_cache
from itertools import islice
from typing import Any
from urllib.parse import urlsplit

from lxml.html import HtmlElement

from redline.archive.extract.metatags import MetaTags, letters
from redline.archive.extract.normalize import clean_text
from redline.archive.extract.tree import ancestor, attr, descendants, elements, first, text_of

_SEPARATORS = (" | ", " - ", " – ", " — ", " :: ", " · ", " » ", " / ", ": ")
_TITLE_KEYS = ("og:title", "twitter:title", "dc.title", "parsely-title", "sailthru.title")
_HIDDEN = re.compile(r"display\s*:\s*none", re.I)
_WORDS = re.compile(r"\w+")


def strip_site(title: str, site_names: list[str], url: str | None) -> str:
    """A title without the site's name before or after a separator."""
    host = letters(urlsplit(url).hostname or "") if url else ""
    for sep in _SEPARATORS:
        if sep not in title:
            continue
        head, _, tail = title.rpartition(sep)
        start, _, rest = title.partition(sep)
        for name in site_names:
            if letters(tail) == letters(name) and head.strip():
                return head.strip()
            if letters(start) == letters(name) and rest.strip():
                return rest.strip()
        tail_letters = letters(tail)
        if tail_letters and host and tail_letters in host and len(tail.split()) <= 4:
            return head.strip()
        if sep == " | " and len(tail.split()) <= 4 and len(head.split()) >= 3:
            return head.strip()
    return title


def _words(text: str) -> set[str]:
    return set(_WORDS.findall(text.lower()))


def agrees(a: str, b: str) -> bool:
    """Whether two titles are the same headline: equal letters, one inside the other,
    or most of their words in common."""
    la, lb = letters(a), letters(b)
    if not la or not lb:
        return False
    if la == lb or (min(len(la), len(lb)) >= 12 and (la in lb or lb in la)):
        return True
    wa, wb = _words(a), _words(b)
    return len(wa & wb) / max(1, len(wa | wb)) >= 0.6


def _links_home(h1: HtmlElement) -> bool:
    """Whether an h1 is, or holds, a link to the site's front page (a logo)."""
    around = ancestor(h1, "a")
    for link in [*descendants(h1, "a"), *([around] if around is not None else [])]:
        href = attr(link, "href").strip()
        parts = urlsplit(href)
        if parts.path in ("", "/", "/index.html") and not parts.query and href not in ("", "#"):
            return True
    return False


def _hidden(el: HtmlElement) -> bool:
    return any(_HIDDEN.search(attr(a, "style")) for a in el.iterancestors())


def visible_headlines(root: HtmlElement, site_names: list[str]) -> list[str]:
    """The page's h1 headings a reader sees as a headline: not a logo or a section
    label (an h1 inside a link, linking home, in the navigation, or naming the site)."""
    site = {letters(s) for s in site_names}
    out: list[str] = []
    for h1 in elements(root, "h1"):
        if ancestor(h1, "a", "nav", "footer", "aside") is not None:
            continue
        if _hidden(h1) or _links_home(h1):
            continue
        text = clean_text(text_of(h1, " "))
        if not text or not letters(text) or letters(text) in site or text in out:
            continue
        out.append(text)
    return out


def read_title(
    root: HtmlElement,
    tags: MetaTags,
    article: dict[str, Any],
    site_names: list[str],
    url: str | None,
) -> str | None:
    """The headline readers see: the page's h1 when it is the article's headline (it
    agrees with the title the page gives search engines and social networks, or it is
    the only one), else the JSON-LD headline, og:title or <title> without the site."""
    title_el = first(root, "title")
    raw_title = clean_text(text_of(title_el, " ")) if title_el is not None else ""
    references: list[str] = []
    headline = article.get("headline") or article.get("name")
    if isinstance(headline, str) and clean_text(headline):
        references.append(clean_text(headline))
    for key in _TITLE_KEYS:
        value = tags.first(key)
        if value:
            references.append(value)
    if raw_title:
        references.append(raw_title)
    h1s = visible_headlines(root, site_names)
    for h1 in h1s:
        if any(agrees(h1, strip_site(ref, site_names, url)) for ref in references):
            return h1
    if len(h1s) == 1:
        return h1s[0]
    for candidate in references:
        title = strip_site(candidate, site_names, url)
        if title and len(title) >= 2 and letters(title):
            return title
    return h1s[0] if h1s else None


def headline_in_body(paragraphs: list[str], title: str | None) -> str | None:
    """The headline the page shows as the first line of its text when the title read
    from the page's metadata is that line followed by a site's or a section's name
    ("Inside the Lab" shown, "Inside the Lab — Backchannel — Medium" in <title>): the
    headline readers see is the line, not the title given to search engines."""
    if not paragraphs or not title:
        return None
    first = paragraphs[0]
    if first == title or len(first.split()) > 25:
        return None
    if any(title.startswith(first + sep) for sep in _SEPARATORS):
        return first
    return None


# --- standfirst ----------------------------------------------------------------------

_DEK_WORDS = frozenset({"dek", "standfirst", "subtitle", "subheadline", "strapline", "deck"})
_DEK_JOINED = ("standfirst", "subheadline", "subtitle", "articlesummary", "storysummary")
_CLASS_SPLIT = re.compile(r"[-_\s]+|(?<=[a-z])(?=[A-Z])")
_BLOCKS = frozenset({"p", "div", "ul", "ol", "h2", "h3", "section", "article", "table"})
_NOT_STANDFIRST_AROUND = ("nav", "aside", "footer", "li", "a")
_DESCRIPTION_KEYS = ("og:description", "description", "twitter:description")

#: A box that sells a newsletter or an app is not the article's standfirst.
_PROMO = re.compile(
    r"\b(?:sign up|subscribe|newsletters?|download (?:the|our) app)\b"
    r"|\b(?:delivered|sent)\b.{0,30}\b(?:daily|weekly|inbox|every (?:day|morning|week))\b"
    r"|\bto your inbox\b",
    re.I,
)


def _is_dek(el: HtmlElement) -> bool:
    classes = el.get("class")
    return bool(classes) and _is_dek_class(classes)


@lru_cache(maxsize=4096)
def _is_dek_class(classes: str) -> bool:
    """Whether a class attribute marks a standfirst; remembered, since a page repeats
    its class names many times."""
    for token in classes.split():
        words = [w.lower() for w in _CLASS_SPLIT.split(token) if w]
        if any(w in _DEK_WORDS for w in words):
            return True
        joined = "".join(words)
        if any(j in joined for j in _DEK_JOINED):
            return True
    return False


def _holds_blocks(el: HtmlElement) -> bool:
    """Whether ``el`` has block elements among its children (it is a container, not a
    line of text); only its own children are looked at, so this costs little."""
    return any(child.tag in _BLOCKS for child in el)


def _shown_description(root: HtmlElement, description: str | None) -> str | None:
    """The page's description when the page also shows it (a visible standfirst that
    search engines are given too), as shown; None when it is not on the page."""
    if not description or len(description.split()) < 5:
        return None
    wanted = letters(description.rstrip(".…").removesuffix("..."))
    for el in islice(elements(root, "p", "h2", "div", "span"), 4000):
        if _holds_blocks(el) or ancestor(el, *_NOT_STANDFIRST_AROUND, "head") is not None:
            continue
        text = clean_text(text_of(el, " "))
        found = letters(text)
        if found and len(text) <= 600 and (found == wanted or found.startswith(wanted)):
            return text
    return None


def read_standfirst(root: HtmlElement, tags: MetaTags, title: str | None) -> str | None:
    """The standfirst: the description the page shows under its headline, else the
    first element marked as one (dek, standfirst, subtitle...) after the headline and
    outside the page's navigation, rails and teasers."""
    shown = _shown_description(root, tags.first(*_DESCRIPTION_KEYS))
    if shown and shown != title and not _PROMO.search(shown):
        return shown
    headline = None
    if title:
        for h1 in elements(root, "h1"):
            if letters(text_of(h1, " ")) == letters(title):
                headline = h1
                break
    after_headline = headline is None
    for el in elements(root, "h1", "p", "h2", "div", "span"):
        if el is headline:
            after_headline = True
            continue
        if not after_headline or not _is_dek(el) or _holds_blocks(el):
            continue
        if ancestor(el, *_NOT_STANDFIRST_AROUND) is not None:
            continue
        text = clean_text(text_of(el, " "))
        if 20 <= len(text) <= 400 and text != title and len(text.split()) >= 5:
            if not _PROMO.search(text):
                return text
    return None
