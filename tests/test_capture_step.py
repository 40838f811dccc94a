"""The one capture step: every way of capturing refuses what is not the article.

Each wall, challenge and stub under fixtures/quality goes through ``redline capture``
(a URL, a saved page, a WARC) and through ``redline watch``, and gets the same verdict
from each: refused with the same reason, nothing stored, unless ``--accept-blocked``.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import datetime, timezone
from pathlib import Path

import pytest
from click.testing import Result

from redline.archive.core.models import Capture
from redline.archive.fetch.warc import capture_to_warc
from tests.support.http_server import LocalHTTPServer, Route

Run = Callable[..., Result]
PAGES = Path(__file__).resolve().parent / "fixtures" / "quality"
WALLS = {
    "consent_google.html": "consent wall (Google)",
    "cloudflare_challenge.html": "captcha page (Cloudflare challenge)",
    "turnstile.html": "captcha page (Cloudflare Turnstile)",
    "login_wall.html": "login wall",
    "paywall_stub.html": "paywall stub (subscribers only)",
}
WAYS = ["url", "html", "warc", "watch"]


def _stored(archive: Path) -> list[Path]:
    return sorted(archive.glob("ocfl/**/0=ocfl_object_1.1"))


def _capture(
    way: str,
    redline: Run,
    server: LocalHTTPServer,
    page: bytes,
    tmp_path: Path,
    *extra: str,
) -> tuple[Result, str]:
    """Capture ``page`` one way; returns the command's result and the article's URL."""
    url = server.route("/news/2026/11/30/story", Route(body=page))
    if way == "url":
        return redline("capture", url, *extra), url
    if way == "html":
        saved = tmp_path / "saved.html"
        saved.write_bytes(page)
        return redline("capture", "--html", str(saved), "--url", url, *extra), url
    if way == "warc":
        warc = tmp_path / "crawl.warc.gz"
        capture = Capture(
            requested_url=url,
            final_url=url,
            body=page,
            fetched_at=datetime(2026, 11, 30, 9, 0, tzinfo=timezone.utc),
            status=200,
            reason="OK",
            headers=(("Content-Type", "text/html; charset=utf-8"),),
        )
        warc.write_bytes(capture_to_warc(capture))
        return redline("capture", "--warc", str(warc), *extra), url
    watchlist = tmp_path / "watchlist.txt"
    watchlist.write_text(url + "\n")
    return redline("watch", str(watchlist), "--delay", "0", "--json", *extra), url


@pytest.mark.parametrize("way", WAYS)
@pytest.mark.parametrize("name", sorted(WALLS))
def test_a_page_that_is_not_the_article_is_refused_every_way(
    name: str,
    way: str,
    redline: Run,
    http_server: LocalHTTPServer,
    archive_dir: Path,
    tmp_path: Path,
) -> None:
    result, url = _capture(way, redline, http_server, (PAGES / name).read_bytes(), tmp_path)
    assert "Traceback" not in result.output
    assert _stored(archive_dir) == []
    if way == "watch":
        assert result.exit_code == 0, result.output
        (event,) = [json.loads(line) for line in result.stdout.splitlines()]
        assert event["event"] == "blocked"
        assert event["reason"] == WALLS[name]
        return
    assert result.exit_code == 1, result.output
    (line,) = result.stderr.splitlines()
    assert line.startswith("Error: ") and "was not stored" in line
    assert WALLS[name] in line and "--accept-blocked" in line
    assert result.stdout == ""


@pytest.mark.parametrize("way", ["url", "html", "warc"])
def test_accept_blocked_stores_the_wall_itself(
    way: str, redline: Run, http_server: LocalHTTPServer, archive_dir: Path, tmp_path: Path
) -> None:
    page = (PAGES / "consent_google.html").read_bytes()
    result, url = _capture(way, redline, http_server, page, tmp_path, "--accept-blocked")
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("new ")
    assert len(_stored(archive_dir)) == 1
    shown = redline("show", url)
    assert shown.exit_code == 0, shown.output


def test_an_article_that_lost_most_of_its_text_is_refused_by_capture_too(
    redline: Run, http_server: LocalHTTPServer, archive_dir: Path, tmp_path: Path
) -> None:
    paragraphs = "".join(
        f"<p>Paragraph {n} of the council's long report on the flood barrier, which "
        f"the engineers say will need another two years and more money to finish.</p>"
        for n in range(12)
    )
    whole = f"<html><body><article><h1>Barrier vote</h1>{paragraphs}</article></body></html>"
    cut = "<html><body><article><h1>Barrier vote</h1><p>Paragraph 0 of the council's long report on the flood barrier, which the engineers say will need another two years.</p></article></body></html>"  # noqa: E501
    url = http_server.route("/news/barrier", Route(body=whole))
    assert redline("capture", url).exit_code == 0
    http_server.route("/news/barrier", Route(body=cut))
    refused = redline("capture", url)
    assert refused.exit_code == 1
    assert "was not stored: the article lost" in refused.stderr
    assert len(redline("log", "--json", url).stdout.splitlines()) == 1
    forced = redline("capture", url, "--accept-blocked")
    assert forced.exit_code == 0 and forced.stdout.startswith("changed ")
