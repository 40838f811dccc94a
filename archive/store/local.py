"""A store in a local folder: temp files and atomic renames, an object swapped whole.

Every file of the archive is a regular file below its folder: a key that is a symbolic
link, or lies below one, is never read through (``NotAFile``), so a file replaced by a
link to one outside the archive, however identical, is neither vouched for nor copied.
The archive folder itself may be a link.

An OCFL object's root inventory and its sidecar are two files; replacing them one by
one would leave a moment where they disagree. So a new version is published by
building the object's next state beside it (existing files hard-linked, not copied)
and exchanging the two directories in one ``renameat2(RENAME_EXCHANGE)`` call; a new
object appears by renaming its first missing ancestor directory into place. The copy
beside the object is kept for the next version, so it is only ever one version behind,
with a note of the directories it shares with the object (their inodes and times): a
commit looks at those few directories, not at every file of every version, and copies
a version again only when one of them changed (a file repaired by hand).

A new version is flushed to disk with two calls whatever its number of files: the
files are written unflushed, one ``syncfs`` makes all of them durable before the
directory swap publishes them, one ``fsync`` of the parent makes the swap durable.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import errno
import fcntl
import hashlib
import json
import os
import shutil
import stat
import uuid
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

from redline.archive.core import layout
from redline.archive.core.errors import ArchiveError, Conflict, KeyMissing, NotAFile, StoreError
from redline.archive.store.base import AbstractLock, Store

#: Staging area inside the archive folder (same filesystem, so renames are atomic).
TMP_DIR = ".tmp"
LOCK_DIR = ".locks"
SHADOW_DIR = "shadow"

_RENAME_EXCHANGE = 2
_AT_FDCWD = -100


def _load_renameat2() -> ctypes._CFuncPtr | None:  # type: ignore[name-defined]
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)
        func = libc.renameat2
    except (OSError, AttributeError):
        return None
    func.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p, ctypes.c_uint]
    func.restype = ctypes.c_int
    return func


_renameat2 = _load_renameat2()


def _load_syncfs() -> ctypes._CFuncPtr | None:  # type: ignore[name-defined]
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)
        func = libc.syncfs
    except (OSError, AttributeError):
        return None
    func.argtypes = [ctypes.c_int]
    func.restype = ctypes.c_int
    return func


_syncfs = _load_syncfs()


def flush_files(folder: Path, written: list[Path]) -> None:
    """Make ``written`` (files below ``folder``, and the folders holding them) durable:
    one ``syncfs`` of the filesystem, or where there is none an fsync of each file."""
    if _syncfs is not None:
        fd = os.open(folder, os.O_RDONLY)
        try:
            if _syncfs(fd) == 0:
                return
        finally:
            os.close(fd)
    for path in written:
        fd = os.open(path, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)
    for parent in {path.parent for path in written}:
        _fsync_dir(parent)


def exchange_dirs(a: Path, b: Path) -> bool:
    """Swap two directories atomically; False when the platform cannot."""
    if _renameat2 is None:
        return False
    rc = _renameat2(_AT_FDCWD, os.fsencode(a), _AT_FDCWD, os.fsencode(b), _RENAME_EXCHANGE)
    if rc == 0:
        return True
    err = ctypes.get_errno()
    if err in (errno.EINVAL, errno.ENOSYS, errno.ENOTSUP):
        return False
    raise OSError(err, os.strerror(err), str(a))


def _fsync_dir(path: Path) -> None:
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def _stamp(info: os.stat_result) -> str:
    """What changes whenever a file of the archive is replaced: every write is a new
    file renamed into place (a new inode), and its size and time."""
    return f"{info.st_ino}-{info.st_size}-{info.st_mtime_ns}"


def _write_file(path: Path, data: bytes, *, sync: bool = False) -> None:
    try:
        fh = open(path, "wb")
    except FileNotFoundError:
        path.parent.mkdir(parents=True, exist_ok=True)
        fh = open(path, "wb")
    with fh:
        fh.write(data)
        if sync:
            fh.flush()
            os.fsync(fh.fileno())


class _FileLock(AbstractLock):
    def __init__(self, path: Path) -> None:
        self.path = path
        self._fd: int | None = None

    def __enter__(self) -> _FileLock:
        try:
            try:
                self._fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
            except FileNotFoundError:
                self.path.parent.mkdir(parents=True, exist_ok=True)
                self._fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        except OSError as exc:
            archive = self.path.parent.parent
            raise ArchiveError(
                f"archive {archive} is not writable ({exc.strerror}); "
                "fix its permissions or choose another folder with --archive"
            ) from exc
        fcntl.flock(self._fd, fcntl.LOCK_EX)
        return self

    def __exit__(self, *exc: object) -> None:
        if self._fd is not None:
            fcntl.flock(self._fd, fcntl.LOCK_UN)
            os.close(self._fd)
            self._fd = None


class LocalStore(Store):
    """Keys are files below ``root``; writes go through a staging folder and renames."""

    def __init__(self, root: str | os.PathLike[str], *, create: bool = False) -> None:
        self.root = Path(root)
        self.location = str(root)
        #: The folder with every link resolved, once it is first needed.
        self._real_root: Path | None = None
        if self.root.exists() and not self.root.is_dir():
            raise ArchiveError(
                f"archive path {self.location} is a file, not a folder; "
                "pass --archive with a folder path"
            )
        if not self.root.exists():
            if not create:
                raise ArchiveError(
                    f"no archive at {self.location}; capture a page first "
                    "or pass --archive PATH (or set REDLINE_ARCHIVE)"
                )
            try:
                self.root.mkdir(parents=True, exist_ok=True)
            except OSError as exc:
                raise ArchiveError(
                    f"cannot create archive folder {self.location} ({exc.strerror}); "
                    "choose a writable path with --archive"
                ) from exc

    # -- plumbing -------------------------------------------------------------
    def _path(self, key: str) -> Path:
        if key.startswith("/") or ".." in key.split("/"):
            raise StoreError(f"invalid key {key!r}")
        return self.root / key

    def _real(self, key: str) -> Path:
        """The key's path, refused when it is, or lies below, a symbolic link."""
        path = self._path(key)
        if self._real_root is None:
            self._real_root = Path(os.path.realpath(self.root))
        if Path(os.path.realpath(path)) != self._real_root / key:
            raise NotAFile(
                f"{key} in archive {self.location} is a symbolic link, or lies below one, "
                "not a file of the archive; replace the link by the file itself"
            )
        return path

    def _staging(self) -> Path:
        tmp = self.root / TMP_DIR / uuid.uuid4().hex
        tmp.mkdir(parents=True)
        return tmp

    def _fail(self, exc: OSError, action: str) -> StoreError:
        what = exc.strerror or str(exc)
        return StoreError(
            f"cannot {action} in archive {self.location} ({what}); "
            "check that the folder exists, is writable and has free space"
        )

    # -- Store interface --------------------------------------------------------
    def read(self, key: str) -> bytes:
        path = self._real(key)
        try:
            return path.read_bytes()
        except FileNotFoundError as exc:
            raise KeyMissing(f"{key} is missing from archive {self.location}") from exc
        except IsADirectoryError as exc:
            raise KeyMissing(f"{key} is a folder in archive {self.location}") from exc
        except OSError as exc:
            raise self._fail(exc, f"read {key}") from exc

    def exists(self, key: str) -> bool:
        try:
            return self._real(key).is_file()
        except NotAFile:
            return False

    def list(self, prefix: str = "") -> Iterator[str]:
        base = self._path(prefix.rstrip("/")) if prefix else self.root
        if not base.is_dir():
            return iter(())
        keys: list[str] = []
        for dirpath, dirnames, filenames in os.walk(base):
            rel_dir = Path(dirpath).relative_to(self.root)
            if rel_dir == Path("."):
                dirnames[:] = [d for d in dirnames if d not in (TMP_DIR, LOCK_DIR)]
            for name in filenames:
                keys.append((rel_dir / name).as_posix())
        return iter(sorted(keys))

    def put(self, key: str, data: bytes) -> None:
        # A file of the record is flushed before the rename; redline's bookkeeping is
        # left to the next flush unless it asks (``put_durable``).
        self._put(key, data, sync=False, flush=not layout.is_state(key))

    def put_durable(self, key: str, data: bytes) -> None:
        self._put(key, data, sync=True)

    def _put(self, key: str, data: bytes, *, sync: bool, flush: bool = False) -> str:
        """Write ``key`` through a temporary file and a rename; with ``sync`` the file
        and the rename are on disk before this returns (an fsync of each, or one
        ``syncfs``). Returns the stamp of the file written."""
        target = self._path(key)
        try:
            tmp = target.parent / f".{target.name}.{uuid.uuid4().hex}.tmp"
            _write_file(tmp, data, sync=flush)
            stamp = _stamp(os.stat(tmp))
            os.replace(tmp, target)
            if sync:
                flush_files(target.parent, [target])
        except OSError as exc:
            raise self._fail(exc, f"write {key}") from exc
        return stamp

    def stamps(self, prefix: str = "") -> dict[str, str | None]:
        found: dict[str, str | None] = {}
        for key in self.list(prefix):
            try:
                found[key] = _stamp(os.stat(self._path(key)))
            except OSError:
                continue  # removed meanwhile
        return found

    def put_if(self, key: str, data: bytes, expected: bytes | None) -> str | None:
        # Compare and replace under a lock per key, shared by every put_if of that key.
        digest = hashlib.sha256(key.encode()).hexdigest()
        with _FileLock(self.root / LOCK_DIR / "keys" / f"{digest}.lock"):
            try:
                current: bytes | None = self._path(key).read_bytes()
            except FileNotFoundError:
                current = None
            except OSError as exc:
                raise self._fail(exc, f"read {key}") from exc
            if current != expected:
                raise Conflict(f"{key} in archive {self.location} was changed by another run")
            # On disk before it returns (what it replaces, a journal folded in, may be
            # deleted next), but for a lease, which a crash of the machine ends anyway.
            return self._put(key, data, sync=not key.startswith(layout.LEASES))

    def delete(self, key: str) -> None:
        try:
            self._path(key).unlink()
        except FileNotFoundError:
            pass
        except OSError as exc:
            raise self._fail(exc, f"delete {key}") from exc

    def lock(self, name: str) -> AbstractLock:
        digest = hashlib.sha256(name.encode()).hexdigest()
        return _FileLock(self.root / LOCK_DIR / f"{digest}.lock")

    def ensure_writable(self) -> None:
        try:
            staging = self._staging()
            staging.rmdir()
        except OSError as exc:
            raise ArchiveError(
                f"archive {self.location} is not writable ({exc.strerror}); "
                "fix its permissions or choose another folder with --archive"
            ) from exc

    def commit_object(
        self,
        object_root: str,
        new_files: Mapping[str, bytes],
        root_files: Mapping[str, bytes],
        expected_head: str | None,
    ) -> None:
        target = self._path(object_root.rstrip("/"))
        try:
            self._check_head(target, expected_head)
            staging = self._staging()
            try:
                if expected_head is None:
                    self._publish_new(target, staging, new_files, root_files)
                else:
                    self._publish_next(target, staging, new_files, root_files)
            finally:
                shutil.rmtree(staging, ignore_errors=True)
        except OSError as exc:
            raise self._fail(exc, f"write {object_root}") from exc

    # -- publishing ---------------------------------------------------------------
    def _check_head(self, target: Path, expected_head: str | None) -> None:
        inventory = target / "inventory.json"
        if expected_head is None:
            if target.exists():
                raise Conflict(f"{target} was created by another run; retry")
            return
        try:
            current = hashlib.sha512(inventory.read_bytes()).hexdigest()
        except FileNotFoundError:
            current = None
        if current != expected_head:
            raise Conflict(f"{target} was changed by another run; retry")

    def _publish_new(
        self,
        target: Path,
        staging: Path,
        new_files: Mapping[str, bytes],
        root_files: Mapping[str, bytes],
    ) -> None:
        # Find the highest missing ancestor, build the whole branch in staging, and
        # rename that one directory into place: the object appears complete or not at all.
        top = target
        while not top.parent.exists():
            top = top.parent
        built = staging / top.name
        obj = built / target.relative_to(top)
        written = []
        for rel, data in [*new_files.items(), *root_files.items()]:
            _write_file(obj / rel, data)
            written.append(obj / rel)
        flush_files(staging, written)
        top.parent.mkdir(parents=True, exist_ok=True)
        try:
            os.rename(built, top)
        except OSError as exc:
            if exc.errno in (errno.ENOTEMPTY, errno.EEXIST):
                # Another run created this folder first: look again, then retry.
                raise Conflict(f"{top} was created by another run; retry") from exc
            raise
        _fsync_dir(top.parent)

    def _publish_next(
        self,
        target: Path,
        staging: Path,
        new_files: Mapping[str, bytes],
        root_files: Mapping[str, bytes],
    ) -> None:
        # The object's next state is built in a shadow copy kept beside the archive's
        # OCFL root: version directories hard-linked from the live object (they never
        # change once written), the new version, the new root files. After the
        # exchange the shadow holds the previous state, ready to be brought up to date
        # next time: a commit copies one version directory, not every one.
        shadow = self._shadow_of(target)
        live = set(os.listdir(target))
        self._sync_shadow(target, shadow, live, root_files)
        written = []
        for top, files in _by_top_dir(new_files).items():
            if top in live:
                raise StoreError(f"{target / top} already exists; run redline verify")
            partial = shadow / f"{top}.partial"
            for rel, data in files.items():
                _write_file(partial / rel, data)
                written.append(partial / rel)
            os.rename(partial, shadow / top)
        for rel, data in root_files.items():
            _write_file(shadow / rel, data)
            written.append(shadow / rel)
        flush_files(shadow, written)
        if not exchange_dirs(shadow, target):
            # No atomic exchange here: move the old object aside, then the new one in.
            aside = staging / "old"
            os.rename(target, aside)
            os.rename(shadow, target)
            os.rename(aside, shadow)
        _fsync_dir(target.parent)

    def _shadow_of(self, target: Path) -> Path:
        digest = hashlib.sha256(os.fsencode(target.relative_to(self.root))).hexdigest()
        return self.root / TMP_DIR / SHADOW_DIR / digest[:40]

    def _sync_shadow(
        self, target: Path, shadow: Path, live: set[str], root_files: Mapping[str, bytes]
    ) -> None:
        """Make ``shadow`` hold the live object's entries, root files left out.

        Entries appear in the shadow by renaming a complete ``.partial`` tree. An entry
        is kept only when it holds exactly the live entry's files (the same inodes), so
        a file repaired, removed or added in the live object by hand is never undone.
        That is known without reading either tree when their directories are the ones
        noted at the last commit, unchanged since (a file replaced, added or removed
        changes its directory's time); only a version whose directories changed, or
        one not noted, is compared file by file. As in git's index, a directory
        changed in the clock tick the note was written in is not trusted.
        """
        shadow.mkdir(parents=True, exist_ok=True)
        notes_path = shadow.with_suffix(".json")
        notes, noted_at = _read_notes(notes_path)
        kept: dict[str, _Twins] = {}
        with os.scandir(shadow) as entries:
            listed = [(entry.name, entry.is_dir(follow_symlinks=False)) for entry in entries]
        for name, is_dir in listed:
            path = shadow / name
            keep = name in live and name not in root_files and not name.endswith(".partial")
            if keep and is_dir:
                twins = _still_twins(notes.get(name), target / name, path, noted_at)
                if twins is None and _same_tree(target / name, path):
                    twins = _twins(target / name, path)
                if twins is not None:
                    kept[name] = twins
                    continue
            if is_dir:
                shutil.rmtree(path)
            else:
                path.unlink()  # root files are always written afresh, never in place
        for name in sorted(live - set(kept)):
            if name in root_files:
                continue
            source = target / name
            if source.is_dir():
                partial = shadow / f"{name}.partial"
                _link_tree(source, partial)
                os.rename(partial, shadow / name)
                twins = _twins(source, shadow / name)
                if twins is not None:
                    kept[name] = twins
            elif not (shadow / name).exists():
                os.link(source, shadow / name, follow_symlinks=False)
        if kept != notes:
            tmp = notes_path.with_name(f".{notes_path.name}.{uuid.uuid4().hex}.tmp")
            _write_file(tmp, json.dumps(kept, sort_keys=True).encode())
            os.replace(tmp, notes_path)


