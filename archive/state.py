"""Per-article state kept beside the OCFL root: head fingerprint and check times.

The OCFL objects are the record; this state is what makes an "unchanged" check one
small read, and where checks that stored nothing are remembered ("unchanged since").
It can always be rebuilt from the objects, so it is written last.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field

from redline.archive.errors import KeyMissing
from redline.archive.store.base import Store

STATE_ROOT = "state/articles"
#: How many watch events an article keeps.
MAX_EVENTS = 50


def state_key(object_id: str) -> str:
    return f"{STATE_ROOT}/{hashlib.sha256(object_id.encode()).hexdigest()}.json"


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
    #: "" while the article is live; "gone" or "redirected" once it disappeared.
    status: str = ""
    #: Notable watch events (gone, redirected, back, blocked, suspect), oldest first.
    events: list[dict[str, str]] = field(default_factory=list)

    def add_event(self, event: str, at: str, reason: str) -> None:
        self.events = [*self.events, {"event": event, "at": at, "reason": reason}][-MAX_EVENTS:]

    def to_bytes(self) -> bytes:
        # Every field is JSON already (str, int, lists of str or of str dicts): no
        # deep copy needed, and one line per key keeps the file easy to read.
        data = {name: getattr(self, name) for name in self.__dataclass_fields__}
        return (json.dumps(data, indent=0, sort_keys=True) + "\n").encode()

    @classmethod
    def from_bytes(cls, data: bytes) -> ArticleState:
        raw = json.loads(data)
        known = set(cls.__dataclass_fields__)
        return cls(**{k: v for k, v in raw.items() if k in known})


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


def all_states(store: Store) -> list[ArticleState]:
    states = []
    for key in store.list(STATE_ROOT + "/"):
        if not key.endswith(".json"):
            continue
        try:
            states.append(ArticleState.from_bytes(store.read(key)))
        except (KeyMissing, ValueError, TypeError):
            continue
    return states
