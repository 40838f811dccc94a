"""parse_sitemap and recent: the pages a sitemap lists, as the watch command sees them."""

from __future__ import annotations

import gzip
import time
from datetime import datetime, timezone
from pathlib import Path

import pytest

from redline.archive.core.errors import InputError, UsageError
from redline.archive.watch.sitemaps import Sitemap, SitemapEntry, iso_utc, parse_sitemap, recent

SITEMAP_URL = "https://news.example/sitemap.xml"

URLSET = b"""<?xml version="1.0" encoding="UTF-8"?>
<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"
        xmlns:image="http://www.google.com/schemas/sitemap-image/1.1"
        xmlns:xhtml="http://www.w3.org/1999/xhtml">
  <url>
    <loc>
      https://news.example/2025/06/03/summit-ends
    </loc>
    <lastmod>2025-06-03T09:39:21+02:00</lastmod>
    <changefreq>hourly</changefreq>
    <priority>0.8</priority>
    <image:image><image:loc>https://img.news.example/summit.jpg</image:loc></image:image>
    <xhtml:link rel="alternate" hreflang="de" href="https://news.example/de/gipfel"/>
  </url>
  <url><loc>https://news.example/2025/06/02/floods</loc><lastmod>2025-06-02</lastmod></url>
  <url><loc>https://news.example/about</loc></url>
  <url><loc>/relative/page</loc><lastmod>2025-06-01</lastmod></url>
  <url><loc>ftp://files.news.example/archive.zip</loc></url>
  <url><loc>https://news.example/2025/06/03/summit-ends#comments</loc></url>
  <url><loc><![CDATA[https://news.example/search?q=rain&page=2]]></loc></url>
  <url><lastmod>2025-06-01</lastmod></url>
  <url><loc>https://news.example/2025/05/old</loc><lastmod>last tuesday</lastmod></url>
</urlset>
"""


def test_urlset_pages_in_order_with_dates_in_utc() -> None:
    assert parse_sitemap(URLSET, SITEMAP_URL) == Sitemap(
        pages=(
            SitemapEntry("https://news.example/2025/06/03/summit-ends", "2025-06-03T07:39:21Z"),
            SitemapEntry("https://news.example/2025/06/02/floods", "2025-06-02T00:00:00Z"),
            SitemapEntry("https://news.example/about", None),
            SitemapEntry("https://news.example/search?q=rain&page=2", None),
            SitemapEntry("https://news.example/2025/05/old", None),
        ),
        sitemaps=(),
    )


def test_sitemap_index_lists_child_sitemaps() -> None:
    index = b"""<?xml version="1.0" encoding="UTF-8"?>
<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
  <sitemap><loc>https://news.example/sitemaps/2025-06.xml.gz</loc>
    <lastmod>2025-06-03T10:00:00Z</lastmod></sitemap>
  <sitemap><loc>https://news.example/sitemaps/2025-05.xml.gz</loc>
    <lastmod>2025-05-31</lastmod></sitemap>
  <sitemap><loc>https://news.example/sitemaps/news.xml</loc></sitemap>
</sitemapindex>"""
    assert parse_sitemap(index, "https://news.example/sitemap_index.xml") == Sitemap(
        pages=(),
        sitemaps=(
            SitemapEntry("https://news.example/sitemaps/2025-06.xml.gz", "2025-06-03T10:00:00Z"),
            SitemapEntry("https://news.example/sitemaps/2025-05.xml.gz", "2025-05-31T00:00:00Z"),
            SitemapEntry("https://news.example/sitemaps/news.xml", None),
        ),
    )


NEWS = b"""<?xml version="1.0" encoding="UTF-8"?>
<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"
        xmlns:news="http://www.google.com/schemas/sitemap-news/0.9">
  <url>
    <loc>https://news.example/business/article55.html</loc>
    <lastmod>2025-06-03T12:00:00Z</lastmod>
    <news:news>
      <news:publication><news:name>The Example Times</news:name>
        <news:language>en</news:language></news:publication>
      <news:publication_date>2025-06-03T10:15:00-04:00</news:publication_date>
      <news:title>Companies A, B in
        Merger Talks</news:title>
    </news:news>
  </url>
  <url>
    <loc>https://news.example/business/article56.html</loc>
    <lastmod>2025-06-02</lastmod>
    <news:news>
      <news:publication><news:name>The Example Times</news:name>
        <news:language>en</news:language></news:publication>
      <news:publication_date>not a date</news:publication_date>
      <news:title></news:title>
    </news:news>
  </url>
  <url>
    <loc>https://news.example/business/article57.html</loc>
    <news:news>
      <news:publication_date>2025-06-01</news:publication_date>
      <news:title>Rates &amp; prices</news:title>
    </news:news>
  </url>
</urlset>"""


