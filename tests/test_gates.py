"""Gates: a line-local pattern loosened for RE2 must mark every line where the pattern itself matches,
so the exact pattern, run over the marked lines only, finds everything it finds over the whole text."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from cleaner.gates import Gate, gate_for, relax
from cleaner.linelocal import LineMemo, line_local
from cleaner.mechanisms.replace import replacements
from cleaner.text import word_count

SEEDS = Path(__file__).resolve().parent.parent / "seeds"
HUGE = 1 << 30  # a limit no test text reaches: every marked line is listed


def _lines_with_match(pattern, text: str) -> set[int]:
    return {text.count("\n", 0, m.start()) for m in pattern.finditer(text)}


_BUILT: dict = {}  # gates built once per rule set: hypothesis calls a test hundreds of times


def _rules_with_gates(ruleset, whole_line: bool) -> list:
    """(rule, gate) for each bundled rule with a gate of the kind: replace rules' search gates, or line
    rules' whole-line gates."""
    key = (whole_line, id(ruleset))
    if key not in _BUILT:
        _BUILT[key] = [
            (rule, gate)
            for rule in ruleset.all_rules()
            if (
                rule.kind in ("line", "boundary", "teaser")
                if whole_line
                else rule.kind == "replace" and line_local(rule.pattern.source)
            )
            and (gate := gate_for(rule.pattern.source, whole_line=whole_line)) is not None
        ]
    return _BUILT[key]


def _gated_rules(ruleset):
    return _rules_with_gates(ruleset, whole_line=False)


def test_most_bundled_local_rules_have_a_gate(ruleset):
    # the loosening covers the syntax the rules use; a change that loses it shows here
    assert len(_gated_rules(ruleset)) >= 10


@pytest.mark.parametrize(
    ("pattern", "marked", "unmarked"),
    [
        # a look-behind that opens the pattern and a look-ahead that closes it are read as text
        (r"(?<=\p{L}) +(?=[,.])", "word ,", "1 , and word ;"),
        # a back-reference becomes its group's pattern: the gate marks more than the rule matches
        (r"\b(\p{L}{4,}) (?i:\1)\b", "that That", "a b c"),
        # case-insensitive letters as the regex module folds them: the Kelvin sign is a k
        (r"(?i)kilo", "\u212ailo", "kil o"),
        # line anchors stay
        (r"(?m)^ab$", "ab", "xab"),
        # properties and classes of non-ASCII letters
        (r"\p{Lu}\p{Ll}+ed\p{Lu}", "Élyséed\u0130", "elysed"),
        # an optional escaped bracket: the lines with it and without it are marked
        (r"(?i)\(?back to top\)?", "(Back to top)", "back to the top"),
    ],
)
def test_a_gate_marks_what_its_pattern_matches(pattern, marked, unmarked):
    gate = gate_for(pattern)
    assert gate is not None
    assert gate.lines(f"{unmarked}\n{marked}\n{unmarked}", HUGE) == [1]


def test_an_optional_escaped_bracket_keeps_a_whole_line_gate():
    # "\(?b" once read as the regex module's scoped flag "(?b": page-button lost its gate, tried on every line
    assert relax(r"(?i)\(?back to top\)?", whole_line=True) is not None


@pytest.mark.parametrize(
    "pattern",
    [
        r"(?<=a)",  # only a look-around: it would match everywhere
        r"x*",  # matches the empty string
        r"a\s+b",  # not line-local: \s matches a newline
        r"foo\\p{L}",  # an escaped backslash
        "a\U000f0000\\p{L}",  # a literal character of the placeholders' plane
    ],
)
def test_no_gate_where_it_could_not_rule_a_line_out(pattern):
    assert relax(pattern) is None


def test_a_gate_gives_up_past_its_limit_and_on_unencodable_text():
    gate = gate_for(r"ab")
    assert gate.lines("ab\nab\nab\nx", 2) is None
    assert gate.lines("ab\nab\nx", 2) == [0, 1]
    assert gate.lines("ab\ud800", HUGE) is None  # a lone surrogate has no UTF-8 form


def test_a_gate_pickles_by_source():
    import pickle

    gate = gate_for(r"(?<=\p{L}) +,")
    again = pickle.loads(pickle.dumps(gate))
    assert isinstance(again, Gate) and again.source == gate.source
    assert again.lines("é ,\nab", HUGE) == [0]


# Letters of several scripts and cases, spaces, quotes, punctuation and digits: what the bundled
# rules' look-arounds and classes read
TEXT = st.text(alphabet="aeiouyAEIOUdglnstxK \t\n.,;:!?'\"’”“„()-/0123456789éÉßİıſ\u212a\u00a0", max_size=80)


