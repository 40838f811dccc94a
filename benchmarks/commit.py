"""Publishing a version in a folder archive: does its cost grow with the versions?

Run: python benchmarks/commit.py [--versions 1,10,50,200] [--repeat 5]

For each count V, an object of V versions (each four content files of 2 KB and a
version inventory) gets ``--repeat`` more versions through the folder store's
``commit_object``; measured per commit: CPU and wall milliseconds, calls that flush to
disk (fsync, syncfs) and directory trees walked. The baseline, in the same run: the
same five files written into a new folder and renamed into place with the same two
flushes, which is what publishing a version costs when it has no history at all.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import sys
import tempfile
import time
import uuid
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import redline.archive.store.local as local  # noqa: E402
from redline.archive.store.local import LocalStore  # noqa: E402

calls: Counter[str] = Counter()


def _counting(name: str, func: Callable[..., Any]) -> Callable[..., Any]:
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        calls[name] += 1
        return func(*args, **kwargs)

    return wrapper


def version_files(n: int) -> dict[str, bytes]:
    files = {f"v{n}/content/{name}": os.urandom(2048) for name in ("a", "b", "c", "d")}
    files[f"v{n}/inventory.json"] = b"inventory %d" % n
    return files


def commit_costs(store: LocalStore, versions: int, repeat: int) -> tuple[float, float, Counter]:
    head = None
    for n in range(1, versions + 1):
        store.commit_object("obj", version_files(n), {"inventory.json": b"I%d" % n}, head)
        head = hashlib.sha512(b"I%d" % n).hexdigest()
    time.sleep(0.05)  # commits are more than a clock tick apart, as real ones are
    calls.clear()
    cpu, wall = time.process_time(), time.perf_counter()
    for n in range(versions + 1, versions + repeat + 1):
        store.commit_object("obj", version_files(n), {"inventory.json": b"I%d" % n}, head)
        head = hashlib.sha512(b"I%d" % n).hexdigest()
    return (time.process_time() - cpu) / repeat, (time.perf_counter() - wall) / repeat, calls.copy()


def baseline(folder: Path, repeat: int) -> tuple[float, float]:
    cpu, wall = time.process_time(), time.perf_counter()
    for n in range(repeat):
        staging = folder / uuid.uuid4().hex
        written = []
        for rel, data in version_files(n).items():
            path = staging / rel
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(data)
            written.append(path)
        local.flush_files(staging, written)
        os.rename(staging, folder / f"published-{n}")
        local._fsync_dir(folder)
    return (time.process_time() - cpu) / repeat, (time.perf_counter() - wall) / repeat


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--versions", default="1,10,50,200")
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    os.fsync = _counting("fsync", os.fsync)  # type: ignore[assignment]
    if local._syncfs is not None:
        local._syncfs = _counting("syncfs", local._syncfs)
    os.walk = _counting("walk", os.walk)  # type: ignore[assignment]
    with tempfile.TemporaryDirectory() as tmp:
        base_cpu, base_wall = baseline(Path(tmp), args.repeat)
        print(f"{'':28} {'CPU ms':>8} {'× base':>7} {'wall ms':>8} {'flushes':>8} {'walks':>6}")
        print(f"{'baseline (no history)':28} {1000 * base_cpu:8.2f} {1.0:7.2f} "
              f"{1000 * base_wall:8.2f} {2:8d} {0:6d}")  # fmt: skip
        for count in (int(v) for v in args.versions.split(",")):
            store = LocalStore(Path(tmp) / f"archive-{count}", create=True)
            cpu, wall, seen = commit_costs(store, count, args.repeat)
            flushes = (seen["fsync"] + seen["syncfs"]) / args.repeat
            label = f"commit after {count} versions"
            print(f"{label:28} {1000 * cpu:8.2f} {cpu / base_cpu:7.2f} {1000 * wall:8.2f} "
                  f"{flushes:8.1f} {seen['walk'] / args.repeat:6.1f}")  # fmt: skip


if __name__ == "__main__":
    main()
