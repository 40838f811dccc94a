"""Render a diff report as one self-contained HTML page.

The page needs nothing else: the styles are inline, there are no scripts, images, fonts
or other files, and a Content-Security-Policy forbids loading any. It works offline and
can be attached or mailed as it is.

It shows the headline (linked to the article), both capture times, the severity and a
stealth-edit warning, then two views, switched by two radio buttons styled as tabs:
inline (deletions and insertions in one text) and side by side (the old version and the
new one in two columns, paragraph against paragraph). Unchanged paragraphs are folded
away in both. Light and dark colour schemes follow the reader's system setting.

Every piece of article text, and every attribute value, is HTML-escaped; the article's
URL is a link only when it is http(s).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from html import escape

from redline.archive.core.wording import plural
from redline.archive.diff.blocks import block_changed, blocks_from_ops, body_blocks
from redline.archive.diff.model import FIELD_LABELS, DiffReport, Ops, ParagraphOp, VersionRef
from redline.archive.diff.words import DELETE, EQUAL, INSERT, DiffOp, is_changed
from redline.archive.render.blocks import (
    STEALTH_TEXT,
    block_label,
    headline,
    is_web_url,
    summary,
)

CSP = (
    "default-src 'none'; style-src 'unsafe-inline'; img-src 'none'; "
    "base-uri 'none'; form-action 'none'"
)

MULTI_PARAGRAPH_FIELDS = frozenset({"body", "corrections"})

STYLE = """
:root {
  color-scheme: light dark;
  --bg: #ffffff; --fg: #1f2328; --muted: #59636e; --line: #d1d9e0; --panel: #f6f8fa;
  --del-bg: #ffebe9; --del-fg: #82071e; --ins-bg: #dafbe1; --ins-fg: #0f5323;
  --link: #0550ae; --warn-bg: #fff8c5; --warn-fg: #4d2d00; --warn-line: #d4a72c;
  --sev-none: #59636e; --sev-minor: #0550ae; --sev-moderate: #8a4600; --sev-major: #a40e26;
}
@media (prefers-color-scheme: dark) {
  :root {
    --bg: #0d1117; --fg: #e6edf3; --muted: #9198a1; --line: #3d444d; --panel: #151b23;
    --del-bg: #4c1a1d; --del-fg: #ffdcd7; --ins-bg: #12351f; --ins-fg: #aff5b4;
    --link: #79b8ff; --warn-bg: #3b2e0a; --warn-fg: #f8e3a1; --warn-line: #9e6a03;
    --sev-none: #9198a1; --sev-minor: #79b8ff; --sev-moderate: #f0b72f; --sev-major: #ff7b72;
  }
}
* { box-sizing: border-box; }
html { background: var(--bg); color: var(--fg); }
body {
  margin: 0 auto; max-width: 76rem; padding: 1.5rem 1.25rem 3rem;
  font: 16px/1.55 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue",
    Arial, sans-serif;
}
a { color: var(--link); }
header.report { border-bottom: 1px solid var(--line); padding-bottom: 1rem; }
.kicker { margin: 0; color: var(--muted); font-size: .85rem; letter-spacing: .04em;
  text-transform: uppercase; }
h1 { font: 700 1.7rem/1.25 Georgia, "Times New Roman", serif; margin: .3rem 0 .4rem; }
h1 a { color: inherit; text-decoration-thickness: 1px; text-underline-offset: .2em; }
.url { margin: 0 0 .8rem; font-size: .85rem; overflow-wrap: anywhere; }
.url a { color: var(--muted); }
.versions { display: flex; flex-wrap: wrap; gap: .4rem 2rem; margin: 0 0 .8rem; }
.versions div { display: flex; gap: .5rem; }
.versions dt { color: var(--muted); }
.versions dd { margin: 0; font-variant-numeric: tabular-nums; }
.severity { margin: .4rem 0; }
.badge { display: inline-block; padding: .05rem .55rem; border-radius: 1rem;
  border: 1px solid currentColor; font-weight: 600; font-size: .85rem; }
