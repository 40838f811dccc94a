"""Parsing the times people type (``--at``)."""

from __future__ import annotations

from datetime import datetime, timezone

from redline.archive.errors import UsageError


def parse_when(text: str) -> datetime:
    """An ISO 8601 date or date-time; naive times are taken as UTC."""
    value = text.strip()
    if value.endswith(("Z", "z")):
        value = value[:-1] + "+00:00"
    try:
        when = datetime.fromisoformat(value)
    except ValueError as exc:
        raise UsageError(
            f"cannot read {text!r} as a time; use ISO 8601, e.g. 2026-11-25T14:30:00Z"
        ) from exc
    if when.tzinfo is None:
        when = when.replace(tzinfo=timezone.utc)
    return when.astimezone(timezone.utc).replace(microsecond=0)
