"""parse_feed: the articles an RSS or Atom feed links to, as the watch command sees them."""

from __future__ import annotations

import gzip
import time
from pathlib import Path

import pytest

from redline.archive.core.errors import InputError
from redline.archive.watch.feeds import FeedItem, parse_feed

FEED_URL = "https://news.example/feeds/world.xml"

RSS = b"""<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:dc="http://purl.org/dc/elements/1.1/">
<channel>
  <title>World news</title>
  <link>https://news.example/world/</link>
  <description>The latest</description>
  <item>
    <title>Summit ends without a deal</title>
    <link>https://news.example/world/summit-ends#comments</link>
    <guid isPermaLink="false">story-10231</guid>
    <pubDate>Tue, 03 Jun 2025 09:39:21 +0200</pubDate>
  </item>
  <item>
    <title>Floods &lt;em&gt;worsen&lt;/em&gt; in the north &amp;amp; east</title>
    <guid>https://news.example/world/floods-worsen</guid>
    <dc:date>2025-06-03T06:00:00Z</dc:date>
  </item>
  <item>
    <title>Relative link</title>
    <link>/world/markets-rally?src=rss</link>
  </item>
  <item>
    <title>Only a non-permalink guid</title>
    <guid isPermaLink="false">https://news.example/?p=99</guid>
  </item>
  <item>
    <title>Script link</title>
    <link>javascript:alert(1)</link>
  </item>
  <item>
    <title>Mail link</title>
    <link>mailto:desk@news.example</link>
  </item>
  <item>
    <title>Data link</title>
    <link>data:text/html,hello</link>
  </item>
  <item>
    <title>No host</title>
    <link>http://</link>
  </item>
  <item>
    <title>Summit ends (updated headline)</title>
    <link>https://news.example/world/summit-ends</link>
  </item>
  <item>
    <title>Bad date</title>
    <link>https://news.example/world/bad-date</link>
    <pubDate>the day before yesterday</pubDate>
  </item>
</channel>
</rss>
"""


def test_rss_items_in_feed_order_with_links_titles_and_dates() -> None:
    assert parse_feed(RSS, FEED_URL, "application/rss+xml; charset=utf-8") == [
        FeedItem(
            url="https://news.example/world/summit-ends",
            title="Summit ends without a deal",
            published="2025-06-03T07:39:21Z",
        ),
        FeedItem(
            url="https://news.example/world/floods-worsen",
            title="Floods worsen in the north & east",
            published="2025-06-03T06:00:00Z",
        ),
        FeedItem(
            url="https://news.example/world/markets-rally?src=rss",
            title="Relative link",
            published=None,
        ),
        FeedItem(url="https://news.example/world/bad-date", title="Bad date", published=None),
    ]


def test_a_permalink_guid_stands_in_for_a_missing_link_but_a_bare_id_does_not() -> None:
    feed = b"""<rss version="2.0"><channel><title>t</title>
      <item><title>Numbered</title><guid>48151623</guid></item>
      <item><title>URL guid</title><guid>https://news.example/a/1</guid></item>
      <item><title>Empty link</title><link></link><guid>https://news.example/a/2</guid></item>
      <item><title>Guid then relative link</title><guid>777</guid><link>/a/3</link></item>
    </channel></rss>"""
    assert [item.url for item in parse_feed(feed, FEED_URL)] == [
        "https://news.example/a/1",
        "https://news.example/a/2",
        "https://news.example/a/3",
    ]


ATOM = b"""<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom" xml:base="https://blog.example/posts/">
  <title>Engineering blog</title>
  <id>tag:blog.example,2025:feed</id>
  <updated>2025-06-04T00:00:00Z</updated>
  <link rel="self" href="https://blog.example/atom.xml"/>
  <entry xml:base="2025/">
    <title type="html">Caching &amp;amp; &lt;i&gt;why&lt;/i&gt; it broke</title>
    <link rel="edit" href="https://api.blog.example/entries/1"/>
    <link rel="enclosure" type="audio/mpeg" href="https://cdn.blog.example/1.mp3"/>
    <link rel="alternate" type="text/html" href="caching.html#intro"/>
    <id>tag:blog.example,2025:1</id>
    <published>2025-06-01T12:00:00+02:00</published>
    <updated>2025-06-02T08:00:00Z</updated>
  </entry>
  <entry>
    <title>Link without rel</title>
    <link href="../about/team"/>
    <id>tag:blog.example,2025:2</id>
    <updated>2025-06-03T00:00:00-05:00</updated>
  </entry>
  <entry>
    <title>Id only</title>
    <id>https://blog.example/posts/id-only</id>
  </entry>
  <entry>
    <title>Tag id only</title>
    <id>tag:blog.example,2025:4</id>
  </entry>
</feed>
"""


