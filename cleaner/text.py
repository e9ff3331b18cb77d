"""Small text helpers the line-oriented stages share: lines with their spans, and cheap line features."""

from __future__ import annotations

import bisect
import collections
import functools
import itertools
import re
from typing import NamedTuple

import regex

_LETTER = regex.compile(r"\p{L}")
# A word of a script that separates words with spaces; CJK characters are counted one by one instead
# (a Chinese sentence has no spaces, so it would otherwise count as one "word"), at two per word.
_WORD = regex.compile(
    r"(?:(?![\p{Han}\p{Hiragana}\p{Katakana}])[\p{L}\p{N}])(?:(?![\p{Han}\p{Hiragana}\p{Katakana}])[\p{L}\p{N}'’-])*"
)
_CJK = regex.compile(r"[\p{Han}\p{Hiragana}\p{Katakana}]")
# The same words in ASCII text, for the standard library's engine, which runs this simple class about five
# times faster than ``regex`` runs the one above: a word starts at a letter or digit and runs on over
# letters, digits, apostrophes and hyphens (``_WORD`` in ASCII; tests/test_text.py compares the two).
_ASCII_WORD = re.compile(r"[A-Za-z0-9][A-Za-z0-9'-]*")
# The same words in a line without CJK characters, which needs no look-ahead at every character: half
# the time of ``_WORD`` on the bench's non-ASCII lines. No Han, Hiragana or Katakana character comes
# before U+2E80 (tests/test_text.py checks it against the installed tables).
_PLAIN_WORD = regex.compile(r"[\p{L}\p{N}][\p{L}\p{N}'’-]*")
_FIRST_CJK = "\u2e80"
#: Everything str.splitlines() breaks on; stripped from a line's end to get its content.
LINE_BREAKS = "\n\r\v\f\x1c\x1d\x1e\x85\u2028\u2029"
#: Finds a line break other than "\n": the text's lines are then not simply its "\n"-separated parts.
OTHER_BREAKS = re.compile("[" + LINE_BREAKS[1:] + "]")
#: Characters that end a sentence or a quoted sentence: a paragraph ending in one of them is complete.
TERMINAL = '.!?…:;"”’»)]。！？」』）'


class Line(NamedTuple):
    """A line of a document: ``text[start:end]`` is the line with its newline, ``content`` its text and
    ``norm`` its text with white space collapsed and stripped (what line rules match against).

    A named tuple, with ``norm`` computed once: a page has hundreds of lines, every line stage looks at
    each of them, and a frozen dataclass cost five times as much to build.
    """

    index: int
    start: int
    end: int
    content: str
    norm: str

    @property
    def blank(self) -> bool:
        return not self.norm


def lines(text: str) -> tuple[Line, ...]:
    """Split ``text`` into lines that keep their position; the spans cover the text exactly.

    Cached (the last ``_LINES_KEPT`` texts): consecutive stages usually see the same text (most stages
    change nothing in most documents), and the lines are immutable. The pipeline also files here the
    lines of each text a stage produced, derived from the lines before it (see :func:`relines`).
    """
    found = _LINES.get(text)
    if found is not None:
        _LINES.move_to_end(text)
        return found
    return _keep(text, tuple(_split(text, 0, 0)))


#: Builds a :class:`Line` without the named tuple's own constructor, which costs twice as much: every
#: line of every text is built here or moved by :func:`_moved`.
_new_tuple = tuple.__new__


def _split(segment: str, pos: int, index: int) -> list[Line]:
    """The lines of ``segment``, which starts at ``pos`` of its text, numbered from ``index``. Built
    column by column in comprehensions and C iterators (a third faster than a loop over the lines)."""
    chunks = segment.splitlines(keepends=True)
    contents = [c.rstrip(LINE_BREAKS) for c in chunks]
    norms = [" ".join(c.split()) for c in contents]
    bounds = list(itertools.accumulate(map(len, chunks), initial=pos))
    return [_new_tuple(Line, row) for row in zip(itertools.count(index), bounds, bounds[1:], contents, norms)]


_LINES: collections.OrderedDict[str, tuple[Line, ...]] = collections.OrderedDict()
_LINES_KEPT = 16


def _keep(text: str, found: tuple[Line, ...]) -> tuple[Line, ...]:
    _LINES[text] = found
    if len(_LINES) > _LINES_KEPT:
        _LINES.popitem(last=False)
    return found


lines.cache_clear = _LINES.clear  # as functools' caches have it (the benchmark starts cold with it)


def relines(old: str, edits, new: str) -> tuple[Line, ...]:
    """``lines(new)``, where ``new`` is ``old`` with ``edits`` (non-overlapping, each replacing
    ``old[e.start:e.end]`` by ``e.new``) applied: only the lines the edits touch, and one on either side,
    are split again; the others keep their content and norm and move by what the edits before them
    added or removed. A stage changes a few lines of a page, and splitting the whole page again after
    each stage, with the norm of every line, was a tenth of the pipeline's time.

    The result is cached as ``lines(new)``'s. Text with a carriage return is split whole (a "\r" left at
    a seam could join the next line's "\n" into one break).
    """
    if "\r" in old or "\r" in new or not edits:
        return lines(new)
    before = lines(old)
    if not before:
        return lines(new)
    ends = [ln.end for ln in before]
    # runs of old lines to split again: each edit's lines, one more on either side, overlapping runs merged
    runs: list[list[int]] = []
    ordered = sorted(edits, key=lambda e: (e.start, e.end))
    for e in ordered:
        lo = max(0, bisect.bisect_right(ends, e.start) - 1)
        hi = min(len(before) - 1, bisect.bisect_right(ends, e.end) + 1)
        if runs and lo <= runs[-1][1] + 1:
            runs[-1][1] = max(runs[-1][1], hi)
        else:
            runs.append([lo, hi])
    out: list[Line] = []
    taken = 0  # old lines placed so far
    delta = 0  # how far the lines between runs moved: what the edits so far added or removed
    k = 0  # edits counted into delta
    for lo, hi in runs:
        out.extend(_moved(before[taken:lo], len(out) - taken, delta))
        start = before[lo].start + delta
        run_end = before[hi].end
        # the run's edits; one that starts at its end can only be an insertion at the end of the text
        while k < len(ordered) and ordered[k].start <= run_end:
            delta += len(ordered[k].new) - (ordered[k].end - ordered[k].start)
            k += 1
        end = run_end + delta
        out.extend(_split(new[start:end], start, len(out)))
        taken = hi + 1
    out.extend(_moved(before[taken:], len(out) - taken, delta))
    return _keep(new, tuple(out))


