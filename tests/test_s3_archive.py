"""An archive in S3 behaves as one in a folder, against two real S3 servers: SeaweedFS
and moto's server mode (every test runs against both, but for the wrong credentials that
moto accepts).

Shown here: the same OCFL bytes as a folder; two processes capturing the same article
at once lose no version; a capture killed at every write (and at random moments) leaves
an archive that verifies and whose copy validates; 503 SlowDown answers are retried;
a corrupted file is named by verify; wrong credentials, a missing bucket and an
unreachable endpoint each give one line; an unchanged check makes two requests.
"""

from __future__ import annotations

import os
import random
import re
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any
from urllib.parse import unquote

import boto3
import pytest
from click.testing import CliRunner, Result

from redline.archive.capture import capture_file
from redline.archive.core import layout
from redline.archive.core.errors import StoreError
from redline.archive.core.layout import LEASES as LEASE_PREFIX
from redline.archive.core.models import Article, Capture
from redline.archive.core.times import parse_when
from redline.archive.extract.article import extract_article
from redline.archive.fetch.client import read_html_file
from redline.archive.ocfl import inventory as ocfl
from redline.archive.ocfl.archive import Archive
from redline.archive.ocfl.state import ArticleState, newer
from redline.archive.ocfl.stateindex import decode
from redline.archive.ocfl.verify import verify_archive
from redline.archive.store.s3 import S3Store, make_client
from redline.cli.main import cli
from tests.conftest import ocfl_problems
from tests.support.s3proxy import S3Proxy
from tests.support.seaweed import SeaweedS3, free_ports

pytestmark = pytest.mark.s3


@pytest.fixture(params=["seaweed", "moto"])
def s3_env(request: pytest.FixtureRequest) -> SeaweedS3:
    """Each test of this module against SeaweedFS, then against moto's server mode."""
    server: SeaweedS3 = request.getfixturevalue(f"{request.param}_env")
    return server


# -- helpers ----------------------------------------------------------------------------
def run(*args: str) -> Result:
    """A redline command in this process; the environment comes from ``s3_env``."""
    return CliRunner().invoke(cli, list(args), catch_exceptions=False)


def capture(url: str, page: Path, article: str, when: str, *extra: str) -> Result:
    return run("capture", "--archive", url, "--html", str(page), "--url", article, "--at", when,
               *extra)  # fmt: skip


def object_roots(s3: SeaweedS3, bucket: str, prefix: str) -> list[str]:
    suffix = "/" + ocfl.OBJECT_NAMASTE
    return [k[: -len(suffix)] for k in s3.keys(bucket, prefix + "ocfl/") if k.endswith(suffix)]


def download_referenced(s3: SeaweedS3, bucket: str, prefix: str, dest: Path) -> Path:
    """Copy the OCFL root to ``dest``: the root's own files, and of each object only
    what its inventory references (what ``redline sync`` copies; keys an interrupted
    capture left behind are not part of any object). Returns the storage root."""
    root = prefix + "ocfl/"
    keys = s3.keys(bucket, root)
    wanted = [k for k in keys if k[len(root) :] in ocfl.storage_root_files()]
    for obj in object_roots(s3, bucket, prefix):
        if obj + "/inventory.json" not in keys:
            continue  # a first version that never got its inventory: not an object yet
        inventory = ocfl.parse_inventory(s3.get(bucket, obj + "/inventory.json"))
        wanted += [f"{obj}/{name}" for name in (ocfl.OBJECT_NAMASTE, ocfl.INVENTORY, ocfl.SIDECAR)]
        for version in inventory["versions"]:
            wanted += [f"{obj}/{version}/{ocfl.INVENTORY}", f"{obj}/{version}/{ocfl.SIDECAR}"]
        wanted += [f"{obj}/{p}" for paths in inventory["manifest"].values() for p in paths]
    for key in wanted:
        target = dest / key[len(root) :]
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(s3.get(bucket, key))
    return dest