def test_atom_resolves_xml_base_and_prefers_the_alternate_link() -> None:
    assert parse_feed(ATOM, "https://blog.example/atom.xml", "application/atom+xml") == [
        FeedItem(
            url="https://blog.example/posts/2025/caching.html",
            title="Caching & why it broke",
            published="2025-06-01T10:00:00Z",
        ),
        FeedItem(
            url="https://blog.example/about/team",
            title="Link without rel",
            published="2025-06-03T05:00:00Z",
        ),
        FeedItem(url="https://blog.example/posts/id-only", title="Id only", published=None),
    ]


def test_relative_atom_links_without_xml_base_resolve_against_the_feed_url() -> None:
    feed = b"""<feed xmlns="http://www.w3.org/2005/Atom"><title>t</title>
      <entry><title>a</title><link href="2025/06/story"/><id>x</id></entry>
    </feed>"""
    items = parse_feed(feed, "https://blog.example/feeds/atom.xml")
    assert [item.url for item in items] == ["https://blog.example/feeds/2025/06/story"]


RDF = b"""<?xml version="1.0"?>
<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"
         xmlns="http://purl.org/rss/1.0/" xmlns:dc="http://purl.org/dc/elements/1.1/">
  <channel rdf:about="https://journal.example/">
    <title>Journal</title>
    <link>https://journal.example/</link>
    <items><rdf:Seq>
      <rdf:li rdf:resource="https://journal.example/issue/12"/>
      <rdf:li rdf:resource="https://journal.example/issue/13"/>
    </rdf:Seq></items>
  </channel>
  <item rdf:about="https://journal.example/issue/12">
    <title>Issue 12</title>
    <link>https://journal.example/issue/12</link>
    <dc:date>2024-01-05T10:00:00+01:00</dc:date>
  </item>
  <item rdf:about="https://journal.example/issue/13">
    <title>Issue 13</title>
  </item>
</rdf:RDF>
"""


def test_rss_1_0_rdf_items_use_link_then_rdf_about() -> None:
    assert parse_feed(RDF, "https://journal.example/rss") == [
        FeedItem("https://journal.example/issue/12", "Issue 12", "2024-01-05T09:00:00Z"),
        FeedItem("https://journal.example/issue/13", "Issue 13", None),
    ]


def test_feedburner_origlink_wins_over_the_redirecting_link() -> None:
    feed = b"""<?xml version="1.0"?>
<rss version="2.0" xmlns:feedburner="http://rssnamespace.org/feedburner/ext/1.0">
<channel><title>t</title>
  <item>
    <title>Proxied</title>
    <link>http://feedproxy.google.com/~r/Example/~3/AbC123/</link>
    <feedburner:origLink>https://news.example/2025/06/proxied-story/</feedburner:origLink>
  </item>
  <item>
    <title>Bad origLink</title>
    <link>https://news.example/2025/06/direct/</link>
    <feedburner:origLink>javascript:void(0)</feedburner:origLink>
  </item>
</channel></rss>"""
    assert [item.url for item in parse_feed(feed, "https://feeds.feedburner.com/Example")] == [
        "https://news.example/2025/06/proxied-story/",
        "https://news.example/2025/06/direct/",
    ]


def test_a_broken_feed_that_still_has_items_is_read() -> None:
    # HTML entities undeclared in XML and a missing end tag: not well-formed.
    feed = b"""<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0"><channel><title>Caf&eacute; news&nbsp;</title>
<item><title>First&nbsp;item</title><link>https://cafe.example/1</link></item>
<item><title>Second</title><link>https://cafe.example/2</link></item>
</channel>"""
    items = parse_feed(feed, "https://cafe.example/feed")
    assert [item.url for item in items] == ["https://cafe.example/1", "https://cafe.example/2"]
    assert items[1].title == "Second"


def test_a_valid_feed_with_no_items_is_an_empty_list() -> None:
    feed = b'<rss version="2.0"><channel><title>Quiet</title></channel></rss>'
    assert parse_feed(feed, FEED_URL) == []


def test_the_content_type_charset_is_used_to_decode_the_feed() -> None:
    feed = '<rss version="2.0"><channel><title>t</title><item><title>Café</title>'
    feed += "<link>https://news.example/cafe</link></item></channel></rss>"
    items = parse_feed(
        feed.encode("iso-8859-1"), FEED_URL, "application/rss+xml; charset=iso-8859-1"
    )
    assert items == [FeedItem("https://news.example/cafe", "Café", None)]


def test_a_gzip_compressed_feed_is_decompressed() -> None:
    assert parse_feed(gzip.compress(RSS), FEED_URL) == parse_feed(RSS, FEED_URL)


def test_a_gzip_bomb_stops_at_the_size_limit() -> None:
    bomb = gzip.compress(RSS.replace(b"<channel>", b"<channel>" + b" " * 5_000_000))
    with pytest.raises(InputError) as caught:
        parse_feed(bomb, FEED_URL, max_bytes=1_000_000)
    message = str(caught.value)
    assert message.startswith(FEED_URL)
    assert "over the 977 KB limit once decompressed" in message


def one_line_error(caught: pytest.ExceptionInfo[InputError], *needles: str) -> str:
    message = str(caught.value)
    assert "\n" not in message
    assert caught.value.__cause__ is None
    for needle in needles:
        assert needle in message, f"{needle!r} not in {message!r}"
    return message


