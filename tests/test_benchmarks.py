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
    assert set(by_tool) == {"cleaner", "cleaner_body", "identity", "text_minwords8"}
    dataset, mode, _tool, precision, recall, f1, docs_per_s = by_tool["cleaner"]
    assert (dataset, mode) == ("scrapinghub", "text")
    assert 0.0 < float(f1) <= 1.0
    assert 0.0 <= float(precision) <= 1.0 and 0.0 <= float(recall) <= 1.0
    assert float(docs_per_s) > 0
    numbers = json.loads(out_json.read_text(encoding="utf-8"))
    cleaner = next(r for r in numbers["results"] if r["tool"] == "cleaner")
    assert cleaner["n_docs"] == 3 and len(cleaner["per_doc"]) == 3
    assert cleaner["f1"] == pytest.approx(float(f1), abs=5e-4)
    # the body-only row is scored from the same cleaning call: same time, never a second run
    body = next(r for r in numbers["results"] if r["tool"] == "cleaner_body")
    assert body["time_total_s"] == cleaner["time_total_s"]


@pytest.mark.skipif(not (quality.DEFAULT_BENCH / "score.py").is_file(), reason="bench directory absent")
def test_tool_picks_the_rows_and_dragnet_scores_each_against_its_article_part_too(capsys):
    # Dragnet's gold keeps readers' comments: every tool gets a second row against the article part.
    argv = ["--limit", "2", "--dataset", "dragnet", "--mode", "text", "--tool", "identity"]
    assert quality.main(argv) == 0
    tools = [
        line.split("|")[3].strip() for line in capsys.readouterr().out.splitlines() if "| dragnet |" in line
    ]
    assert tools == ["identity", "identity_vs_article"]


@pytest.mark.skipif(not (quality.DEFAULT_BENCH / "score.py").is_file(), reason="bench directory absent")
def test_gold_mode_reports_the_words_kept_and_the_rules_that_removed_words(tmp_path, capsys):
    out_json = tmp_path / "quality.json"
    argv = ["--limit", "3", "--dataset", "dragnet", "--dataset", "trafilatura_eval", "--mode", "gold"]
    assert quality.main([*argv, "--json", str(out_json)]) == 0
    table = capsys.readouterr().out
    assert "| dragnet | 3 |" in table
    assert "| trafilatura_eval |" not in table  # snippet gold: no bodies to clean
    (gold,) = json.loads(out_json.read_text(encoding="utf-8"))["gold"]
    assert gold["dataset"] == "dragnet" and gold["n_docs"] == 3
    assert 0 < gold["kept"] <= gold["words"]
    # every word not kept is charged to a rule
    assert sum(gold["removed_by_rule"].values()) >= gold["words"] - gold["kept"]


def test_body_only_drops_the_headline_the_cleaner_put_first():
    from cleaner import CleanResult

    html = CleanResult("Head line\n\nBody.\n", "cleaned", metadata={"headline": "Head line"})
    text = CleanResult("Head line\n\nBody.\n", "cleaned", metadata={"title": "Head line"})
    other = CleanResult("Body.\n", "cleaned", metadata={"title": "Head line"})
    assert quality.body_only(html) == quality.body_only(text) == quality.body_only(other) == "Body.\n"


def test_the_headline_measure_takes_a_gold_that_starts_with_a_heading_of_the_page():
    from cleaner import CleanResult

    page = "Home\nCouncil approves the new bridge\nBy Jane Doe\nThe council voted on Tuesday.\n"
    body = "Council approves the new bridge\nThe council voted on Tuesday.\n"
    assert quality.gold_headline(body, page) == "Council approves the new bridge"
    # a paragraph, a dateline, a line the page lacks: no headline to find
    assert quality.gold_headline("The council voted on Tuesday.\n", page) is None
    assert quality.gold_headline("Tuesday, March 4, 2025, by Jane Doe\nText.", page) is None
    assert quality.gold_headline("Bridge plan approved at last\nText.", page) is None
    expected = "Council approves the new bridge"
    found = CleanResult("", "cleaned", metadata={"title": "Council  approves the new bridge"})
    other = CleanResult("", "cleaned", metadata={"headline": "By Jane Doe"})
    none = CleanResult("", "cleaned", metadata={})
    outcomes = [quality.headline_outcome(r, expected) for r in (found, other, none)]
    assert outcomes == ["found", "other", "none"]


