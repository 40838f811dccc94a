"""Where everything lives in an archive: the one owner of every key and prefix.

An archive is a folder or an S3 prefix holding::

    ocfl/                    an OCFL 1.1 storage root (layout 0003-hash-and-id-n-tuple):
                             the record, readable by any OCFL tool
    state/articles/*.json    redline's per-article state (head fingerprint, check times,
                             watch schedule and events)
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
ARTICLE_STATES = STATE_PREFIX + "articles/"
RUN_LOGS = STATE_PREFIX + "runs/"
LEASES = STATE_PREFIX + "leases/"
READINGS = STATE_PREFIX + "readings/"
QUERY_INDEX = STATE_PREFIX + "index.sqlite"
RUN_LOG_SUFFIX = ".json"


def is_state(key: str) -> bool:
    """Whether ``key`` is redline's bookkeeping rather than part of the OCFL record."""
    return key.startswith(STATE_PREFIX)


def article_state_key(object_id: str) -> str:
    return f"{ARTICLE_STATES}{hashlib.sha256(object_id.encode()).hexdigest()}.json"


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
