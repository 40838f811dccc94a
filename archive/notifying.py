"""``redline watch --notify``: after a run, tell people what it found.

The run's notable events (``RunSummary.notable``) are read once the run is over, given
their headlines and excerpts from the archive as ``redline report`` gives them, filtered,
and sent through Apprise (``redline.archive.watch.notify``). A notifier that fails is
noted in the run's log and its summary, as an error of the run's, and the run stays a
success: its versions are stored whatever a chat service says.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from urllib.parse import urljoin

from redline.archive.core.errors import RedlineError
from redline.archive.ocfl.archive import Archive
from redline.archive.queries import host
from redline.archive.report import with_details
from redline.archive.site import article_path
from redline.archive.watch.events import Event, RunSummary
from redline.archive.watch.notify import (
    Notice,
    NotifyOptions,
    body,
    digest,
    send,
    subject,
    wanted,
)
from redline.archive.watch.report import Item


@dataclass
class Notified:
    """What notifying did: messages sent (to each notifier) and the problems met."""

    notices: int = 0
    messages: int = 0
    problems: list[str] = field(default_factory=list)


def site_page(site_url: str | None, event: Event) -> str | None:
    """The event's page on the published site: the change's diff, else the article."""
    if not site_url:
        return None
    folder = article_path(event.url, host(event.url))
    page = f"v{event.version}.html" if event.event == "changed" and event.version else ""
    return urljoin(site_url if site_url.endswith("/") else site_url + "/", f"{folder}/{page}")


def notices(archive: Archive, summary: RunSummary, options: NotifyOptions) -> list[Notice]:
    """The run's events worth telling, in the order they happened, with headlines and
    excerpts."""
    events = [e for e in summary.notable if wanted(e, options.kinds, options.min_severity)]
    items = [
        Item(
            event=e.event,
            url=e.url,
            run=summary.run_id,
            at=e.at,
            version=e.version,
            severity=e.severity,
            stealth=e.stealth,
            reason=e.reason,
            location=e.location,
        )
        for e in events
    ]
    try:
        detailed = with_details(archive, items)
    except RedlineError:
        detailed = items
    return [
        Notice(
            event=e.event,
            url=e.url,
            title=item.title,
            version=e.version,
            severity=e.severity,
            stealth=bool(e.stealth),
            reason=e.reason,
            location=e.location,
            excerpt=item.excerpt,
            site_page=site_page(options.site_url, e),
        )
        for e, item in zip(events, detailed, strict=True)
    ]


def notify_run(archive: Archive, summary: RunSummary, options: NotifyOptions) -> Notified:
    """Send the run's notifications; each failure is a problem returned and an
    ``error:`` note in the run's log in the archive."""
    outcome = Notified()
    if not options.urls:
        return outcome
    found = notices(archive, summary, options)
    outcome.notices = len(found)
    if not found:
        return outcome
    if options.digest:
        messages = [digest(found, summary.run_id)]
    else:
        messages = [(subject(n), body(n)) for n in found]
    outcome.messages = len(messages)
    outcome.problems = send(options.urls, messages)
    if outcome.problems:
        _note_in_log(archive, summary.run_id, [f"error: {p}" for p in outcome.problems])
    return outcome


def _note_in_log(archive: Archive, run_id: str, notes: list[str]) -> None:
    try:
        data = archive.load_run(run_id)
        data["notes"] = [*(data.get("notes") or []), *notes]
        archive.save_run(run_id, data)
    except RedlineError:
        pass  # the run's log could not be read or written: the summary still says it
