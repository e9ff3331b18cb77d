"""The Ray engine (``--engine ray``): tasks on a Ray cluster, or a local Ray instance.

The shared value (the cleaner, rules compiled, corpus statistics attached) is put in Ray's object store
once and every task receives it from there. Tasks read their input and write their output themselves: on
a cluster, inputs and the output directory must be on a filesystem every node sees (NFS, a mounted
bucket). ``ray`` is an optional dependency (``pip install cleaner[ray]``); it is imported only here, and
this module knows nothing of the work but the engine interface.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Callable
from typing import Any

from cleaner.run.engine import Engine

# Tasks in flight per CPU of the cluster: enough to keep every worker busy, few enough to bound memory.
_PER_CPU = 4


class RayUnavailable(RuntimeError):
    """Ray is not installed, or no cluster could be reached or started."""


def _ray():
    try:
        import ray
    except ImportError as exc:
        raise RayUnavailable("--engine ray needs Ray: pip install 'cleaner[ray]'") from exc
    return ray


def connect(address: str | None, jobs: int) -> None:
    """Join the cluster at ``address`` (or ``RAY_ADDRESS``); with neither, start a local instance with
    ``jobs`` CPUs. A no-op when this process is already connected."""
    ray = _ray()
    if ray.is_initialized():
        return
    options: dict[str, Any] = {
        "include_dashboard": False,
        "log_to_driver": False,
        "logging_level": logging.WARNING,
    }
    if address is None:
        address = os.environ.get("RAY_ADDRESS")
    try:
        if address:
            ray.init(address=address, **options)
        else:
            ray.init(num_cpus=jobs, **options)
    except Exception as exc:  # Ray raises ConnectionError, RuntimeError, ValueError ...
        raise RayUnavailable(f"cannot start or reach a Ray cluster ({address or 'local'}): {exc}") from exc


class RayEngine(Engine):
    """Ray tasks, after :func:`connect` (which the constructor calls: it raises RayUnavailable)."""

    parallel = True

    def __init__(self, address: str | None = None, jobs: int = 1):
        super().__init__()
        connect(address, jobs)
        self._ray = _ray()
        self.window = max(1, int(self._ray.cluster_resources().get("CPU", 1))) * _PER_CPU
        self._tasks: dict[Callable[..., Any], Any] = {}

    def broadcast(self, shared: Any) -> None:
        self.shared = self._ray.put(shared)

    def submit(self, fn: Callable[..., Any], *args: Any) -> Any:
        task = self._tasks.get(fn)
        if task is None:
            task = self._tasks[fn] = self._ray.remote(fn)
        return task.remote(self.shared, *args)

    def result(self, handle: Any) -> Any:
        return self._ray.get(handle)
