"""Time redline's word diff on synthetic articles of about 1k, 10k and 100k words.

Each article gets realistic edits: 1% of the words replaced, a few sentences removed,
one paragraph moved and some figures changed. Every size is measured twice: with
paragraph breaks, and flattened to one paragraph.

For each case this prints the median time of ``diff_words``, its ratio to
``difflib.SequenceMatcher`` over the same token lists (default autojunk and
autojunk=False), and its ratio to the floor: the time merely to cut both texts into
tokens and hash them. It also prints the median time of the paragraph pass
(``diff_body``: the same flat diff plus the aligned paragraphs, moves found, from one
tokenisation) and checks that the output is the same with the pure-Python
diff-match-patch as with the C++ one. It also prints the characters inserted plus deleted, next to
those of one exact diff-match-patch run over the whole token strings (Diff_Timeout =
0, no anchoring) followed by the same whole-word semantic cleanup, where that run is
affordable.

    python benchmarks/diff.py            # everything (difflib at 100k takes a while)
    python benchmarks/diff.py --quick    # skip difflib at 100k words

SequenceMatcher with autojunk=False is quadratic in the number of repeated tokens (each
space is one): about a minute at 10k words and hours at 100k, so by default it runs up
to 10k words only (``--no-junk-up-to``).
"""

from __future__ import annotations

import argparse
import difflib
import random
import statistics
import time
from collections.abc import Callable
from functools import partial

from redline.archive.diff import words as worddiff
from redline.archive.diff.paragraphs import diff_body
from redline.archive.diff.words import (
    changed_chars,
    cleanup_semantic,
    diff_tokens_exact,
    diff_words,
    new_text,
    old_text,
    tokenize,
)

COMMON = (
    "the of and to a in that is was he for it with as his on be at by i this had not are "
    "but from or have an they which one you were her all she there would their we him "
    "been has when who will more no if out so said what up its about into than them can "
    "only other new some could time these two may then do first any my now such like our "
    "over man me even most made after also did many before must through back years where "
    "much your way well down should because each just those people how too little state "
    "good very make world still own see men work long get here between both life being "
    "under never day same another know while last might us great old year off come since "
    "against go came right used take three council mayor city police report officials "
    "government minister week percent million budget vote court judge spokesman statement"
).split()

SYLLABLES = "ba be bi bo bu ca ce ci co cu da de di do du fa fe fi fo ga ge gi go la le li lo "
SYLLABLES += "ma me mi mo na ne ni no pa pe pi po ra re ri ro sa se si so ta te ti to va ve vi"
SYLLABLE_LIST = SYLLABLES.split()


def make_vocabulary(rng: random.Random, size: int) -> list[str]:
    words = list(COMMON)
    seen = set(words)
    while len(words) < size:
        word = "".join(rng.choice(SYLLABLE_LIST) for _ in range(rng.randint(2, 4)))
        if word not in seen:
            seen.add(word)
            words.append(word)
    return words


def make_word(rng: random.Random, vocabulary: list[str]) -> str:
    """A word drawn with a Zipf-like skew, now and then a figure."""
    if rng.random() < 0.03:
        return str(rng.randint(2, 2000))
    index = min(int(rng.paretovariate(0.9)) - 1, len(vocabulary) - 1)
    if rng.random() < 0.5:
        index = rng.randrange(len(vocabulary))
    return vocabulary[index]


def make_sentence(rng: random.Random, vocabulary: list[str]) -> list[str]:
    return [make_word(rng, vocabulary) for _ in range(rng.randint(8, 30))]


def sentence_text(words: list[str]) -> str:
    text = " ".join(words)
    if len(words) > 6:
        comma = len(words) // 2
        text = " ".join(words[:comma]) + ", " + " ".join(words[comma:])
    return text[0].upper() + text[1:] + "."


