"""Atom feeds (RFC 4287) of the archive site: one entry per change.

Each entry is one version after an article's first: its title says the severity and
whether it was a stealth edit, its link goes to the site's diff page (and a ``related``
link to the article itself), its content lists the reasons and, where known, the first
words that changed. Entry ids are ``urn:uuid:`` names derived from the article and the
version, so they stay the same from build to build. Text is written by an XML
serialiser (escaped), with every character XML cannot carry removed first.
"""

from __future__ import annotations

import re
import uuid
import xml.etree.ElementTree as ET
from collections.abc import Iterable
from html import escape
from urllib.parse import urljoin

from redline.archive.core.printable import printable
from redline.archive.render.diff_html import inline_html
from redline.archive.render.site_model import SiteArticle, SiteVersion

ATOM = "http://www.w3.org/2005/Atom"
#: Dates used when a feed has no entry at all (RFC 4287 needs an ``updated``).
EPOCH = "1970-01-01T00:00:00Z"
_NOT_XML = re.compile("[\ud800-\udfff\ufffe\uffff]")


def _text(value: str | None) -> str:
    """Text XML 1.0 can carry: no control characters, no surrogates or non-characters."""
    return _NOT_XML.sub("", printable(value or "", lines=True))


def entry_id(url: str, version: int) -> str:
    return uuid.uuid5(uuid.NAMESPACE_URL, f"{url}#v{version}").urn


def _href(base: str | None, path: str, root: str = "") -> str:
    """``path`` (from the site's root) as a link in a feed: absolute under ``base``, else
    relative to the feed through ``root`` (the way from the feed's folder to the root)."""
    return urljoin(base, path) if base else root + path


def entry_title(article: SiteArticle, version: SiteVersion) -> str:
    verdict = version.severity + (", stealth edit" if version.stealth else "")
    return f"{verdict}: {article.title or version.title or article.url} (v{version.version})"


def _content(article: SiteArticle, version: SiteVersion) -> str:
    parts = [
        f"<p>Version {version.version} of {escape(article.url)}, captured "
        f"{escape(version.captured_at)}: <strong>{escape(version.severity)}</strong>"
        + (" — <strong>stealth edit</strong>: the page did not admit it" if version.stealth else "")
        + f" (+{version.inserted} −{version.deleted} words).</p>"
    ]
    if version.reasons:
        parts.append("<ul>" + "".join(f"<li>{escape(r)}</li>" for r in version.reasons) + "</ul>")
    if version.excerpt is not None:
        parts.append(f"<p>{inline_html(version.excerpt.ops)}</p>")
    return "".join(parts)


def render_feed(
    title: str,
    feed_path: str,
    changes: Iterable[tuple[SiteArticle, SiteVersion]],
    *,
    base_url: str | None = None,
    home: str = "index.html",
) -> str:
    """An Atom feed of ``changes`` (newest first as given). ``feed_path`` and ``home``
    are paths from the site's root; links are absolute under ``base_url``, else
    relative to the feed."""
    root = "../" * feed_path.count("/")
    ET.register_namespace("", ATOM)
    feed = ET.Element(f"{{{ATOM}}}feed")
    entries = list(changes)
    ET.SubElement(feed, f"{{{ATOM}}}id").text = uuid.uuid5(
        uuid.NAMESPACE_URL, f"redline-site:{base_url or ''}:{feed_path}"
    ).urn
    ET.SubElement(feed, f"{{{ATOM}}}title").text = _text(title)
    ET.SubElement(feed, f"{{{ATOM}}}updated").text = max(
        (v.captured_at for _a, v in entries), default=EPOCH
    )
    author = ET.SubElement(feed, f"{{{ATOM}}}author")
    ET.SubElement(author, f"{{{ATOM}}}name").text = "redline"
    ET.SubElement(
        feed,
        f"{{{ATOM}}}link",
        {"rel": "alternate", "type": "text/html", "href": _href(base_url, home, root)},
    )
    if base_url:
        ET.SubElement(
            feed,
            f"{{{ATOM}}}link",
            {"rel": "self", "type": "application/atom+xml", "href": _href(base_url, feed_path)},
        )
    ET.SubElement(feed, f"{{{ATOM}}}generator").text = "redline"
    for article, version in entries:
        entry = ET.SubElement(feed, f"{{{ATOM}}}entry")
        ET.SubElement(entry, f"{{{ATOM}}}id").text = entry_id(article.url, version.version)
        ET.SubElement(entry, f"{{{ATOM}}}title").text = _text(entry_title(article, version))
        ET.SubElement(entry, f"{{{ATOM}}}updated").text = version.captured_at
        page = f"{article.path}/{version.diff_page or 'index.html'}"
        ET.SubElement(
            entry,
            f"{{{ATOM}}}link",
            {"rel": "alternate", "type": "text/html", "href": _href(base_url, page, root)},
        )
        ET.SubElement(entry, f"{{{ATOM}}}link", {"rel": "related", "href": _text(article.url)})
        # The severity, and stealth, as categories, for readers that filter by them.
        ET.SubElement(entry, f"{{{ATOM}}}category", {"term": version.severity})
        if version.stealth:
            ET.SubElement(entry, f"{{{ATOM}}}category", {"term": "stealth"})
        content = ET.SubElement(entry, f"{{{ATOM}}}content", {"type": "html"})
        content.text = _text(_content(article, version))
    ET.indent(feed)
    body = ET.tostring(feed, encoding="unicode")
    return '<?xml version="1.0" encoding="utf-8"?>\n' + body + "\n"
