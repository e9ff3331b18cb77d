"""``explain``: show a document with every removal and repair marked, each with its rule id and reason.

Edits are recorded against the input of their own stage application; to mark them on the text the user
gave, each edit's span is mapped back through the edits of the steps before it. The text shown is the
input of the first text stage: for an HTML page, the text trafilatura extracted.

Marks: ``[-removed-]⟨rule-id⟩`` and ``[-old-]{+new+}⟨rule-id⟩``; a legend lists each rule once with its
stage, how often it fired and its reason. Format-only edits of the ``canonical`` stage (spacing,
paragraph breaks, quote style) are left out unless ``everything`` is asked for.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

from cleaner.document import CleanResult, Edit

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


def render(source: str, result: CleanResult, *, color: bool = False, everything: bool = False) -> str:
    """The marked-up document followed by its legend."""
    text, edits = base_text(source, result)
    shown = [e for e in edits if everything or e.stage != "canonical"]
    red, green, dim, reset = (_RED, _GREEN, _DIM, _RESET) if color else ("", "", "", "")
    out: list[str] = []
    pos = 0
    for e in sorted(shown, key=lambda e: (e.start, e.end)):
        if e.start < pos:  # touches text an earlier mark already covers; it stays in the legend
            continue
        out.append(text[pos : e.start])
        mark = f"{red}[-{text[e.start : e.end]}-]{reset}" if e.end > e.start else ""
        if e.new:
            mark += f"{green}{{+{e.new}+}}{reset}"
        out.append(f"{mark}{dim}⟨{e.rule}⟩{reset}")
        pos = e.end
    out.append(text[pos:])
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
    return "".join(out).rstrip("\n") + "\n" + "\n".join(legend) + "\n"
