"""Line rules: the mechanism behind the ``line`` rule kind of the ``debris`` and ``boilerplate`` stages.

A line rule's pattern must match a whole line (white space collapsed and stripped), never a part of it,
and only lines of at most ``max_words`` words are tried, so no line rule can take a paragraph of prose
with it. Optional keys widen a match to its neighbours, each with a shape check of its own:

- ``next = "headline" | "value" | "date"``: the following line goes too when it has that shape
  ("Read also:" + the linked headline; "Location:" + the place; "Last updated:" + the date);
- ``prev = "caption"``: the preceding line goes too when it looks like a photo caption (a photo credit
  line such as "Jane Doe Reuters" follows its caption);
- ``until = '<pattern>'``: a promo block from this line through the first line matching ``until``
  within ``max_lines`` lines, when every line between is short;
- ``metadata = "<key>"``: what the rule removes is recorded under this key (the ``value`` group of the
  pattern when it has one), so dates, places and credits are moved to the record, not lost.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import regex

from cleaner.dates import date_fields
from cleaner.document import Edit
from cleaner.gates import Gate, gate_for
from cleaner.linelocal import line_local
from cleaner.patterns import Pattern, PatternTimeout, union
from cleaner.prefilter import Prefilter
from cleaner.stage import INT, REGEX, STR, Field, Rule, check_matches
from cleaner.text import BoundedMemo, Line, at_least_words, ends_sentence, lines, word_count

DEFAULT_MAX_WORDS = 30
DEFAULT_MAX_LINES = 15

LINE_KIND = {
    "pattern": Field(REGEX, True, help="must match a whole line (white space collapsed)"),
    "max_words": Field(INT, help=f"longer lines are never tried (default {DEFAULT_MAX_WORDS})"),
    "metadata": Field(STR, help="record what is removed under this key of the document record"),
    "next": Field(STR, choices=("headline", "value", "date"), help="also remove the next line of that shape"),
    "prev": Field(STR, choices=("caption",), help="also remove the previous line when it is a caption"),
    "until": Field(REGEX, help="remove a block through the first line matching this"),
    "max_lines": Field(INT, help=f"longest block for 'until' (default {DEFAULT_MAX_LINES})"),
}

# Shapes for the neighbours of a matched line. Kept in code: they are shape checks, not vocabulary.
_MONTH = (
    r"(?:Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?|"
    r"Sep(?:t(?:ember)?)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)\.?"
)
DATE_SHAPE = regex.compile(
    r"(?i)(?:\w+,? )?(?:\d{1,2}\.? " + _MONTH + r",? \d{4}|" + _MONTH + r" \d{1,2},? \d{4}|"
    r"\d{4}-\d{2}-\d{2}|\d{1,2}[./]\d{1,2}[./]\d{2,4})"
    r"(?:,? (?:at )?\d{1,2}[:.]\d{2}(?::\d{2})?(?: ?[ap]\.?m\.?)?(?: [A-Z]{2,4})?)?(?: IST| GMT| UTC| ET)?"
)
_CAPTION_END_DATE = regex.compile(r"(?i)\b" + _MONTH + r" \d{1,2}, (?:19|20)\d\d\.?$")
_CAPTION_WORDS = regex.compile(
    r"(?i)\b(?:file photo|photo(?:graph)?|pictured|image|in this (?:photo|picture))\b"
)


def is_headline(line: str) -> bool:
    """A linked headline: a short line that does not end like a sentence with a full stop."""
    return 2 <= word_count(line) <= 25 and not line.rstrip().endswith((".", "!", ";", ","))


def is_value(line: str) -> bool:
    return 1 <= word_count(line) <= 12 and not ends_sentence(line.rstrip(")"))


def is_caption(line: str) -> bool:
    return word_count(line) <= 60 and bool(_CAPTION_END_DATE.search(line) or _CAPTION_WORDS.search(line))


_NEXT = {"headline": is_headline, "value": is_value, "date": lambda s: DATE_SHAPE.fullmatch(s) is not None}


@dataclass
class LineMatch:
    """Lines (indexes into the non-blank lines) one rule hit removes, and what it records."""

    rule: Rule
    lines: list[int]
    metadata: dict[str, Any] = field(default_factory=dict)


def check_line_rule(rule: Rule, default_words: int = DEFAULT_MAX_WORDS) -> list[str]:
    max_words = rule.param("max_words", default_words)
    return check_matches(
        rule, lambda s: word_count(s) <= max_words and rule.pattern.fullmatch(" ".join(s.split())) is not None
    )


class LineRules:
    """The ``line`` rules of one stage, matched with as few regex calls as possible.

    A :class:`~cleaner.prefilter.Prefilter` finds, in one scan of the page, the lines where each rule's
    required words occur; a line is tried only against those rules and the few rules without required
    words, whose union (see :func:`cleaner.patterns.union`) rules most lines out in one call. Rules only
    try lines of at most their ``max_words`` words, and rule order is the priority: the first rule that
    matches a line claims it, then runs alone to widen its match.
    """

    def __init__(self, rules: Sequence[Rule]):
        self.rules = tuple(r for r in rules if r.kind == "line")
        timeout = max((r.timeout for r in self.rules), default=1.0)
        self.limit = max((_max_words(r) for r in self.rules), default=0)
        # lines this short may be within every rule's word limit (a word takes at least two characters
        # with its space): the union scan covers them, longer ones have their words counted first
        self.reach = 2 * self.limit
        self.prefilter = Prefilter.for_rules(self.rules)
        self.gates = line_gates(self.rules)  # what each rule could fullmatch, asked in RE2 first
        self.always = self.prefilter.always
        patterns = [self.rules[i].pattern for i in self.always]
        self.always_union = union(patterns, "line-rules-prefilter", timeout)
        # the same union anchored to the lines of a text, when it provably cannot match across a line
        # break: one scan of a page's new lines then says which of them it fullmatches (see
        # :meth:`_possible_lines`)
        self.always_lines = None
        if self.always_union is not None and line_local(self.always_union.source):
            self.always_lines = Pattern(
                f"(?m)^(?:{self.always_union.source})$", "line-rules-prefilter", self.always_union.timeout
            )
        # ... and its gate (see cleaner.gates), which says in one RE2 pass which lines are worth that scan
        self.always_gate = gate_for(self.always_lines.source) if self.always_lines is not None else None
        # line -> index of the rule that claims it (-1: none): the same lines come back in the second
        # pass and, as menus and footers, in document after document. A pure function of the line.
        self._seen: dict[str, int] = {}
        # the same for longer lines (prose), which come back in the later passes of their own document
        # only: kept apart, in a memo bounded in characters, so they never push the short ones out
        self._seen_long = BoundedMemo(_SEEN_LONG_CHARS)

    def __getstate__(self):
        # the memos are caches: a worker process builds its own rather than receive this one's
        return {**self.__dict__, "_seen": {}, "_seen_long": BoundedMemo(_SEEN_LONG_CHARS)}

    def match(self, nonblank: Sequence[Line]) -> list[LineMatch]:
        """Run the rules over the non-blank lines; the first rule that matches a line claims it."""
        taken: set[int] = set()
        out: list[LineMatch] = []
        if not self.rules:
            return out
        norms = [ln.norm for ln in nonblank]
        decided = self._decide(norms)
        claimed = {norm for norm, index in decided.items() if index >= 0}
        if not claimed:
            return out
        counts = _LazyCounts(norms)
        for k in [k for k, norm in enumerate(norms) if norm in claimed]:
            if k in taken:
                continue
            norm = norms[k]
            rule = self.rules[decided[norm]]
            hit = _widen(rule, rule.pattern.fullmatch(norm), k, norms, counts, taken)
            taken.update(hit.lines)
            out.append(hit)
        return out

    def _decide(self, norms: Sequence[str]) -> dict[str, int]:
        """Each distinct line of ``norms`` -> the index of the rule that claims it (-1: none).

        Lines met before are answered from the memo. Of the others, only those a scan says some rule
        could match are asked rule by rule (:meth:`_claim`): the gated rules' required words found in
        them, the union of the rules without requirements matching them, or too long for that scan.
        The rest, most lines of a page, are decided "none" together: a call per line for each of them
        was most of the stage's time, for lines no rule could match."""
        seen, seen_long = self._seen, self._seen_long
        decided: dict[str, int] = {}
        todo = []
        for norm in dict.fromkeys(norms):  # a line that comes twice in the page is decided once
            known = seen.get(norm) if len(norm) <= _SEEN_CHARS else seen_long.get(norm)
            if known is None:
                todo.append(norm)
            else:
                decided[norm] = known
        if not todo:
            return decided
        hits = self.prefilter.candidates(todo)
        possible = self._possible_lines([n for n in todo if len(n) <= self.reach])
        if not self.always:
            ask = set(hits)  # without the union, a line no gated rule wants matches nothing
        elif possible is None:
            ask = set(range(len(todo)))
        else:
            ask = {j for j, n in enumerate(todo) if n in possible or len(n) > self.reach}.union(hits)
        new = {norm: -1 for norm in todo}
        reach, limit = self.reach, self.limit
        # a line too long for the scan is asked only within every rule's word limit: counted here, in a
        # comprehension, not in a call per line that would count it and give up (most of them are
        # prose); a line of many thousand characters only as far as its first 10,000 tell (a document
        # that is one 1.6 MB line had all its words counted in every pass, a fifth of its time)
        asked = [j for j in sorted(ask) if len(todo[j]) <= reach or not at_least_words(todo[j], limit + 1)]
        for j in asked:
            new[todo[j]] = self._claim(todo[j], hits.get(j, ()), possible)
        self._remember(new)
        decided.update(new)
        return decided

    def _remember(self, decided: dict[str, int]) -> None:
        """File the decisions on distinct lines not met before, in bulk: short lines in the memo kept
        across pages (cleared when full), longer ones in the memo bounded in characters."""
        short = {n: i for n, i in decided.items() if len(n) <= _SEEN_CHARS}
        if len(self._seen) + len(short) > _SEEN_MAX:
            self._seen.clear()
        self._seen.update(short)
        if len(short) < len(decided):
            self._seen_long.put_many({n: i for n, i in decided.items() if len(n) > _SEEN_CHARS})

    def _claim(self, norm: str, gated, possible: set[str] | None = None) -> int:
        """Index of the first rule that matches the line ``norm`` (whole, within its ``max_words``), or
        -1. ``gated``: the gated rules whose required words it holds; ``possible``: lines the rules
        without requirements are known to fullmatch, from one scan (None: ask the union line by line).
        A line longer than the scan's reach comes here only within the word limit (see :meth:`_decide`)."""
        counts = _LazyCounts((norm,))  # counting words is a regex pass of its own: only when asked
        long = len(norm) > self.reach
        candidates = set(gated)
        known = possible is not None and not long  # the scan covered the lines of every limit's length
        if self.always and (norm in possible if known else _possible(self.always_union, norm)):
            candidates.update(self.always)
        return first_match(self.rules, candidates, norm, counts, 0, gates=self.gates)

    def _possible_lines(self, norms: list[str]) -> set[str] | None:
        """Which of ``norms`` the union of the rules without requirements fullmatches, from one scan of
        the lines joined: asked one by one, each line paid the regex module's set-up of a time limit
        (some 2 µs, more than the match) for a union that matches one line in fifty. The union must be
        line-local (each match is then one whole line). None when there is no such union or the scan
        ran out of time: the lines are then asked one by one, so a slow rule is still named."""
        if self.always_lines is None or not self.always or not norms:
            return None
        joined = "\n".join(norms)
        marked = None if self.always_gate is None else self.always_gate.lines(joined, len(norms) // 4)
        if marked is not None:
            if not marked:
                return set()
            joined = "\n".join(norms[i] for i in marked)  # the lines the gate rules out cannot match
        try:
            return {m.group() for m in self.always_lines.finditer(joined)}
        except PatternTimeout:
            return None


def first_match(
    rules: Sequence[Rule],
    candidates,
    norm: str,
    counts,
    k: int,
    default_words: int = DEFAULT_MAX_WORDS,
    gates: Sequence[Gate | None] | None = None,
) -> int:
    """Index of the first rule among ``candidates`` (indexes into ``rules``, tried in rule order) that
    matches line ``k``, ``norm``, whole and within its ``max_words``; -1 when none does. ``counts[k]``
    is asked only when there is a rule to try (a lazy word count is a regex pass of its own).

    ``gates``: each rule's whole-line gate (see :func:`line_gates`), or None. A rule whose gate does not
    fullmatch the line cannot match it and is not tried: candidates come from required words, and of
    some hundred thousand tried on the bench's pages 93% did not match."""
    data = None
    for i in sorted(candidates):
        rule = rules[i]
        if counts[k] > rule.param("max_words", default_words):
            continue
        gate = gates[i] if gates is not None else None
        if gate is not None:
            if data is None:
                data = _utf8(norm)
            if data and not gate.fullmatches(data):
                continue
        if rule.pattern.fullmatch(norm) is not None:
            return i
    return -1


def line_gates(rules: Sequence[Rule]) -> tuple[Gate | None, ...]:
    """Each rule's pattern loosened for an RE2 full match of a line (see :mod:`cleaner.gates`)."""
    return tuple(gate_for(r.pattern.source, whole_line=True) for r in rules)


def _utf8(norm: str) -> bytes:
    """The line as UTF-8, or b"" when it has no such form (a lone surrogate): then no gate is asked."""
    try:
        return norm.encode("utf-8")
    except UnicodeEncodeError:
        return b""


_SEEN_MAX = 1 << 17  # lines remembered per stage; cleared when full
_SEEN_CHARS = 200  # lines this short are remembered across pages: at most some 35 MB per stage
_SEEN_LONG_CHARS = 4_000_000  # characters of longer lines remembered (some 16 MB per stage at most)


def _max_words(rule: Rule) -> int:
    return rule.param("max_words", DEFAULT_MAX_WORDS)


def _possible(prefilter: Pattern | None, norm: str) -> bool:
    """Whether any rule of a union could match ``norm``; True when there is no union to ask."""
    if prefilter is None:
        return True
    try:
        return prefilter.fullmatch(norm) is not None
    except PatternTimeout:  # let the rules run one by one, so the slow one is named in the report
        return True


class _LazyCounts:
    """Word counts of lines, computed on first use: most lines are never looked at twice."""

    def __init__(self, norms: Sequence[str]):
        self.norms = norms
        self.cache: dict[int, int] = {}

    def __getitem__(self, k: int) -> int:
        n = self.cache.get(k)
        if n is None:
            n = self.cache[k] = word_count(self.norms[k])
        return n


def _widen(
    rule: Rule, m: regex.Match, k: int, norms: Sequence[str], counts, taken: set[int]
) -> LineMatch | None:
    hit = LineMatch(rule, [k])
    key = rule.param("metadata")
    value = m.group("value") if "value" in m.re.groupindex and m.group("value") else norms[k]
    until = rule.param("until")
    if until is not None:
        end = _block_end(rule, k, norms, counts)
        if end is not None:
            hit.lines = list(range(k, end + 1))
    nxt = rule.param("next")
    if nxt and k + 1 < len(norms) and k + 1 not in taken and _NEXT[nxt](norms[k + 1]):
        hit.lines.append(k + 1)
        if nxt in ("value", "date"):
            value = norms[k + 1]
    elif nxt in ("value", "date"):
        key = None  # a label without its value: nothing worth recording
    if rule.param("prev") == "caption" and k > 0 and k - 1 not in taken and is_caption(norms[k - 1]):
        hit.lines.insert(0, k - 1)
        hit.metadata["caption"] = [norms[k - 1]]
    if key == "date":
        hit.metadata.update(date_fields(value))
    elif key:
        hit.metadata[key] = [value] if key in ("credit", "caption") else value
    return hit


def _block_end(rule: Rule, k: int, norms: Sequence[str], counts) -> int | None:
    until = rule.param("until")
    max_words = rule.param("max_words", DEFAULT_MAX_WORDS)
    for j in range(k + 1, min(len(norms), k + 1 + rule.param("max_lines", DEFAULT_MAX_LINES))):
        if counts[j] > max_words:
            return None
        if until.fullmatch(norms[j]):
            return j
    return None


def line_edits(stage, text: str, nonblank: Sequence[Line], matches: Sequence[LineMatch]) -> list[Edit]:
    """One removal edit per line a match claims, each with the rule's id and reason."""
    edits = []
    for hit in matches:
        for k in hit.lines:
            ln = nonblank[k]
            edits.append(stage.edit(hit.rule.id, ln.start, ln.end, text, "", hit.rule.reason))
    return edits


def apply_line_rules(
    stage, text: str, rules: LineRules
) -> tuple[list[Edit], dict[str, Any], list[Line], set[int]]:
    """Run a stage's line rules over ``text``.

    Returns the removal edits, the metadata the removed lines carried, the non-blank lines and the
    indexes (into those lines) that were claimed, for stages that look at what is left.
    """
    nonblank = [ln for ln in lines(text) if not ln.blank]
    matches = rules.match(nonblank)
    metadata: dict[str, Any] = {}
    for hit in matches:
        for key, value in hit.metadata.items():
            if isinstance(value, list):
                metadata.setdefault(key, []).extend(value)
            else:
                metadata.setdefault(key, value)
    taken = {k for hit in matches for k in hit.lines}
    return line_edits(stage, text, nonblank, matches), metadata, nonblank, taken
