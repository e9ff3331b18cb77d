"""``--engine ray``: the same items, cleaned as Ray tasks on a cluster (or a local Ray instance).

One task per input item (a file, or a whole JSONL shard), each running :func:`cleaner.runner.process_item`,
the unit of work of the serial loop and of ``--jobs``: so the bytes written are the serial run's. The
cleaner (rules compiled, name statistics attached) is put in Ray's object store once and shared by every
task. The name statistics of the first pass are collected by one task per batch of 8 items and merged
in the driver; merging is addition, so neither the number of tasks nor the order they finish in changes them.

Results come back in input order with a bounded number of tasks in flight, so the driver's memory does
not grow with the corpus. Tasks read their input and write their output themselves: on a cluster,
inputs and the output directory must be on a filesystem every node sees (NFS, a mounted bucket).

``ray`` is an optional dependency (``pip install cleaner[ray]``); it is imported only here.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any

from cleaner.io import STDIN, Item
from cleaner.namestats import NameStats
from cleaner.pipeline import Cleaner
from cleaner.runner import (
    STATS_BATCH,
    Outcome,
    batched,
    encoded_outcomes,
    ordered,
    process_item,
    stats_of_batch,
    unless_skipped,
)

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
        import os

        address = os.environ.get("RAY_ADDRESS")
    try:
        if address:
            ray.init(address=address, **options)
        else:
            ray.init(num_cpus=jobs, **options)
    except Exception as exc:  # Ray raises ConnectionError, RuntimeError, ValueError ...
        raise RayUnavailable(f"cannot start or reach a Ray cluster ({address or 'local'}): {exc}") from exc


def _window() -> int:
    ray = _ray()
    return max(1, int(ray.cluster_resources().get("CPU", 1))) * _PER_CPU


def run_items(
    cleaner: Cleaner,
    items: Iterable[Item],
    out_dir: Path | None,
    *,
    html: bool,
    verbose: bool,
    skip: Callable[[Item], bool] | None = None,
) -> Iterator[tuple[Item, list[Outcome] | None]]:
    """Each item with its outcomes, in input order, each item cleaned (and its output written) by a Ray
    task; an item ``skip`` accepts is not (see :func:`cleaner.runner.run_items`)."""
    ray = _ray()
    shared = ray.put(cleaner)
    task = ray.remote(_clean_task)
    yield from unless_skipped(
        lambda item: task.remote(shared, item, out_dir, html, verbose), items, _window(), skip, get=ray.get
    )


def collect_name_stats(
    cleaner: Cleaner, items: Iterable[Item], *, html: bool, spool: Path | None = None
) -> NameStats:
    """The first pass on the cluster: one statistics task per batch of items, merged here (batched as the
    local pool does it: a file's statistics take less time than a task's round trip)."""
    ray = _ray()
    shared = ray.put(cleaner)
    task = ray.remote(stats_of_batch)
    total = cleaner.collect_name_stats(())  # empty, with the configured memory bound
    batches = batched((i for i in items if i.path != STDIN), STATS_BATCH)
    for stats in ordered(
        lambda batch: task.remote(shared, batch, html, spool), batches, _window(), get=ray.get
    ):
        total.absorb(stats)
    return total


def _clean_task(
    cleaner: Cleaner, item: Item, out_dir: Path | None, html: bool, verbose: bool
) -> list[Outcome]:
    return encoded_outcomes(process_item(cleaner, item, out_dir, html=html, verbose=verbose))
