"""The article states in one index per watch shard: what a run reads and writes, the
journal that keeps watch events before they are reported, and archives written with
one state file per article, folded into the index on their first write."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import replace
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from click.testing import Result

from redline.archive.core import layout
from redline.archive.core.times import iso, parse_when
from redline.archive.ocfl import stateindex
from redline.archive.ocfl.archive import Archive
from redline.archive.ocfl.state import ArticleState
from redline.archive.ocfl.stateindex import FOLD_AFTER, StateIndex, decode
from redline.archive.store import LocalStore
from redline.archive.watch.events import Event
from redline.archive.watch.watchlist import parse_watchlist
from redline.archive.watching import WatchOptions, run_watch, shard_of
from tests.support.newsroom import Newsroom

Run = Callable[..., Result]
FAST = ("--delay", "0", "--json")


def events(result: Result) -> dict[str, str]:
    lines = [json.loads(line) for line in result.stdout.splitlines() if line.strip()]
    return {str(e["url"]): str(e["event"]) for e in lines}


def state_files(archive: Path) -> list[str]:
    """The article states' files (run logs and the readings cache left out)."""
    found = (p.relative_to(archive).as_posix() for p in (archive / "state").rglob("*.json*"))
    return sorted(p for p in found if not p.startswith((layout.RUN_LOGS, layout.READINGS)))


def to_old_layout(archive: Path) -> dict[str, bytes]:
    """Turn ``archive`` into one as redline wrote them before the index: one state file
    per article (without the fields the index added), no index."""
    states = StateIndex(LocalStore(archive)).states()
    written = {}
    for state in states:
        data = json.loads(state.to_bytes())
        del data["rev"]
        key = layout.article_state_key(state.id)
        (archive / key).parent.mkdir(parents=True, exist_ok=True)
        (archive / key).write_text(json.dumps(data, sort_keys=True, indent=1) + "\n")
        written[key] = (archive / key).read_bytes()
    for path in sorted((archive / layout.STATE_INDEXES).rglob("*"), reverse=True):
        path.unlink() if path.is_file() else path.rmdir()
    (archive / layout.STATE_INDEXES).rmdir()
    return written


def test_an_unchanged_run_writes_its_index_once_and_leaves_no_journal(
    redline: Run, room: Newsroom, watchlist: Callable[..., Path], archive_dir: Path
) -> None:
    urls = [room.publish(f"story-{n}") for n in range(6)]
    wl = watchlist(*urls)
    assert set(events(redline("watch", str(wl), *FAST)).values()) == {"new"}
    index = archive_dir / layout.state_index_key("shard-1-of-1")
    before = index.read_bytes()
    for slug in [f"story-{n}" for n in range(6)]:
        room.touch(slug)  # new furniture: the page differs, the article does not
    assert set(events(redline("watch", str(wl), "--all", *FAST)).values()) == {"unchanged"}
    assert set(events(redline("watch", str(wl), "--all", *FAST)).values()) == {"unchanged"}
    # Each article's checks are counted in the one index; no journal, no state file
    # (beside the index, the note of when the first article is next due).
    assert state_files(archive_dir) == [
        layout.due_key("shard-1-of-1"),
        layout.state_index_key("shard-1-of-1"),
    ]
    assert index.read_bytes() != before
    listed = [json.loads(line) for line in redline("list", "--json").stdout.splitlines()]
    assert {row["url"]: row["checks"] for row in listed} == {url: 3 for url in urls}


def test_a_gone_article_is_in_the_archive_before_the_run_reports_it(
    room: Newsroom, archive_dir: Path
) -> None:
    a, b = room.publish("flood"), room.publish("bridge")
    watchlist = parse_watchlist(f"{a}\n{b}\n")
    options = WatchOptions(delay=0, allow_private=True, robots=False)
    run_watch(Archive.open(str(archive_dir), create=True), watchlist, options, lambda e: None)
    room.take_down("bridge")
    room.edit("flood")
    seen: dict[str, tuple[str, int]] = {}

    def emit(event: Event) -> None:
        # What another process reading the archive finds when the event is reported.
        state = Archive.open(str(archive_dir)).state(event.url)
        assert state is not None
        seen[event.event] = (state.status, state.head)
        if event.event == "gone":
            assert [e["event"] for e in state.events] == ["gone"]

    run_watch(
        Archive.open(str(archive_dir)),
        watchlist,
        WatchOptions(delay=0, allow_private=True, robots=False, check_all=True),
        emit,
    )
    assert seen == {"gone": ("gone", 1), "changed": ("", 2)}


