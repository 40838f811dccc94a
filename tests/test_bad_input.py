"""Bad input, through the command line: one line on stderr, a non-zero exit, nothing lost.

Every failure must be exactly one ``Error: ...`` line naming the URL, host, file or
path and what to do about it; no traceback; and an archive that was there before is
byte for byte the same afterwards (every file's path and sha256 compared).
"""

from __future__ import annotations

import hashlib
import json
import random
import re
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from click.testing import Result

from tests.support.http_server import LocalHTTPServer, Route, unused_port

Run = Callable[..., Result]

PAGES = Path(__file__).parent / "fixtures" / "pages"
NOT_ARTICLE = PAGES / "not_article.html"
MB = 1024 * 1024

PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06" + bytes(40)
PDF = b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< >>\n%%EOF\n"
ZIP = b"PK\x03\x04\x14\x00\x00\x00\x08\x00" + bytes(60)

# The part after the last "; " says what to do: it starts with (or holds) one of these.
ADVICE = re.compile(
    r"\b(check|try|give|pass|raise|run|choose|fix|move|use|wait|capture|set)\b", re.I
)


def tree(root: Path) -> dict[str, str]:
    """Every file below ``root``: relative path -> sha256 ({} when there is no folder)."""
    if not root.exists():
        return {}
    return {
        p.relative_to(root).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }


def error_line(result: Result, *names: str, status: int = 1) -> str:
    """Check a failed run and return its one error line."""
    out = result.stdout + result.stderr
    assert "Traceback" not in out, out
    assert result.exit_code == status, (result.exit_code, out)
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    line = lines[0]
    assert line.startswith("Error: "), line
    for name in names:
        assert name in line, (name, line)
    assert "; " in line and ADVICE.search(line.rsplit("; ", 1)[1]), f"no advice in {line!r}"
    return line


def usage_error(result: Result) -> None:
    """Exit 2; click prints its "Usage:" block before the one ``Error:`` line."""
    out = result.stdout + result.stderr
    assert "Traceback" not in out, out
    assert result.exit_code == 2, (result.exit_code, out)
    errors = [line for line in result.stderr.splitlines() if line.startswith("Error: ")]
    assert len(errors) == 1, result.stderr
    other = [line for line in result.stderr.splitlines() if not line.startswith("Error: ")]
    assert not other or other[0].startswith("Usage: "), result.stderr


@pytest.fixture
def seeded(redline: Run, example: dict[str, Any], archive_dir: Path) -> dict[str, str]:
    """An archive holding two versions of the example article; its file tree."""
    url, pages, times = example["url"], example["pages"], example["times"]
    for page, at in ((pages[0], times[0]), (pages[2], times[2])):
        result = redline("capture", "--html", str(page), "--url", url, "--at", at)
        assert result.exit_code == 0, result.stderr
    return tree(archive_dir)


# -- network ------------------------------------------------------------------------

_PAGE = "<html><body><h1>Gone</h1><p>Nothing here.</p></body></html>"
_HEAD = b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n"

# id -> (route, words the one line must hold besides the URL)
NETWORK: dict[str, tuple[Route, tuple[str, ...]]] = {
    "404": (Route(status=404, body=_PAGE), ("404", "check the URL")),
    "410": (Route(status=410, body=_PAGE), ("410",)),
    "403": (Route(status=403, body=_PAGE), ("403", "--html")),
    "429": (Route(status=429, body=_PAGE), ("429", "try again later")),
    "500": (Route(status=500, body=_PAGE), ("500", "try again later")),
    "503": (Route(status=503, body=_PAGE), ("503",)),
    "pdf": (Route(body=PDF, content_type="application/pdf"), ("application/pdf", "not an HTML")),
    "png": (Route(body=PNG, content_type="image/png"), ("image/png",)),
    "json": (Route(body=b'{"a": 1}', content_type="application/json"), ("application/json",)),
    "png-labelled-html": (Route(body=PNG), ("PNG",)),
    "pdf-no-type": (Route(body=PDF, content_type=None), ("does not look like HTML",)),
    "empty": (Route(body=b""), ("empty",)),
    "blank": (Route(body=b" \r\n\t \n"), ("empty",)),
    "nul-bytes": (Route(body=b"<html><body>" + bytes(500)), ("NUL",)),
    "declared-over-limit": (
        Route(raw=_HEAD + b"Content-Length: 31457280\r\n\r\n<html>"),
        ("30 MB", "20 MB limit"),
    ),
    "streamed-over-limit": (Route(endless=True), ("20 MB limit",)),
    "gzip-bomb": (Route(gzip_bomb=21 * MB), ("20 MB limit once decompressed",)),
    "corrupt-gzip": (
        Route(body=b"<html>not gzip</html>", headers=[("Content-Encoding", "gzip")]),
        ("corrupt gzip",),
    ),
    "brotli": (Route(body=b"\x0b\x02\x80hello\x03", encoding="br"), ("'br'",)),
    "cut-off": (
        Route(raw=_HEAD + b"Content-Length: 5000\r\n\r\n<html><body><p>Half a"),
        ("broke off", "cut short"),
    ),
    "no-article": (Route(body=NOT_ARTICLE.read_bytes()), ("was not stored", "sign-in page")),
    "undecodable": (
        Route(body=bytes(random.Random(7).randrange(0x80, 0x100) for _ in range(4000))),
        ("no article text",),
    ),
    "redirect-loop": (Route.redirect("/case"), ("redirect loop",)),
    "redirect-to-ftp": (Route.redirect("ftp://127.0.0.1/file"), ("ftp://",)),
}


