"""Which rules cost more than their stage's scan: what `cleaner rules` reports as slow, and why.

Two mechanisms keep rules cheap (README, "How rules run fast" and "Later passes cost what changed"): the
literal prefilter, which tries a rule only where its required words occur, and the line-local memo, which
scans again only the lines a pass changed. A rule that neither can serve is still correct, only slower,
and a rule author should know it: a line rule or boundary without a word the prefilter can require is
tried on every line of every page, and a replace rule that may read across a line break is scanned over
the whole text in every pass.
"""

from __future__ import annotations

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
    if rule.kind in _LINE_KINDS:
        if rule_requirement(rule) is None:
            reasons.append("tried on every line: no word or string every match must contain")
    elif rule.kind == "replace":
        if rule_requirement(rule) is None:
            reasons.append("run over every text: no word or string every match must contain")
        if not line_local(rule.pattern.source):
            reasons.append("scanned whole in every pass: it may read across a line break")
    return reasons
