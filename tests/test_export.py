"""``redline export``: WACZ, WARC, BagIt, JSON Lines and SQLite, checked with the tools
archivists use (py-wacz, warcio, cdxj-indexer, pywb, bagit-python, ocfl-py, sqlite3).

The archive holds one article in three versions, captured as a watch would meet them:
directly, through a link with tracking parameters, and after the site moved the
article (a 301 to its new address), and a second article."""

from __future__ import annotations

import gzip
import json
import sqlite3
import subprocess
import sys
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from click.testing import Result
from warcio.archiveiterator import ArchiveIterator

from redline.archive.capture import record_capture
from redline.archive.fetch.client import Fetcher
from redline.archive.ocfl.archive import Archive
from tests.conftest import ocfl_problems
from tests.support.http_server import LocalHTTPServer, Route
from tests.support.pywb import Pywb

Run = Callable[..., Result]
BIN = Path(sys.executable).parent
T1 = datetime(2026, 1, 5, 9, 0, 0, tzinfo=timezone.utc)
T2 = datetime(2026, 1, 6, 9, 0, 0, tzinfo=timezone.utc)
T3 = datetime(2026, 1, 7, 9, 0, 0, tzinfo=timezone.utc)
SENTENCES = (
    "The council approved the flood barrier by seven votes to two on Monday night.",
    "The council approved the flood barrier by six votes to three on Monday night.",
    "The council delayed the flood barrier vote until the engineers report in spring.",
)


def page(title: str, lead: str) -> str:
    body = "".join(
        f"<p>Paragraph {n}: engineers say the barrier needs two more years of work and "
        "more money than the town has set aside for it so far.</p>"
        for n in range(4)
    )
    return (
        f"<html><head><title>{title}</title></head><body><article><h1>{title}</h1>"
        f"<p>{lead}</p>{body}</article></body></html>"
    )


def tool(name: str) -> str:
    path = BIN / name
    if not path.exists():
        pytest.skip(f"{name} is not installed (it is in the test extra)")
    return str(path)


@dataclass
class Built:
    archive_dir: Path
    article: str  # the article's id
    moved: str  # where the site moved it
    other: str
    pages: tuple[bytes, bytes, bytes]


@pytest.fixture
def built(http_server: LocalHTTPServer, archive_dir: Path) -> Built:
    archive = Archive.open(str(archive_dir), create=True)
    article = http_server.url("/news/barrier")
    moved = http_server.url("/news/2026/barrier")
    other = http_server.route("/news/bridge", Route(body=page("Bridge reopens", SENTENCES[0])))
    pages = tuple(page("Barrier vote", s).encode() for s in SENTENCES)

    def capture_at(url: str, when: datetime) -> None:
        with Fetcher() as fetcher:
            capture = fetcher.fetch(url)
        hops = tuple(replace(h, fetched_at=when - timedelta(seconds=1)) for h in capture.redirects)
        record_capture(archive, replace(capture, fetched_at=when, redirects=hops))

    http_server.route("/news/barrier", Route(body=pages[0]))
    capture_at(article, T1)
    http_server.route("/news/barrier", Route(body=pages[1]))
    capture_at(article + "?utm_source=newsletter&utm_medium=email", T2)
    http_server.route("/news/barrier", Route.redirect("/news/2026/barrier", status=301))
    http_server.route("/news/2026/barrier", Route(body=pages[2]))
    capture_at(article, T3)
    capture_at(other, T2)
    assert [v.number for v in archive.versions(article)] == [1, 2, 3]
    return Built(archive_dir, article, moved, other, (pages[0], pages[1], pages[2]))


def stamp(when: datetime) -> str:
    return when.strftime("%Y%m%d%H%M%S")


# -- tables --------------------------------------------------------------------------


