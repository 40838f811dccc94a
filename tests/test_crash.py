"""A capture or a watch run killed with SIGKILL at any moment leaves an archive that
validates, and loses no version and no watch event it reported.

A forked child process runs the real capture path (or a watch run); the test counts its filesystem
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
from redline.archive.watch.events import Event
from redline.archive.watch.watchlist import Watchlist, parse_watchlist
from redline.archive.watching import WatchOptions, run_watch
from tests.conftest import ocfl_problems
from tests.support.newsroom import Newsroom

pytestmark = pytest.mark.slow


def _counting(func: Callable[..., Any], tick: Callable[[], None]) -> Callable[..., Any]:
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        tick()
        result = func(*args, **kwargs)
        tick()
        return result

    return wrapper


def _count_writes(kill_at: int) -> None:
    """In a child: SIGKILL this process just before or just after write event ``kill_at``."""
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


def _capture_killed_at(archive: Path, page: Path, url: str, at: datetime, kill_at: int) -> int:
    """Fork; the child captures and SIGKILLs itself at write event ``kill_at``."""
    pid = os.fork()
    if pid == 0:  # child
        _count_writes(kill_at)
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


WATCH = WatchOptions(delay=0, allow_private=True, robots=False, check_all=True)


def _watch_killed_at(archive: Path, watchlist: Watchlist, kill_at: int, told: Path) -> int:
    """Fork; the child runs a watch and SIGKILLs itself at write event ``kill_at``. Every
    event it reports is appended to ``told`` as it is reported."""
    pid = os.fork()
    if pid == 0:  # child
        _count_writes(kill_at)

        def emit(event: Event) -> None:
            with open(told, "a", encoding="utf-8") as fh:
                fh.write(f"{event.event} {event.url}\n")

        try:
            run_watch(Archive.open(str(archive)), watchlist, WATCH, emit)
        except BaseException:
            os._exit(3)
        os._exit(0)
    _, status = os.waitpid(pid, 0)
    return -os.WTERMSIG(status) if os.WIFSIGNALED(status) else os.WEXITSTATUS(status)


def test_a_watch_run_killed_at_every_write_loses_no_version_and_no_event(
    tmp_path: Path, room: Newsroom
) -> None:
    edited, removed, same = room.publish("flood"), room.publish("bridge"), room.publish("fire")
    watchlist = parse_watchlist(f"{edited}\n{removed}\n{same}\n")
    base = tmp_path / "base"
    run_watch(Archive.open(str(base), create=True), watchlist, WATCH, lambda e: None)
    room.edit("flood")
    room.take_down("bridge")
    room.touch("fire")
    points = 0
    for kill_at in range(1, 400):
        archive, told = tmp_path / f"kill-{kill_at}", tmp_path / f"told-{kill_at}"
        shutil.copytree(base, archive)
        rc = _watch_killed_at(archive, watchlist, kill_at, told)
        reported = told.read_text().split() if told.exists() else []
        said = dict(zip(reported[1::2], reported[::2], strict=True))
        _assert_sound(archive)
        read = Archive.open(str(archive))
        # What the run reported is in the archive, whatever moment it was killed at.
        if said.get(edited) == "changed":
            assert len(read.versions(edited)) == 2
        if said.get(removed) == "gone":
            state = read.state(removed)
            assert state is not None and state.status == "gone"
            assert [e["event"] for e in state.events] == ["gone"]
        if rc == 0:
            assert said == {edited: "changed", removed: "gone", same: "unchanged"}
            print(f"\nkill points: {points}")
            assert points >= 20, "every write of the run was a kill point"
            return
        assert rc == -signal.SIGKILL, rc
        points += 1
        # The next run finishes the job: one new version, one gone event, whatever was
        # left (a lease of a dead run, a journal not folded in, a version not noted).
        then: dict[str, str] = {}
        run_watch(read, watchlist, WATCH, lambda e, seen=then: seen.update({e.url: e.event}))
        after = Archive.open(str(archive))
        assert [len(after.versions(u)) for u in (edited, removed, same)] == [2, 1, 1]
        state = after.state(removed)
        assert state is not None and state.status == "gone"
        assert [e["event"] for e in state.events] == ["gone"]
        assert then[same] == "unchanged" and then[removed] in ("gone", "unchanged")
        if said.get(edited) == "changed":
            assert then[edited] == "unchanged"
        _assert_sound(archive)
        shutil.rmtree(archive)
    raise AssertionError(f"the watch run never completed ({points} kill points)")
