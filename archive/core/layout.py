"""Where everything lives in an archive: the one owner of every key and prefix.

An archive is a folder or an S3 prefix holding::

    ocfl/                    an OCFL 1.1 storage root (layout 0003-hash-and-id-n-tuple):
                             the record, readable by any OCFL tool
    state/index/<name>.jsonl the article states (head fingerprint, body digest,
                             validators, check times, watch schedule and events): one
                             index per watch shard (``shard-2-of-4``), ``shard-1-of-1``
                             for an unsharded archive and for captures
    state/index/<name>/<segment>.jsonl
                             the journal of that index: changes a run wrote before
                             folding them into the index (gone, redirected, a new head)
    state/index/<name>.due.json
                             when a watch run of that shard next has anything due, and
                             what that was worked out from: a cache
    state/articles/*.json    the per-article states of archives written before the
                             index; read once and folded into ``shard-1-of-1``
    state/runs/<run>.json    the log of each watch run, for ``redline report``
    state/leases/*.json      leases: one per watch shard, one per object being written
                             on S3
    state/readings/<a>/vN.json
                             how the current extractor reads version N of article <a>
                             (its article and its page's words): a cache
    state/index.sqlite       the query index of ``redline changes`` and ``search``
                             (every version's grade and words): a cache, in a folder
                             archive only (an S3 archive keeps it in a local cache)

Everything under ``state/`` is redline's own bookkeeping beside the record. It sits in
the base layer because the stores need two of its facts: which writes may skip being
flushed to disk (the cache) and where S3 keeps its per-object locks.
"""

from __future__ import annotations

import hashlib

OCFL_ROOT = "ocfl"
OCFL_PREFIX = OCFL_ROOT + "/"
#: Keys below this prefix are redline's cache beside the OCFL root (article state, run
#: logs, leases): their writes are atomic but need not be durable, since every one can
#: be rebuilt or is redone by the next run. A backend may skip flushing them to disk.
STATE_PREFIX = "state/"
#: Where archives written before the state index kept one state file per article.
ARTICLE_STATES = STATE_PREFIX + "articles/"
STATE_INDEXES = STATE_PREFIX + "index/"
INDEX_SUFFIX = ".jsonl"
#: The index of an unsharded archive, and where captures and copies note their articles.
WHOLE_INDEX = "shard-1-of-1"
RUN_LOGS = STATE_PREFIX + "runs/"
LEASES = STATE_PREFIX + "leases/"
READINGS = STATE_PREFIX + "readings/"
QUERY_INDEX = STATE_PREFIX + "index.sqlite"
RUN_LOG_SUFFIX = ".json"


def is_state(key: str) -> bool:
    """Whether ``key`` is redline's bookkeeping rather than part of the OCFL record."""
    return key.startswith(STATE_PREFIX)


def article_state_key(object_id: str) -> str:
    """Where an archive written before the state index kept the article's state."""
    return f"{ARTICLE_STATES}{hashlib.sha256(object_id.encode()).hexdigest()}.json"


def index_name(shard: int, count: int) -> str:
    """The state index of watch shard ``shard`` of ``count`` (``shard-2-of-4``)."""
    return f"shard-{shard}-of-{count}"


def index_shards(name: str) -> tuple[int, int] | None:
    """(shard, count) of an index name, None when it names no shard."""
    head, sep, count = name.removeprefix("shard-").partition("-of-")
    if not name.startswith("shard-") or not sep or not head.isdigit() or not count.isdigit():
        return None
    shard, total = int(head), int(count)
    return (shard, total) if 1 <= shard <= total else None


def state_index_key(name: str) -> str:
    return f"{STATE_INDEXES}{name}{INDEX_SUFFIX}"


def journal_key(name: str, segment: str) -> str:
    """A segment of the journal of index ``name``."""
    return f"{STATE_INDEXES}{name}/{segment}{INDEX_SUFFIX}"


def due_key(name: str) -> str:
    """When a watch run with index ``name`` next has anything due (``ocfl/duenote``)."""
    return f"{STATE_INDEXES}{name}.due.json"


def parse_index_key(key: str) -> tuple[str, str | None] | None:
    """(index name, None) for an index, (index name, segment) for a journal segment,
    None for any other key."""
    if not key.startswith(STATE_INDEXES) or not key.endswith(INDEX_SUFFIX):
        return None
    parts = key[len(STATE_INDEXES) : -len(INDEX_SUFFIX)].split("/")
    if len(parts) == 1 and index_shards(parts[0]):
        return parts[0], None
    if len(parts) == 2 and index_shards(parts[0]) and parts[1] and not parts[1].startswith("."):
        return parts[0], parts[1]
    return None


def run_log_key(run_id: str) -> str:
    return f"{RUN_LOGS}{run_id}{RUN_LOG_SUFFIX}"


def run_id_of(key: str) -> str | None:
    """The run id a key under ``RUN_LOGS`` names, or None for anything else."""
    if not key.startswith(RUN_LOGS):
        return None
    name = key[len(RUN_LOGS) :]
    if not name.endswith(RUN_LOG_SUFFIX) or "/" in name or name.startswith("."):
        return None
    return name[: -len(RUN_LOG_SUFFIX)]


def lease_key(name: str) -> str:
    """A named lease (``watch-shard-1-of-4``)."""
    return f"{LEASES}{name}.json"


def object_lock_key(object_id: str) -> str:
    """The lease that serialises writers of one object where the store has no locks."""
    return f"{LEASES}{hashlib.sha256(object_id.encode()).hexdigest()}.json"


def reading_key(object_id: str, version: int) -> str:
    """Where the reading of one version of an article is cached."""
    return f"{READINGS}{hashlib.sha256(object_id.encode()).hexdigest()}/v{version}.json"
