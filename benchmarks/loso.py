"""Leave-one-set-out check of the ``mainblock``, ``extract`` and ``appended`` parameters: tune on three dev
sets, score the fourth.

Run from the repository root:

    python -m benchmarks.loso                          # the grid below, text mode, all four dev sets
    python -m benchmarks.loso --mode html              # the HTML grid, HTML mode (body only)
    python -m benchmarks.loso --mode html --stages mainblock   # its mainblock rows alone
    python -m benchmarks.loso --match appended --article   # appended's cap, dragnet against its articles
    python -m benchmarks.loso --limit 20               # a quick look
    python -m benchmarks.loso --bench /elsewhere/bench # default: ../shared/bench from the repo root

A parameter earns its place only if it helps the set it was written for without lowering the others.
For each candidate setting in ``GRID`` this cleans the naive page text of every dev page (text mode,
the bundled rules with that setting of the ``outside-main-block`` and ``non-prose-run`` rules) and scores
it with the bench's ``score.py``, as ``benchmarks.quality`` does. Then, for each set, it picks the setting
with the best mean F1 on the other three and reports that setting's F1 on the held-out set, next to the
bundled setting's and the held-out set's own best. A held-out F1 close to the bundled one says the bundled
setting was not fitted to that set.

``--mode html`` does the same for the ``extract`` and ``mainblock`` settings in ``HTML_GRID`` (``--stages``
picks the rows of one stage, next to the bundled row): the cleaner in HTML mode, scored without its
headline (``cleaner_body``), as the issue's HTML targets are.

Each setting is a full cleaning of 1,618 pages (one to several minutes on a shared machine): the grid
is kept small, and varies only the parameters issue 13 introduced, one at a time. Skips (exit 0) when
the bench is absent, like the quality benchmark.
"""

from __future__ import annotations

import dataclasses
import sys
from functools import partial

from benchmarks.quality import (
    DEFAULT_DATASETS,
    bench_parser,
    bench_plan,
    bench_score,
    quiet_logging,
    run_tool,
)
from cleaner import Cleaner, load_rules
from cleaner.stages import registry

