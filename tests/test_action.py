"""The composite action (action.yml), its steps run as GitHub Actions runs them.

Each ``run:`` step is written to a file and run with ``bash --noprofile --norc -eo
pipefail FILE``, the command Actions uses for ``shell: bash``, in the workspace, with the
step's ``env:`` (its ``${{ }}`` expressions evaluated against the inputs, the ``env``,
``steps`` and ``github`` contexts), and fresh ``GITHUB_OUTPUT`` and
``GITHUB_STEP_SUMMARY`` files, read back afterwards as the runner reads them.
``RUNNER_TEMP``, ``GITHUB_WORKSPACE`` and ``GITHUB_ACTION_PATH`` (this repository) are
set as on a runner.

``uses: actions/setup-python`` is skipped: this Python is already there. The install
step runs with a stand-in ``python`` first on PATH that records its arguments instead of
installing (a real ``pip install`` takes minutes): the tests check that it installs
the action's own checkout, ``$GITHUB_ACTION_PATH``. The watch step then runs the
``redline`` of this virtualenv, which is this checkout installed in editable mode.

The news site is ``tests/support/newsroom.py`` on 127.0.0.1; the S3 case uses the
session's SeaweedFS. ``JobRunner`` and ``run_action`` are also used by
``tests/test_workflows.py`` to run the workflows' steps.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
import yaml
from click.testing import CliRunner

from redline.cli.main import cli
from tests.support.http_server import LocalHTTPServer
from tests.support.newsroom import Newsroom
from tests.support.seaweed import SeaweedS3

#: Every test runs the action's steps in bash subprocesses, as Actions does.
pytestmark = pytest.mark.e2e

REPO = Path(__file__).resolve().parent.parent
ACTION = REPO / "action.yml"
#: This virtualenv's scripts (python, redline), first on PATH as setup-python's would be.
BIN = Path(sys.executable).parent
#: What Actions runs for ``shell: bash``.
BASH = ("bash", "--noprofile", "--norc", "-eo", "pipefail")
EXPRESSION = re.compile(r"\$\{\{\s*(.*?)\s*\}\}", re.DOTALL)
CONTEXT_PATH = re.compile(r"[A-Za-z_][\w-]*(?:\.[A-Za-z_][\w-]*)*")
SETUP_PYTHON = "actions/setup-python@a26af69be951a213d495a4c3e4e4022e16d87065"
FAKE_TOKEN = "ghs_notARealToken0123456789"


# -- YAML and expressions ---------------------------------------------------------------
def load_yaml(path: Path) -> dict[Any, Any]:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    assert isinstance(data, dict), f"{path} is not a YAML mapping"
    return data


def lookup(contexts: Mapping[str, Any], expression: str) -> str:
    """The value of a context path such as ``inputs.watchlist`` or
    ``steps.watch.outputs.changed``; nothing fancier is used in this project's files."""
    assert CONTEXT_PATH.fullmatch(expression), f"unsupported expression: {expression!r}"
    head, *rest = expression.split(".")
    assert head in contexts, f"unknown context {head!r} in {expression!r}"
    value: Any = contexts[head]
    for part in rest:
        if head == "steps" and isinstance(value, Mapping) and part not in value:
            return ""  # a step that did not run, or an output it did not set
        assert isinstance(value, Mapping) and part in value, f"{expression!r} is not defined"
        value = value[part]
    assert not isinstance(value, Mapping), f"{expression!r} is an object, not a value"
    return "" if value is None else str(value)


def substitute(text: Any, contexts: Mapping[str, Any]) -> str:
    return EXPRESSION.sub(lambda m: lookup(contexts, m.group(1)), str(text))


