"""Copy an archive from one store to another: only what is missing, checked as it goes.

``sync(src, dst)`` works from the source's inventories, never from a bare listing:

1. The storage root declaration is copied first when the destination has none.
2. Each OCFL object in the source (found by its ``0=ocfl_object_1.1``) is compared with
   the destination's copy by inventory. The two histories must agree as far as both
   go (same id, the same versions); otherwise the object is reported as diverged and
   left alone, as is a copy already ahead of its source. The versions it lacks are read from
   the source, every content file checked against the source inventory's digest, and
   published with the destination's ``commit_object``: content and version inventories
   first, the root inventory, its sidecar and the declaration last. A file that fails
   its digest is an error for that object, and nothing of it is copied.
3. The article states (``state/index/``) are copied last, for the objects that are now
   current in the destination, where the destination holds none as new.

Keys no inventory mentions (what an interrupted capture left behind) are skipped. An
interrupted sync leaves a destination where every object is valid at some version, so
running it again finishes the job; a second run over an unchanged source copies nothing.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from redline.archive.core import layout
from redline.archive.core.errors import (
    ArchiveError,
    Conflict,
    KeyMissing,
    NotAFile,
    StoreError,
    UsageError,
)
from redline.archive.core.wording import plural
from redline.archive.ocfl import inventory as ocfl
from redline.archive.ocfl.stateindex import StateIndex
from redline.archive.store import open_store
from redline.archive.store.base import AbstractLock, Store

ROOT_PREFIX = layout.OCFL_PREFIX


@dataclass(frozen=True)
class SyncAction:
    """One thing copied (or, in a dry run, to be copied)."""

    kind: str  # "storage-root" | "object" | "state"
    key: str  # the object root, or the key of a single file
    files: int
    bytes: int
    object_id: str | None = None
    first_version: int = 0
    last_version: int = 0

    @property
    def versions(self) -> int:
        return self.last_version - self.first_version + 1 if self.last_version else 0

    def describe(self) -> str:
        size = f"{plural(self.files, 'file')}, {self.bytes:,} bytes"
        if self.kind == "object":
            if self.versions:
                span = f"v{self.first_version}"
                if self.last_version != self.first_version:
                    span += f"-v{self.last_version}"
            else:
                span = "root inventory"
            return f"{span:<8} {self.object_id}  ({size})"
        if self.kind == "storage-root":
            return f"{'root':<8} {self.key}  ({size})"
        if self.object_id:  # one article's line in the destination's state index
            return f"{'state':<8} {self.object_id}  ({self.bytes:,} bytes in {self.key})"
        return f"{'state':<8} {self.key}  ({size})"

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"kind": self.kind, "key": self.key}
        if self.kind == "object":
            out["id"] = self.object_id
            out["versions"] = [self.first_version, self.last_version] if self.last_version else []
        elif self.object_id:
            out["id"] = self.object_id
        out["files"] = self.files
        out["bytes"] = self.bytes
        return out


@dataclass
class SyncReport:
    """What a sync did (or would do), and what it could not."""

    source: str
    destination: str
    dry_run: bool = False
    objects: int = 0  # objects checked
    unchanged: int = 0  # objects already current in the destination
    versions: int = 0  # versions copied
    files: int = 0  # files copied, of every kind
    bytes: int = 0
    leftovers: int = 0  # source keys no inventory mentions, not copied
    actions: list[SyncAction] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors

    def add(self, action: SyncAction) -> None:
        self.actions.append(action)
        self.versions += action.versions
        self.files += action.files
        self.bytes += action.bytes

    def to_dict(self) -> dict[str, Any]:
        return {
            "kind": "summary",
            "source": self.source,
            "destination": self.destination,
            "dry_run": self.dry_run,
            "objects_checked": self.objects,
            "objects_unchanged": self.unchanged,
            "versions_copied": self.versions,
            "files_copied": self.files,
            "bytes_copied": self.bytes,
            "leftovers_skipped": self.leftovers,
            "errors": list(self.errors),
        }


Progress = Callable[[SyncAction], None]


class _Skip(Exception):
    """This object cannot be copied; the message says why."""


def sync(
    src: Store, dst: Store, *, dry_run: bool = False, progress: Progress | None = None
) -> SyncReport:
    """Copy what ``dst`` lacks of ``src``'s archive; in a dry run, only say what."""
    report = SyncReport(src.location, dst.location, dry_run)
    src_keys = list(src.list(ROOT_PREFIX))
    if ROOT_PREFIX + ocfl.ROOT_NAMASTE not in src_keys:
        raise ArchiveError(
            f"{src.location} holds no OCFL storage root ({ROOT_PREFIX}{ocfl.ROOT_NAMASTE}); "
            "give a redline archive as SRC"
        )
    dst_keys = set(dst.list())
    roots = sorted(k[: -len(ocfl.OBJECT_NAMASTE) - 1] for k in src_keys if _is_object(k))
    by_root, root_files, strays = _group(src_keys, roots)
    report.leftovers += len(strays)

    def done(action: SyncAction) -> None:
        report.add(action)
        if progress is not None:
            progress(action)

    _sync_storage_root(src, dst, root_files, dst_keys, dry_run, done)
    current: dict[str, int] = {}  # object id -> head now in the destination
    for root in roots:
        report.objects += 1
        try:
            outcome = _sync_object(src, dst, root, by_root[root], dst_keys, dry_run, report)
        except _Skip as exc:
            report.errors.append(str(exc))
            continue
        object_id, head, action = outcome
        current[object_id] = head
        if action is None:
            report.unchanged += 1
        else:
            done(action)
    _sync_states(src, dst, current, dst_keys, dry_run, done)
    return report


