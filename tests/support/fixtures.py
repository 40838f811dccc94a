"""Pytest fixtures around the local HTTP server.

Use them from a test module with ``pytest_plugins = ["tests.support.fixtures"]``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

# One S3 server per session of each kind, fixtures registered by import: SeaweedFS
# (``seaweed``, ``s3_env``, ``seaweed_env``: tests/support/seaweed.py) and moto's server
# mode (``moto``, ``moto_env``: tests/support/moto_s3.py).
from tests.support.http_server import LocalHTTPServer
from tests.support.moto_s3 import _drop_moto_buckets, moto, moto_env  # noqa: F401
from tests.support.newsroom import Newsroom
from tests.support.seaweed import _drop_s3_buckets, s3_env, seaweed, seaweed_env  # noqa: F401


@pytest.fixture
def http_server() -> Iterator[LocalHTTPServer]:
    """A running ``LocalHTTPServer`` with an empty route table, stopped after the test."""
    with LocalHTTPServer() as server:
        yield server


@pytest.fixture
def room(http_server: LocalHTTPServer) -> Newsroom:
    """A synthetic news site (``tests/support/newsroom.py``) on ``http_server``."""
    return Newsroom(http_server)


@pytest.fixture
def watchlist(tmp_path: Path) -> Callable[..., Path]:
    """Write the given lines to a watchlist file and return its path."""

    def write(*lines: str) -> Path:
        path = tmp_path / "watchlist.txt"
        path.write_text("\n".join(lines) + "\n", encoding="utf-8")
        return path

    return write
