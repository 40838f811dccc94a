"""The README stays true: every command is documented (in the README or a page under
docs/) and has help text."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from redline.cli.main import COMMANDS as COMMAND_TABLE
from redline.cli.main import cli

README = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")
PAGES = [
    p.read_text(encoding="utf-8")
    for p in (Path(__file__).resolve().parents[1] / "docs").glob("*.md")
]
COMMANDS = sorted(COMMAND_TABLE)


@pytest.mark.parametrize("name", COMMANDS)
def test_every_command_is_documented_in_the_readme(name: str) -> None:
    assert any(f"### redline {name}\n" in text for text in [README, *PAGES])


@pytest.mark.parametrize("name", COMMANDS)
def test_every_command_says_what_it_does(name: str) -> None:
    result = CliRunner().invoke(cli, [name, "--help"])
    assert result.exit_code == 0
    description = result.output.split("\n\n")[1].strip()
    assert description and description[0].isupper() and "." in description


def test_readme_help_block_is_the_real_help() -> None:
    result = CliRunner().invoke(cli, ["--help"], prog_name="redline")
    block = re.search(r"\$ redline --help\n(.*?)```", README, re.S)
    assert block is not None
    # the same words in the same order; line wrapping depends on the terminal
    assert block.group(1).split() == result.output.split()


def test_quick_start_is_two_commands() -> None:
    section = README.split("## Quick start", 1)[1].split("\n## ", 1)[0]
    commands = [c.strip() for c in re.findall(r"```\n(.*?)\n\s*```", section, re.S)]
    assert commands == [
        "pip install . && redline demo",
        "python -m pip install --upgrade pip && pip install '.[test]' && python -m pytest",
    ]