# -- the storage root -----------------------------------------------------------------------
def _is_object(key: str) -> bool:
    return key.endswith("/" + ocfl.OBJECT_NAMASTE)


def _group(keys: list[str], roots: list[str]) -> tuple[dict[str, list[str]], list[str], list[str]]:
    """Source keys by object root; the storage root's own files; keys in neither."""
    root_set = set(roots)
    by_root: dict[str, list[str]] = {root: [] for root in roots}
    declared = {ROOT_PREFIX + name for name in ocfl.storage_root_files()}
    root_files: list[str] = []
    strays: list[str] = []
    for key in keys:
        owner = _owner(key, root_set)
        if owner is not None:
            by_root[owner].append(key)
        elif key in declared or key.startswith(ROOT_PREFIX + "extensions/"):
            root_files.append(key)
        else:
            strays.append(key)
    return by_root, root_files, strays


def _owner(key: str, roots: set[str]) -> str | None:
    parts = key.split("/")
    for end in range(2, len(parts)):
        candidate = "/".join(parts[:end])
        if candidate in roots:
            return candidate
    return None


def _sync_storage_root(
    src: Store,
    dst: Store,
    keys: list[str],
    dst_keys: set[str],
    dry_run: bool,
    done: Progress,
) -> None:
    declaration = ROOT_PREFIX + ocfl.ROOT_NAMASTE
    if declaration in dst_keys:
        # Same layout on both sides, or object paths would mean different things.
        for key in keys:
            if key == declaration:
                continue
            if key in dst_keys and dst.read(key) != src.read(key):
                raise ArchiveError(
                    f"{dst.location}/{key} differs from {src.location}/{key}: the archives "
                    "use different storage layouts; sync into a new archive instead"
                )
        return
    strangers = [k for k in dst_keys if not layout.is_state(k) and k not in keys]
    if strangers:
        raise ArchiveError(
            f"{dst.location} is not a redline archive (no OCFL storage root in "
            f"{dst.location}/{layout.OCFL_ROOT}) and is not empty; give a new or empty "
            "folder, or an archive, as DST"
        )
    files = {key[len(ROOT_PREFIX) :]: src.read(key) for key in keys}
    if not dry_run:
        dst.ensure_writable()
        try:
            dst.commit_object(layout.OCFL_ROOT, files, {}, None)
        except Conflict:
            raise ArchiveError(
                f"{dst.location}/{layout.OCFL_ROOT} exists but is not an OCFL storage root; "
                "move it away or choose another DST"
            ) from None
    dst_keys.update(keys)
    done(SyncAction("storage-root", ROOT_PREFIX, len(files), sum(map(len, files.values()))))


