"""``redline watch`` when sites misbehave: rate limits, slow and endless bodies, bombs,
loops, walls and challenges, pages that empty, articles that disappear.

The rule in every case: the run completes (exit 0), the site's failure is an event with a
reason, and nothing that is not the article becomes a version.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import Result

from tests.conftest import ocfl_problems
from tests.support.http_server import LocalHTTPServer, Route
from tests.support.newsroom import Newsroom

Run = Callable[..., Result]
FAST = ("--delay", "0", "--json")

CLOUDFLARE = """<!DOCTYPE html><html lang="en-US"><head><title>Just a moment...</title>
<meta name="robots" content="noindex,nofollow"></head><body>
<div class="main-wrapper"><div class="main-content"><h1 class="zone-name-title">
www.riverton-ledger.example</h1><h2 id="challenge-running">Checking if the site connection is
secure</h2><noscript>Enable JavaScript and cookies to continue</noscript>
<div id="challenge-body-text">www.riverton-ledger.example needs to review the security of your
connection before proceeding.</div></div></div>
<script>window._cf_chl_opt={cvId: '2',cZone: 'www.riverton-ledger.example',cType: 'managed'};
</script></body></html>"""

CONSENT = """<!DOCTYPE html><html><head><title>Before you continue</title></head><body>
<form action="https://consent.riverton-ledger.example/save" method="post">
<h1>We value your privacy</h1>
<p>We and our 842 partners store and access information on your device, such as cookies,
to show you personalised ads and content, measure them, and improve our services.</p>
<button name="agree">Accept all</button> <button name="reject">Reject all</button>
<a href="/privacy">Manage privacy settings</a></form></body></html>"""

SOFT_404 = """<!DOCTYPE html><html><head><title>Page not found | The Riverton Ledger</title>
</head><body><nav><a href="/">Home</a> <a href="/news/">News</a></nav>
<h1>Sorry, we couldn't find that page</h1>
<p>The page you are looking for may have been moved or deleted.</p>
<p><a href="/">Go to the home page</a></p></body></html>"""


def events(result: Result) -> list[dict[str, object]]:
    return [json.loads(line) for line in result.stdout.splitlines() if line.strip()]


def event_for(result: Result, url: str) -> dict[str, object]:
    (event,) = [e for e in events(result) if e["url"] == url]
    return event


def hits(server: LocalHTTPServer, path: str) -> int:
    return sum(1 for r in server.requests if r.path == path)


@pytest.fixture
def watch(redline: Run, tmp_path: Path) -> Callable[..., Result]:
    """Run ``redline watch`` over the given URLs (plus extra options)."""

    def run(urls: list[str], *options: str) -> Result:
        path = tmp_path / "watchlist.txt"
        path.write_text("\n".join(urls) + "\n")
        result = redline("watch", str(path), *FAST, *options)
        assert "Traceback" not in result.output
        return result

    return run


def versions(redline: Run, url: str) -> int:
    lines = redline("log", url, "--json").stdout.splitlines()
    return sum(1 for line in lines if '"version"' in line)


# -- rate limits and server errors ------------------------------------------------------


def test_429_with_retry_after_is_waited_for_then_the_page_is_stored(
    watch: Callable[..., Result], room: Newsroom, http_server: LocalHTTPServer
) -> None:
    url = room.publish("flood")
    page = http_server.routes["/news/flood"]
    limited = Route(status=429, body="slow down", headers=[("Retry-After", "1")])
    http_server.sequence("/news/flood", [limited, page])
    start = time.monotonic()
    result = watch([url])
    assert time.monotonic() - start >= 1.0  # Retry-After honoured, not hammered
    assert event_for(result, url)["event"] == "new"
    assert hits(http_server, "/news/flood") == 2
    assert result.exit_code == 0


def test_429_that_never_ends_is_blocked_after_three_attempts(
    watch: Callable[..., Result], room: Newsroom, http_server: LocalHTTPServer
) -> None:
    url = room.publish("flood")
    http_server.route("/news/flood", status=429, body="no", headers=[("Retry-After", "0")])
    result = watch([url])
    event = event_for(result, url)
    assert event["event"] == "blocked"
    assert "429" in str(event["reason"]) and "3 attempts" in str(event["reason"])
    assert hits(http_server, "/news/flood") == 3


def test_a_long_retry_after_is_left_for_the_next_run(
    watch: Callable[..., Result], room: Newsroom, http_server: LocalHTTPServer
) -> None:
    url = room.publish("flood")
    http_server.route("/news/flood", status=429, body="no", headers=[("Retry-After", "3600")])
    start = time.monotonic()
    result = watch([url])
    assert time.monotonic() - start < 30
    event = event_for(result, url)
    assert event["event"] == "blocked" and "3600" in str(event["reason"])
    assert hits(http_server, "/news/flood") == 1


def test_a_503_is_retried(
    watch: Callable[..., Result], room: Newsroom, http_server: LocalHTTPServer
) -> None:
    url = room.publish("flood")
    page = http_server.routes["/news/flood"]
    down = Route(status=503, body="down", headers=[("Retry-After", "0")])
    http_server.sequence("/news/flood", [down, down, page])
    assert event_for(watch([url]), url)["event"] == "new"


def test_403_is_blocked_and_stores_nothing(
    watch: Callable[..., Result], redline: Run, http_server: LocalHTTPServer
) -> None:
    url = http_server.route("/news/members", status=403, body="<h1>Forbidden</h1>")
    event = event_for(watch([url]), url)
    assert event["event"] == "blocked" and "403" in str(event["reason"])
    assert redline("list", "--json").stdout == ""


# -- slow, endless, huge, looping -------------------------------------------------------


@pytest.mark.parametrize(
    ("route", "options", "words"),
    [
        (Route(body="<p>late</p>", delay=5), ("--timeout", "0.3"), "did not answer within 0.3 s"),
        (Route(endless=True, trickle=0.01), ("--timeout", "0.3"), "took longer than"),
        (Route(gzip_bomb=50_000_000), ("--max-bytes", "1000000"), "over the"),
        (Route.redirect("/loop-b"), (), "redirect loop"),
        (
            Route(raw=b"HTTP/1.1 200 OK\r\nX-Padding: " + b"x" * 100 + b"\r\n\r\n", drip=0.1),
            ("--timeout", "0.5"),
            "took longer than 1.5 s",
        ),
    ],
    ids=["slow", "endless", "gzip-bomb", "redirect-loop", "dripped-headers"],
)
def test_a_page_that_misbehaves_is_an_error_and_the_run_goes_on(
    watch: Callable[..., Result],
    room: Newsroom,
    http_server: LocalHTTPServer,
    route: Route,
    options: tuple[str, ...],
    words: str,
) -> None:
    good = room.publish("flood")
    bad = http_server.route("/loop-a", route)
    http_server.route("/loop-b", Route.redirect("/loop-a"))
    start = time.monotonic()
    result = watch([bad, good], *options)
    assert time.monotonic() - start < 10
    assert result.exit_code == 0
    event = event_for(result, bad)
    assert event["event"] == "error" and words in str(event["reason"])
    assert event_for(result, good)["event"] == "new"


# -- pages that are not the article ------------------------------------------------------


@pytest.mark.parametrize(("html", "kind"), [(CLOUDFLARE, "challenge"), (CONSENT, "consent")])
def test_a_challenge_or_wall_after_capture_is_blocked_not_a_version(
    watch: Callable[..., Result], redline: Run, room: Newsroom, html: str, kind: str
) -> None:
    url = room.publish("flood")
    watch([url])
    room.page("flood", html)
    result = watch([url], "--all")
    event = event_for(result, url)
    assert event["event"] == "blocked"
    assert kind in str(event["reason"]).lower()
    assert versions(redline, url) == 1
    log = redline("log", url)
    assert "blocked" in log.stdout


def test_a_challenge_on_the_first_check_stores_nothing(
    watch: Callable[..., Result], redline: Run, http_server: LocalHTTPServer
) -> None:
    url = http_server.route("/news/first", Route(body=CLOUDFLARE, status=200))
    assert event_for(watch([url]), url)["event"] == "blocked"
    assert redline("list", "--json").stdout == ""


def test_a_page_that_empties_is_refetched_then_suspect(
    watch: Callable[..., Result], redline: Run, room: Newsroom, http_server: LocalHTTPServer
) -> None:
    url = room.publish("flood", paragraphs=8)
    watch([url])
    story = room.stories["flood"]
    story.paragraphs = story.paragraphs[:1]
    room.touch("flood")
    before = hits(http_server, "/news/flood")
    result = watch([url], "--all")
    event = event_for(result, url)
    assert event["event"] == "suspect" and "lost" in str(event["reason"])
    assert hits(http_server, "/news/flood") - before == 2  # re-fetched once
    assert versions(redline, url) == 1


def test_a_drop_that_recovers_on_the_refetch_is_not_suspect(
    watch: Callable[..., Result], room: Newsroom, http_server: LocalHTTPServer
) -> None:
    url = room.publish("flood", paragraphs=8)
    watch([url])
    full = http_server.routes["/news/flood"]
    story = room.stories["flood"]
    kept = list(story.paragraphs)
    story.paragraphs = kept[:1]
    room.touch("flood")
    emptied = http_server.routes["/news/flood"]
    story.paragraphs = kept
    http_server.sequence("/news/flood", [emptied, full])
    assert event_for(watch([url], "--all"), url)["event"] == "unchanged"


# -- disappearance ----------------------------------------------------------------------


@pytest.mark.parametrize("status", [404, 410])
def test_an_article_taken_down_is_gone_then_back(
    watch: Callable[..., Result], redline: Run, room: Newsroom, status: int
) -> None:
    url = room.publish("flood")
    watch([url])
    room.take_down("flood", status)

    gone = event_for(watch([url], "--all"), url)
    assert gone["event"] == "gone" and str(status) in str(gone["reason"])
    assert gone["version"] == 1
    log = redline("log", url)
    assert "gone" in log.stdout and str(status) in log.stdout
    assert json.loads(redline("list", "--json").stdout)["status"] == "gone"
    assert redline("list").stdout.splitlines()[0].endswith("(gone)")

    still = event_for(watch([url], "--all"), url)
    assert still["event"] == "unchanged" and "still gone" in str(still["reason"])

    room.restore("flood")
    back = event_for(watch([url], "--all"), url)
    assert back["event"] == "unchanged" and "back" in str(back["reason"])
    assert "back" in redline("log", url).stdout
    assert json.loads(redline("list", "--json").stdout)["status"] is None


def test_a_soft_404_after_capture_is_gone(watch: Callable[..., Result], room: Newsroom) -> None:
    url = room.publish("flood")
    watch([url])
    room.page("flood", SOFT_404)
    assert event_for(watch([url], "--all"), url)["event"] == "gone"


def test_an_article_redirected_to_the_front_page_is_redirected(
    watch: Callable[..., Result], redline: Run, room: Newsroom, http_server: LocalHTTPServer
) -> None:
    url = room.publish("flood")
    watch([url])
    http_server.route("/news/flood", Route.redirect("/", status=301))
    front = "<html><head><title>The Riverton Ledger</title></head><body><h1>Top stories</h1>"
    http_server.route("/", Route(body=front + "<p>Many stories here.</p></body></html>"))
    event = event_for(watch([url], "--all"), url)
    assert event["event"] == "redirected"
    assert event["location"] == http_server.url("/")
    assert "redirected" in redline("log", url, "--stealth").stdout  # shown even when filtered


def test_a_redirect_to_another_article_url_is_not_a_disappearance(
    watch: Callable[..., Result], room: Newsroom, http_server: LocalHTTPServer
) -> None:
    url = room.publish("flood")
    watch([url])
    moved = room.publish("flood-renamed-slug")
    http_server.route("/news/flood", Route.redirect(moved, status=301))
    assert event_for(watch([url], "--all"), url)["event"] in ("unchanged", "changed")


def test_after_all_that_the_archive_is_valid(
    watch: Callable[..., Result], redline: Run, room: Newsroom, archive_dir: Path
) -> None:
    url = room.publish("flood")
    watch([url])
    room.page("flood", CLOUDFLARE)
    watch([url], "--all")
    room.take_down("flood")
    watch([url], "--all")
    assert ocfl_problems(archive_dir / "ocfl") == []
    assert redline("verify").exit_code == 0


# -- what a new user runs into -------------------------------------------------------------


def test_a_site_that_is_down_is_an_error_not_a_skip(
    watch: Callable[..., Result], redline: Run, tmp_path: Path
) -> None:
    """robots.txt is asked for first: when the host cannot be reached at all, that is the
    site failing (an error, which --fail-on error catches), not a polite skip."""
    from tests.support.http_server import unused_port

    url = f"http://127.0.0.1:{unused_port()}/news/story"
    result = watch([url])
    event = event_for(result, url)
    assert event["event"] == "error"
    assert "connection refused" in str(event["reason"]) and "robots.txt" in str(event["reason"])
    assert "1 error." in result.stderr
    wl = tmp_path / "watchlist.txt"
    assert redline("watch", str(wl), "--all", "--fail-on", "error").exit_code == 1


def test_a_first_capture_that_lands_on_the_front_page_stores_nothing(
    watch: Callable[..., Result], redline: Run, http_server: LocalHTTPServer
) -> None:
    url = http_server.route("/news/old-story", Route.redirect("/", status=301))
    front = "<html><head><title>Home</title></head><body><h1>Riverton Ledger</h1>"
    http_server.route("/", Route(body=front + "<p>" + "News of the day. " * 40 + "</p>"))
    event = event_for(watch([url]), url)
    assert event["event"] == "error" and "front page" in str(event["reason"])
    assert redline("list", "--json").stdout == ""


def test_children_of_a_sitemap_index_are_guarded_too(
    redline: Run, http_server: LocalHTTPServer, tmp_path: Path
) -> None:
    child = http_server.url("/sitemap-news.xml")
    index = (
        '<?xml version="1.0"?><sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
        f"<sitemap><loc>{child}</loc></sitemap></sitemapindex>"
    )
    sitemap = http_server.route("/sitemap.xml", Route(body=index, content_type="application/xml"))
    wl = tmp_path / "watchlist.txt"
    wl.write_text(f"sitemap: {sitemap}\n")
    result = redline("watch", str(wl), *FAST)
    assert result.exit_code == 0
    assert "/sitemap-news.xml" not in [r.path for r in http_server.requests]
    (event,) = events(result)
    assert event["event"] == "skipped" and "--allow-private" in str(event["reason"])


def test_a_contact_that_cannot_go_in_a_header_is_refused_up_front(
    redline: Run, room: Newsroom, tmp_path: Path
) -> None:
    wl = tmp_path / "watchlist.txt"
    wl.write_text(room.publish("flood") + "\n")
    for contact in ("雪 <desk@example.org>", "a\r\nX-Evil: 1"):
        result = redline("watch", str(wl), "--contact", contact)
        assert result.exit_code == 2
        assert "--contact" in result.stderr and "Traceback" not in result.output
        assert len(result.stderr.strip().splitlines()) == 1
    wl.write_text("contact: 雪 desk\n" + room.url("flood") + "\n")
    result = redline("watch", str(wl), *FAST)
    assert result.exit_code == 0
    assert "line 1:" in result.stderr and "header" in result.stderr
    assert [e["event"] for e in events(result)] == ["new"]


@pytest.mark.parametrize(
    ("line", "words"),
    [
        ("fed: https://x.example/rss", "did you mean 'feed:'"),
        ("sitemap:", "'sitemap:' needs a URL"),
        ("feed:   ", "'feed:' needs a URL"),
    ],
)
def test_watchlist_typos_get_a_helpful_message(
    redline: Run, room: Newsroom, tmp_path: Path, line: str, words: str
) -> None:
    wl = tmp_path / "watchlist.txt"
    wl.write_text(f"{line}\n{room.publish('flood')}\n")
    result = redline("watch", str(wl), *FAST)
    assert result.exit_code == 0
    assert "line 1: " in result.stderr and words in result.stderr


def test_a_crawl_delay_spaces_requests_one_at_a_time(
    watch: Callable[..., Result], room: Newsroom, http_server: LocalHTTPServer
) -> None:
    urls = [room.publish(f"story-{n}") for n in range(3)]
    http_server.route(
        "/robots.txt", Route(body="User-agent: *\nCrawl-delay: 1\n", content_type="text/plain")
    )
    start = time.monotonic()
    result = watch(urls)
    assert time.monotonic() - start >= 2.0  # three requests, a second apart
    assert [e["event"] for e in events(result)] == ["new"] * 3


def test_robots_skips_are_shown_to_people_with_their_reason(
    redline: Run, room: Newsroom, tmp_path: Path
) -> None:
    url = room.publish("flood")
    room.server.route(
        "/robots.txt", Route(body="User-agent: *\nDisallow: /\n", content_type="text/plain")
    )
    wl = tmp_path / "watchlist.txt"
    wl.write_text(url + "\n")
    result = redline("watch", str(wl), "--delay", "0")
    assert result.stdout.startswith("skipped") and "robots.txt disallows it" in result.stdout
    assert "1 skipped (1 disallowed by robots.txt)" in result.stderr


@pytest.mark.e2e
def test_sigterm_ends_a_run_like_ctrl_c(room: Newsroom, http_server: LocalHTTPServer,
                                        tmp_path: Path) -> None:  # fmt: skip
    """CI runners and systemd stop jobs with SIGTERM: the run's log says it was cut
    short, and the shard's lease is given back for the next run."""
    import os
    import shutil
    import signal
    import subprocess
    import sys

    urls = [room.publish("fast")] + [
        http_server.route(f"/news/slow-{n}", Route(body="<p>late</p>", delay=30)) for n in range(3)
    ]
    wl = tmp_path / "watchlist.txt"
    wl.write_text("\n".join(urls) + "\n")
    archive = tmp_path / "archive"
    exe = shutil.which("redline", path=str(Path(sys.executable).parent)) or "redline"
    proc = subprocess.Popen(
        [
            exe,
            "watch",
            str(wl),
            "--archive",
            str(archive),
            "--delay",
            "0",
            "--per-host",
            "8",
            "--json",
        ],  # fmt: skip
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={k: v for k, v in os.environ.items() if k != "REDLINE_ARCHIVE"},
    )
    deadline = time.monotonic() + 20
    while hits(http_server, "/news/slow-2") == 0 and time.monotonic() < deadline:
        time.sleep(0.05)
    proc.send_signal(signal.SIGTERM)
    out, err = proc.communicate(timeout=20)
    assert proc.returncode == 130, err
    assert "Traceback" not in err
    assert not list((archive / "state" / "leases").glob("*.json"))
    (log,) = (archive / "state" / "runs").glob("*.json")
    data = json.loads(log.read_text())
    assert data["interrupted"] is True
    assert "interrupted after 1 of 4 checks" in " ".join(data["notes"])


