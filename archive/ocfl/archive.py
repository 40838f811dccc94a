"""The archive: OCFL objects (one per article, one version per change) over a Store.

Layout of an archive (the same in a folder and, later, under an S3 prefix)::

    ocfl/                 an OCFL 1.1 storage root, layout 0003-hash-and-id-n-tuple
    state/index/          redline's article states (check times, head fingerprint)

Each OCFL version holds ``article.json``, ``article.txt``, ``capture.warc.gz`` and
``capture.json``. Writes go content → version inventory → root inventory → state.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Callable, Iterator, Mapping
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
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
from redline.archive.core.urls import canonical_parent, normalize_url
from redline.archive.ocfl import inventory as ocfl
from redline.archive.ocfl import runlog
from redline.archive.ocfl.duenote import DueNote, read_note, write_note
from redline.archive.ocfl.lease import DEFAULT_LEASE_TIMEOUT, RunLease
from redline.archive.ocfl.state import ArticleState
from redline.archive.ocfl.stateindex import Owns, StateIndex
from redline.archive.store import Store, open_store

ARTICLE_JSON = "article.json"
ARTICLE_TXT = "article.txt"
CAPTURE_WARC = "capture.warc.gz"
CAPTURE_JSON = "capture.json"
COMMIT_ATTEMPTS = 5
#: A change a caller makes to an article's state in the same write as a record or check.
Annotate = Callable[[ArticleState], None]
#: Who made each OCFL version (the inventory's ``user.address``).
USER_ADDRESS = "https://github.com/redline-archive/redline"
#: How many objects' inventories are read at once (a listing of many articles on S3).
STATE_READERS = 8


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
    #: Why the article's OCFL object cannot be read (its inventory is corrupt), or None.
    corrupt: str | None = None

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
            "corrupt": self.corrupt,
        }


class Archive:
    """Articles and their versions in an OCFL storage root."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self._root_ready = False
        self._index: StateIndex | None = None

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
            self._root_ready = True
            return
        # A storage root declared in part (a first capture into S3, cut off) is fine:
        # its files are written again, the declaration last.
        declaration = {f"{layout.OCFL_ROOT}/{name}" for name in ocfl.storage_root_files()}
        for key in self.store.list():
            if not layout.is_state(key) and key not in declaration:
                if key == ocfl.ROOT_NAMASTE:
                    # The archive's own ocfl/ folder, given instead of the archive.
                    raise ArchiveError(
                        f"{self.location} is the OCFL storage root of an archive, not the "
                        "archive; pass --archive with the folder that holds it"
                    )
                raise ArchiveError(
                    f"{self.location} is not a redline archive (no OCFL storage root in "
                    f"{self.location}/{layout.OCFL_ROOT}) and is not empty; pass --archive "
                    "with an archive's folder (the one holding ocfl/), or a new or empty "
                    "folder to start one"
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
        near = self._near_miss(url)
        if near is not None:
            return f"no article {url} in archive {self.location}; did you mean {near}?"
        return f"no article {url} in archive {self.location}; run redline list to see what is there"

    def _near_miss(self, url: str) -> str | None:
        """The one archived article whose URL differs from ``url`` only in how it is
        written (http or https, www. or not, a trailing slash), if there is one."""

        def key(text: str) -> str:
            rest = text.strip().split("://", 1)[-1].lower().removeprefix("www.")
            return rest.rstrip("/")

        try:
            wanted = key(url)
            found = [s.id for s in self._states() if s.head and key(s.id) == wanted]
        except ArchiveError:
            return None
        return found[0] if len(found) == 1 and found[0] != url else None

    def resolve(self, url: str) -> str:
        """The article id for ``url``: the URL as captured, the page's canonical URL, or
        the URL without query parameters a capture of it would have left out."""
        object_id = normalize_url(url)
        if self.states().get(object_id) is not None or self.load_inventory(object_id):
            return object_id
        parents = []
        for state in self._states():
            known = [*state.canonical_urls, state.canonical_url]
            if any(c and normalize_url(c) == object_id for c in known):
                return state.id
            if state.head and canonical_parent(object_id, state.id) == state.id:
                parents.append(state.id)
        if parents:
            # Captured at this URL, the page would have joined this article (?ref=home).
            return max(parents, key=len)
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
        states are a cache: an archive restored from its ``ocfl/`` root alone still
        lists its articles)."""
        index = self.states()
        states = index.states()
        if states or not self._has_root():
            return states
        rebuilt = []
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
            rebuilt.append(state)
        index.adopt(rebuilt)
        try:
            index.merge()
        except ArchiveError:
            pass  # a read-only archive still lists its articles
        return index.states()

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
        # Each object's root inventory is read as a reader of the article would read it:
        # one that cannot be is named, not listed with the state's version count.
        with ThreadPoolExecutor(max_workers=STATE_READERS) as pool:
            problems = list(pool.map(self._inventory_problem, [s.url for s in out]))
        out = [replace(s, corrupt=p) if p else s for s, p in zip(out, problems, strict=True)]
        return sorted(out, key=lambda s: s.url)

    def _inventory_problem(self, object_id: str) -> str | None:
        try:
            self.load_inventory(object_id)
        except CorruptArchive as exc:
            return exc.message
        return None

    # -- redline's bookkeeping: article states, run logs, leases -----------------------------
    def states(self) -> StateIndex:
        """The article states (read on first use). Unless a watch run chose its shard's
        index (``watch_states``), changes are saved as they are made."""
        if self._index is None:
            self._index = StateIndex(self.store)
        return self._index

    def watch_states(self, name: str, owns: Owns) -> StateIndex:
        """Keep the article states in index ``name`` (a watch shard's, owning the
        articles ``owns`` says), changes batched until ``merge``."""
        self._index = StateIndex(self.store, name, owns=owns, batched=True)
        return self._index.load()

    @contextmanager
    def batched_states(self) -> Iterator[StateIndex]:
        """Keep changes of article states in memory (what must not be lost journalled)
        and save them once at the end, for a command that records many pages."""
        index = self.states()
        before, index.batched = index.batched, True
        try:
            yield index
        finally:
            index.batched = before
            index.merge()

    def due_note(self, name: str) -> DueNote | None:
        """When a watch run with index ``name`` next has anything due, as its last run
        noted it (``duenote``); None when there is no usable note."""
        return read_note(self.store, name)

    def save_due_note(self, name: str, note: DueNote) -> None:
        write_note(self.store, name, note)

    def state_inputs(self, name: str) -> dict[str, str | None]:
        """The stamps of the indexes and journal segments a watch run with index ``name``
        reads, as listed now (one listing, nothing read)."""
        return StateIndex(self.store, name).listed_inputs()

    def state(self, object_id: str) -> ArticleState | None:
        """The article's state, None when it has none."""
        return self.states().get(object_id)

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
        from redline.archive.fetch.warcread import captures_in_warc  # only when read back

        data = self.read_file(object_id, version, CAPTURE_WARC)
        try:
            return next(captures_in_warc(data, f"the WARC of {object_id} v{version}"))
        except InputError as exc:
            raise CorruptArchive(f"{exc.message}; run redline verify") from None

    def copy_objects(self, object_ids: list[str], write: Callable[[str, bytes], None]) -> None:
        """Hand ``write(path, data)`` an OCFL storage root holding just these objects:
        the root's declaration and every file of each object, paths relative to
        ``ocfl/``. Each object's inventory is checked against its sidecar first."""
        for name, data in ocfl.storage_root_files().items():
            write(name, data)
        for object_id in object_ids:
            if self.load_inventory(object_id) is None:
                raise NotFound(self._not_found(object_id))
            root = self.object_root(object_id)
            for key in sorted(self.store.list(f"{root}/")):
                write(key[len(layout.OCFL_ROOT) + 1 :], self.store.read(key))

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
        same_as_head: Callable[[int], bool] | None = None,
        reading: Mapping[str, Any] | None = None,
        object_id: str | None = None,
    ) -> RecordResult:
        """Store ``article`` as a new version unless it is the stored head's article.

        ``annotate`` is applied to the article's state before it is written.
        ``same_as_head(n)`` tells whether the article is, for a reader, version ``n``'s
        (asked only when the two differ at all, and again under the object's lock if
        the head moved meanwhile). ``reading`` is kept beside a new version as its
        reading by the current extractor (``save_reading``). ``object_id``: the article
        the capture belongs to, when not the one its requested URL names (a page joining
        the article of its canonical URL)."""
        # Nothing secret in a URL is ever kept: the archive holds the exchange with its
        # URLs' passwords and credential-like query values redacted.
        capture = redact_capture(capture)
        object_id = object_id or normalize_url(capture.requested_url)
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

        # The cheap path: the state says the head is this very article.
        index = self.states()
        stored = index.get(object_id)
        if stored is not None and stored.head and stored.fingerprint and unchanged(stored):
            return self._note_unchanged(stored, captured_at, noted)
        with self.store.lock(object_id):
            for _attempt in range(COMMIT_ATTEMPTS):
                loaded = self.load_inventory(object_id)
                stored = index.get(object_id)
                state = self._current_state(object_id, loaded, stored)
                if loaded is not None and unchanged(state):
                    return self._note_unchanged(state, captured_at, noted)
                inventory = loaded[0] if loaded else ocfl.empty_inventory(object_id)
                new = ocfl.add_version(
                    inventory,
                    self._version_files(object_id, capture, article),
                    created=capture.fetched_at,
                    message=f"capture of {capture.final_url}",
                    user_name=f"redline {__version__}",
                    user_address=USER_ADDRESS,
                )
                if stored is not None and (stored.fingerprint or stored.body_sha256):
                    # Until the state names the new head it must not vouch for the old
                    # one: a run killed after publishing the version would otherwise
                    # leave a state that calls a capture of the old article unchanged.
                    index.put(
                        replace(stored, fingerprint="", body_sha256=None),
                        durable=True,
                        before_commit=True,
                    )
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
                index.put(state, durable=True)
                if reading is not None:
                    self.save_reading(object_id, new.number, reading)
                return RecordResult(
                    object_id, "new" if new.number == 1 else "changed", new.number, captured_at
                )
        raise ArchiveError(f"could not store {object_id}: other runs kept changing it; try again")

    def _note_unchanged(
        self, state: ArticleState, captured_at: str, annotate: Annotate | None
    ) -> RecordResult:
        mark_unchanged(state, captured_at)
        if annotate is not None:
            annotate(state)
        self.states().put(state)
        return RecordResult(state.id, "unchanged", state.head, captured_at)

    def note_same_page(
        self, capture: Capture, annotate: Annotate | None = None, *, object_id: str | None = None
    ) -> RecordResult | None:
        """The check of a page byte for byte the one last accepted as the article: its
        time is noted, nothing is read or stored. None when the state does not say so:
        the caller reads the page. ``object_id``: the article the page belongs to, when
        not the one its requested URL names (a page joining its canonical article)."""
        state = self.state(object_id or normalize_url(capture.requested_url))
        digest = hashlib.sha256(capture.body).hexdigest()
        if state is None or not state.head or state.status or state.body_sha256 != digest:
            return None
        return self._note_unchanged(state, iso(capture.fetched_at), annotate)

    def note_check(self, object_id: str, annotate: Annotate) -> ArticleState:
        """Apply ``annotate`` to the article's state (a new one when it has none) and
        keep it. For checks that store no version: a 304, a body already seen, a page
        refused or gone."""
        index = self.states()
        state = index.get(object_id) or ArticleState(id=object_id)
        annotate(state)
        index.put(state)
        return state

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
            CAPTURE_WARC: capture_to_warc(capture, article_id=object_id),
            CAPTURE_JSON: ocfl.dump_json(provenance(capture, user_agent=capture.user_agent)),
        }


def mark_unchanged(state: ArticleState, checked_at: str) -> None:
    """Note a check that found the stored head: time moves on, nothing else."""
    # A check of an older capture (a WARC ingested late) never moves time back.
    state.last_checked = max(state.last_checked or checked_at, checked_at)
    state.unchanged_since = state.unchanged_since or state.last_changed
    state.checks += 1
