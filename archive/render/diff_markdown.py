"""Render a diff report as GitHub-flavoured Markdown, for an issue, a chat message or a
workflow step summary.

A header links the headline to the article and names the two versions, their capture
times, the severity and, when the page changed without saying so, a stealth-edit
warning. Then each changed field; the body shows only the paragraphs that changed,
each labelled (edited, added, removed, moved). Deleted words read ``~~old~~``,
inserted ones ``**new**``.

Article text can't format itself: Markdown and HTML metacharacters are
backslash-escaped, line breaks inside a paragraph become spaces, and "@" is followed
by an invisible word joiner so a handle in the article doesn't mention anyone (nor
becomes an e-mail link). A bare web address in the text stays text: GitHub links
``https://…``, ``ftp://…`` and ``www.…`` by itself, so the colon before ``//`` and the
dot after ``www`` are backslash-escaped, which shows the same characters.
Markers never have whitespace just inside them (GitHub ignores such markers); when a
marker would sit between a word and punctuation, where GitHub would not read it
either, the change is widened to the whole word.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from redline.archive.diff.blocks import block_changed, blocks_from_ops, body_blocks
from redline.archive.diff.model import FIELD_LABELS, DiffReport, Ops, VersionRef
from redline.archive.diff.words import DELETE, EQUAL, DiffOp, is_changed
from redline.archive.render.blocks import (
    STEALTH_TEXT,
    block_label,
    headline,
    is_web_url,
    summary,
)

# Every ASCII punctuation character that means something to GitHub's Markdown or to the
# HTML it allows, backslash-escaped wherever it appears.
_SPECIAL = re.compile(r"([\\`*_\[\]<>|~#&!{}])")
# Characters that start a block (list, quote, heading, rule) at the start of a line.
_LINE_START = re.compile(r"^(\s*)([-+=>#]|\d+(?=[.)]))")
_WORD_JOINER = "\u2060"
# What GitHub's autolink extension starts a link at: a scheme's "://" and "www." (also
# "mailto:" and "xmpp:", whose addresses the word joiner after "@" already breaks).
_SCHEME_COLON = re.compile(r"(?i):(?=//)|(?<=\bmailto):|(?<=\bxmpp):")
_WWW_DOT = re.compile(r"(?i)(?<![a-z0-9])(www)\.")
_LINE_BREAKS = re.compile(r"[ \t]*[\r\n\v\f\x85\u2028\u2029]+[ \t]*")

# Unchanged text inside a changed paragraph keeps this many characters next to each
# change; longer stretches are shortened with "…".
CONTEXT = 150
SHORTEN_OVER = 2 * CONTEXT + 50
GAP = "…"

MULTI_PARAGRAPH_FIELDS = frozenset({"body", "corrections"})


def escape(text: str) -> str:
    """Article text as Markdown that shows exactly that text, on one line."""
    text = _LINE_BREAKS.sub(" ", text)
    text = _SPECIAL.sub(r"\\\1", text)
    text = _SCHEME_COLON.sub(r"\\:", text)
    text = _WWW_DOT.sub(r"\1\\.", text)
    return text.replace("@", "@" + _WORD_JOINER)


def _line(text: str) -> str:
    """Escape what would start a block if it began a line."""
    match = _LINE_START.match(text)
    if match is None:
        return text
    if match.group(2)[0].isdigit():  # "12." or "12)": escape what follows the number
        return text[: match.end()] + "\\" + text[match.end() :]
    return text[: match.start(2)] + "\\" + text[match.start(2) :]


def _punctuation(char: str) -> bool:
    """Unicode punctuation or symbol, as CommonMark's flanking rules count them."""
    return unicodedata.category(char)[0] in "PS"


def _opens(before: str, first: str) -> bool:
    """Can a marker between ``before`` and ``first`` open emphasis?"""
    return first.isalnum() or not before or before.isspace() or _punctuation(before)


def _closes(last: str, after: str) -> bool:
    """Can a marker between ``last`` and ``after`` close emphasis?"""
    return last.isalnum() or not after or after.isspace() or _punctuation(after)


@dataclass
class _Change:
    deleted: str
    inserted: str


_Item = str | _Change  # unchanged text, or a change


def _items(ops: list[DiffOp]) -> list[_Item]:
    items: list[_Item] = []
    for op, text in ops:
        if op == EQUAL:
            if items and isinstance(items[-1], str):
                items[-1] += text
            else:
                items.append(text)
            continue
        if not items or isinstance(items[-1], str):
            items.append(_Change("", ""))
        change = items[-1]
        assert isinstance(change, _Change)
        if op == DELETE:
            change.deleted += text
        else:
            change.inserted += text
    return items


def _ends(change: _Change) -> tuple[str, str]:
    """The first and last characters inside the change's first and last markers."""
    shown = [t for t in (change.deleted, change.inserted) if t.strip()]
    if not shown:
        return "", ""
    return shown[0][0], shown[-1][-1]


