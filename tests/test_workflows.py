"""The workflows (.github/workflows) and the examples users copy (examples/github-actions),
checked as far as they can be without GitHub.

Every file parses and keeps the same hygiene: least-privilege permissions (write scopes
only on the job that needs them), a timeout on every job, every action pinned to a full
commit SHA with its version in a comment (the SHAs below, checked once against the
actions' release tags), checkout without persisted credentials, no ``${{ }}`` inside a
script. Scheduled ones run on odd minutes, can be started by hand, and queue rather than
cancel. actionlint and zizmor run as .ci/run runs them.

Their ``run:`` steps are executed by the runner of tests/test_action.py: the
git-scraping example's commit step against a local bare repository standing in for
GitHub, and the watch workflow's restore step against a stand-in ``gh`` that serves a
list of artifacts. Steps that need GitHub itself (checkout, OIDC, artifact upload) are
not run; the redline action runs as in tests/test_action.py.
"""

from __future__ import annotations

import json
import os
import re
import shlex
import shutil
import subprocess
import sys
import urllib.request
from collections.abc import Callable, Mapping
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from redline.archive.watch.watchlist import read_watchlist
from redline.cli.main import cli
from tests.support.http_server import LocalHTTPServer
from tests.support.newsroom import Newsroom
from tests.test_action import (
    ACTION,
    BIN,
    FAKE_TOKEN,
    REPO,
    ActionRun,
    JobRunner,
    StepRun,
    condition,
    load_yaml,
    run_action,
    substitute,
)

WORKFLOWS = sorted((REPO / ".github" / "workflows").glob("*.yml"))
EXAMPLES = sorted((REPO / "examples" / "github-actions").glob("*.yml"))
ALL = [*WORKFLOWS, *EXAMPLES]
SCHEDULED = {
    "watch.yml",
    "watch-s3.yml",
    "watch-git.yml",
    "watch-shards.yml",
    "watch-and-publish.yml",
}
GIT_EXAMPLE = REPO / "examples" / "github-actions" / "watch-git.yml"
S3_EXAMPLE = REPO / "examples" / "github-actions" / "watch-s3.yml"
SHARDS_EXAMPLE = REPO / "examples" / "github-actions" / "watch-shards.yml"
PUBLISH_EXAMPLE = REPO / "examples" / "github-actions" / "watch-and-publish.yml"
WATCH = REPO / ".github" / "workflows" / "watch.yml"
CI = REPO / ".github" / "workflows" / "ci.yml"

#: Every action used, at the commit of the release named in the comment beside it. Each
#: SHA was checked against two independent records of the tag (Dependabot's compare
#: links, and workflows pinning it with the version).
PINS = {
    "actions/checkout": ("11bd71901bbe5b1630ceea73d27597364c9af683", "v4.2.2"),
    "actions/setup-python": ("a26af69be951a213d495a4c3e4e4022e16d87065", "v5.6.0"),
    "aws-actions/configure-aws-credentials": (
        "b47578312673ae6fa5b5096b330d9fbac3d116df",
        "v4.2.1",
    ),
    "actions/upload-artifact": ("ea165f8d65b6e75b540449e92b4886f43607fa02", "v4.6.2"),
    "actions/upload-pages-artifact": ("56afc609e74202658d3ffba0e8f6dda462b719fa", "v3.0.1"),
    "actions/deploy-pages": ("d6db90164ac5ed86f2b6aed7e0febac5b3c0c03e", "v4.0.5"),
    "actions/cache": ("5a3ec84eff668545956fd18022155c47e93e2684", "v4.2.3"),
}
#: The examples use redline's own action: users put the commit of the release they pick
#: in place of this placeholder (the examples say how).
REDLINE = "redline-archive/redline"
PLACEHOLDER = "0" * 40
USES = re.compile(r"^\s*(?:-\s+)?uses:\s*(?P<ref>\S+)(?:\s+#\s*(?P<comment>.*))?$")
GITHUB = {
    "token": FAKE_TOKEN,
    "ref_name": "main",
    "ref": "refs/heads/main",
    "repository": "newsroom/watch",
    "workflow": "Watch",
    "server_url": "https://github.com",
}


def ids(paths: list[Path]) -> list[str]:
    return [p.relative_to(REPO).as_posix() for p in paths]