def test_a_long_run_folds_its_checks_into_the_index_as_it_goes(
    room: Newsroom, archive_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A run merges every few minutes (here: at once), so a run killed late loses only
    the checks since its last merge."""
    urls = [room.publish(f"story-{n}") for n in range(6)]
    watchlist = parse_watchlist("\n".join(urls) + "\n")
    options = WatchOptions(delay=0, allow_private=True, robots=False, concurrency=1)
    run_watch(Archive.open(str(archive_dir), create=True), watchlist, options, lambda e: None)
    monkeypatch.setattr(stateindex, "MERGE_EVERY", 0.0)
    index = archive_dir / layout.state_index_key("shard-1-of-1")
    noted: list[int] = []

    def emit(event: Event) -> None:
        # What another process finds in the index while this run goes on.
        states = decode(index.read_bytes(), "index")
        noted.append(sum(s.checks for s in states.values()))

    run_watch(Archive.open(str(archive_dir)), watchlist, replace(options, check_all=True), emit)
    assert noted[0] == 6 and noted[-1] > 6, noted
    assert sorted(noted) == noted
    assert sum(s.checks for s in decode(index.read_bytes(), "index").values()) == 12


def test_an_archive_with_a_state_file_per_article_is_folded_into_the_index(
    redline: Run, room: Newsroom, watchlist: Callable[..., Path], archive_dir: Path
) -> None:
    a, b, c = room.publish("flood"), room.publish("bridge"), room.publish("fire")
    wl = watchlist(a, b, c)
    redline("watch", str(wl), *FAST)
    room.take_down("bridge")
    assert events(redline("watch", str(wl), "--all", *FAST))[b] == "gone"
    listing = redline("list").stdout
    rows = {
        json.loads(r)["url"]: json.loads(r) for r in redline("list", "--json").stdout.splitlines()
    }
    old = to_old_layout(archive_dir)
    assert len(old) == 3 and not (archive_dir / layout.STATE_INDEXES).exists()

    # Reading the old layout writes nothing.
    assert redline("list").stdout == listing
    assert "gone" in redline("log", b).stdout
    assert state_files(archive_dir) == sorted(old)
    assert all((archive_dir / key).read_bytes() == data for key, data in old.items())

    # The first write folds every state into the index and removes the old files.
    room.edit("flood")
    result = redline("watch", str(wl), "--all", *FAST)
    assert events(result) == {a: "changed", b: "unchanged", c: "unchanged"}
    assert "still gone" in result.stdout
    assert not (archive_dir / layout.ARTICLE_STATES).exists() or not list(
        (archive_dir / layout.ARTICLE_STATES).iterdir()
    )
    assert [p for p in state_files(archive_dir) if layout.parse_index_key(p)] == [
        "state/index/shard-1-of-1.jsonl"
    ]
    after = {
        json.loads(r)["url"]: json.loads(r) for r in redline("list", "--json").stdout.splitlines()
    }
    assert {u: (r["versions"], r["status"], r["checks"]) for u, r in after.items()} == {
        a: (2, None, rows[a]["checks"] + 1),
        b: (1, "gone", rows[b]["checks"]),
        c: (1, None, rows[c]["checks"] + 1),
    }
    assert "gone" in redline("log", b).stdout


def test_a_sharded_run_on_an_old_archive_keeps_every_article(
    redline: Run, room: Newsroom, watchlist: Callable[..., Path], archive_dir: Path
) -> None:
    urls = [room.publish(f"story-{n}") for n in range(8)]
    wl = watchlist(*urls)
    redline("watch", str(wl), *FAST)
    listing = redline("list").stdout
    to_old_layout(archive_dir)
    mine = {u for u in urls if shard_of(u, 2) == 1}
    assert 0 < len(mine) < len(urls)

    first = redline("watch", str(wl), "--shard", "1/2", "--all", *FAST)
    assert events(first) == {u: "unchanged" for u in mine}
    # Shard 1 keeps its articles; the others wait in shard-1-of-1 for shard 2.
    whole = StateIndex(LocalStore(archive_dir), "shard-1-of-1")
    whole.load()
    assert {s.id for s in whole._own.values()} == set(urls) - mine
    assert {json.loads(r)["url"] for r in redline("list", "--json").stdout.splitlines()} == set(
        urls
    )

    second = redline("watch", str(wl), "--shard", "2/2", "--all", *FAST)
    assert events(second) == {u: "unchanged" for u in set(urls) - mine}
    whole = StateIndex(LocalStore(archive_dir), "shard-1-of-1")
    whole.load()
    assert whole._own == {}
    one, two = (StateIndex(LocalStore(archive_dir), f"shard-{k}-of-2").load() for k in (1, 2))
    assert set(one._own) == mine and set(two._own) == set(urls) - mine
    assert len(redline("list").stdout.splitlines()) == len(listing.splitlines())
    rows = [json.loads(r) for r in redline("list", "--json").stdout.splitlines()]
    assert {r["checks"] for r in rows} == {2}


def test_two_writers_of_one_index_keep_both_changes(tmp_path: Path) -> None:
    store_a, store_b = LocalStore(tmp_path, create=True), LocalStore(tmp_path)
    first = StateIndex(store_a, batched=True).load()
    second = StateIndex(store_b, batched=True).load()
    first.put(ArticleState(id="https://a.example/1", head=1, fingerprint="f1"))
    second.put(ArticleState(id="https://a.example/2", head=1, fingerprint="f2"))
    first.merge()
    second.merge()  # its conditional write fails once, then is made over the first's
    found = StateIndex(LocalStore(tmp_path)).states()
    assert sorted((s.id, s.fingerprint) for s in found) == [
        ("https://a.example/1", "f1"),
        ("https://a.example/2", "f2"),
    ]


def test_an_event_is_kept_whichever_write_wins(tmp_path: Path) -> None:
    """Two writers change one article: the newer state wins, the events of both stay."""
    url = "https://a.example/1"
    base = StateIndex(LocalStore(tmp_path, create=True))
    base.put(ArticleState(id=url, head=1, fingerprint="f1"))
    watcher = StateIndex(LocalStore(tmp_path), batched=True).load()
    capturer = StateIndex(LocalStore(tmp_path)).load()
    gone = watcher.get(url)
    assert gone is not None
    gone.status = "gone"
    gone.add_event("gone", "2026-11-20T10:00:00Z", "404 Not Found")
    watcher.put(gone)  # journalled at once
    moved = capturer.get(url)
    assert moved is not None
    moved.head, moved.fingerprint = 2, "f2"
    capturer.put(moved)  # a capture stored version 2 meanwhile
    watcher.merge()
    [state] = StateIndex(LocalStore(tmp_path)).states()
    assert (state.head, state.fingerprint, state.status) == (2, "f2", "")
    assert [e["event"] for e in state.events] == ["gone"]


def test_an_index_from_a_newer_redline_is_refused_with_a_message(
    redline: Run, example: dict[str, object], archive_dir: Path
) -> None:
    pages, times = example["pages"], example["times"]
    assert isinstance(pages, list) and isinstance(times, list)
    url = str(example["url"])
    assert (
        redline("capture", "--html", str(pages[0]), "--url", url, "--at", times[0]).exit_code == 0
    )
    index = archive_dir / layout.state_index_key("shard-1-of-1")
    index.write_bytes(b'{"redline":"article-states","format":2}\n')
    result = redline("list")
    assert result.exit_code != 0
    [line] = result.stderr.splitlines()
    assert "shard-1-of-1.jsonl" in line and "upgrade redline" in line


@pytest.mark.parametrize("name", ["shard-0-of-2", "shard-3-of-2", "whole", "shard-1-of-x"])
def test_only_shard_names_are_indexes(name: str) -> None:
    assert layout.parse_index_key(layout.state_index_key(name)) is None
    assert layout.parse_index_key(layout.state_index_key("shard-2-of-3")) == ("shard-2-of-3", None)


def journal(archive: Path) -> list[Path]:
    return sorted((archive / layout.STATE_INDEXES / layout.WHOLE_INDEX).glob("*.jsonl"))


def test_a_capture_notes_what_changed_without_rewriting_the_index(
    redline: Run,
    room: Newsroom,
    watchlist: Callable[..., Path],
    archive_dir: Path,
    example: dict[str, Any],
) -> None:
    urls = [room.publish(f"story-{n}") for n in range(3)]
    wl = watchlist(*urls)
    redline("watch", str(wl), *FAST)
    index = archive_dir / layout.state_index_key(layout.WHOLE_INDEX)
    before = index.read_bytes()

    page, url = example["pages"][0], str(example["url"])
    captured = redline("capture", "--html", str(page), "--url", url, "--at", example["times"][0])
    assert captured.exit_code == 0, captured.output
    room.edit("story-1")
    assert redline("capture", urls[1]).exit_code == 0
    # The index is as the watch run left it; the captures' states are in its journal...
    assert index.read_bytes() == before and journal(archive_dir)
    # ...and every reader sees them.
    listed = [json.loads(r) for r in redline("list", "--json").stdout.splitlines()]
    assert {r["url"]: r["versions"] for r in listed} == {
        url: 1,
        urls[0]: 1,
        urls[1]: 2,
        urls[2]: 1,
    }
    assert "v2" in redline("log", urls[1]).stdout
    # A watch run checks the captured version and folds the journal into the index.
    result = redline("watch", str(wl), "--all", *FAST)
    assert events(result) == {urls[0]: "unchanged", urls[1]: "unchanged", urls[2]: "unchanged"}
    versions = {
        json.loads(line)["url"]: json.loads(line)["version"] for line in result.stdout.splitlines()
    }
    assert versions == {urls[0]: 1, urls[1]: 2, urls[2]: 1}
    assert journal(archive_dir) == []
    assert url in index.read_text()


def test_captures_fold_their_journal_into_the_index_now_and_then(
    redline: Run, archive_dir: Path, example: dict[str, Any]
) -> None:
    page, url, first = example["pages"][0], str(example["url"]), parse_when(example["times"][0])
    seen = []
    for n in range(FOLD_AFTER + 3):
        at = iso(first + timedelta(hours=n))
        result = redline("capture", "--html", str(page), "--url", url, "--at", at)
        assert result.exit_code == 0, result.output
        seen.append(len(journal(archive_dir)))
    # One segment a capture, folded into the index by the one that wrote the last.
    assert max(seen) == FOLD_AFTER - 1 and seen[-1] < FOLD_AFTER - 1
    assert (archive_dir / layout.state_index_key(layout.WHOLE_INDEX)).exists()
    [row] = [json.loads(line) for line in redline("list", "--json").stdout.splitlines()]
    assert row["checks"] == FOLD_AFTER + 3
    assert row["last_checked"] == iso(first + timedelta(hours=FOLD_AFTER + 2))


def test_a_capture_into_an_archive_with_a_state_file_per_article_folds_them(
    redline: Run, archive_dir: Path, example: dict[str, Any]
) -> None:
    page, url, times = example["pages"], str(example["url"]), example["times"]
    redline("capture", "--html", str(page[0]), "--url", url, "--at", times[0])
    before = [json.loads(r) for r in redline("list", "--json").stdout.splitlines()]
    old = to_old_layout(archive_dir)
    assert len(old) == 1

    result = redline("capture", "--html", str(page[2]), "--url", url, "--at", times[2])
    assert result.exit_code == 0, result.output
    assert not list((archive_dir / layout.ARTICLE_STATES).rglob("*.json"))
    assert (archive_dir / layout.state_index_key(layout.WHOLE_INDEX)).exists()
    [row] = [json.loads(r) for r in redline("list", "--json").stdout.splitlines()]
    assert (row["versions"], row["checks"]) == (2, before[0]["checks"] + 1)


def test_articles_looked_up_one_by_one_are_those_every_state_holds(tmp_path: Path) -> None:
    store = LocalStore(tmp_path / "archive", create=True)
    ids = [f'https://news.example/{n}?q=\u00e9"' for n in range(stateindex.LOOKUPS * 2)]
    written = StateIndex(store, batched=True).load()
    for n, object_id in enumerate(ids):
        written.put(ArticleState(id=object_id, head=1, fingerprint=str(n)), durable=False)
    written.merge()
    # A capture's change, in the journal.
    captured = StateIndex(store)
    state = captured.get(ids[3])
    assert state is not None and state.fingerprint == "3"
    state.checks = 7
    captured.put(state)
    every = {s.id: s for s in StateIndex(store).states()}
    assert every[ids[3]].checks == 7
    one_by_one = StateIndex(store)
    assert [one_by_one.get(i) for i in ids] == [every[i] for i in ids]
    assert one_by_one.get("https://news.example/none") is None
