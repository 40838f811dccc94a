"""Text from the network, made safe to print: no control characters, no escape codes.

A server chooses its reason phrase, its headers, its URLs and its page text. Printed as
they came, a bare carriage return or an ANSI/OSC escape sequence could rewrite a
terminal line, set a terminal's title or clipboard, or start a CI log command. Every
such string passes through ``printable`` before it reaches stdout, stderr, a run log or
a report.
"""

from __future__ import annotations

import re

#: ANSI escape sequences: CSI (ESC [ ... final), OSC (ESC ] ... BEL or ESC \\), and the
#: other two-character escapes; their C1 forms (CSI U+009B, OSC U+009D) too.
_ESCAPES = re.compile(
    r"(?:\x1b\[|\x9b)[0-?]*[ -/]*[@-~]"
    r"|(?:\x1b\]|\x9d)[^\x07\x1b\x9c]*(?:\x07|\x1b\\|\x9c)?"
    r"|\x1b[@-Z\\-_]"
)
#: C0 controls, DEL and C1 controls; with ``lines``, newline and tab are kept.
_CONTROLS = re.compile(r"[\x00-\x1f\x7f-\x9f]")
_CONTROLS_BUT_LINES = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def printable(text: str | None, *, lines: bool = False) -> str:
    """``text`` with escape sequences removed and every control character made a space
    (runs of spaces one); with ``lines``, newlines and tabs are kept."""
    if not text:
        return ""
    if text.isprintable() and (lines or (" " not in text or _plain(text))):
        return text  # no control character, so no escape either: nothing to change
    cleaned = _ESCAPES.sub("", text)
    if lines:
        return _CONTROLS_BUT_LINES.sub(" ", cleaned)
    return " ".join(_CONTROLS.sub(" ", cleaned).split())


def _plain(text: str) -> bool:
    """Whether ``text`` (printable) has no run of spaces and none at either end."""
    return "  " not in text and text[0] != " " and text[-1] != " "


def has_controls(text: str) -> bool:
    """Whether ``text`` holds a control character other than newline and tab."""
    return bool(_CONTROLS_BUT_LINES.search(text))
