"""Word-level diff of two strings, built on diff-match-patch.

Text is cut into tokens: words (runs of word characters, with apostrophes and hyphens
inside a word and the separators inside a number such as ``1,200.5`` kept in it),
whitespace runs, and single other characters (an emoji keeps its modifiers and joiners).
Each distinct token is mapped to one code point, diff-match-patch diffs the two code
strings exactly (``Diff_Timeout = 0``), and the result is mapped back, so an operation
never starts or ends inside a word.

Long texts are first cut at tokens that occur exactly once in each text (the longest
run of them in the same order, as in patience diff); the stretches between those
anchors are diffed exactly. A stretch with no anchor that is too big to diff exactly
in reasonable time (two unrelated texts of thousands of words) is diffed with a time
budget instead, and may then be larger than minimal.

A semantic cleanup then turns small equalities squeezed between bigger edits into
edits, the way ``diff_cleanupSemantic`` does, but counting characters and moving whole
tokens only.

Operations are ``(op, text)`` with ``op`` one of ``"="``, ``"-"``, ``"+"``: joining the
``"="`` and ``"-"`` texts gives the old string, joining ``"="`` and ``"+"`` the new one.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator, Sequence
from itertools import chain
from typing import Literal

from diff_match_patch import diff_match_patch

from redline.archive.diff.chain import longest_increasing

try:  # The C++ port gives the same exact diffs, many times faster.
    from fast_diff_match_patch import diff as _fast_diff
except ImportError:  # pragma: no cover - the pure-Python port does the same work
    _fast_diff = None

Op = Literal["=", "-", "+"]
DiffOp = tuple[Op, str]

EQUAL: Op = "="
DELETE: Op = "-"
INSERT: Op = "+"

# Combining marks (Unicode categories Mn, Mc, Me). Python's ``\w`` leaves them out, so
# without them "é" written as e + U+0301, or most Indic words, would fall apart.
# Generated from the Unicode 14 database.
_MARKS = (
    "\u0300-\u036f\u0483-\u0489\u0591-\u05bd\u05bf\u05c1-\u05c2\u05c4-\u05c5\u05c7"
    "\u0610-\u061a\u064b-\u065f\u0670\u06d6-\u06dc\u06df-\u06e4\u06e7-\u06e8\u06ea-\u06ed"
    "\u0711\u0730-\u074a\u07a6-\u07b0\u07eb-\u07f3\u07fd\u0816-\u0819\u081b-\u0823"
    "\u0825-\u0827\u0829-\u082d\u0859-\u085b\u0898-\u089f\u08ca-\u08e1\u08e3-\u0903"
    "\u093a-\u093c\u093e-\u094f\u0951-\u0957\u0962-\u0963\u0981-\u0983\u09bc\u09be-\u09c4"
    "\u09c7-\u09c8\u09cb-\u09cd\u09d7\u09e2-\u09e3\u09fe\u0a01-\u0a03\u0a3c\u0a3e-\u0a42"
    "\u0a47-\u0a48\u0a4b-\u0a4d\u0a51\u0a70-\u0a71\u0a75\u0a81-\u0a83\u0abc\u0abe-\u0ac5"
    "\u0ac7-\u0ac9\u0acb-\u0acd\u0ae2-\u0ae3\u0afa-\u0aff\u0b01-\u0b03\u0b3c\u0b3e-\u0b44"
    "\u0b47-\u0b48\u0b4b-\u0b4d\u0b55-\u0b57\u0b62-\u0b63\u0b82\u0bbe-\u0bc2\u0bc6-\u0bc8"
    "\u0bca-\u0bcd\u0bd7\u0c00-\u0c04\u0c3c\u0c3e-\u0c44\u0c46-\u0c48\u0c4a-\u0c4d"
    "\u0c55-\u0c56\u0c62-\u0c63\u0c81-\u0c83\u0cbc\u0cbe-\u0cc4\u0cc6-\u0cc8\u0cca-\u0ccd"
    "\u0cd5-\u0cd6\u0ce2-\u0ce3\u0d00-\u0d03\u0d3b-\u0d3c\u0d3e-\u0d44\u0d46-\u0d48"
    "\u0d4a-\u0d4d\u0d57\u0d62-\u0d63\u0d81-\u0d83\u0dca\u0dcf-\u0dd4\u0dd6\u0dd8-\u0ddf"
    "\u0df2-\u0df3\u0e31\u0e34-\u0e3a\u0e47-\u0e4e\u0eb1\u0eb4-\u0ebc\u0ec8-\u0ecd"
    "\u0f18-\u0f19\u0f35\u0f37\u0f39\u0f3e-\u0f3f\u0f71-\u0f84\u0f86-\u0f87\u0f8d-\u0f97"
    "\u0f99-\u0fbc\u0fc6\u102b-\u103e\u1056-\u1059\u105e-\u1060\u1062-\u1064\u1067-\u106d"
    "\u1071-\u1074\u1082-\u108d\u108f\u109a-\u109d\u135d-\u135f\u1712-\u1715\u1732-\u1734"
    "\u1752-\u1753\u1772-\u1773\u17b4-\u17d3\u17dd\u180b-\u180d\u180f\u1885-\u1886\u18a9"
    "\u1920-\u192b\u1930-\u193b\u1a17-\u1a1b\u1a55-\u1a5e\u1a60-\u1a7c\u1a7f\u1ab0-\u1ace"
    "\u1b00-\u1b04\u1b34-\u1b44\u1b6b-\u1b73\u1b80-\u1b82\u1ba1-\u1bad\u1be6-\u1bf3"
    "\u1c24-\u1c37\u1cd0-\u1cd2\u1cd4-\u1ce8\u1ced\u1cf4\u1cf7-\u1cf9\u1dc0-\u1dff"
    "\u20d0-\u20f0\u2cef-\u2cf1\u2d7f\u2de0-\u2dff\u302a-\u302f\u3099-\u309a\ua66f-\ua672"
    "\ua674-\ua67d\ua69e-\ua69f\ua6f0-\ua6f1\ua802\ua806\ua80b\ua823-\ua827\ua82c"
    "\ua880-\ua881\ua8b4-\ua8c5\ua8e0-\ua8f1\ua8ff\ua926-\ua92d\ua947-\ua953\ua980-\ua983"
    "\ua9b3-\ua9c0\ua9e5\uaa29-\uaa36\uaa43\uaa4c-\uaa4d\uaa7b-\uaa7d\uaab0\uaab2-\uaab4"
    "\uaab7-\uaab8\uaabe-\uaabf\uaac1\uaaeb-\uaaef\uaaf5-\uaaf6\uabe3-\uabea\uabec-\uabed"
    "\ufb1e\ufe00-\ufe0f\ufe20-\ufe2f\U000101fd\U000102e0\U00010376-\U0001037a"
    "\U00010a01-\U00010a03\U00010a05-\U00010a06\U00010a0c-\U00010a0f\U00010a38-\U00010a3a"
    "\U00010a3f\U00010ae5-\U00010ae6\U00010d24-\U00010d27\U00010eab-\U00010eac"
    "\U00010f46-\U00010f50\U00010f82-\U00010f85\U00011000-\U00011002\U00011038-\U00011046"
    "\U00011070\U00011073-\U00011074\U0001107f-\U00011082\U000110b0-\U000110ba\U000110c2"
    "\U00011100-\U00011102\U00011127-\U00011134\U00011145-\U00011146\U00011173"
    "\U00011180-\U00011182\U000111b3-\U000111c0\U000111c9-\U000111cc\U000111ce-\U000111cf"
    "\U0001122c-\U00011237\U0001123e\U000112df-\U000112ea\U00011300-\U00011303"
    "\U0001133b-\U0001133c\U0001133e-\U00011344\U00011347-\U00011348\U0001134b-\U0001134d"
    "\U00011357\U00011362-\U00011363\U00011366-\U0001136c\U00011370-\U00011374"
    "\U00011435-\U00011446\U0001145e\U000114b0-\U000114c3\U000115af-\U000115b5"
    "\U000115b8-\U000115c0\U000115dc-\U000115dd\U00011630-\U00011640\U000116ab-\U000116b7"
    "\U0001171d-\U0001172b\U0001182c-\U0001183a\U00011930-\U00011935\U00011937-\U00011938"
    "\U0001193b-\U0001193e\U00011940\U00011942-\U00011943\U000119d1-\U000119d7"
    "\U000119da-\U000119e0\U000119e4\U00011a01-\U00011a0a\U00011a33-\U00011a39"
    "\U00011a3b-\U00011a3e\U00011a47\U00011a51-\U00011a5b\U00011a8a-\U00011a99"
    "\U00011c2f-\U00011c36\U00011c38-\U00011c3f\U00011c92-\U00011ca7\U00011ca9-\U00011cb6"
    "\U00011d31-\U00011d36\U00011d3a\U00011d3c-\U00011d3d\U00011d3f-\U00011d45\U00011d47"
    "\U00011d8a-\U00011d8e\U00011d90-\U00011d91\U00011d93-\U00011d97\U00011ef3-\U00011ef6"
    "\U00016af0-\U00016af4\U00016b30-\U00016b36\U00016f4f\U00016f51-\U00016f87"
    "\U00016f8f-\U00016f92\U00016fe4\U00016ff0-\U00016ff1\U0001bc9d-\U0001bc9e"
    "\U0001cf00-\U0001cf2d\U0001cf30-\U0001cf46\U0001d165-\U0001d169\U0001d16d-\U0001d172"
    "\U0001d17b-\U0001d182\U0001d185-\U0001d18b\U0001d1aa-\U0001d1ad\U0001d242-\U0001d244"
    "\U0001da00-\U0001da36\U0001da3b-\U0001da6c\U0001da75\U0001da84\U0001da9b-\U0001da9f"
    "\U0001daa1-\U0001daaf\U0001e000-\U0001e006\U0001e008-\U0001e018\U0001e01b-\U0001e021"
    "\U0001e023-\U0001e024\U0001e026-\U0001e02a\U0001e130-\U0001e136\U0001e2ae"
    "\U0001e2ec-\U0001e2ef\U0001e8d0-\U0001e8d6\U0001e944-\U0001e94a\U000e0100-\U000e01ef"
)

# Scripts written without spaces between words (Chinese, Japanese kana, Thai, Lao,
# Khmer, Myanmar): each character is a word of its own, with the marks that follow it.
_DENSE = (
    "\u0e00-\u0eff\u1000-\u109f\u1780-\u17ff\u3040-\u30ff\u31f0-\u31ff\u3400-\u4dbf"
    "\u4e00-\u9fff\uf900-\ufaff\uff66-\uff9f\U00020000-\U0003134f"
)
_W = rf"(?:[^\W{_DENSE}]|[{_MARKS}])"
# Joiners that keep a word whole: apostrophes, hyphens, zero-width (non-)joiners, and
# the separators inside a number: 1,200 / 12.5 / 10:30.
_JOIN = r"(?:['\u2019\-\u2010\u2011\u200c\u200d]|(?<=\d)[.,:](?=\d))"
_WORD = rf"[{_DENSE}][{_MARKS}]*|{_W}+(?:{_JOIN}{_W}+)*"
# Anything else is one character, with what decorates it: marks, emoji variation
# selectors and skin tones, zero-width-joined emoji, or a pair of regional indicators.
_OTHER = (
    r"[\U0001f1e6-\U0001f1ff]{2}"
    rf"|.(?:[{_MARKS}\U0001f3fb-\U0001f3ff]|\u200d[^\s])*"
)
_TOKEN_RE = re.compile(rf"{_WORD}|\s+|{_OTHER}", re.DOTALL)
_WORD_RE = re.compile(_WORD)
# Text without combining marks, space-less scripts, zero-width joiners, skin tones or
# regional indicators is cut the same way by a much simpler expression: there a word
# character is ``\w`` and every other token is one character.
_SPECIAL_RE = re.compile(
    rf"[{_MARKS}{_DENSE}\u200c\u200d\U0001f3fb-\U0001f3ff\U0001f1e6-\U0001f1ff]"
)
_PLAIN_TOKEN_RE = re.compile(
    r"\w+(?:['\u2019\-\u2010\u2011]\w+|(?<=\d)[.,:](?=\d)\w+)*|\s+|.", re.DOTALL
)

# Sub-problems up to this many token pairs (old x new) go straight to an exact diff;
# a stretch without anchors is diffed exactly up to _EXACT_LIMIT, beyond that with a
# time budget of _BUDGET_SECONDS.
_SMALL = 4_096
_EXACT_LIMIT = 250_000
_BUDGET_SECONDS = 2.0
# Stretches between anchors are searched for anchors of their own, this many levels deep.
_MAX_DEPTH = 32

_DMP_DELETE = -1
_DMP_EQUAL = 0
_DMP_INSERT = 1
_OPS: dict[int, Op] = {_DMP_DELETE: DELETE, _DMP_EQUAL: EQUAL, _DMP_INSERT: INSERT}

_BLANKLINE_END = re.compile(r"\n\r?\n$")
_BLANKLINE_START = re.compile(r"^\r?\n\r?\n")

_DmpOp = tuple[int, str]


def tokenize(text: str) -> list[str]:
    """Cut ``text`` into words, whitespace runs and single other characters.

    ``"".join(tokenize(text)) == text`` always holds.
    """
    if _is_plain(text):
        return _PLAIN_TOKEN_RE.findall(text)
    return _TOKEN_RE.findall(text)


def _is_plain(text: str) -> bool:
    """True when ``_PLAIN_TOKEN_RE`` cuts ``text`` exactly as ``_TOKEN_RE`` does."""
    if text.isascii():
        return True
    rare = "".join(char for char in set(text) if char >= "\u0300")
    return not _SPECIAL_RE.search(rare)


def count_words(text: str) -> int:
    """How many words ``text`` holds, as ``tokenize`` cuts them."""
    return sum(1 for _ in _WORD_RE.finditer(text))


def old_text(ops: Iterable[DiffOp]) -> str:
    """The old string: the ``"="`` and ``"-"`` texts joined."""
    return "".join(text for op, text in ops if op != INSERT)


def new_text(ops: Iterable[DiffOp]) -> str:
    """The new string: the ``"="`` and ``"+"`` texts joined."""
    return "".join(text for op, text in ops if op != DELETE)


def inserted_words(ops: Iterable[DiffOp]) -> int:
    """Number of words in the ``"+"`` operations."""
    return sum(count_words(text) for op, text in ops if op == INSERT)


def deleted_words(ops: Iterable[DiffOp]) -> int:
    """Number of words in the ``"-"`` operations."""
    return sum(count_words(text) for op, text in ops if op == DELETE)


def changed_chars(ops: Iterable[DiffOp]) -> int:
    """Total characters inserted plus deleted."""
    return sum(len(text) for op, text in ops if op != EQUAL)


def is_changed(ops: Iterable[DiffOp]) -> bool:
    """True when any operation inserts or deletes something."""
    return any(op != EQUAL for op, _ in ops)


def diff_words(old: str, new: str, *, cleanup: bool = True) -> list[DiffOp]:
    """Word-level diff of ``old`` and ``new``.

    With ``cleanup`` (the default) small equalities between bigger edits are folded
    into the edits, in whole tokens; without it the result is the raw minimal diff.
    Adjacent operations of the same kind are always merged, and within a change the
    deletion comes before the insertion.
    """
    if old == new:
        return [(EQUAL, old)] if old else []
    codec = Codec(tokenize(old), tokenize(new))
    return diff_codes(codec, codec.old, codec.new, cleanup=cleanup)


def diff_codes(codec: Codec, old: str, new: str, *, cleanup: bool = True) -> list[DiffOp]:
    """``diff_words`` of the texts that the code strings ``old`` and ``new`` stand for.

    The result depends only on which tokens are equal, never on the codes chosen, so
    it is the same as ``diff_words`` of the decoded texts.
    """
    if old == new:
        return [(EQUAL, codec.decode(old))] if old else []
    diffs = _diff_codes(old, new)
    if cleanup:
        _cleanup_semantic(diffs, codec)
    return [(_OPS[op], codec.decode(text)) for op, text in diffs if text]


def diff_tokens_exact(old: str, new: str) -> list[DiffOp]:
    """The raw word diff from one exact diff-match-patch run, without anchoring.

    Much slower than ``diff_words`` on long texts with many edits; a reference for
    measuring it.
    """
    codec = Codec(tokenize(old), tokenize(new))
    diffs = _new_dmp().diff_main(codec.old, codec.new, False)
    return [(_OPS[op], codec.decode(text)) for op, text in diffs if text]


def cleanup_semantic(ops: Sequence[DiffOp]) -> list[DiffOp]:
    """Apply the whole-token semantic cleanup to word-aligned operations."""
    old_tokens: list[str] = []
    new_tokens: list[str] = []
    for op, text in ops:
        tokens = tokenize(text)
        if op != INSERT:
            old_tokens.extend(tokens)
        if op != DELETE:
            new_tokens.extend(tokens)
    codec = Codec(old_tokens, new_tokens)
    diffs: list[_DmpOp] = []
    for op, text in ops:
        code = {EQUAL: _DMP_EQUAL, DELETE: _DMP_DELETE, INSERT: _DMP_INSERT}[op]
        diffs.append((code, codec.encode(tokenize(text))))
    _new_dmp().diff_cleanupMerge(diffs)
    _cleanup_semantic(diffs, codec)
    return [(_OPS[op], codec.decode(text)) for op, text in diffs if text]


# -- encoding --------------------------------------------------------------------------


def _code_points() -> Iterator[str]:
    """Characters to stand for tokens, never surrogates.

    Only which codes are equal matters to the diff, so the first tokens seen (the most
    frequent ones, as a rule) get the one-byte code points: Python keeps those as
    shared objects, and strings of codes below 0xD800 take two bytes a character.
    """
    ranges = (
        range(0x0, 0xD800),
        range(0xE000, 0x110000),
    )
    return map(chr, chain.from_iterable(ranges))


class Codec:
    """One code point per distinct token, for both texts.

    ``old`` and ``new`` are the two token lists as code strings; ``diff_codes`` diffs
    any two code strings of one codec (e.g. slices of them: single paragraphs).
    """

    def __init__(self, old_tokens: list[str], new_tokens: list[str]) -> None:
        # A new token takes the next code as it is first looked up: one pass per text.
        table: defaultdict[str, str] = defaultdict(_code_points().__next__)
        self.old = "".join(map(table.__getitem__, old_tokens))
        self.new = "".join(map(table.__getitem__, new_tokens))
        if len(self.old) != len(old_tokens) or len(self.new) != len(new_tokens):
            raise ValueError("too many distinct words to diff")  # the codes ran out
        table.default_factory = None
        self._encode = table
        self._decode = {code: token for token, code in table.items()}
        self._length = {code: len(token) for token, code in table.items()}

    def encode(self, tokens: Iterable[str]) -> str:
        return "".join(map(self._encode.__getitem__, tokens))

    def decode(self, codes: str) -> str:
        return "".join(map(self._decode.__getitem__, codes))

    def length(self, codes: str) -> int:
        """Characters of text that ``codes`` stands for."""
        return sum(map(self._length.__getitem__, codes))

    def token(self, code: str) -> str:
        return self._decode[code]


def _exact_counts(a: str, b: str, timeout: float = 0.0) -> list[tuple[int, int]]:
    """One diff-match-patch run as (op, length) pairs: exact with no ``timeout``,
    otherwise the best found within ``timeout`` seconds."""
    if _fast_diff is not None:
        return [
            (_FAST_OPS[op], n)
            for op, n in _fast_diff(a, b, timelimit=timeout, checklines=False, cleanup="No")
        ]
    return [(op, len(text)) for op, text in _new_dmp(timeout).diff_main(a, b, False)]


_FAST_OPS = {"=": _DMP_EQUAL, "-": _DMP_DELETE, "+": _DMP_INSERT}


def _new_dmp(timeout: float = 0.0) -> diff_match_patch:
    dmp = diff_match_patch()
    dmp.Diff_Timeout = timeout
    return dmp


# -- the diff --------------------------------------------------------------------------


class _Builder:
    """Collects operations as ranges of the two code strings, merging neighbours."""

    def __init__(self, a: str, b: str) -> None:
        self.a = a
        self.b = b
        # (op, start, end): a range of ``a`` for "=" and "-", of ``b`` for "+".
        self.ops: list[tuple[int, int, int]] = []

    def add(self, op: int, start: int, end: int) -> None:
        if start >= end:
            return
        ops = self.ops
        if ops and ops[-1][0] == op and ops[-1][2] == start:
            ops[-1] = (op, ops[-1][1], end)
        else:
            ops.append((op, start, end))

    def add_dmp(self, diffs: list[_DmpOp], a_pos: int, b_pos: int) -> None:
        self.add_counts([(op, len(text)) for op, text in diffs], a_pos, b_pos)

    def add_counts(self, counts: list[tuple[int, int]], a_pos: int, b_pos: int) -> None:
        for op, n in counts:
            if op == _DMP_INSERT:
                self.add(op, b_pos, b_pos + n)
                b_pos += n
            else:
                self.add(op, a_pos, a_pos + n)
                a_pos += n
                if op == _DMP_EQUAL:
                    b_pos += n

    def result(self) -> list[_DmpOp]:
        return [(op, (self.b if op == _DMP_INSERT else self.a)[s:e]) for op, s, e in self.ops]


def _diff_codes(a: str, b: str) -> list[_DmpOp]:
    builder = _Builder(a, b)
    _diff_range(builder, 0, len(a), 0, len(b))
    diffs = builder.result()
    _new_dmp().diff_cleanupMerge(diffs)
    return diffs


def _diff_range(out: _Builder, a_lo: int, a_hi: int, b_lo: int, b_hi: int, depth: int = 0) -> None:
    """Diff ``a[a_lo:a_hi]`` against ``b[b_lo:b_hi]`` into ``out``."""
    a = out.a[a_lo:a_hi]
    b = out.b[b_lo:b_hi]
    if a == b:
        out.add(_DMP_EQUAL, a_lo, a_hi)
        return
    dmp = _new_dmp()
    prefix = dmp.diff_commonPrefix(a, b)
    if prefix:
        out.add(_DMP_EQUAL, a_lo, a_lo + prefix)
        a, b = a[prefix:], b[prefix:]
        a_lo += prefix
        b_lo += prefix
    suffix = dmp.diff_commonSuffix(a, b)
    if suffix:
        a, b = a[:-suffix], b[:-suffix]
        a_hi -= suffix
        b_hi -= suffix
    if not a or not b or len(a) * len(b) <= _SMALL:
        out.add_counts(_exact_counts(a, b), a_lo, b_lo)
    else:
        anchors = _anchors(a, b) if depth < _MAX_DEPTH else []
        if anchors:
            i0 = j0 = 0
            # Unchanged stretches and the anchors around them make one equality: the
            # same operations _diff_range and the merging in add() would give.
            equal_from = 0
            for i, j in anchors:
                if i - i0 == j - j0 and (i == i0 or a[i0:i] == b[j0:j]):
                    i0, j0 = i + 1, j + 1
                    continue
                out.add(_DMP_EQUAL, a_lo + equal_from, a_lo + i0)
                _diff_range(out, a_lo + i0, a_lo + i, b_lo + j0, b_lo + j, depth + 1)
                equal_from = i
                i0, j0 = i + 1, j + 1
            out.add(_DMP_EQUAL, a_lo + equal_from, a_lo + i0)
            _diff_range(out, a_lo + i0, a_hi, b_lo + j0, b_hi, depth + 1)
        else:
            budget = _BUDGET_SECONDS if len(a) * len(b) > _EXACT_LIMIT else 0.0
            out.add_counts(_exact_counts(a, b, budget), a_lo, b_lo)
    if suffix:
        out.add(_DMP_EQUAL, a_hi, a_hi + suffix)


def _anchors(a: str, b: str) -> list[tuple[int, int]]:
    """Codes found exactly once in each string, longest chain in the same order.

    Returns (index in a, index in b) pairs, increasing in both.
    """
    count_a = Counter(a)
    count_b = Counter(b)
    unique = [c for c, n in count_a.items() if n == 1 and count_b.get(c) == 1]
    if not unique:
        return []
    # For a code found once, its last position is its only one.
    where_a = dict(zip(a, range(len(a)), strict=True))
    where_b = dict(zip(b, range(len(b)), strict=True))
    pairs = sorted([(where_a[c], where_b[c]) for c in unique])
    return [pairs[n] for n in longest_increasing([j for _, j in pairs])]


# -- semantic cleanup ------------------------------------------------------------------


def _cleanup_semantic(diffs: list[_DmpOp], codec: Codec) -> None:
    """diff-match-patch's ``diff_cleanupSemantic`` on code strings, in characters.

    Lengths are those of the text the codes stand for, and every step moves whole
    codes, so edits stay on token boundaries.
    """
    dmp = _new_dmp()
    if _eliminate_equalities(diffs, codec):
        dmp.diff_cleanupMerge(diffs)
    _shift_to_boundaries(diffs, codec)
    _extract_overlaps(diffs, codec)


def _eliminate_equalities(diffs: list[_DmpOp], codec: Codec) -> bool:
    """Turn each equality no longer than the edits on both sides of it into edits.

    The decisions of diff-match-patch's loop, which goes back and rescans the edits
    before an equality each time it folds one in: quadratic when it folds in many (two
    unrelated texts). Here each equality not yet folded in keeps the lengths of the
    edits before it, so folding one in merges those with the edits after it, and the
    one before it is looked at again at once, as that rescan would.
    """
    changes = False
    # (index, length, inserted, deleted): an equality, and the edits since the one before.
    kept: list[tuple[int, int, int, int]] = []
    inserted = deleted = 0  # the edits since the last kept equality
    pointer = 0
    while pointer < len(diffs):
        op, text = diffs[pointer]
        if op == _DMP_EQUAL:
            kept.append((pointer, codec.length(text), inserted, deleted))
            inserted = deleted = 0
        else:
            if op == _DMP_INSERT:
                inserted += codec.length(text)
            else:
                deleted += codec.length(text)
            while kept:
                at, size, before_ins, before_del = kept[-1]
                if not (size <= max(before_ins, before_del) and size <= max(inserted, deleted)):
                    break
                equality = diffs[at][1]
                diffs[at] = (_DMP_INSERT, equality)
                diffs.insert(at, (_DMP_DELETE, equality))
                pointer += 1
                kept.pop()
                inserted += before_ins + size
                deleted += before_del + size
                changes = True
        pointer += 1
    return changes


def _boundary_score(codec: Codec, left: str, right: str) -> int:
    """How good a place the boundary between two codes is to start or end an edit.

    The scale of diff-match-patch's ``diff_cleanupSemanticScore``: 6 at an edge of the
    text, 5 at a blank line, 4 at a line break, 3 at the end of a sentence, 2 next to
    whitespace, 1 next to other punctuation, 0 inside a run of words.
    """
    if not left or not right:
        return 6
    one = codec.token(left[-1])
    two = codec.token(right[0])
    char1 = one[-1]
    char2 = two[0]
    non_alnum1 = not char1.isalnum()
    non_alnum2 = not char2.isalnum()
    space1 = non_alnum1 and char1.isspace()
    space2 = non_alnum2 and char2.isspace()
    break1 = space1 and char1 in "\r\n"
    break2 = space2 and char2 in "\r\n"
    if (break1 and _BLANKLINE_END.search(one)) or (break2 and _BLANKLINE_START.match(two)):
        return 5
    if break1 or break2:
        return 4
    if non_alnum1 and not space1 and space2:
        return 3
    if space1 or space2:
        return 2
    if non_alnum1 or non_alnum2:
        return 1
    return 0


def _shift_to_boundaries(diffs: list[_DmpOp], codec: Codec) -> None:
    """Slide single edits between equalities to the best-scoring token boundary."""
    dmp = _new_dmp()
    pointer = 1
    while pointer < len(diffs) - 1:
        if diffs[pointer - 1][0] == _DMP_EQUAL and diffs[pointer + 1][0] == _DMP_EQUAL:
            equality1 = diffs[pointer - 1][1]
            edit = diffs[pointer][1]
            equality2 = diffs[pointer + 1][1]
            common = dmp.diff_commonSuffix(equality1, edit)
            if common:
                moved = edit[-common:]
                equality1 = equality1[:-common]
                edit = moved + edit[:-common]
                equality2 = moved + equality2
            best = (equality1, edit, equality2)
            best_score = _boundary_score(codec, equality1, edit) + _boundary_score(
                codec, edit, equality2
            )
            while edit and equality2 and edit[0] == equality2[0]:
                equality1 += edit[0]
                edit = edit[1:] + equality2[0]
                equality2 = equality2[1:]
                score = _boundary_score(codec, equality1, edit) + _boundary_score(
                    codec, edit, equality2
                )
                # >= prefers trailing rather than leading whitespace on edits.
                if score >= best_score:
                    best_score = score
                    best = (equality1, edit, equality2)
            if diffs[pointer - 1][1] != best[0]:
                if best[0]:
                    diffs[pointer - 1] = (diffs[pointer - 1][0], best[0])
                else:
                    del diffs[pointer - 1]
                    pointer -= 1
                diffs[pointer] = (diffs[pointer][0], best[1])
                if best[2]:
                    diffs[pointer + 1] = (diffs[pointer + 1][0], best[2])
                else:
                    del diffs[pointer + 1]
                    pointer -= 1
        pointer += 1


def _extract_overlaps(diffs: list[_DmpOp], codec: Codec) -> None:
    """Make an equality of an overlap between a deletion and the insertion after it.

    e.g. ``-abc xxx +xxx def`` becomes ``-abc =xxx +def``, when the overlap is at least
    half of either edit.
    """
    dmp = _new_dmp()
    pointer = 1
    while pointer < len(diffs):
        if diffs[pointer - 1][0] == _DMP_DELETE and diffs[pointer][0] == _DMP_INSERT:
            deletion = diffs[pointer - 1][1]
            insertion = diffs[pointer][1]
            overlap1 = dmp.diff_commonOverlap(deletion, insertion)
            overlap2 = dmp.diff_commonOverlap(insertion, deletion)
            del_len = codec.length(deletion)
            ins_len = codec.length(insertion)
            if overlap1 >= overlap2:
                size = codec.length(insertion[:overlap1])
                if overlap1 and (size >= del_len / 2 or size >= ins_len / 2):
                    diffs.insert(pointer, (_DMP_EQUAL, insertion[:overlap1]))
                    diffs[pointer - 1] = (_DMP_DELETE, deletion[: len(deletion) - overlap1])
                    diffs[pointer + 1] = (_DMP_INSERT, insertion[overlap1:])
                    pointer += 1
            else:
                size = codec.length(deletion[:overlap2])
                if size >= del_len / 2 or size >= ins_len / 2:
                    diffs.insert(pointer, (_DMP_EQUAL, deletion[:overlap2]))
                    diffs[pointer - 1] = (_DMP_INSERT, insertion[: len(insertion) - overlap2])
                    diffs[pointer + 1] = (_DMP_DELETE, deletion[overlap2:])
                    pointer += 1
            pointer += 1
        pointer += 1
    # Drop edits the overlaps emptied.
    diffs[:] = [d for d in diffs if d[1]]
