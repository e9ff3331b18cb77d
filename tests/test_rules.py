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


# Shared definitions ([define] tables, called as (?&name)): see cleaner/rules/definitions.py.

ISSUE_RULE = """
stage = "boilerplate"
concept = "a magazine's issue labels"

[[rule]]
id = "issue-label"
pattern = '{pattern}'
reason = "a month's issue label of a magazine page"
examples = ["March issue", "Mars issue"]
keep = ["The March issue sold out."]
"""


def _rule(ruleset, rid: str):
    return next(r for r in ruleset.all_rules() if r.id == rid)


def test_a_users_rule_calls_a_bundled_definition(tmp_path):
    (tmp_path / "issues.toml").write_text(ISSUE_RULE.format(pattern="(?i)(?&month) issue"), encoding="utf-8")
    rule = _rule(load_rules(tmp_path, bundled=True), "issue-label")
    assert rule.pattern.fullmatch("Septembre issue")  # the bundled month names, French too
    assert "(?&" not in rule.pattern.source  # written out: fingerprint and pickle carry the definition


def test_definitions_of_one_set_are_unique(tmp_path):
    (tmp_path / "a.toml").write_text('[define]\nmonth = "(?:march|mars)"\n', encoding="utf-8")
    (tmp_path / "b.toml").write_text('[define]\nmonth = "(?:march)"\n', encoding="utf-8")
    (tmp_path / "issues.toml").write_text(ISSUE_RULE.format(pattern="(?i)(?&month) issue"), encoding="utf-8")
    with pytest.raises(RuleError) as info:
        load_rules(tmp_path)
    (problem,) = info.value.problems
    assert "'month' is defined twice" in problem.message and problem.file.endswith("b.toml")
    assert "a.toml:2" in problem.hint


def test_a_users_definition_replaces_the_bundled_one(tmp_path):
    import tomllib

    bundled = tomllib.loads((default_rules_dir() / "vocabulary.toml").read_text(encoding="utf-8"))["define"]
    wider = bundled["month"].replace("(?:january|", "(?:brumaire|january|")
    (tmp_path / "vocabulary.toml").write_text(f"[define]\nmonth = '''{wider}'''\n", encoding="utf-8")
    ruleset = load_rules(tmp_path, bundled=True)
    assert _rule(ruleset, "timestamp").pattern.fullmatch("18 brumaire 1799")  # the bundled rule calls it
    assert not _rule(BUNDLED, "timestamp").pattern.fullmatch("18 brumaire 1799")


def test_a_definition_keeps_its_spaces_in_a_verbose_pattern(tmp_path):
    text = ISSUE_RULE.format(pattern="(?xi) (?&month) [ ] issue").replace('"Mars issue"', '"New Year issue"')
    define = '\n[define]\nmonth = "(?:march|new year)"\n'  # last: in TOML a table runs to the next header
    (tmp_path / "issues.toml").write_text(text + define, encoding="utf-8")
    rule = _rule(load_rules(tmp_path), "issue-label")
    assert rule.pattern.fullmatch("New Year issue") and not rule.pattern.fullmatch("NewYear issue")