def the_inventory(s3: SeaweedS3, bucket: str, prefix: str) -> dict[str, Any]:
    [obj] = object_roots(s3, bucket, prefix)
    return ocfl.parse_inventory(s3.get(bucket, obj + "/inventory.json"))


def article_pages(tmp_path: Path, example: dict[str, Any], count: int) -> list[Path]:
    """``count`` saved pages of the example article, each with a different figure."""
    base = Path(example["pages"][2]).read_text()
    pages = []
    for n in range(count):
        page = tmp_path / f"page-{n}.html"
        page.write_text(base.replace("3,400", f"{3400 + 17 * (n + 1):,}", 1))
        pages.append(page)
    return pages


def at(minute: int) -> str:
    return f"2026-03-14T{8 + minute // 60:02d}:{minute % 60:02d}:00Z"


# -- the same OCFL bytes as a folder ------------------------------------------------------
def test_s3_archive_holds_the_same_bytes_as_a_folder(
    s3_env: SeaweedS3, example: dict[str, Any], tmp_path: Path
) -> None:
    bucket = s3_env.new_bucket()
    folder = tmp_path / "folder"
    for page, when in zip(example["pages"], example["times"], strict=True):
        for archive in (f"s3://{bucket}/news/archive", str(folder)):
            result = capture(archive, page, example["url"], when)
            assert result.exit_code == 0, result.output
    in_s3 = _states_as_one(
        {
            key[len("news/archive/") :]: s3_env.get(bucket, key)
            for key in s3_env.keys(bucket, "news/archive/")
            if not key.startswith("news/archive/" + LEASE_PREFIX)
        }
    )
    in_folder = _states_as_one(
        {
            path.relative_to(folder).as_posix(): path.read_bytes()
            for path in folder.rglob("*")
            if path.is_file() and path.relative_to(folder).parts[0] not in (".tmp", ".locks")
        }
    )
    assert sorted(in_s3) == sorted(in_folder)
    assert any(key.startswith("ocfl/") and key.endswith("/v3/inventory.json") for key in in_s3)
    for key, data in in_folder.items():
        assert in_s3[key] == data, key
    copy = download_referenced(s3_env, bucket, "news/archive/", tmp_path / "copy")
    assert ocfl_problems(copy) == []
    assert run("verify", "--archive", f"s3://{bucket}/news/archive").exit_code == 0


def _states_as_one(files: dict[str, bytes]) -> dict[str, bytes]:
    """``files`` with the article states (an index and its journal segments, named
    after the moment each was written) as one entry holding every article's state."""
    states: dict[str, ArticleState] = {}
    out = {}
    for key, data in files.items():
        if layout.parse_index_key(key) is None:
            out[key] = data
            continue
        for state in decode(data, key).values():
            states[state.id] = newer(states.get(state.id), state)
    out[layout.STATE_INDEXES] = b"\n".join(states[i].to_line() for i in sorted(states))
    return out


