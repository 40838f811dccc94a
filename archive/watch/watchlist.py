"""The watchlist file ``redline watch`` reads: what to watch, and who is asking.

One entry a line; blank lines and lines starting with ``#`` are ignored, as is a
`` #`` comment after an entry::

    https://example.com/news/2026/11/story      an article
    feed: https://example.com/rss.xml          every item's link, from the day it appears
    sitemap: https://example.com/news.xml      every page listed (news sitemaps, indexes)
    contact: desk@example.org                  named in the User-Agent of every request
    notify: slack://TokenA/TokenB/TokenC       where ``--notify`` messages go (Apprise)
    wayback: https://example.com/news/story    an article, its history first filled from
                                               the Wayback Machine (once, before its
                                               first check)

A line that cannot be used is reported with its number; the rest of the file still runs.
"""

from __future__ import annotations

import difflib
import hashlib
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

from redline.archive.core.errors import InputError
from redline.archive.core.urls import url_problem
from redline.archive.core.wording import plural, quoted


def contact_problem(text: str) -> str | None:
    """Why ``text`` cannot go into a User-Agent header, or None."""
    if not text.strip():
        return "the contact is empty; give an e-mail address or URL"
    if not all(" " <= ch <= "~" for ch in text):
        return (
            f"the contact {quoted(text)} has characters an HTTP header cannot carry (only plain "
            "ASCII letters, digits and punctuation); give an e-mail address or URL"
        )
    return None


DIRECTIVES = ("feed", "sitemap", "contact", "notify", "wayback")
_NOTIFY = re.compile("notify", re.IGNORECASE)
MAX_WATCHLIST_BYTES = 10 * 1024 * 1024


@dataclass(frozen=True)
class Entry:
    url: str
    line: int


@dataclass
class Watchlist:
    """What a watchlist file asks for, and the lines it could not use."""

    path: str
    pages: list[Entry] = field(default_factory=list)
    feeds: list[Entry] = field(default_factory=list)
    sitemaps: list[Entry] = field(default_factory=list)
    #: Articles whose history is imported from a web archive before their first check
    #: (each is in ``pages`` too).
    backfills: list[Entry] = field(default_factory=list)
    contact: str | None = None
    #: Notification URLs (Apprise's), which may hold secrets: never shown.
    notify: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    #: The sha256 of the watchlist's text: two watchlists with the same ask the same.
    digest: str = ""

    @property
    def empty(self) -> bool:
        return not (self.pages or self.feeds or self.sitemaps)


def text_digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()


@dataclass
class WatchlistFile:
    """A watchlist file read and found usable, its lines parsed when first needed: a
    run that has nothing due need not parse a long watchlist's every URL."""

    path: str
    text: str
    digest: str

    @cached_property
    def parsed(self) -> Watchlist:
        return parse_watchlist(self.text, self.path)

    @cached_property
    def notify(self) -> list[str]:
        """The ``notify:`` URLs, found without parsing the other lines."""
        if not _NOTIFY.search(self.text):
            return []
        lines = [line for line in self.text.splitlines() if line.lstrip()[:6].lower() == "notify"]
        return parse_watchlist("\n".join(lines), self.path).notify


def read_watchlist(path: str | Path) -> Watchlist:
    """Read and parse a watchlist file; ``InputError`` when the file itself is unusable."""
    return open_watchlist(path).parsed


def open_watchlist(path: str | Path) -> WatchlistFile:
    """Read a watchlist file and make sure it lists something to watch (parsing its
    lines up to the first usable one); ``InputError`` when the file is unusable."""
    name = str(path)
    try:
        data = Path(path).read_bytes()
    except FileNotFoundError:
        raise InputError(f"no such watchlist: {name}; check the path") from None
    except IsADirectoryError:
        raise InputError(f"{name} is a folder; give a watchlist file (one URL a line)") from None
    except OSError as exc:
        raise InputError(f"cannot read watchlist {name} ({exc.strerror}); check it") from None
    if len(data) > MAX_WATCHLIST_BYTES:
        raise InputError(
            f"{name} is over 10 MB, too big for a watchlist; split it into several "
            "watchlists, or watch the sites' feeds and sitemaps instead"
        )
    if b"\x00" in data[:4096]:
        raise InputError(f"{name} is a binary file, not a watchlist; give a text file")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InputError(
            f"{name} is not UTF-8 text (byte {exc.start}); save the watchlist as UTF-8"
        ) from None
    found = WatchlistFile(name, text, text_digest(text))
    for line in _lines(text):
        if not parse_watchlist(line, name).empty:
            return found
    watchlist = found.parsed
    if watchlist.empty:
        if watchlist.problems:
            # The first unusable line says what is wrong and what to do; then how many more.
            more = len(watchlist.problems) - 1
            raise InputError(
                f"{name} lists nothing to watch: {watchlist.problems[0]}"
                + (f" (and {plural(more, 'more unusable line')})" if more else "")
            )
        raise InputError(
            f"{name} lists nothing to watch; put one URL a line, or 'feed: URL' / 'sitemap: URL'"
        )
    return found


