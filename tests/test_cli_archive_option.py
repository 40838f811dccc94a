"""``--archive`` is taken before the command as well as after it."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

from click.testing import Result

Run = Callable[..., Result]


def _capture(redline: Run, example: dict, *where: str) -> Result:
    return redline(
        *where,
        "capture",
        "--html",
        str(example["pages"][0]),
        "--url",
        example["url"],
        "--at",
        example["times"][0],
    )


def test_archive_before_the_command_is_the_commands_archive(
    redline: Run, example: dict, tmp_path: Path, archive_dir: Path
) -> None:
    other = tmp_path / "other"
    assert _capture(redline, example, "--archive", str(other)).exit_code == 0
    # The environment's archive (REDLINE_ARCHIVE) was not written; the given one was.
    assert not archive_dir.exists() and (other / "ocfl").is_dir()
    [entry] = [
        json.loads(line)
        for line in redline("--archive", str(other), "list", "--json").stdout.splitlines()
    ]
    assert entry["url"] == example["url"]
    # Without it, the environment's (empty) archive is the one read.
    assert redline("list").exit_code != 0


def test_archive_after_the_command_wins_over_the_one_before(
    redline: Run, example: dict, tmp_path: Path
) -> None:
    first, second = tmp_path / "first", tmp_path / "second"
    result = _capture(redline, example, "--archive", str(first))
    assert result.exit_code == 0
    listed = redline("--archive", str(second), "list", "--archive", str(first), "--json")
    assert listed.exit_code == 0 and example["url"] in listed.stdout
    assert not second.exists()


def test_archive_before_a_command_that_uses_none_is_refused(redline: Run, example: dict) -> None:
    result = redline("--archive", "somewhere", "extract", str(example["pages"][0]))
    assert result.exit_code == 2
    assert "extract uses no archive" in result.stderr
    assert "Traceback" not in result.output
