"""Markdown and HTML renderings of a diff report: shape, escaping, no outside resources,
and the HTML page as a real browser (Debian's chromium, headless) builds and draws it."""

from __future__ import annotations

import dataclasses
import html
import os
import random
import re
import shutil
import struct
import subprocess
from collections.abc import Callable
from html.parser import HTMLParser
from pathlib import Path

import pytest
from click.testing import Result
from markdown_it import MarkdownIt

from redline.archive.core.models import Article
from redline.archive.diff.model import (
    DiffReport,
    ParagraphOp,
    Significance,
    VersionRef,
    diff_articles,
)
from redline.archive.diff.words import diff_words
from redline.archive.render.diff_html import render_html
from redline.archive.render.diff_markdown import render_markdown, render_ops

Run = Callable[..., Result]

HOSTILE_DIR = Path(__file__).parent / "fixtures" / "hostile"
HOSTILE_URL = "https://gazette.example/news/2026/05/02/budget-vote"

SCRIPT = "<script>alert(1)</script>"
IMG = '"><img src=x onerror=alert(1)>'

URL = "https://news.example/2026/11/library"
FROM = VersionRef(1, "2026-11-24T08:05:00Z")
TO = VersionRef(2, "2026-11-25T10:40:00Z")

OLD = Article(
    title="Council votes 12 to 3 to close library",
    byline="By Ana Ruiz",
    paragraphs=(
        "The city council voted 12 to 3 on Tuesday to close the Elm Street library.",
        "Untouched paragraph one.",
        "The mayor was absent.",
        "Untouched paragraph two.",
    ),
)
NEW = Article(
    title="Council votes 9 to 3 to close library",
    byline="By Ana Ruiz",
    paragraphs=(
        "The city council voted 9 to 3 on Tuesday to close the Elm Street library.",
        "Untouched paragraph one.",
        "Untouched paragraph two.",
        f"Residents said {SCRIPT} and {IMG} in protest.",
    ),
)
STEALTH = Significance(
    severity="major",
    reasons=("number changed: 12 → 9", f"quote changed {SCRIPT}"),
    stealth=True,
    signals={"modified_changed": False},
)


def make_report(
    old: Article = OLD,
    new: Article = NEW,
    *,
    url: str = URL,
    significance: Significance | None = STEALTH,
    paragraphs: tuple[ParagraphOp, ...] | None = None,
) -> DiffReport:
    diff = diff_articles(old, new)
    if paragraphs is not None:
        diff = dataclasses.replace(diff, paragraphs=paragraphs)
    return DiffReport(url, FROM, TO, diff, title=new.title, significance=significance)


def gfm(markdown: str) -> str:
    """Markdown as GitHub would turn it into HTML (raw HTML allowed, as GitHub does)."""
    return (
        MarkdownIt("commonmark", {"html": True}).enable(["strikethrough", "table"]).render(markdown)
    )


class Dom(HTMLParser):
    """Every start tag with its attributes, and the text, of an HTML document."""

    def __init__(self, document: str) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.texts: list[str] = []
        self._skip = 0
        self.feed(document)
        self.close()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))
        if tag in {"style", "title"}:
            self._skip += 1

    def handle_endtag(self, tag: str) -> None:
        if tag in {"style", "title"}:
            self._skip -= 1

    def handle_data(self, data: str) -> None:
        if not self._skip:
            self.texts.append(data)

    @property
    def text(self) -> str:
        return "".join(self.texts)

    def named(self, tag: str) -> list[dict[str, str | None]]:
        return [attrs for name, attrs in self.tags if name == tag]


def visible(text: str) -> str:
    """Text as a reader sees it, whitespace collapsed and the anti-mention joiner gone."""
    return " ".join(text.replace("\u2060", "").split())


# -- Markdown ------------------------------------------------------------------------------


def test_markdown_header_links_headline_and_flags_stealth() -> None:
    lines = render_markdown(make_report()).splitlines()
    assert lines[0] == f"### [Council votes 9 to 3 to close library](<{URL}>)"
    text = "\n".join(lines)
    assert "Version 1 (2026-11-24T08:05:00Z) → version 2 (2026-11-25T10:40:00Z)" in text
    assert "**Severity: major**: number changed: 12 → 9; quote changed" in text
    assert "⚠️ **Stealth edit" in text
    page = gfm(text)
    assert f'<h3><a href="{URL}">Council votes 9 to 3 to close library</a></h3>' in page
    assert "<blockquote>" in page


