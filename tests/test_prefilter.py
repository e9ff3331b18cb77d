"""The literal prefilter: derived requirements never hide a match, and they filter what they should."""

from __future__ import annotations

import pytest
import regex
from hypothesis import given, settings
from hypothesis import strategies as st

from cleaner.mechanisms.lines import LineRules
from cleaner.prefilter import Prefilter, non_ascii_reach, requirement
from cleaner.text import lines

from .conftest import SEEDS


@pytest.mark.parametrize(
    ("pattern", "expected"),
    [
        ("(?i)app store", {"app store"}),
        ("(?:download|get) the app", {"download the app", "get the app"}),
        ("(?:the )?story continues below", {"story continues below"}),  # the optional part is not required
        (r"(?=.*\bcookies?\b)(?=.*\b(?:accept|agree)\b).+", {"cookie"}),  # lookaheads; the longest wins
        ("Read Also:?", {"read also"}),  # case-folded
        ("(?:foo)+ bar", {"foo bar"}),  # the last repetition runs into what follows
        ("(?:foo)+", {"foo"}),  # each repetition holds one
        ("Straße", {"strasse"}),  # casefold, as the line is folded
        ("© [0-9]{4}", {"© "}),  # a rare character is selective on its own
        (r"\d+ comments", {" comments"}),  # what follows a class is still required
        (r"(?:breaking|\w+) news", {" news"}),  # the alternation requires nothing, what follows does
        ("</?(?:p|br)>", {"<p>", "</p>", "<br>", "</br>"}),  # an optional part is "" or itself
        (r"(?<=\p{L}) +(['’]s)\b", {" 's", " ’s"}),  # pairs with punctuation are selective enough
    ],
)
def test_requirements_are_derived(pattern, expected):
    assert requirement(pattern) == frozenset(expected)


@pytest.mark.parametrize(
    "pattern",
    [
        r"(?:ad|ads)",  # too short to filter anything
        r"\p{Lu}\p{Ll}+ \d{4}",  # classes only
        r"(?:cookie){e<=1}",  # fuzzy matching: Python's parser would read "{e<=1}" as text
        r"[[:alpha:]]+ news",  # a POSIX class
        r"(?V1)[[a-z]--[aeiou]]+ news",  # version-1 set operations
        r"(?!advert).+",  # a negative lookahead requires nothing
        r"unclosed (group",
    ],
)
def test_anything_unsure_has_no_requirement(pattern):
    assert requirement(pattern) is None


def test_candidates_name_the_lines_each_pattern_could_match():
    pf = Prefilter(["(?i)app store", r"\d+ comments", r"\w+"])
    found = pf.candidates(["Get it on the App Store", "12 Comments", "nothing here"])
    assert found == {0: {0}, 1: {1}}
    assert pf.always == (2,)


def test_a_rule_whose_examples_fail_its_requirement_is_tried_everywhere():
    class Rule:
        def __init__(self, source, examples):
            self.pattern = type("P", (), {"source": source})()
            self.examples = examples

    good = Rule("app store", ["App Store"])
    wrong = Rule("app store", ["Google Play"])  # a rule whose example does not match its own words
    assert Prefilter.for_rules([good, wrong]).always == (1,)


def _rules(ruleset):
    return [r for r in ruleset.all_rules() if r.kind in ("line", "boundary", "teaser")]


def test_every_bundled_rule_keeps_its_prefilter(ruleset):
    # for_rules drops a requirement that one of the rule's own examples fails: none of ours should
    rules = _rules(ruleset)
    derived = Prefilter([r.pattern.source for r in rules]).requirements
    assert Prefilter.for_rules(rules).requirements == derived


def _seed_lines() -> list[str]:
    return [ln.norm for p in sorted(SEEDS.iterdir()) for ln in lines(p.read_text("utf-8")) if not ln.blank]


def test_no_match_of_a_bundled_rule_is_hidden(ruleset):
    # every line of the seeds, every example and near miss: a line a rule matches passes its prefilter
    rules = _rules(ruleset)
    pf = Prefilter([r.pattern.source for r in rules])
    texts = _seed_lines() + [" ".join(t.split()) for r in rules for t in (*r.examples, *r.keep)]
    for text in texts:
        for i, rule in enumerate(rules):
            if rule.pattern.fullmatch(text):
                assert pf.possible(i, text.casefold()), (rule.id, text)


