"""Telling people what a watch run found, through Apprise (Slack, Matrix, Discord,
Telegram, e-mail, ntfy, webhooks and many more, each named by a URL).

A run's notable events are filtered (``--notify-on changed,new,gone,stealth`` and
``--min-severity``), made into messages (one per event, or one digest) and sent to
every notification URL. A notifier that fails is reported as a problem, never raised:
a run does not fail because a chat service is down.

Notification URLs often hold secrets (tokens, passwords, webhook keys): they are never
printed or stored. A notifier is named by its scheme and host as Apprise's privacy mode
shows them, with any user, password, path and query left out (``describe``). The text
of a message comes from the network (headlines, reasons, excerpts): control characters
and escape codes are removed (``printable``) before it is sent.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from urllib.parse import urlsplit

from redline.archive.core.errors import UsageError
from redline.archive.core.printable import printable
from redline.archive.core.secrets import redact, redact_text
from redline.archive.diff.model import SEVERITIES
from redline.archive.diff.words import DELETE, EQUAL
from redline.archive.watch.events import Event
from redline.archive.watch.report import Excerpt

#: What ``--notify-on`` may name. ``stealth`` is a changed article whose change was a
#: stealth edit; ``gone`` covers articles redirected away too.
KINDS = ("changed", "new", "gone", "stealth")
DEFAULT_KINDS = frozenset({"changed", "gone"})
#: Characters of a message body (chat services cut long ones; a digest lists the rest).
BODY_LIMIT = 3500
_SPLIT = re.compile(r"[\s,]+")


@dataclass(frozen=True)
class NotifyOptions:
    urls: tuple[str, ...] = ()
    #: One message for the whole run instead of one per event.
    digest: bool = False
    kinds: frozenset[str] = DEFAULT_KINDS
    min_severity: str | None = None
    #: Where the archive's site is published (``redline site``), for links to its pages.
    site_url: str | None = None


def parse_kinds(text: str | Iterable[str]) -> frozenset[str]:
    """``--notify-on`` values (comma-separated, repeatable) as a set of kinds."""
    words = [text] if isinstance(text, str) else list(text)
    kinds = {w.strip().lower() for word in words for w in word.split(",") if w.strip()}
    unknown = sorted(kinds - set(KINDS))
    if unknown:
        raise UsageError(f"--notify-on {', '.join(unknown)}: use some of {', '.join(KINDS)}")
    return frozenset(kinds) or DEFAULT_KINDS


def split_urls(text: str) -> list[str]:
    """Notification URLs from ``REDLINE_NOTIFY``: separated by spaces, commas or lines."""
    return [u for u in _SPLIT.split(text) if u]


def describe(url: str) -> str:
    """A notifier as it may be shown: its scheme and host (masked by Apprise where the
    host is a secret), without user, password, path or query."""
    import apprise

    plugin = apprise.Apprise.instantiate(url)
    shown = plugin.url(privacy=True) if plugin is not None else url
    try:
        parts = urlsplit(redact(shown))  # no user or password
    except ValueError:
        return "a notification URL"
    return f"{parts.scheme}://{parts.netloc}/…" if parts.scheme else "a notification URL"


def url_problem(url: str) -> str | None:
    """Why Apprise cannot use ``url`` (named without its secrets), or None."""
    import apprise

    with _quiet():
        plugin = apprise.Apprise.instantiate(url)
    if plugin is not None:
        return None
    scheme = url.split("://", 1)[0] if "://" in url else ""
    if scheme and scheme.isascii() and scheme.replace("+", "").isalnum():
        return (
            f"a {scheme}:// notification URL that Apprise cannot use (an unknown service, "
            "or a part missing); see Apprise's list of services and their URLs"
        )
    return "a notification URL without a scheme (such as json:// or slack://)"


def check_urls(urls: Sequence[str], where: str) -> None:
    """``UsageError`` for the first URL Apprise cannot use (never quoting it)."""
    for number, url in enumerate(urls, start=1):
        problem = url_problem(url)
        if problem:
            raise UsageError(f"{where} #{number} is {problem}")


def notify_options(
    urls: Sequence[str],
    from_env: str = "",
    *,
    digest: bool = False,
    kinds: Iterable[str] = (),
    min_severity: str | None = None,
    site_url: str | None = None,
) -> NotifyOptions:
    """The options of ``--notify`` and the others, with the URLs of ``REDLINE_NOTIFY``
    (``from_env``); ``UsageError`` for a URL Apprise cannot use (named by its position
    only: it may hold a secret) or anything else unusable."""
    env_urls = split_urls(from_env)
    check_urls(urls, "--notify")
    check_urls(env_urls, "the URL in REDLINE_NOTIFY")
    if site_url is not None and not site_url.startswith(("http://", "https://")):
        raise UsageError(f"--site-url {site_url!r} is not an http(s) URL")
    return NotifyOptions(
        urls=tuple(dict.fromkeys([*urls, *env_urls])),
        digest=digest,
        kinds=parse_kinds(kinds),
        min_severity=min_severity,
        site_url=site_url,
    )


def usable_urls(urls: Sequence[str], where: str) -> tuple[list[str], list[str]]:
    """The watchlist's notification URLs that Apprise can use, and a problem line for
    each of the others (which are left out; the run goes on)."""
    usable, problems = [], []
    for number, url in enumerate(urls, start=1):
        problem = url_problem(url)
        if problem:
            problems.append(f"{where}: 'notify:' URL #{number} is {problem}; left out")
        else:
            usable.append(url)
    return usable, problems


# -- messages --------------------------------------------------------------------------------
@dataclass(frozen=True)
class Notice:
    """One event worth telling, with what the archive adds to it."""

    event: str
    url: str
    title: str | None = None
    version: int | None = None
    severity: str | None = None
    stealth: bool = False
    reason: str | None = None
    location: str | None = None
    excerpt: Excerpt | None = None
    #: The article's page on the published site, when there is one.
    site_page: str | None = None


def wanted(event: Event, kinds: frozenset[str], min_severity: str | None = None) -> bool:
    """Whether ``event`` is one to tell under ``--notify-on`` and ``--min-severity``."""
    if event.event == "changed":
        floor = SEVERITIES.index(min_severity) if min_severity in SEVERITIES else 0
        severity = event.severity if event.severity in SEVERITIES else "none"
        if SEVERITIES.index(severity) < floor:
            return False
        return "changed" in kinds or ("stealth" in kinds and bool(event.stealth))
    if event.event == "new":
        return "new" in kinds
    if event.event in ("gone", "redirected"):
        return "gone" in kinds
    return False


def excerpt_text(excerpt: Excerpt) -> str:
    """An excerpt as plain text: deleted words in ``[-…-]``, inserted in ``{+…+}``."""
    out = []
    for op, text in excerpt.ops:
        if op == EQUAL:
            out.append(text)
        elif op == DELETE:
            out.append(f"[-{text}-]")
        else:
            out.append(f"{{+{text}+}}")
    return " ".join("".join(out).split())


def _headline(notice: Notice) -> str:
    return printable(notice.title) or notice.url


def subject(notice: Notice) -> str:
    """A message's title: what happened and the headline."""
    if notice.event == "changed":
        verdict = notice.severity or "changed"
        kind = "Stealth edit" if notice.stealth else "Changed"
        return f"{kind} ({verdict}): {_headline(notice)}"
    kind = {"new": "New", "gone": "Gone", "redirected": "Redirected"}.get(notice.event, "")
    return f"{kind or notice.event}: {_headline(notice)}"


