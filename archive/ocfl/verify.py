"""Check an archive against its own manifests: every digest recomputed, every rule checked.

Problems are collected, not raised, so one run reports all of them, one line each.
What a capture killed mid-way leaves in a store with partial commits (S3, where a
version's keys are written one by one) is a note, not a problem: files in the version
directory above an object's head, the files of a first version whose object has no root
inventory yet, or a root sidecar one step behind a root inventory that the head
version's own inventory and sidecar vouch for. No inventory references these files; the
next capture of the article removes or repairs them. In a folder archive, published
whole by a directory exchange, they cannot come from redline and stay problems.
"""

from __future__ import annotations

import io
import json
import re
from bisect import bisect_left
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

from warcio.archiveiterator import ArchiveIterator

from redline.archive.core import layout
from redline.archive.core.errors import ArchiveError, KeyMissing, NotAFile
from redline.archive.ocfl import inventory as ocfl
from redline.archive.ocfl.archive import ARTICLE_JSON, CAPTURE_WARC, Archive

LEFTOVER = "leftover of an interrupted capture; the next capture of this article removes it"
#: An object root in layout 0003 (three tuples of three hex digits, then the encoded id)
#: and a version directory below it.
_VERSION_KEY = re.compile(r"^(.+/[0-9a-f]{3}/[0-9a-f]{3}/[0-9a-f]{3}/[^/]+)/(v[1-9][0-9]*)/")


@dataclass
class VerifyReport:
    objects: int = 0
    versions: int = 0
    files: int = 0
    problems: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def sound(self) -> bool:
        return not self.problems


def verify_archive(archive: Archive, jobs: int = 1) -> VerifyReport:
    """Check every object of the archive. The archive is listed once; each object is
    checked against its own slice of that listing, so the cost grows linearly with the
    archive. ``jobs`` objects are checked at once (reads from S3 wait on the network);
    the report lists problems in the same order whatever ``jobs`` is."""
    report = VerifyReport()
    store = archive.store
    prefix = layout.OCFL_ROOT + "/"
    keys = sorted(store.list(prefix))
    if not keys and not any(state.head for state in archive.states().states()):
        # Nothing was ever stored here (a folder left by a failed first capture, or a
        # watch run that met only blocked pages): no archive, not a damaged one.
        raise ArchiveError(
            f"no archive at {archive.location}: nothing is stored there yet; capture a page "
            "first, or pass --archive with the archive's folder or s3://BUCKET/PREFIX"
        )
    if not keys:
        report.problems.append(f"{archive.location}: no OCFL storage root ({prefix} is empty)")
        return report
    key_set = set(keys)
    root_keys = {prefix + name for name in ocfl.storage_root_files()}
    if store.partial_commits and key_set < root_keys and prefix + ocfl.ROOT_NAMASTE not in keys:
        report.notes.append(
            f"{prefix}: {_files(len(keys))} of a storage root declaration, "
            "leftover of an interrupted capture; the next capture completes it"
        )
        return report
    _check_root(archive, key_set, report)
    roots = sorted(k[: -len(ocfl.OBJECT_NAMASTE) - 1] for k in keys if _is_object_namaste(k))
    slices = _object_slices(keys, roots)

    def check(root: str) -> VerifyReport:
        own = VerifyReport(objects=1)
        own.problems.extend(_check_object(archive, root, slices[root], own))
        return own

    claimed = set(root_keys)
    if jobs > 1 and len(roots) > 1:
        with ThreadPoolExecutor(max_workers=jobs) as pool:
            checked = list(pool.map(check, roots))
    else:
        checked = [check(root) for root in roots]
    for root, own in zip(roots, checked, strict=True):
        claimed.update(slices[root])
        report.objects += own.objects
        report.versions += own.versions
        report.files += own.files
        report.problems.extend(own.problems)
        report.notes.extend(own.notes)
    stray = [k for k in keys if k not in claimed and not k.startswith(prefix + "extensions/")]
    unfinished: dict[str, int] = {}
    for key in stray:
        match = _VERSION_KEY.match(key) if store.partial_commits else None
        if match and match.group(1).startswith(prefix) and match.group(2) == "v1":
            unfinished[f"{match.group(1)}/v1/"] = unfinished.get(f"{match.group(1)}/v1/", 0) + 1
        else:
            report.problems.append(f"{key}: file outside any OCFL object")
    for directory, count in sorted(unfinished.items()):
        report.notes.append(f"{directory}: {_files(count)} of a first version, {LEFTOVER}")
    return report


