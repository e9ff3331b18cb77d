"""A run's summary, computed from its report records: what ``cleaner stats REPORT.jsonl`` prints.

:class:`RunSummary` is a value: built from records (:meth:`RunSummary.from_records`, or one record at a
time with :meth:`RunSummary.add`, so a run can keep one up to date as its records stream by), turned
into JSON with :meth:`RunSummary.to_dict` and back with :meth:`RunSummary.from_dict`, and into the
human text with :meth:`RunSummary.text`. It holds counts, never documents: the lists of rollbacks,
warnings and failures keep their first :data:`LISTED` entries, and their totals are always complete, so
a run of a million documents summarises in the memory of a few.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from cleaner.document import CLEANED, DROPPED, FAILED, UNCHANGED
from cleaner.report import rule_tally

STATUSES = (CLEANED, UNCHANGED, DROPPED, FAILED)
LISTED = 100  # rollbacks, warnings and failures listed by name; the counts cover them all
TOP = 10  # rules shown in the human text

# the pipeline's guard notes a rollback as "<stage>: rolled back, <why>" (cleaner/pipeline.py)
_ROLLBACK = re.compile(r"(?P<stage>[\w-]+): rolled back, (?P<why>.*)")


def document_name(record: Mapping[str, Any]) -> str:
    """How a report record's document is named to a person: its input path, else its id."""
    return str(record.get("path") or record.get("id") or "?")


