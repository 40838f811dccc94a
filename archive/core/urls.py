"""URL checks and the normal form that names an article in the archive.

``normalize_url`` turns the many spellings of one article's address into one string,
the archive's object id:

* scheme and host are lower-cased; a trailing dot on the host is dropped;
* an internationalised host is kept in Unicode, lower-cased: ``xn--`` labels are decoded
  from punycode, so ``https://xn--bcher-kva.example/`` and ``https://BÜCHER.example/``
  both become ``https://bücher.example/``. Unicode ids stay readable, and decoding
  punycode is exact, whereas encoding Unicode with Python's IDNA 2003 codec would map
  some names (``ß`` to ``ss``) onto different domains;
* a URL with a user name or password is refused (they are never sent nor stored);
* the default port (80 for http, 443 for https) is dropped;
* an empty path becomes ``/``; percent-escapes are upper-cased, escapes of unreserved
  characters are decoded, and characters that must be escaped (spaces, non-ASCII) are;
* the fragment is dropped;
* well-known tracking parameters (``utm_*``, ``fbclid``, ``gclid`` ... see
  ``TRACKING_PARAMS``) are removed; the other query parameters are kept, in order and
  byte for byte, except that the value of a credential-like parameter (``token``,
  ``api_key``, ``sig``, ``X-Amz-*`` ... see ``secrets``) becomes ``REDACTED``; an empty
  query loses its ``?``.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from urllib.parse import SplitResult, quote, unquote, urlsplit, urlunsplit

from redline.archive.core.errors import UsageError
from redline.archive.core.secrets import REDACTED, is_secret_param, redact
from redline.archive.core.wording import QUOTE_CHARS, cut, quoted

DEFAULT_PORTS = {"http": 80, "https": 443}

#: Query parameters that only say where a reader came from. Compared case-insensitively.
TRACKING_PARAMS = frozenset(
    {
        # Google Analytics and Ads
        "_ga",
        "_gl",
        "gclid",
        "gclsrc",
        "dclid",
        "gbraid",
        "wbraid",
        # Facebook, Instagram, Microsoft, Twitter/X, TikTok, LinkedIn, Yandex
        "fbclid",
        "fb_action_ids",
        "fb_action_types",
        "fb_ref",
        "fb_source",
        "igshid",
        "igsh",
        "msclkid",
        "ocid",
        "twclid",
        "ttclid",
        "li_fat_id",
        "yclid",
        # Mailchimp, HubSpot, Marketo, Vero, Omeda
        "mc_cid",
        "mc_eid",
        "_hsenc",
        "_hsmi",
        "__hstc",
        "__hssc",
        "__hsfp",
        "mkt_tok",
        "vero_id",
        "vero_conv",
        "oly_anon_id",
        "oly_enc_id",
        # Publishers' campaign and share markers
        "cmpid",
        "smid",
        "smtyp",
        "sr_share",
        "ref_src",
        "ref_url",
        "s_cid",
        "xtor",
        "at_medium",
        "at_campaign",
        "ns_mchannel",
        "ns_source",
        "ns_campaign",
        "ns_linkname",
        "ns_fee",
        "guccounter",
        "guce_referrer",
        "guce_referrer_sig",
        "__twitter_impression",
        "rb_clickid",
        "wickedid",
    }
)

#: Prefixes of tracking parameter names (``utm_source``, ``utm_medium``, ...).
TRACKING_PREFIXES = ("utm_",)

_UNRESERVED = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~")
_PERCENT = re.compile(r"%([0-9A-Fa-f]{2})")
# Characters left as they are in a path or query: reserved sub-delimiters, ":@/?" and "%".
_PATH_SAFE = "/:@!$&'()*+,;=%-._~"
_QUERY_SAFE = _PATH_SAFE + "?"


def _example(url: str) -> str:
    """What the user gave, as the rest of an https:// address in a hint."""
    rest = url.lstrip("/")
    return rest if len(rest) <= QUOTE_CHARS else "example.com/a"


def url_problem(url: str) -> str | None:
    """Why ``url`` is not an absolute http(s) URL with a host, or None when it is."""
    if not url:
        return (
            "an empty URL is not an http(s) URL; give the full address, e.g. https://example.com/a"
        )
    if not (url.isascii() and url.isprintable()) and any(  # the fast test passes most URLs
        ch != " " and (ch.isspace() or not ch.isprintable()) for ch in url
    ):
        return f"{quoted(url)} contains line breaks or control characters; give one URL at a time"
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 - raises ValueError for a bad port
    except ValueError as exc:
        return f"{quoted(url)} is not a valid URL ({cut(str(exc))}); check the address"
    scheme = parts.scheme.lower()
    if not scheme or (scheme not in DEFAULT_PORTS and "." in scheme):
        return f"{quoted(url)} is not an http(s) URL; give the full address, e.g. https://{_example(url)}"
    if scheme not in DEFAULT_PORTS:
        return (
            f"{quoted(url)} uses the {quoted(scheme)[1:-1]}: scheme; redline only fetches "
            "http:// and https:// URLs"
        )
    if not parts.hostname:
        return f"{quoted(url)} has no host name; give the full address, e.g. https://example.com/a"
    if "@" in parts.netloc:
        return (
            f"{quoted(redact(url))} was given with a user name or password, which redline never "
            "sends nor stores; give the URL without it"
        )
    return None