def _object_slices(keys: list[str], roots: list[str]) -> dict[str, set[str]]:
    """Each object root's keys, from the sorted listing: they sit side by side in it,
    found by bisection rather than by scanning the listing once per object."""
    slices: dict[str, set[str]] = {}
    for root in roots:
        start = bisect_left(keys, root + "/")
        end = bisect_left(keys, root + "0")  # "0" is the character after "/"
        slices[root] = set(keys[start:end])
    return slices


def _files(count: int) -> str:
    return f"{count} file" if count == 1 else f"{count} files"


def _leftovers(
    root: str, keys: set[str], expected: set[str], above: int
) -> tuple[dict[str, int], list[str]]:
    """Keys no inventory claims: those in version directories numbered above ``above``
    (counted per directory), and the rest."""
    leftovers: dict[str, int] = {}
    others: list[str] = []
    for key in sorted(keys):
        if key in expected:
            continue
        match = _VERSION_KEY.match(key)
        if match and match.group(1) == root and ocfl.version_number(match.group(2)) > above:
            directory = f"{root}/{match.group(2)}/"
            leftovers[directory] = leftovers.get(directory, 0) + 1
        else:
            others.append(key)
    return leftovers, others


def _is_object_namaste(key: str) -> bool:
    return key.endswith("/" + ocfl.OBJECT_NAMASTE)


def _check_root(archive: Archive, keys: set[str], report: VerifyReport) -> None:
    prefix = layout.OCFL_ROOT + "/"
    for name, expected in ocfl.storage_root_files().items():
        key = prefix + name
        if key not in keys:
            report.problems.append(f"{key}: missing from the storage root")
        elif name == ocfl.ROOT_NAMASTE and archive.store.read(key) != expected:
            report.problems.append(f"{key}: not an OCFL 1.1 root declaration")


