"""Render a diff report for a person reading a terminal.

One header line names the URL and the two versions; then one section per field that
changed. The body shows the paragraphs with changes and ``context`` unchanged
paragraphs on each side of them, with "…" where unchanged paragraphs were left out,
and long unchanged stretches inside a paragraph shortened.

When a paragraph moved, the body is shown paragraph by paragraph in the new order: a
moved paragraph stands at its new place under a "(moved from paragraph 5 to 2)" line,
with its word changes if it was also edited. Otherwise the body is shown from the flat
word diff, where a split or merged paragraph shows its inserted or deleted break.

Without colour, deletions read ``[-old-]`` and insertions ``{+new+}``; with colour,
deletions are red and struck through, insertions green.
"""

from __future__ import annotations

from collections.abc import Sequence

from redline.archive.core.wording import join_reasons, plural
from redline.archive.diff.model import FIELD_LABELS, DiffReport, ParagraphOp, VersionRef
from redline.archive.diff.scripts import MIXED_SCRIPTS
from redline.archive.diff.words import DELETE, EQUAL, DiffOp, is_changed

RESET = "\x1b[0m"
BOLD = "\x1b[1m"
DELETED_STYLE = "\x1b[31;9m"  # red, struck through
INSERTED_STYLE = "\x1b[32m"  # green
DELETED_SPACE_STYLE = "\x1b[41m"  # red background: whitespace has no glyph to colour
INSERTED_SPACE_STYLE = "\x1b[42m"  # green background
MOVED_STYLE = "\x1b[36m"  # cyan

GAP = "…"
PARAGRAPH_BREAK = "\n\n"
# Unchanged text inside a changed paragraph keeps this many characters next to each
# change; stretches longer than twice that (and a margin) are shortened with "…".
CONTEXT = 150
SHORTEN_OVER = 2 * CONTEXT + 50

MULTI_PARAGRAPH_FIELDS = frozenset({"body", "corrections"})


def render_text(report: DiffReport, color: bool, context: int = 1) -> str:
    """The report as text, ending with a newline.

    ``context``: how many unchanged paragraphs to show before and after each changed
    one in the body and corrections (0 for the changed paragraphs only).
    """
    context = max(0, context)
    lines = [_header(report, color)]
    verdict = _verdict(report, color)
    if verdict:
        lines.append(verdict)
    lines.append("")
    diff = report.diff
    if not diff.changed:
        lines.append("No changes in the article.")
        return "\n".join(lines) + "\n"
    for name, ops in diff.fields().items():
        if not is_changed(ops):
            continue
        label = FIELD_LABELS[name] + ":"
        if color:
            label = BOLD + label + RESET
        if name == "body" and any(p.op == ">" for p in diff.paragraphs):
            lines.append(label)
            lines.append(_render_aligned(diff.paragraphs, color, context))
        elif name in MULTI_PARAGRAPH_FIELDS:
            lines.append(label)
            lines.append(_render_paragraphs(ops, color, context))
        else:
            lines.append(f"{label} {_render_ops(ops, color)}")
        lines.append("")
    lines.append(_summary(diff.inserted_words, diff.deleted_words))
    return "\n".join(lines) + "\n"


def _ref(ref: VersionRef) -> str:
    return f"version {ref.version} ({ref.captured_at})"


def _header(report: DiffReport, color: bool) -> str:
    text = f"{report.url}: {_ref(report.from_ref)} → {_ref(report.to_ref)}"
    return BOLD + text + RESET if color else text


def _verdict(report: DiffReport, color: bool) -> str:
    """One line: severity, stealth flag and reasons, e.g.
    ``Severity: major, STEALTH EDIT (number changed: 12 → 9; quote changed: “…” → “…”)``."""
    sig = report.significance
    if sig is None:
        return ""
    if sig.severity == "none":
        # No change to grade; a headline of lookalike letters is still named.
        flagged = [r for r in sig.reasons if r.startswith(MIXED_SCRIPTS)]
        return f"Warning: {flagged[0]}" if flagged else ""
    flag = ", STEALTH EDIT: the page did not admit it" if sig.stealth else ""
    reasons = join_reasons(sig.reasons, 4)
    text = f"Severity: {sig.severity}{flag}" + (f" ({reasons})" if reasons else "")
    return BOLD + text + RESET if color else text


def _summary(inserted: int, deleted: int) -> str:
    return f"{plural(inserted, 'word')} inserted, {plural(deleted, 'word')} deleted."


def _mark(op: str, text: str, color: bool) -> str:
    """One operation's text, marked as deleted or inserted (equal text as it is)."""
    if op == EQUAL:
        return text
    if not color:
        return f"[-{text}-]" if op == DELETE else f"{{+{text}+}}"
    if text.isspace():
        style = DELETED_SPACE_STYLE if op == DELETE else INSERTED_SPACE_STYLE
        text = text.replace("\n", "¶\n")
    else:
        style = DELETED_STYLE if op == DELETE else INSERTED_STYLE
    # Style each line on its own so pagers that reset at line ends keep the colour.
    return "\n".join(style + piece + RESET if piece else piece for piece in text.split("\n"))


