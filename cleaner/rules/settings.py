"""The one validator of settings: the pipeline's run limits (``pipeline.toml``'s top level) and each
stage's ``[settings.<stage>]`` go through :func:`check_settings`, against a frozen dataclass whose
defaults are the only place a default is written.

A field may bound its values: ``field(default=..., metadata=bounded(test, "what it must be"))``; a value
of the wrong type or out of bounds is then reported as "<key> must be <what it must be>". Checks across
fields stay in the dataclass's ``__post_init__`` (a ValueError there is reported as the problem).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, fields
from typing import Any

from cleaner.rules.hints import same_type, suggest, toml


def bounded(test: Callable[[Any], bool], must: str) -> dict[str, Any]:
    """Field metadata: values must pass ``test`` (and have the default's type), else "must be ``must``"."""
    return {"test": test, "must": must}


@dataclass(frozen=True)
class Limits:
    """The run limits of ``pipeline.toml``, with their defaults and bounds."""

    #: text stages repeat until a whole pass changes nothing; this bounds the passes
    max_passes: int = field(default=4, metadata=bounded(lambda v: 1 <= v <= 20, "an integer from 1 to 20"))
    #: seconds any pattern may run on one text
    pattern_timeout: float = field(
        default=1.0, metadata=bounded(lambda v: 0 < v <= 60, "a number of seconds in (0, 60]")
    )
    #: a longer document fails before any stage runs
    max_document_chars: int = field(
        default=20_000_000, metadata=bounded(lambda v: v >= 1, "a positive integer (characters)")
    )
    #: seconds one document may take; checked between stage applications
    time_budget: float = field(
        default=120.0, metadata=bounded(lambda v: v > 0, "a positive number of seconds")
    )


def check_settings(
    cls: type,
    values: Mapping[str, Any],
    add: Callable[..., None],
    *,
    owner: str,
    label: Callable[[str], str],
    prefix: str = "",
) -> tuple[Any | None, dict[str, Any]]:
    """``cls(**values)`` once each value is known, of the right type and in bounds (None when it cannot
    be built), and the values that passed. Each problem goes to ``add(message, hint=...)``: ``prefix``
    starts its message (``[settings.canonical]``), ``label(key)`` names a key (``'max_passes'``,
    ``[settings.canonical] wrap_width``), ``owner`` is whose settings they are. Lists become tuples."""
    known = {f.name: f for f in fields(cls)}
    defaults = cls()
    good = {}
    start = f"{prefix} " if prefix else ""
    for key, value in values.items():
        spec = known.get(key)
        if spec is None:
            add(
                f"{start}unknown setting {key!r}",
                hint=suggest(key, known) or f"settings of {owner}: {', '.join(known) or 'none'}",
            )
            continue
        default = getattr(defaults, key)
        if "test" in spec.metadata:
            if not (same_type(value, default) and spec.metadata["test"](value)):
                add(f"{label(key)} must be {spec.metadata['must']}")
                continue
        elif not same_type(value, default):
            add(
                f"{label(key)} must be {type(default).__name__}, got {type(value).__name__}",
                hint=f"the default is {key} = {toml(default)}",
            )
            continue
        good[key] = tuple(value) if isinstance(value, list) else value
    try:
        return cls(**good), good
    except (TypeError, ValueError) as exc:
        add(f"{start}{exc}", hint="`cleaner rules` shows the defaults")
        return None, good
