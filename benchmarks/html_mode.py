"""HTML mode: extraction speed next to trafilatura alone, and the extract stage's merge parameters
checked leave-one-set-out, on the development benchmark (``../shared/bench``).

Run from the repository root:

    python -m benchmarks.html_mode speed                    # 200 Dragnet dev pages, one process
    python -m benchmarks.html_mode speed --dataset cleaneval --limit 50
    python -m benchmarks.html_mode loso                     # all four dev sets, extraction only
    python -m benchmarks.html_mode trafilatura DIR          # trafilatura.extract over DIR/*.html, as a
                                                            # process to time against `cleaner clean DIR`

and score the cleaner's HTML mode with the bench's own ``score.py``, through the callables here
(``PYTHONPATH=.``: score.py puts its own folder first on ``sys.path``, so without it the callables
would clean with whatever ``cleaner`` is installed, not this checkout):

    PYTHONPATH=. python ../shared/bench/score.py run --dataset dragnet --mode html --bootstrap 0 \\
        --ids ../shared/bench/splits/dragnet.dev.txt \\
        --callable benchmarks/html_mode.py:cleaner_body --out /tmp/dragnet-body

``speed``: every page is read and decoded first (not timed), then, one page after another in this one
process, timed in CPU seconds: ``trafilatura.extract(page)`` with its defaults (the reference the
issue measures against), the ``extract`` stage alone, the text stages on the stage's result (carried,
as the CLI's second pass does), and ``Cleaner.clean`` whole. Pages/s of each and the ratios to
trafilatura alone.

``loso``: the stage's merge has three parameters (``prose_words``, ``long_words``, ``fallback_chars``).
Both trafilatura runs are made once per page; then, for each of the four sets, the grid point with the
best mean F1 (extracted text, before the text stages) on the other three is scored on that one, next to
the defaults and the precision run alone. A parameter that only fits its own set shows up here.

The bench lives outside the repository and may be absent: then this says so on stderr and exits 0.
"""

from __future__ import annotations

import argparse
import gc
import itertools
import logging
import statistics
import sys
import time
from dataclasses import replace
from pathlib import Path
from types import ModuleType

from benchmarks.quality import load_score, set_scores
from cleaner import Cleaner
from cleaner.document import Document
from cleaner.stages import extract as extract_module

REPO = Path(__file__).resolve().parent.parent
DEFAULT_BENCH = REPO.parent / "shared" / "bench"
DATASETS = ("scrapinghub", "trafilatura_eval", "cleaneval", "dragnet")
SKIP_MESSAGE = "skipping the HTML mode benchmark"
GRID = {"prose_words": (5, 8, 12), "long_words": (15, 25, 40), "fallback_chars": (0, 1500, 3000)}

_cleaner: Cleaner | None = None


def _page(doc: bytes | str) -> str:
    """A page as score.py hands it over (bytes for most sets), decoded as its ``read_input`` does."""
    if isinstance(doc, bytes):
        from trafilatura.utils import decode_file

        return decode_file(doc)
    return doc


def cleaner_full(doc: bytes | str) -> str:
    """score.py callable: the cleaner's HTML-mode output."""
    global _cleaner
    _cleaner = _cleaner or Cleaner()
    return _cleaner.clean(_page(doc), html=True).text


def cleaner_body(doc: bytes | str) -> str:
    """score.py callable: the same without the headline the cleaner puts first (``metadata["headline"]``):
    the gold texts of scrapinghub and trafilatura_eval leave titles out."""
    global _cleaner
    _cleaner = _cleaner or Cleaner()
    result = _cleaner.clean(_page(doc), html=True)
    head = result.metadata.get("headline")
    if head and result.text.startswith(head + "\n\n"):
        return result.text[len(head) + 2 :]
    return result.text


def pages(score: ModuleType, bench: Path, dataset: str, limit: int | None) -> list[tuple[str, str]]:
    gold = score.load_gold(dataset)
    ids = score.load_ids(str(bench / "splits" / f"{dataset}.dev.txt"), gold)[:limit]
    return [(i, score.read_input(dataset, i, "html", "str")) for i in ids]


def _timed(fn, items) -> tuple[float, list]:
    """CPU seconds of ``fn`` over ``items`` (this process is single-threaded: on a shared machine its
    CPU time is the work done, where wall time also counts the other processes), and the results."""
    gc.collect()
    out = []
    t0 = time.process_time()
    for item in items:
        out.append(fn(item))
    return time.process_time() - t0, out


def speed(score: ModuleType, bench: Path, dataset: str, limit: int) -> None:
    import trafilatura

    docs = [p for _, p in pages(score, bench, dataset, limit)]
    cleaner = Cleaner().warm_up()
    stage = next(s for s in cleaner.stages if s.name == "extract")
    cleaner.clean(docs[0], html=True)  # imports and first-call caches are not timed
    trafilatura.extract(docs[0])
    t_traf, _ = _timed(lambda p: trafilatura.extract(p, deduplicate=False), docs)
    t_extract, found = _timed(lambda p: stage.apply(Document(p, html=True)), docs)
    carried = [
        (p, _carrying(cleaner, stage, p, r)) for p, r in zip(docs, found, strict=True)
    ]  # built outside the timing
    t_text, _ = _timed(lambda pc: pc[1].clean(pc[0], html=True), carried)
    t_clean, _ = _timed(lambda p: cleaner.clean(p, html=True), docs)
    n = len(docs)
    rows = [
        ("trafilatura.extract alone", t_traf),
        ("extract stage (precision + recall runs, merge)", t_extract),
        ("text stages (on the carried extraction)", t_text),
        ("Cleaner.clean whole", t_clean),
    ]
    print(f"{dataset}: {n} pages, one process, pages per CPU second")
    print("| step | pages/s | × trafilatura alone |")
    print("|---|---|---|")
    for name, t in rows:
        print(f"| {name} | {n / t:.1f} | {t_traf / t:.2f} |")


