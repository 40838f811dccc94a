"""The quality gate: whether a fetched page is the article at all, and whether a new
extraction lost most of the article since the last version.

A response that is not the article must never become a stored version: a bot challenge
or captcha, a consent wall, a paywall stub, a login wall, or an error page served with a
2xx status. ``page_refusal`` recognises them; ``drop_refusal`` catches what slips past
it, an extraction that suddenly lost most of the words of the version before.

Every check pairs what the page says about itself (its title, a heading, a phrase, a
vendor's markup) with how little article text it holds, so that an article that merely
mentions "captcha", "404" or cookies, or carries a consent banner or a "subscribe"
footer, is never refused. Only unmistakable challenge markup (Cloudflare's challenge
script, DataDome's captcha frame, PerimeterX's captcha element...) is enough on its own,
and even that only on a page far shorter than an article. When in doubt a page passes:
a false refusal silently loses a real edit, while junk that passes here is usually
caught by ``drop_refusal`` against the previous version.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cached_property
from typing import Literal

from lxml.html import HtmlElement

from redline.archive.core.models import Article
from redline.archive.extract.normalize import count_words
from redline.archive.extract.pagetext import PageTexts, page_texts
from redline.archive.extract.parse import parse_html

#: What a refusal says of a page.
RefusalKind = Literal["blocked", "suspect", "gone"]
#: The page is not the article: a challenge, a wall, a stub, an error.
BLOCKED: RefusalKind = "blocked"
#: The extraction lost most of the article since the last version.
SUSPECT: RefusalKind = "suspect"
#: The site now says the article, captured before, does not exist.
GONE: RefusalKind = "gone"

# Thresholds are words of the extracted body, leaving out the notice's own paragraphs.
# Block pages, walls and notices run 0-80 words; teasers 30-150. A real article is
# refused only when it is shorter than the threshold *and* carries the marker.

#: Under this, a challenge title ("Just a moment...", "Access denied"), a prompt to sign
#: in to read, a sign-in form, or "Already a subscriber?" on a page its publisher marks
#: as not free (``isAccessibleForFree``), is taken at its word.
LITTLE_TEXT_WORDS = 100
#: Under this, a page showing a block notice (Akamai's reference number...), an error
#: title ("Page not found"), or a consent title or form, is that page: error pages
#: often list a few headlines, consent pages run long about cookies.
NOTICE_WORDS = 150
#: Under this, a page with a paywall phrase ("Subscribe to continue reading") is a
#: stub: teasers are the headline and one or two paragraphs.
STUB_WORDS = 200
#: Under this, weak signs are enough: consent wording without a consent title or form
#: (on a page without a headline of its own), or challenge wording beside a captcha
#: widget without a challenge title (comment forms carry captchas too).
TINY_TEXT_WORDS = 50
#: Under this, unmistakable challenge markup (hidden in scripts and attributes) is
#: enough on its own: a challenge page never carries an article.
CHALLENGE_PAGE_WORDS = 400

#: ``drop_refusal`` judges a previous version of at least this many words (title and
#: paragraphs): a two-sentence breaking story may well be rewritten into one...
SUBSTANTIAL_WORDS = 120
#: ...and calls it suspect when fewer than this share of its words remain. Editors cut
#: stories by a third; a page that lost most of its text lost its article.
KEPT_SHARE = 0.5


@dataclass(frozen=True)
class Refusal:
    """Why a capture is not stored as a new version.

    ``event`` is ``"blocked"`` (the response is not the article), ``"suspect"`` (the
    extraction lost most of the article) or ``"gone"`` (an article captured before is
    now an error page). ``reason`` is short and lower-case, for people, e.g.
    ``"captcha page (Cloudflare challenge)"``.
    """

    event: RefusalKind
    reason: str


# --- counting words ---------------------------------------------------------------------


def article_words(article: Article) -> int:
    """Words in the title and paragraphs of an article (see ``count_words``)."""
    return count_words(" ".join([article.title or "", *article.paragraphs]))


# --- drop -------------------------------------------------------------------------------


def drop_refusal(previous: Article, current: Article) -> Refusal | None:
    """A refusal when ``current`` lost most of ``previous``: a previous version of at
    least ``SUBSTANTIAL_WORDS`` words of which fewer than half remain, or a title and
    all paragraphs gone. Such a drop is far likelier a stub, an error page or a broken
    template than an edit; a rewrite that shortens the article moderately passes."""
    if not current.title and not current.paragraphs and (previous.title or previous.paragraphs):
        return Refusal(SUSPECT, "the article lost its title and all its text")
    before = article_words(previous)
    after = article_words(current)
    if before >= SUBSTANTIAL_WORDS and after < before * KEPT_SHARE:
        lost = (before - after) * 100 // before
        return Refusal(SUSPECT, f"the article lost {lost}% of its words ({before:,} → {after:,})")
    return None


# --- the page as a reader sees it -------------------------------------------------------


@dataclass(frozen=True)
class Page:
    """What the checks read of a page: its markup, and its visible text pieces."""

    html: str  # the HTML as served
    text: str  # visible text, one-spaced, straight apostrophes
    titles: tuple[str, ...]  # the <title>, its parts and the h1 headings, one-spaced
    h1s: tuple[str, ...]  # the h1 headings alone
    headings: tuple[str, ...]  # h2 and h3 headings, one-spaced
    has_password: bool  # the page holds a password field

    def titled(self, pattern: re.Pattern[str]) -> bool:
        """True when the title, a part of it or an h1 is all ``pattern``."""
        return any(pattern.fullmatch(_bare(line)) for line in self.titles)

    @cached_property
    def markup(self) -> str:
        """The HTML lower-cased: vendor markup in scripts and attributes. Only short
        pages are read this far, so it is lower-cased when first asked for."""
        return self.html.lower()

    @cached_property
    def lowered(self) -> str:
        """``text`` lower-cased, with the letters that a case-blind pattern takes for
        an ASCII one made that letter (ſ for s, ı and İ for i, the Kelvin sign for k):
        a lower-case ASCII literal that a case-blind match in ``text`` holds is in here."""
        text = self.text
        if not text.isascii():
            for odd, plain in _ASCII_LOOKALIKES:
                text = text.replace(odd, plain)
        return text.lower()


_ASCII_LOOKALIKES = (("İ", "i"), ("ı", "i"), ("ſ", "s"), ("\u212a", "k"))


@dataclass(frozen=True)
class _Wording:
    """A case-blind pattern of a page's visible text, and literals (lower-case ASCII)
    of which every match holds one: a page whose text holds none of them, as nearly
    every article does, is not searched with the pattern at all."""

    pattern: re.Pattern[str]
    hints: tuple[str, ...]

    def on(self, page: Page) -> bool:
        """Whether ``pattern`` finds anything in the page's text."""
        lowered = page.lowered
        return any(hint in lowered for hint in self.hints) and bool(self.pattern.search(page.text))


