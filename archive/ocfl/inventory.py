"""OCFL 1.1 objects: storage-root declaration, the 0003 layout, inventories, versions.

Pure functions over plain dicts and bytes; the store does the I/O. Specification:
https://ocfl.io/1.1/spec/ and storage layout extension
0003-hash-and-id-n-tuple-storage-layout.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from functools import cached_property
from typing import Any

from redline.archive.core.times import iso

ROOT_NAMASTE = "0=ocfl_1.1"
OBJECT_NAMASTE = "0=ocfl_object_1.1"
INVENTORY = "inventory.json"
SIDECAR = "inventory.json.sha512"
INVENTORY_TYPE = "https://ocfl.io/1.1/spec/#inventory"
CONTENT_DIR = "content"
DIGEST = "sha512"

LAYOUT_NAME = "0003-hash-and-id-n-tuple-storage-layout"
LAYOUT_CONFIG: dict[str, Any] = {
    "extensionName": LAYOUT_NAME,
    "digestAlgorithm": "sha256",
    "tupleSize": 3,
    "numberOfTuples": 3,
}


def sha512(data: bytes) -> str:
    return hashlib.sha512(data).hexdigest()


def dump_json(data: Any) -> bytes:
    """Stable, readable JSON bytes (sorted keys, two-space indent, final newline)."""
    return (json.dumps(data, indent=2, sort_keys=True, ensure_ascii=False) + "\n").encode()


def dump_inventory(inventory: Any) -> bytes:
    """Inventory bytes: sorted keys on one line (it grows with every version, and the
    compact form is written by the C encoder; ``jq . inventory.json`` pretty-prints it)."""
    return (json.dumps(inventory, sort_keys=True, ensure_ascii=False) + "\n").encode()


# -- storage root ---------------------------------------------------------------------
def storage_root_files() -> dict[str, bytes]:
    """The files that declare an OCFL 1.1 storage root using the 0003 layout."""
    return {
        ROOT_NAMASTE: b"ocfl_1.1\n",
        "ocfl_layout.json": dump_json(
            {
                "extension": LAYOUT_NAME,
                "description": "Hashed Truncated N-tuple Trees with Object ID "
                "Encapsulating Directory for OCFL Storage Hierarchies",
            }
        ),
        f"extensions/{LAYOUT_NAME}/config.json": dump_json(LAYOUT_CONFIG),
    }


def _encapsulation_dir(object_id: str, digest: str) -> str:
    out = []
    for ch in object_id:
        if ch.isascii() and (ch.isalnum() or ch in "-_"):
            out.append(ch)
        else:
            out.extend(f"%{b:02x}" for b in ch.encode("utf-8"))
    encoded = "".join(out)
    if len(encoded) > 100:
        return f"{encoded[:100]}-{digest}"
    return encoded


def object_path(object_id: str) -> str:
    """The object's root relative to the storage root (layout 0003, sha256, 3 x 3)."""
    digest = hashlib.sha256(object_id.encode("utf-8")).hexdigest()
    tuples = [digest[i * 3 : i * 3 + 3] for i in range(3)]
    return "/".join([*tuples, _encapsulation_dir(object_id, digest)])


# -- inventories -------------------------------------------------------------------------
def version_name(number: int) -> str:
    return f"v{number}"


def version_number(name: str) -> int:
    return int(name[1:])


def empty_inventory(object_id: str) -> dict[str, Any]:
    return {
        "id": object_id,
        "type": INVENTORY_TYPE,
        "digestAlgorithm": DIGEST,
        "contentDirectory": CONTENT_DIR,
        "head": "v0",
        "manifest": {},
        "versions": {},
    }


@dataclass
class NewVersion:
    """What to write for a new version: content files, and the new inventory."""

    number: int
    inventory: dict[str, Any]
    content: dict[str, bytes]  # paths relative to the object root

    @cached_property
    def inventory_bytes(self) -> bytes:
        return dump_inventory(self.inventory)

    def files(self) -> dict[str, bytes]:
        """Content, then the version directory's inventory and sidecar."""
        inv_bytes = self.inventory_bytes
        vdir = version_name(self.number)
        files = dict(self.content)
        files[f"{vdir}/{INVENTORY}"] = inv_bytes
        files[f"{vdir}/{SIDECAR}"] = sidecar(inv_bytes)
        return files

    def root_files(self) -> dict[str, bytes]:
        inv_bytes = self.inventory_bytes
        return {
            OBJECT_NAMASTE: b"ocfl_object_1.1\n",
            INVENTORY: inv_bytes,
            SIDECAR: sidecar(inv_bytes),
        }


