"""Text and JSON renderings of a diff report, as a reader or a script sees them."""

from __future__ import annotations

import json
import re

from redline.archive.core.models import Article
from redline.archive.diff.model import DiffReport, VersionRef, diff_articles
from redline.archive.render.diff_json import render_json
from redline.archive.render.diff_text import render_text

ANSI = re.compile("\x1b\\[")

URL = "https://news.example/2026/11/library"
FROM = VersionRef(1, "2026-11-24T08:05:00Z")
TO = VersionRef(2, "2026-11-25T10:40:00Z")

OLD = Article(
    title="Council votes 12 to 3 to close library",
    byline="By Ana Ruiz",
    published="2026-11-24T08:00:00Z",
    paragraphs=(
        "The city council voted 12 to 3 on Tuesday to close the Elm Street library.",
        "Untouched paragraph one.",
        "Untouched paragraph two.",
        "The mayor was absent. Her office did not reply.",
        "Untouched paragraph three.",
    ),
)
NEW = Article(
    title="Council votes 9 to 3 to close library",
    byline="By Ana Ruiz",
    published="2026-11-24T08:00:00Z",
    modified="2026-11-25T10:30:00Z",
    paragraphs=(
        "The city council voted 9 to 3 on Tuesday to close the Elm Street library.",
        "Untouched paragraph one.",
        "Untouched paragraph two.",
        "Her office did not reply.",
        "Untouched paragraph three.",
    ),
)


def report(old: Article = OLD, new: Article = NEW) -> DiffReport:
    return DiffReport(URL, FROM, TO, diff_articles(old, new))


# -- text ----------------------------------------------------------------------------------


def test_text_header_names_url_and_versions() -> None:
    first_line = render_text(report(), color=False).splitlines()[0]
    assert URL in first_line
    assert "version 1" in first_line and "2026-11-24T08:05:00Z" in first_line
    assert "version 2" in first_line and "2026-11-25T10:40:00Z" in first_line


def test_text_without_colour_uses_markers_and_no_escapes() -> None:
    text = render_text(report(), color=False)
    assert not ANSI.search(text)
    assert "Title: Council votes [-12-]{+9+} to 3 to close library" in text
    assert "Modified: {+2026-11-25T10:30:00Z+}" in text
    assert "voted [-12-]{+9+} to 3" in text
    assert "[-The mayor was absent. -]Her office" in text
    assert text.endswith("\n")


def test_text_shows_only_changed_fields() -> None:
    text = render_text(report(), color=False)
    assert "Title:" in text and "Modified:" in text and "Body:" in text
    assert "Byline:" not in text and "Published:" not in text
    assert "Subtitle:" not in text and "Corrections:" not in text


def test_text_body_shows_changed_paragraphs_only() -> None:
    text = render_text(report(), color=False, context=0)
    body = text.split("Body:\n", 1)[1]
    assert "Untouched" not in body
    assert "…" in body  # the unchanged paragraphs left out, between and after


def test_text_long_paragraph_is_shortened_around_the_change() -> None:
    before = " ".join(f"alpha{i}" for i in range(400))
    after = " ".join(f"omega{i}" for i in range(400))
    old = Article(paragraphs=(f"{before} the figure was 12 today {after}",))
    new = Article(paragraphs=(f"{before} the figure was 9 today {after}",))
    text = render_text(report(old, new), color=False)
    assert "… alpha" in text and "alpha399 the figure was [-12-]{+9+} today omega0 " in text
    assert "alpha0 " not in text and "omega399" not in text and "omega" in text
    assert len(text) < 1000


def test_text_colour_marks_deletions_red_and_insertions_green() -> None:
    text = render_text(report(), color=True)
    assert "\x1b[31;9m12\x1b[0m" in text
    assert "\x1b[32m9\x1b[0m" in text
    assert "[-" not in text and "{+" not in text