# What sites put between a page's name and their own ("Page not found | The Ledger").
_TITLE_SEPARATORS = re.compile(r"\s+[\-–—·»•]\s+|\s*\|\s*|\s+::\s+")
_INVISIBLE_TAGS = ("script", "style", "template", "head")
_HIDDEN_STYLE = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden", re.I)


def _plain(text: str) -> str:
    """``text`` one-spaced, with straight apostrophes."""
    return " ".join(text.replace("’", "'").replace("‘", "'").split())


def _bare(line: str) -> str:
    """A title or heading lower-cased, without the punctuation around it."""
    return line.lower().strip(" .!?…:;-–—")


def read_page(markup: str, root: HtmlElement | None = None, texts: PageTexts | None = None) -> Page:
    """What the gate reads of a page: ``markup`` is the decoded HTML, ``root`` its
    parsed tree (parsed here when not given) and ``texts`` what ``page_texts`` read of
    it (read here when not given); the tree is left as it was."""
    if root is None:
        root = parse_html(markup)
    if texts is None:
        texts = page_texts(root)
    titles: list[str] = []
    for title in root.iter("title"):
        whole = _plain("".join(t for t in title.itertext() if isinstance(t, str)))
        titles.append(whole)
        titles.extend(p for p in (_plain(s) for s in _TITLE_SEPARATORS.split(whole)) if p)
        break
    has_password = any((el.get("type") or "").lower() == "password" for el in root.iter("input"))
    body = root.find("body")
    if body is None:
        body = root
    h1s = tuple(h for h in (_plain(_shown_text(el)) for el in _shown(body, "h1")) if h)
    headings = (_plain(_shown_text(h)) for h in _shown(body, "h2", "h3"))
    return Page(
        markup,
        _plain(texts.unhidden),
        tuple(t for t in (*titles, *h1s) if t),
        h1s,
        tuple(h for h in headings if h),
        has_password,
    )


