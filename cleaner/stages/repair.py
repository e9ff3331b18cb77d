"""``repair``: machine-translation garble — spacing around quotes and punctuation, doubled words, split
paragraphs.

Two rule kinds:

- ``replace``: a pattern and its replacement (see :mod:`cleaner.mechanisms.replace`), for garble a regular
  expression states exactly: ``Zelensky 's``, ``NATO ,``, ``long -term``, ``Article5``.
- ``fixer``: a named mechanism with settings, for garble that needs more than one match to judge:

  - ``quote-spacing``: straight double quotes, whose direction is known only by counting. In each
    paragraph with an even number of ``"``, the 1st, 3rd, ... open and the others close; an opening
    quote gets a space before it and none after, a closing one none before and a space after a letter.
    Paragraphs with an odd count are left alone (an inch mark or a quote spanning paragraphs), and so
    are paragraphs with a U+FFFD outside a word (a character lost in decoding may have been a quote).
  - ``doubled-words``: ``additional additional`` → ``additional``. Only words of ``min_length`` letters
    or more, and never a word in ``allow`` ("had had", "that that", French "nous nous" are grammar).
  - ``split-paragraph``: a paragraph that starts with a comma, semicolon or lower-case letter continues
    the one before it when that one does not end like a sentence; the two are joined.
"""

from __future__ import annotations

import functools
import itertools
from collections.abc import Callable
from dataclasses import dataclass

import regex

from cleaner.document import Document, Edit, StageResult
from cleaner.linelocal import LocalRules, line_local
from cleaner.mechanisms.replace import (
    REPLACE_KIND,
    Probe,
    check_pair_examples,
    check_replace_rule,
    replace_edits,
    replace_gate,
    replace_part,
)
from cleaner.patterns import Pattern
from cleaner.stage import INT, STR, STRS, Field, Rule, Stage, non_overlapping
from cleaner.text import ends_sentence, lines, word_count

FIXER_KIND = {
    "fixer": Field(STR, True, choices=("quote-spacing", "doubled-words", "split-paragraph")),
    "min_length": Field(INT, help="doubled-words: shortest word considered (default 4)"),
    "allow": Field(STRS, help="doubled-words: words that may legitimately repeat"),
    "min_words_before": Field(INT, help="split-paragraph: words the paragraph before needs (default 8)"),
}


@dataclass(frozen=True)
class RepairSettings:
    max_delete_share: float = 0.2  # repairs change spacing and a few words, never whole passages


class Repair(Stage):
    """Repair MT garble with replace rules and named fixers."""

    name = "repair"
    Settings = RepairSettings
    rule_kinds = {"replace": REPLACE_KIND, "fixer": FIXER_KIND}
    replace_kinds = ("replace", "fixer")
    default_kind = "replace"
    description = "MT garble: spacing around quotes and punctuation, doubled words, split paragraphs"

    @classmethod
    def check_rule(cls, rule: Rule) -> list[str]:
        if rule.kind == "fixer":

            def fix(probe, text: str) -> list[Edit]:
                return FIXERS[rule.param("fixer")](probe, rule, text)

            return check_pair_examples(rule, fix)
        return check_replace_rule(rule)

    def __init__(self, settings=None, rules=()):
        super().__init__(settings, rules)
        self.local = LocalRules(self.rules, self._local_part, replace_gate)

    def _local_part(self, rule: Rule):
        """A rule's line-local form, when it has one: replace rules and ``doubled-words`` whose pattern
        is proved line-local, and ``quote-spacing``, which works line by line."""
        fixer = rule.param("fixer")
        if fixer == "quote-spacing":
            return functools.partial(_triples, quote_spacing, rule)
        if fixer == "doubled-words":
            pattern = _doubled(rule.param("min_length", 4), rule.id, rule.timeout)
            return functools.partial(_triples, doubled_words, rule) if line_local(pattern.source) else None
        if rule.kind == "replace" and line_local(rule.pattern.source):
            return replace_part(self, rule)
        return None

    def apply(self, doc: Document) -> StageResult:
        text = doc.text
        local = self.local.edits(self, text)
        edits: list[Edit] = []
        for i, rule in enumerate(self.rules):
            if i in local:
                edits.extend(local[i])
            elif rule.kind == "fixer":
                edits.extend(FIXERS[rule.param("fixer")](self, rule, text))
            else:
                edits.extend(replace_edits(self, rule, text))
        return StageResult(edits=tuple(non_overlapping(edits)))


