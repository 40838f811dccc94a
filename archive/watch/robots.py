"""robots.txt: where a site's file lives, and what it lets redline fetch (RFC 9309).

``policy_from_response`` turns the answer to a request for ``robots_url(url)`` into a
``RobotsPolicy``. The caller fetches the file (following redirects, RFC 9309 asks for at
least five) and passes the final status and body; ``None`` for both means the request
failed on the network. What each answer means:

* 2xx: the body is the site's rules. Only the first ``ROBOTS_MAX_BYTES`` are read (the
  line cut at the limit is dropped), decoded as UTF-8 with bad bytes replaced, and
  matched by protego: the group naming redline's product token wins, else the ``*``
  group, else everything is allowed. Within a group the longest matching Allow or
  Disallow path decides, Allow winning a tie; ``*`` and a final ``$`` are wildcards.
  A body that is an HTML or XML page (some sites serve their home page for any path)
  holds no rules, so everything is allowed.
* 3xx (a redirect the caller did not follow, or too many): no rules, everything allowed.
* 4xx, 401 and 403 included: the file is "unavailable", everything is allowed. 429 Too
  Many Requests is the exception: the site asks us to slow down, so it is treated as
  unreachable, like 5xx.
* 5xx, any other status, or a network failure: the file is "unreachable" and the site
  is closed for this run: nothing is allowed.

Crawl-delay is read for the same group and capped at ``MAX_CRAWL_DELAY`` seconds.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from urllib.parse import urlsplit, urlunsplit

from protego import Protego

from redline.archive.core.errors import UsageError
from redline.archive.core.urls import DEFAULT_PORTS, url_problem

__all__ = [
    "DEFAULT_AGENT_TOKEN",
    "MAX_CRAWL_DELAY",
    "ROBOTS_MAX_BYTES",
    "RobotsPolicy",
    "policy_from_response",
    "robots_url",
]

#: How much of a robots.txt file is read; RFC 9309 asks for at least 500 KiB.
ROBOTS_MAX_BYTES = 512 * 1024

#: The product token redline looks for in ``User-agent`` lines.
DEFAULT_AGENT_TOKEN = "redline"

#: The longest Crawl-delay honoured, in seconds; longer ones are cut to this.
MAX_CRAWL_DELAY = 60.0

# The start of an HTML or XML document rather than of robots rules.
_MARKUP_START = re.compile(
    r"\s*<(?:!--|\?xml\b|!doctype\b|(?:html|head|body|meta|title|script|link|style|div|p)"
    r"(?:[\s>/]|$))",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class RobotsPolicy:
    """What one site's robots.txt lets the agent ``agent_token`` fetch.

    ``crawl_delay`` is the delay in seconds between requests that the site asks of the
    agent (capped at ``MAX_CRAWL_DELAY``), or None. ``closed`` is True when robots.txt
    was unreachable, so nothing may be fetched. ``note`` says, in one line, why the
    policy is what it is when it does not come from a parsed file (or when the file was
    cut at the size limit); None otherwise. ``rules`` holds the parsed file, if any.
    """

    crawl_delay: float | None = None
    note: str | None = None
    closed: bool = False
    agent_token: str = DEFAULT_AGENT_TOKEN
    rules: Protego | None = field(default=None, repr=False, compare=False)

    def allows(self, url: str) -> bool:
        """Whether the agent may fetch ``url`` (an absolute URL on this site, or a path)."""
        if self.closed:
            return False
        if self.rules is None:
            return True
        return bool(self.rules.can_fetch(url, self.agent_token))


def robots_url(url: str) -> str:
    """The address of the robots.txt file that governs ``url``: scheme://host[:port]/robots.txt.

    Scheme and host are lower-cased, and the port kept
    only when it is not the scheme's default. Raises ``UsageError`` for anything that
    is not an absolute http(s) URL.
    """
    url = url.strip()
    problem = url_problem(url)
    if problem:
        raise UsageError(problem)
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    host = (parts.hostname or "").rstrip(".")
    if ":" in host:  # IPv6 literal
        host = f"[{host}]"
    port = parts.port
    netloc = host if port is None or port == DEFAULT_PORTS[scheme] else f"{host}:{port}"
    return urlunsplit((scheme, netloc, "/robots.txt", "", ""))


def _allow_all(note: str, agent_token: str) -> RobotsPolicy:
    return RobotsPolicy(note=note, agent_token=agent_token)


def _closed(note: str, agent_token: str) -> RobotsPolicy:
    return RobotsPolicy(note=note, closed=True, agent_token=agent_token)


def _robots_text(body: bytes) -> tuple[str, bool]:
    """The text of at most ``ROBOTS_MAX_BYTES`` of ``body``, and whether it was cut."""
    cut = len(body) > ROBOTS_MAX_BYTES
    if cut:
        body = body[:ROBOTS_MAX_BYTES]
        # Drop the line the limit fell in: half a path would change what it matches.
        end = max(body.rfind(b"\n"), body.rfind(b"\r"))
        if end >= 0:
            body = body[: end + 1]
    text = body.decode("utf-8", errors="replace")
    return text.removeprefix("\ufeff"), cut


def policy_from_response(
    status: int | None, body: bytes | None, agent_token: str = DEFAULT_AGENT_TOKEN
) -> RobotsPolicy:
    """The policy a robots.txt request's final ``status`` and ``body`` set for ``agent_token``.

    ``status`` None means the request failed on the network (DNS, refused, timed out...);
    see the module docstring for what each status means.
    """
    if status is None:
        return _closed(
            "robots.txt could not be fetched: the site is treated as closed for this run",
            agent_token,
        )
    if status == 429 or status >= 500 or status < 200:
        return _closed(
            f"robots.txt returned HTTP {status}: the site is treated as closed for this run",
            agent_token,
        )
    if 300 <= status < 400:
        return _allow_all(
            f"robots.txt returned HTTP {status} (a redirect not followed): everything is allowed",
            agent_token,
        )
    if status >= 400:
        return _allow_all(
            f"robots.txt returned HTTP {status}: there are no rules, everything is allowed",
            agent_token,
        )
    text, cut = _robots_text(body or b"")
    if _MARKUP_START.match(text[:1024]):
        return _allow_all(
            "robots.txt is an HTML or XML page, not robots rules: everything is allowed",
            agent_token,
        )
    rules = Protego.parse(text)
    delay = rules.crawl_delay(agent_token)
    if delay is not None:
        delay = min(float(delay), MAX_CRAWL_DELAY)
    note = None
    if cut:
        note = (
            f"robots.txt is larger than {ROBOTS_MAX_BYTES // 1024} KB: only the rules in its "
            f"first {ROBOTS_MAX_BYTES // 1024} KB apply"
        )
    return RobotsPolicy(crawl_delay=delay, note=note, agent_token=agent_token, rules=rules)