# (label, block rule parameters, gap rule parameters, mainblock settings): the bundled values first.
# furniture_lines is the furniture (lines removed earlier in the run and furniture-like lines outside
# the block) the cut needs; seam_cost what a run of lines boilerplate or appended removed costs the scan where
# it stood.
GRID = (
    (
        "bundled: further blocks 60/0.3, above 80, furniture lines of 6 words, gap 6, gap data 0.5, "
        "neutral 15, page evidence 6, seams 20, parted",
        {},
        {},
        {},
    ),
    ("cut without furniture evidence", {"furniture_words": 0}, {}, {}),
    ("furniture lines of up to 2 words", {"furniture_words": 2}, {}, {}),
    ("furniture lines of up to 4 words", {"furniture_words": 4}, {}, {}),
    ("no further blocks", {"second_block_words": 0}, {}, {}),
    ("further blocks 40/0.3", {"second_block_words": 40, "second_block_share": 0.3}, {}, {}),
    ("no block above kept for its size alone", {"above_block_words": 0}, {}, {}),
    ("a block above of 120 words kept", {"above_block_words": 120}, {}, {}),
    ("a block above of 200 words kept", {"above_block_words": 200}, {}, {}),
    ("gap lines up to 8 words", {}, {"max_words": 8}, {}),
    # data_share: the share of figures, numbered items and quantities that makes a gap run a table or a list
    ("gap takes data runs too (data 0)", {}, {"data_share": 0.0}, {}),
    ("gap data 0.4", {}, {"data_share": 0.4}, {}),
    ("gap data 0.6", {}, {"data_share": 0.6}, {}),
    # neutral_words: from how many words a line that is not prose (and not cut short) scores 0
    ("long non-prose lines cost (neutral 0)", {"neutral_words": 0}, {}, {}),
    ("neutral from 12 words", {"neutral_words": 12}, {}, {}),
    ("neutral from 18 words", {"neutral_words": 18}, {}, {}),
    ("page evidence 1 line", {}, {}, {"furniture_lines": 1}),
    ("page evidence 3 lines", {}, {}, {"furniture_lines": 3}),
    ("page evidence 10 lines", {}, {}, {"furniture_lines": 10}),
    # seam_cost: what each line of a run of 2 or more boilerplate removed costs the main scan where it stood
    ("seams cost 0 (not charged)", {}, {}, {"seam_cost": 0.0}),
    ("seams cost 10 a line", {}, {}, {"seam_cost": 10.0}),
    ("seams cost 40 a line", {}, {}, {"seam_cost": 40.0}),
    # seam_stages: whose removed runs are charged; parting_stages: whose runs part a further block after the
    # main one from it (appended's related-posts boxes, sidebar widgets and comment headings)
    ("seams of boilerplate only (appended's boxes not charged)", {}, {}, {"seam_stages": ("boilerplate",)}),
    ("seams: appended's boxes do not part further blocks", {}, {}, {"parting_stages": ()}),
)
# (label, stage, settings of that stage) for the other text stages, next to GRID's bundled row (--match
# picks among them too). appended's max_delete_share is the cap on one application's deletion: at 0.8 a
# comment section many times the post's length was rolled back whole.
TEXT_SETTINGS_GRID = (
    ("appended cap 0.8", "appended", {"max_delete_share": 0.8}),
    ("appended cap 0.9", "appended", {"max_delete_share": 0.9}),
)
# (label, stage, settings of that stage): the bundled values first. extract's elsewhere_share decides
# when a short precision text the recall run mostly lacks is kept beside the recall text (rule
# trafilatura-elsewhere); justext_fallback whether jusText's paragraphs stand in when trafilatura finds
# no text (rule justext). mainblock's layout_tables is the share of an extracted text in table rows
# that, with the text opening in a table row, makes it a page's layout table the stage trims.
HTML_GRID = (
    ("bundled: elsewhere share 0.5, jusText fallback, layout tables 0.5", "extract", {}),
    ("elsewhere off", "extract", {"elsewhere_share": 0.0}),
    ("elsewhere share 0.2", "extract", {"elsewhere_share": 0.2}),
    ("elsewhere share 0.8", "extract", {"elsewhere_share": 0.8}),
    ("jusText fallback off", "extract", {"justext_fallback": False}),
    # the thread rule: posts taken where the body is under thread_stub_words (bundled 30); 250 words is
    # about the old test (under fallback_chars, 1,500 characters), which took short blog posts' comments
    ("thread rule off", "extract", {"thread_ratio": 0.0}),
    ("thread stub 250 words", "extract", {"thread_stub_words": 250}),
    ("layout tables off", "mainblock", {"layout_tables": 0.0}),
    ("layout tables 0.3", "mainblock", {"layout_tables": 0.3}),
    ("layout tables 0.8", "mainblock", {"layout_tables": 0.8}),
)


def cleaner_with(ruleset, block: dict, gap: dict, settings: dict) -> Cleaner:
    """The bundled cleaner with the ``mainblock`` rules' parameters and settings overridden."""
    override = {"block": block, "gap": gap}
    rules = dict(ruleset.rules)
    rules["mainblock"] = tuple(
        dataclasses.replace(r, params={**r.params, **override.get(r.kind, {})}) for r in rules["mainblock"]
    )
    return cleaner_setting(dataclasses.replace(ruleset, rules=rules), "mainblock", settings)


def cleaner_setting(ruleset, stage: str, values: dict) -> Cleaner:
    """The bundled cleaner with the settings of ``stage`` overridden."""
    current = ruleset.settings.get(stage) or registry()[stage].Settings()
    settings = {**ruleset.settings, stage: dataclasses.replace(current, **values)}
    return Cleaner(dataclasses.replace(ruleset, settings=settings))