def test_google_news_sitemap_prefers_the_publication_date_and_keeps_titles() -> None:
    assert parse_sitemap(NEWS, "https://news.example/news-sitemap.xml").pages == (
        SitemapEntry(
            "https://news.example/business/article55.html",
            "2025-06-03T14:15:00Z",
            "Companies A, B in Merger Talks",
        ),
        SitemapEntry("https://news.example/business/article56.html", "2025-06-02T00:00:00Z"),
        SitemapEntry(
            "https://news.example/business/article57.html", "2025-06-01T00:00:00Z", "Rates & prices"
        ),
    )


def test_sitemaps_without_namespace_or_in_google_s_old_one_are_read() -> None:
    for root in (b"<urlset>", b'<urlset xmlns="http://www.google.com/schemas/sitemap/0.84">'):
        body = root + b"<url><loc>https://a.example/1</loc><lastmod>2025</lastmod></url></urlset>"
        assert parse_sitemap(body, SITEMAP_URL).pages == (
            SitemapEntry("https://a.example/1", "2025-01-01T00:00:00Z"),
        )


def test_leading_blank_lines_a_bom_and_bare_ampersands_are_tolerated() -> None:
    body = (
        b"\xef\xbb\xbf\n\n  <?xml version='1.0' encoding='UTF-8'?>\n<urlset>"
        b"<url><loc>https://a.example/list?sort=new&page=2</loc></url></urlset>"
    )
    assert parse_sitemap(body, SITEMAP_URL).pages == (
        SitemapEntry("https://a.example/list?sort=new&page=2"),
    )


def test_utf16_sitemap() -> None:
    body = '<?xml version="1.0" encoding="UTF-16"?><urlset><url><loc>https://a.example/ü</loc>'
    body += "</url></urlset>"
    assert parse_sitemap(body.encode("utf-16"), SITEMAP_URL).pages == (
        SitemapEntry("https://a.example/ü"),
    )


def test_gzipped_sitemap_is_decompressed() -> None:
    gz = gzip.compress(URLSET)
    assert parse_sitemap(gz, "https://news.example/sitemap.xml.gz") == parse_sitemap(
        URLSET, SITEMAP_URL
    )


def test_a_gzip_bomb_stops_at_the_size_limit() -> None:
    bomb = gzip.compress(b"<urlset>" + b" " * 3_000_000 + b"</urlset>")
    assert len(bomb) < 10_000
    with pytest.raises(InputError) as caught:
        parse_sitemap(bomb, "https://news.example/s.xml.gz", max_bytes=1024 * 1024)
    assert str(caught.value) == (
        "https://news.example/s.xml.gz is over the 1 MB limit once decompressed; "
        "raise --max-bytes to read it"
    )


def test_an_uncompressed_body_over_the_limit_is_refused() -> None:
    body = b"<urlset>" + b" " * 2000 + b"</urlset>"
    with pytest.raises(InputError) as caught:
        parse_sitemap(body, SITEMAP_URL, max_bytes=1000)
    assert str(caught.value) == (
        f"{SITEMAP_URL} is 2 KB, over the 1000 bytes limit; raise --max-bytes to read it"
    )


def test_corrupt_gzip_is_an_input_error() -> None:
    broken = b"\x1f\x8b\x08\x00" + b"\x00" * 6 + b"not deflate data at all"
    with pytest.raises(InputError) as caught:
        parse_sitemap(broken, "https://news.example/s.xml.gz")
    message = str(caught.value)
    assert message.startswith("https://news.example/s.xml.gz is gzip-compressed but corrupt (")
    assert message.endswith("; try again later")


def test_text_sitemap_one_url_a_line() -> None:
    body = (
        b"https://news.example/a\r\n"
        b"\n"
        b"  https://news.example/b  \n"
        b"https://news.example/a\n"
        b"ftp://news.example/c\n"
        b"https://news.example/d#top"
    )
    assert parse_sitemap(body, "https://news.example/sitemap.txt") == Sitemap(
        pages=(
            SitemapEntry("https://news.example/a"),
            SitemapEntry("https://news.example/b"),
            SitemapEntry("https://news.example/d"),
        )
    )


