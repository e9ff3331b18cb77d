"""Names benchmark: false repairs on clean text, recall on injected misspellings, and the stage's cost.

    python -m benchmarks.names                       # scrapinghub gold bodies, seed 0
    python -m benchmarks.names --injections 400 --seed 1

On the gold article bodies of ``<bench>/scrapinghub/ground_truth.json`` (clean, human-made text):

1. False positives: clean every body with corpus statistics over all of them; every word the ``names``
   stage changes is a false repair (the text is right as it is). Reported per 50 articles.
2. Recall: pick names the corpus spells the same way in several documents, misspell one occurrence
   in one document the way machine translation does (v/w/f swaps, i/y, a dropped or doubled letter,
   an added h, -ski/-sky), collect statistics over the corpus with that document, clean it, and count
   the misspellings put back exactly.
3. Cost: time to clean the bench's text-mode inputs (``*/html/*.txt``, both data sets) with and
   without the ``names`` stage (statistics collection and candidate building included), as a share
   of the run without it.

Skips (exit 0) when the bench directory is absent.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import random
import sys
import time
from collections import Counter
from pathlib import Path

import regex

from cleaner import Cleaner, load_rules

REPO = Path(__file__).resolve().parent.parent
DEFAULT_BENCH = REPO.parent / "shared" / "bench"
_NAME = regex.compile(r"\b\p{Lu}\p{Ll}{4,}\b")


KNOWN = {
    form
    for r in load_rules().rules.get("names", ())
    for form in (r.param("canonical"), *r.param("variants", ()))
}


def misspell(name: str, rng: random.Random) -> str | None:
    """One machine-translation-style misspelling of ``name``, or None when none applies."""
    low = name
    options = []
    for a, b in (("v", "w"), ("w", "v"), ("v", "f"), ("f", "v"), ("ff", "v"), ("y", "i"), ("i", "y")):
        if a in low[1:]:
            i = low.index(a, 1)
            options.append(low[:i] + b + low[i + len(a) :])
    if low.endswith("sky"):
        options.append(low[:-3] + "ski")
    if low.endswith("ski"):
        options.append(low[:-3] + "sky")
    for i in range(2, len(low) - 1):
        if low[i] == low[i - 1]:
            options.append(low[:i] + low[i + 1 :])  # dropped double letter
    i = rng.randrange(2, len(low) - 1)
    options.append(low[:i] + low[i] + low[i:])  # doubled letter
    if low[0] in "TWGKC" and low[1] != "h":
        options.append(low[0] + "h" + low[1:])  # an added h
    options = sorted({o for o in options if o != name})
    return rng.choice(options) if options else None


def _timed(fn) -> float:
    t0 = time.perf_counter()
    fn()
    return time.perf_counter() - t0


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--bench", type=Path, default=DEFAULT_BENCH)
    ap.add_argument("--injections", type=int, default=200, help="misspellings to inject (default 200)")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--json", type=Path, help="also write the figures here")
    args = ap.parse_args(argv)
    truth = args.bench / "scrapinghub" / "ground_truth.json"
    if not truth.exists():
        print(f"skipping the names benchmark: {truth} not found", file=sys.stderr)
        return 0
    docs = json.loads(truth.read_text(encoding="utf-8"))["documents"]
    bodies = [d.get("articleBody") or "" for _, d in sorted(docs.items())]
    bodies = [b for b in bodies if b.strip()]
    cleaner = Cleaner()
    figures = {"articles": len(bodies)}

    # 1. false repairs on clean text
    with_stats = cleaner.with_name_stats(cleaner.collect_name_stats(bodies))
    changed = Counter()
    flagged = 0
    for body in bodies:
        result = with_stats.clean(body)
        for e in result.edits:
            if e.stage == "names":
                changed[f"{e.old} → {e.new}"] += 1
        flagged += len(result.metadata.get("name_candidates", ()))
    figures["false_repairs"] = sum(changed.values())
    figures["false_repairs_per_50_articles"] = round(50 * sum(changed.values()) / len(bodies), 3)
    figures["flagged_candidates"] = flagged
    figures["false_repair_examples"] = changed.most_common(10)

    # 2. recall on injected misspellings
    stats = cleaner.collect_name_stats(bodies)
    # names spelled right in at least 4 documents: 3 others still spell it right after the injection
    common = sorted(
        t for t, n in stats.docs.items() if n >= 4 and _NAME.fullmatch(t) and not stats.lower[t.lower()]
    )
    rng = random.Random(args.seed)
    hits = tries = 0
    misses = []
    for _ in range(args.injections):
        name = rng.choice(common)
        holders = [i for i, b in enumerate(bodies) if regex.search(rf"\b{name}\b", b)]
        i = rng.choice(holders)
        wrong = misspell(name, rng)
        if wrong is None or wrong in stats.docs or wrong in KNOWN:
            continue  # a spelling the corpus or the entity table already knows is not a misspelling
        m = next(iter(regex.finditer(rf"\b{name}\b", bodies[i])))
        doc = bodies[i][: m.start()] + wrong + bodies[i][m.end() :]
        corpus = [*bodies[:i], doc, *bodies[i + 1 :]]
        out = cleaner.with_name_stats(cleaner.collect_name_stats(corpus)).clean(doc).text
        tries += 1
        # put back exactly: the wrong spelling is gone and the name is there as often as in the original
        count = len(regex.findall(rf"\b{name}\b", bodies[i]))
        ok = wrong not in out and len(regex.findall(rf"\b{name}\b", out)) == count
        hits += ok
        if not ok:
            misses.append(f"{wrong} (for {name})")
    figures["injected"] = tries
    figures["recall"] = round(hits / tries, 3) if tries else None
    figures["missed_examples"] = misses[:15]

    # 3. cost of the stage on the bench's text-mode inputs
    texts = [p.read_text(encoding="utf-8") for p in sorted(args.bench.glob("*/html/*.txt"))]
    rs = load_rules()
    without = Cleaner(dataclasses.replace(rs, stages=tuple(s for s in rs.stages if s != "names")))

    def run_without():
        for t in texts:
            without.clean(t)

    def run_with():  # statistics and candidates are part of the stage's cost
        staged = cleaner.with_name_stats(cleaner.collect_name_stats(texts))
        for t in texts:
            staged.clean(t)

    # Two runs each, the faster counts: the first run with names also pays the one-time loading of
    # wordfreq's word lists (reported separately), and the machine may be busy with something else.
    base = min(_timed(run_without), _timed(run_without))
    first = _timed(run_with)
    full = min(first, _timed(run_with))
    figures["seconds_with_names_first_run"] = round(first, 2)
    figures["seconds_without_names"] = round(base, 2)
    figures["seconds_with_names"] = round(full, 2)
    figures["names_overhead"] = round(full / base - 1, 3)
    figures["cost_documents"] = len(texts)

    for key, value in figures.items():
        print(f"{key}: {value}")
    if args.json:
        args.json.write_text(json.dumps(figures, ensure_ascii=False, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