# -- objects ------------------------------------------------------------------------------------
def _hash(algorithm: str, data: bytes) -> str:
    return hashlib.new(algorithm, data).hexdigest()


def _read_inventory(
    store: Store, directory: str, sidecar_name: str | None = None
) -> tuple[bytes, dict[str, Any], bool]:
    """An inventory's bytes, parsed, and whether its sidecar agrees (``ValueError`` when
    it does not parse; ``KeyMissing`` when it is not there)."""
    data = store.read(f"{directory}/{ocfl.INVENTORY}")
    inventory = ocfl.parse_inventory(data)
    algorithm = inventory["digestAlgorithm"]
    name = sidecar_name or f"{ocfl.INVENTORY}.{algorithm}"
    try:
        fields = store.read(f"{directory}/{name}").decode("utf-8", "replace").split()
    except KeyMissing:
        return data, inventory, False
    return data, inventory, bool(fields) and fields[0] == _hash(algorithm, data)


def _expected_keys(root: str, inventory: Mapping[str, Any], upto: int) -> Iterator[str]:
    """The keys an object's inventory accounts for, as of version ``upto``."""
    sidecar = f"{ocfl.INVENTORY}.{inventory['digestAlgorithm']}"
    for number in range(1, upto + 1):
        vdir = ocfl.version_name(number)
        yield f"{root}/{vdir}/{ocfl.INVENTORY}"
        yield f"{root}/{vdir}/{sidecar}"
    for paths in inventory["manifest"].values():
        for path in paths:
            if _version_of(path) <= upto:
                yield f"{root}/{path}"


def _version_of(path: str) -> int:
    top = path.split("/", 1)[0]
    if top[:1] == "v" and top[1:].isdigit():
        return int(top[1:])
    return 0


