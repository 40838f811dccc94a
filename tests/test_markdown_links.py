"""Page text adds no link to the Markdown redline writes, as GitHub renders it.

GitHub's Markdown (cmark-gfm, here through its Python bindings ``cmarkgfm``) turns bare
``https://…``, ``ftp://…``, ``www.…`` and e-mail addresses into links by itself. A page
could so place a link, chosen by its publisher, into a report published as a step
summary or an issue. Every address below comes from a page's headline, byline, body or
a reason quoting it: none may become an ``<a>``; only the links redline writes itself
(the headline's link to the article, the report's article links) do.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

import cmarkgfm
import pytest
from cmarkgfm.cmark import Options

from redline.archive.core.models import Article
from redline.archive.diff.model import DiffReport, Significance, VersionRef, diff_articles
from redline.archive.diff.words import diff_words
from redline.archive.render.diff_markdown import escape, render_markdown, render_ops
from redline.archive.render.report_markdown import render_report_markdown
from redline.archive.watch.report import Excerpt, Item, Report, RunInfo, clip

URL = "https://news.example/2026/11/library"
#: Addresses GitHub links by itself, in the spellings its autolink extension accepts.
ADDRESSES = [
    "https://evil.example/login",
    "http://evil.example",
    "HTTPS://EVIL.EXAMPLE/x?y=1",
    "ftp://files.evil.example/a",
    "www.evil.example",
    "www.Evil.Example/path",
    "(www.evil.example)",
    "*www.evil.example*",
    "<https://evil.example/angle>",
    "~https://evil.example~",
    "bob@evil.example",
    "mailto:bob@evil.example",
    "xmpp:bob@evil.example",
    "http://127.0.0.1:8080/admin",
    "https://evil.example/a_(b)",
]


def github(markdown: str) -> str:
    """Markdown as GitHub renders it: cmark-gfm with its extensions (autolink included)."""
    return cmarkgfm.github_flavored_markdown_to_html(markdown, options=Options.CMARK_OPT_UNSAFE)


class Links(HTMLParser):
    def __init__(self, page: str) -> None:
        super().__init__(convert_charrefs=True)
        self.hrefs: list[str] = []
        self.text: list[str] = []
        self.feed(page)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "a":
            self.hrefs.append(dict(attrs).get("href") or "")

    def handle_data(self, data: str) -> None:
        self.text.append(data)

    @property
    def shown(self) -> str:
        return " ".join("".join(self.text).replace("\u2060", "").split())


def test_the_renderer_used_here_does_link_bare_addresses() -> None:
    """Without redline's escaping GitHub links every one of them (the test can fail)."""
    for address in ADDRESSES:
        assert Links(github(f"see {address} now")).hrefs, address


@pytest.mark.parametrize("address", ADDRESSES)
def test_escaped_addresses_stay_text_and_read_the_same(address: str) -> None:
    links = Links(github(f"see {escape(address)} now"))
    assert links.hrefs == []
    assert links.shown == f"see {address} now"


def test_a_diff_in_markdown_links_only_the_article() -> None:
    old = Article(
        title="Council votes www.evil.example",
        byline="By Ana Ruiz, ana@evil.example",
        paragraphs=("Read https://good.example/report first.", "Untouched."),
    )
    new = Article(
        title="Council votes https://evil.example/vote",
        byline="By Ana Ruiz, mailto:ana@evil.example",
        paragraphs=(
            "Read https://evil.example/report first.",
            "Untouched.",
            " ".join(ADDRESSES),
        ),
    )
    significance = Significance(
        severity="major", reasons=("link changed: https://evil.example/report",)
    )
    report = DiffReport(
        URL,
        VersionRef(1, "2026-11-24T08:05:00Z"),
        VersionRef(2, "2026-11-25T10:40:00Z"),
        diff_articles(old, new),
        title=new.title,
        significance=significance,
    )
    markdown = render_markdown(report)
    links = Links(github(markdown))
    assert links.hrefs == [URL]  # the headline's link to the article
    for address in ADDRESSES:
        assert address in links.shown
    assert "link changed: https://evil.example/report" in links.shown


def test_an_address_split_by_a_change_makes_no_link() -> None:
    """The scheme in unchanged text, the rest inserted (or the other way round)."""
    pairs = [
        ("see https://good.example/a now", "see https://evil.example/a now"),
        ("see https now", "see https://evil.example now"),
        ("see www now", "see www.evil.example now"),
        ("see the //evil.example now", "see the https://evil.example now"),
        ("mail bob at evil.example", "mail bob@evil.example"),
    ]
    for old, new in pairs:
        line = render_ops(diff_words(old, new), shorten=False)
        assert Links(github(line)).hrefs == [], line


def test_a_watch_report_in_markdown_links_only_articles() -> None:
    run = RunInfo("20261125T000000Z-aaaaaa", "2026-11-25T00:00:00Z")
    report = Report(runs=[run])
    ops = diff_words("Call www.good.example today.", "Call https://evil.example/x today.")
    articles = [f"https://news.example/{n}" for n in range(3)]
    report.sections["changed"] = [
        Item(
            "changed",
            articles[0],
            run.run,
            version=2,
            severity="major",
            reason="link changed: www.evil.example",
            title="Visit https://evil.example/headline",
            excerpt=Excerpt("body", clip(ops)),
        )
    ]
    report.sections["new"] = [
        Item("new", articles[1], run.run, version=1, title="bob@evil.example writes")
    ]
    report.sections["errors"] = [
        Item("error", articles[2], run.run, reason="HTTP 403 from https://evil.example/wall")
    ]
    report.counts.update(changed=1, new=1, error=1)
    links = Links(github(render_report_markdown(report)))
    assert links.hrefs == articles
    for shown in (
        "Visit https://evil.example/headline",
        "link changed: www.evil.example",
        "https://evil.example/x",
        "bob@evil.example writes",
        "HTTP 403 from https://evil.example/wall",
    ):
        assert shown in links.shown


def test_escaping_leaves_other_colons_and_dots_alone() -> None:
    text = "At 10:30 the score was 2:1 in Washington D.C., see section 4.2 of C:/report."
    assert "\\" not in escape(text)
    assert re.sub(r"\s+", " ", Links(github(escape(text))).shown) == text
