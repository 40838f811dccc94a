"""The local folder store: the Store contract, atomic writes, whole-object publishing."""

from __future__ import annotations

import os
import time
from pathlib import Path
from typing import Any

import pytest

import redline.archive.store.local as local
from redline.archive.core.errors import ArchiveError, Conflict, KeyMissing
from redline.archive.store.local import LocalStore


@pytest.fixture
def store(tmp_path: Path) -> LocalStore:
    return LocalStore(tmp_path / "s", create=True)


def test_put_read_exists_delete(store: LocalStore) -> None:
    store.put("a/b/c.txt", b"hello")
    assert store.read("a/b/c.txt") == b"hello"
    assert store.exists("a/b/c.txt")
    store.put("a/b/c.txt", b"again")
    assert store.read("a/b/c.txt") == b"again"
    store.delete("a/b/c.txt")
    assert not store.exists("a/b/c.txt")
    store.delete("a/b/c.txt")  # deleting a missing key is fine


def test_missing_key_raises_keymissing(store: LocalStore) -> None:
    with pytest.raises(KeyMissing):
        store.read("nope")


def test_list_is_sorted_and_recursive_and_hides_staging(store: LocalStore) -> None:
    for key in ["z", "a/2", "a/1", "b/c/d"]:
        store.put(key, b"x")
    (store.root / ".tmp" / "junk").mkdir(parents=True)
    (store.root / ".tmp" / "junk" / "f").write_bytes(b"x")
    assert list(store.list()) == ["a/1", "a/2", "b/c/d", "z"]
    assert list(store.list("a/")) == ["a/1", "a/2"]
    assert list(store.list("missing/")) == []


def test_put_leaves_no_temp_files(store: LocalStore) -> None:
    store.put("k", b"v")
    assert sorted(os.listdir(store.root)) == ["k"]


def test_refuses_file_and_missing_paths(tmp_path: Path) -> None:
    f = tmp_path / "file"
    f.write_text("x")
    with pytest.raises(ArchiveError, match="is a file"):
        LocalStore(f)
    with pytest.raises(ArchiveError, match="no archive at"):
        LocalStore(tmp_path / "missing")


def test_commit_object_new_then_next(store: LocalStore) -> None:
    store.commit_object("o/a/obj", {"v1/x": b"1"}, {"inventory.json": b"I1"}, None)
    assert store.read("o/a/obj/v1/x") == b"1"
    import hashlib

    head = hashlib.sha512(b"I1").hexdigest()
    store.commit_object("o/a/obj", {"v2/x": b"2"}, {"inventory.json": b"I2"}, head)
    assert store.read("o/a/obj/inventory.json") == b"I2"
    assert store.read("o/a/obj/v1/x") == b"1"
    assert store.read("o/a/obj/v2/x") == b"2"
    # only the copy kept for the next version is left beside the object
    assert [p.name for p in (store.root / ".tmp").iterdir()] == ["shadow"]


def test_commit_object_repairs_a_stale_shadow(store: LocalStore) -> None:
    import hashlib

    store.commit_object("obj", {"v1/x": b"1"}, {"inventory.json": b"I1"}, None)
    store.commit_object(
        "obj", {"v2/x": b"2"}, {"inventory.json": b"I2"}, hashlib.sha512(b"I1").hexdigest()
    )
    [shadow] = [p for p in (store.root / ".tmp" / "shadow").iterdir() if p.is_dir()]
    # leftovers of an interrupted run: a version the live object lacks, a partial copy
    (shadow / "v7").mkdir()
    (shadow / "v7" / "junk").write_bytes(b"x")
    (shadow / "v2.partial").mkdir()
    (shadow / "v1" / "x").unlink()
    (shadow / "v1").rmdir()
    store.commit_object(
        "obj", {"v3/x": b"3"}, {"inventory.json": b"I3"}, hashlib.sha512(b"I2").hexdigest()
    )
    live = sorted(
        p.relative_to(store.root / "obj").as_posix() for p in (store.root / "obj").rglob("*")
    )
    assert live == ["inventory.json", "v1", "v1/x", "v2", "v2/x", "v3", "v3/x"]
    assert [store.read(f"obj/v{n}/x") for n in (1, 2, 3)] == [b"1", b"2", b"3"]


def test_commit_object_detects_a_moved_head(store: LocalStore) -> None:
    store.commit_object("obj", {"v1/x": b"1"}, {"inventory.json": b"I1"}, None)
    with pytest.raises(Conflict):
        store.commit_object("obj", {"v2/x": b"2"}, {"inventory.json": b"I2"}, "stale")
    with pytest.raises(Conflict):
        store.commit_object("obj", {"v1/x": b"1"}, {"inventory.json": b"I1"}, None)
    assert store.read("obj/inventory.json") == b"I1"
    assert not store.exists("obj/v2/x")


def test_a_repaired_or_removed_file_is_not_undone_by_the_next_commit(store: LocalStore) -> None:
    import hashlib

    store.commit_object("obj", {"v1/x": b"1", "v1/y": b"y"}, {"inventory.json": b"I1"}, None)
    store.commit_object(
        "obj", {"v2/x": b"2"}, {"inventory.json": b"I2"}, hashlib.sha512(b"I1").hexdigest()
    )
    # by hand: v1/x replaced by a restored copy (a new inode), v1/y removed, v1/z added
    live = store.root / "obj" / "v1"
    (live / "x.restored").write_bytes(b"1-restored")
    os.replace(live / "x.restored", live / "x")
    (live / "y").unlink()
    (live / "z").write_bytes(b"z")
    store.commit_object(
        "obj", {"v3/x": b"3"}, {"inventory.json": b"I3"}, hashlib.sha512(b"I2").hexdigest()
    )
    assert store.read("obj/v1/x") == b"1-restored"
    assert not store.exists("obj/v1/y")
    assert store.read("obj/v1/z") == b"z"


