"""The quality gate: pages that are not the article are refused, real articles never are,
and an extraction that lost most of the article since the last version is suspect.

The refused pages are under fixtures/quality; each goes through the real extractor and
then ``page_refusal``, as ``redline watch`` does with a fetched page.
"""

from __future__ import annotations

import gzip
import os
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from dataclasses import replace
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from redline.archive.core.errors import ExtractionError
from redline.archive.core.models import Article
from redline.archive.extract import quality
from redline.archive.extract.article import extract_article
from redline.archive.extract.decode import decode_html
from redline.archive.extract.quality import (
    Refusal,
    article_words,
    count_words,
    drop_refusal,
    page_refusal,
)
from tests.extraction_pages import fixture, news_page

REPO = Path(__file__).resolve().parents[1]
CORPUS = REPO.parent / "shared/corpora/readability-pages"
PAGES = Path(__file__).resolve().parent / "fixtures" / "quality"
URL = "https://www.rivertonledger.example/news/2024/03/14/flood-barrier-vote"
HTML = "text/html; charset=utf-8"


def judge(
    page: str | bytes, *, status: int | None = 200, captured_before: bool = False
) -> Refusal | None:
    """Extract a page as a fetch would give it, then ask the gate about it."""
    body = page.encode("utf-8") if isinstance(page, str) else page
    article = extract_article(body, URL, HTML)
    text = decode_html(body, HTML)
    return page_refusal(text, article, status=status, captured_before=captured_before)


def judge_fixture(name: str, *, captured_before: bool = False) -> Refusal | None:
    return judge((PAGES / name).read_bytes(), captured_before=captured_before)


# --- pages that are not the article ---------------------------------------------------


@pytest.mark.parametrize(
    ("name", "reason"),
    [
        ("cloudflare_challenge.html", "captcha page (Cloudflare challenge)"),
        ("datadome.html", "captcha page (DataDome)"),
        ("perimeterx.html", "captcha page (PerimeterX)"),
        ("akamai_access_denied.html", "bot block page (Akamai access denied)"),
        ("hcaptcha.html", "captcha page (hCaptcha)"),
        ("turnstile.html", "captcha page (Cloudflare Turnstile)"),
        ("unusual_traffic.html", "captcha page (Google unusual traffic)"),
        ("consent_yahoo.html", "consent wall (Yahoo)"),
        ("consent_google.html", "consent wall (Google)"),
        ("consent_generic.html", "consent wall (cookie consent)"),
        ("paywall_stub.html", "paywall stub (subscribers only)"),
        ("paywall_stub_fr.html", "paywall stub (subscribers only)"),
        ("login_wall.html", "login wall"),
        ("sign_in_page.html", "login wall (sign-in page)"),
        ("server_error.html", "error page (server error)"),
    ],
)
def test_page_that_is_not_the_article_is_blocked(name: str, reason: str) -> None:
    assert judge_fixture(name) == Refusal("blocked", reason)
    # Having the article already does not make a wall or a challenge the article.
    assert judge_fixture(name, captured_before=True) == Refusal("blocked", reason)


@pytest.mark.parametrize("name", ["soft_404.html", "soft_404_bare.html"])
def test_soft_404_is_gone_once_the_article_was_captured(name: str) -> None:
    reason = "error page (page not found)"
    assert judge_fixture(name, captured_before=True) == Refusal("gone", reason)
    # A first capture of a missing page: nothing is gone, the URL just gave no article.
    assert judge_fixture(name) == Refusal("blocked", reason)


@pytest.mark.parametrize(
    ("name", "phrases", "spell"),
    [
        ("paywall_stub.html", ["Subscribe to continue reading"], str.upper),
        (
            "login_wall.html",
            ["Create a free account to continue reading", "You must be logged in to read"],
            str.upper,
        ),
        ("unusual_traffic.html", ["unusual traffic"], str.upper),
        ("consent_generic.html", ["Accept all"], str.upper),
    ],
)
def test_wall_is_blocked_however_its_wording_is_cased(
    name: str, phrases: list[str], spell: Callable[[str], str]
) -> None:
    page = (PAGES / name).read_text("utf-8")
    expected = judge(page)
    assert expected is not None and expected.event == "blocked"
    for phrase in phrases:
        assert phrase in page
        page = page.replace(phrase, spell(phrase))
    assert judge(page) == expected


def test_paywall_written_with_letters_read_as_ascii_ones_is_blocked() -> None:
    # A case-blind reading takes the long s for an s and the dotless i for an i.
    teaser = news_page(
        ["Harbor County will vote on the flood barrier on Tuesday, officials said."],
        title="Flood barrier vote set",
    )
    plain = _with(teaser, "</div>", "<p>Subscribe to continue reading.</p>")
    odd = _with(teaser, "</div>", "<p>Sub\u017fcr\u0131be to cont\u0131nue read\u0131ng.</p>")
    assert judge(teaser) is None
    assert judge(plain) == Refusal("blocked", "paywall stub (subscribers only)")
    assert judge(odd) == judge(plain)


