"""``redline sync``: copy an archive between folders and S3, only what is missing."""

from __future__ import annotations

import os
from pathlib import Path

import click

from redline.archive.core.errors import ArchiveError, ExitStatus, UsageError
from redline.archive.ocfl.sync import EmptyStore, SyncAction, sync
from redline.archive.store import open_store
from redline.archive.store.base import Store
from redline.cli.options import echo_json, json_option


def _count(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def _same(src: str, dst: str) -> bool:
    if src.startswith("s3://") or dst.startswith("s3://"):
        return src.rstrip("/") == dst.rstrip("/")
    return os.path.realpath(src) == os.path.realpath(dst)


def _open_source(location: str, endpoint_url: str | None) -> Store:
    if not location.startswith("s3://") and not Path(location).is_dir():
        raise ArchiveError(f"no archive at {location}; give an archive folder or s3:// URL as SRC")
    return open_store(location, endpoint_url=endpoint_url)


def _open_destination(location: str, endpoint_url: str | None, dry_run: bool) -> Store:
    if dry_run and not location.startswith("s3://") and not Path(location).exists():
        return EmptyStore(location)
    return open_store(location, create=True, endpoint_url=endpoint_url)


@click.command("sync", short_help="Copy an archive to another folder or S3 prefix.")
@click.argument("src", metavar="SRC")
@click.argument("dst", metavar="DST")
@click.option("--dry-run", is_flag=True, help="List what would be copied; write nothing.")
@click.option(
    "--endpoint-url",
    envvar="REDLINE_ENDPOINT_URL",
    metavar="URL",
    help="S3-compatible endpoint for s3:// archives (or set REDLINE_ENDPOINT_URL).",
)
@json_option
def command(src: str, dst: str, dry_run: bool, endpoint_url: str | None, as_json: bool) -> None:
    """Copy what DST lacks of the archive at SRC, checking every digest on the way.

    SRC and DST are archive folders or s3://BUCKET/PREFIX URLs; a DST folder is
    created. Only missing versions and files are copied, so running it again after an
    interruption finishes the job, and a second run copies nothing.
    """
    if _same(src, dst):
        raise UsageError(f"SRC and DST are the same archive ({src}); give two places")
    source = _open_source(src, endpoint_url or None)
    destination = _open_destination(dst, endpoint_url or None, dry_run)
    verb = "would copy" if dry_run else "copied"

    def show(action: SyncAction) -> None:
        if as_json:
            echo_json({"action": verb, **action.to_dict()})
        else:
            click.echo(f"{verb:<10}  {action.describe()}")

    report = sync(source, destination, dry_run=dry_run, progress=show)
    for error in report.errors:
        click.echo(f"Error: {error}", err=True)
    if as_json:
        echo_json(report.to_dict())
    click.echo(
        f"{_count(report.objects, 'object')} checked, {report.unchanged} already current; "
        f"{verb} {_count(report.versions, 'version')}, {_count(report.files, 'file')}, "
        f"{report.bytes:,} bytes; {_count(report.leftovers, 'leftover')} skipped; "
        f"{_count(len(report.errors), 'error')}.",
        err=True,
    )
    if report.errors:
        raise click.exceptions.Exit(int(ExitStatus.ERROR))
