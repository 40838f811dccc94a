"""What on a news page is not the article: page furniture removed before extraction,
and short lines (relative times, counts, share prompts) dropped after it.
"""

from __future__ import annotations

import re

from lxml import etree
from lxml.html import HtmlElement

# Whole words (after splitting class/id on "-", "_" and camelCase) that mark furniture.
# Not "views" (Drupal's views-field-body holds articles) nor "comment" (opinion pages
# are styled "content--comment" or "tone-comment").
NOISE_WORDS = frozenset(
    {
        "ad",
        "ads",
        "adsense",
        "adslot",
        "adunit",
        "advert",
        "adverts",
        "advertisement",
        "advertising",
        "dfp",
        "sponsor",
        "sponsored",
        "promo",
        "promos",
        "ticker",
        "newsletter",
        "newsletters",
        "related",
        "recommended",
        "recommendations",
        "recirculation",
        "recirc",
        "popular",
        "trending",
        "mostread",
        "share",
        "sharing",
        "sharebar",
        "shares",
        "social",
        "comments",
        "disqus",
        "weather",
        "outbrain",
        "taboola",
        "subscribe",
        "subscription",
        "signup",
        "cookie",
        "cookies",
        "consent",
        "breadcrumb",
        "breadcrumbs",
        "pagination",
        "pager",
        "navbar",
        "sidebar",
        "masthead",
        "toolbar",
        "livebanner",
        "pageviews",
        "readcount",
    }
)

# Fragments of a class/id with its separators removed that mark furniture.
NOISE_JOINED = (
    "mostread",
    "mostpopular",
    "mostviewed",
    "mostshared",
    "morestories",
    "morefrom",
    "relatedstories",
    "relatedarticles",
    "relatedcontent",
    "readnext",
    "youmayalsolike",
    "youmightlike",
    "newsletter",
    "outbrain",
    "taboola",
    "advertisement",
    "sharebutton",
    "socialshare",
    "sharetools",
    "breakingnews",
    "liveticker",
    "newsticker",
    "stockticker",
    "marketticker",
    "commentcount",
    "viewcount",
    "adcontainer",
    "adwrapper",
    "adslot",
    "adunit",
    "googlead",
    "gptad",
)

CORRECTION_HINT = re.compile(r"correction|clarification|editors?-?note|editor-s-note|erratum")

_SPLIT = re.compile(r"[-_\s:]+|(?<=[a-z])(?=[A-Z])")
_REMOVE_TAGS = (
    "script",
    "style",
    "noscript",
    "template",
    "iframe",
    "svg",
    "button",
    "select",
    "input",
    "textarea",
    "canvas",
    "object",
    "embed",
    "dialog",
)
_BLOCK_TAGS = frozenset(
    {
        "address",
        "article",
        "aside",
        "blockquote",
        "dd",
        "details",
        "div",
        "dl",
        "dt",
        "fieldset",
        "figcaption",
        "figure",
        "footer",
        "form",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "header",
        "hr",
        "li",
        "main",
        "nav",
        "ol",
        "p",
        "pre",
        "section",
        "table",
        "ul",
    }
)
_HIDDEN_STYLE = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden", re.I)
_PROTECTED = frozenset({"html", "body", "main", "article"})


def hints(el: HtmlElement) -> str:
    """The class and id of an element, space separated."""
    return f"{el.get('class') or ''} {el.get('id') or ''}".strip()


def furniture_hints(el: HtmlElement) -> str:
    """The class of an element, and its id unless the id is a slug of a heading
    (``id="sharing-with-a-single-developer"`` names a section, not a share bar)."""
    ident = el.get("id") or ""
    if len([w for w in _SPLIT.split(ident) if w]) > 3:
        ident = ""
    return f"{el.get('class') or ''} {ident}".strip()


def is_noise_hint(value: str) -> bool:
    if not value:
        return False
    lower = value.lower()
    if CORRECTION_HINT.search(lower.replace("_", "-").replace("'", "-")):
        return False
    for token in value.split():
        if "(" in token or ":" in token or "[" in token:
            continue  # atomic CSS such as Mstart(137px)--modalMinWidth or md:hidden
        words = [w.lower() for w in _SPLIT.split(token) if w]
        if any(w in NOISE_WORDS for w in words):
            return True
        joined = "".join(words)
        if any(fragment in joined for fragment in NOISE_JOINED):
            return True
    return False