def test_block_page_without_article_text_is_named() -> None:
    # Imperva's block page frames its message: the extractor finds no text at all, and
    # the gate, asked about an empty Article, still says what the page was.
    raw = (PAGES / "incapsula.html").read_bytes()
    with pytest.raises(ExtractionError):
        extract_article(raw, URL, HTML)
    refusal = page_refusal(decode_html(raw, HTML), Article())
    assert refusal == Refusal("blocked", "bot block page (Imperva Incapsula)")


def test_error_statuses_are_refused() -> None:
    article_page = fixture("article.html")
    assert judge(article_page, status=404, captured_before=True) == Refusal(
        "gone", "http status 404"
    )
    assert judge(article_page, status=410) == Refusal("blocked", "http status 410")
    assert judge(article_page, status=503) == Refusal("blocked", "http status 503")
    # The page a 403 carries is named when it is recognised.
    challenge = (PAGES / "cloudflare_challenge.html").read_bytes()
    assert judge(challenge, status=403) == Refusal("blocked", "captcha page (Cloudflare challenge)")
    assert judge(article_page, status=None) is None
    assert judge(article_page, status=203) is None


# --- real articles that only look like one ----------------------------------------------


def _with(html: str, after: str, insert: str) -> str:
    assert after in html, after
    return html.replace(after, after + insert, 1)


CONSENT_BANNER = """
<div class="privacy-notice" role="dialog">
  <p>We value your privacy</p>
  <p>We and our 812 partners use cookies and similar technologies to store and access
  information on your device and process personal data for personalised advertising and
  content, advertising and content measurement and audience research.</p>
  <a href="/consent/accept">Accept all</a> <a href="/consent/reject">Reject all</a>
  <a href="/consent/manage">Manage preferences</a>
</div>"""


@pytest.mark.parametrize("name", ["article.html", "article_restyled.html", "blog_post.html"])
def test_articles_of_the_extraction_tests_pass(name: str) -> None:
    assert judge(fixture(name)) is None
    assert judge(fixture(name), captured_before=True) is None


def test_article_with_a_consent_banner_passes() -> None:
    page = _with(fixture("article.html"), '<body class="article-page template-v3">', CONSENT_BANNER)
    assert judge(page) is None


def test_short_brief_with_a_consent_banner_passes() -> None:
    # A breaking story starts as a sentence or two: exactly when its edits matter most.
    # Here the banner sits inside the story's body and is extracted with it; the story's
    # own headline keeps it from being taken for a consent page.
    story = [
        "The Riverton Bridge has been closed in both directions after a lorry struck "
        "one of its supports, police said on Tuesday morning.",
        "This is a developing story and will be updated.",
    ]
    page = news_page(story, title="Riverton Bridge closed after lorry strikes support")
    page = _with(page, '<div class="article-body">', CONSENT_BANNER)
    article = extract_article(page.encode("utf-8"), URL, HTML)
    assert article.paragraphs[0] == "We value your privacy"
    assert page_refusal(page, article) is None


def test_article_about_cookie_consent_passes() -> None:
    paragraphs = [
        "European regulators on Thursday fined three news publishers for cookie consent "
        "banners that made it far easier to accept tracking than to refuse it.",
        "The decision says a banner must offer a button to reject all cookies on its first "
        "screen, next to the one that accepts them, and that consent given by scrolling "
        "or by closing the banner is not consent at all.",
        "Publishers have argued for years that advertising cookies pay for journalism that "
        "readers will not pay for directly. One of the fined companies said it would appeal, "
        "calling the ruling a threat to free news.",
        "Privacy campaigners welcomed the fines but said the amounts, about 2 percent of each "
        "company's annual revenue, were too small to change behaviour across the industry.",
        "The regulators said they would review the banners of another forty sites by the end "
        "of the year, starting with those that receive the most complaints from readers.",
    ]
    page = news_page(paragraphs, title="Regulators fine publishers over cookie banners")
    assert judge(_with(page, "<body>", CONSENT_BANNER)) is None


