"""Render a diff report as one line of JSON, for scripts.

The shape is a contract; later versions only add keys::

    {"url": ..., "from": {"version": 1, "captured_at": ...},
     "to": {"version": 2, "captured_at": ...},
     "fields": {"title": OPS, "subtitle": OPS, "byline": OPS, "published": OPS,
                "modified": OPS, "body": OPS, "corrections": OPS},
     "inserted_words": 3, "deleted_words": 2, "changed": true}

where OPS is a list of ``[op, text]`` pairs, ``op`` one of ``"="``, ``"-"``, ``"+"``.
Keys are sorted and the output is compact, so the same report always gives the same
bytes.
"""

from __future__ import annotations

import json
from typing import Any

from redline.archive.diff.model import DiffReport, VersionRef

# Characters json.dumps leaves raw that some readers take for line ends.
_LINE_SEPARATORS = {"\x85": "\\u0085", "\u2028": "\\u2028", "\u2029": "\\u2029"}


def _ref(ref: VersionRef) -> dict[str, Any]:
    return {"version": ref.version, "captured_at": ref.captured_at}


def report_dict(report: DiffReport) -> dict[str, Any]:
    """The report as plain JSON-ready data."""
    diff = report.diff
    data: dict[str, Any] = {
        "url": report.url,
        "from": _ref(report.from_ref),
        "to": _ref(report.to_ref),
        "fields": {name: [[op, text] for op, text in ops] for name, ops in diff.fields().items()},
        "inserted_words": diff.inserted_words,
        "deleted_words": diff.deleted_words,
        "changed": diff.changed,
        "paragraphs": [p.to_dict() for p in diff.paragraphs],
    }
    if report.significance is not None:
        data.update(report.significance.to_dict())
    return data


def render_json(report: DiffReport) -> str:
    """The report as one line of compact JSON with sorted keys (no trailing newline)."""
    text = json.dumps(
        report_dict(report), ensure_ascii=False, sort_keys=True, separators=(",", ":")
    )
    for char, escape in _LINE_SEPARATORS.items():
        text = text.replace(char, escape)
    return text
