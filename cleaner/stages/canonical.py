"""``canonical``: the output format of DESIGN.md section 1.

One paragraph per line, paragraphs separated by exactly one blank line, no leading or trailing spaces,
single spaces inside a line (tabs and no-break spaces become spaces), ``\\n`` line endings, exactly one
trailing newline, and the configured quote style.

Paragraphs: scraped text usually has one paragraph per line. Text hard-wrapped at a fixed width has
paragraphs of several lines separated by blank lines; ``paragraphs = "auto"`` (the default) treats text
as wrapped when most of its blank-line-separated blocks have more than one line of at most
``wrap_width`` characters, and joins those lines. ``"lines"`` and ``"blocks"`` force either reading.

Quotes: ``quotes = "keep"`` (the default) leaves quotation marks as the source wrote them: German „…“,
French « … » and English “…” carry the language's typography, and straightening them cannot be undone.
``"straight"`` writes ASCII ``"`` and ``'`` with ftfy's own sets of quote characters (what ftfy's
``uncurl_quotes`` does), for indexes and corpora that want one form. Spacing around quotes is repaired
in either case by the ``repair`` stage.
"""

from __future__ import annotations

import heapq
import itertools
import re
from dataclasses import dataclass

import regex
from ftfy.chardata import DOUBLE_QUOTE_RE, SINGLE_QUOTE_RE

from cleaner.document import Document, Edit, StageResult
from cleaner.stage import Stage
from cleaner.text import OTHER_BREAKS, Line, lines

# White space inside a line, as the ``regex`` module's ``\s`` has it (Unicode's White_Space, all below
# U+3001; the standard library's ``\s`` adds \x1c-\x1f), spelled out as classes so that the standard
# library's engine, several times faster on a class scan, finds what ``regex`` found with ``[^\S\n]``.
_HSPACE = "".join(c for c in map(chr, range(0x3001)) if c != "\n" and regex.match(r"\s", c))
_ODD = re.escape(_HSPACE.replace(" ", ""))  # white space that is not a plain space
_SPACE = rf"[{re.escape(_HSPACE)}]{{2,}}|[{_ODD}]"
_INLINE = {
    "straight": re.compile(
        rf"(?P<spaces>{_SPACE})|(?P<double>{DOUBLE_QUOTE_RE.pattern})|(?P<single>{SINGLE_QUOTE_RE.pattern})"
    ),
    "keep": re.compile(rf"(?P<spaces>{_SPACE})"),
}
#: Finds what ``_INLINE`` finds, with a scan for one character (the engine's fastest loop) and ``in``
_INLINE_CHARS = {
    "straight": re.compile(rf"[{_ODD}]|{DOUBLE_QUOTE_RE.pattern}|{SINGLE_QUOTE_RE.pattern}"),
    "keep": re.compile(rf"[{_ODD}]"),
}
_NEW = {"spaces": " ", "double": '"', "single": "'"}
_RULE = {"spaces": "single-spaces", "double": "quote-style", "single": "quote-style"}
_REASON = {
    "spaces": "canonical text has single spaces inside a line",
    "double": "canonical quote style is straight",
    "single": "canonical quote style is straight",
}
_PARAGRAPH_REASON = "canonical text separates paragraphs by exactly one blank line"
_FINAL_REASON = "canonical text ends with exactly one newline"
# A line break in a run of white space between two paragraphs' contents that is not the canonical "\n\n":
# one with other white space right before it, or the run's first break when the run is not exactly "\n\n"
# (the look-behind refuses a break inside a run, the look-ahead a run of "\n\n" alone). A literal first,
# so the engine skips from "\n" to "\n" in C. The standard library's ``\s`` is ``str.isspace``, what a
# line's content is stripped of.
_ODD_BREAK = re.compile(r"\n(?:(?<=[^\S\n]\n)|(?<!\s\n)(?!\n\S))")
_WHITE = re.compile(r"\s*")


