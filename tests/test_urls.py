"""normalize_url and check_http_url."""

from __future__ import annotations

import pytest

from redline.archive.core.errors import UsageError
from redline.archive.core.urls import check_http_url, is_tracking_param, normalize_url


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("HTTP://Example.COM", "http://example.com/"),
        ("https://example.com", "https://example.com/"),
        ("https://example.com:443/a", "https://example.com/a"),
        ("http://example.com:80/a", "http://example.com/a"),
        ("https://example.com:8443/a", "https://example.com:8443/a"),
        ("http://example.com:443/a", "http://example.com:443/a"),
        ("https://example.com/a#section-2", "https://example.com/a"),
        ("https://example.com/Path/Case", "https://example.com/Path/Case"),
        ("  https://example.com/a  ", "https://example.com/a"),
        ("https://example.com./a", "https://example.com/a"),
        ("https://example.com/a?", "https://example.com/a"),
        ("https://example.com/a?b=2&a=1", "https://example.com/a?b=2&a=1"),
        (
            "https://example.com/a?utm_source=tw&id=7&fbclid=XYZ&utm_medium=social&page=2",
            "https://example.com/a?id=7&page=2",
        ),
        ("https://example.com/a?UTM_Campaign=x&GCLID=1", "https://example.com/a"),
        (
            "https://example.com/a?gclid=1&dclid=2&msclkid=3&mc_cid=4&mc_eid=5&_ga=6&igshid=7"
            "&ocid=8&cmpid=9&smid=10&ref_src=11&q=keep",
            "https://example.com/a?q=keep",
        ),
        ("https://example.com/a?q=a+b&x=%2f", "https://example.com/a?q=a+b&x=%2F"),
        ("https://example.com/a?a=1&&b=2", "https://example.com/a?a=1&b=2"),
        ("https://example.com/a?flag", "https://example.com/a?flag"),
        ("https://example.com/%7euser/a%2fb", "https://example.com/~user/a%2Fb"),
        ("https://example.com/ä b", "https://example.com/%C3%A4%20b"),
        ("https://example.com/100%", "https://example.com/100%25"),
        ("https://BÜCHER.example/", "https://bücher.example/"),
        ("https://xn--bcher-kva.example/", "https://bücher.example/"),
        ("https://XN--BCHER-KVA.example/x", "https://bücher.example/x"),
        ("http://[::1]:80/", "http://[::1]/"),
        ("http://[2001:DB8::1]:8080/a", "http://[2001:db8::1]:8080/a"),
        ("http://127.0.0.1:8000", "http://127.0.0.1:8000/"),
    ],
)
def test_normalize_url(given: str, expected: str) -> None:
    assert normalize_url(given) == expected


def test_normalize_url_is_idempotent() -> None:
    for url in [
        "https://Example.com:443/a b/%7e?utm_source=x&q=ä#f",
        "https://xn--bcher-kva.example/?a=1&b",
    ]:
        once = normalize_url(url)
        assert normalize_url(once) == once


@pytest.mark.parametrize(
    ("given", "needle"),
    [
        ("", "empty URL"),
        ("example.com/article", "give the full address, e.g. https://example.com/article"),
        ("www.example.com", "not an http(s) URL"),
        ("ftp://example.com/file", "ftp: scheme"),
        ("file:///etc/passwd", "file: scheme"),
        ("mailto:someone@example.com", "mailto: scheme"),
        ("javascript:alert(1)", "javascript: scheme"),
        ("http:///path", "no host name"),
        ("https://", "no host name"),
        ("https://example.com:99999/", "not a valid URL"),
        ("http://[::1/", "not a valid URL"),
        ("https://a.example/\nhttps://b.example/", "line breaks"),
    ],
)
def test_bad_urls_raise_one_line_usage_errors(given: str, needle: str) -> None:
    for function in (normalize_url, check_http_url):
        with pytest.raises(UsageError) as caught:
            function(given)
        message = str(caught.value)
        assert needle in message
        assert "\n" not in message
        assert ";" in message  # says what to do


def test_check_http_url_strips_and_keeps_the_url() -> None:
    url = " https://Example.com/a?utm_source=x#frag "
    assert check_http_url(url) == "https://Example.com/a?utm_source=x#frag"


def test_tracking_params() -> None:
    assert is_tracking_param("utm_content")
    assert is_tracking_param("FBCLID")
    assert not is_tracking_param("id")
    assert not is_tracking_param("ref")
    assert not is_tracking_param("page")


def test_a_host_in_decomposed_unicode_is_the_same_article() -> None:
    assert normalize_url("https://bu\u0308cher.example/a") == normalize_url(
        "https://bücher.example/a"
    )


def test_a_url_with_a_user_name_or_password_is_no_article_id() -> None:
    with pytest.raises(UsageError) as refused:
        normalize_url("https://user:secret@example.com/a")
    assert "user name or password" in refused.value.message
    assert "secret" not in refused.value.message
