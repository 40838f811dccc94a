"""Pages that differ only in noise give equal Articles; pages whose article changed
give different ones. This is what decides whether a new version is stored."""

from __future__ import annotations

import unicodedata
from collections.abc import Callable

import pytest

from redline.archive.core.models import Article
from redline.archive.extract.article import extract_article
from tests.extraction_pages import fixture

BASE = fixture("article.html")


def _edit(*pairs: tuple[str, str]) -> Callable[[str], str]:
    def apply(html: str) -> str:
        for old, new in pairs:
            assert old in html, old
            html = html.replace(old, new)
        return html

    return apply


def _reflow(html: str) -> str:
    html = html.replace("<p>", "<p>\n        ").replace("</p>", "\n      </p>")
    html = html.replace("The City Council voted", "The  City\n   Council\tvoted")
    return html.replace("\n", "\r\n")


def _nfd(html: str) -> str:
    return unicodedata.normalize("NFD", html)


NOISE: dict[str, Callable[[str], str]] = {
    "ad content": _edit(
        ("Refinance now at 5.9% APR", "Solar panels for $0 down"),
        ("banner.jpg?rnd=88123", "yacht.jpg?rnd=11"),
        ('alt="Buy a boat today"', 'alt="Sell your car"'),
    ),
    "ticker": _edit(
        ("DOW 38,905.66 ▲ 0.4%", "DOW 38,870.12 ▼ 0.1%"),
        ("Storm warning lifted for Harbor County", "Schools open two hours late Friday"),
    ),
    "relative time": _edit(("Updated 5 minutes ago", "Updated 7 minutes ago")),
    "relative time in hours": _edit(("Updated 5 minutes ago", "Updated 3 hours ago")),
    "view and comment counts": _edit(
        ("12,408 views", "13,950 views"),
        ("87 comments", "91 comments"),
        ("87 Comments", "91 Comments"),
    ),
    "nonces and cache busting": _edit(
        ("r4nd0mN0nc3", "Zq81kLm0pA"),
        ("cb=1710423000", "cb=1710426611"),
        ("site.css?v=8f3a2c", "site.css?v=91bb07"),
        ('"session": "a81f3e", "ts": 1710423000', '"session": "0c44d1", "ts": 1710426611'),
    ),
    "related links": _edit(
        (
            "Council rejects home buyout plan</a></li>",
            "Council rejects home buyout plan</a></li>\n<li><a href=/d>Mill Road to close</a></li>",
        ),
    ),
    "most read list": _edit(
        ("Where to get the best pancakes in Riverton", "Ten hikes within an hour of Riverton"),
        ("High school coach suspended after brawl", "Water main break on Elm Street"),
    ),
    "newsletter box": _edit(
        ("Get the Morning Ledger", "Never miss a story"),
        (
            "Sign up for our free newsletter and get the day’s top stories in your inbox.",
            "Sign up for the Evening Ledger newsletter: the news, weekdays at 6.",
        ),
    ),
    "weather": _edit(("Riverton 54°F Partly cloudy", "Riverton 61°F Light rain")),
    "comments": _edit(("Another waste of taxpayer money.", "Finally some good news.")),
    "whitespace": _reflow,
    "NFD instead of NFC": _nfd,
    "soft hyphens": _edit(
        ("resilience grant", "resi&shy;lience grant"), ("engineering", "engi\u00adneering")
    ),
    "zero-width characters": _edit(
        ("flood barrier along", "flood\u200b barrier\u2060 along"),
        ("Opponents", "\ufeffOpp\u200conents"),
    ),
    "non-breaking spaces": _edit(("$4.2 million flood", "$4.2&nbsp;million\u202fflood")),
}

EDITS: dict[str, Callable[[str], str]] = {
    "one changed number": _edit(
        ("build a $4.2 million flood barrier", "build a $4.3 million flood barrier")
    ),
    "one removed sentence": _edit(
        (
            " It will be paid for with a state resilience grant of $3 million and $1.2 million "
            "from the city’s capital reserve.",
            "",
        )
    ),
    "new headline": _edit(
        (
            "City Council Approves $4.2 Million Flood Barrier After Heated Debate",
            "Council Backs Flood Wall for Lower Quay in 5-2 Vote",
        )
    ),
    "added correction": _edit(
        (
            "<p>Mayor Helen Osei said",
            "<p>Clarification: The gates will be removable, not fixed.</p><p>Mayor Helen Osei said",
        )
    ),
    "moved paragraph": _edit(
        (
            "<p>Mayor Helen Osei said she would sign the measure on Friday. “This is the biggest "
            "thing this city has built since the bridge,” she said.</p>",
            "",
        ),
        (
            "<h2>What happens next</h2>",
            "<h2>What happens next</h2>\n<p>Mayor Helen Osei said she would sign the measure on "
            "Friday. “This is the biggest thing this city has built since the bridge,” "
            "she said.</p>",
        ),
    ),
    "changed quote mark": _edit(("“Tonight we stopped", '"Tonight we stopped')),
}


