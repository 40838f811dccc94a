"""``redline watch`` with the archive in S3 (a real SeaweedFS server): the schedule, the
run log and the shard lease live in the bucket beside the OCFL root, as in a folder."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from redline.cli.main import cli
from tests.support.http_server import LocalHTTPServer
from tests.support.newsroom import Newsroom
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
