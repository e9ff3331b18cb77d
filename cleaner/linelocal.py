"""Line-local rules: patterns whose matches on a text are the matches on each of its lines, memoised.

The pipeline runs its text stages to a fixed point, so every stage sees a document at least twice, and a
long document with repairs in many places three to five times; each pass used to run every pattern over
the whole text again, though a later pass changes few lines (measured: a 1.6 MB page needed four passes
and the ``repair`` stage cost twice as much per megabyte as on a 50 kB page). When a pattern is
*line-local*, its matches on a text are exactly its matches on each line taken alone, so what a line
yields can be remembered by the line's content and only lines never seen before need the pattern again.

:func:`line_local` proves that from the pattern's syntax tree (Python's own parser, as in
:mod:`cleaner.prefilter`): nothing in it, lookarounds included, can match a newline, and its anchors are
the multi-line ``^``/``$`` or word boundaries, which read a line's edge the same way as the string's.
Anything it does not know (version-1 sets, fuzzy matching, ``\\p`` properties beyond letters, marks,
numbers, punctuation, symbols and scripts, ``\\A``, ``\\Z``, ``.`` under DOTALL, ``\\s``) makes a pattern
not line-local, and it runs over the whole text as before. A text that breaks lines with anything but
``\\n`` (``\\r``, ``\\x85``, U+2028, ...) is also scanned whole: the proof only covers ``\\n``.

:class:`LineMemo` applies a stage's line-local parts: the first time it meets a document it scans the
whole text once per pattern (a C loop, faster than one call per line) and files each match under its
line; after that a line's content maps to its matches, so a later pass scans only the lines it changed.
"""

from __future__ import annotations

import bisect
import itertools
from collections.abc import Callable, Sequence
from re import _constants as C
from re import _parser
from typing import TYPE_CHECKING

import regex

from cleaner.prefilter import _FOREIGN, _PROPERTY
from cleaner.text import OTHER_BREAKS

if TYPE_CHECKING:
    from cleaner.gates import Gate

#: ``\p{...}`` properties that can never match a newline: letters, marks, numbers, punctuation, symbols,
#: and scripts (by name). Anything else (``\p{C}``, ``\p{Z}``, ``\P{...}``) is not proved safe.
_SAFE_PROPERTY = regex.compile(
    r"\\p\{(?:L[ulmot&]?|M[nce]?|N[dlo]?|P[cdseifo]?|S[mcko]?|"
    r"Latin|Greek|Cyrillic|Han|Hiragana|Katakana|Hangul|Arabic|Hebrew|Thai)\}|\\p[LMNPS]"
)
_NEWLINE = ord("\n")
_SAFE_CATEGORIES = {C.CATEGORY_NOT_SPACE, C.CATEGORY_WORD, C.CATEGORY_DIGIT, C.CATEGORY_NOT_LINEBREAK}


def line_local(source: str) -> bool:
    """True when every match of ``source`` on a text is a match on one of its lines taken alone (the line
    without its newline), and the other way round; False when that is not proved."""
    stripped = _SAFE_PROPERTY.sub("", source)
    if _FOREIGN.search(stripped) or _PROPERTY.search(stripped):
        return False  # foreign syntax, or a property that might match a newline
    try:
        tree = _parser.parse(_SAFE_PROPERTY.sub(r"\\w", source))
    except Exception:
        return False
    flags = tree.state.flags
    if flags & C.SRE_FLAG_DOTALL:
        return False  # "." would match a newline (a scoped (?s:...) is refused where it stands)
    return _items_local(list(tree), multiline=bool(flags & C.SRE_FLAG_MULTILINE))


def _items_local(items, multiline: bool) -> bool:
    return all(_node_local(op, av, multiline) for op, av in items)


