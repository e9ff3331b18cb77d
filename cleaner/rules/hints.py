"""Small checks and hints shared by the rule loader's validators."""

from __future__ import annotations

import difflib
from collections.abc import Iterable
from typing import Any


def suggest(word: str, choices: Iterable[str]) -> str | None:
    close = difflib.get_close_matches(word, list(choices), n=1)
    return f"did you mean {close[0]!r}?" if close else None


def toml(value: Any) -> str:
    """``value`` as it would be written in a TOML file (for "the default is ..." hints)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, tuple):
        return "[" + ", ".join(toml(v) for v in value) + "]"
    return repr(value) if not isinstance(value, str) else '"' + value + '"'


def is_int(v: Any) -> bool:
    return isinstance(v, int) and not isinstance(v, bool)


def is_list_of(v: Any, t: type) -> bool:
    return isinstance(v, list) and all(isinstance(x, t) for x in v)


def same_type(value: Any, default: Any) -> bool:
    """Whether a TOML ``value`` may stand for a setting whose default is ``default``."""
    if isinstance(default, bool) or isinstance(value, bool):
        return isinstance(value, bool) and isinstance(default, bool)
    if isinstance(default, float):
        return isinstance(value, int | float)
    if isinstance(default, tuple):
        return isinstance(value, list) and all(isinstance(x, str) for x in value)
    return isinstance(value, type(default))
