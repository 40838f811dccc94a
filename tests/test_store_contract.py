"""The Store contract (archive/store/base.py), one suite run against every backend.

``StoreContract`` holds the tests; each backend's class provides ``store`` and
``other_store``: a second, independent handle on the same storage, as another process
would have. The S3 backend runs against two real servers, SeaweedFS and moto's server
mode, never a mock, so the checksums and conditional writes are the servers' own (and
their differences, 404 or 412 for ``If-Match`` on a missing key, are met).
"""

from __future__ import annotations

import hashlib
import json
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from redline.archive.core.errors import Conflict, KeyMissing, StoreError
from redline.archive.core.layout import LEASES as LEASE_PREFIX
from redline.archive.ocfl import inventory as ocfl
from redline.archive.ocfl.lease import LeaseHeld, RunLease
from redline.archive.store.base import Store
from redline.archive.store.local import LocalStore
from redline.archive.store.s3 import S3Store
from tests.support.seaweed import SeaweedS3

#: A Store handle's botocore request, as an event hook sees it.
Request = Any

OBJ = "ocfl/aaa/bbb/ccc/obj"


def _root_files(inventory: bytes) -> dict[str, bytes]:
    return {
        ocfl.OBJECT_NAMASTE: b"ocfl_object_1.1\n",
        ocfl.INVENTORY: inventory,
        ocfl.SIDECAR: ocfl.sidecar(inventory),
    }


def _version(n: int, inventory: bytes) -> dict[str, bytes]:
    return {
        f"v{n}/content/x.txt": f"content {n}".encode(),
        f"v{n}/inventory.json": inventory,
        f"v{n}/inventory.json.sha512": ocfl.sidecar(inventory),
    }


def _head(inventory: bytes) -> str:
    return hashlib.sha512(inventory).hexdigest()


