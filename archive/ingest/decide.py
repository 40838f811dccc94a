"""Did the article change? The decision between two readings of one article.

A new version means the article a reader sees changed: its headline, standfirst,
byline, publication date or text. It does not mean that the extractor read two
templates differently. So each field is compared by its meaning, and a difference
counts only when the page itself changed:

- text (headline, standfirst, body sentences) is compared folded: case, typographic
  quotes and dashes, spacing and punctuation are not edits. A sentence found in one
  extraction and not the other is an edit only when the other *page* does not show it
  anywhere either: the extractor may have left it out, or put it in another field;
- a byline is the set of its authors' names; a name counts as added or removed only
  when one page shows it and the other does not (a byline given only in a page's
  metadata was never shown to a reader);
- a publication date is a calendar day: the same instant written in two zones, or a
  date against a time stamp on that day, are the same date, and a date found in one
  capture only is no edit;
- the modified date, the canonical URL and the language are not what a reader sees:
  they are recorded with each version but never make one on their own;
- short lines that are not sentences ("Top stories", "Watch now", a time stamp) are
  page furniture, not text.

Two pages that show a reader the very same words are never an edit, however
differently their markup reads. What differed without counting is kept as a note for
the check (``Decision.seen``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta, timezone
from functools import cached_property

from redline.archive.core.models import Article
from redline.archive.extract.pagetext import WordIndex, contains, fold

#: A line of fewer words than this, not ending like a sentence, is not prose.
MIN_LINE_WORDS = 4
#: ... nor, in scripts written without spaces, a line of fewer characters than this.
MIN_LINE_CHARS = 12

_SENTENCE_END = re.compile(r"[.!?。！？…][\"'”’»)\]]*$")
# Where a sentence ends: its closing mark, quotes or brackets, then a space.
_SENTENCE_SPLIT = re.compile(r"(?<=[.!?。！？])[\"'”’»)\]]*\s+|(?<=[。！？])")
#: The words of a line that only dates the page ("This story is from October 9, 2019").
_STAMP_WORDS = frozenset(
    "january february march april may june july august september october november december "
    "jan feb mar apr jun jul aug sep sept oct nov dec monday tuesday wednesday thursday "
    "friday saturday sunday mon tue tues wed thu thur thurs fri sat sun today yesterday "
    "this story article post page is was from on at in of the a published updated posted "
    "last modified first am pm ist et est edt ct cst cdt pt pst pdt gmt utc bst cet cest "
    "hrs h min mins ago date time".split()
)
#: A line that points elsewhere ("Watch: ...", "In video: ...", "Read more: ...") is a
#: teaser for other content, not the article's text.
_TEASER = re.compile(
    r"(?:watch|video|in video|listen|podcast|read more|read also|also read|see also|"
    r"related|recommended|more from|photos?|gallery|slideshow)\b\s*(?:[:|\-–—]\s*|\s)",
    re.I,
)
_NAME_SPLIT = re.compile(r"\s*(?:,|;|&|/|\||\band\b|\bund\b|\bet\b|\by\b|\be\b)\s*", re.I)
_HANDLE = re.compile(r"@\w+")
#: What a byline says beside the names: "(Brussels bureau)", "[Reuters]".
_ASIDE = re.compile(r"\([^)]*\)|\[[^\]]*\]")
_BY = re.compile(r"^(?:(?:updated|written|reported|posted)\s+)?by\s+", re.I)


@dataclass(frozen=True)
class Reading:
    """One capture as the current extractor reads it: the article, and every word a
    reader sees on the page, folded (``pagetext.fold``)."""

    article: Article
    text: str = ""

    @property
    def compact(self) -> str:
        return self.text.replace(" ", "")

    @cached_property
    def words(self) -> WordIndex:
        return WordIndex(self.text)

    def shows(self, line: str, own: Reading) -> bool:
        """Whether this page shows ``line`` (folded), found in the reading ``own``:
        word for word or, when ``own``'s page does not show it word for word either
        (the extractor left out an inline formula or image in it), with its words in
        order and a few others between them."""
        if contains(self.text, line):
            return True
        return not contains(own.text, line) and self.words.in_order(line)


@dataclass(frozen=True)
class Decision:
    """What changed between two readings: the fields a reader sees changed in, and the
    differences that were not edits."""

    changed: tuple[str, ...] = ()
    seen: tuple[str, ...] = ()
    #: For each changed field, a few words of why (for a note or a test).
    why: dict[str, str] = field(default_factory=dict)

    @property
    def is_changed(self) -> bool:
        return bool(self.changed)

    def note(self) -> str | None:
        """What differed on the page without the article changing, in one line."""
        if self.changed or not self.seen:
            return None
        return "the page changed, the article did not: " + ", ".join(self.seen)


def decide(old: Reading, new: Reading) -> Decision:
    """Whether the article read as ``new`` differs, for a reader, from ``old``."""
    changed: list[str] = []
    seen: list[str] = []
    why: dict[str, str] = {}
    a, b = old.article, new.article

    for name in ("title", "subtitle"):
        verdict = _text_field(getattr(a, name), getattr(b, name), old, new, parts=name == "title")
        if verdict == "edit":
            changed.append(name)
            why[name] = f"{getattr(a, name)!r} → {getattr(b, name)!r}"
        elif verdict == "variance":
            seen.append(_LABELS[name])

    names = _byline(a.byline, b.byline, old, new)
    if names == "edit":
        changed.append("byline")
        why["byline"] = f"{a.byline!r} → {b.byline!r}"
    elif names == "variance":
        seen.append("byline")

    if _dates_differ(a.published, b.published):
        changed.append("published")
        why["published"] = f"{a.published} → {b.published}"
    elif (a.published or None) != (b.published or None):
        seen.append("published date")

    body = _body(a.paragraphs, b.paragraphs, old, new)
    if body:
        changed.append("body")
        why["body"] = body
    elif a.paragraphs != b.paragraphs:
        seen.append("body layout")

    for name in ("modified", "canonical_url", "language"):
        if (getattr(a, name) or None) != (getattr(b, name) or None):
            seen.append(_LABELS[name])
    if changed and old.text and old.text == new.text:
        # Every word a reader sees is the same on both pages: whatever the extractor
        # read differently (a new template's markup, metadata only in one), nothing
        # a reader sees changed.
        labels = [_LABELS[name] for name in changed]
        seen = [*labels, *(s for s in seen if s not in labels)]
        return Decision((), tuple(seen), {})
    return Decision(tuple(changed), tuple(seen), why)


#: Fields a reader does not see: recorded, never a version on their own.
_UNSEEN_FIELDS = ("modified", "canonical_url", "language")
_LABELS = {
    "title": "headline",
    "subtitle": "standfirst",
    "byline": "byline",
    "published": "published date",
    "body": "body",
    "modified": "modified date",
    "canonical_url": "canonical URL",
    "language": "language",
}


def _text_field(
    a: str | None, b: str | None, old: Reading, new: Reading, *, parts: bool = False
) -> str:
    """ "same", "variance" (the words differ, but each page still shows the other's) or
    "edit", for a one-line field such as the headline. With ``parts``, a headline is
    read as its parts (a kicker, the headline, a page number, between separators and
    brackets), each of which must still be on the other page."""
    fa, fb = fold(a), fold(b)
    if fa == fb:
        return "same"
    before = _parts(a) if parts else {fa} - {""}
    after = _parts(b) if parts else {fb} - {""}
    if before == after:
        return "variance"
    gained = [s for s in after - before if not old.shows(s, new)]
    lost = [s for s in before - after if not new.shows(s, old)]
    return "edit" if gained or lost else "variance"


_TITLE_PARTS = re.compile(r"\s+[-–—|·»:]\s+|\s*[|:：()（）\[\]【】「」]\s*")
_PAGE_WORDS = frozenset({"page", "pages", "part", "ページ", "seite", "página", "pagina"})


def _parts(title: str | None) -> set[str]:
    """A headline's parts, folded, leaving out page numbers ("(1/2 ページ)")."""
    out = set()
    for piece in _TITLE_PARTS.split(title or ""):
        folded = fold(piece)
        if folded and not all(w.isdigit() or w in _PAGE_WORDS for w in folded.split()):
            out.add(folded)
    return out


def author_names(byline: str | None) -> set[str]:
    """The authors a byline names, folded: "By Ann Lee and Bo Park" → {ann lee, bo park};
    handles, "By" and "Updated by" prefixes and case do not count."""
    if not byline:
        return set()
    text = _BY.sub("", _HANDLE.sub(" ", _ASIDE.sub(" ", byline)).strip())
    names = {fold(part) for part in _NAME_SPLIT.split(text)}
    return {name for name in names if name}


def _byline(a: str | None, b: str | None, old: Reading, new: Reading) -> str:
    before, after = author_names(a), author_names(b)
    if before == after:
        return "same"
    # A name counts when one page shows it and the other does not: a byline found only
    # in one page's metadata (JSON-LD, meta tags) was never shown to a reader.
    gained = [n for n in after - before if _shown_name(n, new) and not _shown_name(n, old)]
    lost = [n for n in before - after if _shown_name(n, old) and not _shown_name(n, new)]
    return "edit" if gained or lost else "variance"


def _shown_name(name: str, reading: Reading) -> bool:
    return name.replace(" ", "") in reading.compact


#: Two publication dates closer than this are one date written two ways (zones, a
#: date against a time stamp that day, a template that rounds or shifts the hour).
SAME_DATE = timedelta(hours=26)


def _instant(value: str | None) -> datetime | None:
    """When a date says, as an instant (a date alone: noon UTC of that day)."""
    if not value:
        return None
    text = value.strip()
    try:
        when = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        match = re.match(r"^(\d{4})-(\d{2})-(\d{2})", text)
        if not match:
            return None
        try:
            year, month, day = (int(g) for g in match.groups())
            when = datetime(year, month, day, 12)
        except ValueError:
            return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=timezone.utc)
    if len(text) <= 10:
        when = when.replace(hour=12)
    return when


