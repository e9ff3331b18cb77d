"""The per-document report records (``--report FILE.jsonl``) and what a run's summary reads of them.

A record holds every edit (``--report-level full``, the default) or, at ``--report-level summary``,
one entry per rule instead (:func:`summary_record`): the same counts in a fraction of the size."""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterable, Mapping
from typing import Any

from cleaner.document import FAILED

FULL, SUMMARY = "full", "summary"
REPORT_LEVELS = (FULL, SUMMARY)


def encoded(record: dict[str, Any]) -> str:
    """A record's JSON text, as the report writes it (one line, keys sorted)."""
    return json.dumps(record, ensure_ascii=False, sort_keys=True)


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


def removed_chars(edit: Mapping[str, Any]) -> int:
    """Characters an edit takes out of the text (a repair that grows the text takes out none)."""
    return max(0, len(edit["old"]) - len(edit["new"]))


def rule_tally(record: Mapping[str, Any]) -> list[tuple[str, str, int, int]]:
    """``(stage, rule, edits, characters removed)`` per rule of a record, in the order the rules first
    edit: from its edits, or from the ``rules`` entry of a summary-level record."""
    if "edits" not in record:
        return [tuple(entry) for entry in record.get("rules") or []]
    tally: dict[tuple[str, str], list[int]] = {}
    for e in record["edits"]:
        counts = tally.setdefault((e["stage"], e["rule"]), [0, 0])
        counts[0] += 1
        counts[1] += removed_chars(e)
    return [(stage, rule, n, removed) for (stage, rule), (n, removed) in tally.items()]


def summary_record(record: Mapping[str, Any]) -> dict[str, Any]:
    """``record`` at ``--report-level summary``: its edits replaced by one ``[stage, rule, edits,
    characters removed]`` entry per rule, everything else kept."""
    short = {k: v for k, v in record.items() if k != "edits"}
    short["rules"] = [list(entry) for entry in rule_tally(record)]
    return short
