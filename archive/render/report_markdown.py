"""Render a watch report as GitHub-flavoured Markdown (a workflow step summary) or JSON.

The Markdown opens with a heading naming the run or the period, when it ran and one
sentence of counts; then a section for each non-empty list: changed articles as a table
(severity, a **stealth** mark, the reasons and an excerpt with ``~~deleted~~`` and
``**inserted**`` words), then new, gone, redirected, blocked and suspect articles and
errors as lists. A report with nothing notable says so in one line.

A step summary holds at most 1 MiB, so long lists end with "… and N more" and are cut
shorter until the whole is below 1,000,000 bytes. Text from pages and logs is escaped
as ``redline diff`` escapes it: it cannot add links, images, HTML or table cells, nor
mention anyone.

The JSON is one object; its keys are a contract (later versions only add keys)::

    {"runs": [...], "since": str|null, "checked": n, "counts": {event: n, ...},
     "changed": [...], "new": [...], "gone": [...], "redirected": [...],
     "blocked": [...], "suspect": [...], "errors": [...]}
"""

from __future__ import annotations

import json
import re

from redline.archive.core.wording import clip
from redline.archive.render.blocks import is_web_url
from redline.archive.render.diff_markdown import escape, render_ops
from redline.archive.watch.report import (
    NOTHING_NOTABLE,
    SECTION_TITLES,
    Item,
    Report,
    sentence,
    title,
    when,
)

#: The Markdown stays below this many bytes, under a step summary's limit (1 MiB).
MAX_BYTES = 1_000_000
#: Rows of the changed table, and entries of each other list, before "… and N more".
TABLE_ROWS = 100
LIST_ITEMS = 200
#: Reasons and run notes longer than this are shortened.
REASON_CHARS = 300
#: Runs named one by one in a report on a period.
RUNS_NAMED = 20

# Characters json.dumps leaves raw that some readers take for line ends.
_LINE_SEPARATORS = {"\x85": "\\u0085", "\u2028": "\\u2028", "\u2029": "\\u2029"}


def render_report_json(report: Report) -> str:
    """The report as one line of JSON, keys in the documented order, with a newline."""
    text = json.dumps(report.to_dict(), ensure_ascii=False)
    for char, escaped in _LINE_SEPARATORS.items():
        text = text.replace(char, escaped)
    return text + "\n"


def _short(text: str, size: int = REASON_CHARS) -> str:
    return clip(text, size)


def _target(url: str) -> str:
    """A URL as a Markdown link destination, in angle brackets."""
    return "<" + re.sub(r"[\s<>\\]", lambda m: f"%{ord(m.group()):02X}", url) + ">"


def _link(url: str, text: str | None = None) -> str:
    shown = escape(_short((text or "").strip() or url))
    return f"[{shown}]({_target(url)})" if is_web_url(url) else shown


def _changed_table(items: list[Item], limit: int, timed: bool) -> list[str]:
    head = ["Article", "Version", "Severity", "Why", "Excerpt"] + (["When"] if timed else [])
    lines = ["| " + " | ".join(head) + " |", "|" + " --- |" * len(head)]
    for item in items[:limit]:
        severity = escape(item.severity or "")
        if item.stealth:
            severity = f"{severity}, **stealth**" if severity else "**stealth**"
        excerpt = ""
        if item.excerpt is not None:
            excerpt = render_ops(item.excerpt.ops, shorten=False)
            if item.excerpt.field != "body":
                excerpt = (
                    f"*{escape(item.excerpt.field.replace('_', ' ').capitalize())}:* {excerpt}"
                )
        cells = [
            _link(item.url, item.title),
            f"v{item.version}" if item.version else "",
            severity,
            escape(_short(item.reason or "")),
            excerpt,
        ] + ([escape(item.at or "")] if timed else [])
        lines.append("| " + " | ".join(cells) + " |")
    return lines


def _entry(section: str, item: Item, timed: bool) -> str:
    text = _link(item.url, item.title)
    if item.version:
        text += f" · v{item.version}"
    if section == "redirected" and item.location:
        text += f" → {_link(item.location)}"
    elif item.reason and section != "new":
        text += f": {escape(_short(item.reason))}"
    if timed and item.at:
        text += f" · {escape(item.at)}"
    return f"- {text}"


def _more(count: int, limit: int) -> list[str]:
    return [f"*… and {count - limit:,} more*"] if count > limit else []


def _render(report: Report, rows: int, entries: int) -> str:
    lines = [f"## redline report: {escape(title(report))}", ""]
    lines.append(escape(when(report)))
    if len(report.runs) > 1:
        named = ", ".join(escape(run.run) for run in report.runs[-RUNS_NAMED:][::-1])
        hidden = len(report.runs) - RUNS_NAMED
        lines[-1] += f" Runs, newest first: {named}" + (
            f" and {hidden:,} more." if hidden > 0 else "."
        )
    lines += ["", f"**{escape(sentence(report))}**", ""]
    if not report.notable:
        lines += [NOTHING_NOTABLE, ""]
    timed = len(report.runs) > 1
    for section, items in report.sections.items():
        if not items:
            continue
        lines += [f"### {SECTION_TITLES[section]} ({len(items):,})", ""]
        if section == "changed":
            lines += _changed_table(items, rows, timed)
            lines += [""] + _more(len(items), rows)
        else:
            lines += [_entry(section, item, timed) for item in items[:entries]]
            lines += [""] + _more(len(items), entries)
        if lines[-1]:
            lines.append("")
    notes = [(run.run, note) for run in report.runs for note in run.notes]
    if notes:
        lines += ["### Notes", ""]
        several = len(report.runs) > 1  # one run's notes need no run id
        lines += [
            f"- {escape(run) + ': ' if several else ''}{escape(_short(note))}"
            for run, note in notes[:entries]
        ]
        lines += [""] + _more(len(notes), entries)
    return "\n".join(lines).rstrip("\n") + "\n"


def render_report_markdown(report: Report, max_bytes: int = MAX_BYTES) -> str:
    """The report as GitHub-flavoured Markdown below ``max_bytes``, ending with a newline."""
    rows, entries = TABLE_ROWS, LIST_ITEMS
    while True:
        text = _render(report, rows, entries)
        if len(text.encode()) < max_bytes or (rows == entries == 0):
            return text
        rows, entries = rows // 2, entries // 2