def _hidden(el: HtmlElement) -> bool:
    """Scripts, styles, templates, the head, and what the page hides."""
    return (
        el.tag in _INVISIBLE_TAGS
        or el.get("hidden") is not None
        or bool(_HIDDEN_STYLE.search(el.get("style") or ""))
    )


def _shown(body: HtmlElement, *tags: str) -> list[HtmlElement]:
    """The ``tags`` elements of ``body`` that are not inside a hidden element."""
    return [
        el
        for el in body.iter(*tags)
        if not _hidden(el) and not any(_hidden(a) for a in el.iterancestors() if a is not body)
    ]


def _shown_text(el: HtmlElement, sep: str = "") -> str:
    """The text of ``el`` without its hidden parts, its pieces joined with ``sep``: a
    hidden element's tail runs on from the text before it, as if it were not there."""
    parts: list[str] = []

    def walk(node: HtmlElement) -> None:
        if node.text:
            parts.append(node.text)
        for child in node:
            if isinstance(child.tag, str) and _hidden(child):
                if child.tail:
                    if parts:
                        parts[-1] += child.tail
                    else:
                        parts.append(child.tail)
                continue
            if isinstance(child.tag, str):
                walk(child)
            if child.tail:
                parts.append(child.tail)

    walk(el)
    return sep.join(parts)


def _body_words(article: Article, skip: re.Pattern[str] | None = None) -> int:
    """Words of the article's paragraphs, leaving out those ``skip`` finds (the notice's
    own text, so that it does not count as article text)."""
    kept = [p for p in article.paragraphs if skip is None or not skip.search(_plain(p))]
    return count_words(" ".join(kept))


# --- bot challenges and captchas --------------------------------------------------------

