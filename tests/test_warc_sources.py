"""``capture --warc`` keeps the source's records: a WARC made by wget is stored with its
record ids, its WARC-IP-Address and its warcinfo, redline's own records beside them."""

from __future__ import annotations

import gzip
import io
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import Result
from warcio.archiveiterator import ArchiveIterator

from tests.support.http_server import LocalHTTPServer, Route

pytestmark = pytest.mark.e2e

Run = Callable[..., Result]
WARCIO = Path(sys.executable).with_name("warcio")
PAGE = (
    "<html><head><title>Vote on the flood barrier</title></head><body><article>"
    "<h1>Vote on the flood barrier</h1>"
    + "".join(
        f"<p>Paragraph {n}: the council met on Monday to vote on the new flood barrier, "
        "which engineers say needs two more years and more money.</p>"
        for n in range(4)
    )
    + "</article></body></html>"
)


def wget_warc(tmp_path: Path, url: str) -> Path:
    """``url`` fetched by wget into ``crawl.warc.gz`` (redirects followed)."""
    wget = shutil.which("wget")
    if wget is None:
        pytest.skip("wget is not installed (.ci/run installs it)")
    subprocess.run(
        [wget, "-q", "--warc-file", str(tmp_path / "crawl"), "--no-warc-keep-log", "-O", "-", url],
        check=True,
        capture_output=True,
        timeout=60,
    )
    return tmp_path / "crawl.warc.gz"


def headers_of(data: bytes) -> list[dict[str, str]]:
    """Every record's WARC headers."""
    return [dict(record.rec_headers.headers) for record in ArchiveIterator(io.BytesIO(data))]


def test_a_wget_warc_is_stored_with_its_own_records(
    redline: Run, http_server: LocalHTTPServer, archive_dir: Path, tmp_path: Path
) -> None:
    http_server.route("/story", Route(body=PAGE))
    http_server.route("/old", Route.redirect("/story", status=301))
    crawl = wget_warc(tmp_path, http_server.url("/old"))
    source = headers_of(crawl.read_bytes())
    kept = [h for h in source if h["WARC-Type"] in ("warcinfo", "request", "response")]
    assert len(kept) == 5  # wget's warcinfo, and two exchanges: the 301 and the page

    result = redline("capture", "--warc", str(crawl))
    assert result.exit_code == 0, result.output
    assert result.stdout.split()[0] == "new"

    (stored,) = archive_dir.rglob("capture.warc.gz")
    records = headers_of(stored.read_bytes())
    by_id = {h["WARC-Record-ID"]: h for h in records}
    for record in kept:  # byte for byte: ids, addresses, dates, digests
        assert by_id[record["WARC-Record-ID"]] == record
    responses = [h for h in records if h["WARC-Type"] == "response"]
    assert {h["WARC-IP-Address"] for h in responses} == {"127.0.0.1"}
    ours = [h for h in records if h["WARC-Record-ID"] not in {k["WARC-Record-ID"] for k in kept}]
    assert [h["WARC-Type"] for h in ours] == ["warcinfo", "metadata"]
    page = [h for h in responses if h["WARC-Target-URI"] == http_server.url("/story")]
    assert ours[1]["WARC-Refers-To"] == page[0]["WARC-Record-ID"]
    assert b"software: Wget/" in gzip.decompress(stored.read_bytes())
    checked = subprocess.run([str(WARCIO), "check", str(stored)], capture_output=True, text=True)
    assert checked.returncode == 0, checked.stdout + checked.stderr
    # The page reads back from the copied records.
    shown = redline("show", http_server.url("/old"))
    assert shown.exit_code == 0 and "Paragraph 3" in shown.stdout


def test_records_naming_a_secret_are_written_anew(
    redline: Run, http_server: LocalHTTPServer, archive_dir: Path, tmp_path: Path
) -> None:
    url = http_server.route("/story", Route(body=PAGE)) + "?token=TOKEN-8f3a"
    crawl = wget_warc(tmp_path, url)
    source_ids = {h["WARC-Record-ID"] for h in headers_of(crawl.read_bytes())}
    result = redline("capture", "--warc", str(crawl))
    assert result.exit_code == 0, result.output
    (stored,) = archive_dir.rglob("capture.warc.gz")
    assert b"TOKEN-8f3a" not in gzip.decompress(stored.read_bytes())
    assert not source_ids & {h["WARC-Record-ID"] for h in headers_of(stored.read_bytes())}
