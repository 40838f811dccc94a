"""Options shared by several commands."""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Callable
from typing import Any, TypeVar, overload

import click

from redline.archive.core.printable import printable
from redline.archive.core.secrets import redact_text
from redline.archive.ocfl.archive import Archive
from redline.cli.meta import ENDPOINT_KEY, GROUP_ARCHIVE_KEY, GROUP_ENDPOINT_KEY

F = TypeVar("F", bound=Callable[..., Any])

DEFAULT_ARCHIVE = "./redline-archive"


def _given_here(ctx: click.Context, name: str) -> bool:
    return ctx.get_parameter_source(name) is click.core.ParameterSource.COMMANDLINE


def group_endpoint(ctx: click.Context, param: click.Parameter, value: str | None) -> str | None:
    """An ``--endpoint-url`` callback: the one given before the command, unless the
    command was given its own."""
    if not _given_here(ctx, param.name or "") and ctx.meta.get(GROUP_ENDPOINT_KEY):
        return str(ctx.meta[GROUP_ENDPOINT_KEY])
    return value or None


def _remember_endpoint(ctx: click.Context, param: click.Parameter, value: str | None) -> None:
    ctx.meta[ENDPOINT_KEY] = group_endpoint(ctx, param, value)


def _group_archive(ctx: click.Context, param: click.Parameter, value: str) -> str:
    if not _given_here(ctx, param.name or "") and ctx.meta.get(GROUP_ARCHIVE_KEY):
        return str(ctx.meta[GROUP_ARCHIVE_KEY])
    return value


def archive_option(func: F) -> F:
    """``--archive`` (a folder or s3://bucket/prefix) and ``--endpoint-url``."""
    func = click.option(
        "--endpoint-url",
        envvar="REDLINE_ENDPOINT_URL",
        metavar="URL",
        expose_value=False,
        callback=_remember_endpoint,
        help="S3-compatible endpoint for s3:// archives (or set REDLINE_ENDPOINT_URL).",
    )(func)
    return click.option(
        "--archive",
        "archive_path",
        envvar="REDLINE_ARCHIVE",
        default=DEFAULT_ARCHIVE,
        show_default=True,
        metavar="PATH",
        callback=_group_archive,
        help="Archive folder or s3://BUCKET/PREFIX (or set REDLINE_ARCHIVE).",
    )(func)


def open_archive(location: str, *, create: bool = False) -> Archive:
    """The archive at ``location``, reached through ``--endpoint-url`` when given."""
    endpoint = click.get_current_context().meta.get(ENDPOINT_KEY)
    return Archive.open(location, create=create, endpoint_url=endpoint)


def max_bytes_option(func: F) -> F:
    from redline.archive.fetch.client import DEFAULT_MAX_BYTES

    return click.option(
        "--max-bytes",
        type=click.IntRange(min=1),
        default=DEFAULT_MAX_BYTES,
        show_default=True,
        metavar="BYTES",
        help="Refuse pages larger than this, also once decompressed.",
    )(func)


JSON_HELP = "Print one JSON object per line."


@overload
def json_option(func: F, /) -> F: ...
@overload
def json_option(help: str, /) -> Callable[[F], F]: ...
def json_option(arg: F | str, /) -> F | Callable[[F], F]:
    """``--json``: ``@json_option``, or ``@json_option("help")`` with other words."""
    if isinstance(arg, str):
        return click.option("--json", "as_json", is_flag=True, help=arg)
    return click.option("--json", "as_json", is_flag=True, help=JSON_HELP)(arg)


def chosen_format(fmt: str, as_json: bool) -> str:
    """The output format: ``--json`` is ``--format json``; asking for both JSON and
    another format is a usage error."""
    if not as_json:
        return fmt
    source = click.get_current_context().get_parameter_source("fmt")
    if fmt != "json" and source is click.core.ParameterSource.COMMANDLINE:
        raise click.UsageError(f"--json and --format {fmt} ask for two formats; give one")
    return "json"


def echo_error(message: str) -> None:
    """One ``Error:`` line on stderr, safe to print whatever a server put in it."""
    click.echo(f"Error: {redact_text(printable(message))}", err=True)


def echo_warning(message: str) -> None:
    """One ``Warning:`` line on stderr, safe to print whatever a server put in it."""
    click.echo(f"Warning: {redact_text(printable(message))}", err=True)


def echo_json(data: Any) -> None:
    """One compact JSON object on its own line of stdout."""
    click.echo(json.dumps(data, ensure_ascii=False, sort_keys=False))


def use_color(choice: str) -> bool:
    """Colour for 'auto' only on a terminal and when NO_COLOR is unset."""
    if choice == "always":
        return True
    if choice == "never":
        return False
    return sys.stdout.isatty() and not os.environ.get("NO_COLOR")


def color_option(func: F) -> F:
    return click.option(
        "--color",
        type=click.Choice(["auto", "always", "never"]),
        default="auto",
        show_default=True,
        help="Colour the output (auto: on a terminal, unless NO_COLOR is set).",
    )(func)


def index_progress() -> Callable[[int, int], None] | None:
    """A progress line on stderr while the query index is brought up to date, when
    stderr is a terminal; it is cleared when done."""
    if not sys.stderr.isatty():
        return None

    def show(done: int, total: int) -> None:
        end = "\r\033[K" if done == total else ""
        click.echo(f"\r\033[Kindexing {done:,}/{total:,} articles{end}", nl=False, err=True)

    return show
