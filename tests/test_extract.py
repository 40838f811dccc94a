"""extract_article on whole pages: the fields a reader sees, and the errors."""

from __future__ import annotations

import codecs

import pytest

from redline.archive.core.errors import ExtractionError, InputError
from redline.archive.core.models import Article
from redline.archive.extract.article import extract_article
from redline.archive.extract.dates import normalize_date
from tests.extraction_pages import fixture, news_page

URL = "https://www.rivertonledger.example/news/2024/03/14/flood-barrier-vote?utm_source=x"


@pytest.fixture(scope="module")
def article() -> Article:
    return extract_article(fixture("article.html").encode("utf-8"), url=URL)


def test_metadata(article: Article) -> None:
    assert article.title == "City Council Approves $4.2 Million Flood Barrier After Heated Debate"
    assert article.subtitle == (
        "The vote ends two years of argument over how to protect the Lower Quay from spring floods."
    )
    assert article.byline == "Maria Okafor and Daniel Brandt"
    assert article.published == "2024-03-14T09:30:00-04:00"
    assert article.modified == "2024-03-15T16:05:00-04:00"
    assert article.canonical_url == (
        "https://www.rivertonledger.example/news/2024/03/14/flood-barrier-vote"
    )
    assert article.language == "en-US"
    assert article.extractor.startswith("redline/") and "+trafilatura/" in article.extractor


def test_body_in_reading_order_with_subheads_quote_and_list(article: Article) -> None:
    paras = article.paragraphs
    assert paras[0].startswith("RIVERTON — The City Council voted 5-2 on Tuesday night")
    assert paras.index("A long fight over cost") < paras.index("What happens next")
    assert "“A wall protects property for thirty years. A buyout protects people forever.”" in paras
    items = [
        "Flood insurance premiums on the Lower Quay have doubled since 2020.",
        "Two businesses on Front Street closed after the 2023 flood and did not reopen.",
        "The evacuation route along Mill Road floods before the houses do.",
    ]
    positions = [paras.index(item) for item in items]
    assert positions == sorted(positions)
    assert paras[-1].startswith("Correction: An earlier version of this article misstated the vote")


def test_correction_is_repeated(article: Article) -> None:
    assert article.corrections == (
        "Correction: An earlier version of this article misstated the vote. It was 5-2, not 6-1.",
    )


def test_no_furniture_in_body(article: Article) -> None:
    body = article.body
    for noise in (
        "minutes ago",
        "views",
        "87 comments",
        "Share on Facebook",
        "Advertisement",
        "Refinance",
        "newsletter",
        "Most read",
        "pancakes",
        "Related coverage",
        "Lower Quay floods for third time",
        "DOW",
        "Partly cloudy",
        "Subscribe",
        "All rights reserved",
        "My basement has flooded",
        "The vote ends two years",  # the standfirst is a field of its own
    ):
        assert noise not in body, noise


def test_wordpress_post() -> None:
    article = extract_article(fixture("blog_post.html"))
    assert article.title == "Why our allotment gave up on hosepipes"
    assert article.byline == "June Pemberton"
    assert article.published == "2024-07-02T08:15:00+01:00"
    assert article.modified == "2024-07-04T19:40:12+01:00"
    assert article.canonical_url == "https://plot14.example/2024/07/02/why-we-gave-up-on-hosepipes/"
    assert article.language == "en-GB"
    assert "Mulch, mulch, mulch" in article.paragraphs
    assert "Water the roots, not the leaves." in article.paragraphs
    assert "Share this" not in article.body
    assert "Living with slugs" not in article.body
    assert "Harwood Lane" not in article.body
    assert article.corrections == ()


def test_correction_box_outside_the_body_is_kept() -> None:
    page = fixture("article.html").replace(
        '<footer class="story-footer">',
        '<aside class="editors-note"><p>This story has been updated with the mayor’s '
        'comments on Friday.</p></aside>\n<footer class="story-footer">',
    )
    article = extract_article(page)
    note = "This story has been updated with the mayor’s comments on Friday."
    assert note in article.paragraphs
    assert note in article.corrections


