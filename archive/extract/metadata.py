"""Article metadata from a parsed page: title, standfirst, byline, dates, URL, language.

Sources in order of trust: schema.org JSON-LD, Open Graph / article:* meta tags, other
meta tags, then visible markup (h1, rel=author, byline classes, <time datetime>). The
page is read from the lxml tree the body extraction uses too (one parse per page).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any
from urllib.parse import urljoin

from lxml.html import HtmlElement

from redline.archive.core.secrets import redact
from redline.archive.extract.byline import read_byline
from redline.archive.extract.dates import read_dates
from redline.archive.extract.headline import read_standfirst, read_title
from redline.archive.extract.metatags import MetaTags, jsonld_article, jsonld_objects, names
from redline.archive.extract.normalize import clean_text
from redline.archive.extract.tree import attr, elements

_LANGUAGE_TAG = re.compile(r"[A-Za-z]{2,3}(?:-[A-Za-z0-9]{2,8})*")


@dataclass(frozen=True)
class Metadata:
    title: str | None = None
    subtitle: str | None = None
    byline: str | None = None
    published: str | None = None
    modified: str | None = None
    canonical_url: str | None = None
    language: str | None = None


# --- URL and language ----------------------------------------------------------------


def _base_url(root: HtmlElement, url: str | None) -> str | None:
    for base in elements(root, "base"):
        if base.get("href") is None:
            continue
        href = attr(base, "href").strip()
        return urljoin(url or "", href) if href else url
    return url


def _usable_url(url: str) -> str | None:
    """A URL the page gives, or None when it holds what no URL may (spaces, controls)."""
    if not url or any(c.isspace() or ord(c) < 32 or 0x7F <= ord(c) <= 0x9F for c in url):
        return None
    return redact(url)


def _canonical(root: HtmlElement, tags: MetaTags, url: str | None) -> str | None:
    # Without the page's own URL, the og:url is the best base for a relative link.
    og = tags.first("og:url")
    base = _base_url(root, url or og)
    for link in elements(root, "link"):
        href = attr(link, "href").strip()
        if href and "canonical" in attr(link, "rel").lower().split():
            return _usable_url(urljoin(base or "", href))
    if og:
        return _usable_url(urljoin(base or "", og))
    return None


def normalize_language(value: str | None) -> str | None:
    """A language tag as BCP 47 writes it (``en-US``), None when it is not one."""
    if not value:
        return None
    text = value.strip().split(",")[0].strip().replace("_", "-")
    if not _LANGUAGE_TAG.fullmatch(text):
        return None
    parts = text.split("-")
    out = [parts[0].lower()]
    for part in parts[1:]:
        out.append(part.upper() if len(part) == 2 else part)
    return "-".join(out)


def _language(root: HtmlElement, tags: MetaTags, article: dict[str, Any]) -> str | None:
    html = root if root.tag == "html" else next(elements(root, "html"), None)
    if html is not None:
        for name in ("lang", "xml:lang"):
            lang = normalize_language(attr(html, name))
            if lang:
                return lang
    in_language = article.get("inLanguage")
    for value in (
        in_language if isinstance(in_language, str) else None,
        tags.first("og:locale"),
        tags.first("content-language"),
        tags.first("language"),
        tags.first("dc.language"),
    ):
        lang = normalize_language(value)
        if lang:
            return lang
    return None


# --- all together --------------------------------------------------------------------


def read_metadata(root: HtmlElement, url: str | None = None) -> Metadata:
    """Everything but the body, read from a parsed page (which is left as it was)."""
    tags = MetaTags(root)
    article = jsonld_article(jsonld_objects(root))
    site_names = [n for n in [tags.first("og:site_name", "application-name")] if n]
    site_names.extend(clean_text(n) for n in names(article.get("publisher")) if n.strip())
    title = read_title(root, tags, article, site_names, url)
    published, modified = read_dates(root, tags, article)
    return Metadata(
        title=title,
        subtitle=read_standfirst(root, tags, title),
        byline=read_byline(root, tags, article, site_names),
        published=published,
        modified=modified,
        canonical_url=_canonical(root, tags, url),
        language=_language(root, tags, article),
    )
