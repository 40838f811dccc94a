"""``list``, ``log``, ``show``, ``diff`` and ``verify`` on the bundled example."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import Result

Run = Callable[..., Result]
ANSI = re.compile(r"\x1b\[[0-9;]*m")


@pytest.fixture
def captured(redline: Run, example: dict) -> dict:
    for page, at in zip(example["pages"], example["times"], strict=True):
        result = redline("capture", "--html", str(page), "--url", example["url"], "--at", at)
        assert result.exit_code == 0, result.stderr
    return example


def _lines(result: Result) -> list[dict]:
    assert result.exit_code == 0, result.stderr
    return [json.loads(line) for line in result.stdout.splitlines()]


def test_list(redline: Run, captured: dict) -> None:
    [entry] = _lines(redline("list", "--json"))
    assert entry["url"] == captured["url"] and entry["versions"] == 3
    assert entry["last_checked"] == captured["times"][-1]
    text = redline("list").stdout
    assert "3 versions" in text and captured["url"] in text


def test_log(redline: Run, captured: dict) -> None:
    entries = _lines(redline("log", captured["url"], "--json"))
    assert [e["version"] for e in entries] == [1, 2, 3]
    times = captured["times"]
    assert [e["captured_at"] for e in entries] == [times[0], times[2], times[3]]
    assert entries[0]["deleted_words"] == 0 and entries[0]["inserted_words"] > 100
    assert entries[1]["inserted_words"] > 0 and entries[1]["deleted_words"] > 0
    assert all(e["title"].startswith("Flood waters recede") for e in entries)


def test_show_versions(redline: Run, captured: dict) -> None:
    first = json.loads(redline("show", captured["url"], "--version", "1", "--json").stdout)
    latest = json.loads(redline("show", captured["url"], "--json").stdout)
    back = json.loads(redline("show", captured["url"], "--version", "-3", "--json").stdout)
    assert first["version"] == 1 and latest["version"] == 3 and back == first
    assert "death toll had risen to 12" in first["body"]
    assert "death toll had risen to 9" in latest["body"]
    text = redline("show", captured["url"]).stdout
    assert "Flood waters recede" in text and "Correction" in text


def test_diff_json_contract(redline: Run, captured: dict) -> None:
    result = redline("diff", captured["url"], "1", "2", "--format", "json")
    data = json.loads(result.stdout)
    assert data["url"] == captured["url"]
    assert data["from"] == {"version": 1, "captured_at": captured["times"][0]}
    assert data["to"] == {"version": 2, "captured_at": captured["times"][2]}
    assert set(data["fields"]) >= {"title", "byline", "published", "modified", "body"}
    body = data["fields"]["body"]
    old = "".join(t for op, t in body if op in "=-")
    new = "".join(t for op, t in body if op in "=+")
    first = json.loads(redline("show", captured["url"], "-v", "1", "--json").stdout)
    second = json.loads(redline("show", captured["url"], "-v", "2", "--json").stdout)
    assert (old, new) == (first["body"], second["body"])
    # the changed figure is one word pair, not a rewritten sentence
    pos = body.index(["-", "12"])
    assert body[pos + 1] == ["+", "9"]


def test_diff_defaults_and_negative_numbers(redline: Run, captured: dict) -> None:
    default = json.loads(redline("diff", captured["url"], "--format", "json").stdout)
    explicit = json.loads(redline("diff", captured["url"], "-2", "-1", "--format", "json").stdout)
    assert default == explicit
    assert (default["from"]["version"], default["to"]["version"]) == (2, 3)


def test_diff_text_has_no_colour_when_piped_or_no_color(
    redline: Run, captured: dict, monkeypatch: pytest.MonkeyPatch
) -> None:
    plain = redline("diff", captured["url"], "1", "2")
    assert plain.exit_code == 0 and not ANSI.search(plain.stdout)
    assert "12" in plain.stdout and "9" in plain.stdout
    coloured = redline("diff", captured["url"], "1", "2", "--color", "always")
    assert ANSI.search(coloured.stdout)


def test_unknown_url_and_version(redline: Run, captured: dict) -> None:
    missing = redline("log", "https://example.com/nothing")
    assert missing.exit_code == 1 and "no article" in missing.stderr
    bad = redline("show", captured["url"], "--version", "9")
    assert bad.exit_code == 1 and "versions 1 to 3" in bad.stderr
    zero = redline("diff", captured["url"], "0", "1")
    assert zero.exit_code == 1 and "no version 0" in zero.stderr


def test_read_commands_on_a_missing_archive(redline: Run, tmp_path: Path) -> None:
    result = redline("list", "--archive", str(tmp_path / "nowhere"))
    assert result.exit_code == 1 and "no archive at" in result.stderr
    assert not (tmp_path / "nowhere").exists()


def test_verify_sound_then_corrupted(redline: Run, captured: dict, archive_dir: Path) -> None:
    ok = redline("verify")
    assert ok.exit_code == 0 and "all sound" in ok.stderr
    warc = sorted((archive_dir / "ocfl").rglob("v2/content/capture.warc.gz"))[0]
    warc.write_bytes(warc.read_bytes()[:-10] + b"0123456789")
    bad = redline("verify")
    assert bad.exit_code == 4
    [line] = bad.stdout.splitlines()
    assert captured["url"] in line and "v2/content/capture.warc.gz" in line


def test_corrupted_inventory_is_one_clear_line(
    redline: Run, captured: dict, archive_dir: Path
) -> None:
    inventory = next(
        p
        for p in (archive_dir / "ocfl").rglob("inventory.json")
        if (p.parent / "0=ocfl_object_1.1").exists()
    )
    inventory.write_text("{ not json")
    result = redline("log", captured["url"])
    assert result.exit_code == 4
    assert "corrupt" in result.stderr and "redline verify" in result.stderr
    assert result.stderr.count("\n") == 1
    assert redline("verify").exit_code == 4
