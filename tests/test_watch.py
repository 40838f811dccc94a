"""``redline watch`` against a news site on 127.0.0.1 that changes between runs."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import Result

from redline.archive.core.errors import GuardRefused
from redline.archive.fetch.client import Fetcher
from redline.archive.fetch.netguard import connected_address_problem, private_address_problem
from tests.conftest import ocfl_problems
from tests.support.http_server import LocalHTTPServer, Route
from tests.support.newsroom import Newsroom

Run = Callable[..., Result]
FAST = ("--delay", "0", "--json")


def events(result: Result) -> list[dict[str, object]]:
    return [json.loads(line) for line in result.stdout.splitlines() if line.strip()]


def by_url(result: Result) -> dict[str, dict[str, object]]:
    return {str(e["url"]): e for e in events(result)}


def test_first_run_stores_every_article_then_only_due_ones_are_checked(
    redline: Run, room: Newsroom, watchlist: Callable[..., Path], archive_dir: Path
) -> None:
    a, b = room.publish("flood"), room.publish("bridge")
    wl = watchlist("# the desk's list", a, f"{b}  # the bridge story")

    first = redline("watch", str(wl), *FAST)
    assert first.exit_code == 0, first.output
    assert {u: e["event"] for u, e in by_url(first).items()} == {a: "new", b: "new"}
    assert all(e["version"] == 1 for e in events(first))
    assert "Checked 2 articles" in first.stderr and "2 new" in first.stderr

    # Nothing is due a minute later: no request reaches the articles.
    before = len(room.server.requests)
    second = redline("watch", str(wl), *FAST)
    assert {e["event"] for e in events(second)} == {"skipped"}
    assert all(e["reason"] == "not due" for e in events(second))
    assert "2 skipped" in second.stderr and "Next due: 20" in second.stderr
    assert not [r for r in room.server.requests[before:] if r.path.startswith("/news/")]

    listed = redline("list", "--json")
    assert {json.loads(line)["url"] for line in listed.stdout.splitlines()} == {a, b}
    assert ocfl_problems(archive_dir / "ocfl") == []


def test_an_edit_is_a_new_version_and_furniture_is_not(
    redline: Run, room: Newsroom, watchlist: Callable[..., Path]
) -> None:
    a, b = room.publish("flood"), room.publish("bridge")
    wl = watchlist(a, b)
    redline("watch", str(wl), *FAST)
    room.edit("flood")
    room.touch("bridge")  # new ticker, nonce and "minutes ago"; same article

    result = redline("watch", str(wl), "--all", *FAST)

    seen = by_url(result)
    assert seen[a]["event"] == "changed" and seen[a]["version"] == 2
    assert seen[a]["severity"] in ("moderate", "major")
    assert seen[a]["stealth"] is True  # the page's modified date did not move
    assert seen[b]["event"] == "unchanged" and seen[b]["version"] == 1
    log = redline("log", a)
    assert log.stdout.count("\nv") + log.stdout.startswith("v") == 2


def test_people_get_one_line_per_notable_event_and_a_summary(
    redline: Run, room: Newsroom, watchlist: Callable[..., Path]
) -> None:
    a = room.publish("flood")
    wl = watchlist(a)
    redline("watch", str(wl), "--delay", "0")
    room.edit("flood")
    result = redline("watch", str(wl), "--all", "--delay", "0")
    assert result.stdout.startswith("changed    v2   " + a)
    assert "stealth" in result.stdout
    assert "Checked 1 article in" in result.stderr and "1 changed" in result.stderr


def test_conditional_get_downloads_nothing_for_an_unchanged_page(
    redline: Run, http_server: LocalHTTPServer, watchlist: Callable[..., Path]
) -> None:
    room = Newsroom(http_server, etag=True)
    a = room.publish("flood")
    wl = watchlist(a)
    redline("watch", str(wl), *FAST)
    etag = http_server.routes["/news/flood"].etag

    result = redline("watch", str(wl), "--all", *FAST)

    assert by_url(result)[a]["event"] == "not-modified"
    asked = [r for r in http_server.requests if r.path == "/news/flood"][-1]
    assert asked.header("If-None-Match") == etag
    assert asked.header("If-Modified-Since")
    assert "1 unchanged (1 not modified)" in result.stderr


def test_feed_items_are_watched_from_the_day_they_appear_and_stay_watched(
    redline: Run, room: Newsroom, watchlist: Callable[..., Path]
) -> None:
    room.publish("flood")
    wl = watchlist(f"feed: {room.feed_url}")
    first = redline("watch", str(wl), "--allow-private", *FAST)
    assert [e["event"] for e in events(first)] == ["new"]

    room.publish("bridge")
    room.stories.pop("flood")  # the flood story drops out of the feed...
    room.publish_lists()
    room.edit("bridge")
    second = redline("watch", str(wl), "--allow-private", "--all", *FAST)
    seen = by_url(second)
    assert seen[room.url("bridge")]["event"] == "new"
    # ...and is still checked, because it appeared in the feed once.
    assert seen[room.url("flood")]["event"] == "unchanged"


def test_news_sitemap_pages_are_watched(
    redline: Run, room: Newsroom, watchlist: Callable[..., Path]
) -> None:
    room.publish("flood")
    room.publish("bridge")
    wl = watchlist(f"sitemap: {room.sitemap_url}")
    result = redline("watch", str(wl), "--allow-private", *FAST)
    assert sorted(str(e["url"]) for e in events(result) if e["event"] == "new") == sorted(
        [room.url("flood"), room.url("bridge")]
    )


def test_feed_links_to_private_addresses_are_refused_without_allow_private(
    redline: Run, room: Newsroom, watchlist: Callable[..., Path]
) -> None:
    room.publish("flood")
    wl = watchlist(f"feed: {room.feed_url}")
    result = redline("watch", str(wl), *FAST)
    assert result.exit_code == 0
    (event,) = events(result)
    assert event["event"] == "skipped"
    assert "loopback" in str(event["reason"]) and "--allow-private" in str(event["reason"])
    assert [r.path for r in room.server.requests] == ["/rss.xml"]  # not even robots.txt


def test_a_metadata_address_in_a_feed_is_never_requested(
    redline: Run, http_server: LocalHTTPServer, watchlist: Callable[..., Path]
) -> None:
    rss = (
        '<?xml version="1.0"?><rss version="2.0"><channel><title>t</title>'
        "<item><title>x</title><link>http://169.254.169.254/latest/meta-data/</link></item>"
        "</channel></rss>"
    )
    feed = http_server.route("/rss", Route(body=rss, content_type="application/rss+xml"))
    result = redline("watch", str(watchlist(f"feed: {feed}")), "--timeout", "1", *FAST)
    (event,) = events(result)
    assert event["event"] == "skipped"
    assert "169.254.169.254" in str(event["reason"])


def test_the_guard_applies_to_every_hop_of_a_redirect(http_server: LocalHTTPServer) -> None:
    """A link that looks harmless can redirect inward: each hop is checked before it is
    requested."""
    start = http_server.route("/go", Route.redirect("http://169.254.169.254/latest/"))
    with Fetcher(timeout=1) as fetcher, pytest.raises(GuardRefused) as refused:
        fetcher.fetch(start, guard=private_address_problem_except_loopback)
    assert "169.254.169.254" in refused.value.message


def test_the_address_a_connection_reached_is_checked_too(http_server: LocalHTTPServer) -> None:
    """A name can resolve to a public address when checked and to a private one when
    fetched (DNS rebinding): the address the connection reached is checked as well, and
    nothing read from it is kept."""
    url = http_server.route("/meta", Route(body="<p>secret</p>"))
    with Fetcher(timeout=1) as fetcher, pytest.raises(GuardRefused) as refused:
        fetcher.fetch(url, peer_guard=connected_address_problem)
    assert "the connection reached 127.0.0.1, a loopback address" in refused.value.message
    assert connected_address_problem("93.184.216.34") is None


def private_address_problem_except_loopback(url: str) -> str | None:
    """The real guard, letting the test server's own address through."""
    return None if "127.0.0.1" in url else private_address_problem(url)