#: Of two directory trees holding the same files: the folders below their top (relative
#: paths, "" for the top) and the (inode, modification time) of each, in each tree.
_Twins = dict[str, list[Any]]


def _dir_marks(top: Path, folders: list[str]) -> list[list[int]] | None:
    marks = []
    base = os.fspath(top)
    for rel in folders:
        try:
            st = os.lstat(f"{base}/{rel}" if rel else base)
        except OSError:
            return None
        if not stat.S_ISDIR(st.st_mode):
            return None
        marks.append([st.st_ino, st.st_mtime_ns])
    return marks


def _twins(live: Path, shadow: Path) -> _Twins | None:
    """A note that ``live`` and ``shadow`` hold the same files, as they are now."""
    folders = sorted(
        os.path.relpath(dirpath, live) if dirpath != str(live) else ""
        for dirpath, _dirs, _files in os.walk(live)
    )
    a, b = _dir_marks(live, folders), _dir_marks(shadow, folders)
    if a is None or b is None:
        return None
    return {"folders": folders, "sides": sorted([a, b])}


def _still_twins(note: object, live: Path, shadow: Path, noted_at: int) -> _Twins | None:
    """``note`` when the two trees' folders are still the ones it names, unchanged since
    the note was written at ``noted_at`` (the trees swap places at each commit: either
    may be the live one)."""
    if not isinstance(note, dict) or not isinstance(note.get("folders"), list):
        return None
    folders = [f for f in note["folders"] if isinstance(f, str)]
    a, b = _dir_marks(live, folders), _dir_marks(shadow, folders)
    if a is None or b is None or sorted([a, b]) != note.get("sides"):
        return None
    if any(mark[1] >= noted_at for mark in [*a, *b]):
        return None  # changed in the tick the note was written: it cannot vouch
    return note


