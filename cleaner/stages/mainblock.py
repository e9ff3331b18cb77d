"""``mainblock``: in text without markup, keep the article's main block of prose and drop the page around it.

A scraper's full-page text has no tags and no link density to tell the article from its page; only lines.
But an article has a shape a page's furniture lacks: a run of long lines that end like sentences. Menus,
teaser headlines, bylines, share bars, footers and cookie notices are short or do not end like sentences,
and they sit before and after that run, in clusters.

Three rule kinds, each a named mechanism with its parameters (``rules/mainblock.toml``):

- ``block``: each non-blank line scores ``+words`` when it is prose (``prose_words`` words or more ending like
  a sentence, or ``long_words`` words or more) and ``-(word_cost * words + line_cost)`` otherwise, except a
  line of ``neutral_words`` words or more, which scores 0 (a line of a paragraph hard-wrapped at a wide width,
  a long caption or table row: neither prose nor furniture) unless an ellipsis cuts it short, as a teaser's
  summary is ("... - Jen Yamato"). The main block is the run of lines with the largest total, found with the
  maximum-subarray scan of Finn et al.'s Body Text Extraction applied to lines instead of tags. Lines before
  and after it go, except the headline: a heading-like line (``headline_words`` words at most, not ending in
  ``.``, ``,`` or ``:``) within ``headline_window`` lines above the block stays, and is recorded as ``title``.
  The lines of the byline and dateline (the ``byline`` pattern) are skipped in that search, and the line right
  above them comes first; then the longest; one of three parts or more between bars (a breadcrumb, a menu, a
  title bar with the site's name) only when no other line is heading-like (see :func:`_headline`). A page that
  is mostly article holds several blocks of prose (a blog's posts, sections after a list): a further block
  beside the main one with ``second_block_words`` words of prose, scoring at least ``second_block_share`` of
  the main block, is kept too, with what lies between; above the main block, one with ``above_block_words``
  words of prose whatever the main block's size (an article above its readers' thread). And nothing outside
  the block goes unless something there shows page furniture: a line of at most ``furniture_words`` words that
  does not end like a sentence (a menu item, a button). A clean article laid out a paragraph per line may have
  none, and then its long title, standfirst or list of long items after the prose stays. How much furniture
  the cut needs is the setting ``furniture_lines``: the lines the furniture stages (``furniture_stages``)
  removed whole earlier in the document's run, which the pipeline passes on as ``Document.removed_lines``,
  count toward it with those still outside the block. A page's text has usually lost some before it gets here;
  a clean article has lost none and has few such lines. Those removed lines also separated parts of the page:
  the share bar, tags and "Comments" heading between an article and the comment thread or teaser list after
  it. Gone, they no longer score against joining the two, so the scan charges ``seam_cost`` per line where a
  run of at least ``seam_lines`` lines of the ``seam_stages`` stood (``Document.removed_runs``) between two
  rows, as if it were still there. The runs of the ``parting_stages`` (``appended``'s related-posts boxes,
  sidebar widgets and comment headings) are charged the same way against a further block after the main one.
- ``gap``: inside the block, a run of more than ``max_lines`` furniture-like lines (``max_words`` words
  at most, not ending like a sentence) between two prose lines (an image gallery's captions, a share
  bar, an inline list of teasers) goes; shorter runs are the article's subheadings, one-line quotes and
  datelines, and longer lines and short sentences (list items, dialogue, Q&A) always stay, and so does a
  run right under a sentence ending in a colon: the list it introduces, and a run of data (``data_share``
  of its lines figures, numbered items or quantities): a table flattened one cell a line, a recipe's
  ingredients.
- ``section``: outside the block, a heading that opens a section of the article's own (a recipe's
  "Ingredients" or "Directions") stays with the lines under it when they show the section's kind: lines
  that start with a figure (quantities, numbered steps) or sentences, ``least`` of them and ``share`` of
  those lines. A page's text often sets a recipe apart from its introduction by the card's times,
  nutrition table and buttons, and no line of it scores as prose (see :func:`_sections`).

It runs only on text laid out like a page's (a block per line, not paragraphs between blank lines; see
:func:`one_block_per_line`), which also keeps it off the cleaner's own outputs, and not on text
hard-wrapped at a fixed width (:func:`hard_wrapped`), whose lines are not blocks. Do no harm: nothing happens
unless the block holds ``min_block_words`` words of prose, so a short note, a poem or a list is left alone;
one paragraph of that length is a block (a short blog post among its sidebars: asking for two prose
lines kept dragnet's one-paragraph posts with every sidebar, while no gold body lost a word to the
change). The stage runs only on plain-text inputs by default (``html = false``): on HTML,
trafilatura has already used the DOM to find the article, and this stage's blunter signal measured worse
there. Except where trafilatura found no article: a page laid out in one table gives it none, and it
keeps the table whole, menus and all (:func:`layout_table`, setting ``layout_tables``); that text is a
page's text again, a block per line, and the stage trims it. Every kept line of a second pass scores
the same as in the first, so the stage is idempotent. The charges for removed runs keep it so: the
pipeline keeps each run's position in step with every later edit, so a second pass of the same run
charges the kept rows as the first did (runs in the text cut away meet at the block's edges, where a
charge changes nothing: the scan starts the block there anyway); and the cleaner's output, whose
paragraphs are apart, is never trimmed again (see :func:`one_block_per_line`), whatever a new run knows."""

from __future__ import annotations

import bisect
import itertools
from collections.abc import Sequence
from dataclasses import dataclass

import regex

