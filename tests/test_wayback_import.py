"""``redline import wayback`` against a real pywb on 127.0.0.1 holding five captures of
an article, three of them different; and the two CDX dialects read by one client."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from click.testing import Result

from redline.archive.core.models import Capture, Redirect
from redline.archive.fetch.warc import capture_to_warc
from redline.archive.fetch.wayback import WaybackServer, timestamp_time
from tests.support.newsroom import Newsroom
from tests.support.pywb import Pywb

Run = Callable[..., Result]
ARTICLE = "https://news.example/2020/barrier-vote"
OLD = "https://news.example/bridge"
MOVED = "https://news.example/2020/bridge-reopens"
TIMES = [datetime(2020, month, 3, 12, 0, 0, tzinfo=timezone.utc) for month in (1, 2, 3, 4, 5)]
LEADS = [
    "The council approved the flood barrier by seven votes to two on Monday night.",
    "The council approved the flood barrier by seven votes to two on Monday night.",
    "The council approved the flood barrier by six votes to three on Monday night.",
    "The council approved the flood barrier by six votes to three on Monday night.",
    "The council delayed the flood barrier vote until the engineers report in spring.",
]


def page(lead: str, ad: int) -> bytes:
    paragraphs = "".join(
        f"<p>Paragraph {n}: engineers say the barrier needs two more years of work and "
        "more money than the town has set aside for it so far.</p>"
        for n in range(4)
    )
    # The ad slot changes on every capture: only an edit of the article is a version.
    return (
        f"<html><head><title>Barrier vote</title></head><body>"
        f'<div class="ad" data-slot="{ad}">Advertisement {ad}</div><article>'
        f"<h1>Barrier vote</h1><p>{lead}</p>{paragraphs}</article></body></html>"
    ).encode()


@pytest.fixture(scope="module")
def wayback(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Pywb]:
    root = tmp_path_factory.mktemp("pywb")
    warcs = []
    for n, (when, lead) in enumerate(zip(TIMES, LEADS, strict=True)):
        capture = Capture(
            requested_url=ARTICLE,
            final_url=ARTICLE,
            body=page(lead, n),
            fetched_at=when,
            status=200,
            reason="OK",
            headers=(("Content-Type", "text/html; charset=utf-8"),),
            request_headers=(("Host", "news.example"), ("User-Agent", "crawler/1")),
            ip_address="192.0.2.10",
        )
        path = root / f"crawl-{n}.warc.gz"
        path.write_bytes(capture_to_warc(capture))
        warcs.append(path)
    # An article the site had moved when the web archive captured it.
    moved = Capture(
        requested_url=OLD,
        final_url=MOVED,
        body=page(LEADS[0].replace("flood barrier", "bridge"), 9),
        fetched_at=TIMES[0],
        status=200,
        reason="OK",
        headers=(("Content-Type", "text/html; charset=utf-8"),),
        redirects=(
            Redirect(
                OLD,
                301,
                MOVED,
                reason="Moved Permanently",
                headers=(("Location", MOVED), ("Content-Length", "0")),
                fetched_at=TIMES[0] - timedelta(seconds=1),
            ),
        ),
    )
    warcs.append(root / "moved.warc.gz")
    warcs[-1].write_bytes(capture_to_warc(moved))
    with Pywb(root / "server") as server:
        server.add("news", *warcs)
        server.start()
        yield server


@pytest.mark.e2e
def test_five_captures_three_versions_and_a_second_run_stores_nothing(
    redline: Run, wayback: Pywb
) -> None:
    assert len(wayback.cdx("news", ARTICLE)) == 5
    source = f"{wayback.base_url}/news"
    first = redline("import", "wayback", ARTICLE, "--wayback-url", source, "--delay", "0")
    assert first.exit_code == 0, first.output
    assert "5 captures, 5 to fetch" in first.stderr
    assert "3 new versions stored" in first.stderr
    log = redline("log", "--json", ARTICLE)
    versions = [json.loads(line) for line in log.stdout.splitlines()]
    assert [(v["version"], v["captured_at"]) for v in versions] == [
        (1, "2020-01-03T12:00:00Z"),
        (2, "2020-03-03T12:00:00Z"),
        (3, "2020-05-03T12:00:00Z"),
    ]
    shown = redline("show", "--version", "2", ARTICLE)
    assert "six votes to three" in shown.stdout

    again = redline("import", "wayback", ARTICLE, "--wayback-url", source, "--delay", "0")
    assert again.exit_code == 0, again.output
    assert "5 captures, 5 not after the last check (imported before), 0 to fetch" in again.stderr
    assert "0 new versions stored" in again.stderr
    assert again.stdout == ""
    after = redline("log", "--json", ARTICLE)
    assert len(after.stdout.splitlines()) == 3


@pytest.mark.e2e
def test_provenance_names_the_memento_and_the_original_time(
    redline: Run, wayback: Pywb, archive_dir: Path
) -> None:
    source = f"{wayback.base_url}/news"
    result = redline(
        "import",
        "wayback",
        ARTICLE,
        "--wayback-url",
        source,
        "--delay",
        "0",
        "--from",
        "2020-02-01",
        "--to",
        "2020-03-31",
        "--limit",
        "1",
    )
    assert result.exit_code == 0, result.output
    assert "2 captures, 1 to fetch" in result.stderr
    (provenance,) = [json.loads(p.read_text()) for p in archive_dir.rglob("capture.json")]
    assert provenance["source"] == "wayback"
    assert provenance["memento_url"] == f"{source}/20200203120000id_/{ARTICLE}"
    assert provenance["fetched_at"] == "2020-02-03T12:00:00Z"
    assert provenance["final_url"] == ARTICLE
    assert provenance["request_headers"] == [] and provenance["ip_address"] is None


@pytest.mark.e2e
def test_a_redirect_in_the_web_archive_is_a_redirect_of_the_original_urls(
    redline: Run, wayback: Pywb, archive_dir: Path
) -> None:
    source = f"{wayback.base_url}/news"
    result = redline("import", "wayback", OLD, "--wayback-url", source, "--delay", "0")
    assert result.exit_code == 0, result.output
    assert result.stdout.split()[0] == "new"
    (provenance,) = [json.loads(p.read_text()) for p in archive_dir.rglob("capture.json")]
    assert (provenance["requested_url"], provenance["final_url"]) == (OLD, MOVED)
    assert [(h["url"], h["status"], h["location"]) for h in provenance["redirects"]] == [
        (OLD, 301, MOVED)
    ]
    assert provenance["memento_url"].endswith(f"id_/{MOVED}")
    shown = redline("show", OLD)
    assert "bridge" in shown.stdout


@pytest.mark.e2e
def test_an_unreachable_web_archive_is_one_line(redline: Run, wayback: Pywb) -> None:
    source = f"{wayback.base_url}/no-such-collection"
    result = redline("import", "wayback", ARTICLE, "--wayback-url", source, "--delay", "0")
    assert result.exit_code == 1
    assert result.stderr.count("Error:") == 1 and "Traceback" not in result.output


# -- the two CDX dialects ----------------------------------------------------------------


def test_the_internet_archive_and_pywb_are_told_apart() -> None:
    ia = WaybackServer.at("https://web.archive.org/web/")
    assert (ia.style, ia.cdx_url) == ("ia", "https://web.archive.org/cdx/search/cdx")
    assert ia.replay_base == "https://web.archive.org/web/"
    pywb = WaybackServer.at("http://127.0.0.1:8080/news/")
    assert (pywb.style, pywb.cdx_url) == ("pywb", "http://127.0.0.1:8080/news/cdx")
    query = ia.query(ARTICLE, datetime(2020, 1, 1, tzinfo=timezone.utc))
    assert "output=json" in query and "from=20200101000000" in query


def test_the_internet_archive_listing_is_read() -> None:
    """The CDX API's JSON form as the Internet Archive documents it: a header row."""
    body = json.dumps(
        [
            ["urlkey", "timestamp", "original", "mimetype", "statuscode", "digest", "length"],
            ["example,news)/a", "20200105000000", ARTICLE, "text/html", "200", "B", "10"],
            ["example,news)/a", "20200101000000", ARTICLE, "text/html", "301", "A", "10"],
            ["example,news)/a", "20200102", "mailto:x@example", "text/html", "200", "C", "1"],
        ]
    ).encode()
    found = WaybackServer.at("https://web.archive.org/web/").parse(body, "the CDX API")
    assert [(m.timestamp, m.status, m.digest) for m in found] == [
        ("20200101000000", "301", "A"),
        ("20200105000000", "200", "B"),
    ]
    assert found[0].when == timestamp_time("20200101000000")


