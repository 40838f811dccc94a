"""``redline list``: the articles in the archive."""

from __future__ import annotations

import click

from redline.archive.core.errors import ExitStatus
from redline.archive.core.printable import printable
from redline.cli.options import archive_option, echo_json, json_option, open_archive


@click.command("list", short_help="List the archived articles.")
@archive_option
@json_option
def command(archive_path: str, as_json: bool) -> None:
    """List the archived articles with their version counts and last capture.

    An article whose OCFL object is corrupt is listed as such, and the command exits 4."""
    summaries = open_archive(archive_path).summaries()
    for s in summaries:
        if as_json:
            echo_json(s.to_dict())
        elif s.corrupt:
            click.echo(f"{'corrupt':<12}  {s.last_checked}  {s.url}")
        else:
            plural = "version" if s.versions == 1 else "versions"
            status = f"  ({s.status})" if s.status else ""
            click.echo(f"{s.versions:>3} {plural:<8}  {s.last_checked}  {s.url}{status}")
            if s.title:
                click.echo(f"{'':14}{s.title}")
    if not summaries and not as_json:
        click.echo(f"No articles in {archive_path} yet.", err=True)
    corrupt = [s for s in summaries if s.corrupt]
    for s in corrupt:
        click.echo(f"Error: {printable(s.corrupt)}", err=True)
    if corrupt:
        raise click.exceptions.Exit(int(ExitStatus.INTEGRITY))
