"""Scoring shared by the extraction benchmark and the corpus test, on two corpora.

- ``readability-pages``: body text is scored as 4-gram shingle precision and recall over
  ``\\w+`` tokens, count-aware, per page; pages are averaged and F1 is taken from the
  averages.
- ``trafilatura-eval``: each page lists passages its article text must contain and
  passages it must not; over all passages of all pages, a wanted passage found is a true
  positive, one missing a false negative, an unwanted one found a false positive
  (whitespace-collapsed substring match, as trafilatura's own evaluation does).

Both extractors under comparison are here too, so that the benchmark and the test
score the same thing: redline's ``extract_article`` (headline, standfirst and body) and
bare ``trafilatura.extract`` with its default settings.
"""

from __future__ import annotations

import gzip
import json
import re
import unicodedata
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import TYPE_CHECKING, Any

from lxml import html as lxml_html

if TYPE_CHECKING:
    from redline.archive.core.models import Article

REPO_ROOT = Path(__file__).resolve().parents[1]
CORPORA_DIR = REPO_ROOT.parent / "shared" / "corpora"
CORPUS_DIR = CORPORA_DIR / "readability-pages"
EVAL_DIR = CORPORA_DIR / "trafilatura-eval"

_WORD = re.compile(r"\w+")


@dataclass(frozen=True)
class Page:
    name: str
    source: bytes
    expected_text: str
    metadata: dict[str, Any]


def _pick(items: list[Any], limit: int | None, every: int) -> list[Any]:
    """Every ``every``-th item (a spread-out sample), then the first ``limit`` of those."""
    chosen = items[::every] if every > 1 else items
    return chosen[:limit] if limit else chosen


def iter_pages(
    corpus: Path = CORPUS_DIR, limit: int | None = None, every: int = 1
) -> Iterator[Page]:
    """The corpus pages in name order."""
    dirs = sorted(p for p in corpus.iterdir() if (p / "source.html.gz").is_file())
    for folder in _pick(dirs, limit, every):
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


# --- trafilatura's evaluation set: passages that must and must not be extracted ----------


@dataclass(frozen=True)
class EvalPage:
    name: str
    url: str
    source: bytes
    wanted: tuple[str, ...]
    unwanted: tuple[str, ...]


def iter_eval_pages(
    corpus: Path = EVAL_DIR, limit: int | None = None, every: int = 1
) -> Iterator[EvalPage]:
    """The evaluation pages in name order."""
    cases: dict[str, dict[str, Any]] = json.loads((corpus / "cases.json").read_text("utf-8"))[
        "cases"
    ]
    for name in _pick(sorted(cases), limit, every):
        case = cases[name]
        yield EvalPage(
            name=name.removesuffix(".html.gz"),
            url=case["url"],
            source=gzip.decompress((corpus / "pages" / name).read_bytes()),
            wanted=tuple(case.get("with", ())),
            unwanted=tuple(case.get("without", ())),
        )


def squash(text: str) -> str:
    """Runs of whitespace collapsed to one space, both ends stripped."""
    return " ".join(text.split())


@dataclass
class PassageScore:
    """Passage counts over all pages, and the pages where nothing was extracted."""

    true_pos: int = 0
    false_neg: int = 0
    false_pos: int = 0
    true_neg: int = 0
    not_extracted: list[str] = field(default_factory=list)

    def add(self, got: str | None, page: EvalPage) -> tuple[int, int, int]:
        """Score one page's extraction (None: nothing extracted); its (tp, fn, fp)."""
        if got is None or not got.strip():
            self.not_extracted.append(page.name)
        text = squash(got or "")
        tp = sum(squash(p) in text for p in page.wanted)
        fp = sum(squash(p) in text for p in page.unwanted)
        fn = len(page.wanted) - tp
        self.true_pos += tp
        self.false_neg += fn
        self.false_pos += fp
        self.true_neg += len(page.unwanted) - fp
        return tp, fn, fp

    @property
    def precision(self) -> float:
        found = self.true_pos + self.false_pos
        return self.true_pos / found if found else 0.0

    @property
    def recall(self) -> float:
        wanted = self.true_pos + self.false_neg
        return self.true_pos / wanted if wanted else 0.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0


# --- the two extractors compared ----------------------------------------------------------


def redline_article(source: bytes, url: str | None = None) -> Article | None:
    """redline's Article for a page, None when it finds no article text on it."""
    from redline.archive.core.errors import RedlineError
    from redline.archive.extract.article import extract_article

    try:
        return extract_article(source, url=url)
    except RedlineError:  # no article text, or input refused as not a page
        return None


def redline_text(source: bytes, url: str | None = None) -> str | None:
    """redline's article text (headline, standfirst, body), None when it finds none."""
    article = redline_article(source, url)
    if article is None:
        return None
    return "\n".join(t for t in (article.title, article.subtitle, article.body) if t)


def trafilatura_text(source: bytes, url: str | None = None) -> str | None:
    """Bare ``trafilatura.extract`` with its default settings."""
    import trafilatura

    return trafilatura.extract(source, url=url)


def both_bodies(source: bytes) -> tuple[str | None, str | None]:
    """redline's body (None: no article found) and bare trafilatura's text of a page."""
    article = redline_article(source)
    return (article.body if article else None), trafilatura_text(source)


def both_texts(source: bytes) -> tuple[str | None, str | None]:
    """redline's article text and bare trafilatura's text of a page."""
    return redline_text(source), trafilatura_text(source)
