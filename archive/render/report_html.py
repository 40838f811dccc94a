"""Render a watch report as one self-contained HTML page.

Like ``redline diff --format html``: the styles are inline, there are no scripts,
images, fonts or other files, and a Content-Security-Policy forbids loading any. Every
piece of text from a page or a run log is HTML-escaped, and only http(s) URLs become
links. Light and dark colour schemes follow the reader's system setting.
"""

from __future__ import annotations

from html import escape

from redline.archive.render.blocks import is_web_url
from redline.archive.render.diff_html import html_page, inline_html
from redline.archive.watch.report import (
    NOTHING_NOTABLE,
    SECTION_TITLES,
    Item,
    Report,
    sentence,
    title,
    when,
)

STYLE = """
:root {
  color-scheme: light dark;
  --bg: #ffffff; --fg: #1f2328; --muted: #59636e; --line: #d1d9e0; --panel: #f6f8fa;
  --del-bg: #ffebe9; --del-fg: #82071e; --ins-bg: #dafbe1; --ins-fg: #0f5323;
  --link: #0550ae; --warn-fg: #9a3412; --major: #a40e26; --moderate: #8a4600;
}
@media (prefers-color-scheme: dark) {
  :root {
    --bg: #0d1117; --fg: #e6edf3; --muted: #9198a1; --line: #3d444d; --panel: #151b23;
    --del-bg: #4c1a1d; --del-fg: #ffdcd7; --ins-bg: #12351f; --ins-fg: #aff5b4;
    --link: #79b8ff; --warn-fg: #f0b72f; --major: #ff7b72; --moderate: #f0b72f;
  }
}
* { box-sizing: border-box; }
html { background: var(--bg); color: var(--fg); }
body { margin: 0 auto; max-width: 76rem; padding: 1.5rem 1.25rem 3rem;
  font: 16px/1.55 system-ui, -apple-system, "Segoe UI", Roboto, Arial, sans-serif; }
a { color: var(--link); overflow-wrap: anywhere; }
h1 { font-size: 1.5rem; margin: 0 0 .3rem; }
h2 { font-size: 1.1rem; margin: 1.8rem 0 .6rem; }
.when, .more, .none { color: var(--muted); }
.counts { font-weight: 600; }
table { width: 100%; border-collapse: collapse; }
th, td { text-align: left; vertical-align: top; padding: .45rem .6rem;
  border-bottom: 1px solid var(--line); }
th { background: var(--panel); font-weight: 600; }
td.excerpt { font-family: Georgia, "Times New Roman", serif; overflow-wrap: anywhere; }
.sev-major { color: var(--major); font-weight: 600; }
.sev-moderate { color: var(--moderate); font-weight: 600; }
.stealth { color: var(--warn-fg); font-weight: 700; }
.field { color: var(--muted); font-style: italic; }
/* Deleted words are struck through and inserted ones underlined, so the two differ
   without colour too: printed in black and white, or read by a colour-blind reader. */
del { background: var(--del-bg); color: var(--del-fg); text-decoration: line-through;
  text-decoration-thickness: 1px; }
ins { background: var(--ins-bg); color: var(--ins-fg); text-decoration: underline;
  text-decoration-thickness: 1px; text-underline-offset: .15em; }
ul { padding-left: 1.3rem; }
li { margin: .2rem 0; overflow-wrap: anywhere; }
.detail { color: var(--muted); }
footer { margin-top: 2rem; color: var(--muted); font-size: .85rem; }
"""


def _e(text: object) -> str:
    return escape(str(text), quote=True)


def _link(url: str, text: str | None = None) -> str:
    shown = _e((text or "").strip() or url)
    if not is_web_url(url):
        return shown
    return f'<a href="{_e(url)}" rel="noopener noreferrer">{shown}</a>'


def _changed(items: list[Item], timed: bool) -> list[str]:
    heads = ["Article", "Version", "Severity", "Why", "Excerpt"] + (["When"] if timed else [])
    out = [
        "<table>",
        "<thead><tr>" + "".join(f'<th scope="col">{h}</th>' for h in heads) + "</tr></thead>",
        "<tbody>",
    ]
    for item in items:
        severity = _e(item.severity or "")
        if item.stealth:
            severity += ' <span class="stealth">stealth</span>'
        excerpt = ""
        if item.excerpt is not None:
            excerpt = inline_html(item.excerpt.ops)
            if item.excerpt.field != "body":
                label = item.excerpt.field.replace("_", " ").capitalize()
                excerpt = f'<span class="field">{_e(label)}:</span> {excerpt}'
        cells = [
            f"<td>{_link(item.url, item.title)}</td>",
            f"<td>{'v' + str(item.version) if item.version else ''}</td>",
            f'<td class="sev-{_e(item.severity or "none")}">{severity}</td>',
            f"<td>{_e(item.reason or '')}</td>",
            f'<td class="excerpt">{excerpt}</td>',
        ] + ([f"<td>{_e(item.at or '')}</td>"] if timed else [])
        out.append("<tr>" + "".join(cells) + "</tr>")
    out += ["</tbody>", "</table>"]
    return out


def _entry(section: str, item: Item, timed: bool) -> str:
    text = _link(item.url, item.title)
    details = []
    if item.version:
        details.append(f"v{item.version}")
    if timed and item.at:
        details.append(_e(item.at))
    if details:
        text += f' <span class="detail">· {" · ".join(details)}</span>'
    if section == "redirected" and item.location:
        text += f" → {_link(item.location)}"
    elif item.reason and section != "new":
        text += f": {_e(item.reason)}"
    return f"<li>{text}</li>"


def render_report_html(report: Report) -> str:
    """The report as a complete HTML5 document, ending with a newline."""
    heading = f"redline report: {title(report)}"
    body = [
        "<header>",
        f"<h1>{_e(heading)}</h1>",
        f'<p class="when">{_e(when(report))}</p>',
        f'<p class="counts">{_e(sentence(report))}</p>',
        "</header>",
        "<main>",
    ]
    if len(report.runs) > 1:
        runs = "".join(
            f'<li>{_e(run.run)} <span class="detail">· {_e(run.started)}'
            f"{' · shard ' + _e(run.shard) if run.shard else ''}</span></li>"
            for run in reversed(report.runs)
        )
        body.append(f"<details><summary>Runs, newest first</summary><ul>{runs}</ul></details>")
    if not report.notable:
        body.append(f'<p class="none">{_e(NOTHING_NOTABLE)}</p>')
    timed = len(report.runs) > 1
    for section, items in report.sections.items():
        if not items:
            continue
        body.append(f'<section id="{section}">')
        body.append(f"<h2>{SECTION_TITLES[section]} ({len(items):,})</h2>")
        if section == "changed":
            body += _changed(items, timed)
        else:
            body.append("<ul>" + "".join(_entry(section, i, timed) for i in items) + "</ul>")
        body.append("</section>")
    notes = [(run.run, note) for run in report.runs for note in run.notes]
    if notes:
        several = len(report.runs) > 1  # one run's notes need no run id
        items_html = "".join(
            f"<li>{_e(run) + ': ' if several else ''}{_e(note)}</li>" for run, note in notes
        )
        body.append(f'<section id="notes"><h2>Notes</h2><ul>{items_html}</ul></section>')
    body.append("</main>")
    return html_page(
        heading,
        STYLE,
        [*body, "<footer>Made by redline from the logs of its watch runs.</footer>"],
    )