def test_an_unexpected_error_in_one_check_is_that_article_s_error_and_the_run_goes_on(
    redline: Run,
    room: Newsroom,
    watchlist: Callable[..., Path],
    archive_dir: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A bug met on one page (here the grading raises, as a real one once did on
    "firmware 2.1.3") is an error event for that article; every other article is still
    checked, the run completes, and only --fail-on error turns it into a failure."""
    from redline.archive.watch import check as check_module

    a, b = room.publish("flood"), room.publish("bridge")
    wl = watchlist(a, b)
    assert redline("watch", str(wl), *FAST).exit_code == 0
    room.edit("flood")
    room.edit("bridge")
    broken = room.stories["flood"].title
    real = check_module.assess

    def assess(previous, article, diff):  # type: ignore[no-untyped-def]
        if article.title == broken:
            raise ValueError("could not convert string to float: '2.1.3'")
        return real(previous, article, diff)

    monkeypatch.setattr(check_module, "assess", assess)
    result = redline("watch", str(wl), "--all", "--run-id", "second", *FAST)

    assert result.exit_code == 0, result.output
    assert "Traceback" not in result.output
    seen = {e["url"]: e for e in (json.loads(line) for line in result.stdout.splitlines())}
    assert seen[b]["event"] == "changed"
    assert seen[a]["event"] == "error"
    reason = str(seen[a]["reason"])
    assert reason.startswith("unexpected ValueError") and "2.1.3" in reason
    assert "please report it" in reason
    run = json.loads((archive_dir / "state" / "runs" / "second.json").read_text())
    assert run["status"] == "completed" and run["interrupted"] is False
    assert run["counts"]["error"] == 1 and run["counts"]["changed"] == 1

    room.edit("flood")  # stored in the run above before its grading failed: edit again
    failing = redline("watch", str(wl), "--all", "--fail-on", "error", *FAST)
    assert failing.exit_code == 1


@pytest.mark.parametrize(
    ("html", "words"),
    [
        ("<html><body>" + "<div>" * 20_000 + "<p>deep</p>" + "</div>" * 20_000, "levels deep"),
        (
            "<html><body><article><h1>Everything</h1>"
            + "<p>Another paragraph of a page that never ends.</p>" * 50_000,
            "more than 30,000 elements",
        ),
    ],
    ids=["nested", "huge"],
)
def test_a_page_past_the_reading_budget_is_an_error_in_seconds(
    watch: Callable[..., Result],
    redline: Run,
    room: Newsroom,
    http_server: LocalHTTPServer,
    html: str,
    words: str,
    tmp_path: Path,
) -> None:
    good = room.publish("flood")
    bad = http_server.route("/news/monster", Route(body=html))
    start = time.monotonic()
    result = watch([bad, good])
    assert time.monotonic() - start < 20
    event = event_for(result, bad)
    assert event["event"] == "error" and words in str(event["reason"])
    assert event_for(result, good)["event"] == "new"
    saved = tmp_path / "monster.html"
    saved.write_text(html)
    capture = redline("capture", "--html", str(saved), "--url", bad)
    assert capture.exit_code == 1 and words in capture.stderr
