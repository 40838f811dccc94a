"""Pytest fixtures around the local HTTP server.

Use them from a test module with ``pytest_plugins = ["tests.support.fixtures"]``.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.support.http_server import LocalHTTPServer


@pytest.fixture
def http_server() -> Iterator[LocalHTTPServer]:
    """A running ``LocalHTTPServer`` with an empty route table, stopped after the test."""
    with LocalHTTPServer() as server:
        yield server