def check_http_url(url: str) -> str:
    """``url`` with surrounding white space removed, if it is an absolute http(s) URL.

    Raises ``UsageError`` naming the problem otherwise.
    """
    url = url.strip()
    problem = url_problem(url)
    if problem:
        raise UsageError(problem)
    return url


def is_tracking_param(name: str) -> bool:
    """Whether a query parameter called ``name`` only tracks where a reader came from."""
    lname = name.lower()
    return lname in TRACKING_PARAMS or lname.startswith(TRACKING_PREFIXES)


def _normalize_escapes(text: str, safe: str) -> str:
    """Upper-case percent-escapes, decode escaped unreserved characters, escape the rest."""

    def fix(match: re.Match[str]) -> str:
        char = chr(int(match.group(1), 16))
        return char if char in _UNRESERVED else "%" + match.group(1).upper()

    text = _PERCENT.sub(fix, text)
    # A "%" not starting a valid escape is escaped itself.
    text = re.sub(r"%(?![0-9A-F]{2})", "%25", text)
    return quote(text, safe=safe)


def _normalize_host(hostname: str) -> str:
    # One spelling per host: composed Unicode (NFC), lower case, no trailing dot.
    host = unicodedata.normalize("NFC", hostname).lower().rstrip(".")
    if ":" in host:  # IPv6 literal
        return f"[{host}]"
    labels = []
    for label in host.split("."):
        if label.startswith("xn--"):
            try:
                label = label[4:].encode("ascii").decode("punycode").lower()
            except (UnicodeError, ValueError):
                pass
        labels.append(label)
    return ".".join(labels)


def _normalize_query(query: str) -> str:
    kept = []
    for piece in query.split("&"):
        if not piece:
            continue
        name = unquote(piece.split("=", 1)[0].replace("+", " "))
        if is_tracking_param(name):
            continue
        if is_secret_param(name):
            piece = f"{piece.split('=', 1)[0]}={REDACTED}"
        kept.append(_normalize_escapes(piece, _QUERY_SAFE))
    return "&".join(kept)


def normalize_url(url: str) -> str:
    """The archive's id for ``url`` (see the module docstring for the rules).

    Raises ``UsageError`` for anything that is not an absolute http(s) URL with a host.
    """
    return _normalized(url)


@functools.lru_cache(maxsize=65536)
def _normalized(url: str) -> str:
    # A watch run asks for the id of every article several times: remember them.
    url = check_http_url(url)
    parts: SplitResult = urlsplit(url)
    scheme = parts.scheme.lower()
    assert parts.hostname  # checked above
    host = _normalize_host(parts.hostname)
    if not host:
        raise UsageError(f"{quoted(url)} has no host name; give the full address")
    port = parts.port
    netloc = host if port is None or port == DEFAULT_PORTS[scheme] else f"{host}:{port}"
    path = _normalize_escapes(parts.path, _PATH_SAFE) or "/"
    query = _normalize_query(parts.query)
    return urlunsplit((scheme, netloc, path, query, ""))


def _query_pieces(query: str) -> list[str]:
    return [piece for piece in query.split("&") if piece]


def canonical_parent(object_id: str, canonical_url: str | None) -> str | None:
    """The id of the article a page at ``object_id`` belongs to by its canonical URL,
    when the canonical URL is the same address with query parameters left out; None
    otherwise.

    ``https://news.example/story?ref=home`` whose page says its canonical URL is
    ``https://news.example/story`` belongs to ``https://news.example/story``. Only
    parameters are ever dropped: the scheme, host, port and path must be the same, and
    every parameter the canonical URL keeps must be in the request, in the same order.
    A canonical URL on another host, another path, or one that adds or changes a
    parameter is not followed (a page cannot claim another site's or another page's
    article).
    """
    if not canonical_url or "?" not in object_id:
        return None
    try:
        parent = normalize_url(canonical_url)
    except UsageError:
        return None
    if parent == object_id:
        return None
    asked, named = urlsplit(object_id), urlsplit(parent)
    if (asked.scheme, asked.netloc, asked.path) != (named.scheme, named.netloc, named.path):
        return None
    kept = iter(_query_pieces(asked.query))
    # every parameter of the canonical URL, in order, among the request's
    if not all(any(piece == have for have in kept) for piece in _query_pieces(named.query)):
        return None
    return parent
