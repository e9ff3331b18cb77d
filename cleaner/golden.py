"""Golden files: ``seeds/<stem>.<ext>`` in, ``golden/<stem>.txt`` out, compared byte for byte.

A missing golden fails and so does an orphan (a golden with no seed). ``update`` rewrites the goldens
(and removes orphans) but the run still reports failure when anything changed, so a person reviews the
diff before committing it.
"""

from __future__ import annotations

import difflib
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from cleaner.io import Item, kind_of, output_rel, write_atomic
from cleaner.pipeline import Cleaner
from cleaner.run.engine import Engine
from cleaner.run.firstpass import prepare
from cleaner.run.job import Job


@dataclass
class CheckResult:
    """What a golden check found: one entry per kind of problem, and the diffs to print."""

    matched: list[str] = field(default_factory=list)
    differ: list[str] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)
    orphans: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    diffs: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not (self.differ or self.missing or self.orphans or self.failed or self.updated)


def seed_files(seeds: Path) -> list[Path]:
    return sorted(p for p in seeds.iterdir() if p.is_file() and kind_of(p.name) in ("text", "html"))


def with_seed_stats(cleaner: Cleaner, seeds: Path) -> Cleaner:
    """The cleaner with corpus statistics over the seeds, as ``clean seeds -o OUT`` would build it."""
    if not cleaner.uses_corpus_stats:
        return cleaner
    items = [Item(str(p), kind_of(p.name), output_rel(p.name, kind_of(p.name))) for p in seed_files(seeds)]
    return prepare(cleaner, items, Engine())


def check(cleaner: Cleaner, seeds: Path, golden: Path, update: bool = False) -> CheckResult:
    """Clean the seeds as ``clean`` does (a :class:`~cleaner.run.Job`, first pass included) and compare
    each output with its golden file."""
    res = CheckResult()
    files = seed_files(seeds)
    with tempfile.TemporaryDirectory(prefix="cleaner-check-") as tmp:
        out = Path(tmp)
        summary = Job(cleaner, files, out).run() if files else None
        res.failed.extend(summary.failure_lines() if summary else ())
        stems = set()
        for seed in files:
            stem = seed.name[: -len(seed.suffix)]  # story.v1.txt -> story.v1: only the type suffix goes
            stems.add(stem)
            made = out / output_rel(seed.name, kind_of(seed.name))
            if not made.is_file():  # it failed: a failure is never written
                continue
            _compare(res, stem, made.read_bytes(), golden / f"{stem}.txt", update)
    if golden.is_dir():
        for g in sorted(golden.glob("*.txt")):
            if g.name[: -len(g.suffix)] not in stems:
                res.orphans.append(str(g))
                if update:
                    g.unlink()
                    res.updated.append(f"{g} (removed)")
    return res


def _compare(res: CheckResult, stem: str, got: bytes, target: Path, update: bool) -> None:
    want = target.read_bytes() if target.exists() else None
    if want == got:
        res.matched.append(stem)
        return
    if want is None:
        res.missing.append(str(target))
    else:
        res.differ.append(str(target))
        res.diffs.append(_diff(want, got, str(target)))
    if update:
        write_atomic(target, got)
        res.updated.append(str(target))


def _diff(want: bytes, got: bytes, name: str) -> str:
    a = want.decode("utf-8", "replace").splitlines(keepends=True)
    b = got.decode("utf-8", "replace").splitlines(keepends=True)
    lines = difflib.unified_diff(a, b, fromfile=f"{name} (golden)", tofile=f"{name} (cleaned)")
    return "".join(
        line if line.endswith("\n") else line + "\n\\ No newline at end of file\n" for line in lines
    )