def test_article_that_mentions_captchas_passes() -> None:
    paragraphs = [
        "For millions of people the internet now begins with a question: are you a robot?",
        "Sites that once asked readers to copy a few wobbly letters now ask them to verify "
        "you are human by picking out traffic lights, fire hydrants or crosswalks, and the "
        "puzzles are getting harder, researchers at Riverton University said on Monday.",
        "Their study timed 1,400 volunteers solving reCAPTCHA, hCaptcha and other captcha "
        "challenges. People took 14 seconds on average; automated solvers took less than a "
        "second and were right more often than the humans.",
        "“The test that was meant to keep bots out now mostly keeps people out,” said the "
        "study's author, Priya Raman, a professor of computer science.",
        "Blind and partially sighted readers fare worst. Audio captchas, offered as an "
        "alternative, were solved correctly only half the time in the study.",
        "Companies that sell the tests say they are moving to invisible checks that watch how "
        "a visitor moves the mouse, which raise questions of their own about privacy.",
    ]
    page = news_page(paragraphs, title="Are captchas keeping out people instead of bots?")
    comments = """
<section class="comment-form"><h2>Join the conversation</h2>
<form action="/comments" method="post"><textarea name="c"></textarea>
<div class="g-recaptcha" data-sitekey="6LfwuyUTAAAAAOAmoS0fdqijC2PbbdH4kjq62Y1b"></div>
<p>Please confirm you are not a robot before posting.</p><button>Post</button></form>
<script src="https://www.google.com/recaptcha/api.js" async defer></script></section>"""
    assert judge(_with(page, "</article>", comments)) is None


def test_article_with_a_subscribe_footer_passes() -> None:
    footer = """
<div class="subscribe-footer">
  <p>Thank you for reading. Subscribe to keep reading award-winning local journalism.</p>
  <p><a href="/subscribe">Subscribe for $1</a> Already a subscriber? <a href="/login">Log in</a></p>
</div>"""
    assert judge(_with(fixture("article.html"), "</article>", footer)) is None


def test_short_article_under_a_log_in_link_passes() -> None:
    page = news_page(
        [
            "Harbor County schools will open two hours late on Friday because of ice on "
            "rural roads, the district said on Thursday evening.",
            "Buses will run two hours behind their usual schedules.",
        ],
        title="Schools open late Friday",
    )
    page = _with(page, "<header>", '<p>Already a subscriber? <a href="/login">Log in</a></p>')
    comments = "<section><p>You must be logged in to post a comment.</p></section>"
    assert judge(_with(page, "</article>", comments)) is None


def test_article_about_a_missing_page_passes() -> None:
    paragraphs = [
        "Page not found.",
        "That is what visitors to the city's website saw on Wednesday when they tried to "
        "read the minutes of the council meeting at which the flood barrier was approved.",
        "The city's clerk said the minutes had been moved during a redesign of the site and "
        "that links to the old address would be fixed by the end of the week.",
        "Councilman Ray Dunning, who voted against the barrier, said the missing minutes were "
        "one more sign that the project had been rushed. “Error 404 is not a public record,” "
        "he said.",
        "The minutes, which run to 46 pages, are now available again at the city's website "
        "and at the public library on Main Street, where printed copies can be read.",
    ]
    page = news_page(paragraphs, title="Error 404: the council minutes that went missing")
    assert judge(page, captured_before=True) is None


def test_article_in_chinese_passes() -> None:
    paragraphs = [
        "河城市议会周二晚以五比二的投票结果通过了一项四百二十万美元的防洪堤建设计划，结束了两年来"
        "关于如何保护下码头社区免受春季洪水侵袭的争论。",
        "该防洪堤由钢铁和混凝土建成，长约一英里，设有四个可拆卸的闸门，预计将于二零二六年春季完工。",
    ]
    page = news_page(paragraphs, title="河城市议会批准防洪堤计划")
    assert judge(page) is None


# --- the real pages of the corpus -------------------------------------------------------


def judge_corpus_page(folder: Path) -> tuple[str, Refusal | None, Refusal | None]:
    """A corpus page's verdict as it is, and with its article cut to one paragraph."""
    raw = gzip.decompress((folder / "source.html.gz").read_bytes())
    try:
        article = extract_article(raw)
    except ExtractionError:
        article = Article()
    text = decode_html(raw, None)
    cut = replace(article, paragraphs=article.paragraphs[:1])
    # captured_before only turns a "blocked" error page into "gone": it never decides
    # whether a page is refused, so one verdict per page is enough.
    return folder.name, page_refusal(text, article), page_refusal(text, cut)


@pytest.mark.corpus
@pytest.mark.skipif(not CORPUS.is_dir(), reason=f"corpus not found at {CORPUS}")
def test_no_real_page_is_refused() -> None:
    # 130 real pages: news, blogs, documentation, and synthetic test pages of 1 to 130
    # words. None is a challenge, a wall, a stub or an error page, and any refusal here
    # would be an article whose edits are silently lost. Cut to its first paragraph, no
    # page is refused either: little text alone is never a reason, and nothing in these
    # sites' templates (sign-in forms, "You must login", isAccessibleForFree) is mistaken
    # for a wall.
    folders = sorted(p for p in CORPUS.iterdir() if (p / "source.html.gz").is_file())
    assert len(folders) >= 100
    with ProcessPoolExecutor(max_workers=min(8, os.cpu_count() or 1)) as pool:
        verdicts = list(pool.map(judge_corpus_page, folders, chunksize=4))
    refused = [verdict for verdict in verdicts if verdict[1] or verdict[2]]
    assert refused == []


