"""``redline import``: history captured elsewhere, brought into the archive."""

from __future__ import annotations

import click

from redline.archive.core.errors import ExitStatus
from redline.archive.core.printable import printable
from redline.archive.fetch.wayback import DEFAULT_WAYBACK_URL
from redline.cli.options import archive_option, echo_error, echo_json, json_option, open_archive


@click.group("import", short_help="Import an article's history from a web archive.")
def command() -> None:
    """Import history captured before redline was watching."""


@command.command("wayback", short_help="Import captures from the Wayback Machine or pywb.")
@click.argument("urls", nargs=-1, required=True, metavar="URL...")
@click.option("--from", "since", help="Only captures from this time (ISO 8601, or 30d).")
@click.option("--to", "until", help="Only captures up to this time (ISO 8601, or 30d).")
@click.option("--limit", type=click.IntRange(1), help="At most this many captures per URL.")
@click.option(
    "--wayback-url",
    default=DEFAULT_WAYBACK_URL,
    show_default=True,
    help="The web archive: a Wayback Machine (an address ending in /web/) or a pywb "
    "collection (http://host/collection).",
)
@click.option(
    "--delay",
    type=click.FloatRange(0, 600),
    default=1.0,
    show_default=True,
    help="Seconds between two requests to the web archive.",
)
@archive_option
@json_option
def wayback(
    urls: tuple[str, ...],
    since: str | None,
    until: str | None,
    limit: int | None,
    wayback_url: str,
    delay: float,
    archive_path: str,
    as_json: bool,
) -> None:
    """List each URL's captures in a web archive (its CDX API), fetch each one as it
    was captured, oldest first, and store a version whenever the article changed, dated
    when the web archive captured it. Captures imported before are not fetched again.
    """
    from redline.archive.backfill import Imported, Listing, import_wayback

    archive = open_archive(archive_path, create=True)
    failed = stored = 0
    for item in import_wayback(
        archive,
        urls,
        since=since,
        until=until,
        limit=limit,
        wayback_url=wayback_url,
        delay=delay,
    ):
        if isinstance(item, Listing):
            known = (
                f", {item.known} not after the last check (imported before)" if item.known else ""
            )
            click.echo(
                f"{printable(item.url)}: {item.found} captures{known}, {len(item.chosen)} to fetch",
                err=True,
            )
            continue
        assert isinstance(item, Imported)
        if item.error is not None:
            failed += 1
            echo_error(item.error.message)
            continue
        result, memento = item.result, item.memento
        assert result is not None and memento is not None
        stored += result.status != "unchanged"
        if as_json:
            echo_json(
                {
                    "url": result.url,
                    "status": result.status,
                    "version": result.version,
                    "captured_at": result.captured_at,
                    "memento": memento.timestamp,
                }
            )
        else:
            click.echo(
                f"{result.status:<9} v{result.version:<3} {result.captured_at}  {result.url}"
            )
    click.echo(f"{stored} new version{'s' * (stored != 1)} stored", err=True)
    if failed:
        raise click.exceptions.Exit(int(ExitStatus.ERROR))