def test_gold_words_are_counted_as_score_py_tokenises():
    assert quality.words("It's 3 o'clock, it's late.") == {
        "It": 1,
        "s": 2,
        "3": 1,
        "o": 1,
        "clock": 1,
        "it": 1,
        "late": 1,
    }


def test_leave_one_set_out_picks_the_setting_best_on_the_other_sets():
    from benchmarks import loso

    bundled, other = loso.GRID[0][0], loso.GRID[1][0]
    f1 = {bundled: {"a": 0.9, "b": 0.8, "c": 0.7}, other: {"a": 0.5, "b": 0.9, "c": 0.9}}
    rows = {r["held_out"]: r for r in loso.held_out(f1, ["a", "b", "c"])}
    assert rows["a"]["chosen_on_others"] == other and rows["a"]["held_out_f1"] == 0.5
    assert rows["a"]["own_best"] == bundled and rows["a"]["bundled_f1"] == 0.9
    assert rows["b"]["chosen_on_others"] == bundled and rows["b"]["held_out_f1"] == 0.8


def test_leave_one_set_out_skips_without_bench(tmp_path, capsys):
    from benchmarks import loso

    assert loso.main(["--bench", str(tmp_path / "absent")]) == 0
    assert "skipping the leave-one-set-out check" in capsys.readouterr().err


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


def test_stage_times_count_documents_by_passes(cleaner):
    from collections import Counter

    from benchmarks.throughput import passes_line, stage_times

    passes: Counter = Counter()
    clean = "The minister said on Monday that the talks had stalled.\n"
    changed = "The minister said on Monday that the talks talks had stalled.\n"  # a second pass confirms
    times = stage_times([clean, changed, clean], cleaner, False, passes)
    assert passes == Counter({1: 2, 2: 1})
    assert passes_line(passes) == "documents by passes: 1: 2, 2: 1"
    assert times["repair"][0] > 0 and set(times) == {s.name for s in cleaner.stages}


def test_words_lost_after_the_comments_line_are_counted_apart_from_the_article():
    body = f"The council voted for the bridge.\n{quality.COMMENTS_MARKER}\nGreat news for us all\nReply"
    # 7 words from the marker on; the output kept the first comment, lost "Reply" and the marker's word
    kept = "The council voted for the bridge.\n\nGreat news for us all\n"
    assert quality.lost_in_comments(body, kept) == (7, 2)
    # all of it kept; and a body without comments has no comment part
    assert quality.lost_in_comments(body, body) == (7, 0)
    assert quality.lost_in_comments("The council voted.", "") == (0, 0)


def test_the_article_part_ends_at_a_hand_typed_comments_line_too():
    # a few Dragnet gold files mistype the marker; the exact string left their comments in the article
    for marker in (
        quality.COMMENTS_MARKER,
        "!@ $%^&*() COMMENTS",
        "!#@$%^&*() COMMENTS",
        "@#$%^&*() COMMENTS",
    ):
        body = f"The council voted for the bridge.\n{marker}\nGreat news for us all"
        assert quality.article_part(body) == "The council voted for the bridge.\n"
        assert quality.lost_in_comments(body, "The council voted for the bridge.")[0] == 6
    # a line that only mentions comments is not the marker, and a body without one is all article
    assert quality.comments_at("Readers sent 40 COMMENTS\nThe end.") == -1
    assert quality.article_part("The council voted.") == "The council voted."


