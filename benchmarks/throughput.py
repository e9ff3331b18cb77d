"""Throughput benchmark: MB/s per core, documents/s and peak memory, with ftfy.fix_text as the yardstick.

Run from the repository root:

    python -m benchmarks.throughput                       # the bench's pages as text (*/html/*.txt)
    python -m benchmarks.throughput --stages              # also seconds per stage, first pass and later
    python -m benchmarks.throughput --sizes 50 200 800 1600   # also one document of N kB, two shapes
    python -m benchmarks.throughput DIR --limit 200       # any folder of .txt files, the first 200
    python -m benchmarks.throughput --html                # the bench's .html pages (HTML mode)
    python -m benchmarks.throughput --rules my_rules      # another rule set
    python -m benchmarks.throughput --json out.json       # also write the numbers

One process, one core: every document is read and decoded first (reading is not timed), then cleaned one
after another with ``Cleaner.clean``; "MB/s per core" is UTF-8 input megabytes over the cleaning time.
Times are this process's CPU seconds (``time.process_time``), not wall-clock seconds: on a shared machine
other processes' load would otherwise count against whichever side ran while it was high. In the same run,
over the same documents, ``ftfy.fix_text`` alone is timed the same way: the reference the issue measures
the cleaner against (``ratio`` = cleaner MB/s / ftfy MB/s). Peak memory is the process's peak resident set
size (``ru_maxrss``) after the run, which includes the documents held in memory. Each timing is the best
of ``--repeat`` runs (default 1), so a cold cache or a noisy neighbour does not count against the code.

``--stages`` times each stage's ``apply`` over the same run (first pass and later fixed-point passes
apart). ``--sizes`` takes one text of the largest size in two shapes, the bench's page text (real lines,
pages one after another) and one single line of its words, and cleans it cut into documents of each size
(33 documents of 50 kB, one of 1,600 kB): every row of a shape cleans the same words, so a cost that grows
faster than the document shows as falling MB/s, and nothing else does. (Until 2026-11-27 each row was
the first N kB of the pages: the 50 kB row then measured a few scrapinghub pages and the 1,600 kB row all
four sets, whose pages cost more per MB.)

This is a benchmark, not a test: it asserts nothing and the test suite never runs it. When the folder
does not exist (a fresh clone without ../shared) it says so on stderr and exits 0.
"""

from __future__ import annotations

import argparse
import gc
import json
import logging
import pickle
import resource
import sys
import time
from collections import Counter
from collections.abc import Callable, Sequence
from functools import partial
from pathlib import Path

from cleaner import Cleaner, RuleError
from cleaner.io import InputError, decode

REPO = Path(__file__).resolve().parent.parent
DEFAULT_BENCH = REPO.parent / "shared" / "bench"
SKIP_MESSAGE = "skipping the throughput benchmark"
BENCH_SETS = ("scrapinghub", "trafilatura_eval", "cleaneval", "dragnet")


def find_documents(folders: Sequence[Path], html: bool, limit: int | None) -> list[Path]:
    """The input files, sorted so every run sees the same documents in the same order."""
    suffixes = (".html", ".htm") if html else (".txt",)
    found = sorted(p for folder in folders for p in folder.rglob("*") if p.suffix in suffixes and p.is_file())
    return found[:limit] if limit else found


def load(paths: Sequence[Path]) -> list[str]:
    """Decode every file the way the CLI does; files that are not text are left out."""
    texts = []
    for p in paths:
        try:
            texts.append(decode(p.read_bytes())[0])
        except InputError:
            continue
    return texts


def best_time(make: Callable[[], Callable[[str], object]], texts: Sequence[str], repeat: int) -> float:
    """The fastest of ``repeat`` passes over all texts, in seconds; each pass gets a fresh function from
    ``make`` (so memo caches of one pass do not speed up the next)."""
    best = float("inf")
    for _ in range(repeat):
        fn = make()
        gc.collect()  # garbage from the previous pass is not this pass's cost
        t0 = time.process_time()
        for t in texts:
            fn(t)
        best = min(best, time.process_time() - t0)
    return best


def cold(cleaner: Cleaner) -> Cleaner:
    """The cleaner with every memo cache emptied: what a new worker process starts with. Word lists a
    library has loaded stay loaded (a one-time cost per process, not per document)."""
    from cleaner.langid import detect
    from cleaner.text import lines, word_count

    for cache in (detect, lines, word_count):
        cache.cache_clear()
    return pickle.loads(pickle.dumps(cleaner))  # stages drop their per-line memos when pickled


