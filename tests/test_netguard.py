"""private_address_problem: URLs that would reach this machine, the local network or a
cloud metadata service are refused; public ones pass. No real DNS: names resolve through
a fake resolver."""

from __future__ import annotations

import socket
from typing import Any

import pytest

from redline.archive.fetch import netguard
from redline.archive.fetch.netguard import ALLOW_PRIVATE_ADVICE, private_address_problem

ADVICE = "; pass --allow-private to fetch it"


def no_dns(host: str, port: int) -> list[str]:
    raise AssertionError(f"{host} should not have been resolved")


def fake_dns(table: dict[str, list[str]]) -> netguard.Resolver:
    """A resolver answering from ``table``; unknown names fail like getaddrinfo does."""

    def resolve(host: str, port: int) -> list[str]:
        if host not in table:
            raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")
        return table[host]

    return resolve


def refused(url: str, *needles: str, resolve: netguard.Resolver | None = no_dns) -> str:
    problem = private_address_problem(url, resolve)
    assert problem is not None, f"{url} was not refused"
    assert "\n" not in problem
    assert problem.endswith(ADVICE), problem
    for needle in needles:
        assert needle in problem, f"{needle!r} not in {problem!r}"
    return problem


# -- public addresses pass -------------------------------------------------------------


@pytest.mark.parametrize(
    "url",
    [
        "http://93.184.216.34/",
        "https://93.184.216.34:8443/story",
        "https://[2606:2800:220:1::1]/",
        "http://[2606:2800:220:1::1]:8080/a",
        "https://8.8.8.8/",
        "https://1.1.1.1/",
        "http://[2001:4860:4860::8888]/",
        "http://100.63.255.255/",  # just below the shared address space
        "http://100.128.0.0/",  # just above it
        "http://172.15.255.255/",  # just below 172.16/12
        "http://172.32.0.1/",  # just above it
        "http://192.169.0.1/",
        "http://169.255.0.1/",
        "http://[::ffff:93.184.216.34]/",  # IPv4-mapped, public inside
        "http://[2002:5db8:d822::1]/",  # 6to4 of 93.184.216.34
        "http://[64:ff9b::5db8:d822]/",  # NAT64 of 93.184.216.34
    ],
)
def test_public_address_passes(url: str) -> None:
    assert private_address_problem(url, no_dns) is None


def test_public_name_passes() -> None:
    resolve = fake_dns({"news.example": ["93.184.216.34", "2606:2800:220:1::1"]})
    assert private_address_problem("https://news.example/story", resolve) is None


def test_name_that_does_not_resolve_passes() -> None:
    # The fetch itself reports the DNS failure, with its own message.
    assert private_address_problem("https://gone.example/", fake_dns({})) is None


def test_name_with_no_addresses_passes() -> None:
    assert (
        private_address_problem("https://empty.example/", fake_dns({"empty.example": []})) is None
    )


# -- literal IPv4 ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("url", "needle"),
    [
        ("http://127.0.0.1/", "127.0.0.1 is a loopback address"),
        ("http://127.0.0.1:8080/admin", "127.0.0.1 is a loopback address"),
        ("http://127.255.255.254/", "127.255.255.254 is a loopback address"),
        ("http://10.0.0.1/", "10.0.0.1 is a private address"),
        ("http://10.255.255.255/", "10.255.255.255 is a private address"),
        ("http://172.16.0.1/", "172.16.0.1 is a private address"),
        ("http://172.31.255.254/", "172.31.255.254 is a private address"),
        ("http://192.168.1.1/", "192.168.1.1 is a private address"),
        ("http://169.254.1.1/", "169.254.1.1 is a link-local address"),
        ("http://100.64.0.1/", "100.64.0.1 is a shared address (100.64.0.0/10"),
        ("http://100.127.255.255/", "is a shared address"),
        ("http://0.0.0.0/", "0.0.0.0 is the unspecified address"),
        ("http://0.1.2.3/", "0.1.2.3 is a 'this network' address"),
        ("http://224.0.0.1/", "224.0.0.1 is a multicast address"),
        ("http://239.255.255.250/", "is a multicast address"),
        ("http://255.255.255.255/", "255.255.255.255 is the broadcast address"),
        ("http://240.0.0.1/", "240.0.0.1 is a reserved address"),
        ("http://192.0.2.10/", "192.0.2.10 is a documentation address"),
        ("http://198.18.0.1/", "198.18.0.1 is a benchmarking address"),
        ("http://192.0.0.8/", "192.0.0.8 is an IETF protocol address"),
    ],
)
def test_non_public_ipv4_is_refused(url: str, needle: str) -> None:
    refused(url, needle)


