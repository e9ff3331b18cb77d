"""Literal prefilters: which rules could match where, found in one pass over the document.

A rule pattern is a backtracking regex, and trying forty of them on every line of a page is most of
what the line stages cost (about 50 µs a line for the boilerplate stage's union of rules, on the
bench's pages). But almost every rule names its noise with words: "app store", "cookie", "read also".
:func:`requirement` reads a pattern and derives a set of strings one of which every match must
contain (the idea of RE2's prefilter and of Russ Cox's trigram index, with whole literals instead of
trigrams). :class:`Prefilter` puts the strings of all rules in one Aho-Corasick automaton
(pyahocorasick, C), scans the case-folded document once, and reports for each line the rules whose
strings occur in it. Only those rules, and the rules without a requirement, are then tried with the
real pattern, so the prefilter changes what is tried, never what matches.

Requirements are derived conservatively: anything the parser does not understand, or that the
``regex`` module reads differently from Python's own parser (fuzzy matching, POSIX classes, version-1
set operations, inline flags other than the common ones), gives no requirement, and the rule is tried
on every line as before. Strings are compared case-folded on both sides, which is exact for literal
text and a superset for case-insensitive matching.
"""

from __future__ import annotations

import bisect
import itertools
from collections.abc import Iterable, Sequence
from re import _constants as C  # Python's own regex parser: a pattern's syntax tree
from re import _parser

import ahocorasick
import regex

#: Literal combinations tracked per position before a run is cut (keeps derivation linear).
_MAX_STRINGS = 64
# \p{...} classes are unknown to Python's parser; as a class of letters they require nothing either way
_PROPERTY = regex.compile(r"\\[pP]\{[^}]*\}|\\[pP][A-Za-z]")
# Syntax the regex module reads differently from Python's parser (or Python's parser reads as literal
# text): fuzzy constraints {e<=1}, POSIX classes [[:alpha:]], nested sets, scoped flags other than aiLmsux
# (an escaped bracket before a quantifier, as in \(?, opens no group)
_FOREIGN = regex.compile(
    r"\{[^}0-9,]|(?<!\\)\[\[|\[:\^?[a-z]+:\]|(?<!\\)\(\?(?![:=!<P#>aiLmsux-])|\\[pP](?!\{)[^A-Za-z]"
)

Strings = frozenset[str]
#: Longest match :func:`non_ascii_reach` accepts; beyond it (unbounded repeats) windows make no sense.
_MAX_REACH = 1000


def requirement(source: str) -> Strings | None:
    """Case-folded strings one of which occurs in every match of ``source``; None when unknown."""
    if _FOREIGN.search(_PROPERTY.sub("", source)):
        return None
    try:
        tree = _parser.parse(_PROPERTY.sub(r"\\w", source))
    except Exception:  # any syntax Python's parser rejects: no prefilter, the rule runs everywhere
        return None
    _, req = _sequence(list(tree))
    if req is None or not all(_selective(s) for s in req):
        return None
    # any-of: a string that holds another of the set adds nothing ("the story continues", "story continues")
    return frozenset(s for s in req if not any(o != s and o in s for o in req))


def checked_requirement(source: str, matching: Iterable[str]) -> Strings | None:
    """:func:`requirement`, or None when one of ``matching`` (texts the pattern matches: a rule's own
    examples) holds none of its strings: derivation got that pattern wrong, and a prefilter must never
    hide a match."""
    req = requirement(source)
    if req is not None and any(not any(s in text.casefold() for s in req) for text in matching):
        return None
    return req


def rule_requirement(rule) -> Strings | None:
    """:func:`checked_requirement` of a rule, checked against its own examples: for a replace rule, the
    inputs its ``[input, expected]`` examples change; for a line rule, its examples with white space
    collapsed, as lines are matched."""
    if rule.examples and not isinstance(rule.examples[0], str):
        matching = [given for given, expected in rule.examples if given != expected]
    else:
        matching = [" ".join(e.split()) for e in rule.examples]
    return checked_requirement(rule.pattern.source, matching)