def test_comment_rules_are_the_comment_files_and_the_comment_boundaries():
    assert quality.comment_rule("comment-section-boundary", "/x/rules/appended.toml:23")
    assert quality.comment_rule("leave-a-reply", "/x/rules/comments.toml:13")
    assert not quality.comment_rule("related-articles-boundary", "/x/rules/appended.toml:5")


def test_the_comment_line_splits_what_was_lost_and_says_what_the_articles_alone_kept():
    result = {
        "dataset": "dragnet",
        "n_docs": 2,
        "words": 100,
        "kept": 90,
        "comment_docs": 1,
        "comment_words": 40,
        "comment_lost": 7,
        "removed_by_rule": {"appended/comment-section-boundary": 5, "mainblock/outside-main-block": 5},
        "removed_by_comment_rules": 5,
    }
    (line,) = quality.comment_lines([result])
    assert "of the 10 words lost, 7 were in the comments and 3 in the articles" in line
    assert "which alone keep 95.00%" in line
    assert "comment-section rules removed 5 words, the others 5" in line
    assert quality.comment_lines([{**result, "comment_docs": 0}]) == []


# --- the extract cache (benchmarks/extract_cache.py) --------------------------------------------------

_PAGE = (
    "<html><head><title>Harbour bridge reopens</title></head><body><nav><a href='/'>Home</a></nav>"
    "<article><h1>Harbour bridge reopens</h1>"
    "<p>The old harbour bridge reopened to traffic on Monday morning after two years of repairs that cost "
    "the city far more than it had planned, officials said at a ceremony.</p>"
    "<p>Engineers replaced the corroded steel cables and rebuilt the deck, which had been closed to heavy "
    "lorries since an inspection found deep cracks in three of its supporting beams.</p>"
    "</article></body></html>"
)


def test_the_extract_cache_reads_back_the_runs_it_kept_and_cleans_to_the_same_bytes(tmp_path, monkeypatch):
    from benchmarks.extract_cache import CachedExtract, with_cache
    from cleaner import Cleaner
    from cleaner.rules import load_rules
    from cleaner.stages.extract import Extract

    plain = Cleaner()
    expected = plain.clean(_PAGE, html=True)
    cached = with_cache(plain, tmp_path)
    assert not any(isinstance(s, CachedExtract) for s in plain.stages)  # the cleaner given is unchanged
    first = cached.clean(_PAGE, html=True)
    (entry,) = tmp_path.glob("*/*.json")
    # read back, not run again: the extractors are not asked a second time
    monkeypatch.setattr(Extract, "runs", lambda self, page: pytest.fail("ran the extractors again"))
    second = cached.clean(_PAGE, html=True)
    assert first.text == second.text == expected.text
    assert first.metadata == second.metadata == expected.metadata
    stage = next(s for s in cached.stages if isinstance(s, CachedExtract))
    assert (stage.hits, stage.misses) == (1, 1)
    # another page, or a setting the runs depend on, is another entry: nothing stale is read
    monkeypatch.undo()
    with_cache(plain, tmp_path).clean(_PAGE.replace("Monday", "Tuesday"), html=True)
    comments = tmp_path / "comments.toml"
    comments.write_text("[settings.extract]\ninclude_comments = true\n", encoding="utf-8")
    with_cache(Cleaner(load_rules(settings=[comments])), tmp_path).clean(_PAGE, html=True)
    assert len(list(tmp_path.glob("*/*.json"))) == 3 and entry.exists()
    # a setting only the merge reads shares the entry: tuning it is what the cache is for
    gap = tmp_path / "gap.toml"
    gap.write_text("[settings.extract]\ntail_gap = 9\n", encoding="utf-8")
    monkeypatch.setattr(Extract, "runs", lambda self, page: pytest.fail("ran the extractors again"))
    with_cache(Cleaner(load_rules(settings=[gap])), tmp_path).clean(_PAGE, html=True)
