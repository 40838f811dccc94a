"""Which versions an export holds: every version of the archive, or of the articles
given, captured within a time window."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from redline.archive.core.errors import InputError, UsageError
from redline.archive.core.models import Article
from redline.archive.core.times import parse_when, read_iso
from redline.archive.diff.model import ArticleDiff, Significance
from redline.archive.ocfl.archive import CAPTURE_WARC, Archive


@dataclass(frozen=True)
class Chosen:
    """One version of one article."""

    url: str  # the article's id
    version: int
    created: str  # when it was captured, ISO 8601 with a Z

    @property
    def name(self) -> str:
        """A file name for this version: readable, lower case, unique."""
        import hashlib

        slug = re.sub(r"[^a-z0-9]+", "-", self.url.lower().split("://", 1)[-1]).strip("-")
        digest = hashlib.sha256(self.url.encode()).hexdigest()[:8]
        return f"{slug[:60].rstrip('-')}-{digest}-v{self.version}"


class Graded(Protocol):
    """A version as ``redline log`` grades it (``history.LogEntry``)."""

    @property
    def version(self) -> int: ...
    @property
    def captured_at(self) -> str: ...
    @property
    def inserted_words(self) -> int: ...
    @property
    def deleted_words(self) -> int: ...
    @property
    def significance(self) -> Significance: ...
    @property
    def reverts_to(self) -> int | None: ...
    @property
    def flip_flop(self) -> bool: ...
    @property
    def article(self) -> Article | None: ...
    @property
    def diff(self) -> ArticleDiff | None: ...


#: An article's versions graded, oldest first: ``history.history``.
Grader = Callable[[Archive, str], Sequence[Graded]]


@dataclass(frozen=True)
class Selection:
    archive: Archive
    versions: tuple[Chosen, ...]
    #: How versions are graded (for the tables).
    grade: Grader

    @property
    def urls(self) -> list[str]:
        """The articles chosen, each once, in order."""
        return list(dict.fromkeys(v.url for v in self.versions))

    def warcs(self) -> Iterator[tuple[Chosen, bytes]]:
        """Each chosen version's ``capture.warc.gz``, digest checked."""
        for chosen in self.versions:
            yield chosen, self.archive.read_file(chosen.url, chosen.version, CAPTURE_WARC)


def _when(text: str | None, option: str) -> datetime | None:
    if text is None:
        return None
    try:
        return parse_when(text)
    except UsageError as exc:
        raise UsageError(f"{option}: {exc.message}") from None


def select(
    archive: Archive,
    grade: Grader,
    urls: Sequence[str] = (),
    *,
    since: str | None = None,
    until: str | None = None,
) -> Selection:
    """The versions of ``urls`` (every article when none is given) captured from
    ``since`` to ``until`` (both included; ISO 8601 or a time ago such as 7d)."""
    start, end = _when(since, "--since"), _when(until, "--until")
    if start is not None and end is not None and start > end:
        raise UsageError(f"--since ({since}) is after --until ({until}); swap them")
    ids = [archive.resolve(url) for url in urls] if urls else [s.url for s in archive.summaries()]
    chosen = []
    for object_id in dict.fromkeys(ids):
        for info in archive.versions(object_id):
            when = read_iso(info.created)
            if when is not None and (
                (start is not None and when < start) or (end is not None and when > end)
            ):
                continue
            chosen.append(Chosen(object_id, info.number, info.created))
    if not chosen:
        window = " in that time window" if since or until else ""
        raise InputError(
            f"nothing to export: no versions{window} in {archive.location}; "
            "check --url, --since and --until with redline list and redline log"
        )
    return Selection(archive, tuple(chosen), grade)
