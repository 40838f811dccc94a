"""``redline watch``: check a watchlist's articles when due and store what changed."""

from __future__ import annotations

import os
import signal
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path

import click

from redline.archive.core.errors import ExitStatus
from redline.archive.diff.model import SEVERITIES
from redline.archive.fetch.client import DEFAULT_TIMEOUT
from redline.archive.ocfl.lease import DEFAULT_LEASE_TIMEOUT
from redline.archive.watch.events import NOT_DUE, NOTABLE, Event
from redline.archive.watch.notify import notify_options, usable_urls
from redline.archive.watch.watchlist import open_watchlist
from redline.archive.watching import (
    WatchOptions,
    check_contact,
    check_run_id,
    parse_shard,
    run_watch,
)
from redline.cli.options import (
    archive_option,
    echo_error,
    echo_json,
    echo_warning,
    json_option,
    max_bytes_option,
    open_archive,
)

#: --fail-on choices and the exit status each one sets when it happened in the run.
FAIL_ON = {
    "changed": ExitStatus.CHANGED,
    "new": ExitStatus.CHANGED,
    "gone": ExitStatus.CHANGED,
    "blocked": ExitStatus.ERROR,
    "error": ExitStatus.ERROR,
}


@click.command("watch", short_help="Check a watchlist's articles when due; store what changed.")
@click.argument("watchlist", type=click.Path(path_type=Path, dir_okay=True))
@click.option(
    "--concurrency",
    default=8,
    show_default=True,
    type=click.IntRange(1, 256),
    help="Checks running at once, all hosts together.",
)
@click.option(
    "--per-host",
    default=2,
    show_default=True,
    type=click.IntRange(1, 64),
    help="Requests running at once to one host.",
)
@click.option(
    "--delay",
    default=1.0,
    show_default=True,
    type=click.FloatRange(0, 3600),
    help="Seconds a host rests between requests (robots.txt Crawl-delay if longer).",
)
@click.option("--shard", metavar="K/N", help="Check only shard K of N (split one watchlist).")
@click.option("--all", "check_all", is_flag=True, help="Check every article now, due or not.")
@click.option(
    "--ignore-robots",
    is_flag=True,
    help="Do not honour robots.txt (for archivists who have the right to).",
)
@click.option(
    "--allow-private",
    is_flag=True,
    help="Fetch feed and sitemap links that point at private or loopback addresses.",
)
@click.option(
    "--contact",
    metavar="EMAIL|URL",
    help="Who to contact about this crawler, added to the User-Agent (or 'contact:' "
    "in the watchlist).",
)
@click.option(
    "--fail-on",
    type=click.Choice(sorted(FAIL_ON)),
    multiple=True,
    help="Exit non-zero when this happened (3 for changed/new/gone, 1 for blocked/error). "
    "Repeatable.",
)
@click.option(
    "--timeout",
    default=DEFAULT_TIMEOUT,
    show_default=True,
    type=click.FloatRange(0.1, 3600),
    help="Seconds to wait for a server.",
)
@click.option(
    "--lease-timeout",
    default=DEFAULT_LEASE_TIMEOUT,
    show_default=True,
    type=click.FloatRange(5, 86400),
    help="Seconds after which a dead run's hold on its shard is taken over.",
)
@click.option(
    "--run-id",
    metavar="ID",
    help="Name this run, for 'redline report --run ID' (default: its start time and a "
    "random suffix).",
)
@click.option(
    "--notify",
    "notify_urls",
    metavar="URL",
    multiple=True,
    help="Send what the run found to this Apprise URL (json://HOST/, slack://…, "
    "mailto://…, ntfy://…). Repeatable; also 'notify:' lines in the watchlist and "
    "REDLINE_NOTIFY (URLs separated by spaces).",
)
@click.option(
    "--notify-digest", is_flag=True, help="Send one message for the run, not one per article."
)
@click.option(
    "--notify-on",
    metavar="KINDS",
    multiple=True,
    help="What to notify, comma-separated: changed, new, gone, stealth (default: changed,gone).",
)
@click.option(
    "--min-severity",
    type=click.Choice(SEVERITIES[1:]),
    help="Notify only changes at least this severe.",
)
@click.option(
    "--site-url",
    metavar="URL",
    envvar="REDLINE_SITE_URL",
    help="Where the archive's site (redline site) is published, for links to its pages "
    "in notifications (or set REDLINE_SITE_URL).",
)
@click.option(
    "--wayback-url",
    metavar="URL",
    help="The Wayback-compatible server 'wayback:' lines import history from (default: "
    "the Internet Archive's Wayback Machine; a pywb collection works too).",
)
@max_bytes_option
@archive_option
@json_option
def command(
    watchlist: Path,
    concurrency: int,
    per_host: int,
    delay: float,
    shard: str | None,
    check_all: bool,
    ignore_robots: bool,
    allow_private: bool,
    contact: str | None,
    fail_on: tuple[str, ...],
    timeout: float,
    lease_timeout: float,
    run_id: str | None,
    notify_urls: tuple[str, ...],
    notify_digest: bool,
    notify_on: tuple[str, ...],
    min_severity: str | None,
    site_url: str | None,
    wayback_url: str | None,
    max_bytes: int,
    archive_path: str,
    as_json: bool,
) -> None:
    """Check the articles of WATCHLIST that are due, and store each one that changed.

    WATCHLIST is a text file: one URL a line, '# comments', 'feed: URL' (RSS or Atom:
    every item's link is watched from the day it appears), 'sitemap: URL' (news
    sitemaps and sitemap indexes too), 'wayback: URL' (an article whose history is
    first imported from a web archive, once), 'contact: EMAIL' and 'notify: URL'.
    Articles are checked often while young and rarely when old; pages that are not the
    article (captchas, consent walls, paywall stubs, error pages) are never stored;
    articles that vanish are reported as gone or redirected.

    --json prints one JSON object per checked article; the summary goes to stderr.
    The exit status is 0 when the run completed, even if some sites failed.

    --notify sends what the run found, once it is over, through Apprise: one message
    per changed, new or gone article (or one digest) with its headline, severity,
    stealth verdict, the first words that changed and its link. A notifier that fails
    is an error in the run's log, never a failed run. Notification URLs are never
    printed or stored.
    """
    options = WatchOptions(
        concurrency=concurrency,
        per_host=per_host,
        delay=delay,
        shard=parse_shard(shard) if shard else (1, 1),
        check_all=check_all,
        robots=not ignore_robots,
        allow_private=allow_private,
        contact=check_contact(contact) if contact is not None else None,
        timeout=timeout,
        max_bytes=max_bytes,
        lease_timeout=lease_timeout,
        run_id=check_run_id(run_id) if run_id is not None else None,
        wayback_url=wayback_url,
    )
    notify = notify_options(
        notify_urls,
        os.environ.get("REDLINE_NOTIFY", ""),
        digest=notify_digest,
        kinds=notify_on,
        min_severity=min_severity,
        site_url=site_url,
    )
    source = open_watchlist(watchlist)
    notify_problems: list[str] = []
    if source.notify:
        usable, notify_problems = usable_urls(source.notify, source.path)
        notify = replace(notify, urls=tuple(dict.fromkeys([*notify.urls, *usable])))
    archive = open_archive(archive_path, create=True)
    shown: list[str] = []

    def warn(problems: list[str]) -> None:
        shown.extend(problems)
        for problem in [*problems, *notify_problems]:
            echo_warning(problem)

    show_progress = sys.stderr.isatty()

    def emit(event: Event) -> None:
        if as_json:
            echo_json(event.to_dict())
        elif event.event in NOTABLE or (event.event == "skipped" and event.cause != NOT_DUE):
            if show_progress:
                click.echo("\r\033[K", nl=False, err=True)
            click.echo(_line(event))

    def progress(done: int, total: int) -> None:
        click.echo(f"\r\033[Kchecked {done:,}/{total:,}", nl=False, err=True)

    with _terminate_as_interrupt():
        summary = run_watch(
            archive,
            source,
            options,
            emit,
            progress=progress if show_progress else None,
            on_problems=warn,
            not_due_events=as_json,
        )
    if show_progress:
        click.echo("\r\033[K", nl=False, err=True)
    click.echo(summary.sentence(), err=True)
    for note in summary.notes[len(shown) :]:
        echo_warning(note)
    if notify.urls and summary.status == "completed":
        from redline.archive.notifying import notify_run

        for problem in notify_run(archive, summary, notify).problems:
            echo_error(problem)
    statuses = [FAIL_ON[name] for name in fail_on if summary.counts[name]]
    if statuses:
        raise click.exceptions.Exit(int(max(statuses)))


@contextmanager
def _terminate_as_interrupt() -> Iterator[None]:
    """SIGTERM (how CI runners, Docker and systemd stop a job) ends the run as Ctrl-C
    does: the run's log is written and its lease given back."""

    def interrupt(_signum: int, _frame: object) -> None:
        raise KeyboardInterrupt

    try:
        previous = signal.signal(signal.SIGTERM, interrupt)
    except ValueError:  # not the main thread: leave signals alone
        yield
        return
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


def _line(event: Event) -> str:
    version = f"v{event.version}" if event.version else ""
    verdict: str = event.severity or ""
    if event.stealth:
        verdict += ", stealth"
    detail = verdict or event.reason or ""
    if verdict and event.reason:
        detail = f"{verdict}: {event.reason}"
    return f"{event.event:<10} {version:<4} {event.url}  {detail}".rstrip()