# -- two processes at once ----------------------------------------------------------------
def test_two_processes_capturing_the_same_article_lose_no_version(
    s3_env: SeaweedS3, example: dict[str, Any], tmp_path: Path
) -> None:
    bucket = s3_env.new_bucket()
    archive, article = f"s3://{bucket}/a", example["url"]
    pages = article_pages(tmp_path, example, 6)
    # Each process captures its own three pages, the last one twice: a page differs
    # from the head when first captured (the process's previous page differs, and so
    # do the other process's pages); the repeat is unchanged unless the other process
    # stored a version in between. Every capture has its own time.
    plans = {
        "A": [(pages[i], at(2 * n)) for n, i in enumerate((0, 1, 2, 2))],
        "B": [(pages[i], at(2 * n + 1)) for n, i in enumerate((3, 4, 5, 5))],
    }
    env = {**os.environ, **s3_env.env()}
    reports: dict[str, list[tuple[str, int, str, Path]]] = {}

    def worker(name: str) -> None:
        out = []
        for page, when in plans[name]:
            proc = subprocess.run(
                [sys.executable, "-m", "redline.cli", "capture", "--archive", archive,
                 "--html", str(page), "--url", article, "--at", when],
                env=env, capture_output=True, text=True,
            )  # fmt: skip
            assert proc.returncode == 0, proc.stderr
            status, version = proc.stdout.split()[:2]
            out.append((status, int(version[1:]), when, page))
        reports[name] = out

    threads = [threading.Thread(target=worker, args=(name,)) for name in plans]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(reports) == ["A", "B"], "a capture process failed"

    inventory = the_inventory(s3_env, bucket, "a/")
    head = ocfl.version_number(inventory["head"])
    versions = inventory["versions"]
    stored = [r for rs in reports.values() for r in rs if r[0] in ("new", "changed")]
    # Every version was reported by exactly one capture, and holds that capture.
    assert sorted(r[1] for r in stored) == list(range(1, head + 1))
    for _status, number, when, _page in stored:
        assert versions[f"v{number}"]["created"] == when
    text_of = {  # version number -> the digest of its article.txt
        number: next(d for d, ps in versions[f"v{number}"]["state"].items() if "article.txt" in ps)
        for number in range(1, head + 1)
    }
    page_text = {page: text_of[number] for _s, number, _w, page in stored}
    assert len(set(page_text.values())) == 6, "every distinct page is a version"
    for number in range(1, head):
        assert text_of[number] != text_of[number + 1], "no version repeats the one before"
    for name, rs in reports.items():
        numbers = [r[1] for r in rs]
        assert numbers == sorted(numbers), f"{name} saw versions go backwards: {numbers}"
        assert rs[0][0] in ("new", "changed") and rs[1][0] == rs[2][0] == "changed"
        for status, number, _when, page in rs:
            if status == "unchanged":
                assert text_of[number] == page_text[page]
    copy = download_referenced(s3_env, bucket, "a/", tmp_path / "copy")
    assert ocfl_problems(copy) == []
    assert s3_env.keys(bucket, "a/" + LEASE_PREFIX) == []


# -- killed captures -----------------------------------------------------------------------
def _prepared(page: Path, article: str, when: str) -> tuple[Capture, Article]:
    """A saved page read and extracted once, as ``capture`` does before storing it."""
    capture = read_html_file(page, article, parse_when(when))
    return capture, extract_article(capture.body, capture.final_url, capture.content_type)


def _record_killed_at(url: str, client: Any, prepared: tuple[Capture, Article], n: int) -> int:
    """Fork; the child stores the capture in S3 (with ``client``, which this process
    never uses) and SIGKILLs itself just before its ``n``th write (PUT or DELETE). Its
    lease expires at once, as a killed run's lease does after a while, so the next
    capture may take it over."""
    pid = os.fork()
    if pid == 0:  # child
        count = 0

        def counting(func: Callable[..., Any]) -> Callable[..., Any]:
            def wrapper(*args: Any, **kwargs: Any) -> Any:
                nonlocal count
                count += 1
                if count == n:
                    os.kill(os.getpid(), signal.SIGKILL)
                return func(*args, **kwargs)

            return wrapper

        # Every write, conditional or not, goes through conditional_put.
        S3Store.conditional_put = counting(S3Store.conditional_put)  # type: ignore[method-assign]
        S3Store.delete = counting(S3Store.delete)  # type: ignore[method-assign]
        try:
            Archive(S3Store(url, client=client, lease_seconds=0)).record(*prepared)
        except BaseException:
            os._exit(3)
        os._exit(0)
    _, status = os.waitpid(pid, 0)
    return -os.WTERMSIG(status) if os.WIFSIGNALED(status) else os.WEXITSTATUS(status)


