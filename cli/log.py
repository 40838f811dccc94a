"""``redline log``: the versions of one article."""

from __future__ import annotations

import click

from redline.archive.history import history
from redline.cli.options import archive_option, echo_json, json_option, open_archive


@click.command("log", short_help="List the versions of one article.")
@click.argument("url")
@archive_option
@json_option
def command(url: str, archive_path: str, as_json: bool) -> None:
    """List the versions of one article, oldest first, with words changed."""
    archive = open_archive(archive_path)
    object_id = archive.resolve(url)
    for entry in history(archive, object_id):
        if as_json:
            echo_json({"url": object_id, **entry.to_dict()})
        else:
            counts = f"+{entry.inserted_words} -{entry.deleted_words} words"
            title = entry.title or ""
            click.echo(f"v{entry.version:<3} {entry.captured_at}  {counts:<18}  {title}")
