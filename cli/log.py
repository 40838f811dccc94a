"""``redline log``: the versions of one article."""

from __future__ import annotations

import click

from redline.archive.diff.model import SEVERITIES
from redline.archive.history import LogEntry, filter_entries, history, timeline
from redline.cli.options import archive_option, echo_json, json_option, open_archive


def _verdict(entry: LogEntry) -> str:
    significance = entry.significance
    if entry.version == 1:
        return "first capture"
    parts: list[str] = [significance.severity]
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
    earlier version. --json adds the reasons and what was checked. What 'redline
    watch' saw between versions is listed too: the article gone (404/410) or sent to a
    front page, back again, or a check refused as blocked or suspect.
    """
    archive = open_archive(archive_path)
    object_id = archive.resolve(url)
    entries = filter_entries(
        history(archive, object_id), min_severity=min_severity, stealth=stealth
    )
    for item in timeline(archive, object_id, entries, filtered=bool(min_severity or stealth)):
        if as_json:
            echo_json({"url": object_id, **item.to_dict()})
        elif isinstance(item, LogEntry):
            counts = f"+{item.inserted_words} -{item.deleted_words} words"
            title = item.title or ""
            click.echo(
                f"v{item.version:<3} {item.captured_at}  {counts:<18}  "
                f"{_verdict(item):<30}  {title}"
            )
        else:
            click.echo(f"{item.event:<4} {item.at}  {item.reason}")
