"""The archive site's pages: the index of articles and one page per article.

Every page stands alone: styles inline, nothing fetched (a Content-Security-Policy
forbids it), so the site works from a laptop's disk as well as from GitHub Pages or an
S3 website. The index is a plain table, readable without JavaScript; one small inline
script (allowed by its hash, and no other) adds filters by site, severity, stealth and
gone over the JSON index embedded in the page. The script reads that data and writes
only ``textContent`` and ``hidden``: article text never becomes markup.

Every piece of article text and every attribute value is HTML-escaped; an article's
URL is a link only when it is http(s).
"""

from __future__ import annotations

import base64
import hashlib
import json
from html import escape

from redline.archive.core.models import Article
from redline.archive.core.wording import plural
from redline.archive.render.blocks import STEALTH_TEXT, is_web_url
from redline.archive.render.site_model import Site, SiteArticle, SiteNote, SiteVersion

STYLE = """
:root {
  color-scheme: light dark;
  --bg: #ffffff; --fg: #1f2328; --muted: #59636e; --line: #d1d9e0; --panel: #f6f8fa;
  --link: #0550ae; --warn-bg: #fff8c5; --warn-fg: #4d2d00; --warn-line: #d4a72c;
  --sev-none: #59636e; --sev-minor: #0550ae; --sev-moderate: #8a4600; --sev-major: #a40e26;
}
@media (prefers-color-scheme: dark) {
  :root {
    --bg: #0d1117; --fg: #e6edf3; --muted: #9198a1; --line: #3d444d; --panel: #151b23;
    --link: #79b8ff; --warn-bg: #3b2e0a; --warn-fg: #f8e3a1; --warn-line: #9e6a03;
    --sev-none: #9198a1; --sev-minor: #79b8ff; --sev-moderate: #f0b72f; --sev-major: #ff7b72;
  }
}
* { box-sizing: border-box; }
html { background: var(--bg); color: var(--fg); }
body { margin: 0 auto; max-width: 76rem; padding: 1.5rem 1.25rem 3rem;
  font: 16px/1.55 system-ui, -apple-system, "Segoe UI", Roboto, Arial, sans-serif; }
a { color: var(--link); }
h1 { font: 700 1.7rem/1.25 Georgia, "Times New Roman", serif; margin: .3rem 0 .6rem; }
h2 { font-size: 1rem; margin: 1.6rem 0 .5rem; color: var(--muted);
  text-transform: uppercase; letter-spacing: .04em; }
.kicker, .muted { color: var(--muted); font-size: .9rem; }
.kicker { margin: 0; letter-spacing: .04em; text-transform: uppercase; }
.url { margin: 0 0 .8rem; font-size: .85rem; overflow-wrap: anywhere; }
.badge { display: inline-block; padding: 0 .5rem; border-radius: 1rem; white-space: nowrap;
  border: 1px solid currentColor; font-weight: 600; font-size: .8rem; }
.sev-none { color: var(--sev-none); } .sev-minor { color: var(--sev-minor); }
.sev-moderate { color: var(--sev-moderate); } .sev-major { color: var(--sev-major); }
.badge.stealth { background: var(--warn-bg); color: var(--warn-fg);
  border-color: var(--warn-line); }
.badge.status { color: var(--muted); }
form.filters { display: flex; flex-wrap: wrap; gap: .5rem 1.2rem; align-items: center;
  margin: 1rem 0; padding: .6rem .8rem; background: var(--panel); border-radius: .4rem; }
form.filters[hidden] { display: none; }
table { width: 100%; border-collapse: collapse; }
th, td { text-align: left; vertical-align: top; padding: .45rem .6rem;
  border-bottom: 1px solid var(--line); }
thead th { background: var(--panel); font-size: .85rem; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
td.when { white-space: nowrap; font-variant-numeric: tabular-nums; font-size: .9rem; }
td.headline a { font-family: Georgia, "Times New Roman", serif; font-size: 1.05rem; }
tr[hidden] { display: none; }
ol.timeline { list-style: none; padding: 0; margin: 0; }
ol.timeline > li { padding: .6rem 0 .6rem .9rem; border-left: 3px solid var(--line);
  margin-left: .3rem; }
ol.timeline > li.stealth { border-left-color: var(--warn-line); }
ol.timeline > li.note { color: var(--muted); }
.reasons { margin: .3rem 0 .3rem; padding-left: 1.3rem; }
.reasons li { padding: 0; border: 0; }
details.version { margin: .4rem 0; border: 1px solid var(--line); border-radius: .4rem;
  padding: .4rem .8rem; }
details.version summary { cursor: pointer; }
.text { white-space: pre-wrap; overflow-wrap: anywhere;
  font: 1.02rem/1.55 Georgia, "Times New Roman", serif; }
.article { font: 1.02rem/1.55 Georgia, "Times New Roman", serif; overflow-wrap: anywhere;
  max-width: 42rem; }
.article h3 { font-size: 1.3rem; margin: .6rem 0 .3rem; }
.article .standfirst { font-style: italic; }
.article .muted { font: .85rem/1.4 system-ui, sans-serif; }
.table-wrap { overflow-x: auto; }
@media (max-width: 40rem) {
  th.site, td.site, th.versions, td.versions { display: none; }
  td.when { white-space: normal; }
}
footer { margin-top: 2rem; color: var(--muted); font-size: .85rem; }
"""

