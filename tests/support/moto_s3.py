"""A second S3 implementation for tests: moto's server mode, one for the whole session.

SeaweedFS is one S3 server; AWS and others differ from it in ways that matter to
redline: with ``If-Match`` on a missing key AWS and moto answer 404 (NoSuchKey) where
SeaweedFS answers 412, and moto stores a PUT whose ``x-amz-checksum-sha256`` does not
match its body where SeaweedFS refuses it. The store contract and the S3 archive tests
run against both.

The ``moto`` fixture (session scope) starts ``python -m moto.server`` on a free port of
127.0.0.1, waits until it answers, yields an endpoint with the same helpers as
SeaweedFS's (``new_bucket``, ``keys``, ``get``, ``env``...) and stops the server by its
process group. moto accepts any keys; the fixed test keys are used. ``moto_env`` points
boto3's credential chain and ``REDLINE_ENDPOINT_URL`` at it for one test. When moto is
not installed (the ``[test]`` extra installs ``moto[server]``) the tests are skipped,
unless ``CI`` is set: there it is a failure.
"""

from __future__ import annotations

import importlib.util
import os
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from tests.support.seaweed import SeaweedS3, _stop, _wait_until_ready, free_ports, point_at


@contextmanager
def run_moto(workdir: Path) -> Iterator[SeaweedS3]:
    """Start moto's S3 server in ``workdir``; stop it (and its group) on exit."""
    workdir.mkdir(parents=True, exist_ok=True)
    (port,) = free_ports(1)
    command = [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)]
    log = workdir / "moto.log"
    env = {**os.environ, "MOTO_ALLOW_NONEXISTENT_REGION": "true"}
    with open(log, "wb") as log_file:
        proc = subprocess.Popen(
            command,
            cwd=workdir,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=log_file,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    try:
        server = SeaweedS3(endpoint_url=f"http://127.0.0.1:{port}", pid=proc.pid, workdir=workdir)
        _wait_until_ready(proc, server, log)
        yield server
    finally:
        _stop(proc)


@pytest.fixture(scope="session")
def moto(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SeaweedS3]:
    """One moto S3 server for the whole session; each test makes its own bucket."""
    if importlib.util.find_spec("moto.server") is None or importlib.util.find_spec("flask") is None:
        message = "moto's server mode is not installed; pip install -e '.[test]' provides it"
        if os.environ.get("CI"):
            pytest.fail(f"{message} (CI is set, so S3 tests may not be skipped)")
        pytest.skip(message)
    with run_moto(tmp_path_factory.mktemp("moto")) as server:
        yield server


@pytest.fixture(autouse=True)
def _drop_moto_buckets(request: pytest.FixtureRequest) -> Iterator[None]:
    """After each test that used the moto server, remove the buckets it made."""
    if "moto" not in request.fixturenames:
        yield
        return
    server: SeaweedS3 = request.getfixturevalue("moto")
    yield
    server.drop_buckets()


@pytest.fixture
def moto_env(moto: SeaweedS3, monkeypatch: pytest.MonkeyPatch) -> SeaweedS3:
    """Point boto3's credential chain and REDLINE_ENDPOINT_URL at moto for one test."""
    return point_at(moto, monkeypatch)
