"""Body extraction quality and speed, redline against bare trafilatura, on two corpora.

    python benchmarks/extraction.py [--limit N | --quick] [--pages]

One run scores redline's ``extract_article`` and bare trafilatura (``trafilatura.extract``
with its default settings) on the same pages of both corpora (see corpus_score.py):

- ``readability-pages`` (130 pages with a reference body): body 4-gram shingle
  precision/recall/F1, pages per second, and redline's title, byline and date matches;
- ``trafilatura-eval`` (945 pages with passages that must and must not be extracted):
  passage precision/recall/F1 over all passages, pages where nothing was extracted,
  pages per second.

``--limit N`` scores the first N pages of each corpus; ``--quick`` every fifth page.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from corpus_score import (  # noqa: E402
    CORPUS_DIR,
    EVAL_DIR,
    BodyScore,
    EvalPage,
    Page,
    PassageScore,
    iter_eval_pages,
    iter_pages,
    norm_text,
    precision_recall,
    redline_article,
    redline_text,
    same_date,
    trafilatura_text,
)

from redline.archive.core.models import Article  # noqa: E402

Extractor = Callable[[bytes], "str | None"]


class MetadataClock:
    """Time redline spends reading metadata (``read_metadata`` on the parsed page), so
    that the body extraction's own speed is shown beside the whole
    ``extract_article``'s, from the same run."""

    def __init__(self) -> None:
        self.seconds = 0.0
        from redline.archive.extract import article

        def timed(func: Callable[..., Any]) -> Callable[..., Any]:
            def wrapper(*args: Any, **kwargs: Any) -> Any:
                start = time.perf_counter()
                try:
                    return func(*args, **kwargs)
                finally:
                    self.seconds += time.perf_counter() - start

            return wrapper

        article.read_metadata = timed(article.read_metadata)


TOOLS: dict[str, Extractor] = {"redline": redline_text, "trafilatura": trafilatura_text}


@dataclass
class BodyRun:
    body: BodyScore = field(default_factory=BodyScore)
    seconds: float = 0.0
    not_extracted: list[str] = field(default_factory=list)
    per_page: dict[str, tuple[float, float]] = field(default_factory=dict)
    articles: list[Article | None] = field(default_factory=list)


@dataclass
class PassageRun:
    passages: PassageScore = field(default_factory=PassageScore)
    seconds: float = 0.0
    per_page: dict[str, tuple[int, int, int]] = field(default_factory=dict)


def run_bodies(tool: str, pages: list[Page]) -> BodyRun:
    """The body alone, as the Readability reference holds it (no headline)."""
    result = BodyRun()
    for page in pages:
        start = time.perf_counter()
        if tool == "trafilatura":
            body = trafilatura_text(page.source)
        else:
            article = redline_article(page.source)
            result.articles.append(article)
            body = article.body if article else None
        result.seconds += time.perf_counter() - start
        if body is None:
            result.not_extracted.append(page.name)
        result.body.add(body or "", page.expected_text)
        result.per_page[page.name] = precision_recall(body or "", page.expected_text)
    return result


def run_passages(tool: str, pages: list[EvalPage]) -> PassageRun:
    extract = TOOLS[tool]
    result = PassageRun()
    for page in pages:
        start = time.perf_counter()
        text = extract(page.source)
        result.seconds += time.perf_counter() - start
        result.per_page[page.name] = result.passages.add(text, page)
    return result


def _rate(hits: list[bool]) -> str:
    if not hits:
        return "  n/a"
    return f"{100 * sum(hits) / len(hits):5.1f}% of {len(hits)}"


def metadata_rates(pages: list[Page], articles: list[Article | None]) -> dict[str, list[bool]]:
    """redline's title, byline and published date against the Readability reference."""
    rates: dict[str, list[bool]] = {"title": [], "byline": [], "published date": []}
    for page, article in zip(pages, articles, strict=True):
        meta = page.metadata
        if meta.get("title"):
            got = article.title if article else None
            rates["title"].append(norm_text(got) == norm_text(meta["title"]))
        if meta.get("byline"):
            got = article.byline if article else None
            rates["byline"].append(norm_text(got) == norm_text(meta["byline"]))
        if meta.get("publishedTime"):
            got = article.published if article else None
            rates["published date"].append(same_date(got, meta["publishedTime"]))
    return rates


