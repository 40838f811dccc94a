"""A guard against fetching addresses that are not on the public internet.

URLs found in feeds and sitemaps are written by other people. One that points at this
machine, the local network or a cloud metadata service would make a scheduled runner
fetch its own credentials and archive them. ``private_address_problem`` says why a URL
must not be fetched, or None when its host is public. It refuses:

* loopback (127/8, ::1), private (10/8, 172.16/12, 192.168/16, fc00::/7), link-local
  (169.254/16, fe80::/10), shared (100.64/10), unspecified (0.0.0.0, ::), multicast,
  broadcast, reserved, documentation and benchmarking addresses, and anything else
  ``ipaddress`` does not call global;
* cloud metadata services by address (169.254.169.254, fd00:ec2::254,
  100.100.100.200 ...) and by name (``metadata.google.internal``, ``metadata``,
  ``instance-data``), and ``localhost`` and its sub-domains;
* IPv6 addresses that embed one of the IPv4 addresses above (IPv4-mapped
  ``::ffff:127.0.0.1``, IPv4-compatible, 6to4, NAT64, Teredo).

An IPv4 host is read the way ``getaddrinfo`` reads it, so ``2130706433``, ``0x7f.1``,
``0177.0.0.1`` and ``127.1`` are all 127.0.0.1. A host name is checked by every address
it resolves to; a name that does not resolve passes, since the fetch then fails on its
own. The host is taken both as ``urllib.parse`` and as urllib3 (which makes the
connection) read the URL, so a URL the two read differently cannot slip through.

The check does not follow redirects: check each hop's URL before fetching it.
"""

from __future__ import annotations

import re
import socket
import unicodedata
from collections.abc import Callable
from ipaddress import IPv4Address, IPv4Network, IPv6Address, IPv6Network
from typing import TypeAlias
from urllib.parse import unquote, urlsplit

from urllib3.exceptions import LocationParseError
from urllib3.util import parse_url

from redline.archive.core.urls import DEFAULT_PORTS, url_problem

__all__ = ["ALLOW_PRIVATE_ADVICE", "Resolver", "private_address_problem"]

#: Resolves a host name and port to the IP addresses a connection could reach.
Resolver: TypeAlias = Callable[[str, int], list[str]]

#: What a person can do about a refused URL; ends every refusal.
ALLOW_PRIVATE_ADVICE = "pass --allow-private to fetch it"

IPAddress: TypeAlias = IPv4Address | IPv6Address

_METADATA = "cloud metadata service"

#: Addresses of cloud metadata and credential services.
METADATA_ADDRESSES: dict[IPAddress, str] = {
    IPv4Address("169.254.169.254"): _METADATA,  # AWS, GCP, Azure, OpenStack, DigitalOcean
    IPv4Address("169.254.170.2"): "container credentials service",  # AWS ECS tasks
    IPv6Address("fd00:ec2::254"): _METADATA,  # AWS over IPv6
    IPv4Address("100.100.100.200"): _METADATA,  # Alibaba Cloud
    IPv4Address("192.0.0.192"): _METADATA,  # Oracle Cloud
}

#: Host names of this machine.
LOOPBACK_NAMES = frozenset({"localhost", "localhost.localdomain", "ip6-localhost", "ip6-loopback"})

#: Host names of cloud metadata services.
METADATA_NAMES = frozenset({"metadata.google.internal", "metadata", "instance-data"})

# (network, what an address in it is, detail shown when the address is not a metadata
# service). Searched in order; the first match names the address.
_IPV4_RANGES: list[tuple[IPv4Network, str, str | None]] = [
    (IPv4Network("0.0.0.0/32"), "the unspecified address", "it reaches this machine"),
    (IPv4Network("0.0.0.0/8"), "a 'this network' address", "0.0.0.0/8"),
    (IPv4Network("127.0.0.0/8"), "a loopback address", None),
    (IPv4Network("10.0.0.0/8"), "a private address", None),
    (IPv4Network("172.16.0.0/12"), "a private address", None),
    (IPv4Network("192.168.0.0/16"), "a private address", None),
    (IPv4Network("100.64.0.0/10"), "a shared address", "100.64.0.0/10, carrier-grade NAT"),
    (IPv4Network("169.254.0.0/16"), "a link-local address", None),
    (IPv4Network("192.0.0.0/24"), "an IETF protocol address", "192.0.0.0/24"),
    (IPv4Network("192.0.2.0/24"), "a documentation address", "TEST-NET-1"),
    (IPv4Network("198.51.100.0/24"), "a documentation address", "TEST-NET-2"),
    (IPv4Network("203.0.113.0/24"), "a documentation address", "TEST-NET-3"),
    (
        IPv4Network("198.18.0.0/15"),
        "a benchmarking address",
        "198.18.0.0/15, also used by proxies in fake-IP mode",
    ),
    (IPv4Network("224.0.0.0/4"), "a multicast address", None),
    (IPv4Network("255.255.255.255/32"), "the broadcast address", None),
    (IPv4Network("240.0.0.0/4"), "a reserved address", "240.0.0.0/4"),
]