def _selective(s: str) -> bool:
    # a short ASCII word ("ad", "by") occurs on every line and would filter nothing; "©" is rare, and so
    # are most pairs with punctuation in them ("<p", "![", " ”")
    if len(s) >= 3 or (s and not s.isascii()):
        return True
    return len(s) == 2 and any(not c.isalnum() and not c.isspace() for c in s)


def _best(candidates: list[Strings]) -> Strings | None:
    """The most selective of several requirements that all hold: one that filters at all, then the
    longest shortest string, then the fewest strings."""
    found = [c for c in candidates if c and "" not in c]
    return max(found, key=lambda c: (all(map(_selective, c)), min(map(len, c)), -len(c))) if found else None


def _sequence(items) -> tuple[Strings | None, Strings | None]:
    """(exact, required) for a concatenation: ``exact`` is the set of all strings it can match when
    that set is small and known, ``required`` the best requirement any part of it imposes."""
    run: set[str] = {""}  # the exact strings of the literal run being built
    candidates: list[Strings] = []
    exact_all = True
    for op, av in items:
        exact, req = _node(op, av)
        if exact is not None and len(run) * len(exact) <= _MAX_STRINGS:
            run = {a + b for a in run for b in exact}
            continue
        exact_all = False
        candidates.append(frozenset(run))
        if req is not None:
            candidates.append(req)
        run = set(exact) if exact is not None else set(_tail(op, av) or {""})
    if exact_all:
        return frozenset(run), (frozenset(run) if "" not in run else None)
    candidates.append(frozenset(run))
    return None, _best(candidates)


def _tail(op, av) -> Strings | None:
    """Exact strings a repetition's match ends with (its last copy): " +'s" holds " 's" or "  's"..."""
    if op in (C.MAX_REPEAT, C.MIN_REPEAT, C.POSSESSIVE_REPEAT) and av[0] >= 1:
        exact, _ = _sequence(av[2])
        if exact is not None and len(exact) <= _MAX_STRINGS:
            return frozenset(exact)
    return None


def _node(op, av) -> tuple[Strings | set[str] | None, Strings | None]:
    if op is C.LITERAL:
        return {chr(av).casefold()}, None
    if op is C.AT:  # ^ $ \b: match no characters
        return {""}, None
    if op is C.IN:
        if len(av) > 8 or not all(o is C.LITERAL for o, _ in av):  # ranges, classes, negation
            return None, None
        return {chr(v).casefold() for _, v in av}, None
    if op is C.SUBPATTERN:
        return _sequence(av[3])
    if op is C.ATOMIC_GROUP:
        return _sequence(av)
    if op is C.BRANCH:
        results = [_sequence(alt) for alt in av[1]]
        exact = None
        if all(e is not None for e, _ in results):
            exact = set().union(*(e for e, _ in results))
            if len(exact) > _MAX_STRINGS:
                exact = None
        reqs = [r for _, r in results]
        return exact, (frozenset().union(*reqs) if all(r is not None for r in reqs) else None)
    if op in (C.MAX_REPEAT, C.MIN_REPEAT, C.POSSESSIVE_REPEAT):
        low, high, sub = av
        exact, req = _sequence(sub)
        if low == 0:
            # "x?" is "" or x: the literal run goes on through it ("</?p" holds "<p" or "</p")
            return ({""} | exact if high == 1 and exact is not None else None), None
        if low == high == 1:
            return exact, req
        if req is None and exact is not None and "" not in exact:
            req = frozenset(exact)  # "(?:abc)+": each repetition is one of these strings
        return None, req
    if op is C.ASSERT and av[0] == 1:  # a lookahead inside a line: its text is in the line too
        return None, _sequence(av[1])[1]
    return None, None  # any character, classes, lookbehind, negative assertions, backreferences