def sidecar(inventory_bytes: bytes) -> bytes:
    return f"{sha512(inventory_bytes)} {INVENTORY}\n".encode()


def add_version(
    inventory: Mapping[str, Any],
    files: Mapping[str, bytes],
    *,
    created: datetime,
    message: str,
    user_name: str,
    user_address: str | None = None,
) -> NewVersion:
    """The next version of ``inventory`` holding exactly ``files`` (logical path → bytes).

    Content already in the manifest (same sha512) is referenced, not stored again.
    """
    inv = json.loads(json.dumps(inventory))  # deep copy
    number = version_number(inv["head"]) + 1
    vdir = version_name(number)
    manifest: dict[str, list[str]] = inv["manifest"]
    state: dict[str, list[str]] = {}
    content: dict[str, bytes] = {}
    for logical, data in sorted(files.items()):
        digest = sha512(data)
        state.setdefault(digest, []).append(logical)
        if digest not in manifest:
            path = f"{vdir}/{CONTENT_DIR}/{logical}"
            manifest[digest] = [path]
            content[path] = data
    user: dict[str, str] = {"name": user_name}
    if user_address:
        user["address"] = user_address
    inv["versions"][vdir] = {
        "created": iso(created),
        "message": message,
        "user": user,
        "state": state,
    }
    inv["head"] = vdir
    return NewVersion(number=number, inventory=inv, content=content)


def parse_inventory(data: bytes) -> dict[str, Any]:
    """Load an inventory, raising ValueError when it is not one."""
    inv = json.loads(data)
    if not isinstance(inv, dict):
        raise ValueError("inventory is not a JSON object")
    for key in ("id", "head", "manifest", "versions", "digestAlgorithm"):
        if key not in inv:
            raise ValueError(f"inventory has no {key!r}")
    if inv["digestAlgorithm"] not in ("sha512", "sha256"):
        raise ValueError(f"unsupported digestAlgorithm {inv['digestAlgorithm']!r}")
    _check_shape(inv)
    return inv


def _is_digest_map(value: Any) -> bool:
    return isinstance(value, dict) and all(
        isinstance(k, str) and isinstance(v, list) and all(isinstance(p, str) for p in v)
        for k, v in value.items()
    )


def _check_shape(inv: dict[str, Any]) -> None:
    """Raise ValueError unless the inventory has the structure redline relies on."""
    if not isinstance(inv["id"], str) or not isinstance(inv["versions"], dict):
        raise ValueError("inventory id or versions malformed")
    head = inv["head"]
    if not isinstance(head, str) or not re.fullmatch(r"v[1-9][0-9]*", head):
        raise ValueError(f"head {head!r} is not a version name")
    expected = [version_name(n) for n in range(1, version_number(head) + 1)]
    if sorted(inv["versions"], key=lambda v: (len(v), v)) != expected:
        raise ValueError(f"versions are not v1 to {head}")
    if not _is_digest_map(inv["manifest"]):
        raise ValueError("manifest is malformed")
    for name, version in inv["versions"].items():
        if not isinstance(version, dict) or not _is_digest_map(version.get("state")):
            raise ValueError(f"version {name} has no valid state")
        if not isinstance(version.get("created"), str):
            raise ValueError(f"version {name} has no created time")
        missing = [d for d in version["state"] if d not in inv["manifest"]]
        if missing:
            raise ValueError(f"version {name} names content missing from the manifest")


def file_in_version(inventory: Mapping[str, Any], number: int, logical: str) -> str | None:
    """The content path (relative to the object root) of ``logical`` in a version."""
    version = inventory["versions"].get(version_name(number))
    if version is None:
        return None
    for digest, paths in version["state"].items():
        if logical in paths:
            return str(inventory["manifest"][digest][0])
    return None


def digest_of(inventory: Mapping[str, Any], number: int, logical: str) -> str | None:
    version = inventory["versions"].get(version_name(number))
    if version is None:
        return None
    for digest, paths in version["state"].items():
        if logical in paths:
            return str(digest)
    return None