def _widen(items: list[_Item]) -> list[_Item]:
    """Widen changes to whole words where a marker could not open or close."""
    index = 0
    while index < len(items):
        change = items[index]
        if not isinstance(change, _Change):
            index += 1
            continue
        first, last = _ends(change)
        before = items[index - 1] if index > 0 else ""
        after = items[index + 1] if index + 1 < len(items) else ""
        assert isinstance(before, str) and isinstance(after, str)
        if first and not first.isspace() and before and not _opens(before[-1], first):
            word = re.search(r"\S+$", before)
            assert word is not None
            change.deleted = word.group() + change.deleted
            change.inserted = word.group() + change.inserted
            rest = before[: word.start()]
            if rest or index < 2:
                items[index - 1] = rest
            else:  # the word was all between two changes: join them
                previous = items[index - 2]
                assert isinstance(previous, _Change)
                previous.deleted += change.deleted
                previous.inserted += change.inserted
                del items[index - 1 : index + 1]
                index -= 2
            continue
        if last and not last.isspace() and after and not _closes(last, after[0]):
            word = re.match(r"\S+", after)
            assert word is not None
            change.deleted += word.group()
            change.inserted += word.group()
            rest = after[word.end() :]
            if rest or index + 2 >= len(items):
                items[index + 1] = rest
            else:
                following = items[index + 2]
                assert isinstance(following, _Change)
                change.deleted += following.deleted
                change.inserted += following.inserted
                del items[index + 1 : index + 3]
            continue
        index += 1
    return items


def _mark(text: str, marker: str) -> str:
    """``text`` between markers, its outer whitespace outside them."""
    core = text.strip()
    if not core:
        # A paragraph break added or removed shows as a pilcrow; other space as itself.
        if "\n" in text:
            return f" {marker}¶{marker} "
        return text if marker == "**" else ""
    lead = text[: len(text) - len(text.lstrip())]
    trail = text[len(text.rstrip()) :]
    return f"{escape(lead)}{marker}{escape(core)}{marker}{escape(trail)}"


def _shorten(text: str, first: bool, last: bool) -> str:
    if len(text) <= SHORTEN_OVER:
        return text
    head = text[:CONTEXT]
    space = head.rfind(" ")
    head = head[:space] if space > CONTEXT // 2 else head
    tail = text[-CONTEXT:]
    space = tail.find(" ")
    tail = tail[space + 1 :] if 0 <= space < CONTEXT // 2 else tail
    if first:
        return f"{GAP} {tail}"
    if last:
        return f"{head} {GAP}"
    return f"{head} {GAP} {tail}"


def render_ops(ops: Ops | list[DiffOp], shorten: bool = True) -> str:
    """One paragraph's word operations as one line of Markdown."""
    items = _widen(_items(list(ops)))
    out: list[str] = []
    for index, item in enumerate(items):
        if isinstance(item, str):
            if shorten:
                item = _shorten(item, index == 0, index == len(items) - 1)
            out.append(escape(item))
            continue
        deleted = _mark(item.deleted, "~~")
        inserted = _mark(item.inserted, "**")
        if item.deleted.strip() and item.inserted.strip():
            # "~~old~~ **new**": a space between, unless one is already there
            if not (deleted[-1:].isspace() or inserted[:1].isspace()):
                deleted += " "
        out.append(deleted + inserted)
    return _line("".join(out).strip())


def _ref(ref: VersionRef) -> str:
    return f"version {ref.version} ({ref.captured_at})"


def _url_target(url: str) -> str:
    """A URL as a Markdown link destination, in angle brackets."""
    return "<" + re.sub(r"[\s<>\\]", lambda m: f"%{ord(m.group()):02X}", url) + ">"


def _header(report: DiffReport) -> list[str]:
    title = escape(headline(report)) or escape(report.url)
    if is_web_url(report.url):
        lines = [f"### [{title}]({_url_target(report.url)})", ""]
    else:
        lines = [f"### {title}", ""]
    versions = f"V{_ref(report.from_ref)[1:]} → {_ref(report.to_ref)}"
    lines.append(versions + "  ")
    lines.append(f"`{report.url.replace('`', '%60')}`")
    significance = report.significance
    if significance is not None:
        lines.append("")
        reasons = "; ".join(escape(reason) for reason in significance.reasons)
        severity = f"**Severity: {escape(significance.severity)}**"
        lines.append(f"{severity}: {reasons}" if reasons else severity)
        if significance.stealth:
            lines.append("")
            lines.append(f"> ⚠️ **{STEALTH_TEXT}**")
    return lines


def render_markdown(report: DiffReport) -> str:
    """The report as GitHub-flavoured Markdown, ending with a newline."""
    lines = _header(report)
    lines.append("")
    diff = report.diff
    if not diff.changed and not any(block.op == ">" for block in diff.paragraphs):
        lines.append("No changes in the article.")
        return "\n".join(lines) + "\n"
    for name, ops in diff.fields().items():
        label = FIELD_LABELS[name]
        if name not in MULTI_PARAGRAPH_FIELDS:
            if is_changed(ops):
                lines.append(f"**{label}:** {render_ops(ops)}")
                lines.append("")
            continue
        blocks = body_blocks(diff) if name == "body" else blocks_from_ops(ops)
        changed = [block for block in blocks if block_changed(block)]
        if not changed:
            continue
        lines.append(f"#### {label}")
        lines.append("")
        for block in changed:
            lines.append(f"*{block_label(block)}:* {render_ops(block.ops)}")
            lines.append("")
    lines.append(f"*{summary(diff)}*")
    return "\n".join(lines) + "\n"
