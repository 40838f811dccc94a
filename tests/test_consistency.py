"""What a user notices from one command to the next: --json wherever data is printed,
--traceback before or after the command, reasons never cut without saying so, and the
HTML pages marking deleted and inserted words without relying on colour."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from pathlib import Path

import click
import pytest
from click.testing import CliRunner, Result

from redline.archive.core.errors import ArchiveError
from redline.archive.core.wording import clip, join_reasons
from redline.archive.render import diff_html, report_html
from redline.archive.render.report_html import render_report_html
from redline.archive.watch.report import Excerpt, Item, Report, RunInfo
from redline.cli.main import COMMANDS, cli
from tests.test_render_formats import run_chromium

Run = Callable[..., Result]

#: Every command that prints data. demo only shows the bundled example.
DATA_COMMANDS = sorted(set(COMMANDS) - {"demo"})


def capture_example(redline: Run, example: dict[str, object], count: int = 3) -> str:
    url = str(example["url"])
    pages, times = example["pages"], example["times"]
    assert isinstance(pages, list) and isinstance(times, list)
    for page, at in list(zip(pages, times, strict=True))[:count]:
        result = redline("capture", "--html", str(page), "--url", url, "--at", at)
        assert result.exit_code == 0, result.output
    return url


@pytest.mark.parametrize("name", DATA_COMMANDS)
def test_every_command_that_prints_data_takes_json(name: str) -> None:
    command = cli.get_command(click.Context(cli), name)
    assert command is not None
    # A group of commands (import wayback ...) is asked of each of its commands.
    names = [[name, sub] for sub in command.commands] if isinstance(command, click.Group) else []
    for args in names or [[name]]:
        result = CliRunner().invoke(cli, [*args, "--help"])
        assert result.exit_code == 0
        assert re.search(r"^\s+--json\b", result.output, re.M), result.output


def test_json_is_the_same_as_format_json(redline: Run, example: dict[str, object]) -> None:
    url = capture_example(redline, example)
    by_flag = redline("diff", url, "1", "2", "--json")
    by_format = redline("diff", url, "1", "2", "--format", "json")
    assert by_flag.exit_code == 0 and by_flag.stdout == by_format.stdout
    assert json.loads(by_flag.stdout)["stealth"] is True


def test_json_with_another_format_is_a_usage_error(
    redline: Run, example: dict[str, object]
) -> None:
    url = capture_example(redline, example)
    both = redline("diff", url, "--json", "--format", "html")
    assert both.exit_code == 2 and both.stdout == ""
    assert "--json and --format html ask for two formats" in both.stderr
    assert redline("report", "--json", "--format", "markdown").exit_code == 2


def test_verify_json_gives_each_problem_and_a_summary(
    redline: Run, example: dict[str, object], archive_dir: Path
) -> None:
    capture_example(redline, example, 1)
    sound = redline("verify", "--json")
    assert sound.exit_code == 0
    assert [json.loads(line) for line in sound.stdout.splitlines()] == [
        {"kind": "summary", "objects": 1, "versions": 1, "files": 4, "problems": 0, "sound": True}
    ]
    (content,) = archive_dir.glob("ocfl/**/content/article.txt")
    content.write_text("tampered\n", encoding="utf-8")
    broken = redline("verify", "--json")
    assert broken.exit_code == 4
    *problems, summary = [json.loads(line) for line in broken.stdout.splitlines()]
    assert [p["kind"] for p in problems] == ["problem"]
    assert "article.txt" in problems[0]["message"]
    assert summary["problems"] == 1 and summary["sound"] is False


@pytest.mark.parametrize("where", ["before", "after"])
def test_traceback_is_taken_before_or_after_the_command(where: str, tmp_path: Path) -> None:
    missing = str(tmp_path / "nowhere")
    args = ["log", "https://news.example/a", "--archive", missing]
    args = ["--traceback", *args] if where == "before" else [*args, "--traceback"]
    result = CliRunner().invoke(cli, args)
    assert isinstance(result.exception, ArchiveError)  # raised, with its traceback

    plain = CliRunner().invoke(cli, args[1:] if where == "before" else args[:-1])
    assert plain.exit_code == 1 and not isinstance(plain.exception, ArchiveError)
    assert plain.output.startswith("Error: no archive at")


def test_every_command_lists_traceback_in_its_help() -> None:
    for name in COMMANDS:
        result = CliRunner().invoke(cli, [name, "--help"])
        assert "--traceback" in result.output, name


def test_reasons_left_out_are_counted() -> None:
    reasons = ["lede changed", "number changed: 12 → 9", "quote changed", "negation removed"]
    assert join_reasons(reasons, 4) == "; ".join(reasons)
    assert join_reasons(reasons, 2) == "lede changed; number changed: 12 → 9; … and 2 more"
    long = "x" * 500
    assert clip(long, 300) == "x" * 299 + "… (201 more characters)"
    assert clip("short", 300) == "short"


def test_diff_text_says_how_many_reasons_it_left_out(
    redline: Run, example: dict[str, object]
) -> None:
    url = capture_example(redline, example)
    verdict = redline("diff", url, "1", "2", "--color", "never").stdout.splitlines()[1]
    full = json.loads(redline("diff", url, "1", "2", "--json").stdout)["reasons"]
    assert len(full) == 5
    assert verdict.endswith("; … and 1 more)"), verdict
    assert full[3] in verdict and full[4] not in verdict


def _rule(style: str, selector: str) -> str:
    """The declarations of the page style's rule for ``selector`` alone."""
    style = re.sub(r"/\*.*?\*/", "", style, flags=re.S)
    rules = [chunk.split("{", 1) for chunk in style.split("}") if "{" in chunk]
    found = [body for names, body in rules if names.strip() == selector]
    assert len(found) == 1, (selector, found)
    return " ".join(found[0].split())


