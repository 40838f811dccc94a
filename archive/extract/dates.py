"""An article's publication and modification dates, read from the page and written as
ISO 8601."""

from __future__ import annotations

import re
from datetime import datetime, timezone
from email.utils import parsedate_to_datetime
from typing import Any

from lxml.html import HtmlElement

from redline.archive.extract.metatags import MetaTags
from redline.archive.extract.normalize import clean_text
from redline.archive.extract.tree import attr, classes, elements, leading_text

_ISO_LIKE = re.compile(
    r"^(\d{4})-?(\d{2})-?(\d{2})(?:[T ](\d{1,2}):?(\d{2})(?::?(\d{2})(?:[.,]\d+)?)?"
    r"\s*(Z|[+-]\d{2}:?\d{2}|[+-]\d{2})?)?$",
    re.I,
)

_PUBLISHED_KEYS = (
    "article:published_time",
    "og:published_time",
    "datepublished",
    "parsely-pub-date",
    "sailthru.date",
    "pubdate",
    "publishdate",
    "publish-date",
    "dc.date.issued",
    "dcterms.created",
    "dc.date",
    "date",
)
_MODIFIED_KEYS = ("article:modified_time", "og:updated_time", "datemodified", "dcterms.modified")


def normalize_date(value: str | None) -> str | None:
    """ISO 8601 for a parseable date ("2024-05-01", "2024-05-01T10:00:00+02:00",
    "...Z" for UTC); the text as found when it cannot be parsed; None when empty."""
    if not value:
        return None
    text = clean_text(value)
    if not text:
        return None
    match = _ISO_LIKE.match(text)
    if match:
        year, month, day, hour, minute, second, tz = match.groups()
        try:
            if hour is None:
                return datetime(int(year), int(month), int(day)).date().isoformat()
            dt = datetime(int(year), int(month), int(day), int(hour), int(minute), int(second or 0))
        except ValueError:
            return text
        if tz:
            tz = tz.upper()
            if tz == "Z":
                dt = dt.replace(tzinfo=timezone.utc)
            else:
                digits = tz[1:].replace(":", "")
                digits = digits + "00" if len(digits) == 2 else digits
                try:
                    offset = datetime.strptime(tz[0] + digits, "%z").tzinfo
                except ValueError:
                    return text
                dt = dt.replace(tzinfo=offset)
        return _iso(dt)
    try:
        return _iso(parsedate_to_datetime(text))
    except (TypeError, ValueError, IndexError):
        pass
    for fmt in ("%B %d, %Y", "%b %d, %Y", "%d %B %Y", "%d %b %Y", "%Y/%m/%d", "%B %d %Y"):
        try:
            return datetime.strptime(text.replace(".", ""), fmt).date().isoformat()
        except ValueError:
            continue
    return text


def _iso(dt: datetime) -> str:
    text = dt.isoformat()
    return text[:-6] + "Z" if text.endswith("+00:00") else text


#: A label before a time that says the page was changed then, not published.
_UPDATED_LABEL = re.compile(
    r"^\W*(?:last\s+)?(?:updated|modified|edited|revised|aktualisiert|geändert|"
    r"mis à jour|modifié|actualizado|aggiornato|bijgewerkt)\b",
    re.I,
)


def _labelled_updated(tag: HtmlElement) -> bool:
    """Whether a <time> is shown as an update time: its text, or the text of the
    element holding it, starts "Updated", "Last modified"..."""
    parent = tag.getparent()
    texts = [leading_text(tag, 80), leading_text(parent, 80) if parent is not None else ""]
    return any(_UPDATED_LABEL.match(text[:80]) for text in texts)


def _time_tag(root: HtmlElement, modified: bool) -> str | None:
    """The ``datetime`` of the first <time> element marked as the publication (or the
    modification) time."""
    for tag in elements(root, "time"):
        value = attr(tag, "datetime")
        if not value.strip():
            continue
        hint = f"{classes(tag)} {attr(tag, 'itemprop')}".lower()
        is_modified = any(w in hint for w in ("modif", "updat")) or _labelled_updated(tag)
        if is_modified == modified or (not modified and "pubdate" in tag.attrib):
            return value
    return None


def read_dates(
    root: HtmlElement, tags: MetaTags, article: dict[str, Any]
) -> tuple[str | None, str | None]:
    """The publication and modification dates: JSON-LD, meta tags, then <time>."""
    published = article.get("datePublished") or article.get("dateCreated")
    if not isinstance(published, str):
        published = tags.first(*_PUBLISHED_KEYS) or _time_tag(root, modified=False)
    modified = article.get("dateModified")
    if not isinstance(modified, str):
        modified = tags.first(*_MODIFIED_KEYS) or _time_tag(root, modified=True)
    return normalize_date(published), normalize_date(modified)
