"""Compare two quality runs page for page: is a change better, worse, or noise?

Run from the repository root, on two files written by ``python -m benchmarks.quality --json``:

    python -m benchmarks.quality --mode text --json before.json   # without the change
    python -m benchmarks.quality --mode text --json after.json    # with it
    python -m benchmarks.compare before.json after.json          # the cleaner's rows, every set
    python -m benchmarks.compare before.json after.json --tool identity --pages 10

Issue 13's discipline: a rule or parameter earns its place only if it helps on the set it was written for
and does not lower the other sets by more than noise. This says what noise is for the pair of runs at
hand. Both runs scored the same pages, so the change in F1 is resampled page for page: a paired bootstrap,
``--boot`` resamples of the pages with replacement, each resample scored for both runs. Δ is the change
in F1 over all the pages and σ its standard deviation over the resamples; the change is "better" or
"worse" when |Δ| is at least ``--z`` (default 2) σ, and "noise" otherwise. A change that one page carries
has a σ close to its Δ: that page's luck, not a concept. The pages that moved most are listed under the
table with their F1 before and after.

The paired σ is smaller than the σ of either F1 alone (the pages both runs find hard stay hard in every
resample), so a change can be beyond noise here and still smaller than the spread between the dev half
and another half of the same set. F1 is aggregated by score.py's own functions, as the quality benchmark
does (shingles averaged per page, snippets summed); pages are paired by id, only pages in both runs count,
and the number left out is said. The resamples are seeded (``--seed``): the same files give the same
figures on every run. Skips (exit 0) when the bench is absent, like the other benchmarks.
"""

from __future__ import annotations

import json
import random
import statistics
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from benchmarks.quality import bench_parser, bench_score, set_scores

#: F1 of a list of per-page counts, as score.py aggregates them for one metric.
Aggregate = Callable[[list], float]


@dataclass(frozen=True)
class Change:
    """One row (dataset, mode, tool) of two runs, compared over the pages both scored."""

    before: float
    after: float
    sigma: float  # standard deviation of after - before over the paired resamples
    pages: int  # pages in both runs
    unpaired: int  # pages in one run only, left out
    moved: tuple[tuple[str, float, float], ...]  # (id, F1 before, F1 after), largest change first

    @property
    def delta(self) -> float:
        return self.after - self.before

    def verdict(self, z: float) -> str:
        if self.delta == 0:
            return "same"
        if abs(self.delta) < z * self.sigma:
            return "noise"
        return "better" if self.delta > 0 else "worse"


def paired_change(
    before: Sequence[dict],
    after: Sequence[dict],
    aggregate: Aggregate,
    *,
    boot: int = 1000,
    seed: int = 0,
    pages: int = 5,
) -> Change:
    """Compare two runs' per-page rows (``{"id": ..., "counts": ...}``, as ``benchmarks.quality`` writes
    them) over the pages both have, with ``boot`` paired resamples of those pages."""
    a = {row["id"]: row["counts"] for row in before}
    b = {row["id"]: row["counts"] for row in after}
    ids = sorted(a.keys() & b.keys())  # sorted: the resamples do not depend on the files' order
    unpaired = len(a.keys() ^ b.keys())
    if not ids:
        return Change(0.0, 0.0, 0.0, 0, unpaired, ())
    xs, ys = [a[i] for i in ids], [b[i] for i in ids]
    rng = random.Random(seed)
    deltas = []
    for _ in range(boot):
        picks = [rng.randrange(len(ids)) for _ in ids]
        deltas.append(aggregate([ys[k] for k in picks]) - aggregate([xs[k] for k in picks]))
    sigma = statistics.stdev(deltas) if len(deltas) > 1 else 0.0
    per_page = [(i, aggregate([x]), aggregate([y])) for i, x, y in zip(ids, xs, ys, strict=True)]
    moved = sorted((p for p in per_page if p[1] != p[2]), key=lambda p: (-abs(p[2] - p[1]), p[0]))
    return Change(aggregate(xs), aggregate(ys), sigma, len(ids), unpaired, tuple(moved[:pages]))