def one_line_error(caught: pytest.ExceptionInfo[InputError], *needles: str) -> str:
    message = str(caught.value)
    assert "\n" not in message
    assert caught.value.__cause__ is None
    for needle in needles:
        assert needle in message, f"{needle!r} not in {message!r}"
    return message


NOT_HTML = "is not a sitemap (it looks like an HTML page); check the sitemap: line in the watchlist"


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        (
            b"<!DOCTYPE html><html><head><title>News</title></head><body><p>Hi</body></html>",
            NOT_HTML,
        ),
        (
            b'<?xml version="1.0"?>\n<html xmlns="http://www.w3.org/1999/xhtml"><body><p>a<br>'
            b"</p></body></html>",
            NOT_HTML,
        ),
        (
            b'<?xml version="1.0"?><html xmlns="http://www.w3.org/1999/xhtml"><body/></html>',
            NOT_HTML,
        ),
        (
            b"",
            "is empty, not a sitemap; check the sitemap: line in the watchlist",
        ),
        (
            b'<rss version="2.0"><channel><title>t</title></channel></rss>',
            "is an RSS or Atom feed, not a sitemap; "
            "use a feed: line in the watchlist for it instead",
        ),
        (
            b"<settings><theme>dark</theme></settings>",
            "is XML but not a sitemap (its root element is <settings>, not <urlset> or "
            "<sitemapindex>); check the sitemap: line in the watchlist",
        ),
        (
            b"User-agent: *\nDisallow: /private\nSitemap: https://news.example/sitemap.xml\n",
            "is not a sitemap (neither XML nor a list of URLs, one a line); "
            "check the sitemap: line in the watchlist",
        ),
        (
            b"no-urls-here\n",
            "is not a sitemap (neither XML nor a list of URLs, one a line); "
            "check the sitemap: line in the watchlist",
        ),
        (
            b"\x00\x01\x02\x03binary",
            "is binary data, not a sitemap; check the sitemap: line in the watchlist",
        ),
    ],
)
def test_bodies_that_are_not_sitemaps(body: bytes, expected: str) -> None:
    with pytest.raises(InputError) as caught:
        parse_sitemap(body, SITEMAP_URL)
    assert one_line_error(caught) == f"{SITEMAP_URL} {expected}"


def test_malformed_xml_names_the_error() -> None:
    with pytest.raises(InputError) as caught:
        parse_sitemap(b"<urlset><url><loc>https://a.example/</url></urlset>", SITEMAP_URL)
    message = one_line_error(caught, SITEMAP_URL, "is not a well-formed sitemap (XML error: ")
    assert "mismatch" in message
    assert "<string>" not in message
    assert message.endswith("; check the sitemap: line in the watchlist or try again later")


def billion_laughs(encoding: str = "utf-8") -> bytes:
    entities = '<!ENTITY lol "lol">' + "".join(
        f'<!ENTITY lol{i} "{("&lol" + (str(i - 1) if i > 1 else "") + ";") * 10}">'
        for i in range(1, 10)
    )
    text = (
        f'<?xml version="1.0" encoding="{encoding}"?>\n<!DOCTYPE urlset [{entities}]>\n'
        '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
        "<url><loc>https://a.example/&lol9;</loc></url></urlset>"
    )
    return text.encode(encoding)


@pytest.mark.parametrize("encoding", ["utf-8", "utf-16", "utf-32"])
def test_billion_laughs_is_refused_quickly(encoding: str) -> None:
    started = time.monotonic()
    with pytest.raises(InputError) as caught:
        parse_sitemap(billion_laughs(encoding), SITEMAP_URL)
    assert time.monotonic() - started < 1
    assert one_line_error(caught) == (
        f"{SITEMAP_URL} declares XML entities in a DOCTYPE, which sitemaps never need; "
        "redline refuses such documents for safety, check the sitemap: line in the watchlist"
    )


def test_external_entities_are_refused_and_never_read(tmp_path: Path) -> None:
    secret = tmp_path / "passwd"
    secret.write_text("root:x:0:0:TOP-SECRET:/root:/bin/bash\n")
    for encoding in ("utf-8", "utf-16", "utf-32"):
        for declaration in (
            f'<!ENTITY xxe SYSTEM "{secret.as_uri()}">',
            '<!ENTITY xxe SYSTEM "file:///etc/passwd">',
            f'<!ENTITY % ext SYSTEM "{secret.as_uri()}"> %ext;',
        ):
            body = (
                f'<?xml version="1.0" encoding="{encoding}"?>\n'
                f"<!DOCTYPE urlset [{declaration}]>\n"
                "<urlset><url><loc>https://a.example/&xxe;</loc></url></urlset>"
            ).encode(encoding)
            with pytest.raises(InputError) as caught:
                parse_sitemap(body, SITEMAP_URL)
            message = one_line_error(caught, "declares XML entities")
            assert "TOP-SECRET" not in message
            assert "root:" not in message


