"""A watch run with nothing due reads no index and parses no URL, and says what a run
that read them would say; anything that may have made an article due (an edited
watchlist, another shard, a capture, a journal left by a killed run, a feed, time)
makes the run read them."""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator
from dataclasses import replace
from datetime import timedelta
from pathlib import Path

import pytest
from click.testing import Result

import redline.archive.watching as watching
from redline.archive.core import layout
from redline.archive.core.times import iso, read_iso, utc_now
from redline.archive.ocfl.stateindex import StateIndex
from redline.archive.store import LocalStore
from tests.support.newsroom import Newsroom

Run = Callable[..., Result]
FAST = ("--delay", "0")
INDEX = layout.state_index_key(layout.WHOLE_INDEX)


@pytest.fixture
def index_reads(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[str]]:
    """The keys of state indexes and journal segments read from a folder archive."""
    seen: list[str] = []
    read = LocalStore.read

    def spy(self: LocalStore, key: str) -> bytes:
        if layout.parse_index_key(key) is not None:
            seen.append(key)
        return read(self, key)

    monkeypatch.setattr(LocalStore, "read", spy)
    yield seen


def seconds_out(text: str) -> str:
    return re.sub(r"in [0-9.]+ s", "in N s", text)


def sentence(result: Result) -> str:
    """The run's summary line, its duration left out."""
    [line] = [line for line in result.stderr.splitlines() if line.startswith("Checked")]
    return seconds_out(line)


def last_log(archive_dir: Path) -> dict[str, object]:
    runs = sorted((archive_dir / layout.RUN_LOGS).glob("*.json"), key=lambda p: p.stat().st_mtime)
    data: dict[str, object] = json.loads(runs[-1].read_bytes())
    return data


def comparable(log: dict[str, object]) -> dict[str, object]:
    return {k: v for k, v in log.items() if k not in ("run", "started", "finished", "seconds")}


def test_nothing_due_reads_no_index_and_reports_what_reading_it_reports(
    redline: Run,
    room: Newsroom,
    watchlist: Callable[..., Path],
    archive_dir: Path,
    index_reads: list[str],
) -> None:
    urls = [room.publish(f"story-{n}") for n in range(5)]
    wl = watchlist("# the desk", *urls, "not a url", "contact: desk@example.org")
    assert redline("watch", str(wl), *FAST).exit_code == 0
    before = len(room.server.requests)

    index_reads.clear()
    quick = redline("watch", str(wl), *FAST)
    assert quick.exit_code == 0, quick.output
    assert index_reads == []
    quick_log = last_log(archive_dir)
    assert len(room.server.requests) == before

    # The same run, made to read every state (the note beside the index is a cache).
    (archive_dir / layout.due_key(layout.WHOLE_INDEX)).unlink()
    full = redline("watch", str(wl), *FAST)
    assert INDEX in index_reads
    assert (quick.stdout, seconds_out(quick.stderr)) == (full.stdout, seconds_out(full.stderr))
    assert "5 skipped (5 not due)" in sentence(quick) and "Next due: 20" in sentence(quick)
    assert quick.stderr.count("line 7: 'not a url' is not a URL") == 1
    assert comparable(quick_log) == comparable(last_log(archive_dir))
    assert len(room.server.requests) == before

    # --json lists every article not due: it reads them.
    index_reads.clear()
    listed = redline("watch", str(wl), *FAST, "--json")
    assert INDEX in index_reads
    assert [json.loads(line)["reason"] for line in listed.stdout.splitlines()] == ["not due"] * 5


def test_an_edited_watchlist_is_read_again(
    redline: Run,
    room: Newsroom,
    watchlist: Callable[..., Path],
    index_reads: list[str],
) -> None:
    a, b = room.publish("flood"), room.publish("bridge")
    redline("watch", str(watchlist(a)), *FAST)
    redline("watch", str(watchlist(a)), *FAST)
    index_reads.clear()

    added = redline("watch", str(watchlist(a, b)), *FAST)
    assert "Checked 1 article" in sentence(added) and "1 new" in sentence(added)
    assert "1 skipped (1 not due)" in sentence(added)
    assert f"new        v1   {b}" in added.stdout and a not in added.stdout
    again = redline("watch", str(watchlist(a, b)), *FAST)
    assert "2 skipped (2 not due)" in sentence(again)


