"""The ``redline`` command group and the one place that turns errors into messages."""

from __future__ import annotations

import importlib
import os
import sys
from typing import Any

import click

from redline import __version__
from redline.archive.core.errors import ExitStatus, RedlineError
from redline.archive.core.printable import printable
from redline.archive.core.secrets import redact_text
from redline.cli.meta import GROUP_ARCHIVE_KEY, GROUP_ENDPOINT_KEY


class ReportedError(click.ClickException):
    """A RedlineError on its way to the terminal: ``Error: <message>``, its exit code."""

    def __init__(self, message: str, exit_code: int) -> None:
        super().__init__(message)
        self.status = exit_code

    @property
    def exit_code(self) -> int:  # type: ignore[override]
        return self.status


#: Every command: its module, and the line ``redline --help`` shows for it. A command's
#: module is imported only when the command runs, so ``redline --help`` and light
#: commands start in a fraction of the time the whole engine takes to import
#: (tests/test_cli_startup.py checks that the lines match the commands).
COMMANDS = {
    "capture": (
        "redline.cli.capture",
        "Capture pages; store a new version when the article changed.",
    ),
    "changes": ("redline.cli.changes", "List the changes across the whole archive."),
    "demo": ("redline.cli.demo", "Capture the bundled example article and show its silent edit."),
    "diff": ("redline.cli.diff", "Show the word-level changes between two versions."),
    "export": (
        "redline.cli.export",
        "Export versions as WACZ, WARC, BagIt, JSON Lines or SQLite.",
    ),
    "extract": ("redline.cli.extract", "Extract the article from saved HTML files and print it."),
    "import": ("redline.cli.importing", "Import an article's history from a web archive."),
    "list": ("redline.cli.listing", "List the archived articles."),
    "log": ("redline.cli.log", "List the versions of one article."),
    "report": ("redline.cli.report", "Summarise what a watch run found, for people or CI."),
    "search": (
        "redline.cli.search",
        "Find the versions where a phrase appeared or went away.",
    ),
    "show": ("redline.cli.show", "Print one version of an article (the latest by default)."),
    "site": ("redline.cli.site", "Build a static website of the archive, with feeds."),
    "sync": ("redline.cli.sync", "Copy an archive to another folder or S3 prefix."),
    "verify": ("redline.cli.verify", "Check every digest and manifest in the archive."),
    "watch": ("redline.cli.watch", "Check a watchlist's articles when due; store what changed."),
}


TRACEBACK_KEY = "redline.traceback"
TRACEBACK_HELP = "Show the full traceback when a command fails."


def _note_traceback(ctx: click.Context, _param: click.Parameter, value: bool) -> None:
    if value:
        ctx.meta[TRACEBACK_KEY] = True


def _traceback_after_command() -> click.Option:
    """``--traceback`` for a command: ``redline diff URL --traceback`` works as well as
    ``redline --traceback diff URL``."""
    return click.Option(
        ["--traceback"],
        is_flag=True,
        expose_value=False,
        callback=_note_traceback,
        help=TRACEBACK_HELP,
    )


def _note_group_archive(ctx: click.Context, _param: click.Parameter, value: str | None) -> None:
    if value:
        ctx.meta[GROUP_ARCHIVE_KEY] = value


def _note_group_endpoint(ctx: click.Context, _param: click.Parameter, value: str | None) -> None:
    if value:
        ctx.meta[GROUP_ENDPOINT_KEY] = value


def _wants_traceback(ctx: click.Context) -> bool:
    # ctx.meta is shared by the group's context and the command's.
    return bool(ctx.params.get("traceback") or ctx.meta.get(TRACEBACK_KEY))


class RedlineGroup(click.Group):
    """Runs a command and turns any failure into one line on stderr and an exit code.

    Commands are loaded from ``COMMANDS`` when they are run."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(COMMANDS)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        entry = COMMANDS.get(cmd_name)
        if entry is None:
            return None
        command = importlib.import_module(entry[0]).command
        assert isinstance(command, click.Command)
        if ctx.meta.get(GROUP_ARCHIVE_KEY) and not any(
            param.name == "archive_path" for param in command.params
        ):
            raise click.UsageError(
                f"redline {cmd_name} uses no archive: drop --archive before the command "
                "(or give the archive as that command's argument)"
            )
        if not any(param.name == "traceback" for param in command.params):
            command.params.append(_traceback_after_command())
        return command

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        rows = [(name, COMMANDS[name][1]) for name in self.list_commands(ctx)]
        with formatter.section("Commands"):
            formatter.write_dl(rows)

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except (click.ClickException, click.exceptions.Exit, click.Abort):
            raise
        except RedlineError as exc:
            if _wants_traceback(ctx):
                raise
            message = redact_text(printable(exc.message))
            raise ReportedError(message, int(exc.exit_status)) from exc
        except KeyboardInterrupt:
            click.echo("Interrupted.", err=True)
            ctx.exit(int(ExitStatus.INTERRUPTED))
        except BrokenPipeError:
            # The reader went away (``| head``): stop quietly, as a pipe expects.
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, sys.stdout.fileno())
            ctx.exit(int(ExitStatus.OK))
        except Exception as exc:
            if _wants_traceback(ctx):
                raise
            raise ReportedError(
                f"unexpected {type(exc).__name__}: {redact_text(printable(str(exc)))}; "
                "rerun with --traceback and report the output",
                int(ExitStatus.ERROR),
            ) from exc


@click.group(cls=RedlineGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="redline")
@click.option(
    "--archive",
    metavar="PATH",
    expose_value=False,
    callback=_note_group_archive,
    help="Archive folder or s3://BUCKET/PREFIX for the command that follows "
    "(the same as giving it after the command).",
)
@click.option(
    "--endpoint-url",
    metavar="URL",
    expose_value=False,
    callback=_note_group_endpoint,
    help="S3-compatible endpoint for that archive.",
)
@click.option("--traceback", is_flag=True, help=TRACEBACK_HELP)
def cli(traceback: bool) -> None:
    """Keep every version of a web article, show what changed, archive each capture.

    Captures are stored in an OCFL 1.1 archive (a folder, ./redline-archive by
    default) that any OCFL tool can validate without redline.
    """


def run() -> None:
    """Console-script entry point."""
    try:
        cli(prog_name="redline")
    except SystemExit as exit:
        if exit.code == int(ExitStatus.INTERRUPTED):
            # Everything that matters is written (a watch run's log, its lease given
            # back); do not wait at exit for fetches still hanging in worker threads.
            sys.stdout.flush()
            sys.stderr.flush()
            os._exit(int(ExitStatus.INTERRUPTED))
        raise