# Markup only a challenge or block page carries, in its scripts and attributes where a
# reader never sees it: (reason, pattern).
_CHALLENGE_MARKUP: tuple[tuple[str, re.Pattern[str]], ...] = (
    (
        "captcha page (Cloudflare challenge)",
        re.compile(
            r"_cf_chl_opt|\bcf-challenge\b|cf-browser-verification|cf_chl_prog"
            r"|__cf_chl_(?:f|rt|jschl|captcha)_tk"
            r"|/cdn-cgi/challenge-platform/h/[a-z]/orchestrate/"
        ),
    ),
    ("bot block page (Cloudflare)", re.compile(r"id=[\"']cf-error-details[\"']")),
    (
        "captcha page (DataDome)",
        re.compile(
            r"captcha-delivery\.com/(?:captcha|interstitial|c\.js|i\.js)"
            r"|'host'\s*:\s*'(?:geo\.)?captcha-delivery\.com"
            r"|\"host\"\s*:\s*\"(?:geo\.)?captcha-delivery\.com"
        ),
    ),
    ("captcha page (PerimeterX)", re.compile(r"id=[\"']px-captcha[\"']")),
    # Its block page frames this resource; ordinary pages load other ones from it.
    ("bot block page (Imperva Incapsula)", re.compile(r"_incapsula_resource\?cwudnsai=")),
)
#: A literal that each pattern of ``_CHALLENGE_MARKUP`` holds: markup without any of them
#: (nearly every page) is not searched with the patterns at all.
_CHALLENGE_MARKUP_HINTS = (
    "_cf_chl",
    "cf-challenge",
    "cf-browser-verification",
    "cf_chl_prog",
    "challenge-platform",
    "cf-error-details",
    "captcha-delivery.com",
    "px-captcha",
    "_incapsula_resource",
)
# Notices only a block page shows, in its visible text.
_CHALLENGE_NOTICES: tuple[tuple[str, _Wording], ...] = (
    (
        "bot block page (Akamai access denied)",
        _Wording(
            re.compile(
                r"\breference #\s?\d{1,3}\.[0-9a-f]{6,}\.\d{6,}\.[0-9a-f]{6,}"
                r"|errors\.edgesuite\.net",
                re.I,
            ),
            ("reference #", "errors.edgesuite.net"),
        ),
    ),
    (
        "bot block page (Imperva Incapsula)",
        _Wording(re.compile(r"\bincapsula incident id\b", re.I), ("incapsula incident id",)),
    ),
    (
        "captcha page (Google unusual traffic)",
        _Wording(
            re.compile(
                r"\bour systems have detected unusual traffic from your computer network", re.I
            ),
            ("unusual traffic",),
        ),
    ),
)
# Titles and headings of challenge pages.
_CHALLENGE_TITLE = re.compile(
    r"just a moment|attention required|access denied|access to this page has been denied"
    r"|are you a robot|robot check|security check|human verification|one more step"
    r"|verify(?:ing)? (?:that )?you are (?:a )?human|pardon our interruption"
    r"|sorry, you have been blocked|you have been blocked|request unsuccessful"
)
# What challenge pages say.
_CHALLENGE_WORDING = re.compile(
    r"\bare you a (?:robot|human)\b|\bverify(?:ing)? (?:that )?you are (?:a )?human\b"
    r"|\bconfirm (?:that )?you(?:'re| are) (?:a )?(?:human|not a (?:robot|bot))\b"
    r"|\bi(?:'m| am) not a robot\b|\bunusual traffic from your (?:computer )?network\b"
    r"|\bchecking (?:if the site connection is secure|your browser before accessing)\b"
    r"|\bneeds to review the security of your connection\b|\bpress (?:&|and) hold\b"
    r"|\benable (?:javascript|js) and (?:cookies|disable any ad ?blocker)\b"
    r"|\bcomplete the security check\b|\bprove you(?:'re| are) (?:a )?human\b"
    r"|\byou don't have permission to access\b.{0,200}\bon this server\b"
    r"|\bsorry, you have been blocked\b",
    re.I,
)
_CHALLENGE_SAID = _Wording(
    _CHALLENGE_WORDING,
    (
        "are you a ",
        "verify",
        "confirm ",
        "not a robot",
        "unusual traffic",
        "checking ",
        "review the security",
        "press & hold",
        "press and hold",
        "enable javascript and",
        "enable js and",
        "complete the security check",
        "prove you",
        "permission to access",
        "sorry, you have been blocked",
    ),
)
# Captcha widgets, which also guard comment and sign-up forms on ordinary pages.
_CAPTCHA_WIDGETS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("Cloudflare Turnstile", re.compile(r"challenges\.cloudflare\.com/turnstile|cf-turnstile")),
    ("hCaptcha", re.compile(r"hcaptcha\.com|h-captcha\b")),
    ("reCAPTCHA", re.compile(r"google\.com/recaptcha|recaptcha/api|g-recaptcha\b")),
)
# Vendors whose scripts also run on ordinary pages: they only name a page found otherwise.
_CHALLENGE_VENDORS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("DataDome", re.compile(r"datadome")),
    ("PerimeterX", re.compile(r"perimeterx|px-cdn\.net|px-cloud\.net|_pxappid")),
    ("Akamai access denied", re.compile(r"akamai|edgesuite")),
    ("Cloudflare challenge", re.compile(r"cloudflare")),
)