def _node_local(op, av, multiline: bool) -> bool:
    if op is C.LITERAL:
        return av != _NEWLINE
    if op is C.NOT_LITERAL:
        return av == _NEWLINE
    if op is C.ANY:
        return True  # "." does not match a newline (DOTALL is refused above)
    if op is C.IN:
        return _class_local(av)
    if op is C.CATEGORY:
        return av in _SAFE_CATEGORIES
    if op is C.AT:
        if av in (C.AT_BOUNDARY, C.AT_NON_BOUNDARY):
            return True  # a newline and the string's edge are both non-word
        if av in (C.AT_BEGINNING, C.AT_END):
            return multiline  # ^ and $ at a line's edge only in multi-line mode
        return False  # \A, \Z: the string's edge, not a line's
    if op is C.SUBPATTERN:
        add_flags = av[1]
        if add_flags & C.SRE_FLAG_DOTALL:
            return False
        return _items_local(av[3], multiline or bool(add_flags & C.SRE_FLAG_MULTILINE))
    if op in (C.MAX_REPEAT, C.MIN_REPEAT, C.POSSESSIVE_REPEAT):
        return _items_local(av[2], multiline)
    if op is C.ATOMIC_GROUP:
        return _items_local(av, multiline)
    if op is C.BRANCH:
        return all(_items_local(alt, multiline) for alt in av[1])
    if op in (C.ASSERT, C.ASSERT_NOT):
        # a lookaround that cannot read a newline fails on one as it fails at the string's edge
        return _items_local(av[1], multiline)
    if op is C.GROUPREF:
        return True  # repeats a group's text, which is itself checked
    if op is C.GROUPREF_EXISTS:
        _, yes, no = av
        return _items_local(yes, multiline) and (no is None or _items_local(no, multiline))
    return False


def _class_local(items) -> bool:
    if items and items[0][0] is C.NEGATE:
        # a negated class is safe only when it names the newline among what it excludes
        return any(
            (o is C.LITERAL and a == _NEWLINE)
            or (o is C.RANGE and a[0] <= _NEWLINE <= a[1])
            or (o is C.CATEGORY and a in (C.CATEGORY_SPACE, C.CATEGORY_LINEBREAK))
            for o, a in items[1:]
        )
    for o, a in items:
        if o is C.LITERAL and a == _NEWLINE:
            return False
        if o is C.RANGE and a[0] <= _NEWLINE <= a[1]:
            return False
        if o is C.CATEGORY and a not in _SAFE_CATEGORIES:
            return False
        if o not in (C.LITERAL, C.RANGE, C.CATEGORY):
            return False
    return True


#: (start, end, replacement) relative to the line, per part: what one line yields.
LineResult = tuple[tuple[tuple[int, int, str], ...], ...]
#: A part: a function from a text to its (start, end, replacement) triples, in the order it finds them.
Part = Callable[[str], list[tuple[int, int, str]]]

_MEMO_CHARS = 8_000_000  # characters of line content remembered before the memo starts afresh


