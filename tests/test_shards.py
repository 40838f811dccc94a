"""N ``redline watch --shard K/N`` processes at once against one S3 archive, the way a
GitHub Actions matrix or a Kubernetes Indexed Job runs them: every article is checked
by exactly one shard, no version is lost, and each shard's lease keeps a second run of
the same shard out. S3 conditional writes are the only lock."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.support.http_server import LocalHTTPServer
from tests.support.newsroom import Newsroom
from tests.support.seaweed import SeaweedS3

pytestmark = pytest.mark.e2e

REPO = Path(__file__).resolve().parent.parent
K8S_EXAMPLE = REPO / "examples" / "kubernetes" / "redline-watch.yaml"

SHARDS = 4


def start_shard(
    archive: str,
    watchlist: Path,
    shard: int,
    env: dict[str, str],
    *extra: str,
    shards: int = SHARDS,
) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "redline.cli", "watch", str(watchlist), "--archive", archive,
         "--shard", f"{shard}/{shards}", "--allow-private", "--delay", "0", "--json", *extra],
        env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip


def finish(procs: dict[int, subprocess.Popen[str]]) -> dict[int, list[dict[str, object]]]:
    out: dict[int, list[dict[str, object]]] = {}
    for shard, proc in procs.items():
        stdout, stderr = proc.communicate(timeout=240)
        assert proc.returncode == 0, f"shard {shard}: {stderr}"
        out[shard] = [json.loads(line) for line in stdout.splitlines() if line.strip()]
    return out


@pytest.mark.s3
def test_four_shards_at_once_check_every_article_exactly_once(
    s3_env: SeaweedS3, http_server: LocalHTTPServer, tmp_path: Path
) -> None:
    room = Newsroom(http_server)
    urls = [room.publish(f"story-{n}") for n in range(40)]
    watchlist = tmp_path / "watchlist.txt"
    watchlist.write_text("\n".join(urls) + "\n", encoding="utf-8")
    bucket = s3_env.new_bucket()
    archive = f"s3://{bucket}/news"
    env = {**os.environ, **s3_env.env()}

    first = finish({k: start_shard(archive, watchlist, k, env) for k in range(1, SHARDS + 1)})
    seen = [str(e["url"]) for events in first.values() for e in events]
    assert sorted(seen) == sorted(urls), "each article checked by exactly one shard"
    assert {str(e["event"]) for events in first.values() for e in events} == {"new"}
    assert all(first[k] for k in first), "every shard had articles of its own"

    # An edit to some articles: the shards at once again, every article checked (--all).
    edited = urls[::5]
    for url in edited:
        room.edit(url.rsplit("/", 1)[-1])
    second = finish(
        {k: start_shard(archive, watchlist, k, env, "--all") for k in range(1, SHARDS + 1)}
    )
    events = {str(e["url"]): str(e["event"]) for es in second.values() for e in es}
    assert sorted(events) == sorted(urls)
    assert {u for u, e in events.items() if e == "changed"} == set(edited)
    assert {e for u, e in events.items() if u not in edited} == {"unchanged"}
    # The shard that checked an article first checks it again: the split is stable.
    for shard in first:
        assert {e["url"] for e in first[shard]} == {e["url"] for e in second[shard]}

    keys = s3_env.keys(bucket, "news/")
    assert not [k for k in keys if k.startswith("news/state/leases/")], "every lease given back"
    runs = [k for k in keys if k.startswith("news/state/runs/")]
    assert len(runs) == 2 * SHARDS, "one run log per shard and run"
    verify = subprocess.run(
        [sys.executable, "-m", "redline.cli", "verify", "--archive", archive],
        env=env, capture_output=True, text=True,
    )  # fmt: skip
    assert verify.returncode == 0, verify.stderr
    inventories = [
        k for k in keys if k.endswith("/inventory.json") and not re.search(r"/v\d+/[^/]+$", k)
    ]
    heads = []
    for key in inventories:
        body = s3_env.client().get_object(Bucket=bucket, Key=key)["Body"].read()
        heads.append(json.loads(body)["head"])
    assert sorted(heads).count("v2") == len(edited) and len(heads) == len(urls)


@pytest.mark.s3
def test_the_same_shard_twice_at_once_runs_once(
    s3_env: SeaweedS3, http_server: LocalHTTPServer, tmp_path: Path
) -> None:
    room = Newsroom(http_server)
    # Pages a second apart on one host: the first run still holds its lease when the
    # second starts, whichever of the two takes it.
    urls = [room.publish(f"slow-{n}") for n in range(6)]
    watchlist = tmp_path / "watchlist.txt"
    watchlist.write_text("\n".join(urls) + "\n", encoding="utf-8")
    archive = f"s3://{s3_env.new_bucket()}/news"
    env = {**os.environ, **s3_env.env()}
    procs = {n: start_shard(archive, watchlist, 1, env, "--delay", "1", shards=1) for n in (1, 2)}
    results = {}
    for n, proc in procs.items():
        stdout, stderr = proc.communicate(timeout=240)
        results[n] = (proc.returncode, stdout, stderr)
    assert sorted(code for code, _, _ in results.values()) == [0, 1], results
    ((_, _, refused),) = [r for r in results.values() if r[0] == 1]
    assert "another watch run" in refused and len(refused.strip().splitlines()) == 1
    ((_, checked, _),) = [r for r in results.values() if r[0] == 0]
    assert sorted(json.loads(line)["url"] for line in checked.splitlines()) == sorted(urls)


# -- the Kubernetes example ---------------------------------------------------------------
def _k8s_documents() -> dict[str, dict[str, Any]]:
    docs = [d for d in yaml.safe_load_all(K8S_EXAMPLE.read_text(encoding="utf-8")) if d]
    return {d["kind"]: d for d in docs}


def test_the_kubernetes_example_is_a_valid_indexed_cronjob() -> None:
    """kubernetes-validate checks the manifest against Kubernetes' own schema (strict:
    no unknown field), as .ci/run does."""
    proc = subprocess.run(
        [sys.executable, "-m", "kubernetes_validate", "--strict", str(K8S_EXAMPLE)],
        capture_output=True, text=True,
    )  # fmt: skip
    assert proc.returncode == 0, proc.stdout + proc.stderr
    job = _k8s_documents()["CronJob"]["spec"]["jobTemplate"]["spec"]
    assert job["completionMode"] == "Indexed"
    env = {e["name"]: e.get("value") for e in job["template"]["spec"]["containers"][0]["env"]}
    assert job["completions"] == job["parallelism"] == int(env["REDLINE_SHARDS"])


def test_the_kubernetes_pods_together_check_every_article_once(
    http_server: LocalHTTPServer, tmp_path: Path
) -> None:
    """Each pod's command, run as the container runs it (sh -c, JOB_COMPLETION_INDEX
    0..N-1 and the manifest's environment), all at once against one archive: every
    article of the watchlist is checked by exactly one pod."""
    room = Newsroom(http_server)
    urls = [room.publish(f"pod-{n}") for n in range(16)]
    docs = _k8s_documents()
    spec = docs["CronJob"]["spec"]["jobTemplate"]["spec"]
    (container,) = spec["template"]["spec"]["containers"]
    (mount,) = [m for m in container["volumeMounts"] if m["name"] == "watchlist"]
    assert "watchlist.txt" in docs["ConfigMap"]["data"]
    mounted = tmp_path / "etc-redline"
    mounted.mkdir()
    (mounted / "watchlist.txt").write_text("\n".join(urls) + "\n", encoding="utf-8")
    command = [part.replace(mount["mountPath"], str(mounted)) for part in container["command"]]
    assert command[:2] == ["sh", "-c"]
    env = {e["name"]: e["value"] for e in container["env"]}
    env["REDLINE_ARCHIVE"] = str(tmp_path / "archive")  # a folder here; S3 in the cluster
    bin_dir = Path(sys.executable).parent
    assert shutil.which("redline", path=str(bin_dir)), "the redline command is installed"
    base = {**os.environ, **env, "PATH": f"{bin_dir}{os.pathsep}{os.environ['PATH']}"}
    procs = [
        subprocess.Popen(
            [*command[:2], command[2] + " --delay 0 --json"],
            env={**base, "JOB_COMPLETION_INDEX": str(index)},
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )  # fmt: skip
        for index in range(spec["completions"])
    ]
    checked: list[str] = []
    for proc in procs:
        stdout, stderr = proc.communicate(timeout=240)
        assert proc.returncode == 0, stderr
        checked += [json.loads(line)["url"] for line in stdout.splitlines() if line.strip()]
    assert sorted(checked) == sorted(urls)