class StoreContract:
    """What every Store must do; subclasses provide the ``store`` fixtures."""

    def test_put_read_exists_delete(self, store: Store) -> None:
        store.put("a/b/c.txt", b"hello")
        assert store.read("a/b/c.txt") == b"hello"
        assert store.exists("a/b/c.txt")
        store.put("a/b/c.txt", b"again")
        assert store.read("a/b/c.txt") == b"again"
        store.delete("a/b/c.txt")
        assert not store.exists("a/b/c.txt")
        store.delete("a/b/c.txt")  # deleting a missing key is not an error

    def test_empty_and_binary_values_round_trip(self, store: Store) -> None:
        data = bytes(range(256)) * 40
        store.put("bin", data)
        store.put("empty", b"")
        assert store.read("bin") == data
        assert store.read("empty") == b""
        assert store.exists("empty")

    def test_missing_key_raises_keymissing(self, store: Store) -> None:
        with pytest.raises(KeyMissing):
            store.read("nope")
        with pytest.raises(KeyMissing):
            store.read("no/such/folder/key")
        assert not store.exists("nope")

    def test_list_is_sorted_recursive_and_by_prefix(self, store: Store) -> None:
        for key in ["z", "a/2", "a/1", "b/c/d", "ab"]:
            store.put(key, b"x")
        assert list(store.list()) == ["a/1", "a/2", "ab", "b/c/d", "z"]
        assert list(store.list("a/")) == ["a/1", "a/2"]
        assert list(store.list("b/")) == ["b/c/d"]
        assert list(store.list("missing/")) == []

    def test_other_handles_see_writes(self, store: Store, other_store: Store) -> None:
        store.put("shared", b"1")
        assert other_store.read("shared") == b"1"
        other_store.put("shared", b"2")
        assert store.read("shared") == b"2"

    def test_put_if_replaces_only_what_was_read(self, store: Store, other_store: Store) -> None:
        store.put_if("state/a.json", b"1", None)  # None: only while the key is missing
        with pytest.raises(Conflict):
            other_store.put_if("state/a.json", b"2", None)
        assert other_store.read("state/a.json") == b"1"
        other_store.put_if("state/a.json", b"2", b"1")
        with pytest.raises(Conflict):  # this handle last saw b"1"; the key moved on
            store.put_if("state/a.json", b"3", b"1")
        assert store.read("state/a.json") == b"2"
        store.put_if("state/a.json", b"3", b"2")
        assert other_store.read("state/a.json") == b"3"

    def test_put_if_on_a_key_removed_since_it_was_read_is_a_conflict(
        self, store: Store, other_store: Store
    ) -> None:
        """AWS and moto answer If-Match on a missing key with 404, SeaweedFS with 412."""
        store.put("state/b.json", b"1")
        assert store.read("state/b.json") == b"1"
        other_store.delete("state/b.json")
        with pytest.raises(Conflict):
            store.put_if("state/b.json", b"2", b"1")
        assert not other_store.exists("state/b.json")

    def test_a_run_lease_removed_by_another_run_is_lost(
        self, store: Store, other_store: Store
    ) -> None:
        lease = RunLease(store, "shard-1-of-2", timeout=60)
        lease.acquire()
        other_store.delete(lease.key)
        with pytest.raises(LeaseHeld, match="taken over"):
            lease.renew(every=0)

    def test_a_stale_run_lease_removed_while_taken_over_goes_to_the_other_run(
        self, store: Store, other_store: Store, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        """Between reading a dead run's lease and replacing it, another run took it over
        and finished (its lease removed): this run learns it lost the race."""
        dead = json.dumps({"name": "shard", "owner": "gone:1:x", "expires": "2000-01-01T00:00:00Z"})
        lease = RunLease(store, "shard", timeout=60)
        store.put(lease.key, dead.encode())
        read = lease._current

        def read_then_lose_the_race() -> bytes | None:
            current = read()
            other_store.delete(lease.key)
            return current

        monkeypatch.setattr(lease, "_current", read_then_lose_the_race)
        with pytest.raises(LeaseHeld, match="just now"):
            lease.acquire()

    def test_commit_object_new_then_next(self, store: Store) -> None:
        i1, i2 = b'{"head":"v1"}\n', b'{"head":"v2"}\n'
        store.commit_object(OBJ, _version(1, i1), _root_files(i1), None)
        assert store.read(f"{OBJ}/inventory.json") == i1
        assert store.read(f"{OBJ}/inventory.json.sha512") == ocfl.sidecar(i1)
        store.commit_object(OBJ, _version(2, i2), _root_files(i2), _head(i1))
        assert store.read(f"{OBJ}/inventory.json") == i2
        assert store.read(f"{OBJ}/inventory.json.sha512") == ocfl.sidecar(i2)
        assert store.read(f"{OBJ}/v1/content/x.txt") == b"content 1"
        assert store.read(f"{OBJ}/v2/content/x.txt") == b"content 2"
        assert list(store.list(OBJ + "/")) == [
            f"{OBJ}/{rel}" for rel in sorted([*_root_files(i2), *_version(1, i1), *_version(2, i2)])
        ]

    def test_commit_object_refuses_a_second_first_version(
        self, store: Store, other_store: Store
    ) -> None:
        i1, other = b'{"head":"v1"}\n', b'{"head":"v1","other":1}\n'
        store.commit_object(OBJ, _version(1, i1), _root_files(i1), None)
        before = {key: store.read(key) for key in store.list(OBJ + "/")}
        with pytest.raises(Conflict):
            other_store.commit_object(OBJ, _version(1, other), _root_files(other), None)
        assert {key: store.read(key) for key in store.list(OBJ + "/")} == before

    def test_commit_object_on_a_stale_head_writes_nothing(
        self, store: Store, other_store: Store
    ) -> None:
        i1, i2, late = b'{"head":"v1"}\n', b'{"head":"v2"}\n', b'{"head":"v2","late":1}\n'
        store.commit_object(OBJ, _version(1, i1), _root_files(i1), None)
        other_store.read(f"{OBJ}/inventory.json")  # the other run saw v1 as the head...
        store.commit_object(OBJ, _version(2, i2), _root_files(i2), _head(i1))
        before = {key: store.read(key) for key in store.list(OBJ + "/")}
        with pytest.raises(Conflict):  # ...and tries to add its own v2 on top of v1
            other_store.commit_object(OBJ, _version(2, late), _root_files(late), _head(i1))
        with pytest.raises(Conflict):
            other_store.commit_object(OBJ, _version(3, late), _root_files(late), "0" * 128)
        assert {key: store.read(key) for key in store.list(OBJ + "/")} == before

    def test_lock_excludes_other_holders(
        self, store: Store, other_store: Store, lock_wait: Callable[[], None]
    ) -> None:
        events: list[tuple[str, int]] = []
        errors: list[BaseException] = []

        def work(handle: Store, who: int) -> None:
            try:
                for _ in range(3):
                    with handle.lock("https://example.com/story"):
                        events.append(("enter", who))
                        lock_wait()
                        events.append(("leave", who))
            except BaseException as exc:  # noqa: BLE001 - reported by the test below
                errors.append(exc)

        threads = [
            threading.Thread(target=work, args=(handle, who))
            for who, handle in enumerate((store, other_store))
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert errors == []
        assert len(events) == 12
        for enter, leave in zip(events[::2], events[1::2], strict=True):
            assert enter[0] == "enter" and leave == ("leave", enter[1])

    def test_locks_on_different_names_do_not_block(self, store: Store, other_store: Store) -> None:
        with store.lock("one"), other_store.lock("two"):
            pass


def _pause() -> None:
    threading.Event().wait(0.05)


class TestLocalStore(StoreContract):
    @pytest.fixture
    def store(self, tmp_path: Path) -> Store:
        return LocalStore(tmp_path / "archive", create=True)

    @pytest.fixture
    def other_store(self, tmp_path: Path, store: Store) -> Store:
        return LocalStore(tmp_path / "archive")

    @pytest.fixture
    def lock_wait(self) -> Callable[[], None]:
        return _pause


@pytest.mark.s3
class TestS3Store(StoreContract):
    @pytest.fixture
    def url(self, s3_env: SeaweedS3) -> str:
        return f"s3://{s3_env.new_bucket()}/some/prefix"

    @pytest.fixture
    def store(self, url: str, s3_env: SeaweedS3) -> Store:
        return S3Store(url, endpoint_url=s3_env.endpoint_url)

    @pytest.fixture
    def other_store(self, url: str, s3_env: SeaweedS3) -> Store:
        return S3Store(url, endpoint_url=s3_env.endpoint_url)

    @pytest.fixture
    def lock_wait(self) -> Callable[[], None]:
        return _pause

    def test_keys_live_under_the_prefix(self, store: S3Store, s3_env: SeaweedS3) -> None:
        store.put("a/b", b"x")
        assert s3_env.keys(store.bucket) == ["some/prefix/a/b"]

    def test_a_lease_is_an_object_beside_the_root_and_is_removed(
        self, store: S3Store, s3_env: SeaweedS3
    ) -> None:
        with store.lock("https://example.com/story"):
            [lease] = s3_env.keys(store.bucket)
            assert lease.startswith("some/prefix/" + LEASE_PREFIX)
            assert list(store.list()) == []  # leases are not archive content
        assert s3_env.keys(store.bucket) == []

    def test_an_expired_lease_is_taken_over(self, url: str, s3_env: SeaweedS3) -> None:
        crashed = S3Store(url, endpoint_url=s3_env.endpoint_url, lease_seconds=0)
        crashed.lock("story").__enter__()  # a run killed while holding the lease
        waiting = S3Store(url, endpoint_url=s3_env.endpoint_url, lock_wait=30)
        with waiting.lock("story"):
            pass
        assert s3_env.keys(waiting.bucket) == []

    def test_a_held_lease_makes_others_give_up_with_conflict(
        self, url: str, s3_env: SeaweedS3
    ) -> None:
        holder = S3Store(url, endpoint_url=s3_env.endpoint_url)
        impatient = S3Store(url, endpoint_url=s3_env.endpoint_url, lock_wait=0)
        with holder.lock("story"):
            with pytest.raises(Conflict, match="another run is writing story"):
                impatient.lock("story").__enter__()

    def test_a_body_changed_after_its_checksum_is_never_kept(
        self, store: S3Store, s3_env: SeaweedS3
    ) -> None:
        """The bytes change on the way, after the checksum was computed (a fault no server
        makes on demand, so a botocore hook makes it): SeaweedFS refuses the PUT, moto
        stores it; either way what the key holds afterwards is what was sent, or the
        write failed and the key holds nothing."""
        data = b"the inventory, as the writer computed it\n" * 20
        corrupt_puts(store, times=1)
        try:
            store.put("ocfl/obj/inventory.json", data)
        except StoreError:
            assert not store.exists("ocfl/obj/inventory.json")
        else:
            assert s3_env.get(store.bucket, "some/prefix/ocfl/obj/inventory.json") == data

    def test_a_body_changed_on_every_put_fails_the_write(
        self, store: S3Store, other_store: S3Store
    ) -> None:
        store.put("state/c.json", b"before")
        corrupt_puts(store, times=10)
        with pytest.raises(StoreError):
            store.put_if("state/c.json", b"after, as sent", b"before")
        assert other_store.read("state/c.json") in (b"before", corrupted(b"after, as sent"))


def corrupted(body: bytes) -> bytes:
    """``body`` with its first byte changed, the length kept."""
    return bytes([body[0] ^ 0x20]) + body[1:]


def corrupt_puts(store: S3Store, times: int) -> None:
    """Change the body of the store's next ``times`` PUTs after their checksum header
    was set and before they are signed and sent."""
    left = [times]

    def corrupt(request: Request, **_: Any) -> None:
        if left[0] <= 0:
            return
        left[0] -= 1
        body = request.data
        data = body.read() if hasattr(body, "read") else bytes(body)
        request.data = corrupted(data)

    store.client.meta.events.register("before-sign.s3.PutObject", corrupt)


@pytest.mark.s3
class TestS3StoreOnMoto(TestS3Store):
    """The same contract against moto's server mode, a second S3 implementation."""

    @pytest.fixture
    def s3_env(self, moto_env: SeaweedS3) -> SeaweedS3:
        return moto_env