# --- an extraction that lost most of the article ----------------------------------------

BODY = tuple(
    f"Paragraph {i} of the report says the council met on Tuesday and voted on the plan."
    for i in range(1, 21)
)  # 16 words each
PREVIOUS = Article(title="Council approves flood barrier", paragraphs=BODY)


def test_big_drop_is_suspect() -> None:
    current = replace(PREVIOUS, paragraphs=BODY[:4])
    assert article_words(PREVIOUS) == 324 and article_words(current) == 68
    assert drop_refusal(PREVIOUS, current) == Refusal(
        "suspect", "the article lost 79% of its words (324 → 68)"
    )


def test_title_and_paragraphs_lost_is_suspect() -> None:
    small = Article(title="Bridge closed", paragraphs=("The bridge is closed.",))
    refusal = drop_refusal(small, Article())
    assert refusal == Refusal("suspect", "the article lost its title and all its text")


def test_thousands_are_grouped() -> None:
    previous = Article(title="Long read", paragraphs=BODY * 4)
    refusal = drop_refusal(previous, replace(previous, paragraphs=BODY[:3]))
    assert refusal is not None and "(1,282 → 50)" in refusal.reason


def test_moderate_shortening_passes() -> None:
    # An editor cutting 40% of a story is an edit worth keeping.
    assert drop_refusal(PREVIOUS, replace(PREVIOUS, paragraphs=BODY[:12])) is None


def test_just_under_half_is_suspect_just_over_passes() -> None:
    assert drop_refusal(PREVIOUS, replace(PREVIOUS, paragraphs=BODY[:9])) is not None
    assert drop_refusal(PREVIOUS, replace(PREVIOUS, paragraphs=BODY[:10])) is None


def test_growth_passes() -> None:
    assert drop_refusal(PREVIOUS, replace(PREVIOUS, paragraphs=BODY * 2)) is None
    assert drop_refusal(Article(), PREVIOUS) is None


def test_short_previous_version_is_not_judged() -> None:
    # A breaking story of two sentences can be rewritten into one.
    previous = replace(PREVIOUS, paragraphs=BODY[:5])
    assert article_words(previous) < 120
    assert drop_refusal(previous, replace(previous, paragraphs=BODY[:1])) is None


CHINESE = (
    "河城市议会周二晚以五比二的投票结果通过了一项四百二十万美元的防洪堤建设计划，"
    "结束了两年来关于如何保护下码头社区免受春季洪水侵袭的争论。"
)  # 65 Han characters and 2 punctuation marks


def test_words_of_chinese_and_japanese_text() -> None:
    assert count_words(CHINESE) == 33
    assert count_words("東京都は新たに人の感染を確認したと発表した。") == 11  # 21 characters
    assert count_words("The Riverton Bridge — closed again") == 5
    assert count_words("日本 Tokyo") == 2


def test_drop_in_chinese_article() -> None:
    previous = Article(title="河城市议会批准防洪堤计划", paragraphs=(CHINESE,) * 6)
    assert article_words(previous) > 120  # whitespace alone would count 7 "words"
    refusal = drop_refusal(previous, replace(previous, paragraphs=(CHINESE,)))
    assert refusal is not None and refusal.event == "suspect"
    assert drop_refusal(previous, replace(previous, paragraphs=(CHINESE,) * 4)) is None


# --- the gate's quick pre-check never hides a match -------------------------------------
_WORDINGS = [
    *(w for _name, w in quality._CHALLENGE_NOTICES),
    *(v for v in vars(quality).values() if isinstance(v, quality._Wording)),
]


@pytest.mark.parametrize("wording", _WORDINGS, ids=lambda w: w.pattern.pattern[:40])
def test_every_text_a_gate_pattern_finds_holds_one_of_its_hints(
    wording: quality._Wording,
) -> None:
    """A pattern is searched only in a page holding one of its hints: any text the
    pattern matches (in any letter case) must hold one, or a wall would pass unseen."""

    @settings(max_examples=150, deadline=None, suppress_health_check=list(HealthCheck))
    @given(st.from_regex(wording.pattern))
    def holds_a_hint(text: str) -> None:
        page = quality.Page(html="", text=text, titles=(), h1s=(), headings=(), has_password=False)
        assert wording.on(page), (text, wording.hints)

    holds_a_hint()
