"""The redline engine: capture pages, keep every version of an article in an OCFL archive,
show what changed, and watch lists of articles on a schedule.

The data flows through the subpackages in this order, and imports only point back along
it: ``core`` (models, errors, URL ids, times, the archive's layout) → ``fetch`` →
``extract`` → ``diff`` → ``store`` → ``ocfl`` → ``ingest`` (the one capture step) →
``watch`` → ``render``. The modules at this level are the use-cases the command line
calls; the names below are the public API, imported on first use so that a command
pays only for what it needs::

    from redline.archive import Archive, capture_file, compare_versions, render_diff

    archive = Archive.open("./redline-archive", create=True)
    capture_file(archive, "saved.html", "https://example.com/news/story")
    print(render_diff("text", compare_versions(archive, "https://example.com/news/story")))
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

_API = {
    "Archive": "redline.archive.ocfl.archive",
    "Article": "redline.archive.core.models",
    "Capture": "redline.archive.core.models",
    "RedlineError": "redline.archive.core.errors",
    "ExitStatus": "redline.archive.core.errors",
    "Fetcher": "redline.archive.fetch.client",
    "extract_article": "redline.archive.extract.article",
    "ingest": "redline.archive.ingest.step",
    "capture_url": "redline.archive.capture",
    "capture_file": "redline.archive.capture",
    "capture_warc": "redline.archive.capture",
    "record_capture": "redline.archive.capture",
    "compare_versions": "redline.archive.compare:compare",
    "diff_articles": "redline.archive.diff.model",
    "article_history": "redline.archive.history:history",
    "run_watch": "redline.archive.watching",
    "WatchOptions": "redline.archive.watching",
    "build_report": "redline.archive.report",
    "render_diff": "redline.archive.render.formats",
    "render_report": "redline.archive.render.formats",
    "verify_archive": "redline.archive.ocfl.verify",
    "sync_locations": "redline.archive.ocfl.sync",
    "open_query_index": "redline.archive.queries:open_index",
    "list_changes": "redline.archive.queries",
    "search_versions": "redline.archive.queries:search",
    "build_site": "redline.archive.site",
    "notify_run": "redline.archive.notifying",
}

__all__ = [
    "Archive",
    "Article",
    "Capture",
    "ExitStatus",
    "Fetcher",
    "RedlineError",
    "WatchOptions",
    "build_report",
    "build_site",
    "capture_file",
    "capture_url",
    "capture_warc",
    "compare_versions",
    "diff_articles",
    "extract_article",
    "article_history",
    "ingest",
    "list_changes",
    "notify_run",
    "open_query_index",
    "record_capture",
    "render_diff",
    "render_report",
    "run_watch",
    "search_versions",
    "sync_locations",
    "verify_archive",
]


def __getattr__(name: str) -> Any:
    where = _API.get(name)
    if where is None:
        raise AttributeError(f"module 'redline.archive' has no attribute {name!r}")
    module, _, attribute = where.partition(":")
    return getattr(importlib.import_module(module), attribute or name)


if TYPE_CHECKING:
    from redline.archive.capture import capture_file, capture_url, capture_warc, record_capture
    from redline.archive.compare import compare as compare_versions
    from redline.archive.core.errors import ExitStatus, RedlineError
    from redline.archive.core.models import Article, Capture
    from redline.archive.diff.model import diff_articles
    from redline.archive.extract.article import extract_article
    from redline.archive.fetch.client import Fetcher
    from redline.archive.history import history as article_history
    from redline.archive.ingest.step import ingest
    from redline.archive.notifying import notify_run
    from redline.archive.ocfl.archive import Archive
    from redline.archive.ocfl.sync import sync_locations
    from redline.archive.ocfl.verify import verify_archive
    from redline.archive.queries import list_changes
    from redline.archive.queries import open_index as open_query_index
    from redline.archive.queries import search as search_versions
    from redline.archive.render.formats import render_diff, render_report
    from redline.archive.report import build_report
    from redline.archive.site import build_site
    from redline.archive.watching import WatchOptions, run_watch
