"""Per-run tallies and the per-document report records (``--report FILE.jsonl``)."""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import IO, Any

from cleaner.document import CLEANED, DROPPED, FAILED, UNCHANGED, CleanResult
from cleaner.faults import writing


class Encoded(dict):
    """A report record that carries its JSON text (``.json``), encoded once, where the work was done: a
    process pool's workers encode their records in parallel, and the report and the resume journal
    write that text instead of encoding the record again in the one main process."""

    json: str

    @classmethod
    def of(cls, record: dict[str, Any]) -> Encoded:
        if isinstance(record, Encoded):
            return record
        out = cls(record)
        out.json = json.dumps(record, ensure_ascii=False, sort_keys=True)
        return out


def encoded(record: dict[str, Any]) -> str:
    """A record's JSON text, as the report writes it (one line, keys sorted)."""
    return Encoded.of(record).json  # an Encoded record is its own


@dataclass
class RunReport:
    """What a run did: documents by status, edits by rule, and one line per failure."""

    statuses: Counter = field(default_factory=Counter)
    rules: Counter = field(default_factory=Counter)
    failures: list[str] = field(default_factory=list)
    sink: IO[str] | None = None  # where report records go, one JSON object per line
    sink_name: str = "the report"  # the file it will be, for the message when writing it fails

    def add(self, result: CleanResult, path: str | None) -> None:
        self.replay(result.record(path))

    def fail(self, path: str, reason: str, id: str | None = None) -> None:
        """A failure that happened before cleaning (unreadable file, bad JSONL line)."""
        self.replay(failure_record(path, reason, id))

    def replay(self, record: dict[str, Any]) -> None:
        """Count a document's report record and write it: the one path for fresh results and for the
        records a resumed run takes from the journal, so both report the same."""
        status = record["status"]
        self.statuses[status] += 1
        self.rules.update(rule_counts((e["stage"], e["rule"]) for e in record["edits"]))
        if status == FAILED:
            self.failures.append(f"{record['path'] or record['id']}: {record['error']}")
        self.write(record)

    def write(self, record: dict[str, Any]) -> None:
        if self.sink is not None:
            with writing(self.sink_name):
                self.sink.write(encoded(record) + "\n")

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
