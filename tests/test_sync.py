"""``redline sync``: an archive copied between folders and S3, only what is missing.

Every copy is checked against the source byte for byte and validated with ocfl-py; an
interrupted sync (killed at every write, or failing at every S3 PUT) must leave a
destination that validates, and running it again must finish the job.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from click.testing import Result

import redline.archive.store.local as local
from redline.archive.core import layout
from redline.archive.core.errors import StoreError
from redline.archive.ocfl import inventory as ocfl
from redline.archive.ocfl.archive import Archive
from redline.archive.ocfl.state import ArticleState, newer
from redline.archive.ocfl.stateindex import decode
from redline.archive.ocfl.sync import SyncReport, sync
from redline.archive.ocfl.verify import verify_archive
from redline.archive.store import LocalStore, open_store
from redline.archive.store.s3 import S3Store, make_client
from tests.conftest import ocfl_problems, ocfl_validate_cli
from tests.support.seaweed import SeaweedS3

Run = Callable[..., Result]
OTHER_URL = "https://news.example.org/2026/03/15/second-story"


def _capture(
    redline: Run, example: dict[str, Any], archive: str | Path, upto: int = 4, first: int = 0
) -> None:
    """Capture the example's saved pages ``first`` to ``upto`` (of 4) into ``archive``."""
    for page, at in list(zip(example["pages"], example["times"], strict=True))[first:upto]:
        result = redline(
            "capture",
            "--archive",
            str(archive),
            "--html",
            str(page),
            "--url",
            example["url"],
            "--at",
            at,
        )
        assert result.exit_code == 0, result.stderr


def _files(folder: Path, under: str = "") -> dict[str, bytes]:
    """Every file below ``folder/under`` by relative key; staging, locks, the temp
    file of a put cut short (``.NAME.HEX.tmp``, never read as a key) and the readings
    cache (rebuilt from the captures wherever it is missing) left out."""
    base = folder / under if under else folder
    out = {}
    for path in sorted(base.rglob("*")):
        rel = path.relative_to(folder).as_posix()
        if rel.startswith((local.TMP_DIR, local.LOCK_DIR, layout.READINGS)) or not path.is_file():
            continue
        if path.name.startswith(".") and path.name.endswith(".tmp"):
            continue
        out[rel] = path.read_bytes()
    return _states_as_one(out)


def _states_as_one(files: dict[str, bytes]) -> dict[str, bytes]:
    """``files`` with the article states (an index and its journal segments) as one
    entry holding every article's newest state: an archive whose captures left their
    states in the journal and its copy, where they are in the index, hold the same."""
    states: dict[str, ArticleState] = {}
    out = {}
    for key, data in files.items():
        if layout.parse_index_key(key) is None:
            out[key] = data
            continue
        for state in decode(data, key).values():
            states[state.id] = newer(states.get(state.id), state)
    if states:
        out[layout.STATE_INDEXES] = b"\n".join(states[i].to_line() for i in sorted(states))
    return dict(sorted(out.items()))


def _object_roots(folder: Path) -> list[Path]:
    return sorted(p.parent for p in (folder / "ocfl").rglob(ocfl.OBJECT_NAMASTE))


def _sound(folder: Path) -> None:
    assert ocfl_problems(folder / "ocfl") == []
    assert verify_archive(Archive.open(str(folder))).problems == []


def _sync(src: str | Path, dst: str | Path, **kwargs: Any) -> SyncReport:
    return sync(LocalStore(src), LocalStore(dst, create=True), **kwargs)


# -- folder to folder ---------------------------------------------------------------------------
def test_sync_copies_the_archive_byte_for_byte(
    redline: Run, example: dict[str, Any], archive_dir: Path, tmp_path: Path
) -> None:
    _capture(redline, example, archive_dir)
    copy = tmp_path / "copy"
    result = redline("sync", str(archive_dir), str(copy))
    assert result.exit_code == 0, result.stderr
    assert _files(copy) == _files(archive_dir)
    _sound(copy)
    assert "copied 3 versions" in result.stderr and "0 errors" in result.stderr
    lines = result.stdout.splitlines()
    assert [line.split()[:2] for line in lines] == [
        ["copied", "root"],
        ["copied", "v1-v3"],
        ["copied", "state"],
    ]
    listing = redline("list", "--archive", str(copy))
    assert listing.stdout == redline("list", "--archive", str(archive_dir)).stdout


