"""Reading sitemaps: the lists of pages, or of further sitemaps, that a site publishes.

``parse_sitemap`` reads the forms sitemaps.org and Google describe:

* ``<urlset>``: one ``<url>`` per page, with ``<loc>`` and an optional ``<lastmod>``;
* ``<sitemapindex>``: one ``<sitemap>`` per child sitemap, with the same two fields;
* Google News sitemaps: a ``<urlset>`` whose pages carry ``<news:news>`` with a
  ``<news:publication_date>`` (preferred to ``<lastmod>``) and a ``<news:title>``;
* plain-text sitemaps: one absolute URL per line;

compressed with gzip or not (``sitemap.xml.gz``). The elements are read in the
sitemaps.org namespace (``SITEMAP_NS``), in no namespace, or in whatever namespace the
root element is in, such as Google's older ``http://www.google.com/schemas/sitemap/0.84``.

URLs are kept when they are absolute http(s) URLs, with white space around them
stripped and any fragment removed; duplicates are dropped and document order is kept.
Dates (W3C datetime: ``2025``, ``2025-06-03``, ``2025-06-03T10:00+02:00`` ...) become
ISO 8601 in UTC with a trailing Z; a date that cannot be read becomes None.

The XML parser loads no DTD, resolves no entity and opens no file or URL; a document
whose DOCTYPE declares entities (billion laughs, XXE) is refused outright. Every
failure is an ``InputError`` naming the sitemap's URL and what to do.

``recent`` keeps the entries changed in the last few days, so that watching a news
site's sitemap does not mean watching its whole back catalogue.

``iso_utc`` (dates), ``unpack`` (gzip and the size limit), ``absolute_http_url`` and
``is_html_page`` are shared with ``feeds``.
"""

from __future__ import annotations

import re
import zlib
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from email.utils import parsedate_to_datetime
from urllib.parse import urlsplit, urlunsplit

from lxml import etree

from redline.archive.core.errors import InputError, UsageError, one_line
from redline.archive.core.times import iso
from redline.archive.core.urls import url_problem
from redline.archive.fetch.client import (
    DEFAULT_MAX_BYTES,
    BodyTooLarge,
    _size,
    decode_body,
    looks_like_html,
)

__all__ = [
    "NEWS_NS",
    "SITEMAP_NS",
    "Sitemap",
    "SitemapEntry",
    "absolute_http_url",
    "is_html_page",
    "iso_utc",
    "parse_sitemap",
    "recent",
    "unpack",
]

SITEMAP_NS = "http://www.sitemaps.org/schemas/sitemap/0.9"
NEWS_NS = "http://www.google.com/schemas/sitemap-news/0.9"

NEWS_NAMESPACES = frozenset({NEWS_NS, "https://www.google.com/schemas/sitemap-news/0.9"})

GZIP_MAGIC = b"\x1f\x8b"
_UTF8_BOM = b"\xef\xbb\xbf"
_WIDE_BOMS = (b"\xff\xfe", b"\xfe\xff", b"\x00\x00\xfe\xff")
_ADVICE = "check the sitemap: line in the watchlist"


@dataclass(frozen=True)
class SitemapEntry:
    """One page (or child sitemap) listed in a sitemap.

    ``modified`` is ISO 8601 UTC with a trailing Z, or None when the sitemap gives no
    readable date; ``title`` is the Google News title, when there is one.
    """

    url: str
    modified: str | None = None
    title: str | None = None


@dataclass(frozen=True)
class Sitemap:
    """What one sitemap lists: pages (``<urlset>``) or child sitemaps (``<sitemapindex>``)."""

    pages: tuple[SitemapEntry, ...] = ()
    sitemaps: tuple[SitemapEntry, ...] = ()


# -- shared with feeds -----------------------------------------------------------------

# W3C datetime (a profile of ISO 8601), read liberally: a space instead of "T", no
# seconds, a fraction, a zone without colon, or no zone at all (taken as UTC).
_W3C_DATETIME = re.compile(
    r"(?P<year>\d{4})(?:-(?P<month>\d{1,2})(?:-(?P<day>\d{1,2})"
    r"(?:(?:[Tt]|\s+)(?P<hour>\d{1,2}):(?P<minute>\d{2})(?::(?P<second>\d{2})(?:[.,]\d+)?)?"
    r"\s*(?P<zone>[Zz]|UTC|GMT|[+-]\d{2}(?::?\d{2})?)?)?)?)?"
)