def test_line_rules_match_the_same_with_and_without_the_prefilter(ruleset):
    rules = [r for r in ruleset.all_rules() if r.kind == "line"]
    fast = LineRules(rules)
    slow = LineRules(rules)
    slow.prefilter = Prefilter([""] * len(rules))  # no requirements: every rule tried on every line
    slow.always = slow.prefilter.always
    slow.always_union = slow.always_lines = None
    for path in sorted(SEEDS.iterdir()):
        nonblank = [ln for ln in lines(path.read_text("utf-8")) if not ln.blank]
        got = [(m.rule.id, m.lines, m.metadata) for m in fast.match(nonblank)]
        want = [(m.rule.id, m.lines, m.metadata) for m in slow.match(nonblank)]
        assert got == want, path.name


_WORDS = st.sampled_from(["app", "store", "the", "Read", "also", "cookie", "©", "Straße", "12", "ß", "K"])


@settings(max_examples=300, deadline=None)
@given(st.lists(_WORDS, min_size=1, max_size=8), st.sampled_from([str, str.upper, str.title]))
def test_case_folding_never_hides_a_case_insensitive_match(words, case):
    line = case(" ".join(words))
    for source in ["(?i)app store", "(?i)read also", "(?i)straße", "(?i)© 12", "(?i)cookie k"]:
        pf = Prefilter([source])
        if regex.search(source, line):
            assert pf.possible(0, line.casefold()), (source, line)


def test_no_match_of_a_bundled_replace_rule_is_hidden(ruleset):
    # a replace rule is skipped for a text without its required strings: never for one it matches
    texts = [p.read_text("utf-8") for p in sorted(SEEDS.iterdir())]
    for rule in (r for r in ruleset.all_rules() if r.kind == "replace"):
        req = requirement(rule.pattern.source)
        for text in [*texts, *(source for source, _ in rule.examples), *rule.keep]:
            if req is not None and rule.pattern.search(text):
                assert any(s in text.casefold() for s in req), (rule.id, text[:80])


# --- non_ascii_reach: windows around non-ASCII characters -----------------------------------------


@pytest.mark.parametrize(
    ("pattern", "reach"),
    [
        ("é", 1),
        ("é|è", 1),
        (r"x{0,3}é", 4),
        (r"[a-z]\s?[ÃÂ] ", 4),
        ("^[ÃÂ] ", 2),  # ^ only matches where a window starts the string: at the start
        ("a", None),  # all ASCII
        ("[^a]", None),  # a negated class holds ASCII characters
        ("é|a", None),  # one alternative needs no non-ASCII character
        (r"é\b", None),  # a word boundary looks outside the window
        ("é(?=x)", None),
        ("é$", None),
        ("(?m)^é", None),  # after any newline
        ("x[éà]+y", None),  # unbounded
        ("(?i)é", None),  # case-insensitive: the Kelvin sign matches "k"
        (r"(é)\1", None),  # a backreference
        ("(é)?(?(1)a|b)é", None),  # a conditional
        ("(?>é)", 1),
    ],
)
def test_non_ascii_reach(pattern, reach):
    import re

    assert non_ascii_reach(re.compile(pattern)) == reach


_MOJIBAKE_ALPHABET = "az \tÃÂâ€™œ©®éÉ¢Ñ¦ñ“•°²ß"


@settings(max_examples=2000, deadline=None)
@given(st.text(alphabet=_MOJIBAKE_ALPHABET, max_size=12))
def test_the_windowed_mojibake_search_is_ftfys(line):
    # unicode.is_bad searches ftfy's pattern only near non-ASCII characters; it must answer as ftfy does
    from ftfy import badness

    from cleaner.stages.unicode import _BAD_REACH, is_bad

    assert _BAD_REACH is not None  # else the test would compare ftfy with itself
    assert is_bad(line) == badness.is_bad(line)


def test_the_windowed_mojibake_search_is_ftfys_on_the_seeds():
    from ftfy import badness

    from cleaner.stages.unicode import is_bad

    found = [ln for p in sorted(SEEDS.glob("*.txt")) for ln in p.read_text().splitlines() if not ln.isascii()]
    # "it z Â â": the match starts two characters before its first non-ASCII one
    bad = ["Ã\xa0 la", "Ã© at the start", "the cafÃ©", "donâ€™t", "it z Â â", "ends with œ", "ﬁ Ã "]
    assert found and all(is_bad(ln) == badness.is_bad(ln) for ln in [*found, *bad])
    assert all(is_bad(ln) for ln in bad[:5])