def test_the_user_agent_names_redline_and_the_contact(
    redline: Run, room: Newsroom, watchlist: Callable[..., Path]
) -> None:
    a = room.publish("flood")
    redline("watch", str(watchlist("contact: desk@example.org", a)), *FAST)
    agent = [r for r in room.server.requests if r.path == "/news/flood"][-1].header("User-Agent")
    assert agent is not None and agent.startswith("redline/") and "desk@example.org" in agent
    redline("watch", str(watchlist(a)), "--all", "--contact", "https://desk.example", *FAST)
    agent = [r for r in room.server.requests if r.path == "/news/flood"][-1].header("User-Agent")
    assert agent is not None and "https://desk.example" in agent


def test_robots_txt_is_honoured_unless_ignored(
    redline: Run, room: Newsroom, watchlist: Callable[..., Path]
) -> None:
    a, b = room.publish("flood"), room.publish("bridge")
    room.server.route(
        "/robots.txt",
        Route(body="User-agent: *\nDisallow: /news/flood\n", content_type="text/plain"),
    )
    wl = watchlist(a, b)
    result = redline("watch", str(wl), *FAST)
    seen = by_url(result)
    assert seen[a]["event"] == "skipped" and "robots.txt" in str(seen[a]["reason"])
    assert seen[b]["event"] == "new"
    assert not [r for r in room.server.requests if r.path == "/news/flood"]

    result = redline("watch", str(wl), "--ignore-robots", *FAST)
    assert by_url(result)[a]["event"] == "new"


