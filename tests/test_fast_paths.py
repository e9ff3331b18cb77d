"""Fast paths of the engine give what the paths they shortcut give."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from cleaner.document import Document, Edit, apply_edits
from cleaner.stages.canonical import Canonical, CanonicalSettings
from cleaner.text import BoundedMemo, lines, nonspace

TEXT = st.text(alphabet="ab “\"'\n\t\xa0\x85\r.", max_size=40)
# canonical-looking texts: paragraphs of words joined by blank lines, with the odd flaw mixed in
PARAGRAPH = st.text(alphabet="ab “\"' \t\xa0.", min_size=1, max_size=12)
CANONICALISH = st.lists(PARAGRAPH, min_size=1, max_size=5).map(lambda ps: "\n\n".join(ps) + "\n")


class _Slow(Canonical):
    """The walk over lines, with both of the stage's shortcuts off."""

    def _canonical(self, text: str) -> bool:
        return False

    def _one_line_paragraphs(self, text: str) -> bool:
        return False

    def _scannable(self, text: str) -> bool:
        return False


@settings(max_examples=400)
@given(st.one_of(TEXT, CANONICALISH), st.sampled_from(["keep", "straight"]))
def test_text_found_canonical_gets_no_edits(text, quotes):
    fast = Canonical(CanonicalSettings(quotes=quotes))
    if fast._canonical(text):
        slow = _Slow(CanonicalSettings(quotes=quotes))
        assert slow.apply(Document(text, None, False, {})).edits == ()


# near-canonical texts: one-line paragraphs with stray white space, blank lines and breaks of every kind
NEAR = st.lists(
    st.text(alphabet="ab “\"'  \t\xa0\u2003.\x1f", min_size=0, max_size=10), min_size=1, max_size=6
).flatmap(
    lambda ps: st.lists(
        st.sampled_from(["\n\n", "\n", "\n\n\n", " \n\n", "\n \n", "\n\t\n ", "\r\n", "\u2028"]),
        min_size=len(ps),
        max_size=len(ps),
    ).map(lambda seps: "".join(p + s for p, s in zip(ps, seps, strict=True)))
)


@settings(max_examples=1500)
@given(
    st.one_of(TEXT, NEAR),
    st.sampled_from(["keep", "straight"]),
    st.sampled_from(["auto", "lines", "blocks"]),
    st.sampled_from([3, 100]),
)
def test_scanned_edits_are_the_walks(text, quotes, paragraphs, wrap_width):
    settings_ = CanonicalSettings(quotes=quotes, paragraphs=paragraphs, wrap_width=wrap_width)
    fast = Canonical(settings_)
    slow = _Slow(settings_)
    doc = Document(text, None, False, {})
    assert fast.apply(doc).edits == slow.apply(doc).edits


def test_canonical_output_is_found_canonical(corpus_cleaner):
    from tests.conftest import SEEDS

    stage = next(s for s in corpus_cleaner.stages if s.name == "canonical")
    for seed in sorted(SEEDS.glob("*.txt")):
        out = corpus_cleaner.clean(seed.read_text(encoding="utf-8")).text
        assert stage._canonical(out), seed.name


@settings(max_examples=300)
@given(st.data())
def test_nonspace_counts_follow_from_the_edits(data):
    """The deletion guard's arithmetic: a text's non-space count after non-overlapping edits is its count
    before, less what the edits remove, plus what they insert."""
    text = data.draw(TEXT)
    cuts = sorted(data.draw(st.lists(st.integers(0, len(text)), max_size=6)))
    edits = []
    for start, end in zip(cuts[::2], cuts[1::2], strict=False):
        edits.append(Edit("s", "r", start, end, text[start:end], data.draw(TEXT), "why"))
    after = apply_edits(text, edits)
    assert nonspace(after) == nonspace(text) - sum(nonspace(e.old) - nonspace(e.new) for e in edits)


SPANS = st.lists(st.tuples(st.integers(0, 12), st.integers(0, 4)), max_size=12)


@settings(max_examples=1000)
@given(SPANS)
def test_non_overlapping_keeps_what_the_one_by_one_choice_keeps(spans):
    """The fast path (every edit disjoint from every other) gives what choosing one by one gives."""
    from cleaner import stage

    edits = [Edit("s", f"r{i}", a, a + n, "x" * n, "", "why") for i, (a, n) in enumerate(spans)]
    slow_all = stage._all_disjoint
    try:
        stage._all_disjoint = lambda ordered: False
        slow = stage.non_overlapping(edits)
    finally:
        stage._all_disjoint = slow_all
    assert stage.non_overlapping(edits) == slow


