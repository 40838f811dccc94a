"""Article metadata from a parsed page: title, standfirst, byline, dates, URL, language.

Sources in order of trust: schema.org JSON-LD, Open Graph / article:* meta tags, other
meta tags, then visible markup (h1, rel=author, byline classes, <time datetime>).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timezone
from email.utils import parsedate_to_datetime
from typing import Any
from urllib.parse import urljoin, urlsplit

from bs4 import BeautifulSoup, Tag

from redline.archive.core.secrets import redact
from redline.archive.extract.normalize import clean_text

ARTICLE_TYPES = {
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

_SEPARATORS = (" | ", " - ", " – ", " — ", " :: ", " · ", " » ", " / ", ": ")
_BY_PREFIX = re.compile(
    r"^\s*(?:written\s+|posted\s+|words\s+)?(?:by|por|par|von|door)\b[\s:]*", re.I
)
_BYLINE_TAIL = re.compile(
    r"(?:\s+|\s*[|,•·]\s*)(?:last\s+)?(?:updated|published|posted|on)\b.*$|\s*[|•·]\s*.*$"
    r"|\s*[-–—,]?\s+(?:\d{1,2}\s+)?(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)"
    r"[a-z]*\.?\s+\d.*$|\s+\d{1,2}[./]\d{1,2}[./]\d{2,4}.*$",
    re.I,
)


@dataclass(frozen=True)
class Metadata:
    title: str | None = None
    subtitle: str | None = None
    byline: str | None = None
    published: str | None = None
    modified: str | None = None
    canonical_url: str | None = None
    language: str | None = None


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


def jsonld_objects(soup: BeautifulSoup) -> list[dict[str, Any]]:
    """Every JSON-LD object on the page, articles first."""
    found: list[dict[str, Any]] = []
    for script in soup.find_all("script", attrs={"type": re.compile(r"ld\+json", re.I)}):
        raw = script.string or script.get_text()
        raw = raw.strip().removeprefix("<!--").removesuffix("-->").strip()
        if raw.endswith(";"):
            raw = raw[:-1]
        try:
            data = json.loads(raw, strict=False)
        except ValueError:
            continue
        found.extend(_walk_jsonld(data))
    articles = [o for o in found if _types(o) & ARTICLE_TYPES]
    return articles + [o for o in found if o not in articles]


def _jsonld_article(objects: list[dict[str, Any]]) -> dict[str, Any]:
    for obj in objects:
        if _types(obj) & ARTICLE_TYPES:
            return obj
    return {}


def _names(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, list):
        return [n for item in value for n in _names(item)]
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


def _meta(soup: BeautifulSoup, *keys: str) -> str | None:
    """The content of the first meta tag whose property/name/itemprop is in ``keys``."""
    wanted = {k.lower() for k in keys}
    found: dict[str, str] = {}
    for tag in soup.find_all("meta"):
        content = tag.get("content")
        if content is None:
            content = tag.get("value")  # written so by some tools that save pages
        if not isinstance(content, str) or not content.strip():
            continue
        for attr in ("property", "name", "itemprop", "http-equiv"):
            value = tag.get(attr)
            if not isinstance(value, str):
                continue
            # Some pages list several properties in one attribute.
            for part in value.lower().split():
                if part in wanted and part not in found:
                    found[part] = content
    for key in keys:
        if key.lower() in found:
            return clean_text(found[key.lower()]) or None
    return None


def _classes(tag: Tag) -> str:
    cls = tag.get("class")
    text = " ".join(cls) if isinstance(cls, list) else str(cls or "")
    ident = tag.get("id")
    return f"{text} {ident if isinstance(ident, str) else ''}".lower()


# --- title ---------------------------------------------------------------------------


def _letters(s: str) -> str:
    return re.sub(r"[\W_]+", "", s.lower())


def _strip_site(title: str, site_names: list[str], url: str | None) -> str:
    host = _letters(urlsplit(url).hostname or "") if url else ""
    for sep in _SEPARATORS:
        if sep not in title:
            continue
        head, _, tail = title.rpartition(sep)
        first, _, rest = title.partition(sep)
        for name in site_names:
            if _letters(tail) == _letters(name) and head.strip():
                return head.strip()
            if _letters(first) == _letters(name) and rest.strip():
                return rest.strip()
        tail_letters = _letters(tail)
        if tail_letters and host and tail_letters in host and len(tail.split()) <= 4:
            return head.strip()
        if sep == " | " and len(tail.split()) <= 4 and len(head.split()) >= 3:
            return head.strip()
    return title


def _words(text: str) -> set[str]:
    return set(re.findall(r"\w+", text.lower()))


def _agrees(a: str, b: str) -> bool:
    """Whether two titles are the same headline: equal letters, one inside the other,
    or most of their words in common."""
    la, lb = _letters(a), _letters(b)
    if not la or not lb:
        return False
    if la == lb or (min(len(la), len(lb)) >= 12 and (la in lb or lb in la)):
        return True
    wa, wb = _words(a), _words(b)
    return len(wa & wb) / max(1, len(wa | wb)) >= 0.6


def _links_home(h1: Tag) -> bool:
    """Whether an h1 is, or holds, a link to the site's front page (a logo)."""
    for link in [*h1.find_all("a"), *([h1.find_parent("a")] if h1.find_parent("a") else [])]:
        if not isinstance(link, Tag):
            continue
        href = str(link.get("href") or "").strip()
        parts = urlsplit(href)
        if parts.path in ("", "/", "/index.html") and not parts.query and href not in ("", "#"):
            return True
    return False


