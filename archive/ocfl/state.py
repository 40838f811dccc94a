"""Per-article state kept beside the OCFL root: head fingerprint and check times.

The OCFL objects are the record; this state is what makes an "unchanged" check cost
nothing but the fetch, and where checks that stored nothing are remembered ("unchanged
since"). All but the watch events can be rebuilt from the objects. The states live in
a few index objects (``stateindex``); this module holds one state, how it is written
as a line of an index, and which of two states of an article is the newer.
"""

from __future__ import annotations

import json
import sys
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field, replace

from redline.archive.core import layout
from redline.archive.core.errors import KeyMissing
from redline.archive.store.base import Store

#: How many watch events an article keeps.
MAX_EVENTS = 50


@dataclass(slots=True)
class ArticleState:
    """What redline remembers about one article between runs."""

    id: str
    head: int = 0
    fingerprint: str = ""
    title: str | None = None
    canonical_url: str | None = None
    first_captured: str | None = None
    last_changed: str | None = None
    last_checked: str | None = None
    unchanged_since: str | None = None
    checks: int = 0
    #: Every canonical URL the page has given, so either finds the article.
    canonical_urls: list[str] = field(default_factory=list)
    #: The ids of links that joined this article by its canonical URL (``?ref=rss``):
    #: a watch run checks such a link as this article, on this article's schedule.
    aliases: list[str] = field(default_factory=list)
    # -- kept by ``redline watch`` ------------------------------------------------------
    #: When a watchlist, feed or sitemap first named the article.
    discovered: str | None = None
    #: The feeds and sitemaps that named it (it stays watched after it leaves them).
    sources: list[str] = field(default_factory=list)
    #: The last time a watch run tried it, whatever came of it (drives the schedule).
    last_attempt: str | None = None
    #: Validators and body digest of the last response accepted as the article.
    etag: str | None = None
    last_modified: str | None = None
    body_sha256: str | None = None
    #: The publication date the page gives, if any (the schedule counts age from it).
    published: str | None = None
    #: "" while the article is live; "gone" or "redirected" once it disappeared.
    status: str = ""
    #: Notable watch events (gone, redirected, back, blocked, suspect), oldest first.
    events: list[dict[str, str]] = field(default_factory=list)
    #: How many times this state was written: of two states of an article at the same
    #: head, the one written more often is the newer.
    rev: int = 0

    def add_event(self, event: str, at: str, reason: str) -> None:
        self.events = [*self.events, {"event": event, "at": at, "reason": reason}][-MAX_EVENTS:]

    def to_bytes(self) -> bytes:
        # Every field is JSON already (str, int, lists of str or of str dicts): no deep
        # copy needed. One line, so the fast encoder writes it (a watch run writes many).
        data = {name: getattr(self, name) for name in self.__dataclass_fields__}
        return (json.dumps(data, sort_keys=True, ensure_ascii=False) + "\n").encode()

    def to_line(self) -> bytes:
        """One line of an index: the fields that differ from a new state's."""
        data = {
            name: value
            for name, value in ((n, getattr(self, n)) for n in _FIELDS)
            if name == "id" or value != _DEFAULTS[name]
        }
        return json.dumps(data, sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode()

    @classmethod
    def from_bytes(cls, data: bytes) -> ArticleState:
        return cls.from_dict(json.loads(data))

    @classmethod
    def from_dict(cls, raw: object) -> ArticleState:
        if not isinstance(raw, dict) or not isinstance(raw.get("id"), str):
            raise ValueError("not an article state")
        state = cls(**{k: v for k, v in raw.items() if k in cls.__dataclass_fields__})
        for name in _SHARED:
            value = getattr(state, name)
            if isinstance(value, str):
                setattr(state, name, sys.intern(value))
        if state.canonical_url == state.id:
            state.canonical_url = state.id
        if isinstance(state.canonical_urls, list) and state.id in state.canonical_urls:
            state.canonical_urls = [state.id if u == state.id else u for u in state.canonical_urls]
        # A state edited by hand or by an older version must not break a run later.
        for name, kind in (("head", int), ("checks", int), ("status", str)):
            if not isinstance(getattr(state, name), kind):
                raise ValueError(f"{name} is not a {kind.__name__}")
        for name in ("canonical_urls", "sources", "aliases"):
            if not all(isinstance(v, str) for v in _list(getattr(state, name))):
                raise ValueError(f"{name} is not a list of strings")
        if not all(isinstance(e, dict) for e in _list(state.events)):
            raise ValueError("events is not a list of objects")
        if not isinstance(state.rev, int):
            raise ValueError("rev is not a number")
        return state

    def order(self) -> tuple[int, int]:
        """What makes one state of an article newer than another: a later head first
        (a version was stored since), then a later write."""
        return self.head, self.rev


_FIELDS = tuple(ArticleState.__dataclass_fields__)
_DEFAULTS: dict[str, object] = {name: getattr(ArticleState(id=""), name) for name in _FIELDS}
#: Fields whose values many articles share (times of one run, one feed): kept once.
_SHARED = ("last_attempt", "last_checked", "discovered", "first_captured", "last_changed",
           "unchanged_since", "published")  # fmt: skip


def newer(a: ArticleState | None, b: ArticleState) -> ArticleState:
    """The newer of two states of one article (``b`` when they tie), keeping the watch
    events of both: an event one writer noted is never dropped by another's write."""
    if a is None or a is b:
        return b
    winner, other = (a, b) if a.order() > b.order() else (b, a)
    if other.events and other.events != winner.events:
        seen = {(e.get("at", ""), e.get("event", ""), e.get("reason", "")) for e in winner.events}
        extra = [
            e
            for e in other.events
            if (e.get("at", ""), e.get("event", ""), e.get("reason", "")) not in seen
        ]
        if extra:
            events = sorted([*winner.events, *extra], key=lambda e: str(e.get("at", "")))
            winner = replace(winner, events=events[-MAX_EVENTS:])
    return winner


def _list(value: object) -> list[object]:
    if not isinstance(value, list):
        raise ValueError("not a list")
    return value


def read_legacy_states(store: Store, *, workers: int = 1) -> list[ArticleState]:
    """Every article state an archive written before the state index kept in its own
    file (``state/articles/``), read by ``workers`` threads (on S3 each is a request);
    unreadable ones are left out."""
    keys = [k for k in store.list(layout.ARTICLE_STATES) if k.endswith(".json")]

    def one(key: str) -> ArticleState | None:
        try:
            state = ArticleState.from_bytes(store.read(key))
        except (KeyMissing, ValueError, TypeError):
            return None
        return state if key == layout.article_state_key(state.id) else None

    if workers > 1 and len(keys) > 1:
        with ThreadPoolExecutor(max_workers=workers) as pool:
            found = list(pool.map(one, keys))
    else:
        found = [one(key) for key in keys]
    return [state for state in found if state is not None]
