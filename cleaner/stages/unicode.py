"""``unicode``: repair mojibake, HTML entities and control characters with ftfy; NFC; invisible characters.

ftfy is thorough but not cheap, and almost every line of real text needs nothing from it. A line goes to
ftfy only when a cheap check finds something ftfy would act on. The check is ftfy's own decision read
backwards: ``ftfy.fix_and_explain`` changes a line only through an HTML entity (``unescape_html``), a
character one of its fixers replaces wherever it stands (C1 and other control characters, terminal
escapes, Latin ligatures, surrogates, line separators: read from ftfy's own tables), mojibake its
``badness.is_bad`` flags (``fix_encoding`` does nothing without it), or text that is not NFC. So a line
the check passes over is a line ftfy would return unchanged (``tests/test_unicode.py`` holds it to that).

The unit of repair is ftfy's: a line, as ``ftfy.fix_text`` splits text (after each ``\\n``). The other
characters ``str.splitlines`` breaks on are not line ends here, because ftfy reads them: ``\\x85`` is a
mis-decoded "…", ``\\x0b`` and ``\\x1c``-``\\x1e`` are control characters, ``\\u2028``/``\\u2029`` become
``\\n``. This stage runs first, so the later stages, which split lines with ``splitlines``, only see them
after ftfy has. Each repaired line is one edit whose reason is ftfy's own plan (``fix_and_explain``), so
"why did this change?" has ftfy's answer; a line is repaired whole, never a part of a mis-decoded sequence
(a line of more than 10,000 characters in segments cut between ASCII words: see ``segments``),
and the invisible-character rules leave alone a line that is still mojibake after ftfy (a soft hyphen
there may be a byte of a mis-decoded character).

Quote style is not decided here (``uncurl_quotes`` is off): the ``repair`` stage needs to tell opening
from closing quotes, and the ``canonical`` stage applies the configured style last.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

import ftfy
from ftfy import badness, chardata

from cleaner.document import Document, StageResult, apply_edits
from cleaner.mechanisms.replace import REPLACE_KIND, check_replace_rule, replace_edits
from cleaner.prefilter import non_ascii_anchors, non_ascii_reach
from cleaner.stage import Stage, non_overlapping
from cleaner.text import has_letters

# fix_character_width is off: it turns the full-width punctuation of Chinese and Japanese text ("，")
# into ASCII, which is damage there, not repair.
FTFY_CONFIG = ftfy.TextFixerConfig(
    uncurl_quotes=False, fix_character_width=False, normalization="NFC", explain=True
)


@dataclass(frozen=True)
class UnicodeSettings:
    ftfy: bool = True
    # Measured in characters, repairing mojibake looks like deletion: three characters become one in
    # mis-decoded Chinese or Hindi, four or more in text mis-decoded twice, so a 0.5 limit rolled back the
    # repair of any page that is mostly mojibake. Nothing is lost (each sequence becomes the character
    # its bytes encode); what the stage removes outright is invisible (controls, soft hyphens,
    # zero-width spaces), and a text its repair would leave without letters is dropped (Unicode.apply).
    max_delete_share: float = 1.0


def _inner(chars) -> str:
    """The inside of a regex character class of ``chars``, runs of code points written as ranges."""
    codes = sorted(map(ord, chars))
    out, i = [], 0
    while i < len(codes):
        j = i
        while j + 1 < len(codes) and codes[j + 1] == codes[j] + 1:
            j += 1
        out.append(f"\\U{codes[i]:08x}" + (f"-\\U{codes[j]:08x}" if j > i else ""))
        i = j + 1
    return "".join(out)


# What ftfy changes wherever it stands, read from its own tables (a lone "\r" and entities come below).
_ANYWHERE = frozenset(
    {chr(c) for c in chardata.CONTROL_CHARS}  # remove_control_chars
    | {chr(c) for c in chardata.LIGATURES}  # fix_latin_ligatures
    | {chr(c) for c in range(0x80, 0xA0)}  # fix_c1_controls ("\x85" among them)
    | {"\x1b", "\u2028", "\u2029"}  # remove_terminal_escapes; fix_line_breaks
    | {chr(c) for c in range(0xD800, 0xE000)}  # fix_surrogates
)
assert chardata.HTML_ENTITY_RE.pattern.startswith("&")  # unescape_html: what follows an "&"
_ENTITY_REST = chardata.HTML_ENTITY_RE.pattern[1:]
# In one line: an entity, a character ftfy changes anywhere, or a carriage return (fix_line_breaks).
_FIXABLE = re.compile(f"&{_ENTITY_REST}|[{_inner(_ANYWHERE)}\r]")

# ftfy's mojibake pattern with "^" at every line start, as it reads when ftfy is given one line.
_BAD = re.compile(badness.BADNESS_RE.pattern, badness.BADNESS_RE.flags | re.MULTILINE)
# Every match of it holds a non-ASCII character and is at most this long (None: the installed ftfy's
# pattern is not so, and a line is searched whole) ...
_BAD_REACH = non_ascii_reach(badness.BADNESS_RE)
# ... and a character of `singles` or one of the neighbouring `pairs` (None: every non-ASCII character
# is an anchor). See prefilter.non_ascii_anchors.
_ANCHORS = non_ascii_anchors(badness.BADNESS_RE)


def _scan() -> re.Pattern:
    """One regex that finds in a page what the check looks for: a character ftfy changes anywhere, an
    entity, a carriage return that is no "\\r\\n" (a line's break), or an anchor of mojibake (which ftfy's
    pattern, tried around it, then confirms or not). It starts with one character class, so the regex
    engine skips ahead to that class's characters instead of trying each branch at every position."""
    anywhere = _inner(_ANYWHERE)
    if _ANCHORS is None:
        first, mojibake = r"\x80-\U0010ffff", [r"(?<=[\x80-\U0010ffff])"]
    else:
        pairs, singles = _ANCHORS
        first = _inner(singles.union(*(x for x, _ in pairs)))
        mojibake = [f"(?<=[{_inner(singles)}])"] if singles else []
        if pairs:
            follow = _inner(frozenset().union(*(y for _, y in pairs)))
            either = "|".join(f"(?<=[{_inner(x)}])[{_inner(y)}]" for x, y in pairs)
            mojibake.append(f"(?=[{follow}])(?:{either})")
    branches = [f"(?<=&){_ENTITY_REST}", "(?<=\r)(?!\n)", f"(?<=[{anywhere}])", *mojibake]
    return re.compile(f"[&\r{anywhere}{first}](?:{'|'.join(branches)})")


