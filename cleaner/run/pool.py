"""The process-pool engine (``--jobs N``): ``N`` worker processes on this machine, each holding the shared
value it was started with."""

from __future__ import annotations

import gc
import multiprocessing
from collections.abc import Callable
from concurrent.futures import Future, ProcessPoolExecutor
from multiprocessing.connection import wait
from typing import Any

from cleaner import chatter
from cleaner.faults import raise_on_signals
from cleaner.run.engine import Engine

_GRACE = 5.0  # seconds a worker has to stop on SIGTERM before it is killed
_PER_WORKER = 4  # tasks in flight per worker: enough to keep each busy, few enough to bound memory

_shared: Any = None  # in a worker: the value the pool was started with


class PoolEngine(Engine):
    """``jobs`` worker processes. :meth:`broadcast` starts them (again) with the shared value: it goes to
    each worker once, in its initializer, and never with a task."""

    parallel = True
    local = True

    def __init__(self, jobs: int):
        super().__init__()
        self.jobs = jobs
        self.window = jobs * _PER_WORKER
        self._pool: ProcessPoolExecutor | None = None
        self._frozen = False  # gc.freeze() holds until the workers are forked (see broadcast)

    @property
    def forks(self) -> bool:  # type: ignore[override]
        return multiprocessing.get_start_method() == "fork"

    def broadcast(self, shared: Any) -> None:
        self.close()
        self.shared = shared
        if self.forks:
            # Workers forked from this process share its memory (the cleaner, its language profiles and
            # word lists) until a page is written to. The cyclic garbage collector writes to every
            # object it looks at, so each worker's first collections copied pages of objects it never
            # changes. Frozen, those objects are skipped (what the gc module's documentation advises
            # before a fork): --jobs 2 over 400 pages, the processes' summed PSS peaked at 290 MB
            # instead of 340 MB. This process unfreezes once the workers exist (see submit).
            gc.freeze()
            self._frozen = True
        self._pool = ProcessPoolExecutor(
            max_workers=self.jobs, initializer=_init_worker, initargs=(shared, chatter.silenced())
        )

    def submit(self, fn: Callable[..., Any], *args: Any) -> Future:
        assert self._pool is not None, "broadcast the shared value first"
        future = self._pool.submit(_call, fn, *args)
        if self._frozen:
            # the first task forked every worker (a fork-context pool starts them all at once): from
            # here this process collects its own garbage as before, so nothing frozen outlives the run
            gc.unfreeze()
            self._frozen = False
        return future

    def result(self, handle: Future) -> Any:
        return handle.result()

    def close(self, failed: bool = False) -> None:
        """On a failure (a fault, a signal, the consumer closing a generator over the results) the queued
        tasks are cancelled and each worker gets SIGTERM, on which it abandons its item (its ``with``
        blocks remove their temporary files) or, idle, exits: otherwise stopping would wait for a whole
        window of items, and workers of a main process killed alone would live on."""
        pool, self._pool = self._pool, None
        if self._frozen:  # broadcast, then closed before any task
            gc.unfreeze()
            self._frozen = False
        if pool is None:
            return
        if not failed:
            pool.shutdown(wait=True)
            return
        # the pool's processes: private, and the only handle on them before Python 3.14's
        # terminate_workers(); terminate() sends SIGTERM
        processes = list((getattr(pool, "_processes", None) or {}).values())
        for process in processes:
            process.terminate()
        # A worker the signal reached while it was sending a result can leave the result queue's lock
        # taken, and the others then wait on it for ever (seen in tests/test_resume.py): what has not
        # exited after a grace period is killed, so shutting down never waits on a stuck worker.
        wait([p.sentinel for p in processes], timeout=_GRACE)
        for process in processes:
            if process.exitcode is None:
                process.kill()
        pool.shutdown(wait=True, cancel_futures=True)


def _init_worker(shared: Any, quiet: bool | None = None) -> None:
    global _shared
    _shared = shared
    raise_on_signals(worker=True)  # SIGTERM stops the worker's item cleanly (see PoolEngine.close)
    if quiet is not None:  # as the command line set the main process, whatever the start method
        chatter.configure(verbose=not quiet)


def _call(fn: Callable[..., Any], *args: Any) -> Any:
    return fn(_shared, *args)
