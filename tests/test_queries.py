"""``redline changes`` and ``redline search``: questions across the whole archive, from
a query index that is rebuilt when missing or stale and updated article by article."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from redline.archive.ocfl.archive import Archive
from redline.archive.queries import Refreshed, list_changes, open_index, search
from redline.cli.main import cli
from tests.support.newsroom import Newsroom
from tests.support.pages import capture_page
from tests.support.seaweed import SeaweedS3

Run = Callable[..., Result]

FLOOD = "https://ledger.example/news/flood"
BUDGET = "https://www.gazette.example/news/budget"
FERRY = "https://news.gazette.example/ferry"

LEDE = "The river crested at 31 feet on Thursday, the county said in a statement."
QUOTE = "We were not ready for this, the mayor said at a news conference on Friday."


def _json(result: Result) -> list[dict]:
    assert result.exit_code == 0, result.stderr
    return [json.loads(line) for line in result.stdout.splitlines()]


@pytest.fixture
def archive(archive_dir: Path, tmp_path: Path) -> Archive:
    """Three articles: FLOOD stealth-edited then corrected, BUDGET edited with its
    modified date moved on, FERRY captured once."""
    archive = Archive.open(str(archive_dir), create=True)
    pages = tmp_path / "pages"
    capture_page(archive, pages, FLOOD, "2026-11-20T08:00:00Z", "River crests", [LEDE, QUOTE])
    capture_page(
        archive, pages, FLOOD, "2026-11-21T09:00:00Z", "River crests", [LEDE.replace("31", "29")]
    )
    capture_page(
        archive,
        pages,
        BUDGET,
        "2026-11-22T10:00:00Z",
        "Budget passes",
        ["The vote was 7 to 2."],
        modified="2026-11-22T09:00:00Z",
    )
    capture_page(
        archive,
        pages,
        BUDGET,
        "2026-11-23T10:00:00Z",
        "Budget passes",
        ["The vote was 7 to 2.", "Two members were absent from the meeting on Monday."],
        modified="2026-11-23T09:00:00Z",
    )
    capture_page(archive, pages, FERRY, "2026-11-24T10:00:00Z", "Ferry returns", ["It sails."])
    return archive


def test_changes_lists_every_articles_changes_newest_first(redline: Run, archive: Archive) -> None:
    rows = _json(redline("changes", "--json"))
    assert [(r["url"], r["version"]) for r in rows] == [(BUDGET, 2), (FLOOD, 2)]
    budget, flood = rows
    assert flood["stealth"] is True and flood["severity"] == "major"
    assert "number changed: 31 → 29" in flood["reasons"]
    assert budget["stealth"] is False and budget["title"] == "Budget passes"
    # Graded exactly as redline log grades the same version.
    for row in rows:
        logged = _json(redline("log", row["url"], "--json"))[-1]
        for key in ("severity", "stealth", "reasons", "inserted_words", "deleted_words"):
            assert row[key] == logged[key], key


def test_changes_filters(redline: Run, archive: Archive) -> None:
    def urls(*args: str) -> list[str]:
        return [r["url"] for r in _json(redline("changes", "--json", *args))]

    assert urls("--stealth") == [FLOOD]
    assert urls("--since", "2026-11-22T00:00:00Z") == [BUDGET]
    assert urls("--site", "gazette.example") == [BUDGET]
    assert urls("--site", "https://ledger.example/") == [FLOOD]
    assert urls("--site", "azette.example") == []  # a whole host name, not a piece of one
    assert urls("--min-severity", "major", "--stealth", "--since", "2026-11-01") == [FLOOD]


def test_changes_text_and_nothing_found(redline: Run, archive: Archive) -> None:
    result = redline("changes", "--stealth")
    assert result.exit_code == 0, result.stderr
    first, title = result.stdout.splitlines()
    assert first.startswith("2026-11-21T09:00:00Z  v2 ") and "major, stealth" in first
    assert first.endswith(FLOOD) and title.strip() == "River crests"
    none = redline("changes", "--since", "2030-01-01")
    assert none.exit_code == 0 and none.stdout == "" and "No changes match." in none.stderr


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("changes", "--since", "last tuesday"), "cannot read 'last tuesday' as a time"),
        (("changes", "--site", "two words"), "is not a host name"),
        (("changes", "--site", "https://ledger.example/news/x"), "names a page, not a site"),
        (("changes", "--site", "com"), "is a top-level domain, not a site"),
        (("search", "?!"), "has no words to search for"),
    ],
)
def test_bad_input_is_one_line(redline: Run, archive: Archive, args: tuple, message: str) -> None:
    result = redline(*args)
    assert result.exit_code == 2
    assert result.stdout == "" and message in result.stderr
    assert len(result.stderr.splitlines()) == 1 and "Traceback" not in result.stderr


def test_search_finds_where_a_sentence_went(redline: Run, archive: Archive) -> None:
    rows = _json(redline("search", "we were NOT ready for this", "--removed", "--json"))
    assert [(r["url"], r["event"], r["version"], r["last_seen"]) for r in rows] == [
        (FLOOD, "removed", 2, 1)
    ]
    assert rows[0]["captured_at"] == "2026-11-21T09:00:00Z" and rows[0]["in_latest"] is False
    added = _json(redline("search", "crested at 29 feet", "--json"))
    assert [(r["event"], r["version"], r["first_capture"]) for r in added] == [("added", 2, False)]
    text = redline("search", "THE RIVER, crested")  # any case, any punctuation
    assert "there from v1 (first capture)" in text.stdout and FLOOD in text.stdout
    missing = redline("search", "no such words anywhere")
    assert missing.exit_code == 0 and missing.stdout == ""
    assert "No version holds 'no such words anywhere'." in missing.stderr


def test_the_index_is_updated_article_by_article(archive: Archive, tmp_path: Path) -> None:
    first = Refreshed()
    with open_index(archive, refreshed=first):
        pass
    assert (first.rebuilt, first.articles, first.versions) == (True, 3, 5)
    again = Refreshed()
    with open_index(archive, refreshed=again) as index:
        assert (again.rebuilt, again.articles, again.versions) == (False, 0, 0)
        assert len(list_changes(index)) == 2
    capture_page(
        archive,
        tmp_path / "pages",
        FERRY,
        "2026-11-25T10:00:00Z",
        "Ferry returns",
        ["It sails at noon."],
    )
    later = Refreshed()
    with open_index(archive, refreshed=later) as index:
        # Only the article that changed is read again, only its new version's words.
        assert (later.articles, later.versions) == (1, 1)
        assert [c.url for c in list_changes(index)][0] == FERRY
        assert [f.version for f in search(index, "sails at noon")] == [2]


def test_a_lost_or_damaged_index_is_rebuilt(redline: Run, archive: Archive) -> None:
    before = _json(redline("changes", "--json"))
    path = archive.index_file()
    assert path == Path(archive.location) / "state" / "index.sqlite" and path.exists()
    path.write_bytes(b"not a database at all" * 100)
    assert _json(redline("changes", "--json")) == before
    with sqlite3.connect(path) as db:  # written by another version of redline
        db.execute("UPDATE meta SET value = 'other' WHERE key = 'generation'")
    refreshed = Refreshed()
    with open_index(archive, refreshed=refreshed):
        assert refreshed.rebuilt and refreshed.articles == 3
    path.unlink()
    assert _json(redline("changes", "--json")) == before


def test_demo_stealth_edit_and_removed_sentence(redline: Run) -> None:
    assert redline("demo").exit_code == 0
    # The demo dates its captures yesterday: its edits are among the recent changes.
    rows = _json(redline("changes", "--stealth", "--since", "30d", "--json"))
    assert [(r["version"], r["severity"], r["stealth"]) for r in rows] == [(2, "major", True)]
    gone = _json(redline("search", "The city was not prepared for a flood of this size", "--json"))
    removed = [r for r in gone if r["event"] == "removed"]
    assert [(r["version"], r["last_seen"]) for r in removed] == [(2, 1)]


@pytest.mark.s3
def test_an_s3_archive_keeps_its_index_in_the_local_cache(
    s3_env: SeaweedS3, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    cache = tmp_path / "cache"
    monkeypatch.setenv("REDLINE_CACHE_DIR", str(cache))
    bucket = s3_env.new_bucket()
    location = f"s3://{bucket}/desk"
    archive = Archive.open(location, create=True, endpoint_url=s3_env.endpoint_url)
    pages = tmp_path / "pages"
    capture_page(archive, pages, FLOOD, "2026-11-20T08:00:00Z", "River crests", [LEDE, QUOTE])
    capture_page(archive, pages, FLOOD, "2026-11-21T09:00:00Z", "River crests", [LEDE])

    result = CliRunner().invoke(cli, ["changes", "--archive", location, "--json"])
    assert [(r["url"], r["stealth"]) for r in _json(result)] == [(FLOOD, True)]
    assert [p.suffix for p in cache.iterdir()] == [".sqlite"]
    assert not [k for k in s3_env.keys(bucket, "desk/") if k.endswith(".sqlite")]
    again = CliRunner().invoke(cli, ["search", "not ready", "--removed", "--archive", location])
    assert again.exit_code == 0 and "removed in v2 (last in v1)" in again.stdout


def test_changes_from_watch_runs_and_captures_alike(
    redline: Run, archive: Archive, room: Newsroom, watchlist: Callable[..., Path]
) -> None:
    story = room.publish("flood")
    path = watchlist(story)
    for extra in ((), ("--all",)):
        result = redline("watch", str(path), "--delay", "0", *extra)
        assert result.exit_code == 0, result.stderr
        room.edit("flood")
    rows = _json(redline("changes", "--json"))
    assert [r["url"] for r in rows] == [story, BUDGET, FLOOD]  # the watched one is newest
    assert rows[0]["stealth"] is True and rows[0]["version"] == 2
    # The watch's own line for it said the same.
    logged = _json(redline("log", story, "--json"))[-1]
    assert (logged["severity"], logged["stealth"]) == (rows[0]["severity"], rows[0]["stealth"])
    added = _json(redline("search", "officials now say the station failed", "--added", "--json"))
    assert [(r["url"], r["version"]) for r in added] == [(story, 2)]
    assert _json(redline("search", "officials now say", "--removed", "--json")) == []


def test_a_demo_cut_short_is_completed_with_the_dates_it_began(
    redline: Run, archive_dir: Path
) -> None:
    from redline.archive.demo import load_example, run_example

    example = load_example()
    archive = Archive.open(str(archive_dir), create=True)
    first = next(run_example(archive, example))[1].result  # stopped after one page
    assert first is not None and first.version == 1
    assert redline("demo").exit_code == 0
    log = [json.loads(line) for line in redline("log", "--json", example.url).stdout.splitlines()]
    # v1 as first stored, v2 and v3 the example's hours after it, the same day.
    times = [entry["captured_at"] for entry in log]
    assert times[0] == first.captured_at
    assert [t[11:] for t in times] == ["08:00:00Z", "10:00:00Z", "14:10:00Z"]
    assert {t[:10] for t in times} == {first.captured_at[:10]}