_SCAN = _scan()
_DIRECT = _ANYWHERE | {"&", "\r"}  # a scan hit on one of these needs no confirmation


def line_spans(text: str) -> list[tuple[int, int]]:
    """The lines ftfy would see, as ``(start, end)`` spans: split after each ``\\n``; a line's ``\\n`` or
    ``\\r\\n`` is outside its span."""
    out, pos = [], 0
    while pos <= len(text):
        start, end, pos = _line_at(text, pos)
        out.append((start, end))
    return out


def _line_at(text: str, pos: int) -> tuple[int, int, int]:
    """The line holding ``pos``: its start, its end (before its break) and where the next one starts."""
    start = text.rfind("\n", 0, pos) + 1
    brk = text.find("\n", pos)
    if brk < 0:
        return start, len(text), len(text) + 1
    return start, brk - 1 if brk > start and text[brk - 1] == "\r" else brk, brk + 1


def needs_ftfy(line: str) -> bool:
    """Could ftfy change this line (no "\\n" in it)? The check of the module docstring, as ftfy reads
    it: the page-wide scan of :func:`lines_for_ftfy` must pick exactly the lines this picks."""
    if _FIXABLE.search(line):
        return True
    return not line.isascii() and (badness.is_bad(line) or not unicodedata.is_normalized("NFC", line))


def lines_for_ftfy(text: str) -> list[tuple[int, int]]:
    """The spans (as :func:`line_spans` gives them) of the lines :func:`needs_ftfy` picks, found in one
    scan of the page: its cost is a pass of the regex engine plus work at what the scan finds."""
    out = []
    after = 0  # where the line after the last one picked starts
    start = end = nxt = 0  # the line of the last hit (a long line may hold many anchors)
    for m in _SCAN.finditer(text):
        p = m.start()
        if p < after:
            continue
        if p >= nxt:
            start, end, nxt = _line_at(text, p)
        if text[p] in _DIRECT or _bad_near(text, start, end, p, m.end()):
            out.append((start, end))
            after = nxt
    if not text.isascii() and not unicodedata.is_normalized("NFC", text):
        # NFC never combines across a line break, so a page that is NFC has only NFC lines
        odd = [(a, b) for a, b in line_spans(text) if not unicodedata.is_normalized("NFC", text[a:b])]
        out = sorted({*out, *odd})
    return out


