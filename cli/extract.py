"""``redline extract``: show what redline reads from saved pages, without archiving."""

from __future__ import annotations

from pathlib import Path

import click

from redline.archive.capture import extract_file
from redline.archive.core.errors import ExitStatus, RedlineError
from redline.archive.extract.articletext import article_to_text
from redline.cli.options import echo_error, echo_json, json_option, max_bytes_option


@click.command("extract")
@click.argument(
    "files", nargs=-1, required=True, type=click.Path(path_type=Path), metavar="FILE..."
)
@click.option("--url", "page_url", help="The URL the pages came from (resolves relative links).")
@max_bytes_option
@json_option
def command(files: tuple[Path, ...], page_url: str | None, max_bytes: int, as_json: bool) -> None:
    """Extract the article from saved HTML files and print it."""
    failed = 0
    for index, path in enumerate(files):
        try:
            article = extract_file(path, page_url, max_bytes=max_bytes)
        except RedlineError as exc:
            echo_error(exc.message)
            failed += 1
            continue
        if as_json:
            echo_json({"file": str(path), **article.to_record()})
        else:
            if len(files) > 1:
                click.echo(f"{'' if index == 0 else chr(10)}==> {path} <==")
            click.echo(article_to_text(article), nl=False)
    if failed:
        raise click.exceptions.Exit(int(ExitStatus.ERROR))