@dataclass(frozen=True)
class CanonicalSettings:
    quotes: str = "keep"
    paragraphs: str = "auto"
    wrap_width: int = 100  # longest line still taken for a hard-wrapped one

    def __post_init__(self):
        if self.quotes not in _INLINE:
            raise ValueError(f"quotes must be one of {', '.join(_INLINE)}, got {self.quotes!r}")
        if self.paragraphs not in ("auto", "lines", "blocks"):
            raise ValueError(f"paragraphs must be auto, lines or blocks, got {self.paragraphs!r}")


class Canonical(Stage):
    """Write the canonical format: paragraphs, spacing, line endings, quote style."""

    name = "canonical"
    Settings = CanonicalSettings
    description = "canonical format: one paragraph per line, blank line between, quote style"

    def apply(self, doc: Document) -> StageResult:
        text = doc.text
        if self._canonical(text):
            return StageResult()
        scannable = self._scannable(text)
        if scannable and self._one_line_paragraphs(text):
            return StageResult(edits=tuple(self._scanned_edits(text)))
        paragraphs = self._paragraphs(lines(text))
        if scannable and all(len(p) == 1 for p in paragraphs):
            # read as lines (a page's first pass, most often): each line its own paragraph, as above
            return StageResult(edits=tuple(self._scanned_edits(text)))
        inline = _INLINE[self.settings.quotes]
        edits: list[Edit] = []
        end = 0  # end of the previous paragraph's last character
        for n, para in enumerate(paragraphs):
            start = _content_start(para[0])
            self._sep(
                edits,
                text,
                end,
                start,
                "\n\n" if n else "",
                "paragraph-breaks",
                _PARAGRAPH_REASON,
            )
            for a, b in itertools.pairwise(para):
                self._sep(
                    edits,
                    text,
                    _content_end(a),
                    _content_start(b),
                    " ",
                    "unwrap-lines",
                    "lines of a hard-wrapped paragraph are joined",
                )
            for ln in para:
                for m in inline.finditer(text, _content_start(ln), _content_end(ln)):
                    kind = m.lastgroup
                    if m.group() != _NEW[kind]:
                        edits.append(
                            self.edit(_RULE[kind], m.start(), m.end(), text, _NEW[kind], _REASON[kind])
                        )
            end = _content_end(para[-1])
        self._sep(
            edits,
            text,
            end,
            len(text),
            "\n" if paragraphs else "",
            "final-newline",
            _FINAL_REASON,
        )
        return StageResult(edits=tuple(edits))

    def _canonical(self, text: str) -> bool:
        """True when ``text`` is already in the canonical format, so :meth:`apply` would find nothing
        to change: checked in a few passes of C code instead of a walk over its lines (every later
        pass of the pipeline hands this stage its own output back).

        Then the text is paragraphs, each one line without white space at its ends, separated by one
        empty line and followed by one newline, with no other line break: every line is a paragraph
        of its own in any ``paragraphs`` mode (no block has two lines), every separator is already
        what it should be, and no inline pattern matches."""
        if not text.endswith("\n") or text.endswith("\n\n") or OTHER_BREAKS.search(text):
            return False
        if "  " in text or _INLINE_CHARS[self.settings.quotes].search(text):
            return False
        return all(p and "\n" not in p and p == p.strip() for p in text[:-1].split("\n\n"))

    def _one_line_paragraphs(self, text: str) -> bool:
        """True when every paragraph of a :meth:`_scannable` ``text`` is one line, seen without reading
        its paragraphs, so :meth:`_scanned_edits` finds what the walk over its lines would: a later pass
        usually hands this stage a text that is canonical but for the few places an earlier stage
        changed. In ``auto`` and ``blocks`` modes a block of two or more lines would be read as one
        paragraph; none may be there."""
        # two non-blank lines in a row are joined by a lone "\n", which stays inside a part between
        # blank lines (with some text on either side of it). Texts with a blank line of spaces between
        # single breaks are walked too: this only has to be sure when it says yes.
        return self.settings.paragraphs == "lines" or all(
            "\n" not in part.strip() for part in text.split("\n\n")
        )

    def _scannable(self, text: str) -> bool:
        """Whether :meth:`_scanned_edits` may stand for the walk once every paragraph is one line: the
        text breaks lines only at "\\n" and holds no \\x1f (white space to ``str.strip``, not to
        ``\\s``: the scan's idea of a line's content would differ), and it has a paragraph at all."""
        return not OTHER_BREAKS.search(text) and "\x1f" not in text and bool(text.strip())

    def _scanned_edits(self, text: str) -> list[Edit]:
        """The edits :meth:`apply`'s walk makes when every paragraph is one line, from three scans:
        the white space before the first paragraph, each run of white space holding a line break
        (between two paragraphs), and inline matches inside a line's content (white space runs with
        a non-space character on either side, and quotes). All are in text order, as the walk's."""
        first = len(text) - len(text.lstrip())
        last = len(text.rstrip())
        edits: list[Edit] = []
        self._sep(edits, text, 0, first, "", "paragraph-breaks", _PARAGRAPH_REASON)
        breaks = (
            self.edit("paragraph-breaks", start, end, text, "\n\n", _PARAGRAPH_REASON)
            for start, end in _odd_runs(text, first, last)
        )
        edits.extend(heapq.merge(breaks, self._inline_edits(text, first, last), key=lambda e: e.start))
        self._sep(edits, text, last, len(text), "\n", "final-newline", _FINAL_REASON)
        return edits

    def _inline_edits(self, text: str, first: int, last: int) -> list[Edit]:
        """Inline edits between ``first`` and ``last``: runs of white space with a non-space character
        on either side (inside a line's content, where the walk looks) and, when straightening, quotes."""
        quotes = self.settings.quotes
        if "  " not in text and not _INLINE_CHARS[quotes].search(text, first, last):
            return []
        return [
            self.edit(_RULE[m.lastgroup], m.start(), m.end(), text, _NEW[m.lastgroup], _REASON[m.lastgroup])
            for m in _INLINE[quotes].finditer(text, first, last)
            if m.group() != _NEW[m.lastgroup]
            and (m.lastgroup != "spaces" or not (text[m.start() - 1].isspace() or text[m.end()].isspace()))
        ]

    def _sep(
        self, edits: list[Edit], text: str, start: int, end: int, new: str, rule: str, reason: str
    ) -> None:
        if text[start:end] != new:
            edits.append(self.edit(rule, start, end, text, new, reason))

    def _paragraphs(self, lns: list[Line]) -> list[list[Line]]:
        blocks: list[list[Line]] = [[]]
        for ln in lns:
            if ln.blank:
                if blocks[-1]:
                    blocks.append([])
            else:
                blocks[-1].append(ln)
        blocks = [b for b in blocks if b]
        mode = self.settings.paragraphs
        if mode == "auto":
            wrapped = [
                b
                for b in blocks
                if len(b) > 1 and all(len(ln.content) <= self.settings.wrap_width for ln in b)
            ]
            mode = "blocks" if len(blocks) > 1 and len(wrapped) * 2 > len(blocks) else "lines"
        if mode == "blocks":
            return blocks
        return [[ln] for b in blocks for ln in b]


def _odd_runs(text: str, first: int, last: int):
    """(start, end) of each run of white space holding a line break between ``first`` and ``last``
    that is not "\n\n", in text order: from each break ``_ODD_BREAK`` finds, out to the run's ends."""
    end = first
    for m in _ODD_BREAK.finditer(text, first, last):
        if m.start() < end:
            continue  # a break of the run just given
        start = m.start()
        while text[start - 1].isspace():  # ``first`` is a non-space character: the walk stops there
            start -= 1
        end = _WHITE.match(text, m.start(), last).end()
        if text[start:end] != "\n\n":
            yield start, end


def _content_start(ln: Line) -> int:
    return ln.start + len(ln.content) - len(ln.content.lstrip())


def _content_end(ln: Line) -> int:
    return ln.start + len(ln.content.rstrip())
