"""Which rules cost more than their stage's scan: what `cleaner rules` reports as slow, and why.

Three mechanisms keep rules cheap (README, "How rules run fast" and "Later passes cost what changed"):
the literal prefilter, which tries a rule only where its required words occur; the RE2 gate, which runs
the rule's loosened pattern as an automaton and rules out lines it cannot match (cleaner/gates.py); and
the line-local memo, which scans again only the lines a pass changed. A rule that none can serve is still
correct, only slower, and a rule author should know it: a line rule or boundary with neither a word the
prefilter can require nor a gate is tried on every line of every page, and a replace rule that may read
across a line break is scanned over the whole text in every pass.
"""

from __future__ import annotations

from cleaner.gates import why_no_gate
from cleaner.linelocal import line_local
from cleaner.prefilter import rule_requirement
from cleaner.stage import Rule

#: rule kinds tried line by line, behind the prefilter
_LINE_KINDS = ("line", "boundary", "teaser")


def slow_reasons(rule: Rule) -> list[str]:
    """Why ``rule`` costs more than its stage's scan; empty when it does not."""
    if rule.pattern is None:
        return []
    reasons = []
    source = rule.pattern.source
    if rule.kind in _LINE_KINDS:
        no_gate = why_no_gate(source, whole_line=True)
        if rule_requirement(rule) is None and no_gate:
            reasons.append(
                f"tried on every line: no word or string every match must contain, and no RE2 gate: {no_gate}"
            )
    elif rule.kind == "replace":
        no_gate = why_no_gate(source)
        if rule_requirement(rule) is None and no_gate:
            reasons.append(
                f"run over every text: no word or string every match must contain, and no RE2 gate: {no_gate}"
            )
        if not line_local(source):
            reasons.append("scanned whole in every pass: it may read across a line break")
    return reasons
