"""Line-local rules: the proof that a pattern's matches are its matches line by line, and the memo that
relies on it giving exactly what a whole-text scan gives."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cleaner.linelocal import LineMemo, line_local
from cleaner.mechanisms.replace import replacements

BENCH = Path(__file__).resolve().parents[2] / "shared" / "bench"
SEEDS = Path(__file__).resolve().parent.parent / "seeds"


@pytest.mark.parametrize(
    "pattern",
    [
        r"(?<=\p{L}) +(['’]s)\b(?!['’])",
        r"(„|(?<!„[^“\n]{0,500})[“‘]) +(?=\S)",
        r"(?m)(?:(?<=[.!?,;:])[ \t]+“|[ \t]*„)[ \t]*$",
        r"\b(Article|Section)(\d{1,4})\b",
        r"\b(\p{L}{4,})([ \t]+)(?i:\1)\b",
        r"!\[[^\]\n]{0,200}\]\([^)\s]{1,500}\)",
        r"a.b",
    ],
)
def test_line_local_patterns_are_proved(pattern):
    assert line_local(pattern)


@pytest.mark.parametrize(
    "pattern",
    [
        r"a\nb",  # consumes a newline
        r"a\s+b",  # \s matches one
        r"(?<=\S) +(”)(?=[\s\p{P}]|$)",  # a lookahead that reads the newline, and a string-end $
        r"foo$",  # $ without (?m): the end of the text, not of a line
        r"^foo",
        r"\Afoo",
        r"(?s)a.b",  # . under DOTALL
        r"(?s:a.b)",
        r"[^a]",  # a negated class that does not exclude the newline
        r"\P{L}",  # a negated property
        r"\p{Z}x",  # a property that is not proved newline-free
        r"x{e<=1}",  # fuzzy matching: regex-only syntax
        r"(?=x\n)x",
    ],
)
def test_patterns_that_may_see_a_newline_are_not_line_local(pattern):
    assert not line_local(pattern)


def _local_replace_rules(ruleset):
    return [r for r in ruleset.all_rules() if r.kind == "replace" and line_local(r.pattern.source)]


def _texts() -> list[str]:
    texts = [p.read_text(encoding="utf-8") for p in sorted(SEEDS.glob("*.txt"))]
    if BENCH.is_dir():  # real page text, where it is available: one page in ten
        pages = sorted(BENCH.glob("*/html/*.txt"))[::10]
        texts += [p.read_text(encoding="utf-8", errors="replace") for p in pages]
    return texts


def _whole(rule, text):
    return replacements(rule, None, text)


def test_bundled_local_rules_match_the_same_line_by_line(ruleset):
    """Every bundled rule the proof accepts finds the same replacements line by line as over the whole
    text, on the seeds and (where present) real page text."""
    rules = _local_replace_rules(ruleset)
    assert len(rules) >= 8  # the proof accepts most replace rules; a change that loses them shows here
    for text in _texts():
        text = text.replace("\r", "")
        for rule in rules:
            by_line = []
            pos = 0
            for line in text.split("\n"):
                by_line += [(pos + s, pos + e, new) for s, e, new in _whole(rule, line)]
                pos += len(line) + 1
            assert by_line == _whole(rule, text), rule.id


QUOTES = st.text(alphabet="ab „“”‘’\"'.,;:!?-\t\nAB1s", max_size=60)


@settings(max_examples=300, deadline=None)
@given(first=QUOTES, second=QUOTES)
def test_the_memo_gives_what_a_whole_scan_gives(ruleset, first, second):
    """A memo filled on one text (a first pass) and asked about another (a later pass, lines changed)
    returns what scanning the other text whole returns."""
    rules = _local_replace_rules(ruleset)
    memo = LineMemo([lambda t, r=r: _whole(r, t) for r in rules])
    # the last text is mostly lines seen before, so its few new ones are scanned joined (a later pass)
    for text in (first, second, first + "\n" + second, (first + "\n") * 4 + second + "\nnew line"):
        assert memo.run(text) == [_whole(r, text) for r in rules]


def test_a_text_with_other_line_breaks_is_scanned_whole(ruleset):
    rules = _local_replace_rules(ruleset)
    memo = LineMemo([lambda t, r=r: _whole(r, t) for r in rules])
    text = "„Hallo\u2028“ Welt\x85 and  ’s"
    assert memo.run(text) == [_whole(r, text) for r in rules]


@pytest.mark.parametrize("stage_name", ["repair", "debris"])
def test_stages_give_the_same_edits_with_and_without_the_memo(cleaner, stage_name):
    """A stage's edits through its memo (first and later passes) equal its edits with every rule run
    over the whole text."""
    from cleaner.document import Document
    from cleaner.linelocal import LocalRules

    stage = next(s for s in cleaner.stages if s.name == stage_name)
    plain = type(stage)(stage.settings, stage.rules)
    plain.local = LocalRules([], lambda rule: None)  # no rule line-local: all scanned whole
    texts = _texts()
    for text in texts + [t.replace("  ", " ") for t in texts]:  # the second round mostly meets the memo
        doc = Document(text, None, False, {})
        assert stage.apply(doc) == plain.apply(doc)
