"""``redline capture``: new, changed and unchanged versions; failures that lose nothing."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

from click.testing import Result

from tests.conftest import ocfl_problems
from tests.support.http_server import LocalHTTPServer, unused_port

Run = Callable[..., Result]


def _capture_page(redline: Run, page: Path, url: str, at: str) -> dict:
    result = redline("capture", "--html", str(page), "--url", url, "--at", at, "--json")
    assert result.exit_code == 0, result.stderr
    return json.loads(result.stdout)


def test_saved_pages_become_versions_only_when_the_article_changes(
    redline: Run, example: dict, archive_dir: Path
) -> None:
    url, pages, times = example["url"], example["pages"], example["times"]
    seen = [_capture_page(redline, p, url, t) for p, t in zip(pages, times, strict=True)]
    assert [(s["status"], s["version"]) for s in seen] == [
        ("new", 1),
        ("unchanged", 1),  # only the ad, ticker, view count and most-read list moved
        ("changed", 2),
        ("changed", 3),
    ]
    assert seen[0] == {"url": url, "status": "new", "version": 1, "captured_at": times[0]}
    assert ocfl_problems(archive_dir / "ocfl") == []
    # each version holds the four files an archivist expects
    version_dirs = sorted((archive_dir / "ocfl").rglob("v1/content"))
    assert {p.name for p in version_dirs[0].iterdir()} == {
        "article.json",
        "article.txt",
        "capture.warc.gz",
        "capture.json",
    }


def test_capture_over_http_new_changed_unchanged(
    redline: Run, example: dict, http_server: LocalHTTPServer
) -> None:
    pages = example["pages"]
    url = http_server.route("/news/flood", body=pages[0].read_bytes())
    first = redline("capture", url, "--json")
    again = redline("capture", url + "?utm_source=newsletter#top", "--json")
    http_server.route("/news/flood", body=pages[2].read_bytes())
    changed = redline("capture", url, "--json")
    statuses = [json.loads(r.stdout)["status"] for r in (first, again, changed)]
    assert statuses == ["new", "unchanged", "changed"]
    assert json.loads(changed.stdout)["version"] == 2


def test_one_failing_url_does_not_stop_the_others(
    redline: Run, example: dict, http_server: LocalHTTPServer
) -> None:
    good = http_server.route("/good", body=example["pages"][0].read_bytes())
    missing = http_server.url("/missing")
    result = redline("capture", missing, good, "--json")
    assert result.exit_code == 1
    assert json.loads(result.stdout)["status"] == "new"
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("Error: ") and "404" in lines[0]
    assert "Traceback" not in result.stderr


def test_unreachable_host_is_one_line(redline: Run) -> None:
    result = redline("capture", f"http://127.0.0.1:{unused_port()}/story")
    assert result.exit_code == 1
    assert result.stderr.count("\n") == 1 and result.stderr.startswith("Error: ")


def test_usage_errors_exit_2(redline: Run, example: dict) -> None:
    assert redline("capture").exit_code == 2
    assert redline("capture", "--html", str(example["pages"][0])).exit_code == 2
    bad_time = redline(
        "capture", "--html", str(example["pages"][0]), "--url", example["url"], "--at", "soon"
    )
    assert bad_time.exit_code == 2 and "ISO 8601" in bad_time.stderr


def test_archive_path_that_is_a_file(redline: Run, example: dict, tmp_path: Path) -> None:
    target = tmp_path / "not-a-folder"
    target.write_text("x")
    result = redline(
        "capture",
        "--archive",
        str(target),
        "--html",
        str(example["pages"][0]),
        "--url",
        example["url"],
    )
    assert result.exit_code == 1
    assert "is a file" in result.stderr and "Traceback" not in result.stderr
    assert target.read_text() == "x"


def test_page_without_article_stores_nothing(
    redline: Run, tmp_path: Path, archive_dir: Path
) -> None:
    page = tmp_path / "empty.html"
    page.write_text("<html><body><nav><a href='/'>Home</a></nav></body></html>")
    result = redline("capture", "--html", str(page), "--url", "https://example.com/x")
    assert result.exit_code == 1
    assert result.stderr.startswith("Error: ") and result.stderr.count("\n") == 1
    assert not list((archive_dir / "ocfl").rglob("inventory.json"))