@settings(max_examples=400, deadline=None)
@given(text=TEXT)
def test_every_bundled_gate_marks_every_line_its_rule_matches(ruleset, text):
    for rule, gate in _gated_rules(ruleset):
        assert _lines_with_match(rule.pattern, text) <= set(gate.lines(text, HUGE) or ()), rule.id


def test_every_bundled_gate_marks_its_rules_examples(ruleset):
    for rule, gate in _gated_rules(ruleset):
        for given_text, _ in rule.examples:
            assert _lines_with_match(rule.pattern, given_text) <= set(gate.lines(given_text, HUGE)), rule.id


@settings(max_examples=200, deadline=None)
@given(first=TEXT, second=TEXT)
def test_a_gated_memo_gives_what_a_whole_scan_gives(ruleset, first, second):
    """Parts run only on the lines their gates mark, first pass and later, find what the whole text
    holds."""
    rules = [rule for rule, _ in _gated_rules(ruleset)]
    parts = [lambda t, r=r: replacements(r, None, t) for r in rules]
    memo = LineMemo(parts, [gate for _, gate in _gated_rules(ruleset)])
    for text in (first, second, first + "\n" + second, (first + "\n") * 4 + second + "\nnew line"):
        assert memo.run(text) == [replacements(r, None, text) for r in rules]


def _line_rules(cleaner):
    from cleaner.mechanisms.lines import LineRules

    return [v for s in cleaner.stages for v in vars(s).values() if isinstance(v, LineRules) and v.always_gate]


def test_line_rules_have_a_gate_for_their_union(cleaner):
    assert {id(r) for r in _line_rules(cleaner)}  # boilerplate's and debris's: a change that loses it shows


LINE = st.text(alphabet="aeiouAEIOUdglnstxK 0123456789:|/-.,'’()©®@#éÉ", max_size=40)


@settings(max_examples=200, deadline=None)
@given(lines=st.lists(LINE, min_size=1, max_size=12))
def test_the_union_scan_finds_the_same_lines_with_and_without_its_gate(cleaner, lines):
    import copy

    from cleaner.text import lines as split_lines

    seeds = sorted(SEEDS.glob("*.txt"))
    real = [ln.norm for p in seeds for ln in split_lines(p.read_text(encoding="utf-8")) if not ln.blank]
    for rules in _line_rules(cleaner):
        plain = copy.copy(rules)
        plain.always_gate = None
        for norms in (lines, real[:200] + lines):
            assert rules._possible_lines(norms) == plain._possible_lines(norms)


def _whole_line_rules(ruleset):
    return _rules_with_gates(ruleset, whole_line=True)


def test_most_line_rules_have_a_whole_line_gate(ruleset):
    assert len(_whole_line_rules(ruleset)) >= 30


def test_whole_line_gates_fullmatch_their_rules_examples(ruleset):
    for rule, gate in _whole_line_rules(ruleset):
        for sample in rule.examples:
            norm = " ".join(sample.split())
            if rule.pattern.fullmatch(norm):
                assert gate.fullmatches(norm.encode()), (rule.id, sample)


@settings(max_examples=30, deadline=None)
@given(line=st.text(alphabet="aeiouAEIOUdglnstxKk 0123456789:|/-.,'’()©®@#éÉ»›…", max_size=40))
# found by this test: after caption-credit-tail's example, the credit's words split every way past the
# pattern time limit until they were made possessive
@example(line="I1i3K3I/É7lI4»#t6©-@/®3)’(»’4E8")
def test_whole_line_gates_fullmatch_every_line_their_rules_do(ruleset, line):
    # the rules' own near misses and examples, with the generated text around them, reach their shapes
    for rule, gate in _whole_line_rules(ruleset):
        for norm in (line, *(f"{x} {line}".strip() for x in rule.examples[:2]), *rule.keep[:2]):
            norm = " ".join(norm.split())
            if word_count(norm) > rule.param("max_words", 12):
                continue  # never tried by the pipeline (and some rules backtrack long past their limit)
            if rule.pattern.fullmatch(norm):
                assert gate.fullmatches(norm.encode()), (rule.id, norm)


def test_the_bindings_public_methods_give_the_same_answers():
    """Where google-re2 lacks the private call a gate uses, its public methods answer the same."""
    import re2

    from cleaner.gates import _OPTIONS, _matchers

    compiled = re2.compile(rb"ab+", _OPTIONS)

    class Public:  # the binding's re-like surface only
        search, fullmatch = compiled.search, compiled.fullmatch

    for data in (b"xabbb", b"abb", b"x", b""):
        for fast, public in zip(_matchers(compiled), _matchers(Public()), strict=True):
            assert fast(data, 0, len(data))[0] == public(data, 0, len(data))[0]