def test_an_html_page_is_not_a_feed() -> None:
    page = b"""<!DOCTYPE html>
<html><head><title>World news</title>
<link rel="alternate" type="application/rss+xml" href="/feeds/world.xml">
</head><body><h1>World</h1><p>Stories<br>more</p></body></html>"""
    with pytest.raises(InputError) as caught:
        parse_feed(page, FEED_URL, "text/html; charset=utf-8")
    assert one_line_error(caught) == (
        f"{FEED_URL} is not an RSS or Atom feed (it looks like an HTML page); "
        "check the feed: line in the watchlist"
    )


def test_a_large_html_page_is_refused_without_parsing_it_all() -> None:
    page = b"<!doctype html><html><body>" + b"<p>para <a href='/x'>link</a></p>\n" * 200_000
    started = time.monotonic()
    with pytest.raises(InputError) as caught:
        parse_feed(page, FEED_URL)
    assert time.monotonic() - started < 2
    one_line_error(caught, "it looks like an HTML page")


@pytest.mark.parametrize(
    ("body", "why"),
    [
        (b"", "it is empty"),
        (b"  \r\n\t ", "it is empty"),
        (b"\x00\x01\x02\xff garbage", "XML error"),
        (b'{"version": "https://jsonfeed.org/version/1.1", "items": []}', "it looks like JSON"),
        (b"<settings><theme>dark</theme></settings>", "no feed elements found"),
    ],
)
def test_bodies_that_are_not_feeds(body: bytes, why: str) -> None:
    with pytest.raises(InputError) as caught:
        parse_feed(body, FEED_URL)
    message = one_line_error(caught, FEED_URL, why)
    assert message.endswith("; check the feed: line in the watchlist")


def test_a_sitemap_given_as_a_feed_says_to_use_a_sitemap_line() -> None:
    sitemap = b"""<?xml version="1.0"?>
<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
<url><loc>https://news.example/a</loc></url></urlset>"""
    with pytest.raises(InputError) as caught:
        parse_feed(sitemap, "https://news.example/sitemap.xml")
    one_line_error(caught, "https://news.example/sitemap.xml is a sitemap", "sitemap: line")


def test_bytes_that_name_a_file_are_parsed_not_opened(tmp_path: Path) -> None:
    # feedparser.parse(b"/some/path") would read that file; the bytes must be the feed.
    elsewhere = tmp_path / "other.xml"
    elsewhere.write_bytes(RSS)
    with pytest.raises(InputError):
        parse_feed(str(elsewhere).encode(), FEED_URL)


def test_external_entities_are_never_read(tmp_path: Path) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP-SECRET-CONTENT")
    dtd = tmp_path / "evil.dtd"
    dtd.write_text('<!ENTITY leak "TOP-SECRET-DTD">')
    uri = secret.as_uri().encode()
    variants = [
        # one declaration a line, then all on the line of the DOCTYPE
        b'<?xml version="1.0"?>\n<!DOCTYPE rss [\n<!ENTITY xxe SYSTEM "' + uri + b'">\n]>\n',
        b'<?xml version="1.0"?>\n<!DOCTYPE rss [<!ENTITY xxe SYSTEM "' + uri + b'">]>',
        # a markup-looking entity first, which hides the rest from feedparser's clean-up
        b'<?xml version="1.0"?>\n<!DOCTYPE rss [<!ENTITY a "<b>x</b>">'
        b'<!ENTITY xxe SYSTEM "' + uri + b'">]>',
        b'<?xml version="1.0"?>\n<!DOCTYPE rss SYSTEM "' + dtd.as_uri().encode() + b'">',
    ]
    body = (
        b'<rss version="2.0"><channel><title>t &xxe; &leak;</title>'
        b"<item><title>Item &xxe;&leak;</title><link>https://news.example/1</link></item>"
        b"</channel></rss>"
    )
    for prolog in variants:
        items = parse_feed(prolog + body, FEED_URL, "application/rss+xml")
        assert [item.url for item in items] == ["https://news.example/1"]
        assert "TOP-SECRET" not in repr(items)


def test_billion_laughs_does_not_expand() -> None:
    entities = b'<!ENTITY lol "lol">' + b"".join(
        b'<!ENTITY lol%d "%s">' % (i, (b"&lol%s;" % (str(i - 1).encode() if i > 1 else b"")) * 10)
        for i in range(1, 10)
    )
    feed = (
        b'<?xml version="1.0"?>\n<!DOCTYPE rss [\n' + entities.replace(b"><", b">\n<") + b"\n]>\n"
        b'<rss version="2.0"><channel><title>&lol9;</title>'
        b"<item><title>&lol9;</title><link>https://news.example/1</link></item>"
        b"</channel></rss>"
    )
    started = time.monotonic()
    items = parse_feed(feed, FEED_URL)
    assert time.monotonic() - started < 5
    assert [item.url for item in items] == ["https://news.example/1"]
    assert len(items[0].title or "") < 100
