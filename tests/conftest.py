"""Fixtures shared across the suite: archives, the bundled example, OCFL validation."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import ocfl
import pytest
from click.testing import CliRunner, Result

from redline.archive.demo import EXAMPLE_DIR, load_example
from redline.cli.main import cli

pytest_plugins = ["tests.support.fixtures"]

VALIDATOR = Path(sys.executable).parent / "ocfl-validate.py"


def ocfl_problems(storage_root: Path) -> list[str]:
    """Validate a storage root and every object in it with ocfl-py (digests included).

    Returns ocfl-py's messages for each failure; [] when the root and all objects are
    valid. ``StorageRoot.validate`` alone reports only hierarchy errors in its result,
    so the object counts are compared too.
    """
    root = ocfl.StorageRoot(root=str(storage_root))
    if not root.validate(log_warnings=False, log_errors=False):
        return [f"{storage_root}: {root.log}"]
    problems = [f"{path}: {message}" for path, message in root.errors]
    if root.good_objects != root.num_objects and not problems:
        problems.append(f"{storage_root}: {root.num_objects - root.good_objects} bad objects")
    return problems


def ocfl_validate_cli(target: Path) -> subprocess.CompletedProcess[str]:
    """Run ocfl-py's own command, ``ocfl-validate.py``, as an archivist would."""
    assert VALIDATOR.exists(), "ocfl-py is part of the [test] extra"
    return subprocess.run(
        [sys.executable, str(VALIDATOR), str(target)], capture_output=True, text=True
    )


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
