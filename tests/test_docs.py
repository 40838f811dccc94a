"""The docs stay true: every command is in the generated reference and has help text,
the generated pages match the code, the README stays short and its quick start is the
one .ci/run follows, and every page the README links to is there (or is being written
alongside)."""

from __future__ import annotations

import re
import shlex
from pathlib import Path

import pytest
from click.testing import CliRunner
from cogapp import Cog

from redline.cli.main import COMMANDS as COMMAND_TABLE
from redline.cli.main import cli

ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text(encoding="utf-8")
CLI_REFERENCE = (ROOT / "docs" / "cli.md").read_text(encoding="utf-8")
CI_RUN = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
COMMANDS = sorted(COMMAND_TABLE)

#: Pages the README links to that other work adds.
PAGES_TO_COME = {
    "docs/site.md",
    "docs/notifications.md",
    "docs/queries.md",
    "docs/security.md",
}


@pytest.mark.parametrize("name", COMMANDS)
def test_every_command_is_in_the_cli_reference(name: str) -> None:
    assert f"\n## redline {name}\n" in CLI_REFERENCE


@pytest.mark.parametrize("name", COMMANDS)
def test_every_command_says_what_it_does(name: str) -> None:
    result = CliRunner().invoke(cli, [name, "--help"])
    assert result.exit_code == 0
    description = result.output.split("\n\n")[1].strip()
    assert description and description[0].isupper() and "." in description


def test_the_generated_pages_match_the_code() -> None:
    """What CI runs as `cog --check docs/*.md README.md`."""
    pages = [str(p) for p in sorted((ROOT / "docs").glob("*.md"))] + [str(ROOT / "README.md")]
    generated = [p for p in pages if "[[[cog" in Path(p).read_text(encoding="utf-8")]
    assert len(generated) >= 2
    status = Cog().main(["cog", "--check", *generated])
    assert status == 0, "a generated page is stale: run cog -r docs/*.md README.md"


def test_readme_is_short() -> None:
    assert len(README.splitlines()) <= 250


def quick_start() -> list[str]:
    section = README.split("## Quick start", 1)[1].split("\n## ", 1)[0]
    return [c.strip() for c in re.findall(r"```\n(.*?)\n\s*```", section, re.S)]


def test_quick_start_is_two_commands_that_need_no_prior_environment() -> None:
    install, test = quick_start()
    # one command installs into a new virtual environment and runs the demo, as a bare
    # Debian python3 allows (a system-wide pip install is refused there)
    assert install == "python3 -m venv .venv && .venv/bin/pip install . && .venv/bin/redline demo"
    steps = test.split(" && ")
    assert steps[-1] == ".venv/bin/python -m pytest"
    assert all(step.startswith(".venv/bin/") for step in steps)


def test_ci_runs_the_readme_test_command() -> None:
    """.ci/run does what the quick start says, step by step, in the same .venv."""
    lines = [line.strip() for line in CI_RUN.splitlines()]
    _, test = quick_start()
    for step in test.split(" && "):
        assert step in lines, f"{step!r} is not a line of .ci/run"
    assert "python3 -m venv .venv" in lines
    assert "cog --check docs/*.md README.md" in " ".join(lines)


def test_the_readme_shows_how_to_install_the_command() -> None:
    install = README.split("## Install", 1)[1].split("\n## ", 1)[0]
    assert "pipx install ." in install and "uv tool install ." in install


def test_every_linked_page_exists() -> None:
    pages = [ROOT / "README.md", ROOT / "CONTRIBUTING.md", *sorted((ROOT / "docs").glob("*.md"))]
    missing = []
    for page in pages:
        text = page.read_text(encoding="utf-8")
        for target in re.findall(r"\]\(([^)#<>\s]+)(?:#[^)]*)?\)", text):
            if "://" in target:
                continue
            path = (page.parent / target).resolve()
            name = str(path.relative_to(ROOT)) if path.is_relative_to(ROOT) else str(path)
            if not path.exists() and name not in PAGES_TO_COME:
                missing.append(f"{page.name}: {target}")
    assert missing == []


def test_the_license_is_the_apache_license_pyproject_names() -> None:
    pyproject = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    assert re.search(r'^license = "Apache-2.0"$', pyproject, re.M)
    text = " ".join((ROOT / "LICENSE").read_text(encoding="utf-8").split())
    assert text.startswith("Apache License Version 2.0, January 2004")
    sections = re.findall(r"\b(\d)\. [A-Z][A-Za-z ]+\.", text)
    assert sections == [str(n) for n in range(1, 10)]
    assert "END OF TERMS AND CONDITIONS APPENDIX: How to apply the Apache License" in text


def test_readme_commands_in_the_tour_exist() -> None:
    """A command the README tells users to run is a command redline has, once the work
    that adds it is merged; until then it is one of the commands to come."""
    to_come = {"site", "changes", "search"}
    named = set(re.findall(r"`redline ([a-z]+)\b", README))
    assert named - set(COMMANDS) <= to_come
    for command in re.findall(r"^\$ (redline .*)$", README, re.M):
        assert shlex.split(command)[1] in set(COMMANDS) | to_come
