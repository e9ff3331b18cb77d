"""Gates: a rule's pattern loosened into one an automaton runs (RE2), to find the few lines worth the
exact pattern.

A ``regex`` pattern that starts with a look-behind or a word boundary (``(?<=\\p{L}) +...``,
``\\b(\\p{Ll}{3,}...``) is tried at every position of a text: the bench's text pages measured 14-34 MB/s
for such a rule, so four of them cost as much as the rest of their stage. RE2 matches in one pass with
a DFA, 350-650 MB/s on the same pages, but has no look-arounds, word boundaries or back-references.

:func:`relax` writes a pattern RE2 can run that matches *at least* wherever the original does: a
look-behind that opens the pattern and a look-ahead that closes it are read as text, every other
look-around and word boundary is dropped (each only ever rules a match out), a back-reference becomes
the pattern of the group it repeats, atomic groups and possessive repeats become plain ones, and every
character class, property and case-insensitive letter becomes the explicit set of code points the
``regex`` module itself says it matches (computed once per class, so RE2's own Unicode tables and case
folding never decide anything). No part of the loosened pattern matches a newline.

Two kinds of gate:

- a search gate, for a line-local pattern (see :func:`cleaner.linelocal.line_local`): a line where the
  pattern matches holds a match of the gate, so :class:`Gate` ``.lines`` says which lines of a text the
  exact pattern must scan (replace rules in :class:`cleaner.linelocal.LineMemo`, the line rules' union
  scan in :class:`cleaner.mechanisms.lines.LineRules`);
- a whole-line gate (``whole_line=True``), for a pattern matched against one whole line (line rules,
  boundaries and teasers): the gate fullmatches every line the pattern fullmatches, so a line it does
  not fullmatch is not tried (:func:`cleaner.mechanisms.lines.first_match`).

Where the loosening would match the empty string (nothing to gate on), or uses syntax this module does
not know, there is no gate and the pattern runs as before; :func:`why_no_gate` says why.
"""

from __future__ import annotations

import array
import codecs
import functools
import sys
from re import _constants as C
from re import _parser

import re2
import regex

from cleaner.linelocal import line_local
from cleaner.prefilter import _FOREIGN

_PROPERTY = regex.compile(r"\\[pP]\{[^}]*\}|\\[pP][A-Za-z]")
# Placeholders for \p{...} while Python's parser reads the pattern's structure: private-use code points
# of plane 15, which no rule writes literally
_PLACEHOLDER = 0xF0000
_NEWLINE = ord("\n")
_MAX_BOUND = 8  # largest bound of a repeat kept in a gate (see _Writer.node)
_MAX_PROGRAM = 20_000  # RE2 instructions: a larger gate outgrows the DFA's memory and runs slowly
_OPTIONS = re2.Options()
_OPTIONS.encoding = re2.Options.Encoding.UTF8
# The budget of the program and its DFA caches, per gate. RE2 builds DFA states as a text needs them and
# starts its cache afresh when it is full; at 2 MB the gates of 4,600-10,000 instructions (classes of
# letters written out as code points) filled it over and over: over the same 1.6 MB of page text the 55
# gates took 1.39 s as 50 kB documents and 2.43 s as one document, at 4 MB 0.67 s and 0.65 s. The cache
# grows as far as a gate's texts take it: 8 MB more peak memory over the bench's 1,618 pages, all of it
# in the large gates (4 MB for those alone peaked as high).
_OPTIONS.max_mem = 4 << 20
_OPTIONS.log_errors = False  # a gate that outgrows it falls back to RE2's slower engine, silently


def relax(source: str, whole_line: bool = False) -> str | None:
    """An RE2 pattern whose matches cover every line where ``source`` (``regex`` syntax, line-local)
    matches; None when there is none worth having (see :func:`why_no_gate`).

    ``whole_line``: for a pattern matched against one line at a time, whole (a line rule's): an RE2
    full match of the result is then possible wherever the pattern's full match is. The pattern need
    not be line-local then, as the line holds no newline; look-arounds at its edges are dropped, as
    they read outside the line."""
    return _relax(source, whole_line)[0]


def why_no_gate(source: str, whole_line: bool = False) -> str | None:
    """Why ``source`` has no gate (what ``cleaner rules`` says of a slow rule); None when it has one."""
    return _relax(source, whole_line)[1]