def non_ascii_reach(pattern) -> int | None:
    """For a compiled ``re`` pattern every match of which holds a non-ASCII character: the longest a
    match can be, so each match lies within that many characters of a non-ASCII one. None when some
    match may be all ASCII, when the pattern looks behind or ahead, or when its syntax is unknown.

    This lets a search for rare garble (ftfy's mojibake pattern) look only near the non-ASCII
    characters of a line instead of at every position."""
    try:
        tree = _parser.parse(pattern.pattern, pattern.flags)
    except Exception:
        return None
    # with IGNORECASE a non-ASCII letter may match an ASCII one (the Kelvin sign matches "k"); with
    # MULTILINE, ^ matches after every line break
    if pattern.flags & (C.SRE_FLAG_IGNORECASE | C.SRE_FLAG_MULTILINE):
        return None
    if not _window_safe(tree.data) or not _needs_non_ascii(tree.data):
        return None
    longest = tree.getwidth()[1]
    return longest if longest < _MAX_REACH else None  # unbounded repeats: no window


def _window_safe(items) -> bool:
    """Whether the sequence matches the same inside a window of the text as in the whole text: it only
    consumes characters, and anchors at most at the start (which a window that does not start the text
    never matches). Lookarounds, word boundaries, end anchors, backreferences and conditionals do not
    qualify, nor does anything unknown."""
    for op, av in items:
        children = _children(op, av)
        if op == C.AT:
            safe = av in (C.AT_BEGINNING, C.AT_BEGINNING_STRING)
        else:
            safe = bool(op in _CONSUMING or children) and all(_window_safe(c) for c in children)
        if not safe:
            return False
    return True


_CONSUMING = (C.LITERAL, C.NOT_LITERAL, C.IN, C.ANY)


def _children(op, av) -> list:
    if op == C.SUBPATTERN:
        return [av[-1]]
    if op in (C.MAX_REPEAT, C.MIN_REPEAT, C.POSSESSIVE_REPEAT):
        return [av[2]]
    if op == C.BRANCH:
        return list(av[1])
    if op == C.ATOMIC_GROUP:
        return [av]
    return []


def _needs_non_ascii(items) -> bool:
    """Whether every match of the sequence holds a character above U+007F."""
    for op, av in items:
        if op == C.LITERAL and av > 0x7F:
            return True
        if op == C.IN and all((o == C.LITERAL and a > 0x7F) or (o == C.RANGE and a[0] > 0x7F) for o, a in av):
            return True  # a class of non-ASCII characters only (no NEGATE, no category such as \s)
        if op in (C.MAX_REPEAT, C.MIN_REPEAT, C.POSSESSIVE_REPEAT) and av[0] >= 1 and _needs_non_ascii(av[2]):
            return True
        if op in (C.SUBPATTERN, C.ATOMIC_GROUP) and _needs_non_ascii(_children(op, av)[0]):
            return True
        if op == C.BRANCH and all(_needs_non_ascii(b) for b in av[1]):
            return True
    return False


Pair = tuple[frozenset[str], frozenset[str]]


def non_ascii_anchors(pattern) -> tuple[tuple[Pair, ...], frozenset[str]] | None:
    """For a compiled ``re`` pattern that is an alternation of sequences (ftfy's mojibake pattern):
    ``(pairs, singles)`` such that every match holds a character of ``singles`` or, for one of the
    ``pairs`` ``(X, Y)``, a character of X directly followed by one of Y, all of them non-ASCII. None
    when some alternative holds no character that must be non-ASCII, or the syntax is unknown.

    Each alternative gives its first two neighbouring single characters that must both be non-ASCII
    (``[{lower_accented}][{upper_accented}]``), or else its first such character (``[\\x80-\\x9f]``).
    A page is then scanned for these anchors, and the pattern itself runs only around them: in German
    or Russian prose almost every accented or Cyrillic letter is a non-ASCII character, but two letters
    in a row of the classes mojibake is made of are rare."""
    try:
        tree = _parser.parse(pattern.pattern, pattern.flags)
    except Exception:
        return None
    if pattern.flags & C.SRE_FLAG_IGNORECASE:  # a non-ASCII letter may match an ASCII one
        return None
    items = list(tree.data)
    alternatives = items[0][1][1] if len(items) == 1 and items[0][0] == C.BRANCH else [items]
    pairs: list[Pair] = []
    singles: set[str] = set()
    for alternative in alternatives:
        chars = [_non_ascii_char(op, av) for op, av in alternative]
        pair = next(((a, b) for a, b in itertools.pairwise(chars) if a and b), None)
        if pair is not None:
            pairs += [] if pair in pairs else [pair]
            continue
        single = next((c for c in chars if c), None)
        if single is None:
            return None
        singles |= single
    return tuple(pairs), frozenset(singles)


