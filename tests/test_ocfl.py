"""OCFL pieces checked against the independent ocfl-py implementation."""

from __future__ import annotations

from datetime import datetime, timezone

import pytest
from ocfl.layout_0003_hash_and_id_n_tuple import _id_to_path

from redline.archive.ocfl import inventory as ocfl


@pytest.mark.parametrize(
    "object_id",
    [
        "https://example.com/news/2026/03/story",
        "https://example.com/a?b=1&c=%20x",
        "https://bücher.example/ü/日本語",
        "https://example.com/" + "long-path-" * 30,
    ],
)
def test_object_path_matches_ocfl_py_layout_0003(object_id: str) -> None:
    assert ocfl.object_path(object_id) == _id_to_path(object_id, "sha256", 3, 3)


def test_add_version_deduplicates_unchanged_content() -> None:
    when = datetime(2026, 1, 1, tzinfo=timezone.utc)
    v1 = ocfl.add_version(
        ocfl.empty_inventory("x"),
        {"a": b"same", "b": b"one"},
        created=when,
        message="m",
        user_name="u",
    )
    v2 = ocfl.add_version(
        v1.inventory, {"a": b"same", "b": b"two"}, created=when, message="m", user_name="u"
    )
    assert set(v1.content) == {"v1/content/a", "v1/content/b"}
    assert set(v2.content) == {"v2/content/b"}
    assert ocfl.file_in_version(v2.inventory, 2, "a") == "v1/content/a"
    assert v2.inventory["head"] == "v2"
    assert v2.inventory["versions"]["v2"]["created"] == "2026-01-01T00:00:00Z"
