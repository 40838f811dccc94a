"""A page reached with extra query parameters (?ref=home) joins the article its own
canonical URL names, on the same host and path; nothing else is followed."""

from __future__ import annotations

import json
from collections.abc import Callable
from html import escape
from pathlib import Path

import pytest
from click.testing import Result

from redline.archive.core.urls import canonical_parent, normalize_url
from tests.support.newsroom import Newsroom

Run = Callable[..., Result]

STORY = "https://www.riverton-ledger.example/news/2026/03/14/flood-waters-recede"


@pytest.mark.parametrize(
    ("requested", "canonical", "joins"),
    [
        ("https://news.example/a?ref=home", "https://news.example/a", "https://news.example/a"),
        ("https://news.example/a?id=7&ref=home", "/a?id=7", "https://news.example/a?id=7"),
        ("https://news.example/a?ref=x&id=7", "https://NEWS.example:443/a?id=7#top", "?id=7"),
        ("https://news.example/a?ref=home&utm_source=rss", "https://news.example/a", "/a"),
        # not followed: another host, another path, another scheme, a changed, added or
        # reordered parameter, or nothing to drop
        ("https://news.example/a?ref=home", "https://other.example/a", None),
        ("https://news.example/a?ref=home", "https://www.news.example/a", None),
        ("https://news.example/a?ref=home", "https://news.example/b", None),
        ("https://news.example/a?ref=home", "https://news.example/a/", None),
        ("https://news.example/a?ref=home", "http://news.example/a", None),
        ("https://news.example/a?ref=home", "https://news.example:8443/a", None),
        ("https://news.example/a?id=7&ref=home", "https://news.example/a?id=8", None),
        ("https://news.example/a?ref=home", "https://news.example/a?ref=home&x=1", None),
        ("https://news.example/a?x=1&y=2", "https://news.example/a?y=2&x=1", None),
        ("https://news.example/a", "https://news.example/a", None),
        ("https://news.example/a?utm_source=rss", "https://news.example/a", None),
        ("https://news.example/a?ref=home", "javascript:alert(1)", None),
        ("https://news.example/a?ref=home", "", None),
    ],
)
def test_the_rule(requested: str, canonical: str, joins: str | None) -> None:
    object_id = normalize_url(requested)
    absolute = (
        canonical if "://" in canonical or not canonical else f"https://news.example{canonical}"
    )
    got = canonical_parent(object_id, absolute or None)
    if joins is None:
        assert got is None
    else:
        assert got is not None and got.endswith(joins.replace("https://news.example", ""))


