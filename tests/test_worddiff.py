"""Word-level diff: what a reader sees, exact reconstruction, minimality and speed."""

from __future__ import annotations

import random

import pytest
from diff_match_patch import diff_match_patch

from redline.archive.diff.words import (
    DiffOp,
    changed_chars,
    cleanup_semantic,
    count_words,
    deleted_words,
    diff_tokens_exact,
    diff_words,
    inserted_words,
    is_changed,
    new_text,
    old_text,
    tokenize,
)


def edits(ops: list[DiffOp]) -> list[DiffOp]:
    return [(op, text) for op, text in ops if op != "="]


def token_boundaries(text: str) -> set[int]:
    bounds = {0}
    pos = 0
    for token in tokenize(text):
        pos += len(token)
        bounds.add(pos)
    return bounds


def assert_well_formed(old: str, new: str, ops: list[DiffOp]) -> None:
    """Rebuilds both strings, never cuts inside a token, never repeats an op kind."""
    assert old_text(ops) == old
    assert new_text(ops) == new
    assert all(text for _, text in ops)
    for first, second in zip(ops, ops[1:], strict=False):
        assert first[0] != second[0]
    old_bounds, new_bounds = token_boundaries(old), token_boundaries(new)
    old_pos = new_pos = 0
    for op, text in ops:
        if op != "+":
            old_pos += len(text)
            assert old_pos in old_bounds
        if op != "-":
            new_pos += len(text)
            assert new_pos in new_bounds


# -- tokens ------------------------------------------------------------------------------


def test_tokens_rebuild_the_text_and_keep_words_whole() -> None:
    text = "Don't miss the well-known 1,200.5 figure at 10:30 — ok?\n\nNext  para."
    tokens = tokenize(text)
    assert "".join(tokens) == text
    for word in ("Don't", "well-known", "1,200.5", "10:30"):
        assert word in tokens
    assert "\n\n" in tokens and "  " in tokens
    assert "—" in tokens and "?" in tokens


def test_tokens_unicode() -> None:
    text = "café cafe\u0301 हिन्दी 日本語 👍🏽 🇫🇷 👨\u200d👩\u200d👧 naïve"
    tokens = tokenize(text)
    assert "".join(tokens) == text
    assert "cafe\u0301" in tokens  # a combining accent stays in its word
    assert "हिन्दी" in tokens  # so do Devanagari vowel signs
    assert ["日", "本", "語"] == [t for t in tokens if t in "日本語"]  # one word per ideograph
    assert "👍🏽" in tokens and "🇫🇷" in tokens and "👨\u200d👩\u200d👧" in tokens


def test_count_words() -> None:
    assert count_words("Don't panic, it's 12.5% of 1,200.") == 6
    assert count_words("  ... ") == 0
    assert count_words("日本語 ok") == 4


# -- what a reader sees ------------------------------------------------------------------


def test_changed_number_is_one_word_pair() -> None:
    old = "The council voted 12 to 3 on Tuesday to close the library."
    new = "The council voted 9 to 3 on Tuesday to close the library."
    ops = diff_words(old, new)
    assert edits(ops) == [("-", "12"), ("+", "9")]
    assert inserted_words(ops) == 1 and deleted_words(ops) == 1


def test_changed_figure_with_separators_is_one_word_pair() -> None:
    ops = diff_words("a cost of $1,200.50 in total", "a cost of $1,250.00 in total")
    assert edits(ops) == [("-", "1,200.50"), ("+", "1,250.00")]


def test_changed_word_is_never_split() -> None:
    ops = diff_words("The reporter said so.", "The reported said so.")
    assert edits(ops) == [("-", "reporter"), ("+", "reported")]


def test_removed_sentence_is_one_deletion() -> None:
    old = "The mayor spoke first. She was booed by the crowd. Then the vote began."
    new = "The mayor spoke first. Then the vote began."
    ops = diff_words(old, new)
    deletions = [text for op, text in ops if op == "-"]
    assert len(deletions) == 1 and not [op for op, _ in ops if op == "+"]
    assert deletions[0].strip() == "She was booed by the crowd."
    assert deleted_words(ops) == 6 and inserted_words(ops) == 0


