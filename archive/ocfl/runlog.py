"""Watch run logs: one JSON file per run beside the OCFL root, for ``redline report``.

A log holds the run's counts and every notable event (``state/runs/<run id>.json``).
Run ids start with the time the run started, so they sort in the order runs began.
"""

from __future__ import annotations

import json
from typing import Any

from redline.archive.core import layout
from redline.archive.core.errors import ArchiveError
from redline.archive.store.base import Store


def run_exists(store: Store, run_id: str) -> bool:
    return store.exists(layout.run_log_key(run_id))


def save_run(store: Store, run_id: str, data: dict[str, Any]) -> None:
    body = (json.dumps(data, indent=1, ensure_ascii=False) + "\n").encode()
    store.put(layout.run_log_key(run_id), body)


def run_ids(store: Store) -> list[str]:
    """The id of every run log in the archive, oldest first."""
    ids = (layout.run_id_of(key) for key in store.list(layout.RUN_LOGS))
    return sorted(run_id for run_id in ids if run_id is not None)


def load_run(store: Store, run_id: str) -> dict[str, Any]:
    """The log of one run; ``ArchiveError`` naming the file when it is unreadable."""
    key = layout.run_log_key(run_id)
    try:
        data = json.loads(store.read(key))
        if not isinstance(data, dict) or not isinstance(data.get("events", []), list):
            raise ValueError("not a run log")
    except (ValueError, UnicodeDecodeError) as exc:
        raise ArchiveError(
            f"the log of watch run {run_id} in {store.location} is unreadable ({exc}); "
            f"delete {key} or pick another run with --run"
        ) from None
    return data