def test_markdown_without_significance_or_aligned_paragraphs() -> None:
    text = render_markdown(make_report(significance=None, paragraphs=()))
    assert "Severity" not in text and "Stealth" not in text
    assert "~~12~~ **9**" in text
    assert "Untouched paragraph one" not in text
    assert "*¶ 3 removed:* ~~The mayor was absent.~~" in text


def test_markdown_changes_parse_as_strikethrough_and_bold() -> None:
    text = render_markdown(make_report())
    assert "**Title:** Council votes ~~12~~ **9** to 3 to close library" in text
    page = gfm(text)
    assert "<s>12</s> <strong>9</strong>" in page
    assert "~~" not in page


def test_markdown_shows_changed_paragraphs_and_labels_moves() -> None:
    old = Article(title="T", paragraphs=("Alpha stays.", "Beta moves down.", "Gamma stays."))
    new = Article(title="T", paragraphs=("Alpha stays.", "Gamma stays.", "Beta moves down."))
    aligned = (
        ParagraphOp("=", 0, 0, (("=", "Alpha stays."),)),
        ParagraphOp("=", 2, 1, (("=", "Gamma stays."),)),
        ParagraphOp(">", 1, 2, (("=", "Beta moves down."),)),
    )
    text = render_markdown(make_report(old, new, significance=None, paragraphs=aligned))
    assert "*¶ 3 moved from ¶ 2:* Beta moves down." in text
    assert "Alpha" not in text and "Gamma" not in text


def test_markdown_fills_in_paragraph_ops_when_left_out() -> None:
    aligned = (
        ParagraphOp("~", 0, 0),
        ParagraphOp("=", 1, 1),
        ParagraphOp("-", 2, None),
        ParagraphOp("=", 3, 2),
        ParagraphOp("+", None, 3),
    )
    text = render_markdown(make_report(significance=None, paragraphs=aligned))
    assert "*¶ 1 edited:* The city council voted ~~12~~ **9** to 3 on" in text
    assert "*¶ 3 removed:* ~~The mayor was absent.~~" in text
    assert "*¶ 4 added:* **Residents said" in text


HOSTILE_MARKDOWN = (
    "# Not a heading *not emphasis* _nor this_ [a link](https://evil.example) "
    "![img](https://evil.example/x.png) `code` | a | table | ~~struck~~ "
    f"{SCRIPT} {IMG} &lt;entity&gt; <https://evil.example/auto> @someone"
)


def assert_only_own_formatting(page: str, url: str) -> None:
    """Emphasis and code only where the renderer put them: labels, totals, the URL."""
    for emphasis in re.findall(r"<em>(.*?)</em>", page, re.S):
        assert re.fullmatch(
            r"¶ \d+ [a-z ¶\d]+:|\d+ words? inserted, \d+ words? deleted\.", emphasis
        )
    assert re.findall(r"<code>(.*?)</code>", page, re.S) == [html.escape(url)]


def test_markdown_escapes_article_text() -> None:
    old = Article(title="Plain", paragraphs=("First.", "- not a list item"))
    new = Article(
        title="Plain <b>bold</b> [x](javascript:alert(1))",
        paragraphs=(HOSTILE_MARKDOWN, "- not a list item either"),
    )
    page = gfm(render_markdown(make_report(old, new, significance=None)))
    dom = Dom(page)
    tags = {name for name, _ in dom.tags}
    assert not tags & {"script", "img", "h1", "table", "ul", "b"}
    assert_only_own_formatting(page, URL)
    assert [a["href"] for a in dom.named("a")] == [URL]  # the headline's link only
    assert len(dom.named("s")) == 1  # the "First." deleted, nothing from the text
    shown = visible(dom.text)
    for piece in (
        "# Not a heading *not emphasis* _nor this_ [a link](https://evil.example)",
        "`code` | a | table | ~~struck~~",
        SCRIPT,
        IMG,
        "&lt;entity&gt;",
        "<https://evil.example/auto>",
        "- not a list item either",
        "Plain <b>bold</b> [x](javascript:alert(1))",
    ):
        assert piece in shown
    assert "@\u2060someone" in page  # no mention


def squash(page: str) -> str:
    """The text of some HTML, without tags or whitespace."""
    return re.sub(r"\s+", "", html.unescape(re.sub(r"<[^>]+>", "", page)))


