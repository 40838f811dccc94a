"""A paragraph that only moved is a move in ``diff`` and ``log``: no word inserted or
deleted, and every format still shows where it went."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import Result

from tests.extraction_pages import news_page

Run = Callable[..., Result]
URL = "https://news.example/2026/03/14/bridge-closed"
PARAGRAPHS = [
    "The county closed the Sable River bridge on Friday after inspectors found cracks "
    "in two of its supports, officials said.",
    "Drivers were sent on a detour of about twelve miles through Millbrook, and buses "
    "were expected to run late for the rest of the week.",
    "The bridge, which opened in 1962, carries about 18,000 vehicles a day and was last "
    "repaired four years ago at a cost the county never disclosed.",
    "Residents who live near the river said they had complained about the state of the "
    "bridge for years without hearing back from anyone at the county.",
]


@pytest.fixture
def moved(redline: Run, tmp_path: Path) -> Run:
    reordered = [PARAGRAPHS[0], PARAGRAPHS[3], PARAGRAPHS[1], PARAGRAPHS[2]]
    for name, paragraphs, at in (
        ("v1.html", PARAGRAPHS, "2026-03-14T08:00:00Z"),
        ("v2.html", reordered, "2026-03-14T09:00:00Z"),
    ):
        page = tmp_path / name
        page.write_text(news_page(paragraphs, title="Bridge closed after cracks found"), "utf-8")
        result = redline("capture", "--html", str(page), "--url", URL, "--at", at)
        assert result.exit_code == 0, result.stderr
    return redline


def test_diff_text_shows_the_move_and_counts_no_words(moved: Run) -> None:
    result = moved("diff", URL, "--color", "never")
    assert result.exit_code == 0, result.stderr
    assert "Severity: moderate" in result.stdout
    assert "paragraph moved: Residents who live near the river" in result.stdout
    assert "(moved from paragraph 4 to 2)" in result.stdout
    assert "[-" not in result.stdout and "{+" not in result.stdout
    assert result.stdout.rstrip().endswith("0 words inserted, 0 words deleted.")


def test_log_counts_no_words_for_a_move(moved: Run) -> None:
    entries = [json.loads(line) for line in moved("log", URL, "--json").stdout.splitlines()]
    assert entries[1]["inserted_words"] == entries[1]["deleted_words"] == 0
    assert entries[1]["severity"] == "moderate"
    assert " +0 -0 words " in moved("log", URL).stdout.splitlines()[1]


def test_other_formats_show_the_move(moved: Run) -> None:
    markdown = moved("diff", URL, "--format", "markdown").stdout
    assert "*¶ 2 moved from ¶ 4:*" in markdown
    assert "0 words inserted, 0 words deleted." in markdown
    data = json.loads(moved("diff", URL, "--format", "json").stdout)
    assert data["inserted_words"] == data["deleted_words"] == 0
    assert [p["op"] for p in data["paragraphs"]].count(">") == 1
    assert "moved from ¶ 4" in moved("diff", URL, "--format", "html").stdout