@functools.lru_cache(maxsize=4096)
def _relax(source: str, whole_line: bool) -> tuple[str | None, str | None]:
    """(the loosened pattern, None) or (None, why there is none)."""
    if "\\\\" in source:
        return None, "an escaped backslash (the loosening does not read it)"
    if any(_PLACEHOLDER <= ord(c) <= 0xFFFFF for c in source):
        return None, "a private-use character of plane 15 (the loosening uses them as placeholders)"
    if whole_line and _FOREIGN.search(_PROPERTY.sub("", source)):
        return None, "syntax of the regex module's own (fuzzy matching, nested sets, unusual flags)"
    if not whole_line and not line_local(source):
        return None, "it may read across a line break"
    properties: list[str] = []

    def hold(m: regex.Match) -> str:
        properties.append(m.group())
        return chr(_PLACEHOLDER + len(properties) - 1)

    try:
        tree = _parser.parse(_PROPERTY.sub(hold, source))
    except Exception:  # Python's parser refuses some regex-module syntax
        return None, "syntax Python's parser does not read"
    groups: dict[int, tuple[list, int]] = {}
    _collect_groups(list(tree), groups)
    writer = _Writer(properties, groups)
    try:
        items = list(tree) if whole_line else _edges_consumed(list(tree))
        out = writer.items(items, tree.state.flags)
    except _Unsupported:
        return None, "a construct RE2 has no form for"
    try:
        compiled = _compiled(out)
    except Exception:  # refused by RE2
        return None, "RE2 refuses its loosened form"
    if not whole_line and compiled.search(b"") is not None:
        return None, "without its look-arounds it matches the empty string, so it rules no line out"
    if compiled.programsize > _MAX_PROGRAM:
        return None, f"its loosened form is too large for RE2's DFA ({compiled.programsize:,} instructions)"
    return out, None


@functools.lru_cache(maxsize=4096)
def _compiled(source: str):
    """The RE2 program of a loosened pattern: compiled once, for the checks of :func:`_relax` and then
    for the :class:`Gate` that runs it."""
    return re2.compile(source.encode(), _OPTIONS)


class _Unsupported(Exception):
    pass


_ZERO_WIDTH = (C.AT, C.ASSERT, C.ASSERT_NOT)


def _edges_consumed(items: list) -> list:
    """``items`` with a look-behind that opens the pattern and a look-ahead that closes it read as
    text: ``(?<=\\p{L}) +(?=[,.;:])`` becomes ``\\p{L} +[,.;:]``. What the look-around asserts stands
    next to the match, on its line (the pattern is line-local), so the longer match covers the same
    lines, and the gate keeps the selectivity of the look-arounds instead of dropping it. Only one of
    each: two look-behinds assert the same place, and read one after the other they would not. A line
    anchor at an edge stays (see :meth:`_Writer.node`) unless a look-around is read there instead."""
    head = 0
    while head < len(items) and items[head][0] in _ZERO_WIDTH:
        head += 1
    tail = len(items)
    while tail > head and items[tail - 1][0] in _ZERO_WIDTH:
        tail -= 1
    body = items[head:tail]
    if not body:
        return items  # all zero-width: nothing to stand beside
    behind = [av[1] for op, av in items[:head] if op is C.ASSERT and av[0] == -1]
    ahead = [av[1] for op, av in items[tail:] if op is C.ASSERT and av[0] == 1]
    before = list(behind[-1]) if behind else [(op, av) for op, av in items[:head] if op is C.AT]
    after = list(ahead[0]) if ahead else [(op, av) for op, av in items[tail:] if op is C.AT]
    return [*before, *body, *after]


def _collect_groups(items, groups: dict[int, tuple[list, int]]) -> None:
    """Map each capture group's number to its items and the flags it adds, for back-references."""
    for op, av in items:
        if op is C.SUBPATTERN:
            if av[0] is not None:
                groups[av[0]] = (list(av[3]), av[1])
            _collect_groups(av[3], groups)
        elif op in (C.MAX_REPEAT, C.MIN_REPEAT, C.POSSESSIVE_REPEAT):
            _collect_groups(av[2], groups)
        elif op is C.ATOMIC_GROUP:
            _collect_groups(av, groups)
        elif op is C.BRANCH:
            for alt in av[1]:
                _collect_groups(alt, groups)
        elif op is C.GROUPREF_EXISTS:
            _collect_groups(av[1], groups)
            if av[2] is not None:
                _collect_groups(av[2], groups)


_FLAGS = (("i", C.SRE_FLAG_IGNORECASE), ("a", C.SRE_FLAG_ASCII))  # those that change what a class matches
_LINE_ANCHOR = {C.AT_BEGINNING: "(?m:^)", C.AT_END: "(?m:$)"}
_CATEGORY = {
    C.CATEGORY_DIGIT: r"\d",
    C.CATEGORY_NOT_DIGIT: r"\D",
    C.CATEGORY_SPACE: r"\s",
    C.CATEGORY_NOT_SPACE: r"\S",
    C.CATEGORY_WORD: r"\w",
    C.CATEGORY_NOT_WORD: r"\W",
}


