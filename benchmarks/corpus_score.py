"""Scoring shared by the extraction benchmark and the corpus test.

Body text is scored as 4-gram shingle precision and recall over ``\\w+`` tokens,
count-aware, per page; pages are averaged and F1 is taken from the averages.
"""

from __future__ import annotations

import gzip
import json
import re
import unicodedata
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from lxml import html as lxml_html

REPO_ROOT = Path(__file__).resolve().parents[1]
CORPUS_DIR = REPO_ROOT.parent / "shared" / "corpora" / "readability-pages"

_WORD = re.compile(r"\w+")


@dataclass(frozen=True)
class Page:
    name: str
    source: bytes
    expected_text: str
    metadata: dict[str, Any]


def iter_pages(corpus: Path = CORPUS_DIR, limit: int | None = None) -> Iterator[Page]:
    """The corpus pages in name order."""
    dirs = sorted(p for p in corpus.iterdir() if (p / "source.html.gz").is_file())
    for folder in dirs[:limit] if limit else dirs:
        source = gzip.decompress((folder / "source.html.gz").read_bytes())
        expected_html = gzip.decompress((folder / "expected.html.gz").read_bytes())
        meta_path = folder / "expected-metadata.json"
        metadata = json.loads(meta_path.read_text("utf-8")) if meta_path.is_file() else {}
        yield Page(folder.name, source, html_text(expected_html), metadata)


def html_text(markup: bytes | str) -> str:
    """The visible text of an HTML fragment."""
    if not markup.strip():
        return ""
    tree = lxml_html.fromstring(markup)
    for bad in tree.xpath("//script|//style"):
        bad.drop_tree()
    return " ".join(tree.itertext())


def shingles(text: str, n: int = 4) -> Counter[tuple[str, ...]]:
    tokens = [t.lower() for t in _WORD.findall(text)]
    if len(tokens) < n:
        return Counter([tuple(tokens)]) if tokens else Counter()
    return Counter(tuple(tokens[i : i + n]) for i in range(len(tokens) - n + 1))


def precision_recall(got: str, expected: str) -> tuple[float, float]:
    """Count-aware 4-gram shingle precision and recall of ``got`` against ``expected``."""
    g = shingles(got)
    e = shingles(expected)
    if not g and not e:
        return 1.0, 1.0
    overlap = sum((g & e).values())
    precision = overlap / sum(g.values()) if g else 0.0
    recall = overlap / sum(e.values()) if e else 0.0
    return precision, recall


@dataclass
class BodyScore:
    precision_sum: float = 0.0
    recall_sum: float = 0.0
    pages: int = 0

    def add(self, got: str, expected: str) -> None:
        p, r = precision_recall(got, expected)
        self.precision_sum += p
        self.recall_sum += r
        self.pages += 1

    @property
    def precision(self) -> float:
        return self.precision_sum / self.pages if self.pages else 0.0

    @property
    def recall(self) -> float:
        return self.recall_sum / self.pages if self.pages else 0.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0


def norm_text(value: str | None) -> str:
    """Compare titles and bylines ignoring case, spacing and a leading "By"."""
    if not value:
        return ""
    text = unicodedata.normalize("NFKC", value).casefold()
    text = re.sub(r"^\s*by[\s:]+", "", text)
    return " ".join(_WORD.findall(text))


def norm_date(value: str | None) -> str:
    """A date to the minute in UTC when it has a time, else the calendar date."""
    if not value:
        return ""
    text = value.strip()
    try:
        dt = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        match = re.match(r"\d{4}-\d{2}-\d{2}", text)
        return match.group(0) if match else text
    if dt.tzinfo is not None:
        dt = dt.astimezone(timezone.utc)
    if len(text) <= 10:
        return dt.strftime("%Y-%m-%d")
    return dt.strftime("%Y-%m-%dT%H:%M")


def same_date(got: str | None, expected: str | None) -> bool:
    """Equal to the minute, or on the same calendar day when either lacks a time."""
    a, b = norm_date(got), norm_date(expected)
    if a == b:
        return True
    if not a or not b:
        return False
    if len(a) == 10 or len(b) == 10:
        return a[:10] == b[:10]
    return False