def test_second_sync_copies_nothing(
    redline: Run, example: dict[str, Any], archive_dir: Path, tmp_path: Path
) -> None:
    _capture(redline, example, archive_dir)
    copy = tmp_path / "copy"
    assert _sync(archive_dir, copy).files > 0
    before = _files(copy)
    again = _sync(archive_dir, copy)
    assert (again.files, again.versions, again.bytes, again.actions) == (0, 0, 0, [])
    assert (again.objects, again.unchanged, again.errors) == (1, 1, [])
    assert _files(copy) == before
    result = redline("sync", str(archive_dir), str(copy), "--json")
    assert result.exit_code == 0
    [summary] = [json.loads(line) for line in result.stdout.splitlines()]
    assert summary["files_copied"] == 0 and summary["objects_unchanged"] == 1


def test_only_the_missing_versions_are_copied(
    redline: Run, example: dict[str, Any], archive_dir: Path, tmp_path: Path
) -> None:
    _capture(redline, example, archive_dir, upto=1)
    copy = tmp_path / "copy"
    _sync(archive_dir, copy)
    _capture(redline, example, archive_dir)
    report = _sync(archive_dir, copy)
    [obj] = [a for a in report.actions if a.kind == "object"]
    assert (obj.first_version, obj.last_version) == (2, 3)
    [root] = _object_roots(archive_dir)
    inventory = json.loads((root / "inventory.json").read_text())
    content = [p for paths in inventory["manifest"].values() for p in paths if p[:2] != "v1"]
    # new content, two version inventories with sidecars, three root files; one state
    assert obj.files == len(content) + 4 + 3
    assert report.files == obj.files + 1
    assert _files(copy) == _files(archive_dir)
    _sound(copy)


def test_dry_run_writes_nothing(
    redline: Run, example: dict[str, Any], archive_dir: Path, tmp_path: Path
) -> None:
    _capture(redline, example, archive_dir, upto=1)
    copy = tmp_path / "copy"
    result = redline("sync", str(archive_dir), str(copy), "--dry-run")
    assert result.exit_code == 0, result.stderr
    assert not copy.exists()
    assert [line.split()[:3] for line in result.stdout.splitlines()] == [
        ["would", "copy", "root"],
        ["would", "copy", "v1"],
        ["would", "copy", "state"],
    ]
    assert "would copy 1 version," in result.stderr
    _sync(archive_dir, copy)
    _capture(redline, example, archive_dir)
    before = _files(copy)
    listing = sorted(os.listdir(copy))
    result = redline("sync", str(archive_dir), str(copy), "--dry-run", "--json")
    assert result.exit_code == 0
    actions = [json.loads(line) for line in result.stdout.splitlines()]
    assert [(a["kind"], a.get("versions")) for a in actions[:-1]] == [
        ("object", [2, 3]),
        ("state", None),
    ]
    assert all(a["action"] == "would copy" for a in actions[:-1])
    assert actions[-1]["dry_run"] is True and actions[-1]["versions_copied"] == 2
    assert _files(copy) == before and sorted(os.listdir(copy)) == listing


def test_a_corrupt_source_file_is_reported_and_its_object_not_copied(
    redline: Run, example: dict[str, Any], archive_dir: Path, tmp_path: Path
) -> None:
    _capture(redline, example, archive_dir, upto=1)
    other = redline(
        "capture",
        "--archive",
        str(archive_dir),
        "--html",
        str(example["pages"][3]),
        "--url",
        OTHER_URL,
        "--at",
        example["times"][3],
    )
    assert other.exit_code == 0
    early = tmp_path / "early"
    _sync(archive_dir, early)  # both objects at v1
    _capture(redline, example, archive_dir)
    [root] = [r for r in _object_roots(archive_dir) if "riverton" in r.name]
    victim = root / "v2" / "content" / "article.txt"
    data = bytearray(victim.read_bytes())
    data[10] ^= 0x01
    victim.write_bytes(bytes(data))

    for dst, head in ((tmp_path / "fresh", None), (early, "v1")):
        before = _files(dst) if dst.exists() else {}
        result = redline("sync", str(archive_dir), str(dst))
        assert result.exit_code == 1
        [error] = [line for line in result.stderr.splitlines() if line.startswith("Error:")]
        assert example["url"] in error and "v2: v2/content/article.txt" in error
        assert "1 error." in result.stderr
        copied = _object_roots(dst)
        mine = [r for r in copied if "riverton" in r.name]
        if head is None:
            assert mine == [] and len(copied) == 1  # the other article is there
        else:
            assert json.loads((mine[0] / "inventory.json").read_text())["head"] == head
            assert {k: v for k, v in _files(dst).items() if "riverton" in k} == {
                k: v for k, v in before.items() if "riverton" in k
            }
        _sound(dst)