def test_added_paragraph_is_one_insertion() -> None:
    old = "First paragraph.\n\nLast paragraph."
    new = "First paragraph.\n\nCorrection: an earlier version misspelled a name.\n\nLast paragraph."
    ops = diff_words(old, new)
    assert len(edits(ops)) == 1 and edits(ops)[0][0] == "+"
    assert "Correction:" in edits(ops)[0][1]


def test_adjacent_changed_words_become_one_phrase() -> None:
    ops = diff_words("rose 12 15 points", "rose 9 16 points")
    assert edits(ops) == [("-", "12 15"), ("+", "9 16")]


def test_separate_changes_stay_separate() -> None:
    ops = diff_words("from 12 to 15 on Monday", "from 9 to 16 on Monday")
    assert edits(ops) == [("-", "12"), ("+", "9"), ("-", "15"), ("+", "16")]


def test_identical_and_empty() -> None:
    assert diff_words("", "") == []
    assert diff_words("same text", "same text") == [("=", "same text")]
    assert diff_words("", "new") == [("+", "new")]
    assert diff_words("old", "") == [("-", "old")]
    assert not is_changed(diff_words("a b", "a b"))


def test_unicode_changes() -> None:
    cases = [
        ("Le café est fermé.", "Le café est ouvert.", [("-", "fermé"), ("+", "ouvert")]),
        ("東京は晴れです", "東京は雨です", [("-", "晴れ"), ("+", "雨")]),
        ("Great news 👍🏽 today", "Great news 👎🏽 today", [("-", "👍🏽"), ("+", "👎🏽")]),
        ("Zoë’s report", "Zoë’s memo", [("-", "report"), ("+", "memo")]),
    ]
    for old, new, expected in cases:
        ops = diff_words(old, new)
        assert_well_formed(old, new, ops)
        assert edits(ops) == expected


# -- invariants on random input ------------------------------------------------------------


ALPHABET = list("ab c.d\n,'-1é日") + ["👍🏽", "\u0301", "\u200d", "  ", "\n\n", "ab", "cd"]


def random_text(rng: random.Random, length: int) -> str:
    return "".join(rng.choice(ALPHABET) for _ in range(length))


def mutate(rng: random.Random, text: str) -> str:
    chars = list(text)
    for _ in range(rng.randrange(6)):
        if chars and rng.random() < 0.5:
            del chars[rng.randrange(len(chars))]
        else:
            chars.insert(rng.randrange(len(chars) + 1), rng.choice(ALPHABET))
    return "".join(chars)


@pytest.mark.parametrize("cleanup", [True, False])
def test_random_inputs_rebuild_exactly(cleanup: bool) -> None:
    rng = random.Random(20261125)
    for _ in range(1500):
        old = random_text(rng, rng.randrange(40))
        new = mutate(rng, old) if rng.random() < 0.8 else random_text(rng, rng.randrange(40))
        assert_well_formed(old, new, diff_words(old, new, cleanup=cleanup))


def test_random_long_inputs_rebuild_exactly() -> None:
    rng = random.Random(7)
    words = [f"w{i}" for i in range(300)] + [",", ".", "\n\n"]
    for _ in range(20):
        old_words = [rng.choice(words) for _ in range(rng.randrange(200, 2000))]
        new_words = list(old_words)
        for _ in range(rng.randrange(1, 40)):
            pos = rng.randrange(len(new_words))
            if rng.random() < 0.5:
                del new_words[pos : pos + rng.randrange(1, 10)]
            else:
                new_words[pos:pos] = [rng.choice(words) for _ in range(rng.randrange(1, 10))]
        old, new = " ".join(old_words), " ".join(new_words)
        assert_well_formed(old, new, diff_words(old, new))


# -- long texts: correct, minimal, fast ------------------------------------------------------