def iso_utc(text: str | None) -> str | None:
    """A W3C datetime (or an RFC 822 date) as ISO 8601 UTC with a Z; None if unreadable.

    ``2025`` and ``2025-06`` mean the first day of that year or month, a date alone
    means midnight UTC, and a time without a zone is taken as UTC. Never raises.
    """
    when = _datetime(text)
    return iso(when) if when is not None else None


def _datetime(text: str | None) -> datetime | None:
    """``text`` read as ``iso_utc`` reads it, as an aware UTC datetime; None if unreadable."""
    if not text:
        return None
    value = text.strip()
    match = _W3C_DATETIME.fullmatch(value)
    try:
        if match:
            when = _from_match(match)
        else:
            when = parsedate_to_datetime(value)
            if when.tzinfo is None:
                when = when.replace(tzinfo=timezone.utc)
        return when.astimezone(timezone.utc).replace(microsecond=0)
    except (TypeError, ValueError, IndexError, OverflowError):
        return None


def _from_match(match: re.Match[str]) -> datetime:
    zone = match["zone"]
    if not zone or zone in ("Z", "z", "UTC", "GMT"):
        tz = timezone.utc
    else:
        digits = zone[1:].replace(":", "")
        hours, minutes = int(digits[:2]), int(digits[2:] or 0)
        if minutes > 59:
            raise ValueError("bad zone offset")
        offset = timedelta(hours=hours, minutes=minutes)
        tz = timezone(-offset if zone[0] == "-" else offset)
    return datetime(
        int(match["year"]),
        int(match["month"] or 1),
        int(match["day"] or 1),
        int(match["hour"] or 0),
        int(match["minute"] or 0),
        int(match["second"] or 0),
        tzinfo=tz,
    )


def unpack(data: bytes, url: str, max_bytes: int = DEFAULT_MAX_BYTES) -> bytes:
    """``data`` ungzipped if it is gzip-compressed, checked to be within ``max_bytes``.

    Decompression stops at the limit, so a gzip bomb costs at most ``max_bytes + 1``
    bytes. Raises ``InputError`` naming ``url`` when the data is too large or corrupt.
    """
    if len(data) > max_bytes:
        raise InputError(
            f"{url} is {_size(len(data))}, over the {_size(max_bytes)} limit; "
            "raise --max-bytes to read it"
        )
    if not data.startswith(GZIP_MAGIC):
        return data
    try:
        return decode_body(data, "gzip", max_bytes)
    except BodyTooLarge:
        raise InputError(
            f"{url} is over the {_size(max_bytes)} limit once decompressed; "
            "raise --max-bytes to read it"
        ) from None
    except zlib.error as exc:
        raise InputError(
            f"{url} is gzip-compressed but corrupt ({one_line(exc)}); try again later"
        ) from None


def absolute_http_url(url: str | None) -> str | None:
    """``url`` stripped and without its fragment if it is an absolute http(s) URL."""
    if not url:
        return None
    url = url.strip()
    if url_problem(url) is not None:
        return None
    parts = urlsplit(url)
    return urlunsplit((parts.scheme, parts.netloc, parts.path, parts.query, ""))


# -- parsing ---------------------------------------------------------------------------

# A DOCTYPE and an entity declaration: never needed by a sitemap, the stuff of
# billion-laughs and external-entity attacks. Checked on the bytes (8-bit or UTF-16)
# before parsing, and on the parsed DTD after, for any encoding the first check misses.
_DOCTYPE = re.compile(rb"<!DOCTYPE", re.IGNORECASE)
_ENTITY = re.compile(rb"<!ENTITY", re.IGNORECASE)
# How XML in a wide encoding starts: with a byte order mark or with "<" (UTF-32 first).
_WIDE_ENCODINGS = (
    ("utf-32-le", (b"\xff\xfe\x00\x00", b"<\x00\x00\x00")),
    ("utf-32-be", (b"\x00\x00\xfe\xff", b"\x00\x00\x00<")),
    ("utf-16-le", (b"\xff\xfe", b"<\x00")),
    ("utf-16-be", (b"\xfe\xff", b"\x00<")),
)
# "&" not starting a character or entity reference: common in hand-made sitemaps.
_BARE_AMPERSAND = re.compile(rb"&(?!#[0-9]+;|#[xX][0-9A-Fa-f]+;|[A-Za-z_][\w.-]*;)")
# An <html> element near the start: an XHTML page, perhaps after an XML declaration.
_HTML_ROOT = re.compile(rb"<html[\s>/]", re.IGNORECASE)