def make_article(words: int, seed: int) -> list[list[list[str]]]:
    """Paragraphs of sentences of words, about ``words`` words in all."""
    rng = random.Random(seed)
    vocabulary = make_vocabulary(rng, max(2000, words // 4))
    paragraphs: list[list[list[str]]] = []
    total = 0
    while total < words:
        paragraph = [make_sentence(rng, vocabulary) for _ in range(rng.randint(1, 5))]
        total += sum(len(s) for s in paragraph)
        paragraphs.append(paragraph)
    return paragraphs


def edit_article(paragraphs: list[list[list[str]]], seed: int) -> list[list[list[str]]]:
    """1% of words replaced, sentences removed, a paragraph moved, figures changed."""
    rng = random.Random(seed)
    vocabulary = make_vocabulary(rng, 4000)
    edited = [[list(s) for s in p] for p in paragraphs]
    places = [
        (p, s, w)
        for p, para in enumerate(edited)
        for s, sen in enumerate(para)
        for w in range(len(sen))
    ]
    for p, s, w in rng.sample(places, max(1, len(places) // 100)):
        edited[p][s][w] = rng.choice(vocabulary)
    figures = [(p, s, w) for p, s, w in places if edited[p][s][w].isdigit()]
    for p, s, w in rng.sample(figures, min(len(figures), max(1, len(places) // 500))):
        edited[p][s][w] = str(rng.randint(2, 2000))
    for _ in range(max(1, len(places) // 2000)):
        para = rng.choice([p for p in edited if len(p) > 1] or edited)
        if len(para) > 1:
            del para[rng.randrange(len(para))]
    if len(edited) > 2:
        moved = edited.pop(rng.randrange(len(edited)))
        edited.insert(rng.randrange(len(edited) + 1), moved)
    return edited


def render(paragraphs: list[list[list[str]]], flat: bool) -> str:
    texts = [" ".join(sentence_text(s) for s in p) for p in paragraphs]
    return (" " if flat else "\n\n").join(texts)


def median_time(func: Callable[[], object], repeat: int) -> float:
    """Median seconds per call over ``repeat`` samples; a sample repeats a fast call
    until it takes at least 20 ms, so that timer noise and one-off pauses matter less."""
    start = time.perf_counter()
    func()
    once = time.perf_counter() - start
    calls = max(1, int(0.02 / max(once, 1e-6)))
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        for _ in range(calls):
            func()
        times.append((time.perf_counter() - start) / calls)
    return statistics.median(times)


def floor(old: str, new: str) -> None:
    list(map(hash, tokenize(old)))
    list(map(hash, tokenize(new)))


def sequence_matcher(old: str, new: str, autojunk: bool) -> None:
    matcher = difflib.SequenceMatcher(None, tokenize(old), tokenize(new), autojunk=autojunk)
    matcher.get_opcodes()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="skip difflib at 100k words")
    parser.add_argument("--sizes", default="1000,10000,100000", help="word counts")
    parser.add_argument(
        "--exact-up-to",
        type=int,
        default=100_000,
        help="compare with one exact diff-match-patch run up to this many words",
    )
    parser.add_argument(
        "--no-junk-up-to",
        type=int,
        default=10_000,
        help="run SequenceMatcher(autojunk=False) up to this many words "
        "(it grows with the square of the length: about a minute at 10k, hours at 100k)",
    )
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]

    header = (
        f"{'words':>7} {'layout':<6} {'redline':>9} {'floor':>8} {'x floor':>8} "
        f"{'paras':>8} {'x floor':>8} {'same':>5} "
        f"{'difflib':>9} {'x':>6} {'no-junk':>9} {'x':>6} {'changed':>8} {'exact':>8}"
    )
    print(header)
    for size in sizes:
        article = make_article(size, seed=size)
        edited = edit_article(article, seed=size + 1)
        for flat in (False, True):
            old, new = render(article, flat), render(edited, flat)
            repeat = 9 if size <= 10_000 else 5
            ops = diff_words(old, new)
            assert old_text(ops) == old and new_text(ops) == new
            fast = worddiff._fast_diff
            worddiff._fast_diff = None  # the pure-Python diff-match-patch
            same = diff_words(old, new) == ops
            worddiff._fast_diff = fast
            old_paras, new_paras = old.split("\n\n"), new.split("\n\n")
            assert diff_body(old_paras, new_paras)[0] == ops
            ours = median_time(partial(diff_words, old, new), repeat)
            base = median_time(partial(floor, old, new), repeat)
            paras = median_time(partial(diff_body, old_paras, new_paras), repeat)
            cells = [
                f"{size:>7} {'flat' if flat else 'paras':<6}",
                f"{ours:>8.3f}s",
                f"{base:>7.3f}s",
                f"{ours / base:>7.2f}x",
                f"{paras:>7.3f}s",
                f"{paras / base:>7.2f}x",
                f"{'yes' if same else 'NO':>5}",
            ]
            if args.quick and size >= 100_000:
                cells += [f"{'-':>9} {'-':>6} {'-':>9} {'-':>6}"]
            else:
                for autojunk in (True, False):
                    if not autojunk and size > args.no_junk_up_to:
                        cells += [f"{'-':>9} {'-':>6}"]
                        continue
                    slow = median_time(
                        partial(sequence_matcher, old, new, autojunk),
                        1 if size >= 10_000 else 3,
                    )
                    cells += [f"{slow:>8.3f}s", f"{ours / slow:>5.2f}x"]
            cells.append(f"{changed_chars(ops):>8}")
            if size <= args.exact_up_to:
                exact = cleanup_semantic(diff_tokens_exact(old, new))
                cells.append(f"{changed_chars(exact):>8}")
            else:
                cells.append(f"{'-':>8}")
            print(" ".join(cells), flush=True)
    print(
        "redline, floor, paras, difflib: median seconds; x: redline time / that time; "
        "paras: the paragraph pass (flat diff + aligned paragraphs); same: identical output "
        "with the pure-Python diff-match-patch; "
        "changed: characters inserted + deleted by redline; exact: the same for one exact "
        "diff-match-patch run with the same cleanup"
    )


if __name__ == "__main__":
    main()
