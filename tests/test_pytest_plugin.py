"""The pytest plugin (cleaner/pytest_plugin.py), run as a user's project runs it: with pytester."""

from __future__ import annotations

import pytest

from cleaner.stages import registry

# pytester's in-process runs forget the modules first imported inside them; imported here, the stage
# modules stay, and a second run does not register its stages again
registry()

PAGE = "Trump met Zelensky 's envoy in Kyiv.\nSubscribe to the Daily Bugle today\nThe talks went on.\n"
HOUSE_RULES = """
stage = "boilerplate"
concept = "our own promos"

[[rule]]
id = "daily-bugle-promo"
pattern = '(?i)subscribe to the daily bugle\\b.*'
reason = "the paper's own newsletter promo"
examples = ["Subscribe to the Daily Bugle today"]
keep = ["He did not subscribe to the paper."]
"""
TEST = """
from pathlib import Path

def test_page(cleaner_golden):
    cleaner_golden.check(Path("pages/story.txt"))

def test_texts(cleaner_golden):
    cleaner_golden.check("Putin met Zelensky 's envoy.\\nSTORY CONTINUES BELOW THIS AD\\n")
    cleaner_golden.check("A second   text.\\n")
    cleaner_golden.check("A named text.\\n", name="named")
"""


@pytest.fixture
def project(pytester):
    """A user's project: a page, their own rules on top of the bundled ones, goldens in tests/golden."""
    pytester.makeini(
        "[pytest]\ncleaner_rules =\n    default\n    my_rules.toml\ncleaner_golden_dir = tests/golden\n"
    )
    pytester.makefile(".toml", my_rules=HOUSE_RULES)
    (pytester.path / "pages").mkdir()
    (pytester.path / "pages" / "story.txt").write_text(PAGE, encoding="utf-8")
    pytester.makepyfile(test_story=TEST)
    return pytester


def _run(pytester, *args):
    return pytester.runpytest("-p", "cleaner.pytest_plugin", *args)


def test_missing_goldens_fail_then_update_writes_them_and_still_fails(project):
    first = _run(project)
    first.assert_outcomes(failed=2)
    first.stdout.fnmatch_lines(["*golden*story.txt is missing: `pytest --cleaner-update` writes it*"])
    updated = _run(project, "--cleaner-update")
    updated.assert_outcomes(failed=2)
    updated.stdout.fnmatch_lines(["*wrote the missing golden*story.txt from*review it, then commit*"])
    golden = project.path / "tests" / "golden"
    assert sorted(p.name for p in golden.iterdir()) == [
        "named.txt", "story.txt", "test_texts-2.txt", "test_texts.txt"
    ]  # fmt: skip
    # the user's own rule removed their promo, the bundled ones the rest
    assert (golden / "story.txt").read_text() == "Trump met Zelensky's envoy in Kyiv.\n\nThe talks went on.\n"
    assert (golden / "test_texts.txt").read_text() == "Putin met Zelensky's envoy.\n"
    _run(project).assert_outcomes(passed=2)


def test_a_difference_shows_the_word_diff_and_the_rules_behind_it(project):
    golden = project.path / "tests" / "golden"
    golden.mkdir(parents=True)
    # the golden a rule set without the house rule would give: the promo kept, and a repair not made
    (golden / "story.txt").write_text(
        "Trump met Zelensky 's envoy in Kyiv.\n\nSubscribe to the Daily Bugle today\n\nThe talks went on.\n"
    )
    result = _run(project, "-k", "test_page")
    result.assert_outcomes(failed=1)
    assert (
        "pages/story.txt no longer cleans to its golden tests/golden/story.txt "
        "(`pytest --cleaner-update` rewrites it):\n"
        "1. Trump met [-Zelensky 's-]{+Zelensky's+} envoy in Kyiv. ¶ The talks\n"
        "   ⟨space-before-possessive⟩ repair: machine translation splits the possessive 's from its noun\n"
        "2. Trump met Zelensky's envoy in Kyiv. [-¶ Subscribe to the Daily Bugle today-] ¶ The talks "
        "went on.\n"
        "   ⟨daily-bugle-promo⟩ boilerplate: the paper's own newsletter promo\n"
    ) in result.stdout.str()
    assert "Traceback" not in result.stdout.str()
    _run(project, "-k", "test_page", "--cleaner-update").assert_outcomes(failed=1)
    _run(project, "-k", "test_page").assert_outcomes(passed=1)


def test_text_the_golden_expects_removed_says_no_rule_acted(pytester):
    pytester.makepyfile(
        test_it="""
def test_it(cleaner_golden):
    cleaner_golden.check("First line of the story.\\n\\nA sentence the golden has no more.\\n")
"""
    )
    (pytester.path / "golden").mkdir()
    (pytester.path / "golden" / "test_it.txt").write_text("First line of the story.\n")
    result = _run(pytester)
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(
        ["1. First line of the story. {+¶ A sentence the golden has no more.+}", "   no rule acted here"]
    )


def test_a_failed_document_fails_with_its_reason(pytester):
    pytester.makepyfile(test_it="def test_it(cleaner_golden):\n    cleaner_golden.check('   ')\n")
    result = _run(pytester)
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(["*the text of test_it: failed: empty document*"])


def test_the_entry_point_is_declared_and_loading_the_plugin_loads_no_stage():
    import subprocess
    import sys
    import tomllib

    from tests.conftest import ROOT

    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    assert project["entry-points"]["pytest11"] == {"cleaner.pytest_plugin": "cleaner.pytest_plugin"}
    # every pytest run of a project that has cleaner installed loads the plugin: no rules, no word lists
    code = "import sys, cleaner.pytest_plugin; print(sorted(m for m in sys.modules if m in HEAVY))"
    code = code.replace("HEAVY", repr({"cleaner.stages", "trafilatura", "wordfreq", "ftfy", "langdetect"}))
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
