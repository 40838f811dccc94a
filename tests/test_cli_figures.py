"""``diff`` and ``log`` read every kind of figure a real article holds.

Version strings, IP addresses, dotted dates, times, scores, fractions, currencies and
the thousands separators of several locales used to stop the grading with a
``ValueError``; a figure that is not one number still compares as its text.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import Result

from tests.extraction_pages import news_page

Run = Callable[..., Result]
URL = "https://news.example/2026/03/14/router-update"

FIGURES = [
    "firmware 2.1.3",
    "the address 192.168.0.1",
    "on 12.03.2024",
    "at 10.30",
    "a 3-2 win",
    "half (1/2) of them",
    "€1.234,56",
    "$1,234.56",
    "1,234,567 users",
    "1.234.567 Nutzer",
    "1 234 567 utilisateurs",
    "1'234'567 Benutzer",
]


def _paragraphs(figures: list[str]) -> list[str]:
    lead = (
        "The router maker shipped an update to its customers on Tuesday, the company "
        "said in a statement, after researchers reported a flaw in the login page."
    )
    rest = [
        f"The report lists {figure} among the details of the affected devices, and the "
        "company said it had contacted every customer it could reach."
        for figure in figures
    ]
    return [lead, *rest]


def _capture(redline: Run, tmp_path: Path, name: str, paragraphs: list[str], at: str) -> None:
    page = tmp_path / name
    page.write_text(news_page(paragraphs, title="Router maker ships a fix"), "utf-8")
    result = redline("capture", "--html", str(page), "--url", URL, "--at", at)
    assert result.exit_code == 0, result.stderr


@pytest.fixture
def edited(redline: Run, tmp_path: Path) -> Run:
    """Two versions: every figure kept, plus one paragraph whose version string changed."""
    old = _paragraphs(FIGURES)
    new = list(old)
    new[1] = new[1].replace("2.1.3", "2.1.4")
    new[-1] = new[-1].replace("contacted every", "contacted nearly every")
    _capture(redline, tmp_path, "v1.html", old, "2026-03-14T08:00:00Z")
    _capture(redline, tmp_path, "v2.html", new, "2026-03-14T09:00:00Z")
    return redline


def test_diff_grades_an_article_full_of_figures(edited: Run) -> None:
    result = edited("diff", URL, "--color", "never")
    assert result.exit_code == 0, result.stderr
    assert "Severity: major" in result.stdout
    assert "number changed: 2.1.3 → 2.1.4" in result.stdout
    assert "[-2.1.3-]{+2.1.4+}" in result.stdout


def test_log_grades_an_article_full_of_figures(edited: Run) -> None:
    result = edited("log", URL, "--json")
    assert result.exit_code == 0, result.stderr
    first, second = (json.loads(line) for line in result.stdout.splitlines())
    assert first["reasons"] == ["first capture"]
    assert second["severity"] == "major"
    assert "number changed: 2.1.3 → 2.1.4" in second["reasons"]
    # The figures that did not change are not reported.
    assert not any("192.168" in r or "1.234" in r for r in second["reasons"])


@pytest.mark.parametrize("fmt", ["text", "markdown", "html", "json"])
def test_every_format_renders_it(edited: Run, fmt: str) -> None:
    result = edited("diff", URL, "--format", fmt, "--color", "never")
    assert result.exit_code == 0, result.stderr
    assert "2.1.4" in result.stdout
