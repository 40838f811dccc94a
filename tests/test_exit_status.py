"""Exit statuses are an interface: scripts and CI steps branch on them. Each value is
pinned here, is in the table of docs/exit-status.md, and is what the commands really
return."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

from click.testing import Result

from redline.archive.core.errors import ExitStatus

Run = Callable[..., Result]
TABLE = (Path(__file__).resolve().parents[1] / "docs" / "exit-status.md").read_text(
    encoding="utf-8"
)

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


def test_the_docs_table_lists_every_exit_status() -> None:
    rows = re.findall(r"^\| (\d+) \| `(\w+)` \| (.+) \|$", TABLE, re.M)
    assert {(int(code), name) for code, name, _ in rows} == {(v, k) for k, v in PINNED.items()}
    assert all(meaning.strip() for _, _, meaning in rows)


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