def is_correction_hint(value: str) -> bool:
    return bool(value) and bool(
        CORRECTION_HINT.search(value.lower().replace("_", "-").replace("'", "-"))
    )


def _text_len(el: HtmlElement) -> int:
    return len(" ".join(el.text_content().split()))


def _holds_correction(el: HtmlElement) -> bool:
    for node in el.iter():
        if isinstance(node.tag, str) and is_correction_hint(hints(node)):
            return True
    return False


def strip_furniture(root: HtmlElement) -> None:
    """Remove scripts, hidden elements and page furniture (ads, tickers, share bars,
    newsletter boxes, related and most-read lists, comments) from ``root`` in place.

    An element that holds most of the page's text, or a correction note, is kept: a
    class such as ``post has-comments`` on the article itself must not remove it.
    """
    etree.strip_elements(root, etree.Comment, etree.ProcessingInstruction, with_tail=False)
    for el in list(root.iter(*_REMOVE_TAGS)):
        if el.getparent() is not None:
            el.drop_tree()
    total = max(_text_len(root), 1)
    doomed: list[HtmlElement] = []
    for el in root.iter():
        if not isinstance(el.tag, str) or el.tag in _PROTECTED:
            continue
        hidden = (
            el.get("hidden") is not None
            or el.get("aria-hidden") == "true"
            or bool(_HIDDEN_STYLE.search(el.get("style") or ""))
        )
        if el.tag in ("form", "nav") or (el.tag in ("header", "footer") and _site_chrome(el)):
            hidden = True
        furniture = el.get("role") in ("complementary", "banner")
        if hidden or furniture or is_noise_hint(furniture_hints(el)):
            doomed.append(el)
    for el in doomed:
        if el.getparent() is None or not _attached(el, root):
            continue
        if _text_len(el) > 0.5 * total or _holds_correction(el):
            continue
        el.drop_tree()


def _site_chrome(el: HtmlElement) -> bool:
    """A header or footer of the site rather than of the article."""
    if any(a.tag in ("article", "main") for a in el.iterancestors()):
        return False
    return not any(True for _ in el.iter("h1"))


def _attached(el: HtmlElement, root: HtmlElement) -> bool:
    node: HtmlElement | None = el
    while node is not None:
        if node is root:
            return True
        node = node.getparent()
    return False


def blocks_to_paragraphs(root: HtmlElement) -> None:
    """Give text blocks the same markup whatever the template: a ``div`` or ``section``
    holding only text and inline elements becomes a ``p``."""
    for el in list(root.iter("div", "section")):
        if any(isinstance(c.tag, str) and c.tag in _BLOCK_TAGS for c in el):
            continue
        if el.text_content().strip():
            el.tag = "p"
            for attr in list(el.attrib):
                if attr not in ("class", "id"):
                    del el.attrib[attr]


_TEXT_BLOCKS = ("p", "li", "blockquote", "pre", "h2", "h3", "h4")


def content_container(root: HtmlElement) -> HtmlElement | None:
    """The element that holds the article's paragraphs, found by where the text is
    rather than by class names: each paragraph scores its parent fully, its
    grandparent by half and the level above by a third."""
    scores: dict[HtmlElement, float] = {}
    for para in root.iter("p", "pre"):
        length = len(" ".join(para.text_content().split()))
        if length < 25:
            continue
        node = para.getparent()
        for depth in (1, 2, 3):
            if node is None or node.tag in ("html",):
                break
            scores[node] = scores.get(node, 0.0) + length / depth
            node = node.getparent()
    if not scores:
        return None
    best = max(scores.items(), key=lambda item: item[1])[0]
    # Text split over sibling blocks: widen to the ancestor that holds most of it.
    ancestor = best.getparent()
    while ancestor is not None and ancestor.tag != "html":
        if _paragraph_text(ancestor) >= 1.4 * _paragraph_text(best):
            best = ancestor
        ancestor = ancestor.getparent()
    return best


def _paragraph_text(el: HtmlElement) -> int:
    total = 0
    for para in el.iter("p", "pre"):
        length = len(" ".join(para.text_content().split()))
        if length >= 25:
            total += length
    return total


def _known_body(root: HtmlElement) -> HtmlElement | None:
    """The body element trafilatura would pick from class names, if any."""
    try:
        from trafilatura.xpaths import BODY_XPATH
    except ImportError:  # pragma: no cover - layout of a future trafilatura
        return None
    for expr in BODY_XPATH:
        result = expr(root)
        if not isinstance(result, list):
            continue
        found = [el for el in result if isinstance(el, HtmlElement)]
        if found:
            return found[0]
    return None