class _Writer:
    """Writes a parsed pattern as RE2 syntax, loosened as the module docstring says."""

    def __init__(self, properties: list[str], groups: dict[int, tuple[list, int]]):
        self.properties = properties
        self.groups = groups
        self.depth = 0  # back-references followed, so a group that refers to itself cannot loop

    def items(self, items, flags: int) -> str:
        return "".join(self.node(op, av, flags) for op, av in items)

    def node(self, op, av, flags: int) -> str:
        if op is C.LITERAL:
            return self.char_set([(C.LITERAL, av)], flags)
        if op is C.NOT_LITERAL:
            return self.char_set([(C.NEGATE, None), (C.LITERAL, av)], flags)
        if op is C.ANY:
            return r"[^\n]"
        if op is C.IN:
            return self.char_set(av, flags)
        if op is C.CATEGORY:
            return self.char_set([(C.CATEGORY, av)], flags)
        if op is C.AT and flags & C.SRE_FLAG_MULTILINE and av in _LINE_ANCHOR:
            return _LINE_ANCHOR[av]  # a line's edge: RE2 reads it as the regex module does
        if op in (C.AT, C.ASSERT, C.ASSERT_NOT):
            return ""  # other anchors, word boundaries and look-arounds only ever rule a match out
        if op is C.SUBPATTERN:
            _, add, remove, body = av
            return "(?:" + self.items(body, (flags | add) & ~remove) + ")"
        if op is C.ATOMIC_GROUP:
            return "(?:" + self.items(av, flags) + ")"
        if op is C.BRANCH:
            return "(?:" + "|".join(self.items(alt, flags) for alt in av[1]) + ")"
        if op in (C.MAX_REPEAT, C.MIN_REPEAT, C.POSSESSIVE_REPEAT):
            low, high, body = av
            inner = self.items(body, flags)
            if not inner:
                return ""
            # an upper bound past a few is dropped: RE2 writes out every copy (``[\\w-]{0,20}`` of
            # Unicode classes made a program of 30,000 instructions), and more repeats only match more
            low = min(low, _MAX_BOUND)
            bound = "" if high is C.MAXREPEAT or high > _MAX_BOUND else str(high)
            return "(?:" + inner + "){" + f"{low},{bound}" + "}"
        if op is C.GROUPREF:
            # the repeat is text the group matched: the group's own pattern (case-insensitive where the
            # reference is) covers it
            if av not in self.groups or self.depth > 8:
                raise _Unsupported
            body, add = self.groups[av]
            self.depth += 1
            try:
                return "(?:" + self.items(body, flags | add) + ")"
            finally:
                self.depth -= 1
        if op is C.GROUPREF_EXISTS:
            _, yes, no = av
            return "(?:" + self.items(yes, flags) + "|" + ("" if no is None else self.items(no, flags)) + ")"
        raise _Unsupported

    def char_set(self, items, flags: int) -> str:
        """One character of ``items`` (a class's parsed items) under ``flags``: the code points the
        ``regex`` module matches, written out as ranges."""
        # a property stands in the items as its placeholder: named here, so equal classes of different
        # patterns are one key (\\p{L} is written out once per process, not once per use)
        named = tuple(
            (o, self.properties[a - _PLACEHOLDER])
            if o is C.LITERAL and 0 <= a - _PLACEHOLDER < len(self.properties)
            else (o, a)
            for o, a in items
        )
        return _char_set(named, flags & (C.SRE_FLAG_IGNORECASE | C.SRE_FLAG_ASCII))


