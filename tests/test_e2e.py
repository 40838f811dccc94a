"""The installed ``redline`` command, run as a user would, and the archive it leaves
checked with the independent tools an archivist would use (ocfl-py, warcio)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import ocfl_validate_cli

pytestmark = pytest.mark.e2e

BIN = Path(sys.executable).parent


def _redline(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    exe = shutil.which("redline", path=str(BIN)) or "redline"
    env = {k: v for k, v in os.environ.items() if k not in ("REDLINE_ARCHIVE", "NO_COLOR")}
    return subprocess.run([exe, *args], cwd=cwd, capture_output=True, text=True, env=env)


def test_demo_from_an_empty_folder(tmp_path: Path) -> None:
    result = _redline("demo", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert "unchanged v1" in out and "changed   v2" in out and "changed   v3" in out
    assert "[-12-]{+9+}" in out  # piped: plain markers, no colour
    assert "\x1b[" not in out
    archive = tmp_path / "redline-archive"
    objects = [p.parent for p in (archive / "ocfl").rglob("0=ocfl_object_1.1")]
    assert len(objects) == 1
    check = ocfl_validate_cli(objects[0])
    assert check.returncode == 0, check.stdout + check.stderr
    assert "is VALID" in check.stdout
    inventory = json.loads((objects[0] / "inventory.json").read_text())
    assert inventory["head"] == "v3" and inventory["digestAlgorithm"] == "sha512"
    warcs = sorted(objects[0].rglob("capture.warc.gz"))
    assert len(warcs) == 3
    warcio = subprocess.run(
        [str(BIN / "warcio"), "check", "-v", *map(str, warcs)], capture_output=True, text=True
    )
    assert warcio.returncode == 0, warcio.stdout + warcio.stderr
    # running it again captures nothing and shows the same diff
    again = _redline("demo", cwd=tmp_path)
    assert again.returncode == 0 and "already holds 3 versions" in again.stderr
    assert "[-12-]{+9+}" in again.stdout
    assert json.loads((objects[0] / "inventory.json").read_text())["head"] == "v3"
    assert _redline("verify", cwd=tmp_path).returncode == 0


def test_errors_are_one_line_without_traceback(tmp_path: Path) -> None:
    result = _redline("log", "https://example.com/none", cwd=tmp_path)
    assert result.returncode == 1
    assert result.stderr.startswith("Error: ") and result.stderr.count("\n") == 1
    assert result.stdout == ""
