"""docs/security.md's figures are the test suite's: each row's **Cases** is the number of
test cases (parametrized cases each once) of the tests it names, collected by pytest."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
DOC = REPO / "docs" / "security.md"
ROW = re.compile(r"^\| (?P<threat>[^|]+) \| [^|]+ \| (?P<cases>\d+) \| (?P<tests>.+) \|$")
NAMED = re.compile(r"`(tests/[\w/]+\.py(?:::\w+)?)`")


def rows() -> list[tuple[str, int, list[str]]]:
    found = []
    for line in DOC.read_text(encoding="utf-8").splitlines():
        match = ROW.match(line)
        if match:
            names = NAMED.findall(match["tests"])
            assert names, line
            found.append((match["threat"][:60], int(match["cases"]), names))
    return found


def collected(files: set[str]) -> list[str]:
    """Every test id pytest collects from ``files``, parametrized cases included."""
    done = subprocess.run(
        [sys.executable, "-m", "pytest", "--collect-only", "-q", "-p", "no:cacheprovider",
         *sorted(files)],
        cwd=REPO, capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]
    return [line.strip() for line in done.stdout.splitlines() if "::" in line]


def test_every_figure_is_the_number_of_cases_the_suite_holds() -> None:
    table = rows()
    assert len(table) >= 15
    ids = collected({name.split("::")[0] for _, _, names in table for name in names})
    for threat, cases, names in table:
        count = 0
        for name in names:
            if "::" in name:
                matching = [i for i in ids if i.split("[")[0] == name]
            else:
                matching = [i for i in ids if i.startswith(name + "::")]
            assert matching, f"{name} collects no test"
            count += len(matching)
        assert count == cases, f"{threat}: the doc says {cases} cases, the suite holds {count}"


def test_the_readme_links_the_page() -> None:
    assert "(docs/security.md)" in (REPO / "README.md").read_text(encoding="utf-8")