def _sync_object(
    src: Store,
    dst: Store,
    root: str,
    keys: list[str],
    dst_keys: set[str],
    dry_run: bool,
    report: SyncReport,
) -> tuple[str, int, SyncAction | None]:
    """Bring one object up to date; (its id, the head now in dst, what was copied)."""
    # The source's root inventory is the plan: check it before anything else.
    try:
        inv_bytes, inventory, sound = _read_inventory(src, root)
    except KeyMissing:
        raise _Skip(f"{src.location}/{root}: object has no inventory.json; not copied") from None
    except ValueError as exc:
        raise _Skip(f"{src.location}/{root}: unreadable inventory ({exc}); not copied") from None
    object_id = str(inventory["id"])
    where = f"{object_id} ({root})"
    if not sound:
        raise _Skip(f"{where}: the source inventory does not match its sidecar; not copied")
    algorithm = inventory["digestAlgorithm"]
    sidecar_name = f"{ocfl.INVENTORY}.{algorithm}"
    try:
        head = ocfl.version_number(inventory["head"])
    except ValueError:
        raise _Skip(f"{where}: head {inventory['head']!r} is not a version; not copied") from None
    expected = set(_expected_keys(root, inventory, head))
    expected.update(f"{root}/{n}" for n in (ocfl.OBJECT_NAMASTE, ocfl.INVENTORY, sidecar_name))
    report.leftovers += sum(1 for key in keys if key not in expected)

    dst_head, dst_digest, root_current = _destination_head(dst, root, inventory, dst_keys)
    if dst_head > head or (dst_head == head and root_current):
        return object_id, dst_head, None  # ahead of the source, or already current

    # Everything the destination lacks, read from the source and checked.
    new_files: dict[str, bytes] = {}
    for number in range(dst_head + 1, head + 1):
        vdir = ocfl.version_name(number)
        try:
            v_bytes, _v_inv, v_sound = _read_inventory(src, f"{root}/{vdir}", sidecar_name)
        except (KeyMissing, ValueError):
            raise _Skip(
                f"{where} {vdir}: inventory.json missing or unreadable; not copied"
            ) from None
        if not v_sound:
            raise _Skip(f"{where} {vdir}: inventory.json does not match its sidecar; not copied")
        if number == head and v_bytes != inv_bytes:
            raise _Skip(f"{where} {vdir}: inventory differs from the root inventory; not copied")
        new_files[f"{vdir}/{ocfl.INVENTORY}"] = v_bytes
        new_files[f"{vdir}/{sidecar_name}"] = src.read(f"{root}/{vdir}/{sidecar_name}")
    for digest, paths in inventory["manifest"].items():
        for path in paths:
            number = _version_of(path)
            if not dst_head < number <= head:
                continue
            try:
                data = src.read(f"{root}/{path}")
            except NotAFile:
                raise _Skip(
                    f"{where} v{number}: {path} is a symbolic link, not a file of the "
                    "archive; not copied"
                ) from None
            except KeyMissing:
                raise _Skip(f"{where} v{number}: {path} is missing; not copied") from None
            if _hash(algorithm, data) != digest:
                raise _Skip(
                    f"{where} v{number}: {path} does not match its {algorithm} in the "
                    "source inventory; not copied"
                )
            new_files[path] = data
    root_files = {
        ocfl.OBJECT_NAMASTE: src.read(f"{root}/{ocfl.OBJECT_NAMASTE}"),
        ocfl.INVENTORY: inv_bytes,
        sidecar_name: src.read(f"{root}/{sidecar_name}"),
    }
    if not dry_run:
        try:
            with dst.lock(object_id):
                dst.commit_object(root, new_files, root_files, dst_digest)
        except Conflict:
            raise _Skip(
                f"{where}: changed in {dst.location} while syncing; run sync again"
            ) from None
    dst_keys.update(f"{root}/{rel}" for rel in (*new_files, *root_files))
    size = sum(map(len, new_files.values())) + sum(map(len, root_files.values()))
    action = SyncAction(
        "object",
        root,
        len(new_files) + len(root_files),
        size,
        object_id=object_id,
        first_version=dst_head + 1 if head > dst_head else 0,
        last_version=head if head > dst_head else 0,
    )
    return object_id, head, action


def _destination_head(
    dst: Store, root: str, inventory: Mapping[str, Any], dst_keys: set[str]
) -> tuple[int, str | None, bool]:
    """The destination's head for this object, the sha512 of its root inventory
    (``None`` when it has none), and whether its root files are all in place."""
    object_id = inventory["id"]
    where = f"{object_id} ({root})"
    if f"{root}/{ocfl.INVENTORY}" not in dst_keys:
        return 0, None, False
    try:
        data, theirs, sound = _read_inventory(dst, root)
    except KeyMissing:
        return 0, None, False
    except ValueError as exc:
        raise _Skip(
            f"{where}: the inventory in {dst.location} is unreadable ({exc}); "
            "run redline verify on it; not copied"
        ) from None
    if theirs["id"] != object_id:
        raise _Skip(
            f"{root}: {dst.location} holds {theirs['id']!r} here, the source {object_id!r}; "
            "not copied"
        )
    if theirs["digestAlgorithm"] != inventory["digestAlgorithm"]:
        raise _Skip(f"{where}: the two copies use different digest algorithms; not copied")
    try:
        head = ocfl.version_number(theirs["head"])
    except ValueError:
        raise _Skip(f"{where}: the inventory in {dst.location} has no valid head") from None
    ours = inventory["versions"]
    common = min(head, ocfl.version_number(inventory["head"]))
    for number in range(1, common + 1):
        name = ocfl.version_name(number)
        if ours.get(name) != theirs["versions"].get(name):
            raise _Skip(
                f"{where}: {name} in {dst.location} differs from the source's {name}; "
                "the archives have diverged; not copied"
            )
    older, newer = (inventory, theirs) if head > common else (theirs, inventory)
    for digest, paths in older["manifest"].items():
        if newer["manifest"].get(digest) != paths:
            raise _Skip(
                f"{where}: the two manifests disagree about {digest[:16]}...; "
                "the archives have diverged; not copied"
            )
    missing = [k for k in _expected_keys(root, theirs, head) if k not in dst_keys]
    if missing:
        raise _Skip(
            f"{where}: {dst.location} lacks {missing[0]}"
            f"{f' and {len(missing) - 1} more' if len(missing) > 1 else ''} of a version it "
            "already holds; run redline verify on it; not copied"
        )
    digest = hashlib.sha512(data).hexdigest()
    in_place = sound and f"{root}/{ocfl.OBJECT_NAMASTE}" in dst_keys
    return head, digest, in_place