def stage_times(
    texts: Sequence[str], cleaner: Cleaner, html: bool, passes: Counter | None = None
) -> dict[str, tuple[float, float]]:
    """Seconds each stage's ``apply`` took over ``texts``: (first pass, later passes). ``passes``, when
    given, counts the documents by the passes they took (how often their busiest stage ran): every
    pass past the second is a whole pass of every stage that only a fixer's leftovers asked for."""
    cleaner = cold(cleaner)
    first: dict[str, float] = dict.fromkeys((s.name for s in cleaner.stages), 0.0)
    later = dict(first)
    runs: Counter = Counter()  # how often each stage has run on the current document

    def timed(stage):
        apply = stage.apply

        def run(doc):
            t0 = time.process_time()
            out = apply(doc)
            (later if runs[stage.name] else first)[stage.name] += time.process_time() - t0
            runs[stage.name] += 1
            return out

        return run

    for stage in cleaner.stages:
        stage.apply = timed(stage)  # an instance attribute: the shared class is untouched
    for t in texts:
        runs.clear()
        cleaner.clean(t, html=html)
        if passes is not None:
            passes[max(runs.values(), default=0)] += 1
    return {name: (first[name], later[name]) for name in first}


def passes_line(passes: Counter) -> str:
    return "documents by passes: " + ", ".join(f"{n}: {k}" for n, k in sorted(passes.items()))


def sized_documents(texts: Sequence[str], sizes_kb: Sequence[int]) -> list[tuple[str, int, str]]:
    """(shape, kB, document) for each size: "page text" is the bench's pages one after another, cut at a
    line end; "one line" is the same words on a single line."""
    pool = "\n".join(texts)
    words = pool.split()
    out = []
    for kb in sizes_kb:
        n = kb * 1000
        page = pool[:n]
        page = page[: page.rfind("\n")] if "\n" in page else page
        line = " ".join(words)[:n]
        out += [("page text", kb, page), ("one line", kb, line[: line.rfind(" ")])]
    return out


def pieces(whole: str, size: int, sep: str) -> list[str]:
    """``whole`` cut into documents of at most ``size`` characters, each cut at a ``sep`` (which is
    dropped), or at ``size`` when a piece holds none."""
    out, start = [], 0
    while start < len(whole):
        end = start + size
        if end >= len(whole):
            out.append(whole[start:])
            break
        cut = whole.rfind(sep, start, end)
        cut = end if cut <= start else cut
        out.append(whole[start:cut])
        start = cut + (whole.startswith(sep, cut))
    return [p for p in out if p.strip()]


def size_rows(texts: Sequence[str], cleaner: Cleaner, sizes_kb: Sequence[int], repeat: int = 1) -> list[dict]:
    """One row per size and shape: the shape's text of the largest size, cleaned as documents of that
    size; the best of ``repeat`` runs, each by a cold cleaner (one 50 kB document cleans in some 50 ms,
    where a slow moment of a shared machine moves a single timing by half)."""
    rows = []
    for shape, _, whole in sized_documents(texts, [max(sizes_kb)]):
        sep = "\n" if shape == "page text" else " "
        for kb in sizes_kb:
            docs = pieces(whole, kb * 1000, sep)
            seconds = float("inf")
            for _ in range(repeat):
                fresh = cold(cleaner)
                gc.collect()
                t0 = time.process_time()
                for doc in docs:
                    fresh.clean(doc)
                seconds = min(seconds, time.process_time() - t0)
            mb = sum(len(d.encode("utf-8")) for d in docs) / 1e6
            row = {"shape": shape, "kb": kb, "documents": len(docs), "seconds": round(seconds, 3)}
            rows.append({**row, "mb_per_s": round(mb / seconds, 3)})
    return rows


def peak_rss_mb() -> float:
    # ru_maxrss is in kilobytes on Linux, bytes on macOS
    scale = 1 if sys.platform == "darwin" else 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * scale / 1e6


def run(texts: Sequence[str], cleaner: Cleaner, html: bool, repeat: int) -> dict:
    import ftfy

    megabytes = sum(len(t.encode("utf-8")) for t in texts) / 1e6
    for t in texts[:20]:  # warm up: lazy imports and word lists (loaded once per process)
        cleaner.clean(t, html=html)
        ftfy.fix_text(t)
    cleaner_s = best_time(lambda: partial(cold(cleaner).clean, html=html), texts, repeat)
    ftfy_s = best_time(lambda: ftfy.fix_text, texts, repeat)
    cleaner_mbs = megabytes / cleaner_s
    ftfy_mbs = megabytes / ftfy_s
    return {
        "documents": len(texts),
        "megabytes": round(megabytes, 3),
        "mode": "html" if html else "text",
        "cleaner_seconds": round(cleaner_s, 3),
        "cleaner_mb_per_s": round(cleaner_mbs, 3),
        "cleaner_docs_per_s": round(len(texts) / cleaner_s, 1),
        "ftfy_seconds": round(ftfy_s, 3),
        "ftfy_mb_per_s": round(ftfy_mbs, 3),
        "ratio_to_ftfy": round(cleaner_mbs / ftfy_mbs, 3),
        "peak_rss_mb": round(peak_rss_mb(), 1),
    }


