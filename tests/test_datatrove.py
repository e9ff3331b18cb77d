"""cleaner.datatrove's steps in a real datatrove pipeline: LocalPipelineExecutor over JSONL files."""

from __future__ import annotations

import json

import pytest

from tests.conftest import SEEDS

pytest.importorskip("datatrove", reason="datatrove is not installed (pip install -e '.[datatrove]')")

from datatrove.executor import LocalPipelineExecutor
from datatrove.pipeline.readers import JsonlReader
from datatrove.pipeline.writers import JsonlWriter

from cleaner.datatrove import CleanerStep, NameStatsCollector, load_name_stats
from cleaner.report import rule_counts

NOISY = "Putin met Zelensky 's envoy.\nSTORY CONTINUES BELOW THIS AD\n"
SEED_TEXTS = [p.read_text(encoding="utf-8") for p in sorted(SEEDS.glob("*.txt"))]


@pytest.fixture
def raw(tmp_path):
    """Two JSONL shards: the seeds, a noisy line, and a document with no text."""
    docs = [{"id": f"seed-{n}", "text": t} for n, t in enumerate(SEED_TEXTS)]
    docs += [{"id": "noisy", "text": NOISY, "source": "wire"}, {"id": "empty", "text": "   "}]
    folder = tmp_path / "raw"
    folder.mkdir()
    for shard, part in enumerate((docs[::2], docs[1::2])):
        lines = "".join(json.dumps(d) + "\n" for d in part)
        (folder / f"part-{shard}.jsonl").write_text(lines, encoding="utf-8")
    return folder


def _read(folder) -> dict[str, dict]:
    return {
        d["id"]: d
        for f in sorted(folder.glob("*.jsonl"))
        for d in map(json.loads, f.read_text().splitlines())
    }


def _stats(logs) -> dict[str, int]:
    """The cleaner step's counters from the executor's merged stats (a plain count, or a metric's total)."""
    steps = json.loads((logs / "stats.json").read_text())
    (step,) = [s for s in steps if s["name"].endswith(CleanerStep.name)]
    return {k: v if isinstance(v, int) else v["total"] for k, v in step["stats"].items()}


def test_cleans_texts_keeps_records_counts_and_excludes(raw, tmp_path, cleaner):
    out, excluded, logs = tmp_path / "clean", tmp_path / "excluded", tmp_path / "logs"
    LocalPipelineExecutor(
        [
            JsonlReader(str(raw)),
            CleanerStep(cleaner=cleaner, exclusion_writer=JsonlWriter(str(excluded), compression=None)),
            JsonlWriter(str(out), compression=None),
        ],
        tasks=2,
        workers=1,
        logging_dir=str(logs),
    ).run()
    kept, dropped = _read(out), _read(excluded)
    assert set(kept) == {"noisy", *(f"seed-{n}" for n in range(len(SEED_TEXTS)))} and set(dropped) == {
        "empty"
    }
    noisy = kept["noisy"]
    assert noisy["text"] == cleaner.clean(NOISY).text == "Putin met Zelensky's envoy.\n"
    assert noisy["metadata"]["cleaner"]["status"] == "cleaned"
    assert noisy["metadata"]["source"] == "wire"  # the document's own fields stay
    assert dropped["empty"]["text"] == "   " and dropped["empty"]["metadata"]["filter_reason"].startswith(
        "failed"
    )
    counts = _stats(logs)
    assert counts["total"] == len(SEED_TEXTS) + 2 and counts["forwarded"] == len(SEED_TEXTS) + 1
    assert counts["dropped"] == counts["failed"] == 1
    # edits by rule, as the run summary counts them
    expected = rule_counts((e.stage, e.rule) for t in [*SEED_TEXTS, NOISY] for e in cleaner.clean(t).edits)
    assert {
        k: n for k, n in counts.items() if "/" in k
    } == expected and "boilerplate/ad-slot-marker" in expected


def test_corpus_name_repair_in_two_runs_matches_the_library(raw, tmp_path, cleaner):
    stats_dir = tmp_path / "names"
    LocalPipelineExecutor(
        [JsonlReader(str(raw)), NameStatsCollector(str(stats_dir), cleaner=cleaner)],
        tasks=2,
        workers=1,
        logging_dir=str(tmp_path / "logs1"),
    ).run()
    assert sorted(p.name for p in stats_dir.iterdir()) == ["00000.json.gz", "00001.json.gz"]
    texts = [*SEED_TEXTS, NOISY, "   "]
    whole = cleaner.collect_name_stats(texts)
    assert load_name_stats(str(stats_dir)).digest() == whole.digest()
    out = tmp_path / "clean"
    LocalPipelineExecutor(
        [
            JsonlReader(str(raw)),
            CleanerStep(cleaner=cleaner, name_stats=str(stats_dir)),
            JsonlWriter(str(out), compression=None),
        ],
        tasks=2,
        workers=1,
        logging_dir=str(tmp_path / "logs2"),
    ).run()
    second = cleaner.with_name_stats(whole)
    kept = _read(out)
    for n, text in enumerate(SEED_TEXTS):
        assert kept[f"seed-{n}"]["text"] == second.clean(text).text


def test_rules_or_a_cleaner_not_both(cleaner):
    with pytest.raises(ValueError, match="not both"):
        CleanerStep("rules/", cleaner=cleaner)
