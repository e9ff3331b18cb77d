"""What loading rules gives: a validated :class:`RuleSet`, or a :class:`RuleError` with every
:class:`Problem` found."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from cleaner.rules.settings import Limits
from cleaner.stage import Rule

PIPELINE_FILE = "pipeline.toml"
# Bundled settings files a user names instead of giving a path (--settings keep-comments), in the rule set.
PRESETS_DIR = "presets"


def default_rules_dir() -> Path:
    """The bundled rule set: inside an installed wheel, else the repository's top-level ``rules/``."""
    package = Path(__file__).resolve().parents[1]
    packaged = package / "_rules"
    return packaged if packaged.is_dir() else package.parent / "rules"


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a rule file, with where it is and how to fix it."""

    file: str
    message: str
    line: int | None = None
    rule: str | None = None
    hint: str | None = None

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" if self.line else self.file
        who = f" rule {self.rule!r}:" if self.rule else ""
        hint = f" (hint: {self.hint})" if self.hint else ""
        return f"{where}:{who} {self.message}{hint}"


class Problems(list):
    """The problems found so far; loading goes on after one, so every problem is reported at once."""

    def add(self, file: Path | str, message: str, *, line=None, rule=None, hint=None) -> None:
        self.append(Problem(str(file), message, line, rule, hint))


class RuleError(Exception):
    """Raised when a rule set is invalid; carries every problem found, not just the first."""

    def __init__(self, problems: Sequence[Problem]):
        self.problems = list(problems)
        super().__init__("\n".join(str(p) for p in self.problems))


@dataclass(frozen=True)
class RuleSet:
    """A validated rule set: the stage order, each stage's settings and rules, and run limits (their
    defaults and bounds: :class:`cleaner.rules.settings.Limits`)."""

    stages: tuple[str, ...]
    settings: Mapping[str, Any]
    rules: Mapping[str, tuple[Rule, ...]]
    max_passes: int = Limits.max_passes
    pattern_timeout: float = Limits.pattern_timeout
    max_document_chars: int = Limits.max_document_chars
    time_budget: float = Limits.time_budget
    sources: tuple[str, ...] = field(default=())

    def all_rules(self) -> list[Rule]:
        return [r for name in self.stages for r in self.rules.get(name, ())]
