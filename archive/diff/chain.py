"""The longest increasing chain: which matches keep their order in both texts.

Both the word diff (anchors found once in each text) and the paragraph alignment (moved
paragraphs) ask the same question of a list of matches sorted by their place in one
text: which of them form the longest run that also increases in the other.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Sequence


def longest_increasing(values: Sequence[int]) -> list[int]:
    """Indexes into ``values`` of a longest strictly increasing subsequence, in order
    (patience sorting, O(n log n))."""
    tails: list[int] = []
    tail_at: list[int] = []
    back = [-1] * len(values)
    for n, value in enumerate(values):
        k = bisect_left(tails, value)
        if k == len(tails):
            tails.append(value)
            tail_at.append(n)
        else:
            tails[k] = value
            tail_at[k] = n
        back[n] = tail_at[k - 1] if k else -1
    chain: list[int] = []
    n = tail_at[-1] if tail_at else -1
    while n >= 0:
        chain.append(n)
        n = back[n]
    chain.reverse()
    return chain