def _dates_differ(a: str | None, b: str | None) -> bool:
    """Whether two publication dates name different days: both given, more than a day
    apart. A date found in one capture only is the extractor's, not the page's."""
    first, second = _instant(a), _instant(b)
    if first is None or second is None:
        return False
    return abs(first - second) > SAME_DATE


def sentences(paragraphs: tuple[str, ...]) -> list[str]:
    """The sentences of the body, folded, leaving out lines that are not prose."""
    out = []
    for paragraph in paragraphs:
        for sentence in _SENTENCE_SPLIT.split(paragraph):
            folded = fold(sentence)
            if folded and _is_prose(sentence, folded):
                out.append(folded)
    return out


def _is_prose(raw: str, folded: str) -> bool:
    """Whether a line is text rather than furniture: it has letters, it is not only a
    time stamp ("Updated: Oct 9, 2019, 11:05 IST"), and it reads as a sentence or is
    long enough to be one."""
    words = folded.split()
    if not any(c.isalpha() for c in folded):
        return False
    if len(words) <= 24 and _TEASER.match(raw.strip()):
        return False
    if len(words) <= 12 and all(w in _STAMP_WORDS or w.isdigit() for w in words):
        return False
    if _SENTENCE_END.search(raw.strip()):
        return True
    unspaced = sum(_is_unspaced_text(c) for c in folded)
    if unspaced:
        spaced = [w for w in words if not any(_is_unspaced_text(c) for c in w)]
        return unspaced >= MIN_LINE_CHARS or len(spaced) >= MIN_LINE_WORDS
    return len(words) >= MIN_LINE_WORDS