def test_a_memento_url_reads_back_as_its_original() -> None:
    server = WaybackServer.at("https://web.archive.org/web/")
    back = server.original(f"https://web.archive.org/web/20200101120000id_/{ARTICLE}?a=1")
    assert back == (f"{ARTICLE}?a=1", datetime(2020, 1, 1, 12, tzinfo=timezone.utc))
    assert server.original("https://elsewhere.example/x") is None


@pytest.mark.e2e
def test_a_wayback_line_in_a_watchlist_fills_the_history_once_before_watching(
    redline: Run, room: Newsroom, watchlist: Callable[..., Path], tmp_path: Path
) -> None:
    url = room.publish("barrier")
    warcs = []
    for n, (when, lead) in enumerate(zip(TIMES[:3], LEADS[1:4], strict=True)):
        capture = Capture(
            requested_url=url,
            final_url=url,
            body=page(lead, n),
            fetched_at=when,
            status=200,
            reason="OK",
            headers=(("Content-Type", "text/html; charset=utf-8"),),
        )
        warcs.append(tmp_path / f"crawl-{n}.warc.gz")
        warcs[-1].write_bytes(capture_to_warc(capture))
    listed = watchlist(f"wayback: {url}")
    with Pywb(tmp_path / "server") as server:
        server.add("site", *warcs)
        server.start()
        args = ["--wayback-url", f"{server.base_url}/site", "--allow-private", "--delay", "0"]
        first = redline("watch", str(listed), *args, "--json")
        assert first.exit_code == 0, first.output
        events = [json.loads(line) for line in first.stdout.splitlines()]
        # Two of the three captures differ (six votes, then six again: one version),
        # dated when the web archive took them; then the live page, another story.
        assert [(e["event"], e["version"], e["at"]) for e in events] == [
            ("new", 1, "2020-01-03T12:00:00Z"),
            ("changed", 2, "2020-02-03T12:00:00Z"),
            ("changed", 3, events[2]["at"]),
        ]
        assert events[0]["reason"] == "from the web archive, captured 2020-01-03T12:00:00Z"
        again = redline("watch", str(listed), *args, "--all", "--json")
        assert again.exit_code == 0, again.output
        assert [json.loads(line)["event"] for line in again.stdout.splitlines()] == ["unchanged"]