def _moved(run: tuple[Line, ...], shift: int, delta: int) -> tuple[Line, ...] | list[Line]:
    """``run``'s lines renumbered by ``shift`` and moved by ``delta`` characters; the same objects when
    neither changes (a later pass of a long document moves every line after its first edit)."""
    if not shift and not delta:
        return run
    return [
        _new_tuple(Line, (ln.index + shift, ln.start + delta, ln.end + delta, ln.content, ln.norm))
        for ln in run
    ]


def line_cache(fn):
    """Memoise a function of one line, within bounded memory whatever the corpus: lines of up to 400
    characters (menus, captions, most paragraphs) in a cache of 65,536, longer ones up to 100,000
    characters in a cache of 1,024 (enough for the paragraphs of the document being cleaned, which every
    stage asks about in every pass), and longer ones in a cache of 2. At most some 125 MB, usually a few,
    plus the two huge lines, which the document being cleaned holds anyway.

    The huge lines are cached too because every stage asks about them again in every pass: uncached, a
    document that is one 800 kB line had its words counted 42 times (8.7 of its 18.7 s), and the cost of a
    document grew faster than its size."""
    short = functools.lru_cache(maxsize=1 << 16)(fn)
    long = functools.lru_cache(maxsize=1 << 10)(fn)
    huge = functools.lru_cache(maxsize=2)(fn)

    @functools.wraps(fn)
    def call(s: str):
        n = len(s)
        return short(s) if n <= 400 else long(s) if n <= 100_000 else huge(s)

    def cache_clear() -> None:
        short.cache_clear()
        long.cache_clear()
        huge.cache_clear()

    call.cache_clear = cache_clear
    return call


@line_cache
def word_count(s: str) -> int:
    """Words in ``s`` (two CJK characters count as one). Cached: every line stage counts the same
    lines, pass after pass."""
    if s.isascii():
        return len(_ASCII_WORD.findall(s))
    if max(s) < _FIRST_CJK:
        return len(_PLAIN_WORD.findall(s))
    return len(_WORD.findall(s)) + len(_CJK.findall(s)) // 2


_PREFIX = 10_000  # characters of a long line whose words are counted first by word_count_upto


def word_count_upto(s: str, cap: int) -> int:
    """``min(word_count(s), cap)``: the same answer to every comparison with a number below ``cap``,
    counting only the first 10,000 characters of a longer line when they hold ``cap`` words already:
    the words of a prefix are never more than the line's (each is the start of one of them). A document
    that is one long line changes in every pass, so its count was never remembered and the language
    stage counted 1.6 MB of words twice a pass to learn it had 8."""
    if len(s) > _PREFIX and word_count(s[:_PREFIX]) >= cap:
        return cap
    return min(word_count(s), cap)


def at_least_words(s: str, n: int) -> bool:
    """``word_count(s) >= n``, a long line's words counted only as far as that takes."""
    return word_count_upto(s, n) >= n


def has_letters(s: str) -> bool:
    return _LETTER.search(s) is not None


def nonspace(s: str) -> int:
    """Number of characters that are not white space: the measure the deletion guard uses."""
    return len("".join(s.split()))


def ends_sentence(s: str) -> bool:
    s = s.rstrip()
    return bool(s) and s[-1] in TERMINAL


class BoundedMemo:
    """A memo keyed by a line (or a tuple that starts with one), bounded by the characters of its lines:
    when they pass ``max_chars`` it starts afresh. For the results a stage computes per line and meets
    again in the pipeline's later passes; not pickled by the stages that hold one (a worker builds its
    own)."""

    def __init__(self, max_chars: int = 4_000_000):
        self.max_chars = max_chars
        self._items: dict = {}
        self._chars = 0

    def get(self, key):
        return self._items.get(key)

    def put(self, key, value):
        """Remember ``value`` under ``key`` and return it."""
        size = len(key[0] if isinstance(key, tuple) else key)
        if self._chars + size > self.max_chars:
            self._items.clear()
            self._chars = 0
        self._items[key] = value
        self._chars += size
        return value

    def known(self, keys) -> dict:
        """The remembered values of those of ``keys`` that have one (a page's lines asked in one go, in
        C, rather than a call per line)."""
        items = self._items
        return {k: items[k] for k in keys if k in items}

    def put_many(self, values: dict) -> None:
        """Remember each of ``values`` (line keys); it starts afresh first when they would not fit."""
        size = sum(map(len, values))
        if self._chars + size > self.max_chars:
            self._items.clear()
            self._chars = 0
        self._items.update(values)
        self._chars += size
