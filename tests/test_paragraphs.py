"""Paragraph alignment: moves, edits in place, additions, removals, and rebuilding."""

from __future__ import annotations

import importlib.util
import json
import random
from pathlib import Path
from types import ModuleType

import pytest

from redline.archive.core.models import Article
from redline.archive.diff.model import DiffReport, ParagraphOp, VersionRef, diff_articles
from redline.archive.diff.paragraphs import diff_body, diff_paragraphs
from redline.archive.diff.words import diff_words, new_text, old_text
from redline.archive.render.diff_json import render_json

PARAS = (
    "The city council voted 12 to 3 on Tuesday to close the Elm Street library.",
    "The mayor was absent. Her office did not reply to questions on Wednesday.",
    "The library opened in 1952 and has been a meeting place for the neighbourhood.",
    "Residents gathered outside the council chamber with signs and a petition.",
    "A spokesman for the council said the decision was final and would stand.",
    "Opponents said they would take the matter to court before the end of the year.",
)


def kinds(ops: list[ParagraphOp]) -> list[str]:
    return [p.op for p in ops]


def edits(ops: tuple[tuple[str, str], ...]) -> list[tuple[str, str]]:
    return [(op, text) for op, text in ops if op != "="]


def assert_rebuilds(old: tuple[str, ...], new: tuple[str, ...], ops: list[ParagraphOp]) -> None:
    """Old paragraphs come back from "=", "~", ">", "-"; new ones from "=", "~", ">", "+"."""
    rebuilt_old: dict[int, str] = {}
    rebuilt_new: dict[int, str] = {}
    for p in ops:
        assert p.op in ("=", "+", "-", "~", ">")
        if p.op != "+":
            assert p.old is not None and p.old not in rebuilt_old
            rebuilt_old[p.old] = old_text(p.ops)
        else:
            assert p.old is None
        if p.op != "-":
            assert p.new is not None and p.new not in rebuilt_new
            rebuilt_new[p.new] = new_text(p.ops)
        else:
            assert p.new is None
        if p.op == "=":
            assert p.ops == ((("=", old[p.old]),) if old[p.old] else ())  # type: ignore[index]
        if p.op in ("~", ">"):
            assert list(p.ops) == diff_words(old[p.old], new[p.new])  # type: ignore[index]
    assert [rebuilt_old[i] for i in sorted(rebuilt_old)] == list(old)
    assert sorted(rebuilt_old) == list(range(len(old)))
    assert [rebuilt_new[j] for j in sorted(rebuilt_new)] == list(new)
    # In the new version's order.
    assert [p.new for p in ops if p.new is not None] == list(range(len(new)))


def test_unchanged_paragraphs_are_equal() -> None:
    ops = diff_paragraphs(PARAS, PARAS)
    assert kinds(ops) == ["="] * len(PARAS)
    assert [(p.old, p.new) for p in ops] == [(i, i) for i in range(len(PARAS))]
    assert ops[0].ops == (("=", PARAS[0]),)


def test_moved_paragraph_is_one_move() -> None:
    new = (PARAS[0], PARAS[4], PARAS[1], PARAS[2], PARAS[3], PARAS[5])
    ops = diff_paragraphs(PARAS, new)
    assert kinds(ops).count(">") == 1
    assert "+" not in kinds(ops) and "-" not in kinds(ops) and "~" not in kinds(ops)
    moved = next(p for p in ops if p.op == ">")
    assert (moved.old, moved.new) == (4, 1)
    assert moved.ops == (("=", PARAS[4]),)
    assert_rebuilds(PARAS, new, ops)


def test_moved_and_edited_paragraph_is_one_move_with_word_ops() -> None:
    edited = PARAS[4].replace("final", "not final")
    new = (edited, PARAS[0], PARAS[1], PARAS[2], PARAS[3], PARAS[5])
    ops = diff_paragraphs(PARAS, new)
    assert kinds(ops) == [">", "=", "=", "=", "=", "="]
    assert (ops[0].old, ops[0].new) == (4, 0)
    assert edits(ops[0].ops) == [("+", "not ")]
    assert_rebuilds(PARAS, new, ops)