def _triples(fixer, rule: Rule, text: str) -> list[tuple[int, int, str]]:
    """A fixer's edits on ``text`` as (start, end, replacement), the form :mod:`cleaner.linelocal` keeps."""
    return [(e.start, e.end, e.new) for e in fixer(_PROBE, rule, text)]


_QUOTE = regex.compile(r'"')
_OPEN_NEEDS_SPACE = regex.compile(r"[\p{L}\p{N},:;]")
# U+FFFD, a character lost in decoding, outside a word (inside one it was a letter: "insatur\ufffds")
_LOST_QUOTE = regex.compile(r"(?<!\w)\ufffd|\ufffd(?!\w)")


def quote_spacing(stage, rule: Rule, text: str) -> list[Edit]:
    out = []
    for ln in lines(text):
        s = ln.content
        quotes = [m.start() for m in _QUOTE.finditer(s)]
        # an odd count, or a character lost in decoding that may have been a quote: the count proves nothing
        if not quotes or len(quotes) % 2 or _LOST_QUOTE.search(s):
            continue
        for n, q in enumerate(quotes):
            at = ln.start + q
            if n % 2 == 0:  # opening
                if q > 0 and _OPEN_NEEDS_SPACE.match(s[q - 1]):
                    out.append(stage.edit(rule.id, at, at, text, " ", rule.reason))
                after = len(s[q + 1 :]) - len(s[q + 1 :].lstrip(" "))
                if after and q + 1 + after < len(s):
                    out.append(stage.edit(rule.id, at + 1, at + 1 + after, text, "", rule.reason))
            else:  # closing
                before = len(s[:q]) - len(s[:q].rstrip(" "))
                if before and q - before > 0:
                    out.append(stage.edit(rule.id, at - before, at, text, "", rule.reason))
                if q + 1 < len(s) and s[q + 1].isalnum():
                    out.append(stage.edit(rule.id, at + 1, at + 1, text, " ", rule.reason))
    return out


def doubled_words(stage, rule: Rule, text: str) -> list[Edit]:
    allow = {w.casefold() for w in rule.param("allow", ())}
    out = []
    for m in _doubled(rule.param("min_length", 4), rule.id, rule.timeout).finditer(text):
        if m.group(1).casefold() in allow:
            continue
        out.append(stage.edit(rule.id, m.end(1), m.end(), text, "", rule.reason))
    return out


@functools.cache
def _doubled(min_length: int, rule_id: str, timeout: float) -> Pattern:
    # the second word may differ in case ("The the"), the first sets the length; a word said three
    # times goes in one edit (its repeats as a run), not one repeat a pass of the whole pipeline
    return Pattern(r"\b(\p{L}{" + str(min_length) + r",})(?:[ \t]+(?i:\1)\b)+", rule_id, timeout)


_CONTINUES = regex.compile(r"[,;]|\p{Ll}")


def split_paragraph(stage, rule: Rule, text: str) -> list[Edit]:
    min_before = rule.param("min_words_before", 8)
    paras = [ln for ln in lines(text) if not ln.blank]
    out = []
    # Words of the paragraph ``prev`` ends once this scan's joins are made: a line joined to the one
    # before it makes one paragraph with it, and that paragraph may be long enough to take the next line
    # in turn. Counted here, a chain is joined in one pass, where asking each line alone left the rest
    # of the chain to a later pass of the whole pipeline (a long page took four). Words add up across
    # a join (two CJK characters count as one word, so a join of odd halves may count one short: that
    # link waits for the next pass, as every link did before).
    joined_words = None
    for prev, cur in itertools.pairwise(paras):
        carried, joined_words = joined_words, None
        head = cur.content.lstrip()
        if not _CONTINUES.match(head) or word_count(head) < 3 or ends_sentence(prev.content):
            continue
        before = carried if carried is not None else word_count(prev.content)
        if before < min_before:
            continue
        joined_words = before + word_count(head)
        start = prev.start + len(prev.content.rstrip())
        end = cur.start + len(cur.content) - len(head)
        joiner = "" if head[0] in ",;" else " "
        out.append(stage.edit(rule.id, start, end, text, joiner, rule.reason))
    return out


_PROBE = Probe("repair")

FIXERS: dict[str, Callable[..., list[Edit]]] = {
    "quote-spacing": quote_spacing,
    "doubled-words": doubled_words,
    "split-paragraph": split_paragraph,
}
