"""``redline site``: the archive as a static website with Atom feeds, rebuilt only where
it changed, its article text escaped everywhere, checked in a real headless browser."""

from __future__ import annotations

import json
import struct
import subprocess
from collections.abc import Callable
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urljoin

import feedparser
import pytest
import rnc2rng
from click.testing import Result
from lxml import etree

from redline.archive.ocfl.archive import Archive
from redline.archive.site import build_site
from tests.support.pages import capture_page
from tests.support.seaweed import SeaweedS3
from tests.test_render_formats import chromium, run_chromium

Run = Callable[..., Result]

FIXTURES = Path(__file__).parent / "fixtures"
FLOOD = "https://ledger.example/news/flood"
BUDGET = "https://www.gazette.example/news/budget"
HOSTILE = "https://hostile.example/news/story"
MODIFIED = "2026-11-20T07:00:00Z"

#: Article text that would change the page if it ever ran as markup or script.
SCRIPT = "<script>document.title='pwned'</script>"
IMG = "\"><img src=x onerror=\"document.body.setAttribute('data-pwned','1')\">"


@pytest.fixture(scope="module")
def atom_schema() -> etree.RelaxNG:
    """RFC 4287's own RELAX NG schema of Atom (appendix B)."""
    text = rnc2rng.dumps(rnc2rng.loads((FIXTURES / "atom.rnc").read_text(encoding="utf-8")))
    # The schema names attributes in no namespace with a prefix bound to "", which the
    # XML form cannot declare; nsName ns="" says the same without it.
    return etree.RelaxNG(etree.fromstring(text.replace('xmlns:local=""', "").encode()))


def assert_valid_atom(path: Path, schema: etree.RelaxNG) -> feedparser.FeedParserDict:
    doc = etree.parse(str(path))
    assert schema.validate(doc), f"{path}: {schema.error_log}"
    parsed = feedparser.parse(path.read_bytes())
    assert not parsed.bozo, parsed.get("bozo_exception")
    assert parsed.version == "atom10"
    return parsed


class Dom(HTMLParser):
    def __init__(self, document: str) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.texts: list[str] = []
        self.feed(document)
        self.close()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))

    def handle_data(self, data: str) -> None:
        self.texts.append(data)

    def named(self, tag: str) -> list[dict[str, str | None]]:
        return [attrs for name, attrs in self.tags if name == tag]


def assert_nothing_from_article_text_runs(page: str) -> Dom:
    dom = Dom(page)
    assert not dom.named("img") and not dom.named("iframe")
    assert not [a for _, a in dom.tags if any(k.startswith("on") for k in a)]
    # At most the site's own script, and the JSON data, which never runs.
    scripts = dom.named("script")
    assert all(s.get("type") in (None, "application/json") for s in scripts)
    assert len([s for s in scripts if s.get("type") is None]) <= 1
    assert page.count("<script") == len(scripts)
    return dom


def _site(tmp_path: Path) -> Path:
    return tmp_path / "site"


@pytest.fixture
def demo_site(redline: Run, tmp_path: Path) -> Path:
    assert redline("demo").exit_code == 0
    result = redline("site", str(_site(tmp_path)))
    assert result.exit_code == 0, result.stderr
    assert result.stdout.strip() == str(_site(tmp_path) / "index.html")
    assert "Built the site in" in result.stderr and "1 article (1 made again)" in result.stderr
    return _site(tmp_path)


def _article_dir(site: Path) -> Path:
    (folder,) = (site / "a").iterdir()
    return folder


