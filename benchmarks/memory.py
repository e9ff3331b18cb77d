"""Memory benchmark: peak memory of ``python -m cleaner clean`` as the corpus grows.

Run from the repository root:

    python -m benchmarks.memory                     # JSONL corpora of 100 and 2,000 documents
    python -m benchmarks.memory --sizes 100 10000   # other sizes
    python -m benchmarks.memory --files             # a directory of .txt files instead of one JSONL file
    python -m benchmarks.memory --jobs 2            # with worker processes (their memory counts too)

Each corpus is made from the seed articles (``seeds/``), each document one seed plus a paragraph of
invented surnames, so every document brings names the first pass has not seen: the name statistics grow
with the corpus as they would on real news. Each size runs in a fresh process (the CLI, exactly as a
user runs it, with its two passes); the peak resident set size is the largest of that process and its
workers (``ru_maxrss`` of the children). Flat memory means the figures stay the same as the corpus grows.

A benchmark, not a test: it asserts nothing and the test suite never runs it.
"""

from __future__ import annotations

import argparse
import json
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
_SYLLABLES = ["ka", "lo", "mi", "ren", "tov", "sk", "ber", "ol", "an", "witz", "ha", "du", "vel", "tor"]

# Runs the CLI in a child and prints the child's peak RSS in kilobytes (bytes on macOS).
_MEASURE = (
    "import resource, subprocess, sys; "
    "code = subprocess.run(sys.argv[1:]).returncode; "
    "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss); sys.exit(code)"
)


def documents(n: int, seeds: list[str]) -> list[str]:
    """``n`` documents: seed articles, each with a paragraph of names no other document has."""
    rng = random.Random(n)  # the same corpus for the same size, every run
    out = []
    for i in range(n):
        # five syllables: 500,000 possible names, so most are rare at any size and the names stage has
        # candidates to weigh (and its word lists to load) in small and large corpora alike
        names = ["".join(rng.choice(_SYLLABLES) for _ in range(5)).capitalize() for _ in range(6)]
        extra = " ".join(f"Minister {name} told reporters on Tuesday that talks went well." for name in names)
        out.append(f"{seeds[i % len(seeds)].rstrip()}\n\n{extra}\n")
    return out


def write_corpus(docs: list[str], where: Path, files: bool) -> Path:
    if files:
        folder = where / "in"
        folder.mkdir()
        for i, doc in enumerate(docs):
            (folder / f"{i:07d}.txt").write_text(doc, encoding="utf-8")
        return folder
    path = where / "in.jsonl"
    with path.open("w", encoding="utf-8") as fh:
        for i, doc in enumerate(docs):
            fh.write(json.dumps({"id": str(i), "text": doc}, ensure_ascii=False) + "\n")
    return path


def measure(corpus: Path, out: Path, jobs: int) -> tuple[float, float, int]:
    """(peak RSS in MB, seconds, exit code) of one CLI run in a fresh process."""
    cli = [sys.executable, "-m", "cleaner", "clean", str(corpus), "-o", str(out), "-q", "--jobs", str(jobs)]
    t0 = time.perf_counter()
    done = subprocess.run([sys.executable, "-c", _MEASURE, *cli], capture_output=True, text=True, cwd=REPO)
    seconds = time.perf_counter() - t0
    scale = 1 if sys.platform == "darwin" else 1024
    peak = int(done.stdout.strip().splitlines()[-1]) * scale / 1e6
    return peak, seconds, done.returncode


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(
        prog="python -m benchmarks.memory",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    ap.add_argument("--sizes", type=int, nargs="+", default=[100, 2000], help="corpus sizes in documents")
    ap.add_argument("--files", action="store_true", help="a directory of .txt files instead of a JSONL file")
    ap.add_argument("--jobs", type=int, default=1)
    args = ap.parse_args(argv)
    seeds = [p.read_text(encoding="utf-8") for p in sorted((REPO / "seeds").glob("*.txt"))]
    if not seeds:
        print("skipping the memory benchmark: no seeds/*.txt", file=sys.stderr)
        return 0
    print(f"| documents | input | peak memory | time | docs/s |  ({'files' if args.files else 'JSONL'})")
    print("|---|---|---|---|---|")
    for n in args.sizes:
        with tempfile.TemporaryDirectory() as tmp:
            corpus = write_corpus(documents(n, seeds), Path(tmp), args.files)
            size = sum(p.stat().st_size for p in ([corpus] if corpus.is_file() else corpus.iterdir()))
            peak, seconds, code = measure(corpus, Path(tmp) / "out", args.jobs)
        note = "" if code == 0 else f" (exit {code})"
        print(f"| {n:,} | {size / 1e6:.1f} MB | {peak:.0f} MB{note} | {seconds:.1f} s | {n / seconds:.1f} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
