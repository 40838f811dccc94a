"""``redline verify``: check the archive against its manifests."""

from __future__ import annotations

import click

from redline.archive.core.errors import ExitStatus
from redline.archive.ocfl.verify import verify_archive
from redline.cli.options import archive_option, open_archive


@click.command("verify", short_help="Check every digest and manifest in the archive.")
@archive_option
@click.option(
    "--jobs",
    "-j",
    type=click.IntRange(1, 64),
    default=1,
    show_default=True,
    help="Check this many objects at once (an S3 archive waits on the network).",
)
def command(archive_path: str, jobs: int) -> None:
    """Recompute every digest in the archive and report each problem on its own line."""
    report = verify_archive(open_archive(archive_path), jobs=jobs)
    for problem in report.problems:
        click.echo(problem)
    for note in report.notes:
        click.echo(f"Note: {note}", err=True)
    summary = (
        f"{_count(report.objects, 'object')}, {_count(report.versions, 'version')}, "
        f"{_count(report.files, 'file')} checked"
    )
    if report.sound:
        click.echo(f"{summary}: all sound.", err=True)
        return
    click.echo(f"{summary}: {_count(len(report.problems), 'problem')}.", err=True)
    raise click.exceptions.Exit(int(ExitStatus.INTEGRITY))


def _count(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"