def capture(redline: Run, page: Path | str, url: str, at: str) -> dict[str, object]:
    result = redline("capture", "--html", str(page), "--url", url, "--at", at, "--json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert isinstance(data, dict)
    return data


def articles(redline: Run) -> list[dict[str, object]]:
    return [json.loads(line) for line in redline("list", "--json").stdout.splitlines()]


def test_a_tracking_parameter_joins_the_canonical_article(
    redline: Run, example: dict[str, object]
) -> None:
    pages, times = example["pages"], example["times"]
    assert isinstance(pages, list) and isinstance(times, list)
    first = capture(redline, pages[0], f"{STORY}?ref=home", times[0])
    assert first["url"] == STORY and first["status"] == "new"
    edited = capture(redline, pages[2], f"{STORY}?ref=rss&src=app", times[2])
    assert edited["url"] == STORY and edited["status"] == "changed"
    direct = capture(redline, pages[2], STORY, times[3])
    assert direct["status"] == "unchanged"
    [article] = articles(redline)
    assert article["url"] == STORY and article["versions"] == 2
    # the URL as a reader copied it finds the article too
    by_ref = redline("log", f"{STORY}?ref=home", "--json")
    assert by_ref.exit_code == 0 and len(by_ref.stdout.splitlines()) == 2
    # and the WARC keeps the address really asked for
    show = json.loads(redline("show", STORY, "--version", "2", "--json").stdout)
    assert show["version"] == 2


def _moved(tmp_path: Path, page: Path, canonical: str) -> Path:
    out = tmp_path / f"moved-{abs(hash(canonical))}.html"
    out.write_text(page.read_text(encoding="utf-8").replace(STORY, canonical), encoding="utf-8")
    return out


@pytest.mark.parametrize(
    "canonical",
    [
        "https://elsewhere.example/news/2026/03/14/flood-waters-recede",
        "https://www.riverton-ledger.example/news/2026/03/14/another-story",
    ],
    ids=["another host", "another path"],
)
def test_a_canonical_url_elsewhere_is_not_followed(
    redline: Run, example: dict[str, object], tmp_path: Path, canonical: str
) -> None:
    pages, times = example["pages"], example["times"]
    assert isinstance(pages, list) and isinstance(times, list)
    capture(redline, _moved(tmp_path, pages[0], canonical), canonical, times[0])
    asked = f"{STORY}?ref=home"
    got = capture(redline, _moved(tmp_path, pages[0], canonical), asked, times[1])
    assert got["url"] == asked and got["status"] == "new"
    assert sorted(str(a["url"]) for a in articles(redline)) == sorted([canonical, asked])


def test_an_article_archived_under_its_own_url_keeps_it(
    redline: Run, example: dict[str, object], tmp_path: Path
) -> None:
    """An archive whose article lives under the query-string URL (its page once named
    that URL canonical) keeps adding to it: nothing moves under an existing history."""
    pages, times = example["pages"], example["times"]
    assert isinstance(pages, list) and isinstance(times, list)
    asked = f"{STORY}?ref=home"
    own = capture(redline, _moved(tmp_path, pages[0], asked), asked, times[0])
    assert own["url"] == asked
    later = capture(redline, pages[2], asked, times[2])
    assert later["url"] == asked and later["status"] == "changed"
    assert [a["url"] for a in articles(redline)] == [asked]


def story_page(title: str, paragraphs: list[str], canonical: str) -> str:
    body = "\n".join(f"<p>{escape(p)}</p>" for p in paragraphs)
    return f"""<!doctype html><html lang="en"><head><meta charset="utf-8">
<title>{escape(title)}</title><link rel="canonical" href="{escape(canonical)}">
<meta property="article:published_time" content="2026-03-14T07:00:00Z"></head>
<body><article><h1>{escape(title)}</h1>{body}</article></body></html>"""


def _paragraphs(topic: str) -> list[str]:
    return [
        f"The {topic} was the subject of a long meeting on Tuesday, where officials from "
        f"three departments described what had been done so far and what was planned next "
        f"for the {topic} in the coming months, paragraph {n}."
        for n in range(1, 7)
    ]


def test_two_stories_claiming_one_canonical_url_stay_apart(redline: Run, tmp_path: Path) -> None:
    """A site whose every story names the same canonical URL (index.php?story=N all
    claiming index.php) does not merge different texts into one history."""
    index = "https://paper.example/index.php"
    one, two = tmp_path / "one.html", tmp_path / "two.html"
    one.write_text(story_page("Bridge repairs start", _paragraphs("bridge"), index))
    library = [
        f"Volunteers shelved {n} thousand books and opened the reading room at dawn."
        for n in range(1, 7)
    ]
    two.write_text(story_page("Library opens", library, index))
    first = capture(redline, one, f"{index}?story=1", "2026-03-14T08:00:00Z")
    assert first["url"] == index
    second = capture(redline, two, f"{index}?story=2", "2026-03-14T09:00:00Z")
    assert second["url"] == f"{index}?story=2" and second["status"] == "new"
    # the first story edited, reached again with its parameter: still joins
    edited = _paragraphs("bridge")
    edited[2] = edited[2].replace("three departments", "four departments")
    one.write_text(story_page("Bridge repairs start", edited, index))
    again = capture(redline, one, f"{index}?story=1&ref=home", "2026-03-14T10:00:00Z")
    assert again["url"] == index and again["status"] == "changed"


def test_a_watched_link_with_a_tracking_parameter_joins(
    redline: Run, room: Newsroom, watchlist: Callable[..., Path]
) -> None:
    url = room.publish("flood")
    result = redline("watch", str(watchlist(f"{url}?ref=rss")), "--delay", "0", "--json")
    assert result.exit_code == 0, result.output
    [event] = [json.loads(line) for line in result.stdout.splitlines()]
    assert event["event"] == "new"
    direct = redline("capture", url, "--json")
    assert json.loads(direct.stdout)["status"] == "unchanged"
    assert [a["url"] for a in articles(redline)] == [url]
    # The link is the article: checked on the article's schedule (not due again at
    # once), and once, beside the canonical URL, when a run checks everything.
    again = redline("watch", str(watchlist(f"{url}?ref=rss")), "--delay", "0", "--json")
    assert again.exit_code == 0, again.output
    [skipped] = [json.loads(line) for line in again.stdout.splitlines()]
    assert (skipped["event"], skipped["reason"]) == ("skipped", "not due")
    both = watchlist(f"{url}?ref=rss", url)
    every = redline("watch", str(both), "--all", "--delay", "0", "--json")
    events = [json.loads(line) for line in every.stdout.splitlines()]
    assert [e["event"] for e in events] == ["unchanged"], events
