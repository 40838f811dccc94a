"""A synthetic news site on the local HTTP server: articles, an RSS feed, sitemaps.

``Newsroom(server)`` publishes articles at ``/news/<slug>``; each page carries the
furniture of a real one (navigation, a ticker, an ad slot with a nonce, "N minutes ago")
that changes on every render, so only an edit of the article itself is a change.

    room = Newsroom(server)
    url = room.publish("flood", paragraphs=4)      # version 1
    room.edit("flood")                              # version 2: a sentence rewritten
    room.take_down("flood")                         # 404 from now on
    room.feed_url, room.sitemap_url                 # /rss.xml and /news-sitemap.xml

``etag=True`` serves ETag and Last-Modified (and 304s) for unchanged articles.
Used by the watch tests and ``benchmarks/watch.py``.
"""

from __future__ import annotations

import hashlib
import itertools
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from email.utils import format_datetime
from html import escape

from tests.support.http_server import LocalHTTPServer, Route

_SENTENCES = (
    "The river rose past the old flood mark before dawn, and crews closed two bridges.",
    "Officials said the pumping station on Mill Road had failed shortly after midnight.",
    "Residents of the lower town were told to move their cars to higher ground.",
    "The mayor, speaking outside city hall, promised a full review of the response.",
    "Volunteers filled sandbags at the fire station until the supply ran out at noon.",
    "Forecasters expect the water to crest on Thursday evening, a day later than hoped.",
    "Schools in three districts will stay closed, the education board announced.",
    "Insurance adjusters began arriving in the afternoon, according to local agents.",
    "A spokesperson for the utility said power would return to most homes by Friday.",
    "Business owners on Front Street described water reaching the tops of the counters.",
)
_counter = itertools.count()


def _paragraph(seed: int, n: int) -> str:
    picks = [_SENTENCES[(seed * 7 + n * 3 + i) % len(_SENTENCES)] for i in range(3)]
    return f"Story {seed}, part {n + 1}: " + " ".join(picks)


@dataclass
class Story:
    slug: str
    seed: int
    paragraphs: list[str]
    title: str
    published: datetime
    version: int = 1
    status: int = 200
    modified: datetime | None = None


@dataclass
class Newsroom:
    server: LocalHTTPServer
    etag: bool = False
    stories: dict[str, Story] = field(default_factory=dict)

    # -- publishing -------------------------------------------------------------------
    def publish(self, slug: str, *, paragraphs: int = 5, when: datetime | None = None) -> str:
        seed = next(_counter)
        story = Story(
            slug=slug,
            seed=seed,
            paragraphs=[_paragraph(seed, i) for i in range(paragraphs)],
            title=f"Flood update {seed}: river crests in the lower town",
            published=when or datetime(2026, 11, 20, 8, 0, tzinfo=timezone.utc),
        )
        self.stories[slug] = story
        self._serve(story)
        self.publish_lists()
        return self.url(slug)

    def url(self, slug: str) -> str:
        return self.server.url(f"/news/{slug}")

    def edit(self, slug: str, text: str | None = None) -> None:
        """Rewrite the second paragraph (a stealth edit: the modified date stays)."""
        story = self.stories[slug]
        story.version += 1
        story.paragraphs[1] = text or (
            f"Revised {story.version}: officials now say the station failed hours earlier, "
            "and that warnings were not sent to residents until after the water arrived."
        )
        self._serve(story)

    def take_down(self, slug: str, status: int = 404) -> None:
        story = self.stories[slug]
        story.status = status
        self._serve(story)

    def page(self, slug: str, html: str, status: int = 200) -> None:
        """Serve ``html`` at the story's URL (a captcha, a stub, an empty page...)."""
        self.server.route(f"/news/{slug}", Route(status=status, body=html))

    def restore(self, slug: str) -> None:
        story = self.stories[slug]
        story.status = 200
        self._serve(story)

    # -- pages ------------------------------------------------------------------------
    def html(self, story: Story) -> str:
        published = story.published.isoformat()
        body = "\n".join(f"<p>{escape(p)}</p>" for p in story.paragraphs)
        return f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<title>{escape(story.title)} | The Riverton Ledger</title>
