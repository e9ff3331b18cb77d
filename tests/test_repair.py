"""The ``repair`` stage's fixers reach their own fixed point in one application.

The pipeline repeats its stages until a pass changes nothing, so a fixer that leaves work for its next
application costs a whole pass of every stage, and a chain longer than ``max_passes`` was never finished
(the document came back with "no fixed point" and was not idempotent).
"""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from cleaner.document import Document, apply_edits
from tests.conftest import with_stages

PROSE = "The minister said on Monday that the talks over the border had"  # 12 words, no sentence end


def _repair(ruleset):
    return next(s for s in with_stages(ruleset, "repair").stages if s.name == "repair")


def _rule_edits(stage, text: str, rule: str):
    return [e for e in stage.apply(Document(text)).edits if e.rule == rule]


def test_split_paragraph_joins_a_chain_in_one_application(ruleset):
    # each fragment alone is too short to take the next line; joined to the prose before it, it is not
    text = f"{PROSE}\nstalled once more and\nthe envoy went home\nwithout a single word.\n"
    edits = _rule_edits(_repair(ruleset), text, "split-paragraph")
    assert len(edits) == 3
    assert apply_edits(text, edits) == (
        f"{PROSE} stalled once more and the envoy went home without a single word.\n"
    )


def test_split_paragraph_stops_at_a_sentence_end(ruleset):
    text = f"{PROSE}\nstalled once more.\nthe envoy went home\n"
    edits = _rule_edits(_repair(ruleset), text, "split-paragraph")
    assert [e.old for e in edits] == ["\n"]  # the second line ends a sentence: the third stays apart
    assert apply_edits(text, edits) == f"{PROSE} stalled once more.\nthe envoy went home\n"


def test_a_chain_longer_than_the_passes_reaches_a_fixed_point(ruleset):
    fragments = "\n\n".join(f"and then {w} came" for w in ("one", "two", "three", "four", "five", "six"))
    result = with_stages(ruleset, "repair", "canonical").clean(f"{PROSE}\n\n{fragments}\n")
    assert not any("fixed point" in w for w in result.warnings)
    assert result.text.count("\n") == 1  # one paragraph


def test_a_word_said_three_times_goes_in_one_edit(ruleset):
    text = "Advertisement Advertisement Advertisement\nThe talks talks broke down.\n"
    edits = _rule_edits(_repair(ruleset), text, "doubled-word")
    assert [e.old for e in edits] == [" Advertisement Advertisement", " talks"]
    assert apply_edits(text, edits) == "Advertisement\nThe talks broke down.\n"


# lines of words that start mid-sentence or not, end a sentence or not, and repeat words
_WORDS = ["the", "talks", "went", "home", "said", "Border", "Envoy", "over.", "again,", "; and", "talks"]
_LINE = st.lists(st.sampled_from(_WORDS), min_size=0, max_size=14).map(" ".join)


@settings(max_examples=300, deadline=None)
@given(st.lists(_LINE, min_size=1, max_size=12), st.sampled_from(["\n", "\n\n"]))
def test_split_paragraph_and_doubled_word_are_their_own_fixed_point(ruleset, parts, sep):
    """Once applied, a second application of each fixer finds nothing more to do."""
    stage = _repair(ruleset)
    text = sep.join(parts) + "\n"
    for rule in ("split-paragraph", "doubled-word"):
        once = apply_edits(text, _rule_edits(stage, text, rule))
        assert _rule_edits(stage, once, rule) == [], (rule, text)
