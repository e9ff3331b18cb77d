"""Load rule files (``rules/*.toml``), validate them, and report every problem at once.

A rule set is a directory of TOML files (or single files). ``pipeline.toml`` holds the stage order, stage
settings and the ids of rules to switch off; every other file holds rules of one concept for one stage::

    stage = "boilerplate"
    concept = "ad-slot markers"

    [[rule]]
    id = "ad-slot-marker"
    pattern = '(?i)(?:story|article) continues (?:below|after) (?:this )?(?:ad|advertisement)'
    reason = "publisher's marker where an ad was cut out of the article"
    examples = ["STORY CONTINUES BELOW THIS AD"]
    keep = ["The story continues below the fold of the newspaper."]

TOML is read with ``tomllib``: duplicate keys are errors with a line number and nothing is typed
implicitly. Nothing in a rule file is executed; patterns are compiled by ``regex`` and run with a timeout.

The package splits the job: :mod:`.ruleset` (what loading gives: RuleSet, Problem, RuleError),
:mod:`.loader` (reading the files, ``pipeline.toml``), :mod:`.rulefile` (one rule file, each rule and
its self-test), :mod:`.settings` (the one validator of run limits and stage settings) and :mod:`.hints`.
"""

from cleaner.rules.loader import load_rules
from cleaner.rules.ruleset import PIPELINE_FILE, Problem, RuleError, RuleSet, default_rules_dir

__all__ = ["PIPELINE_FILE", "Problem", "RuleError", "RuleSet", "default_rules_dir", "load_rules"]
