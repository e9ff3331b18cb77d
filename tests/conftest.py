"""Shared fixtures: the bundled rule set and cleaners built from it, loaded once per test session."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from cleaner import Cleaner, load_rules

# pytester runs pytest inside tests (tests/test_pytest_plugin.py); the cleaner_golden fixture comes from
# the package's own plugin, which its entry point registers once the project is installed (pip install
# -e .): named here too, so the tests run from a checkout that is not.
pytest_plugins = ("pytester", "cleaner.pytest_plugin")

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"
GOLDEN = ROOT / "golden"


@pytest.fixture(scope="session")
def ruleset():
    return load_rules()


@pytest.fixture(scope="session")
def cleaner(ruleset):
    return Cleaner(ruleset)


def with_stages(ruleset, *stages: str) -> Cleaner:
    """A cleaner that runs only ``stages`` (in default order) with the bundled rules and settings."""
    keep = tuple(s for s in ruleset.stages if s in stages)
    return Cleaner(dataclasses.replace(ruleset, stages=keep))


@pytest.fixture(scope="session")
def corpus_cleaner(cleaner):
    """The bundled cleaner with name statistics over the seeds: what `clean seeds -o OUT` runs."""
    from cleaner.golden import with_seed_stats

    return with_seed_stats(cleaner, SEEDS)