@pytest.fixture(scope="module")
def base() -> Article:
    return extract_article(BASE)


def test_base_page_has_an_article(base: Article) -> None:
    assert len(base.paragraphs) >= 10


@pytest.mark.parametrize("name", sorted(NOISE))
def test_noise_gives_an_equal_article(name: str, base: Article) -> None:
    assert extract_article(NOISE[name](BASE)) == base


def test_all_noise_at_once_gives_an_equal_article(base: Article) -> None:
    html = BASE
    for name, change in NOISE.items():
        if name != "relative time in hours":  # edits the same text as "relative time"
            html = change(html)
    assert extract_article(html) == base


def test_restyled_template_gives_an_equal_article(base: Article) -> None:
    assert extract_article(fixture("article_restyled.html")) == base


@pytest.mark.parametrize("name", sorted(EDITS))
def test_an_edit_gives_a_different_article(name: str, base: Article) -> None:
    assert extract_article(EDITS[name](BASE)) != base


def test_the_edit_shows_where_it_is(base: Article) -> None:
    changed = extract_article(EDITS["one changed number"](BASE))
    differing = [(a, b) for a, b in zip(base.paragraphs, changed.paragraphs, strict=True) if a != b]
    assert len(differing) == 1
    assert "$4.2 million" in differing[0][0] and "$4.3 million" in differing[0][1]


def test_added_correction_is_listed(base: Article) -> None:
    changed = extract_article(EDITS["added correction"](BASE))
    assert changed.corrections == (
        "Clarification: The gates will be removable, not fixed.",
        *base.corrections,
    )


def test_moved_paragraph_keeps_the_same_text(base: Article) -> None:
    moved = extract_article(EDITS["moved paragraph"](BASE))
    assert sorted(moved.paragraphs) == sorted(base.paragraphs)
    assert moved.paragraphs != base.paragraphs


def test_a_metered_paywall_prompt_is_not_article_text() -> None:
    from redline.archive.extract.furniture import is_noise_line

    assert is_noise_line("You have 3 free articles left this month.")
    assert is_noise_line("Subscribe to continue reading")
    assert not is_noise_line("The council had 3 free articles of law left to review on Tuesday.")


def _short_japanese_page(minutes: int, views: int) -> str:
    body = [
        "東京都は火曜日、新しい防災計画を発表した。計画では避難所の数を二倍に増やす。",
        "都の担当者によると、予算は約三千億円に上る見込みだ。財源の確保が課題だ。",
        "知事は記者会見で「都民の命を守るために全力を尽くす」と述べた。",
        "計画は来年四月から段階的に実施される予定だ。",
    ]
    paragraphs = "\n".join(f"<p>{text}</p>" for text in body)
    return f"""<!DOCTYPE html><html lang="ja"><head><meta charset="utf-8">
<title>東京都、新防災計画を発表 | 東都新聞</title></head><body>
<header><a href="/">東都新聞</a><nav><a href="/news">ニュース</a></nav></header>
<main><article><h1>東京都、新防災計画を発表</h1>
<div class="byline">By Jane Roe <span>Updated {minutes} minutes ago</span>
<span>{views} views</span></div>
{paragraphs}
</article></main><footer>© 東都新聞</footer></body></html>"""


def test_a_short_article_keeps_its_paragraphs_and_drops_the_furniture() -> None:
    # Under 250 characters, trafilatura's own fallback would return the whole page as
    # one paragraph, "Updated 5 minutes ago" and the view count included.
    from redline.archive.extract.article import extract_article

    first = extract_article(_short_japanese_page(5, 123), "https://news.example.jp/a")
    later = extract_article(_short_japanese_page(9, 5000), "https://news.example.jp/a")
    assert len(first.paragraphs) == 4
    assert first == later
