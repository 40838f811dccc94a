"""The examples in the README and docs/ are what redline really prints.

Every ```console block of README.md and docs/*.md is a shell session against the
bundled example: each ``$ redline …`` line is run, in a fresh folder holding the
example's saved pages (v1.html … v4.html) with the archive in ./redline-archive, and
what it prints must be what the block shows after it. A ``<!-- after: redline … -->``
line just before the block names commands run first, their output unshown.

What a session cannot show the same twice is masked on both sides: capture times that
are "now" and run ids. In the expected text, "…" stands for any text (the docs shorten
long lines with it; redline's own "…" matches itself).
"""

from __future__ import annotations

import re
import shlex
import shutil
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

import pytest
from click.testing import CliRunner

from redline.archive import demo
from redline.archive.demo import EXAMPLE_DIR
from redline.cli.main import cli

ROOT = Path(__file__).resolve().parents[1]
PAGES = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]

#: Commands that run offline against the bundled example; a console block holding any
#: other is a mistake in the docs (a watch needs a site, a sync a second store).
OFFLINE = {"capture", "demo", "diff", "extract", "list", "log", "show", "verify"}

_TIME = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ")
#: Times that belong to the example itself (its capture, publication and edit times):
#: everything else is a time of the session, masked.
FIXED_TIMES = set(
    _TIME.findall("".join(p.read_text(encoding="utf-8") for p in sorted(EXAMPLE_DIR.iterdir())))
)
_RUN_ID = re.compile(r"\b\d{8}T\d{6}Z-[0-9a-f]{6}\b")


@dataclass(frozen=True)
class Session:
    page: str
    line: int
    setup: tuple[str, ...]
    steps: tuple[tuple[str, str], ...]  # (command, expected output)

    @property
    def name(self) -> str:
        return f"{self.page}:{self.line}"


def sessions(path: Path) -> list[Session]:
    found = []
    lines = path.read_text(encoding="utf-8").split("\n")
    index = 0
    while index < len(lines):
        if lines[index].strip() != "```console":
            index += 1
            continue
        before = [line.strip() for line in lines[:index] if line.strip()]
        setup: tuple[str, ...] = ()
        marker = re.fullmatch(r"<!-- after: (.*) -->", before[-1]) if before else None
        if marker:
            setup = tuple(c.strip() for c in marker.group(1).split(";"))
        end = index + 1
        while lines[end].strip() != "```":
            end += 1
        body = [line[_indent(lines[index]) :] for line in lines[index + 1 : end]]
        found.append(Session(path.name, index + 1, setup, tuple(_steps(body))))
        index = end + 1
    return found


def _indent(fence: str) -> int:
    return len(fence) - len(fence.lstrip())


def _steps(body: list[str]) -> list[tuple[str, str]]:
    steps: list[tuple[str, list[str]]] = []
    continued = False
    for line in body:
        if continued:
            command, out = steps[-1]
            steps[-1] = (command[:-1].rstrip() + " " + line.strip(), out)
        elif line.startswith("$ "):
            steps.append((line[2:], []))
        else:
            steps[-1][1].append(line)
        continued = steps[-1][0].endswith("\\") if not steps[-1][1] else False
    return [(command, "\n".join(out)) for command, out in steps]


ALL = [session for page in PAGES for session in sessions(page)]


def test_the_docs_hold_examples_of_every_offline_command() -> None:
    used = {shlex.split(command)[1] for s in ALL for command, _ in s.steps}
    assert used == OFFLINE


def _mask(text: str) -> str:
    text = _RUN_ID.sub("RUN-ID", text)
    return _TIME.sub(lambda m: m.group() if m.group() in FIXED_TIMES else "TIME", text)


def _pattern(expected: str) -> re.Pattern[str]:
    parts = [re.escape(part) for part in _mask(expected).split("…")]
    return re.compile(".*?".join(parts), re.S)


def run(command: str) -> str:
    args = shlex.split(command)
    assert args[0] == "redline" and args[1] in OFFLINE, command
    result = CliRunner().invoke(cli, args[1:], prog_name="redline")
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise result.exception
    return result.output


@pytest.mark.parametrize("session", ALL, ids=[s.name for s in ALL])
def test_example(session: Session, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # The example's pages, where the docs' commands name them: beside the session (as
    # docs/capturing.md runs them) and at their place in the repository (the README's).
    in_repository = tmp_path / EXAMPLE_DIR.relative_to(EXAMPLE_DIR.parents[2])
    in_repository.mkdir(parents=True)
    for page in EXAMPLE_DIR.glob("*.html"):
        shutil.copy(page, tmp_path / page.name)
        shutil.copy(page, in_repository / page.name)
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("REDLINE_ARCHIVE", raising=False)
    monkeypatch.delenv("REDLINE_ENDPOINT_URL", raising=False)
    monkeypatch.setenv("NO_COLOR", "1")
    # The demo dates its captures the day before it runs: the docs show a run made the
    # day after the example's own dates.
    monkeypatch.setattr(demo, "utc_now", lambda: datetime(2026, 3, 15, 9, 0, tzinfo=timezone.utc))
    for command in session.setup:
        run(command)
    for command, expected in session.steps:
        shown = _mask(run(command).rstrip("\n"))
        assert _pattern(expected.rstrip("\n")).fullmatch(shown), (
            f"{session.name}: `{command}` printed\n{shown}\n\nthe docs show\n{expected}"
        )