def test_another_shard_reads_its_own_states(
    redline: Run,
    room: Newsroom,
    watchlist: Callable[..., Path],
    index_reads: list[str],
) -> None:
    urls = [room.publish(f"story-{n}") for n in range(16)]
    wl = watchlist(*urls)
    redline("watch", str(wl), *FAST)
    redline("watch", str(wl), *FAST)
    index_reads.clear()

    shards = [redline("watch", str(wl), *FAST, "--shard", f"{k}/2") for k in (1, 2)]
    assert INDEX in index_reads  # the states were noted unsharded
    counts = [int(re.search(r"(\d+) skipped", sentence(r)).group(1)) for r in shards]  # type: ignore[union-attr]
    assert sum(counts) == 16 and all(counts)
    # Each shard took its articles' states into its own index: once both have, a run
    # of either with nothing due reads none.
    shards = [redline("watch", str(wl), *FAST, "--shard", f"{k}/2") for k in (1, 2)]
    index_reads.clear()
    again = redline("watch", str(wl), *FAST, "--shard", "1/2")
    assert index_reads == [] and sentence(again) == sentence(shards[0])


def test_a_capture_in_between_is_seen(
    redline: Run,
    room: Newsroom,
    watchlist: Callable[..., Path],
    archive_dir: Path,
    index_reads: list[str],
) -> None:
    a, b = room.publish("flood"), room.publish("bridge")
    wl = watchlist(a, b)
    redline("watch", str(wl), *FAST)
    redline("watch", str(wl), *FAST)
    first = read_iso(str(last_log(archive_dir)["next_due"]))
    assert first is not None

    # An edit stored by a capture makes the article young again: checked sooner.
    room.edit("flood")
    assert redline("capture", a).exit_code == 0
    index_reads.clear()
    after = redline("watch", str(wl), *FAST)
    assert index_reads  # the capture's journal is read
    sooner = read_iso(str(last_log(archive_dir)["next_due"]))
    assert sooner is not None and sooner < first
    assert "2 skipped (2 not due)" in sentence(after)
    assert f"Next due: {iso(sooner)}" in sentence(after)


def test_a_journal_left_by_a_killed_run_is_read(
    redline: Run,
    room: Newsroom,
    watchlist: Callable[..., Path],
    archive_dir: Path,
    index_reads: list[str],
) -> None:
    a, b = room.publish("flood"), room.publish("bridge")
    wl = watchlist(a, b)
    redline("watch", str(wl), *FAST)
    redline("watch", str(wl), *FAST)

    # A run that noted an older check of ``a`` in its journal, and was killed.
    killed = StateIndex(LocalStore(archive_dir), layout.WHOLE_INDEX, batched=True).load()
    state = killed.get(a)
    assert state is not None
    state.last_attempt = iso(utc_now() - timedelta(days=3))
    killed.put(state, durable=True)
    assert list((archive_dir / layout.STATE_INDEXES / layout.WHOLE_INDEX).glob("*.jsonl"))

    index_reads.clear()
    result = redline("watch", str(wl), *FAST)
    assert "Checked 1 article" in sentence(result) and "1 unchanged" in sentence(result)
    assert "1 skipped (1 not due)" in sentence(result)
    assert INDEX in index_reads


def test_an_article_is_checked_once_it_falls_due(
    redline: Run,
    room: Newsroom,
    watchlist: Callable[..., Path],
    archive_dir: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    a = room.publish("flood")
    wl = watchlist(a)
    redline("watch", str(wl), *FAST)
    assert "1 skipped (1 not due)" in sentence(redline("watch", str(wl), *FAST))
    due = read_iso(str(last_log(archive_dir)["next_due"]))
    assert due is not None

    monkeypatch.setattr(watching, "utc_now", lambda: due - timedelta(minutes=1))
    later = redline("watch", str(wl), *FAST)
    assert "Checked 1 article" in sentence(later) and "1 unchanged" in sentence(later)


def test_feeds_are_fetched_by_every_run(
    redline: Run, room: Newsroom, watchlist: Callable[..., Path]
) -> None:
    room.publish("flood")
    wl = watchlist(f"feed: {room.feed_url}")
    redline("watch", str(wl), *FAST, "--allow-private")
    redline("watch", str(wl), *FAST, "--allow-private")
    fresh = room.publish("bridge")

    result = redline("watch", str(wl), *FAST, "--allow-private", "--json")
    assert {e["url"]: e["event"] for e in map(json.loads, result.stdout.splitlines())}[
        fresh
    ] == "new"


def test_a_note_from_another_shard_count_or_watchlist_is_not_taken(tmp_path: Path) -> None:
    from redline.archive.ocfl.duenote import DueNote

    note = DueNote("abc", watching.options_key((1, 1)), {}, 3, None)
    assert note.matches("abc", watching.options_key((1, 1)))
    assert not note.matches("abd", watching.options_key((1, 1)))
    assert not note.matches("abc", watching.options_key((1, 2)))
    older = replace(note, options="redline 0.0.1; shard 1/1")
    assert not older.matches("abc", watching.options_key((1, 1)))