def test_canonical_white_space_class_is_what_regex_calls_white_space():
    # canonical spells ``[^\S\n]`` out as a class for the standard library's engine; it must hold every
    # character the ``regex`` module's ``\s`` matches, in this Unicode version too
    import sys

    import regex

    from cleaner.stages.canonical import _HSPACE

    everything = "".join(map(chr, range(sys.maxunicode + 1)))
    assert set(regex.findall(r"[^\S\n]", everything)) == set(_HSPACE)


_LINE_WORDS = st.sampled_from(
    ["Advertisement", "ad", "12", "Aug", "2024-01-02", "10:30", "Photo:", "Reuters", "a=1&b=2", "the"]
)


@settings(max_examples=300)
@given(norms=st.lists(st.lists(_LINE_WORDS, min_size=1, max_size=5).map(" ".join), min_size=1, max_size=8))
def test_one_scan_finds_the_lines_the_union_fullmatches(norms, corpus_cleaner):
    # the line rules without requirements are asked about a page's new lines in one scan of the lines
    # joined; it must name exactly the lines their union fullmatches one by one
    from cleaner.mechanisms.lines import LineRules
    from tests.conftest import SEEDS

    seed_lines = [ln.norm for p in sorted(SEEDS.glob("*.txt")) for ln in lines(p.read_text("utf-8"))]
    norms = norms + [n for n in seed_lines if n]
    found = 0
    for stage in corpus_cleaner.stages:
        for rules in (v for v in vars(stage).values() if isinstance(v, LineRules)):
            assert rules.always_lines is not None, stage.name  # the bundled unions are line-local
            found += 1
            want = {n for n in norms if rules.always_union.fullmatch(n)}
            assert rules._possible_lines(norms) == want
    assert found


@settings(max_examples=500)
@given(st.text(alphabet="abAB -éx\n'", max_size=40), st.sampled_from(["ab", "a", "ba", "abé", "x", "éx"]))
def test_token_set_answers_as_the_word_search(text, word):
    # names asks a long document whether it writes a word as a whole token from a set of its tokens;
    # the answer must be the search's, which a short document still uses
    from cleaner.stages.names import _STANDALONE, _find

    tokens = {m.group() for m in _STANDALONE.finditer(text)}
    assert (word in tokens) == (_find(word, text) >= 0)


@settings(max_examples=500)
@given(st.text(alphabet="AbBa -éÉx\n'", max_size=40))
def test_first_whole_name_token_is_where_the_search_finds_it(text):
    from cleaner.stages.names import _NAME_TOKEN, _find, _first_whole

    words = set(_NAME_TOKEN.findall(text))
    first = _first_whole(text, words, BoundedMemo())
    assert {w: first.get(w, -1) for w in words} == {w: _find(w, text) for w in words}


@settings(max_examples=300)
@given(st.text(alphabet="AbBa -éÉx\n'", max_size=40), st.text(alphabet="AbBa -éÉx\n'", max_size=40))
def test_words_read_line_by_line_are_the_texts_words(text, other):
    """A long document's words come from its lines, remembered by content: the same as one scan of the
    text, and as the search, with a memo that has met lines of another text first."""
    from cleaner.stages.names import _NAME_TOKEN, _STANDALONE, _find, _first_whole, _LowerCase

    memo = BoundedMemo()
    _first_whole(other, set(_NAME_TOKEN.findall(other)), memo)
    lower = _LowerCase(text, memo)
    lower.seen = dict.fromkeys(f"q{n}" for n in range(64))  # past the searches: the token set answers
    for word in set(_STANDALONE.findall(text + " " + other)):
        assert (word in lower) == (_find(word, text) >= 0)
    words = set(_NAME_TOKEN.findall(text))
    first = _first_whole(text, words, memo)
    assert {w: first.get(w, -1) for w in words} == {w: _find(w, text) for w in words}


@settings(max_examples=300)
@given(st.text(alphabet="Ab cD\nEfgh ", max_size=60), st.lists(st.integers(0, 60), max_size=6))
def test_headings_decided_once_per_line_answer_as_the_line_does(text, positions):
    from cleaner.stages.names import _Headings, _line_at, _title_case

    headings = _Headings(text)
    for at in (min(p, len(text)) for p in positions):
        assert headings.at(at) == _title_case(_line_at(text, at))


