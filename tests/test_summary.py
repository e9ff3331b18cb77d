"""A run's summary from its report records (cleaner/summary.py) and ``cleaner stats REPORT.jsonl``."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from cleaner.cli import main
from cleaner.summary import LISTED, RunSummary

SEEDS = Path(__file__).resolve().parents[1] / "seeds"


def _edit(stage, rule, old, new=""):
    return {
        "stage": stage,
        "rule": rule,
        "start": 0,
        "end": len(old),
        "old": old,
        "new": new,
        "reason": "r",
        "step": 0,
    }


RECORDS = [
    {
        "id": "a", "path": "in/a.txt", "status": "cleaned", "error": None, "metadata": {},
        "warnings": ["boilerplate: rolled back, it would delete 67% of the text (limit 60%)"],
        "edits": [_edit("boilerplate", "ad-slot-marker", "STORY CONTINUES BELOW THIS AD\n"),
                  _edit("repair", "quote-spacing", "” ", "”"), _edit("canonical", "spaces", "  ", " ")],
        "chars_in": 1000, "chars_out": 900,
    },
    {
        "id": "b", "path": "in/b.txt", "status": "unchanged", "error": None, "metadata": {},
        "warnings": ["no fixed point after 4 passes"], "edits": [], "chars_in": 500, "chars_out": 500,
    },
    {
        "id": "c", "path": "in/c.txt", "status": "failed", "error": "empty document: no text to clean",
        "metadata": {}, "warnings": [], "edits": [], "chars_in": 0, "chars_out": 0,
    },
    {  # a record written before reports carried sizes
        "id": "d", "path": None, "status": "dropped", "error": "language: not English", "metadata": {},
        "warnings": [], "edits": [_edit("boilerplate", "ad-slot-marker", "Advertisement\n")],
    },
]  # fmt: skip


def test_summary_counts_statuses_sizes_rollbacks_and_rules():
    s = RunSummary.from_records(RECORDS, elapsed=2.0)
    assert s.documents == 4
    assert dict(s.statuses) == {"cleaned": 1, "unchanged": 1, "failed": 1, "dropped": 1}
    assert (s.chars_in, s.chars_out, s.unsized) == (1500, 1400, 1)
    assert s.rollbacks == [
        {"document": "in/a.txt", "stage": "boilerplate", "why": "it would delete 67% of the text (limit 60%)"}
    ]
    assert s.rollbacks_by_stage == {"boilerplate": 1}
    assert (s.warning_count, s.warnings) == (
        1,
        [{"document": "in/b.txt", "warning": "no fixed point after 4 passes"}],
    )
    assert s.failures == [{"document": "in/c.txt", "error": "empty document: no text to clean"}]
    # canonical's format edits are left out of the rules, as in the one-line summary
    assert s.edits_by_rule == {"boilerplate/ad-slot-marker": 2, "repair/quote-spacing": 1}
    assert s.removed_by_rule["boilerplate/ad-slot-marker"] == len("STORY CONTINUES BELOW THIS AD\n") + 14
    assert s.removed_by_stage["canonical"] == 1 and s.removed_by_stage["repair"] == 1
    assert s.docs_per_second == 2.0


def test_summary_round_trips_through_json():
    s = RunSummary.from_records(RECORDS, elapsed=1.5)
    data = json.loads(json.dumps(s.to_dict()))
    assert data["docs_per_second"] == pytest.approx(4 / 1.5)
    assert RunSummary.from_dict(data) == s
    assert list(data["statuses"])[:4] == ["cleaned", "unchanged", "dropped", "failed"]


def test_summary_text_names_the_trouble():
    text = RunSummary.from_records(RECORDS, elapsed=2.0).text()
    assert text.startswith("4 documents: 1 cleaned, 1 unchanged, 1 dropped, 1 failed\n")
    assert "elapsed 2.0 s, 2.0 documents/s" in text
    assert "characters in 1,500, out 1,400 (93% kept); 1 records without sizes left out" in text
    assert "rollbacks: 1 (boilerplate 1)\n  in/a.txt: boilerplate rolled back, it would delete 67%" in text
    assert "failed: in/c.txt: empty document" in text
    assert "top rules by edits:\n             2  boilerplate/ad-slot-marker" in text


def test_summary_lists_a_bounded_number_but_counts_all():
    record = {**RECORDS[1], "warnings": ["odd"]}
    s = RunSummary.from_records([record] * (LISTED + 5))
    assert s.warning_count == LISTED + 5 and len(s.warnings) == LISTED


@pytest.fixture(scope="module")
def seeds_report(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("stats")
    report = tmp / "run.jsonl"
    assert main(["clean", str(SEEDS), "-o", str(tmp / "out"), "--report", str(report), "-q"]) == 0
    return report


def test_stats_prints_the_summary_of_a_report(seeds_report, capsys):
    assert main(["stats", str(seeds_report)]) == 0
    out = capsys.readouterr().out
    assert out.startswith("5 documents: 5 cleaned, 0 unchanged, 0 dropped, 0 failed\n")
    assert "characters in 0.03 M, out 0.02 M" in out
    assert "top rules by characters removed:" in out and "appended/related-articles-boundary" in out


def test_stats_json_is_the_summary_value(seeds_report, capsys):
    assert main(["stats", str(seeds_report), "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    records = [json.loads(line) for line in seeds_report.read_text(encoding="utf-8").splitlines()]
    assert data == json.loads(json.dumps(RunSummary.from_records(records).to_dict()))
    assert data["documents"] == 5 and data["chars_in"] == sum(r["chars_in"] for r in records)
    assert data["chars_out"] == sum(
        len(t.read_text(encoding="utf-8")) for t in (seeds_report.parent / "out").iterdir()
    )


def test_stats_on_a_file_that_is_not_a_report(tmp_path, capsys):
    bad = tmp_path / "x.jsonl"
    bad.write_text('{"no": "status"}\n', encoding="utf-8")
    assert main(["stats", str(bad)]) == 2
    assert "not a readable report" in capsys.readouterr().err
