"""The registry of output formats: every way a diff or a report can be shown.

Commands offer exactly the formats named here (``--format``), and a new format is one
entry: a function from the model (a ``DiffReport`` or a watch ``Report``) to text that
ends with a newline, ready to print or write to a file.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from redline.archive.diff.model import DiffReport
from redline.archive.render.diff_html import render_html
from redline.archive.render.diff_json import render_json
from redline.archive.render.diff_markdown import render_markdown
from redline.archive.render.diff_text import render_text
from redline.archive.render.report_html import render_report_html
from redline.archive.render.report_markdown import render_report_json, render_report_markdown
from redline.archive.watch.report import Report


@dataclass(frozen=True)
class DiffOptions:
    """What a person may ask of a diff's rendering (the text format uses both)."""

    color: bool = False
    context: int = 1


#: A diff: for a terminal (or with [-…-]{+…+} markers when piped), GitHub Markdown, one
#: self-contained HTML page, or one JSON object.
DIFF_FORMATS: dict[str, Callable[[DiffReport, DiffOptions], str]] = {
    "text": lambda report, o: render_text(report, color=o.color, context=o.context),
    "markdown": lambda report, o: render_markdown(report),
    "html": lambda report, o: render_html(report),
    "json": lambda report, o: render_json(report) + "\n",
}

#: A watch report: Markdown that fits a step summary, one JSON object, one HTML page.
REPORT_FORMATS: dict[str, Callable[[Report], str]] = {
    "markdown": render_report_markdown,
    "json": render_report_json,
    "html": render_report_html,
}


def render_diff(fmt: str, report: DiffReport, options: DiffOptions | None = None) -> str:
    """``report`` in the diff format called ``fmt`` (one of ``DIFF_FORMATS``)."""
    return DIFF_FORMATS[fmt](report, options or DiffOptions())


def render_report(fmt: str, report: Report) -> str:
    """``report`` in the report format called ``fmt`` (one of ``REPORT_FORMATS``)."""
    return REPORT_FORMATS[fmt](report)