def test_a_diverged_destination_is_reported_and_left_alone(
    redline: Run, example: dict[str, Any], archive_dir: Path, tmp_path: Path
) -> None:
    _capture(redline, example, archive_dir, upto=1)
    copy = tmp_path / "copy"
    _sync(archive_dir, copy)
    pages, times, url = example["pages"], example["times"], example["url"]
    for archive, n in ((archive_dir, 2), (copy, 3)):  # a different v2 on each side
        result = redline(
            "capture",
            "--archive",
            str(archive),
            "--html",
            str(pages[n]),
            "--url",
            url,
            "--at",
            times[n],
        )
        assert result.exit_code == 0 and "v2" in result.stdout
    before = _files(copy)
    result = redline("sync", str(archive_dir), str(copy))
    assert result.exit_code == 1
    assert "v2 in" in result.stderr and "diverged" in result.stderr
    assert _files(copy) == before


def test_a_destination_ahead_of_its_source_is_left_as_it_is(
    redline: Run, example: dict[str, Any], archive_dir: Path, tmp_path: Path
) -> None:
    _capture(redline, example, archive_dir, upto=1)
    ahead = tmp_path / "ahead"
    _sync(archive_dir, ahead)
    _capture(redline, example, ahead)  # v2 and v3 exist only in the copy
    before = _files(ahead)
    report = _sync(archive_dir, ahead)
    assert report.ok and report.unchanged == 1 and report.files == 0
    assert _files(ahead) == before


def test_leftovers_are_not_copied(
    redline: Run, example: dict[str, Any], archive_dir: Path, tmp_path: Path
) -> None:
    _capture(redline, example, archive_dir, upto=1)
    [root] = _object_roots(archive_dir)
    (root / "v2" / "content").mkdir(parents=True)  # an interrupted capture's remains
    (root / "v2" / "content" / "article.json").write_bytes(b"{}")
    (archive_dir / "ocfl" / "stray.txt").write_bytes(b"x")
    copy = tmp_path / "copy"
    report = _sync(archive_dir, copy)
    assert report.ok and report.leftovers == 2
    _sound(copy)
    assert not any("v2" in key or "stray" in key for key in _files(copy))


def test_refuses_a_destination_that_is_not_an_archive(
    redline: Run, example: dict[str, Any], archive_dir: Path, tmp_path: Path
) -> None:
    _capture(redline, example, archive_dir, upto=1)
    other = tmp_path / "other"
    other.mkdir()
    (other / "notes.txt").write_text("mine")
    result = redline("sync", str(archive_dir), str(other))
    assert result.exit_code == 1
    assert result.stderr.startswith("Error: ") and "not a redline archive" in result.stderr
    assert sorted(os.listdir(other)) == ["notes.txt"]
    missing = redline("sync", str(tmp_path / "nothing"), str(other))
    assert missing.exit_code == 1 and "no archive at" in missing.stderr


class _FailingStore(LocalStore):
    """A folder store whose Nth commit fails, as a full disk would."""

    def __init__(self, root: Path, fail_at: int) -> None:
        super().__init__(root, create=True)
        self.calls = 0
        self.fail_at = fail_at

    def commit_object(self, *args: Any, **kwargs: Any) -> None:
        self.calls += 1
        if self.calls == self.fail_at:
            raise StoreError("cannot write (No space left on device)")
        super().commit_object(*args, **kwargs)