def _per_second(count: int, seconds: float) -> float:
    return count / seconds if seconds else 0.0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    size = parser.add_mutually_exclusive_group()
    size.add_argument("--limit", type=int, default=None, help="first N pages of each corpus")
    size.add_argument("--quick", action="store_true", help="every fifth page of each corpus")
    parser.add_argument("--pages", action="store_true", help="per-page scores where they differ")
    args = parser.parse_args(argv)
    for folder in (CORPUS_DIR, EVAL_DIR):
        if not folder.is_dir():
            print(f"corpus not found at {folder}", file=sys.stderr)
            return 1
    every = 5 if args.quick else 1
    pages = list(iter_pages(limit=args.limit, every=every))
    eval_pages = list(iter_eval_pages(limit=args.limit, every=every))

    clock = MetadataClock()
    bodies = {tool: run_bodies(tool, pages) for tool in TOOLS}
    passages = {tool: run_passages(tool, eval_pages) for tool in TOOLS}

    print(f"readability-pages: {len(pages)} pages, body 4-gram shingles")
    print(f"  {'':12} {'P':>6} {'R':>6} {'F1':>6} {'none':>5} {'pages/s':>8}")
    for tool, run in bodies.items():
        b = run.body
        rate = _per_second(len(pages), run.seconds)
        print(
            f"  {tool:12} {b.precision:6.4f} {b.recall:6.4f} {b.f1:6.4f} "
            f"{len(run.not_extracted):5} {rate:8.1f}"
        )
    print(f"trafilatura-eval: {len(eval_pages)} pages, passages that must / must not be found")
    print(f"  {'':12} {'P':>6} {'R':>6} {'F1':>6} {'none':>5} {'pages/s':>8}")
    for tool, prun in passages.items():
        s = prun.passages
        rate = _per_second(len(eval_pages), prun.seconds)
        print(
            f"  {tool:12} {s.precision:6.4f} {s.recall:6.4f} {s.f1:6.4f} "
            f"{len(s.not_extracted):5} {rate:8.1f}"
        )
    ours = bodies["redline"].seconds + passages["redline"].seconds
    theirs = bodies["trafilatura"].seconds + passages["trafilatura"].seconds
    if theirs:
        print(f"redline time / trafilatura time, both corpora: {ours / theirs:.2f}")
        body = ours - clock.seconds
        print(
            f"  of which reading metadata {clock.seconds / theirs:.2f}, "
            f"body extraction {body / theirs:.2f}"
        )
    for name, hits in metadata_rates(pages, bodies["redline"].articles).items():
        print(f"redline {name} exact match: {_rate(hits)}")
    for tool in TOOLS:
        missing = bodies[tool].not_extracted + passages[tool].passages.not_extracted
        if missing:
            print(f"{tool} extracted nothing from: {', '.join(missing)}")
    if args.pages:
        print("readability-pages where F1 differs by more than 0.05:")
        for name in sorted(bodies["redline"].per_page):
            ours_f = _f1(*bodies["redline"].per_page[name])
            theirs_f = _f1(*bodies["trafilatura"].per_page[name])
            if abs(ours_f - theirs_f) > 0.05:
                print(f"  {name:45} redline {ours_f:.2f}  trafilatura {theirs_f:.2f}")
        print("trafilatura-eval pages scored differently (tp, fn, fp):")
        for name in sorted(passages["redline"].per_page):
            a = passages["redline"].per_page[name]
            b2 = passages["trafilatura"].per_page[name]
            if a != b2:
                print(f"  {name:20} redline {a}  trafilatura {b2}")
    return 0


def _f1(p: float, r: float) -> float:
    return 2 * p * r / (p + r) if p + r else 0.0


if __name__ == "__main__":
    raise SystemExit(main())
