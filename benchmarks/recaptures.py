"""Template changes against real edits, on real pages captured years apart.

    python benchmarks/recaptures.py [--pairs] [--only NAME]

For each of the 40 pairs of ``../shared/corpora/recaptures`` (22 where only the page
template changed, 18 where the article was edited), the old capture then the new one go
into an empty archive. Printed, for redline and for bare trafilatura text comparison in
the same run: template pairs called unchanged, edited pairs caught with their listed
words on the right side of the diff, and stealth flags raised on template pairs.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from recapture_cases import RECAPTURES_DIR, Outcome, Tally, iter_pairs, run  # noqa: E402


def _line(outcome: Outcome) -> str:
    verdict = "changed" if outcome.changed else "unchanged"
    if outcome.error:
        verdict = f"error: {outcome.error[:90]}"
    mark = "ok " if outcome.right else "BAD"
    extra = ""
    if outcome.changed:
        extra = f" {outcome.severity or ''}{', STEALTH' if outcome.stealth else ''}"
        if outcome.reasons:
            extra += f" ({'; '.join(outcome.reasons[:3])[:120]})"
    lines = [f"  {mark} {outcome.label:8} {outcome.pair:32} {verdict}{extra}"]
    lines += [f"        missing {m}" for m in outcome.missing]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--pairs", action="store_true", help="print every pair's outcome")
    parser.add_argument("--only", help="run only the pairs whose name contains this")
    args = parser.parse_args(argv)
    if not RECAPTURES_DIR.is_dir():
        print(f"corpus not found at {RECAPTURES_DIR}", file=sys.stderr)
        return 1
    pairs = [p for p in iter_pairs() if not args.only or args.only in p.name]
    tallies: dict[str, Tally] = {tool: run(tool, pairs) for tool in ("redline", "trafilatura")}
    templates = sum(p.label == "template" for p in pairs)
    edited = len(pairs) - templates
    print(f"{len(pairs)} pairs from {RECAPTURES_DIR} ({templates} template, {edited} edited)")
    print(
        f"{'':12} {'templates unchanged':>20} {'edits caught':>13} {'edits changed':>14} "
        f"{'stealth on templates':>21} {'s':>6}"
    )
    for tool, tally in tallies.items():
        share = 100 * tally.templates_unchanged / templates if templates else 0.0
        print(
            f"{tool:12} {tally.templates_unchanged:>9}/{templates} ({share:3.0f}%) "
            f"{tally.edits_caught:>10}/{edited} {tally.edits_changed:>11}/{edited} "
            f"{tally.template_stealth:>21} {tally.seconds:6.1f}"
        )
    if args.pairs:
        for tool, tally in tallies.items():
            print(f"\n{tool}:")
            for outcome in tally.outcomes:
                print(_line(outcome))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
