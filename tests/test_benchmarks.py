"""The quality benchmark command (benchmarks/quality.py): it skips without the bench and scores with it.

The bench (../shared/bench) is development data outside the repository, so the scoring test only runs
where it exists, and on three documents to stay fast.
"""

from __future__ import annotations

import json

import pytest

from benchmarks import quality


def test_skips_cleanly_without_bench(tmp_path, capsys):
    missing = tmp_path / "no-such-bench"
    assert quality.main(["--bench", str(missing)]) == 0
    captured = capsys.readouterr()
    assert quality.SKIP_MESSAGE in captured.err
    assert str(missing) in captured.err
    assert captured.out == ""


@pytest.mark.skipif(not (quality.DEFAULT_BENCH / "score.py").is_file(), reason="bench directory absent")
def test_scores_the_cleaner_on_a_few_documents(tmp_path, capsys):
    out_json = tmp_path / "quality.json"
    argv = ["--limit", "3", "--dataset", "scrapinghub", "--mode", "text", "--json", str(out_json)]
    assert quality.main(argv) == 0
    table = capsys.readouterr().out
    rows = [
        [cell.strip() for cell in line.strip().strip("|").split("|")]
        for line in table.splitlines()
        if line.startswith("| scrapinghub |")
    ]
    by_tool = {row[2]: row for row in rows}
    assert set(by_tool) == {"cleaner", "identity", "text_minwords8"}
    dataset, mode, _tool, precision, recall, f1, docs_per_s = by_tool["cleaner"]
    assert (dataset, mode) == ("scrapinghub", "text")
    assert 0.0 < float(f1) <= 1.0
    assert 0.0 <= float(precision) <= 1.0 and 0.0 <= float(recall) <= 1.0
    assert float(docs_per_s) > 0
    numbers = json.loads(out_json.read_text(encoding="utf-8"))
    cleaner = next(r for r in numbers["results"] if r["tool"] == "cleaner")
    assert cleaner["n_docs"] == 3 and len(cleaner["per_doc"]) == 3
    assert cleaner["f1"] == pytest.approx(float(f1), abs=5e-4)


def test_names_benchmark_skips_without_bench(tmp_path, capsys):
    from benchmarks import names

    assert names.main(["--bench", str(tmp_path / "absent")]) == 0
    assert "skipping the names benchmark" in capsys.readouterr().err


def test_misspell_makes_machine_translation_slips():
    import random

    from benchmarks.names import misspell

    rng = random.Random(0)
    slips = {misspell("Zelensky", rng) for _ in range(50)}
    assert None not in slips and "Zelensky" not in slips
    assert "Zelenski" in slips  # -sky -> -ski


def test_memory_benchmark_runs_the_cli_and_reports_peak_memory(capsys):
    from benchmarks import memory

    assert memory.main(["--sizes", "3"]) == 0
    row = next(line for line in capsys.readouterr().out.splitlines() if line.startswith("| 3 |"))
    peak = row.split("|")[3].strip()
    assert peak.endswith(" MB") and float(peak.split()[0]) > 0 and "exit" not in row
