"""Deterministic pickles: the same object state gives the same bytes in any process, on any machine.

Plain pickle writes a set or frozenset in its iteration order, which follows the string hashes that
``PYTHONHASHSEED`` salts per process (and so does the compiled program the ``regex`` module pickles
with a pattern), so two processes that build the same :class:`~cleaner.Cleaner` pickle it
differently, and every cache keyed on those bytes (``datasets``' fingerprints, a Ray object's hash)
misses. :func:`dumps` writes sets sorted and patterns by their source, and leaves strings out of the
memo (whether two equal strings are one object depends on how they were built, not on what they
hold); objects still choose their own state (``__getstate__``), which is where caches and automata
drop out. The C pickler cannot do this (it never asks ``reducer_override`` about sets), so this is
the pure-Python pickler: slower, but a cleaner is pickled once per worker, not once per document.

    >>> loads(dumps({"b", "a"})) == {"a", "b"}
    True
"""

from __future__ import annotations

import io
import pickle
from typing import Any

import regex

#: Fixed, not pickle.DEFAULT_PROTOCOL, which moves with the Python version.
PROTOCOL = 4


def _order(item: Any) -> tuple:
    # strings, numbers and tuples of them sort as they are; anything else by its own deterministic pickle
    try:
        return (0, item) if isinstance(item, str | int | float | tuple) else (1, dumps(item))
    except TypeError:  # pragma: no cover - a type with no pickle is refused below anyway
        return (1, repr(item).encode())


def _sorted(items) -> list:
    try:
        return sorted(items, key=_order)
    except TypeError:  # mixed kinds (a str and a tuple): their pickles compare whatever they hold
        return sorted(items, key=lambda x: dumps(x))


class _Pickler(pickle._Pickler):
    dispatch = dict(pickle._Pickler.dispatch)

    def save_set(self, obj) -> None:
        self.save_reduce(set, (_sorted(obj),), obj=obj)

    def save_frozenset(self, obj) -> None:
        self.save_reduce(frozenset, (_sorted(obj),), obj=obj)

    def save_regex(self, obj) -> None:
        # by source, like cleaner.patterns.Pattern: the regex module's own pickle carries its compiled
        # program, whose tables follow the per-process set order too
        self.save_reduce(regex.compile, (obj.pattern, obj.flags), obj=obj)

    dispatch[set] = save_set
    dispatch[frozenset] = save_frozenset
    dispatch[regex.Pattern] = save_regex

    def memoize(self, obj) -> None:
        if type(obj) is not str:
            super().memoize(obj)


def dumps(obj: Any) -> bytes:
    """``obj``'s pickle, the same bytes wherever the same state is pickled."""
    buf = io.BytesIO()
    _Pickler(buf, PROTOCOL).dump(obj)
    return buf.getvalue()


def loads(data: bytes) -> Any:
    """The object :func:`dumps` wrote (an ordinary pickle: the C unpickler reads it)."""
    return pickle.loads(data)
