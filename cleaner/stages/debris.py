"""``debris``: URL and markup fragments a scraper leaves in the text.

Image-URL query strings (``&w=3840&q=100)``), bare URLs on a line of their own, trailing domain stubs
after a headline (``star-news.press/wp``), stray tags and markdown image syntax. Two rule kinds: ``line``
(the whole line is debris; see :mod:`cleaner.mechanisms.lines`) and ``replace`` (a fragment inside a line is
removed or rewritten; see :mod:`cleaner.mechanisms.replace`).
"""

from __future__ import annotations

from dataclasses import dataclass

from cleaner.document import Document, StageResult
from cleaner.linelocal import LocalRules, line_local
from cleaner.mechanisms.lines import LINE_KIND, LineRules, apply_line_rules, check_line_rule
from cleaner.mechanisms.replace import (
    REPLACE_KIND,
    check_replace_rule,
    replace_edits,
    replace_gate,
    replace_part,
)
from cleaner.stage import Stage, non_overlapping


@dataclass(frozen=True)
class DebrisSettings:
    max_delete_share: float = 0.5  # URL lines can be long, but debris outweighing the text is a wrong rule


class Debris(Stage):
    """Remove URL and markup debris: whole lines (``line`` rules) or fragments (``replace`` rules)."""

    name = "debris"
    Settings = DebrisSettings
    rule_kinds = {"line": LINE_KIND, "replace": REPLACE_KIND}
    replace_kinds = ("replace",)
    default_kind = "line"
    description = "URL and markup fragments: image-URL debris, bare URLs, domain stubs, stray tags"

    @classmethod
    def check_rule(cls, rule):
        return check_replace_rule(rule) if rule.kind == "replace" else check_line_rule(rule)

    def __init__(self, settings=None, rules=()):
        super().__init__(settings, rules)
        self.line_rules = LineRules(self.rules)
        # replace rules proved line-local are remembered line by line (later passes scan changed lines)
        self.local = LocalRules(
            self.rules,
            lambda r: replace_part(self, r) if r.kind == "replace" and line_local(r.pattern.source) else None,
            replace_gate,
        )

    def apply(self, doc: Document) -> StageResult:
        text = doc.text
        edits, metadata, _, _ = apply_line_rules(self, text, self.line_rules)
        local = self.local.edits(self, text)
        for i, rule in enumerate(self.rules):
            if i in local:
                edits.extend(local[i])
            elif rule.kind == "replace":
                edits.extend(replace_edits(self, rule, text))
        return StageResult(edits=tuple(non_overlapping(edits)), metadata=metadata)
