"""``redline verify``: check the archive against its manifests."""

from __future__ import annotations

import click

from redline.archive.core.errors import ExitStatus
from redline.archive.ocfl.verify import verify_archive
from redline.cli.options import archive_option, echo_json, json_option, open_archive


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
@json_option
def command(archive_path: str, jobs: int, as_json: bool) -> None:
    """Recompute every digest in the archive and report each problem on its own line.

    With --json each problem is an object ({"kind": "problem", "message": ...}), and
    the last line is the summary: objects, versions and files checked, the number of
    problems and whether the archive is sound.
    """
    report = verify_archive(open_archive(archive_path), jobs=jobs)
    if as_json:
        for problem in report.problems:
            echo_json({"kind": "problem", "message": problem})
        for note in report.notes:
            echo_json({"kind": "note", "message": note})
        echo_json(
            {
                "kind": "summary",
                "objects": report.objects,
                "versions": report.versions,
                "files": report.files,
                "problems": len(report.problems),
                "sound": report.sound,
            }
        )
        if not report.sound:
            raise click.exceptions.Exit(int(ExitStatus.INTEGRITY))
        return
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