_IPV6_RANGES: list[tuple[IPv6Network, str, str | None]] = [
    (IPv6Network("::/128"), "the unspecified address", "it reaches this machine"),
    (IPv6Network("::1/128"), "a loopback address", None),
    (IPv6Network("fc00::/7"), "a private address", "unique local, fc00::/7"),
    (IPv6Network("fe80::/10"), "a link-local address", None),
    (IPv6Network("fec0::/10"), "a site-local address", None),
    (IPv6Network("ff00::/8"), "a multicast address", None),
    (IPv6Network("100::/64"), "a discard-only address", None),
    (IPv6Network("2001:db8::/32"), "a documentation address", None),
    (
        IPv6Network("64:ff9b:1::/48"),
        "a local-use NAT64 address",
        "it may reach private IPv4 networks",
    ),
]

_NAT64 = IPv6Network("64:ff9b::/96")
_IPV4_COMPATIBLE = IPv6Network("::/96")

_IPV4_PART = re.compile(r"0[xX][0-9a-fA-F]*|0[0-7]*|[1-9][0-9]*")


def _parse_ipv4(host: str) -> IPv4Address | None:
    """``host`` as an IPv4 address in any form ``inet_aton`` takes, or None.

    One to four parts, each decimal, octal (leading 0) or hex (leading 0x); the last
    part fills the bytes the others leave: ``127.1`` is 127.0.0.1, ``2130706433`` too.
    """
    parts = host.split(".")
    if len(parts) > 4 or not all(_IPV4_PART.fullmatch(part) for part in parts):
        return None
    numbers = []
    for part in parts:
        if part[:2].lower() == "0x":
            numbers.append(int(part[2:] or "0", 16))
        elif len(part) > 1 and part[0] == "0":
            numbers.append(int(part, 8))
        else:
            numbers.append(int(part))
    *leading, last = numbers
    if any(n > 255 for n in leading) or last >= 256 ** (4 - len(leading)):
        return None
    value = last
    for index, number in enumerate(leading):
        value |= number << (8 * (3 - index))
    return IPv4Address(value)


def _parse_ip(text: str) -> IPAddress | None:
    """``text`` as an IP address: IPv6 (zone dropped) or any IPv4 form; None for a name."""
    if ":" in text:
        try:
            return IPv6Address(text.split("%", 1)[0])
        except ValueError:
            return None
    return _parse_ipv4(text)


def _embedded_ipv4(ip: IPv6Address) -> tuple[str, IPv4Address] | None:
    """The IPv4 address an IPv6 address stands for, with what kind of form it is."""
    if ip.ipv4_mapped is not None:
        return "an IPv4-mapped form of", ip.ipv4_mapped
    if ip.sixtofour is not None:
        return "a 6to4 address embedding", ip.sixtofour
    if ip in _NAT64:
        return "a NAT64 address embedding", IPv4Address(int(ip) & 0xFFFFFFFF)
    if ip.teredo is not None:
        return "a Teredo address embedding", ip.teredo[1]
    if ip in _IPV4_COMPATIBLE and int(ip) > 1:
        return "an IPv4-compatible form of", IPv4Address(int(ip) & 0xFFFFFFFF)
    return None