def test_demo_site_has_index_article_pages_and_feeds(
    demo_site: Path, atom_schema: etree.RelaxNG
) -> None:
    index = (demo_site / "index.html").read_text(encoding="utf-8")
    assert "Flood waters recede in Riverton as death toll rises" in index
    assert "1 article, 2 changes, 1 stealth edit." in index
    data = json.loads((demo_site / "index.json").read_text(encoding="utf-8"))
    (entry,) = data["articles"]
    assert entry["versions"] == 3 and entry["stealth"] is True and entry["severity"] == "major"
    assert (demo_site / entry["page"]).is_file()

    article = _article_dir(demo_site)
    page = (article / "index.html").read_text(encoding="utf-8")
    assert "number changed: 12 → 9" in page and "correction added" in page
    assert page.count('<details class="version"') == 3  # every version's text
    for n in (2, 3):  # each change as the diff page: inline and side by side
        diff = (article / f"v{n}.html").read_text(encoding="utf-8")
        assert '<section class="inline"' in diff and '<section class="side"' in diff
        assert '<a href="index.html">' in diff
    assert "<del>12</del>" in (article / "v2.html").read_text(encoding="utf-8")

    # The feeds: valid Atom (RFC 4287's schema and feedparser), one entry per change.
    everything = assert_valid_atom(demo_site / "feed.xml", atom_schema)
    assert [e.title.split(":")[0] for e in everything.entries] == ["major", "major, stealth edit"]
    stealth = assert_valid_atom(demo_site / "stealth.xml", atom_schema)
    assert len(stealth.entries) == 1 and stealth.entries[0].title.endswith("(v2)")
    own = assert_valid_atom(article / "feed.xml", atom_schema)
    assert len(own.entries) == 2
    assert "<del>12</del><ins>9</ins>" in own.entries[1].content[0].value
    # Relative links resolve, from each feed, to the site's files.
    for feed, parsed in ((demo_site / "feed.xml", everything), (article / "feed.xml", own)):
        for item in parsed.entries:
            target = Path(urljoin(feed.as_uri(), item.link).removeprefix("file://"))
            assert target.is_file(), item.link
    ids = {e.id for e in everything.entries}
    assert ids == {e.id for e in own.entries} and all(i.startswith("urn:uuid:") for i in ids)
    # Each version reads as the article: its headline and paragraphs, not a text dump.
    page = (article / "index.html").read_text(encoding="utf-8")
    assert "<h3>Flood waters recede in Riverton as death toll rises</h3>" in page
    assert "<p>Shelters and road closures</p>" in page and "=====" not in page


def test_base_url_makes_feed_links_absolute(redline: Run, tmp_path: Path) -> None:
    assert redline("demo").exit_code == 0
    site = _site(tmp_path)
    result = redline("site", str(site), "--base-url", "https://desk.example/news", "--json")
    assert result.exit_code == 0, result.stderr
    assert json.loads(result.stdout)["articles"] == 1
    parsed = feedparser.parse((site / "feed.xml").read_bytes())
    assert parsed.feed.links[1]["href"] == "https://desk.example/news/feed.xml"
    assert all(e.link.startswith("https://desk.example/news/a/") for e in parsed.entries)


@pytest.fixture
def three(archive_dir: Path, tmp_path: Path) -> Archive:
    archive = Archive.open(str(archive_dir), create=True)
    pages = tmp_path / "pages"
    for url, title in ((FLOOD, "River crests"), (BUDGET, "Budget passes")):
        for at, words in (("2026-11-20T08:00:00Z", "here"), ("2026-11-21T08:00:00Z", "there")):
            capture_page(
                archive, pages, url, at, title, [f"First words {words}."], modified=MODIFIED
            )
    capture_page(
        archive,
        pages,
        HOSTILE,
        "2026-11-20T09:00:00Z",
        f"Council {SCRIPT} vote",
        [f"Residents said {SCRIPT} and {IMG} in protest.", "The vote was 7 to 2."],
    )
    capture_page(
        archive,
        pages,
        HOSTILE,
        "2026-11-22T09:00:00Z",
        f"Council {SCRIPT} vote",
        [f"Residents said {IMG} in protest.", f"The vote was 9 to 2. {SCRIPT}"],
    )
    return archive


def _mtimes(site: Path) -> dict[str, int]:
    return {str(p.relative_to(site)): p.stat().st_mtime_ns for p in site.rglob("*") if p.is_file()}


def test_a_rebuild_rewrites_only_what_changed(three: Archive, tmp_path: Path) -> None:
    site = _site(tmp_path)
    first = build_site(three, site)
    assert (first.articles, first.rebuilt) == (3, 3)
    before = _mtimes(site)
    again = build_site(three, site)
    assert (again.rebuilt, again.written, again.removed) == (0, 0, 0)
    # Every file of the first build is counted again, as found as it was.
    assert again.unchanged == first.written
    assert _mtimes(site) == before

    # An edit the page admits (a new modified date): the stealth feed stays as it is.
    capture_page(
        three,
        tmp_path / "pages",
        FLOOD,
        "2026-11-23T08:00:00Z",
        "River crests",
        ["New words everywhere."],
        modified="2026-11-23T07:00:00Z",
    )
    later = build_site(three, site)
    assert later.rebuilt == 1
    after = _mtimes(site)
    rewritten = sorted(name for name in after if after[name] != before.get(name))
    flood = next(
        a for a in json.loads((site / "index.json").read_text())["articles"] if a["url"] == FLOOD
    )
    folder = flood["page"].rsplit("/", 1)[0]
    # The changed article's page, feed and new diff page; the index and the feed of all
    # changes; the manifest. Its older diff page and every other article stay as they were.
    assert rewritten == sorted(
        [
            f"{folder}/feed.xml",
            f"{folder}/index.html",
            f"{folder}/v3.html",
            "feed.xml",
            "index.html",
            "index.json",
            "redline-site.json",
        ]
    )
    assert later.written == 6


