"""robots_url and policy_from_response: robots.txt rules as RFC 9309 reads them."""

from __future__ import annotations

import pytest

from redline.archive.core.errors import UsageError
from redline.archive.watch.robots import (
    MAX_CRAWL_DELAY,
    ROBOTS_MAX_BYTES,
    RobotsPolicy,
    policy_from_response,
    robots_url,
)

SITE = "https://news.example"

# A newspaper's file, in the shape big news sites publish: a long "*" group, groups for
# named crawlers, sitemaps, comments and blank lines.
NEWSPAPER = b"""\
# robots.txt for news.example
# Questions: webmaster@news.example

User-agent: *
Disallow: /search
Disallow: /account/
Disallow: /*?print=
Disallow: /*.pdf$
Disallow: /archive/
Allow: /archive/2024/
Allow: /search/about$
Disallow: /interactive/*/data
Crawl-delay: 2

User-agent: GPTBot
User-agent: CCBot
Disallow: /

User-agent: redline
Disallow: /live/
Allow: /
Crawl-delay: 5

Sitemap: https://news.example/sitemaps/news.xml
Sitemap: https://news.example/sitemaps/index.xml
"""

# The same file without a redline group, so the "*" group applies.
GENERIC = NEWSPAPER.split(b"User-agent: redline")[0]


def parsed(body: bytes, agent_token: str = "redline") -> RobotsPolicy:
    policy = policy_from_response(200, body, agent_token)
    assert policy.rules is not None
    assert not policy.closed
    return policy


# -- robots_url ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("https://news.example/world/2024/story.html", "https://news.example/robots.txt"),
        ("HTTPS://News.Example/a?b=1#c", "https://news.example/robots.txt"),
        ("https://news.example:443/a", "https://news.example/robots.txt"),
        ("http://news.example:80/a", "http://news.example/robots.txt"),
        ("http://news.example:8080/a", "http://news.example:8080/robots.txt"),
        ("https://news.example:80/a", "https://news.example:80/robots.txt"),
        ("https://news.example./a", "https://news.example/robots.txt"),
        ("http://[2001:DB8::1]:8080/a", "http://[2001:db8::1]:8080/robots.txt"),
        ("http://127.0.0.1:8000", "http://127.0.0.1:8000/robots.txt"),
        ("  https://news.example  ", "https://news.example/robots.txt"),
    ],
)
def test_robots_url(url: str, expected: str) -> None:
    assert robots_url(url) == expected


@pytest.mark.parametrize("url", ["", "news.example/a", "ftp://news.example/a", "https://"])
def test_robots_url_rejects_what_is_not_an_http_url(url: str) -> None:
    with pytest.raises(UsageError) as caught:
        robots_url(url)
    assert "\n" not in str(caught.value)


# -- groups, longest match, wildcards --------------------------------------------------


@pytest.mark.parametrize(
    ("path", "allowed"),
    [
        ("/", True),
        ("/world/2024/05/01/story.html", True),
        ("/search", False),
        ("/search?q=election", False),
        ("/searchlight/", False),  # a plain path matches as a prefix
        ("/search/about", True),  # the longer Allow wins
        ("/search/about/team", False),  # "$" anchors the Allow to the end
        ("/account", True),
        ("/account/", False),
        ("/account/settings", False),
        ("/archive/", False),
        ("/archive/2023/01/story", False),
        ("/archive/2024/01/story", True),  # longer Allow inside a Disallowed folder
        ("/world/story?print=1", False),  # "*" matches any run of characters
        ("/world/story?page=2&print=1", True),  # ... but the "?" is literal
        ("/reports/budget.pdf", False),
        ("/reports/budget.pdf?download=1", True),  # "$" ends the match
        ("/reports/budget.pdfx", True),
        ("/interactive/election-map/data", False),
        ("/interactive/election-map/data.json", False),
        ("/interactive/data", True),
    ],
)
def test_star_group_applies_when_there_is_no_redline_group(path: str, allowed: bool) -> None:
    policy = parsed(GENERIC)
    assert policy.allows(SITE + path) is allowed
    assert policy.allows(path) is allowed  # a path alone works too


def test_redline_group_overrides_star_group() -> None:
    policy = parsed(NEWSPAPER)
    # The "*" group's rules no longer apply at all ...
    assert policy.allows(f"{SITE}/search?q=x")
    assert policy.allows(f"{SITE}/reports/budget.pdf")
    assert policy.allows(f"{SITE}/archive/2023/story")
    # ... only redline's own.
    assert not policy.allows(f"{SITE}/live/")
    assert not policy.allows(f"{SITE}/live/2024-election-results")
    assert policy.allows(f"{SITE}/lives-lost")
    assert policy.crawl_delay == 5.0