def condition(expression: Any, contexts: Mapping[str, Any], failed: bool) -> bool:
    """An ``if:``: status functions, and ``steps.X.outcome == '...'``, joined by &&."""
    if expression is None:
        return not failed
    text = str(expression).strip()
    if text.startswith("${{") and text.endswith("}}"):
        text = text[3:-2].strip()
    if not re.search(r"\b(success|failure|always|cancelled)\(\)", text) and failed:
        return False  # success() is implied
    for term in (t.strip() for t in text.split("&&")):
        if term in ("always()", "!cancelled()"):
            continue
        if term == "success()":
            ok = not failed
        elif term == "failure()":
            ok = failed
        elif m := re.fullmatch(r"(steps\.[\w-]+\.(?:outcome|conclusion)) == '(\w+)'", term):
            ok = lookup(contexts, m.group(1)) == m.group(2)
        else:
            raise AssertionError(f"unsupported condition: {term!r}")
        if not ok:
            return False
    return True


def parse_github_output(text: str) -> dict[str, str]:
    """A GITHUB_OUTPUT file as the runner reads it: ``name=value`` lines and
    ``name<<DELIMITER`` blocks; anything else fails the step there, and here."""
    outputs: dict[str, str] = {}
    lines = text.splitlines()
    i = 0
    while i < len(lines):
        line = lines[i]
        i += 1
        if not line:
            continue
        if "<<" in line and ("=" not in line or line.index("<<") < line.index("=")):
            name, delimiter = line.split("<<", 1)
            value: list[str] = []
            while i < len(lines) and lines[i] != delimiter:
                value.append(lines[i])
                i += 1
            assert i < len(lines), f"GITHUB_OUTPUT: no closing {delimiter!r} for {name!r}"
            i += 1
            outputs[name] = "\n".join(value)
            continue
        assert "=" in line, f"GITHUB_OUTPUT: invalid line {line!r}"
        name, value_text = line.split("=", 1)
        outputs[name] = value_text
    return outputs


# -- the runner ---------------------------------------------------------------------------
@dataclass
class StepRun:
    id: str | None
    name: str
    outcome: str  # success, failure or skipped
    returncode: int = 0
    stdout: str = ""
    stderr: str = ""
    outputs: dict[str, str] = field(default_factory=dict)


@dataclass
class ActionRun:
    outputs: dict[str, str]
    steps: list[StepRun]
    summary: str

    @property
    def failed(self) -> StepRun | None:
        return next((s for s in self.steps if s.outcome == "failure"), None)

    @property
    def returncode(self) -> int:
        failed = self.failed
        return failed.returncode if failed else 0

    @property
    def log(self) -> str:
        return "\n".join(f"[{s.name}]\n{s.stdout}{s.stderr}" for s in self.steps)

    def step(self, name: str) -> StepRun:
        return next(s for s in self.steps if s.name == name)


class JobRunner:
    """One job's runner: its workspace, RUNNER_TEMP, environment and job summary."""

    def __init__(self, workspace: Path, root: Path, env: Mapping[str, str] | None = None):
        self.workspace = workspace
        self.root = root
        self.temp = root / "runner-temp"
        self.temp.mkdir(parents=True, exist_ok=True)
        self.count = 0
        self.summary = ""
        base = {
            k: v
            for k, v in os.environ.items()
            if not k.startswith(("GITHUB_", "RUNNER_", "INPUT_", "REDLINE_"))
        }
        base["PATH"] = f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}"
        base.update(
            GITHUB_ACTIONS="true",
            GITHUB_REPOSITORY="newsroom/watch",
            GITHUB_SERVER_URL="https://github.com",
            GITHUB_REF_NAME="main",
        )
        base.update(env or {})
        self.env = base

    def run(
        self,
        name: str,
        script: str,
        env: Mapping[str, str],
        *,
        action_path: Path | None = None,
        step_id: str | None = None,
        path_first: Path | None = None,
    ) -> StepRun:
        """Run one ``run:`` step with ``shell: bash``."""
        self.count += 1
        files = self.root / f"step-{self.count}"
        files.mkdir()
        script_file = files / "script.sh"
        script_file.write_text(script, encoding="utf-8")
        output, summary = files / "output", files / "summary"
        output.touch()
        summary.touch()
        full = {**self.env, **env}
        if path_first is not None:
            full["PATH"] = f"{path_first}{os.pathsep}{full['PATH']}"
        full.update(
            GITHUB_OUTPUT=str(output),
            GITHUB_STEP_SUMMARY=str(summary),
            RUNNER_TEMP=str(self.temp),
            GITHUB_WORKSPACE=str(self.workspace),
        )
        if action_path is not None:
            full["GITHUB_ACTION_PATH"] = str(action_path)
        proc = subprocess.run(
            [*BASH, str(script_file)],
            cwd=self.workspace,
            env=full,
            capture_output=True,
            text=True,
            timeout=180,
        )
        self.summary += summary.read_text(encoding="utf-8")
        return StepRun(
            id=step_id,
            name=name,
            outcome="success" if proc.returncode == 0 else "failure",
            returncode=proc.returncode,
            stdout=proc.stdout,
            stderr=proc.stderr,
            outputs=parse_github_output(output.read_text(encoding="utf-8")),
        )