@dataclass
class RunSummary:
    """Documents by status, characters in and out, rollbacks, warnings and the rules that did most."""

    documents: int = 0
    statuses: Counter = field(default_factory=Counter)
    chars_in: int = 0
    chars_out: int = 0
    unsized: int = 0  # records without sizes (written before reports had them): not in chars_in/out
    removed_by_stage: Counter = field(default_factory=Counter)  # characters, every stage
    removed_by_rule: Counter = field(default_factory=Counter)  # characters, as ``stage/rule``
    edits_by_rule: Counter = field(default_factory=Counter)  # edits, as ``stage/rule``
    rollbacks_by_stage: Counter = field(default_factory=Counter)
    rollbacks: list[dict[str, str]] = field(default_factory=list)  # document, stage, why
    warning_count: int = 0  # warnings that are not rollbacks
    warnings: list[dict[str, str]] = field(default_factory=list)  # document, warning
    failures: list[dict[str, str]] = field(default_factory=list)  # document, error
    elapsed: float | None = None  # seconds, when the run measured them

    @classmethod
    def from_records(cls, records: Iterable[Mapping[str, Any]], elapsed: float | None = None) -> RunSummary:
        summary = cls(elapsed=elapsed)
        for record in records:
            summary.add(record)
        return summary

    def add(self, record: Mapping[str, Any]) -> None:
        """Count one document's report record."""
        name = document_name(record)
        status = record["status"]
        self.documents += 1
        self.statuses[status] += 1
        if record.get("chars_in") is None:
            self.unsized += 1
        else:
            self.chars_in += record["chars_in"]
            self.chars_out += record.get("chars_out") or 0
        # per rule as the one-line summary counts them: canonical's format edits left out (from the
        # edits of a full report, or the per-rule counts of a summary-level one: the same numbers)
        for stage, rule, edits, removed in rule_tally(record):
            self.removed_by_stage[stage] += removed
            if stage != "canonical":
                self.removed_by_rule[f"{stage}/{rule}"] += removed
                self.edits_by_rule[f"{stage}/{rule}"] += edits
        for w in record.get("warnings") or []:
            if m := _ROLLBACK.fullmatch(w):
                self.rollbacks_by_stage[m["stage"]] += 1
                if len(self.rollbacks) < LISTED:
                    self.rollbacks.append({"document": name, "stage": m["stage"], "why": m["why"]})
            else:
                self.warning_count += 1
                if len(self.warnings) < LISTED:
                    self.warnings.append({"document": name, "warning": w})
        if status == FAILED and len(self.failures) < LISTED:
            self.failures.append({"document": name, "error": str(record.get("error"))})

    def absorb(self, other: RunSummary) -> None:
        """Add ``other``'s counts to these: a worker summarises its item where it made the records and
        the main process only adds, parsing nothing back. Absorbing items in input order gives the value
        :meth:`add` gives over all their records (the lists keep their first entries, ties their order)."""
        self.documents += other.documents
        self.chars_in += other.chars_in
        self.chars_out += other.chars_out
        self.unsized += other.unsized
        self.warning_count += other.warning_count
        for name in _COUNTERS:
            getattr(self, name).update(getattr(other, name))
        for name in _LISTS:
            mine = getattr(self, name)
            mine.extend(getattr(other, name)[: LISTED - len(mine)])

    def failure_lines(self) -> list[str]:
        """``document: error`` for each failure listed."""
        return [f"{f['document']}: {f['error']}" for f in self.failures]

    @property
    def failed(self) -> int:
        return self.statuses[FAILED]

    @property
    def rollback_count(self) -> int:
        return sum(self.rollbacks_by_stage.values())

    def to_json(self) -> dict[str, Any]:
        """The counts with their order kept (counters as pairs: the resume journal sorts object keys,
        and ties in the top rules go in the order the rules were first seen); :meth:`from_json` reads
        them back."""
        data = self.to_dict()
        data.update({k: list(getattr(self, k).items()) for k in _COUNTERS})
        return data

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> RunSummary:
        return cls.from_dict({**data, **{k: dict(data[k]) for k in _COUNTERS}})

    def line(self, top: int = 5) -> str:
        """The one-line summary: documents by status and the rules with most edits."""
        rules = ", ".join(f"{r} {n}" for r, n in self.edits_by_rule.most_common(top))
        return self.status_line() + (f"; top rules: {rules}" if rules else "")

    def status_line(self) -> str:
        """``cleaner: 5 cleaned, 0 unchanged, 0 dropped, 0 failed``."""
        return "cleaner: " + ", ".join(f"{self.statuses[s]} {s}" for s in STATUSES)

    @property
    def docs_per_second(self) -> float | None:
        return self.documents / self.elapsed if self.elapsed else None

    def to_dict(self) -> dict[str, Any]:
        """The summary as JSON-ready data (``cleaner stats --json``); :meth:`from_dict` reads it back."""
        return {
            "documents": self.documents,
            "statuses": {s: self.statuses[s] for s in STATUSES} | dict(sorted(self.statuses.items())),
            "chars_in": self.chars_in,
            "chars_out": self.chars_out,
            "unsized": self.unsized,
            "elapsed": self.elapsed,
            "docs_per_second": self.docs_per_second,
            "removed_by_stage": dict(self.removed_by_stage.most_common()),
            "removed_by_rule": dict(self.removed_by_rule.most_common()),
            "edits_by_rule": dict(self.edits_by_rule.most_common()),
            "rollbacks_by_stage": dict(self.rollbacks_by_stage.most_common()),
            "rollbacks": self.rollbacks,
            "warning_count": self.warning_count,
            "warnings": self.warnings,
            "failures": self.failures,
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> RunSummary:
        derived = ("docs_per_second",)
        values = {k: v for k, v in data.items() if k not in derived}
        for k in _COUNTERS:
            values[k] = Counter(values.get(k, {}))
        return cls(**values)

    def text(self, top: int = TOP, failures: bool = True) -> str:
        """The summary for a person, a few lines (``failures``: with the failed documents listed)."""
        statuses = ", ".join(f"{self.statuses[s]:,} {s}" for s in STATUSES)
        lines = [f"{self.documents:,} documents: {statuses}"]
        if self.elapsed is not None:
            rate = self.docs_per_second
            lines.append(f"elapsed {self.elapsed:.1f} s" + (f", {rate:,.1f} documents/s" if rate else ""))
        sizes = f"characters in {_mb(self.chars_in)}, out {_mb(self.chars_out)}"
        if self.chars_in:
            sizes += f" ({self.chars_out / self.chars_in:.0%} kept)"
        if self.unsized:
            sizes += f"; {self.unsized:,} records without sizes left out"
        lines.append(sizes)
        total = sum(self.rollbacks_by_stage.values())
        by_stage = ", ".join(f"{s} {n:,}" for s, n in self.rollbacks_by_stage.most_common())
        lines.append(f"rollbacks: {total:,}" + (f" ({by_stage})" if by_stage else ""))
        lines += [
            f"  {one_line(r['document'])}: {r['stage']} rolled back, {r['why']}" for r in self.rollbacks[:top]
        ]
        lines.append(f"warnings: {self.warning_count:,}")
        lines += [f"  {one_line(w['document'])}: {w['warning']}" for w in self.warnings[:top]]
        if failures:
            lines += [f"failed: {one_line(f['document'])}: {f['error']}" for f in self.failures[:top]]
        for title, counts, unit in (
            ("top rules by characters removed", self.removed_by_rule, " chars"),
            ("top rules by edits", self.edits_by_rule, ""),
        ):
            shown = [(r, n) for r, n in counts.most_common(top) if n]
            if shown:
                lines.append(f"{title}:")
                lines += [f"  {n:>12,}{unit}  {r}" for r, n in shown]
        return "\n".join(lines) + "\n"


_COUNTERS = ("statuses", "removed_by_stage", "removed_by_rule", "edits_by_rule", "rollbacks_by_stage")
_LISTS = ("rollbacks", "warnings", "failures")


def one_line(name: str) -> str:
    """A document's name on one line (a file name may hold a line break), for line-based readers."""
    return name.replace("\n", "\\n").replace("\r", "\\r")


def _mb(chars: int) -> str:
    """Characters in millions (the MB of ASCII text), with the exact count for small runs."""
    return f"{chars / 1e6:,.2f} M" if chars >= 10_000 else f"{chars:,}"