class LineMemo:
    """Apply ``parts`` (each a function from a text to its matches) to a text, remembering which lines
    have been seen and what the lines with matches yield. Every part must be line-local (see
    :func:`line_local`).

    Returns, per part, the matches in text order with positions in the text: the same as running each
    part over the whole text. A text made mostly of unseen lines (a document's first pass) is scanned
    whole, one C loop per part, and its lines are noted in a set (C code too); in a later pass only the
    unseen lines are scanned, joined into one text. The memo is a cache of a pure function of a line,
    bounded in characters; it does not pickle (a worker builds its own).
    """

    def __init__(self, parts: Sequence[Part], gates: Sequence[Gate | None] = ()):
        self.parts = tuple(parts)
        # each part's gate (see cleaner.gates), or None: a part with one runs only on the lines it marks
        self.gates = tuple(gates) or (None,) * len(self.parts)
        self._reset()

    def _reset(self) -> None:
        self._seen: set[str] = set()  # lines whose matches are known
        self._found: dict[str, LineResult] = {}  # ... and, for those that have any, the matches
        self._chars = 0

    def __getstate__(self):
        state = dict(self.__dict__)
        state.update(_seen=set(), _found={}, _chars=0)
        return state

    def run(self, text: str) -> list[list[tuple[int, int, str]]]:
        if not self.parts or not text:
            return [[] for _ in self.parts]
        if OTHER_BREAKS.search(text):
            return [part(text) for part in self.parts]  # the proof covers "\n" only
        parts_lines = text.split("\n")
        seen = self._seen
        unseen = [i for i, c in enumerate(parts_lines) if c not in seen]
        if self._chars + len(text) > _MEMO_CHARS:
            self._reset()
            unseen = list(range(len(parts_lines)))
        if len(unseen) * 4 > len(parts_lines):
            return self._scan_whole(text, parts_lines)
        found = self._found
        if unseen:
            self._learn(list(dict.fromkeys(parts_lines[i] for i in unseen)))
        out: list[list[tuple[int, int, str]]] = [[] for _ in self.parts]
        hits = [i for i, c in enumerate(parts_lines) if c in found]
        if hits:
            starts = [0, *itertools.accumulate(len(c) + 1 for c in parts_lines)]
            for i in hits:
                at = starts[i]
                for k, matches in enumerate(found[parts_lines[i]]):
                    out[k].extend((at + s, at + e, new) for s, e, new in matches)
        return out

    def _scan_whole(self, text: str, parts_lines: list[str]) -> list[list[tuple[int, int, str]]]:
        out = self._scan(text, parts_lines)
        self._file(out, parts_lines)
        self._chars += len(text)
        return out

    def _learn(self, fresh: list[str]) -> None:
        """Find and file the matches of distinct lines not seen before: one scan per part of the lines
        joined by "\\n" (the parts are line-local, so that finds what each line alone would), not a call
        per line and part: a later pass meets a few dozen changed lines, and the ``regex`` module's time
        limit costs more per call than a short line's match."""
        joined = "\n".join(fresh)
        self._file(self._scan(joined, fresh), fresh)
        self._chars += len(joined)

    def _scan(self, text: str, parts_lines: list[str]) -> list[list[tuple[int, int, str]]]:
        """Each part's matches in ``text`` (whose lines are ``parts_lines``). A part with a gate runs
        only over the lines its gate marks, joined, and its matches are moved back to their place in
        ``text``; over the whole text when the gate marks more than a quarter of the lines."""
        out = []
        starts = None
        for part, gate in zip(self.parts, self.gates, strict=True):
            marked = None if gate is None else gate.lines(text, len(parts_lines) // 4)
            if marked is None:
                out.append(part(text))
                continue
            if not marked:
                out.append([])
                continue
            if starts is None:
                starts = [0, *itertools.accumulate(len(c) + 1 for c in parts_lines)]
            sub = [0, *itertools.accumulate(len(parts_lines[i]) + 1 for i in marked)]
            found = []
            for s, e, new in part("\n".join(parts_lines[i] for i in marked)):
                j = bisect.bisect_right(sub, s) - 1
                shift = starts[marked[j]] - sub[j]
                found.append((s + shift, e + shift, new))
            out.append(found)
        return out

    def _file(self, out: list[list[tuple[int, int, str]]], parts_lines: list[str]) -> None:
        """Note ``parts_lines`` as seen and file ``out`` (each part's matches in the lines joined by
        "\\n") under the lines they fall in, relative to each line."""
        self._seen.update(parts_lines)
        if any(out):
            starts = [0, *itertools.accumulate(len(c) + 1 for c in parts_lines)]
            per_line: dict[int, list[list[tuple[int, int, str]]]] = {}
            for k, matches in enumerate(out):
                for s, e, new in matches:
                    i = bisect.bisect_right(starts, s) - 1
                    at = starts[i]
                    per_line.setdefault(i, [[] for _ in self.parts])[k].append((s - at, e - at, new))
            for i, result in per_line.items():
                self._found[parts_lines[i]] = tuple(map(tuple, result))


class LocalRules:
    """The line-local rules of a stage, applied together through one :class:`LineMemo`.

    ``part_of(rule)`` gives a rule's :data:`Part` when the rule is line-local (proved with
    :func:`line_local`, or line-local by construction), else None; those rules stay the stage's to run.
    """

    def __init__(
        self,
        rules: Sequence,
        part_of: Callable[[object], Part | None],
        gate_of: Callable[[object], Gate | None] = lambda rule: None,
    ):
        self.rules = tuple(rules)
        self.index: dict[int, int] = {}  # rule position -> part position
        parts, gates = [], []
        for i, rule in enumerate(rules):
            part = part_of(rule)
            if part is not None:
                self.index[i] = len(parts)
                parts.append(part)
                gates.append(gate_of(rule))  # the lines worth the part's scan (see cleaner.gates)
        self.memo = LineMemo(parts, gates)

    def edits(self, stage, text: str) -> dict[int, list]:
        """Rule position -> the stage's edits for each of that rule's matches in ``text``, in order,
        each with the rule's id and reason (as the stage would make them running the rule whole)."""
        found = self.memo.run(text)
        rules = self.rules
        return {
            i: [stage.edit(rules[i].id, s, e, text, new, rules[i].reason) for s, e, new in found[k]]
            for i, k in self.index.items()
        }
