"""An article is found by the URL it was captured from or by the page's canonical URL."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

from click.testing import Result

Run = Callable[..., Result]

CANONICAL = "https://www.riverton-ledger.example/news/2026/03/14/flood-waters-recede"


def test_log_show_diff_accept_the_canonical_url(redline: Run, example: dict) -> None:
    captured_as = "https://M.Riverton-Ledger.example:443/amp/flood?utm_medium=social&id=7#top"
    for index in (0, 2):
        result = redline(
            "capture",
            "--html",
            str(example["pages"][index]),
            "--url",
            captured_as,
            "--at",
            example["times"][index],
            "--json",
        )
        assert result.exit_code == 0, result.stderr
    object_id = json.loads(result.stdout)["url"]
    assert object_id == "https://m.riverton-ledger.example/amp/flood?id=7"
    by_id = redline("log", object_id, "--json").stdout
    by_canonical = redline("log", CANONICAL, "--json").stdout
    assert by_id == by_canonical and len(by_id.splitlines()) == 2
    assert redline("show", CANONICAL, "--json").exit_code == 0
    diff = json.loads(redline("diff", CANONICAL, "--format", "json").stdout)
    assert diff["url"] == object_id


def test_unchanged_checks_are_recorded_outside_the_ocfl_root(
    redline: Run, example: dict, archive_dir: Path
) -> None:
    url, pages, times = example["url"], example["pages"], example["times"]
    redline("capture", "--html", str(pages[0]), "--url", url, "--at", times[0])
    before = sorted(p for p in (archive_dir / "ocfl").rglob("*"))
    result = redline("capture", "--html", str(pages[1]), "--url", url, "--at", times[1], "--json")
    assert json.loads(result.stdout)["status"] == "unchanged"
    assert sorted(p for p in (archive_dir / "ocfl").rglob("*")) == before
    [entry] = [json.loads(line) for line in redline("list", "--json").stdout.splitlines()]
    assert entry["last_checked"] == times[1] and entry["last_changed"] == times[0]


def test_an_earlier_canonical_url_still_finds_the_article(
    redline: Run, example: dict, tmp_path: Path
) -> None:
    url, pages, times = example["url"], example["pages"], example["times"]
    redline("capture", "--html", str(pages[0]), "--url", url, "--at", times[0])
    moved = tmp_path / "moved.html"
    moved.write_text(pages[2].read_text().replace(CANONICAL, "https://other.example/renamed"))
    redline("capture", "--html", str(moved), "--url", url, "--at", times[2])
    for alias in ("https://other.example/renamed", CANONICAL):
        lines = redline("log", alias, "--json").stdout.splitlines()
        assert len(lines) == 2, alias


def test_a_late_older_capture_never_moves_check_times_back(
    redline: Run, example: dict, archive_dir: Path
) -> None:
    # Versions are numbered in the order they are stored; each keeps its capture time.
    url, pages = example["url"], example["pages"]
    redline("capture", "--html", str(pages[0]), "--url", url, "--at", "2026-03-14T10:00:00Z")
    late = redline("capture", "--html", str(pages[1]), "--url", url, "--at", "2026-03-14T08:00:00Z")
    assert late.exit_code == 0 and '"unchanged"' not in late.stdout
    [entry] = [json.loads(line) for line in redline("list", "--json").stdout.splitlines()]
    assert entry["last_checked"] == "2026-03-14T10:00:00Z"


def test_list_rebuilds_a_lost_state_folder(redline: Run, example: dict, archive_dir: Path) -> None:
    import shutil

    url, pages, times = example["url"], example["pages"], example["times"]
    for i in (0, 2):
        redline("capture", "--html", str(pages[i]), "--url", url, "--at", times[i])
    shutil.rmtree(archive_dir / "state")
    [entry] = [json.loads(line) for line in redline("list", "--json").stdout.splitlines()]
    assert entry["url"] == url and entry["versions"] == 2
    assert redline("log", CANONICAL).exit_code == 0
