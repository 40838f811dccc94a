"""Page furniture that templates put among the article's paragraphs stays out of the
body, told by general rules (position, links, the byline, short lines with durations),
while the lede and the article's own paragraphs stay in, split where the page splits."""

from __future__ import annotations

from pathlib import Path

import pytest

from redline.archive.core.models import Article
from redline.archive.extract.article import extract_article
from redline.archive.fetch.client import read_html_file

LEDE = (
    "RIVERTON — The city council voted on Tuesday night to build a flood barrier along the "
    "Lower Quay, ending two years of argument over how to protect the neighbourhood."
)
SECOND = (
    "The barrier will cost $4.2 million and take three years to build, according to the "
    "city engineer, who presented the plan to a packed chamber of residents."
)
THIRD = (
    "Opponents said the money would be better spent buying out the homes most at risk, "
    "and several said they would take the matter to court before the end of the year."
)
FOURTH = (
    "The mayor, who was absent for the vote, said in a statement on Wednesday that work "
    "would begin in the spring once the state had approved the final design."
)


def page(body: str, *, byline: str = "Maria Okafor", after: str = "") -> bytes:
    """A news page with ``body`` as the article's markup and ``after`` below it."""
    return f"""<!DOCTYPE html>
<html lang="en"><head><title>Council approves flood barrier | The Gazette</title>
<meta name="author" content="{byline}"></head>
<body>
<header><a href="/">The Gazette</a><nav><a href="/america">America</a>
<a href="/world">World</a></nav></header>
<main><article>
<h1>Council approves flood barrier</h1>
<div class="article-body">
{body}
</div>
{after}
</article></main>
<footer><p>Copyright The Gazette</p></footer>
</body></html>""".encode()


def body_of(html: bytes) -> tuple[str, ...]:
    return extract_article(html, url="https://gazette.example/news/flood").paragraphs


ARTICLE = f"<p>{LEDE}</p><p>{SECOND}</p><p>{THIRD}</p><p>{FOURTH}</p>"


@pytest.mark.parametrize(
    "furniture",
    [
        "G/O Media may get a commission",
        "skimming scheme seized cash and cards.jpg",
        "By Reuters",
        "By Maria Okafor",
        "Council chamber erupts after the vote 1:45",
        "A version of this article appears in print on March 15, 2024, Section A, Page 1 "
        "of the New York edition with the headline: Council Approves Flood Barrier.",
        "We want to hear what you think about this article. Submit a letter to the editor "
        "or write to letters@gazette.example.",
    ],
)
def test_furniture_lines_among_paragraphs_are_not_body(furniture: str) -> None:
    html = page(f"<p>{LEDE}</p><p>{furniture}</p><p>{SECOND}</p><p>{THIRD}</p><p>{FOURTH}</p>")
    assert body_of(html) == (LEDE, SECOND, THIRD, FOURTH)


def test_picture_caption_given_as_paragraphs_is_not_body() -> None:
    figure = (
        "<p>seized cash and cards.jpg</p>"
        "<p>Cash and cards seized during the arrest of two suspects on Wednesday.</p>"
        "<p><em>(Mike Cason/mcason@gazette.example)</em></p>"
    )
    html = page(f"{figure}<p>{LEDE}</p><p>{SECOND}</p><p>{THIRD}</p><p>{FOURTH}</p>")
    assert body_of(html) == (LEDE, SECOND, THIRD, FOURTH)


def test_kicker_that_is_a_section_link_is_not_body_but_the_lede_is() -> None:
    html = page(f'<p><a href="/america">America</a></p>{ARTICLE}')
    assert body_of(html) == (LEDE, SECOND, THIRD, FOURTH)


def test_author_box_after_the_article_is_not_body() -> None:
    box = (
        "<p>About Maria Okafor</p><p>Maria Okafor covers city hall for the Gazette. She has "
        "won two state press awards and lives in Riverton with her family.</p>"
    )
    assert body_of(page(ARTICLE + box)) == (LEDE, SECOND, THIRD, FOURTH)


def test_rail_of_other_stories_after_the_article_is_not_body() -> None:
    stories = [
        "Why the school board may delay the vote on a new calendar",
        "Downtown parking rates rise for the first time in a decade",
        "Ferry service to the island resumes after the winter storms",
    ]
    rail = "<p>Top stories</p>" + "".join(
        f'<p><a href="/news/{i}">{title}</a></p><p>A short summary of story {i}.</p>'
        for i, title in enumerate(stories)
    )
    assert body_of(page(ARTICLE + rail)) == (LEDE, SECOND, THIRD, FOURTH)


def test_paragraphs_split_where_the_page_breaks_them() -> None:
    html = page(f"<p>{LEDE}<br><br>{SECOND}<br>{THIRD}</p><p>{FOURTH}</p>")
    assert body_of(html) == (LEDE, SECOND, THIRD, FOURTH)


def test_text_in_divs_between_line_breaks_gives_the_same_paragraphs() -> None:
    html = page(f"<div>{LEDE}<br>{SECOND}<br>{THIRD}</div><div>{FOURTH}</div>")
    assert body_of(html) == (LEDE, SECOND, THIRD, FOURTH)