.sev-none { color: var(--sev-none); } .sev-minor { color: var(--sev-minor); }
.sev-moderate { color: var(--sev-moderate); } .sev-major { color: var(--sev-major); }
.reasons { margin: .3rem 0 0; padding-left: 1.3rem; }
.stealth { margin: .8rem 0 0; padding: .6rem .9rem; border-radius: .4rem;
  background: var(--warn-bg); color: var(--warn-fg); border: 1px solid var(--warn-line);
  font-weight: 600; }
.totals { margin: .6rem 0 0; color: var(--muted); font-size: .9rem; }
.view-toggle { position: absolute; opacity: 0; pointer-events: none; }
.views { display: flex; gap: .25rem; margin: 1.2rem 0 .8rem;
  border-bottom: 1px solid var(--line); }
.views label { padding: .45rem .9rem; cursor: pointer; color: var(--muted);
  border: 1px solid transparent; border-bottom: 0; border-radius: .4rem .4rem 0 0;
  margin-bottom: -1px; }
#view-inline:checked ~ .views label[for="view-inline"],
#view-side:checked ~ .views label[for="view-side"] {
  color: var(--fg); background: var(--bg); border-color: var(--line); font-weight: 600; }
#view-inline:focus-visible ~ .views label[for="view-inline"],
#view-side:focus-visible ~ .views label[for="view-side"] {
  outline: 2px solid var(--link); outline-offset: 2px; }
#view-inline:checked ~ main .side, #view-side:checked ~ main .inline { display: none; }
h2 { font-size: 1rem; margin: 1.4rem 0 .5rem; color: var(--muted);
  text-transform: uppercase; letter-spacing: .04em; }
.text, .para p, td { font-family: Georgia, "Times New Roman", serif; font-size: 1.05rem; }
.text { margin: 0; }
.inline { max-width: 46rem; }
.para { margin: 0 0 1rem; padding-left: .8rem; border-left: 3px solid var(--line); }
.para p { margin: 0; white-space: pre-wrap; overflow-wrap: anywhere; }
.para.op-add { border-left-color: var(--ins-fg); }
.para.op-remove { border-left-color: var(--del-fg); }
.label { display: block; color: var(--muted); font: .8rem/1.4 system-ui, sans-serif;
  margin-bottom: .15rem; }
del { background: var(--del-bg); color: var(--del-fg); text-decoration: line-through;
  text-decoration-thickness: 1px; border-radius: .2rem; }
ins { background: var(--ins-bg); color: var(--ins-fg); text-decoration: underline;
  text-decoration-thickness: 1px; text-underline-offset: .15em; border-radius: .2rem; }
del, ins { padding: 0 .12em; }
del + ins { margin-left: .25em; }
details.same { margin: 0 0 1rem; color: var(--muted); }
details.same summary { cursor: pointer; font-size: .9rem; }
details.same p { white-space: pre-wrap; margin: .5rem 0; color: var(--fg); }
table { width: 100%; border-collapse: collapse; table-layout: fixed; }
th, td { text-align: left; vertical-align: top; padding: .5rem .7rem;
  border-bottom: 1px solid var(--line); }
thead th { position: sticky; top: 0; background: var(--panel); font-weight: 600; }
td { white-space: pre-wrap; overflow-wrap: anywhere; }
td.missing { background: var(--panel); }
tr.field th { background: var(--panel); color: var(--muted); font-size: .85rem;
  text-transform: uppercase; letter-spacing: .04em; }