def test_a_rebuild_removes_only_files_of_its_own_making(three: Archive, tmp_path: Path) -> None:
    site = _site(tmp_path)
    build_site(three, site)
    victim = tmp_path / "victim.txt"
    victim.write_text("keep me")
    (site / "a" / "notes.txt").write_text("mine")
    manifest = json.loads((site / "redline-site.json").read_text())
    manifest["files"].update(
        {"../victim.txt": "0" * 64, "a/notes.txt": "0" * 64, "a/x-1/v9.html": "0" * 64}
    )
    (site / "redline-site.json").write_text(json.dumps(manifest))
    (site / "a" / "x-1").mkdir()
    (site / "a" / "x-1" / "v9.html").write_text("an old page")
    build = build_site(three, site)
    assert build.removed == 1 and not (site / "a" / "x-1").exists()
    assert victim.read_text() == "keep me" and (site / "a" / "notes.txt").exists()


def test_a_check_that_found_nothing_new_rewrites_only_that_articles_page(
    three: Archive, tmp_path: Path
) -> None:
    site = _site(tmp_path)
    build_site(three, site)
    before = _mtimes(site)
    # The same page again: no new version, one more check.
    capture_page(
        three,
        tmp_path / "pages",
        BUDGET,
        "2026-11-24T08:00:00Z",
        "Budget passes",
        ["First words there."],
        modified=MODIFIED,
    )
    later = build_site(three, site)
    assert (later.rebuilt, later.rechecked, later.written) == (0, 1, 1)
    after = _mtimes(site)
    rewritten = sorted(name for name in after if after[name] != before.get(name))
    budget = next(
        a for a in json.loads((site / "index.json").read_text())["articles"] if a["url"] == BUDGET
    )
    assert rewritten == [budget["page"], "redline-site.json"]
    page = (site / budget["page"]).read_text(encoding="utf-8")
    assert "Captured or checked 3 times, last at" in page and "2026-11-24T08:00:00Z" in page


def test_article_text_is_escaped_everywhere(
    three: Archive, tmp_path: Path, atom_schema: etree.RelaxNG
) -> None:
    site = _site(tmp_path)
    build_site(three, site)
    index = (site / "index.html").read_text(encoding="utf-8")
    dom = assert_nothing_from_article_text_runs(index)
    assert f"Council {SCRIPT} vote" in "".join(dom.texts)
    assert "</script" not in index.split('id="site-data">', 1)[1].split("</script>", 1)[0]
    hostile = next(
        a for a in json.loads((site / "index.json").read_text())["articles"] if a["url"] == HOSTILE
    )
    assert hostile["title"] == f"Council {SCRIPT} vote"
    folder = site / hostile["page"].rsplit("/", 1)[0]
    for name in ("index.html", "v2.html"):
        page = (folder / name).read_text(encoding="utf-8")
        dom = assert_nothing_from_article_text_runs(page)
        assert not dom.named("script")
        assert SCRIPT in "".join(dom.texts)
    feed = assert_valid_atom(folder / "feed.xml", atom_schema)
    assert SCRIPT in feed.entries[0].title


def _chromium_url(url: str, tmp_path: Path) -> subprocess.CompletedProcess[str]:
    """``run_chromium`` for a URL with a query string (a Path cannot carry one)."""
    command = [
        chromium(),
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--no-first-run",
        "--disable-background-networking",
        f"--user-data-dir={tmp_path / 'profile'}",
        "--enable-logging=stderr",
        "--v=0",
        "--dump-dom",
        url,
    ]
    return subprocess.run(command, capture_output=True, text=True, timeout=90)


