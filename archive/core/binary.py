"""Telling a text page that holds a few stray NUL bytes from binary data."""

from __future__ import annotations

#: How far into the data NUL bytes are counted.
SNIFF_BYTES = 65_536


def nul_bytes_mean_binary(data: bytes) -> bool:
    """True when NUL bytes say ``data`` is binary: more than one in a thousand of its
    first bytes. A page can hold a few stray NULs (a template or database bug) and a
    browser shows it all the same; in binary data they are everywhere. Text in UTF-16
    is told apart by its byte order mark before this is asked."""
    head = data[:SNIFF_BYTES]
    count = head.count(0)
    return count > 0 and count * 1000 > len(head)