from cleaner.document import Document, Edit, StageResult
from cleaner.mechanisms.replace import check_pair_examples
from cleaner.stage import FLOAT, INT, REGEX, Field, Rule, Stage
from cleaner.text import Line, ends_sentence, lines, word_count

BLOCK_KIND = {
    "prose_words": Field(INT, help="words a line ending like a sentence needs to be prose (default 8)"),
    "long_words": Field(INT, help="words that make any line prose (default 25)"),
    "word_cost": Field(FLOAT, help="penalty per word of a non-prose line (default 1.0)"),
    "line_cost": Field(FLOAT, help="penalty per non-prose line (default 3.0)"),
    "neutral_words": Field(
        INT,
        help="words that make a line that is not prose score 0, unless cut short by an ellipsis (default 0)",
    ),
    "min_block_words": Field(INT, help="prose words the block needs before anything is removed (default 40)"),
    "headline_window": Field(
        INT, help="lines above the block searched for the headline; 0 = none (default 3)"
    ),
    "headline_words": Field(INT, help="longest headline, in words (default 25)"),
    "byline": Field(
        REGEX,
        help="a whole line of the byline or dateline between headline and body (author, date, time, "
        "photo credit): never the headline, and not counted in headline_window, nor the short lines "
        "next to it (default none)",
    ),
    "second_block_words": Field(
        INT,
        help="prose words a further block outside the main one needs to be kept too; 0 = never (default 0)",
    ),
    "second_block_share": Field(
        FLOAT, help="share of the main block's score a further block needs to be kept too (default 0.5)"
    ),
    "above_block_words": Field(
        INT,
        help="prose words (and score) that keep a further block above the main one whatever the main "
        "block's size; 0 = never, and so when second_block_words is 0 (default 0)",
    ),
    "furniture_words": Field(
        INT,
        help="what lies outside the block goes only if a line there of at most this many words does not "
        "end like a sentence (a menu item, a button); 0 = always (default 0)",
    ),
}
GAP_KIND = {
    "max_lines": Field(INT, help="longest run of furniture-like lines kept between prose lines (default 3)"),
    "max_words": Field(
        INT, help="words of a furniture-like line; longer lines and short sentences stay (default 6)"
    ),
    "data_share": Field(
        FLOAT,
        help="a run with this share of data lines (figures, numbered items, quantities) is a table or a "
        "list and stays; 0 = never (default 0)",
    ),
}
SECTION_KIND = {
    "pattern": Field(REGEX, True, help="the heading line that opens the section (white space collapsed)"),
    "max_words": Field(INT, help="longest heading, in words (default 5)"),
    "max_lines": Field(INT, help="most lines of the section under its heading (default 40)"),
    "item_words": Field(
        INT, help="longest line of the section that is neither data nor a sentence (default 8)"
    ),
    "least": Field(INT, help="lines of data or sentences the section needs (default 3)"),
    "share": Field(FLOAT, help="share of the section's lines that are data or sentences (default 0.5)"),
}
_HEADLINE_ENDS = (".", ",", ":", ";", "|")
# A bar between the parts of a breadcrumb, a menu or a title bar: " | ", " » ", " – ", " - ", " :: ",
# " • ", " › ", " > ", " / ". Two of them in a heading-like line rank it below every other candidate for
# the headline (see _headline).
_BARS = regex.compile(r" (?:[-–—|»›>/:•·]{1,2}) ")
# A word of three letters or more: a headline has two at least.
_WORDS = regex.compile(r"\p{L}{3,}")
# The longest line the byline pattern is tried on: a byline or dateline is a short line, and the pattern's
# leading ".*" alternatives take time in the square of a line's length (0.5 s on 5,000 characters).
_BYLINE_CHARS = 300
# A pager link to the previous or next post ("« Older post |", "| Newer post »") is not the headline.
_PAGER = regex.compile(r"^[«‹|←]|[»›→]$")
# A sentence end inside the line: a headline is one phrase; a caption runs on ("... get it.Credit...").
# Three lower-case letters before a spaced stop, so "Dr. Who" and "Mrs. Smith" are not taken for sentences.
_SENTENCES = regex.compile(r"(?:\p{Ll}{3}[.!?…][\"”’]?\s+|\p{Ll}[.!?…])\p{Lu}")
# A hard-wrapped line: wrapping widths run from about 60 to 80 characters, a line can end short of it.
# Some dumps wrap wider (CleanEval has essays at about 120 columns): up to _WRAP_WIDEST a width counts
# too, when the full lines show it by breaking mid-sentence (see hard_wrapped). A wrapped paragraph's
# lines are looked for up to _WRAP_MAX only (_wrapped_prose): wider, lines of a page's text that run
# into lower case took its teaser summaries for prose (dragnet, issue 13).
_WRAP_MIN, _WRAP_MAX, _WRAP_WIDEST = 30, 100, 140
# A text is taken for hard-wrapped when a share of its lines fill the width (see hard_wrapped).
_WRAP_OUTLIERS, _WRAP_FULL, _WRAP_LEAST_LINES = 0.02, 0.4, 10
# A line that goes on with the sentence of the line before: lower case, a digit, a bracket, or a quote
# mark and lower case. A quote mark before a capital opens a title ('Metal Slug 3' Review), as a list of
# teaser headlines does line after line, which read as one wrapped paragraph took a page's sidebar whole.
_CONTINUES = regex.compile(r"[\p{Ll}\d(]|[„“\"'‘]\p{Ll}")
# A line that stops where no sentence or heading can: on a comma or on a word that needs what follows. A
# wrapped listing breaks there before capitals too (place names, "Wed 22 June", "Theatre,"), which
# _CONTINUES does not see.
_OPEN_END = regex.compile(r"(?:,|\b(?:and|or|of|the|a|an|to|with|for|at|by|from))$", regex.IGNORECASE)
# A line ending in a bracketed number is a list item with its count (a forum's threads and replies, a
# blog's categories and posts), not a sentence, though a closing bracket can end one.
_COUNT_END = regex.compile(r"[(\[][\d.,]+[)\]]$")
# A teaser's summary cut short: an ellipsis at the end, perhaps before its author ("... - Jen Yamato").
_TRUNCATED = regex.compile(r"(?:…|\.\.\.)(?:\s*[-–—|]\s*[^.!?]{0,40})?$")
_CLOSING_ENDS = (".", "!", "?", ".”", '."', "!”", "?”")


