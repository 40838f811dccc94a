"""Captures per second: 200 successive versions of one article from local files.

Run: python benchmarks/capture.py [--versions 200]

Each version is the bundled example page with one figure changed, so every capture
stores a new OCFL version (extract, diff against the head, WARC, inventories, rename).
The baseline, measured in the same run over the same files, is bare lxml parsing
(lxml.html.document_fromstring): the least any capture has to do with a page.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

import lxml.html

from redline.archive.capture import capture_file
from redline.archive.demo import EXAMPLE_DIR, load_example
from redline.archive.ocfl.archive import Archive


def make_versions(folder: Path, count: int) -> list[Path]:
    template = (EXAMPLE_DIR / "v1.html").read_text(encoding="utf-8")
    paths = []
    for n in range(count):
        page = template.replace("More than 3,400 residents", f"More than {3400 + n:,} residents")
        path = folder / f"v{n:04d}.html"
        path.write_text(page, encoding="utf-8")
        paths.append(path)
    return paths


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--versions", type=int, default=200)
    args = parser.parse_args()
    url = load_example().url
    with tempfile.TemporaryDirectory() as tmp:
        pages = make_versions(Path(tmp), args.versions)
        blobs = [p.read_bytes() for p in pages]

        start = time.perf_counter()
        for blob in blobs:
            lxml.html.document_fromstring(blob)
        lxml_seconds = time.perf_counter() - start

        archive = Archive.open(str(Path(tmp) / "archive"), create=True)
        t0 = datetime(2026, 3, 14, tzinfo=timezone.utc)
        start = time.perf_counter()
        statuses = []
        for n, page in enumerate(pages):
            result = capture_file(archive, page, url, t0 + timedelta(minutes=n))
            statuses.append(result.status)
        capture_seconds = time.perf_counter() - start
    stored = sum(s != "unchanged" for s in statuses)
    n = len(pages)
    print(f"versions captured        {n} ({stored} stored as new OCFL versions)")
    print(
        f"redline capture          {n / capture_seconds:8.1f} captures/s "
        f"({1000 * capture_seconds / n:.1f} ms each)"
    )
    print(
        f"baseline: lxml parse     {n / lxml_seconds:8.1f} pages/s "
        f"({1000 * lxml_seconds / n:.2f} ms each)"
    )
    print(
        f"ratio                    capture takes {capture_seconds / lxml_seconds:.1f}x "
        "the time of a bare lxml parse"
    )


if __name__ == "__main__":
    main()
