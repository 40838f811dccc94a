"""An article body as paragraph operations: what every rendering of a body diff shows.

When the diff carries aligned paragraphs (``ArticleDiff.paragraphs``) those are used as
they are, moves included; otherwise the body's word operations are cut at paragraph
breaks, and each piece is classified as unchanged, added, removed or edited.
"""

from __future__ import annotations

from redline.archive.diff.model import ArticleDiff, Ops, ParagraphOp
from redline.archive.diff.words import DELETE, EQUAL, INSERT, DiffOp, diff_words, is_changed

PARAGRAPH_BREAK = "\n\n"


def old_text(ops: Ops | list[DiffOp]) -> str:
    """The text before the change: the unchanged and deleted pieces."""
    return "".join(text for op, text in ops if op != INSERT)


def new_text(ops: Ops | list[DiffOp]) -> str:
    """The text after the change: the unchanged and inserted pieces."""
    return "".join(text for op, text in ops if op != DELETE)


def chunks(ops: Ops) -> list[list[DiffOp]]:
    """Cut word operations at paragraph breaks.

    Breaks in unchanged text always cut; so do breaks in inserted or deleted text that
    holds more than whitespace, so a whole new or removed paragraph stands on its own.
    A break that was itself inserted or deleted (paragraphs split or merged) stays in
    its paragraph.
    """
    pieces: list[list[DiffOp]] = [[]]
    for op, text in ops:
        if PARAGRAPH_BREAK in text and (op == EQUAL or not text.isspace()):
            parts = text.split(PARAGRAPH_BREAK)
            if parts[0]:
                pieces[-1].append((op, parts[0]))
            for part in parts[1:]:
                pieces.append([(op, part)] if part else [])
        else:
            pieces[-1].append((op, text))
    return [piece for piece in pieces if piece]


def blocks_from_ops(ops: Ops) -> list[ParagraphOp]:
    """Paragraph operations read off a multi-paragraph field's word operations."""
    blocks: list[ParagraphOp] = []
    old_index = new_index = 0
    for piece in chunks(ops):
        has_old = bool(old_text(piece).strip())
        has_new = bool(new_text(piece).strip())
        if not has_old and not has_new:
            continue
        if has_old and has_new:
            op = "~" if is_changed(piece) else "="
            blocks.append(ParagraphOp(op, old_index, new_index, tuple(piece)))
            old_index += 1
            new_index += 1
        elif has_new:
            blocks.append(ParagraphOp("+", None, new_index, tuple(piece)))
            new_index += 1
        else:
            blocks.append(ParagraphOp("-", old_index, None, tuple(piece)))
            old_index += 1
    return blocks


def _paragraph(texts: list[str], index: int | None) -> str:
    if index is None or not 0 <= index < len(texts):
        return ""
    return texts[index]


def body_blocks(diff: ArticleDiff) -> list[ParagraphOp]:
    """The body as paragraph operations: the aligned paragraphs when present.

    Aligned paragraphs without word operations get them from the two versions' texts,
    which the body's word operations rebuild.
    """
    if not diff.paragraphs:
        return blocks_from_ops(diff.body)
    old_paragraphs = old_text(diff.body).split(PARAGRAPH_BREAK)
    new_paragraphs = new_text(diff.body).split(PARAGRAPH_BREAK)
    blocks: list[ParagraphOp] = []
    for block in diff.paragraphs:
        if block.ops:
            blocks.append(block)
            continue
        before = _paragraph(old_paragraphs, block.old)
        after = _paragraph(new_paragraphs, block.new)
        ops: Ops
        if block.op == "+":
            ops = ((INSERT, after),)
        elif block.op == "-":
            ops = ((DELETE, before),)
        elif block.op == "=":
            ops = ((EQUAL, after or before),)
        else:
            ops = tuple(diff_words(before, after))
        blocks.append(ParagraphOp(block.op, block.old, block.new, ops))
    return blocks


def block_changed(block: ParagraphOp) -> bool:
    """True when a paragraph was added, removed, edited or moved."""
    return block.op != "=" or is_changed(block.ops)
