"""Versions are kept in the order their pages were captured: a saved page older than the
stored head may confirm it but not become a version after it, and no capture can come
from the future."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from click.testing import Result

Run = Callable[..., Result]


def test_an_older_page_that_differs_from_the_head_is_refused(
    redline: Run, example: dict[str, Any], archive_dir: Path
) -> None:
    url, pages, times = example["url"], example["pages"], example["times"]
    assert (
        redline("capture", "--html", str(pages[2]), "--url", url, "--at", times[2]).exit_code == 0
    )
    older = redline("capture", "--html", str(pages[0]), "--url", url, "--at", times[0])
    assert older.exit_code == 1
    (line,) = older.stderr.splitlines()
    assert "is older than version 1" in line and "oldest first" in line
    log = redline("log", "--json", url)
    assert len(log.stdout.splitlines()) == 1  # no v2 dated before v1
    # An older copy of the same page only confirms the head.
    same = redline("capture", "--html", str(pages[2]), "--url", url, "--at", times[0])
    assert same.exit_code == 0 and same.stdout.startswith("unchanged v1")


def test_a_capture_dated_in_the_future_is_refused(
    redline: Run, example: dict[str, Any], archive_dir: Path
) -> None:
    url, pages = example["url"], example["pages"]
    result = redline("capture", "--html", str(pages[0]), "--url", url, "--at", "2999-01-01")
    assert result.exit_code == 1
    assert "later than now" in result.stderr and "Traceback" not in result.output
    assert not list(archive_dir.glob("ocfl/**/inventory.json"))
