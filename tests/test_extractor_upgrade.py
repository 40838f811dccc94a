"""An extractor upgrade never creates a version, and improves every past diff.

The archive here is written by an "older extractor": it kept a most-read rail in the
body, missed the byline and named itself redline/0.0.1. Captured again by the current
extractor, the same page is unchanged; a real edit is a new version whose diff, with
both sides read by the current extractor, shows only the edit; and the old version's
stored article.json stays as it was recorded.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from click.testing import Result

from redline.archive.core.models import Article
from redline.archive.extract import reader as reader_module
from redline.archive.ingest import reading as reading_module

Run = Callable[..., Result]
OLD_EXTRACTOR = "redline/0.0.1+trafilatura/1.0.0"
RAIL = "Most read: Bridge closed after the flood"


def _older(real: Callable[..., Article]) -> Callable[..., Article]:
    def extract(*args: Any, **kwargs: Any) -> Article:
        article = real(*args, **kwargs)
        return replace(
            article,
            byline=None,
            paragraphs=(*article.paragraphs, RAIL),
            extractor=OLD_EXTRACTOR,
        )

    return extract


def test_an_older_extractor_s_archive_gains_no_version_from_the_same_page(
    redline: Run,
    example: dict[str, Any],
    archive_dir: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    url, pages, times = example["url"], example["pages"], example["times"]
    with monkeypatch.context() as old:
        old.setattr(reader_module, "read_article", _older(reader_module.read_article))
        old.setattr(reading_module, "EXTRACTOR", OLD_EXTRACTOR)
        first = redline("capture", "--html", str(pages[0]), "--url", url, "--at", times[0])
        assert first.exit_code == 0 and first.stdout.startswith("new ")

    # The same page byte for byte is unchanged without being read at all; the next
    # capture differs only in its adverts and ticker, so it is read, and so is v1.
    same = redline("capture", "--json", "--html", str(pages[0]), "--url", url, "--at", times[0])
    assert json.loads(same.stdout)["status"] == "unchanged"
    again = redline("capture", "--json", "--html", str(pages[1]), "--url", url, "--at", times[1])
    assert again.exit_code == 0, again.output
    seen = json.loads(again.stdout)
    assert (seen["status"], seen["version"]) == ("unchanged", 1)
    assert "note" not in seen  # the page is the same: nothing differed but the extractor
    # How the current extractor reads version 1 is now kept beside the archive.
    (cached,) = archive_dir.glob("state/readings/*/v1.json")
    assert json.loads(cached.read_text())["extractor"] != OLD_EXTRACTOR

    edited = redline("capture", "--html", str(pages[2]), "--url", url, "--at", times[2])
    assert edited.stdout.startswith("changed   v2")
    diff = redline("diff", url, "--color", "never").stdout
    assert "[-12-]{+9+}" in diff
    assert "Most read" not in diff  # the old extractor's rail is not part of either side
    assert "Byline" not in diff  # found by the current extractor on both sides

    stored = json.loads(redline("show", "--json", url, "--version", "1").stdout)
    assert stored["extractor"] == OLD_EXTRACTOR and RAIL in stored["paragraphs"]
