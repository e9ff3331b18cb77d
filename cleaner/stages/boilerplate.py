"""``boilerplate``: page furniture between and around the paragraphs of the article.

Rules are grouped by concept in ``rules/*.toml`` (ad-slot markers, app and newsletter promos, site
chrome, image placeholders, captions and credits, "Read also" links, comment widgets, timestamps,
location stubs). Two rule kinds:

- ``line``: a whole line matching a pattern (see :mod:`cleaner.mechanisms.lines`), optionally with its
  neighbour (a linked headline, a label's value, a caption) or a promo block;
- ``run``: a run of ``min_lines`` or more short lines (at most ``max_words`` words, none ending like a
  sentence) before the body of the article or after it: navigation tabs, menus, link lists. The body is
  where prose lines (``prose_words`` or more words, ending like a sentence) stand close together; a run
  inside the body is a list or a set of subheadings and stays, and so does a run right under a line
  ending in a colon (a list it introduces), any line with digits or a "label: value" pair (prices,
  figures, fact boxes), and any line ending in a comma or semicolon (a poem's or a letter's line). The
  first line of the document is never part of a run, since that is where the headline stands, nor the
  last line of a run that reaches the body when it has three words or more: that is the headline under
  the page's menu. Nor is a paragraph hard-wrapped into short lines (old pages, e-mail, plain-text
  sites): a line that does not end like a sentence and is carried on by the next (the next starts in
  lower case, or one of the two has one of the rule's ``joiners`` at the break, lower-case words that
  leave a sentence open: "... and", "the ...") is read as one chain with it, and a chain of
  ``prose_words`` words or more that ends like a sentence, or breaks at a joiner at least half the time,
  is a paragraph, not menu items (see :func:`wrapped`). A wrapped menu item ("Link / to Race Center") is
  a chain too short for that.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import regex

from cleaner.document import Document, StageResult
from cleaner.mechanisms.lines import LINE_KIND, LineRules, apply_line_rules, check_line_rule
from cleaner.stage import INT, STRS, Field, Rule, Stage, check_matches, non_overlapping
from cleaner.text import Line, ends_sentence, lines, word_count_upto

RUN_KIND = {
    "min_lines": Field(INT, help="shortest run removed (default 3)"),
    "max_words": Field(INT, help="longest line of a run, in words (default 6)"),
    "prose_words": Field(INT, help="words a line needs to count as prose (default 12)"),
    "joiners": Field(
        STRS, help="lower-case words that leave a sentence open: lines they join are a wrapped paragraph"
    ),
}
#: How many lines apart two prose lines may stand and still be one body.
_BODY_GAP = 3


@dataclass(frozen=True)
class BoilerplateSettings:
    max_delete_share: float = 0.6  # more than that is not furniture: roll back rather than gut a page


class Boilerplate(Stage):
    """Remove page furniture: line rules by concept, and runs of short lines outside the body."""

    name = "boilerplate"
    Settings = BoilerplateSettings
    rule_kinds = {"line": LINE_KIND, "run": RUN_KIND}
    default_kind = "line"
    description = "ads, promos, navigation, captions, credits, read-also links, comment widgets, stamps"

    @classmethod
    def check_rule(cls, rule: Rule) -> list[str]:
        if rule.kind == "run":
            return check_matches(
                rule, lambda text: bool(find_runs(rule, [ln for ln in lines(text) if not ln.blank]))
            )
        return check_line_rule(rule)

    def __init__(self, settings=None, rules=()):
        super().__init__(settings, rules)
        self.line_rules = LineRules(self.rules)

    def apply(self, doc: Document) -> StageResult:
        text = doc.text
        edits, metadata, nonblank, taken = apply_line_rules(self, text, self.line_rules)
        left = [ln for k, ln in enumerate(nonblank) if k not in taken]
        for rule in self.rules:
            if rule.kind == "run":
                for ln in find_runs(rule, left):
                    edits.append(self.edit(rule.id, ln.start, ln.end, text, "", rule.reason))
        return StageResult(edits=tuple(non_overlapping(edits)), metadata=metadata)


_NOT_LINK = regex.compile(r"\d|: |[.!?:,;]$|^[-•*–] ")


def _link_like(norm: str) -> bool:
    """Menu items carry no digits (prices, figures, dates), no "label: value", no sentence end, closing
    colon, comma or semicolon (a line broken off inside a sentence), and no bullet (trafilatura writes
    list items of the article as "- item")."""
    return _NOT_LINK.search(norm) is None


def find_runs(rule: Rule, left: Sequence[Line]) -> list[Line]:
    """Lines of ``left`` (the non-blank lines no line rule took) that form runs outside the body."""
    min_lines = rule.param("min_lines", 3)
    max_words = rule.param("max_words", 6)
    prose_words = rule.param("prose_words", 12)
    norms = [ln.norm for ln in left]
    # each count is compared with max_words and prose_words only: counted as far as that takes (a
    # document that is one long line had all its words counted again in every pass)
    cap = max(max_words, prose_words) + 1
    counts = [word_count_upto(n, cap) for n in norms]
    prose = [c >= prose_words and ends_sentence(n) for n, c in zip(norms, counts, strict=True)]
    dense = [k for k, p in enumerate(prose) if p and any(prose[k + 1 : k + 1 + _BODY_GAP])]
    if not dense:
        return []  # no body found: nothing to measure "outside" against, so touch nothing
    # The body starts where prose gets dense (a lone prose line above it is a teaser or a banner) and
    # ends at the last prose line, so a list near the end of the article is inside it.
    body_start = dense[0]
    body_end = max(k for k, p in enumerate(prose) if p)
    short = [
        k > 0 and counts[k] <= max_words and _link_like(norms[k]) and not prose[k] for k in range(len(left))
    ]
    if not any(short[:body_start]) and not any(short[body_end + 1 :]):
        return []  # nothing outside the body a run could be made of (most texts, after the first pass)
    for k, j in wrapped(norms, counts, frozenset(rule.param("joiners", ())), prose_words):
        short[k : j + 1] = [False] * (j + 1 - k)
    out: list[Line] = []
    k = 0
    while k < len(left):
        if not short[k] or body_start <= k <= body_end:
            k += 1
            continue
        j = k
        while j < len(left) and short[j] and not body_start <= j <= body_end:
            j += 1
        introduced = k > 0 and norms[k - 1].endswith(":")  # "... in ten points:" opens a list, not a menu
        if j - k >= min_lines and not introduced:
            # the run's last line, right above the body, of three words or more: the headline (see above)
            headline = j == body_start and counts[j - 1] >= 3
            out.extend(left[k : j - 1 if headline else j])
        k = j
    return out


def wrapped(
    norms: Sequence[str], counts: Sequence[int], joiners: frozenset[str], prose_words: int
) -> list[tuple[int, int]]:
    """The spans ``(first, last)`` of lines that are one paragraph hard-wrapped, ``prose_words`` words or
    more in all (``counts``: each line's words, counted at least that far). Each line but the last is
    carried on by the next: it does not end like a sentence, and the next starts in lower case, or one of
    the two has a joiner at the break ("... and" / "the ..."). A span ends like a sentence, or at least
    half its breaks fall at a joiner: a menu in lower case ("home", "news", "contact us") has neither."""

    def joined(k: int) -> int:
        """0: line ``k`` is not carried on by the next; 1: carried on; 2: carried on at a joiner."""
        line, after = norms[k], norms[k + 1]
        if ends_sentence(line) or "|" in line or "|" in after:  # a bar of links: "Skip | Skip to content"
            return 0
        head, _, last = line.rpartition(" ")
        first, _, rest = after.partition(" ")
        if (head and last in joiners) or (rest and first in joiners):
            return 2
        return int(after[:1].islower())

    spans = []
    k = 0
    while k < len(norms):
        j, strong = k, 0
        while j + 1 < len(norms) and (how := joined(j)):
            strong += how == 2
            j += 1
        if (
            j > k
            and (ends_sentence(norms[j]) or 2 * strong >= j - k)
            and sum(counts[k : j + 1]) >= prose_words
        ):
            spans.append((k, j))
        k = j + 1
    return spans