def stand_in_python(directory: Path) -> Path:
    """A ``python`` that only records its arguments (one a line) in ``python.args``."""
    directory.mkdir(parents=True, exist_ok=True)
    fake = directory / "python"
    fake.write_text('#!/bin/sh\nprintf \'%s\\n\' "$@" > "$(dirname "$0")/python.args"\n')
    fake.chmod(0o755)
    return directory


def run_action(
    job: JobRunner,
    inputs: Mapping[str, str],
    *,
    env: Mapping[str, str] | None = None,
    github: Mapping[str, str] | None = None,
) -> ActionRun:
    """Run action.yml's steps with ``inputs`` (the ``with:`` of the calling step);
    ``env`` is the caller's environment (workflow, job and step ``env:``)."""
    action = load_yaml(ACTION)
    declared: dict[str, Any] = action["inputs"]
    assert not set(inputs) - set(declared), f"inputs not declared: {set(inputs) - set(declared)}"
    values = {
        name: str(inputs.get(name, spec.get("default", ""))) for name, spec in declared.items()
    }
    for name, spec in declared.items():
        assert name in inputs or not spec.get("required"), f"required input {name} missing"
    steps_context: dict[str, Any] = {}
    contexts: dict[str, Any] = {
        "inputs": values,
        "steps": steps_context,
        "env": dict(env or {}),
        "github": {"action_path": str(REPO), **(github or {})},
        "runner": {"temp": str(job.temp)},
    }
    runs: list[StepRun] = []
    failed = False
    for index, step in enumerate(action["runs"]["steps"]):
        name = step.get("name") or step.get("uses") or f"step {index + 1}"
        if not condition(step.get("if"), contexts, failed):
            runs.append(StepRun(step.get("id"), name, "skipped"))
            continue
        if "uses" in step:
            # setup-python: this interpreter is already the one the steps use.
            assert step["uses"] == SETUP_PYTHON, step["uses"]
            assert substitute(step["with"]["python-version"], contexts) == values["python-version"]
            runs.append(StepRun(step.get("id"), name, "success"))
            continue
        assert step.get("shell") == "bash", f"{name}: every run step says shell: bash"
        step_env = {k: substitute(v, contexts) for k, v in (step.get("env") or {}).items()}
        installs = "pip install" in step["run"]
        fake = stand_in_python(job.root / "stand-in") if installs else None
        result = job.run(
            name,
            step["run"],
            {**(env or {}), **step_env},
            action_path=REPO,
            step_id=step.get("id"),
            path_first=fake,
        )
        if fake is not None:
            # It installed this checkout (GITHUB_ACTION_PATH), not something from an index.
            args = (fake / "python.args").read_text().splitlines()
            assert args[:3] == ["-m", "pip", "install"] and args[-1] == str(REPO), args
        runs.append(result)
        if step.get("id"):
            steps_context[step["id"]] = {"outputs": result.outputs, "outcome": result.outcome}
        failed = failed or result.outcome == "failure"
    outputs = {
        name: substitute(spec["value"], contexts) for name, spec in action["outputs"].items()
    }
    return ActionRun(outputs=outputs, steps=runs, summary=job.summary)


# -- fixtures -----------------------------------------------------------------------------
@pytest.fixture
def room(http_server: LocalHTTPServer) -> Newsroom:
    return Newsroom(http_server)


