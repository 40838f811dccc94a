"""A capture killed with SIGKILL at any moment leaves an archive that validates.

A forked child process runs the real capture path; the test counts its filesystem
writes (file writes, renames, links, the directory exchange) and has the child SIGKILL
itself just before or just after the Nth one, for every N until a run completes.
After each kill the archive must validate with ocfl-py, pass ``redline verify``, and
hold either the old head or the new version; a later capture must then succeed.
"""

from __future__ import annotations

import json
import os
import random
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest

import redline.archive.store.local as local
from redline.archive.capture import capture_file
from redline.archive.core.times import parse_when
from redline.archive.ocfl.archive import Archive
from redline.archive.ocfl.verify import verify_archive
from tests.conftest import ocfl_problems

pytestmark = pytest.mark.slow


def _counting(func: Callable[..., Any], tick: Callable[[], None]) -> Callable[..., Any]:
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        tick()
        result = func(*args, **kwargs)
        tick()
        return result

    return wrapper


def _capture_killed_at(archive: Path, page: Path, url: str, at: datetime, kill_at: int) -> int:
    """Fork; the child captures and SIGKILLs itself at write event ``kill_at``."""
    pid = os.fork()
    if pid == 0:  # child
        count = 0

        def tick() -> None:
            nonlocal count
            count += 1
            if count == kill_at:
                os.kill(os.getpid(), signal.SIGKILL)

        os.rename = _counting(os.rename, tick)
        os.replace = _counting(os.replace, tick)
        os.link = _counting(os.link, tick)
        local._write_file = _counting(local._write_file, tick)
        local.exchange_dirs = _counting(local.exchange_dirs, tick)
        try:
            capture_file(Archive.open(str(archive), create=True), page, url, at)
        except BaseException:
            os._exit(3)
        os._exit(0)
    _, status = os.waitpid(pid, 0)
    return -os.WTERMSIG(status) if os.WIFSIGNALED(status) else os.WEXITSTATUS(status)


def _head(archive: Path) -> int:
    roots = [p.parent for p in (archive / "ocfl").rglob("0=ocfl_object_1.1")]
    if not roots:
        return 0
    [root] = roots
    return int(json.loads((root / "inventory.json").read_text())["head"][1:])


def _assert_sound(archive: Path) -> None:
    assert ocfl_problems(archive / "ocfl") == []
    assert verify_archive(Archive.open(str(archive))).problems == []


def _kill_at_every_write(tmp_path: Path, example: dict, before: int) -> int:
    pages, url = example["pages"], example["url"]
    times = [parse_when(t) for t in example["times"]]
    base = tmp_path / "base"
    if before:
        capture_file(Archive.open(str(base), create=True), pages[0], url, times[0])
    points = 0
    for kill_at in range(1, 400):
        archive = tmp_path / f"kill-{kill_at}"
        if before:
            shutil.copytree(base, archive)
        rc = _capture_killed_at(archive, pages[2], url, times[2], kill_at)
        if rc == 0:
            assert _head(archive) == before + 1
            _assert_sound(archive)
            return points
        assert rc == -signal.SIGKILL
        points += 1
        if (archive / "ocfl").exists():
            _assert_sound(archive)
        assert _head(archive) in (before, before + 1)
        # Whatever state it was left in, the next capture lands the version.
        result = capture_file(Archive.open(str(archive), create=True), pages[2], url, times[2])
        assert result.version == before + 1
        _assert_sound(archive)
        shutil.rmtree(archive)
    raise AssertionError("capture never completed")


def test_kill_during_second_version_at_every_write(tmp_path: Path, example: dict) -> None:
    assert _kill_at_every_write(tmp_path, example, before=1) >= 10


def test_kill_during_first_capture_at_every_write(tmp_path: Path, example: dict) -> None:
    assert _kill_at_every_write(tmp_path, example, before=0) >= 5


def test_kill_the_installed_command_at_random_moments(tmp_path: Path, example: dict) -> None:
    rng = random.Random(7)
    pages, times, url = example["pages"], example["times"], example["url"]
    archive = tmp_path / "archive"
    for round_ in range(5):
        proc = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "redline.cli",
                "capture",
                "--archive",
                str(archive),
                "--html",
                str(pages[round_ % 4]),
                "--url",
                url,
                "--at",
                times[round_ % 4],
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        time.sleep(rng.uniform(0.3, 1.2))
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        if (archive / "ocfl").exists():
            _assert_sound(archive)