def _check_object(
    archive: Archive, root: str, keys: set[str], report: VerifyReport
) -> Iterator[str]:
    store = archive.store
    if store.read(f"{root}/{ocfl.OBJECT_NAMASTE}") != b"ocfl_object_1.1\n":
        yield f"{root}/{ocfl.OBJECT_NAMASTE}: not an OCFL 1.1 object declaration"
    try:
        inv_bytes = store.read(f"{root}/{ocfl.INVENTORY}")
        inventory = ocfl.parse_inventory(inv_bytes)
    except KeyMissing:
        leftovers, others = _leftovers(root, keys, {f"{root}/{ocfl.OBJECT_NAMASTE}"}, 0)
        if others or not leftovers or not store.partial_commits:
            yield f"{root}: object has no inventory.json"
            return
        count = sum(leftovers.values()) + 1
        report.notes.append(f"{root}: {_files(count)} of a first version, {LEFTOVER}")
        return
    except ValueError as exc:
        yield f"{root}/{ocfl.INVENTORY}: not a valid inventory ({exc})"
        return
    object_id = inventory["id"]
    where = f"{object_id} ({root})"
    sidecar_problems = list(_check_sidecar(store.read, root, inv_bytes))
    if (
        sidecar_problems
        and store.partial_commits
        and _vouched_by_head_version(store.read, root, inventory, inv_bytes)
    ):
        report.notes.append(
            f"{root}/{ocfl.SIDECAR}: one step behind the inventory, which "
            f"{inventory['head']}/{ocfl.INVENTORY} vouches for (an interrupted capture); "
            "the next capture or read of this article rewrites it"
        )
    else:
        yield from sidecar_problems
    if f"{layout.OCFL_ROOT}/{ocfl.object_path(object_id)}" != root:
        yield f"{where}: object is not where layout {ocfl.LAYOUT_NAME} puts its id"
    expected_keys = {f"{root}/{n}" for n in (ocfl.OBJECT_NAMASTE, ocfl.INVENTORY, ocfl.SIDECAR)}
    head = ocfl.version_number(inventory["head"])
    names = sorted(inventory["versions"], key=ocfl.version_number)
    if names != [ocfl.version_name(n) for n in range(1, head + 1)]:
        yield f"{where}: versions {', '.join(names)} are not v1 to {inventory['head']}"
    for name in names:
        report.versions += 1
        vinv = f"{root}/{name}/{ocfl.INVENTORY}"
        expected_keys.update({vinv, vinv + ".sha512"})
        if vinv in keys:
            data = store.read(vinv)
            yield from _check_sidecar(store.read, f"{root}/{name}", data)
            if name == inventory["head"] and data != inv_bytes:
                yield f"{where} {name}: version inventory differs from the root inventory"
        else:
            yield f"{where} {name}: inventory.json missing"
        for digest in inventory["versions"][name]["state"]:
            if digest not in inventory["manifest"]:
                yield f"{where} {name}: state digest {digest[:16]}... not in the manifest"
    for digest, paths in inventory["manifest"].items():
        for path in paths:
            key = f"{root}/{path}"
            expected_keys.add(key)
            report.files += 1
            try:
                data = store.read(key)
            except NotAFile:
                yield f"{where} {path}: a symbolic link, not a file of the archive"
                continue
            except KeyMissing:
                yield f"{where} {path}: missing"
                continue
            if ocfl.sha512(data) != digest:
                yield f"{where} {path}: sha512 does not match the inventory"
                continue
            if path.endswith("/" + CAPTURE_WARC):
                yield from (f"{where} {path}: {p}" for p in _warc_problems(data))
            elif path.endswith("/" + ARTICLE_JSON):
                try:
                    json.loads(data)
                except ValueError:
                    yield f"{where} {path}: not valid JSON"
    leftovers, others = (
        _leftovers(root, keys, expected_keys, head)
        if store.partial_commits
        else ({}, sorted(k for k in keys if k not in expected_keys))
    )
    for directory, count in sorted(leftovers.items()):
        report.notes.append(f"{directory}: {_files(count)} above the head, {LEFTOVER}")
    for key in others:
        yield f"{key}: file not in the inventory of {object_id}"


def _vouched_by_head_version(
    read: Callable[[str], bytes], root: str, inventory: dict[str, Any], inv_bytes: bytes
) -> bool:
    """Whether the head version's inventory is ``inv_bytes`` and its sidecar matches."""
    directory = f"{root}/{inventory['head']}"
    try:
        if read(f"{directory}/{ocfl.INVENTORY}") != inv_bytes:
            return False
    except KeyMissing:
        return False
    return not list(_check_sidecar(read, directory, inv_bytes))


def _check_sidecar(read: Callable[[str], bytes], directory: str, inv_bytes: bytes) -> Iterator[str]:
    key = f"{directory}/{ocfl.SIDECAR}"
    try:
        fields = read(key).decode().split()
    except KeyMissing:
        yield f"{key}: missing"
        return
    if not fields or fields[0] != ocfl.sha512(inv_bytes):
        yield f"{directory}/{ocfl.INVENTORY}: sha512 does not match {ocfl.SIDECAR}"


def _warc_problems(data: bytes) -> list[str]:
    problems: list[str] = []
    try:
        records = 0
        iterator = ArchiveIterator(io.BytesIO(data), check_digests=True)
        for record in iterator:
            record.content_stream().read()
            records += 1
            checker = getattr(record, "digest_checker", None)
            if checker is not None and getattr(checker, "problems", None):
                problems.extend(str(p) for p in checker.problems)
        if records == 0:
            problems.append("WARC holds no records")
    except Exception as exc:  # noqa: BLE001 - any parse failure is a problem to report
        problems.append(f"unreadable WARC ({exc})")
    return problems