#: The index page's filters: reads the embedded JSON, hides rows. No markup is built
#: from data (``textContent`` only).
SCRIPT = """(function () {
  "use strict";
  var data = JSON.parse(document.getElementById("site-data").textContent);
  var form = document.getElementById("filters");
  var rows = Array.prototype.slice.call(document.querySelectorAll("tr[data-i]"));
  var select = form.elements.namedItem("site");
  var sites = {};
  data.articles.forEach(function (a) { sites[a.site] = true; });
  Object.keys(sites).sort().forEach(function (name) {
    var option = document.createElement("option");
    option.value = name;
    option.textContent = name;
    select.appendChild(option);
  });
  function apply() {
    var site = select.value;
    var floor = Number(form.elements.namedItem("severity").value);
    var stealth = form.elements.namedItem("stealth").checked;
    var gone = form.elements.namedItem("gone").checked;
    var shown = 0;
    rows.forEach(function (row) {
      var a = data.articles[Number(row.getAttribute("data-i"))];
      var keep = (!site || a.site === site) && a.rank >= floor &&
        (!stealth || a.stealth) && (!gone || a.status !== null);
      row.hidden = !keep;
      if (keep) { shown += 1; }
    });
    document.getElementById("shown").textContent =
      shown.toLocaleString("en") + " of " + rows.length.toLocaleString("en") +
      " articles shown";
  }
  // Filters can be given in the address: index.html?site=example.com&severity=2&stealth=1
  var asked = new URLSearchParams(window.location.search);
  if (asked.has("site")) { select.value = asked.get("site"); }
  if (asked.has("severity")) {
    form.elements.namedItem("severity").value = asked.get("severity");
  }
  form.elements.namedItem("stealth").checked = asked.get("stealth") === "1";
  form.elements.namedItem("gone").checked = asked.get("gone") === "1";
  form.addEventListener("change", apply);
  form.hidden = false;
  apply();
})();"""


def _e(text: object) -> str:
    return escape(str(text), quote=True)


def _csp(scripts: tuple[str, ...] = ()) -> str:
    hashes = " ".join(
        f"'sha256-{base64.b64encode(hashlib.sha256(s.encode()).digest()).decode()}'"
        for s in scripts
    )
    script = f"script-src {hashes}; " if hashes else ""
    return (
        f"default-src 'none'; style-src 'unsafe-inline'; {script}img-src 'none'; "
        "base-uri 'none'; form-action 'none'"
    )


def page(title: str, body: list[str], *, head: tuple[str, ...] = (), script: str = "") -> str:
    """One self-contained page; ``script`` is its one inline script, if any."""
    return (
        "\n".join(
            [
                "<!DOCTYPE html>",
                '<html lang="en">',
                "<head>",
                '<meta charset="utf-8">',
                f'<meta http-equiv="Content-Security-Policy" '
                f'content="{_e(_csp((script,) if script else ()))}">',
                '<meta name="referrer" content="no-referrer">',
                '<meta name="viewport" content="width=device-width, initial-scale=1">',
                '<meta name="color-scheme" content="light dark">',
                f"<title>{_e(title)}</title>",
                *head,
                f"<style>{STYLE}</style>",
                "</head>",
                "<body>",
                *body,
                f"<script>{script}</script>" if script else "",
                "</body>",
                "</html>",
            ]
        )
        + "\n"
    )