def _challenge(page: Page, article: Article) -> str | None:
    """A bot challenge or block page: its own markup on a page shorter than an article;
    a notice only such pages show; a challenge title, or challenge wording beside a
    captcha widget, on a page with little text besides."""
    if count_words(article.body) < CHALLENGE_PAGE_WORDS and any(
        hint in page.markup for hint in _CHALLENGE_MARKUP_HINTS
    ):
        for reason, pattern in _CHALLENGE_MARKUP:
            match = pattern.search(page.markup)
            if match and match.group(0) not in page.text.lower():
                return reason
    for reason, notice in _CHALLENGE_NOTICES:
        if notice.on(page) and _body_words(article, notice.pattern) < NOTICE_WORDS:
            return reason
    titled = page.titled(_CHALLENGE_TITLE)
    if not titled and not _CHALLENGE_SAID.on(page):
        return None
    widget = next((v for v, p in _CAPTCHA_WIDGETS if p.search(page.markup)), None)
    if titled:
        limit = LITTLE_TEXT_WORDS
    elif widget:
        limit = TINY_TEXT_WORDS  # a comment form's captcha beside an article about robots
    else:
        return None
    if _body_words(article, _CHALLENGE_WORDING) >= limit:
        return None
    vendor = widget or next((v for v, p in _CHALLENGE_VENDORS if p.search(page.markup)), None)
    if vendor:
        kind = "bot block page" if vendor.startswith("Akamai") else "captcha page"
        return f"{kind} ({vendor})"
    if any("access denied" in line.lower() for line in page.titles):
        return "bot block page (access denied)"
    return "captcha page (robot check)"


# --- consent walls ----------------------------------------------------------------------

# A consent form that replaces the page: (reason, pattern on the markup).
_CONSENT_FORMS: tuple[tuple[str, re.Pattern[str]], ...] = (
    (
        "consent wall (Yahoo)",
        re.compile(r"action=[\"'][^\"']*(?:consent|guce)\.(?:yahoo|aol)\.com"),
    ),
    ("consent wall (Google)", re.compile(r"action=[\"'][^\"']*consent\.(?:google|youtube)\.")),
)
_CONSENT_TITLE = re.compile(
    r"before you continue(?: to [\w ]+)?|we value your privacy|we care about your privacy"
    r"|your privacy (?:choices|settings)|privacy (?:settings|preferences|choices|cent(?:er|re))"
    r"|cookie (?:consent|settings|preferences|notice)|manage (?:cookies|consent|your privacy)"
    r"|consent (?:required|management)|(?:\w+ is )?part of the yahoo family of brands"
)
_CONSENT_WORDING = re.compile(
    r"\bwe value your privacy\b|\bwe care about your privacy\b|\bbefore you continue\b"
    r"|\baccept all(?: cookies)?\b|\breject all\b|\bmanage (?:privacy |cookie )?"
    r"(?:settings|preferences|options)\b|\bwe and our (?:\d+ )?partners\b",
    re.I,
)
_CONSENT_SAID = _Wording(
    _CONSENT_WORDING,
    ("your privacy", "before you continue", "accept all", "reject all", "manage ", "we and our"),
)
# Paragraphs that are about cookies and consent, not news.
_CONSENT_PARAGRAPH = re.compile(
    r"\bcookies?\b|\bconsent\b|\bour partners\b|\bpersonal data\b|\bprivacy (?:policy|settings"
    r"|dashboard|choices|preferences)\b|\baccept all\b|\breject all\b|\bpersonali[sz]ed "
    r"(?:ads|advertising|content)\b|\bdevice (?:identifiers|information)\b",
    re.I,
)


def _consent(page: Page, article: Article) -> str | None:
    # Each way below wants fewer words than this besides the consent paragraphs.
    words = _body_words(article, _CONSENT_PARAGRAPH)
    if words >= NOTICE_WORDS:
        return None
    reason = None
    if "consent." in page.markup or "guce." in page.markup:  # in each form's address
        reason = next((r for r, pattern in _CONSENT_FORMS if pattern.search(page.markup)), None)
    if reason is None and page.titled(_CONSENT_TITLE):
        reason = "consent wall (cookie consent)"
    if reason is not None:
        return reason
    # Consent wording alone: only on a page without a headline of its own whose text is
    # the consent notice (a banner beside an article is removed as page furniture).
    if (
        _CONSENT_SAID.on(page)
        and not article.published
        and all(_CONSENT_TITLE.fullmatch(_bare(h)) for h in page.h1s)
        and any(_CONSENT_PARAGRAPH.search(p) for p in article.paragraphs)
        and _body_words(article) < NOTICE_WORDS
        and words < TINY_TEXT_WORDS
    ):
        return "consent wall (cookie consent)"
    return None


# --- error pages served with 2xx --------------------------------------------------------