def test_a_failed_sync_is_finished_by_the_next(
    redline: Run, example: dict[str, Any], archive_dir: Path, tmp_path: Path
) -> None:
    _capture(redline, example, archive_dir)
    other = redline(
        "capture",
        "--archive",
        str(archive_dir),
        "--html",
        str(example["pages"][0]),
        "--url",
        OTHER_URL,
        "--at",
        example["times"][0],
    )
    assert other.exit_code == 0
    copy = tmp_path / "copy"
    with pytest.raises(StoreError):
        sync(LocalStore(archive_dir), _FailingStore(copy, fail_at=3))  # root, one object, ✗
    assert len(_object_roots(copy)) == 1
    _sound(copy)
    report = _sync(archive_dir, copy)
    assert report.ok and report.unchanged == 1
    assert _files(copy) == _files(archive_dir)
    _sound(copy)


def _sync_killed_at(src: Path, dst: Path, kill_at: int) -> int:
    """Fork; the child syncs and SIGKILLs itself at filesystem write event ``kill_at``."""
    pid = os.fork()
    if pid == 0:  # child
        count = 0

        def tick() -> None:
            nonlocal count
            count += 1
            if count == kill_at:
                os.kill(os.getpid(), signal.SIGKILL)

        def counting(func: Callable[..., Any]) -> Callable[..., Any]:
            def wrapper(*args: Any, **kwargs: Any) -> Any:
                tick()
                result = func(*args, **kwargs)
                tick()
                return result

            return wrapper

        os.rename = counting(os.rename)
        os.replace = counting(os.replace)
        os.link = counting(os.link)
        local._write_file = counting(local._write_file)
        local.exchange_dirs = counting(local.exchange_dirs)
        try:
            _sync(src, dst)
        except BaseException:
            os._exit(3)
        os._exit(0)
    _, status = os.waitpid(pid, 0)
    return -os.WTERMSIG(status) if os.WIFSIGNALED(status) else os.WEXITSTATUS(status)


@pytest.mark.slow
@pytest.mark.parametrize("synced_before", [0, 1])
def test_a_sync_killed_at_every_write_leaves_a_valid_copy_and_resumes(
    redline: Run, example: dict[str, Any], archive_dir: Path, tmp_path: Path, synced_before: int
) -> None:
    base = tmp_path / "base"
    if synced_before:
        _capture(redline, example, archive_dir, upto=synced_before)
        _sync(archive_dir, base)
    _capture(redline, example, archive_dir)
    expected = _files(archive_dir)
    points = 0
    for kill_at in range(1, 300):
        dst = tmp_path / f"kill-{kill_at}"
        if base.exists():
            shutil.copytree(base, dst)
        rc = _sync_killed_at(archive_dir, dst, kill_at)
        if rc == 0:
            assert _files(dst) == expected
            break
        assert rc == -signal.SIGKILL
        points += 1
        if (dst / "ocfl" / ocfl.ROOT_NAMASTE).exists():
            _sound(dst)
        heads = [json.loads((r / "inventory.json").read_text())["head"] for r in _object_roots(dst)]
        assert heads in ([], [f"v{synced_before}"], ["v3"])
        report = _sync(archive_dir, dst)
        assert report.ok
        assert _files(dst) == expected
        _sound(dst)
    else:
        raise AssertionError("sync never completed")
    assert points >= 8


# -- S3 -----------------------------------------------------------------------------------------
def _s3_files(server: SeaweedS3, bucket: str, prefix: str) -> dict[str, bytes]:
    """Every object under ``prefix`` (leases and the readings cache left out) by key
    relative to it."""
    client = server.client()
    out = {}
    for page in client.get_paginator("list_objects_v2").paginate(Bucket=bucket, Prefix=prefix):
        for item in page.get("Contents", ()):
            key = item["Key"][len(prefix) :]
            if not key.startswith((layout.LEASES, layout.READINGS)):
                out[key] = client.get_object(Bucket=bucket, Key=item["Key"])["Body"].read()
    return _states_as_one(out)