def test_user_agent_lines_match_case_insensitively() -> None:
    body = b"User-agent: *\nAllow: /\n\nUser-Agent: RedLine\nDisallow: /private\n"
    policy = parsed(body)
    assert not policy.allows(f"{SITE}/private/page")
    assert policy.allows(f"{SITE}/public/page")


def test_other_agents_groups_do_not_apply() -> None:
    body = b"User-agent: Googlebot\nDisallow: /\n\nUser-agent: redline-bot\nDisallow: /\n"
    policy = parsed(body)
    assert policy.allows(f"{SITE}/anything")
    assert policy.crawl_delay is None


def test_a_group_may_name_several_agents() -> None:
    policy = parsed(GENERIC, agent_token="CCBot")
    assert not policy.allows(f"{SITE}/")
    assert policy.crawl_delay is None  # the CCBot group sets none


def test_allow_wins_a_tie_with_disallow() -> None:
    policy = parsed(b"User-agent: *\nDisallow: /page\nAllow: /page\n")
    assert policy.allows(f"{SITE}/page")


def test_disallow_with_empty_value_allows_everything() -> None:
    policy = parsed(b"User-agent: *\nDisallow:\n")
    assert policy.allows(f"{SITE}/anything")


def test_disallow_all() -> None:
    policy = parsed(b"User-agent: *\nDisallow: /\n")
    assert not policy.allows(f"{SITE}/")
    assert not policy.allows(f"{SITE}/story")
    assert policy.note is None


def test_percent_encoding_is_compared_decoded() -> None:
    body = (
        "User-agent: *\n"
        "Disallow: /%7Eeditor/\n"  # an escaped unreserved character
        "Disallow: /share?to=https%3A//social.example\n"  # an escaped ":"
        "Disallow: /wiki/Café\n"  # UTF-8 in the file
        "Disallow: /a%2Fb\n"  # an escaped "/" is not a "/"
    ).encode()
    policy = parsed(body)
    assert not policy.allows(f"{SITE}/~editor/notes")
    assert not policy.allows(f"{SITE}/%7eeditor/notes")
    assert not policy.allows(f"{SITE}/share?to=https://social.example/post")
    assert not policy.allows(f"{SITE}/share?to=https%3a//social.example/post")
    assert not policy.allows(f"{SITE}/wiki/Caf%C3%A9")
    assert not policy.allows(f"{SITE}/wiki/Café")
    assert policy.allows(f"{SITE}/wiki/Cafe")
    assert not policy.allows(f"{SITE}/a%2Fb")
    assert policy.allows(f"{SITE}/a/b")


def test_robots_txt_itself_is_always_allowed() -> None:
    policy = parsed(b"User-agent: *\nDisallow: /\n")
    assert policy.allows(f"{SITE}/robots.txt")


# -- Crawl-delay -----------------------------------------------------------------------


def test_crawl_delay_of_the_star_group() -> None:
    assert parsed(GENERIC).crawl_delay == 2.0


def test_crawl_delay_may_be_fractional() -> None:
    assert parsed(b"User-agent: *\nCrawl-delay: 0.5\n").crawl_delay == 0.5


def test_crawl_delay_is_capped() -> None:
    policy = parsed(b"User-agent: *\nCrawl-delay: 86400\nDisallow: /tmp/\n")
    assert policy.crawl_delay == MAX_CRAWL_DELAY == 60.0
    assert not policy.allows(f"{SITE}/tmp/x")


@pytest.mark.parametrize("value", ["soon", "-3", "nan", "inf", ""])
def test_malformed_crawl_delay_is_ignored(value: str) -> None:
    policy = parsed(f"User-agent: *\nCrawl-delay: {value}\nDisallow: /tmp/\n".encode())
    assert policy.crawl_delay is None
    assert not policy.allows(f"{SITE}/tmp/x")


def test_no_crawl_delay() -> None:
    assert parsed(b"User-agent: *\nDisallow: /tmp/\n").crawl_delay is None


# -- odd files -------------------------------------------------------------------------


@pytest.mark.parametrize("body", [b"", b"\n\n", b"# nothing to see here\n", None])
def test_empty_file_allows_everything(body: bytes | None) -> None:
    policy = policy_from_response(200, body)
    assert policy.allows(f"{SITE}/anything")
    assert policy.crawl_delay is None
    assert policy.note is None
    assert not policy.closed


def test_crlf_line_ends_and_a_byte_order_mark() -> None:
    body = b"\xef\xbb\xbfUser-agent: *\r\nDisallow: /private/\r\nCrawl-delay: 1\r\n"
    policy = parsed(body)
    assert not policy.allows(f"{SITE}/private/x")
    assert policy.allows(f"{SITE}/public/x")
    assert policy.crawl_delay == 1.0