@dataclass(frozen=True)
class MainBlockSettings:
    html: bool = False  # also run on text extracted from HTML (trafilatura already found the article)
    # ... except where it found none: on HTML, run when the extracted text is a layout table, opening in
    # a table row with at least this share of its characters in table rows (see layout_table); 0 = never.
    layout_tables: float = 0.5
    # A naive page text can be nine-tenths furniture; the stage's own guard is min_block_words.
    max_delete_share: float = 0.97
    # Furniture the cut outside the block needs: lines these stages removed whole earlier in the
    # document's run (Document.removed_lines) and furniture-like lines still outside the block, at least
    # this many together (and one of the latter, see the rule's furniture_words). Furniture already taken
    # is the surest sign that the text is a page's, not a clean article's; without it, the cut asks for
    # that much furniture of its own. 0 or 1 = one line outside, as when the stage runs alone.
    furniture_lines: int = 0
    furniture_stages: tuple[str, ...] = ("debris", "appended", "boilerplate")
    # What a run of lines these stages removed whole before a row costs the main scan there: seam_cost per
    # line, for runs of at least seam_lines lines (Document.removed_runs); 0 = nothing (the stage alone,
    # on HTML, or without these stages in the run, no runs are known, and nothing is charged either).
    seam_cost: float = 0.0
    seam_lines: int = 2
    seam_stages: tuple[str, ...] = ("boilerplate",)
    # The runs of these stages (charged as the seams are) also stand between the main block and a further
    # block after it (see _further_blocks): a box appended took out parts the article from what follows.
    parting_stages: tuple[str, ...] = ("appended",)


class MainBlock(Stage):
    """Keep the main block of prose lines (and its headline); drop the page furniture around it."""

    name = "mainblock"
    Settings = MainBlockSettings
    rule_kinds = {"block": BLOCK_KIND, "gap": GAP_KIND, "section": SECTION_KIND}
    replace_kinds = ("block", "gap", "section")
    default_kind = "block"
    description = "text-only pages: everything outside the main block of prose (menus, teasers, footers)"

    @classmethod
    def check_rule(cls, rule: Rule) -> list[str]:
        if rule.kind == "gap":
            return check_pair_examples(rule, lambda probe, text: _edits(probe, None, rule, text))
        if rule.kind == "section":
            # with the block kind's defaults, which cut whatever lies outside the block
            default = Rule("", rule.stage, "block", "", (), ())
            return check_pair_examples(rule, lambda probe, text: _edits(probe, default, None, text, (rule,)))
        return check_pair_examples(rule, lambda probe, text: _edits(probe, rule, None, text))

    def apply(self, doc: Document) -> StageResult:
        if doc.html and not self.settings.html and not layout_table(doc, self.settings.layout_tables):
            return StageResult()
        # Hard-wrapped text breaks blocks across lines, so line scores cannot tell prose from furniture:
        # left whole, since keeping a menu costs less than losing paragraphs (do no harm).
        if not one_block_per_line(doc.text) or hard_wrapped(doc.text):
            return StageResult()
        block = next((r for r in self.rules if r.kind == "block"), None)
        gap = next((r for r in self.rules if r.kind == "gap"), None)
        if block is None and gap is None:
            return StageResult()
        sections = tuple(r for r in self.rules if r.kind == "section")
        seams, parting = self._seams(doc, self.settings.seam_stages, self.settings.parting_stages)
        furniture = self._furniture_needed(doc)
        edits, headline = _find(self, block, gap, doc.text, furniture, seams, parting, sections)
        return StageResult(edits=tuple(edits), metadata={"title": headline} if headline else {})

    def _furniture_needed(self, doc: Document) -> int:
        """Furniture-like lines outside the block the cut needs: what ``furniture_lines`` asks for less
        the lines the furniture stages already removed in this run, one at least. One when nothing is
        known (the stage runs alone, or no furniture stage is in the run), and on HTML: there the stage
        runs on a page's layout table, itself the evidence, whose menus trafilatura's text keeps and the
        line stages rarely know (asking for more cost cleaneval 0.0006 F1 in HTML mode)."""
        stages = self.settings.furniture_stages
        if doc.removed_lines is None or doc.html or not any(s in doc.removed_lines for s in stages):
            return 1
        removed = sum(doc.removed_lines.get(name, 0) for name in stages)
        return max(1, self.settings.furniture_lines - removed)

    def _seams(self, doc: Document, *groups: Sequence[str]) -> list[dict[int, float]]:
        """For each group of stages, what is charged before each row (by index among the non-blank rows)
        for the runs of lines those stages removed whole there (the ``seam_stages`` for the main scan, the
        ``parting_stages`` for a further block after it): ``seam_cost`` a line, where at least
        ``seam_lines`` lines went. Runs that stood apart only by blank lines stand before one row, and
        count together. Nothing on HTML (the stage runs there on a layout table, where a charge was not
        measured) or when nothing is known. The rows' offsets are found once, for every group."""
        settings = self.settings
        if doc.removed_runs is None or doc.html or settings.seam_cost <= 0:
            return [{} for _ in groups]
        starts: list[int] | None = None
        charges = []
        for stages in groups:
            runs = [run for name in stages for run in doc.removed_runs.get(name, ())]
            if not runs:
                charges.append({})  # nothing removed (a clean text): no row offsets to find
                continue
            if starts is None:
                starts = [ln.start for ln in lines(doc.text) if not ln.blank]
            removed: dict[int, int] = {}
            for offset, n in runs:
                row = bisect.bisect_left(starts, offset)
                removed[row] = removed.get(row, 0) + n
            charges.append(
                {row: n * settings.seam_cost for row, n in removed.items() if n >= settings.seam_lines}
            )
        return charges


