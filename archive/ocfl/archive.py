"""The archive: OCFL objects (one per article, one version per change) over a Store.

Layout of an archive (the same in a folder and, later, under an S3 prefix)::

    ocfl/                 an OCFL 1.1 storage root, layout 0003-hash-and-id-n-tuple
    state/articles/*.json redline's per-article state (check times, head fingerprint)

Each OCFL version holds ``article.json``, ``article.txt``, ``capture.warc.gz`` and
``capture.json``. Writes go content → version inventory → root inventory → state.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, Literal

from redline import __version__
from redline.archive.core import layout
from redline.archive.core.errors import (
    ArchiveError,
    Conflict,
    CorruptArchive,
    InputError,
    KeyMissing,
    NotFound,
    UsageError,
)
from redline.archive.core.models import Article, Capture
from redline.archive.core.secrets import redact_capture
from redline.archive.core.times import iso
from redline.archive.core.urls import normalize_url
from redline.archive.ocfl import inventory as ocfl
from redline.archive.ocfl import runlog
from redline.archive.ocfl.lease import DEFAULT_LEASE_TIMEOUT, RunLease
from redline.archive.ocfl.state import (
    ArticleState,
    all_states,
    load_state,
    read_all_states,
    read_state,
    replace_state,
    save_state,
)
from redline.archive.store import Store, open_store

ARTICLE_JSON = "article.json"
ARTICLE_TXT = "article.txt"
CAPTURE_WARC = "capture.warc.gz"
CAPTURE_JSON = "capture.json"
COMMIT_ATTEMPTS = 5
#: Threads reading article states at once (each is a request on S3).
STATE_READERS = 8
#: An article's state as read, with the bytes it was read from.
StateRead = tuple[ArticleState | None, bytes | None]
#: A change a caller makes to an article's state in the same write as a record or check.
Annotate = Callable[[ArticleState], None]
#: Who made each OCFL version (the inventory's ``user.address``).
USER_ADDRESS = "https://github.com/redline-archive/redline"


def article_fingerprint(article: Article) -> str:
    """A digest of everything that counts as the article (not the extractor's name)."""
    data = article.to_dict()
    data.pop("extractor", None)
    return hashlib.sha256(json.dumps(data, sort_keys=True).encode()).hexdigest()


#: What storing a capture did: a first version, a new one, or nothing but a check.
RecordStatus = Literal["new", "changed", "unchanged"]


@dataclass(frozen=True)
class RecordResult:
    """The outcome of storing one capture."""

    url: str  # the article's id: the URL as captured, normalised
    status: RecordStatus
    version: int  # the version now current
    captured_at: str
    #: For an unchanged capture: what differed on the page although the article did not.
    note: str | None = None


@dataclass(frozen=True)
class VersionInfo:
    number: int
    created: str
    message: str


@dataclass(frozen=True)
class ArticleSummary:
    url: str
    title: str | None
    versions: int
    first_captured: str | None
    last_changed: str | None
    last_checked: str | None
    unchanged_since: str | None = None
    checks: int = 0
    #: "" while live; "gone" or "redirected" since a watch run saw it disappear.
    status: str = ""

    def to_dict(self) -> dict[str, object]:
        return {
            "url": self.url,
            "title": self.title,
            "versions": self.versions,
            "first_captured": self.first_captured,
            "last_changed": self.last_changed,
            "last_checked": self.last_checked,
            "unchanged_since": self.unchanged_since,
            "checks": self.checks,
            "status": self.status or None,
        }


class Archive:
    """Articles and their versions in an OCFL storage root."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self._root_ready = False

    @classmethod
    def open(
        cls, location: str, *, create: bool = False, endpoint_url: str | None = None
    ) -> Archive:
        if not location.strip():
            raise UsageError("--archive is empty; give a folder path or s3://BUCKET/PREFIX")
        archive = cls(open_store(location, create=create, endpoint_url=endpoint_url))
        archive._check_is_archive()
        return archive

    @property
    def location(self) -> str:
        return self.store.location

    # -- the storage root ----------------------------------------------------------------
    def _has_root(self) -> bool:
        return self.store.exists(f"{layout.OCFL_ROOT}/{ocfl.ROOT_NAMASTE}")

    def _check_is_archive(self) -> None:
        if self._has_root():
            return
        # A storage root declared in part (a first capture into S3, cut off) is fine:
        # its files are written again, the declaration last.
        declaration = {f"{layout.OCFL_ROOT}/{name}" for name in ocfl.storage_root_files()}
        for key in self.store.list():
            if not layout.is_state(key) and key not in declaration:
                raise ArchiveError(
                    f"{self.location} is not a redline archive (no OCFL storage root in "
                    f"{self.location}/{layout.OCFL_ROOT}) and is not empty; "
                    "pass --archive with a new or empty folder"
                )

    def ensure_root(self) -> None:
        """Declare the OCFL storage root if it is not there yet (all at once)."""
        if self._root_ready or self._has_root():
            self._root_ready = True
            return
        self.store.ensure_writable()
        try:
            # Published like an object: the whole root appears at once, or not at all.
            self.store.commit_object(layout.OCFL_ROOT, ocfl.storage_root_files(), {}, None)
        except Conflict:
            if not self._has_root():
                raise ArchiveError(
                    f"{self.location}/{layout.OCFL_ROOT} exists but is not an OCFL storage "
                    "root; move it away or choose another --archive"
                ) from None

    # -- reading ------------------------------------------------------------------------------
    def object_root(self, object_id: str) -> str:
        return f"{layout.OCFL_ROOT}/{ocfl.object_path(object_id)}"

    def load_inventory(self, object_id: str) -> tuple[dict[str, Any], str] | None:
        """The object's root inventory and its sha512, or None when there is no object."""
        root = self.object_root(object_id)
        try:
            data = self.store.read(f"{root}/{ocfl.INVENTORY}")
        except KeyMissing:
            return None
        digest = ocfl.sha512(data)
        try:
            inventory = ocfl.parse_inventory(data)
        except ValueError as exc:
            raise CorruptArchive(
                f"the inventory of {object_id} in {self.location}/{root} is corrupt ({exc}); "
                "run redline verify"
            ) from exc
        try:
            sidecar = self.store.read(f"{root}/{ocfl.SIDECAR}").decode().split()
        except (KeyMissing, UnicodeDecodeError):
            sidecar = []
        if (not sidecar or sidecar[0] != digest) and not (
            self.store.partial_commits and self._repair_sidecar(root, inventory, data)
        ):
            raise CorruptArchive(
                f"the inventory of {object_id} in {self.location}/{root} does not match its "
                "sha512 sidecar; run redline verify"
            )
        if inventory["id"] != object_id:
            raise CorruptArchive(
                f"{self.location}/{root} holds {inventory['id']!r}, not {object_id!r}; "
                "run redline verify"
            )
        return inventory, digest

    def _repair_sidecar(self, root: str, inventory: dict[str, Any], data: bytes) -> bool:
        """Finish a commit cut off between the root inventory and its sidecar.

        In a store with partial commits (S3) a run can be killed after
        replacing the root inventory but before its sidecar. When the head version's
        own inventory is byte for byte the root inventory and its sidecar vouches for
        it, the version was published whole: the root sidecar is rewritten from it.
        """
        vdir = f"{root}/{inventory['head']}"
        try:
            if self.store.read(f"{vdir}/{ocfl.INVENTORY}") != data:
                return False
            version_sidecar = self.store.read(f"{vdir}/{ocfl.SIDECAR}")
        except KeyMissing:
            return False
        fields = version_sidecar.decode("utf-8", "replace").split()
        if not fields or fields[0] != ocfl.sha512(data):
            return False
        try:
            self.store.put(f"{root}/{ocfl.SIDECAR}", version_sidecar)
        except ArchiveError:
            pass  # a read-only archive: the inventory is sound, the repair waits
        return True

    def inventory(self, object_id: str) -> dict[str, Any]:
        loaded = self.load_inventory(object_id)
        if loaded is None:
            raise NotFound(self._not_found(object_id))
        return loaded[0]

    def _not_found(self, url: str) -> str:
        return f"no article {url} in archive {self.location}; run redline list to see what is there"

    def resolve(self, url: str) -> str:
        """The article id for ``url``: the URL as captured, or the page's canonical URL."""
        object_id = normalize_url(url)
        if load_state(self.store, object_id) is not None or self.load_inventory(object_id):
            return object_id
        for state in self._states():
            known = [*state.canonical_urls, state.canonical_url]
            if any(c and normalize_url(c) == object_id for c in known):
                return state.id
        raise NotFound(self._not_found(url))

    def versions(self, object_id: str) -> list[VersionInfo]:
        inventory = self.inventory(object_id)
        out = []
        for name, version in inventory["versions"].items():
            number = ocfl.version_number(name)
            out.append(VersionInfo(number, version["created"], version["message"]))
        return sorted(out, key=lambda v: v.number)

    def version_info(self, object_id: str, number: int) -> VersionInfo:
        return self.versions(object_id)[number - 1]

    def pick_version(self, object_id: str, number: int | None) -> int:
        """A version number from a user's N (1-based; negative counts back from latest)."""
        head = len(self.versions(object_id))
        if number is None:
            return head
        chosen = head + 1 + number if number < 0 else number
        if number == 0 or not 1 <= chosen <= head:
            raise NotFound(
                f"{object_id} has no version {number}; give one of versions 1 to {head} "
                f"(or -1 to -{head} counting back from the latest)"
            )
        return chosen

    def read_file(self, object_id: str, number: int, logical: str) -> bytes:
        inventory = self.inventory(object_id)
        path = ocfl.file_in_version(inventory, number, logical)
        if path is None:
            raise NotFound(f"version {number} of {object_id} has no {logical}")
        key = f"{self.object_root(object_id)}/{path}"
        try:
            data = self.store.read(key)
        except KeyMissing as exc:
            raise CorruptArchive(f"{key} is missing; run redline verify") from exc
        if ocfl.sha512(data) != ocfl.digest_of(inventory, number, logical):
            raise CorruptArchive(f"{key} does not match its digest; run redline verify")
        return data

    def article(self, object_id: str, number: int) -> Article:
        data = self.read_file(object_id, number, ARTICLE_JSON)
        try:
            return Article.from_dict(json.loads(data))
        except (ValueError, TypeError) as exc:
            raise CorruptArchive(f"article.json of {object_id} v{number} is unreadable") from exc

    def _states(self) -> list[ArticleState]:
        """Every article's state; rebuilt from the OCFL objects when it was lost (the
        state folder is a cache: an archive restored from its ``ocfl/`` root alone still
        lists its articles)."""
        states = all_states(self.store, workers=STATE_READERS)
        if states or not self._has_root():
            return states
        for key in self.store.list(f"{layout.OCFL_ROOT}/"):
            if not key.endswith("/" + ocfl.OBJECT_NAMASTE):
                continue
            try:
                data = self.store.read(key[: -len(ocfl.OBJECT_NAMASTE)] + ocfl.INVENTORY)
                object_id = ocfl.parse_inventory(data)["id"]
                loaded = self.load_inventory(object_id)
            except (KeyMissing, ValueError, CorruptArchive):
                continue  # redline verify reports it
            state = self._current_state(object_id, loaded, None)
            state.last_checked = state.last_changed
            try:
                save_state(self.store, state)
            except ArchiveError:
                pass  # a read-only archive still lists its articles
            states.append(state)
        return states

    def summaries(self, states: list[ArticleState] | None = None) -> list[ArticleSummary]:
        """Every stored article, from its state (``states``: the states as the caller
        read them, saving a second read)."""
        out = []
        for state in states if states else self._states():
            if not state.head:
                continue  # watched, never stored (blocked from its first check...)
            out.append(
                ArticleSummary(
                    url=state.id,
                    title=state.title,
                    versions=state.head,
                    first_captured=state.first_captured,
                    last_changed=state.last_changed,
                    last_checked=state.last_checked,
                    unchanged_since=state.unchanged_since,
                    checks=state.checks,
                    status=state.status,
                )
            )
        return sorted(out, key=lambda s: s.url)

    # -- redline's bookkeeping: article states, run logs, leases -----------------------------
    def state(self, object_id: str) -> ArticleState | None:
        """The article's saved state, None when it has none (or it is unreadable)."""
        return load_state(self.store, object_id)

    def read_state(self, object_id: str) -> StateRead:
        """The article's state and the bytes it was read from (both None when it has
        none), for a later write that must not undo another run's."""
        return read_state(self.store, object_id)

    def states_with_bytes(
        self, *, workers: int = STATE_READERS
    ) -> list[tuple[ArticleState, bytes]]:
        """Every article's state with the bytes it was read from (a later write checks
        that no other run wrote in between)."""
        return read_all_states(self.store, workers=workers)

    def load_reading(self, object_id: str, version: int) -> dict[str, Any] | None:
        """A version as an extractor read it (``save_reading``), None when not kept."""
        try:
            data = json.loads(self.store.read(layout.reading_key(object_id, version)))
        except (KeyMissing, ValueError, UnicodeDecodeError):
            return None
        return data if isinstance(data, dict) else None

    def save_reading(self, object_id: str, version: int, data: Mapping[str, Any]) -> None:
        """Keep how an extractor read a version (its article and its page's words), so
        that comparisons with that version need not read its capture again. A cache:
        a read-only archive simply reads the capture each time."""
        body = json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode()
        try:
            self.store.put(layout.reading_key(object_id, version), body)
        except ArchiveError:
            pass

    def index_file(self) -> Path:
        """Where the archive's query index (a SQLite file) lives: ``state/index.sqlite``
        in a folder archive that can be written, else a file in the user's cache folder
        (``$REDLINE_CACHE_DIR``, else ``$XDG_CACHE_HOME/redline``, else
        ``~/.cache/redline``) named after the archive's location."""
        root = getattr(self.store, "root", None)
        if isinstance(root, Path):
            path = root / layout.QUERY_INDEX
            if os.access(root, os.W_OK) and (
                os.access(path.parent, os.W_OK) or not path.parent.exists()
            ):
                return path
        cache = os.environ.get("REDLINE_CACHE_DIR") or os.path.join(
            os.environ.get("XDG_CACHE_HOME") or os.path.expanduser("~/.cache"), "redline"
        )
        client = getattr(self.store, "client", None)
        endpoint = getattr(getattr(client, "meta", None), "endpoint_url", "") or ""
        name = hashlib.sha256(f"{self.location}\n{endpoint}".encode()).hexdigest()[:24]
        return Path(cache) / f"index-{name}.sqlite"

    def raw_capture(self, object_id: str, version: int) -> Capture:
        """The page as it was captured for ``version``, read back from its WARC."""
        from redline.archive.fetch.warc import captures_in_warc  # only when read back

        data = self.read_file(object_id, version, CAPTURE_WARC)
        try:
            return next(captures_in_warc(data, f"the WARC of {object_id} v{version}"))
        except InputError as exc:
            raise CorruptArchive(f"{exc.message}; run redline verify") from None

    def has_run(self, run_id: str) -> bool:
        return runlog.run_exists(self.store, run_id)

    def save_run(self, run_id: str, data: dict[str, Any]) -> None:
        runlog.save_run(self.store, run_id, data)

    def run_ids(self) -> list[str]:
        """Every watch run's id, oldest first."""
        return runlog.run_ids(self.store)

    def load_run(self, run_id: str) -> dict[str, Any]:
        return runlog.load_run(self.store, run_id)

    def lease(self, name: str, *, timeout: float = DEFAULT_LEASE_TIMEOUT) -> RunLease:
        """A named lease in this archive (one per watch shard), not yet taken."""
        return RunLease(self.store, name, timeout=timeout)

    # -- writing -----------------------------------------------------------------------------
    def record(
        self,
        capture: Capture,
        article: Article,
        annotate: Annotate | None = None,
        *,
        known: StateRead | None = None,
        same_as_head: Callable[[int], bool] | None = None,
        reading: Mapping[str, Any] | None = None,
    ) -> RecordResult:
        """Store ``article`` as a new version unless it is the stored head's article.

        ``annotate`` is applied to the article's state before it is written. ``known``:
        the state and its bytes as the caller read them (``read_state``), saving a read;
        a write based on them is refused, and redone, if another run wrote since.
        ``same_as_head(n)`` tells whether the article is, for a reader, version ``n``'s
        (asked only when the two differ at all, and again under the object's lock if
        the head moved meanwhile). ``reading`` is kept beside a new version as its
        reading by the current extractor (``save_reading``)."""
        # Nothing secret in a URL is ever kept: the archive holds the exchange with its
        # URLs' passwords and credential-like query values redacted.
        capture = redact_capture(capture)
        object_id = normalize_url(capture.requested_url)
        fingerprint = article_fingerprint(article)
        captured_at = iso(capture.fetched_at)
        self.ensure_root()

        def unchanged(state: ArticleState) -> bool:
            if state.fingerprint == fingerprint:
                return True
            return same_as_head is not None and same_as_head(state.head)

        body_sha256 = hashlib.sha256(capture.body).hexdigest()

        def noted(state: ArticleState) -> None:
            if article.canonical_url and article.canonical_url not in state.canonical_urls:
                state.canonical_urls = [*state.canonical_urls, article.canonical_url]
            state.body_sha256 = body_sha256
            if annotate is not None:
                annotate(state)

        # The cheap path: the saved state says the head is this very article. It is
        # written back only if no other run changed it since it was read here.
        stored, raw = known if known is not None else read_state(self.store, object_id)
        if stored is not None and stored.head and stored.fingerprint and unchanged(stored):
            try:
                return self._note_unchanged(stored, captured_at, raw, noted, retry=False)
            except Conflict:
                pass  # another run moved the state on: decide under the lock
        with self.store.lock(object_id):
            for _attempt in range(COMMIT_ATTEMPTS):
                loaded = self.load_inventory(object_id)
                stored, raw = read_state(self.store, object_id)
                state = self._current_state(object_id, loaded, stored)
                if loaded is not None and unchanged(state):
                    return self._note_unchanged(state, captured_at, raw, noted, retry=True)
                inventory = loaded[0] if loaded else ocfl.empty_inventory(object_id)
                new = ocfl.add_version(
                    inventory,
                    self._version_files(object_id, capture, article),
                    created=capture.fetched_at,
                    message=f"capture of {capture.final_url}",
                    user_name=f"redline {__version__}",
                    user_address=USER_ADDRESS,
                )
                if stored is not None and stored.fingerprint:
                    # Until the state names the new head it must not vouch for the old
                    # one: a run killed after publishing the version would otherwise
                    # leave a state that calls a capture of the old article unchanged.
                    raw = self._write_state(replace(stored, fingerprint=""), raw)
                try:
                    self.store.commit_object(
                        self.object_root(object_id),
                        new.files(),
                        new.root_files(),
                        loaded[1] if loaded else None,
                    )
                except Conflict:
                    continue
                state.head = new.number
                state.fingerprint = fingerprint
                state.title = article.title
                state.canonical_url = article.canonical_url
                if article.canonical_url and article.canonical_url not in state.canonical_urls:
                    state.canonical_urls = [*state.canonical_urls, article.canonical_url]
                state.first_captured = state.first_captured or captured_at
                state.last_changed = captured_at
                state.last_checked = captured_at
                state.unchanged_since = None
                state.checks += 1
                state.body_sha256 = body_sha256
                if annotate is not None:
                    annotate(state)
                self._write_state(state, raw)
                if reading is not None:
                    self.save_reading(object_id, new.number, reading)
                return RecordResult(
                    object_id, "new" if new.number == 1 else "changed", new.number, captured_at
                )
        raise ArchiveError(f"could not store {object_id}: other runs kept changing it; try again")

    def _note_unchanged(
        self,
        state: ArticleState,
        captured_at: str,
        raw: bytes | None,
        annotate: Annotate | None,
        *,
        retry: bool,
    ) -> RecordResult:
        mark_unchanged(state, captured_at)
        if annotate is not None:
            annotate(state)
        if retry:
            self._write_state(state, raw)
        else:
            replace_state(self.store, state, raw)
        return RecordResult(state.id, "unchanged", state.head, captured_at)

    def note_same_page(
        self, capture: Capture, known: StateRead, annotate: Annotate | None = None
    ) -> RecordResult | None:
        """The check of a page byte for byte the one last accepted as the article: its
        time is noted, nothing is read or stored. None when the state no longer says so
        (another run moved it on): the caller reads the page."""
        state, raw = known
        digest = hashlib.sha256(capture.body).hexdigest()
        if state is None or not state.head or state.status or state.body_sha256 != digest:
            return None
        captured_at = iso(capture.fetched_at)
        try:
            return self._note_unchanged(replace(state), captured_at, raw, annotate, retry=False)
        except Conflict:
            return None

    def note_check(
        self, object_id: str, annotate: Annotate, known: bytes | None = None
    ) -> ArticleState:
        """Apply ``annotate`` to the article's state (a new one when it has none) and
        write it back, retrying when another run wrote it in between. For checks that
        store no version: a 304, a body already seen, a page refused or gone.

        ``known``: the state's bytes as the caller read them, tried first (one read
        fewer per check); when another run wrote since, the state is read again."""
        stored: ArticleState | None
        raw: bytes | None
        for attempt in range(COMMIT_ATTEMPTS):
            if attempt == 0 and known is not None:
                try:
                    stored, raw = ArticleState.from_bytes(known), known
                except (ValueError, TypeError):
                    stored, raw = read_state(self.store, object_id)
            else:
                stored, raw = read_state(self.store, object_id)
            state = replace(stored) if stored is not None else ArticleState(id=object_id)
            annotate(state)
            try:
                replace_state(self.store, state, raw)
                return state
            except Conflict:
                continue
        raise ArchiveError(f"could not note the check of {object_id}: other runs kept changing it")

    def _write_state(self, state: ArticleState, expected: bytes | None) -> bytes:
        """Write ``state`` (the caller holds the object's lock) over whatever checks by
        runs on the cheap path wrote since ``expected`` was read; returns its bytes."""
        for _attempt in range(COMMIT_ATTEMPTS):
            try:
                replace_state(self.store, state, expected)
                return state.to_bytes()
            except Conflict:
                expected = read_state(self.store, state.id)[1]
        save_state(self.store, state)
        return state.to_bytes()

    def _current_state(
        self,
        object_id: str,
        loaded: tuple[dict[str, Any], str] | None,
        stored: ArticleState | None,
    ) -> ArticleState:
        """The saved state when it matches the object's head, else rebuilt from the object."""
        state = replace(stored) if stored is not None else ArticleState(id=object_id)
        if loaded is None:
            return ArticleState(
                id=object_id,
                checks=state.checks,
                discovered=state.discovered,
                sources=state.sources,
                last_attempt=state.last_attempt,
                events=state.events,
            )
        inventory = loaded[0]
        head = ocfl.version_number(inventory["head"])
        if state.head == head and state.fingerprint:
            return state
        article = self.article(object_id, head)
        versions = inventory["versions"]
        state.head = head
        state.fingerprint = article_fingerprint(article)
        state.title = article.title
        state.canonical_url = article.canonical_url
        if article.canonical_url and article.canonical_url not in state.canonical_urls:
            state.canonical_urls = [*state.canonical_urls, article.canonical_url]
        state.first_captured = versions["v1"]["created"]
        state.last_changed = versions[inventory["head"]]["created"]
        return state

    def _version_files(
        self, object_id: str, capture: Capture, article: Article
    ) -> Mapping[str, bytes]:
        # Writing a version needs the WARC writer and the text renderer; reading an
        # archive does not, so commands that only read start quickly.
        from redline.archive.extract.articletext import article_to_text
        from redline.archive.fetch.warc import capture_to_warc, provenance

        article_json = {"url": object_id, **article.to_dict()}
        return {
            ARTICLE_JSON: ocfl.dump_json(article_json),
            ARTICLE_TXT: article_to_text(article).encode("utf-8"),
            CAPTURE_WARC: capture_to_warc(capture),
            CAPTURE_JSON: ocfl.dump_json(provenance(capture, user_agent=capture.user_agent)),
        }


def mark_unchanged(state: ArticleState, checked_at: str) -> None:
    """Note a check that found the stored head: time moves on, nothing else."""
    # A check of an older capture (a WARC ingested late) never moves time back.
    state.last_checked = max(state.last_checked or checked_at, checked_at)
    state.unchanged_since = state.unchanged_since or state.last_changed
    state.checks += 1