<meta property="og:title" content="{escape(story.title)}">
<meta name="author" content="Dana Whitfield">
<meta property="article:published_time" content="{published}">
<link rel="canonical" href="{self.url(story.slug)}">
</head><body>
<header><nav><a href="/">Home</a> <a href="/news/">News</a> <a href="/sport/">Sport</a></nav>
<div class="ticker">Markets: DOW {{ticker}}</div></header>
<main><article>
<h1>{escape(story.title)}</h1>
<p class="byline">By Dana Whitfield</p>
<time datetime="{published}">{story.published:%B %d, %Y}</time>
{body}
</article></main>
<aside class="ad" data-nonce="{{nonce}}">Advertisement</aside>
<footer>&copy; 2026 The Riverton Ledger. Updated {{minutes}} minutes ago.</footer>
</body></html>"""

    def _serve(self, story: Story) -> None:
        path = f"/news/{story.slug}"
        if story.status != 200:
            self.server.route(path, Route(status=story.status, body="<h1>Not found</h1>"))
            return
        html = self.html(story)
        digest = hashlib.sha256(html.encode()).hexdigest()[:16]
        if self.etag:
            modified = story.published + timedelta(hours=story.version)
            # Identical bodies on every request, so validators mean something.
            page = html.replace("{ticker}", "40000").replace("{nonce}", digest)
            page = page.replace("{minutes}", "5")
            self.server.route(
                path,
                Route(
                    body=page,
                    etag=f'"{digest}-{story.version}"',
                    last_modified=format_datetime(modified, usegmt=True),
                ),
            )
            return
        # Furniture that changes every time the page is served anew (``touch``).
        turn = next(_counter)
        page = html.replace("{ticker}", str(40000 + turn * 17)).replace("{nonce}", f"n{turn}")
        page = page.replace("{minutes}", str(turn % 59 + 1))
        self.server.route(path, Route(body=page))

    def touch(self, slug: str) -> None:
        """Serve the story again with new furniture (ticker, nonce, "minutes ago")."""
        self._serve(self.stories[slug])

    # -- lists ------------------------------------------------------------------------
    @property
    def feed_url(self) -> str:
        return self.server.url("/rss.xml")

    @property
    def sitemap_url(self) -> str:
        return self.server.url("/news-sitemap.xml")

    def publish_lists(self, newest: int = 50) -> None:
        stories = list(self.stories.values())[-newest:]
        items = "\n".join(
            f"<item><title>{escape(s.title)}</title><link>{self.url(s.slug)}</link>"
            f"<guid>{self.url(s.slug)}</guid>"
            f"<pubDate>{format_datetime(s.published, usegmt=True)}</pubDate></item>"
            for s in reversed(stories)
        )
        rss = (
            '<?xml version="1.0" encoding="UTF-8"?>\n<rss version="2.0"><channel>'
            f"<title>The Riverton Ledger</title><link>{self.server.url('/')}</link>"
            f"<description>News</description>\n{items}\n</channel></rss>"
        )
        self.server.route("/rss.xml", Route(body=rss, content_type="application/rss+xml"))
        urls = "\n".join(
            f"<url><loc>{self.url(s.slug)}</loc><news:news><news:publication>"
            "<news:name>The Riverton Ledger</news:name><news:language>en</news:language>"
            f"</news:publication><news:publication_date>{s.published.isoformat()}"
            f"</news:publication_date><news:title>{escape(s.title)}</news:title>"
            "</news:news></url>"
            for s in stories
        )
        sitemap = (
            '<?xml version="1.0" encoding="UTF-8"?>\n'
            '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" '
            'xmlns:news="http://www.google.com/schemas/sitemap-news/0.9">\n'
            f"{urls}\n</urlset>"
        )
        self.server.route("/news-sitemap.xml", Route(body=sitemap, content_type="application/xml"))