def test_changed_figure_is_one_word_pair_in_place() -> None:
    new = (PARAS[0].replace("12", "9"),) + PARAS[1:]
    ops = diff_paragraphs(PARAS, new)
    assert kinds(ops) == ["~"] + ["="] * 5
    assert edits(ops[0].ops) == [("-", "12"), ("+", "9")]
    assert_rebuilds(PARAS, new, ops)


def test_removed_paragraph_is_one_removal_where_it_was() -> None:
    new = PARAS[:2] + PARAS[3:]
    ops = diff_paragraphs(PARAS, new)
    assert kinds(ops) == ["=", "=", "-", "=", "=", "="]
    assert ops[2] == ParagraphOp("-", 2, None, (("-", PARAS[2]),))
    assert_rebuilds(PARAS, new, ops)


def test_removed_first_paragraph_comes_first() -> None:
    ops = diff_paragraphs(PARAS, PARAS[1:])
    assert kinds(ops) == ["-"] + ["="] * 5
    assert ops[0].old == 0


def test_added_paragraph_is_one_addition() -> None:
    added = "Correction: an earlier version of this article gave the wrong vote count."
    new = PARAS[:3] + (added,) + PARAS[3:]
    ops = diff_paragraphs(PARAS, new)
    assert kinds(ops) == ["=", "=", "=", "+", "=", "=", "="]
    assert ops[3] == ParagraphOp("+", None, 3, (("+", added),))
    assert_rebuilds(PARAS, new, ops)


def test_replaced_paragraph_is_removal_then_addition() -> None:
    other = "Something else entirely happened at the zoo later that week."
    new = PARAS[:2] + (other,) + PARAS[3:]
    ops = diff_paragraphs(PARAS, new)
    assert kinds(ops) == ["=", "=", "-", "+", "=", "=", "="]
    assert_rebuilds(PARAS, new, ops)


def test_edited_in_place_among_moves_and_removals() -> None:
    new = (
        PARAS[5],
        PARAS[0].replace("Tuesday", "Monday"),
        PARAS[2],
        PARAS[3].replace("signs and a petition", "banners"),
    )
    ops = diff_paragraphs(PARAS, new)
    assert kinds(ops).count(">") == 1
    assert kinds(ops).count("-") == 2 and "+" not in kinds(ops)
    assert_rebuilds(PARAS, new, ops)


def test_empty_sides() -> None:
    assert diff_paragraphs((), ()) == []
    assert kinds(diff_paragraphs((), PARAS[:2])) == ["+", "+"]
    assert kinds(diff_paragraphs(PARAS[:2], ())) == ["-", "-"]
    assert_rebuilds((), PARAS[:2], diff_paragraphs((), PARAS[:2]))


def test_duplicate_paragraphs_pair_in_order() -> None:
    old = ("Advertisement", "One.", "Advertisement", "Two.")
    new = ("Advertisement", "One.", "Two.", "Advertisement")
    ops = diff_paragraphs(old, new)
    assert_rebuilds(old, new, ops)
    assert "+" not in kinds(ops) and "-" not in kinds(ops)
    assert kinds(ops).count(">") == 1


# -- random input: rebuilding, and the flat body equal to diff_words ---------------------------


SENTENCES = [
    "The council met on Monday.",
    "Police said 12 people were hurt.",
    "  Leading space.",
    "Trailing space. ",
    "",
    "Le café est fermé.",
    "東京は晴れです。",
    "A figure of 1,200.5 was given.",
    "Two\n\nbreaks inside.",
    "Short.",
]


def random_paragraph(rng: random.Random) -> str:
    if rng.random() < 0.15:
        return rng.choice(SENTENCES)
    vocabulary = ["alpha", "beta", "gamma", "delta", "12", "9", "x", ","]
    return " ".join(rng.choice(vocabulary) for _ in range(rng.randrange(1, 20)))


def mutate_paragraphs(rng: random.Random, paragraphs: list[str]) -> list[str]:
    out = list(paragraphs)
    for _ in range(rng.randrange(5)):
        action = rng.random()
        if out and action < 0.25:
            del out[rng.randrange(len(out))]
        elif action < 0.5:
            out.insert(rng.randrange(len(out) + 1), random_paragraph(rng))
        elif out and action < 0.75:
            out.insert(rng.randrange(len(out) + 1), out.pop(rng.randrange(len(out))))
        elif out:
            at = rng.randrange(len(out))
            words = out[at].split(" ")
            words[rng.randrange(len(words))] = rng.choice(["omega", "7", ""])
            out[at] = " ".join(words)
    return out