_ERROR_WORDS = frozenset("error page not found http file code status oops sorry whoops".split())
_NOT_FOUND = re.compile(
    r"(?:(?:oops|sorry|whoops|uh[- ]oh|hmm)\W*)?(?:(?:error )?404\W*)?"
    r"(?:(?:page|article|story|content|file|document|post) (?:was )?not found"
    r"|not found|nothing (?:was )?found"
    r"|(?:the |this |that )?(?:page|article|story|content) (?:you(?:'re| are| were) looking for "
    r"|you requested )?(?:(?:can't|cannot|could not|couldn't) be found|(?:does not|doesn't|"
    r"did not|no longer) exists?|is no longer available|is not available|is unavailable"
    r"|has been (?:removed|deleted))"
    r"|(?:we|i) (?:can't|cannot|could not|couldn't) find (?:that|this|the|what you)"
    r"(?: page| article| story| content| you(?:'re| are) looking for)?"
    r"(?: you(?:'re| are| were) looking for| you requested)?"
    r"|page unavailable|page does not exist)"
)
_SERVER_ERROR = re.compile(
    r"(?:error )?(?:500|502|503|504)(?: error)?|internal server error|service (?:temporarily )?"
    r"unavailable|bad gateway|gateway time-?out|something went wrong|an error (?:has )?occurred"
)


def _error_line(line: str) -> str | None:
    """The kind of error a title or heading announces, if it is one:
    ``"not found"`` or ``"server error"``."""
    lower = _bare(line)
    words = re.findall(r"[\w']+", lower)
    if not words or len(words) > 14:
        return None
    if "404" in words and all(w in _ERROR_WORDS or w == "404" for w in words):
        return "not found"
    if _NOT_FOUND.fullmatch(lower.replace(",", "").replace("!", "").replace("  ", " ")):
        return "not found"
    if _SERVER_ERROR.fullmatch(lower):
        return "server error"
    return None


def _error_page(page: Page, article: Article) -> str | None:
    """An error notice in the title or the first headings of a page with little text.
    Body paragraphs are not read: an article may well quote "Page not found."."""
    found = next(filter(None, map(_error_line, (*page.titles, *page.headings[:3]))), None)
    if not found:
        return None
    words = count_words(" ".join(p for p in article.paragraphs if not _error_line(p)))
    return found if words < NOTICE_WORDS else None


# --- login walls and paywall stubs ------------------------------------------------------

