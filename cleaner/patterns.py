"""Compiled rule patterns that always run with a time limit.

Rule files come from users, and a pattern such as ``(a+)+$`` can take exponential time on the wrong line.
The ``regex`` module accepts a ``timeout`` on every matching call; this wrapper makes sure no call forgets
it and turns the module's bare ``TimeoutError`` into one that names the rule, so the report can say which
rule was too slow on which document.
"""

from __future__ import annotations

import contextlib
import contextvars
from collections.abc import Callable, Iterator

import regex

# The time limit is per megabyte of the document being cleaned (never below the configured one): a
# linear pattern over a 10 MB document legitimately takes longer than over a 10 kB one.
_SCALE: contextvars.ContextVar[float] = contextvars.ContextVar("pattern_timeout_scale", default=1.0)


@contextlib.contextmanager
def time_limit_for(text: str) -> Iterator[None]:
    """Within this block, pattern time limits are scaled to ``text``'s size (one unit per megabyte)."""
    token = _SCALE.set(max(1.0, len(text) / 1_000_000))
    try:
        yield
    finally:
        _SCALE.reset(token)


class PatternTimeout(TimeoutError):
    """A rule's pattern ran past its time limit on one document."""

    def __init__(self, rule_id: str, timeout: float):
        super().__init__(f"rule {rule_id!r} ran past its {timeout:g} s pattern time limit")
        self.rule_id = rule_id


class Pattern:
    """A compiled ``regex`` pattern bound to a rule id and a time limit; pickles by source."""

    __slots__ = ("_re", "rule_id", "source", "timeout")

    def __init__(self, source: str, rule_id: str, timeout: float = 1.0):
        self.source = source
        self.rule_id = rule_id
        self.timeout = timeout
        self._re = regex.compile(source)

    def __reduce__(self):
        return (Pattern, (self.source, self.rule_id, self.timeout))

    def __repr__(self) -> str:
        return f"Pattern({self.source!r}, rule={self.rule_id!r})"

    def _guard(self, fn: Callable, *args, **kw):
        timeout = self.timeout * _SCALE.get()
        try:
            return fn(*args, timeout=timeout, **kw)
        except TimeoutError as exc:
            raise PatternTimeout(self.rule_id, timeout) from exc

    def fullmatch(self, text: str, pos: int = 0, endpos: int | None = None) -> regex.Match | None:
        return self._guard(self._re.fullmatch, text, pos, endpos if endpos is not None else len(text))

    def search(self, text: str, pos: int = 0) -> regex.Match | None:
        return self._guard(self._re.search, text, pos)

    def finditer(self, text: str) -> Iterator[regex.Match]:
        # finditer is lazy; the timeout covers the whole iteration, so collect it inside the guard.
        return iter(self._guard(lambda t, timeout: list(self._re.finditer(t, timeout=timeout)), text))


def compile_checked(source: str) -> tuple[regex.Pattern | None, str | None]:
    """Compile ``source`` for validation; returns (pattern, None) or (None, the compiler's message)."""
    try:
        return regex.compile(source), None
    except regex.error as exc:
        return None, str(exc)
    except RecursionError:  # the regex parser recurses once per nested group
        return None, "pattern nested too deeply to compile"
    except (OverflowError, MemoryError) as exc:
        return None, f"pattern too large to compile ({type(exc).__name__})"


_LEADING_FLAGS = regex.compile(r"^\(\?([aiLmsux]+)\)")
_BACKREF = regex.compile(r"\\[1-9]|\(\?P=|\\g<")


def union(patterns: list[Pattern], name: str, timeout: float) -> Pattern | None:
    """One pattern that matches where any of ``patterns`` matches: a prefilter for many rules.

    Trying fifty rules on every line costs fifty regex calls; one alternation of all of them costs one,
    and says whether any of them could match (the rules then run alone, in order). A leading global flag
    such as ``(?i)`` becomes a scoped group so it keeps applying to its own rule only. Returns None when a
    pattern cannot be combined (a backreference would change its number).
    """
    parts = []
    for p in patterns:
        if _BACKREF.search(p.source):
            return None
        m = _LEADING_FLAGS.match(p.source)
        parts.append(f"(?{m.group(1)}:{p.source[m.end() :]})" if m else f"(?:{p.source})")
    if not parts:
        return None
    try:
        return Pattern("|".join(parts), name, timeout)
    except (regex.error, RecursionError, OverflowError):  # e.g. too many groups: rules run one by one
        return None