def _render_ops(ops: tuple[DiffOp, ...] | list[DiffOp], color: bool) -> str:
    return "".join(_mark(op, text, color) for op, text in ops)


def _paragraphs(ops: tuple[DiffOp, ...]) -> list[list[DiffOp]]:
    """Cut the operations at paragraph breaks.

    Breaks in unchanged text always cut; so do breaks in inserted or deleted text that
    holds more than whitespace, so a whole new or removed paragraph stands on its own.
    A break that was itself inserted or deleted (paragraphs split or merged) stays in
    its paragraph, where its marker shows.
    """
    chunks: list[list[DiffOp]] = [[]]
    for op, text in ops:
        if PARAGRAPH_BREAK in text and (op == EQUAL or not text.isspace()):
            pieces = text.split(PARAGRAPH_BREAK)
            if pieces[0]:
                chunks[-1].append((op, pieces[0]))
            for piece in pieces[1:]:
                chunks.append([(op, piece)] if piece else [])
        else:
            chunks[-1].append((op, text))
    return chunks


def _head(text: str) -> str:
    """About CONTEXT characters from the start of ``text``, cut after a word."""
    cut = text[:CONTEXT]
    space = cut.rfind(" ")
    return cut[:space] if space > CONTEXT // 2 else cut


def _tail(text: str) -> str:
    """About CONTEXT characters from the end of ``text``, cut before a word."""
    cut = text[-CONTEXT:]
    space = cut.find(" ")
    return cut[space + 1 :] if 0 <= space < CONTEXT // 2 else cut


def _shorten(chunk: list[DiffOp]) -> list[DiffOp]:
    """Shorten long unchanged stretches of a paragraph to the text near changes."""
    out: list[DiffOp] = []
    last = len(chunk) - 1
    for index, (op, text) in enumerate(chunk):
        if op == EQUAL and len(text) > SHORTEN_OVER:
            if index == 0:
                text = f"{GAP} {_tail(text)}"
            elif index == last:
                text = f"{_head(text)} {GAP}"
            else:
                text = f"{_head(text)} {GAP} {_tail(text)}"
        out.append((op, text))
    return out


def _shown(changed: Sequence[bool], context: int) -> list[int]:
    """Indexes of the blocks to show: the changed ones and ``context`` on each side."""
    keep = [False] * len(changed)
    for index, flag in enumerate(changed):
        if flag:
            for near in range(max(0, index - context), min(len(changed), index + context + 1)):
                keep[near] = True
    return [index for index, flag in enumerate(keep) if flag]


def _context(text: str, index: int, changed: Sequence[bool], context: int) -> str:
    """An unchanged paragraph shown as context: its end before a change, its start
    after one, shortened with "…" when long."""
    if len(text) <= SHORTEN_OVER:
        return text
    after = any(changed[max(0, index - context) : index])
    before = any(changed[index + 1 : index + context + 1])
    if after and before:
        return f"{_head(text)} {GAP} {_tail(text)}"
    if before:
        return f"{GAP} {_tail(text)}"
    return f"{_head(text)} {GAP}"


def _with_gaps(blocks: Sequence[str], shown: list[int]) -> str:
    """The shown blocks, with "…" for each run of blocks left out."""
    out: list[str] = []
    last = -1
    for index in shown:
        if index > last + 1:
            out.append(GAP)
        out.append(blocks[index])
        last = index
    if last < len(blocks) - 1:
        out.append(GAP)
    return "\n\n".join(out)


def _render_paragraphs(ops: tuple[DiffOp, ...], color: bool, context: int) -> str:
    """The changed paragraphs and their context, with "…" for those left out."""
    chunks = _paragraphs(ops)
    changed = [is_changed(chunk) for chunk in chunks]
    shown = _shown(changed, context)
    blocks = [""] * len(chunks)
    for index in shown:
        if changed[index]:
            blocks[index] = _render_ops(_shorten(chunks[index]), color)
        else:
            text = "".join(text for _, text in chunks[index])
            blocks[index] = _context(text, index, changed, context)
    return _with_gaps(blocks, shown)


def _moved_line(paragraph: ParagraphOp, color: bool) -> str:
    assert paragraph.old is not None and paragraph.new is not None
    text = f"(moved from paragraph {paragraph.old + 1} to {paragraph.new + 1})"
    return MOVED_STYLE + text + RESET if color else text


def _render_aligned(paragraphs: Sequence[ParagraphOp], color: bool, context: int) -> str:
    """The body from the aligned paragraphs, in the new order, moves marked."""
    changed = [p.op != "=" for p in paragraphs]
    shown = _shown(changed, context)
    blocks = [""] * len(paragraphs)
    for index in shown:
        paragraph = paragraphs[index]
        if paragraph.op == "=":
            text = "".join(text for _, text in paragraph.ops)
            blocks[index] = _context(text, index, changed, context)
            continue
        text = _render_ops(_shorten(list(paragraph.ops)), color)
        if paragraph.op == ">":
            text = _moved_line(paragraph, color) + "\n" + text
        blocks[index] = text
    return _with_gaps(blocks, shown)