def article(rng: random.Random, words: int) -> list[list[str]]:
    """Paragraphs of sentences over lowercase words and figures written with 1-4."""
    vocabulary = [
        "".join(rng.choice("abcdefghijklmnopqrstuvwxyz") for _ in range(rng.randint(1, 9)))
        for _ in range(3000)
    ]

    def sentence() -> str:
        out = []
        for _ in range(rng.randint(6, 25)):
            if rng.random() < 0.05:
                out.append("".join(rng.choice("1234") for _ in range(rng.randint(1, 4))))
            else:
                out.append(rng.choice(vocabulary))
        return " ".join(out) + "."

    paragraphs: list[list[str]] = []
    total = 0
    while total < words:
        paragraph = [sentence() for _ in range(rng.randint(1, 4))]
        total += sum(s.count(" ") + 1 for s in paragraph)
        paragraphs.append(paragraph)
    return paragraphs


def word_aligned_edits(rng: random.Random, paragraphs: list[list[str]]) -> list[list[str]]:
    """Replace words and figures with ones sharing no character; drop sentences."""
    edited = [list(p) for p in paragraphs]
    for _ in range(40):
        paragraph = rng.choice(edited)
        index = rng.randrange(len(paragraph))
        words = paragraph[index].split(" ")
        at = rng.randrange(len(words) - 1)
        if words[at].isdigit():
            words[at] = "".join(rng.choice("56789") for _ in range(rng.randint(1, 4)))
        else:
            words[at] = "".join(rng.choice("αβγδεζηθ") for _ in range(rng.randint(1, 8)))
        paragraph[index] = " ".join(words)
    for _ in range(6):
        paragraph = rng.choice([p for p in edited if len(p) > 1])
        del paragraph[rng.randrange(len(paragraph))]
    return edited


def char_baseline(old: str, new: str) -> int:
    dmp = diff_match_patch()
    dmp.Diff_Timeout = 0
    diffs = dmp.diff_main(old, new, False)
    dmp.diff_cleanupSemantic(diffs)
    return sum(len(text) for op, text in diffs if op != 0)


@pytest.mark.parametrize("flat", [False, True])
def test_long_text_is_correct_and_minimal(flat: bool) -> None:
    rng = random.Random(42 + flat)
    paragraphs = article(rng, 20_000)
    edited = word_aligned_edits(rng, paragraphs)
    join = " " if flat else "\n\n"
    old = join.join(" ".join(p) for p in paragraphs)
    new = join.join(" ".join(p) for p in edited)
    assert count_words(old) > 20_000

    ops = diff_words(old, new)
    assert_well_formed(old, new, ops)
    # No larger than a character-level exact diff after its semantic cleanup...
    assert changed_chars(ops) <= char_baseline(old, new)
    # ...and the same as one exact word diff over the whole text with the same cleanup.
    assert changed_chars(ops) == changed_chars(cleanup_semantic(diff_tokens_exact(old, new)))
    assert changed_chars(diff_words(old, new, cleanup=False)) == changed_chars(
        diff_tokens_exact(old, new)
    )


def test_long_text_is_fast() -> None:
    rng = random.Random(3)
    paragraphs = article(rng, 100_000)
    edited = [list(p) for p in paragraphs]
    for _ in range(1000):  # about 1% of the words
        paragraph = rng.choice(edited)
        index = rng.randrange(len(paragraph))
        words = paragraph[index].split(" ")
        words[rng.randrange(len(words))] = "changed"
        paragraph[index] = " ".join(words)
    old = "\n\n".join(" ".join(p) for p in paragraphs)
    new = "\n\n".join(" ".join(p) for p in edited)
    ops = diff_words(old, new)
    assert old_text(ops) == old and new_text(ops) == new
    assert 900 <= inserted_words(ops) <= 1100


def test_unrelated_long_texts_finish() -> None:
    rng = random.Random(5)
    old = " ".join(rng.choice(["a", "b", "c", "d"]) for _ in range(3000))
    new = " ".join(rng.choice(["a", "b", "c", "e"]) for _ in range(3000))
    ops = diff_words(old, new)
    assert old_text(ops) == old and new_text(ops) == new
