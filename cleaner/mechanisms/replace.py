"""Replace rules: the ``replace`` rule kind of the ``unicode``, ``debris`` and ``repair`` stages.

Every match of ``pattern`` becomes ``replace`` (a ``regex`` template: ``\\1``, ``\\g<name>``; empty or
absent removes the match). Examples are ``[input, expected output]`` pairs, so a rule's self-test shows
exactly what it does; ``keep`` lists texts it must return unchanged.
"""

from __future__ import annotations

import functools

from cleaner.document import Edit, apply_edits
from cleaner.gates import Gate, gate_for
from cleaner.prefilter import rule_requirement
from cleaner.stage import REGEX, STR, Field, Rule

REPLACE_KIND = {
    "pattern": Field(REGEX, True, help="what to replace; searched anywhere in the text"),
    "replace": Field(STR, help="replacement template (\\1, \\g<name>); absent means remove"),
}


def replace_edits(stage, rule: Rule, text: str) -> list[Edit]:
    """One edit per match of the rule whose replacement differs from the matched text.

    A rule whose pattern requires words or characters (see :mod:`cleaner.prefilter`) is not run over a
    text that holds none of them: most documents have no curly quote to respace, no "Article5" to split.
    """
    return [
        stage.edit(rule.id, start, end, text, new, rule.reason)
        for start, end, new in replacements(rule, _requirement(stage, rule), text)
    ]


def replacements(rule: Rule, req, text: str) -> list[tuple[int, int, str]]:
    """(start, end, replacement) for each match of ``rule`` in ``text`` that changes it; nothing when
    ``text`` holds none of the strings of ``req`` (the rule's requirement, None for none)."""
    if req is not None and not any(s in _folded(text) for s in req):
        return []
    template = rule.param("replace", "")
    out = []
    for m in rule.pattern.finditer(text):
        new = m.expand(template) if template else ""
        if new != m.group():
            out.append((m.start(), m.end(), new))
    return out


def replace_part(stage, rule: Rule):
    """The rule as a :data:`cleaner.linelocal.Part`: a function from a text to its replacements."""
    return functools.partial(replacements, rule, _requirement(stage, rule))


def replace_gate(rule: Rule) -> Gate | None:
    """A line-local replace rule's gate (see :mod:`cleaner.gates`): its matches are its pattern's, so
    the lines the loosened pattern marks are the only ones worth its scan. None for other kinds."""
    return gate_for(rule.pattern.source) if rule.kind == "replace" else None


class Probe:
    """Stand-in stage for self-tests: builds edits without a configured stage."""

    def __init__(self, name: str):
        self.name = name

    def edit(self, rule: str, start: int, end: int, text: str, new: str, reason: str) -> Edit:
        return Edit(self.name, rule, start, end, text[start:end], new, reason)


def check_pairs(rule: Rule, run) -> list[str]:
    """Self-test for rules whose examples are [input, expected] pairs; ``run(text)`` returns edits."""
    problems = []
    for given, expected in rule.examples:
        got = apply_edits(given, run(given))
        if got != expected:
            problems.append(f"example {given!r} gives {got!r}, expected {expected!r}")
    for near in rule.keep:
        got = apply_edits(near, run(near))
        if got != near:
            problems.append(f"near miss in 'keep' is changed: {near!r} -> {got!r}")
    return problems


def check_pair_examples(rule: Rule, edits) -> list[str]:
    """The self-test of any rule whose examples are [input, expected output] pairs: ``edits(probe,
    text)`` makes the rule's edits of ``text``, with ``probe`` (a :class:`Probe`) standing in for the
    configured stage."""
    probe = Probe(rule.stage)
    return check_pairs(rule, lambda text: edits(probe, text))


def check_replace_rule(rule: Rule) -> list[str]:
    return check_pair_examples(rule, lambda probe, text: replace_edits(probe, rule, text))


def _requirement(stage, rule: Rule):
    """The rule's checked requirement, derived once per stage (stages pickle with it)."""
    gates = stage.__dict__.setdefault("_replace_requirements", {})
    if rule.id not in gates:
        gates[rule.id] = rule_requirement(rule)
    return gates[rule.id]


@functools.lru_cache(maxsize=4)
def _folded(text: str) -> str:
    """``text`` case-folded, once for all the rules of a stage that ask about the same text."""
    return text.casefold()