@pytest.mark.parametrize("case", list(NETWORK))
def test_capture_failure_over_http(
    case: str,
    redline: Run,
    seeded: dict[str, str],
    archive_dir: Path,
    http_server: LocalHTTPServer,
) -> None:
    route, words = NETWORK[case]
    url = http_server.route("/case", route)
    # A connection that breaks off is named by its host, everything else by its URL.
    name = f"127.0.0.1:{http_server.port}" if case == "cut-off" else url
    error_line(redline("capture", url), name, *words)
    assert tree(archive_dir) == seeded


def test_capture_timeout(
    redline: Run, seeded: dict[str, str], archive_dir: Path, http_server: LocalHTTPServer
) -> None:
    url = http_server.route("/slow", delay=5, body=_PAGE)
    line = error_line(redline("capture", "--timeout", "1", url), url, "1 s", "--timeout")
    assert "did not answer" in line
    assert tree(archive_dir) == seeded


def test_capture_unreachable_host(redline: Run, seeded: dict[str, str], archive_dir: Path) -> None:
    host = f"127.0.0.1:{unused_port()}"
    line = error_line(redline("capture", f"http://{host}/story"), host, "check the URL")
    assert "connection refused" in line
    assert tree(archive_dir) == seeded


def test_capture_unknown_host(redline: Run, seeded: dict[str, str], archive_dir: Path) -> None:
    result = redline("capture", "--timeout", "3", "http://no-such-host.invalid/story")
    # Where DNS is unavailable the lookup can also time out; either way one line.
    line = error_line(result, "no-such-host.invalid")
    assert "cannot find host" in line or "cannot reach" in line or "timed out" in line
    assert tree(archive_dir) == seeded


def test_capture_some_fail_others_stored(
    redline: Run, example: dict[str, Any], archive_dir: Path, http_server: LocalHTTPServer
) -> None:
    pages = example["pages"]
    good = http_server.route("/news/one", body=pages[0].read_bytes())
    good2 = http_server.route("/news/two", body=pages[2].read_bytes())
    bad = http_server.route("/news/bad", status=500, body=_PAGE)
    result = redline("capture", good, bad, good2, "--json")
    error_line(result, bad, "500")
    stored = [json.loads(line) for line in result.stdout.splitlines()]
    assert [(s["url"], s["status"]) for s in stored] == [(good, "new"), (good2, "new")]
    for url in (good, good2):
        assert redline("show", url).exit_code == 0
    assert redline("log", bad).exit_code == 1


# -- usage errors ---------------------------------------------------------------------


@pytest.mark.parametrize(
    "args",
    [
        ["capture"],
        ["capture", "--timeout", "soon", "http://example.com/a"],
        ["capture", "--timeout", "0", "http://example.com/a"],
        ["capture", "--html", "page.html"],
        ["capture", "--html", "page.html", "--warc", "x.warc.gz", "--url", "http://e.com/"],
        ["capture", "http://example.com/a", "--url", "http://example.com/b"],
        ["capture", "ftp://example.com/a"],
        ["capture", "example.com/a"],
        ["capture", "http://example.com/ok", "mailto:someone@example.com"],
        ["capture", "--html", "page.html", "--url", "not a url"],
        ["show", "https://example.com/a", "--version", "two"],
        ["extract"],
        ["frobnicate"],
    ],
    ids=lambda args: " ".join(args),
)
def test_usage_errors_exit_2_and_write_nothing(
    args: list[str], redline: Run, seeded: dict[str, str], archive_dir: Path
) -> None:
    usage_error(redline(*args))
    assert tree(archive_dir) == seeded


