"""``redline diff``: what changed between two versions of an article."""

from __future__ import annotations

import click

from redline.archive.compare import compare, parse_version
from redline.archive.render.formats import DIFF_FORMATS, DiffOptions, render_diff
from redline.cli.options import (
    archive_option,
    chosen_format,
    color_option,
    json_option,
    open_archive,
    use_color,
)


@click.command(
    "diff",
    context_settings={"ignore_unknown_options": True},
    short_help="Show the word-level changes between two versions.",
)
@click.argument("url")
@click.argument("a", required=False, metavar="[A")
@click.argument("b", required=False, metavar="[B]]")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(list(DIFF_FORMATS)),
    default="text",
    show_default=True,
    help="Output format: text, GitHub Markdown, one self-contained HTML page, or JSON.",
)
@json_option("Print the diff as one JSON object (the same as --format json).")
@click.option(
    "--context",
    default=1,
    show_default=True,
    type=click.IntRange(0, 1000),
    help="Unchanged paragraphs to show around each change (text format).",
)
@color_option
@archive_option
def command(
    url: str,
    a: str | None,
    b: str | None,
    fmt: str,
    context: int,
    color: str,
    archive_path: str,
    as_json: bool,
) -> None:
    """Show the word-level changes from version A to B (default: previous to latest).

    Negative numbers count back from the latest: -1 is the latest, -2 the one before.
    """
    fmt = chosen_format(fmt, as_json)
    report = compare(
        open_archive(archive_path),
        url,
        parse_version(a) if a is not None else None,
        parse_version(b) if b is not None else None,
    )
    colored = fmt == "text" and use_color(color)
    text = render_diff(fmt, report, DiffOptions(color=colored, context=context))
    click.echo(text, nl=False, color=colored)
