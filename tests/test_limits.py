"""Per-document limits from pipeline.toml: ``max_document_chars`` and ``time_budget``."""

from __future__ import annotations

import dataclasses
import re
import shutil
from pathlib import Path

import pytest

from cleaner import Cleaner, RuleError, load_rules
from cleaner.rules import default_rules_dir

SEED = sorted((Path(__file__).resolve().parent.parent / "seeds").glob("*.txt"))[0].read_text(encoding="utf-8")


def _rules_copy(tmp_path: Path) -> Path:
    """A copy of the bundled rule files to edit."""
    rules = tmp_path / "rules"
    shutil.copytree(default_rules_dir(), rules)
    return rules


def _set(pipeline: Path, line: str) -> None:
    """Replace the line of pipeline.toml that sets the same key (the bundled file sets both limits)."""
    key = line.split("=")[0].strip()
    text = pipeline.read_text(encoding="utf-8")
    new, n = re.subn(rf"(?m)^{key} = .*$", line, text)
    assert n == 1, f"{key} not set once in {pipeline}"
    pipeline.write_text(new, encoding="utf-8")


def _cleaner(**limits) -> Cleaner:
    return Cleaner(dataclasses.replace(load_rules(), **limits))


def test_a_document_over_max_document_chars_fails_before_any_stage():
    result = _cleaner(max_document_chars=100).clean(SEED)
    assert result.status == "failed" and result.text == ""
    assert result.error == f"document too large: {len(SEED):,} characters (max_document_chars = 100)"
    assert result.edits == ()


def test_a_document_at_the_limit_is_cleaned():
    assert _cleaner(max_document_chars=len(SEED)).clean(SEED).status == "cleaned"


def test_a_spent_time_budget_fails_the_document_with_the_stage_it_stopped_before():
    result = _cleaner(time_budget=1e-9).clean(SEED)
    assert result.status == "failed" and result.text == ""
    assert result.error.startswith("time budget of 1e-09 s spent before stage ")
    assert result.error.endswith("(time_budget)")


def test_the_default_limits_leave_ordinary_documents_alone():
    ruleset = load_rules()
    assert ruleset.max_document_chars == 20_000_000 and ruleset.time_budget == 120.0
    assert Cleaner(ruleset).clean(SEED).status == "cleaned"


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ("max_document_chars = 0", "'max_document_chars' must be a positive integer"),
        ('max_document_chars = "big"', "'max_document_chars' must be a positive integer"),
        ("time_budget = -1", "'time_budget' must be a positive number of seconds"),
        ("time_budget = true", "'time_budget' must be a positive number of seconds"),
        ("max_passes = 0", "'max_passes' must be an integer from 1 to 20"),
        ("max_passes = 2.5", "'max_passes' must be an integer from 1 to 20"),
        ("pattern_timeout = 61", "'pattern_timeout' must be a number of seconds in (0, 60]"),
    ],
)
def test_bad_limits_are_located_load_errors(tmp_path, line, message):
    rules = _rules_copy(tmp_path)
    _set(rules / "pipeline.toml", line)
    with pytest.raises(RuleError) as exc:
        load_rules(rules)
    assert any(message in str(p) and "pipeline.toml" in str(p) for p in exc.value.problems)


def test_limits_from_pipeline_toml_reach_the_cleaner(tmp_path):
    rules = _rules_copy(tmp_path)
    _set(rules / "pipeline.toml", "max_document_chars = 50")
    _set(rules / "pipeline.toml", "time_budget = 7.5")
    ruleset = load_rules(rules)
    assert (ruleset.max_document_chars, ruleset.time_budget) == (50, 7.5)
    assert Cleaner(ruleset).clean(SEED).error.startswith("document too large")