def test_text_no_changes() -> None:
    text = render_text(report(OLD, OLD), color=False)
    assert text.splitlines()[0].startswith(URL)
    assert "No changes in the article." in text
    assert "Title" not in text and "Body" not in text


def test_text_unicode() -> None:
    old = Article(title="Le café ferme 🙁", paragraphs=("東京は晴れです。",))
    new = Article(title="Le café rouvre 🙂", paragraphs=("東京は雨です。",))
    text = render_text(report(old, new), color=False)
    assert "Le café [-ferme 🙁-]{+rouvre 🙂+}" in text
    assert "東京は[-晴れ-]{+雨+}です。" in text


def test_text_reports_word_totals() -> None:
    text = render_text(report(), color=False)
    assert "3 words inserted, 6 words deleted." in text


# -- JSON ----------------------------------------------------------------------------------


def test_json_contract() -> None:
    data = json.loads(render_json(report()))
    assert data["url"] == URL
    assert data["from"] == {"version": 1, "captured_at": "2026-11-24T08:05:00Z"}
    assert data["to"] == {"version": 2, "captured_at": "2026-11-25T10:40:00Z"}
    fields = data["fields"]
    for name in ("title", "byline", "published", "modified", "body"):
        ops = fields[name]
        assert isinstance(ops, list)
        for pair in ops:
            assert isinstance(pair, list) and len(pair) == 2
            assert pair[0] in ("=", "-", "+") and isinstance(pair[1], str)
    assert fields["title"] == [
        ["=", "Council votes "],
        ["-", "12"],
        ["+", "9"],
        ["=", " to 3 to close library"],
    ]
    assert fields["byline"] == [["=", "By Ana Ruiz"]]
    assert fields["modified"] == [["+", "2026-11-25T10:30:00Z"]]
    assert data["inserted_words"] == 3
    assert data["deleted_words"] == 6
    assert data["changed"] is True


def test_json_body_rebuilds_both_versions() -> None:
    body = json.loads(render_json(report()))["fields"]["body"]
    assert "".join(t for op, t in body if op != "+") == OLD.body
    assert "".join(t for op, t in body if op != "-") == NEW.body


def test_json_is_one_compact_sorted_line() -> None:
    odd = Article(paragraphs=("line\u2028separator\x85and\nnewline \u00e9 日本 👍",))
    for rep in (report(), report(Article(), odd)):
        text = render_json(rep)
        assert len(text.splitlines()) == 1 and "\n" not in text
        assert not ANSI.search(text)
        data = json.loads(text)
        assert text == json.dumps(
            data, ensure_ascii=False, sort_keys=True, separators=(",", ":")
        ).replace("\u2028", "\\u2028").replace("\x85", "\\u0085")
    assert render_json(report()) == render_json(report())


def test_json_unicode_survives() -> None:
    old = Article(title="Le café ferme 🙁")
    new = Article(title="Le café rouvre 🙂")
    data = json.loads(render_json(report(old, new)))
    assert data["fields"]["title"] == [
        ["=", "Le café "],
        ["-", "ferme 🙁"],
        ["+", "rouvre 🙂"],
    ]


def test_json_no_changes() -> None:
    data = json.loads(render_json(report(OLD, OLD)))
    assert data["changed"] is False
    assert data["inserted_words"] == data["deleted_words"] == 0
    assert all(op == "=" for ops in data["fields"].values() for op, _ in ops)


def body_section(old: tuple[str, ...], new: tuple[str, ...], context: int = 0) -> str:
    text = render_text(
        report(Article(paragraphs=old), Article(paragraphs=new)), color=False, context=context
    )
    return text.split("Body:\n", 1)[1].rsplit("\n\n", 1)[0]


def test_text_new_and_removed_paragraphs_stand_alone() -> None:
    paragraphs = ("A one.", "B two.", "C three.")
    assert body_section(paragraphs, ("A one.", "C three.")) == "…\n\n[-B two.-]\n\n…"
    added = ("A one.", "B two.", "New para.", "C three.")
    assert body_section(paragraphs, added) == "…\n\n{+New para.+}\n\n…"


