"""What on a news page is not the article: page furniture removed before extraction,
and short lines (relative times, counts, share prompts) dropped after it.
"""

from __future__ import annotations

import re
from functools import lru_cache

from lxml import etree
from lxml.html import HtmlElement

from redline.archive.extract.normalize import count_words

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

#: ``NOISE_JOINED`` as one pattern: one search instead of a test per fragment.
_NOISE_JOINED_ANY = re.compile("|".join(re.escape(f) for f in NOISE_JOINED))

CORRECTION_HINT = re.compile(r"correction|clarification|editors?-?note|editor-s-note|erratum")

_SPLIT = re.compile(r"[-_\s:]+|(?<=[a-z])(?=[A-Z])")
_REMOVE_TAGS = (
    "script",
    "style",
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
    return _furniture_hints(el.get("class") or "", el.get("id") or "")


def _furniture_hints(classes: str, ident: str) -> str:
    if len([w for w in _SPLIT.split(ident) if w]) > 3:
        ident = ""
    return f"{classes} {ident}".strip()


@lru_cache(maxsize=8192)
def _named_furniture(classes: str, ident: str) -> bool:
    """Whether a class and an id name page furniture (see ``furniture_hints``);
    remembered, since a page gives many elements the same class and no id."""
    return is_noise_hint(_furniture_hints(classes, ident))


@lru_cache(maxsize=8192)
def is_noise_hint(value: str) -> bool:
    """Whether a class and id name page furniture (an advert, a share bar, a rail...);
    remembered, since a page repeats its class names many times."""
    if not value:
        return False
    lower = value.lower()
    if CORRECTION_HINT.search(lower.replace("_", "-").replace("'", "-")):
        return False
    return any(_is_noise_token(token) for token in value.split())


@lru_cache(maxsize=16384)
def _is_noise_token(token: str) -> bool:
    """Whether one class name or id names page furniture; remembered apart from the
    whole attribute, since names recur in attributes that do not."""
    if "(" in token or ":" in token or "[" in token:
        return False  # atomic CSS such as Mstart(137px)--modalMinWidth or md:hidden
    words = [w.lower() for w in _SPLIT.split(token) if w]
    if any(w in NOISE_WORDS for w in words):
        return True
    return bool(_NOISE_JOINED_ANY.search("".join(words)))


def is_correction_hint(value: str) -> bool:
    return bool(value) and bool(
        CORRECTION_HINT.search(value.lower().replace("_", "-").replace("'", "-"))
    )


def _text_len(el: HtmlElement) -> int:
    return len(" ".join(el.text_content().split()))


#: The elements (the one asked about included) with a class or an id, the only ones
#: ``hints`` finds anything on, picked out by lxml.
_WITH_HINTS = etree.XPath("descendant-or-self::*[@class or @id]")


def correction_marked(el: HtmlElement) -> list[HtmlElement]:
    """The elements of ``el`` (``el`` included), in document order, whose class or id
    marks a correction."""
    found = _WITH_HINTS(el)
    return [
        node
        for node in (found if isinstance(found, list) else [])
        if isinstance(node, HtmlElement) and is_correction_hint(hints(node))
    ]


def _holds_correction(el: HtmlElement) -> bool:
    return bool(correction_marked(el))


def _holds_article_text(el: HtmlElement, enough: int = 3) -> bool:
    """True when ``el`` holds ``enough`` paragraphs of running text (or 600 characters
    of them), not only links and labels: a class such as ``entry-content no-share`` or
    ``with-sidebar`` on the article's own container must not remove it."""
    chars = 0
    paragraphs = 0
    for para in el.iter("p"):
        length = _text_len(para)
        if length < 80:
            continue
        linked = sum(_text_len(a) for a in para.iter("a"))
        if linked < 0.5 * length:
            paragraphs += 1
            chars += length
            if paragraphs >= enough or chars >= 600:
                return True
    return False


def strip_furniture(root: HtmlElement) -> None:
    """Remove scripts, hidden elements and page furniture (ads, tickers, share bars,
    newsletter boxes, related and most-read lists, comments) from ``root`` in place.

    An element that holds most of the page's text, or a correction note, is kept: a
    class such as ``post has-comments`` on the article itself must not remove it. So is
    one marked as furniture by its class alone that holds paragraphs of running text
    (``entry-content no-share``, ``container with-sidebar-right``).
    """
    etree.strip_elements(root, etree.Comment, etree.ProcessingInstruction, with_tail=False)
    for el in list(root.iter(*_REMOVE_TAGS)):
        if el.getparent() is not None:
            el.drop_tree()
    total = max(_text_len(root), 1)
    doomed: list[tuple[HtmlElement, bool]] = []
    for el in root.iter():
        tag = el.tag
        if not isinstance(tag, str) or tag in _PROTECTED:
            continue
        chrome = tag in ("form", "nav") or (tag in ("header", "footer") and _site_chrome(el))
        attrib = el.attrib
        if not attrib:  # most elements: nothing to hide them or name them furniture
            if chrome:
                doomed.append((el, False))
            continue
        get = attrib.get
        style = get("style")
        hidden = (
            get("hidden") is not None
            or get("aria-hidden") == "true"
            or (bool(style) and bool(_HIDDEN_STYLE.search(style)))
        )
        if hidden or chrome or get("role") in ("complementary", "banner"):
            doomed.append((el, False))
        elif _named_furniture(get("class") or "", get("id") or ""):
            doomed.append((el, True))
    for el, by_class_only in doomed:
        if el.getparent() is None or not _attached(el, root):
            continue
        if _text_len(el) > 0.5 * total or _holds_correction(el):
            continue
        if by_class_only and _holds_article_text(el):
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
    holding only text and inline elements becomes a ``p`` when it is running text (long,
    or broken into lines), or stands among the article's paragraphs (a subheading).
    A short label elsewhere (a date, a caption, a menu entry) stays as it is."""
    for el in list(root.iter("div", "section")):
        if any(isinstance(c.tag, str) and c.tag in _BLOCK_TAGS for c in el):
            continue
        length = _text_len(el)
        if not length:
            continue
        if length < 100 and el.find(".//br") is None and not _among_paragraphs(el):
            continue
        el.tag = "p"
        for attr in list(el.attrib):
            if attr not in ("class", "id"):
                del el.attrib[attr]


def _among_paragraphs(el: HtmlElement) -> bool:
    """True when the element next to ``el`` is a paragraph or holds paragraphs: a
    subheading or a short paragraph of the article, not a label elsewhere."""
    for sib in (el.getprevious(), el.getnext()):
        if sib is None or not isinstance(sib.tag, str):
            continue
        if sib.tag == "p" or any(c.tag == "p" for c in sib):
            return True
    return False


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


def known_body(root: HtmlElement) -> HtmlElement | None:
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


def join_body_chunks(root: HtmlElement, body: HtmlElement | None) -> None:
    """Put an article body that the template splits into several containers of the
    same class (chunks between ad rows) back into the first one, ``body`` (the one the
    extractor finds by its class, see ``known_body``): otherwise only the text before
    the first ad is found."""
    cls = body.get("class") if body is not None else None
    if body is None or not cls:
        return
    related = set(body.iter()) | set(body.iterancestors())
    chunks = [el for el in root.iter(body.tag) if el.get("class") == cls and el not in related]
    for chunk in chunks:
        if any(a in chunks for a in chunk.iterancestors()):
            continue
        if not _holds_article_text(chunk, enough=1):
            continue
        for child in list(chunk):
            body.append(child)


def mark_content(root: HtmlElement, known: HtmlElement | None) -> None:
    """Mark the element holding the paragraphs as the article body, so that the body is
    found by where the text is when the template's class names say nothing.

    When the class names already point at an element (``known``), it is left to be
    found by them.
    """
    if known is not None:
        return
    container = content_container(root)
    if container is None or container.tag in ("body", "html"):
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


# --- page furniture told by the page itself: repetition, links, the byline ------------

_IMAGE_FILE = re.compile(
    r"^(?:\S+/)?[^/\s][^/]{0,150}\.(?:jpe?g|png|gif|webp|avif|bmp|tiff?|svg|heic)$", re.I
)
_COMMISSION = re.compile(
    r"\b(?:may|might|could|will|can)\s+(?:get|earn|receive|make|collect)\s+(?:an?\s+)?"
    r"(?:small\s+)?(?:affiliate\s+)?(?:commission|share of (?:the )?(?:sales|revenue))",
    re.I,
)
_PRINT_NOTE = re.compile(
    r"^(?:an?\s+)?(?:version|edition)\s+of\s+this\s+\w+\s+(?:appears|appeared)\s+in\s+print"
    r"|^this\s+\w+\s+(?:appears|appeared)\s+in\s+(?:the\s+)?print\b"
    r"|\bappeared\s+(?:originally\s+)?in\s+the\s+print\s+edition\b",
    re.I,
)
_LETTERS_BOX = re.compile(
    r"\b(?:we\s+want\s+to|we['’]d\s+like\s+to|we\s+would\s+like\s+to)\s+hear\s+(?:what\s+you\s+think"
    r"|from\s+you)\b|\bsubmit\s+a\s+letter\s+to\s+the\s+editor\b",
    re.I,
)
# "By Reuters", "By The Associated Press", "By Ann Lee and Bo Chan": a byline line.
_BY_LINE = re.compile(
    r"^(?:[Bb]y|BY|[Ff]rom)\s+(?:[Tt]he\s+)?[A-Z][\w.'’&-]*"
    r"(?:(?:\s+|\s*,\s*|\s+(?:and|&)\s+)(?:[A-Z][\w.'’&-]*|de|van|von|da|der|la|le|al|bin))*"
    r"\s*(?:[|,/–—-]\s*(?:[A-Z][\w.'’&-]*\s*){1,4})?\.?$"
)
# A duration at the end of a short line (a video's length): "Xi arrives in Delhi 1:45".
_DURATION_END = re.compile(r"[\(\[]?\b\d{1,2}:[0-5]\d(?::[0-5]\d)?[\)\]]?$")
_DURATION_WORD = re.compile(
    r"\b(?:duration|length|runtime|länge|durée|duración|durata|duur|\d+\s*min(?:ute)?s?)\b", re.I
)
_CLOCK_CONTEXT = re.compile(
    r"\b(?:a\.?m\.?|p\.?m\.?|uhr|h|gmt|utc|[ecmp][sd]?t|ist|cet|cest|bst)\b|\d{4}|\d[./-]\d", re.I
)
_SENTENCE_END = re.compile(r"[.!?…:;»”\"')\]]$")
# A picture's credit: "(Mike Cason/mcason@al.com)", "(AP Photo/Ann Lee)", "(Photo: Getty)".
_CREDIT = re.compile(
    r"\((?:[^()]*[/@][^()]*|[^()]*\b(?:photo|photograph|foto|image|bild|credit|courtesy|getty"
    r"|public domain)\b[^()]*)\)$",
    re.I,
)
_CAPTION_START = re.compile(r"^(?:file\s+)?(?:photo|picture|image|foto|bild)(?:\s+of\b|\s*:)", re.I)
_ABOUT = re.compile(r"^about\s+(?:the\s+)?(?:author|writer|authors|contributors?)$", re.I)
_LETTERS = re.compile(r"[\W_]+")


def _letters(text: str) -> str:
    return _LETTERS.sub("", text.casefold())


def is_furniture_line(text: str) -> bool:
    """True for a line that is furniture wherever it stands: an image's file name, an
    affiliate-commission notice, a print-edition note, a letters-to-the-editor box, a
    "By Reuters" line, a video's title with its duration."""
    words = len(text.split())
    if words <= 12 and _IMAGE_FILE.match(text):
        return True
    if words <= 30 and (_COMMISSION.search(text) or _LETTERS_BOX.search(text)):
        return True
    if words <= 40 and _PRINT_NOTE.search(text):
        return True
    if words <= 8 and _BY_LINE.match(text):
        return True
    if words <= 15 and _DURATION_END.search(text):
        head = _DURATION_END.sub("", text).strip()
        clock = _CLOCK_CONTEXT.search(head[-12:]) or re.search(r"\d:\d", head)
        if not clock and not _SENTENCE_END.search(head):
            return True
    if words <= 6 and _DURATION_WORD.search(text) and re.search(r"\d:\d\d", text):
        return True
    return False


def link_texts(root: HtmlElement) -> frozenset[str]:
    """The text of every link to another page, whitespace collapsed: menus, rails,
    teasers (not links within the page, such as a heading's own anchor)."""
    out: set[str] = set()
    for a in root.iter("a"):
        href = (a.get("href") or "").strip()
        if not href or href.startswith(("#", "javascript:")):
            continue
        text = " ".join(a.text_content().split())
        if text:
            out.add(text)
    return frozenset(out)


def _is_label(text: str) -> bool:
    """A short line without a sentence's end: a kicker, a rail's heading, a menu entry."""
    return count_words(text) <= 6 and not _SENTENCE_END.search(text)


def _is_link_line(text: str, links: frozenset[str]) -> bool:
    return count_words(text) <= 20 and text in links


def drop_page_furniture(
    paragraphs: list[str],
    links: frozenset[str],
    byline: str | None = None,
) -> list[str]:
    """The body without the furniture that the page itself gives away.

    - a picture's caption and credit: after its file name, ending in a credit such as
      "(AP Photo/Ann Lee)", or starting "File photo of";
    - lines that are furniture wherever they stand (``is_furniture_line``);
    - a line that only repeats the byline ("By Ann Lee", "Ann Lee | Reuters");
    - a rail after the article: three or more lines that are each the whole text of
      a link (other stories' headlines), the short lines among them and their label;
    - menu labels before the lede (a kicker such as "America" that is a link);
    - an "About <the byline>" box at the end of the article and what follows it.

    The lede is never dropped: it is running text, not a link or a label.
    """
    byline_key = _letters(byline) if byline else ""

    def repeats_byline(text: str) -> bool:
        if not byline_key or len(text.split()) > 15:
            return False
        key = _letters(re.sub(r"^(?:written\s+)?(?:by|von|par|por|door)\b", "", text, flags=re.I))
        return key == byline_key or (key.startswith(byline_key) and len(key) < 2 * len(byline_key))

    kept = _drop_figures(paragraphs)
    kept = [p for p in kept if not is_furniture_line(p) and not repeats_byline(p)]
    kept = _drop_rails(kept, links)
    # Menu labels and kickers before the lede.
    start = 0
    while start < len(kept) and _is_label(kept[start]) and kept[start] in links:
        start += 1
    if any(count_words(p) >= _RUNNING_TEXT_WORDS for p in kept[start:]):
        kept = kept[start:]
    # An author box at the end: "About Ann Lee" (the byline) or "About the author".
    half = len(kept) // 2
    for i in range(len(kept) - 1, max(half, 0) - 1, -1):
        text = kept[i]
        if len(text.split()) > 8 or not text.lower().startswith("about "):
            continue
        who = _letters(text[6:])
        if _ABOUT.match(text) or (byline_key and who and who in byline_key):
            kept = kept[:i]
            break
    return kept


#: How far into the body a repeated headline is looked for.
_HEADLINE_WITHIN = 6


def drop_before_headline(paragraphs: list[str], headline: str | None) -> list[str]:
    """The body from after the headline, when the body repeats the headline among its
    first lines and only labels stand before it (a section's name, a date, a "back to
    the list" link): what a template puts over its headline is not the article. A body
    with a sentence before the repeated headline is left whole."""
    key = _letters(headline) if headline else ""
    if not key:
        return paragraphs
    for i, para in enumerate(paragraphs[:_HEADLINE_WITHIN]):
        if _letters(para) == key:
            if all(_is_label(p) for p in paragraphs[:i]) and i + 1 < len(paragraphs):
                return paragraphs[i + 1 :]
            break
    return paragraphs


def _is_credit(text: str) -> bool:
    return len(text.split()) <= 10 and text.startswith("(") and bool(_CREDIT.search(text))


def _is_caption(text: str) -> bool:
    words = len(text.split())
    if words > 40:
        return False
    return bool(_CREDIT.search(text)) or (words <= 30 and bool(_CAPTION_START.match(text)))


def _drop_figures(paragraphs: list[str]) -> list[str]:
    """Without pictures' captions and credits that a template gives as paragraphs: the
    lines after a picture's file name up to its credit, and captions that end with a
    credit or start "File photo of"."""
    out: list[str] = []
    i = 0
    while i < len(paragraphs):
        para = paragraphs[i]
        if len(para.split()) <= 12 and _IMAGE_FILE.match(para):
            following = paragraphs[i + 1 : i + 3]
            for j, line in enumerate(following, start=1):
                if _is_credit(line) or _is_caption(line):
                    i += j
                    break
        elif not (_is_credit(para) or _is_caption(para)):
            out.append(para)
        i += 1
    return out


def _drop_rails(paragraphs: list[str], links: frozenset[str]) -> list[str]:
    """Without the rail after the article: from the last paragraph of running text on,
    three or more lines that are each a link's whole text (other stories' headlines)
    with the short lines among them (their summaries) and the label over them."""
    last_text = -1
    for i, para in enumerate(paragraphs):
        if count_words(para) >= _RUNNING_TEXT_WORDS and para not in links:
            last_text = i
    if last_text < 0:
        return paragraphs
    start = len(paragraphs)
    while start - 1 > last_text:
        para = paragraphs[start - 1]
        if not (_is_link_line(para, links) or count_words(para) < _RUNNING_TEXT_WORDS):
            break
        start -= 1
    while start < len(paragraphs) and not _is_link_line(paragraphs[start], links):
        start += 1
    headlines = [count_words(p) for p in paragraphs[start:] if _is_link_line(p, links)]
    run = len(paragraphs) - start
    # Headlines of other stories, not a list of names (places, products, people).
    if len(headlines) < 3 or len(headlines) * 5 < run * 2 or sum(headlines) < 4 * len(headlines):
        return paragraphs
    while start > last_text + 1 and _is_label(paragraphs[start - 1]):
        start -= 1
    return paragraphs[:start]


#: A line of at least this many words is running text, not a label or a teaser.
_RUNNING_TEXT_WORDS = 20
