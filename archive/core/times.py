"""Times: the archive's one way of writing them (ISO 8601 in UTC, a trailing Z), and
reading the times people type (``--at``, ``--since``) and the archive stores."""

from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone

from redline.archive.core.errors import UsageError

#: A time ago: a whole number and a unit (s, m, h, d or w), "ago" optional: 24h, 7d ago.
_AGO = re.compile(r"^(\d{1,6})\s*([smhdw])(?:\s+ago)?$", re.IGNORECASE)
_UNITS = {"s": "seconds", "m": "minutes", "h": "hours", "d": "days", "w": "weeks"}


def utc_now() -> datetime:
    """The current time in UTC, to the second."""
    return datetime.now(timezone.utc).replace(microsecond=0)


def iso(dt: datetime) -> str:
    """ISO 8601 in UTC with a trailing Z, e.g. 2026-11-25T14:00:00Z."""
    text = dt.astimezone(timezone.utc).isoformat()
    return text.replace("+00:00", "Z")


def parse_when(text: str, *, now: datetime | None = None) -> datetime:
    """An ISO 8601 date or date-time (naive times are taken as UTC), or a time ago such
    as ``90m``, ``24h``, ``7d`` or ``2w`` (``m`` is minutes), counted back from ``now``."""
    value = text.strip()
    ago = _AGO.match(value)
    if ago is not None:
        amount = timedelta(**{_UNITS[ago.group(2).lower()]: int(ago.group(1))})
        start = now if now is not None else datetime.now(timezone.utc)
        try:
            return (start - amount).astimezone(timezone.utc).replace(microsecond=0)
        except OverflowError:
            raise UsageError(f"{text!r} reaches back before the year 1; give less") from None
    when = read_iso(value)
    if when is None:
        raise UsageError(
            f"cannot read {text!r} as a time; use ISO 8601, e.g. 2026-11-25T14:30:00Z, "
            "or a time ago such as 24h or 7d"
        )
    return when.astimezone(timezone.utc).replace(microsecond=0)


def read_iso(text: str | None) -> datetime | None:
    """An ISO 8601 time as stored in the archive (a trailing Z, or naive, means UTC), or
    None when there is none or it cannot be read."""
    if not text:
        return None
    value = text.strip()
    if value.endswith(("Z", "z")):
        value = value[:-1] + "+00:00"
    try:
        when = datetime.fromisoformat(value)
    except ValueError:
        return None
    return when if when.tzinfo else when.replace(tzinfo=timezone.utc)
