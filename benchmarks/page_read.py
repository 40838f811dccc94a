"""Reading a fetched page for a capture, against bare trafilatura, on both corpora.

    python benchmarks/page_read.py [--limit N | --quick] [--stages] [--profile [N]]

A capture reads each fetched page once (``archive/extract/reader.py``'s ``analyse``):
it decodes and parses the page, asks the quality gate whether it is the article at all,
keeps the words the page shows, and extracts the article with its metadata. This
measures the CPU time of that read on every page of ``readability-pages`` and
``trafilatura-eval`` (``../shared/corpora``), and in the same run the CPU time of bare
``trafilatura.extract`` (default settings) on the same bytes, page by page, taking
turns as to which goes first; the figure is the ratio of the two totals.

``--stages`` splits redline's time into what the read does (decoding, budget and parse;
the page's text, read once for the gate and the page's words; the gate; the page's
words; the article and, within it, metadata, trafilatura's own
work on the tree, furniture removal before it and tidying after it), in units of bare
trafilatura's time. ``--profile`` runs redline's reads again under cProfile and prints
the N functions (30 unless given) with the most cumulative time.
"""

from __future__ import annotations

import argparse
import contextlib
import cProfile
import pstats
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from corpus_score import CORPUS_DIR, EVAL_DIR, iter_eval_pages, iter_pages  # noqa: E402

from redline.archive.core.errors import ExtractionError, InputError  # noqa: E402
from redline.archive.extract import article as article_module  # noqa: E402
from redline.archive.extract import reader  # noqa: E402


@dataclass(frozen=True)
class Source:
    name: str
    url: str
    body: bytes


def iter_sources(limit: int | None, every: int) -> Iterator[Source]:
    """Every page of both corpora; a Readability page has no URL of its own."""
    for page in iter_pages(limit=limit, every=every):
        yield Source(page.name, f"https://readability.example/{page.name}/", page.source)
    for eval_page in iter_eval_pages(limit=limit, every=every):
        yield Source(eval_page.name, eval_page.url, eval_page.source)


def read_for_capture(source: Source) -> None:
    """What a capture does with a fetched page (a page without an article included)."""
    try:
        reader.analyse(source.body, source.url, "text/html", 200, False, source.name)
    except (ExtractionError, InputError):
        pass


def bare_trafilatura(source: Source) -> None:
    import trafilatura

    trafilatura.extract(source.body, url=source.url)


def cpu(func: Callable[[Source], None], source: Source) -> float:
    start = time.process_time()
    func(source)
    return time.process_time() - start


# --- where redline's time goes ------------------------------------------------------------

#: (stage, module, function name): the reader's steps, and the article's own parts.
STAGES: tuple[tuple[str, Any, str], ...] = (
    ("decode, budget and parse", reader, "decode_html"),
    ("decode, budget and parse", reader, "check_budget"),
    ("decode, budget and parse", reader, "page_source"),
    ("decode, budget and parse", reader, "parse_html"),
    ("page's text, for the gate and the words", reader, "page_texts"),
    ("quality gate", reader, "read_page"),
    ("quality gate", reader, "page_refusal"),
    ("page's words", reader, "fold"),
    ("article", reader, "read_article"),
    ("  metadata", article_module, "read_metadata"),
    ("  trafilatura on the tree", article_module, "_run_trafilatura"),
    ("  tidying after it", article_module, "_tidy"),
    ("  tidying after it", article_module, "_merge_corrections"),
)
FURNITURE = "  furniture before it and the rest"


class StageClock:
    """CPU time spent in each of ``STAGES``, by wrapping the functions where the reader
    and the article extraction look them up."""

    def __init__(self) -> None:
        self.seconds: dict[str, float] = {}
        self._saved: list[tuple[Any, str, Any]] = []

    def __enter__(self) -> StageClock:
        for stage, module, name in STAGES:
            func = getattr(module, name)
            self._saved.append((module, name, func))
            setattr(module, name, self._timed(stage, func))
        return self

    def __exit__(self, *exc: object) -> None:
        for module, name, func in reversed(self._saved):
            setattr(module, name, func)
        self._saved.clear()

    def _timed(self, stage: str, func: Callable[..., Any]) -> Callable[..., Any]:
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            start = time.process_time()
            try:
                return func(*args, **kwargs)
            finally:
                elapsed = time.process_time() - start
                self.seconds[stage] = self.seconds.get(stage, 0.0) + elapsed

        return wrapper

    def table(self) -> dict[str, float]:
        """Each stage's seconds, with the article's furniture removal (and whatever
        else ``read_article`` does besides its timed parts) worked out."""
        out = dict(self.seconds)
        parts = sum(v for k, v in out.items() if k.startswith("  "))
        out[FURNITURE] = out.get("article", 0.0) - parts
        return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    size = parser.add_mutually_exclusive_group()
    size.add_argument("--limit", type=int, default=None, help="first N pages of each corpus")
    size.add_argument("--quick", action="store_true", help="every fifth page of each corpus")
    parser.add_argument("--stages", action="store_true", help="redline's time by stage")
    parser.add_argument(
        "--profile",
        type=int,
        nargs="?",
        const=30,
        default=None,
        metavar="N",
        help="cProfile redline's reads; print the N functions with most cumulative time",
    )
    args = parser.parse_args(argv)
    for folder in (CORPUS_DIR, EVAL_DIR):
        if not folder.is_dir():
            print(f"corpus not found at {folder}", file=sys.stderr)
            return 1
    sources = list(iter_sources(args.limit, 5 if args.quick else 1))
    # Imports, compiled patterns and first-use caches are not what is measured.
    read_for_capture(sources[0])
    bare_trafilatura(sources[0])

    ours = theirs = 0.0
    clock = StageClock()
    with clock if args.stages else contextlib.nullcontext():
        for index, source in enumerate(sources):
            if index % 2:
                theirs += cpu(bare_trafilatura, source)
                ours += cpu(read_for_capture, source)
            else:
                ours += cpu(read_for_capture, source)
                theirs += cpu(bare_trafilatura, source)

    print(f"pages: {len(sources)} (readability-pages and trafilatura-eval), CPU seconds")
    print(f"  bare trafilatura.extract       {theirs:7.2f}  ({len(sources) / theirs:.1f} pages/s)")
    print(f"  redline, reading for a capture {ours:7.2f}  ({len(sources) / ours:.1f} pages/s)")
    print(f"redline / bare trafilatura: {ours / theirs:.2f}")
    if args.stages:
        print("redline's time by stage, in units of bare trafilatura's:")
        table = clock.table()
        order = dict.fromkeys(stage for stage, _, _ in STAGES)
        order[FURNITURE] = None
        for stage in order:
            print(f"  {stage:42} {table.get(stage, 0.0) / theirs:5.2f}")
        timed = sum(v for k, v in table.items() if not k.startswith("  "))
        print(f"  {'the rest':42} {(ours - timed) / theirs:5.2f}")
    if args.profile is not None:
        profile = cProfile.Profile()
        profile.enable()
        for source in sources:
            read_for_capture(source)
        profile.disable()
        stats = pstats.Stats(profile).sort_stats("cumulative")
        stats.print_stats(args.profile)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