td details.same { margin: 0; white-space: normal; }
.none { color: var(--muted); font-style: italic; }
footer { margin-top: 2rem; color: var(--muted); font-size: .85rem; }
@media print {
  .views { display: none; }
  #view-inline:checked ~ main .side, #view-side:checked ~ main .inline { display: block; }
  thead th { position: static; }
}
"""


def _e(text: str) -> str:
    return escape(text, quote=True)


def _ref_label(ref: VersionRef) -> str:
    return f"Version {ref.version}"


def _time(ref: VersionRef) -> str:
    return f'<time datetime="{_e(ref.captured_at)}">{_e(ref.captured_at)}</time>'


def _op_html(op: str, text: str) -> str:
    if op == EQUAL:
        return _e(text)
    tag = "del" if op == DELETE else "ins"
    if text.isspace() and "\n" in text:
        what = "removed" if op == DELETE else "added"
        mark = f'<{tag} title="paragraph break {what}">¶</{tag}>'
        return mark + (_e(text) if op == INSERT else "")
    return f"<{tag}>{_e(text)}</{tag}>"


def inline_html(ops: Ops | Iterable[DiffOp]) -> str:
    """Word operations as one run of HTML: deletions in <del>, insertions in <ins>."""
    return "".join(_op_html(op, text) for op, text in ops)


def side_html(ops: Ops | Iterable[DiffOp], side: str) -> str:
    """One side of word operations: the old text (``side="-"``) or the new (``"+"``)."""
    skip = INSERT if side == DELETE else DELETE
    return "".join(_op_html(op, text) for op, text in ops if op != skip)


def _runs(blocks: list[ParagraphOp]) -> Iterator[tuple[bool, list[ParagraphOp]]]:
    """Consecutive blocks grouped into (changed?, blocks) runs."""
    run: list[ParagraphOp] = []
    changed = False
    for block in blocks:
        this = block_changed(block)
        if run and this != changed:
            yield changed, run
            run = []
        changed = this
        run.append(block)
    if run:
        yield changed, run


def _unchanged_summary(run: list[ParagraphOp]) -> str:
    return f"<summary>{plural(len(run), 'unchanged paragraph')}</summary>"


_CLASSES = {"=": "op-same", "+": "op-add", "-": "op-remove", "~": "op-edit", ">": "op-move"}


def _inline_blocks(blocks: list[ParagraphOp]) -> list[str]:
    out: list[str] = []
    for changed, run in _runs(blocks):
        if not changed:
            paragraphs = "".join(f"<p>{inline_html(b.ops)}</p>" for b in run)
            out.append(f'<details class="same">{_unchanged_summary(run)}{paragraphs}</details>')
            continue
        for block in run:
            out.append(
                f'<div class="para {_CLASSES.get(block.op, "op-edit")}">'
                f'<span class="label">{_e(block_label(block))}</span>'
                f"<p>{inline_html(block.ops)}</p></div>"
            )
    return out


def _cell(block: ParagraphOp, side: str) -> str:
    index = block.old if side == DELETE else block.new
    if index is None:
        return '<td class="missing"></td>'
    label = f"¶ {index + 1}"
    if block.op == ">":
        label += " (moved)"
    return f'<td><span class="label">{_e(label)}</span>{side_html(block.ops, side)}</td>'


def _side_blocks(blocks: list[ParagraphOp]) -> list[str]:
    out: list[str] = []
    for changed, run in _runs(blocks):
        if not changed:
            paragraphs = "".join(f"<p>{inline_html(b.ops)}</p>" for b in run)
            out.append(
                f'<tr><td colspan="2"><details class="same">{_unchanged_summary(run)}'
                f"{paragraphs}</details></td></tr>"
            )
            continue
        for block in run:
            out.append(f"<tr>{_cell(block, DELETE)}{_cell(block, INSERT)}</tr>")
    return out


def _field_blocks(report: DiffReport, name: str, ops: Ops) -> list[ParagraphOp]:
    return body_blocks(report.diff) if name == "body" else blocks_from_ops(ops)


def _shown_fields(report: DiffReport) -> list[tuple[str, Ops]]:
    shown = []
    for name, ops in report.diff.fields().items():
        if name in MULTI_PARAGRAPH_FIELDS:
            if any(block_changed(b) for b in _field_blocks(report, name, ops)):
                shown.append((name, ops))
        elif is_changed(ops):
            shown.append((name, ops))
    return shown


def _inline_view(report: DiffReport, fields: list[tuple[str, Ops]]) -> str:
    parts = ['<section class="inline" aria-label="Inline view">']
    for name, ops in fields:
        parts.append(f"<h2>{_e(FIELD_LABELS[name])}</h2>")
        if name in MULTI_PARAGRAPH_FIELDS:
            parts.extend(_inline_blocks(_field_blocks(report, name, ops)))
        else:
            parts.append(f'<p class="text">{inline_html(ops)}</p>')
    parts.append("</section>")
    return "\n".join(parts)


def _side_view(report: DiffReport, fields: list[tuple[str, Ops]]) -> str:
    old, new = report.from_ref, report.to_ref
    parts = [
        '<section class="side" aria-label="Side-by-side view">',
        "<table>",
        f'<thead><tr><th scope="col">{_ref_label(old)} · {_time(old)}</th>'
        f'<th scope="col">{_ref_label(new)} · {_time(new)}</th></tr></thead>',
        "<tbody>",
    ]
    for name, ops in fields:
        parts.append(f'<tr class="field"><th colspan="2">{_e(FIELD_LABELS[name])}</th></tr>')
        if name in MULTI_PARAGRAPH_FIELDS:
            parts.extend(_side_blocks(_field_blocks(report, name, ops)))
        else:
            parts.append(
                f"<tr><td>{side_html(ops, DELETE)}</td><td>{side_html(ops, INSERT)}</td></tr>"
            )
    parts.extend(["</tbody>", "</table>", "</section>"])
    return "\n".join(parts)


def _link(url: str, text: str) -> str:
    if not is_web_url(url):
        return _e(text)
    return f'<a href="{_e(url)}" rel="noopener noreferrer">{_e(text)}</a>'


def _header(report: DiffReport) -> str:
    title = headline(report)
    parts = [
        '<header class="report">',
        '<p class="kicker">What changed</p>',
        f"<h1>{_link(report.url, title or report.url)}</h1>",
        f'<p class="url">{_link(report.url, report.url)}</p>',
        '<dl class="versions">',
        f"<div><dt>From</dt><dd>{_ref_label(report.from_ref)} · captured "
        f"{_time(report.from_ref)}</dd></div>",
        f"<div><dt>To</dt><dd>{_ref_label(report.to_ref)} · captured "
        f"{_time(report.to_ref)}</dd></div>",
        "</dl>",
    ]
    significance = report.significance
    if significance is not None:
        severity = significance.severity
        parts.append(
            f'<p class="severity">Severity: <span class="badge sev-{_e(severity)}">'
            f"{_e(severity)}</span></p>"
        )
        if significance.reasons:
            items = "".join(f"<li>{_e(reason)}</li>" for reason in significance.reasons)
            parts.append(f'<ul class="reasons">{items}</ul>')
        if significance.stealth:
            parts.append(f'<p class="stealth" role="alert">⚠️ {_e(STEALTH_TEXT)}</p>')
    parts.append(f'<p class="totals">{_e(summary(report.diff))}</p>')
    parts.append("</header>")
    return "\n".join(parts)


def render_html(report: DiffReport) -> str:
    """The report as a complete HTML5 document, ending with a newline."""
    title = headline(report) or report.url
    page_title = f"{title} — version {report.from_ref.version} → {report.to_ref.version}"
    fields = _shown_fields(report)
    if fields:
        views = "\n".join(
            [
                '<input type="radio" name="view" id="view-inline" class="view-toggle" checked>',
                '<input type="radio" name="view" id="view-side" class="view-toggle">',
                '<nav class="views" aria-label="View">'
                '<label for="view-inline">Inline</label>'
                '<label for="view-side">Side by side</label></nav>',
                "<main>",
                _inline_view(report, fields),
                _side_view(report, fields),
                "</main>",
            ]
        )
    else:
        views = '<main><p class="none">No changes in the article.</p></main>'
    return html_page(
        page_title,
        STYLE,
        [
            _header(report),
            views,
            "<footer>Made by redline from two archived versions of the article.</footer>",
        ],
    )


def html_page(title: str, style: str, body: list[str]) -> str:
    """One self-contained page: no scripts, nothing fetched (the CSP forbids it)."""
    return (
        "\n".join(
            [
                "<!DOCTYPE html>",
                '<html lang="en">',
                "<head>",
                '<meta charset="utf-8">',
                f'<meta http-equiv="Content-Security-Policy" content="{_e(CSP)}">',
                '<meta name="referrer" content="no-referrer">',
                '<meta name="viewport" content="width=device-width, initial-scale=1">',
                '<meta name="color-scheme" content="light dark">',
                f"<title>{_e(title)}</title>",
                f"<style>{style}</style>",
                "</head>",
                "<body>",
                *body,
                "</body>",
                "</html>",
            ]
        )
        + "\n"
    )
