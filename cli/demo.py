"""``redline demo``: capture the bundled example article and show its silent edit."""

from __future__ import annotations

import click

from redline.archive.compare import compare
from redline.archive.core.errors import ExitStatus
from redline.archive.demo import already_captured, load_example, run_example
from redline.archive.render.diff_text import render_text
from redline.cli.options import archive_option, color_option, echo_error, open_archive, use_color


@click.command("demo", short_help="Capture the bundled example article and show its silent edit.")
@archive_option
@color_option
def command(archive_path: str, color: str) -> None:
    """Capture four saved versions of a bundled article and show the silent edit."""
    example = load_example()
    archive = open_archive(archive_path, create=True)
    held = already_captured(archive, example)
    held = held if held >= example.versions else 0
    if held:
        plural = "version" if held == 1 else "versions"
        click.echo(f"{archive_path} already holds {held} {plural} of {example.url}.", err=True)
    else:
        click.echo(
            f"Capturing {len(example.captures)} saved versions of {example.url}\n"
            f"into {archive_path}:\n",
            err=True,
        )
    for note, outcome in [] if held else run_example(archive, example):
        if outcome.error is not None:
            echo_error(outcome.error.message)
            raise click.exceptions.Exit(int(ExitStatus.ERROR))
        result = outcome.result
        assert result is not None
        click.echo(f"  {result.captured_at}  {result.status:<9} v{result.version}  ({note})")
    a, b = example.silent_edit
    click.echo(f"\nThe silent edit, version {a} -> {b} (redline diff URL {a} {b}):\n")
    report = compare(archive, example.url, a, b)
    colored = use_color(color)
    click.echo(render_text(report, color=colored, context=1), nl=False, color=colored)
