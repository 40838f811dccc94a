"""Fixtures shared across the suite: archives, the bundled example, OCFL validation."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from redline.archive.demo import EXAMPLE_DIR, load_example
from redline.cli.main import cli

pytest_plugins = ["tests.support.fixtures"]

VALIDATOR = Path(sys.executable).parent / "ocfl-validate.py"


def ocfl_problems(storage_root: Path) -> list[str]:
    """Run ocfl-py's validator on the storage root and on every object in it.

    The root check alone looks at the hierarchy only; each object is validated in full
    (digests included). Returns the validator's output for each failure.
    """
    assert VALIDATOR.exists(), "ocfl-py is part of the [test] extra"
    targets = [storage_root] + sorted(
        p.parent for p in storage_root.rglob("0=ocfl_object_1.1")
    )
    problems = []
    for target in targets:
        proc = subprocess.run(
            [sys.executable, str(VALIDATOR), "-q", str(target)],
            capture_output=True,
            text=True,
        )
        if proc.returncode != 0:
            problems.append(f"{target}: {proc.stdout.strip()} {proc.stderr.strip()}")
    return problems


@pytest.fixture
def archive_dir(tmp_path: Path) -> Path:
    return tmp_path / "archive"


@pytest.fixture
def example() -> dict[str, object]:
    ex = load_example()
    return {
        "url": ex.url,
        "pages": [EXAMPLE_DIR / c["file"] for c in ex.captures],
        "times": [c["at"] for c in ex.captures],
    }


@pytest.fixture
def redline(archive_dir: Path, monkeypatch: pytest.MonkeyPatch) -> Callable[..., Result]:
    """Run a redline command in-process against ``archive_dir``; stdout and stderr apart."""
    monkeypatch.setenv("REDLINE_ARCHIVE", str(archive_dir))
    monkeypatch.delenv("NO_COLOR", raising=False)

    def run(*args: str) -> Result:
        return CliRunner().invoke(cli, list(args), catch_exceptions=False)

    return run
