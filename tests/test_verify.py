"""``redline verify`` lists the archive once and checks each object against its own
slice of the listing: the work per object does not grow with the archive, and checking
objects in parallel (``--jobs``) reports exactly what a serial run reports."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from click.testing import Result

from redline.archive.capture import capture_file
from redline.archive.core.times import parse_when
from redline.archive.ocfl.archive import Archive
from redline.archive.ocfl.verify import verify_archive
from redline.archive.store.local import LocalStore

Run = Callable[..., Result]


class CountingStore(LocalStore):
    """A folder store that counts the listings and reads verify makes."""

    def __init__(self, root: Path) -> None:
        super().__init__(root)
        self.calls: Counter[str] = Counter()

    def list(self, prefix: str = "") -> Iterator[str]:
        self.calls["list"] += 1
        return super().list(prefix)

    def read(self, key: str) -> bytes:
        self.calls["read"] += 1
        return super().read(key)


def build(folder: Path, example: dict[str, Any], articles: int) -> None:
    archive = Archive.open(str(folder), create=True)
    times = [parse_when(t) for t in example["times"]]
    for n in range(articles):
        url = f"{example['url']}-{n}"
        capture_file(archive, example["pages"][0], url, times[0])
        capture_file(archive, example["pages"][2], url, times[2])


def test_verify_reads_the_same_per_object_whatever_the_archive_size(
    example: dict[str, Any], tmp_path: Path
) -> None:
    reads = {}
    for size in (2, 5, 8):
        folder = tmp_path / f"archive-{size}"
        build(folder, example, size)
        store = CountingStore(folder)
        report = verify_archive(Archive(store))
        assert report.sound and report.objects == size
        assert store.calls["list"] == 1, "the archive is listed once"
        reads[size] = store.calls["read"]
    # Three more objects cost the same number of reads at 5 objects as at 2.
    assert reads[5] - reads[2] == reads[8] - reads[5] > 0


def test_parallel_verify_reports_what_a_serial_one_does(
    redline: Run, example: dict[str, Any], archive_dir: Path
) -> None:
    build(archive_dir, example, 5)
    warcs = sorted(archive_dir.glob("ocfl/**/capture.warc.gz"))
    warcs[1].write_bytes(b"not the capture")
    warcs[-1].unlink()
    serial = redline("verify")
    parallel = redline("verify", "--jobs", "4")
    assert serial.exit_code == parallel.exit_code == 4
    assert parallel.stdout == serial.stdout
    assert len(serial.stdout.splitlines()) == 2
    assert "sha512 does not match" in serial.stdout and "missing" in serial.stdout
    assert "5 objects, 10 versions" in parallel.stderr


def test_jobs_must_be_a_positive_count(redline: Run, example: dict[str, Any]) -> None:
    result = redline("verify", "--jobs", "0")
    assert result.exit_code == 2 and "--jobs" in result.stderr
