"""``log`` and ``diff`` grade each version, call out stealth edits and recognise reverts."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import Result

Run = Callable[..., Result]


@pytest.fixture
def captured(redline: Run, example: dict) -> dict:
    for page, at in zip(example["pages"], example["times"], strict=True):
        result = redline("capture", "--html", str(page), "--url", example["url"], "--at", at)
        assert result.exit_code == 0, result.stderr
    return example


def _lines(result: Result) -> list[dict]:
    assert result.exit_code == 0, result.stderr
    return [json.loads(line) for line in result.stdout.splitlines()]


def test_log_json_grades_every_version(redline: Run, captured: dict) -> None:
    first, silent, corrected = _lines(redline("log", captured["url"], "--json"))
    assert first["severity"] == "none" and first["reasons"] == ["first capture"]
    assert first["stealth"] is False and first["reverts_to"] is None

    assert silent["severity"] == "major" and silent["stealth"] is True
    assert "number changed: 12 → 9" in silent["reasons"]
    assert (
        "quote changed: “The city was not prepared for a flood…” → “This was a flood of "
        "historic size,”" in silent["reasons"]
    )
    assert "lede changed" in silent["reasons"]
    assert any(r.startswith("paragraph added: City officials") for r in silent["reasons"])
    assert silent["signals"] == {
        "modified_changed": False,
        "modified": {"old": "2026-03-14T07:30:00Z", "new": "2026-03-14T07:30:00Z"},
        "correction_added": False,
        "editors_note_added": False,
        "updated_label": None,
        "mixed_scripts": [],
    }
    assert silent["reverts_to"] is None and silent["flip_flop"] is False

    assert corrected["severity"] == "major" and corrected["stealth"] is False
    assert corrected["reasons"] == ["correction added"]
    assert corrected["signals"]["correction_added"] is True
    assert corrected["signals"]["modified_changed"] is True
    assert corrected["signals"]["modified"]["new"] == "2026-03-14T14:05:00Z"


def test_log_text_shows_the_verdict(redline: Run, captured: dict) -> None:
    result = redline("log", captured["url"])
    assert result.exit_code == 0, result.stderr
    v1, v2, v3 = result.stdout.splitlines()
    assert "first capture" in v1
    assert "major, stealth" in v2
    assert "major" in v3 and "stealth" not in v3
    assert all("Flood waters recede" in line for line in (v1, v2, v3))


def test_log_stealth_lists_only_the_silent_edit(redline: Run, captured: dict) -> None:
    [entry] = _lines(redline("log", captured["url"], "--json", "--stealth"))
    assert entry["version"] == 2
    text = redline("log", captured["url"], "--stealth").stdout.splitlines()
    assert len(text) == 1 and text[0].startswith("v2 ")


def test_log_min_severity(redline: Run, captured: dict) -> None:
    major = _lines(redline("log", captured["url"], "--json", "--min-severity", "major"))
    assert [e["version"] for e in major] == [2, 3]
    minor = _lines(redline("log", captured["url"], "--json", "--min-severity", "minor"))
    assert [e["version"] for e in minor] == [2, 3]
    both = _lines(redline("log", captured["url"], "--json", "--min-severity", "major", "--stealth"))
    assert [e["version"] for e in both] == [2]
    bad = redline("log", captured["url"], "--min-severity", "huge")
    assert bad.exit_code == 2 and "huge" in bad.stderr


def test_diff_json_carries_the_verdict(redline: Run, captured: dict) -> None:
    silent = json.loads(redline("diff", captured["url"], "1", "2", "--format", "json").stdout)
    assert silent["severity"] == "major" and silent["stealth"] is True
    assert "number changed: 12 → 9" in silent["reasons"]
    assert silent["signals"]["modified_changed"] is False
    corrected = json.loads(redline("diff", captured["url"], "--format", "json").stdout)
    assert corrected["severity"] == "major" and corrected["stealth"] is False
    assert corrected["reasons"] == ["correction added"]
    # across both edits: the correction admits them
    whole = json.loads(redline("diff", captured["url"], "1", "3", "--format", "json").stdout)
    assert whole["stealth"] is False and "number changed: 12 → 9" in whole["reasons"]


def _capture(redline: Run, url: str, pages: list[Path], start: int = 8) -> None:
    for hour, page in enumerate(pages, start):
        at = f"2026-03-14T{hour:02d}:00:00Z"
        result = redline("capture", "--html", str(page), "--url", url, "--at", at)
        assert result.exit_code == 0, result.stderr


def test_a_revert_to_an_earlier_version(redline: Run, example: dict) -> None:
    original, _, edited, _ = example["pages"]
    _capture(redline, example["url"], [original, edited, original])
    entries = _lines(redline("log", example["url"], "--json"))
    assert [e["reverts_to"] for e in entries] == [None, None, 1]
    assert [e["flip_flop"] for e in entries] == [False, True, True]
    assert entries[2]["reasons"][0] == "reverts to v1"
    assert "number changed: 9 → 12" in entries[2]["reasons"]
    text = redline("log", example["url"]).stdout.splitlines()
    assert "reverts to v1" in text[2] and "reverts" not in text[1]


def test_a_revert_with_a_new_modified_date_is_still_a_revert(
    redline: Run, example: dict, tmp_path: Path
) -> None:
    original, _, edited, _ = example["pages"]
    restored = tmp_path / "restored.html"
    html = original.read_text(encoding="utf-8")
    html = html.replace(
        '"dateModified": "2026-03-14T07:30:00Z"', '"dateModified": "2026-03-14T12:00:00Z"'
    )
    restored.write_text(html, encoding="utf-8")
    _capture(redline, example["url"], [original, edited, restored])
    entries = _lines(redline("log", example["url"], "--json"))
    assert entries[2]["reverts_to"] == 1
    assert entries[2]["signals"]["modified_changed"] is True
    assert entries[2]["stealth"] is False


def test_a_change_back_and_forth_twice(redline: Run, example: dict) -> None:
    a, _, b, _ = example["pages"]
    _capture(redline, example["url"], [a, b, a, b])
    entries = _lines(redline("log", example["url"], "--json"))
    assert [e["reverts_to"] for e in entries] == [None, None, 1, 2]
    assert [e["flip_flop"] for e in entries] == [False, True, True, True]
