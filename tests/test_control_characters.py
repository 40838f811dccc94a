"""Nothing a server sends reaches a terminal, a CI log, a run log or a report with a
control character or an escape sequence in it.

A hostile server answers with a reason phrase holding a bare CR and a GitHub workflow
command, an OSC title-setting and clipboard sequence, a CSI colour code and every other
C0 and C1 control; its Location header and its page try the same. Every output a user
or a CI step sees is read back and searched for any control character.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from pathlib import Path

from click.testing import Result

from redline.archive.core.printable import has_controls, printable
from tests.support.http_server import LocalHTTPServer, Route

Run = Callable[..., Result]
CONTROLS = "".join(chr(c) for c in [*range(0x00, 0x09), *range(0x0B, 0x20), *range(0x7F, 0xA0)])
# Bytes that can travel in a reason phrase: every control but NUL, CR and LF (which end
# the status line), C1 controls as their UTF-8 bytes read back as Latin-1.
HOSTILE_REASON = (
    "Forbidden\r::error title=pwned::owned"
    "\x1b]0;set title\x07\x1b]52;c;Y2xpcGJvYXJk\x07\x1b[31mred\x1b[0m"
    + "".join(chr(c) for c in [*range(0x01, 0x09), 0x0B, 0x0C, *range(0x0E, 0x20), 0x7F])
)
BAD = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def _hostile(status: int, reason: str, extra: str = "") -> bytes:
    return (
        f"HTTP/1.1 {status} {reason}\r\nContent-Type: text/html\r\n{extra}"
        "Content-Length: 0\r\nConnection: close\r\n\r\n"
    ).encode("latin-1")


def _clean(*texts: str) -> None:
    for text in texts:
        found = BAD.findall(text)
        assert not found, (found, text[:300])


def test_printable_removes_every_control_and_escape() -> None:
    assert printable(HOSTILE_REASON) == "Forbidden ::error title=pwned::ownedred"
    assert not has_controls(printable(CONTROLS + "x"))
    assert printable("a\nb\tc", lines=True) == "a\nb\tc"


def test_a_reason_phrase_never_reaches_the_terminal_as_sent(
    redline: Run, http_server: LocalHTTPServer
) -> None:
    url = http_server.route("/story", Route(raw=_hostile(403, HOSTILE_REASON)))
    result = redline("capture", url)
    assert result.exit_code == 1
    _clean(result.stdout, result.stderr)
    assert "Forbidden ::error title=pwned::owned" in result.stderr
    assert not any(line.startswith("::") for line in result.stderr.splitlines())


def test_watch_its_run_log_and_every_report_format_are_clean(
    redline: Run, http_server: LocalHTTPServer, archive_dir: Path, tmp_path: Path
) -> None:
    blocked = http_server.route("/news/blocked", Route(raw=_hostile(403, HOSTILE_REASON)))
    moved = http_server.route(
        "/news/moved",
        Route(raw=_hostile(500, "Oops\x1b[2J", "X-Note: \x1b]0;x\x07\r\n")),
    )
    watchlist = tmp_path / "watchlist.txt"
    watchlist.write_text(f"{blocked}\n{moved}\n")
    for options in ((), ("--json",)):
        result = redline("watch", str(watchlist), "--delay", "0", "--all", *options)
        assert result.exit_code == 0, result.output
        _clean(result.stdout, result.stderr)
    assert "Forbidden ::error title=pwned::owned" in result.stdout
    for log in (archive_dir / "state" / "runs").glob("*.json"):
        raw = log.read_text(encoding="utf-8")
        _clean(raw)
        assert "\\u001b" not in raw  # not even escaped in the JSON
    for fmt in ("markdown", "json", "html"):
        report = redline("report", "--since", "1d", "--format", fmt)
        assert report.exit_code == 0, report.output
        _clean(report.stdout, report.stderr)
        if fmt == "json":
            assert "\\u001b" not in report.stdout
            json.loads(report.stdout)


def test_a_control_character_in_the_text_does_not_make_the_page_unreadable() -> None:
    """A publisher could hide an article from archiving with one ESC, BEL, backspace or
    U+0001 in its headline or text: the page reads as it does without them."""
    from redline.archive.extract.article import extract_article

    def page(mark: str) -> bytes:
        paragraphs = "".join(
            f"<p>Paragraph {n}{mark} of the story: flood waters receded across town on "
            "Saturday, officials said.</p>"
            for n in range(5)
        )
        html = f"<html><body><article><h1>Flood{mark} waters recede</h1>{paragraphs}</article>"
        return (html + "</body></html>").encode()

    clean = extract_article(page(""), "https://news.example/a")
    for mark in ("\x1b", "\x07", "\x08", "\x01", "\x1b[31m", "\x7f"):
        read = extract_article(page(mark), "https://news.example/a")
        if mark == "\x1b[31m":  # the bytes after ESC are text a browser shows too
            assert read.title == "Flood[31m waters recede"
            continue
        assert read == clean, repr(mark)
