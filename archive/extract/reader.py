"""Reading a fetched page: decode it, extract the article, and ask the quality gate.

This is the costly step of a check (tens of milliseconds of CPU a page, against well
under one for everything else), and it holds Python's global lock. A watch run with many
pages to read hands it to worker processes (``ProcessAnalyser``) so that it uses every
core; a small run, or a machine with one core, reads pages in the checking thread
(``analyse`` itself), since starting workers costs about a second.
"""

from __future__ import annotations

import multiprocessing
import os
import threading
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from typing import NamedTuple, Protocol

from redline.archive.core.errors import ExtractionError
from redline.archive.core.models import Article
from redline.archive.extract.article import page_source, read_article
from redline.archive.extract.budget import check_budget
from redline.archive.extract.decode import decode_html
from redline.archive.extract.pagetext import fold, page_texts
from redline.archive.extract.parse import parse_html
from redline.archive.extract.quality import Page, Refusal, page_refusal, read_page

#: A run with at least this many checks reads pages in worker processes.
PROCESS_MIN_CHECKS = 64


class PageRead(NamedTuple):
    """What reading a page found: the article, why the page is not the article (if it
    is not), and every word a reader sees on it, folded for comparison."""

    article: Article
    refusal: Refusal | None
    text: str = ""


def analyse(
    body: bytes,
    url: str,
    content_type: str | None,
    status: int | None,
    captured_before: bool,
    source: str | None = None,
) -> PageRead:
    """The article on the page and, if the page is not the article, why.

    Raises ``ExtractionError`` or ``InputError`` when there is no article to read; their
    messages name ``source`` (the file or URL read), else ``url``."""
    where = source or url
    html = decode_html(body, content_type, source=where)
    check_budget(html, where)
    # One parse serves every reader of the page; the body extraction prunes the tree,
    # so it reads last.
    page: Page | str = html
    shown = ""
    try:
        text = page_source(html, where=where)
        root = parse_html(text, decoded=True)
        # Every reader walks the tree: holding each node's Python object for the whole
        # read spares lxml making a new one each time a walk meets the node again.
        _alive = list(root.iter())
        texts = page_texts(root)
        page = read_page(text, root, texts)
        shown = fold(texts.visible)
        article = read_article(root, url, where)
    except ExtractionError:
        # Some block pages hold no text at all: name them if the gate knows them.
        refusal = page_refusal(page, Article(), status=status, captured_before=captured_before)
        if refusal is None:
            raise
        return PageRead(Article(), refusal)
    refusal = page_refusal(page, article, status=status, captured_before=captured_before)
    return PageRead(article, refusal, shown)


class Reader(Protocol):
    """Reads a page: ``analyse`` in this process, or the same in worker processes."""

    def __call__(
        self,
        body: bytes,
        url: str,
        content_type: str | None,
        status: int | None,
        captured_before: bool,
        source: str | None = None,
    ) -> PageRead: ...


class ProcessAnalyser:
    """``analyse`` in a pool of worker processes, started on first use."""

    def __init__(self, workers: int | None = None) -> None:
        self.workers = workers or max(1, os.cpu_count() or 1)
        self._pool: ProcessPoolExecutor | None = None
        self._broken = False
        self._lock = threading.Lock()

    def __call__(
        self,
        body: bytes,
        url: str,
        content_type: str | None,
        status: int | None,
        captured_before: bool,
        source: str | None = None,
    ) -> PageRead:
        with self._lock:
            if self._pool is None and not self._broken:
                # "spawn": forking a process that runs threads can copy a held lock.
                context = multiprocessing.get_context("spawn")
                self._pool = ProcessPoolExecutor(self.workers, mp_context=context)
            pool = self._pool
        if pool is not None:
            try:
                return pool.submit(
                    analyse, body, url, content_type, status, captured_before, source
                ).result()
            except (BrokenProcessPool, RuntimeError, OSError):
                # Workers could not start or died (a script that starts redline without
                # an ``if __name__ == "__main__"`` guard, memory limits): read here.
                self._broken = True
        return analyse(body, url, content_type, status, captured_before, source)

    def close(self) -> None:
        with self._lock:
            if self._pool is not None:
                self._pool.shutdown(wait=True, cancel_futures=True)
                self._pool = None