def _lines(text: str) -> Iterator[str]:
    """The lines of ``text`` as ``splitlines`` gives them, one by one: no list of every
    line, no copy of the text."""
    start = 0
    while start < len(text):
        end = text.find("\n", start)
        end = len(text) if end < 0 else end
        yield from text[start:end].splitlines() or [""]
        start = end + 1


def parse_watchlist(text: str, name: str = "watchlist") -> Watchlist:
    watchlist = Watchlist(path=name, digest=text_digest(text))
    seen: set[tuple[str, str]] = set()
    for number, raw in enumerate(text.splitlines(), start=1):
        line = _strip_comment(raw)
        if not line:
            continue
        kind, value = _split(line)
        where = f"{name} line {number}"
        if kind is None:
            directive = line.split(":", 1)[0].strip()
            close = difflib.get_close_matches(directive.lower(), DIRECTIVES, n=1, cutoff=0.6)
            hint = (
                f"did you mean '{close[0]}:'?"
                if close
                else (f"use a URL or one of {', '.join(d + ':' for d in DIRECTIVES)}")
            )
            watchlist.problems.append(f"{where}: unknown directive {quoted(directive)}; {hint}")
            continue
        if kind == "contact":
            problem = contact_problem(value)
            if problem:
                watchlist.problems.append(f"{where}: {problem}")
            else:
                watchlist.contact = value
            continue
        if not value:
            watchlist.problems.append(f"{where}: '{kind}:' needs a URL after it")
            continue
        if kind == "notify":
            # Checked by Apprise when the run sends; quoted nowhere (it may hold a token).
            if any(ch.isspace() for ch in value):
                watchlist.problems.append(f"{where}: put one notification URL a line")
            elif value not in watchlist.notify:
                watchlist.notify.append(value)
            continue
        if any(ch.isspace() for ch in value):
            watchlist.problems.append(
                f"{where}: {quoted(value)} is not a URL; put one URL a line, or "
                f"{', '.join(d + ': VALUE' for d in DIRECTIVES)}"
            )
            continue
        problem = url_problem(value)
        if problem and kind == "page":
            scheme = value.split(":", 1)[0].lower()
            close = difflib.get_close_matches(scheme, DIRECTIVES, n=1, cutoff=0.6)
            if close:
                problem = (
                    f"unknown directive or scheme {quoted(scheme + ':')}; "
                    f"did you mean '{close[0]}:'?"
                )
        if problem:
            watchlist.problems.append(f"{where}: {problem}")
            continue
        if (kind, value) in seen:
            continue
        seen.add((kind, value))
        if kind == "wayback":
            watchlist.backfills.append(Entry(value, number))
            kind = "page"
            if (kind, value) in seen:
                continue
            seen.add((kind, value))
        target = {"page": watchlist.pages, "feed": watchlist.feeds, "sitemap": watchlist.sitemaps}
        target[kind].append(Entry(value, number))
    return watchlist


def _strip_comment(raw: str) -> str:
    line = raw.strip()
    if line.startswith("#"):
        return ""
    for marker in (" #", "\t#"):
        if marker in line:
            line = line.split(marker, 1)[0]
    return line.strip()


def _split(line: str) -> tuple[str | None, str]:
    """("page" | "feed" | "sitemap" | "contact" | "notify" | None for an unknown
    directive, value)."""
    head, sep, rest = line.partition(":")
    key = head.strip().lower()
    if sep and key in DIRECTIVES:
        return key, rest.strip()
    if sep and rest.startswith("//"):
        return "page", line  # a URL (any scheme: url_problem names a wrong one)
    if sep and key.isalpha() and " " in rest[:1]:
        return None, line  # "foo: something"
    return "page", line