def _assert_sound(s3: SeaweedS3, bucket: str, prefix: str, dest: Path) -> list[str]:
    """verify (what ``redline verify`` runs) finds no problem, and once the storage root
    is declared a copy validates; returns verify's notes."""
    if not s3.keys(bucket, f"{prefix}ocfl/"):
        return []  # nothing written yet: no archive
    archive = Archive(S3Store(f"s3://{bucket}/{prefix}", client=s3.client()))
    report = verify_archive(archive)
    assert report.problems == []
    if not s3.keys(bucket, f"{prefix}ocfl/{ocfl.ROOT_NAMASTE}"):
        return report.notes
    for obj in object_roots(s3, bucket, prefix):
        if s3.keys(bucket, obj + "/inventory.json"):
            inventory = ocfl.parse_inventory(s3.get(bucket, obj + "/inventory.json"))
            archive.load_inventory(inventory["id"])  # a reader finishes a cut-off commit
    assert ocfl_problems(download_referenced(s3, bucket, prefix, dest)) == []
    return report.notes


@pytest.mark.parametrize("before", [0, 1], ids=["first-version", "second-version"])
def test_a_capture_killed_at_every_write_leaves_a_sound_archive(
    s3_env: SeaweedS3, example: dict[str, Any], tmp_path: Path, before: int
) -> None:
    bucket = s3_env.new_bucket()
    url, article = f"s3://{bucket}/k", example["url"]
    first = _prepared(example["pages"][0], article, example["times"][0])
    second = _prepared(example["pages"][2], article, example["times"][2])
    new = second if before else first

    session = boto3.session.Session(**s3_env.credentials)
    client = make_client(s3_env.endpoint_url, session)

    def fresh() -> Archive:
        return Archive(S3Store(url, endpoint_url=s3_env.endpoint_url, client=client))

    if before:
        fresh().record(*first)
    notes: set[str] = set()
    for n in range(1, 100):
        rc = _record_killed_at(url, make_client(s3_env.endpoint_url, session), new, n)
        if rc == 0:
            break
        assert rc == -signal.SIGKILL
        found = _assert_sound(s3_env, bucket, "k/", tmp_path / f"copy-{n}")
        notes.update(re.sub(r"\d+ files?", "N files", note.split(": ", 1)[-1]) for note in found)
        # Whatever was left, the next capture lands the version and removes leftovers.
        assert fresh().record(*new).version == before + 1
        assert the_inventory(s3_env, bucket, "k/")["head"] == f"v{before + 1}"
        assert _assert_sound(s3_env, bucket, "k/", tmp_path / f"after-{n}") == []
        # Back to the state before the kill for the next round.
        for key in s3_env.keys(bucket, "k/"):
            s3_env.client().delete_object(Bucket=bucket, Key=key)
        if before:
            fresh().record(*first)
    else:
        raise AssertionError("the capture never completed")
    assert n > 12, "every write of a version was a kill point"
    # The partial states S3 allows were met and each was a note, not a problem.
    assert any("above the head" in note or "first version" in note for note in notes), notes
    assert any("one step behind" in note for note in notes), notes


def test_the_command_killed_at_random_moments_leaves_a_sound_archive(
    s3_env: SeaweedS3, example: dict[str, Any], tmp_path: Path
) -> None:
    bucket = s3_env.new_bucket()
    url, article = f"s3://{bucket}/r", example["url"]
    pages = article_pages(tmp_path, example, 4)
    env = {**os.environ, **s3_env.env()}
    rng = random.Random(11)
    for round_ in range(4):
        proc = subprocess.Popen(
            [sys.executable, "-m", "redline.cli", "capture", "--archive", url,
             "--html", str(pages[round_]), "--url", article, "--at", at(round_)],
            env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )  # fmt: skip
        time.sleep(rng.uniform(0.8, 2.5))
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        if not s3_env.keys(bucket, "r/"):
            continue  # killed before its first write (a slow start): nothing to check
        checked = run("verify", "--archive", url)
        assert checked.exit_code == 0, checked.output
        if object_roots(s3_env, bucket, "r/"):
            _assert_sound(s3_env, bucket, "r/", tmp_path / f"copy-{round_}")
        for lease in s3_env.keys(bucket, "r/" + LEASE_PREFIX):  # a killed run's lease
            s3_env.client().delete_object(Bucket=bucket, Key=lease)  # would expire later


