"""The engine interface: where a run's work runs. Serial here; see :mod:`cleaner.run.pool` (processes) and
:mod:`cleaner.run.rayengine` (a Ray cluster) for the others.

An engine does three things: :meth:`Engine.broadcast` hands every worker one shared value (the cleaner;
sent once, not with every task), :meth:`Engine.submit` starts ``fn(shared, *args)`` on some worker and
returns a handle, and :meth:`Engine.ordered` gives results back in input order with at most
:attr:`Engine.window` tasks in flight, so memory stays bounded whatever the number of inputs. Nothing in
this module knows what the work is: the run layer (:mod:`cleaner.run.job`) decides that.
"""

from __future__ import annotations

import itertools
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from typing import Any


class Engine:
    """Runs work in this process, one task at a time (the serial engine; the others subclass it)."""

    #: tasks in flight at most (1 here: a task is done when it is submitted)
    window = 1
    #: whether work runs in other processes: then it pays to batch tasks and to send back encoded results
    parallel = False
    #: whether work runs in worker processes of this machine, started from this one
    local = False
    #: whether workers are forked from this process after :meth:`broadcast` (they then share what the
    #: shared value loaded before, copy on write)
    forks = False

    def __init__(self) -> None:
        self.shared: Any = None

    def broadcast(self, shared: Any) -> None:
        """Make ``shared`` the value every task after this receives as its first argument."""
        self.shared = shared

    def submit(self, fn: Callable[..., Any], *args: Any) -> Any:
        """Start ``fn(shared, *args)``; a handle for :meth:`result`."""
        return fn(self.shared, *args)

    def result(self, handle: Any) -> Any:
        """Wait for the task of ``handle`` and return what it returned (or raise what it raised)."""
        return handle

    def close(self, failed: bool = False) -> None:
        """Stop the workers: at once when the run ``failed`` (a fault, a signal), else once they are idle."""

    def ordered(
        self,
        fn: Callable[..., Any],
        items: Iterable[Any],
        *args: Any,
        skip: Callable[[Any], bool] | None = None,
    ) -> Iterator[tuple[Any, Any]]:
        """Each item with the result of ``fn(shared, item, *args)``, in input order, at most
        :attr:`window` in flight. ``items`` is read once, lazily. An item ``skip`` accepts (asked once,
        in order) is not submitted: its result is None."""
        pending: deque = deque()
        for item in items:
            pending.append((item, None if skip is not None and skip(item) else self.submit(fn, item, *args)))
            if len(pending) >= self.window:
                yield self._done(pending.popleft())
        while pending:
            yield self._done(pending.popleft())

    def _done(self, started: tuple[Any, Any]) -> tuple[Any, Any]:
        item, handle = started
        return item, None if handle is None else self.result(handle)

    def __enter__(self) -> Engine:
        return self

    def __exit__(self, exc_type, exc, tb) -> None:
        self.close(failed=exc_type is not None)


def at_most_one(items: Iterable[Any]) -> tuple[bool, Iterable[Any]]:
    """Whether ``items`` holds one item or none (a pool would be all overhead), and the same items to go
    on with: the two looked at are put back in front, so a one-shot iterator loses nothing and a
    directory walk is not started twice."""
    it = iter(items)
    head = list(itertools.islice(it, 2))
    return len(head) <= 1, itertools.chain(head, it)


def batched(items: Iterable[Any], size: int) -> Iterator[list[Any]]:
    """Lists of ``size`` items, the last one shorter (``itertools.batched`` from Python 3.12 on)."""
    it = iter(items)
    while batch := list(itertools.islice(it, size)):
        yield batch