def _is_unspaced_text(char: str) -> bool:
    code = ord(char)
    return 0x2E80 <= code <= 0x9FFF or 0x0E00 <= code <= 0x0EFF


def _body(a: tuple[str, ...], b: tuple[str, ...], old: Reading, new: Reading) -> str:
    """Why the body changed for a reader, or "" when it did not."""
    if a == b:
        return ""
    before, after = sentences(a), sentences(b)
    seen_before, seen_after = set(before), set(after)
    added = [s for s in after if s not in seen_before and not old.shows(s, new)]
    removed = [s for s in before if s not in seen_after and not new.shows(s, old)]
    if added:
        return f"sentence added: {added[0][:80]}"
    if removed:
        return f"sentence removed: {removed[0][:80]}"
    folded_a = [fold(p) for p in a]
    folded_b = [fold(p) for p in b]
    if folded_a != folded_b and sorted(folded_a) == sorted(folded_b):
        return "paragraphs moved"
    return ""


def reconcile(
    old: Reading, new: Reading, decision: Decision | None = None
) -> tuple[Article, Article]:
    """The two articles as they should be diffed and graded: a field that differs only
    because the extractor read the two templates differently (``Decision.seen``) is
    shown as it was, so a diff shows, and a grade weighs, only what the page changed.
    A modified date, canonical URL or language found on one side only is taken as
    unchanged."""
    decision = decision or decide(old, new)
    a, b = old.article, new.article

    def pick(name: str, side: Article) -> str | None:
        before, after = getattr(a, name), getattr(b, name)
        if before == after or name in decision.changed:
            return getattr(side, name)
        if name in _UNSEEN_FIELDS and before and after:
            return getattr(side, name)  # both given: each side says what it says
        return before or after

    fields = ("title", "subtitle", "byline", "published", "modified", "canonical_url", "language")
    if all(pick(n, a) == getattr(a, n) and pick(n, b) == getattr(b, n) for n in fields):
        return a, b
    return (
        replace(
            a,
            title=pick("title", a),
            subtitle=pick("subtitle", a),
            byline=pick("byline", a),
            published=pick("published", a),
            modified=pick("modified", a),
            canonical_url=pick("canonical_url", a),
            language=pick("language", a),
        ),
        replace(
            b,
            title=pick("title", b),
            subtitle=pick("subtitle", b),
            byline=pick("byline", b),
            published=pick("published", b),
            modified=pick("modified", b),
            canonical_url=pick("canonical_url", b),
            language=pick("language", b),
        ),
    )
