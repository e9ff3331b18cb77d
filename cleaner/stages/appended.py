"""``appended``: cut unrelated articles and link lists appended after the main article.

Scrapers often carry on past the end of the article into "Related articles" boxes, teaser blocks of
other stories (source name, "18 minutes ago", headline, first paragraph), comment sections and footers.
Two rule kinds find where the article ends:

- ``boundary``: a heading line that opens such a section ("Related Articles", "More from ...").
  What follows is cut to the end of the document when it holds no prose of the article's own (prose
  inside teaser blocks belongs to other articles); otherwise only the boundary line and the link list
  right under it go, because the article continues after an inline box.
  With ``whole = true`` what follows is cut to the end even when it is prose: a comment section's
  heading ("12 Comments", "Leave a Reply") opens readers' prose, never the article's.
- ``teaser``: a line that marks a teaser block (a relative time such as "18 minutes ago"). When
  ``min_teasers`` of them follow the body, everything from the first teaser block to the end is cut; a
  teaser block starts up to ``lookback`` short lines (source names) above its time line.

The stage runs before ``boilerplate`` (DESIGN.md lists it after): the boundary headings, source names and
time stamps it recognises appended articles by are exactly what boilerplate rules remove, and once they
are gone an appended article is just more prose.

Guard: nothing is cut unless at least ``min_body_paragraphs`` prose paragraphs (and ``min_body_chars``
characters) of the article stand before the cut, so the stage cannot take the article itself.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from cleaner.document import Document, StageResult
from cleaner.mechanisms.lines import check_line_rule, first_match, line_gates
from cleaner.prefilter import Prefilter
from cleaner.stage import BOOL, INT, REGEX, Field, Rule, Stage
from cleaner.text import BoundedMemo, Line, ends_sentence, lines, word_count_upto

_MAX_WORDS = 12  # boundary and teaser lines are headings and stamps: short
_LINE = {
    "pattern": Field(REGEX, True, help="must match a whole line (white space collapsed)"),
    "max_words": Field(INT, help="longer lines are never tried (default 12)"),
}
BOUNDARY_KIND = {
    **_LINE,
    "whole": Field(BOOL, help="cut to the end even when prose follows (comment sections; default false)"),
}
TEASER_KIND = {
    **_LINE,
    "min_teasers": Field(INT, help="teaser lines needed after the body (default 2)"),
    "lookback": Field(INT, help="short lines above a teaser line that belong to its block (default 2)"),
}


#: Lines below a teaser's time stamp that belong to its block (source, headline, opening paragraph).
_TEASER_BELOW = 3
#: Most words of a line above a teaser's time stamp that belongs to its block (a source name).
_TEASER_SOURCE_WORDS = 5


@dataclass(frozen=True)
class AppendedSettings:
    min_body_paragraphs: int = 3  # prose paragraphs that must stand before any cut
    min_body_chars: int = 400
    prose_words: int = 12  # words a line needs to count as a prose paragraph
    link_words: int = 20  # longest line of a link list under a boundary
    # A popular post's comment section can be thirty times the post: the guard that keeps the article is
    # min_body_*, and this cap only stops a runaway. At 0.8 it rolled back the cut on 17 dragnet pages,
    # every one a readers' comment section (text F1 against the article part 0.787 -> 0.797).
    max_delete_share: float = 0.97


class Appended(Stage):
    """Cut what was appended after the article: related-article sections and teaser runs."""

    name = "appended"
    Settings = AppendedSettings
    rule_kinds = {"boundary": BOUNDARY_KIND, "teaser": TEASER_KIND}
    default_kind = "boundary"
    description = "related-article sections, teaser blocks and link lists appended after the article"

    @classmethod
    def check_rule(cls, rule: Rule) -> list[str]:
        return check_line_rule(rule, default_words=_MAX_WORDS)

    def __init__(self, settings=None, rules=()):
        super().__init__(settings, rules)
        # each kind's rules with the prefilter that finds the lines they could match in one scan
        self.kinds = {
            kind: (rs, Prefilter.for_rules(rs))
            for kind in ("boundary", "teaser")
            for rs in [tuple(r for r in self.rules if r.kind == kind)]
        }
        self._gates = {kind: line_gates(rs) for kind, (rs, _) in self.kinds.items()}
        # line -> index of the first rule of the kind that matches it (-1: none), a function of the line
        # alone: the pipeline's later passes meet the same lines again
        self._memo = {kind: BoundedMemo() for kind in self.kinds}
        # the most words a line may have for some rule of the kind to try it: longer lines (prose, most
        # of a page) are decided "none" at once, without the prefilter's scan or a rule
        self._reach = {
            kind: max((r.param("max_words", _MAX_WORDS) for r in rs), default=-1)
            for kind, (rs, _) in self.kinds.items()
        }
        # past every number a line's word count is compared with, its exact value changes nothing (a
        # document of one 1.6 MB line had its words counted in every pass)
        s = self.settings
        self._cap = 1 + max(
            s.prose_words, s.link_words, _TEASER_SOURCE_WORDS, _MAX_WORDS, *self._reach.values()
        )

    def __getstate__(self):
        return {**self.__dict__, "_memo": {kind: BoundedMemo() for kind in self.kinds}}  # caches

    def apply(self, doc: Document) -> StageResult:
        text = doc.text
        nonblank = [ln for ln in lines(text) if not ln.blank]
        norms = [ln.norm for ln in nonblank]
        counts = [word_count_upto(n, self._cap) for n in norms]  # compared with numbers below the cap only
        s = self.settings
        prose = [c >= s.prose_words and ends_sentence(n) for n, c in zip(norms, counts, strict=True)]
        earliest = self._earliest_cut(nonblank, prose)
        if earliest is None:
            return StageResult()
        teasers = self._matcher("teaser", norms, counts)
        hits = [(k, r) for k in range(len(norms)) if (r := teasers(k))]
        # Prose inside a teaser block (the lines around its time stamp) belongs to another article; prose
        # anywhere else is the article's own, and nothing before its last line may be cut to the end.
        covered = {j for k, r in hits for j in range(k - r.param("lookback", 2), k + _TEASER_BELOW + 1)}
        free = [j for j, p in enumerate(prose) if p and j not in covered]
        last_free = max(free, default=-1)
        cut = self._teaser_cut([h for h in hits if h[0] > last_free and h[0] >= earliest], counts, earliest)
        # a boundary heading at or before the first teaser block names the cut better than the teasers
        last = cut[0] if cut is not None else len(nonblank) - 1
        boundaries = self._matcher("boundary", norms, counts)
        # Every inline box in one application, then the cut to the end: one box a pass left a page with
        # many boxes (pages glued together) without a fixed point after the pipeline's last pass.
        edits = []
        k = earliest
        while k <= last:
            rule = boundaries(k)
            if rule is None:
                k += 1
                continue
            # only teasers, link lists and chrome follow, or what follows is never the article's (comments)
            if k >= last_free or rule.param("whole", False):
                return StageResult(edits=(*edits, self._edit(text, nonblank[k:], rule)))
            end = k + 1  # the article goes on after an inline box: take the box's link list only
            while end < len(nonblank) and counts[end] <= s.link_words and not prose[end]:
                end += 1
            edits.append(self._edit(text, nonblank[k:end], rule))
            k = end
        if cut is not None:
            edits.append(self._edit(text, nonblank[cut[0] :], cut[1]))
        return StageResult(edits=tuple(edits))

    def _earliest_cut(self, nonblank: Sequence[Line], prose: Sequence[bool]) -> int | None:
        """Index of the first line a cut may start at: after enough of the article."""
        s = self.settings
        seen = chars = 0
        for k, ln in enumerate(nonblank):
            if prose[k]:
                seen += 1
                chars += len(ln.content)
            if seen >= s.min_body_paragraphs and chars >= s.min_body_chars:
                return k + 1
        return None

    @staticmethod
    def _teaser_cut(hits: Sequence[tuple[int, Rule]], counts, earliest: int) -> tuple[int, Rule] | None:
        """Start of the teaser run among ``hits`` (teaser lines after the article), if it is long enough."""
        if not hits:
            return None
        k, rule = hits[0]
        if len([h for h in hits if h[1] is rule]) < rule.param("min_teasers", 2):
            return None
        start = k
        while (
            start - 1 >= earliest
            and k - (start - 1) <= rule.param("lookback", 2)
            and counts[start - 1] <= _TEASER_SOURCE_WORDS
        ):
            start -= 1
        return start, rule

    def _matcher(self, kind: str, norms: Sequence[str], counts: Sequence[int]):
        """``match(k)``: the first rule of ``kind`` that matches line ``k`` whole, or None. Only the rules
        whose required words the prefilter found in the line, and those without any, are tried."""
        rules, prefilter = self.kinds[kind]
        memo = self._memo[kind]
        decided = memo.known(norms)
        # the distinct lines not remembered, each with its first index (a line twice is tried once)
        fresh = {norms[k]: k for k in reversed(range(len(norms))) if norms[k] not in decided}
        reach = self._reach[kind]
        new = {n: -1 for n, k in fresh.items() if counts[k] > reach}  # too long for every rule
        ask = [(n, k) for n, k in fresh.items() if counts[k] <= reach]
        found = prefilter.candidates([n for n, _ in ask])
        for j, (n, k) in enumerate(ask):
            asked = found.get(j, set()).union(prefilter.always)
            new[n] = first_match(rules, asked, n, counts, k, _MAX_WORDS, self._gates[kind])
        memo.put_many(new)
        decided.update(new)

        def match(k: int) -> Rule | None:
            i = decided[norms[k]]
            return rules[i] if i >= 0 else None

        return match

    def _edit(self, text: str, doomed: Sequence[Line], rule: Rule):
        # One edit for the whole section: "why did the end go?" has one answer.
        return self.edit(rule.id, doomed[0].start, doomed[-1].end, text, "", rule.reason)