@pytest.mark.parametrize(
    ("url", "needle"),
    [
        (
            "http://169.254.169.254/latest/meta-data/",
            "169.254.169.254 is a link-local address (cloud metadata service); "
            "pass --allow-private to fetch it",
        ),
        ("http://169.254.170.2/v2/credentials", "container credentials service"),
        ("http://[fd00:ec2::254]/latest/", "fd00:ec2::254 is a private address (cloud metadata"),
        ("http://100.100.100.200/latest/meta-data/", "100.100.100.200 is a shared address (cloud"),
        ("http://192.0.0.192/opc/v2/instance/", "cloud metadata service"),
    ],
)
def test_metadata_addresses_are_named(url: str, needle: str) -> None:
    assert needle in refused(url)


@pytest.mark.parametrize(
    ("host", "means"),
    [
        ("2130706433", "127.0.0.1"),  # one 32-bit number
        ("0x7f000001", "127.0.0.1"),
        ("0x7f.1", "127.0.0.1"),  # hex, and the last part fills three bytes
        ("127.1", "127.0.0.1"),
        ("127.0.1", "127.0.0.1"),
        ("0177.0.0.1", "127.0.0.1"),  # octal
        ("0x7F.0.0.0x1", "127.0.0.1"),
        ("017700000001", "127.0.0.1"),
        ("0", "0.0.0.0"),
        ("0xa.0.0.1", "10.0.0.1"),
        ("167772161", "10.0.0.1"),
        ("0xA9FEA9FE", "169.254.169.254"),
        ("2852039166", "169.254.169.254"),
        ("0251.0376.0251.0376", "169.254.169.254"),
        ("169.254.43518", "169.254.169.254"),
    ],
)
def test_other_spellings_of_ipv4_are_read_like_getaddrinfo(host: str, means: str) -> None:
    refused(f"http://{host}/", f"{host.lower()} is {means}, ")


@pytest.mark.parametrize("host", ["1.2.3.4.5", "256.1.1.1", "08.1.1.1", "0x1g.1", "1..1"])
def test_strings_that_are_not_ipv4_are_names(host: str) -> None:
    resolved: list[str] = []

    def resolve(name: str, port: int) -> list[str]:
        resolved.append(name)
        return []

    assert private_address_problem(f"http://{host}/", resolve) is None
    assert resolved == [host]


def test_trailing_dot_and_case_do_not_hide_an_address() -> None:
    refused("http://127.0.0.1./", "loopback")
    refused("http://0X7F.1/", "loopback")


def test_fullwidth_digits_are_read_as_idna_reads_them() -> None:
    refused("http://１２７.０.０.１/", "127.0.0.1 is a loopback address")
    refused("http://127。0。0。1/", "127.0.0.1 is a loopback address")


def test_percent_escaped_host_is_refused() -> None:
    # urllib3 decodes the escapes before connecting.
    refused("http://%31%32%37.0.0.1/", "loopback")


def test_user_info_does_not_hide_the_host() -> None:
    # A URL with a user name or password is refused whatever its host, unresolved.
    for url in ("http://news.example@127.0.0.1/", "http://news.example:80@10.0.0.1/"):
        problem = private_address_problem(url, no_dns)
        assert problem is not None and "user name or password" in problem


def test_backslash_read_differently_by_the_two_parsers_is_refused() -> None:
    # urllib.parse reads the host as news.example; urllib3, which connects, as 127.0.0.1.
    resolve = fake_dns({"news.example": ["93.184.216.34"]})
    # urllib.parse sees a user name here, so the URL is refused before any resolving.
    problem = private_address_problem("http://127.0.0.1:80\\@news.example/", resolve)
    assert problem is not None and "user name or password" in problem