def test_a_site_that_cannot_be_reached_is_not_told_to_ignore_robots(
    redline: Run, watchlist: Callable[..., Path]
) -> None:
    # Nothing listens on port 9: --ignore-robots could not help, so it is not advised.
    result = redline("watch", str(watchlist("http://127.0.0.1:9/news/x")), *FAST, "--allow-private")
    [event] = events(result)
    assert event["event"] == "error" and "connection refused" in event["reason"]
    assert "check the URL" in event["reason"] and "--ignore-robots" not in event["reason"]


def test_malformed_lines_are_reported_by_number_and_the_rest_runs(
    redline: Run, room: Newsroom, watchlist: Callable[..., Path]
) -> None:
    a = room.publish("flood")
    wl = watchlist("# list", "ftp://files.example/x", a, "frobnicate: https://x.example/", "")
    result = redline("watch", str(wl), *FAST)
    assert result.exit_code == 0
    assert "line 2:" in result.stderr and "ftp" in result.stderr
    assert "line 4:" in result.stderr and "frobnicate" in result.stderr
    assert [e["event"] for e in events(result)] == ["new"]


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (None, "no such watchlist"),
        ("# nothing here\n\n", "lists nothing to watch"),
        ("not a url at all\n", "list.txt line 1: 'not a url at all' is not a URL"),
        (b"\x00\x01\x02binary", "not a watchlist"),
    ],
)
def test_an_unusable_watchlist_stops_the_run_with_one_line(
    redline: Run, tmp_path: Path, content: str | bytes | None, message: str
) -> None:
    path = tmp_path / "list.txt"
    if isinstance(content, bytes):
        path.write_bytes(content)
    elif content is not None:
        path.write_text(content)
    result = redline("watch", str(path))
    assert result.exit_code != 0
    assert message in result.stderr
    assert "Traceback" not in result.output
    assert len(result.stderr.strip().splitlines()) == 1


def test_shards_split_the_articles_between_them(
    redline: Run, room: Newsroom, watchlist: Callable[..., Path]
) -> None:
    urls = [room.publish(f"story-{n}") for n in range(12)]
    wl = watchlist(*urls)
    one = {e["url"] for e in events(redline("watch", str(wl), "--shard", "1/2", *FAST))}
    two = {e["url"] for e in events(redline("watch", str(wl), "--shard", "2/2", *FAST))}
    assert one and two and not one & two
    assert one | two == set(urls)


@pytest.mark.parametrize("shard", ["0/2", "3/2", "1", "a/b", "1/0"])
def test_a_bad_shard_is_a_usage_error(
    redline: Run, room: Newsroom, watchlist: Callable[..., Path], shard: str
) -> None:
    result = redline("watch", str(watchlist(room.publish("x"))), "--shard", shard)
    assert result.exit_code == 2
    assert "--shard" in result.stderr