def _what(ip: IPAddress) -> str | None:
    """What makes ``ip`` not public, as a phrase ("a loopback address"), or None."""
    service = METADATA_ADDRESSES.get(ip)
    if isinstance(ip, IPv6Address) and int(ip) > 1:
        embedded = _embedded_ipv4(ip)
        if embedded is not None:
            form, ipv4 = embedded
            inner = _what(ipv4)
            return None if inner is None else f"{form} {ipv4}, {inner}"
    ranges: list[tuple[IPv4Network, str, str | None]] | list[tuple[IPv6Network, str, str | None]]
    ranges = _IPV4_RANGES if isinstance(ip, IPv4Address) else _IPV6_RANGES
    for network, kind, detail in ranges:
        if ip in network:
            note = service or detail
            return f"{kind} ({note})" if note else kind
    if service:
        return f"a non-public address ({service})"
    if ip.is_multicast:
        return "a multicast address"
    if ip.is_reserved:
        return "a reserved address"
    if ip.is_loopback:
        return "a loopback address"
    if ip.is_link_local:
        return "a link-local address"
    if ip.is_private or not ip.is_global:
        return "not a public address"
    return None


def _default_resolve(host: str, port: int) -> list[str]:
    infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    return [str(info[4][0]) for info in infos]


def _clean_host(host: str) -> str:
    """``host`` unescaped, in one spelling: NFKC (fullwidth digits become ASCII, as
    IDNA does), lower case, ideographic full stops as dots, no brackets or final dot."""
    host = unicodedata.normalize("NFKC", unquote(host)).lower()
    host = host.replace("\u3002", ".").strip("[]")
    return host.rstrip(".") if host not in (".", "") else host


def _hosts(url: str) -> list[str]:
    """The host of ``url`` as urllib.parse reads it and, when it differs, as urllib3 does."""
    hosts = [_clean_host(urlsplit(url).hostname or "")]
    try:
        other = parse_url(url).host
    except (LocationParseError, ValueError):
        other = None
    if other:
        cleaned = _clean_host(other)
        try:  # urllib3 writes an internationalised name in punycode
            unicode_name = cleaned.encode("ascii").decode("idna")
        except UnicodeError:
            unicode_name = cleaned
        if cleaned not in hosts and unicode_name not in hosts:
            hosts.append(cleaned)
    return hosts


def _refuse(reason: str) -> str:
    return f"{reason}; {ALLOW_PRIVATE_ADVICE}"


def _host_problem(host: str, port: int, resolve: Resolver) -> str | None:
    if host in LOOPBACK_NAMES or host.endswith(".localhost"):
        return _refuse(f"{host} names this machine")
    if host in METADATA_NAMES:
        return _refuse(f"{host} names the {_METADATA}")
    ip = _parse_ip(host)
    if ip is not None:
        what = _what(ip)
        if what is None:
            return None
        # Another spelling of an IPv4 address is worth spelling out; of an IPv6 one, not.
        if isinstance(ip, IPv6Address) or str(ip) == host:
            return _refuse(f"{host} is {what}")
        return _refuse(f"{host} is {ip}, {what}")
    if ":" in host:
        return f"{host!r} is not a valid IPv6 address; check the URL"
    try:
        addresses = resolve(host, port)
    except (OSError, UnicodeError):
        return None  # the fetch reports the failure to resolve
    for address in addresses:
        resolved = _parse_ip(address)
        if resolved is None:
            return f"{host} resolves to {address!r}, which is not an IP address; check the resolver"
        what = _what(resolved)
        if what is not None:
            return _refuse(f"{host} resolves to {address}, {what}")
    return None


def private_address_problem(url: str, resolve: Resolver | None = None) -> str | None:
    """Why fetching ``url`` would reach a non-public address, or None when its host is public.

    ``resolve(host, port)`` lists the addresses a host name resolves to; the default
    uses ``socket.getaddrinfo`` with the URL's port. A URL that is not an absolute
    http(s) URL cannot be checked, so the reason it is not one is returned instead.
    """
    url = url.strip()
    problem = url_problem(url)
    if problem:
        return problem
    parts = urlsplit(url)
    port = parts.port or DEFAULT_PORTS[parts.scheme.lower()]
    for host in _hosts(url):
        problem = _host_problem(host, port, resolve or _default_resolve)
        if problem:
            return problem
    return None


def connected_address_problem(address: str) -> str | None:
    """Why the address a connection actually reached is not public, or None.

    Checked after connecting, it closes what checking the name before cannot: a name
    that resolved to a public address for the check and to a private one for the fetch
    (DNS rebinding). Nothing read from such a connection is kept.
    """
    ip = _parse_ip(address.split("%", 1)[0])
    if ip is None:
        return None
    what = _what(ip)
    return None if what is None else _refuse(f"the connection reached {address}, {what}")
