"""``explain``: show a document with every removal and repair marked, each with its rule id and reason.

Edits are recorded against the input of their own stage application; to mark them on the text the user
gave, each edit's span is mapped back through the edits of the steps before it. The text shown is the
input of the first text stage: for an HTML page, the text trafilatura extracted.

Marks: ``[-removed-]⟨rule-id⟩`` and ``[-old-]{+new+}⟨rule-id⟩``; a legend lists each rule once with its
stage, how often it fired and its reason. Format-only edits of the ``canonical`` stage (spacing,
paragraph breaks, quote style) are left out unless ``everything`` is asked for.
"""

from __future__ import annotations

import unicodedata
from collections import Counter
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cleaner.document import CleanResult, Edit
from cleaner.io import iter_jsonl

_RED, _GREEN, _DIM, _RESET = "\033[31m", "\033[32m", "\033[2m", "\033[0m"


def _back(pos: int, edits: Sequence[Edit], at_end: bool) -> int:
    """Map a position in a step's output to its input; inside replaced text, to the edit's edge."""
    shift = 0
    for e in edits:  # sorted by start
        out_start = e.start + shift
        out_end = out_start + len(e.new)
        if pos <= out_start:
            break
        if pos < out_end:
            return e.end if at_end else e.start
        shift += len(e.new) - (e.end - e.start)
    return pos - shift


def _steps(source: str, result: CleanResult) -> tuple[str, dict[int, list[Edit]]]:
    """The text of the first text stage's input and the edits of each later step, sorted by start."""
    steps: dict[int, list[Edit]] = {}
    for e in result.edits:
        steps.setdefault(e.step, []).append(e)
    text = source
    if result.edits and result.edits[0].stage == "extract":
        text = result.edits[0].new
        steps.pop(result.edits[0].step)
    return text, {step: sorted(steps[step], key=lambda e: e.start) for step in sorted(steps)}


def base_text(source: str, result: CleanResult) -> tuple[str, list[Edit]]:
    """The text explain marks (input of the first text stage) and the edits of the text stages."""
    text, steps = _steps(source, result)
    edits = []
    for step, step_edits in steps.items():
        for e in step_edits:
            start, end = e.start, e.end
            for earlier in sorted(s for s in steps if s < step)[::-1]:
                start, end = _back(start, steps[earlier], False), _back(end, steps[earlier], True)
            edits.append(
                Edit(e.stage, e.rule, start, end, text[start:end] if e.old else "", e.new, e.reason, step)
            )
    return text, edits


def to_base(source: str, result: CleanResult, start: int, end: int) -> tuple[int, int]:
    """The span of :func:`base_text`'s text that the span ``start:end`` of the output came from."""
    _, steps = _steps(source, result)
    for step in sorted(steps, reverse=True):
        start, end = _back(start, steps[step], False), _back(end, steps[step], True)
    return start, end


def marks(text: str, edits: Sequence[Edit]) -> Iterator[str | Edit]:
    """The pieces of a marked document, in order: kept text (a ``str``) and edits (of :func:`base_text`).

    An edit that touches text an earlier mark already covers is left out here (it stays in the legend).
    The one walk both ``explain`` and the review page render (cleaner/review.py).
    """
    pos = 0
    for e in sorted(edits, key=lambda e: (e.start, e.end)):
        if e.start < pos:
            continue
        if e.start > pos:
            yield text[pos : e.start]
        yield e
        pos = e.end
    if pos < len(text):
        yield text[pos:]


# Characters a terminal or browser shows as nothing, or as a space: removed or inserted, they are shown by
# name. Format characters (Cf: soft hyphen, zero-width space and joiners, directional marks, BOM), control
# characters other than line breaks and tabs (Cc), and spaces other than the ASCII one (Zs: no-break,
# thin, ideographic), plus the line and paragraph separators (Zl, Zp).
_INVISIBLE = {"Cf", "Cc", "Zs", "Zl", "Zp"}


def visible(text: str) -> str:
    """``text`` with each invisible character written as its code point and name.

    >>> visible("minis\\u00adter")
    'minis⟨U+00AD SOFT HYPHEN⟩ter'
    """
    if text.isascii() and text.isprintable():
        return text
    return "".join(
        f"⟨{name_of(c)}⟩" if c not in " \n\t" and unicodedata.category(c) in _INVISIBLE else c for c in text
    )