@pytest.fixture
def workspace(tmp_path: Path) -> Path:
    path = tmp_path / "workspace"
    path.mkdir()
    return path


def new_job(workspace: Path, tmp_path: Path, name: str, **env: str) -> JobRunner:
    return JobRunner(workspace, tmp_path / name, env)


def watch_in_process(archive: str, watchlist: Path, *args: str) -> None:
    """A watch run made in this process (quick), as an earlier run of the workflow."""
    result = CliRunner().invoke(
        cli, ["watch", "--archive", archive, "--delay", "0", *args, str(watchlist)]
    )
    assert result.exit_code == 0, result.output


def next_second() -> None:
    time.sleep(1.01 - time.time() % 1)


def counts(run: ActionRun) -> tuple[int, int, int]:
    return int(run.outputs["new"]), int(run.outputs["changed"]), int(run.outputs["gone"])


# -- the action's definition --------------------------------------------------------------
def test_the_action_takes_its_inputs_as_data_and_pins_what_it_uses() -> None:
    action = load_yaml(ACTION)
    assert action["runs"]["using"] == "composite"
    inputs = action["inputs"]
    assert inputs["watchlist"]["required"] is True
    defaults = {name: spec.get("default") for name, spec in inputs.items()}
    assert defaults == {
        "watchlist": None,
        "archive": "redline-archive",
        "endpoint-url": "",
        "args": "",
        "fail-on": "",
        "site": "",
        "python-version": "3.12",
    }
    assert set(action["outputs"]) == {"changed", "new", "gone", "report", "site"}
    for step in action["runs"]["steps"]:
        if "run" in step:
            assert step["shell"] == "bash"
            assert "${{" not in step["run"], f"{step['name']}: an expression inside run:"
    # Every input reaches the watch step through its environment.
    (watch,) = [s for s in action["runs"]["steps"] if s.get("id") == "watch"]
    used = {m.group(1) for v in watch["env"].values() for m in EXPRESSION.finditer(v)}
    assert used == {f"inputs.{name}" for name in inputs} - {"inputs.python-version"}
    raw = ACTION.read_text()
    assert f"uses: {SETUP_PYTHON} # v5." in raw


def test_the_install_step_installs_the_actions_own_checkout(
    workspace: Path, tmp_path: Path
) -> None:
    job = new_job(workspace, tmp_path, "job")
    action = load_yaml(ACTION)
    (install,) = [s for s in action["runs"]["steps"] if "pip install" in s.get("run", "")]
    fake = stand_in_python(tmp_path / "stand-in")
    result = job.run("install", install["run"], {}, action_path=REPO, path_first=fake)
    assert result.outcome == "success", result.stderr
    args = (fake / "python.args").read_text().splitlines()
    assert args == ["-m", "pip", "install", "--disable-pip-version-check", "--quiet", str(REPO)]


@pytest.mark.skipif(shutil.which("shellcheck") is None, reason="shellcheck is not installed")
def test_the_action_scripts_pass_shellcheck() -> None:
    """actionlint checks the workflows' scripts, not an action's: shellcheck does here."""
    for step in load_yaml(ACTION)["runs"]["steps"]:
        if "run" in step:
            check = subprocess.run(
                ["shellcheck", "--shell=bash", "-"], input=step["run"], capture_output=True,
                text=True,
            )  # fmt: skip
            assert check.returncode == 0, f"{step['name']}:\n{check.stdout}"


