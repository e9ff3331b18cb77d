"""Rule ledger: per rule, how much article text and how much page furniture it removed from the dev pages.

Run from the repository root:

    python -m benchmarks.ledger                        # text mode, the four dev sets
    python -m benchmarks.ledger --mode html            # the pages' HTML
    python -m benchmarks.ledger --article              # dragnet against its article part, comments cut
    python -m benchmarks.ledger --dataset cleaneval --pages 5   # the five pages each rule cost most
    python -m benchmarks.ledger --json ledger.json     # also write the numbers, per page too

``benchmarks.quality`` says how well the cleaner does; this says which rule to look at when it does badly.
Each page is cleaned once and every edit is charged the words it took out (its old text less its new
one, as multisets of ``\\w+`` words, as score.py counts them). A removed word is **article** when the
gold body holds more of it than the output kept, and **furniture** otherwise. Words are charged in the
order of the edits, so a word the gold holds once and the page twice is charged as article text to the
first edit that took a copy only if no copy survived. This is a bag-of-words attribution: a common word
("the") taken from a menu may be charged as article text when the article lost one elsewhere, so small
counts are noise; a rule whose removals are mostly article text, on any set, is firing on prose.

A rule earns its place when its furniture far outweighs its article text on every set (issue 13's
discipline: it helps where it was written and costs the other sets nothing). Rules whose article share
passes ``--flag`` (default 0.5) with at least ``--min-words`` article words are listed under the table.

trafilatura_eval's gold is snippets, not bodies: there the unit is the snippet. A snippet the page has and
the output lost is charged to the first edit whose removed text holds it whole (to ``(several edits)``
when none does), as article when it is one of the page's ``with`` snippets and as furniture when it is
one of its ``without`` snippets. Where the gold keeps readers' comments (dragnet), the comments count as
article unless ``--article`` scores against the article part, as DESIGN.md's contract (comment sections
cut) asks.
Skips (exit 0) when the bench is absent, like the quality benchmark.
"""

from __future__ import annotations

import json
import sys
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import regex

from benchmarks.quality import (
    DEFAULT_DATASETS,
    article_part,
    bench_parser,
    bench_plan,
    bench_score,
    quiet_logging,
    words,
)
from cleaner import Cleaner, RuleError
from cleaner.document import Edit

# Stages whose edits only lay the text out (paragraph breaks, the final newline): they remove no words.
LAYOUT_STAGES = frozenset({"canonical"})


@dataclass
class Charge:
    """What one rule removed on one set: words of the article, words of furniture, and per page."""

    article: int = 0
    furniture: int = 0
    pages: Counter[str] = field(default_factory=Counter)  # article words per page

    @property
    def share(self) -> float:
        total = self.article + self.furniture
        return self.article / total if total else 0.0


def charge_edits(gold: str, output: str, edits: Iterable[Edit]) -> dict[str, tuple[int, int]]:
    """(article words, furniture words) each rule (``stage/rule``) removed from one page.

    ``gold`` is the page's gold body and ``output`` the cleaner's text; a word is article text while the
    gold holds more copies of it than the output and the edits charged so far."""
    missing = words(gold) - words(output)  # gold words the output lacks: each a copy some edit took
    out: dict[str, list[int]] = {}
    for edit in edits:
        if edit.stage in LAYOUT_STAGES:
            continue
        taken = words(edit.old) - words(edit.new)
        if not taken:
            continue
        article = 0
        for word, n in taken.items():
            hit = min(n, missing[word])
            if hit:
                missing[word] -= hit
                article += hit
        tally = out.setdefault(f"{edit.stage}/{edit.rule}", [0, 0])
        tally[0] += article
        tally[1] += taken.total() - article
    return {rule: (a, f) for rule, (a, f) in out.items()}


#: Where a lost snippet goes when no single edit removed all of it.
SEVERAL = "(several edits)"
_SPACE = regex.compile(r"\s+")


def _flat(text: str) -> str:
    return _SPACE.sub(" ", text).strip()


def charge_snippets(gold: dict, page: str, output: str, edits: Sequence[Edit]) -> dict[str, tuple[int, int]]:
    """(article snippets, furniture snippets) each rule removed from one page of a snippet gold
    (``with``: the article's, ``without``: the page's furniture), as score.py matches snippets: with
    white space collapsed, inside the text."""
    page, output = _flat(page), _flat(output)
    removed = [(f"{e.stage}/{e.rule}", _flat(e.old)) for e in edits if e.stage not in LAYOUT_STAGES]
    out: dict[str, list[int]] = {}
    for column, snippets in ((0, gold.get("with", ())), (1, gold.get("without", ()))):
        for snippet in map(_flat, snippets):
            if not snippet or snippet not in page or snippet in output:
                continue
            rule = next((rule for rule, old in removed if snippet in old), SEVERAL)
            out.setdefault(rule, [0, 0])[column] += 1
    return {rule: (a, f) for rule, (a, f) in out.items()}


