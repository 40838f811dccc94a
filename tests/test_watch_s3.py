"""``redline watch`` with the archive in S3 (a real SeaweedFS server): the schedule, the
run log and the shard lease live in the bucket beside the OCFL root, as in a folder."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import Any
from urllib.parse import unquote

import pytest
from click.testing import CliRunner, Result

from redline.archive.ocfl.archive import Archive
from redline.archive.store.s3 import S3Store, make_client
from redline.archive.watch.events import Event
from redline.archive.watch.watchlist import parse_watchlist
from redline.archive.watching import WatchOptions, run_watch
from redline.cli.main import cli
from tests.support.http_server import LocalHTTPServer
from tests.support.newsroom import Newsroom
from tests.support.s3proxy import S3Proxy
from tests.support.seaweed import SeaweedS3

pytestmark = pytest.mark.s3


def run(*args: str) -> Result:
    return CliRunner().invoke(cli, list(args), catch_exceptions=False)


def events(result: Result) -> dict[str, str]:
    lines = [json.loads(line) for line in result.stdout.splitlines() if line.strip()]
    return {e["url"]: e["event"] for e in lines}


def test_watch_into_a_bucket_keeps_schedule_and_versions_there(
    s3_env: SeaweedS3, http_server: LocalHTTPServer, watchlist: Callable[..., Path]
) -> None:
    bucket = s3_env.new_bucket()
    archive = f"s3://{bucket}/desk"
    room = Newsroom(http_server)
    a, b = room.publish("flood"), room.publish("bridge")
    wl = watchlist(a, b)

    first = run("watch", str(wl), "--archive", archive, "--delay", "0", "--json")
    assert first.exit_code == 0, first.output
    assert events(first) == {a: "new", b: "new"}

    # The schedule is in the bucket: a second run finds nothing due.
    assert set(events(run("watch", str(wl), "--archive", archive, "--json")).values()) == {
        "skipped"
    }
    room.edit("flood")
    room.take_down("bridge")
    third = run("watch", str(wl), "--archive", archive, "--all", "--delay", "0", "--json")
    assert events(third) == {a: "changed", b: "gone"}

    keys = s3_env.keys(bucket, "desk/")
    assert any(k.startswith("desk/state/runs/") for k in keys)
    assert not any(k.startswith("desk/state/leases/") for k in keys)  # given back
    assert run("verify", "--archive", archive).exit_code == 0
    assert "gone" in run("log", b, "--archive", archive).stdout


def test_a_held_lease_in_the_bucket_stops_a_second_run(
    s3_env: SeaweedS3, http_server: LocalHTTPServer, watchlist: Callable[..., Path]
) -> None:
    bucket = s3_env.new_bucket()
    archive = f"s3://{bucket}/desk"
    room = Newsroom(http_server)
    wl = watchlist(room.publish("flood"))
    assert run("watch", str(wl), "--archive", archive, "--delay", "0").exit_code == 0
    s3_env.client().put_object(
        Bucket=bucket,
        Key="desk/state/leases/watch-shard-2-of-3.json",
        Body=json.dumps({"owner": "runner-1:77:ffff", "expires": "2099-01-01T00:00:00Z"}).encode(),
    )
    held = run("watch", str(wl), "--archive", archive, "--shard", "2/3", "--all")
    assert held.exit_code == 1
    assert "another watch run (runner-1:77:ffff)" in held.stderr
    # Another shard has a lease of its own.
    assert run("watch", str(wl), "--archive", archive, "--shard", "1/3", "--all").exit_code == 0


# -- what a run costs in requests -------------------------------------------------------------
ARTICLES = 200


def _bookkeeping(request: str) -> str:
    """Which of the run's own bookkeeping a request ('METHOD key') touches: its lease,
    the article states, its log; else the request itself."""
    method, _, key = request.partition(" ")
    key = key.split("/", 1)[1] if "/" in key else ""
    if key.startswith("desk/state/leases/"):
        return "lease"
    if key.startswith("desk/state/index/") or (method == "GET" and key == ""):
        return "index"  # the listing of the state indexes is a GET on the bucket
    if key.startswith("desk/state/runs/"):
        return "run log"
    return request


def test_a_watch_run_over_unchanged_articles_costs_a_few_requests(
    s3_env: SeaweedS3, http_server: LocalHTTPServer
) -> None:
    """A run over 200 unchanged articles: the lease, the states' index read and written
    once, the run's log and at most five other requests; none per article. Counted by
    the S3 client (botocore's event hooks) and by a proxy in front of the server."""
    bucket = s3_env.new_bucket()
    room = Newsroom(http_server)
    urls = [room.publish(f"story-{n}", paragraphs=2) for n in range(ARTICLES)]
    watchlist = parse_watchlist("\n".join(urls) + "\n")
    options = WatchOptions(delay=0, allow_private=True, robots=False, per_host=8)

    with S3Proxy(s3_env.endpoint_url) as proxy:
        client = make_client(proxy.url)
        hooked: list[str] = []

        def note(request: Any, **_kwargs: Any) -> None:
            path = unquote(request.url.split("?")[0].split("/", 3)[-1])
            hooked.append(f"{request.method} {path}")

        client.meta.events.register("before-send.s3", note)

        def watch(quick: bool = False, **changes: Any) -> tuple[dict[str, int], list[str]]:
            hooked.clear()
            proxy.sent.clear()
            archive = Archive(S3Store(f"s3://{bucket}/desk", client=client))
            seen: dict[str, int] = {}

            def emit(event: Event) -> None:
                seen[event.event] = seen.get(event.event, 0) + 1

            summary = run_watch(
                archive, watchlist, replace(options, **changes), emit, not_due_events=not quick
            )
            assert sorted(hooked) == sorted(proxy.sent)  # both count the same requests
            assert seen == {k: n for k, n in summary.counts.items() if n} or quick
            return dict(summary.counts), list(hooked)

        first, _ = watch()
        assert first == {"new": ARTICLES}
        checked, sent = watch(check_all=True)
        assert checked == {"unchanged": ARTICLES}
        nothing_due, idle = watch(quick=True)
        assert nothing_due == {"skipped": ARTICLES}

    kinds = [_bookkeeping(r) for r in sent]
    others = [k for k in kinds if k not in ("lease", "index", "run log")]
    assert len(others) <= 5, others
    # Of the OCFL root, only its declaration is looked at: no article's object.
    assert {r.split("/", 1)[1] for r in sent if "/ocfl/" in r} == {"desk/ocfl/0=ocfl_1.1"}
    index = [r.split()[0] for r, k in zip(sent, kinds, strict=True) if k == "index"]
    # Listed, read, written once; listed again and the note of the next due written.
    assert sorted(index) == ["GET", "GET", "GET", "PUT", "PUT"], sent
    # Nothing due: the note beside the index read and the indexes listed; the index
    # itself neither read nor written.
    idle_kinds = [_bookkeeping(r) for r in idle]
    assert [r.split()[0] for r, k in zip(idle, idle_kinds, strict=True) if k == "index"] == [
        "GET",
        "GET",
    ]
    assert not [r for r in idle if r.endswith("/state/index/shard-1-of-1.jsonl")], idle
    assert len([k for k in idle_kinds if k not in ("lease", "index", "run log")]) <= 5
    print(f"\nrequests: --all over {ARTICLES} unchanged {len(sent)}, nothing due {len(idle)}")
