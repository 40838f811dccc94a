"""Per-article state kept beside the OCFL root: head fingerprint and check times.

The OCFL objects are the record; this state is what makes an "unchanged" check one
small read, and where checks that stored nothing are remembered ("unchanged since").
It can always be rebuilt from the objects, so it is written last.
"""

from __future__ import annotations

import json
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

from redline.archive.core import layout
from redline.archive.core.errors import KeyMissing
from redline.archive.store.base import Store

#: How many watch events an article keeps.
MAX_EVENTS = 50


def state_key(object_id: str) -> str:
    return layout.article_state_key(object_id)


@dataclass
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

    def add_event(self, event: str, at: str, reason: str) -> None:
        self.events = [*self.events, {"event": event, "at": at, "reason": reason}][-MAX_EVENTS:]

    def to_bytes(self) -> bytes:
        # Every field is JSON already (str, int, lists of str or of str dicts): no deep
        # copy needed. One line, so the fast encoder writes it (a watch run writes many).
        data = {name: getattr(self, name) for name in self.__dataclass_fields__}
        return (json.dumps(data, sort_keys=True, ensure_ascii=False) + "\n").encode()

    @classmethod
    def from_bytes(cls, data: bytes) -> ArticleState:
        raw = json.loads(data)
        if not isinstance(raw, dict) or not isinstance(raw.get("id"), str):
            raise ValueError("not an article state")
        state = cls(**{k: v for k, v in raw.items() if k in cls.__dataclass_fields__})
        # A state edited by hand or by an older version must not break a run later.
        for name, kind in (("head", int), ("checks", int), ("status", str)):
            if not isinstance(getattr(state, name), kind):
                raise ValueError(f"{name} is not a {kind.__name__}")
        for name in ("canonical_urls", "sources"):
            if not all(isinstance(v, str) for v in _list(getattr(state, name))):
                raise ValueError(f"{name} is not a list of strings")
        if not all(isinstance(e, dict) for e in _list(state.events)):
            raise ValueError("events is not a list of objects")
        return state


def _list(value: object) -> list[object]:
    if not isinstance(value, list):
        raise ValueError("not a list")
    return value


def load_state(store: Store, object_id: str) -> ArticleState | None:
    """The stored state, or None when missing or unreadable (it is only a cache)."""
    return read_state(store, object_id)[0]


def read_state(store: Store, object_id: str) -> tuple[ArticleState | None, bytes | None]:
    """The stored state (None when missing or unreadable) and the bytes it was read from
    (None when missing), for a later ``replace_state``."""
    try:
        raw = store.read(state_key(object_id))
    except KeyMissing:
        return None, None
    try:
        state = ArticleState.from_bytes(raw)
    except (ValueError, TypeError):
        return None, raw
    return (state if state.id == object_id else None), raw


def save_state(store: Store, state: ArticleState) -> None:
    store.put(state_key(state.id), state.to_bytes())


def replace_state(store: Store, state: ArticleState, expected: bytes | None) -> None:
    """Write ``state`` only if the stored bytes are still ``expected``; else ``Conflict``."""
    store.put_if(state_key(state.id), state.to_bytes(), expected)


def all_states(store: Store, *, workers: int = 1) -> list[ArticleState]:
    """Every article's state (unreadable ones left out)."""
    return [state for state, _raw in read_all_states(store, workers=workers)]


def read_all_states(store: Store, *, workers: int = 1) -> list[tuple[ArticleState, bytes]]:
    """Every article's state with the bytes it was read from (for ``replace_state``), read
    by ``workers`` threads: on S3 each is a request, and a watch run reads them all."""
    keys = [k for k in store.list(layout.ARTICLE_STATES) if k.endswith(".json")]

    def one(key: str) -> tuple[ArticleState, bytes] | None:
        try:
            raw = store.read(key)
            state = ArticleState.from_bytes(raw)
        except (KeyMissing, ValueError, TypeError):
            return None
        return (state, raw) if key == state_key(state.id) else None

    if workers > 1 and len(keys) > 1:
        with ThreadPoolExecutor(max_workers=workers) as pool:
            found = list(pool.map(one, keys))
    else:
        found = [one(key) for key in keys]
    return [pair for pair in found if pair is not None]