def test_invalid_utf8_is_replaced_not_fatal() -> None:
    body = b"User-agent: *\nDisallow: /caf\xe9/\nDisallow: /private/\n"
    policy = parsed(body)
    assert not policy.allows(f"{SITE}/private/x")
    assert policy.allows(f"{SITE}/cafe/")


def test_huge_file_is_cut_at_the_limit() -> None:
    head = b"User-agent: *\nDisallow: /early/\n"
    filler = b"# padding padding padding padding padding padding padding padding\n"
    body = head + filler * (ROBOTS_MAX_BYTES // len(filler))
    assert len(body) < ROBOTS_MAX_BYTES
    # A rule that starts inside the limit but ends past it, then one wholly past it.
    straddling = b"Disallow: /short-prefix-of-a-much-longer-path\n"
    pad = ROBOTS_MAX_BYTES - len(body) - 10
    body += b"#" * pad + b"\n" + straddling + b"Disallow: /late/\n" + filler * 100
    assert len(body) > ROBOTS_MAX_BYTES
    policy = parsed(body)
    assert not policy.allows(f"{SITE}/early/story")
    assert policy.allows(f"{SITE}/late/story")  # past the limit: not read
    assert policy.allows(f"{SITE}/short-prefix-of-a-much-longer-path")
    assert policy.allows(f"{SITE}/short")  # the cut line is dropped, not half-read
    assert policy.note and "512 KB" in policy.note


def test_file_exactly_at_the_limit_is_read_whole() -> None:
    tail = b"Disallow: /last/\n"
    head = b"User-agent: *\n"
    body = head + b"#" * (ROBOTS_MAX_BYTES - len(head) - len(tail) - 1) + b"\n" + tail
    assert len(body) == ROBOTS_MAX_BYTES
    policy = parsed(body)
    assert not policy.allows(f"{SITE}/last/x")
    assert policy.note is None


@pytest.mark.parametrize(
    "body",
    [
        b"<!DOCTYPE html>\n<html><head><title>News</title></head><body>Home</body></html>",
        b"\n  <html lang=en>\n<body>\nDisallow: /\n</body></html>",
        b"\xef\xbb\xbf<!doctype html><p>Not found</p>",
        b"<?xml version='1.0'?><urlset></urlset>",
        b"<!-- served by the CMS -->\n<div>Page not found</div>",
    ],
)
def test_html_page_instead_of_rules_allows_everything(body: bytes) -> None:
    policy = policy_from_response(200, body)
    assert policy.allows(f"{SITE}/")
    assert policy.allows(f"{SITE}/story")
    assert not policy.closed
    assert policy.rules is None
    assert policy.note and "HTML" in policy.note


# -- statuses --------------------------------------------------------------------------


@pytest.mark.parametrize("status", [400, 401, 403, 404, 410, 451])
def test_4xx_means_unavailable_so_everything_is_allowed(status: int) -> None:
    policy = policy_from_response(status, b"User-agent: *\nDisallow: /\n")
    assert policy.allows(f"{SITE}/story")
    assert not policy.closed
    assert policy.crawl_delay is None
    assert policy.note == (
        f"robots.txt returned HTTP {status}: there are no rules, everything is allowed"
    )


@pytest.mark.parametrize("status", [500, 502, 503, 504, 429])
def test_5xx_means_unreachable_so_nothing_is_allowed(status: int) -> None:
    policy = policy_from_response(status, b"")
    assert policy.closed
    assert not policy.allows(f"{SITE}/")
    assert not policy.allows(f"{SITE}/story")
    assert policy.note == (
        f"robots.txt returned HTTP {status}: the site is treated as closed for this run"
    )


def test_503_note_reads_as_one_line() -> None:
    note = policy_from_response(503, b"<html>Service Unavailable</html>").note
    assert note == "robots.txt returned HTTP 503: the site is treated as closed for this run"


def test_network_failure_closes_the_site() -> None:
    policy = policy_from_response(None, None)
    assert policy.closed
    assert not policy.allows(f"{SITE}/story")
    assert policy.note and "could not be fetched" in policy.note


def test_unfollowed_redirect_allows_everything() -> None:
    policy = policy_from_response(301, b"")
    assert policy.allows(f"{SITE}/story")
    assert policy.note and "HTTP 301" in policy.note


@pytest.mark.parametrize("status", [200, 203, 206])
def test_any_2xx_is_parsed(status: int) -> None:
    policy = policy_from_response(status, b"User-agent: *\nDisallow: /x\n")
    assert not policy.allows(f"{SITE}/x")


def test_notes_are_one_line() -> None:
    for status in (None, 200, 301, 404, 503):
        body = b"<html></html>" if status == 200 else b""
        note = policy_from_response(status, body).note
        assert note and "\n" not in note


def test_policy_is_immutable() -> None:
    policy = parsed(GENERIC)
    with pytest.raises(AttributeError):
        policy.crawl_delay = 0  # type: ignore[misc]