def mark_content(root: HtmlElement) -> None:
    """Mark the element holding the paragraphs as the article body, so that the body is
    found by where the text is when the template's class names say nothing.

    When the class names already point at an element holding most of that text, it is
    left to be found by them.
    """
    container = content_container(root)
    if container is None or container.tag in ("body", "html"):
        return
    known = _known_body(root)
    if known is not None and _paragraph_text(known) >= 0.6 * _paragraph_text(container):
        return
    for el in root.iter():
        if isinstance(el.tag, str) and el.get("itemprop") == "articleBody":
            del el.attrib["itemprop"]
    container.set("itemprop", "articleBody")


# --- line filters after extraction ---------------------------------------------------

_UNIT = r"(?:sec(?:ond)?s?|min(?:ute)?s?|h(?:ou)?rs?|days?|weeks?|months?|years?|[smhd])"
_RELATIVE = re.compile(
    r"^(?:(?:last\s+)?(?:updated|posted|published|edited|modified)\s*:?\s*)?"
    r"(?:about\s+|over\s+|less than\s+)?"
    r"(?:\d+|an?|one|few)\s*" + _UNIT + r"\s+ago\.?$"
    r"|^(?:(?:last\s+)?(?:updated|posted|published)\s*:?\s*)?(?:just now|moments ago)\.?$",
    re.I,
)
_RELATIVE_ANYWHERE = re.compile(r"\b(?:\d+|an?|one)\s*" + _UNIT + r"\s+ago\b", re.I)
# A relative time inside a dateline or byline ("By Ann Lee | Updated 5 minutes ago").
_STAMP_LINE = re.compile(r"^(?:by|updated|posted|published|last updated)\b|[|•·]", re.I)
_COUNT = re.compile(
    r"^(?:\(?[\d.,]+\s*[kKmM]?\)?\s*"
    r"(?:views?|comments?|shares?|reads?|likes?|reactions?|replies|responses|readers?)"
    r"|(?:views?|comments?|shares?|reads?|likes?|replies|responses)\s*[:(]?\s*[\d.,]+\s*[kKmM]?\)?)"
    r"\.?$",
    re.I,
)
_FURNITURE_LINE = re.compile(
    r"^(?:advertisement|advertising|ad|sponsored(?: content)?|skip advertisement|"
    r"story continues below(?: this)? advertisement|continue reading(?: the main story)?|"
    r"share|share this(?: article| story| post)?|share on \w+|tweet|email|print|copy link|"
    r"link copied|save|save article|follow|subscribe|sign up|read more|"
    r"(?:show|hide|view|load|read) (?:\d+ )?(?:more )?comments?|"
    r"comments?|leave a comment|post a comment|listen to this article|"
    r"\d+ min(?:ute)? read|reading time:? \d+ min(?:ute)?s?)\.?:?$",
    re.I,
)
_NEWSLETTER = re.compile(
    r"\b(?:sign up|subscribe|get)\b.{0,60}\bnewsletters?\b|\bnewsletters?\b.{0,60}\bsign up\b"
    r"|\bsign up for\b.{0,40}\b(?:briefing|alerts|updates)\b",
    re.I,
)


# Metered-paywall and login prompts ("You have 3 free articles left this month").
_PAYWALL = re.compile(
    r"\b(?:\d+|one|two|three|four|five|no)\s+(?:more\s+)?free\s+"
    r"(?:articles?|stories|reads?|views?)\s+(?:left|remaining)\b"
    r"|\byou(?:'ve| have)\s+(?:read|used|reached)\b.{0,40}\bfree\s+(?:articles?|stories)\b"
    r"|\b(?:subscribe|log in|sign in)\b.{0,30}\bto (?:continue|keep) reading\b"
    r"|^already a subscriber\??",
    re.I,
)


def is_noise_line(text: str) -> bool:
    """True for a short line that is page furniture, not article text."""
    if not text:
        return True
    words = len(text.split())
    if _RELATIVE.match(text) or _COUNT.match(text) or _FURNITURE_LINE.match(text):
        return True
    if words <= 16 and _RELATIVE_ANYWHERE.search(text) and _STAMP_LINE.search(text):
        return True
    if words <= 25 and (_NEWSLETTER.search(text) or _PAYWALL.search(text)):
        return True
    return False
