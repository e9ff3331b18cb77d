"""Rule files: every bundled rule's self-test, and the load-time errors for broken rule files.

Each bundled rule gets its own test id (the rule id), so a failing rule is named in the test report.
Loading already runs the self-tests (a rule whose examples fail cannot load); running them again here
per rule keeps the failure readable and guards the loader's checking itself.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from cleaner import RuleError, load_rules
from cleaner.rules import default_rules_dir
from cleaner.stages import registry

BUNDLED = load_rules()
RULES = BUNDLED.all_rules()
BROKEN = sorted((Path(__file__).parent / "rule_errors").glob("*.toml"))


@pytest.mark.parametrize("rule", RULES, ids=[r.id for r in RULES])
def test_rule_examples_match_and_near_misses_do_not(rule):
    assert rule.examples, "a rule needs at least one example"
    assert rule.keep, "a rule needs at least one near miss"
    assert registry()[rule.stage].check_rule(rule) == []


@pytest.mark.parametrize("rule", RULES, ids=[r.id for r in RULES])
def test_rule_has_a_reason_and_a_findable_source(rule):
    assert len(rule.reason.split()) >= 4, "a reason says why in words a user understands"
    path, _, line = rule.source.rpartition(":")
    text = Path(path).read_text(encoding="utf-8").splitlines()
    assert f'"{rule.id}"' in text[int(line) - 1], "the source line is the rule's id line"


def test_ids_are_unique_and_kebab_case():
    ids = [r.id for r in RULES]
    assert len(ids) == len(set(ids))
    assert all(i == i.lower() and "_" not in i for i in ids)


def test_bundled_rules_cover_every_stage_that_takes_rules():
    with_rules = {name for name, cls in registry().items() if cls.rule_kinds and name in BUNDLED.stages}
    assert with_rules <= set(BUNDLED.rules), f"stages without rules: {with_rules - set(BUNDLED.rules)}"


def test_rule_files_are_grouped_by_concept():
    for f in default_rules_dir().glob("*.toml"):
        if f.name != "pipeline.toml":
            assert "concept = " in f.read_text(encoding="utf-8"), f"{f.name} names no concept"


@pytest.mark.parametrize("path", BROKEN, ids=[p.stem for p in BROKEN])
def test_broken_rule_file_is_reported(path):
    expect = path.read_text(encoding="utf-8").splitlines()[0].removeprefix("# expect: ")
    with pytest.raises(RuleError) as info:
        load_rules(path)
    problems = info.value.problems
    assert any(expect in str(p) for p in problems), "\n".join(str(p) for p in problems)
    for p in problems:
        assert p.file.endswith(path.name)
        assert p.hint, f"no hint: {p}"


def test_all_problems_are_reported_at_once(tmp_path):
    for p in BROKEN:
        if p.stem != "not_toml":
            (tmp_path / p.name).write_bytes(p.read_bytes())
    with pytest.raises(RuleError) as info:
        load_rules(tmp_path)
    reported = {Path(p.file).stem for p in info.value.problems}
    assert reported == {p.stem for p in BROKEN} - {"not_toml"}


def test_problem_points_at_the_rule_line():
    path = Path(__file__).parent / "rule_errors" / "duplicate_id.toml"
    with pytest.raises(RuleError) as info:
        load_rules(path)
    (problem,) = info.value.problems
    assert problem.rule == "twice"
    assert problem.line == 12  # the second definition's id line, not the first
