"""The README stays true: every command and option is documented, and its commands are the real ones."""

from __future__ import annotations

import argparse

from cleaner.cli import _parser
from cleaner.stages import registry
from tests.conftest import ROOT

README = (ROOT / "README.md").read_text(encoding="utf-8")


def _subcommands() -> dict[str, argparse.ArgumentParser]:
    action = next(a for a in _parser()._actions if isinstance(a, argparse._SubParsersAction))
    return dict(action.choices)


def test_every_command_and_option_is_documented():
    for name, sub in _subcommands().items():
        assert f"`{name} " in README or f"| `{name}" in README, f"command {name} is not in the README"
        for action in sub._actions:
            for flag in action.option_strings:
                if flag.startswith("--") and flag != "--help":
                    assert flag in README, f"{name} {flag} is not in the README"


def test_every_stage_is_in_the_readme_tour():
    for name in registry():
        assert f"| `{name}` |" in README, f"stage {name} is missing from the README's stage table"


def test_setup_commands_are_the_ones_ci_runs():
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert "python -m pip install -e '.[test]'" in README
    assert "python -m pip install --quiet -e '.[test]'" in ci
    assert "python -m pytest" in README and "python -m pytest" in ci
    assert "python -m cleaner clean seeds -o out" in README


def test_every_exit_code_is_in_the_readme_table():
    from cleaner import cli

    table = README[README.index("Exit codes:") : README.index("Standard output carries data only")]
    for code in (cli.OK, cli.DIFFERENT, cli.USAGE, cli.FAILURES, cli.STOPPED, 130, 143):
        assert f"`{code}`" in table, f"exit code {code} is not in the README's table"