# "to keep reading", but not "to keep reading stories like this" (a promotion).
_READING = (
    r"\bto (?:continue|keep) reading\b(?!\s+(?:stories|articles|more|great|quality|local|our))"
)
_PAYWALL = re.compile(
    r"\b(?:subscribe|subscription|become a (?:subscriber|member))\b[^.!?]{0,40}"
    + _READING
    + r"|"
    + _READING
    + r"[^.!?]{0,20}\b(?:subscribe|become a subscriber)\b"
    r"|\b(?:this|the) (?:full )?(?:article|story|content|piece|post) is (?:only )?"
    r"(?:for|available (?:only )?to|exclusive(?:ly)? (?:to|for)|reserved for) "
    r"(?:paying |paid |our |digital )?(?:subscribers|members)\b"
    r"|\b(?:subscribe|become a (?:subscriber|member))\b[^.!?]{0,30}\bto (?:read|unlock|access"
    r"|view) (?:the |this )?(?:full |whole |entire |rest of (?:the |this )?)?"
    r"(?:article|story|piece)\b"
    r"|\bthe rest of (?:this|the) (?:article|story) is (?:for|available to|reserved for|"
    r"exclusive to) (?:subscribers|members)\b"
    r"|\byou(?:'ve| have) (?:reached|hit|used up) (?:your|the) (?:limit of |maximum )?"
    r"(?:\w+ )?(?:free )?(?:article|story) ?(?:limit|articles|stories)\b"
    r"|\bla suite est réservée aux abonnés\b|\bil vous reste \d+ ?% de cet article à lire\b"
    r"|\b(?:cet article|ce contenu) est réservé aux abonnés\b|\bnur für abonnenten\b"
    r"|\bexclusivo para (?:suscriptores|socios)\b",
    re.I,
)
_PAYWALL_SAID = _Wording(
    _PAYWALL,
    (
        "reading",
        "subscribers",
        "members",
        "subscribe",
        "become a ",
        "the rest of",
        "you've",
        "you have",
        "abonn",
        "il vous reste",
        "exclusivo para",
    ),
)
_PAYWALL_WEAK = _Wording(
    re.compile(r"\balready (?:a )?(?:subscriber|member)\b", re.I), ("already ",)
)
_NOT_FREE = re.compile(r"[\"']isaccessibleforfree[\"']\s*:\s*[\"']?false")
_READ_ARTICLE = (
    r"\bto (?:read|view|see|access|unlock) (?:the |this )?(?:full |whole |entire |rest of "
    r"(?:the |this )?)?(?:article|story|content|page|post|piece)\b"
)
# Prompts to sign in to read, not to comment ("You must be logged in to post a comment").
_LOGIN_WALL = re.compile(
    r"\b(?:log ?in|sign ?in|register|create (?:a |an )?(?:free )?account)\b[^.!?]{0,40}"
    + _READING
    + r"|\b(?:log ?in|sign ?in|register)\b[^.!?]{0,20}"
    + _READ_ARTICLE
    + r"|\byou (?:must|need to) (?:be (?:logged|signed) in|log ?in|sign ?in|register) "
    + _READ_ARTICLE
    + r"|\bthis (?:article|content|page|story) is (?:only )?available (?:only )?to "
    r"(?:registered|logged[- ]in|signed[- ]in) (?:users|readers|members)\b",
    re.I,
)
_LOGIN_SAID = _Wording(
    _LOGIN_WALL,
    ("reading", "to read", "to view", "to see", "to access", "to unlock", "available"),
)
_LOGIN_TITLE = re.compile(r"(?:log ?in|sign ?in|login|sign on)(?: to [\w .'-]+)?")


def _login_wall(page: Page, article: Article) -> str | None:
    reason = None
    if _LOGIN_SAID.on(page) and not _PAYWALL_SAID.on(page):
        reason = "login wall"
    elif page.has_password and page.titled(_LOGIN_TITLE):
        reason = "login wall (sign-in page)"
    if reason and _body_words(article, _LOGIN_WALL) < LITTLE_TEXT_WORDS:
        return reason
    return None


def _paywall(page: Page, article: Article) -> str | None:
    if _PAYWALL_SAID.on(page):
        limit = STUB_WORDS
    elif _PAYWALL_WEAK.on(page) and _NOT_FREE.search(page.markup):
        limit = LITTLE_TEXT_WORDS
    else:
        return None
    return "paywall stub (subscribers only)" if _body_words(article, _PAYWALL) < limit else None


# --- the gate ---------------------------------------------------------------------------


def page_refusal(
    html: str | Page, article: Article, *, status: int | None = 200, captured_before: bool = False
) -> Refusal | None:
    """A refusal when a page is not the article, else None.

    ``html`` is the decoded page (or what ``read_page`` read of it) and ``article``
    what ``extract_article`` found in it; when extraction failed, pass ``Article()``
    to learn whether the page was a challenge or a wall rather than a page without an
    article. ``status`` is the HTTP status
    (None for a file); a 4xx or 5xx page is always refused, with the kind of page named
    when it is recognised. An error page ("page not found") is ``"gone"`` when the
    article was ``captured_before``, else ``"blocked"``; everything else is
    ``"blocked"``.
    """
    page = html if isinstance(html, Page) else read_page(html)
    challenge = _challenge(page, article)
    if challenge:
        return Refusal(BLOCKED, challenge)
    error = _error_page(page, article)
    if error == "not found":
        return Refusal(GONE if captured_before else BLOCKED, "error page (page not found)")
    if error:
        return Refusal(BLOCKED, f"error page ({error})")
    for check in (_consent, _login_wall, _paywall):
        reason = check(page, article)
        if reason:
            return Refusal(BLOCKED, reason)
    if status is not None and 400 <= status <= 599:
        gone = status in (404, 410) and captured_before
        return Refusal(GONE if gone else BLOCKED, f"http status {status}")
    return None