def test_browser_runs_the_filters_and_nothing_from_article_text(
    three: Archive, tmp_path: Path
) -> None:
    site = _site(tmp_path)
    build_site(three, site)
    run = run_chromium(
        site / "index.html", tmp_path / "profile", "--enable-logging=stderr", "--v=0", "--dump-dom"
    )
    assert run.returncode == 0, run.stderr
    # No console message at all: no error, no refused script, no blocked load.
    assert ":CONSOLE" not in run.stderr, run.stderr
    dom = Dom(run.stdout)
    assert "<title>pwned</title>" not in run.stdout
    assert not [a for _, a in dom.tags if "data-pwned" in a]
    # The site's own script ran (allowed by its hash): filters shown, counts written.
    (form,) = [a for name, a in dom.tags if name == "form"]
    assert "hidden" not in form
    assert "3 of 3 articles shown" in "".join(dom.texts)
    assert sorted(
        a["value"] for name, a in dom.tags if name == "option" and a.get("value", "").count(".")
    ) == ["hostile.example", "ledger.example", "www.gazette.example"]

    hostile = next(
        a for a in json.loads((site / "index.json").read_text())["articles"] if a["url"] == HOSTILE
    )
    page = site / hostile["page"]
    run = run_chromium(page, tmp_path / "profile", "--enable-logging=stderr", "--v=0", "--dump-dom")
    assert run.returncode == 0 and ":CONSOLE" not in run.stderr, run.stderr
    dom = Dom(run.stdout)
    assert not dom.named("script") and not dom.named("img")
    assert not [a for _, a in dom.tags if "data-pwned" in a]
    assert SCRIPT in "".join(dom.texts)

    # Filters given in the address: only the stealth edits of one site are shown.
    asked = _chromium_url(
        (site / "index.html").as_uri() + "?stealth=1&site=hostile.example", tmp_path
    )
    assert ":CONSOLE" not in asked.stderr, asked.stderr
    rows = [a for name, a in Dom(asked.stdout).tags if name == "tr" and "data-i" in a]
    assert len(rows) == 3 and len([r for r in rows if "hidden" not in r]) == 1
    assert "1 of 3 articles shown" in asked.stdout

    shot = tmp_path / "index.png"
    drawn = run_chromium(
        site / "index.html", tmp_path / "profile", f"--screenshot={shot}", "--window-size=1200,800"
    )
    assert drawn.returncode == 0, drawn.stderr
    data = shot.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and struct.unpack(">II", data[16:24]) == (1200, 800)


@pytest.mark.parametrize(
    ("setup", "args", "message"),
    [
        ("stranger", (), "is not empty and holds no site made by redline"),
        ("file", (), "is a file"),
        ("", ("--base-url", "ftp://x.example/"), "is not an http(s) URL"),
    ],
)
def test_bad_output_is_refused_in_one_line(
    redline: Run, tmp_path: Path, setup: str, args: tuple[str, ...], message: str
) -> None:
    assert redline("demo").exit_code == 0
    site = _site(tmp_path)
    if setup == "stranger":
        site.mkdir()
        (site / "notes.txt").write_text("mine")
    elif setup == "file":
        site.write_text("mine")
    result = redline("site", str(site), *args)
    assert result.exit_code != 0 and result.stdout == ""
    assert message in result.stderr and len(result.stderr.splitlines()) == 1
    if setup == "stranger":
        assert sorted(p.name for p in site.iterdir()) == ["notes.txt"]


@pytest.mark.s3
def test_a_site_of_an_s3_archive(
    s3_env: SeaweedS3, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("REDLINE_CACHE_DIR", str(tmp_path / "cache"))
    bucket = s3_env.new_bucket()
    location = f"s3://{bucket}/desk"
    archive = Archive.open(location, create=True, endpoint_url=s3_env.endpoint_url)
    pages = tmp_path / "pages"
    capture_page(archive, pages, FLOOD, "2026-11-20T08:00:00Z", "River crests", ["It rose."])
    capture_page(archive, pages, FLOOD, "2026-11-21T08:00:00Z", "River crests", ["It fell."])
    site = _site(tmp_path)
    first = build_site(archive, site)
    assert (first.articles, first.rebuilt) == (1, 1)
    (folder,) = (site / "a").iterdir()
    assert "<del>rose</del><ins>fell</ins>" in (folder / "v2.html").read_text(encoding="utf-8")
    assert build_site(archive, site).written == 0
    assert not [k for k in s3_env.keys(bucket, "desk/") if k.endswith(".sqlite")]