@pytest.mark.parametrize("page", [report_html, diff_html], ids=["report", "diff"])
def test_deleted_and_inserted_words_differ_without_colour(page: object) -> None:
    style = str(getattr(page, "STYLE"))  # noqa: B009 - both modules' own page style
    assert "text-decoration: line-through" in _rule(style, "del")
    assert "text-decoration: underline" in _rule(style, "ins")
    # no other rule takes the marks away again
    assert not re.search(r"\b(del|ins)\b[^{}]*\{[^}]*text-decoration:\s*none", style)


def test_report_marks_show_in_a_browser_without_colour(tmp_path: Path) -> None:
    """Drawn by Chromium with every colour and background made black on white, the
    report's excerpt still shows which words went and which came: taking away the
    <del> or the <ins> changes the picture."""
    run = RunInfo("20261125T000000Z-aaaaaa", "2026-11-25T00:00:00Z")
    report = Report(runs=[run])
    report.counts["changed"] = 1
    ops = (("=", "The toll rose to "), ("-", "twelve"), ("+", "nine"), ("=", " people."))
    report.sections["changed"] = [
        Item(
            "changed",
            "https://news.example/a",
            run.run,
            at=run.started,
            version=2,
            severity="major",
            title="Flood toll",
            excerpt=Excerpt("body", ops),
        )
    ]
    page = render_report_html(report)
    assert "<del>twelve</del>" in page and "<ins>nine</ins>" in page
    grey = "*{color:#000 !important;background:#fff !important;border-color:#fff !important}"
    variants = {
        "marked": page,
        "again": page,
        "no del": page.replace("<del>", "<span>").replace("</del>", "</span>"),
        "no ins": page.replace("<ins>", "<span>").replace("</ins>", "</span>"),
    }
    shots = {}
    for name, html in variants.items():
        source = tmp_path / f"{name.replace(' ', '-')}.html"
        source.write_text(html.replace("</head>", f"<style>{grey}</style></head>", 1))
        shot = source.with_suffix(".png")
        drawn = run_chromium(
            source, tmp_path / "profile", f"--screenshot={shot}", "--window-size=900,500"
        )
        assert drawn.returncode == 0, drawn.stderr
        shots[name] = shot.read_bytes()
    assert shots["marked"] == shots["again"]  # the same page draws the same picture
    assert shots["marked"] != shots["no del"]
    assert shots["marked"] != shots["no ins"]