def _visible_headlines(soup: BeautifulSoup, site_names: list[str]) -> list[str]:
    """The page's h1 headings a reader sees as a headline: not a logo or a section
    label (an h1 inside a link, linking home, in the navigation, or naming the site)."""
    site = {_letters(s) for s in site_names}
    out = []
    for h1 in soup.find_all("h1"):
        if not isinstance(h1, Tag) or h1.find_parent(["a", "nav", "footer", "aside"]):
            continue
        if h1.find_parent(style=re.compile(r"display\s*:\s*none", re.I)) or _links_home(h1):
            continue
        text = clean_text(h1.get_text(" "))
        if not text or not _letters(text) or _letters(text) in site or text in out:
            continue
        out.append(text)
    return out


def _title(
    soup: BeautifulSoup, article: dict[str, Any], site_names: list[str], url: str | None
) -> str | None:
    """The headline readers see: the page's h1 when it is the article's headline (it
    agrees with the title the page gives search engines and social networks, or it is
    the only one), else the JSON-LD headline, og:title or <title> without the site."""
    raw_title = clean_text(soup.title.get_text(" ")) if soup.title else ""
    references: list[str] = []
    headline = article.get("headline") or article.get("name")
    if isinstance(headline, str) and clean_text(headline):
        references.append(clean_text(headline))
    for key in ("og:title", "twitter:title", "dc.title", "parsely-title", "sailthru.title"):
        value = _meta(soup, key)
        if value:
            references.append(value)
    if raw_title:
        references.append(raw_title)
    h1s = _visible_headlines(soup, site_names)
    for h1 in h1s:
        if any(_agrees(h1, _strip_site(ref, site_names, url)) for ref in references):
            return h1
    if len(h1s) == 1:
        return h1s[0]
    for candidate in references:
        title = _strip_site(candidate, site_names, url)
        if title and len(title) >= 2 and _letters(title):
            return title
    return h1s[0] if h1s else None


# --- byline --------------------------------------------------------------------------


def clean_byline(text: str) -> str | None:
    text = clean_text(text)
    text = _BY_PREFIX.sub("", text)
    text = _BYLINE_TAIL.sub("", text).strip(" ,;|-–—")
    text = re.sub(r"^by\s+", "", text, flags=re.I)
    if not text or "://" in text or text.startswith("@") or len(text.split()) > 12:
        return None
    if not re.search(r"[^\W\d_]", text) or text[0].isdigit() or text.lower() == "last":
        return None
    return text


def _join_names(names: list[str]) -> str | None:
    seen: list[str] = []
    for name in names:
        cleaned = clean_byline(name)
        if cleaned and cleaned.lower() not in (s.lower() for s in seen):
            seen.append(cleaned)
    if not seen:
        return None
    if len(seen) == 1:
        return seen[0]
    return ", ".join(seen[:-1]) + " and " + seen[-1]


_BYLINE_CLASS = re.compile(r"\b(?:byline|by-line|author|authors|writer|contributor)\b")
#: Links to an author's page: /author/ann-lee, /people/ann-lee, /staff/annlee, ...
_AUTHOR_HREF = re.compile(
    r"/(?:authors?|people|staff|profiles?|contributors?|writers?|reporters?|journalists?|"
    r"columnists?|by)(?:/|-|$)|[/-]author[-/]",
    re.I,
)
_HANDLE_OR_MAIL = re.compile(r"\S+@\S+|@\w+")


