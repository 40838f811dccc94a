"""``redline log``: the versions of one article."""

from __future__ import annotations

import click

from redline.archive.history import LogEntry, filter_entries, history
from redline.archive.significance import SEVERITIES
from redline.cli.options import archive_option, echo_json, json_option, open_archive


def _verdict(entry: LogEntry) -> str:
    significance = entry.significance
    if entry.version == 1:
        return "first capture"
    parts = [significance.severity]
    if significance.stealth:
        parts.append("stealth")
    if entry.reverts_to is not None:
        parts.append(f"reverts to v{entry.reverts_to}")
    return ", ".join(parts)


@click.command("log", short_help="List the versions of one article.")
@click.argument("url")
@click.option(
    "--min-severity",
    type=click.Choice(SEVERITIES[1:]),
    help="Only versions whose change is at least this severe.",
)
@click.option(
    "--stealth",
    is_flag=True,
    help="Only stealth edits: moderate or major changes the page did not admit.",
)
@archive_option
@json_option
def command(
    url: str, min_severity: str | None, stealth: bool, archive_path: str, as_json: bool
) -> None:
    """List the versions of one article, oldest first, with words changed.

    Each version is graded minor, moderate or major against the one before it, marked
    stealth when the page did not admit the change, and says when it reverts to an
    earlier version. --json adds the reasons and what was checked.
    """
    archive = open_archive(archive_path)
    object_id = archive.resolve(url)
    entries = filter_entries(
        history(archive, object_id), min_severity=min_severity, stealth=stealth
    )
    for entry in entries:
        if as_json:
            echo_json({"url": object_id, **entry.to_dict()})
        else:
            counts = f"+{entry.inserted_words} -{entry.deleted_words} words"
            title = entry.title or ""
            click.echo(
                f"v{entry.version:<3} {entry.captured_at}  {counts:<18}  "
                f"{_verdict(entry):<30}  {title}"
            )