# words the bundled line, boundary and teaser rules are made of, and prose, so generated lines match some
# rules, come near others and run past the word limits
_RULE_WORDS = st.sampled_from(
    [
        "Related", "Articles", "More", "from", "Reuters", "18", "minutes", "ago", "Comments", "Leave", "a",
        "Reply", "Advertisement", "Read", "also", "http://x.example/a", "Photo:", "AP", "the", "minister",
        "said", "on", "Monday", "that", "talks", "had", "stalled.",
    ]
)  # fmt: skip
_RULE_LINES = st.lists(st.lists(_RULE_WORDS, min_size=1, max_size=45).map(" ".join), min_size=1, max_size=12)


def _first_rule(rules, norm: str, default_words: int) -> int:
    """The reference: each rule tried on the line in order, within its word limit; no prefilter, no memo."""
    from cleaner.text import word_count

    for i, rule in enumerate(rules):
        if word_count(norm) <= rule.param("max_words", default_words) and rule.pattern.fullmatch(norm):
            return i
    return -1


@settings(max_examples=300, deadline=None)  # no timing in a test: a first example compiles rules
@given(norms=_RULE_LINES, met=_RULE_LINES)
def test_appended_matcher_answers_as_the_rules_one_by_one(norms, met, cleaner):
    # lines over every rule's word limit are decided at once and known lines come from the memo in one
    # go: each line's answer must be the first rule that matches it, whatever the memo met first
    from cleaner.stages.appended import _MAX_WORDS, Appended
    from cleaner.text import word_count

    stage = next(s for s in cleaner.stages if isinstance(s, Appended))
    for kind, (rules, _) in stage.kinds.items():
        stage._matcher(kind, met, [word_count(n) for n in met])
        match = stage._matcher(kind, norms, [word_count(n) for n in norms])
        for k, norm in enumerate(norms):
            want = _first_rule(rules, norm, _MAX_WORDS)
            assert match(k) is (rules[want] if want >= 0 else None), (kind, norm)


@settings(max_examples=300, deadline=None)  # no timing in a test: a first example compiles rules
@given(norms=_RULE_LINES, met=_RULE_LINES)
def test_line_rules_decide_as_the_rules_one_by_one(norms, met, cleaner):
    # lines too long for the union scan have their words counted before any rule is asked
    from cleaner.mechanisms.lines import DEFAULT_MAX_WORDS, LineRules

    for stage in cleaner.stages:
        for rules in (v for v in vars(stage).values() if isinstance(v, LineRules)):
            rules._decide(met)
            decided = rules._decide(norms)
            assert decided == {n: _first_rule(rules.rules, n, DEFAULT_MAX_WORDS) for n in norms}, stage.name


def test_bounded_memo_in_bulk_is_the_memo_line_by_line():
    one, bulk = BoundedMemo(max_chars=10), BoundedMemo(max_chars=10)
    for n in ["abc", "de", "fghi"]:
        one.put(n, len(n))
    bulk.put_many({"abc": 3, "de": 2, "fghi": 4})
    assert bulk.known(["de", "zz", "abc"]) == {"de": 2, "abc": 3} == one.known(["de", "zz", "abc"])
    bulk.put_many({"jklmn": 5})  # 9 + 5 characters would pass 10: it starts afresh
    assert bulk.known(["abc", "jklmn"]) == {"jklmn": 5}


# lines of a page around a body: menu-like items of a few words, prose lines of about the prose limit
_RUN_LINES = st.lists(
    st.one_of(
        st.lists(st.sampled_from(["Home", "News", "World", "Sport"]), min_size=1, max_size=8).map(" ".join),
        st.integers(min_value=10, max_value=16).map(lambda n: " ".join(["word"] * n) + "."),
    ),
    min_size=1,
    max_size=14,
)


@settings(max_examples=300)
@given(texts=_RUN_LINES)
def test_runs_found_counting_words_only_as_far_as_the_limits_are_the_full_counts_runs(texts, cleaner):
    # find_runs compares a line's words with max_words and prose_words only, so it stops counting past
    # them (a document that is one long line was counted whole in every pass)
    from unittest import mock

    from cleaner.stages import boilerplate
    from cleaner.text import word_count

    stage = next(s for s in cleaner.stages if s.name == "boilerplate")
    run_rule = next(r for r in stage.rules if r.kind == "run")
    left = [ln for ln in lines("\n".join(texts)) if not ln.blank]
    fast = boilerplate.find_runs(run_rule, left)
    with mock.patch.object(boilerplate, "word_count_upto", lambda s, cap: word_count(s)):
        assert boilerplate.find_runs(run_rule, left) == fast