@functools.lru_cache(maxsize=4096)
def _char_set(items: tuple, flags: int) -> str:
    """:meth:`_Writer.char_set` of a class whose properties are named (``(LITERAL, "\\p{L}")``)."""
    fold = bool(flags & C.SRE_FLAG_IGNORECASE)
    prefix = "".join(f for f, bit in _FLAGS if flags & bit)
    negate = False
    found: list[tuple[int, int]] = []
    # a class matches what any of its items matches, and a negated one the rest; an item's code
    # points are its own when no case folds into it, else asked of the regex module (once per
    # process and item: \\p{L} stands in many rules)
    for o, a in items:
        if o is C.NEGATE:
            negate = True
        elif o is C.LITERAL and isinstance(a, str):
            found += _members(prefix, a)  # a property
        elif o is C.LITERAL and fold and a < 256 and a != _NEWLINE and prefix == "i":
            found += _latin1_folds()[a]  # a letter of a case-insensitive word: the common case
        elif o is C.LITERAL:
            found += _members(prefix, _in_regex(a)) if fold else [(a, a)]
        elif o is C.RANGE:
            found += _members(prefix, _in_regex(a[0]) + "-" + _in_regex(a[1])) if fold else [a]
        elif o is C.CATEGORY and a in _CATEGORY:
            found += _members(prefix, _CATEGORY[a])
        else:
            raise _Unsupported
    ranges = _merged([r for a, b in found for r in _without_newline(a, b)])
    if negate:
        ranges = _complement(ranges)
    if not ranges:
        raise _Unsupported  # a class that matches nothing: leave such a pattern ungated
    return "[" + "".join(_range(a, b) for a, b in ranges) + "]"


def _merged(ranges: list[tuple[int, int]]) -> list[tuple[int, int]]:
    out: list[tuple[int, int]] = []
    for a, b in sorted(ranges):
        if out and a <= out[-1][1] + 1:
            out[-1] = (out[-1][0], max(out[-1][1], b))
        else:
            out.append((a, b))
    return out