def test_text_merged_paragraphs_show_the_lost_break() -> None:
    merged = body_section(("A one.", "B two.", "C three."), ("A one. B two.", "C three."))
    assert merged.startswith("A one.[-\n\n-]{+ +}B two.")


# -- context and moves ---------------------------------------------------------------------

SEVEN = tuple(f"Paragraph {name} says something." for name in "ABCDEFG")


def test_text_context_shows_unchanged_neighbours() -> None:
    new = SEVEN[:3] + ("Paragraph D says nothing.",) + SEVEN[4:]
    one = body_section(SEVEN, new, context=1)
    assert one == (
        "…\n\nParagraph C says something.\n\n"
        "Paragraph D says [-something-]{+nothing+}.\n\n"
        "Paragraph E says something.\n\n…"
    )
    two = body_section(SEVEN, new, context=2)
    assert two.startswith("…\n\nParagraph B says") and two.endswith(
        "Paragraph F says something.\n\n…"
    )
    assert body_section(SEVEN, new, context=10).startswith("Paragraph A says")
    assert "…" not in body_section(SEVEN, new, context=10)
    assert (
        body_section(SEVEN, new, context=0)
        == "…\n\nParagraph D says [-something-]{+nothing+}.\n\n…"
    )


def test_text_default_context_is_one_paragraph() -> None:
    new = SEVEN[:3] + ("Paragraph D says nothing.",) + SEVEN[4:]
    text = render_text(report(Article(paragraphs=SEVEN), Article(paragraphs=new)), color=False)
    assert "Paragraph C says" in text and "Paragraph E says" in text
    assert "Paragraph B says" not in text and "Paragraph F says" not in text


def test_text_long_context_paragraph_is_shortened_towards_the_change() -> None:
    long_before = " ".join(f"before{i}" for i in range(200))
    long_after = " ".join(f"after{i}" for i in range(200))
    old = (long_before, "The figure was 12.", long_after)
    new = (long_before, "The figure was 9.", long_after)
    section = body_section(old, new, context=1)
    assert section.startswith("… ") and "before199" in section and "before0 " not in section
    assert section.endswith(" …") and "after0 " in section and "after199" not in section


def test_text_moved_paragraph_is_shown_as_a_move() -> None:
    new = (SEVEN[0], SEVEN[4], SEVEN[1], SEVEN[2], SEVEN[3], SEVEN[5], SEVEN[6])
    section = body_section(SEVEN, new, context=0)
    assert section == "…\n\n(moved from paragraph 5 to 2)\nParagraph E says something.\n\n…"
    assert "[-" not in section and "{+" not in section


def test_text_moved_and_edited_paragraph_shows_its_word_changes() -> None:
    new = (SEVEN[6].replace("something", "much more"),) + SEVEN[:6]
    section = body_section(SEVEN, new, context=1)
    assert section.startswith(
        "(moved from paragraph 7 to 1)\nParagraph G says [-something-]{+much more+}.\n\n"
        "Paragraph A says something.\n\n…"
    )
    coloured = render_text(report(Article(paragraphs=SEVEN), Article(paragraphs=new)), color=True)
    assert "\x1b[36m(moved from paragraph 7 to 1)\x1b[0m" in coloured


def test_text_move_with_removed_and_added_paragraphs() -> None:
    new = (SEVEN[0], SEVEN[5], SEVEN[1], SEVEN[3], "A new paragraph.", SEVEN[4], SEVEN[6])
    section = body_section(SEVEN, new, context=0)
    assert section == (
        "…\n\n(moved from paragraph 6 to 2)\nParagraph F says something.\n\n…\n\n"
        "[-Paragraph C says something.-]\n\n…\n\n{+A new paragraph.+}\n\n…"
    )
