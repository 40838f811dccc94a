"""Errors the engine raises. Each message is one line a person can act on.

The CLI turns any ``RedlineError`` into ``Error: <message>`` on stderr and exits with
the error's ``exit_status``; nothing else in the code prints errors.
"""

from __future__ import annotations

from enum import IntEnum, unique


@unique
class ExitStatus(IntEnum):
    """Process exit codes, the same for every command."""

    OK = 0
    ERROR = 1  # a run failed, or some captures in it failed
    USAGE = 2  # bad options or arguments (click's own code)
    CHANGED = 3  # reserved: "differences found", for scripts that ask for it
    INTEGRITY = 4  # verify found problems in the archive
    INTERRUPTED = 130

    @property
    def meaning(self) -> str:
        """What the status tells a script, in a sentence (docs/exit-status.md)."""
        return _MEANINGS[self]


_MEANINGS = {
    ExitStatus.OK: "success",
    ExitStatus.ERROR: (
        "a command failed, or some of the captures in it failed (`watch`: the run could "
        "not proceed, or `--fail-on blocked|error` matched)"
    ),
    ExitStatus.USAGE: "usage error (bad option, missing argument, unreadable `--at` time)",
    ExitStatus.CHANGED: "`watch --fail-on changed|new|gone` and that happened",
    ExitStatus.INTEGRITY: "`verify` found problems, or a command met a corrupted inventory",
    ExitStatus.INTERRUPTED: (
        "interrupted (Ctrl-C or SIGTERM): what was written is complete, a watch run's "
        "log says it was cut short"
    ),
}


def one_line(text: object) -> str:
    """``text`` with every run of whitespace, newlines included, made one space."""
    return " ".join(str(text).split())


class RedlineError(Exception):
    """Base class: a failure with a one-line message for a person."""

    exit_status: ExitStatus = ExitStatus.ERROR

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:
        return self.message


class UsageError(RedlineError):
    """The arguments make no sense together (unknown version number, bad date...)."""

    exit_status = ExitStatus.USAGE


class FetchError(RedlineError):
    """The page could not be fetched: network, HTTP status, type or size."""


class HTTPStatusError(FetchError):
    """The server answered with a status outside 2xx (304 included)."""

    def __init__(
        self,
        message: str,
        *,
        status: int,
        final_url: str,
        status_line: str = "",
        redirects: tuple[object, ...] = (),
        retry_after: float | None = None,
    ) -> None:
        super().__init__(message)
        self.status = status
        #: The status as the server said it, e.g. "HTTP 404 Not Found".
        self.status_line = status_line or f"HTTP {status}"
        self.final_url = final_url
        self.redirects = redirects
        self.retry_after = retry_after


class GuardRefused(FetchError):
    """A URL was not requested because a guard refused it (a private address...)."""


class InputError(RedlineError):
    """A file given on the command line cannot be used (missing, binary, empty...)."""


class ExtractionError(RedlineError):
    """The page holds no article redline can extract."""


class PageRefused(RedlineError):
    """The page is not the article (a wall, a challenge, a stub) and was not stored."""

    def __init__(self, message: str, *, event: str, reason: str) -> None:
        super().__init__(message)
        #: The quality gate's verdict: "blocked", "suspect" or "gone".
        self.event = event
        self.reason = reason


class ArchiveError(RedlineError):
    """The archive is missing, unwritable, or not a redline archive."""


class CorruptArchive(ArchiveError):
    """Something in the archive does not match its manifests."""

    exit_status = ExitStatus.INTEGRITY


class NotFound(RedlineError):
    """No such article or version in the archive."""


class StoreError(ArchiveError):
    """The storage backend failed to read or write."""


class KeyMissing(StoreError):
    """A key asked of a store does not exist (the same for every backend)."""


class NotAFile(KeyMissing):
    """A key of a local archive is a symbolic link, or lies below one: it is not a file of
    the archive and is never read through (its message says so)."""


class Conflict(StoreError):
    """A conditional write lost a race: someone else changed the object first."""