def stage_table(times: dict[str, tuple[float, float]]) -> str:
    lines = ["| stage | first pass (s) | later passes (s) | total (s) |", "|---|---|---|---|"]
    for name, (a, b) in sorted(times.items(), key=lambda kv: -sum(kv[1])):
        lines.append(f"| {name} | {a:.2f} | {b:.2f} | {a + b:.2f} |")
    total = [sum(v[i] for v in times.values()) for i in (0, 1)]
    lines.append(f"| all stages | {total[0]:.2f} | {total[1]:.2f} | {sum(total):.2f} |")
    return "\n".join(lines)


def size_table(rows: Sequence[dict]) -> str:
    lines = ["| document | size | documents | seconds | MB/s |", "|---|---|---|---|---|"]
    lines += [
        f"| {r['shape']} | {r['kb']} kB | {r['documents']} | {r['seconds']:.3f} | {r['mb_per_s']:.3f} |"
        for r in rows
    ]
    return "\n".join(lines)


def table(r: dict) -> str:
    rows = [
        ("documents", f"{r['documents']} ({r['megabytes']:.2f} MB, {r['mode']} mode)"),
        ("cleaner", f"{r['cleaner_mb_per_s']:.3f} MB/s per core, {r['cleaner_docs_per_s']:.1f} docs/s"),
        ("ftfy.fix_text", f"{r['ftfy_mb_per_s']:.3f} MB/s per core"),
        ("cleaner / ftfy", f"{r['ratio_to_ftfy']:.3f}×"),
        ("peak memory", f"{r['peak_rss_mb']:.0f} MB resident"),
    ]
    return "\n".join(["| measure | value |", "|---|---|", *(f"| {k} | {v} |" for k, v in rows)])


def build_parser() -> argparse.ArgumentParser:
    ap = argparse.ArgumentParser(
        prog="python -m benchmarks.throughput",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    ap.add_argument("folders", nargs="*", type=Path, help="folders of inputs (default: ../shared/bench)")
    ap.add_argument("--html", action="store_true", help="clean .html pages (HTML mode) instead of .txt")
    ap.add_argument("--limit", type=int, help="only the first N documents (sorted by path)")
    ap.add_argument("--repeat", type=int, default=1, help="passes per timing; the fastest counts")
    ap.add_argument("--rules", action="append", help="rules directory or file for Cleaner(...); repeatable")
    ap.add_argument("--json", type=Path, help="also write the numbers to this file")
    ap.add_argument("--stages", action="store_true", help="also time each stage (first pass and later)")
    ap.add_argument("--sizes", type=int, nargs="+", metavar="KB", help="also clean one document of each size")
    return ap


def main(argv: list[str] | None = None) -> int:
    ap = build_parser()
    args = ap.parse_args(argv)
    if args.limit is not None and args.limit < 1:
        ap.error("--limit must be at least 1")
    if args.repeat < 1:
        ap.error("--repeat must be at least 1")
    # the bench's pages, not its split lists (splits/*.txt) or other files
    folders = args.folders or [DEFAULT_BENCH / name / "html" for name in BENCH_SETS]
    missing = [str(f) for f in folders if not f.is_dir()]
    if missing:
        print(f"{SKIP_MESSAGE}: no folder {', '.join(missing)}", file=sys.stderr)
        return 0
    paths = find_documents(folders, args.html, args.limit)
    texts = load(paths)
    if not texts:
        print(f"{SKIP_MESSAGE}: no {'HTML' if args.html else 'text'} documents found", file=sys.stderr)
        return 0
    try:
        cleaner = Cleaner(args.rules)
    except RuleError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    logging.disable(logging.CRITICAL)  # trafilatura warns on most pages
    result = run(texts, cleaner, args.html, args.repeat)
    print(table(result))
    if args.stages:
        passes: Counter = Counter()
        times = stage_times(texts, cleaner, args.html, passes)
        result["stages"] = {name: [round(a, 3), round(b, 3)] for name, (a, b) in times.items()}
        result["passes"] = {str(n): k for n, k in sorted(passes.items())}
        print()
        print(stage_table(times))
        print(passes_line(passes))
    if args.sizes:
        result["sizes"] = size_rows(texts, cleaner, args.sizes, args.repeat)
        print()
        print(size_table(result["sizes"]))
    if args.json:
        args.json.write_text(json.dumps(result, indent=1) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
