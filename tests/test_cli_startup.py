"""Commands start fast: ``redline --help`` and the commands that only read the archive do
not import the extraction engine (trafilatura, BeautifulSoup, lxml) nor warcio."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from redline.cli.main import COMMANDS, cli

HEAVY = ("trafilatura", "bs4", "lxml", "warcio", "boto3")
PROBE = """
import json, sys
from redline.cli.main import cli
try:
    cli(args=sys.argv[1:], prog_name="redline", standalone_mode=False)
except SystemExit:
    pass
print(json.dumps(sorted({m.split(".")[0] for m in sys.modules})), file=sys.stderr)
"""


def _imported(*args: str) -> set[str]:
    result = subprocess.run(
        [sys.executable, "-c", PROBE, *args], capture_output=True, text=True, timeout=60
    )
    return set(json.loads(result.stderr.strip().splitlines()[-1]))


def test_the_help_lines_are_the_commands_own() -> None:
    import click

    ctx = click.Context(cli)
    for name, (_module, line) in COMMANDS.items():
        command = cli.get_command(ctx, name)
        assert command is not None and command.name == name
        assert command.get_short_help_str(limit=200) == line


@pytest.mark.parametrize("args", [["--help"], ["--version"]])
def test_help_imports_no_engine(args: list[str]) -> None:
    assert not _imported(*args) & set(HEAVY)


def test_listing_an_archive_imports_no_extractor(tmp_path: Path) -> None:
    (tmp_path / "empty").mkdir()
    imported = _imported("list", "--archive", str(tmp_path / "empty"))
    assert "redline" in imported
    assert not imported & {"trafilatura", "bs4", "lxml", "warcio", "boto3"}
