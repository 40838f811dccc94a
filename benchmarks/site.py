"""Site build time: a 1,000-article archive (or --articles N), whole and incremental.

Run: python benchmarks/site.py [--articles 1000] [--changed 0.01]

An archive of N articles is made first (each captured twice; every tenth edited
without a new modified date, a stealth edit; the rest edited and dated), not timed.
Then, in the same run:

* the baseline: reading every version's stored article.json once (what any tool that
  reads the archive must do at least);
* the first build: the query index made, every article page, diff page and feed written;
* a rebuild with nothing changed: states read, nothing written;
* a rebuild after --changed of the articles got a new version (as after a watch run):
  only their pages are made again, the index and the feeds of all changes rewritten.

Each is given in seconds and as a ratio to the baseline.
"""

from __future__ import annotations

import argparse
import multiprocessing
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from redline.archive.ocfl.archive import Archive  # noqa: E402
from redline.archive.site import FEED_LIMIT, build_site  # noqa: E402
from tests.support.pages import capture_page  # noqa: E402

WORDS = (
    "The council met on Tuesday and voted to close the library on Elm Street.",
    "Residents said they had not been told, and several spoke against the plan.",
    "The mayor said the decision would be reviewed at the next meeting in March.",
)


def _make_some(args: tuple[str, list[int]]) -> None:
    """Capture articles ``numbers`` into the archive at ``location`` (one process)."""
    location, numbers = args
    archive = Archive.open(location, create=True)
    pages = Path(location).parent / "pages"
    for n in numbers:
        url = f"https://site{n % 20}.example/news/{n}"
        title = f"Story {n}: the council votes on the library"
        paragraphs = [f"Story {n}. {WORDS[n % 3]}", WORDS[(n + 1) % 3], WORDS[(n + 2) % 3]]
        capture_page(
            archive, pages, url, "2026-11-20T08:00:00Z", title, paragraphs,
            modified="2026-11-20T07:00:00Z",
        )  # fmt: skip
        edited = [paragraphs[0] + " Officials declined to comment.", *paragraphs[1:]]
        modified = "2026-11-20T07:00:00Z" if n % 10 == 0 else "2026-11-21T07:00:00Z"
        capture_page(archive, pages, url, "2026-11-21T08:00:00Z", title, edited, modified=modified)


def make_archive(folder: Path, articles: int, jobs: int) -> tuple[Archive, list[str]]:
    location = str(folder / "archive")
    Archive.open(location, create=True).ensure_root()
    chunks = [(location, list(range(k, articles, jobs))) for k in range(jobs)]
    with multiprocessing.Pool(jobs) as pool:
        pool.map(_make_some, chunks)
    urls = [f"https://site{n % 20}.example/news/{n}" for n in range(articles)]
    return Archive.open(location), urls


def timed(label: str, baseline: float | None, work: object) -> float:
    start = time.perf_counter()
    result = work() if callable(work) else None
    seconds = time.perf_counter() - start
    ratio = f"  ({seconds / baseline:.1f}x the baseline)" if baseline else ""
    print(f"{label:<44} {seconds:8.2f} s{ratio}")
    if result is not None and hasattr(result, "sentence"):
        print(f"{'':4}{result.sentence()}")
    return seconds


def check_feeds(site: Path, changes: int, stealth: int) -> None:
    """The feeds parse (feedparser), with one entry per change up to the feed limit."""
    import json

    import feedparser

    everything = feedparser.parse((site / "feed.xml").read_bytes())
    stealthy = feedparser.parse((site / "stealth.xml").read_bytes())
    assert not everything.bozo and not stealthy.bozo
    assert len(everything.entries) == min(changes, FEED_LIMIT), len(everything.entries)
    assert len(stealthy.entries) == min(stealth, FEED_LIMIT), len(stealthy.entries)
    index = json.loads((site / "index.json").read_text(encoding="utf-8"))
    entries = 0
    for article in index["articles"]:
        feed = feedparser.parse((site / article["page"]).with_name("feed.xml").read_bytes())
        assert not feed.bozo and len(feed.entries) == article["versions"] - 1
        entries += len(feed.entries)
    assert entries == changes
    print(
        f"feeds parsed: feed.xml {len(everything.entries):,} entries (of {changes:,} changes), "
        f"stealth.xml {len(stealthy.entries):,}, {len(index['articles']):,} article feeds "
        f"with one entry per change ({entries:,})"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--articles", type=int, default=1000)
    parser.add_argument("--changed", type=float, default=0.01)
    parser.add_argument("--jobs", type=int, default=2, help="processes making the archive")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        start = time.perf_counter()
        archive, urls = make_archive(folder, args.articles, args.jobs)
        print(
            f"made an archive of {args.articles:,} articles in {time.perf_counter() - start:.1f} s"
        )
        site = folder / "site"

        def baseline() -> None:
            for url in urls:
                archive.article(url, 1)
                archive.article(url, 2)

        base = timed("baseline: read every stored article.json", None, baseline)
        timed("first build", base, lambda: build_site(archive, site))
        timed("rebuild, nothing changed", base, lambda: build_site(archive, site))
        changed = urls[: max(1, int(len(urls) * args.changed))]
        for url in changed:
            n = int(url.rsplit("/", 1)[1])
            capture_page(
                archive, folder / "pages", url, "2026-11-22T08:00:00Z",
                f"Story {n}: the council votes on the library", [f"Story {n}. New words."],
                modified="2026-11-22T07:00:00Z",
            )  # fmt: skip
        timed(
            f"rebuild after {len(changed):,} articles changed",
            base,
            lambda: build_site(archive, site),
        )
        check_feeds(site, len(urls) + len(changed), len(urls) // 10)
        files = sum(1 for p in site.rglob("*") if p.is_file())
        size = sum(p.stat().st_size for p in site.rglob("*") if p.is_file())
        print(f"the site: {files:,} files, {size / 1e6:.1f} MB")


if __name__ == "__main__":
    main()
