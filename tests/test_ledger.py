"""The rule ledger (benchmarks/ledger.py): each rule is charged the article words and the furniture words
it removed, and rules that removed mostly article text are flagged."""

from __future__ import annotations

import json

import pytest

from benchmarks import ledger, quality
from cleaner import Cleaner

PAGE = "\n".join(
    [
        "Home",
        "News",
        "Sport",
        "Council approves the new bridge",
        "The city council voted on Tuesday to approve the new bridge over the river, ending years of debate.",
        "Construction is expected to begin next spring and to last about three years, the mayor said.",
        "STORY CONTINUES BELOW THIS AD",
        '"It is a good day for the city," she told reporters after the vote.',
        "Most read",
        "Contact us",
        "Privacy policy",
    ]
)
GOLD = "\n".join(PAGE.splitlines()[4:6] + PAGE.splitlines()[7:8])


def test_every_removed_word_is_charged_to_its_rule_as_article_or_furniture():
    result = Cleaner().clean(PAGE)
    charges = ledger.charge_edits(GOLD, result.text, result.edits)
    # the article came through whole: everything removed was furniture, and each rule is charged
    assert all(article == 0 for article, _ in charges.values())
    removed = sum(furniture for _, furniture in charges.values())
    assert removed == quality.words(PAGE).total() - quality.words(result.text).total()
    # the layout edits of canonical remove no words and are not charged
    assert set(charges) == {
        "boilerplate/page-button",  # Home
        "boilerplate/ad-slot-marker",  # STORY CONTINUES BELOW THIS AD
        "boilerplate/site-links",  # Contact us, Privacy policy
        "mainblock/outside-main-block",  # News, Sport, Most read
    }
    assert charges["boilerplate/ad-slot-marker"] == (0, 5)


def test_a_word_the_output_lost_is_charged_as_article_text_to_the_edit_that_took_it():
    class Taken:  # an edit as the pipeline records it
        def __init__(self, stage, rule, old, new=""):
            self.stage, self.rule, self.old, self.new = stage, rule, old, new

    gold = "the vote is final and the bridge will be built"
    output = "the vote is final"
    edits = [
        Taken("boilerplate", "menu", "Home News"),
        Taken("mainblock", "outside-main-block", "and the bridge will be built\nContact us"),
        Taken("canonical", "paragraph-breaks", "\n", "\n\n"),
    ]
    charges = ledger.charge_edits(gold, output, edits)
    assert charges == {"boilerplate/menu": (0, 2), "mainblock/outside-main-block": (6, 2)}


def test_rules_removing_mostly_article_text_are_flagged_with_their_set():
    results = {
        "cleaneval": {
            "boilerplate/timestamp": ledger.Charge(30, 10),
            "boilerplate/menu": ledger.Charge(5, 500),
        },
        "dragnet": {"boilerplate/timestamp": ledger.Charge(3, 1)},
    }
    flags = ledger.flagged(results, share=0.5, least=20)
    assert flags == ["- boilerplate/timestamp on cleaneval: 30 article words of 40"]


def test_ledger_skips_cleanly_without_bench(tmp_path, capsys):
    assert ledger.main(["--bench", str(tmp_path / "absent")]) == 0
    assert quality.SKIP_MESSAGE in capsys.readouterr().err


@pytest.mark.skipif(not (quality.DEFAULT_BENCH / "score.py").is_file(), reason="bench directory absent")
def test_ledger_charges_the_rules_on_a_few_dev_pages(tmp_path, capsys):
    out = tmp_path / "ledger.json"
    assert ledger.main(["--dataset", "dragnet", "--limit", "3", "--article", "--json", str(out)]) == 0
    printed = capsys.readouterr().out
    assert printed.startswith("| dragnet rule | article words |")
    data = json.loads(out.read_text())
    assert data["article"] is True and set(data["ledger"]) == {"dragnet"}
    assert all(c["furniture"] >= 0 and c["article"] >= 0 for c in data["ledger"]["dragnet"].values())


def test_on_a_snippet_gold_each_lost_snippet_is_charged_to_the_edit_that_removed_it_whole():
    class Taken:
        def __init__(self, stage, rule, old, new=""):
            self.stage, self.rule, self.old, self.new = stage, rule, old, new

    gold = {"with": ["the vote is final", "the bridge will be built"], "without": ["Contact us", "Most read"]}
    page = "Most read\nthe vote is final and\nthe bridge will be built\nContact us"
    output = "the vote is final and"
    edits = [
        Taken("mainblock", "outside-main-block", "Most read\n"),
        Taken("mainblock", "outside-main-block", "the bridge will be built\nContact  us"),  # spaces collapse
    ]
    assert ledger.charge_snippets(gold, page, output, edits) == {"mainblock/outside-main-block": (1, 2)}
    # a snippet no single edit removed whole is still counted, apart
    split = [Taken("boilerplate", "menu", "the bridge will"), Taken("boilerplate", "menu", "be built")]
    charged = ledger.charge_snippets(gold, page, "the vote is final and\nContact us\nMost read", split)
    assert charged == {ledger.SEVERAL: (1, 0)}