def _inline_text(tag: Tag) -> str:
    """The text of an inline element as it renders: no space added between its parts
    (a name styled letter by letter stays one word)."""
    return clean_text(tag.get_text(""))


def _byline_containers(soup: BeautifulSoup) -> list[Tag]:
    found = []
    for tag in soup.find_all(True):
        if not isinstance(tag, Tag) or tag.name in ("meta", "link", "script", "style"):
            continue
        prop = str(tag.get("itemprop") or "").lower().split()
        rel = tag.get("rel") or []
        rels = rel if isinstance(rel, list) else str(rel).split()
        if (
            "author" in prop
            or "author" in [r.lower() for r in rels]
            or _BYLINE_CLASS.search(_classes(tag).replace("_", "-"))
        ):
            if not tag.find_parent(["nav", "footer", "aside"]):
                found.append(tag)
    return found


def _author_links(container: Tag) -> list[str]:
    """Names in ``container`` that link to an author's page (or are marked as the
    author's name), in order."""
    names: list[str] = []
    links = [container] if container.name == "a" else []
    links += [a for a in container.find_all("a") if isinstance(a, Tag)]
    for link in links:
        href = str(link.get("href") or "")
        rel = link.get("rel") or []
        rels = rel if isinstance(rel, list) else str(rel).split()
        if _AUTHOR_HREF.search(href) or "author" in [r.lower() for r in rels]:
            text = _HANDLE_OR_MAIL.sub(" ", _inline_text(link))
            if text.strip():
                names.append(text)
    for tag in container.find_all(attrs={"itemprop": re.compile(r"\bname\b")}):
        if isinstance(tag, Tag) and tag.find_parent(attrs={"itemprop": re.compile("author")}):
            names.append(_HANDLE_OR_MAIL.sub(" ", _inline_text(tag)))
    return names


_NAME = re.compile(r"^[^\W\d_][\w.'’\- ]*$")


def _is_name(text: str, site: set[str]) -> bool:
    """Whether a link's text can be a person's name: letters, spaces, dots, hyphens
    and apostrophes, one to six words, not the site's own name ("+ Follow", "More
    stories" and "@handle" are not)."""
    text = clean_byline(text) or ""
    return (
        bool(_NAME.match(text))
        and not text.endswith((".", "…"))
        and 1 <= len(text.split()) <= 6
        and _letters(text) not in site
        and text.lower() not in _NOT_NAMES
    )


_NOT_NAMES = frozenset(
    {"follow", "more", "see more", "read more", "profile", "view profile", "bio", "email"}
)


def _visible_byline(soup: BeautifulSoup, site: set[str]) -> str | None:
    """The authors the page shows in its byline, by their links or marked names."""
    containers = _byline_containers(soup)
    for container in containers:
        names = [n for n in _author_links(container) if _is_name(n, site)]
        if not names:
            continue
        # Authors of one article sit together; matches elsewhere are teasers.
        scope = container.parent.parent if container.parent is not None else None
        for other in containers:
            if other is not container and scope is not None and scope in other.parents:
                names += [n for n in _author_links(other) if _is_name(n, site)]
        joined = _join_names(names)
        if joined:
            return joined
    return None


def _byline(soup: BeautifulSoup, article: dict[str, Any], site_names: list[str]) -> str | None:
    site = {_letters(s) for s in site_names}
    names = [n for n in _names(article.get("author")) if _letters(n) not in site]
    if names:
        joined = _join_names(names)
        if joined:
            return joined
    visible = _visible_byline(soup, site)
    if visible:
        return visible
    for key in ("author", "article:author", "parsely-author", "sailthru.author", "dc.creator"):
        values = _meta_all(soup, key)
        usable = [v for v in values if "://" not in v and _letters(v) not in site]
        if usable:
            joined = _join_names(usable)
            if joined:
                return joined
    for tag in _byline_containers(soup):
        if tag.name in ("div", "span", "p", "a", "address", "section"):
            cleaned = clean_byline(_HANDLE_OR_MAIL.sub(" ", tag.get_text(" ")))
            if cleaned and len(cleaned) <= 100:
                return cleaned
    return None