# -- literal IPv6 ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("url", "needle"),
    [
        ("http://[::1]/", "::1 is a loopback address"),
        ("http://[::1]:8080/", "::1 is a loopback address"),
        ("http://[0:0:0:0:0:0:0:1]/", "0:0:0:0:0:0:0:1 is a loopback address"),
        ("http://[::]/", ":: is the unspecified address"),
        ("http://[fc00::1]/", "fc00::1 is a private address"),
        ("http://[fd12:3456:789a::1]/", "is a private address"),
        ("http://[fe80::1]/", "fe80::1 is a link-local address"),
        ("http://[fe80::1%25eth0]/", "link-local address"),
        ("http://[fec0::1]/", "fec0::1 is a site-local address"),
        ("http://[ff02::1]/", "ff02::1 is a multicast address"),
        ("http://[2001:db8::1]/", "2001:db8::1 is a documentation address"),
        ("http://[100::1]/", "100::1 is a discard-only address"),
        ("http://[64:ff9b:1::a00:1]/", "local-use NAT64 address"),
        ("http://[FE80::1]/", "fe80::1 is a link-local address"),
    ],
)
def test_non_public_ipv6_is_refused(url: str, needle: str) -> None:
    refused(url, needle)


@pytest.mark.parametrize(
    ("url", "needle"),
    [
        (
            "http://[::ffff:127.0.0.1]/",
            "::ffff:127.0.0.1 is an IPv4-mapped form of 127.0.0.1, a loopback address",
        ),
        ("http://[::ffff:7f00:1]/", "IPv4-mapped form of 127.0.0.1, a loopback address"),
        (
            "http://[::ffff:169.254.169.254]/",
            "169.254.169.254, a link-local address (cloud metadata service)",
        ),
        ("http://[::ffff:0.0.0.0]/", "0.0.0.0, the unspecified address"),
        ("http://[2002:7f00:1::1]/", "a 6to4 address embedding 127.0.0.1, a loopback address"),
        ("http://[2002:a00:1::]/", "6to4 address embedding 10.0.0.1, a private address"),
        ("http://[64:ff9b::a9fe:a9fe]/", "a NAT64 address embedding 169.254.169.254"),
        ("http://[64:ff9b::10.0.0.1]/", "NAT64 address embedding 10.0.0.1, a private address"),
        ("http://[::127.0.0.1]/", "an IPv4-compatible form of 127.0.0.1, a loopback address"),
    ],
)
def test_ipv6_embedding_a_private_ipv4_is_refused(url: str, needle: str) -> None:
    refused(url, needle)


def test_teredo_with_a_private_client_is_refused() -> None:
    # Teredo stores the client address inverted: 0xf5ffffFE is ~10.0.0.1.
    refused("http://[2001:0:4136:e378:8000:63bf:f5ff:fffe]/", "Teredo", "10.0.0.1")


def test_invalid_bracketed_host_is_refused() -> None:
    problem = private_address_problem("http://[::1::2]/", no_dns)
    assert problem is not None and "\n" not in problem


# -- names -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("url", "needle"),
    [
        ("http://localhost/", "localhost names this machine"),
        ("http://localhost:8080/admin", "localhost names this machine"),
        ("http://LOCALHOST./", "localhost names this machine"),
        ("http://app.localhost/", "app.localhost names this machine"),
        ("http://a.b.localhost/", "a.b.localhost names this machine"),
        ("http://localhost.localdomain/", "names this machine"),
        ("http://metadata.google.internal/computeMetadata/v1/", "names the cloud metadata"),
        ("http://Metadata.Google.Internal./", "metadata.google.internal names the cloud"),
        ("http://metadata/computeMetadata/v1/", "metadata names the cloud metadata service"),
        ("http://instance-data/latest/meta-data/", "instance-data names the cloud metadata"),
    ],
)
def test_private_names_are_refused_without_resolving(url: str, needle: str) -> None:
    refused(url, needle)


@pytest.mark.parametrize("host", ["localhost.news.example", "notlocalhost", "metadata.example"])
def test_names_that_only_look_private_are_resolved(host: str) -> None:
    assert private_address_problem(f"http://{host}/", fake_dns({host: ["93.184.216.34"]})) is None