def layout_table(doc: Document, share: float) -> bool:
    """Is this text, extracted from HTML, a page laid out in a table rather than an article?

    trafilatura writes a table a row a line, its cells between ``|``. A page of the early web laid out
    whole in a table (menus in one cell, the article in another, the footer in a row of its own) gives
    it no article element to find, and it takes the table whole, menus and all: its text then opens in
    a table row (after the headline the extract stage put first) and holds ``share`` of its characters
    in table rows. A data table inside an article comes after the article's first paragraph, so that
    text does not open in one. On such a text the stage finds the main block as on a page's text.
    """
    if not share:
        return False
    rows = [line.strip() for line in doc.text.split("\n") if line.strip()]
    headline = (doc.metadata.get("headline") or "").strip()
    if rows and headline and rows[0] == headline:
        rows = rows[1:]
    if not rows or not rows[0].startswith("|"):
        return False
    return sum(len(r) for r in rows if r.startswith("|")) >= share * sum(map(len, rows))


def one_block_per_line(text: str) -> bool:
    """Is this the layout of a page's text (every block on its own line, few blank lines between), rather
    than of paragraphs already separated by blank lines?

    The stage works on the first kind only. Canonical text never has two non-blank lines in a row, so
    the stage never touches an output of the cleaner: cleaning it again changes nothing, whether it
    came from a page's text or from HTML (where the stage does not run).
    """
    adjacent = separated = 0
    previous_blank, seen = True, False
    for ln in lines(text):
        if ln.blank:
            previous_blank = True
            continue
        if seen:
            if previous_blank:
                separated += 1
            else:
                adjacent += 1
        seen, previous_blank = True, False
    return adjacent > 0 and adjacent >= separated


def _score(words: int, prose: bool, norm: str, word_cost: float, line_cost: float, neutral: int) -> float:
    """A row's score in the block scan: its words when it is prose; 0 when it is long enough to be neither
    prose nor furniture (``neutral`` words or more, not a teaser cut short by an ellipsis); otherwise the
    cost of a furniture line."""
    if prose:
        return words
    if neutral and words >= neutral and not _TRUNCATED.search(norm):
        return 0
    return -(word_cost * words + line_cost)


def hard_wrapped(text: str) -> bool:
    """Is this text hard-wrapped at a fixed width (a mail, an archive, a ``<pre>`` page, a text dump),
    rather than laid out a block per line?

    Wrapping breaks every paragraph into lines that fill the width and never exceed it, so a line says
    nothing of the block it belongs to: the stage's line scores would read paragraphs as furniture. The
    width is the length that all but the longest ``_WRAP_OUTLIERS`` of lines stay within; the text is
    wrapped when that width is one of wrapping (at most ``_WRAP_MAX`` characters) and at least
    ``_WRAP_FULL`` of the lines fill three quarters of it, or of the lines of ``_WRAP_MIN`` characters
    or more when half of those full lines break mid-sentence (a wrapped fact sheet or link directory,
    mostly short lines). A wider width, up to ``_WRAP_WIDEST``, needs those mid-sentence breaks in
    either case: lines of 100 to 140 characters are also a page's teasers with their summaries, which
    fill a width as well. A page's text has paragraphs far longer than that, or, when it is mostly
    menus, lines of every length; its teaser headlines may fill a width but start new phrases.
    """
    # str methods, not lines(): this runs on every page-like text
    rows = [line for line in map(str.strip, text.split("\n")) if line]
    lengths = sorted(map(len, rows))
    if len(lengths) < _WRAP_LEAST_LINES:
        return False
    width = lengths[int((1 - _WRAP_OUTLIERS) * (len(lengths) - 1))]
    if not _WRAP_MIN <= width <= _WRAP_WIDEST:
        return False
    full = [k for k, row in enumerate(rows) if 4 * len(row) >= 3 * width]
    filled = len(full) >= _WRAP_FULL * len(rows)
    if filled and width <= _WRAP_MAX:
        return True
    # A wrapped fact sheet, link directory or report with a table is mostly lines too short to have been
    # wrapped (headings, list items, a table's cells, link titles), which say nothing of the width: there
    # the share is of the lines of _WRAP_MIN characters or more, and half the full ones must break
    # mid-sentence (the next line goes on in lower case, as in _wrapped_prose, or the line stops on a comma
    # or an open word, _OPEN_END), as wrapping does and a page's list of teaser headlines does not.
    breaks = sum(
        1
        for k in full
        if k + 1 < len(rows)
        and not ends_sentence(rows[k])
        and (_CONTINUES.match(rows[k + 1]) or _OPEN_END.search(rows[k]))
    )
    if filled:
        return 2 * breaks >= len(full)  # a wide width (see the docstring)
    wide = sum(1 for n in lengths if n >= _WRAP_MIN)
    # A page's one short wrapped post among its menus (a blog's text dump) holds a few full lines: the
    # short lines are taken for wrapping's only on as many full lines as a width needs to be told from.
    return len(full) >= max(_WRAP_LEAST_LINES, _WRAP_FULL * wide) and 2 * breaks >= len(full)