def test_markdown_markers_always_parse_and_rebuild_both_texts() -> None:
    """Random edits next to punctuation: every marker must be read by a GFM parser, and
    the text outside the bold is the old version, outside the strikethrough the new."""
    rng = random.Random(7)
    vocabulary = ["alpha", "beta", "12", "9", ",", ".", "“", "”", "(", ")", "-", "'", "é", "€"]
    for _ in range(300):
        old = "".join(rng.choice(vocabulary) + rng.choice(["", " "]) for _ in range(12))
        new = list(old.split(" "))
        for _ in range(3):
            new[rng.randrange(len(new))] = rng.choice(vocabulary) + rng.choice(vocabulary)
        new_text = " ".join(new)
        line = render_ops(diff_words(old, new_text), shorten=False)
        page = gfm(line)
        assert "~~" not in page and "**" not in page, (old, new_text, line)
        without_new = re.sub(r"<strong>.*?</strong>", "", page)
        without_old = re.sub(r"<s>.*?</s>", "", page)
        assert squash(without_new) == re.sub(r"\s+", "", old), line
        assert squash(without_old) == re.sub(r"\s+", "", new_text), line


# -- HTML ----------------------------------------------------------------------------------


def assert_self_contained(page: str, url: str) -> Dom:
    dom = Dom(page)
    for name, attrs in dom.tags:
        assert name not in {"script", "img", "link", "iframe", "object", "embed", "base"}
        assert "src" not in attrs and "srcset" not in attrs, name
        assert not any(key.startswith("on") for key in attrs), (name, attrs)
        href = attrs.get("href")
        if href is not None:
            assert href == url or href.startswith("#"), href
            assert attrs.get("rel") == "noopener noreferrer"
    assert "@import" not in page and "url(" not in page
    [csp] = [a for a in dom.named("meta") if a.get("http-equiv") == "Content-Security-Policy"]
    assert (csp["content"] or "").startswith("default-src 'none'; style-src 'unsafe-inline'")
    return dom


def test_html_is_one_self_contained_page() -> None:
    page = render_html(make_report())
    assert page.startswith("<!DOCTYPE html>\n<html") and page.endswith("</html>\n")
    dom = assert_self_contained(page, URL)
    assert "prefers-color-scheme: dark" in page
    shown = visible(dom.text)
    assert "Council votes 9 to 3 to close library" in shown
    assert "2026-11-24T08:05:00Z" in shown and "2026-11-25T10:40:00Z" in shown
    assert "Severity: major" in shown and "Stealth edit" in shown
    assert "Inline" in shown and "Side by side" in shown
    assert dom.named("section")[0]["class"] == "inline"
    assert dom.named("section")[1]["class"] == "side"


def test_html_escapes_hostile_text_everywhere() -> None:
    hostile = Article(
        title=f"Headline {SCRIPT}{IMG}",
        byline=f'By {IMG} "quoted"',
        paragraphs=(*NEW.paragraphs, f"<p onclick=x>{SCRIPT}</p>"),
    )
    page = render_html(make_report(OLD, hostile))
    dom = assert_self_contained(page, URL)
    shown = visible(dom.text)
    assert f"Headline {SCRIPT}{IMG}" in shown
    assert SCRIPT in shown and IMG in shown and f"<p onclick=x>{SCRIPT}</p>" in shown
    assert "<script>" not in page.split("</style>", 1)[1]
    assert html.escape(SCRIPT) in page and html.escape(IMG, quote=True) in page
    title = page.split("<title>", 1)[1].split("</title>", 1)[0]
    assert "<" not in title


def test_html_links_only_web_urls() -> None:
    page = render_html(make_report(url="javascript:alert(1)//"))
    dom = assert_self_contained(page, "(no link)")
    assert all(attrs.get("href", "#").startswith("#") for _, attrs in dom.tags if "href" in attrs)
    assert "javascript:alert(1)//" in dom.text


def test_html_side_by_side_aligns_paragraphs() -> None:
    page = render_html(make_report(significance=None))
    side = page.split('<section class="side"', 1)[1]
    rows = re.findall(r"<tr>(<td.*?</td>)(<td.*?</td>)</tr>", side)
    cells = {(old, new) for old, new in rows}
    assert any("<del>12</del>" in old and "<ins>9</ins>" in new for old, new in cells)
    assert all("<ins>" not in old and "<del>" not in new for old, new in cells)
    # the removed paragraph has an empty new side, the added one an empty old side
    assert any("The mayor was absent" in old and 'class="missing"' in new for old, new in cells)
    assert any('class="missing"' in old and "Residents said" in new for old, new in cells)
    assert "Severity" not in page


