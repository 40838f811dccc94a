"""The code's layout holds: layers import downwards only, every package says what it is
for, the installed package list matches the folders, and the type check sees our code."""

from __future__ import annotations

import ast
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
ARCHIVE = REPO / "archive"

#: The engine's layers, lowest first. A module may import its own layer and those
#: below it, never one above: the flow fetch → extract → diff → store/ocfl → ingest →
#: watch → render is the direction of every import, and the top of archive/ holds the
#: use-cases the command line calls.
LAYERS = ["core", "fetch", "extract", "diff", "store", "ocfl", "ingest", "watch", "render", ""]
#: Exports (WACZ, WARC, BagIt, tables) read every layer below the use-cases.
LAYERS.insert(LAYERS.index(""), "export")
#: At most this many modules at the top of archive/ (use-cases and the public API).
TOP_LIMIT = 12


def _layer_of(module: str) -> str | None:
    """The layer of ``redline.archive.X[.Y]``: its subpackage, "" for the top level."""
    parts = module.split(".")
    if parts[:2] != ["redline", "archive"]:
        return None
    if len(parts) == 2:
        return ""
    if (ARCHIVE / parts[2]).is_dir():
        return parts[2]
    return ""


def _imports(path: Path) -> list[tuple[int, str]]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom):
            assert node.level == 0, f"{path}:{node.lineno}: relative import; use redline.…"
            if node.module == "redline.archive":
                found += [(node.lineno, f"redline.archive.{alias.name}") for alias in node.names]
            elif node.module:
                found.append((node.lineno, node.module))
        elif isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
    return found


def _module_name(path: Path) -> str:
    rel = path.relative_to(ARCHIVE).with_suffix("")
    parts = [p for p in rel.parts if p != "__init__"]
    return ".".join(["redline", "archive", *parts])


def test_no_module_imports_a_layer_above_its_own() -> None:
    upward = []
    for path in sorted(ARCHIVE.rglob("*.py")):
        own = _layer_of(_module_name(path))
        assert own in LAYERS, f"{path} is in no known layer; add its package to LAYERS"
        for line, target in _imports(path):
            theirs = _layer_of(target)
            if theirs is None:
                continue
            if LAYERS.index(theirs) > LAYERS.index(own):
                upward.append(f"{path.relative_to(REPO)}:{line} ({own or 'top'}) imports {target}")
    assert upward == []


def test_the_walk_would_catch_an_upward_import(tmp_path: Path) -> None:
    module = tmp_path / "probe.py"
    module.write_text("from redline.archive.watch.events import Event\n")
    (line, target), *_ = _imports(module)
    assert LAYERS.index(_layer_of(target) or "") > LAYERS.index("fetch")


def test_the_command_line_imports_no_relative_modules() -> None:
    for path in sorted((REPO / "cli").glob("*.py")):
        _imports(path)  # asserts absolute imports


def test_every_package_says_what_it_is_for() -> None:
    for init in sorted(ARCHIVE.rglob("__init__.py")):
        doc = ast.get_docstring(ast.parse(init.read_text(encoding="utf-8")))
        assert doc and len(doc) > 20, f"{init.relative_to(REPO)} has no docstring"


def test_the_top_of_archive_holds_few_modules() -> None:
    top = [p.name for p in ARCHIVE.glob("*.py")]
    assert len(top) <= TOP_LIMIT, top


def test_every_package_folder_is_installed() -> None:
    tomllib = pytest.importorskip("tomllib", reason="tomllib is in Python 3.11 and newer")
    config = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))
    listed = set(config["tool"]["setuptools"]["packages"])
    folders = {_module_name(init) for init in ARCHIVE.rglob("__init__.py")}
    assert folders <= listed, f"add {sorted(folders - listed)} to [tool.setuptools] packages"


@pytest.mark.slow
def test_the_type_check_sees_across_modules(tmp_path: Path) -> None:
    """A call from the command line into the engine with a wrong type fails ``mypy``:
    the check resolves redline.* imports instead of treating them as unknown."""
    if shutil.which("mypy", path=str(Path(sys.executable).parent)) is None:
        pytest.skip("mypy is part of the [test] extra")
    for name in ("cli", "archive", "src"):
        shutil.copytree(REPO / name, tmp_path / name, symlinks=True)
    shutil.copytree(REPO / ".typecheck", tmp_path / ".typecheck", symlinks=True)
    shutil.copy(REPO / "pyproject.toml", tmp_path / "pyproject.toml")
    if (REPO / ".mypy_cache").is_dir():
        shutil.copytree(REPO / ".mypy_cache", tmp_path / ".mypy_cache")
    mypy = [str(Path(sys.executable).parent / "mypy")]
    clean = subprocess.run(mypy, cwd=tmp_path, capture_output=True, text=True)
    assert clean.returncode == 0, clean.stdout
    target = tmp_path / "cli" / "diff.py"
    target.write_text(
        target.read_text(encoding="utf-8")
        + "\n\ndef _injected() -> int:\n    return parse_version(3)\n",
        encoding="utf-8",
    )
    broken = subprocess.run(mypy, cwd=tmp_path, capture_output=True, text=True)
    assert broken.returncode == 1, broken.stdout
    assert "cli/diff.py" in broken.stdout
    assert 'Argument 1 to "parse_version" has incompatible type "int"' in broken.stdout


def test_only_the_archive_layer_touches_the_store() -> None:
    """The archive's keys have one owner: outside ocfl/ (and the stores themselves)
    nothing imports a store or reaches through ``Archive.store``."""
    found = []
    for path in sorted([*ARCHIVE.rglob("*.py"), *(REPO / "cli").glob("*.py")]):
        rel = path.relative_to(REPO)
        if rel.parts[:2] in (("archive", "ocfl"), ("archive", "store")):
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.Attribute) and node.attr == "store":
                found.append(f"{rel}:{node.lineno} uses .store")
        for line, target in _imports(path):
            if target.startswith("redline.archive.store"):
                found.append(f"{rel}:{line} imports {target}")
    assert found == []


def test_the_public_api_resolves_and_works(example: dict[str, object], tmp_path: Path) -> None:
    import redline.archive as api

    for name in api.__all__:
        assert getattr(api, name) is not None
    pages = example["pages"]
    assert isinstance(pages, list)
    url = str(example["url"])
    archive = api.Archive.open(str(tmp_path / "archive"), create=True)
    api.capture_file(archive, pages[0], url)
    api.capture_file(archive, pages[2], url)
    text = api.render_diff("text", api.compare_versions(archive, url))
    assert "[-12-]{+9+}" in text
