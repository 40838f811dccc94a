"""What a page says about itself in markup meant for machines: schema.org JSON-LD and
meta tags (Open Graph, article:*, Dublin Core, parsely...)."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import Any

from lxml.html import HtmlElement

from redline.archive.extract.normalize import clean_text
from redline.archive.extract.tree import attr, elements

ARTICLE_TYPES = frozenset(
    {
        "article",
        "newsarticle",
        "reportagenewsarticle",
        "analysisnewsarticle",
        "opinionnewsarticle",
        "reviewnewsarticle",
        "backgroundnewsarticle",
        "askpublicnewsarticle",
        "blogposting",
        "liveblogposting",
        "socialmediaposting",
        "techarticle",
        "scholarlyarticle",
        "report",
        "satiricalarticle",
    }
)

_JSONLD_TYPE = re.compile(r"ld\+json", re.I)
_NOT_LETTERS = re.compile(r"[\W_]+")


def letters(text: str) -> str:
    """Only the letters and digits of ``text``, lower-case: what two spellings of one
    name have in common."""
    return _NOT_LETTERS.sub("", text.lower())


# --- JSON-LD -------------------------------------------------------------------------


def _walk_jsonld(node: Any) -> Iterator[dict[str, Any]]:
    if isinstance(node, list):
        for item in node:
            yield from _walk_jsonld(item)
    elif isinstance(node, dict):
        yield node
        for key in ("@graph", "mainEntity", "mainEntityOfPage", "itemListElement"):
            if key in node:
                yield from _walk_jsonld(node[key])


def _types(obj: dict[str, Any]) -> set[str]:
    raw = obj.get("@type", ())
    items = raw if isinstance(raw, list) else [raw]
    return {str(t).rsplit("/", 1)[-1].lower() for t in items if t}


def jsonld_objects(root: HtmlElement) -> list[dict[str, Any]]:
    """Every JSON-LD object on the page, articles first."""
    found: list[dict[str, Any]] = []
    for script in elements(root, "script"):
        if not _JSONLD_TYPE.search(attr(script, "type")):
            continue
        raw = (script.text or "").strip().removeprefix("<!--").removesuffix("-->").strip()
        if raw.endswith(";"):
            raw = raw[:-1]
        try:
            data = json.loads(raw, strict=False)
        except ValueError:
            continue
        found.extend(_walk_jsonld(data))
    articles = [o for o in found if _types(o) & ARTICLE_TYPES]
    return articles + [o for o in found if o not in articles]


def jsonld_article(objects: list[dict[str, Any]]) -> dict[str, Any]:
    """The first JSON-LD object that is an article, else an empty one."""
    for obj in objects:
        if _types(obj) & ARTICLE_TYPES:
            return obj
    return {}


def names(value: Any) -> list[str]:
    """The names in a JSON-LD ``author`` or ``publisher`` value: a string, a Person or
    Organization, or a list of them."""
    if isinstance(value, str):
        return [value]
    if isinstance(value, list):
        return [n for item in value for n in names(item)]
    if isinstance(value, dict):
        name = value.get("name")
        if isinstance(name, str):
            return [name]
        if isinstance(name, list):
            return [str(n) for n in name if isinstance(n, str)]
        given, family = value.get("givenName"), value.get("familyName")
        if isinstance(given, str) and isinstance(family, str):
            return [f"{given} {family}"]
    return []


# --- meta tags -----------------------------------------------------------------------


class MetaTags:
    """The page's meta tags, read once: for each key (a word of a tag's ``property``,
    ``name``, ``itemprop`` or ``http-equiv``), the non-empty contents in page order."""

    def __init__(self, root: HtmlElement) -> None:
        self._first: dict[str, str] = {}
        self._all: dict[str, list[str]] = {}
        for tag in elements(root, "meta"):
            content = tag.get("content")
            if content is None:
                content = tag.get("value")  # written so by some tools that save pages
            if not isinstance(content, str) or not content.strip():
                continue
            # Some pages list several properties in one attribute; http-equiv names
            # a header, never an author.
            listed = " ".join(attr(tag, a) for a in ("property", "name", "itemprop"))
            listed_keys = listed.lower().split()
            for key in [*listed_keys, *attr(tag, "http-equiv").lower().split()]:
                self._first.setdefault(key, content)
            value = clean_text(content)
            for key in listed_keys:
                values = self._all.setdefault(key, [])
                if value and value not in values:
                    values.append(value)

    def first(self, *keys: str) -> str | None:
        """The content of the first meta tag with the first of ``keys`` found."""
        for key in keys:
            found = self._first.get(key.lower())
            if found is not None:
                return clean_text(found) or None
        return None

    def every(self, key: str) -> list[str]:
        """Every content of the meta tags named ``key`` (a page may list each author in
        a tag of its own)."""
        return list(self._all.get(key, ()))
