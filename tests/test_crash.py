"""A capture killed with SIGKILL at any moment leaves an archive that validates.

The child process runs the real ``redline capture``; the test counts its filesystem
writes (file writes, renames, links, the directory exchange) and has the child SIGKILL
itself at the Nth one, for every N until a run completes. After each kill the archive
must validate with ocfl-py, pass ``redline verify``, and hold either the old head or the
new version; a later capture must then succeed.
"""

from __future__ import annotations

import json
import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.conftest import ocfl_problems

pytestmark = pytest.mark.slow

CHILD = r"""
import os, signal, sys
limit = int(sys.argv[1])
count = 0
def tick():
    global count
    count += 1
    if count == limit:
        os.kill(os.getpid(), signal.SIGKILL)
def counted(func):
    def wrapper(*args, **kwargs):
        tick()
        result = func(*args, **kwargs)
        tick()
        return result
    return wrapper
import redline.archive.store.local as local
os.rename = counted(os.rename)
os.replace = counted(os.replace)
os.link = counted(os.link)
local._write_file = counted(local._write_file)
local.exchange_dirs = counted(local.exchange_dirs)
from redline.cli.main import cli
cli(sys.argv[2:], prog_name="redline")
"""


def _capture(archive: Path, page: Path, url: str, at: str, kill_at: int) -> int:
    proc = subprocess.run(
        [sys.executable, "-c", CHILD, str(kill_at), "capture", "--archive", str(archive),
         "--html", str(page), "--url", url, "--at", at],
        capture_output=True,
        text=True,
        timeout=120,
    )
    return proc.returncode


def _head(archive: Path) -> int:
    inventories = list((archive / "ocfl").rglob("inventory.json"))
    roots = [p for p in inventories if (p.parent / "0=ocfl_object_1.1").exists()]
    if not roots:
        return 0
    assert len(roots) == 1
    return int(json.loads(roots[0].read_text())["head"][1:])


def _verify(archive: Path) -> None:
    assert ocfl_problems(archive / "ocfl") == []
    proc = subprocess.run(
        [sys.executable, "-m", "redline.cli", "verify", "--archive", str(archive)],
        capture_output=True,
        text=True,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr


def _kill_at_every_write(tmp_path: Path, example: dict, before: int) -> int:
    pages, times, url = example["pages"], example["times"], example["url"]
    points = 0
    for kill_at in range(1, 200):
        archive = tmp_path / f"a{before}-{kill_at}"
        if before:
            assert _capture(archive, pages[0], url, times[0], 0) == 0
        rc = _capture(archive, pages[2], url, times[2], kill_at)
        if rc == 0:
            assert _head(archive) == before + 1
            return points
        assert rc == -signal.SIGKILL
        points += 1
        if (archive / "ocfl").exists():
            _verify(archive)
        assert _head(archive) in (before, before + 1)
        # Whatever state it was left in, the next capture works and lands the version.
        assert _capture(archive, pages[2], url, times[2], 0) == 0
        assert _head(archive) == before + 1
        _verify(archive)
    raise AssertionError("capture never completed")


def test_kill_during_second_version_at_every_write(tmp_path: Path, example: dict) -> None:
    assert _kill_at_every_write(tmp_path, example, before=1) >= 5


def test_kill_during_first_capture_at_every_write(tmp_path: Path, example: dict) -> None:
    assert _kill_at_every_write(tmp_path, example, before=0) >= 3


def test_kill_at_random_moments(tmp_path: Path, example: dict) -> None:
    rng = random.Random(7)
    pages, times, url = example["pages"], example["times"], example["url"]
    archive = tmp_path / "archive"
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    for round_ in range(6):
        page = pages[round_ % 4]
        proc = subprocess.Popen(
            [sys.executable, "-m", "redline.cli", "capture", "--archive", str(archive),
             "--html", str(page), "--url", url, "--at", times[round_ % 4]],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            env=env,
        )
        time.sleep(rng.uniform(0.2, 1.5))
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        if (archive / "ocfl").exists():
            _verify(archive)