def triggers(doc: Mapping[Any, Any]) -> dict[str, Any]:
    on = doc.get("on", doc.get(True))  # YAML 1.1 reads a bare `on` as true
    if isinstance(on, str):
        return {on: None}
    if isinstance(on, list):
        return dict.fromkeys(on)
    assert isinstance(on, dict), on
    return on


def steps_of(doc: Mapping[str, Any]) -> list[dict[str, Any]]:
    return [step for job in doc["jobs"].values() for step in job.get("steps", [])]


def is_redline(uses: str) -> bool:
    return uses == "./" or uses.startswith(f"{REDLINE}@")


# -- running a job's steps -------------------------------------------------------------------
def run_job(
    path: Path,
    runner: JobRunner,
    *,
    job: str | None = None,
    action: Callable[..., ActionRun] = run_action,
) -> list[StepRun]:
    """The job's steps in order, with their ``if:``; ``uses:`` steps other than redline's
    action need GitHub and are only recorded."""
    doc = load_yaml(path)
    spec = doc["jobs"][job] if job else next(iter(doc["jobs"].values()))
    steps: dict[str, Any] = {}
    contexts: dict[str, Any] = {"github": GITHUB, "env": {}, "steps": steps, "vars": {}}
    env: dict[str, str] = {}
    for level in (doc, spec):
        for key, value in (level.get("env") or {}).items():
            env[key] = substitute(value, {**contexts, "env": env})
    contexts["env"] = env
    runs: list[StepRun] = []
    failed = False
    for step in spec["steps"]:
        name = step.get("name") or step.get("id") or step.get("uses") or "run"
        if not condition(step.get("if"), contexts, failed):
            runs.append(StepRun(step.get("id"), name, "skipped"))
            continue
        step_env = {
            **env,
            **{k: substitute(v, contexts) for k, v in (step.get("env") or {}).items()},
        }
        if "run" in step:
            result = runner.run(name, step["run"], step_env, step_id=step.get("id"))
        elif is_redline(step["uses"]):
            inputs = {k: substitute(v, contexts) for k, v in (step.get("with") or {}).items()}
            done = action(runner, inputs, env=step_env, github=GITHUB)
            outcome = "failure" if done.failed else "success"
            result = StepRun(step.get("id"), name, outcome, done.returncode, done.log, "",
                             done.outputs)  # fmt: skip
        else:
            result = StepRun(step.get("id"), name, "success", stdout=f"(needs GitHub) {name}")
        runs.append(result)
        if step.get("id"):
            steps[step["id"]] = {
                "outputs": result.outputs,
                "outcome": result.outcome,
                "conclusion": result.outcome,
            }
        failed = failed or result.outcome == "failure"
    return runs


def by_name(runs: list[StepRun], name: str) -> StepRun:
    return next(r for r in runs if r.name == name)


# -- every file -----------------------------------------------------------------------------
@pytest.mark.parametrize("path", ALL, ids=ids(ALL))
def test_each_workflow_keeps_the_hygiene(path: Path) -> None:
    doc = load_yaml(path)
    assert doc.get("name"), "a name for the Actions tab"
    assert triggers(doc)
    # Least privilege: the workflow grants nothing it writes with; a job asks for what it
    # needs.
    assert "permissions" in doc, "top-level permissions"
    top = doc["permissions"] or {}
    assert isinstance(top, dict) and all(v in ("read", "none") for v in top.values()), top
    assert "concurrency" in doc
    for name, job in doc["jobs"].items():
        assert isinstance(job.get("timeout-minutes"), int), f"{name}: timeout-minutes"
        assert 0 < job["timeout-minutes"] <= 60
        if not top:
            assert "permissions" in job, f"{name}: the workflow grants nothing, the job asks"
    for step in steps_of(doc):
        if "run" in step:
            assert "${{" not in step["run"], f"{path.name}: an expression inside run:"
        uses = step.get("uses", "")
        if uses.startswith("actions/checkout@"):
            assert (step.get("with") or {}).get("persist-credentials") is False, path.name


@pytest.mark.parametrize("path", ALL, ids=ids(ALL))
def test_every_container_image_is_pinned_by_digest(path: Path) -> None:
    """A job's container or service image runs whatever its tag names today unless it is
    named by digest (zizmor's auditor persona flags it)."""
    for name, job in load_yaml(path)["jobs"].items():
        images = [job.get("container")] + list((job.get("services") or {}).values())
        for image in images:
            if image is None:
                continue
            ref = image["image"] if isinstance(image, dict) else image
            assert re.search(r"@sha256:[0-9a-f]{64}$", ref), f"{path.name} {name}: {ref}"