def _meta_all(soup: BeautifulSoup, key: str) -> list[str]:
    """Every non-empty content of meta tags named ``key`` (a page may list each author
    in a tag of its own)."""
    out = []
    for tag in soup.find_all("meta"):
        content = tag.get("content")
        if content is None:
            content = tag.get("value")
        if not isinstance(content, str) or not content.strip():
            continue
        names = " ".join(
            str(tag.get(attr) or "") for attr in ("property", "name", "itemprop")
        ).lower()
        if key in names.split():
            value = clean_text(content)
            if value and value not in out:
                out.append(value)
    return out


# --- dates ---------------------------------------------------------------------------


_ISO_LIKE = re.compile(
    r"^(\d{4})-?(\d{2})-?(\d{2})(?:[T ](\d{1,2}):?(\d{2})(?::?(\d{2})(?:[.,]\d+)?)?"
    r"\s*(Z|[+-]\d{2}:?\d{2}|[+-]\d{2})?)?$",
    re.I,
)


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


def _time_tag(soup: BeautifulSoup, modified: bool) -> str | None:
    for tag in soup.find_all("time"):
        value = tag.get("datetime")
        if not isinstance(value, str) or not value.strip():
            continue
        hint = (_classes(tag) + " " + str(tag.get("itemprop") or "")).lower()
        is_modified = any(w in hint for w in ("modif", "updat"))
        if is_modified == modified or (not modified and "pubdate" in tag.attrs):
            return value
    return None


def _dates(soup: BeautifulSoup, article: dict[str, Any]) -> tuple[str | None, str | None]:
    published = article.get("datePublished") or article.get("dateCreated")
    if not isinstance(published, str):
        published = _meta(
            soup,
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
        ) or _time_tag(soup, modified=False)
    modified = article.get("dateModified")
    if not isinstance(modified, str):
        modified = _meta(
            soup, "article:modified_time", "og:updated_time", "datemodified", "dcterms.modified"
        ) or _time_tag(soup, modified=True)
    return normalize_date(published), normalize_date(modified)


# --- URL and language ----------------------------------------------------------------


def _base_url(soup: BeautifulSoup, url: str | None) -> str | None:
    base = soup.find("base", href=True)
    href = base.get("href") if isinstance(base, Tag) else None
    if isinstance(href, str) and href.strip():
        return urljoin(url or "", href.strip())
    return url


def _usable_url(url: str) -> str | None:
    """A URL the page gives, or None when it holds what no URL may (spaces, controls)."""
    if not url or any(c.isspace() or ord(c) < 32 or 0x7F <= ord(c) <= 0x9F for c in url):
        return None
    return redact(url)


def _canonical(soup: BeautifulSoup, url: str | None) -> str | None:
    # Without the page's own URL, the og:url is the best base for a relative link.
    base = _base_url(soup, url or _meta(soup, "og:url"))
    for link in soup.find_all("link", href=True):
        rel = link.get("rel") or []
        rels = rel if isinstance(rel, list) else str(rel).split()
        href = link.get("href")
        if "canonical" in [r.lower() for r in rels] and isinstance(href, str) and href.strip():
            return _usable_url(urljoin(base or "", href.strip()))
    og = _meta(soup, "og:url")
    if og:
        return _usable_url(urljoin(base or "", og))
    return None


def normalize_language(value: str | None) -> str | None:
    if not value:
        return None
    text = value.strip().split(",")[0].strip().replace("_", "-")
    if not re.fullmatch(r"[A-Za-z]{2,3}(?:-[A-Za-z0-9]{2,8})*", text):
        return None
    parts = text.split("-")
    out = [parts[0].lower()]
    for part in parts[1:]:
        out.append(part.upper() if len(part) == 2 else part)
    return "-".join(out)


def _language(soup: BeautifulSoup, article: dict[str, Any]) -> str | None:
    html = soup.find("html")
    if isinstance(html, Tag):
        for attr in ("lang", "xml:lang"):
            value = html.get(attr)
            lang = normalize_language(value if isinstance(value, str) else None)
            if lang:
                return lang
    in_language = article.get("inLanguage")
    for value in (
        in_language if isinstance(in_language, str) else None,
        _meta(soup, "og:locale"),
        _meta(soup, "content-language"),
        _meta(soup, "language"),
        _meta(soup, "dc.language"),
    ):
        lang = normalize_language(value)
        if lang:
            return lang
    return None