def _edits(
    stage, block: Rule | None, gap: Rule | None, text: str, sections: Sequence[Rule] = ()
) -> list[Edit]:
    return _find(stage, block, gap, text, sections=sections)[0]


def _find(
    stage,
    block: Rule | None,
    gap: Rule | None,
    text: str,
    furniture: int = 1,
    seams: dict[int, float] | None = None,
    parting: dict[int, float] | None = None,
    sections: Sequence[Rule] = (),
) -> tuple[list[Edit], str | None]:
    """The edits removing what lies outside the main block (``block``, when at least ``furniture``
    furniture-like lines lie there; the main scan charged ``seams`` before rows, see
    :meth:`MainBlock._seams`, and a further block after it the ``parting`` charges, see
    :func:`_further_blocks`) but the article's own sections there (``sections``, see :func:`_sections`),
    and long non-prose runs in it (``gap``), and the headline kept above the block, if any."""
    rows = [ln for ln in lines(text) if not ln.blank]
    if not rows:
        return [], None
    # With only a gap rule, prose is judged by the block kind's defaults and the whole text is the block.
    params = block or Rule("", "", "block", "", (), ())
    norms = [ln.norm for ln in rows]
    counts = [word_count(n) for n in norms]
    prose_words, long_words = params.param("prose_words", 8), params.param("long_words", 25)
    prose = [
        c >= long_words or (c >= prose_words and ends_sentence(n) and not _COUNT_END.search(n))
        for n, c in zip(norms, counts, strict=True)
    ]
    _wrapped_prose(norms, counts, prose, prose_words)
    good = [k for k, p in enumerate(prose) if p]
    if sum(counts[k] for k in good) < params.param("min_block_words", 40):
        return [], None
    first, last, headline = 0, len(rows) - 1, None
    if block is not None:
        w, c = params.param("word_cost", 1.0), params.param("line_cost", 3.0)
        neutral = params.param("neutral_words", 0)
        scores = [_score(n, p, norm, w, c, neutral) for n, p, norm in zip(counts, prose, norms, strict=True)]
        first, last = _max_run(scores, seams)
        first, last = _further_blocks(scores, counts, prose, first, last, params, parting)
        last = _closing(norms, counts, last)
        last = _list_tail(norms, counts, last)
        headline = _headline(norms, counts, first, params)
        if sum(counts[k] for k in good if first <= k <= last) < params.param("min_block_words", 40):
            return [], None
    doomed: list[tuple[int, int, Rule, str]] = []  # runs of rows [i, j) to remove
    spared = {headline} if headline is not None else set()
    if block is not None and _furniture_outside(
        norms, counts, first, last, params.param("furniture_words", 0), furniture
    ):
        spared |= _sections(norms, counts, first, last, sections, seams or {})
        if first > 0:
            doomed.append((0, first, block, "before the main block"))
        if last < len(rows) - 1:
            doomed.append((last + 1, len(rows), block, "after the main block"))
    if gap is not None:
        inside = [k for k in good if first <= k <= last]
        limit, short = gap.param("max_lines", 3), gap.param("max_words", 6)
        data_share = gap.param("data_share", 0.0)
        for a, b in itertools.pairwise(inside):
            for i, j in _short_runs(norms, counts, a + 1, b, short):
                if (
                    j - i > limit
                    and not _introduced(norms[i - 1], counts[i - 1], prose_words)
                    and not _data(norms[i:j], data_share)
                ):
                    doomed.append((i, j, gap, f"{j - i} non-prose lines between paragraphs"))
    edits = []
    for i, j, rule, where in doomed:
        for lo, hi in _spans(rows, i, j, spared):
            edits.append(stage.edit(rule.id, lo, hi, text, "", f"{rule.reason} ({where})"))
    edits.sort(key=lambda e: e.start)
    return edits, (norms[headline] if headline is not None else None)


def _furniture_outside(
    norms: Sequence[str], counts: Sequence[int], first: int, last: int, words: int, least: int = 1
) -> bool:
    """Does the text outside the block [first, last] show page furniture: ``least`` furniture-like lines
    of at most ``words`` words that do not end like a sentence (a menu item, a button, a section tab, the
    lines the gap kind removes)? Always, when ``words`` is 0.

    A page's text has such lines around its article; a clean article fed to the cleaner as it is
    (one paragraph a line, the layout of a page's text) may have none, and then what lies outside its
    best block is its own: a long title, a standfirst, a list of long items. Both sides are asked
    together: asking each side apart kept, on page texts, a side of skip links, promos and menus whose
    short items the boilerplate stage had already taken (with lines of two words at most, it cost
    trafilatura_eval 0.006 F1 in text mode).
    """
    if words <= 0:
        return True
    outside = itertools.chain(range(first), range(last + 1, len(norms)))
    found = (k for k in outside if counts[k] <= words and _furniture_like(norms[k]))
    return sum(1 for _ in itertools.islice(found, least)) >= least