# -- retries ---------------------------------------------------------------------------------
def test_slow_down_answers_are_retried(
    s3_env: SeaweedS3, example: dict[str, Any], tmp_path: Path
) -> None:
    bucket = s3_env.new_bucket()
    url, article = f"s3://{bucket}/p", example["url"]
    with S3Proxy(s3_env.endpoint_url, first=2, every=7) as proxy:
        for page, when in zip(example["pages"][:3:2], example["times"][:3:2], strict=True):
            result = capture(url, page, article, when, "--endpoint-url", proxy.url)
            assert result.exit_code == 0, result.output
    assert proxy.refused >= 2 + (proxy.requests - 2) // 7
    assert proxy.requests > proxy.refused + 20, "every refused request was sent again"
    assert the_inventory(s3_env, bucket, "p/")["head"] == "v2"
    assert ocfl_problems(download_referenced(s3_env, bucket, "p/", tmp_path / "copy")) == []


# -- one clear line -----------------------------------------------------------------------------
def _one_error_line(result: Result, *words: str) -> str:
    assert result.exit_code == 1, result.output
    assert "Traceback" not in result.output
    assert result.stdout == ""
    [line] = result.stderr.splitlines()
    assert line.startswith("Error: ")
    for word in words:
        assert word in line, line
    return line


def test_wrong_credentials_give_one_line_and_write_nothing(
    seaweed_env: SeaweedS3, example: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    """SeaweedFS only: moto accepts any keys."""
    s3_env = seaweed_env
    bucket = s3_env.new_bucket()
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "not-a-known-key")
    result = capture(f"s3://{bucket}/x", example["pages"][0], example["url"], example["times"][0])
    _one_error_line(result, f"s3://{bucket}", "denied", "credentials")
    assert s3_env.keys(bucket) == []


def test_a_missing_bucket_gives_one_line(s3_env: SeaweedS3, example: dict[str, Any]) -> None:
    result = capture("s3://no-such-bucket-here/x", example["pages"][0], example["url"], at(0))
    _one_error_line(result, "no-such-bucket-here", "does not exist")
    buckets = s3_env.client().list_buckets()["Buckets"]
    assert "no-such-bucket-here" not in [b["Name"] for b in buckets]
    _one_error_line(run("verify", "--archive", "s3://no-such-bucket-here/x"), "no-such-bucket-here")