@pytest.mark.parametrize("path", [*ALL, ACTION], ids=[*ids(ALL), "action.yml"])
def test_every_action_is_pinned_to_a_full_sha_with_its_version(path: Path) -> None:
    found = 0
    for line in path.read_text(encoding="utf-8").splitlines():
        m = USES.match(line)
        if not m:
            continue
        found += 1
        ref, comment = m.group("ref"), m.group("comment") or ""
        if ref == "./":
            assert path == WATCH, "only this repository's own watch uses the local action"
            continue
        action, _, sha = ref.partition("@")
        assert re.fullmatch(r"[0-9a-f]{40}", sha), f"{ref}: not a full commit SHA"
        assert re.match(r"v\d+(\.\d+)*\b", comment), f"{ref}: no '# vX.Y.Z' comment"
        if action == REDLINE:
            assert path in EXAMPLES and sha == PLACEHOLDER, ref
            assert "put the release's commit here" in comment
            continue
        assert action in PINS, f"{action}: add it to PINS once its SHA is checked"
        assert (sha, comment.split()[0]) == PINS[action], line.strip()
    assert found


def test_the_scheduled_workflows_run_on_odd_minutes_by_hand_too_and_queue() -> None:
    scheduled = {p.name for p in ALL if "schedule" in triggers(load_yaml(p))}
    assert scheduled == SCHEDULED
    for path in ALL:
        doc = load_yaml(path)
        on = triggers(doc)
        if path.name not in SCHEDULED:
            continue
        assert "workflow_dispatch" in on, path.name
        for entry in on["schedule"]:
            minutes = entry["cron"].split()[0]
            for minute in minutes.split(","):
                assert minute.isdigit(), f"{path.name}: minute {minute!r}"
                assert int(minute) % 5, f"{path.name}: minute {minute} is a crowded one"
        assert doc["concurrency"]["cancel-in-progress"] is False, path.name


def test_ci_lints_and_tests_every_supported_python() -> None:
    doc = load_yaml(CI)
    assert {"push", "pull_request", "workflow_dispatch"} <= set(triggers(doc))
    assert doc["permissions"] == {"contents": "read"}
    # CI may cancel a superseded run of the same ref; the file says so.
    assert doc["concurrency"]["cancel-in-progress"] is True
    assert "cancelled" in CI.read_text()
    pythons = doc["jobs"]["test"]["strategy"]["matrix"]["python"]
    requires = re.search(r'requires-python = ">=3\.(\d+)"', (REPO / "pyproject.toml").read_text())
    assert requires is not None
    low = int(requires.group(1))
    assert pythons == [f"3.{n}" for n in range(low, low + len(pythons))] and len(pythons) >= 3
    scripts = "\n".join(s.get("run", "") for s in steps_of(doc))
    for command in ("ruff check .", "mypy", "python -m pytest", '.[test]"', *ci_run_linters()):
        assert command in scripts, command


def test_the_oidc_example_assumes_a_role_and_holds_no_keys() -> None:
    doc = load_yaml(S3_EXAMPLE)
    (job,) = doc["jobs"].values()
    assert job["permissions"] == {"id-token": "write", "contents": "read"}
    assert doc["permissions"] == {}
    (aws,) = [s for s in job["steps"] if s.get("uses", "").startswith("aws-actions/")]
    assert aws["with"]["role-to-assume"].startswith("arn:aws:iam::")
    assert aws["with"]["aws-region"]
    assert "secrets." not in S3_EXAMPLE.read_text()
    (redline,) = [s for s in job["steps"] if is_redline(s.get("uses", ""))]
    assert redline["with"]["archive"].startswith("s3://")


