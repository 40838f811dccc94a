"""Words for people: counts with their nouns."""

from __future__ import annotations


def plural(count: int, word: str, many: str | None = None) -> str:
    """``1 word``, ``2 words``, ``1,234 words`` (``many``: an irregular plural)."""
    return f"{count:,} {word}" if count == 1 else f"{count:,} {many or word + 's'}"