def test_objects_created_at_once_under_a_shared_folder(tmp_path: Path) -> None:
    """Processes creating objects under the same new folders all get there: a run that
    loses the race to create a folder is told so (Conflict) and succeeds on retry."""
    from redline.archive.ocfl.archive import Archive

    archive = tmp_path / "archive"
    pids = []
    for n in range(6):
        pid = os.fork()
        if pid == 0:
            status = 1
            try:
                a = Archive.open(str(archive), create=True)
                a.ensure_root()
                for _attempt in range(5):
                    try:
                        a.store.commit_object(
                            f"ocfl/abc/def/obj{n}", {"v1/x": b"x"}, {"inventory.json": b"I"}, None
                        )
                        status = 0
                        break
                    except Conflict:
                        continue
            finally:
                os._exit(status)
        pids.append(pid)
    statuses = [os.waitpid(pid, 0)[1] for pid in pids]
    assert statuses == [0] * 6
    assert sorted(p.name for p in (archive / "ocfl" / "abc" / "def").iterdir()) == [
        f"obj{n}" for n in range(6)
    ]


def test_captures_into_a_new_archive_at_once(tmp_path: Path, example: dict) -> None:
    from redline.archive.capture import capture_file
    from redline.archive.ocfl.archive import Archive

    archive = tmp_path / "archive"
    pids = []
    for n in range(4):
        pid = os.fork()
        if pid == 0:
            status = 1
            try:
                a = Archive.open(str(archive), create=True)
                capture_file(a, example["pages"][0], f"https://example.com/story-{n}")
                status = 0
            finally:
                os._exit(status)
        pids.append(pid)
    assert [os.waitpid(pid, 0)[1] for pid in pids] == [0] * 4
    assert len(list((archive / "ocfl").rglob("0=ocfl_object_1.1"))) == 4


def _commit_versions(store: LocalStore, first: int, last: int) -> None:
    import hashlib

    for n in range(first, last + 1):
        head = hashlib.sha512(b"I%d" % (n - 1)).hexdigest() if n > 1 else None
        files = {f"v{n}/content/{name}": b"%s %d" % (name.encode(), n) for name in "abcd"}
        files[f"v{n}/inventory.json"] = b"I%d" % n
        store.commit_object("obj", files, {"inventory.json": b"I%d" % n}, head)


def test_a_commit_reads_no_version_directory_but_the_newest(
    store: LocalStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The folder commit costs the same with 3 versions or 40: it walks the version
    published last (to copy it beside the object), not every version's files."""
    walked: list[str] = []
    real_walk = os.walk

    def walk(top: Any, *args: Any, **kwargs: Any) -> Any:
        walked.append(Path(top).name)
        return real_walk(top, *args, **kwargs)

    monkeypatch.setattr(os, "walk", walk)
    costs = {}
    for last in (3, 40):
        _commit_versions(store, 1 if last == 3 else 4, last - 1)
        time.sleep(0.05)  # commits are more than a clock tick apart
        walked.clear()
        _commit_versions(store, last, last)
        costs[last] = sorted(walked)
    assert len(costs[3]) == len(costs[40]), costs
    # the version published last, and the one before it (noted in the same clock tick
    # as it was written, so compared once more)
    assert {n.removesuffix(".partial") for n in costs[3]} <= {"v1", "v2"}, costs
    assert {n.removesuffix(".partial") for n in costs[40]} <= {"v38", "v39"}, costs
    assert [store.read(f"obj/v{n}/content/a") for n in (1, 20, 40)] == [b"a 1", b"a 20", b"a 40"]


def test_a_file_repaired_deep_in_a_version_is_kept(store: LocalStore) -> None:
    _commit_versions(store, 1, 3)
    time.sleep(0.05)
    restored = store.root / "obj" / "v1" / "content" / "a.restored"
    restored.write_bytes(b"a 1, restored")
    os.replace(restored, store.root / "obj" / "v1" / "content" / "a")
    _commit_versions(store, 4, 5)
    assert store.read("obj/v1/content/a") == b"a 1, restored"


def test_a_new_version_is_flushed_to_disk_in_at_most_three_calls(
    tmp_path: Path, example: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    from redline.archive.capture import capture_file
    from redline.archive.core.times import parse_when
    from redline.archive.ocfl.archive import Archive

    archive = Archive.open(str(tmp_path / "archive"), create=True)
    pages, times = example["pages"], [parse_when(t) for t in example["times"]]
    capture_file(archive, pages[0], example["url"], times[0])
    flushes: list[str] = []
    real_fsync, real_syncfs = os.fsync, local._syncfs
    assert real_syncfs is not None, "this system has syncfs"

    def fsync(fd: int) -> None:
        flushes.append("fsync")
        real_fsync(fd)

    def syncfs(fd: int) -> int:
        flushes.append("syncfs")
        return int(real_syncfs(fd))

    monkeypatch.setattr(os, "fsync", fsync)
    monkeypatch.setattr(local, "_syncfs", syncfs)
    assert capture_file(archive, pages[2], example["url"], times[2]).status == "changed"
    # The version (its files, then the swap), then the article's new state in the
    # journal; the note that the old head no longer vouches for the page, written
    # before the version, is on disk with the version's files.
    assert flushes == ["syncfs", "fsync", "syncfs"]