def test_the_publish_example_builds_the_site_and_only_its_deploy_job_writes_pages() -> None:
    doc = load_yaml(PUBLISH_EXAMPLE)
    assert doc["permissions"] == {}
    watch, deploy = doc["jobs"]["watch"], doc["jobs"]["deploy"]
    assert watch["permissions"] == {"contents": "write"}
    assert deploy["permissions"] == {"pages": "write", "id-token": "write"}
    assert deploy["needs"] == "watch" and deploy["environment"]["name"] == "github-pages"
    (redline,) = [s for s in watch["steps"] if is_redline(s.get("uses", ""))]
    (upload,) = [s for s in watch["steps"] if "upload-pages-artifact" in s.get("uses", "")]
    assert redline["with"]["site"] and "steps.watch.outputs.site" in upload["with"]["path"]
    assert [s["uses"].split("@")[0] for s in deploy["steps"]] == ["actions/deploy-pages"]
    # The query index is a cache: it is not committed with the archive; it is kept in
    # the Actions cache with the last site, restored before the watch builds the next.
    commit = next(s for s in watch["steps"] if s.get("name") == "Commit the archive")
    assert "state/index.sqlite" in commit["run"]
    names = [s.get("uses", "").split("@")[0] or s.get("name") for s in watch["steps"]]
    assert names.index("actions/cache") < names.index("redline-archive/redline")
    (cache,) = [s for s in watch["steps"] if s.get("uses", "").startswith("actions/cache@")]
    assert cache["with"]["path"].splitlines() == ["_site", "${{ env.ARCHIVE }}/state/index.sqlite"]


@pytest.mark.parametrize("path", [*EXAMPLES, WATCH], ids=[*ids(EXAMPLES), "watch.yml"])
def test_the_redline_steps_give_the_actions_inputs(path: Path) -> None:
    declared = load_yaml(ACTION)["inputs"]
    required = {name for name, spec in declared.items() if spec.get("required")}
    steps = [s for s in steps_of(load_yaml(path)) if is_redline(s.get("uses", ""))]
    assert steps
    for step in steps:
        given = set(step.get("with") or {})
        assert given <= set(declared) and required <= given, given


def test_the_example_watchlist_is_one_redline_reads() -> None:
    watchlist = read_watchlist(REPO / "examples" / "github-actions" / "watchlist.txt")
    assert watchlist.problems == []
    assert watchlist.feeds and len(watchlist.pages) >= 2
    assert all(e.url.startswith("https://") for e in [*watchlist.feeds, *watchlist.pages])


# -- the linters, as .ci/run runs them -----------------------------------------------------
def ci_run_linters() -> list[str]:
    """The actionlint and zizmor command lines of .ci/run."""
    lines = (REPO / ".ci" / "run").read_text().splitlines()
    found = [line.strip() for line in lines if line.strip().startswith(("actionlint ", "zizmor "))]
    assert [c.split()[0] for c in found] == ["actionlint", "zizmor"], found
    return found


