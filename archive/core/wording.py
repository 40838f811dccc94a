"""Words for people: counts with their nouns, and text quoted in a message."""

from __future__ import annotations

from collections.abc import Sequence


def plural(count: int, word: str, many: str | None = None) -> str:
    """``1 word``, ``2 words``, ``1,234 words`` (``many``: an irregular plural)."""
    return f"{count:,} {word}" if count == 1 else f"{count:,} {many or word + 's'}"


def join_reasons(reasons: Sequence[str], limit: int) -> str:
    """The first ``limit`` reasons joined by "; ", and, when some are left out, an
    ellipsis and how many: ``a; b; … and 2 more``. Reasons are never cut silently."""
    shown = "; ".join(reasons[:limit])
    left = len(reasons) - limit
    if left <= 0:
        return shown
    return f"{shown}; … and {left:,} more"


def clip(text: str, size: int) -> str:
    """``text`` cut to about ``size`` characters when longer, ending with an ellipsis
    and how many characters were left out: ``… (123 more characters)``."""
    if len(text) <= size:
        return text
    kept = text[: max(size - 1, 0)].rstrip()
    return f"{kept}… ({plural(len(text) - len(kept), 'more character')})"


#: Quoted text longer than this is cut in a message.
QUOTE_CHARS = 100


def quoted(text: str, limit: int = QUOTE_CHARS) -> str:
    """``text`` quoted as Python quotes it; past ``limit`` characters it is cut with "…"
    and followed by its length, so a line of 100 KB never fills a terminal or a log."""
    if len(text) <= limit:
        return repr(text)
    return f"{text[:limit] + '…'!r} ({plural(len(text), 'character')})"


def cut(text: str, limit: int = 2 * QUOTE_CHARS) -> str:
    """``text`` cut to ``limit`` characters with "…" and its length when longer (another
    library's message that quotes what it was given, for one)."""
    if len(text) <= limit:
        return text
    return f"{text[:limit]}… ({plural(len(text), 'character')})"
