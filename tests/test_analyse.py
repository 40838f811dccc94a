"""Reading pages in worker processes gives the same article as reading them here."""

from __future__ import annotations

import os
import signal

import pytest

from redline.archive.demo import EXAMPLE_DIR, load_example
from redline.archive.extract.reader import ProcessAnalyser, analyse


def test_workers_read_the_same_article_as_this_process() -> None:
    body = (EXAMPLE_DIR / "v1.html").read_bytes()
    url = load_example().url
    here = analyse(body, url, "text/html", 200, False)
    workers = ProcessAnalyser(workers=2)
    try:
        there = workers(body, url, "text/html", 200, False)
    finally:
        workers.close()
    assert there == here
    assert there[0].title and there[1] is None


def test_a_worker_that_dies_does_not_lose_the_page() -> None:
    """A worker killed mid-run (out of memory, say) breaks the pool: the page is then
    read in this process, and so are the pages after it."""
    body = (EXAMPLE_DIR / "v1.html").read_bytes()
    url = load_example().url
    workers = ProcessAnalyser(workers=1)
    try:
        workers(body, url, "text/html", 200, False)  # start the pool
        assert workers._pool is not None
        for pid in list(workers._pool._processes):  # the real worker, really killed
            os.kill(pid, signal.SIGKILL)
        article, refusal, _text = workers(body, url, "text/html", 200, False)
        assert article.title and refusal is None
        assert workers(body, url, "text/html", 200, False)[0] == article
    finally:
        workers.close()


def test_an_extraction_error_from_a_worker_reaches_the_caller() -> None:
    from redline.archive.core.errors import ExtractionError

    workers = ProcessAnalyser(workers=1)
    try:
        with pytest.raises(ExtractionError):
            workers(b"<html><body></body></html>", "https://x.example/a", "text/html", 200, False)
    finally:
        workers.close()