def test_bad_url_stops_before_any_capture(
    redline: Run, example: dict[str, Any], archive_dir: Path, http_server: LocalHTTPServer
) -> None:
    good = http_server.route("/news/one", body=example["pages"][0].read_bytes())
    result = redline("capture", good, "htp://example.com/typo")
    usage_error(result)
    assert "htp://example.com/typo" in result.stderr
    assert not archive_dir.exists() and http_server.requests == []
    usage_error(redline("capture", "--timeout", "0", good))
    assert not archive_dir.exists() and http_server.requests == []


def test_size_limit_can_be_set(
    redline: Run,
    example: dict[str, Any],
    seeded: dict[str, str],
    archive_dir: Path,
    http_server: LocalHTTPServer,
) -> None:
    page = example["pages"][3]
    url = http_server.route("/news/big", body=page.read_bytes(), encoding="gzip")
    line = error_line(redline("capture", "--max-bytes", "4096", url), url, "--max-bytes")
    assert "over the 4 KB limit once decompressed" in line
    error_line(
        redline("capture", "--max-bytes", "4096", "--html", str(page), "--url", URL),
        str(page),
        "over the 4 KB limit",
        "--max-bytes",
    )
    error_line(redline("extract", "--max-bytes", "4096", str(page)), str(page), "4 KB")
    for command in ("capture", "extract"):
        usage_error(redline(command, "--max-bytes", "0", str(page)))
    assert tree(archive_dir) == seeded


# -- files ----------------------------------------------------------------------------

URL = "https://news.example.com/2024/story"


def _bad_files(tmp: Path) -> dict[str, tuple[Path, tuple[str, ...]]]:
    """id -> (a file that is not a usable page, words the error must hold)."""
    tmp.mkdir(exist_ok=True)
    files: dict[str, tuple[bytes | None, tuple[str, ...]]] = {
        "png": (PNG, ("PNG",)),
        "pdf": (PDF, ("PDF",)),
        "zip": (ZIP, ("zip",)),
        "nul-bytes": (b"<html><body>" + bytes(100) + b"</body></html>", ("NUL",)),
        "empty": (b"", ("empty",)),
        "blank": (b"\n \t\r\n", ("empty",)),
        "high-bytes": (
            bytes(random.Random(3).randrange(0x80, 0x100) for _ in range(4000)),
            (),
        ),
        "no-article": (NOT_ARTICLE.read_bytes(), ("no article text",)),
        "missing": (None, ("no such file",)),
    }
    out: dict[str, tuple[Path, tuple[str, ...]]] = {}
    for name, (data, words) in files.items():
        path = tmp / f"{name}.html"
        if data is not None:
            path.write_bytes(data)
        out[name] = (path, words)
    folder = tmp / "folder.html"
    folder.mkdir(exist_ok=True)
    out["directory"] = (folder, ("directory",))
    huge = tmp / "huge.html"
    with huge.open("wb") as fh:
        fh.truncate(21 * MB)  # sparse: costs no disk
    out["over-limit"] = (huge, ("21 MB", "20 MB limit"))
    return out


FILE_CASES = [
    "png",
    "pdf",
    "zip",
    "nul-bytes",
    "empty",
    "blank",
    "high-bytes",
    "no-article",
    "missing",
    "directory",
    "over-limit",
]


@pytest.mark.parametrize("case", FILE_CASES)
def test_capture_bad_file(
    case: str, redline: Run, seeded: dict[str, str], archive_dir: Path, tmp_path: Path
) -> None:
    path, words = _bad_files(tmp_path / "files")[case]
    if case == "no-article":  # a sign-in page: the quality gate names it, as watch does
        words = ("was not stored", "sign-in page", "--accept-blocked")
    error_line(redline("capture", "--html", str(path), "--url", URL), str(path), *words)
    assert tree(archive_dir) == seeded