def _wrapped_prose(norms: Sequence[str], counts: Sequence[int], prose: list[bool], prose_words: int) -> None:
    """Mark the lines of hard-wrapped paragraphs as prose (in place).

    Text wrapped at a fixed width (mail, archives, ``<pre>``) breaks sentences across lines, so single
    lines neither end like sentences nor reach ``long_words``. A run of three or more lines of wrapping
    width whose breaks mostly fall mid-sentence (the line does not end a sentence and the next starts
    in lower case or with a digit) is one paragraph; its lines are prose when the run is. A list of
    teaser headlines breaks before capitals and is not taken for one.
    """
    k, n = 0, len(norms)
    while k < n:
        j = k
        # a short line closes the run only when the line before breaks mid-sentence
        while (
            j + 1 < n
            and _WRAP_MIN <= len(norms[j]) <= _WRAP_MAX
            and counts[j] >= 5
            and (len(norms[j + 1]) >= _WRAP_MIN or not ends_sentence(norms[j]))
        ):
            j += 1
        if j - k + 1 >= 3:
            # Lines that end a sentence say nothing either way; of the others, half must break mid-sentence.
            open_ends = [i for i in range(k, j) if not ends_sentence(norms[i])]
            breaks = sum(1 for i in open_ends if _CONTINUES.match(norms[i + 1]))
            words = sum(counts[k : j + 1])
            if breaks and 2 * breaks >= len(open_ends) and words >= 2 * prose_words:
                for i in range(k, j + 1):
                    prose[i] = True
        k = j + 1


def _further_blocks(
    scores: Sequence[float],
    counts: Sequence[int],
    prose: Sequence[bool],
    first: int,
    last: int,
    params: Rule,
    parting: dict[int, float] | None = None,
) -> tuple[int, int]:
    """Widen the main block [first, last] over further blocks of prose beside it.

    A page that is mostly article (a blog's several posts, a report with sections under a run of
    subheadings or a list, Q&A) holds more than one block of prose, and the scan keeps only the best
    one. The best run on either side is taken in too, with everything between, when it holds at least
    ``second_block_words`` words of prose and scores at least ``second_block_share`` of the main block:
    a teaser paragraph or a cookie notice is far smaller than the article it sits beside. Above the
    block, a run with ``above_block_words`` words of prose that scores as much is taken in whatever the
    main block's size: an article comes before what is appended to it, and the main block after a short
    post can be its readers' thread, thirty times longer, or a long second section. With
    ``second_block_words`` 0 no further block is taken, that one neither.

    After the block, the ``parting`` charges (by row, as :meth:`MainBlock._seams` gives them for the
    ``parting_stages``: what ``appended`` took out, a related-posts box, a sidebar's widget, a comment
    heading) between the two blocks and inside the further one count against it: the recent posts' teasers
    or the comments after such a box are another part of the page, as the box said. Not before the
    block: there a box taken out says the block itself comes after one, and it is the article above
    that must stay reachable (charged on both sides, six trafilatura_eval pages lost their whole article
    to a cookie-consent block that outscored it).
    """
    least_words = params.param("second_block_words", 0)
    if least_words <= 0:
        return first, last
    parting = parting or {}
    least_score = params.param("second_block_share", 0.5) * sum(scores[first : last + 1])
    above = params.param("above_block_words", 0)

    def big_enough(lo: int, hi: int, charge: float = 0.0, alone: int = 0) -> bool:
        words = sum(counts[k] for k in range(lo, hi + 1) if prose[k])
        score = sum(scores[lo : hi + 1]) - charge
        if 0 < alone <= min(words, score):
            return True
        return words >= least_words and score >= least_score

    grown = True
    while grown:
        grown = False
        if first > 0:
            lo, hi = _max_run(scores[:first])
            if big_enough(lo, hi, alone=above):
                first, grown = lo, True
        if last < len(scores) - 1:
            after = {k - last - 1: v for k, v in parting.items() if k > last}
            lo, hi = (last + 1 + k for k in _max_run(scores[last + 1 :], after))
            if big_enough(lo, hi, sum(v for k, v in parting.items() if last < k <= hi)):
                last, grown = hi, True
    return first, last


def _short_runs(
    norms: Sequence[str], counts: Sequence[int], i: int, j: int, short: int
) -> list[tuple[int, int]]:
    """The runs [a, b) of consecutive furniture-like lines among rows i to j-1: at most ``short`` words
    and not ending like a sentence.

    Only such runs are furniture inside an article (share bars, gallery captions, tag lists). A longer
    line there is a subheading or a list item, and a short sentence is a line of dialogue, a Q&A turn or
    a step of a timeline: measured on the bench's four sets, those lines were article text more often
    than not."""
    runs, k = [], i
    while k < j:
        if counts[k] > short or not _furniture_like(norms[k]):
            k += 1
            continue
        a = k
        while k < j and counts[k] <= short and _furniture_like(norms[k]):
            k += 1
        runs.append((a, k))
    return runs


# A line of data: a table's cell of figures ("74", "100%", "$47.00", "-5.44"), a numbered item ("4. The
# Subway"), a quantity ("3 tablespoons olive oil", "1/2 cup beans", "150g hazelnuts"); not a gallery's
# counter ("1 of 12").
_DATA_LINE = regex.compile(
    r"[^\p{L}]*\d[^\p{L}]*|\d+[.)]\s.*|(?!\d+ of \d)\d+(?:[.,/]\d+)?\s?[½¼¾⅓⅔]?\s?\p{Ll}.*"
)