def body(notice: Notice) -> str:
    """A message's text: the verdict, the reasons, the first words that changed, and
    the links to the article and to its page on the site."""
    lines = [_headline(notice)]
    if notice.event == "changed":
        verdict = f"Severity: {notice.severity or 'unknown'}"
        if notice.stealth:
            verdict += (
                " (stealth edit: the page did not admit it, no new modified date or correction)"
            )
        else:
            verdict += " (not a stealth edit)"
        lines.append(verdict + (f", version {notice.version}" if notice.version else ""))
        if notice.reason:
            lines.append(f"Reasons: {notice.reason}")
        if notice.excerpt is not None:
            lines.append(excerpt_text(notice.excerpt))
    elif notice.event == "new":
        lines.append("First captured" + (f" (version {notice.version})" if notice.version else ""))
    else:
        lines.append(f"{notice.event.capitalize()}: {notice.reason or 'no reason given'}")
        if notice.location:
            lines.append(f"Now at: {notice.location}")
    lines.append(f"Article: {notice.url}")
    if notice.site_page:
        lines.append(f"On the site: {notice.site_page}")
    text = "\n".join(printable(line) for line in lines)
    return text if len(text) <= BODY_LIMIT else text[: BODY_LIMIT - 1] + "…"


def digest(notices: Sequence[Notice], run_id: str) -> tuple[str, str]:
    """One message for the whole run: a title with the counts, a block per notice."""
    counts: dict[str, int] = {}
    for n in notices:
        kind = "stealth" if n.event == "changed" and n.stealth else n.event
        counts[kind] = counts.get(kind, 0) + 1
    order = ("stealth", "changed", "new", "gone", "redirected")
    summary = ", ".join(
        f"{counts[k]} {'stealth edit' + ('s' if counts[k] != 1 else '') if k == 'stealth' else k}"
        for k in order
        if counts.get(k)
    )
    title = f"redline: {summary} (watch run {run_id})"
    blocks: list[str] = []
    used = 0
    for number, notice in enumerate(notices):
        block = f"{subject(notice)}\n{notice.url}"
        if notice.site_page:
            block += f"\n{notice.site_page}"
        if used + len(block) > BODY_LIMIT:
            blocks.append(f"… and {len(notices) - number} more; see the run's report.")
            break
        blocks.append(block)
        used += len(block) + 2
    return printable(title), "\n\n".join(printable(b, lines=True) for b in blocks)