@pytest.mark.s3
def test_folder_to_s3_to_folder(
    redline: Run, example: dict[str, Any], archive_dir: Path, tmp_path: Path, s3_env: SeaweedS3
) -> None:
    _capture(redline, example, archive_dir, upto=3)
    bucket = s3_env.new_bucket()
    url = f"s3://{bucket}/copies/riverton"
    result = redline("sync", str(archive_dir), url)
    assert result.exit_code == 0, result.stderr
    assert _s3_files(s3_env, bucket, "copies/riverton/") == _files(archive_dir)
    _capture(redline, example, archive_dir, first=3)  # one more version: only it goes up
    report = sync(LocalStore(archive_dir), open_store(url, endpoint_url=s3_env.endpoint_url))
    [obj] = [a for a in report.actions if a.kind == "object"]
    assert (obj.first_version, obj.last_version) == (3, 3)
    assert _s3_files(s3_env, bucket, "copies/riverton/") == _files(archive_dir)
    again = sync(LocalStore(archive_dir), open_store(url, endpoint_url=s3_env.endpoint_url))
    assert again.files == 0 and again.ok
    back = tmp_path / "back"
    result = redline("sync", url, str(back))
    assert result.exit_code == 0, result.stderr
    assert _files(back) == _files(archive_dir)
    _sound(back)


@pytest.mark.s3
def test_capture_to_s3_then_sync_to_a_folder(
    redline: Run, example: dict[str, Any], archive_dir: Path, tmp_path: Path, s3_env: SeaweedS3
) -> None:
    bucket = s3_env.new_bucket()
    url = f"s3://{bucket}/archive"
    _capture(redline, example, url)
    folder = tmp_path / "from-s3"
    result = redline("sync", url, str(folder))
    assert result.exit_code == 0, result.stderr
    in_s3 = _s3_files(s3_env, bucket, "archive/")
    assert _files(folder) == in_s3
    _sound(folder)
    [root] = _object_roots(folder)
    check = ocfl_validate_cli(root)
    assert check.returncode == 0 and "is VALID" in check.stdout, check.stdout + check.stderr
    # The same captures into a folder give the same layout, key for key.
    _capture(redline, example, archive_dir)
    assert sorted(_files(archive_dir)) == sorted(in_s3)


class _FailingS3Store(S3Store):
    """An S3 store whose Nth PUT fails, as a dropped connection would."""

    fail_at = 0
    calls = 0

    def put(self, key: str, data: bytes, **conditions: str) -> str:
        self.calls += 1
        if self.calls == self.fail_at:
            raise StoreError(f"cannot write {key} (connection reset)")
        return super().put(key, data, **conditions)


@pytest.mark.s3
@pytest.mark.slow
def test_a_sync_to_s3_failing_at_every_put_resumes(
    redline: Run, example: dict[str, Any], archive_dir: Path, tmp_path: Path, s3_env: SeaweedS3
) -> None:
    client = make_client(s3_env.endpoint_url)
    _capture(redline, example, archive_dir, upto=1)
    bucket = s3_env.new_bucket()
    sync(LocalStore(archive_dir), S3Store(f"s3://{bucket}/base", client=client))
    base = _s3_files(s3_env, bucket, "base/")  # a copy holding v1, as a real one would
    _capture(redline, example, archive_dir)
    expected = _files(archive_dir)
    failures = 0
    for fail_at in range(1, 200):
        url = f"s3://{bucket}/run-{fail_at}"
        for key, data in base.items():
            client.put_object(Bucket=bucket, Key=f"run-{fail_at}/{key}", Body=data)
        store = _FailingS3Store(url, client=client)
        store.fail_at = fail_at
        try:
            sync(LocalStore(archive_dir), store)
        except StoreError:
            failures += 1
        else:
            assert _s3_files(s3_env, bucket, f"run-{fail_at}/") == expected
            break
        # Whatever was left, the next run finishes the job.
        report = sync(LocalStore(archive_dir), S3Store(url, client=client))
        assert report.ok, report.errors
        assert _s3_files(s3_env, bucket, f"run-{fail_at}/") == expected
    else:
        raise AssertionError("sync never completed")
    assert failures >= 8
    back = tmp_path / "back"
    sync(S3Store(f"s3://{bucket}/run-{failures}", client=client), LocalStore(back, create=True))
    assert _files(back) == expected
    _sound(back)
