"""Per-run tallies and the per-document report records (``--report FILE.jsonl``)."""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from cleaner.document import CLEANED, DROPPED, FAILED, UNCHANGED, CleanResult

#: the warning the pipeline notes when it rolls a stage back (see cleaner/pipeline.py)
ROLLED_BACK = ": rolled back, "


def encoded(record: dict[str, Any]) -> str:
    """A record's JSON text, as the report writes it (one line, keys sorted)."""
    return json.dumps(record, ensure_ascii=False, sort_keys=True)


@dataclass
class RunReport:
    """What a run (or one item of it) did: documents by status, edits by rule, one line per failure,
    characters in and out, warnings and rollbacks. Tallies add up (:meth:`absorb`), so a worker tallies
    its item where it made the records and the main process only adds, parsing nothing back."""

    statuses: Counter = field(default_factory=Counter)
    rules: Counter = field(default_factory=Counter)
    failures: list[str] = field(default_factory=list)
    chars_in: int = 0
    chars_out: int = 0
    warnings: int = 0
    rollbacks: int = 0

    def add(self, result: CleanResult, path: str | None, chars_in: int = 0) -> str:
        """Count a cleaned document (``chars_in``: the length of its input text); its encoded record."""
        self.chars_out += len(result.text) if result.ok else 0
        return self.count(result.record(path), chars_in)

    def fail(self, path: str, reason: str, id: str | None = None) -> str:
        """Count a failure that happened before cleaning (unreadable file, bad JSONL line); its encoded
        record."""
        return self.count(failure_record(path, reason, id))

    def count(self, record: dict[str, Any], chars_in: int = 0) -> str:
        """Count a document's report record; its JSON text, as the report writes it."""
        status = record["status"]
        self.statuses[status] += 1
        self.rules.update(rule_counts((e["stage"], e["rule"]) for e in record["edits"]))
        if status == FAILED:
            self.failures.append(f"{record['path'] or record['id']}: {record['error']}")
        self.chars_in += chars_in
        self.warnings += len(record["warnings"])
        self.rollbacks += sum(ROLLED_BACK in w for w in record["warnings"])
        return encoded(record)

    def absorb(self, other: RunReport) -> None:
        """Add ``other``'s tally to this one."""
        self.statuses.update(other.statuses)
        self.rules.update(other.rules)
        self.failures.extend(other.failures)
        self.chars_in += other.chars_in
        self.chars_out += other.chars_out
        self.warnings += other.warnings
        self.rollbacks += other.rollbacks

    def to_json(self) -> dict[str, Any]:
        """The tally as JSON-ready values (the resume journal keeps one per item)."""
        return {
            "statuses": dict(self.statuses),
            # pairs, not an object: the journal sorts object keys, and ties in the summary's top rules
            # go in the order the rules were first seen
            "rules": list(self.rules.items()),
            "failures": list(self.failures),
            "chars": [self.chars_in, self.chars_out],
            "warnings": [self.warnings, self.rollbacks],
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> RunReport:
        return cls(
            Counter(data["statuses"]),
            Counter(dict(data["rules"])),
            list(data["failures"]),
            *data["chars"],
            *data["warnings"],
        )

    @property
    def documents(self) -> int:
        return sum(self.statuses.values())

    @property
    def failed(self) -> int:
        return self.statuses[FAILED]

    def summary(self, top: int = 5) -> str:
        """The one-line summary for standard error."""
        counts = ", ".join(f"{self.statuses[s]} {s}" for s in (CLEANED, UNCHANGED, DROPPED, FAILED))
        rules = ", ".join(f"{r} {n}" for r, n in self.rules.most_common(top))
        return f"cleaner: {counts}" + (f"; top rules: {rules}" if rules else "")


def rule_counts(edits: Iterable[tuple[str, str]]) -> Counter:
    """Edits per rule, named ``stage/rule``, from ``(stage, rule)`` pairs; the format edits of ``canonical``
    are left out: they are in every document and drown the signal."""
    return Counter(f"{stage}/{rule}" for stage, rule in edits if stage != "canonical")


def failure_record(path: str, reason: str, id: str | None = None) -> dict[str, Any]:
    """The report record of a document that failed before cleaning."""
    return {
        "id": id,
        "path": path,
        "status": FAILED,
        "error": reason,
        "language": None,
        "metadata": {},
        "warnings": [],
        "edits": [],
        "chars_in": None,
        "chars_out": 0,
    }
