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

import itertools
from dataclasses import dataclass

import regex
from ftfy.chardata import DOUBLE_QUOTE_RE, SINGLE_QUOTE_RE

from cleaner.document import Document, Edit, StageResult
from cleaner.stage import Stage
from cleaner.text import OTHER_BREAKS, Line, lines

_SPACE = r"[^\S\n]{2,}|[^\S\n ]"
_INLINE = {
    "straight": regex.compile(
        rf"(?P<spaces>{_SPACE})|(?P<double>{DOUBLE_QUOTE_RE.pattern})|(?P<single>{SINGLE_QUOTE_RE.pattern})"
    ),
    "keep": regex.compile(rf"(?P<spaces>{_SPACE})"),
}
_NEW = {"spaces": " ", "double": '"', "single": "'"}
_RULE = {"spaces": "single-spaces", "double": "quote-style", "single": "quote-style"}
_REASON = {
    "spaces": "canonical text has single spaces inside a line",
    "double": "canonical quote style is straight",
    "single": "canonical quote style is straight",
}


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
        paragraphs = self._paragraphs(lines(text))
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
                "canonical text separates paragraphs by exactly one blank line",
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
            "canonical text ends with exactly one newline",
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
        if _INLINE[self.settings.quotes].search(text):
            return False
        return all(p and "\n" not in p and p == p.strip() for p in text[:-1].split("\n\n"))

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


def _content_start(ln: Line) -> int:
    return ln.start + len(ln.content) - len(ln.content.lstrip())


def _content_end(ln: Line) -> int:
    return ln.start + len(ln.content.rstrip())
