"""``redline capture``: fetch pages (or read saved ones) and store new versions."""

from __future__ import annotations

from pathlib import Path

import click

from redline.archive.capture import (
    Outcome,
    capture_all,
    capture_file,
    capture_url,
    capture_warc,
    check_source_file,
)
from redline.archive.core.errors import ExitStatus
from redline.archive.core.times import parse_when
from redline.archive.core.urls import check_http_url
from redline.archive.fetch.client import Fetcher
from redline.cli.options import (
    archive_option,
    echo_error,
    echo_json,
    json_option,
    max_bytes_option,
    open_archive,
)


@click.command("capture", short_help="Capture pages; store a new version when the article changed.")
@click.argument("urls", nargs=-1, metavar="URL...")
@click.option(
    "--html",
    "html_file",
    type=click.Path(path_type=Path),
    help="Read a saved page from this file instead of fetching (needs --url).",
)
@click.option(
    "--warc",
    "warc_file",
    type=click.Path(path_type=Path),
    help="Read every HTML page in this WARC file instead of fetching.",
)
@click.option("--url", "page_url", help="The URL the saved page (--html) was captured from.")
@click.option("--at", "at", help="When the saved page was captured (ISO 8601; default now).")
@click.option(
    "--timeout",
    default=20.0,
    show_default=True,
    type=click.FloatRange(0.1, 3600),
    help="Seconds to wait for a server.",
)
@click.option(
    "--accept-blocked",
    is_flag=True,
    help="Store pages the quality gate refuses (consent walls, challenges, paywall "
    "stubs, error pages, an article that lost most of its text) as versions anyway.",
)
@max_bytes_option
@archive_option
@json_option
def command(
    urls: tuple[str, ...],
    html_file: Path | None,
    warc_file: Path | None,
    page_url: str | None,
    at: str | None,
    timeout: float,
    accept_blocked: bool,
    max_bytes: int,
    archive_path: str,
    as_json: bool,
) -> None:
    """Capture articles and store a new version of each one that changed.

    A page that is not the article (a consent wall, a bot challenge, a login wall, a
    paywall stub, an error page) is not stored and counts as a failure, as it is in
    redline watch; --accept-blocked stores it all the same.
    """
    if html_file is not None and warc_file is not None:
        raise click.UsageError("give --html or --warc, not both")
    if warc_file is not None:
        if urls or page_url is not None or at is not None:
            raise click.UsageError("--warc FILE takes no URLs, --url or --at")
        check_source_file(warc_file, "a .warc or .warc.gz file")
        archive = open_archive(archive_path, create=True)
        outcomes = capture_warc(
            archive, warc_file, max_bytes=max_bytes, accept_refused=accept_blocked
        )
    elif html_file is not None:
        if page_url is None or urls:
            raise click.UsageError("--html FILE needs --url URL and takes no other URLs")
        when = parse_when(at) if at else None
        url = check_http_url(page_url)
        check_source_file(html_file, "a saved HTML page")
        archive = open_archive(archive_path, create=True)
        outcomes = capture_all(
            [str(html_file)],
            lambda path: capture_file(
                archive, path, url, when, max_bytes=max_bytes, accept_refused=accept_blocked
            ),
        )
    else:
        if not urls:
            raise click.UsageError("give at least one URL, or --html FILE --url URL")
        if page_url is not None or at is not None:
            raise click.UsageError("--url and --at go with --html FILE")
        urls = tuple(check_http_url(url) for url in urls)  # a typo stops the run first
        archive = open_archive(archive_path, create=True)
        with Fetcher(timeout=timeout, max_bytes=max_bytes) as fetcher:
            failed = sum(
                _report(outcome, as_json)
                for outcome in capture_all(
                    urls,
                    lambda url: capture_url(archive, url, fetcher, accept_refused=accept_blocked),
                )
            )
        if failed:
            raise click.exceptions.Exit(int(ExitStatus.ERROR))
        return
    failed = 0
    for outcome in outcomes:
        failed += _report(outcome, as_json)
    if failed:
        raise click.exceptions.Exit(int(ExitStatus.ERROR))


def _report(outcome: Outcome, as_json: bool) -> int:
    if outcome.error is not None:
        echo_error(outcome.error.message)
        return 1
    result = outcome.result
    assert result is not None
    if as_json:
        data: dict[str, object] = {
            "url": result.url,
            "status": result.status,
            "version": result.version,
            "captured_at": result.captured_at,
        }
        if result.note:
            data["note"] = result.note
        echo_json(data)
    else:
        line = f"{result.status:<9} v{result.version:<3} {result.captured_at}  {result.url}"
        click.echo(line + (f"  ({result.note})" if result.note else ""))
    return 0