def held_out(f1: dict[str, dict[str, float]], datasets: list[str]) -> list[dict]:
    """For each dataset: the setting best on the others (mean F1), and its F1 on the held-out one. The
    first setting of ``f1`` is the bundled one."""
    out = []
    bundled = next(iter(f1))
    for held in datasets:
        others = [d for d in datasets if d != held]
        chosen = max(f1, key=lambda label: sum(f1[label][d] for d in others))  # first of equals: GRID order
        own_best = max(f1, key=lambda label: f1[label][held])
        out.append(
            {
                "held_out": held,
                "chosen_on_others": chosen,
                "held_out_f1": f1[chosen][held],
                "bundled_f1": f1[bundled][held],
                "own_best": own_best,
                "own_best_f1": f1[own_best][held],
            }
        )
    return out


def main(argv: list[str] | None = None) -> int:
    ap = bench_parser("python -m benchmarks.loso", __doc__)
    ap.add_argument(
        "--mode",
        choices=("text", "html"),
        default="text",
        help="text: the mainblock grid; html: the extract and mainblock grid, body only (default: text)",
    )
    ap.add_argument(
        "--stages",
        nargs="+",
        choices=("extract", "mainblock"),
        default=["extract", "mainblock"],
        help="html: only the grid rows of these stages' settings, next to the bundled row (default: both)",
    )
    ap.add_argument(
        "--match",
        default="",
        help="only the grid rows whose label holds this, next to the bundled row (default: all)",
    )
    ap.add_argument(
        "--article",
        action="store_true",
        help="score a set whose gold keeps readers' comments (dragnet) against its article part, as "
        "DESIGN.md cuts comments (default: the whole gold, as the benchmark's own score does)",
    )
    args = ap.parse_args(argv)
    bench = args.bench.resolve()
    score = bench_score(bench, "skipping the leave-one-set-out check")
    if score is None:
        return 0
    datasets = list(DEFAULT_DATASETS)
    plan = bench_plan(ap, score, bench, datasets, limit=args.limit)
    ruleset = load_rules()
    f1: dict[str, dict[str, float]] = {}
    if args.mode == "html":
        rows = [
            row
            for row in HTML_GRID
            if (row[1] in args.stages and args.match in row[0]) or row is HTML_GRID[0]
        ]
        grid = [(label, cleaner_setting(ruleset, stage, values)) for label, stage, values in rows]
    else:
        rows = [row for row in GRID if args.match in row[0] or row is GRID[0]]
        grid = [(label, cleaner_with(ruleset, *params)) for label, *params in rows]
        grid += [
            (label, cleaner_setting(ruleset, stage, values))
            for label, stage, values in TEXT_SETTINGS_GRID
            if args.match in label
        ]
    with quiet_logging():
        for label, cleaner in grid:
            clean = partial(cleaner.clean, html=args.mode == "html")
            f1[label] = {}
            for dataset, gold, ids in plan:
                scored = {
                    r["tool"]: r
                    for r in run_tool(score, dataset, args.mode, "cleaner", clean, "str", ids, gold)
                }
                # HTML mode is scored body only, as the targets are; text mode with the headline.
                # --article: a gold that keeps readers' comments (dragnet) is cut to its article part.
                tool = "cleaner_body" if args.mode == "html" else "cleaner"
                if args.article and "cleaner_vs_article" in scored:
                    tool = "cleaner_vs_article"
                f1[label][dataset] = scored[tool]["f1"]
            print(f"{label}: " + ", ".join(f"{d} {v:.4f}" for d, v in f1[label].items()), file=sys.stderr)

    print("| setting | " + " | ".join(datasets) + " |")
    print("|---|" + "---|" * len(datasets))
    for label, scores in f1.items():
        print(f"| {label} | " + " | ".join(f"{scores[d]:.4f}" for d in datasets) + " |")
    print(
        "\n| held-out set | setting chosen on the other three | its F1 there | bundled | best for the set |"
    )
    print("|---|---|---|---|---|")
    for r in held_out(f1, datasets):
        print(
            f"| {r['held_out']} | {r['chosen_on_others']} | {r['held_out_f1']:.4f} | {r['bundled_f1']:.4f} "
            f"| {r['own_best_f1']:.4f} ({r['own_best']}) |"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