def rows(path: Path) -> dict[tuple[str, str, str], dict]:
    """A quality run's result rows by (dataset, mode, tool)."""
    data = json.loads(path.read_text(encoding="utf-8"))
    return {(r["dataset"], r["mode"], r["tool"]): r for r in data["results"]}


def aggregate_for(score, metric: str) -> Aggregate:
    """score.py's F1 of a set for ``metric`` (see :func:`benchmarks.quality.set_scores`)."""
    return lambda counts: set_scores(score, metric, counts)["f1"]


def table(changes: list[tuple[tuple[str, str, str], Change]], z: float) -> str:
    lines = [
        "| dataset | mode | tool | before | after | Δ | σ (paired) | Δ/σ | verdict |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for (dataset, mode, tool), c in changes:
        ratio = f"{c.delta / c.sigma:+.1f}" if c.sigma else "–"
        lines.append(
            f"| {dataset} | {mode} | {tool} | {c.before:.4f} | {c.after:.4f} | {c.delta:+.4f} | "
            f"{c.sigma:.4f} | {ratio} | {c.verdict(z)} |"
        )
    return "\n".join(lines)


def moved_lines(changes: list[tuple[tuple[str, str, str], Change]]) -> list[str]:
    out = []
    for (dataset, mode, tool), c in changes:
        pages = ", ".join(f"{i} {x:.3f} → {y:.3f}" for i, x, y in c.moved)
        left = f" ({c.unpaired} pages in one run only, left out)" if c.unpaired else ""
        out.append(f"- {dataset} {mode} {tool}, {c.pages} pages{left}: {pages or 'no page moved'}")
    return out


def main(argv: list[str] | None = None) -> int:
    ap = bench_parser("python -m benchmarks.compare", __doc__)
    ap.add_argument("before", type=Path, help="a run's JSON from benchmarks.quality --json")
    ap.add_argument("after", type=Path, help="the other run's JSON, on the same pages")
    ap.add_argument(
        "--tool", action="append", help="repeatable; default: every row of the cleaner (cleaner, cleaner_*)"
    )
    ap.add_argument("--dataset", action="append", help="repeatable; default: every set in both runs")
    ap.add_argument("--boot", type=int, default=1000, help="paired resamples (default: 1000)")
    ap.add_argument("--seed", type=int, default=0, help="seed of the resamples (default: 0)")
    ap.add_argument("--z", type=float, default=2.0, help="σ a change needs to be more than noise (default 2)")
    ap.add_argument("--pages", type=int, default=5, help="pages that moved most, listed per row (default 5)")
    args = ap.parse_args(argv)
    score = bench_score(args.bench)
    if score is None:
        return 0
    runs = []
    for path in (args.before, args.after):
        try:
            runs.append(rows(path))
        except (OSError, ValueError, KeyError, TypeError) as exc:
            print(f"error: {path}: not a benchmarks.quality --json file ({exc})", file=sys.stderr)
            return 2
    before, after = runs

    def wanted(key: tuple[str, str, str]) -> bool:
        dataset, _, tool = key
        tool_ok = tool in args.tool if args.tool else tool == "cleaner" or tool.startswith("cleaner_")
        return tool_ok and (not args.dataset or dataset in args.dataset)

    keys = [k for k in before if k in after and wanted(k)]
    if not keys:
        print("error: the two runs have no row in common for these tools and sets", file=sys.stderr)
        return 2
    changes = []
    for key in keys:
        metric = before[key]["metric"]
        if after[key]["metric"] != metric:
            print(f"error: {' '.join(key)} is scored by {metric} in one run only", file=sys.stderr)
            return 2
        change = paired_change(
            before[key]["per_doc"],
            after[key]["per_doc"],
            aggregate_for(score, metric),
            boot=args.boot,
            seed=args.seed,
            pages=args.pages,
        )
        changes.append((key, change))
    print(table(changes, args.z))
    print()
    print("Pages that moved most (F1 before → after):")
    print("\n".join(moved_lines(changes)))
    one_side = sorted({k for k in before.keys() ^ after.keys() if wanted(k)})
    if one_side:
        print("\nRows in one run only: " + ", ".join(" ".join(k) for k in one_side))
    return 0


if __name__ == "__main__":
    sys.exit(main())