def test_random_paragraphs_rebuild_and_flat_body_matches_diff_words() -> None:
    rng = random.Random(1125)
    for _ in range(400):
        old = [random_paragraph(rng) for _ in range(rng.randrange(8))]
        new = mutate_paragraphs(rng, old)
        flat, ops = diff_body(old, new)
        assert flat == diff_words("\n\n".join(old), "\n\n".join(new))
        assert_rebuilds(tuple(old), tuple(new), ops)


def load_benchmark() -> ModuleType:
    path = Path(__file__).resolve().parents[1] / "benchmarks" / "diff.py"
    spec = importlib.util.spec_from_file_location("redline_diff_benchmark", path)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.parametrize("size", [1_000, 10_000])
def test_benchmark_texts_flat_body_matches_diff_words(size: int) -> None:
    bench = load_benchmark()
    article = bench.make_article(size, seed=size)
    edited = bench.edit_article(article, seed=size + 1)
    old = bench.render(article, False).split("\n\n")
    new = bench.render(edited, False).split("\n\n")
    flat, ops = diff_body(old, new)
    assert flat == diff_words("\n\n".join(old), "\n\n".join(new))
    assert_rebuilds(tuple(old), tuple(new), ops)
    # The benchmark moves one paragraph: one move, and every edit is in place.
    assert kinds(ops).count(">") == 1
    assert "+" not in kinds(ops) and "-" not in kinds(ops)


# -- the diff model and JSON -------------------------------------------------------------------


def test_article_diff_carries_paragraphs_and_flat_body() -> None:
    old = Article(title="T", paragraphs=PARAS)
    moved = (PARAS[0], PARAS[4], PARAS[1], PARAS[2], PARAS[3], PARAS[5])
    new = Article(title="T", paragraphs=moved)
    diff = diff_articles(old, new)
    assert kinds(list(diff.paragraphs)).count(">") == 1
    assert list(diff.body) == diff_words(old.body, new.body)
    assert diff_articles(old, old).paragraphs == tuple(
        ParagraphOp("=", i, i, (("=", p),)) for i, p in enumerate(PARAS)
    )


def test_json_paragraphs_shape() -> None:
    old = Article(paragraphs=PARAS)
    new = Article(paragraphs=(PARAS[4].replace("final", "not final"),) + PARAS[:4] + ("New.",))
    report = DiffReport(
        "https://news.example/a", VersionRef(1, "t1"), VersionRef(2, "t2"), diff_articles(old, new)
    )
    data = json.loads(render_json(report))
    paragraphs = data["paragraphs"]
    assert isinstance(paragraphs, list) and paragraphs
    for entry in paragraphs:
        assert set(entry) == {"op", "old", "new", "ops"}
        assert entry["op"] in ("=", "+", "-", "~", ">")
        assert entry["old"] is None or isinstance(entry["old"], int)
        assert entry["new"] is None or isinstance(entry["new"], int)
        for pair in entry["ops"]:
            assert isinstance(pair, list) and len(pair) == 2 and pair[0] in ("=", "-", "+")
    assert paragraphs[0] == {
        "op": ">",
        "old": 4,
        "new": 0,
        "ops": [
            ["=", "A spokesman for the council said the decision was "],
            ["+", "not "],
            ["=", "final and would stand."],
        ],
    }
    assert [p["op"] for p in paragraphs] == [">", "=", "=", "=", "=", "-", "+"]
    # fields.body stays the flat word diff
    assert data["fields"]["body"] == [[op, t] for op, t in diff_words(old.body, new.body)]


def test_sentence_cut_from_a_paragraph_is_an_edit_in_place() -> None:
    long_paragraph = PARAS[1] + " " + PARAS[3] + " " + PARAS[5]
    old = (PARAS[0], long_paragraph, PARAS[2])
    new = (PARAS[0], PARAS[3], PARAS[2])
    ops = diff_paragraphs(old, new)
    assert kinds(ops) == ["=", "~", "="]
    assert_rebuilds(old, new, ops)
