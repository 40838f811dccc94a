"""Reading RSS and Atom feeds into the list of articles they link to.

``parse_feed`` hands the bytes to feedparser, which knows RSS 0.9x, 1.0 (RDF) and 2.0,
Atom 0.3 and 1.0 and their broken variants, and returns one ``FeedItem`` per item:

* the URL is the item's link (``rel="alternate"`` in Atom), resolved against xml:base
  and the feed's own URL, with its fragment removed. FeedBurner's ``feedburner:origLink``
  wins over the redirecting link beside it; an item without a usable link falls back
  to its guid or id when that is an absolute http(s) URL (not an RSS guid marked
  ``isPermaLink="false"``);
* items whose link is not http(s) (``javascript:``, ``mailto:``, ``data:``) or cannot
  be made absolute are dropped, as are repeats of a URL; feed order is kept;
* ``published`` is the item's published date, else its updated date, as ISO 8601
  UTC with a trailing Z.

feedparser is given the bytes only, wrapped in a stream: given ``bytes`` directly it
would try them as a file name first, and given a ``str`` URL it would fetch it. Its
XML parser (expat) is told not to read external entities or DTDs, and expat stops an
entity expansion that grows out of proportion (billion laughs). A gzip-compressed
body is decompressed, within ``max_bytes``.

A feed with XML errors that still yields items is read as far as it goes, and a
well-formed feed with no items is an empty list. A body that is no feed at all (empty,
an HTML page, a sitemap, JSON, garbage) is an ``InputError`` naming the feed's URL;
an HTML page is recognised before feedparser's slow lenient parser reads all of it.
"""

from __future__ import annotations

import calendar
import html
import io
import re
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any
from urllib.parse import urljoin
from xml.sax import SAXParseException

import feedparser

from redline.archive.core.errors import InputError, one_line
from redline.archive.core.times import iso
from redline.archive.fetch.client import DEFAULT_MAX_BYTES
from redline.archive.watch.sitemaps import absolute_http_url, is_html_page, iso_utc, unpack

__all__ = ["FeedItem", "parse_feed"]

_ADVICE = "check the feed: line in the watchlist"
_SITEMAP_ROOT = re.compile(rb"<(?:[\w.-]+:)?(?:urlset|sitemapindex)[\s>]")
# The root element of RSS 0.9x/2.0, Atom and RSS 1.0 (rdf:RDF), or an RSS channel.
_FEED_ROOT = re.compile(rb"<(?:[\w.-]+:)?(?:rss|feed|RDF|channel)[\s>/]")
_TAG = re.compile(r"<[^>]*>")


@dataclass(frozen=True)
class FeedItem:
    """One item of a feed: the article's URL, its title and when it was published.

    ``published`` is ISO 8601 UTC with a trailing Z, or None when the item has no
    readable date.
    """

    url: str
    title: str | None = None
    published: str | None = None


def parse_feed(
    data: bytes,
    base_url: str,
    content_type: str | None = None,
    *,
    max_bytes: int = DEFAULT_MAX_BYTES,
) -> list[FeedItem]:
    """The items of the feed ``data``, fetched from ``base_url``, in feed order.

    ``content_type`` is the Content-Type the server sent, if any (its charset wins
    over the XML declaration). A gzip-compressed body is decompressed; the body, before
    and after, may be at most ``max_bytes``. Raises ``InputError`` when ``data`` is not
    an RSS or Atom feed, is corrupt gzip, or is too large.
    """
    data = unpack(data, base_url, max_bytes)
    head = data[:4096].lstrip(b"\xef\xbb\xbf \t\r\n")
    if is_html_page(head) and not _FEED_ROOT.search(head):
        # Known not to be a feed: spare feedparser's slow lenient parser a big page.
        raise _not_a_feed(data, base_url, None)
    headers = {"content-type": content_type} if content_type else {}
    # No content-location: relative links are resolved against base_url below, after
    # feedparser applied any xml:base, so that a guid like "1234" is not mistaken for
    # a relative link. Only titles are used, so HTML in the feed is not sanitised.
    parsed = feedparser.parse(
        io.BytesIO(data),
        response_headers=headers,
        resolve_relative_uris=False,
        sanitize_html=False,
    )
    if not parsed.get("version") and not parsed.entries:
        raise _not_a_feed(data, base_url, parsed.get("bozo_exception"))
    items: list[FeedItem] = []
    seen: set[str] = set()
    for entry in parsed.entries:
        url = _item_url(entry, base_url)
        if url is None or url in seen:
            continue
        seen.add(url)
        items.append(FeedItem(url=url, title=_title(entry), published=_published(entry)))
    return items


def _not_a_feed(data: bytes, base_url: str, problem: object) -> InputError:
    """The error for a body that yielded no feed, saying what it looks like instead."""
    head = data.lstrip(b"\xef\xbb\xbf \t\r\n")
    if _SITEMAP_ROOT.search(head[:4096]) and not is_html_page(head):
        return InputError(
            f"{base_url} is a sitemap, not an RSS or Atom feed; "
            "use a sitemap: line in the watchlist for it instead"
        )
    if not head:
        why = "it is empty"
    elif is_html_page(head):
        why = "it looks like an HTML page"
    elif head.startswith((b"{", b"[")):
        why = "it looks like JSON"
    else:
        why = "no feed elements found"
        if isinstance(problem, SAXParseException):
            # No line number: feedparser may have rewritten the prolog before parsing.
            why = f"XML error: {one_line(problem.getMessage())[:200]}"
    return InputError(f"{base_url} is not an RSS or Atom feed ({why}); {_ADVICE}")


def _item_url(entry: Any, base_url: str) -> str | None:
    """The first usable URL among the item's origLink, link, alternate links and guid."""
    link = entry.get("link")
    guid = entry.get("id")
    candidates: list[str | None] = [entry.get("feedburner_origlink")]
    if entry.get("guidislink") and link == guid:
        # feedparser copied a permalink guid into "link": only a full URL will do, not
        # a bare number taken for a relative link.
        candidates.append(absolute_http_url(link))
    else:
        candidates.append(link)
        candidates.extend(
            each.get("href")
            for each in entry.get("links", [])
            if each.get("rel", "alternate") == "alternate"
        )
    # An RSS guid with isPermaLink="false" leaves "guidislink" False and no link.
    if not (entry.get("guidislink") is False and "link" not in entry):
        candidates.append(absolute_http_url(guid))
    for candidate in candidates:
        if not candidate or not candidate.strip():
            continue
        url = absolute_http_url(urljoin(base_url, candidate.strip()))
        if url is not None:
            return url
    return None


def _title(entry: Any) -> str | None:
    title = entry.get("title")
    if not title:
        return None
    detail = entry.get("title_detail") or {}
    if detail.get("type") in ("text/html", "application/xhtml+xml"):
        title = html.unescape(_TAG.sub("", title))
    return one_line(title) or None


def _published(entry: Any) -> str | None:
    # Plain dict look-ups: feedparser's own get("updated") falls back to "published"
    # with a DeprecationWarning.
    for key in ("published", "updated"):
        parsed = dict.get(entry, f"{key}_parsed")
        if parsed:
            try:
                return iso(datetime.fromtimestamp(calendar.timegm(parsed), timezone.utc))
            except (OverflowError, ValueError, OSError):
                pass
        text = iso_utc(dict.get(entry, key))
        if text:
            return text
    return None