def _carrying(cleaner: Cleaner, stage, page: str, result) -> Cleaner:
    from cleaner.run.firstpass import with_carried

    return with_carried(cleaner, stage.carrying(page, stage.spooled(result)))


def loso(score: ModuleType, bench: Path, limit: int | None) -> None:
    stage = next(s for s in Cleaner().stages if s.name == "extract")
    runs: dict[str, list[tuple[str, dict, str, str, str | None]]] = {}
    for dataset in DATASETS:
        rows = []
        for doc_id, page in pages(score, bench, dataset, limit):
            tree = extract_module.parse(page)
            precise = extract_module._extract(tree, stage.settings, "precision", metadata=False)
            found = extract_module._extract(tree, stage.settings, "recall", metadata=False)
            recalled, thread = found.get("text") or "", found.get("comments") or ""
            # jusText's paragraphs where the stage would ask for them (trafilatura found nothing)
            fallback = extract_module.fallback_paragraphs(tree, stage.settings, precise, recalled, thread)
            rows.append((doc_id, precise, recalled, thread, fallback))
        runs[dataset] = rows
        print(f"{dataset}: {len(rows)} pages extracted", file=sys.stderr, flush=True)

    def f1(dataset: str, **settings) -> float:
        s = replace(stage.settings, include_headline=False, **settings)
        probe = type(stage)(s)
        preds = {}
        for doc_id, precise, recalled, thread, fallback in runs[dataset]:
            try:
                preds[doc_id] = probe.choose("", precise, recalled, thread, fallback).edits[0].new
            except Exception:  # no content: a miss, as in score.py
                preds[doc_id] = None
        gold = score.load_gold(dataset)
        metric = score.DATASETS[dataset][1]
        if metric == "snippet":
            counts = [score.snippet_counts(gold[i], o) for i, o in preds.items()]
        else:
            counts = [score.shingle_counts(gold[i]["articleBody"], o) for i, o in preds.items()]
        return set_scores(score, metric, counts)["f1"]

    points = [dict(zip(GRID, values, strict=True)) for values in itertools.product(*GRID.values())]
    table = {(d, i): f1(d, **p) for d in DATASETS for i, p in enumerate(points)}
    default = {k: getattr(stage.settings, k) for k in GRID}
    print("| held out | tuned on the other three | F1 held out | F1 defaults | F1 precision run alone |")
    print("|---|---|---|---|---|")
    for held in DATASETS:
        others = [d for d in DATASETS if d != held]
        best = max(range(len(points)), key=lambda i: statistics.mean(table[(d, i)] for d in others))
        chosen = ", ".join(f"{k}={v}" for k, v in points[best].items())
        precise_only = f1(held, recall_lines=False, fallback_chars=0)
        scores = f"{table[(held, best)]:.3f} | {f1(held, **default):.3f} | {precise_only:.3f}"
        print(f"| {held} | {chosen} | {scores} |")


def extract_all(folder: Path) -> int:
    """trafilatura.extract, defaults (deduplication off), over every page of ``folder``: the reference
    process for the CLI's HTML mode. Pages are decoded as the CLI decodes them."""
    import trafilatura

    from cleaner.io import decode

    logging.disable(logging.CRITICAL)
    for path in sorted(folder.glob("*.htm*")):
        trafilatura.extract(decode(path.read_bytes())[0], deduplicate=False)
    return 0


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(
        prog="python -m benchmarks.html_mode",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    ap.add_argument("what", choices=("speed", "loso", "trafilatura"))
    ap.add_argument("dir", nargs="?", type=Path, help="trafilatura: the folder of pages")
    ap.add_argument("--bench", type=Path, default=DEFAULT_BENCH)
    ap.add_argument("--dataset", default="dragnet", choices=DATASETS, help="speed: the set (default dragnet)")
    ap.add_argument("--limit", type=int, help="pages per set (speed: default 200; loso: all)")
    args = ap.parse_args(argv)
    if args.what == "trafilatura":
        return extract_all(args.dir)
    bench = args.bench.resolve()
    if not (bench / "score.py").is_file():
        print(f"{SKIP_MESSAGE}: bench directory {bench} not found", file=sys.stderr)
        return 0
    score = load_score(bench)
    logging.disable(logging.CRITICAL)  # trafilatura warns on most pages
    if args.what == "speed":
        speed(score, bench, args.dataset, args.limit or 200)
    else:
        loso(score, bench, args.limit)
    return 0


if __name__ == "__main__":
    sys.exit(main())