# A line of a section's list that starts with a figure: a quantity ("125 g", "3 EL", "½ Tasse", in any case:
# German units are nouns), a numbered step ("1."), a figure of a nutrition table.
_QUANTITY = regex.compile(r"[\d½¼¾⅓⅔⅛]")


def _data(run: Sequence[str], share: float) -> bool:
    """Is this run of short lines a table or a list of data: at least ``share`` of its lines figures,
    numbered items or quantities (:data:`_DATA_LINE`; ``share`` 0: never)?

    A page's text flattens a table one cell a line and gives a recipe's ingredients a line each: short
    lines, not ending like sentences, which the gap kind would take for a gallery or a share bar. Half
    is enough, because a table's rows alternate labels and figures ("LB", "Joe Schobert", "74", "100%").
    A share bar, a gallery's captions or a teaser list are words; a pager's or a calendar's numbers,
    which count up by one, are not data either. What else this spares on the bench's pages: a gallery's
    counter ("1", "/", "23", "Back to gallery"), a poll's results, a share bar's counts.
    """
    if share <= 0 or sum(1 for n in run if _DATA_LINE.fullmatch(n)) < share * len(run):
        return False
    # A pager's or a calendar's numbers count up by one ("1", "2", "3", ... "Next"): a widget, not data.
    numbers = [int(n) for n in run if n.isdecimal()]
    steps = sum(1 for a, b in itertools.pairwise(numbers) if b == a + 1)
    return len(numbers) < 3 or 2 * steps < len(numbers)


def _introduced(norm: str, count: int, prose_words: int) -> bool:
    """Does this line, of ``count`` words, introduce the run of short lines under it: a sentence of
    ``prose_words`` words or more ending in a colon ("Examples of these goals include:")? That run is the
    list it announces, not a share bar or a gallery. A short heading with a colon ("Special sections:",
    "Relevant links:") heads a page's link lists as often inside the block, and does not count here
    (sparing those runs too cost dragnet 0.0008 text F1); the boilerplate stage's ``run`` kind, whose
    runs lie outside the body, spares a run under any line ending in a colon."""
    return count >= prose_words and norm.endswith(":")


def _furniture_like(norm: str) -> bool:
    """A short line that may be page furniture: it neither ends a sentence nor breaks off inside one (a
    comma ends a poem's or a letter's line, never a menu item or a button; a semicolon already ends a
    sentence for :func:`ends_sentence`)."""
    return not ends_sentence(norm) and not norm.endswith(",")


def _max_run(scores: Sequence[float], seams: dict[int, float] | None = None) -> tuple[int, int]:
    """Start and end (inclusive) of the contiguous run with the largest sum (Kadane's scan); the first
    such run on ties, so the choice never depends on anything but the scores. A run that goes on over
    row k pays ``seams[k]`` more (a run starting at k pays nothing).

    >>> _max_run([5, -1, 5]), _max_run([5, -1, 5], {2: 10})
    ((0, 2), (0, 0))
    """
    best, best_span = float("-inf"), (0, 0)
    total, start = 0.0, 0
    for k, s in enumerate(scores):
        charge = seams.get(k, 0.0) if seams else 0.0
        if total - charge <= 0:
            total, start = s, k
        else:
            total += s - charge
        if total > best:
            best, best_span = total, (start, k)
    return best_span


def _closing(norms: Sequence[str], counts: Sequence[int], last: int) -> int:
    """Extend the block over short sentences right after it: an article's closing line ("The vote is
    final.") is too short to score as prose but reads as a sentence, which furniture rarely does. It
    goes on past a box ``appended`` took out: after an inline "Related articles" box the article's next
    sentences are often what brings the rest of it back (stopped there, an Express page lost a quarter
    of its article, scrapinghub -0.0004 F1 against +0.0009 on dragnet)."""
    while last + 1 < len(norms) and counts[last + 1] >= 3 and norms[last + 1].endswith(_CLOSING_ENDS):
        last += 1
    return last


# An item of a list whose marker the page's text kept: "- Quick Office 5.3", "• WLAN fixes".
_LIST_ITEM = regex.compile(r"[-–•·*▪◦] \S")


def _list_tail(norms: Sequence[str], counts: Sequence[int], last: int) -> int:
    """Extend the block over the rest of a list it ends in, or that its last sentence introduces (ending
    in a colon): the items with a list marker after it, and the short headings (four words at most) that
    head more of them ("CHANGES AND IMPROVEMENTS:", "EMAIL").

    A changelog or a list of tips goes on past the block's end, its items too short to score as prose,
    and the scan cut the rest of the list with the page's furniture. The list must have begun inside the
    block: half of the marked lines of the bench's page texts are furniture (menus, link lists) that
    follow no block's list."""
    if not (_LIST_ITEM.match(norms[last]) or norms[last].endswith(":")):
        return last
    j = last + 1
    while j < len(norms):
        if _LIST_ITEM.match(norms[j]):
            last = j
        elif not (counts[j] <= 4 and j + 1 < len(norms) and _LIST_ITEM.match(norms[j + 1])):
            break
        j += 1
    return last


