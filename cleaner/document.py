"""Value types shared by every part of the pipeline: Document, Edit, MetadataEdit, StageResult and
CleanResult.

All of them are immutable (frozen dataclasses holding tuples) so that a stage cannot mutate its input and
every object pickles for process pools and cluster workers.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

#: Document statuses, in the words DESIGN.md section 3 uses.
CLEANED, UNCHANGED, DROPPED, FAILED = "cleaned", "unchanged", "dropped", "failed"


class DocumentFailure(Exception):
    """A stage cannot clean this document (no main content in a page, say); the run goes on."""


@dataclass(frozen=True, slots=True)
class Edit:
    """One change a stage made: replace ``text[start:end]`` (of that stage's input) by ``new``.

    ``step`` numbers the stage applications of one document run (0, 1, 2, ...): edits that share a step were
    computed on the same input text, so replaying the steps in order reproduces the output exactly.
    """

    stage: str
    rule: str
    start: int
    end: int
    old: str
    new: str
    reason: str
    step: int = 0

    @property
    def kind(self) -> str:
        """``removal`` when text only goes away, ``repair`` otherwise."""
        return "removal" if not self.new else "repair"

    def at_step(self, step: int) -> Edit:
        """This edit, numbered ``step``. Built directly: ``dataclasses.replace`` inspects the fields on
        every call, 0.46 s of a 10 s profile for the 38,000 edits of half the bench's pages."""
        return Edit(self.stage, self.rule, self.start, self.end, self.old, self.new, self.reason, step)

    def to_dict(self) -> dict[str, Any]:
        # written out rather than dataclasses.asdict, which deep-copies every field: for a page's few
        # hundred edits that was 17 ms, and the CLI's main process spent a third of a --jobs 2 run on it
        return {
            "stage": self.stage,
            "rule": self.rule,
            "start": self.start,
            "end": self.end,
            "old": self.old,
            "new": self.new,
            "reason": self.reason,
            "step": self.step,
        }


@dataclass(frozen=True, slots=True)
class MetadataEdit:
    """A stage's repair of a metadata value (a name in a caption that an earlier stage moved out of the
    text): ``edit`` applies to the value under ``key``, or to its item ``index`` when it is a list.
    Recorded apart from the text's edits, so replaying those still rebuilds the text exactly."""

    key: str
    index: int | None
    edit: Edit

    def at_step(self, step: int) -> MetadataEdit:
        return MetadataEdit(self.key, self.index, self.edit.at_step(step))

    def to_dict(self) -> dict[str, Any]:
        return {"key": self.key, "index": self.index, **self.edit.to_dict()}


@dataclass(frozen=True, slots=True)
class Document:
    """A document on its way through the pipeline: its id, current text and what is known about it."""

    text: str
    id: str | None = None
    html: bool = False
    metadata: Mapping[str, Any] = field(default_factory=dict)
    # Lines each stage of the run has removed whole so far in this document's run, all passes, by stage
    # name (0 for a stage that removed none): what a later stage cannot see in its input (a page's
    # furniture, already gone). None when the stage runs outside a pipeline (a rule's examples), where
    # nothing is known. Never written to the record.
    removed_lines: Mapping[str, int] | None = None
    # Where those lines stood, by stage name: (offset, lines) for each run of lines the stage removed
    # whole, ``offset`` the position in the current text the run stood before (the start of the line that
    # followed it, or the end of the text), kept in step with every later edit of the run; runs that end
    # up at one offset are one entry. What a later stage cannot see either: where a page's furniture
    # separated two parts of it (see the mainblock stage). None outside a pipeline. Never written to the
    # record.
    removed_runs: Mapping[str, tuple[tuple[int, int], ...]] | None = None


@dataclass(frozen=True, slots=True)
class StageResult:
    """What a stage returns for one document: its edits, new metadata and, rarely, a verdict to drop it.

    The stage does not return new text: the pipeline applies ``edits`` to the input, so the record of
    changes and the output can never disagree.
    """

    edits: tuple[Edit, ...] = ()
    metadata: Mapping[str, Any] = field(default_factory=dict)
    drop: str | None = None
    metadata_edits: tuple[MetadataEdit, ...] = ()  # repairs of values already in the metadata


@dataclass(frozen=True, slots=True)
class CleanResult:
    """The outcome of cleaning one document."""

    text: str
    status: str
    id: str | None = None
    edits: tuple[Edit, ...] = ()
    metadata: Mapping[str, Any] = field(default_factory=dict)
    warnings: tuple[str, ...] = ()
    error: str | None = None
    chars_in: int | None = None  # the input's length (an HTML page's, before extraction); None: unknown
    metadata_edits: tuple[MetadataEdit, ...] = ()

    @property
    def ok(self) -> bool:
        """True when there is text to write (the document was cleaned or came back unchanged)."""
        return self.status in (CLEANED, UNCHANGED)

    @property
    def language(self) -> str | None:
        return self.metadata.get("language")

    def record(self, path: str | None = None) -> dict[str, Any]:
        """The JSON-ready report record of DESIGN.md section 3."""
        return {
            "id": self.id,
            "path": path,
            "status": self.status,
            "error": self.error,
            "language": self.language,
            "metadata": dict(self.metadata),
            "warnings": list(self.warnings),
            "edits": [e.to_dict() for e in self.edits],
            # sizes, for a run's summary (cleaner/summary.py): the edits say what changed, not how much stayed
            "chars_in": self.chars_in,
            "chars_out": len(self.text),
        } | (  # only where there are some: the records of other documents stay as they were
            {"metadata_edits": [e.to_dict() for e in self.metadata_edits]} if self.metadata_edits else {}
        )


def apply_edits(text: str, edits: Iterable[Edit]) -> str:
    """Apply non-overlapping edits that all refer to ``text``; raises ValueError on overlap.

    >>> apply_edits("a  b", [Edit("s", "r", 1, 3, "  ", " ", "why")])
    'a b'
    """
    out: list[str] = []
    pos = 0
    for e in sorted(edits, key=lambda e: (e.start, e.end)):
        if e.start < pos or e.end > len(text) or text[e.start : e.end] != e.old:
            raise ValueError(f"edit {e.stage}/{e.rule} at {e.start}:{e.end} does not fit the text")
        out.append(text[pos : e.start])
        out.append(e.new)
        pos = e.end
    out.append(text[pos:])
    return "".join(out)


def replay(text: str, edits: Iterable[Edit]) -> str:
    """Reproduce a document's output from its input and its edit record, one step at a time."""
    steps: dict[int, list[Edit]] = {}
    for e in edits:
        steps.setdefault(e.step, []).append(e)
    for step in sorted(steps):
        text = apply_edits(text, steps[step])
    return text
