"""``redline report``: what a watch run, or the runs of a period, found."""

from __future__ import annotations

from pathlib import Path

import click

from redline.archive.core.files import write_atomically
from redline.archive.core.times import parse_when
from redline.archive.render.formats import REPORT_FORMATS, render_report
from redline.archive.report import build_report
from redline.cli.options import archive_option, chosen_format, json_option, open_archive


@click.command("report", short_help="Summarise what a watch run found, for people or CI.")
@click.option(
    "--run",
    "run_id",
    metavar="ID|latest",
    help="The run to report on: its id, a unique start of it, or latest (the default).",
)
@click.option(
    "--since",
    metavar="TIME",
    help="Report on every run that started at or after TIME, merged "
    "(ISO 8601, or a time ago such as 24h or 7d).",
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(list(REPORT_FORMATS)),
    default="markdown",
    show_default=True,
    help="GitHub Markdown (fits a step summary), one JSON object, or one HTML page.",
)
@json_option("Print the report as one JSON object (the same as --format json).")
@click.option(
    "--output",
    "-o",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Write the report to FILE (replaced whole) instead of stdout.",
)
@archive_option
def command(
    run_id: str | None,
    since: str | None,
    fmt: str,
    as_json: bool,
    output: Path | None,
    archive_path: str,
) -> None:
    """Summarise what a watch run found: counts, then the changed articles with the
    severity of each change and an excerpt of it, and the new, gone, redirected,
    blocked and suspect articles and the errors.

    By default the newest run is reported. --since merges every run that started at or
    after a time (each shard's run, a day of runs); an article that several runs saw
    is listed once for each, newest first. The Markdown fits a GitHub Actions step
    summary; the JSON's counts (counts.changed, counts.new, counts.gone, ...) suit
    scripts.
    """
    fmt = chosen_format(fmt, as_json)
    archive = open_archive(archive_path)
    report = build_report(
        archive, run=run_id, since=parse_when(since) if since is not None else None
    )
    text = render_report(fmt, report)
    if output is not None and str(output) != "-":
        write_atomically(output, text)
    else:
        click.echo(text, nl=False)
