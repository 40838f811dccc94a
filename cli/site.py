"""``redline site``: build the archive's static website."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from redline.archive.core.errors import UsageError
from redline.archive.render.blocks import is_web_url
from redline.archive.site import FEED_LIMIT, build_site
from redline.cli.options import (
    archive_option,
    echo_json,
    echo_warning,
    index_progress,
    json_option,
    open_archive,
)


@click.command("site", short_help="Build a static website of the archive, with feeds.")
@click.argument("out", type=click.Path(path_type=Path))
@click.option(
    "--base-url",
    metavar="URL",
    envvar="REDLINE_SITE_URL",
    help="Where the site will be published (e.g. https://you.github.io/news/), for "
    "absolute links in its feeds (or set REDLINE_SITE_URL).",
)
@click.option("--title", metavar="TEXT", help="The site's title (default: redline archive).")
@click.option(
    "--feed-limit",
    type=click.IntRange(1, 100_000),
    default=FEED_LIMIT,
    show_default=True,
    help="Entries in the feeds of all changes and of stealth edits (the newest).",
)
@archive_option
@json_option
def command(
    out: Path,
    base_url: str | None,
    title: str | None,
    feed_limit: int,
    archive_path: str,
    as_json: bool,
) -> None:
    """Build a static website of the archive in the folder OUT, or bring it up to date.

    The site needs no server and loads nothing from elsewhere: an index of the articles,
    newest change first (filters by site, severity, stealth and gone), a page per
    article with its timeline and every version, each change as an inline and a
    side-by-side diff, and Atom feeds of all changes (feed.xml), of stealth edits
    (stealth.xml) and of each article. Run it again after a watch run: only the pages
    of articles that changed are made again. Open OUT/index.html, or publish OUT
    (GitHub Pages, an S3 website).
    """
    if base_url is not None:
        if not is_web_url(base_url):
            raise UsageError(f"--base-url {base_url!r} is not an http(s) URL")
        base_url = base_url if base_url.endswith("/") else base_url + "/"
    archive = open_archive(archive_path)
    show_progress = sys.stderr.isatty() and not as_json

    def progress(done: int, total: int) -> None:
        click.echo(f"\r\033[Kmaking article pages {done:,}/{total:,}", nl=False, err=True)

    build = build_site(
        archive,
        out,
        base_url=base_url,
        title=title,
        feed_limit=feed_limit,
        progress=progress if show_progress else None,
        index_progress=index_progress() if not as_json else None,
    )
    if show_progress:
        click.echo("\r\033[K", nl=False, err=True)
    for problem in build.problems:
        echo_warning(problem)
    if as_json:
        echo_json(build.to_dict())
    else:
        click.echo(build.sentence(), err=True)
        click.echo(str(out / "index.html"))
