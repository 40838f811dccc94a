"""Plain data passed between the steps of the pipeline: a Capture and an Article."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import datetime
from typing import Any


@dataclass(frozen=True)
class Redirect:
    """One hop of a redirect chain: the URL asked for, its status and where it pointed.

    A fetched hop also keeps its exchange, so the WARC holds it as a request and a
    response of its own: the request headers sent, the response's reason, headers and
    body as received (``body`` is None when it was not kept: too large, or dropped
    because a secret in the chain's URLs was redacted), when it was answered and the
    peer's IP address."""

    url: str
    status: int
    location: str
    reason: str = ""
    http_version: str = "HTTP/1.1"
    headers: tuple[tuple[str, str], ...] = ()
    request_headers: tuple[tuple[str, str], ...] = ()
    body: bytes | None = b""
    fetched_at: datetime | None = None
    ip_address: str | None = None


@dataclass(frozen=True)
class Capture:
    """Raw bytes of one page as it was obtained, with where and when it came from.

    ``body`` is the entity body after any Content-Encoding was removed: the HTML.
    ``wire_body`` is the body as it travelled (still compressed) when that differs, so
    the WARC record can keep the exact bytes; ``None`` when it is the same as ``body``.
    """

    requested_url: str
    final_url: str
    body: bytes
    fetched_at: datetime
    source: str = "http"  # "http" | "file" | "warc" | "wayback"
    status: int | None = None
    reason: str = ""
    http_version: str = "HTTP/1.1"
    headers: tuple[tuple[str, str], ...] = ()
    request_headers: tuple[tuple[str, str], ...] = ()
    redirects: tuple[Redirect, ...] = ()
    wire_body: bytes | None = None
    file_path: str | None = None
    user_agent: str | None = None
    #: The IP address of the server that answered, when known.
    ip_address: str | None = None
    #: For a page read from a WARC file: the records of its exchange there (the
    #: ``warcinfo``, each hop's request and response, records about them), each the
    #: uncompressed bytes of one record exactly as the file held it.
    source_records: tuple[bytes, ...] = ()
    #: For a page read from a web archive (``source="wayback"``): the memento's URL
    #: it was fetched from; ``fetched_at`` is then the time of the original capture.
    memento_url: str | None = None

    def header(self, name: str) -> str | None:
        """The first response header called ``name`` (case-insensitive), or None."""
        lname = name.lower()
        for key, value in self.headers:
            if key.lower() == lname:
                return value
        return None

    @property
    def content_type(self) -> str | None:
        return self.header("Content-Type")


@dataclass(frozen=True)
class Article:
    """What a page says: the fields redline versions and diffs.

    Dates are ISO 8601 strings as found (normalised to ISO form when parseable).
    ``paragraphs`` is the body in reading order: paragraphs, subheads, block quotes and
    list items, including any correction or editor's note; ``corrections`` repeats the
    correction and editor's-note paragraphs on their own.
    """

    title: str | None = None
    subtitle: str | None = None
    byline: str | None = None
    published: str | None = None
    modified: str | None = None
    canonical_url: str | None = None
    language: str | None = None
    paragraphs: tuple[str, ...] = ()
    corrections: tuple[str, ...] = ()
    extractor: str = ""

    @property
    def body(self) -> str:
        """The paragraphs joined by blank lines."""
        return "\n\n".join(self.paragraphs)

    def to_record(self) -> dict[str, Any]:
        """The article as ``extract --json`` and ``show --json`` print it: the fields,
        ``body`` (paragraphs joined by blank lines) and the paragraphs; None for missing."""
        return {
            "title": self.title,
            "byline": self.byline,
            "published": self.published,
            "modified": self.modified,
            "body": self.body,
            "paragraphs": list(self.paragraphs),
            "subtitle": self.subtitle,
            "canonical_url": self.canonical_url,
            "language": self.language,
            "corrections": list(self.corrections),
        }

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["paragraphs"] = list(self.paragraphs)
        data["corrections"] = list(self.corrections)
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Article:
        known = {f for f in cls.__dataclass_fields__}
        values = {k: v for k, v in data.items() if k in known}
        values["paragraphs"] = tuple(values.get("paragraphs") or ())
        values["corrections"] = tuple(values.get("corrections") or ())
        return cls(**values)
