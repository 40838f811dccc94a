"""Exit statuses are an interface: scripts and CI steps branch on them. Each value is
pinned here, matches the README's table, and is what the commands really return."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

from click.testing import Result

from redline.archive.core.errors import ExitStatus

Run = Callable[..., Result]
README = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")

PINNED = {
    "OK": 0,
    "ERROR": 1,
    "USAGE": 2,
    "CHANGED": 3,
    "INTEGRITY": 4,
    "INTERRUPTED": 130,
}


def test_every_exit_status_keeps_its_value() -> None:
    assert {status.name: status.value for status in ExitStatus} == PINNED


def test_the_readme_table_lists_every_exit_status() -> None:
    table = README.split("## Exit status", 1)[1].split("\n## ", 1)[0]
    codes = {int(code) for code in re.findall(r"^\| (\d+) \|", table, re.M)}
    assert codes == set(PINNED.values())


def test_commands_return_the_documented_statuses(
    redline: Run, example: dict[str, object], archive_dir: Path, tmp_path: Path
) -> None:
    pages = example["pages"]
    assert isinstance(pages, list)
    url = str(example["url"])
    ok = redline("capture", "--html", str(pages[0]), "--url", url)
    assert ok.exit_code == ExitStatus.OK, ok.output
    failed = redline("capture", "--html", str(tmp_path / "missing.html"), "--url", url)
    assert failed.exit_code == ExitStatus.ERROR
    usage = redline("capture", "--no-such-option")
    assert usage.exit_code == ExitStatus.USAGE
    # A content file that no longer matches its digest: verify says so with 4.
    (content,) = [p for p in archive_dir.glob("ocfl/**/content/article.txt")]
    content.write_text("tampered\n", encoding="utf-8")
    corrupt = redline("verify")
    assert corrupt.exit_code == ExitStatus.INTEGRITY, corrupt.output