# -- runs ---------------------------------------------------------------------------------
def test_a_folder_archive_new_then_changed_with_the_report_in_the_summary(
    room: Newsroom, workspace: Path, tmp_path: Path
) -> None:
    flood, bridge = room.publish("flood"), room.publish("bridge")
    school = room.publish("school")
    room.stories.pop("school")  # served, but no longer in the feed
    room.publish_lists()
    # Inputs that would be commands if pasted into a script: a watchlist whose name is
    # one, and a quoted option that is another.
    watchlist = "list $(touch pwned-1); `touch pwned-2` 'q' \"dq\" & touch pwned-3.txt"
    (workspace / watchlist).write_text(
        f"# the desk's list\nfeed: {room.feed_url}\n{school}\n{flood}  # also in the feed\n"
    )
    contact = "Desk <desk@example.org> $(touch pwned-4); `touch pwned-5` && touch pwned-6"
    args = f"--allow-private --delay 0 --contact '{contact}'"

    first = run_action(
        new_job(workspace, tmp_path, "run-1"), {"watchlist": watchlist, "args": args}
    )

    assert first.returncode == 0, first.log
    assert counts(first) == (3, 0, 0)
    report = Path(first.outputs["report"])
    assert report.parent == tmp_path / "run-1" / "runner-temp" and report.is_file()
    assert report.read_text().strip() and report.read_text() in first.summary
    assert all(url in first.summary for url in (flood, bridge, school))
    assert (workspace / "redline-archive" / "ocfl").is_dir()  # the default archive
    # The quoted option arrived as one word, as it was.
    agent = [r for r in room.server.requests if r.path == "/news/flood"][-1].header("User-Agent")
    assert agent is not None and contact in agent
    assert not list(tmp_path.rglob("pwned-*"))

    room.edit("flood")
    second = run_action(
        new_job(workspace, tmp_path, "run-2"),
        {"watchlist": watchlist, "args": f"{args} --all"},
    )

    assert second.returncode == 0, second.log
    assert counts(second) == (0, 1, 0)
    assert flood in second.summary and bridge not in second.summary
    assert Path(second.outputs["report"]).read_text() in second.summary
    assert not list(tmp_path.rglob("pwned-*"))


def test_the_site_input_builds_the_archives_site_after_the_watch(
    room: Newsroom, workspace: Path, tmp_path: Path
) -> None:
    flood = room.publish("flood")
    (workspace / "watchlist.txt").write_text(f"{flood}\n")
    inputs = {"watchlist": "watchlist.txt", "args": "--allow-private --delay 0", "site": "_site"}
    first = run_action(new_job(workspace, tmp_path, "run-1"), inputs)
    assert first.returncode == 0, first.log
    assert first.outputs["site"] == "_site"
    assert (workspace / "_site" / "index.html").is_file()
    assert (workspace / "_site" / "feed.xml").is_file()

    room.edit("flood")
    second = run_action(
        new_job(workspace, tmp_path, "run-2"), {**inputs, "args": f"{inputs['args']} --all"}
    )
    assert second.returncode == 0, second.log
    assert "1 article (1 made again)" in second.log
    (article,) = (workspace / "_site" / "a").iterdir()
    assert (article / "v2.html").is_file()

    # No site asked for: none built, the output empty.
    third = run_action(new_job(workspace, tmp_path, "run-3"), {"watchlist": "watchlist.txt"})
    assert third.returncode == 0, third.log
    assert third.outputs["site"] == ""


def test_fail_on_fails_the_step_after_writing_the_summary_and_outputs(
    room: Newsroom, workspace: Path, tmp_path: Path
) -> None:
    flood = room.publish("flood")
    watchlist = workspace / "watchlist.txt"
    watchlist.write_text(f"{flood}\n")
    watch_in_process(str(workspace / "archive"), watchlist)
    next_second()  # runs are timed to the second: the next one starts in a later one
    room.edit("flood")

    run = run_action(
        new_job(workspace, tmp_path, "job"),
        {
            "watchlist": "watchlist.txt",
            "archive": "archive",
            "args": "--all --delay 0",
            "fail-on": "gone, changed",
        },
    )

    assert run.returncode == 3, run.log
    assert run.failed is not None and run.failed.name == "Watch"
    assert counts(run) == (0, 1, 0)
    assert flood in run.summary
    assert Path(run.outputs["report"]).is_file()


