"""Helpers for the extraction tests: the fixture pages and small page builders."""

from __future__ import annotations

from pathlib import Path

PAGES = Path(__file__).resolve().parent / "fixtures" / "pages"


def fixture(name: str) -> str:
    return (PAGES / name).read_text("utf-8")


def news_page(paragraphs: list[str], head: str = "", title: str = "A headline") -> str:
    """A small but complete news page around ``paragraphs``."""
    body = "\n".join(f"<p>{p}</p>" for p in paragraphs)
    return f"""<!DOCTYPE html>
<html lang="en"><head>{head}<title>{title} | The Gazette</title></head>
<body>
<header><a href="/">The Gazette</a><nav><a href="/news">News</a></nav></header>
<main><article>
<h1>{title}</h1>
<div class="article-body">
{body}
</div>
</article></main>
<footer><p>Copyright The Gazette</p></footer>
</body></html>"""
