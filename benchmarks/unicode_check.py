"""The ``unicode`` stage's cheap check: its cost over the bench's text pages, and what it misses.

Run from the repository root:

    python -m benchmarks.unicode_check                 # all four sets' html/*.txt, best of 3
    python -m benchmarks.unicode_check --bench /work/shared/bench   # the bench elsewhere than ../shared
    python -m benchmarks.unicode_check DIR --repeat 5  # any folder of .txt files
    python -m benchmarks.unicode_check --verify        # also run ftfy on every line: lines it would change
                                                       # that the check did not send it (must be 0)

The check is everything the stage does before it calls ftfy: the document-wide screen and the per-line
test that pick the lines ftfy sees (``cleaner.stages.unicode.lines_for_ftfy``). Its seconds are the
fastest of ``--repeat`` passes over all pages, with the stage's memo caches emptied before each pass (a
new worker starts cold; lines that recur across pages, such as menus, still hit within a pass). Each
page is split into ``cleaner.text.lines`` before its timing starts: the later stages need that split
anyway and it is cached, so it is not the check's cost (a check that reads it gets it for free). The
seconds ftfy then spends on the lines the check picked are printed alongside, for scale.

This is a benchmark, not a test: it asserts nothing. Without the bench it says so on stderr and exits 0.
"""

from __future__ import annotations

import argparse
import gc
import sys
import time
from collections.abc import Sequence
from pathlib import Path

import ftfy

from benchmarks.throughput import DEFAULT_BENCH, find_documents, load
from cleaner.stages import unicode
from cleaner.text import lines

SETS = ("scrapinghub", "trafilatura_eval", "cleaneval", "dragnet")


def check_seconds(texts: Sequence[str], repeat: int) -> tuple[float, int]:
    """The fastest pass of the check over all texts, and the number of lines it picked."""
    best, picked = float("inf"), 0
    for _ in range(repeat):
        for memo in vars(unicode).values():  # a new worker starts with the stage's memos empty
            getattr(memo, "cache_clear", lambda: None)()
        gc.collect()
        seconds = picked = 0
        for t in texts:
            # The stages after this one split each page into cached lines anyway: that split is not
            # the check's cost, even when the check reads the cached lines.
            lines(t)
            t0 = time.perf_counter()
            picked += len(unicode.lines_for_ftfy(t))
            seconds += time.perf_counter() - t0
        best = min(best, seconds)
    return best, picked


def ftfy_seconds(texts: Sequence[str]) -> float:
    """Seconds ftfy takes on the lines the check picked (what the check saves is ftfy on all the rest)."""
    units = [t[a:b] for t in texts for a, b in unicode.lines_for_ftfy(t)]
    t0 = time.perf_counter()
    for u in units:
        ftfy.fix_and_explain(u, unicode.FTFY_CONFIG)
    return time.perf_counter() - t0


def missed(texts: Sequence[str]) -> list[str]:
    """Lines (as the stage splits them) that ftfy would change but the check does not pick."""
    out = []
    for t in texts:
        picked = set(unicode.lines_for_ftfy(t))
        for a, b in unicode.line_spans(t):
            if (a, b) not in picked and ftfy.fix_text(t[a:b], unicode.FTFY_CONFIG) != t[a:b]:
                out.append(t[a:b])
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(
        prog="python -m benchmarks.unicode_check",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    ap.add_argument("folders", nargs="*", type=Path, help="folders of .txt pages (default: the bench's four)")
    ap.add_argument("--bench", type=Path, default=DEFAULT_BENCH, help="the bench (default: ../shared/bench)")
    ap.add_argument("--repeat", type=int, default=3, help="passes of the check; the fastest counts")
    ap.add_argument("--verify", action="store_true", help="run ftfy on every line to count the misses")
    args = ap.parse_args(argv)
    folders = args.folders or [args.bench / name / "html" for name in SETS]
    missing = [str(f) for f in folders if not f.is_dir()]
    if missing:
        print(f"skipping the unicode check benchmark: no folder {', '.join(missing)}", file=sys.stderr)
        return 0
    texts = load(find_documents(folders, html=False, limit=None))
    megabytes = sum(len(t.encode("utf-8")) for t in texts) / 1e6
    n_lines = sum(len(unicode.line_spans(t)) for t in texts)
    seconds, picked = check_seconds(texts, max(1, args.repeat))
    print(f"pages: {len(texts)} ({megabytes:.2f} MB, {n_lines} lines)")
    rate = megabytes / seconds
    print(f"unicode pre-check: {seconds:.3f} s ({rate:.1f} MB/s), {picked} lines picked for ftfy")
    print(f"ftfy on the picked lines: {ftfy_seconds(texts):.3f} s")
    if args.verify:
        lost = missed(texts)
        print(f"lines ftfy would change that the check missed: {len(lost)}")
        for line in lost[:20]:
            print(f"  {line[:100]!r}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
