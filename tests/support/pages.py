"""Article pages written to files and captured into an archive, for tests that need an
archive of several articles with known edits (queries, the site)."""

from __future__ import annotations

from collections.abc import Sequence
from html import escape
from pathlib import Path

from redline.archive.capture import capture_file
from redline.archive.core.times import parse_when
from redline.archive.ocfl.archive import Archive, RecordResult

FILLER = (
    "Crews worked through the night to clear the roads, and most schools reopened.",
    "The county said it would publish a full account of the response next month.",
    "Residents who lost power were told to expect it back by the end of the week.",
)


def article_html(
    title: str,
    paragraphs: Sequence[str],
    *,
    published: str = "2026-11-20T08:00:00Z",
    modified: str | None = None,
) -> str:
    """A plain news article page; ``title`` and ``paragraphs`` are escaped."""
    body = "\n".join(f"<p>{escape(p)}</p>" for p in [*paragraphs, *FILLER])
    updated = f'<meta property="article:modified_time" content="{modified}">' if modified else ""
    return f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<title>{escape(title)} | The Ledger</title>
<meta property="og:title" content="{escape(title)}">
<meta property="article:published_time" content="{published}">{updated}
</head><body>
<nav><a href="/">Home</a> <a href="/news/">News</a></nav>
<main><article>
<h1>{escape(title)}</h1>
<p class="byline">By Dana Whitfield</p>
{body}
</article></main>
<footer>&copy; 2026 The Ledger.</footer>
</body></html>"""


def capture_page(
    archive: Archive,
    folder: Path,
    url: str,
    at: str,
    title: str,
    paragraphs: Sequence[str],
    *,
    published: str = "2026-11-20T08:00:00Z",
    modified: str | None = None,
) -> RecordResult:
    """Write the page to a file in ``folder`` and capture it as ``url`` at ``at``."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"page-{abs(hash((url, at)))}.html"
    page = article_html(title, paragraphs, published=published, modified=modified)
    path.write_text(page, encoding="utf-8")
    return capture_file(archive, str(path), url, parse_when(at))
