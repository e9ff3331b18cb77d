"""The run layer as a library (cleaner/run/): a Job over a directory, its Summary and Observer, the
engines giving the same bytes, and the corpus pass driven by a stage's declared statistics alone."""

from __future__ import annotations

import gc
import json
import multiprocessing
from collections import Counter
from pathlib import Path

import pytest

from cleaner import Cleaner
from cleaner.document import Document, StageResult
from cleaner.run import Job, JobError, Observer
from cleaner.run.engine import Engine
from cleaner.run.pool import PoolEngine
from cleaner.stage import Stage
from tests.conftest import SEEDS


def _inputs(dest: Path, n: int = 4) -> Path:
    dest.mkdir()
    seeds = sorted(SEEDS.glob("*.txt"))
    for i in range(n):
        (dest / f"doc{i}.txt").write_bytes(seeds[i % len(seeds)].read_bytes())
    return dest


def _tree(directory: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(directory.iterdir())}


class _Seen(Observer):
    def __init__(self):
        self.total, self.items = None, []

    def totals(self, items):
        self.total = items

    def finished(self, item, progress):
        self.items.append((Path(item.path).name, progress.done + progress.kept))


def test_a_job_reports_its_items_to_the_observer_and_sums_up_its_report(tmp_path, cleaner):
    src, seen = _inputs(tmp_path / "in"), _Seen()
    job = Job(cleaner, [src], tmp_path / "out", report=tmp_path / "r.jsonl", observer=seen)
    summary = job.run()
    assert seen.total == 4  # the first pass (name statistics) counted them
    assert seen.items == [(f"doc{i}.txt", i + 1) for i in range(4)]
    records = [json.loads(line) for line in (tmp_path / "r.jsonl").read_text().splitlines()]
    assert summary.documents == len(records) == 4 and job.progress.done == 4 and job.progress.written == 4
    assert summary.statuses == Counter(r["status"] for r in records)
    warnings = [w for r in records for w in r["warnings"]]
    assert summary.warning_count + summary.rollback_count == len(warnings)
    assert summary.chars_out == sum(len(p.read_text(encoding="utf-8")) for p in (tmp_path / "out").iterdir())
    assert summary.chars_in == sum(len(p.read_text(encoding="utf-8")) for p in src.iterdir())
    assert summary.elapsed > 0 and summary.line().startswith("cleaner: ")


def test_the_serial_and_pool_engines_give_the_same_bytes(tmp_path, cleaner):
    src = _inputs(tmp_path / "in", 6)
    outs = []
    for name, engine in (("serial", Engine()), ("pool", PoolEngine(2))):
        report = tmp_path / f"{name}.jsonl"
        Job(cleaner, [src], tmp_path / name, engine=engine, report=report).run()
        outs.append((_tree(tmp_path / name), report.read_bytes()))
    assert outs[0] == outs[1]


def test_a_job_that_cannot_run_says_why_before_any_work(tmp_path, cleaner):
    src = _inputs(tmp_path / "in")
    with pytest.raises(JobError, match="output directory"):
        Job(cleaner, [src]).run()
    with pytest.raises(JobError, match="no such file"):
        Job(cleaner, [tmp_path / "missing.txt"], tmp_path / "out").run()
    assert not (tmp_path / "out").exists()


# --- the corpus pass is a stage capability -------------------------------------------------------


class _Total:
    """Corpus statistics of the test stage: documents seen (mergeable by addition)."""

    def __init__(self, docs: int = 0):
        self.docs = docs

    def absorb(self, other: _Total) -> None:
        self.docs += other.docs

    def digest(self) -> str:
        return str(self.docs)


class _CorpusSize(Stage):
    """A stage no part of the run layer knows: it notes the corpus's size in each document's metadata."""

    name = "corpus-size"
    text_stage = False

    def __init__(self, settings=None, rules=(), total: _Total | None = None):
        super().__init__(settings, rules)
        self.total = total

    def corpus_stats(self):
        return _Total()

    def observe(self, stats, text):
        stats.docs += 1

    def with_corpus_stats(self, stats, offload=None):
        return _CorpusSize(self.settings, self.rules, stats)

    def corpus_digest(self):
        return None if self.total is None else self.total.digest()

    def apply(self, doc: Document) -> StageResult:
        return StageResult(metadata={"corpus_docs": None if self.total is None else self.total.docs})


@pytest.mark.parametrize("jobs", [1, 2])
def test_a_stage_that_declares_corpus_statistics_gets_a_first_pass(tmp_path, cleaner, jobs):
    custom = Cleaner(cleaner.ruleset)
    custom.stages = (_CorpusSize(), *(s for s in custom.stages if s.corpus_stats() is None))
    assert custom.uses_corpus_stats
    src = _inputs(tmp_path / "in", 5)
    Job(custom, [src], tmp_path / "out", jobs=jobs, report=tmp_path / "r.jsonl").run()
    records = [json.loads(line) for line in (tmp_path / "r.jsonl").read_text().splitlines()]
    assert [r["metadata"]["corpus_docs"] for r in records] == [5] * 5


def _freeze_count(shared, _task):
    return gc.get_freeze_count()


@pytest.mark.skipif(multiprocessing.get_start_method() != "fork", reason="only forked workers share memory")
def test_forked_workers_start_with_the_shared_objects_frozen_and_this_process_does_not(cleaner):
    # Frozen, the objects a worker shares with this process are never written by its garbage collector,
    # so their pages stay shared; this process goes back to collecting its own once the workers exist.
    before = gc.get_freeze_count()
    with PoolEngine(2) as engine:
        engine.broadcast(cleaner)
        counts = [engine.result(engine.submit(_freeze_count, n)) for n in range(4)]
        assert gc.get_freeze_count() == before == 0
    assert all(c > 0 for c in counts)
    with PoolEngine(2) as engine:  # broadcast, closed before any task: nothing stays frozen either
        engine.broadcast(cleaner)
    assert gc.get_freeze_count() == 0