def test_body_split_around_an_ad_row_is_read_whole() -> None:
    chunks = (
        f'<div class="body article__body"><p>{LEDE}</p><p>{SECOND}</p></div>'
        '<div class="ad-row"><div class="ad">Advertisement</div></div>'
        f'<div class="body article__body"><p>{THIRD}</p><p>{FOURTH}</p></div>'
    )
    html = (
        "<html><head><title>Council approves flood barrier</title></head><body>"
        f"<h1>Council approves flood barrier</h1><main>{chunks}</main></body></html>"
    ).encode()
    assert body_of(html) == (LEDE, SECOND, THIRD, FOURTH)


def test_article_container_with_a_furniture_word_in_its_class_stays() -> None:
    html = page(f'<div class="entry-content no-share with-sidebar">{ARTICLE}</div>')
    assert body_of(html) == (LEDE, SECOND, THIRD, FOURTH)


def test_control_characters_in_the_text_do_not_lose_the_article() -> None:
    quote = "Rats were running around\x10 in the basement, the caretaker said."
    paras = body_of(page(f"<p>{LEDE}</p><p>{quote}</p><p>{SECOND}</p><p>{THIRD}</p>"))
    assert paras == (LEDE, quote.replace("\x10", ""), SECOND, THIRD)


def test_a_saved_page_with_a_few_stray_nul_bytes_is_read(tmp_path: Path) -> None:
    saved = tmp_path / "page.html"
    # A real page is larger than this one: a stray NUL, not a binary file's many.
    padded = page(ARTICLE).replace(b"</head>", b"<style>" + b"p{}" * 2000 + b"</style></head>")
    saved.write_bytes(padded.replace(b"<footer>", b"<footer>\x00\x00\x00"))
    capture = read_html_file(saved, "https://gazette.example/news/flood")
    article: Article = extract_article(capture.body)
    assert article.paragraphs == (LEDE, SECOND, THIRD, FOURTH)


def test_labels_over_a_headline_the_body_repeats_are_not_body() -> None:
    # A template that puts its section name, the date and a "back to the list" link
    # over the headline, then repeats the headline in the article's text block.
    over = (
        "<p>News releases</p><ul><li>2019.03.08</li>"
        '<li><a href="/news/">Back to the list</a></li></ul>'
        "<h2>Council approves flood barrier</h2>"
    )
    assert body_of(page(over + ARTICLE)) == (LEDE, SECOND, THIRD, FOURTH)


def test_a_sentence_before_a_repeated_headline_keeps_the_body_whole() -> None:
    from redline.archive.extract.furniture import drop_before_headline

    headline = "Council approves flood barrier"
    labels = ["News releases", "2019.03.08", headline, LEDE, SECOND]
    assert drop_before_headline(labels, headline) == [LEDE, SECOND]
    with_sentence = [LEDE, headline, SECOND]
    assert drop_before_headline(with_sentence, headline) == with_sentence
    assert drop_before_headline([LEDE, SECOND], None) == [LEDE, SECOND]


def test_a_page_whose_only_text_is_its_standfirst_keeps_it_as_body() -> None:
    # A short post, or the teaser of an article behind a wall: the one paragraph is
    # also the description the page gives, so it is the standfirst; the page still has
    # article text, so it is the body too rather than "no article text".
    html = f"""<!DOCTYPE html><html lang="en"><head>
<title>Council approves flood barrier | The Gazette</title>
<meta name="description" content="{LEDE}"></head>
<body><article><h1>Council approves flood barrier</h1><p>{LEDE}</p></article></body></html>"""
    article = extract_article(html.encode(), url="https://gazette.example/news/flood")
    assert article.subtitle == LEDE
    assert article.paragraphs == (LEDE,)


def test_a_link_asking_for_corrections_is_not_a_correction() -> None:
    ask = (
        '<div class="entry-submit-correction"><a href="#">Submit a Correction</a>'
        '<div class="correction-form"></div></div>'
    )
    article = extract_article(page(ARTICLE + ask), url="https://gazette.example/news/flood")
    assert article.paragraphs == (LEDE, SECOND, THIRD, FOURTH)
    assert article.corrections == ()


JA_PARAGRAPHS = (
    "サンプル市議会は火曜日の夜、川沿いの地区を洪水から守るための堤防の建設を賛成多数で"
    "可決し、二年にわたる議論に決着をつけた。",
    "堤防の建設費は約四億円で、完成までに三年かかる見込みだと市の技術担当者が説明し、"
    "傍聴席を埋めた住民からは質問が相次いだ。",
    "反対する議員は、危険の大きい住宅の買い取りに予算を使うべきだと主張し、年内に"
    "裁判所へ訴える考えを示した。",
)


def test_rail_of_other_stories_after_an_article_in_japanese_is_not_body() -> None:
    # Japanese is written without spaces: running text is told by its length in
    # characters, not by counting spaces, or no rail after it is ever recognised.
    stories = [
        "市内の小学校で新学期の始業式が行われ、児童と保護者が新しい校舎の完成を祝った",
        "駅前の駐車料金が十年ぶりに値上げへ、商店街からは客足への影響を心配する声も",
        "冬の嵐で運休していた島へのフェリーが三週間ぶりに運航を再開し、住民が安堵",
    ]
    body = "".join(f"<p>{p}</p>" for p in JA_PARAGRAPHS)
    rail = "<p>新着ニュース</p>" + "".join(
        f'<p><a href="/news/{i}">{title}</a></p><p>記事{i}の短い要約です。</p>'
        for i, title in enumerate(stories)
    )
    assert body_of(page(body + rail)) == JA_PARAGRAPHS