def _parser() -> etree.XMLParser:
    return etree.XMLParser(
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        huge_tree=False,
        dtd_validation=False,
        remove_comments=True,
        remove_pis=True,
    )


def parse_sitemap(data: bytes, base_url: str, *, max_bytes: int = DEFAULT_MAX_BYTES) -> Sitemap:
    """The pages or child sitemaps listed in ``data``, the sitemap fetched from ``base_url``.

    Raises ``InputError`` when ``data`` is not a sitemap (empty, an HTML page, a feed,
    other XML, garbage), is refused for safety, or is too large.
    """
    data = unpack(data, base_url, max_bytes)
    if data.startswith(_WIDE_BOMS):
        return _parse_xml(data, base_url)
    # Leading white space (before "<?xml" too) is a common slip: skip it, keeping a BOM.
    bom = _UTF8_BOM if data.startswith(_UTF8_BOM) else b""
    body = data[len(bom) :].lstrip()
    if not body:
        raise InputError(f"{base_url} is empty, not a sitemap; {_ADVICE}")
    if looks_like_html(body):
        raise _not_html(base_url)
    if body.startswith(b"<"):
        return _parse_xml(bom + body, base_url)
    return _parse_text(body, base_url)


def is_html_page(data: bytes) -> bool:
    """Whether ``data`` starts like an HTML or XHTML page."""
    return looks_like_html(data) or _HTML_ROOT.search(data[:4096]) is not None


def _not_html(base_url: str) -> InputError:
    return InputError(f"{base_url} is not a sitemap (it looks like an HTML page); {_ADVICE}")


def _refuse_entities(base_url: str) -> InputError:
    return InputError(
        f"{base_url} declares XML entities in a DOCTYPE, which sitemaps never need; "
        f"redline refuses such documents for safety, {_ADVICE}"
    )


def _parse_xml(data: bytes, base_url: str) -> Sitemap:
    if _declares_entities(data):
        raise _refuse_entities(base_url)
    try:
        root = etree.fromstring(data, _parser())
    except etree.XMLSyntaxError as exc:
        root = _retry_with_escaped_ampersands(data)
        if root is None and is_html_page(data):
            raise _not_html(base_url) from None
        if root is None:
            raise InputError(
                f"{base_url} is not a well-formed sitemap (XML error: {_xml_error(exc)}); "
                f"{_ADVICE} or try again later"
            ) from None
    dtd = root.getroottree().docinfo.internalDTD
    # lxml-stubs do not know DTD.iterentities (lxml has had it since 2.3).
    if dtd is not None and any(True for _ in dtd.iterentities()):  # type: ignore[union-attr]
        raise _refuse_entities(base_url)
    namespace, name = _split(root)
    if name == "urlset":
        return Sitemap(pages=_entries(root, namespace, "url"))
    if name == "sitemapindex":
        return Sitemap(sitemaps=_entries(root, namespace, "sitemap"))
    if name in ("rss", "feed", "RDF"):
        raise InputError(
            f"{base_url} is an RSS or Atom feed, not a sitemap; "
            "use a feed: line in the watchlist for it instead"
        )
    if name == "html":
        raise _not_html(base_url)
    raise InputError(
        f"{base_url} is XML but not a sitemap (its root element is <{name}>, "
        f"not <urlset> or <sitemapindex>); {_ADVICE}"
    )


def _declares_entities(data: bytes) -> bool:
    """Whether ``data`` (8-bit, UTF-16 or UTF-32 XML) has a DOCTYPE and entity declaration."""
    for codec, starts in _WIDE_ENCODINGS:
        if data.startswith(starts):
            data = data.decode(codec, errors="replace").encode("utf-8")
            break
    return _DOCTYPE.search(data) is not None and _ENTITY.search(data) is not None