@pytest.mark.parametrize("case", FILE_CASES)
def test_extract_bad_file(case: str, redline: Run, tmp_path: Path) -> None:
    path, words = _bad_files(tmp_path / "files")[case]
    result = redline("extract", str(path))
    error_line(result, str(path), *words)
    assert result.stdout == ""


def test_extract_reports_bad_files_and_prints_the_good_ones(
    redline: Run, example: dict[str, Any], tmp_path: Path
) -> None:
    bad = _bad_files(tmp_path / "files")
    good, good2 = example["pages"][0], example["pages"][2]
    names = ["png", "missing", "empty", "directory", "no-article"]
    args = [str(good), *(str(bad[n][0]) for n in names[:3]), str(good2)]
    args += [str(bad[n][0]) for n in names[3:]]
    result = redline("extract", *args)
    assert result.exit_code == 1 and "Traceback" not in result.stdout + result.stderr
    assert f"==> {good} <==" in result.stdout and f"==> {good2} <==" in result.stdout
    assert "flood" in result.stdout.lower()
    lines = result.stderr.splitlines()
    assert len(lines) == len(names)
    for line, name in zip(lines, names, strict=True):
        assert line.startswith("Error: ") and str(bad[name][0]) in line


def test_wrongly_declared_charset_decodes_like_a_browser(
    redline: Run, seeded: dict[str, str], archive_dir: Path, tmp_path: Path
) -> None:
    """Latin-1 bytes under <meta charset="utf-8">: U+FFFD for each bad byte, as browsers do."""
    sentence = "Le conseil municipal a voté mardi une hausse des impôts locaux de trois pour cent. "
    html = (
        '<html><head><meta charset="utf-8"><title>Vote au conseil</title></head><body>'
        f"<article><h1>Vote au conseil</h1><p>{sentence * 6}</p><p>{sentence * 5}</p>"
        "</article></body></html>"
    )
    page = tmp_path / "latin1.html"
    page.write_bytes(html.encode("latin-1"))
    result = redline("extract", str(page))
    assert result.exit_code == 0 and result.stderr == ""
    assert "vot\ufffd mardi" in result.stdout and "imp\ufffdts" in result.stdout
    stored = redline("capture", "--html", str(page), "--url", URL, "--json")
    assert stored.exit_code == 0 and json.loads(stored.stdout)["status"] == "new"
    assert "vot\ufffd mardi" in redline("show", URL).stdout


# -- the archive itself ------------------------------------------------------------------

READ_COMMANDS = [
    ["list"],
    ["log", URL],
    ["show", URL],
    ["diff", URL],
    ["verify"],
]


@pytest.mark.parametrize("args", READ_COMMANDS, ids=lambda a: a[0])
def test_missing_archive(args: list[str], redline: Run, tmp_path: Path) -> None:
    where = tmp_path / "nowhere"
    error_line(redline(*args, "--archive", str(where)), str(where), "no archive")
    assert not where.exists()


CAPTURE_FILE = ["capture", "--html", str(NOT_ARTICLE), "--url", URL]


@pytest.mark.parametrize("args", [*READ_COMMANDS, CAPTURE_FILE], ids=lambda a: a[0])
def test_archive_path_is_a_file(args: list[str], redline: Run, tmp_path: Path) -> None:
    target = tmp_path / "archive.txt"
    target.write_text("notes\n")
    error_line(redline(*args, "--archive", str(target)), str(target), "is a file")
    assert target.read_text() == "notes\n"


def test_capture_into_a_path_under_a_file(
    redline: Run, example: dict[str, Any], tmp_path: Path
) -> None:
    parent = tmp_path / "notes.txt"
    parent.write_text("notes\n")
    where = parent / "archive"
    page, url = example["pages"][0], example["url"]
    result = redline("capture", "--archive", str(where), "--html", str(page), "--url", url)
    error_line(result, str(where))
    assert parent.read_text() == "notes\n"


def test_capture_into_an_unwritable_place(redline: Run, example: dict[str, Any]) -> None:
    where = Path("/proc/redline-archive")
    page, url = example["pages"][0], example["url"]
    result = redline("capture", "--archive", str(where), "--html", str(page), "--url", url)
    error_line(result, str(where))
    assert not where.exists()


