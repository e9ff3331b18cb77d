"""The stages, one module each, and :data:`STAGES`, the one statement of their default order."""

from __future__ import annotations

from cleaner.stage import Stage
from cleaner.stages.appended import Appended
from cleaner.stages.boilerplate import Boilerplate
from cleaner.stages.canonical import Canonical
from cleaner.stages.debris import Debris
from cleaner.stages.extract import Extract
from cleaner.stages.language import Language
from cleaner.stages.mainblock import MainBlock
from cleaner.stages.names import Names
from cleaner.stages.repair import Repair
from cleaner.stages.unicode import Unicode

#: Every stage, in the default order; a configured pipeline lists a subset of them in this order.
STAGES: tuple[type[Stage], ...] = (
    Extract,
    Unicode,
    Debris,
    Appended,  # before boilerplate, which would remove the headings and time stamps it cuts at
    Boilerplate,
    MainBlock,
    Repair,
    Names,
    Language,
    Canonical,
)


def registry() -> dict[str, type[Stage]]:
    """All stages by name, in default order."""
    return {stage.name: stage for stage in STAGES}


__all__ = ["STAGES", "registry"]
