"""``unicode``: repair mojibake, HTML entities and control characters with ftfy; NFC; invisible characters.

ftfy is thorough but not cheap, and almost every line of real text needs nothing from it. A line goes to
ftfy only when a cheap check finds something ftfy could fix: an ``&`` (entities), a control or format
character, a ligature, a character sequence ftfy's own ``badness.is_bad`` flags as
mojibake, or text that is not NFC. Each repaired line is one edit whose reason is ftfy's own plan
(``fix_and_explain``), so "why did this change?" has ftfy's answer.

Quote style is not decided here (``uncurl_quotes`` is off): the ``repair`` stage needs to tell opening
from closing quotes, and the ``canonical`` stage applies the configured style last.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

import ftfy
import regex
from ftfy import badness

from cleaner.document import Document, StageResult
from cleaner.prefilter import non_ascii_reach
from cleaner.stage import Stage, non_overlapping, register
from cleaner.stages.replace import REPLACE_KIND, check_replace_rule, replace_edits
from cleaner.text import line_cache, lines

# Anything ftfy may change apart from mojibake (which badness.is_bad finds) and normalization.
_SUSPECT = regex.compile(r"[&\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029\ufeff\ufb00-\ufb06\ud800-\udfff]")
# fix_character_width is off: it turns the full-width punctuation of Chinese and Japanese text ("，")
# into ASCII, which is damage there, not repair.
_CONFIG = ftfy.TextFixerConfig(
    uncurl_quotes=False, fix_character_width=False, normalization="NFC", explain=True
)


@dataclass(frozen=True)
class UnicodeSettings:
    ftfy: bool = True
    max_delete_share: float = 0.5


# Every match of ftfy's mojibake pattern holds a non-ASCII character and is at most this long (None: the
# installed ftfy's pattern is not so, and lines are searched whole).
_BAD_REACH = non_ascii_reach(badness.BADNESS_RE)
_NON_ASCII = regex.compile(r"[^\x00-\x7f]+")


def is_bad(line: str) -> bool:
    """``ftfy.badness.is_bad(line)``, searching only within reach of the line's non-ASCII characters:
    the pattern's 37 alternatives are tried at every position of a search, and in German or French
    prose most positions are ASCII letters far from any accent (1.2 s for the bench's 31,927 non-ASCII
    lines searched whole)."""
    if _BAD_REACH is None:
        return badness.is_bad(line)
    search, reach, n = badness.BADNESS_RE.search, _BAD_REACH, len(line)
    lo = hi = None  # the window being grown: runs of non-ASCII characters within reach of each other
    for m in _NON_ASCII.finditer(line):
        start = max(0, m.start() - reach)
        if hi is not None and start > hi:
            if search(line, lo, hi):
                return True
            lo = None
        lo = start if lo is None else lo
        hi = min(n, m.end() + reach)
    return hi is not None and search(line, lo, hi) is not None


@line_cache
def needs_ftfy(line: str) -> bool:
    """Cheap test: could ftfy change this line? False for the vast majority of real lines. Cached: the
    second pass asks again about the same lines."""
    if line.isascii():
        return _SUSPECT.search(line) is not None
    return _SUSPECT.search(line) is not None or is_bad(line) or not unicodedata.is_normalized("NFC", line)


@register
class Unicode(Stage):
    """Unicode repair: ftfy on the lines that need it, then the invisible-character rules."""

    name = "unicode"
    rank = 10
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
        edits = []
        if self.settings.ftfy:
            edits.extend(self._ftfy(text))
        for rule in self.rules:
            edits.extend(replace_edits(self, rule, text))
        return StageResult(edits=tuple(non_overlapping(edits)))

    def _ftfy(self, text: str):
        if text.isascii() and _SUSPECT.search(text) is None:
            return []
        out = []
        for ln in lines(text):
            if not needs_ftfy(ln.content):
                continue
            fixed, plan = ftfy.fix_and_explain(ln.content, _CONFIG)
            if fixed != ln.content:
                steps = ", ".join(p for _, p in plan or ()) or "normalization"
                rule = "mojibake" if any(a in ("encode", "decode") for a, _ in plan or ()) else "ftfy"
                out.append(
                    self.edit(
                        rule,
                        ln.start,
                        ln.start + len(ln.content),
                        text,
                        fixed,
                        f"ftfy repaired the text ({steps})",
                    )
                )
        return out
