"""Pytest fixtures around the local HTTP server.

Use them from a test module with ``pytest_plugins = ["tests.support.fixtures"]``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from tests.support.http_server import LocalHTTPServer
from tests.support.newsroom import Newsroom

# One SeaweedFS S3 server per session, ``seaweed``, and ``s3_env`` (tests/support/seaweed.py).
from tests.support.seaweed import (  # noqa: F401 - fixtures registered by import
    _drop_s3_buckets,
    s3_env,
    seaweed,
)


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