def is_bad(line: str) -> bool:
    """``ftfy.badness.is_bad(line)``, with ftfy's pattern tried only around the scan's anchors: its 37
    alternatives are tried at every position of a search, and most positions of a page are far from
    any character mojibake is made of."""
    return any(
        not line[m.start()].isascii() and _bad_near(line, 0, len(line), m.start(), m.end())
        for m in _SCAN.finditer(line)
    )


def _bad_near(text: str, start: int, end: int, p: int, q: int) -> bool:
    """Whether ftfy's pattern matches in the line ``text[start:end]`` around the anchor ``text[p:q]``."""
    if _BAD_REACH is not None:  # a match holding the anchor lies within reach of it
        start, end = max(start, p - _BAD_REACH), min(end, q + _BAD_REACH)
    return _BAD.search(text, start, end) is not None


class Unicode(Stage):
    """Unicode repair: ftfy on the lines that need it, then the invisible-character rules."""

    name = "unicode"
    Settings = UnicodeSettings
    rule_kinds = {"replace": REPLACE_KIND}
    replace_kinds = ("replace",)
    default_kind = "replace"
    description = "mojibake, HTML entities, control characters, NFC (ftfy); invisible characters"

    @classmethod
    def check_rule(cls, rule):
        return check_replace_rule(rule)

    def apply(self, doc: Document) -> StageResult:
        text = doc.text
        edits, still_bad = self._ftfy(text) if self.settings.ftfy else ([], [])
        for rule in self.rules:
            edits.extend(e for e in replace_edits(self, rule, text) if not _inside(e.start, still_bad))
        edits = non_overlapping(edits)
        if edits and has_letters(text) and not has_letters(apply_edits(text, edits)):
            # The letters were mis-decoded symbols (a kaomoji read as "Ã¢â€"): the page holds no text.
            # Said here, because the pipeline would roll back an edit that leaves no letters, and keep
            # the mojibake as if it were text.
            return StageResult(drop="no letters once its mojibake is decoded: not text")
        return StageResult(edits=tuple(edits))

    def _ftfy(self, text: str):
        """ftfy's edits, one per line (or segment of a long line) it changes, and the spans of those it
        leaves mis-decoded."""
        out, still_bad = [], []
        for start, end in lines_for_ftfy(text):
            # ftfy leaves HTML entities alone in a line that holds a "<", and so in each of its segments
            config = FTFY_CONFIG if text.find("<", start, end) < 0 else _NO_ENTITIES
            for lo, hi in segments(text, start, end):
                line = text[lo:hi]
                if (lo, hi) != (start, end) and not lines_for_ftfy(line):
                    continue  # a segment of a long line the check passes over
                fixed, plan = ftfy.fix_and_explain(line, config)
                if fixed == line:
                    if is_bad(line):
                        still_bad.append((lo, hi))
                    continue
                steps = ", ".join(p for _, p in plan or ()) or "normalization"
                rule = "mojibake" if any(a in ("encode", "decode") for a, _ in plan or ()) else "ftfy"
                out.append(self.edit(rule, lo, hi, text, fixed, f"ftfy repaired the text ({steps})"))
        return out, still_bad


_NO_ENTITIES = FTFY_CONFIG._replace(unescape_html=False)
#: Characters of a line that ftfy repairs whole; a longer line goes to it in segments (see segments)
SEGMENT = 10_000
# Where a long line may be cut: after a space between two printable ASCII characters. No mis-decoded
# sequence holds one: mojibake is made of non-ASCII characters, and the one space ftfy reads as part of it
# (restore_byte_a0: "Ã " for "à") follows a non-ASCII one. A UTF-8 byte sequence never holds an ASCII byte,
# so cut there, the bytes of every character stay together.
_CUT = re.compile(r"(?<=[!-~]) (?=[!-~])")


def segments(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """The pieces of the line ``text[start:end]`` that ftfy repairs one by one: the line itself when it
    is at most ``SEGMENT`` characters; a longer one cut at the first place :data:`_CUT` allows after
    every ``SEGMENT`` characters, as ``ftfy.fix_text`` cuts a line at its ``max_decode_length``. Whole, a
    line of one 1.6 MB document went to ftfy for one mis-decoded word, and the stage's cost grew with the
    length of the document's lines rather than with its text."""
    out = []
    while end - start > SEGMENT:
        cut = _CUT.search(text, start + SEGMENT, end)
        if cut is None:
            break
        out.append((start, cut.end()))
        start = cut.end()
    out.append((start, end))
    return out


def _inside(pos: int, spans: list[tuple[int, int]]) -> bool:
    return any(a <= pos < b for a, b in spans)
