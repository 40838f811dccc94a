"""Body and metadata extraction quality on the Readability test pages.

    python benchmarks/extraction.py [--limit N] [--pages]

Scores redline's extract_article and bare trafilatura (``trafilatura.extract`` with
its default settings) on the same pages: body 4-gram shingle precision/recall/F1,
exact-match rates for title, byline and published date, and pages per second.
"""

from __future__ import annotations

import argparse
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import trafilatura  # noqa: E402
from corpus_score import (  # noqa: E402
    CORPUS_DIR,
    BodyScore,
    Page,
    iter_pages,
    norm_text,
    precision_recall,
    same_date,
)

from redline.archive.core.errors import RedlineError  # noqa: E402
from redline.archive.extract.article import extract_article  # noqa: E402


@dataclass
class Result:
    body: BodyScore = field(default_factory=BodyScore)
    title: list[bool] = field(default_factory=list)
    byline: list[bool] = field(default_factory=list)
    published: list[bool] = field(default_factory=list)
    seconds: float = 0.0
    errors: list[str] = field(default_factory=list)
    per_page: dict[str, tuple[float, float]] = field(default_factory=dict)


def _rate(hits: list[bool]) -> str:
    if not hits:
        return "  n/a"
    return f"{100 * sum(hits) / len(hits):5.1f}% of {len(hits)}"


def run_redline(pages: list[Page]) -> Result:
    result = Result()
    for page in pages:
        start = time.perf_counter()
        try:
            article = extract_article(page.source, url=None)
            body = article.body
        except RedlineError as exc:
            article = None
            body = ""
            result.errors.append(f"{page.name}: {exc}")
        result.seconds += time.perf_counter() - start
        result.body.add(body, page.expected_text)
        result.per_page[page.name] = precision_recall(body, page.expected_text)
        meta = page.metadata
        if meta.get("title"):
            got = article.title if article else None
            result.title.append(norm_text(got) == norm_text(meta["title"]))
        if meta.get("byline"):
            got = article.byline if article else None
            result.byline.append(norm_text(got) == norm_text(meta["byline"]))
        if meta.get("publishedTime"):
            got = article.published if article else None
            result.published.append(same_date(got, meta["publishedTime"]))
    return result


def run_trafilatura(pages: list[Page]) -> Result:
    result = Result()
    for page in pages:
        start = time.perf_counter()
        body = trafilatura.extract(page.source) or ""
        result.seconds += time.perf_counter() - start
        result.body.add(body, page.expected_text)
        result.per_page[page.name] = precision_recall(body, page.expected_text)
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--limit", type=int, default=None, help="score only the first N pages")
    parser.add_argument("--pages", action="store_true", help="print per-page F1 for both")
    args = parser.parse_args(argv)
    if not CORPUS_DIR.is_dir():
        print(f"corpus not found at {CORPUS_DIR}", file=sys.stderr)
        return 1
    pages = list(iter_pages(limit=args.limit))
    ours = run_redline(pages)
    theirs = run_trafilatura(pages)

    print(f"{len(pages)} pages from {CORPUS_DIR}")
    print(f"{'':12} {'P':>6} {'R':>6} {'F1':>6} {'pages/s':>8}")
    for name, res in (("redline", ours), ("trafilatura", theirs)):
        rate = len(pages) / res.seconds if res.seconds else 0.0
        b = res.body
        print(f"{name:12} {b.precision:6.4f} {b.recall:6.4f} {b.f1:6.4f} {rate:8.1f}")
    print(f"redline title exact match:     {_rate(ours.title)}")
    print(f"redline byline exact match:    {_rate(ours.byline)}")
    print(f"redline published date match:  {_rate(ours.published)}")
    print(f"redline pages without article: {len(ours.errors)}")
    for line in ours.errors:
        print(f"  {line}")
    if args.pages:
        for name in sorted(ours.per_page):
            p1, r1 = ours.per_page[name]
            p2, r2 = theirs.per_page[name]
            print(f"  {name:45} redline P{p1:.2f} R{r1:.2f}  trafilatura P{p2:.2f} R{r2:.2f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