def _non_ascii_char(op, av) -> frozenset[str] | None:
    """The characters an item that matches exactly one character may match, when all are non-ASCII."""
    if op == C.LITERAL:
        return frozenset(chr(av)) if av > 0x7F else None
    if op != C.IN:
        return None
    out: set[str] = set()
    for o, a in av:
        if o == C.LITERAL and a > 0x7F:
            out.add(chr(a))
        elif o == C.RANGE and a[0] > 0x7F and a[1] - a[0] < _MAX_REACH:
            out.update(map(chr, range(a[0], a[1] + 1)))
        else:  # ASCII, a negated class, a category such as \w, a huge range
            return None
    return frozenset(out)


class Prefilter:
    """The requirements of a list of patterns, scanned for all at once.

    ``candidates(lines)`` maps each line index to the indexes of the patterns whose required strings
    occur in that line; patterns with no requirement are in ``always`` and must be tried everywhere.
    """

    def __init__(self, sources: Sequence[str]):
        self.requirements = [requirement(s) for s in sources]
        self._build()

    def _build(self) -> None:
        self.always = tuple(i for i, r in enumerate(self.requirements) if r is None)
        owners: dict[str, list[int]] = {}
        for i, req in enumerate(self.requirements):
            for s in req or ():
                owners.setdefault(s, []).append(i)
        self.automaton = None
        if owners:
            self.automaton = ahocorasick.Automaton(ahocorasick.STORE_ANY, ahocorasick.KEY_STRING)
            for s in sorted(owners):  # sorted: the same automaton from the same rules
                self.automaton.add_word(s, tuple(owners[s]))
            self.automaton.make_automaton()

    def __getstate__(self):
        # the automaton is rebuilt from the requirements on load: its own pickle is not the same bytes
        # for the same words in two processes, so it would defeat every cache keyed on the pickle
        return {**self.__dict__, "automaton": None}

    def __setstate__(self, state) -> None:
        self.__dict__.update(state)
        self._build()

    @classmethod
    def for_rules(cls, rules: Sequence) -> Prefilter:
        """The prefilter of line rules (``.pattern``, ``.examples``); a rule one of whose own examples
        fails its requirement is tried everywhere instead (see :func:`checked_requirement`)."""
        out = cls([])
        out.requirements = [rule_requirement(r) for r in rules]
        out._build()
        return out

    def possible(self, index: int, folded: str) -> bool:
        """Whether pattern ``index`` could match somewhere in ``folded`` (case-folded text)."""
        req = self.requirements[index]
        return req is None or any(s in folded for s in req)

    def candidates(self, lines: Sequence[str]) -> dict[int, set[int]]:
        """Line index -> indexes of the gated patterns whose strings occur in that line."""
        out: dict[int, set[int]] = {}
        if self.automaton is None or not lines:
            return out
        folded = [ln.casefold() for ln in lines]
        ends = []  # index of the newline after each line in the joined text
        pos = -1
        for f in folded:
            pos += len(f) + 1
            ends.append(pos)
        for end, owners in self.automaton.iter("\n".join(folded)):
            out.setdefault(bisect.bisect_left(ends, end), set()).update(owners)
        return out