@pytest.mark.e2e
@pytest.mark.parametrize("tool", ["actionlint", "zizmor"])
def test_the_linters_find_nothing(tool: str) -> None:
    (command,) = [c for c in ci_run_linters() if c.startswith(f"{tool} ")]
    path = f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}"
    if shutil.which(tool, path=path) is None:
        pytest.skip(f"{tool} is not installed (pip install -e '.[test]' provides it)")
    env = {**os.environ, "PATH": path, "NO_COLOR": "1"}
    result = subprocess.run(
        ["bash", "-c", command], cwd=REPO, env=env, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stdout + result.stderr


# -- the git-scraping example, against a local remote ----------------------------------------
def git(*args: str, cwd: Path, env: Mapping[str, str]) -> str:
    result = subprocess.run(
        ["git", *args], cwd=cwd, env={**os.environ, **env}, capture_output=True, text=True
    )
    assert result.returncode == 0, f"git {shlex.join(args)}: {result.stderr}"
    return result.stdout


@pytest.fixture
def git_env(tmp_path: Path) -> dict[str, str]:
    """No global or system git configuration: the step must set its own identity."""
    empty = tmp_path / "gitconfig"
    empty.touch()
    return {"GIT_CONFIG_GLOBAL": str(empty), "GIT_CONFIG_NOSYSTEM": "1"}


@pytest.mark.e2e
def test_the_git_example_commits_the_archive_and_pushes_only_what_changed(
    http_server: LocalHTTPServer, tmp_path: Path, git_env: dict[str, str]
) -> None:
    room = Newsroom(http_server)
    flood, bridge = room.publish("flood"), room.publish("bridge")
    remote, workspace, other = tmp_path / "origin.git", tmp_path / "workspace", tmp_path / "other"
    desk = ["-c", "user.name=Desk", "-c", "user.email=desk@example.org"]
    git("init", "--quiet", "--bare", "--initial-branch=main", str(remote), cwd=tmp_path,
        env=git_env)  # fmt: skip
    git("clone", "--quiet", str(remote), str(workspace), cwd=tmp_path, env=git_env)
    (workspace / "watchlist.txt").write_text(f"{flood}\n{bridge}\n")
    git("add", "watchlist.txt", cwd=workspace, env=git_env)
    git(*desk, "commit", "--quiet", "-m", "A watchlist", cwd=workspace, env=git_env)
    git("push", "--quiet", "origin", "main", cwd=workspace, env=git_env)

    def remote_log() -> list[str]:
        out = git("log", "--format=%an <%ae>|%s", "main", cwd=remote, env=git_env)
        return out.splitlines()

    # Before any archive (a watch that failed at once): nothing to commit, no error.
    (commit_step,) = [s for s in load_yaml(GIT_EXAMPLE)["jobs"]["watch"]["steps"] if "run" in s]
    commit_env = {"ARCHIVE": "redline-archive", "BRANCH": "main", "GITHUB_TOKEN": FAKE_TOKEN}
    early = JobRunner(workspace, tmp_path / "run-0", git_env).run(
        "commit", commit_step["run"], commit_env
    )
    assert early.outcome == "success" and "No archive yet" in early.stdout, early.stderr

    runner = JobRunner(workspace, tmp_path / "run-1", git_env)
    runs = run_job(GIT_EXAMPLE, runner)

    assert [r.outcome for r in runs] == ["success"] * 3, [(r.name, r.stderr) for r in runs]
    bot = "github-actions[bot] <41898282+github-actions[bot]@users.noreply.github.com>"
    assert remote_log() == [
        f"{bot}|redline: 0 changed, 2 new, 0 gone",
        "Desk <desk@example.org>|A watchlist",
    ]
    files = git("show", "--name-only", "--format=", "main", cwd=remote, env=git_env).split()
    assert any(f.startswith("redline-archive/ocfl/") and f.endswith(".warc.gz") for f in files)
    assert any(f.startswith("redline-archive/state/runs/") for f in files)
    assert not [f for f in files if "/.locks/" in f or "/.tmp/" in f], files
    assert FAKE_TOKEN not in git("config", "--list", cwd=workspace, env=git_env)

    # Nothing changed since: no commit.
    again = JobRunner(workspace, tmp_path / "run-2", git_env).run(
        "commit", commit_step["run"], commit_env
    )
    assert again.outcome == "success", again.stderr
    assert "nothing to commit" in again.stdout
    assert len(remote_log()) == 2

    # Someone edits the watchlist meanwhile; the next capture is replayed on top.
    git("clone", "--quiet", str(remote), str(other), cwd=tmp_path, env=git_env)
    (other / "watchlist.txt").write_text(f"# the desk's list\n{flood}\n{bridge}\n")
    git(*desk, "commit", "--quiet", "-am", "Comment the watchlist", cwd=other, env=git_env)
    git("push", "--quiet", "origin", "main", cwd=other, env=git_env)
    room.edit("flood")
    watched = CliRunner().invoke(
        cli, ["watch", "--archive", str(workspace / "redline-archive"), "--all", "--delay", "0",
              str(workspace / "watchlist.txt")]
    )  # fmt: skip
    assert watched.exit_code == 0, watched.output
    third = JobRunner(workspace, tmp_path / "run-3", git_env).run(
        "commit", commit_step["run"], {**commit_env, "CHANGED": "1", "NEW": "0", "GONE": "0"}
    )
    assert third.outcome == "success", third.stderr
    assert remote_log() == [
        f"{bot}|redline: 1 changed, 0 new, 0 gone",
        "Desk <desk@example.org>|Comment the watchlist",
        f"{bot}|redline: 0 changed, 2 new, 0 gone",
        "Desk <desk@example.org>|A watchlist",
    ]
    merges = git("rev-list", "--merges", "main", cwd=remote, env=git_env)
    assert merges == ""  # rebased, not merged


# -- the watch workflow's archive, carried from run to run as an artifact --------------------
FAKE_GH = """#!{python}
import json, os, re, shutil, sys
args = sys.argv[1:]
with open(os.environ["FAKE_GH_LOG"], "a") as log:
    log.write(json.dumps(args) + "\\n")
if os.environ.get("GH_TOKEN") != os.environ["FAKE_GH_TOKEN"]:
    sys.exit("gh: not logged in")
if args[:1] == ["api"]:
    if os.environ.get("FAKE_GH_FAIL"):
        sys.exit("gh: HTTP 502")
    path = next(a for a in args if a.startswith("repos/"))
    run = re.fullmatch(r"repos/[^/]+/[^/]+/actions/runs/(\\d+)", path)
    if path.endswith("/actions/artifacts"):
        sys.stdout.write(open(os.environ["FAKE_GH_ARTIFACTS"]).read())
    elif run:
        runs = json.load(open(os.environ["FAKE_GH_WORKFLOW_RUNS"]))
        if run.group(1) not in runs:
            sys.exit("gh: Not Found (HTTP 404)")
        json.dump(runs[run.group(1)], sys.stdout)
    else:
        sys.exit("gh: unexpected " + path)
elif args[:2] == ["run", "download"]:
    run_id, target = args[2], args[args.index("--dir") + 1]
    shutil.copytree(os.path.join(os.environ["FAKE_GH_RUNS"], run_id), target,
                    dirs_exist_ok=True)
else:
    sys.exit("gh: unexpected " + " ".join(args))
"""
#: The repository the jobs run in, the watch workflow's id, and this run's id.
REPOSITORY_ID, WATCH_WORKFLOW_ID, THIS_RUN = 4242, 77, 999
FORK_ID, CI_WORKFLOW_ID = 5151, 78


def workflow_run(
    run_id: int,
    branch: str = "main",
    *,
    workflow: int = WATCH_WORKFLOW_ID,
    head_repository: int = REPOSITORY_ID,
    event: str = "schedule",
) -> dict[str, Any]:
    """A workflow run as GitHub's API describes it (the fields the restore step reads)."""
    return {
        "id": run_id,
        "workflow_id": workflow,
        "head_branch": branch,
        "event": event,
        "repository": {"id": REPOSITORY_ID, "full_name": "newsroom/watch"},
        "head_repository": {"id": head_repository},
    }


def artifact(
    run_id: int,
    created: str,
    branch: str = "main",
    expired: bool = False,
    *,
    head_repository: int = REPOSITORY_ID,
) -> dict[str, Any]:
    return {
        "name": "redline-archive",
        "expired": expired,
        "created_at": created,
        "workflow_run": {
            "id": run_id,
            "repository_id": REPOSITORY_ID,
            "head_repository_id": head_repository,
            "head_branch": branch,
        },
    }


@pytest.fixture
def fake_gh(tmp_path: Path) -> Callable[..., dict[str, str]]:
    """A ``gh`` first on PATH serving ``artifacts``; runs' archives are taken from
    ``runs/<id>``. Returns the environment for the job."""
    bin_dir = tmp_path / "gh-bin"
    bin_dir.mkdir()
    gh = bin_dir / "gh"
    gh.write_text(FAKE_GH.format(python=sys.executable))
    gh.chmod(0o755)
    (tmp_path / "runs").mkdir()

    def serve(
        artifacts: list[dict[str, Any]],
        fail: bool = False,
        runs: list[dict[str, Any]] | None = None,
    ) -> dict[str, str]:
        """``runs``: the workflow runs the API knows, by default one of this workflow
        for each artifact, and this run."""
        listing = tmp_path / "artifacts.json"
        listing.write_text(json.dumps({"total_count": len(artifacts), "artifacts": artifacts}))
        if runs is None:
            runs = [workflow_run(a["workflow_run"]["id"], a["workflow_run"]["head_branch"])
                    for a in artifacts]  # fmt: skip
        known = {str(run["id"]): run for run in [*runs, workflow_run(THIS_RUN)]}
        (tmp_path / "workflow-runs.json").write_text(json.dumps(known))
        env = {
            "PATH": f"{bin_dir}{os.pathsep}{BIN}{os.pathsep}{os.environ.get('PATH', '')}",
            "FAKE_GH_LOG": str(tmp_path / "gh.log"),
            "FAKE_GH_TOKEN": FAKE_TOKEN,
            "FAKE_GH_ARTIFACTS": str(listing),
            "FAKE_GH_RUNS": str(tmp_path / "runs"),
            "FAKE_GH_WORKFLOW_RUNS": str(tmp_path / "workflow-runs.json"),
            "GITHUB_RUN_ID": str(THIS_RUN),
        }
        if fail:
            env["FAKE_GH_FAIL"] = "1"
        return env

    return serve


def gh_calls(tmp_path: Path) -> list[list[str]]:
    log = tmp_path / "gh.log"
    return [json.loads(line) for line in log.read_text().splitlines()] if log.exists() else []


def skip_action(runner: JobRunner, inputs: Mapping[str, str], **_: Any) -> ActionRun:
    (runner.root / "action-inputs.json").write_text(json.dumps(dict(inputs)))
    return ActionRun(outputs={"changed": "0", "new": "0", "gone": "0", "report": ""}, steps=[],
                     summary="")  # fmt: skip


def test_the_watch_workflow_starts_an_archive_when_there_is_none(
    tmp_path: Path, fake_gh: Callable[..., dict[str, str]]
) -> None:
    workspace = tmp_path / "workspace"
    workspace.mkdir()
    env = fake_gh([artifact(7, "2026-11-20T10:00:00Z", expired=True)])
    runs = run_job(WATCH, JobRunner(workspace, tmp_path / "job", env), action=skip_action)

    restore = by_name(runs, "Restore the last run's archive")
    assert restore.outcome == "success", restore.stderr
    assert "starts a new one" in restore.stdout
    assert [c[3] for c in gh_calls(tmp_path)] == [
        f"repos/newsroom/watch/actions/runs/{THIS_RUN}",
        "repos/newsroom/watch/actions/artifacts",
    ]
    assert not (workspace / "redline-archive").exists()
    inputs = json.loads((tmp_path / "job" / "action-inputs.json").read_text())
    assert inputs == {
        "watchlist": "examples/github-actions/watchlist.txt",
        "archive": "redline-archive",
    }
    assert by_name(runs, "Keep the archive").outcome == "success"  # it would upload


def test_the_watch_workflow_never_replaces_an_archive_it_could_not_restore(
    tmp_path: Path, fake_gh: Callable[..., dict[str, str]]
) -> None:
    workspace = tmp_path / "workspace"
    workspace.mkdir()
    env = fake_gh([artifact(8, "2026-11-25T10:00:00Z")], fail=True)
    runs = run_job(WATCH, JobRunner(workspace, tmp_path / "job", env), action=skip_action)

    assert by_name(runs, "Restore the last run's archive").outcome == "failure"
    assert by_name(runs, "watch").outcome == "skipped"
    assert by_name(runs, "Keep the archive").outcome == "skipped"


def restored_run(tmp_path: Path, env: dict[str, str]) -> str | None:
    """Run the watch job (without redline) and return the run whose archive it took."""
    workspace = tmp_path / "workspace"
    workspace.mkdir(exist_ok=True)
    runs = run_job(WATCH, JobRunner(workspace, tmp_path / "job", env), action=skip_action)
    restore = by_name(runs, "Restore the last run's archive")
    assert restore.outcome == "success", restore.stderr
    downloads = [c for c in gh_calls(tmp_path) if c[:2] == ["run", "download"]]
    if not downloads:
        assert "starts a new one" in restore.stdout
        return None
    ((_run, _download, run_id, *_),) = downloads
    assert f"Continuing the archive of run {run_id}." in restore.stdout
    return run_id


def test_the_watch_workflow_takes_no_archive_planted_by_a_pull_request_or_another_workflow(
    tmp_path: Path, fake_gh: Callable[..., dict[str, str]]
) -> None:
    """Newer artifacts of the same name and branch, made by a fork's pull request (its
    branch named main too), by this workflow run for a pull request, by another workflow
    of the repository, are passed over for the last artifact this workflow made."""
    artifacts = [
        artifact(501, "2026-11-25T12:00:00Z", head_repository=FORK_ID),  # says so itself
        artifact(502, "2026-11-25T11:50:00Z"),  # its run: a fork's
        artifact(503, "2026-11-25T11:40:00Z"),  # its run: a pull request's
        artifact(504, "2026-11-25T11:30:00Z"),  # its run: the CI workflow's
        artifact(400, "2026-11-25T10:00:00Z"),  # this workflow's, on schedule
        artifact(300, "2026-11-25T09:00:00Z"),  # older
    ]
    runs = [
        workflow_run(501, head_repository=FORK_ID, event="pull_request"),
        workflow_run(502, head_repository=FORK_ID),
        workflow_run(503, event="pull_request"),
        workflow_run(504, workflow=CI_WORKFLOW_ID, event="push"),
        workflow_run(400),
        workflow_run(300, event="workflow_dispatch"),
    ]
    (tmp_path / "runs" / "400").mkdir()
    assert restored_run(tmp_path, fake_gh(artifacts, runs=runs)) == "400"


@pytest.mark.parametrize(
    "planted",
    [
        pytest.param(
            (artifact(601, "2026-11-25T12:00:00Z", head_repository=FORK_ID),
             workflow_run(601, head_repository=FORK_ID, event="pull_request")),
            id="fork-pull-request",
        ),
        pytest.param(
            (artifact(602, "2026-11-25T12:00:00Z"),
             workflow_run(602, workflow=CI_WORKFLOW_ID, event="push")),
            id="another-workflow",
        ),
        pytest.param(
            (artifact(603, "2026-11-25T12:00:00Z"), workflow_run(603, event="pull_request")),
            id="this-workflow-for-a-pull-request",
        ),
    ],
)  # fmt: skip
def test_a_planted_archive_alone_is_not_restored(
    tmp_path: Path,
    fake_gh: Callable[..., dict[str, str]],
    planted: tuple[dict[str, Any], dict[str, Any]],
) -> None:
    found, run = planted
    assert restored_run(tmp_path, fake_gh([found], runs=[run])) is None


@pytest.mark.e2e
def test_the_watch_workflow_continues_the_newest_archive_of_its_branch(
    http_server: LocalHTTPServer, tmp_path: Path, fake_gh: Callable[..., dict[str, str]]
) -> None:
    room = Newsroom(http_server)
    flood = room.publish("flood")
    workspace = tmp_path / "workspace"
    watchlist = workspace / "examples" / "github-actions" / "watchlist.txt"
    watchlist.parent.mkdir(parents=True)
    watchlist.write_text(f"{flood}\n")
    # Run 222, two hours ago, left an archive holding the first version.
    page = tmp_path / "flood.html"
    with urllib.request.urlopen(flood) as response:
        page.write_bytes(response.read())
    earlier = tmp_path / "runs" / "222"
    two_hours_ago = (datetime.now(timezone.utc) - timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M:%SZ")
    first = CliRunner().invoke(
        cli, ["capture", "--archive", str(earlier), "--html", str(page), "--url", flood,
              "--at", two_hours_ago]
    )  # fmt: skip
    assert first.exit_code == 0, first.output
    env = fake_gh(
        [
            artifact(333, "2026-11-25T12:00:00Z", branch="experiment"),
            artifact(300, "2026-11-25T11:30:00Z", expired=True),
            artifact(111, "2026-11-25T10:00:00Z"),
            artifact(222, "2026-11-25T11:00:00Z"),
        ]
    )
    room.edit("flood")

    runs = run_job(WATCH, JobRunner(workspace, tmp_path / "job", env))

    assert by_name(runs, "Restore the last run's archive").outcome == "success"
    download = [c for c in gh_calls(tmp_path) if c[:2] == ["run", "download"]]
    assert download == [
        ["run", "download", "222", "--repo", "newsroom/watch", "--name", "redline-archive",
         "--dir", "redline-archive"]
    ]  # fmt: skip
    watch = by_name(runs, "watch")
    assert watch.outcome == "success", watch.stdout
    # The restored archive goes on: the edit is a change, not a first capture.
    assert (watch.outputs["changed"], watch.outputs["new"]) == ("1", "0")
    assert by_name(runs, "Keep the archive").outcome == "success"


def test_the_shards_example_gives_every_shard_of_the_matrix_one_job() -> None:
    """The matrix lists shards 1..N and each job passes --shard K/N with the same N, so
    the jobs together check every article; one failing shard leaves the others running."""
    job = load_yaml(SHARDS_EXAMPLE)["jobs"]["watch"]
    shards = job["strategy"]["matrix"]["shard"]
    assert job["strategy"]["fail-fast"] is False
    (step,) = [s for s in job["steps"] if str(s.get("uses", "")).startswith(REDLINE)]
    m = re.fullmatch(r"--shard \$\{\{ matrix\.shard \}\}/(\d+)", step["with"]["args"])
    assert m, step["with"]["args"]
    assert shards == list(range(1, int(m.group(1)) + 1))
    from redline.archive.watching import parse_shard

    assert [parse_shard(f"{k}/{m.group(1)}") for k in shards]