def test_jsonl_has_a_row_per_version_and_per_change(
    redline: Run, built: Built, tmp_path: Path
) -> None:
    out = tmp_path / "export.jsonl"
    result = redline("export", "--format", "jsonl", "--output", str(out))
    assert result.exit_code == 0, result.output
    assert "exported 4 versions of 2 articles" in result.stderr
    summary = redline("export", "--json", "--format", "jsonl", "-o", str(tmp_path / "2.jsonl"))
    assert json.loads(summary.stdout) == {
        "output": str(tmp_path / "2.jsonl"),
        "format": "jsonl",
        "versions": 4,
        "articles": 2,
    }
    rows = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    versions = [r for r in rows if r["kind"] == "version" and r["url"] == built.article]
    assert [(r["version"], r["captured_at"]) for r in versions] == [
        (1, "2026-01-05T09:00:00Z"),
        (2, "2026-01-06T09:00:00Z"),
        (3, "2026-01-07T09:00:00Z"),
    ]
    assert versions[0]["severity"] == "none" and versions[0]["reasons"] == ["first capture"]
    assert SENTENCES[2] in versions[2]["body"] and versions[2]["title"] == "Barrier vote"
    # The verdict is redline log's.
    log = redline("log", "--json", built.article)
    graded = [json.loads(line) for line in log.stdout.splitlines()]
    for row, entry in zip(versions, graded, strict=True):
        for key in ("severity", "stealth", "reasons", "inserted_words", "deleted_words"):
            assert row[key] == entry[key], key
    changes = [r for r in rows if r["kind"] == "change" and r["url"] == built.article]
    assert {"version": 2, "field": "body", "deleted": "seven", "inserted": "six"} in [
        {k: c[k] for k in ("version", "field", "deleted", "inserted")} for c in changes
    ]
    assert {c["version"] for c in changes} == {2, 3}


def test_sqlite_is_browsable_with_full_text_search(
    redline: Run, built: Built, tmp_path: Path
) -> None:
    out = tmp_path / "export.db"
    result = redline("export", "--format", "sqlite", "-o", str(out), "--url", built.article)
    assert result.exit_code == 0, result.output
    db = sqlite3.connect(out)
    rows = db.execute("SELECT version, severity, stealth, reasons FROM versions ORDER BY version")
    versions = rows.fetchall()
    assert [v[0] for v in versions] == [1, 2, 3]
    assert all(isinstance(json.loads(v[3]), list) for v in versions)
    found = db.execute(
        "SELECT versions.version FROM versions_fts JOIN versions ON versions.rowid = "
        "versions_fts.rowid WHERE versions_fts MATCH 'delayed'"
    ).fetchall()
    assert found == [(3,)]
    joined = db.execute(
        "SELECT versions.version, changes.deleted, changes.inserted FROM changes "
        "JOIN versions ON versions.id = changes.version_id WHERE changes.field = 'body'"
    ).fetchall()
    assert (2, "seven", "six") in joined
    assert db.execute("PRAGMA foreign_key_list(changes)").fetchall()[0][2] == "versions"


def test_since_and_until_choose_versions(redline: Run, built: Built, tmp_path: Path) -> None:
    out = tmp_path / "window.jsonl"
    result = redline(
        "export",
        "--format",
        "jsonl",
        "-o",
        str(out),
        "--since",
        "2026-01-06T00:00:00Z",
        "--until",
        "2026-01-06T23:59:59Z",
    )
    assert result.exit_code == 0, result.output
    rows = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    versions = sorted((r["url"], r["version"]) for r in rows if r["kind"] == "version")
    assert versions == [(built.article, 2), (built.other, 1)]
    # Version 2 is still graded against version 1, which is not exported.
    (v2,) = [r for r in rows if r["kind"] == "version" and r["url"] == built.article]
    assert v2["inserted_words"] == 2  # seven → six, two → three


@pytest.mark.parametrize(
    ("args", "needle"),
    [
        (["--since", "2027-01-01"], "nothing to export"),
        (["--since", "2026-02-01", "--until", "2026-01-01"], "--since"),
        (["--url", "http://127.0.0.1:9/unknown"], "no article"),
        (["--since", "yesterday-ish"], "--since"),
    ],
)
def test_bad_selections_write_nothing(
    redline: Run, built: Built, tmp_path: Path, args: list[str], needle: str
) -> None:
    out = tmp_path / "out.jsonl"
    result = redline("export", "--format", "jsonl", "-o", str(out), *args)
    assert result.exit_code != 0
    assert needle in result.stderr and "Traceback" not in result.output
    assert len(result.stderr.strip().splitlines()) == 1
    assert list(tmp_path.glob("*out.jsonl*")) == []


def test_an_existing_output_is_not_overwritten(redline: Run, built: Built, tmp_path: Path) -> None:
    out = tmp_path / "keep.wacz"
    out.write_bytes(b"mine")
    result = redline("export", "--format", "wacz", "-o", str(out))
    assert result.exit_code == 2 and "already exists" in result.stderr
    assert out.read_bytes() == b"mine"