def _read_notes(path: Path) -> tuple[dict[str, Any], int]:
    """The notes on an object's shadow and when they were written (ns)."""
    try:
        notes = json.loads(path.read_bytes())
        written = os.stat(path).st_mtime_ns
    except (OSError, ValueError):
        return {}, 0
    return (notes, written) if isinstance(notes, dict) else ({}, 0)


def _by_top_dir(files: Mapping[str, bytes]) -> dict[str, dict[str, bytes]]:
    grouped: dict[str, dict[str, bytes]] = {}
    for rel, data in files.items():
        top, _, rest = rel.partition("/")
        if not rest:
            raise StoreError(f"new object files must be inside a version directory, not {rel}")
        grouped.setdefault(top, {})[rest] = data
    return grouped


def _tree_inodes(top: Path) -> dict[str, tuple[int, int]] | None:
    """Relative path → (device, inode) of every file and folder below ``top``."""
    found: dict[str, tuple[int, int]] = {}
    for dirpath, dirnames, filenames in os.walk(top):
        for name in dirnames:
            found[os.path.relpath(os.path.join(dirpath, name), top) + "/"] = (0, 0)
        for name in filenames:
            path = os.path.join(dirpath, name)
            try:
                st = os.lstat(path)
            except OSError:
                return None
            found[os.path.relpath(path, top)] = (st.st_dev, st.st_ino)
    return found


def _same_tree(live: Path, shadow: Path) -> bool:
    """Whether ``shadow`` holds hard links to exactly the files of ``live``."""
    if not live.is_dir():
        return False
    a, b = _tree_inodes(live), _tree_inodes(shadow)
    return a is not None and a == b


def _link_tree(source: Path, dest: Path) -> None:
    """Recreate ``source``'s directories under ``dest`` with hard links to its files. A
    symbolic link is linked as the link itself, never as what it points to, so the
    next state of an object holds the same link (which verify names), not a file
    shared with one outside the archive."""
    for dirpath, dirnames, filenames in os.walk(source):
        rel = os.path.relpath(dirpath, source)
        out = os.path.join(dest, rel) if rel != "." else str(dest)
        os.mkdir(out)
        links = [d for d in dirnames if os.path.islink(os.path.join(dirpath, d))]
        for name in [*filenames, *links]:
            os.link(os.path.join(dirpath, name), os.path.join(out, name), follow_symlinks=False)