@pytest.mark.parametrize(
    ("address", "needle"),
    [
        ("127.0.0.1", "intranet.example resolves to 127.0.0.1, a loopback address"),
        ("10.1.2.3", "intranet.example resolves to 10.1.2.3, a private address"),
        ("192.168.0.10", "resolves to 192.168.0.10, a private address"),
        ("169.254.169.254", "resolves to 169.254.169.254, a link-local address (cloud metadata"),
        ("100.64.1.1", "resolves to 100.64.1.1, a shared address"),
        ("0.0.0.0", "resolves to 0.0.0.0, the unspecified address"),
        ("::1", "resolves to ::1, a loopback address"),
        ("fd00::5", "resolves to fd00::5, a private address"),
        ("fe80::1%eth0", "resolves to fe80::1%eth0, a link-local address"),
        ("::ffff:10.0.0.1", "an IPv4-mapped form of 10.0.0.1, a private address"),
    ],
)
def test_name_resolving_to_a_private_address_is_refused(address: str, needle: str) -> None:
    refused(
        "https://intranet.example/wiki", needle, resolve=fake_dns({"intranet.example": [address]})
    )


def test_every_resolved_address_is_checked() -> None:
    # A public address first does not let a private one behind it through.
    resolve = fake_dns({"mixed.example": ["93.184.216.34", "2606:2800:220:1::1", "10.0.0.7"]})
    refused("https://mixed.example/", "resolves to 10.0.0.7", resolve=resolve)


def test_resolver_gets_the_urls_port() -> None:
    asked: list[tuple[str, int]] = []

    def resolve(host: str, port: int) -> list[str]:
        asked.append((host, port))
        return ["93.184.216.34"]

    private_address_problem("https://news.example/a", resolve)
    private_address_problem("http://news.example/a", resolve)
    private_address_problem("http://news.example:8080/a", resolve)
    assert asked == [("news.example", 443), ("news.example", 80), ("news.example", 8080)]


def test_internationalised_name_is_resolved_once() -> None:
    asked: list[str] = []

    def resolve(host: str, port: int) -> list[str]:
        asked.append(host)
        return ["93.184.216.34"]

    assert private_address_problem("https://bücher.example/", resolve) is None
    assert asked == ["bücher.example"]


def test_resolver_answer_that_is_not_an_address_is_refused() -> None:
    problem = private_address_problem("https://odd.example/", fake_dns({"odd.example": ["nope"]}))
    assert problem is not None and "not an IP address" in problem


def test_default_resolver_uses_getaddrinfo(monkeypatch: pytest.MonkeyPatch) -> None:
    asked: list[tuple[Any, ...]] = []

    def getaddrinfo(host: str, port: int, *args: Any, **kwargs: Any) -> list[Any]:
        asked.append((host, port))
        if host == "gone.example":
            raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")
        return [
            (socket.AF_INET, socket.SOCK_STREAM, 6, "", ("93.184.216.34", port)),
            (socket.AF_INET6, socket.SOCK_STREAM, 6, "", ("fe80::1%eth0", port, 0, 2)),
        ]

    monkeypatch.setattr(netguard.socket, "getaddrinfo", getaddrinfo)
    problem = refused("https://news.example:8443/", resolve=None)
    assert "news.example resolves to fe80::1%eth0, a link-local address" in problem
    assert private_address_problem("https://gone.example/") is None
    assert asked == [("news.example", 8443), ("gone.example", 443)]


def test_unresolvable_by_codec_passes(monkeypatch: pytest.MonkeyPatch) -> None:
    def getaddrinfo(host: str, port: int, *args: Any, **kwargs: Any) -> list[Any]:
        raise UnicodeError("label too long")

    monkeypatch.setattr(netguard.socket, "getaddrinfo", getaddrinfo)
    assert private_address_problem("https://" + "a" * 70 + ".example/") is None


# -- what cannot be checked ------------------------------------------------------------


@pytest.mark.parametrize("url", ["", "ftp://127.0.0.1/", "news.example/a", "http:///x"])
def test_url_that_is_not_http_is_refused_with_its_problem(url: str) -> None:
    problem = private_address_problem(url, no_dns)
    assert problem is not None and "\n" not in problem
    assert ALLOW_PRIVATE_ADVICE not in problem