# -- state ------------------------------------------------------------------------------------
def _sync_states(
    src: Store,
    dst: Store,
    current: Mapping[str, int],
    dst_keys: set[str],
    dry_run: bool,
    done: Progress,
) -> None:
    """Copy each article's state whose object the destination now holds at that head
    (unless the destination's is as new), into its ``shard-1-of-1`` index."""
    theirs = StateIndex(dst).load() if not isinstance(dst, EmptyStore) else None
    wanted = []
    for state in StateIndex(src).states():
        if current.get(state.id) != state.head:
            continue  # ahead of (or behind) what was copied
        known = theirs.get(state.id) if theirs is not None else None
        if known is not None and known.order() >= state.order():
            continue
        wanted.append(state)
    if not wanted:
        return
    if theirs is not None and not dry_run:
        theirs.adopt(wanted)
        theirs.merge()
    key = layout.state_index_key(layout.WHOLE_INDEX)
    dst_keys.add(key)
    for state in sorted(wanted, key=lambda s: s.id):
        done(SyncAction("state", key, 1, len(state.to_line()) + 1, object_id=state.id))


class EmptyStore(Store):
    """Stands in for a destination folder that does not exist yet (dry runs only)."""

    def __init__(self, location: str) -> None:
        self.location = location

    def read(self, key: str) -> bytes:
        raise KeyMissing(f"{key} is missing from {self.location}")

    def exists(self, key: str) -> bool:
        return False

    def list(self, prefix: str = "") -> Iterator[str]:
        return iter(())

    def put(self, key: str, data: bytes) -> None:
        raise StoreError(f"{self.location} does not exist; nothing can be written there")

    def delete(self, key: str) -> None:
        return None

    def commit_object(
        self,
        object_root: str,
        new_files: Mapping[str, bytes],
        root_files: Mapping[str, bytes],
        expected_head: str | None,
    ) -> None:
        raise StoreError(f"{self.location} does not exist; nothing can be written there")

    def lock(self, name: str) -> AbstractLock:
        raise StoreError(f"{self.location} does not exist; nothing can be locked there")


def _same(src: str, dst: str) -> bool:
    if src.startswith("s3://") or dst.startswith("s3://"):
        return src.rstrip("/") == dst.rstrip("/")
    return os.path.realpath(src) == os.path.realpath(dst)


def _open_source(location: str, endpoint_url: str | None) -> Store:
    if not location.startswith("s3://") and not Path(location).is_dir():
        raise ArchiveError(f"no archive at {location}; give an archive folder or s3:// URL as SRC")
    return open_store(location, endpoint_url=endpoint_url)


def _open_destination(location: str, endpoint_url: str | None, dry_run: bool) -> Store:
    if dry_run and not location.startswith("s3://") and not Path(location).exists():
        return EmptyStore(location)
    return open_store(location, create=True, endpoint_url=endpoint_url)


def sync_locations(
    src: str,
    dst: str,
    *,
    endpoint_url: str | None = None,
    dry_run: bool = False,
    progress: Progress | None = None,
) -> SyncReport:
    """``sync`` between two archive locations (folders or s3:// URLs); a destination
    folder is created, except on a dry run."""
    if _same(src, dst):
        raise UsageError(f"SRC and DST are the same archive ({src}); give two places")
    source = _open_source(src, endpoint_url)
    destination = _open_destination(dst, endpoint_url, dry_run)
    return sync(source, destination, dry_run=dry_run, progress=progress)