def test_an_unreachable_endpoint_gives_one_line(
    s3_env: SeaweedS3, example: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    bucket = s3_env.new_bucket()
    monkeypatch.setenv("AWS_MAX_ATTEMPTS", "2")  # the retries, not their number, are shown
    dead = f"http://127.0.0.1:{free_ports(1)[0]}"
    result = capture(
        f"s3://{bucket}/x", example["pages"][0], example["url"], at(0), "--endpoint-url", dead
    )
    _one_error_line(result, dead, f"s3://{bucket}", "--endpoint-url")
    assert s3_env.keys(bucket) == []


# -- verify names what is corrupt ---------------------------------------------------------------
def test_verify_names_the_corrupt_object_version_and_file(
    s3_env: SeaweedS3, example: dict[str, Any]
) -> None:
    bucket = s3_env.new_bucket()
    url, article = f"s3://{bucket}/v", example["url"]
    for page, when in zip(example["pages"][:3:2], example["times"][:3:2], strict=True):
        assert capture(url, page, article, when).exit_code == 0
    assert run("verify", "--archive", url).exit_code == 0
    [obj] = object_roots(s3_env, bucket, "v/")
    s3_env.client().put_object(
        Bucket=bucket, Key=f"{obj}/v1/content/article.txt", Body=b"Nothing happened.\n"
    )
    checked = run("verify", "--archive", url)
    assert checked.exit_code == 4
    [line] = checked.stdout.splitlines()
    assert article in line and "v1/content/article.txt" in line and "sha512" in line, line
    assert "1 problem." in checked.stderr


# -- what the server stored is what was sent ------------------------------------------------------
def test_a_capture_whose_bytes_change_on_the_way_is_not_stored(
    s3_env: SeaweedS3, example: dict[str, Any], tmp_path: Path
) -> None:
    """Every PUT's body changed after its checksum was computed (a botocore hook, as no
    server does it on demand): SeaweedFS refuses the PUTs, moto stores them and redline
    sees it from the ETag. The capture fails in one line; the archive keeps its first
    version, sound."""
    bucket = s3_env.new_bucket()
    url, article = f"s3://{bucket}/m", example["url"]
    assert capture(url, example["pages"][0], article, example["times"][0]).exit_code == 0
    client = make_client(s3_env.endpoint_url)

    def corrupt(request: Any, **_: Any) -> None:
        body = request.data
        data = body.read() if hasattr(body, "read") else bytes(body)
        if data:
            request.data = bytes([data[0] ^ 0x20]) + data[1:]

    client.meta.events.register("before-sign.s3.PutObject", corrupt)
    archive = Archive(S3Store(url, endpoint_url=s3_env.endpoint_url, client=client))
    page, when = example["pages"][2], parse_when(example["times"][2])
    with pytest.raises(StoreError) as failed:
        capture_file(archive, page, article, when)
    message = str(failed.value)
    assert f"s3://{bucket}" in message and "\n" not in message
    assert the_inventory(s3_env, bucket, "m/")["head"] == "v1"
    checked = run("verify", "--archive", url)
    assert checked.exit_code == 0, checked.output


# -- an unchanged check is cheap ------------------------------------------------------------------
@pytest.fixture
def counted(s3_env: SeaweedS3) -> Iterator[tuple[Any, list[str]]]:
    """An S3 client that records each request it sends as 'METHOD key'."""
    client = make_client(s3_env.endpoint_url)
    sent: list[str] = []

    def record(request: Any, **_kwargs: Any) -> None:
        path = unquote(request.url.split("?")[0].split("/", 4)[-1])
        sent.append(f"{request.method} {path}")

    client.meta.events.register("before-send.s3", record)
    yield client, sent


def test_an_unchanged_capture_makes_three_requests(
    s3_env: SeaweedS3, example: dict[str, Any], counted: tuple[Any, list[str]]
) -> None:
    bucket = s3_env.new_bucket()
    url, article = f"s3://{bucket}/c", example["url"]
    client, sent = counted
    archive = Archive(S3Store(url, endpoint_url=s3_env.endpoint_url, client=client))
    page, times = example["pages"][0], [parse_when(t) for t in example["times"]]
    assert capture_file(archive, page, article, times[0]).status == "new"
    first = len(sent)
    archive = Archive(S3Store(url, endpoint_url=s3_env.endpoint_url, client=client))
    sent.clear()
    assert capture_file(archive, example["pages"][2], article, times[2]).status == "changed"
    changed = list(sent)
    archive = Archive(S3Store(url, endpoint_url=s3_env.endpoint_url, client=client))
    sent.clear()
    assert capture_file(archive, example["pages"][2], article, times[3]).status == "unchanged"
    # A page byte for byte the one last stored: the article states are listed and read
    # (the captures' journal: no index was written yet), its check noted as a new
    # journal segment, nothing else (not even the archive's root declaration) is
    # touched.
    journal = "c/state/index/shard-1-of-1/"
    assert sent[0] == f"GET {bucket}", sent
    assert [r.split()[0] for r in sent[1:]] == ["GET", "GET", "GET", "PUT"], sent
    assert all(r.split()[1].startswith(journal) for r in sent[1:]), sent
    print(f"\nS3 requests: first capture {first}, changed {len(changed)}, unchanged {len(sent)}")
