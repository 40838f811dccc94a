"""``redline changes``: the changes across the whole archive, newest first."""

from __future__ import annotations

import click

from redline.archive.core.printable import printable
from redline.archive.core.times import parse_when
from redline.archive.diff.model import SEVERITIES
from redline.archive.queries import Change, Refreshed, list_changes, open_index
from redline.cli.options import (
    archive_option,
    echo_json,
    echo_warning,
    index_progress,
    json_option,
    open_archive,
)


def verdict(change: Change) -> str:
    parts = [change.severity]
    if change.stealth:
        parts.append("stealth")
    if change.reverts_to is not None:
        parts.append(f"reverts to v{change.reverts_to}")
    return ", ".join(parts)


@click.command("changes", short_help="List the changes across the whole archive.")
@click.option(
    "--since",
    metavar="TIME",
    help="Only changes captured at or after TIME (ISO 8601, or a time ago such as 7d).",
)
@click.option(
    "--stealth",
    is_flag=True,
    help="Only stealth edits: moderate or major changes the page did not admit.",
)
@click.option(
    "--min-severity",
    type=click.Choice(SEVERITIES[1:]),
    help="Only changes at least this severe.",
)
@click.option("--site", metavar="HOST", help="Only articles of this site (and its subdomains).")
@archive_option
@json_option
def command(
    since: str | None,
    stealth: bool,
    min_severity: str | None,
    site: str | None,
    archive_path: str,
    as_json: bool,
) -> None:
    """List every change stored in the archive, newest first: each version after an
    article's first, whether 'redline capture' or 'redline watch' stored it, graded
    as 'redline log' grades it (minor, moderate, major; stealth when the page did not
    admit it).

    The grades and words are kept in a query index (state/index.sqlite in a folder
    archive, a file in ~/.cache/redline for an S3 one) that is brought up to date
    first: only articles that changed since are read again.
    """
    when = parse_when(since) if since is not None else None
    archive = open_archive(archive_path)
    refreshed = Refreshed()
    with open_index(archive, refreshed=refreshed, progress=index_progress()) as index:
        changes = list_changes(
            index, since=when, stealth=stealth, min_severity=min_severity, site=site
        )
    for problem in refreshed.problems:
        echo_warning(problem)
    for change in changes:
        if as_json:
            echo_json(change.to_dict())
            continue
        counts = f"+{change.inserted_words} -{change.deleted_words} words"
        status = f"  ({change.status})" if change.status else ""
        click.echo(
            f"{change.captured_at}  v{change.version:<3} {verdict(change):<22} {counts:<18}"
            f"  {change.url}{status}"
        )
        if change.title:
            click.echo(f"{'':26}{printable(change.title)}")
    if not changes and not as_json:
        click.echo("No changes match.", err=True)