def test_a_second_run_of_the_same_shard_stops_at_the_lease(
    redline: Run, room: Newsroom, watchlist: Callable[..., Path], archive_dir: Path
) -> None:
    a = room.publish("flood")
    wl = watchlist(a)
    redline("watch", str(wl), *FAST)
    lease = archive_dir / "state" / "leases" / "watch-shard-1-of-1.json"
    lease.write_text(
        json.dumps(
            {
                "name": "watch-shard-1-of-1",
                "owner": "runner-7:4242:abcd",
                "renewed": "2099-01-01T00:00:00Z",
                "expires": "2099-01-01T00:10:00Z",
            }
        )
    )
    result = redline("watch", str(wl), "--all", *FAST)
    assert result.exit_code == 1
    assert "another watch run (runner-7:4242:abcd)" in result.stderr
    assert result.stdout == ""

    # A lease that expired belongs to a run that died: it is taken over.
    lease.write_text(lease.read_text().replace("2099-01-01T00:10:00Z", "2000-01-01T00:00:00Z"))
    result = redline("watch", str(wl), "--all", *FAST)
    assert result.exit_code == 0
    assert by_url(result)[a]["event"] == "unchanged"
    assert not lease.exists()


def test_fail_on_turns_an_event_into_an_exit_status(
    redline: Run, room: Newsroom, watchlist: Callable[..., Path]
) -> None:
    a = room.publish("flood")
    missing = room.server.url("/news/never-published")
    wl = watchlist(a, missing)
    result = redline("watch", str(wl), *FAST)
    assert result.exit_code == 0  # a site failing is not the run failing
    assert by_url(result)[missing]["event"] == "error"
    room.edit("flood")
    assert redline("watch", str(wl), "--all", "--fail-on", "changed", *FAST).exit_code == 3
    assert redline("watch", str(wl), "--all", "--fail-on", "error", *FAST).exit_code == 1
    assert redline("watch", str(wl), "--all", "--fail-on", "changed", *FAST).exit_code == 0


def test_each_run_leaves_a_log_in_the_archive(
    redline: Run, room: Newsroom, watchlist: Callable[..., Path], archive_dir: Path
) -> None:
    a = room.publish("flood")
    redline("watch", str(watchlist(a)), *FAST)
    (log,) = (archive_dir / "state" / "runs").glob("*.json")
    data = json.loads(log.read_text())
    assert data["counts"]["new"] == 1 and data["checked"] == 1
    assert data["events"][0]["url"] == a and data["events"][0]["event"] == "new"


def test_a_run_can_be_named_for_its_report(
    redline: Run, room: Newsroom, watchlist: Callable[..., Path], archive_dir: Path
) -> None:
    wl = watchlist(room.publish("flood"))
    assert redline("watch", str(wl), "--run-id", "gh-42-1", *FAST).exit_code == 0
    assert (archive_dir / "state" / "runs" / "gh-42-1.json").exists()
    again = redline("watch", str(wl), "--run-id", "gh-42-1", *FAST)
    assert again.exit_code == 2 and "already in the archive" in again.stderr
    bad = redline("watch", str(wl), "--run-id", "../escape", *FAST)
    assert bad.exit_code == 2 and "--run-id" in bad.stderr


def test_robots_txt_goes_through_the_same_guard_as_the_article(
    redline: Run,
    room: Newsroom,
    watchlist: Callable[..., Path],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The test server plays a public host (its own address let through); its robots.txt
    redirects to another loopback name. The redirect is refused before it is requested,
    and the article, found in a feed, is an error, not fetched under a policy read from
    a private address."""
    import redline.archive.watching as watching

    def public_except_server(url: str) -> str | None:
        return None if "//127.0.0.1:" in url else private_address_problem(url)

    def connected_except_server(address: str) -> str | None:
        return None if address == "127.0.0.1" else connected_address_problem(address)

    monkeypatch.setattr(watching, "private_address_problem", public_except_server)
    monkeypatch.setattr(watching, "connected_address_problem", connected_except_server)
    url = room.publish("flood")
    inward = f"http://localhost:{room.server.port}/private-robots.txt"
    room.server.route("/robots.txt", Route.redirect(inward))
    result = redline("watch", str(watchlist(f"feed: {room.feed_url}")), *FAST)
    assert result.exit_code == 0
    (event,) = events(result)
    assert event["url"] == url and event["event"] == "error"
    assert "robots.txt could not be fetched (localhost names this machine)" in str(event["reason"])
    paths = [r.path for r in room.server.requests]
    assert "/private-robots.txt" not in paths and "/news/flood" not in paths
