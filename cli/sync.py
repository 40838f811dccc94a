"""``redline sync``: copy an archive between folders and S3, only what is missing."""

from __future__ import annotations

import click

from redline.archive.core.errors import ExitStatus
from redline.archive.core.wording import plural
from redline.archive.ocfl.sync import SyncAction, sync_locations
from redline.cli.options import echo_error, echo_json, group_endpoint, json_option


@click.command("sync", short_help="Copy an archive to another folder or S3 prefix.")
@click.argument("src", metavar="SRC")
@click.argument("dst", metavar="DST")
@click.option("--dry-run", is_flag=True, help="List what would be copied; write nothing.")
@click.option(
    "--endpoint-url",
    envvar="REDLINE_ENDPOINT_URL",
    metavar="URL",
    callback=group_endpoint,
    help="S3-compatible endpoint for s3:// archives (or set REDLINE_ENDPOINT_URL).",
)
@json_option
def command(src: str, dst: str, dry_run: bool, endpoint_url: str | None, as_json: bool) -> None:
    """Copy what DST lacks of the archive at SRC, checking every digest on the way.

    SRC and DST are archive folders or s3://BUCKET/PREFIX URLs; a DST folder is
    created. Only missing versions and files are copied, so running it again after an
    interruption finishes the job, and a second run copies nothing.
    """
    verb = "would copy" if dry_run else "copied"

    def show(action: SyncAction) -> None:
        if as_json:
            echo_json({"action": verb, **action.to_dict()})
        else:
            click.echo(f"{verb:<10}  {action.describe()}")

    report = sync_locations(
        src, dst, endpoint_url=endpoint_url or None, dry_run=dry_run, progress=show
    )
    for error in report.errors:
        echo_error(error)
    if as_json:
        echo_json(report.to_dict())
    click.echo(
        f"{plural(report.objects, 'object')} checked, {report.unchanged} already current; "
        f"{verb} {plural(report.versions, 'version')}, {plural(report.files, 'file')}, "
        f"{report.bytes:,} bytes; {plural(report.leftovers, 'leftover')} skipped; "
        f"{plural(len(report.errors), 'error')}.",
        err=True,
    )
    if report.errors:
        raise click.exceptions.Exit(int(ExitStatus.ERROR))