@pytest.mark.parametrize(
    "line",
    [
        "Clarification: The barrier will be built by the city, not the state.",
        "Editor’s note: This article has been updated to include the mayor’s response.",
        "An earlier version of this story misspelled Councilman Dunning’s name.",
        "Correction (March 16): The vote was on Tuesday, not Monday.",
    ],
)
def test_correction_lines_are_recognised(line: str) -> None:
    page = fixture("article.html").replace(
        "<p>Mayor Helen Osei said", f"<p>{line}</p>\n<p>Mayor Helen Osei said"
    )
    article = extract_article(page)
    assert line in article.paragraphs
    assert line in article.corrections


def test_corrections_officers_are_not_a_correction() -> None:
    line = "Corrections officers at the county jail said the basement flooded twice."
    page = fixture("article.html").replace(
        "<p>Mayor Helen Osei said", f"<p>{line}</p><p>Mayor Helen Osei said"
    )
    article = extract_article(page)
    assert line in article.paragraphs
    assert line not in article.corrections


def test_not_an_article_raises() -> None:
    with pytest.raises(ExtractionError) as info:
        extract_article(fixture("not_article.html"), url="https://www.rivertonledger.example/login")
    message = str(info.value)
    assert message.startswith("no article text found in https://www.rivertonledger.example/login")
    assert "\n" not in message


@pytest.mark.parametrize("html", ["", "   ", "<html><body></body></html>"])
def test_empty_pages_raise(html: str) -> None:
    with pytest.raises(ExtractionError, match="no article text found"):
        extract_article(html)


def test_binary_bytes_raise_input_error() -> None:
    with pytest.raises(InputError, match="PNG"):
        extract_article(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")


def test_deterministic() -> None:
    html = fixture("article.html")
    assert extract_article(html) == extract_article(html)


# --- encodings, end to end -----------------------------------------------------------

FRENCH = [
    "Le conseil municipal a voté mardi soir la construction d’une digue de 4,2 millions.",
    "Les habitants du quai Inférieur, inondés trois fois depuis 2019, ont salué la décision.",
    "« Nous avons assez attendu », a déclaré l’élue du quartier, Thérèse Vancé, à la sortie.",
    "Les travaux commenceront à l’automne si le génie militaire approuve les plans des portes.",
]
LATIN1 = [p.replace("’", "'").replace("«", '"').replace("»", '"') for p in FRENCH]
CP1252 = [
    "“We have waited long enough,” said the councilwoman — and the room cheered.",
    "The barrier will cost €4.2 million, or about €3,800 for every household on the quay.",
    "Opponents said the money ‘would be better spent’ on buyouts… but they lost the vote.",
    "Construction could begin in October if the engineers approve the design of the gates.",
]
JAPANESE = [
    "市議会は火曜日の夜、五対二の賛成多数で、総工費四十二億円の防潮堤の建設を可決した。",
    "下町地区では二〇一九年以降、春の洪水で三度にわたり住宅が浸水している。",
    "地元選出の議員は「住民はもう十分に待った」と述べ、可決を歓迎した。",
    "工事は早ければ十月にも始まる見通しだが、水門の設計にはなお国の承認が必要だ。",
    "反対した議員は、昨年は図書館の分館を二つ閉鎖した市にとって費用が大きすぎると主張した。",
    "別の議員は、浸水しやすい住宅を市が買い取る方が長い目で見れば安上がりだと訴えた。",
    "三時間に及んだ会議では、発言した住民の大半が防潮堤の建設に賛成の立場を示した。",
    "市長は金曜日に条例に署名する予定で、「橋以来の大事業だ」と語った。",
]


def _check(paragraphs: list[str], html: bytes, content_type: str | None = None) -> None:
    article = extract_article(html, content_type=content_type)
    for para in paragraphs:
        assert para in article.paragraphs


def test_iso_8859_1_declared_by_header() -> None:
    _check(LATIN1, news_page(LATIN1).encode("iso-8859-1"), "text/html; charset=ISO-8859-1")


def test_iso_8859_1_declared_by_meta() -> None:
    html = news_page(LATIN1, '<meta charset="iso-8859-1">').encode("iso-8859-1")
    _check(LATIN1, html)


def test_windows_1252_declared_by_header_as_latin1() -> None:
    _check(CP1252, news_page(CP1252).encode("cp1252"), "text/html; charset=iso-8859-1")


def test_windows_1252_declared_by_meta() -> None:
    head = '<meta http-equiv="Content-Type" content="text/html; charset=windows-1252">'
    _check(CP1252, news_page(CP1252, head).encode("cp1252"))


def test_shift_jis_declared_by_header() -> None:
    _check(JAPANESE, news_page(JAPANESE).encode("shift_jis"), "text/html; charset=Shift_JIS")


def test_shift_jis_declared_by_meta() -> None:
    html = news_page(JAPANESE, '<meta charset="shift_jis">').encode("shift_jis")
    _check(JAPANESE, html)


def test_utf8_declared_by_bom() -> None:
    html = codecs.BOM_UTF8 + news_page(FRENCH + CP1252).encode("utf-8")
    _check(FRENCH + CP1252, html, "text/html; charset=iso-8859-1")


def test_utf16_declared_by_bom() -> None:
    html = codecs.BOM_UTF16_LE + news_page(JAPANESE + FRENCH).encode("utf-16-le")
    _check(JAPANESE + FRENCH, html)


# --- dates ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "iso"),
    [
        ("2024-03-14T09:30:00-04:00", "2024-03-14T09:30:00-04:00"),
        ("2024-03-14T13:30:00.000Z", "2024-03-14T13:30:00Z"),
        ("2024-03-14T09:30:00-0400", "2024-03-14T09:30:00-04:00"),
        ("2024-03-14 09:30", "2024-03-14T09:30:00"),
        ("2024-03-14", "2024-03-14"),
        ("Thu, 14 Mar 2024 13:30:00 GMT", "2024-03-14T13:30:00Z"),
        ("March 14, 2024", "2024-03-14"),
        ("sometime last spring", "sometime last spring"),
    ],
)
def test_dates_are_normalised(raw: str, iso: str) -> None:
    assert normalize_date(raw) == iso