def json_for_html(data: object) -> str:
    """JSON that can sit inside a ``<script type="application/json">`` element: no
    ``<``, ``>`` or ``&`` that could end it or start markup."""
    text = json.dumps(data, ensure_ascii=True, separators=(",", ":"))
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def _link(url: str, text: str, cls: str = "") -> str:
    attr = f' class="{cls}"' if cls else ""
    if not is_web_url(url):
        return f"<span{attr}>{_e(text)}</span>"
    return f'<a{attr} href="{_e(url)}" rel="noopener noreferrer">{_e(text)}</a>'


def badges(severity: str, stealth: bool, status: str = "") -> str:
    out = [f'<span class="badge sev-{_e(severity)}">{_e(severity)}</span>']
    if stealth:
        out.append('<span class="badge stealth" title="Stealth edit">stealth</span>')
    if status:
        out.append(f'<span class="badge status">{_e(status)}</span>')
    return " ".join(out)


def _time(at: str | None) -> str:
    if not at:
        return ""
    return f'<time datetime="{_e(at)}">{_e(at)}</time>'


# -- the index --------------------------------------------------------------------------------
def render_index(site: Site) -> str:
    """The list of articles, newest change first, with the filters' script."""
    data = {"articles": [a.index_entry() for a in site.articles]}
    rows = []
    for i, article in enumerate(site.articles):
        title = article.title or article.url
        rows.append(
            f'<tr data-i="{i}">'
            f'<td class="headline"><a href="{_e(article.path)}/index.html">{_e(title)}</a></td>'
            f'<td class="site">{_e(article.host)}</td>'
            f'<td class="num versions">{len(article.versions)}</td>'
            f'<td class="when">{_time(article.last_change)}</td>'
            f"<td>{badges(article.severity, article.stealth, article.status)}</td>"
            "</tr>"
        )
    changes = sum(len(a.changes) for a in site.articles)
    stealth = sum(1 for a in site.articles for v in a.changes if v.stealth)
    filters = "\n".join(
        [
            '<form class="filters" id="filters" hidden aria-label="Filters">',
            '<label>Site <select name="site"><option value="">all sites</option></select></label>',
            '<label>Severity <select name="severity">'
            '<option value="0">any</option><option value="1">minor or more</option>'
            '<option value="2">moderate or more</option><option value="3">major</option>'
            "</select></label>",
            '<label><input type="checkbox" name="stealth"> stealth edits only</label>',
            '<label><input type="checkbox" name="gone"> gone or redirected only</label>',
            '<output id="shown" class="muted"></output>',
            "</form>",
        ]
    )
    body = [
        "<header>",
        '<p class="kicker">redline archive</p>',
        f"<h1>{_e(site.title)}</h1>",
        f'<p class="muted">{plural(len(site.articles), "article")}, '
        f"{plural(changes, 'change')}, {plural(stealth, 'stealth edit')}. "
        'Feeds: <a href="feed.xml">all changes</a> · '
        '<a href="stealth.xml">stealth edits</a> · <a href="index.json">JSON index</a></p>',
        "</header>",
        filters,
        "<main>",
        '<div class="table-wrap"><table>',
        '<thead><tr><th scope="col">Headline</th><th scope="col" class="site">Site</th>'
        '<th scope="col" class="num versions">Versions</th><th scope="col">Last change</th>'
        '<th scope="col">Severity</th></tr></thead>',
        "<tbody>",
        *rows,
        "</tbody>",
        "</table></div>",
        "</main>",
        f'<script type="application/json" id="site-data">{json_for_html(data)}</script>',
        "<footer>Made by redline from its archive. Every version is kept in OCFL.</footer>",
    ]
    head = (
        '<link rel="alternate" type="application/atom+xml" title="All changes" href="feed.xml">',
        '<link rel="alternate" type="application/atom+xml" title="Stealth edits" '
        'href="stealth.xml">',
    )
    return page(site.title, body, head=head, script=SCRIPT)


