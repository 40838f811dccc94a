"""``redline show``: one version of an article."""

from __future__ import annotations

import click

from redline.archive.extract.articletext import article_to_text
from redline.cli.options import archive_option, echo_json, json_option, open_archive


@click.command("show", context_settings={"ignore_unknown_options": True})
@click.argument("url")
@click.option("--version", "-v", "version", type=int, help="Version number (negative counts back).")
@archive_option
@json_option
def command(url: str, version: int | None, archive_path: str, as_json: bool) -> None:
    """Print one version of an article (the latest by default)."""
    archive = open_archive(archive_path)
    object_id = archive.resolve(url)
    number = archive.pick_version(object_id, version)
    article = archive.article(object_id, number)
    info = archive.version_info(object_id, number)
    if as_json:
        echo_json(
            {
                "url": object_id,
                "version": number,
                "captured_at": info.created,
                **article.to_record(),
                "extractor": article.extractor,
            }
        )
    else:
        click.echo(f"# {object_id} — version {number}, captured {info.created}\n")
        click.echo(article_to_text(article), nl=False)