def test_capture_into_a_folder_that_is_not_an_archive(
    redline: Run, example: dict[str, Any], tmp_path: Path
) -> None:
    where = tmp_path / "photos"
    where.mkdir()
    (where / "cat.jpg").write_bytes(b"\xff\xd8\xff" + bytes(20))
    before = tree(where)
    page, url = example["pages"][0], example["url"]
    result = redline("capture", "--archive", str(where), "--html", str(page), "--url", url)
    error_line(result, str(where), "not a redline archive")
    for args in READ_COMMANDS[1:4]:
        error_line(redline(*args, "--archive", str(where)), str(where))
    assert tree(where) == before


# -- a corrupted object ------------------------------------------------------------------


def _object_root(archive_dir: Path) -> Path:
    [namaste] = (archive_dir / "ocfl").rglob("0=ocfl_object_1.1")
    return namaste.parent


def _corrupt(root: Path, how: str) -> None:
    inventory, sidecar = root / "inventory.json", root / "inventory.json.sha512"
    if how == "inventory-not-json":
        inventory.write_bytes(inventory.read_bytes()[:200])
    elif how == "inventory-edited":
        data = json.loads(inventory.read_bytes())
        data["versions"]["v1"]["message"] = "rewritten history"
        inventory.write_text(json.dumps(data, indent=2))
    elif how == "inventory-missing-keys":
        inventory.write_text('{"id": "x"}')
        sidecar.write_text(hashlib.sha512(b'{"id": "x"}').hexdigest() + " inventory.json\n")
    elif how == "sidecar-wrong":
        sidecar.write_text("0" * 128 + " inventory.json\n")
    elif how == "sidecar-empty":
        sidecar.write_bytes(b"")
    elif how == "sidecar-missing":
        sidecar.unlink()
    else:  # pragma: no cover
        raise AssertionError(how)


@pytest.mark.parametrize(
    "how",
    [
        "inventory-not-json",
        "inventory-edited",
        "inventory-missing-keys",
        "sidecar-wrong",
        "sidecar-empty",
        "sidecar-missing",
    ],
)
def test_corrupted_inventory(
    how: str, redline: Run, example: dict[str, Any], seeded: dict[str, str], archive_dir: Path
) -> None:
    url, pages, times = example["url"], example["pages"], example["times"]
    _corrupt(_object_root(archive_dir), how)
    before = tree(archive_dir)
    # A changed page must not be written on top of a corrupted object.
    result = redline("capture", "--html", str(pages[3]), "--url", url, "--at", times[3])
    line = error_line(result, url, "redline verify")
    assert "corrupt" in line or "does not match" in line, line
    assert tree(archive_dir) == before
    for args in (["log", url], ["show", url], ["show", url, "-v", "1"], ["diff", url]):
        line = error_line(redline(*args), url, "redline verify", status=4)
        assert "corrupt" in line or "does not match" in line, line
    # list names the object corrupt instead of showing its state's version count.
    listed = redline("list")
    assert listed.exit_code == 4, listed.output
    assert listed.stdout.split() == ["corrupt", times[2], url]
    errors = listed.stderr.splitlines()
    assert len(errors) == 1 and errors[0].startswith("Error: ") and url in errors[0]
    assert "redline verify" in errors[0]
    listed_json = redline("list", "--json")
    assert listed_json.exit_code == 4
    assert "redline verify" in json.loads(listed_json.stdout)["corrupt"]
    checked = redline("verify")
    assert checked.exit_code == 4 and "Traceback" not in checked.stdout + checked.stderr
    assert checked.stdout.strip(), "verify names each problem on stdout"
    assert "problem" in checked.stderr and checked.stderr.count("\n") == 1
    assert tree(archive_dir) == before
    # An unchanged check reads only the article's state (it must stay cheap, see the S3
    # request count): it stores nothing in the OCFL root and records the check time.
    again = redline("capture", "--html", str(pages[2]), "--url", url, "--at", times[3], "--json")
    assert again.exit_code == 0 and '"unchanged"' in again.stdout
    ocfl_before = {k: v for k, v in before.items() if k.startswith("ocfl/")}
    assert {k: v for k, v in tree(archive_dir).items() if k.startswith("ocfl/")} == ocfl_before


def test_corrupted_content_file(
    redline: Run, example: dict[str, Any], seeded: dict[str, str], archive_dir: Path
) -> None:
    url = example["url"]
    [article] = _object_root(archive_dir).rglob("v2/content/article.json")
    article.write_bytes(article.read_bytes().replace(b"flood", b"FLOOD"))
    before = tree(archive_dir)
    error_line(redline("show", url), "article.json", "redline verify", status=4)
    error_line(redline("diff", url), "article.json", "redline verify", status=4)
    assert redline("verify").exit_code == 4
    assert tree(archive_dir) == before


