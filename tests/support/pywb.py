"""A real pywb (Webrecorder's Wayback Machine) on 127.0.0.1, for replay and CDX tests.

    with Pywb(tmp_path / "pywb") as wayback:
        wayback.add("coll", export_warc)             # wb-manager init + add
        wayback.start()
        wayback.get(f"/coll/20260101100000id_/{url}")  # the bytes as captured
        wayback.cdx("coll", url)                      # /coll/cdx?url=...&output=json

Skips the test when pywb is not installed (it is in the test extra).
"""

from __future__ import annotations

import http.client
import json
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path
from types import TracebackType
from typing import Any
from urllib.parse import quote

import pytest

BIN = Path(sys.executable).parent


def _tool(name: str) -> str:
    path = BIN / name
    if not path.exists():
        found = shutil.which(name)
        if found is None:
            pytest.skip(f"{name} is not installed (pip install pywb; it is in the test extra)")
        return found
    return str(path)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


class Pywb:
    def __init__(self, root: Path) -> None:
        self.root = root
        self.root.mkdir(parents=True, exist_ok=True)
        self.port = free_port()
        self.process: subprocess.Popen[bytes] | None = None
        self.collections: set[str] = set()

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def manager(self, *args: str) -> None:
        command = [_tool("wb-manager"), *args]
        subprocess.run(command, cwd=self.root, check=True, capture_output=True, timeout=120)

    def add(self, collection: str, *files: Path, wacz: bool = False) -> None:
        if collection not in self.collections:
            self.manager("init", collection)
            self.collections.add(collection)
        extra = ["--unpack-wacz"] if wacz else []
        self.manager("add", *extra, collection, *(str(f) for f in files))

    def start(self) -> None:
        self.process = subprocess.Popen(
            [_tool("wayback"), "-p", str(self.port), "-b", "127.0.0.1", "-d", str(self.root)],
            cwd=self.root,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError("pywb exited at start")
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=1):
                    return
            except OSError:
                time.sleep(0.2)
        raise RuntimeError("pywb did not start within 60 s")

    def get(self, path: str) -> tuple[int, dict[str, str], bytes]:
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        try:
            connection.request("GET", path)
            response = connection.getresponse()
            return response.status, dict(response.getheaders()), response.read()
        finally:
            connection.close()

    def cdx(self, collection: str, url: str) -> list[dict[str, Any]]:
        status, _, body = self.get(f"/{collection}/cdx?url={quote(url, safe='')}&output=json")
        assert status == 200, body
        return [json.loads(line) for line in body.decode().splitlines() if line.strip()]

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()

    def __enter__(self) -> Pywb:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        value: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.stop()
