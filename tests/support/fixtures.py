"""Pytest fixtures around the local HTTP server.

Use them from a test module with ``pytest_plugins = ["tests.support.fixtures"]``.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.support.http_server import LocalHTTPServer

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
