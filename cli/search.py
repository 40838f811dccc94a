"""``redline search``: the versions in which a phrase appeared or went away."""

from __future__ import annotations

import click

from redline.archive.core.printable import printable
from redline.archive.queries import Refreshed, open_index, search
from redline.cli.options import (
    archive_option,
    echo_json,
    echo_warning,
    index_progress,
    json_option,
    open_archive,
)


@click.command("search", short_help="Find the versions where a phrase appeared or went away.")
@click.argument("text")
@click.option("--removed", is_flag=True, help="Only the versions where the phrase went away.")
@click.option("--added", is_flag=True, help="Only the versions where the phrase appeared.")
@archive_option
@json_option
def command(text: str, removed: bool, added: bool, archive_path: str, as_json: bool) -> None:
    """Find the versions in which TEXT appeared or went away, newest first.

    TEXT matches a version holding its words in that order, whatever their case,
    accents or punctuation ("when did this sentence go?"). A removal names the last
    version that still had it. Every version's words are kept in the query index
    (state/index.sqlite in a folder archive, ~/.cache/redline for an S3 one), which
    is brought up to date first.
    """
    archive = open_archive(archive_path)
    refreshed = Refreshed()
    with open_index(archive, refreshed=refreshed, progress=index_progress()) as index:
        found = search(index, text, added=added, removed=removed)
    for problem in refreshed.problems:
        echo_warning(problem)
    for item in found:
        if as_json:
            echo_json(item.to_dict())
            continue
        if item.event == "removed":
            what = f"removed in v{item.version} (last in v{item.last_seen})"
        elif item.version == 1:
            what = "there from v1 (first capture)"
        else:
            what = f"added in v{item.version}"
        click.echo(f"{item.captured_at}  {what:<30}  {item.url}")
        if item.title:
            click.echo(f"{'':22}{printable(item.title)}")
    if not found and not as_json:
        click.echo(f"No version holds {printable(text)!r}.", err=True)
