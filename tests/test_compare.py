"""Comparing two quality runs (benchmarks/compare.py): the change in F1, paired page for page, and whether
it is more than the noise of the pages at hand.

The comparison takes score.py's aggregation as a function; these tests give it a plain mean of per-page
scores, so they run without the bench (absent in CI)."""

from __future__ import annotations

import json

import pytest

from benchmarks import compare, quality


def mean(counts: list) -> float:
    """A page's 'counts' here is its score alone; a set's F1 is their mean (score.py averages shingle
    precision and recall over the pages in the same way)."""
    return sum(counts) / len(counts) if counts else 0.0


def run(scores: dict[str, float]) -> list[dict]:
    return [{"id": page, "counts": score} for page, score in scores.items()]


PAGES = [f"p{k:02d}" for k in range(40)]


def test_the_same_run_twice_is_the_same():
    before = run({p: 0.5 + k / 100 for k, p in enumerate(PAGES)})
    change = compare.paired_change(before, before, mean)
    assert (change.delta, change.sigma, change.verdict(2.0)) == (0.0, 0.0, "same")
    assert change.moved == () and change.pages == 40


def test_a_change_every_page_shares_is_more_than_noise():
    before = {p: 0.5 + (k % 7) / 20 for k, p in enumerate(PAGES)}
    after = {p: s + 0.01 + (k % 3) / 1000 for k, (p, s) in enumerate(before.items())}
    change = compare.paired_change(run(before), run(after), mean)
    assert change.delta == pytest.approx(0.011, abs=1e-3)
    assert change.sigma < change.delta / 2  # the pages agree: resampling them hardly moves the change
    assert change.verdict(2.0) == "better"
    worse = compare.paired_change(run(after), run(before), mean)
    assert worse.verdict(2.0) == "worse" and worse.sigma == pytest.approx(change.sigma)


def test_a_change_one_page_carries_is_noise():
    # One page of forty goes from nothing to perfect: +0.025 on the set, but a resample holds that page
    # zero, one or three times, so the change is that page's luck.
    before = {p: 0.6 for p in PAGES} | {"p07": 0.0}
    after = before | {"p07": 1.0}
    change = compare.paired_change(run(before), run(after), mean)
    assert change.delta == pytest.approx(1 / 40)
    assert change.sigma > change.delta / 2
    assert change.verdict(2.0) == "noise"
    assert change.moved == (("p07", 0.0, 1.0),)


def test_pages_are_paired_by_id_whatever_their_order_and_the_resamples_are_seeded():
    before = {p: (k * 37 % 11) / 10 for k, p in enumerate(PAGES)}
    after = {p: s + (0.2 if k % 5 == 0 else 0.0) for k, (p, s) in enumerate(before.items())}
    forward = compare.paired_change(run(before), run(after), mean, seed=3)
    shuffled = compare.paired_change(run(before)[::-1], run(after)[5:] + run(after)[:5], mean, seed=3)
    assert shuffled == forward  # same pairs, same resamples, same figures
    assert compare.paired_change(run(before), run(after), mean, seed=4).sigma != forward.sigma


def test_only_the_pages_of_both_runs_count_and_the_rest_are_said():
    before = {"a": 0.5, "b": 0.5, "c": 0.9}
    after = {"a": 0.7, "b": 0.5, "d": 0.1}
    change = compare.paired_change(run(before), run(after), mean)
    assert (change.pages, change.unpaired) == (2, 2)  # a and b compared; c and d each in one run only
    assert change.before == pytest.approx(0.5) and change.after == pytest.approx(0.6)
    lines = compare.moved_lines([(("set", "text", "cleaner"), change)])
    assert lines == ["- set text cleaner, 2 pages (2 pages in one run only, left out): a 0.500 → 0.700"]


def test_the_pages_that_moved_most_come_first():
    before = {p: 0.5 for p in PAGES}
    after = before | {"p03": 0.6, "p10": 0.1, "p20": 0.45}
    change = compare.paired_change(run(before), run(after), mean, pages=2)
    assert [page for page, _, _ in change.moved] == ["p10", "p03"]


def test_the_table_gives_each_row_its_change_and_verdict():
    flat = compare.paired_change(run({"a": 0.5}), run({"a": 0.5}), mean)
    up = compare.paired_change(run({p: 0.5 for p in PAGES}), run({p: 0.6 for p in PAGES}), mean)
    rows = [(("cleaneval", "text", "cleaner"), flat), (("dragnet", "html", "cleaner_body"), up)]
    text = compare.table(rows, 2.0)
    assert "| cleaneval | text | cleaner | 0.5000 | 0.5000 | +0.0000 | 0.0000 | – | same |" in text
    assert "| dragnet | html | cleaner_body | 0.5000 | 0.6000 | +0.1000 | 0.0000 | – | better |" in text


def test_skips_cleanly_without_bench(tmp_path, capsys):
    run_file = tmp_path / "run.json"
    run_file.write_text(json.dumps({"results": []}), encoding="utf-8")
    argv = ["--bench", str(tmp_path / "no-bench"), str(run_file), str(run_file)]
    assert compare.main(argv) == 0
    assert "skipping" in capsys.readouterr().err


def quality_file(path, f1_scale: float, metric: str = "shingle"):
    """A file as ``benchmarks.quality --json`` writes it: a cleaner row and an identity row on 30 pages,
    each page's counts the (tp, fp, fn) shares score.py's shingle metric takes."""
    docs = [{"id": f"d{k}", "counts": [f1_scale, 1 - f1_scale, 0.0]} for k in range(30)]
    results = [
        {"dataset": "cleaneval", "mode": "text", "tool": tool, "metric": metric, "per_doc": docs}
        for tool in ("cleaner", "identity")
    ]
    path.write_text(json.dumps({"results": results}), encoding="utf-8")
    return str(path)


@pytest.mark.skipif(not (quality.DEFAULT_BENCH / "score.py").is_file(), reason="bench directory absent")
def test_the_command_compares_the_cleaners_rows_with_score_pys_metric(tmp_path, capsys):
    before, after = quality_file(tmp_path / "a.json", 0.8), quality_file(tmp_path / "b.json", 0.9)
    assert compare.main([before, after]) == 0
    out = capsys.readouterr().out
    rows = [line for line in out.splitlines() if line.startswith("| cleaneval")]
    assert len(rows) == 1 and "| cleaneval | text | cleaner |" in rows[0]
    assert rows[0].endswith("| better |")  # every page gained: precision 0.8 -> 0.9, recall 1
    assert compare.main([before, after, "--tool", "identity"]) == 0
    assert "| cleaneval | text | identity |" in capsys.readouterr().out
    # two runs scored by different metrics, or a file that is not a run, are usage errors
    assert compare.main([before, quality_file(tmp_path / "c.json", 0.9, "snippet")]) == 2
    (tmp_path / "d.json").write_text("not json", encoding="utf-8")
    assert compare.main([before, str(tmp_path / "d.json")]) == 2
    assert "not a benchmarks.quality --json file" in capsys.readouterr().err