def _complement(ranges: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """The code points not in ``ranges``, but the newline and the surrogates (no text has them)."""
    out, at = [], 0
    holes = _merged([*ranges, (_NEWLINE, _NEWLINE), (0xD800, 0xDFFF)])
    for a, b in holes:
        if at < a:
            out.append((at, a - 1))
        at = b + 1
    if at <= 0x10FFFF:
        out.append((at, 0x10FFFF))
    return out


def _without_newline(a: int, b: int) -> list[tuple[int, int]]:
    if a <= _NEWLINE <= b:
        return [r for r in ((a, _NEWLINE - 1), (_NEWLINE + 1, b)) if r[0] <= r[1]]
    return [(a, b)]


def _escape(code: int) -> str:
    return f"\\x{{{code:x}}}"  # RE2's escape for any code point


def _in_regex(code: int) -> str:
    return f"\\U{code:08x}"  # the regex module's


def _range(a: int, b: int) -> str:
    return _escape(a) if a == b else f"{_escape(a)}-{_escape(b)}"


@functools.cache
def _all_characters() -> str:
    """Every code point a UTF-8 text can hold, but the newline (which no gated part matches). Built as
    UTF-32 and decoded: a join of a million ``chr`` calls took 0.3 s of every start-up."""
    points = array.array("I", range(_NEWLINE))
    points.extend(range(_NEWLINE + 1, 0xD800))
    points.extend(range(0xE000, 0x110000))
    return codecs.decode(points, "utf-32-le" if sys.byteorder == "little" else "utf-32-be")  # no copy


def built() -> None:
    """Drop the table of every code point (4.4 MB) and the loosened patterns and their programs (their
    gates hold them) once a pipeline's gates are built; the classes' code points stay cached, and the
    table is made again (60 ms) if a later rule set needs it."""
    _all_characters.cache_clear()
    _assigned_characters.cache_clear()
    _relax.cache_clear()
    _compiled.cache_clear()


@functools.cache
def _latin1_folds() -> dict[int, list[tuple[int, int]]]:
    """For each Latin-1 character, the code points ``(?i)`` makes it match (``k``: also the Kelvin sign),
    from one scan: every such code point matches the class of all of them, so it is among the few that
    scan finds, and each is then asked which of them it matches (most literals of case-insensitive
    rules are Latin-1: one scan of every code point instead of one per character)."""
    found = "".join(
        chr(a) for a, b in _members("i", _in_regex(0) + "-" + _in_regex(255)) for a in range(a, b + 1)
    )
    return {
        c: _merged([(ord(d), ord(d)) for d in regex.findall("(?i)" + _in_regex(c), found)])
        for c in range(256)
        if c != _NEWLINE
    }


@functools.cache
def _members(flags: str, cls: str) -> tuple[tuple[int, int], ...]:
    """The code points ``[cls]`` matches under the inline ``flags``, as (first, last) ranges: asked of
    the ``regex`` module, so the gate keeps exactly the rules' own semantics.

    A property of letters, marks, numbers, punctuation, symbols or a script, ``\\w``, ``\\d``, ``\\s``
    and any case-insensitive character are asked only over the assigned code points, a seventh of
    them (none of these matches one that is unassigned or private, but a character itself): a range
    found there may span unassigned code points, which only widens the gate. ``\\S``, ``\\W`` and
    ``\\D`` are the rest of their positive forms; anything else is asked over every code point."""
    if cls in _NEGATED:
        return tuple(_complement(list(_members(flags, _NEGATED[cls]))))
    own: list[tuple[int, int]] = []
    if _ASSIGNED_ONLY.fullmatch(cls):
        universe = _assigned_characters()
    elif "i" in flags and (m := _ONE.fullmatch(cls)):
        universe = _assigned_characters()  # its case partners are letters; itself, it may be anything
        own = [(int(m.group(1), 16), int(m.group(2) or m.group(1), 16))]
    else:
        universe = _all_characters()
    pattern = regex.compile((f"(?{flags})" if flags else "") + "[" + cls + "]+")
    out = own
    for m in pattern.finditer(universe):
        first, last = ord(universe[m.start()]), ord(universe[m.end() - 1])
        # the newline and the surrogates are never in a class: a run across either gap is split there
        for gap_lo, gap_hi in ((_NEWLINE, _NEWLINE), (0xD800, 0xDFFF)):
            if first < gap_lo <= last:
                out.append((first, gap_lo - 1))
                first = gap_hi + 1
        out.append((first, last))
    return tuple(_merged(out))


_NEGATED = {r"\S": r"\s", r"\W": r"\w", r"\D": r"\d"}
#: items whose code points are all assigned ones (see _members)
_ASSIGNED_ONLY = regex.compile(
    r"\\p\{(?:L[ulmot&]?|M[nce]?|N[dlo]?|P[cdseifo]?|S[mcko]?|"
    r"Latin|Greek|Cyrillic|Han|Hiragana|Katakana|Hangul|Arabic|Hebrew|Thai)\}|\\p[LMNPS]|\\[dws]"
)
_ONE = regex.compile(r"\\U([0-9a-f]{8})(?:-\\U([0-9a-f]{8}))?")  # a character or a range, as _in_regex writes


@functools.cache
def _assigned_characters() -> str:
    """The assigned code points that are not private, in order (a seventh of every code point)."""
    return "".join(regex.findall(r"[^\p{Cn}\p{Co}]+", _all_characters()))


class Gate:
    """A relaxed pattern (see :func:`relax`) run by RE2 over a text's UTF-8 bytes; says which lines of
    the text may hold a match of the original. Pickles by source (RE2 objects do not pickle)."""

    __slots__ = ("_search", "_whole", "source")

    def __init__(self, source: str):
        self.source = source
        self._search, self._whole = _matchers(_compiled(source))

    def __reduce__(self):
        return (Gate, (self.source,))

    def lines(self, text: str, limit: int) -> list[int] | None:
        """Indexes of the lines of ``text`` (split at "\\n") that hold a match of the gate, in order;
        None when more than ``limit`` lines do (the exact pattern is then as well run over the whole
        text) or when the text cannot be read as UTF-8 (a lone surrogate): then every line may."""
        try:
            data = text.encode("utf-8")
        except UnicodeEncodeError:
            return None
        search, end = self._search, len(data)
        out = []
        line = 0  # the line that byte offset ``counted`` is on
        counted = 0
        pos = 0
        while (start := search(data, pos, end)[0][0]) >= 0:
            line += data.count(b"\n", counted, start)
            counted = start
            out.append(line)
            if len(out) > limit:
                return None
            pos = data.find(b"\n", start) + 1  # on to the next line: one hit marks the line
            if not pos:
                break
        return out

    def fullmatches(self, line: bytes) -> bool:
        """Whether the gate matches all of ``line`` (UTF-8): a whole-line gate's question."""
        return self._whole(line, 0, len(line))[0][0] >= 0


def _matchers(compiled):
    """(search, fullmatch), each ``(data, pos, end)`` -> the match's spans, ``[(-1, -1)]`` for none.
    Through the binding's own RE2 call where it has the one this was written against: half the cost of
    its ``re``-like methods, which build a match object per call, and a line rule's gate is asked per
    line."""
    try:
        raw, anchor = compiled._regexp.Match, re2._Anchor
        return functools.partial(raw, anchor.UNANCHORED), functools.partial(raw, anchor.ANCHOR_BOTH)
    except AttributeError:  # another release of google-re2: its public methods

        def spans(method):
            def call(data, pos, end):
                m = method(data, pos, end)
                return [(-1, -1)] if m is None else [m.span()]

            return call

        return spans(compiled.search), spans(compiled.fullmatch)


def gate_for(source: str, whole_line: bool = False) -> Gate | None:
    """The gate of a pattern, or None when it has none (see :func:`relax`)."""
    relaxed = relax(source, whole_line)
    return None if relaxed is None else Gate(relaxed)