# -- sending ---------------------------------------------------------------------------------
class _quiet:
    """Apprise logs through ``logging``; nothing of it may reach the terminal (a log line
    may quote a URL with its secret). What it says is captured for the reason."""

    def __enter__(self) -> list[str]:
        self.logger = logging.getLogger("apprise")
        self.lines: list[str] = []
        self.handler = _Collect(self.lines)
        self.saved = (self.logger.propagate, self.logger.level)
        self.logger.addHandler(self.handler)
        self.logger.propagate = False
        self.logger.setLevel(logging.WARNING)
        return self.lines

    def __exit__(self, *exc: object) -> None:
        self.logger.removeHandler(self.handler)
        self.logger.propagate, level = self.saved
        self.logger.setLevel(level)


class _Collect(logging.Handler):
    def __init__(self, lines: list[str]) -> None:
        super().__init__(logging.WARNING)
        self.lines = lines

    def emit(self, record: logging.LogRecord) -> None:
        try:
            self.lines.append(record.getMessage())
        except Exception:  # a log line that cannot be formatted is no reason
            pass


def _scrub(text: str, url: str) -> str:
    """``text`` without any piece of ``url`` that might be a secret."""
    for piece in re.split(r"[/:@?&=#,]+", url):
        if len(piece) >= 6 and piece in text:
            text = text.replace(piece, "…")
    return redact_text(printable(text))


def send(urls: Sequence[str], messages: Sequence[tuple[str, str]]) -> list[str]:
    """Send every message to every URL; one problem line per notifier that failed."""
    if not urls or not messages:
        return []
    import apprise

    problems = []
    for url in urls:
        name = describe(url)
        failed = 0
        said: list[str] = []
        with _quiet() as lines:
            notifier = apprise.Apprise()
            if not notifier.add(url):
                problems.append(f"notifications to {name} were not sent: {url_problem(url)}")
                continue
            for title, text in messages:
                ok: bool
                try:
                    ok = bool(
                        notifier.notify(
                            title=title, body=text, body_format=apprise.NotifyFormat.TEXT
                        )
                    )
                except Exception as exc:  # a notifier's bug must not stop the run
                    ok = False
                    lines.append(f"{type(exc).__name__}: {exc}")
                if not ok:
                    failed += 1
            said = list(lines)
        if failed:
            reason = _scrub(said[-1], url) if said else "the service refused them"
            problems.append(
                f"{failed} of {len(messages)} notifications to {name} failed ({reason})"
            )
    return problems
