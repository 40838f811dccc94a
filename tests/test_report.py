"""``redline report`` on real watch runs against a news site on 127.0.0.1."""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
from click.testing import Result
from markdown_it import MarkdownIt
from markdown_it.token import Token

from redline.archive import watching as watch_module
from redline.archive.core.times import parse_when, utc_now
from redline.archive.core.urls import normalize_url
from redline.archive.ocfl.archive import Archive
from redline.archive.render.report_markdown import render_report_markdown
from redline.archive.watch import check as check_module
from redline.archive.watch.events import EVENTS
from redline.archive.watch.report import EXCERPT_CHARS, Excerpt, Item, Report, RunInfo, clip
from tests.support.newsroom import Newsroom

Run = Callable[..., Result]
FAST = ("--delay", "0", "--json")
KEYS = [
    "runs",
    "since",
    "checked",
    "counts",
    "changed",
    "new",
    "gone",
    "redirected",
    "blocked",
    "suspect",
    "errors",
]
HOSTILE = "<script>alert(1)</script> | **loud** [click](https://evil.example/x) @desk"


class Clock:
    """Moves the time watch runs see, so each run starts in a minute of its own."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.offset = timedelta(hours=-3)
        monkeypatch.setattr(watch_module, "utc_now", self.now)
        monkeypatch.setattr(check_module, "utc_now", self.now, raising=False)

    def now(self) -> datetime:
        return utc_now() + self.offset

    def advance(self, minutes: int = 10) -> None:
        self.offset += timedelta(minutes=minutes)


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> Clock:
    return Clock(monkeypatch)


@dataclass
class Desk:
    """Three stories watched, then one edited, one taken down, one behind a 403."""

    edited: str
    gone: str
    blocked: str
    runs: list[str] = field(default_factory=list)


def run_ids(archive_dir: Path) -> list[str]:
    return sorted(p.stem for p in (archive_dir / "state" / "runs").glob("*.json"))


def watch(redline: Run, wl: Path, *args: str) -> Result:
    result = redline("watch", str(wl), *FAST, *args)
    assert result.exit_code == 0, result.output
    return result


@pytest.fixture
def desk(
    redline: Run,
    room: Newsroom,
    watchlist: Callable[..., Path],
    clock: Clock,
    archive_dir: Path,
) -> Desk:
    a, b, c = room.publish("flood"), room.publish("bridge"), room.publish("levee")
    wl = watchlist(a, b, c)
    watch(redline, wl)
    clock.advance()
    room.edit("flood")
    room.take_down("bridge")
    room.take_down("levee", 403)
    watch(redline, wl, "--all")
    return Desk(edited=a, gone=b, blocked=c, runs=run_ids(archive_dir))


def report(redline: Run, *args: str) -> Result:
    result = redline("report", *args)
    assert result.exit_code == 0, result.output
    return result


def report_json(redline: Run, *args: str) -> dict[str, Any]:
    data = json.loads(report(redline, "--format", "json", *args).stdout)
    assert isinstance(data, dict)
    return data


def one_error(result: Result) -> str:
    assert "Traceback" not in result.output
    assert result.stdout == ""
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("Error: ")
    return lines[0]


# -- Markdown and HTML inspection ------------------------------------------------------------
def markdown_tokens(text: str) -> list[Token]:
    md = MarkdownIt("commonmark").enable(["table", "strikethrough"])
    return md.parse(text)


def inline_tokens(tokens: list[Token]) -> Iterator[Token]:
    for token in tokens:
        yield token
        yield from token.children or []


def links(tokens: list[Token]) -> list[str]:
    return [str(t.attrs["href"]) for t in inline_tokens(tokens) if t.type == "link_open"]


def table_rows(tokens: list[Token]) -> list[list[str]]:
    """Each row of the (first) table: the text of each cell, marks kept as ~~ and **."""
    rows: list[list[str]] = []
    inside = False
    for token in tokens:
        if token.type == "tr_open":
            rows.append([])
        elif token.type in ("td_open", "th_open"):
            inside = True
        elif token.type == "inline" and inside:
            rows[-1].append(_cell_text(token))
            inside = False
    return rows


def _cell_text(token: Token) -> str:
    marks = {"s_open": "~~", "s_close": "~~", "strong_open": "**", "strong_close": "**"}
    return "".join(marks.get(c.type, c.content) for c in token.children or [])


class Page(HTMLParser):
    """Every start tag with its attributes, and the text, of an HTML page."""

    def __init__(self, text: str) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.text: list[str] = []
        self.feed(text)
        self.close()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))

    def handle_data(self, data: str) -> None:
        self.text.append(data)


# -- the report of one run ---------------------------------------------------------------------
def test_json_lists_the_changed_gone_and_blocked_articles_with_counts(
    redline: Run, desk: Desk
) -> None:
    data = report_json(redline)
    assert list(data) == KEYS
    assert data["since"] is None
    (run,) = data["runs"]
    assert run["run"] == desk.runs[-1] and run["shard"] == "1/1"
    assert run["started"] <= run["finished"]
    counts = data["counts"]
    assert isinstance(counts, dict) and list(counts) == list(EVENTS)
    assert (counts["changed"], counts["new"], counts["gone"], counts["blocked"]) == (1, 0, 1, 1)
    assert data["checked"] == 3

    (changed,) = data["changed"]
    assert changed["url"] == desk.edited and changed["version"] == 2
    assert changed["severity"] in ("moderate", "major") and changed["stealth"] is True
    assert changed["title"].startswith("Flood update")
    assert changed["run"] == desk.runs[-1]
    excerpt = changed["excerpt"]
    assert excerpt["field"] == "body"
    inserted = "".join(text for op, text in excerpt["ops"] if op == "+")
    assert "officials now say the station failed" in inserted
    assert sum(len(text) for _op, text in excerpt["ops"]) <= EXCERPT_CHARS + 10

    assert [(g["url"], g["version"]) for g in data["gone"]] == [(desk.gone, 1)]
    assert "404" in data["gone"][0]["reason"]
    assert data["gone"][0]["title"].startswith("Flood update")
    assert [b["url"] for b in data["blocked"]] == [desk.blocked]
    assert "403" in data["blocked"][0]["reason"]
    assert data["new"] == data["redirected"] == data["suspect"] == data["errors"] == []


def test_markdown_has_a_summary_a_changed_table_and_lists(redline: Run, desk: Desk) -> None:
    text = report(redline).stdout
    assert text.startswith(f"## redline report: watch run {desk.runs[-1]}\n")
    assert "**Checked 3 articles: 1 changed, 0 new, 0 unchanged, 1 gone" in text
    tokens = markdown_tokens(text)
    assert not [t for t in inline_tokens(tokens) if t.type.startswith("html")]
    headings = [tokens[i + 1].content for i, t in enumerate(tokens) if t.type == "heading_open"]
    assert headings[1:] == ["Changed (1)", "Gone (1)", "Blocked (1)"]

    header, row = table_rows(tokens)
    assert header == ["Article", "Version", "Severity", "Why", "Excerpt"]
    assert len(row) == len(header)
    assert row[1] == "v2" and "**stealth**" in row[2]
    assert "**Revised 2: officials now say the station failed" in row[4]
    assert "~~Story" in row[4]
    assert links(tokens) == [desk.edited, desk.gone, desk.blocked]
    assert "Nothing notable" not in text


def test_html_is_one_page_with_no_scripts_and_only_article_links(redline: Run, desk: Desk) -> None:
    text = report(redline, "--format", "html").stdout
    page = Page(text)
    tags = [tag for tag, _attrs in page.tags]
    assert tags[:2] == ["html", "head"] and "script" not in tags
    assert not {"img", "link", "iframe", "object", "embed"} & set(tags)
    assert "url(" not in text and "@import" not in text
    hrefs = [attrs.get("href") for tag, attrs in page.tags if "href" in attrs]
    assert hrefs == [desk.edited, desk.gone, desk.blocked]
    assert not [a for _t, attrs in page.tags for k, a in attrs.items() if k == "src"]
    words = " ".join(page.text)
    assert "Changed (1)" in words and "Gone (1)" in words and "Blocked (1)" in words
    assert "stealth" in words and "officials now say the station failed" in words
    inserted = [i for i, (tag, _a) in enumerate(page.tags) if tag == "ins"]
    assert inserted


def test_output_writes_the_file_and_nothing_to_stdout(
    redline: Run, desk: Desk, tmp_path: Path
) -> None:
    target = tmp_path / "summary.md"
    target.write_text("old summary\n")
    result = report(redline, "--output", str(target))
    assert result.stdout == ""
    assert target.read_text(encoding="utf-8") == report(redline).stdout
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".summary")] == []

    missing = redline("report", "--output", str(tmp_path / "no-such-folder" / "x.md"))
    assert missing.exit_code == 1
    assert "no-such-folder" in one_error(missing)


def test_a_quiet_run_says_so_in_one_line(
    redline: Run, room: Newsroom, watchlist: Callable[..., Path], clock: Clock
) -> None:
    wl = watchlist(room.publish("flood"))
    watch(redline, wl)
    clock.advance()
    watch(redline, wl, "--all")
    text = report(redline).stdout
    assert "**Checked 1 article: 0 changed, 0 new, 1 unchanged" in text
    lines = text.strip().splitlines()
    assert lines[-1].startswith("Nothing notable")
    assert "###" not in text
    assert report_json(redline)["changed"] == []


# -- page text cannot break out ----------------------------------------------------------------
def test_a_hostile_headline_and_edit_stay_text(
    redline: Run,
    room: Newsroom,
    watchlist: Callable[..., Path],
    clock: Clock,
) -> None:
    url = room.publish("hostile")
    room.stories["hostile"].title = HOSTILE
    room.touch("hostile")
    wl = watchlist(url)
    watch(redline, wl)
    markdown = report(redline).stdout
    tokens = markdown_tokens(markdown)
    assert links(tokens) == [url]
    assert not [t for t in inline_tokens(tokens) if t.type.startswith("html")]
    (item,) = [t for t in tokens if t.type == "inline" and "alert" in t.content]
    assert [c.type for c in item.children or []] == ["link_open", "text", "link_close", "text"]
    shown = "".join(c.content for c in item.children or [])
    assert "<script>alert(1)</script> | **loud** [click](https://evil.example/x)" in shown

    clock.advance()
    room.edit("hostile", "Revised: <script>x()</script> | a | b | ** not bold ** `tick` [a](b)")
    watch(redline, wl, "--all")
    markdown = report(redline).stdout
    tokens = markdown_tokens(markdown)
    assert not [t for t in inline_tokens(tokens) if t.type.startswith("html")]
    header, row = table_rows(tokens)
    assert len(row) == len(header) == 5
    assert "<script>x()</script> | a | b |" in row[4]
    assert links(tokens) == [url]

    page = Page(report(redline, "--format", "html").stdout)
    assert "script" not in [tag for tag, _attrs in page.tags]
    assert [a["href"] for _t, a in page.tags if "href" in a] == [url]
    assert "<script>x()</script>" in "".join(page.text)


# -- choosing the runs ---------------------------------------------------------------------------
def test_since_merges_runs_and_keeps_each_event_newest_first(
    redline: Run,
    room: Newsroom,
    watchlist: Callable[..., Path],
    clock: Clock,
    archive_dir: Path,
) -> None:
    a, b = room.publish("flood"), room.publish("bridge")
    wl = watchlist(a, b)
    start = clock.now() - timedelta(seconds=1)
    watch(redline, wl)
    for text in ("First rewrite of the second paragraph.", "Second rewrite, with new words."):
        clock.advance()
        room.edit("flood", text)
        watch(redline, wl, "--all")
    ids = run_ids(archive_dir)
    assert len(ids) == 3

    data = report_json(redline, "--since", start.isoformat())
    assert [r["run"] for r in data["runs"]] == ids[::-1]  # newest first
    assert data["since"] == start.strftime("%Y-%m-%dT%H:%M:%SZ")
    assert data["counts"]["new"] == 2 and data["counts"]["changed"] == 2
    assert data["counts"]["unchanged"] == 2 and data["checked"] == 6
    changed = data["changed"]
    assert [(c["url"], c["version"]) for c in changed] == [(a, 3), (a, 2)]
    assert [c["run"] for c in changed] == [ids[2], ids[1]]
    assert "Second rewrite" in json.dumps(changed[0]["excerpt"])
    assert {n["url"] for n in data["new"]} == {a, b}

    # A relative time: the last run started 10 minutes after the one before.
    since = (datetime.now(timezone.utc) - clock.now()) + timedelta(minutes=5)
    recent = report_json(redline, "--since", f"{int(since.total_seconds() // 60)}m")
    assert [r["run"] for r in recent["runs"]] == ids[-1:]

    markdown = report(redline, "--since", start.isoformat()).stdout
    assert markdown.startswith("## redline report: 3 watch runs since ")
    header, *_rows = table_rows(markdown_tokens(markdown))
    assert header[-1] == "When"

    later = redline("report", "--since", "2999-01-01")
    assert later.exit_code == 1
    assert "no watch runs" in one_error(later) and "--since" in later.stderr


def test_run_takes_an_id_or_a_unique_prefix(redline: Run, desk: Desk, archive_dir: Path) -> None:
    first, second = desk.runs
    by_id = report_json(redline, "--run", first)
    assert [r["run"] for r in by_id["runs"]] == [first]
    assert by_id["counts"]["new"] == 3
    prefix = next(first[:n] for n in range(1, len(first)) if not second.startswith(first[:n]))
    assert report_json(redline, "--run", prefix)["runs"][0]["run"] == first
    assert report_json(redline, "--run", "latest")["runs"][0]["run"] == second

    ambiguous = redline("report", "--run", "2")
    assert ambiguous.exit_code == 2
    assert "matches 2 watch runs" in one_error(ambiguous)

    both = redline("report", "--run", first, "--since", "1d")
    assert both.exit_code == 2 and "--since" in one_error(both)


def test_no_runs_and_an_unknown_run_are_one_line_errors(
    redline: Run, desk: Desk, archive_dir: Path, tmp_path: Path
) -> None:
    unknown = redline("report", "--run", "20000101T000000Z-abcdef")
    assert unknown.exit_code == 1
    line = one_error(unknown)
    assert "20000101T000000Z-abcdef" in line and "--run latest" in line

    empty = tmp_path / "empty-archive"
    empty.mkdir()
    none = redline("report", "--archive", str(empty))
    assert none.exit_code == 1
    assert one_error(none) == (
        f"Error: no watch runs in {empty} yet; run redline watch first (for the changes of "
        "captures, run redline changes)"
    )


def test_an_article_missing_from_the_archive_has_no_excerpt(
    redline: Run, desk: Desk, archive_dir: Path
) -> None:
    archive = Archive.open(str(archive_dir))
    shutil.rmtree(archive_dir / archive.object_root(normalize_url(desk.edited)))
    data = report_json(redline)
    (changed,) = data["changed"]
    assert changed["url"] == desk.edited and changed["excerpt"] is None
    assert "| v2 |" in report(redline).stdout


def test_an_unreadable_run_log_is_named(redline: Run, desk: Desk, archive_dir: Path) -> None:
    log = archive_dir / "state" / "runs" / f"{desk.runs[-1]}.json"
    log.write_text("{not json")
    result = redline("report")
    assert result.exit_code == 1
    assert desk.runs[-1] in one_error(result)


# -- pieces --------------------------------------------------------------------------------------
def test_long_lists_are_cut_to_fit_a_step_summary() -> None:
    run = RunInfo("20261125T000000Z-aaaaaa", "2026-11-25T00:00:00Z")
    excerpt_words = ("=", "context " * 10), ("-", "<b>old</b> " * 20), ("+", "new | " * 40)
    report = Report(runs=[run])
    report.counts["changed"] = report.counts["new"] = 20_000
    report.sections["changed"] = [
        Item(
            "changed",
            f"https://news.example/{n}",
            run.run,
            at=run.started,
            version=2,
            severity="major",
            stealth=True,
            reason="x" * 1000,
            title="Headline " * 20,
            excerpt=None if n % 2 else _excerpt(excerpt_words),
        )
        for n in range(20_000)
    ]
    report.sections["new"] = [
        Item("new", f"https://news.example/new/{n}", run.run, version=1) for n in range(20_000)
    ]
    text = render_report_markdown(report)
    assert len(text.encode()) < 1_000_000
    assert "*… and 19,900 more*" in text and "*… and 19,800 more*" in text
    small = render_report_markdown(report, max_bytes=20_000)
    assert len(small.encode()) < 20_000 and "more*" in small


def _excerpt(ops: Any) -> Excerpt:
    return Excerpt("body", clip(ops))


def test_clip_keeps_the_first_changes_in_a_few_hundred_characters() -> None:
    before = "word " * 200
    ops = [("=", before), ("-", "twelve"), ("+", "nine"), ("=", " people " * 100)]
    clipped = clip(ops)
    assert sum(len(t) for _o, t in clipped) <= EXCERPT_CHARS
    assert clipped[0][1].startswith("… ") and ("-", "twelve") in clipped
    assert clipped[-1][1].endswith("…")
    long_change = clip([("-", "gone " * 200), ("+", "here " * 200)])
    assert [op for op, _t in long_change] == ["-", "+"]


def test_times_ago_are_read_relative_to_now() -> None:
    now = datetime(2026, 11, 25, 12, 0, tzinfo=timezone.utc)
    assert parse_when("24h", now=now) == datetime(2026, 11, 24, 12, 0, tzinfo=timezone.utc)
    assert parse_when("7d ago", now=now) == datetime(2026, 11, 18, 12, 0, tzinfo=timezone.utc)
    assert parse_when("90m", now=now) == datetime(2026, 11, 25, 10, 30, tzinfo=timezone.utc)
    assert parse_when("2026-11-20", now=now) == datetime(2026, 11, 20, tzinfo=timezone.utc)
    with pytest.raises(Exception, match="24h or 7d"):
        parse_when("yesterday")


def test_the_runs_warnings_close_the_report(
    redline: Run, room: Newsroom, watchlist: Callable[..., Path]
) -> None:
    watch(redline, watchlist("ftp://files.example/x", room.publish("flood")))
    text = report(redline).stdout
    assert text.index("### New (1)") < text.index("### Notes")
    assert "line 1:" in text.split("### Notes", 1)[1] and "ftp" in text
    (run,) = report_json(redline)["runs"]
    assert any("line 1:" in note for note in run["notes"])
