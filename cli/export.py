"""``redline export``: write the archive, or part of it, for other tools."""

from __future__ import annotations

from pathlib import Path

import click

from redline.archive.export.formats import FORMATS
from redline.cli.options import archive_option, echo_json, json_option, open_archive


def _formats_help() -> str:
    return "; ".join(f"{f.name}: {f.description}" for f in FORMATS.values())


@click.command("export", short_help="Export versions as WACZ, WARC, BagIt, JSON Lines or SQLite.")
@click.option(
    "--format",
    "format_name",
    type=click.Choice(list(FORMATS)),
    required=True,
    help=_formats_help() + ".",
)
@click.option(
    "--output",
    "-o",
    type=click.Path(path_type=Path),
    required=True,
    help="The file (a folder for bagit) to write; it must not exist yet.",
)
@click.option(
    "--url", "urls", multiple=True, help="Only this article (repeat for more; default: all)."
)
@click.option("--since", help="Only versions captured at or after this time (ISO 8601, or 7d).")
@click.option("--until", help="Only versions captured at or before this time (ISO 8601, or 7d).")
@json_option("Print what was exported as one JSON object on stdout.")
@archive_option
def command(
    format_name: str,
    output: Path,
    urls: tuple[str, ...],
    since: str | None,
    until: str | None,
    as_json: bool,
    archive_path: str,
) -> None:
    """Write every version of the archive, or of the articles given by --url captured
    between --since and --until, to one file other tools read.

    wacz and warc replay in pywb or ReplayWeb.page, every version under its article's
    URL; bagit is a bag of the articles' OCFL objects; jsonl and sqlite hold one row
    per version (its fields, words changed, severity, stealth, reasons) and one per
    change, and 'datasette FILE.db' browses the SQLite file with full-text search.
    """
    from redline.archive.exporting import export

    if str(output) == "-":
        raise click.UsageError(
            "--output - would be a file named '-': export writes files; give a path such as "
            "export." + ("wacz" if format_name == "wacz" else format_name)
        )

    selection = export(
        open_archive(archive_path), format_name, output, urls, since=since, until=until
    )
    versions, articles = len(selection.versions), len(selection.urls)
    if as_json:
        echo_json(
            {
                "output": str(output),
                "format": format_name,
                "versions": versions,
                "articles": articles,
            }
        )
        return
    click.echo(
        f"exported {versions} version{'s' * (versions != 1)} of {articles} "
        f"article{'s' * (articles != 1)} to {output} ({format_name})",
        err=True,
    )