def _xml_error(exc: etree.XMLSyntaxError) -> str:
    """lxml's message without the "(<string>, line 1)" it appends."""
    return re.sub(r"\s*\(<string>, line \d+\)$", "", one_line(exc))[:200]


def _retry_with_escaped_ampersands(data: bytes) -> etree._Element | None:
    """The tree of ``data`` with bare "&" escaped, or None if that does not help."""
    if b"\x00" in data or not _BARE_AMPERSAND.search(data):
        return None
    try:
        return etree.fromstring(_BARE_AMPERSAND.sub(b"&amp;", data), _parser())
    except etree.XMLSyntaxError:
        return None


def _split(element: etree._Element) -> tuple[str, str]:
    """(namespace, local name) of an element; namespace "" when it has none."""
    qname = etree.QName(element)
    return qname.namespace or "", qname.localname


def _text(element: etree._Element | None) -> str:
    """The text inside ``element`` (CDATA included), stripped; "" for no element."""
    if element is None:
        return ""
    return "".join(t for t in element.itertext() if isinstance(t, str)).strip()


def _child(parent: etree._Element, namespaces: Iterable[str], name: str) -> etree._Element | None:
    for child in parent.iterchildren(tag=etree.Element):
        namespace, local = _split(child)
        if local == name and namespace in namespaces:
            return child
    return None


def _entries(root: etree._Element, namespace: str, item: str) -> tuple[SitemapEntry, ...]:
    """The ``<url>`` (or ``<sitemap>``) children of ``root``, in order, as entries."""
    own = {namespace, ""}
    found: list[SitemapEntry] = []
    seen: set[str] = set()
    for element in root.iterchildren(tag=etree.Element):
        if _split(element) not in ((namespace, item), ("", item)):
            continue
        url = absolute_http_url(_text(_child(element, own, "loc")))
        if url is None or url in seen:
            continue
        seen.add(url)
        modified = iso_utc(_text(_child(element, own, "lastmod")))
        title = None
        news = _child(element, NEWS_NAMESPACES, "news")
        if news is not None:
            published = iso_utc(_text(_child(news, NEWS_NAMESPACES, "publication_date")))
            modified = published or modified
            title = one_line(_text(_child(news, NEWS_NAMESPACES, "title"))) or None
        found.append(SitemapEntry(url=url, modified=modified, title=title))
    return tuple(found)


def _parse_text(data: bytes, base_url: str) -> Sitemap:
    """A plain-text sitemap: each line that is not blank holds one URL and nothing else.

    Lines that are not absolute http(s) URLs are skipped; text with anything else on a
    line (prose, a robots.txt, JSON) is not a sitemap.
    """
    if b"\x00" in data:
        raise InputError(f"{base_url} is binary data, not a sitemap; {_ADVICE}")
    text = data.decode("utf-8", errors="replace")
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    found: list[SitemapEntry] = []
    seen: set[str] = set()
    for line in lines:
        url = absolute_http_url(line)
        if url is not None and url not in seen:
            seen.add(url)
            found.append(SitemapEntry(url=url))
    if not found or any(len(line.split()) > 1 for line in lines):
        raise InputError(
            f"{base_url} is not a sitemap (neither XML nor a list of URLs, one a line); {_ADVICE}"
        )
    return Sitemap(pages=tuple(found))


# -- choosing what to watch ------------------------------------------------------------


def recent(entries: Iterable[SitemapEntry], now: datetime, days: float) -> list[SitemapEntry]:
    """The entries modified within ``days`` of ``now``, and those with no date, in order.

    An entry whose date cannot be read counts as having none. Dates after ``now``
    count as recent (clocks differ); a naive ``now`` is taken as UTC.
    ``days`` may be fractional: ``recent(entries, now, 0.5)`` keeps the last 12 hours.
    """
    if not days >= 0:
        raise UsageError(f"the number of days must be 0 or more, not {days!r}")
    if now.tzinfo is None:
        now = now.replace(tzinfo=timezone.utc)
    since = now - timedelta(days=days)
    kept = []
    for entry in entries:
        when = _datetime(entry.modified)
        if when is None or when >= since:
            kept.append(entry)
    return kept