def test_list_is_clean_on_a_sound_archive(
    redline: Run, example: dict[str, Any], seeded: dict[str, str]
) -> None:
    listed = redline("list", "--json")
    assert listed.exit_code == 0 and json.loads(listed.stdout)["corrupt"] is None
    assert redline("list").stdout.split()[:2] == ["2", "versions"]


# -- symbolic links in a local archive -------------------------------------------------------


def _content(archive_dir: Path, name: str = "article.txt") -> Path:
    [found] = _object_root(archive_dir).rglob(f"v1/content/{name}")
    return found


@pytest.mark.parametrize("outside", [True, False], ids=["outside", "inside"])
def test_verify_fails_a_content_file_replaced_by_a_link(
    outside: bool, redline: Run, seeded: dict[str, str], archive_dir: Path, tmp_path: Path
) -> None:
    """Even to an identical copy: the archive no longer holds the file it vouches for."""
    content = _content(archive_dir)
    copy = (tmp_path / "elsewhere.txt") if outside else (archive_dir / "copy.txt")
    copy.write_bytes(content.read_bytes())
    content.unlink()
    content.symlink_to(copy)
    checked = redline("verify")
    assert checked.exit_code == 4
    assert "v1/content/article.txt: a symbolic link, not a file of the archive" in checked.stdout


def test_verify_fails_a_content_folder_replaced_by_a_link(
    redline: Run, seeded: dict[str, str], archive_dir: Path, tmp_path: Path
) -> None:
    folder = _content(archive_dir).parent
    copy = tmp_path / "content-copy"
    folder.rename(copy)
    folder.symlink_to(copy, target_is_directory=True)
    checked = redline("verify")
    assert checked.exit_code == 4
    problems = checked.stdout.splitlines()
    assert problems and all("symbolic link" in p for p in problems), problems
    assert len(problems) == len(list(copy.iterdir()))


@pytest.mark.parametrize("what", ["file", "folder"])
def test_a_capture_keeps_a_link_a_link(
    what: str,
    redline: Run,
    example: dict[str, Any],
    seeded: dict[str, str],
    archive_dir: Path,
    tmp_path: Path,
) -> None:
    """The next version of an object holding a link keeps the link (verify still names
    it); it never turns it into a file shared with the one outside the archive."""
    content = _content(archive_dir)
    target = content if what == "file" else content.parent
    outside = tmp_path / "outside"
    target.rename(outside)
    target.symlink_to(outside, target_is_directory=what == "folder")
    url, pages, times = example["url"], example["pages"], example["times"]
    result = redline("capture", "--html", str(pages[3]), "--url", url, "--at", times[3])
    assert result.exit_code == 0, result.output
    assert target.is_symlink()
    shared = [outside] if what == "file" else list(outside.iterdir())
    assert all(path.stat().st_nlink == 1 for path in shared)
    checked = redline("verify")
    assert checked.exit_code == 4 and "symbolic link" in checked.stdout


def test_an_archive_folder_that_is_itself_a_link_is_sound(
    redline: Run, seeded: dict[str, str], archive_dir: Path, tmp_path: Path
) -> None:
    link = tmp_path / "archive-link"
    link.symlink_to(archive_dir, target_is_directory=True)
    checked = redline("verify", "--archive", str(link))
    assert checked.exit_code == 0, checked.output


def test_sync_copies_nothing_through_a_link(
    redline: Run, seeded: dict[str, str], archive_dir: Path, tmp_path: Path
) -> None:
    content = _content(archive_dir)
    outside = tmp_path / "secret.txt"
    outside.write_bytes(content.read_bytes())
    content.unlink()
    content.symlink_to(outside)
    copy = tmp_path / "copy"
    result = redline("sync", str(archive_dir), str(copy))
    assert result.exit_code == 1
    assert "v1/content/article.txt is a symbolic link, not a file of the archive" in (result.stderr)
    assert "Traceback" not in result.output
    # The object is not copied at all; nothing in the copy is a link or the outside file.
    assert not list((copy / "ocfl").rglob("0=ocfl_object_1.1"))
    assert not [p for p in copy.rglob("*") if p.is_symlink()]


# -- where the archive is ----------------------------------------------------------------------