@pytest.mark.s3
def test_an_s3_archive_reached_through_the_endpoint_url_input(
    s3_env: SeaweedS3, room: Newsroom, workspace: Path, tmp_path: Path
) -> None:
    bucket = s3_env.new_bucket()
    archive = f"s3://{bucket}/news/redline"
    flood, bridge = room.publish("flood"), room.publish("bridge")
    (workspace / "watchlist.txt").write_text(f"{flood}\n{bridge}\n")

    # The job's environment has the keys (as configure-aws-credentials leaves them)
    # but no REDLINE_ENDPOINT_URL: the endpoint comes from the input alone.
    run = run_action(
        new_job(workspace, tmp_path, "job"),
        {
            "watchlist": "watchlist.txt",
            "archive": archive,
            "endpoint-url": s3_env.endpoint_url,
            "args": "--delay 0",
        },
    )

    assert run.returncode == 0, run.log
    assert counts(run) == (2, 0, 0)
    assert not (workspace / "redline-archive").exists()
    keys = s3_env.keys(bucket, "news/redline/")
    assert any(k.endswith("/v1/content/capture.warc.gz") for k in keys)
    assert any(k.startswith("news/redline/state/runs/") for k in keys)
    assert flood in run.summary or bridge in run.summary
    verify = CliRunner().invoke(
        cli, ["verify", "--archive", archive, "--endpoint-url", s3_env.endpoint_url]
    )
    assert verify.exit_code == 0, verify.output


def test_shell_syntax_in_args_and_fail_on_is_never_run(
    room: Newsroom, workspace: Path, tmp_path: Path
) -> None:
    """Words a shell would run are arguments redline refuses (the watchlist and a quoted
    option with such words, taken as data, are in the folder archive test)."""
    (workspace / "watchlist.txt").write_text(f"{room.publish('flood')}\n")

    run = run_action(
        new_job(workspace, tmp_path, "job"),
        {
            "watchlist": "watchlist.txt",
            "args": "; touch pwned-1 && echo $(touch pwned-2) `touch pwned-3` | touch pwned-4",
            "fail-on": "changed $(touch pwned-5)",
        },
    )

    assert run.returncode == 2, run.log  # a usage error, from redline
    assert "Error:" in run.step("Watch").stderr
    assert counts(run) == (0, 0, 0)
    assert "stopped before its run could be reported (exit status 2)" in run.summary
    assert "Invalid value for '--fail-on'" in run.summary  # the reason, not just "see the log"
    assert not list(tmp_path.rglob("pwned-*"))
    assert not [r for r in room.server.requests if r.path == "/news/flood"]


def test_an_unbalanced_quote_in_args_is_named_in_the_summary(
    room: Newsroom, workspace: Path, tmp_path: Path
) -> None:
    (workspace / "watchlist.txt").write_text(f"{room.publish('flood')}\n")
    run = run_action(
        new_job(workspace, tmp_path, "job"),
        {"watchlist": "watchlist.txt", "args": '--contact "desk@example.org'},
    )
    assert run.returncode == 2, run.log
    assert "args input cannot be split into words" in run.summary
    assert counts(run) == (0, 0, 0) and Path(run.outputs["report"]).is_file()
    assert "Traceback" not in run.log


def test_fail_on_names_on_several_lines_in_any_case_all_count(
    room: Newsroom, workspace: Path, tmp_path: Path
) -> None:
    flood = room.publish("flood")
    (workspace / "watchlist.txt").write_text(f"{flood}\n")
    run = run_action(
        new_job(workspace, tmp_path, "job"),
        {"watchlist": "watchlist.txt", "args": "--delay 0", "fail-on": "Gone\nNEW\n"},
    )
    assert run.returncode == 3, run.log  # "new" on the second line was kept
    assert counts(run) == (1, 0, 0)
    # The run is named with its start time first, so plain `redline report` and
    # `--since` order it among the runs of any other job.
    (log,) = (workspace / "redline-archive" / "state" / "runs").glob("*.json")
    assert log.stem[:8].isdigit() and "-gh" in log.stem


def test_github_output_blocks_are_read_as_the_runner_reads_them() -> None:
    text = "a=1\nreport<<EOF_1\nline one\nline=two\nEOF_1\nb=x=y\n"
    assert parse_github_output(text) == {"a": "1", "report": "line one\nline=two", "b": "x=y"}
    with pytest.raises(AssertionError):
        parse_github_output("not an output\n")
    with pytest.raises(AssertionError):
        parse_github_output("report<<EOF\nno end\n")
    assert parse_github_output("") == {}
