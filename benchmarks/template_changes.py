"""Real pages re-templated: the same article under changed markup must stay unchanged.

    python benchmarks/template_changes.py [--every N] [--pages]

Each page of ``../shared/corpora/readability-pages`` is captured, then captured again
after one change of the kind a publisher's new template makes while the article stays
word for word the same. Every second capture must be "unchanged", and never a stealth
edit. The changes:

- ``scripts``: scripts, styles and noscript removed (JSON-LD metadata goes with them);
- ``wrap``: the page's content wrapped in two new containers, links moved to https;
- ``head``: meta, link and script elements removed from the <head> (the <title> stays);
- ``classes``: every class and id attribute removed (a template without the names the
  furniture rules know).

The first two are what real redesigns do every day; the last two are harsher than
most, and are shown for what they reveal.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable
from datetime import datetime, timezone
from pathlib import Path

from lxml import etree
from lxml import html as lxml_html

sys.path.insert(0, str(Path(__file__).resolve().parent))

from corpus_score import CORPUS_DIR, iter_pages  # noqa: E402
from recapture_cases import Outcome, Pair, redline_outcome  # noqa: E402

Change = Callable[[bytes], bytes]


def _tree(source: bytes) -> lxml_html.HtmlElement:
    from redline.archive.extract.decode import decode_html

    return lxml_html.document_fromstring(decode_html(source, None))


def _bytes(root: lxml_html.HtmlElement) -> bytes:
    return etree.tostring(root, encoding="utf-8", method="html", doctype="<!DOCTYPE html>")


def without_scripts(source: bytes) -> bytes:
    root = _tree(source)
    for el in list(root.iter("script", "style", "noscript")):
        el.drop_tree()
    return _bytes(root)


def wrapped(source: bytes) -> bytes:
    root = _tree(source)
    body = root.find("body")
    if body is not None:
        children = list(body)
        outer = etree.SubElement(body, "div", {"class": "page-wrapper"})
        inner = etree.SubElement(outer, "div", {"class": "container"})
        for child in children:
            inner.append(child)
    for link in root.iter("a"):
        href = link.get("href") or ""
        if href.startswith("http://"):
            link.set("href", "https://" + href[len("http://") :])
    return _bytes(root)


def without_head_metadata(source: bytes) -> bytes:
    root = _tree(source)
    head = root.find("head")
    if head is not None:
        for el in list(head):
            if el.tag in ("meta", "link", "script"):
                el.drop_tree()
    return _bytes(root)


def without_classes(source: bytes) -> bytes:
    root = _tree(source)
    for el in root.iter():
        if isinstance(el.tag, str):
            for name in ("class", "id"):
                el.attrib.pop(name, None)
    return _bytes(root)


CHANGES: dict[str, Change] = {
    "scripts": without_scripts,
    "wrap": wrapped,
    "head": without_head_metadata,
    "classes": without_classes,
}


def run(change: str, every: int = 1) -> list[Outcome]:
    """Each page, then the same page under ``change``, into an empty archive."""
    at = datetime(2020, 1, 1, tzinfo=timezone.utc)
    outcomes = []
    for page in iter_pages(every=every):
        url = page.metadata.get("url") or f"https://pages.example/{page.name}"
        pair = Pair(page.name, url, "template", page.source, CHANGES[change](page.source), at, ())
        outcomes.append(redline_outcome(pair))
    return outcomes


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--every", type=int, default=1, help="every Nth page only")
    parser.add_argument("--pages", action="store_true", help="name every page called changed")
    args = parser.parse_args(argv)
    if not CORPUS_DIR.is_dir():
        print(f"corpus not found at {CORPUS_DIR}", file=sys.stderr)
        return 1
    print(f"{'change':8} {'unchanged':>11} {'changed':>8} {'stealth':>8} {'s':>6}")
    for change in CHANGES:
        start = time.perf_counter()
        outcomes = run(change, args.every)
        seconds = time.perf_counter() - start
        wrong = [o for o in outcomes if not o.right]
        stealth = sum(o.changed and o.stealth for o in outcomes)
        right = len(outcomes) - len(wrong)
        counts = f"{right:>6}/{len(outcomes):<4} {len(wrong):>8} {stealth:>8}"
        print(f"{change:8} {counts} {seconds:6.1f}")
        if args.pages:
            for o in wrong:
                why = o.error or "; ".join(o.reasons[:2])
                print(f"    {o.pair}: {'STEALTH ' if o.stealth else ''}{why[:120]}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