def test_verify_on_an_empty_folder_says_there_is_no_archive(redline: Run, tmp_path: Path) -> None:
    where = tmp_path / "new-folder"
    where.mkdir()
    error_line(redline("verify", "--archive", str(where)), str(where), "no archive")
    assert list(where.iterdir()) == []


@pytest.mark.parametrize("location", ["s3:/bucket", "s3:bucket", "S3://bucket/x", "gs://bucket"])
@pytest.mark.parametrize("args", [*READ_COMMANDS, CAPTURE_FILE], ids=lambda a: a[0])
def test_an_archive_location_that_is_no_s3_url_is_refused(
    location: str, args: list[str], redline: Run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    result = redline(*args, "--archive", location)
    line = error_line(result, repr(location), "s3://BUCKET/PREFIX", status=2)
    assert list(tmp_path.iterdir()) == [], line


def test_sync_refuses_a_one_slash_s3_url(
    redline: Run,
    seeded: dict[str, str],
    archive_dir: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.chdir(tmp_path)
    result = redline("sync", str(archive_dir), "s3:/bucket")
    error_line(result, "'s3:/bucket'", "s3://BUCKET/PREFIX", status=2)
    assert not (tmp_path / "s3:").exists()


# -- very long input ----------------------------------------------------------------------------


def test_an_unusable_long_watchlist_line_is_cut_in_its_message(
    redline: Run, tmp_path: Path
) -> None:
    from redline.archive.watch.watchlist import parse_watchlist

    lines = [
        "https://news.example/" + "a" * 100_000 + " trailing words",
        "b" * 100_000,
        "c" * 100_000 + ": a directive?",
        "contact: " + "\u00e9" * 100_000,
        "ftp://" + "d" * 100_000,
    ]
    watchlist = parse_watchlist("\n".join(lines), "list.txt")
    assert len(watchlist.problems) == len(lines)
    for number, problem in enumerate(watchlist.problems, start=1):
        assert problem.startswith(f"list.txt line {number}: "), problem[:200]
        assert len(problem) < 400, problem[:400]
        assert "…' (100," in problem, problem
    listed = tmp_path / "list.txt"
    listed.write_text("\n".join(lines) + "\n")
    result = redline("watch", str(listed))
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert len(result.output) < 4000, result.output[:1000]


def test_a_very_long_bad_url_is_cut_in_its_message(redline: Run) -> None:
    line = error_line(redline("capture", "https://" + "a" * 5000 + ".example/x"), "characters)")
    assert len(line) < 600, line
    result = redline("capture", "ftp://news.example/" + "a" * 100_000)
    assert result.exit_code == 2 and "(100,019 characters)" in result.stderr
    assert len(result.stderr) < 600, result.stderr


# -- unknown articles and versions ---------------------------------------------------------


def test_unknown_url(redline: Run, seeded: dict[str, str], archive_dir: Path) -> None:
    other = "https://news.example.com/never-captured"
    for args in (["log", other], ["show", other], ["diff", other], ["diff", other, "1", "2"]):
        line = error_line(redline(*args), other, "redline list")
        assert "no article" in line
    assert tree(archive_dir) == seeded


@pytest.mark.parametrize(
    "args",
    [
        ["show", "{url}", "--version", "0"],
        ["show", "{url}", "--version", "3"],
        ["show", "{url}", "--version", "99999999999999999999"],
        ["show", "{url}", "--version", "-3"],
        ["diff", "{url}", "0", "2"],
        ["diff", "{url}", "1", "3"],
        ["diff", "{url}", "-3", "-1"],
        ["diff", "{url}", "1", "-7"],
        ["diff", "{url}", "3"],
    ],
    ids=lambda args: " ".join(args[2:]),
)
def test_unknown_version(
    args: list[str],
    redline: Run,
    example: dict[str, Any],
    seeded: dict[str, str],
    archive_dir: Path,
) -> None:
    url = example["url"]
    line = error_line(redline(*(a.format(url=url) for a in args)), url, "versions 1 to 2")
    assert "no version" in line
    assert tree(archive_dir) == seeded


@pytest.mark.parametrize(
    "args",
    [["diff", "{url}", "two", "1"], ["diff", "{url}", "1", "1.5"], ["diff", "{url}", "v1", "v2"]],
    ids=lambda args: " ".join(args[2:]),
)
def test_non_numeric_version(
    args: list[str],
    redline: Run,
    example: dict[str, Any],
    seeded: dict[str, str],
    archive_dir: Path,
) -> None:
    result = redline(*(a.format(url=example["url"]) for a in args))
    line = error_line(result, status=2)
    assert "not a version number" in line
    assert tree(archive_dir) == seeded


def test_diff_with_one_version(redline: Run, example: dict[str, Any], archive_dir: Path) -> None:
    url, page = example["url"], example["pages"][0]
    assert redline("capture", "--html", str(page), "--url", url).exit_code == 0
    before = tree(archive_dir)
    error_line(redline("diff", url), url, "nothing to compare")
    assert tree(archive_dir) == before


# -- the installed command, end to end -------------------------------------------------------


def _run_module(*args: str, archive: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "redline.cli", *args, "--archive", str(archive)],
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_end_to_end_failures_are_one_line(
    example: dict[str, Any], tmp_path: Path, http_server: LocalHTTPServer
) -> None:
    archive = tmp_path / "archive"
    good = http_server.route("/news/one", body=example["pages"][0].read_bytes())
    bad = http_server.route("/news/pdf", body=PDF, content_type="application/pdf")
    mixed = _run_module("capture", good, bad, archive=archive)
    assert mixed.returncode == 1 and "Traceback" not in mixed.stderr
    assert mixed.stderr.count("\n") == 1 and mixed.stderr.startswith("Error: " + bad)
    assert mixed.stdout.startswith("new") and good in mixed.stdout
    before = tree(archive)
    refused = _run_module("capture", f"http://127.0.0.1:{unused_port()}/a", archive=archive)
    assert refused.returncode == 1 and refused.stdout == ""
    assert refused.stderr.count("\n") == 1 and "connection refused" in refused.stderr
    as_file = tmp_path / "plain.txt"
    as_file.write_text("x")
    listing = _run_module("list", archive=as_file)
    assert listing.returncode == 1 and listing.stderr.count("\n") == 1
    assert "is a file" in listing.stderr and "Traceback" not in listing.stderr
    assert tree(archive) == before


def test_a_failed_first_capture_leaves_no_archive_behind(
    redline: Run, archive_dir: Path, tmp_path: Path
) -> None:
    for option in ("--html", "--warc"):
        args = [option, str(tmp_path / "nosuch")]
        result = redline(
            "capture", *args, *(["--url", "https://a.example/x"] * (option == "--html"))
        )
        assert result.exit_code == 1 and "no such file" in result.stderr
        assert not archive_dir.exists()


def test_verify_on_a_folder_where_nothing_was_stored_says_there_is_no_archive(
    redline: Run, archive_dir: Path
) -> None:
    # Only redline's bookkeeping there (a watch run that met blocked pages alone):
    # nothing was lost, so this is no damaged archive.
    (archive_dir / "state" / "index").mkdir(parents=True)
    (archive_dir / "state" / "index" / "shard-1-of-1.jsonl").write_text(
        '{"id":"https://a.example/x","checks":1}\n'
    )
    result = redline("verify")
    assert result.exit_code == 1
    assert "nothing is stored there yet" in result.stderr


def test_an_archive_s_own_ocfl_folder_is_named_for_what_it_is(
    redline: Run, example: dict[str, Any], archive_dir: Path
) -> None:
    pages, times = example["pages"], example["times"]
    url = str(example["url"])
    assert (
        redline("capture", "--html", str(pages[0]), "--url", url, "--at", times[0]).exit_code == 0
    )
    result = redline("list", "--archive", str(archive_dir / "ocfl"))
    assert result.exit_code == 1
    assert "is the OCFL storage root of an archive, not the archive" in result.stderr
    assert "the folder that holds it" in result.stderr


def test_an_article_asked_for_by_another_spelling_of_its_url_is_suggested(
    redline: Run, example: dict[str, Any]
) -> None:
    pages, times = example["pages"], example["times"]
    url = str(example["url"])
    assert (
        redline("capture", "--html", str(pages[0]), "--url", url, "--at", times[0]).exit_code == 0
    )
    other = url.replace("https://www.", "http://") + "/"
    result = redline("log", other)
    assert result.exit_code != 0
    assert result.stderr.strip().endswith(f"did you mean {url}?")
    unknown = redline("log", "https://elsewhere.example/story")
    assert "run redline list to see what is there" in unknown.stderr