# -- bag -------------------------------------------------------------------------------


def test_bagit_bag_of_the_objects_validates(redline: Run, built: Built, tmp_path: Path) -> None:
    import bagit

    out = tmp_path / "bag"
    result = redline("export", "--format", "bagit", "-o", str(out), "--url", built.other)
    assert result.exit_code == 0, result.output
    bag = bagit.Bag(str(out))
    bag.validate()  # raises on any missing file or wrong digest
    assert set(bag.algorithms) == {"sha256", "sha512"}
    root = out / "data" / "ocfl"
    assert ocfl_problems(root) == []
    objects = [p.parent for p in root.rglob("0=ocfl_object_1.1")]
    assert len(objects) == 1  # only the article asked for
    checked = subprocess.run(
        [tool("bagit.py"), "--validate", str(out)], capture_output=True, text=True, timeout=60
    )
    assert checked.returncode == 0, checked.stderr


# -- WARC and WACZ, replayed -------------------------------------------------------------


def test_combined_warc_is_valid_and_indexable(redline: Run, built: Built, tmp_path: Path) -> None:
    out = tmp_path / "export.warc.gz"
    result = redline("export", "--format", "warc", "-o", str(out))
    assert result.exit_code == 0, result.output
    checked = subprocess.run([tool("warcio"), "check", str(out)], capture_output=True, text=True)
    assert checked.returncode == 0, checked.stdout + checked.stderr
    with out.open("rb") as handle:  # one gzip member per record
        members = [it for it in ArchiveIterator(handle)]
    assert len(members) == len(gzip.decompress(out.read_bytes()).split(b"\r\nWARC-Type: ")) - 1
    index = subprocess.run(
        [tool("cdxj-indexer"), str(out)], capture_output=True, text=True, check=True
    ).stdout.splitlines()
    article_lines = [line for line in index if line.split(" ")[0].endswith(")/news/barrier")]
    assert sorted(line.split(" ")[1] for line in article_lines) == [
        stamp(T1),
        stamp(T2),
        stamp(T3 - timedelta(seconds=1)),  # the 301 the article answered with
    ]


@pytest.mark.e2e
def test_wacz_validates_and_replays_every_version_in_pywb(
    redline: Run, built: Built, tmp_path: Path
) -> None:
    out = tmp_path / "export.wacz"
    result = redline("export", "--format", "wacz", "-o", str(out))
    assert result.exit_code == 0, result.output
    validated = subprocess.run(
        [tool("wacz"), "validate", "-f", str(out)], capture_output=True, text=True, timeout=300
    )
    assert validated.returncode == 0, validated.stdout + validated.stderr
    assert "is valid" in validated.stdout
    with zipfile.ZipFile(out) as wacz:
        assert all(info.compress_type == zipfile.ZIP_STORED for info in wacz.infolist())
        names = wacz.namelist()
        pages = [json.loads(line) for line in wacz.read("pages/pages.jsonl").splitlines()]
    assert "indexes/index.cdx" in names and "datapackage.json" in names
    assert sum(n.startswith("archive/") and n.endswith("-v3.warc.gz") for n in names) == 1
    assert pages[0]["format"] == "json-pages-1.0"
    assert sorted((p["url"], p["ts"]) for p in pages[1:] if p["url"] == built.article) == [
        (built.article, "2026-01-05T09:00:00Z"),
        (built.article, "2026-01-06T09:00:00Z"),
        (built.article, "2026-01-07T09:00:00Z"),
    ]

    with Pywb(tmp_path / "pywb") as wayback:
        wayback.add("redline", out, wacz=True)
        wayback.start()
        # Every version replays under the article's URL at its own time, byte for byte.
        for when, body in [(T1, built.pages[0]), (T2, built.pages[1])]:
            status, _, got = wayback.get(f"/redline/{stamp(when)}id_/{built.article}")
            assert (status, got) == (200, body), when
        # The article had moved by the third: the redirect answers as a redirect...
        status, headers, _ = wayback.get(f"/redline/{stamp(T3)}id_/{built.article}")
        assert status == 301
        assert headers["Location"].endswith("/news/2026/barrier")
        # ...to the page as it was then.
        status, _, got = wayback.get(f"/redline/{stamp(T3)}id_/{built.moved}")
        assert (status, got) == (200, built.pages[2])