# -- an article -------------------------------------------------------------------------------
def _version_item(version: SiteVersion) -> str:
    when = _time(version.captured_at)
    if version.version == 1:
        return f'<li id="v1"><strong>Version 1</strong> · {when} · first capture</li>'
    cls = ' class="stealth"' if version.stealth else ""
    parts = [
        f'<li id="v{version.version}"{cls}><strong>Version {version.version}</strong> · {when} · '
        f"{badges(version.severity, version.stealth)} · "
        f"+{version.inserted} −{version.deleted} words",
    ]
    if version.reverts_to is not None:
        parts.append(f" · puts version {version.reverts_to} back")
    if version.reasons:
        items = "".join(f"<li>{_e(r)}</li>" for r in version.reasons)
        parts.append(f'<ul class="reasons">{items}</ul>')
    if version.stealth:
        parts.append(f'<p class="muted">{_e(STEALTH_TEXT)}</p>')
    page_name = version.diff_page
    if page_name:
        parts.append(
            f'<p><a href="{_e(page_name)}">What changed from version {version.version - 1}: '
            "inline and side by side</a></p>"
        )
    parts.append("</li>")
    return "".join(parts)


def _article_html(article: Article | None, text: str) -> str:
    """A version as a reader would see it: headline, standfirst, byline and dates, then
    the paragraphs; all text escaped."""
    if article is None:
        return f'<div class="text">{_e(text)}</div>'
    parts = ['<div class="article">']
    if article.title:
        parts.append(f"<h3>{_e(article.title)}</h3>")
    if article.subtitle:
        parts.append(f'<p class="standfirst">{_e(article.subtitle)}</p>')
    meta = [
        f"{label} {_e(value)}"
        for label, value in (
            ("By", article.byline),
            ("Published", article.published),
            ("Modified", article.modified),
        )
        if value
    ]
    if meta:
        parts.append(f'<p class="muted">{" · ".join(meta)}</p>')
    parts += [f"<p>{_e(paragraph)}</p>" for paragraph in article.paragraphs]
    parts.append("</div>")
    return "".join(parts)


def _note_item(note: SiteNote) -> str:
    reason = f": {_e(note.reason)}" if note.reason else ""
    return f'<li class="note"><strong>{_e(note.event)}</strong> · {_time(note.at)}{reason}</li>'


def _checks(article: SiteArticle) -> str:
    """The checks that found nothing new, in one line."""
    if not article.checks or not article.last_checked:
        return ""
    text = (
        f"Captured or checked {plural(article.checks, 'time')}, last at "
        f"{_time(article.last_checked)}"
    )
    if article.unchanged_since:
        text += f"; the same since {_time(article.unchanged_since)}"
    return f'<p class="muted checks">{text}.</p>'


def render_article(article: SiteArticle, site_title: str) -> str:
    """The page of one article: its timeline, then every version's text."""
    title = article.title or article.url
    items: list[tuple[str, int, str]] = [
        (v.captured_at, 1, _version_item(v)) for v in article.versions
    ] + [(n.at, 0, _note_item(n)) for n in article.notes]
    timeline = [html for _at, _order, html in sorted(items, key=lambda i: (i[0], i[1]))]
    texts = []
    for version in reversed(article.versions):
        if version.text is None:
            continue
        texts.append(
            f'<details class="version"{" open" if version is article.versions[-1] else ""}>'
            f"<summary>Version {version.version} · {_e(version.captured_at)}</summary>"
            f"{_article_html(version.article, version.text)}</details>"
        )
    body = [
        '<nav class="muted"><a href="../../index.html">← All articles</a></nav>',
        "<header>",
        f'<p class="kicker">{_e(article.host)}</p>',
        f"<h1>{_link(article.url, title)}</h1>",
        f'<p class="url">{_link(article.url, article.url)}</p>',
        f"<p>{plural(len(article.versions), 'version')} · "
        f"{badges(article.severity, article.stealth, article.status)} · "
        '<a href="feed.xml">feed of its changes</a></p>',
        "</header>",
        "<main>",
        "<h2>Timeline</h2>",
        '<ol class="timeline">',
        *timeline,
        "</ol>",
        _checks(article),
        "<h2>Versions</h2>",
        *texts,
        "</main>",
        f"<footer>Made by redline from its archive ({_e(site_title)}).</footer>",
    ]
    head = ('<link rel="alternate" type="application/atom+xml" href="feed.xml">',)
    return page(f"{title} — redline", body, head=head)


def with_back_link(diff_page: str) -> str:
    """A diff page (``render_html``) with a link back to its article's page."""
    nav = (
        '<nav style="font-size:.9rem"><a href="index.html">← All versions of this article</a></nav>'
    )
    return diff_page.replace("<body>\n", f"<body>\n{nav}\n", 1)