def test_an_external_dtd_is_not_loaded(tmp_path: Path) -> None:
    dtd = tmp_path / "sitemap.dtd"
    dtd.write_text('<!ENTITY leak "TOP-SECRET">')
    body = (
        f'<?xml version="1.0"?>\n<!DOCTYPE urlset SYSTEM "{dtd.as_uri()}">\n'
        "<urlset><url><loc>https://a.example/p?x=&leak;</loc></url>"
        "<url><loc>https://a.example/q</loc></url></urlset>"
    ).encode()
    sitemap = parse_sitemap(body, SITEMAP_URL)
    assert "TOP-SECRET" not in repr(sitemap)
    assert sitemap.pages[-1] == SitemapEntry("https://a.example/q")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2025", "2025-01-01T00:00:00Z"),
        ("2025-06", "2025-06-01T00:00:00Z"),
        ("2025-06-03", "2025-06-03T00:00:00Z"),
        ("2025-06-03T10:00Z", "2025-06-03T10:00:00Z"),
        ("2025-06-03T10:00+02:00", "2025-06-03T08:00:00Z"),
        ("2025-06-03T23:30:05.123456-05:30", "2025-06-04T05:00:05Z"),
        ("2025-06-03T10:00:00+0200", "2025-06-03T08:00:00Z"),
        ("2025-06-03T10:00:00", "2025-06-03T10:00:00Z"),
        ("2025-06-03 10:00:00", "2025-06-03T10:00:00Z"),
        (" 2025-06-03T10:00:00Z\n", "2025-06-03T10:00:00Z"),
        ("Tue, 03 Jun 2025 09:39:21 +0200", "2025-06-03T07:39:21Z"),
        ("2025-13-01", None),
        ("2025-02-30", None),
        ("2025-06-03T25:00Z", None),
        ("2025-06-03T10:00+02:99", None),
        ("0000-01-01", None),
        ("0001-01-01T00:00+01:00", None),
        ("yesterday", None),
        ("", None),
        (None, None),
    ],
)
def test_dates_become_utc_or_none(text: str | None, expected: str | None) -> None:
    assert iso_utc(text) == expected


NOW = datetime(2025, 6, 3, 12, 0, tzinfo=timezone.utc)
ENTRIES = [
    SitemapEntry("https://a.example/old", "2025-05-01T00:00:00Z"),
    SitemapEntry("https://a.example/undated"),
    SitemapEntry("https://a.example/yesterday", "2025-06-02T13:00:00Z"),
    SitemapEntry("https://a.example/two-days", "2025-06-01T11:00:00Z"),
    SitemapEntry("https://a.example/future", "2025-06-03T12:30:00Z"),
    SitemapEntry("https://a.example/unreadable", "sometime"),
]


def test_recent_keeps_recent_undated_and_future_entries_in_order() -> None:
    assert [entry.url for entry in recent(ENTRIES, NOW, 2)] == [
        "https://a.example/undated",
        "https://a.example/yesterday",
        "https://a.example/future",
        "https://a.example/unreadable",
    ]
    assert [entry.url for entry in recent(ENTRIES, NOW, 0.5)] == [
        "https://a.example/undated",
        "https://a.example/future",
        "https://a.example/unreadable",
    ]
    assert len(recent(ENTRIES, NOW, 60)) == len(ENTRIES)


def test_recent_takes_a_naive_now_as_utc() -> None:
    naive = NOW.replace(tzinfo=None)
    assert recent(ENTRIES, naive, 1) == recent(ENTRIES, NOW, 1)


def test_recent_on_a_parsed_news_sitemap() -> None:
    pages = parse_sitemap(NEWS, SITEMAP_URL).pages
    now = datetime(2025, 6, 3, 20, 0, tzinfo=timezone.utc)
    assert [entry.url for entry in recent(pages, now, 2)] == [
        "https://news.example/business/article55.html",
        "https://news.example/business/article56.html",
    ]


def test_recent_refuses_negative_days() -> None:
    with pytest.raises(UsageError, match="0 or more"):
        recent(ENTRIES, NOW, -1)
