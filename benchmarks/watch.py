"""Watch throughput: 2,000 articles on a local server, against a bare fetch loop.

Run: python benchmarks/watch.py [--articles 2000] [--changed 0.05] [--concurrency 8]

A news site of N synthetic articles (tests/support/newsroom.py) is served from a
separate process on 127.0.0.1. In the same run, this measures:

* the baseline: a bare loop that GETs every article with the same concurrency and a
  pooled urllib3 client, reading each body and doing nothing with it;
* run 1, everything due: every article is new (fetch, extract, store a version);
* run 2, ``--all`` after 5% of the articles were edited and the furniture of none moved:
  95% are bodies already seen (no parse), 5% are extracted, graded and stored;
* run 3, the same with a server that sends ETag/Last-Modified: 304s, nothing downloaded.

For each: pages per second, the ratio to the bare loop, CPU seconds per checked page
(this process and the worker processes that read pages for it; the server has its own)
and the peak memory of this process.
Politeness is off for the measurement (--per-host = --concurrency, --delay 0), so it is
the cost of checking that is measured, not the waiting a real run does on purpose.
"""

from __future__ import annotations

import argparse
import multiprocessing as mp
import resource
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import urllib3

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from redline.archive.ocfl.archive import Archive  # noqa: E402
from redline.archive.watch.events import Event  # noqa: E402
from redline.archive.watch.watchlist import parse_watchlist  # noqa: E402
from redline.archive.watching import WatchOptions, run_watch  # noqa: E402


def serve(articles: int, etag: bool, conn: Any) -> None:
    """The site, in its own process: answers commands on ``conn`` until 'stop'."""
    from tests.support.http_server import LocalHTTPServer
    from tests.support.newsroom import Newsroom

    with LocalHTTPServer() as server:
        room = Newsroom(server, etag=etag)
        urls = [room.publish(f"story-{n:05d}", paragraphs=6) for n in range(articles)]
        conn.send(urls)
        while True:
            command, arg = conn.recv()
            if command == "stop":
                return
            if command == "edit":
                for n in range(arg):
                    room.edit(f"story-{n * (articles // max(arg, 1)):05d}")
                conn.send("ok")


def bare_loop(urls: list[str], concurrency: int) -> float:
    pool = urllib3.PoolManager(maxsize=concurrency)

    def get(url: str) -> int:
        response = pool.request("GET", url, preload_content=True)
        return len(response.data)

    start = time.perf_counter()
    with ThreadPoolExecutor(concurrency) as workers:
        total = sum(workers.map(get, urls))
    seconds = time.perf_counter() - start
    assert total > 0
    return seconds


def cpu_seconds() -> float:
    """CPU of this process and of its finished children: a watch run reads pages in
    worker processes, shut down (so counted here) when the run ends. The site's
    process is still running, so it is not."""
    me = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return me.ru_utime + me.ru_stime + children.ru_utime + children.ru_stime


def watch_run(
    archive: Archive, urls: list[str], options: WatchOptions
) -> tuple[float, float, dict[str, int]]:
    watchlist = parse_watchlist("\n".join(urls), "bench")
    counts: dict[str, int] = {}

    def emit(event: Event) -> None:
        counts[event.event] = counts.get(event.event, 0) + 1

    cpu = cpu_seconds()
    start = time.perf_counter()
    run_watch(archive, watchlist, options, emit)
    return time.perf_counter() - start, cpu_seconds() - cpu, counts


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=2000)
    parser.add_argument("--changed", type=float, default=0.05)
    parser.add_argument("--concurrency", type=int, default=8)
    args = parser.parse_args()
    n, c = args.articles, args.concurrency
    options = WatchOptions(concurrency=c, per_host=c, delay=0.0, check_all=True, robots=False)

    rows = []
    for etag in (False, True):
        parent, child = mp.Pipe()
        server = mp.Process(target=serve, args=(n, etag, child), daemon=True)
        server.start()
        urls: list[str] = parent.recv()
        with tempfile.TemporaryDirectory() as tmp:
            archive = Archive.open(str(Path(tmp) / "archive"), create=True)
            bare_loop(urls[:50], c)  # warm up connections and caches
            bare = bare_loop(urls, c)
            rows.append(("bare fetch loop", bare, None, {}, n))
            if not etag:
                seconds, cpu, counts = watch_run(archive, urls, options)
                rows.append(("run 1: all new", seconds, cpu, counts, n))
                first_peak = peak_mb()
            else:
                watch_run(archive, urls, options)  # store everything once
            parent.send(("edit", int(n * args.changed)))
            parent.recv()
            seconds, cpu, counts = watch_run(archive, urls, options)
            label = "run 3: 5% changed, 304s" if etag else "run 2: 5% changed"
            rows.append((label, seconds, cpu, counts, n))
        parent.send(("stop", None))
        server.join(timeout=10)

    print(f"{n:,} articles, concurrency {c}, server in its own process")
    print(f"{'':28} {'pages/s':>9} {'ratio':>7} {'CPU ms/page':>12}  events")
    bare_rate = None
    for label, seconds, cpu, counts, pages in rows:
        rate = pages / seconds
        if label.startswith("bare"):
            bare_rate = rate
            print(f"{label:28} {rate:9.0f} {'1.00':>7} {'':>12}")
            continue
        ratio = rate / bare_rate if bare_rate else float("nan")
        cpu_ms = 1000 * (cpu or 0) / pages
        shown = ", ".join(f"{k} {v}" for k, v in sorted(counts.items()))
        print(f"{label:28} {rate:9.0f} {ratio:7.2f} {cpu_ms:12.1f}  {shown}")
    print(f"peak memory of this process: {first_peak:.0f} MB after run 1, {peak_mb():.0f} MB all")


if __name__ == "__main__":
    main()