def name_of(char: str) -> str:
    """``U+00AD SOFT HYPHEN``: a character's code point and Unicode name (controls have none)."""
    name = unicodedata.name(char, "")
    return f"U+{ord(char):04X} {name}" if name else f"U+{ord(char):04X}"


def render(source: str, result: CleanResult, *, color: bool = False, everything: bool = False) -> str:
    """The marked-up document followed by its legend."""
    text, edits = base_text(source, result)
    shown = [e for e in edits if everything or e.stage != "canonical"]
    red, green, dim, reset = (_RED, _GREEN, _DIM, _RESET) if color else ("", "", "", "")
    out: list[str] = []
    for piece in marks(text, shown):
        if isinstance(piece, str):
            out.append(piece)
            continue
        e = piece
        mark = f"{red}[-{visible(text[e.start : e.end])}-]{reset}" if e.end > e.start else ""
        if e.new:
            mark += f"{green}{{+{visible(e.new)}+}}{reset}"
        out.append(f"{mark}{dim}⟨{e.rule}⟩{reset}")
    counts = Counter((e.stage, e.rule, e.reason) for e in shown)
    legend = [
        f"\n{'-' * 72}",
        f"{result.id or 'document'}: {result.status}, {len(shown)} edits shown"
        + ("" if everything else f" ({len(edits) - len(shown)} format-only edits hidden; --all shows them)"),
    ]
    if result.error:
        legend.append(f"error: {result.error}")
    for w in result.warnings:
        legend.append(f"warning: {w}")
    for (stage, rule, reason), n in sorted(counts.items()):
        legend.append(f"⟨{rule}⟩ {stage}, {n}×: {reason}")
    if result.metadata:
        legend.append("metadata: " + ", ".join(f"{k}={v!r}" for k, v in sorted(result.metadata.items())))
    for m in result.metadata_edits:  # repairs of values in the metadata (names in a caption)
        where = m.key if m.index is None else f"{m.key}[{m.index}]"
        e = m.edit
        legend.append(
            f"metadata repair: {where}: {visible(e.old)} -> {visible(e.new)}  {e.stage}/{e.rule}: {e.reason}"
        )
    return "".join(out).rstrip("\n") + "\n" + "\n".join(legend) + "\n"


@dataclass(frozen=True)
class Picked:
    """One record of a JSONL file, as ``explain FILE.jsonl --record N|ID`` cleans it."""

    text: str
    id: str
    html: bool
    number: int  # counted from 1 among the file's records
    total: int


def pick_record(path: str, wanted: str | None) -> Picked:
    """The record of a JSONL file that ``wanted`` names: an id, else a number counted from 1. Without
    ``wanted`` the file must hold exactly one record. Raises ValueError with a message saying how many
    records there are and how to pick one; the file is read once, holding the one record picked."""
    picked, total = None, 0
    for n, record, _ in iter_jsonl(path):
        if record is None:
            continue
        total += 1
        # the id a run of the file alone gives it (cleaner/runner.py)
        doc_id = str(record.get("id", f"{Path(path).name}:{n}"))
        if picked is None and (wanted is None or wanted == doc_id or wanted == str(total)):
            picked = (record, doc_id, total)
    hint = f"pick one with --record N (1 to {total}) or --record ID"
    if total == 0:
        raise ValueError(f"{path}: no JSON records")
    if wanted is None and total > 1:
        raise ValueError(f"{path} holds {total:,} records; {hint}")
    if picked is None:
        raise ValueError(f"{path}: no record {wanted!r} among its {total:,}; {hint}")
    record, doc_id, number = picked
    if not isinstance(record.get("text"), str):
        raise ValueError(f"{path}: record {number} has no 'text' string")
    return Picked(record["text"], doc_id, record.get("html") is True, number, total)


def result_of(record: Mapping[str, Any]) -> CleanResult:
    """A report record (``--report``) as the CleanResult it was written from, less the output text."""
    return CleanResult(
        text="",
        status=record["status"],
        id=record.get("id"),
        edits=tuple(Edit(**e) for e in record.get("edits") or ()),
        metadata=record.get("metadata") or {},
        warnings=tuple(record.get("warnings") or ()),
        error=record.get("error"),
    )