# --- standfirst ----------------------------------------------------------------------

_DEK_WORDS = frozenset({"dek", "standfirst", "subtitle", "subheadline", "strapline", "deck"})
_DEK_JOINED = ("standfirst", "subheadline", "subtitle", "articlesummary", "storysummary")
_CLASS_SPLIT = re.compile(r"[-_\s]+|(?<=[a-z])(?=[A-Z])")


#: A box that sells a newsletter or an app is not the article's standfirst.
_PROMO = re.compile(
    r"\b(?:sign up|subscribe|newsletters?|download (?:the|our) app)\b"
    r"|\b(?:delivered|sent)\b.{0,30}\b(?:daily|weekly|inbox|every (?:day|morning|week))\b"
    r"|\bto your inbox\b",
    re.I,
)


def _is_dek(tag: Tag) -> bool:
    cls = tag.get("class")
    tokens = cls if isinstance(cls, list) else str(cls or "").split()
    for token in tokens:
        words = [w.lower() for w in _CLASS_SPLIT.split(token) if w]
        if any(w in _DEK_WORDS for w in words):
            return True
        joined = "".join(words)
        if any(j in joined for j in _DEK_JOINED):
            return True
    return False


_BLOCKS = frozenset({"p", "div", "ul", "ol", "h2", "h3", "section", "article", "table"})


def _holds_blocks(tag: Tag) -> bool:
    """Whether ``tag`` has block elements among its children (it is a container, not a
    line of text); only its own children are looked at, so this costs little."""
    return any(isinstance(child, Tag) and child.name in _BLOCKS for child in tag.children)


def _shown_description(soup: BeautifulSoup, description: str | None) -> str | None:
    """The page's description when the page also shows it (a visible standfirst that
    search engines are given too), as shown; None when it is not on the page."""
    if not description or len(description.split()) < 5:
        return None
    wanted = _letters(description.rstrip(".…").removesuffix("..."))
    for tag in soup.find_all(["p", "h2", "div", "span"], limit=4000):
        if not isinstance(tag, Tag) or _holds_blocks(tag):
            continue
        if tag.find_parent(["nav", "aside", "footer", "li", "a", "head"]):
            continue
        text = clean_text(tag.get_text(" "))
        letters = _letters(text)
        if letters and len(text) <= 600 and (letters == wanted or letters.startswith(wanted)):
            return text
    return None


def _subtitle(soup: BeautifulSoup, title: str | None) -> str | None:
    """The standfirst: the description the page shows under its headline, else the
    first element marked as one (dek, standfirst, subtitle...) after the headline and
    outside the page's navigation, rails and teasers."""
    description = _meta(soup, "og:description", "description", "twitter:description")
    shown = _shown_description(soup, description)
    if shown and shown != title and not _PROMO.search(shown):
        return shown
    headline = None
    for h1 in soup.find_all("h1"):
        if isinstance(h1, Tag) and title and _letters(h1.get_text(" ")) == _letters(title):
            headline = h1
            break
    after_headline = headline is None
    for tag in soup.find_all(["h1", "p", "h2", "div", "span"]):
        if not isinstance(tag, Tag):
            continue
        if tag is headline:
            after_headline = True
            continue
        if not after_headline or not _is_dek(tag) or _holds_blocks(tag):
            continue
        if tag.find_parent(["nav", "aside", "footer", "li", "a"]):
            continue
        text = clean_text(tag.get_text(" "))
        if 20 <= len(text) <= 400 and text != title and len(text.split()) >= 5:
            if not _PROMO.search(text):
                return text
    return None


# --- all together --------------------------------------------------------------------


def read_metadata(soup: BeautifulSoup, url: str | None = None) -> Metadata:
    """Everything but the body, read from a parsed page."""
    objects = jsonld_objects(soup)
    article = _jsonld_article(objects)
    site_names = [n for n in [_meta(soup, "og:site_name", "application-name")] if n]
    publisher = article.get("publisher")
    site_names.extend(clean_text(n) for n in _names(publisher) if n.strip())
    title = _title(soup, article, site_names, url)
    published, modified = _dates(soup, article)
    return Metadata(
        title=title,
        subtitle=_subtitle(soup, title),
        byline=_byline(soup, article, site_names),
        published=published,
        modified=modified,
        canonical_url=_canonical(soup, url),
        language=_language(soup, article),
    )