def _headline(norms: Sequence[str], counts: Sequence[int], first: int, params: Rule) -> int | None:
    """The headline above the block: a heading-like line within ``headline_window`` lines of it, or
    None. The block's own first line when it is a question or exclamation (such a headline scores as
    prose).

    The article's byline and dateline sit between headline and body ("Posted by Jane Doe on March 4,
    2025", "by" / "Jane Doe" / "10:32 AM"): lines the ``byline`` pattern matches, with the short lines
    next to them, are never the headline and do not count toward the window, so the headline above
    them is in reach. The line right above them comes first: that is where a headline stands. Then the
    longest, not the nearest, as a photo caption or standfirst often sits between headline and body. A
    line of three parts or more between bars (:data:`_BARS`) comes after every other: that is a
    breadcrumb ("Home » BMW » X6"), a menu or the page's title bar with its site name and tagline, and
    it is often the longest."""
    window, longest = params.param("headline_window", 3), params.param("headline_words", 25)
    if counts[first] <= longest and norms[first].endswith(("?", "!")):
        return first
    byline = params.param("byline")
    found: list[tuple[bool, bool, int, int]] = []
    seen, in_byline, above_byline = 0, False, None
    k = first - 1
    while k >= 0 and seen < window:
        norm = norms[k]
        if byline is not None and (
            (len(norm) <= _BYLINE_CHARS and byline.fullmatch(norm)) or (in_byline and counts[k] < 3)
        ):
            in_byline = True
        else:
            seen += 1
            if in_byline and above_byline is None:
                above_byline = k
            in_byline = False
            if _heading_like(norm, counts[k], params) and not _PAGER.search(norm):
                found.append((len(_BARS.findall(norm)) < 2, k == above_byline, counts[k], k))
        k -= 1
    return max(found)[3] if found else None


def _heading_like(norm: str, count: int, params: Rule) -> bool:
    """A line that can be a headline or subheading: 3 to ``headline_words`` words, one phrase, no closing
    punctuation, not a list of five items or more of three words at most (a post's tags or
    categories: "Economic History, Economics, Federal Reserve, Inflation, Wall Street"; a headline may
    list four: "Terrible, Horrible, No Good, Very Bad Day"), and with two words of three letters or
    more (not a ticker's "P 0.513 = ¥ 1.00" or a price range)."""
    return (
        3 <= count <= params.param("headline_words", 25)
        and not norm.endswith(_HEADLINE_ENDS)
        and not _SENTENCES.search(norm)
        and not _tag_list(norm)
        and len(_WORDS.findall(norm)) >= 2
    )


def _sections(
    norms: Sequence[str],
    counts: Sequence[int],
    first: int,
    last: int,
    rules: Sequence[Rule],
    seams: dict[int, float],
) -> set[int]:
    """The rows outside the block [first, last] that are sections of the article: a heading a
    ``section`` rule names (a recipe's "Ingredients", "Directions"), and the lines under it that start
    with a figure (:data:`_QUANTITY`: "120g yellow noodles", "1 TL", "2."), sentences ("Stir fry to mix
    well.") or short lines among them ("Mehl", "For the sauce:"), down to the last line of data or
    sentence (and the ingredient under its quantity).

    Such a section's lines are not prose to the block scan, and a page's text sets it apart from the
    introduction by a nutrition table, times and buttons: the scan takes the introduction for the
    article and the recipe for furniture. The lines must show the section's kind: ``least`` of them, and
    ``share`` of those under the heading, data or sentences; a menu's heading ("Preparation" over "Slow
    Cooker", "Baking", "See All") shows none. One of them is enough when the lines run into the block:
    then the heading is the block's own ("Directions" over the recipe's times and "For a 26 cm tin.",
    right above its steps). The section ends at a question ("Wie gesund sind die Hauptzutaten?", a
    teaser), at a line of more than ``item_words`` words that is neither, at a run of lines an earlier
    stage removed (``seams``), at the block, or after ``max_lines`` lines."""
    spared: set[int] = set()
    for rule in rules:
        heading, reach = rule.param("max_words", 5), rule.param("max_lines", 40)
        item, least, share = rule.param("item_words", 8), rule.param("least", 3), rule.param("share", 0.5)
        k = 0
        while k < len(norms):
            outside = not first <= k <= last and k not in spared
            if not outside or counts[k] > heading or not rule.pattern.fullmatch(norms[k]):
                k += 1
                continue
            end, shown, joins, j = k, 0, False, k + 1
            while j < len(norms) and j - k <= reach:
                if first <= j <= last:
                    end, joins = j - 1, True
                    break
                if j in seams or norms[j].endswith("?"):
                    break
                if _QUANTITY.match(norms[j]) or (counts[j] >= 3 and ends_sentence(norms[j])):
                    end, shown = j, shown + 1
                elif counts[j] > item:
                    break
                j += 1
            # a quantity alone on its line ("2 EL") names its ingredient on the next ("gehackte Nüsse")
            if not joins and end + 1 < j and counts[end] <= 2 and _QUANTITY.match(norms[end]):
                end += 1
            if (joins and shown) or (shown >= least and shown >= share * (end - k)):
                spared.update(range(k, end + 1))
                k = end
            k += 1
    return spared


def _tag_list(norm: str) -> bool:
    items = norm.split(", ")
    return len(items) >= 5 and all(word_count(item) <= 3 for item in items)


def _spans(rows: Sequence[Line], i: int, j: int, spared: set[int]) -> list[tuple[int, int]]:
    """Character spans covering rows[i:j] (and the blank lines between them), leaving out the rows
    ``spared``."""
    spans, start = [], i
    for k in sorted(k for k in spared if i <= k < j):
        spans.append(_span(rows, start, k))
        start = k + 1
    spans.append(_span(rows, start, j))
    return [s for s in spans if s]


def _span(rows: Sequence[Line], i: int, j: int) -> tuple[int, int] | None:
    return (rows[i].start, rows[j - 1].end) if i < j else None
