"""The README's quick start, as a newcomer runs it: a fresh copy of the repository, the
system's python3 and nothing else (no virtual environment yet, no redline installed),
the first command exactly as the README gives it."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.test_docs import ROOT, quick_start

pytestmark = pytest.mark.e2e


def system_python() -> str:
    """The machine's own python3, never the one running the tests (a virtual env)."""
    found = shutil.which("python3", path="/usr/bin:/bin:/usr/local/bin")
    if found is None:
        pytest.skip("no system python3")
    check = subprocess.run([found, "-c", "import ensurepip, venv"], capture_output=True)
    if check.returncode != 0:
        if os.environ.get("CI"):
            pytest.fail("python3 cannot make a virtual environment; install python3-venv")
        pytest.skip("python3 cannot make a virtual environment (apt-get install python3-venv)")
    return found


def fresh_clone(dest: Path) -> Path:
    """The repository's tracked files as they are now, nothing built or installed."""
    listed = subprocess.run(
        ["git", "ls-files", "-z"], cwd=ROOT, capture_output=True, check=True
    ).stdout.decode()
    for name in filter(None, listed.split("\0")):
        source = ROOT / name
        if source.is_file():
            (dest / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, dest / name)
    return dest


def test_the_first_quick_start_command_installs_and_runs_the_demo(tmp_path: Path) -> None:
    python = system_python()
    clone = fresh_clone(tmp_path / "redline")
    install, _ = quick_start()
    # Only the system's python3 on PATH: no virtual environment is active, and pip's own
    # settings (index, cache, certificates) are kept.
    env = {key: value for key, value in os.environ.items() if key.startswith("PIP_")}
    env.update(
        HOME=os.environ.get("HOME", str(tmp_path)),
        PATH=f"{Path(python).parent}:/usr/bin:/bin",
        LANG="C.UTF-8",
    )
    result = subprocess.run(
        ["bash", "-c", install],
        cwd=clone,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    assert "Capturing 4 saved versions" in result.stderr
    assert "[-12-]{+9+}" in result.stdout  # the silent edit, piped: plain markers
    assert "STEALTH EDIT" in result.stdout
    assert (clone / ".venv" / "bin" / "redline").exists()
    assert (clone / "redline-archive" / "ocfl").is_dir()