def test_metadata_falls_back_to_markup() -> None:
    page = news_page(CP1252, title="Council backs the flood wall").replace(
        "<h1>",
        '<p class="byline">By Ann Lee | Updated 3 hours ago</p>'
        '<time datetime="2024-05-01">May 1</time><h1>',
    )
    article = extract_article(page, url="https://gazette.example/a/1")
    assert article.title == "Council backs the flood wall"
    assert article.byline == "Ann Lee"
    assert article.published == "2024-05-01"
    assert article.language == "en"
    assert article.canonical_url is None


def test_the_headline_is_the_line_shown_not_the_title_with_the_site_name() -> None:
    # No h1 and no og:title: the <title> adds the publication and the site to the
    # headline the page shows as the first line of its text.
    lede = (
        "Standing at a table in a chemistry lab in Barcelona, a researcher tears open a "
        "silver envelope and slides out a transparent bag full of crystals."
    )
    html = f"""<html><head><title>Inside the Lab — Backchannel — Medium</title></head>
<body><article><h3>Inside the Lab</h3><p>{lede}</p><p>{lede.replace("Barcelona", "Madrid")}</p>
</article></body></html>"""
    article = extract_article(html.encode(), url="https://medium.example/inside-the-lab")
    assert article.title == "Inside the Lab"
    assert article.paragraphs[0] == lede


def test_a_time_shown_as_the_update_time_is_not_the_publication_date() -> None:
    lede = (
        "The river crested at 31.2 feet late on Thursday, nearly nine feet above flood "
        "stage and the highest level since records began in 1911."
    )
    html = f"""<html><head><title>Flood waters recede</title></head><body><article>
<h1>Flood waters recede</h1>
<p class="byline"><span>Updated
<time datetime="2018-07-24T18:15:58+00:00">Jul 24, 2018</time></span></p>
<p>{lede}</p><p>{lede.replace("Thursday", "Friday")}</p></article></body></html>"""
    article = extract_article(html.encode(), url="https://ledger.example/flood")
    assert article.published is None
    assert article.modified == "2018-07-24T18:15:58Z"