def test_html_without_aligned_paragraphs_and_moves() -> None:
    page = render_html(make_report(significance=None, paragraphs=()))
    assert_self_contained(page, URL)
    assert "¶ 3 removed" in page and "<del>12</del>" in page
    aligned = (
        ParagraphOp("=", 0, 0, (("=", "Alpha."),)),
        ParagraphOp(">", 2, 1, (("=", "Moved "), ("-", "old"), ("+", "new"))),
    )
    moved = render_html(make_report(significance=None, paragraphs=aligned))
    assert "¶ 2 moved from ¶ 3 and edited" in moved
    assert "1 unchanged paragraph</summary>" in moved


def test_html_no_change() -> None:
    page = render_html(make_report(OLD, OLD, significance=Significance()))
    assert "No changes in the article." in page and '<section class="side"' not in page


# -- through the command line, on saved pages ----------------------------------------------


@pytest.fixture
def hostile_archive(redline: Run) -> str:
    for name, at in (("v1.html", "2026-05-02T09:05:00Z"), ("v2.html", "2026-05-02T11:40:00Z")):
        result = redline(
            "capture", "--html", str(HOSTILE_DIR / name), "--url", HOSTILE_URL, "--at", at
        )
        assert result.exit_code == 0, result.stderr
    return HOSTILE_URL


def _diff(redline: Run, url: str, fmt: str) -> str:
    result = redline("diff", url, "1", "2", "--format", fmt)
    assert result.exit_code == 0, result.stderr
    return result.stdout


def test_cli_html_of_hostile_pages(redline: Run, hostile_archive: str) -> None:
    page = _diff(redline, hostile_archive, "html")
    dom = assert_self_contained(page, hostile_archive)
    shown = visible(dom.text)
    assert f"Council {SCRIPT} budget vote" in shown
    assert SCRIPT in shown and IMG in shown
    assert "2026-05-02T09:05:00Z" in shown and "2026-05-02T11:40:00Z" in shown


def test_cli_markdown_of_hostile_pages(redline: Run, hostile_archive: str) -> None:
    text = _diff(redline, hostile_archive, "markdown")
    assert text.startswith(r"### [Council \<script\>alert(1)\</script\> budget vote](<https://")
    page = gfm(text)
    dom = Dom(page)
    assert not {"script", "img"} & {name for name, _ in dom.tags}
    assert_only_own_formatting(page, hostile_archive)
    assert [a["href"] for a in dom.named("a")] == [hostile_archive]
    shown = visible(dom.text)
    assert SCRIPT in shown and IMG in shown and "*unfair* and [not](javascript:alert(1))" in shown
    assert "~~40~~ **45**" in text


def test_cli_text_and_json_unchanged(redline: Run, hostile_archive: str) -> None:
    assert "[-40-]{+45+}" in _diff(redline, hostile_archive, "text")
    assert _diff(redline, hostile_archive, "json").startswith('{"')


# -- a real browser ------------------------------------------------------------------------


def chromium() -> str:
    path = shutil.which("chromium") or "/usr/bin/chromium"
    if not os.access(path, os.X_OK):
        if os.environ.get("CI"):
            pytest.fail("chromium is missing; .ci/run installs it (apt-get install chromium)")
        pytest.skip("chromium is not installed (apt-get install chromium); CI always runs this")
    return path


def run_chromium(page: Path, profile: Path, *args: str) -> subprocess.CompletedProcess[str]:
    command = [
        chromium(),
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        f"--user-data-dir={profile}",
        *args,
        page.as_uri(),
    ]
    return subprocess.run(command, capture_output=True, text=True, timeout=90)


def test_browser_builds_hostile_page_without_running_it(
    redline: Run, hostile_archive: str, tmp_path: Path
) -> None:
    page = tmp_path / "diff.html"
    page.write_text(_diff(redline, hostile_archive, "html"), encoding="utf-8")

    dumped = run_chromium(page, tmp_path / "profile", "--dump-dom")
    assert dumped.returncode == 0, dumped.stderr
    dom = Dom(dumped.stdout)
    names = [name for name, _ in dom.tags]
    assert "body" in names and "table" in names  # the page really was built
    assert "script" not in names and "img" not in names
    assert not [attrs for _, attrs in dom.tags if any(key.startswith("on") for key in attrs)]
    shown = visible(dom.text)
    assert f"Council {SCRIPT} budget vote" in shown
    assert SCRIPT in shown and IMG in shown

    shot = tmp_path / "diff.png"
    drawn = run_chromium(
        page, tmp_path / "profile", f"--screenshot={shot}", "--window-size=1200,1600"
    )
    assert drawn.returncode == 0, drawn.stderr
    data = shot.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    assert struct.unpack(">II", data[16:24]) == (1200, 1600)
    assert len(data) > 20_000  # a drawn page, not a blank one