def ledger(
    cleaner: Cleaner, score, dataset: str, ids: Sequence[str], gold: dict, html: bool, article: bool
) -> dict[str, Charge]:
    """Every rule's charge over ``ids`` of ``dataset``, the page text or the page cleaned."""
    mode = "html" if html else "text"
    charges: dict[str, Charge] = defaultdict(Charge)
    snippets = score.DATASETS[dataset][1] == "snippet"
    for doc_id in ids:
        page = score.read_input(dataset, doc_id, mode, "str")
        result = cleaner.clean(page, html=html)
        if snippets:
            charged = charge_snippets(gold[doc_id], page, result.text, result.edits)
        else:
            body = gold[doc_id]["articleBody"] or ""
            if article:
                body = article_part(body)
            charged = charge_edits(body, result.text, result.edits)
        for rule, (a, f) in charged.items():
            charge = charges[rule]
            charge.article += a
            charge.furniture += f
            if a:
                charge.pages[doc_id] += a
    return dict(charges)


def table(dataset: str, charges: dict[str, Charge], pages: int, unit: str = "words") -> str:
    """A markdown table of the rules, most article words (or snippets) first."""
    head = f"| {dataset} rule | article {unit} | furniture {unit} | article share | pages (article {unit}) |"
    lines = [head, "|---|---|---|---|---|"]
    for rule, c in sorted(charges.items(), key=lambda kv: (-kv[1].article, -kv[1].furniture, kv[0])):
        top = ", ".join(f"{page} ({n})" for page, n in c.pages.most_common(pages))
        lines.append(f"| {rule} | {c.article} | {c.furniture} | {c.share:.1%} | {top} |")
    return "\n".join(lines)


def flagged(results: dict[str, dict[str, Charge]], share: float, least: int) -> list[str]:
    """The rules whose removals were mostly article text on some set (``share`` of their words or more,
    ``least`` article words at least), with the sets."""
    out = []
    for dataset, charges in results.items():
        for rule, c in sorted(charges.items()):
            if c.share >= share and c.article >= least:
                out.append(f"- {rule} on {dataset}: {c.article} article words of {c.article + c.furniture}")
    return out


def main(argv: list[str] | None = None) -> int:
    ap = bench_parser("python -m benchmarks.ledger", __doc__)
    ap.add_argument("--dataset", action="append", help=f"repeatable; default: {', '.join(DEFAULT_DATASETS)}")
    ap.add_argument("--mode", choices=("text", "html"), default="text", help="default: text")
    ap.add_argument("--split", default="dev", help="ids from splits/<dataset>.<split>.txt (default: dev)")
    ap.add_argument("--article", action="store_true", help="score dragnet against its article part")
    ap.add_argument("--pages", type=int, default=3, help="pages listed per rule (default: 3)")
    ap.add_argument("--flag", type=float, default=0.5, help="article share that flags a rule (default 0.5)")
    ap.add_argument(
        "--min-words",
        type=int,
        default=20,
        help="article words (snippets on a snippet gold) a flagged rule removed at least",
    )
    ap.add_argument("--rules", action="append", help="rules directory or file for Cleaner(...); repeatable")
    ap.add_argument("--json", type=Path, help="also write the charges, per page too, to this file")
    args = ap.parse_args(argv)
    bench: Path = args.bench.resolve()
    score = bench_score(bench)
    if score is None:
        return 0
    plan = bench_plan(ap, score, bench, args.dataset or DEFAULT_DATASETS, args.split, args.limit)
    try:
        cleaner = Cleaner(args.rules)
    except RuleError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    results: dict[str, dict[str, Charge]] = {}
    with quiet_logging():
        for dataset, gold, ids in plan:
            results[dataset] = ledger(cleaner, score, dataset, ids, gold, args.mode == "html", args.article)
            print(f"{dataset}: {len(ids)} pages", file=sys.stderr, flush=True)
    for dataset, charges in results.items():
        unit = "snippets" if score.DATASETS[dataset][1] == "snippet" else "words"
        print(table(dataset, charges, args.pages, unit) + "\n")
    flags = flagged(results, args.flag, args.min_words)
    print(
        f"Rules whose removals were {args.flag:.0%} article text or more (at least {args.min_words} words):"
    )
    print("\n".join(flags) if flags else "- none")
    if args.json:
        payload = {
            dataset: {
                rule: {"article": c.article, "furniture": c.furniture, "pages": dict(c.pages)}
                for rule, c in charges.items()
            }
            for dataset, charges in results.items()
        }
        args.json.write_text(json.dumps({"mode": args.mode, "article": args.article, "ledger": payload}))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
