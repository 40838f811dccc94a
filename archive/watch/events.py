"""What a watch run reports: one ``Event`` per check, and the run's ``RunSummary``."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal

from redline.archive.core.printable import printable
from redline.archive.core.secrets import redact_text
from redline.archive.core.wording import plural

if TYPE_CHECKING:
    from redline.archive.diff.model import Severity

#: What a check found (or why there was none).
EventKind = Literal[
    "new",
    "changed",
    "unchanged",
    "not-modified",
    "gone",
    "redirected",
    "blocked",
    "suspect",
    "error",
    "skipped",
]
#: Every kind of event, in the order a summary names them.
EVENTS: tuple[EventKind, ...] = (
    "new",
    "changed",
    "unchanged",
    "not-modified",
    "gone",
    "redirected",
    "blocked",
    "suspect",
    "error",
    "skipped",
)
#: Events worth a line for people (the rest are counted in the summary).
NOTABLE = frozenset({"new", "changed", "gone", "redirected", "blocked", "suspect", "error"})
#: Events that are a check of the page (skipped ones are not).
CHECKED = frozenset(EVENTS) - {"skipped"}
#: Why a check was skipped (``Event.cause``), as the summary counts them.
NOT_DUE = "not due"
ROBOTS = "disallowed by robots.txt"
PRIVATE = "private address"


@dataclass(frozen=True)
class Event:
    event: EventKind
    url: str
    version: int | None = None
    severity: Severity | None = None
    reason: str | None = None
    stealth: bool | None = None
    at: str | None = None
    #: Where the page went (a redirect's target), when it matters.
    location: str | None = None
    #: Why a check was skipped: NOT_DUE, ROBOTS or PRIVATE (not part of the JSON line).
    cause: str | None = None

    def __post_init__(self) -> None:
        # What a server sent (reason phrases, Locations, URLs in messages) is printed,
        # logged and reported: it never carries a control character or escape code.
        # Nor a secret a URL holds (a token, a signature).
        for name in ("url", "reason", "location"):
            value = getattr(self, name)
            if isinstance(value, str):
                safe = redact_text(printable(value))
                if safe != value:
                    object.__setattr__(self, name, safe)

    def to_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "event": self.event,
            "url": self.url,
            "version": self.version,
            "severity": self.severity,
            "reason": self.reason,
        }
        if self.stealth is not None:
            data["stealth"] = self.stealth
        if self.location is not None:
            data["location"] = self.location
        if self.at is not None:
            data["at"] = self.at
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Event:
        known = set(cls.__dataclass_fields__)
        return cls(**{k: v for k, v in data.items() if k in known})


@dataclass
class RunSummary:
    """Counts by event, the notable events themselves, and the run's time."""

    run_id: str
    started: str
    finished: str | None = None
    seconds: float = 0.0
    counts: Counter[str] = field(default_factory=Counter)
    notable: list[Event] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    #: When the first article left for later is due (ISO 8601), if any.
    next_due: str | None = None
    interrupted: bool = False
    #: "completed", or "interrupted" (Ctrl-C, SIGTERM) or "failed" (an error stopped it).
    status: Literal["completed", "interrupted", "failed"] = "completed"
    #: How many checks were skipped, by cause (NOT_DUE, ROBOTS, PRIVATE).
    skipped: Counter[str] = field(default_factory=Counter)

    def add(self, event: Event) -> None:
        self.counts[event.event] += 1
        if event.event == "skipped":
            self.skipped[event.cause or PRIVATE] += 1
        if event.event in NOTABLE:
            self.notable.append(event)

    @property
    def checked(self) -> int:
        return sum(n for name, n in self.counts.items() if name in CHECKED)

    def sentence(self) -> str:
        """The run in one paragraph, for people."""
        c = self.counts
        unchanged = c["unchanged"] + c["not-modified"]
        text = (
            f"Checked {plural(self.checked, 'article')} in "
            f"{self.seconds:.1f} s: {c['changed']:,} changed, {c['new']:,} new, "
            f"{unchanged:,} unchanged"
        )
        if c["not-modified"]:
            text += f" ({c['not-modified']:,} not modified)"
        text += f", {c['gone']:,} gone, {c['redirected']:,} redirected"
        text += f", {c['blocked']:,} blocked, {c['suspect']:,} suspect"
        text += f", {plural(c['error'], 'error')}."
        if c["skipped"]:
            why = ", ".join(f"{n:,} {kind}" for kind, n in sorted(self.skipped.items()))
            text += f" {c['skipped']:,} skipped ({why})."
        if self.next_due:
            text += f" Next due: {self.next_due}."
        return text

    def to_dict(self) -> dict[str, Any]:
        return {
            "run": self.run_id,
            "started": self.started,
            "finished": self.finished,
            "seconds": round(self.seconds, 3),
            "checked": self.checked,
            "counts": {name: self.counts[name] for name in EVENTS},
            "events": [e.to_dict() for e in self.notable],
            "notes": self.notes,
            "next_due": self.next_due,
            "interrupted": self.interrupted,
            "status": self.status,
            "skipped": dict(self.skipped),
        }
