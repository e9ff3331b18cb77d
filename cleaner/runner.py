"""Cleaning input items (files, JSONL files, standard input) and writing their outputs.

One function, :func:`process_item`, does an item from reading to the atomic write of its output and
returns what the report needs. It is the unit of work of the serial loop and of ``--jobs`` workers, so
both paths produce the same bytes.
"""

from __future__ import annotations

import copy
import hashlib
import itertools
import json
import multiprocessing
import shutil
import sys
import tempfile
import traceback
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from multiprocessing.connection import wait
from pathlib import Path
from typing import Any

from cleaner import chatter
from cleaner.document import CleanResult, Document
from cleaner.faults import Fault, of_machine, raise_on_signals, signalled
from cleaner.io import STDIN, AtomicWriter, InputError, Item, decode, iter_jsonl, make_parent, read_bytes
from cleaner.namestats import NameStats
from cleaner.pipeline import Cleaner
from cleaner.report import Encoded, failure_record
from cleaner.stage import Stage
from cleaner.stages.names import weigh_here

STDOUT = "standard output"


@dataclass(frozen=True)
class Outcome:
    """The result for one document of an item, or a failure that happened before cleaning; for a JSONL
    item, ``spool`` names a file of its documents' report records instead (see :func:`records`)."""

    path: str
    result: CleanResult | None = None
    failure: str | None = None
    id: str | None = None
    encoding: str | None = None
    spool: str | None = None
    record: Encoded | None = None  # the report record, made in the worker (see :func:`encoded_outcomes`)


def records(outcomes: Iterable[Outcome]) -> Iterator[Encoded]:
    """The report records of an item's outcomes, one at a time; a spool is read and then removed."""
    for o in outcomes:
        if o.spool is not None:
            try:
                with open(o.spool, encoding="utf-8", errors="surrogatepass") as fh:
                    for line in fh:
                        record = Encoded(json.loads(line))
                        record.json = line.rstrip("\n")  # written by Encoded.of: the same text
                        yield record
            finally:
                Path(o.spool).unlink(missing_ok=True)
        elif o.record is not None:
            yield o.record
        elif o.result is not None:
            yield Encoded.of(o.result.record(o.path))
        else:
            yield Encoded.of(failure_record(o.path, o.failure or "", o.id))


def encoded_outcomes(outcomes: list[Outcome]) -> list[Outcome]:
    """The outcomes with their report records made and encoded here, and the results dropped: what a
    worker sends back, so the main process neither encodes records nor unpickles whole results."""
    return [
        o if o.spool is not None else Outcome(o.path, id=o.id, encoding=o.encoding, record=next(records([o])))
        for o in outcomes
    ]


def process_item(
    cleaner: Cleaner, item: Item, out_dir: Path | None, *, html: bool = False, verbose: bool = False
) -> list[Outcome]:
    """Clean one item and write its output (to ``out_dir``, or standard output when it is None)."""
    try:
        if item.kind == "jsonl":
            return _jsonl(cleaner, item, out_dir)
        return [_single(cleaner, item, out_dir, html)]
    except InputError as exc:
        return [Outcome(item.path, failure=str(exc), id=item.id)]
    except Exception as exc:  # a bug must not stop the run; -v shows where it happened
        if stop := signalled():  # a signal that library code turned into another exception
            raise stop from exc
        if isinstance(exc, BrokenPipeError):  # standard output closed (`| head`): cli.main ends quietly
            raise
        if of_machine(exc):  # the machine, not this document: the run stops (see cleaner/faults.py)
            where = STDOUT if out_dir is None else out_dir / item.rel
            raise Fault(exc.errno, exc.strerror or str(exc), str(where)) from exc
        if verbose:
            traceback.print_exc(file=sys.stderr)
        return [Outcome(item.path, failure=f"internal error: {type(exc).__name__}: {exc}", id=item.id)]


def _single(cleaner: Cleaner, item: Item, out_dir: Path | None, html: bool) -> Outcome:
    text, encoding = decode(read_bytes(item.path))
    html = html or item.kind == "html"
    if html and out_dir is not None:
        cleaner = carried(cleaner, item, text, out_dir / SPOOL)
    result = cleaner.clean(text, id=item.id, html=html)
    if encoding != "utf-8":
        result = _with_meta(result, {"encoding": encoding})
    if result.ok:
        data = result.text.encode("utf-8")
        if out_dir is None:
            sys.stdout.buffer.write(data)
            sys.stdout.flush()
        else:
            target = out_dir / item.rel
            if item.path != STDIN and target.resolve() == Path(item.path).resolve():
                return Outcome(item.path, failure="refused: output would overwrite the input", id=item.id)
            with AtomicWriter(target, out_dir) as fh:
                fh.write(data)
    return Outcome(item.path, result, encoding=encoding)


def _jsonl(cleaner: Cleaner, item: Item, out_dir: Path | None) -> list[Outcome]:
    """Clean a JSONL file line by line. The documents' report records go to a spool file next to the
    output, not into memory: a JSONL file of a million documents runs in the memory of one."""
    if out_dir is None:
        raise InputError("JSONL input needs an output directory (-o)")
    target = out_dir / item.rel
    if target.resolve() == Path(item.path).resolve():
        return [Outcome(item.path, failure="refused: output would overwrite the input", id=item.id)]
    make_parent(target, out_dir)
    # named like AtomicWriter's temporary files, so a completed --resume removes one a crash left
    fd, spool = tempfile.mkstemp(prefix=f".{target.name}.records.", suffix=".tmp", dir=target.parent)
    try:
        # surrogatepass: a lone surrogate from a \ud800 escape in the input comes back as it went in
        with (
            open(fd, "w", encoding="utf-8", errors="surrogatepass") as rec,
            AtomicWriter(target, out_dir) as out,
        ):
            for n, record, error in iter_jsonl(item.path):
                where = f"{item.path}:{n}"
                if error:
                    rec.write(_line(failure_record(where, error)))
                    continue
                doc_id = str(record.get("id", f"{item.id}:{n}"))
                if not isinstance(record.get("text"), str):
                    rec.write(_line(failure_record(where, "record has no 'text' string", doc_id)))
                    continue
                result = cleaner.clean(record["text"], id=doc_id, html=record.get("html") is True)
                rec.write(_line(result.record(where)))
                if result.ok:
                    record = {
                        **record,
                        "text": result.text,
                        "cleaner": {"status": result.status, "metadata": dict(result.metadata)},
                    }
                    out.write((json.dumps(record, ensure_ascii=False) + "\n").encode("utf-8"))
    except BaseException:
        Path(spool).unlink(missing_ok=True)
        raise
    return [Outcome(item.path, spool=spool)]


def _line(record: dict[str, Any]) -> str:
    """A report record as a spool line: its JSON text exactly as the report will write it."""
    return Encoded.of(record).json + "\n"


def _with_meta(result: CleanResult, extra: dict[str, Any]) -> CleanResult:
    from dataclasses import replace

    return replace(result, metadata={**result.metadata, **extra})


def run_items(
    cleaner: Cleaner,
    items: Iterable[Item],
    out_dir: Path | None,
    *,
    jobs: int = 1,
    html: bool = False,
    verbose: bool = False,
    engine: str = "local",
    skip: Callable[[Item], bool] | None = None,
) -> Iterator[tuple[Item, list[Outcome] | None]]:
    """Process items in order, serially, in ``jobs`` worker processes or as Ray tasks (``engine="ray"``,
    after :func:`cleaner.rayengine.connect`); yields each item with its outcomes, in input order.

    ``items`` is read once, lazily, a bounded window ahead of what has been yielded, so a stream of a
    million items is never held. An item ``skip`` accepts (asked once, in order) is not processed: its
    outcomes are None (``--resume`` replays what the interrupted run recorded)."""
    yield from _run_items(cleaner, items, out_dir, jobs, html, verbose, engine, skip)
    drop_spool(out_dir)


def _run_items(
    cleaner: Cleaner,
    items: Iterable[Item],
    out_dir: Path | None,
    jobs: int,
    html: bool,
    verbose: bool,
    engine: str,
    skip: Callable[[Item], bool] | None,
) -> Iterator[tuple[Item, list[Outcome] | None]]:
    if engine == "ray":
        from cleaner import rayengine

        yield from rayengine.run_items(cleaner, items, out_dir, html=html, verbose=verbose, skip=skip)
        return
    few, items = at_most_one(items)
    if jobs <= 1 or few:
        for item in items:
            skipped = skip is not None and skip(item)
            yield item, None if skipped else process_item(cleaner, item, out_dir, html=html, verbose=verbose)
        return
    if multiprocessing.get_start_method() == "fork":
        # workers forked from a warmed-up process share one copy of its language profiles and word
        # lists (copy on write) instead of each loading its own
        cleaner.warm_up()
    with worker_pool(cleaner, jobs) as pool:
        yield from unless_skipped(
            lambda item: pool.submit(_work, item, out_dir, html, verbose), items, jobs * 4, skip
        )


def unless_skipped(
    submit: Callable[[Item], Any],
    items: Iterable[Item],
    window: int,
    skip: Callable[[Item], bool] | None,
    get: Callable[[Any], Any] = Future.result,
) -> Iterator[tuple[Item, Any]]:
    """:func:`ordered` over items, each yielded with its result; an item ``skip`` accepts is not
    submitted, and its result is None."""

    def start(item: Item) -> tuple[Item, Any]:
        return item, None if skip is not None and skip(item) else submit(item)

    def result(started: tuple[Item, Any]) -> tuple[Item, Any]:
        item, handle = started
        return item, None if handle is None else get(handle)

    return ordered(start, items, window, get=result)


def at_most_one(items: Iterable[Item]) -> tuple[bool, Iterable[Item]]:
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


_worker_cleaner: Cleaner | None = None


_GRACE = 5.0  # seconds a worker has to stop on SIGTERM before it is killed


@contextmanager
def worker_pool(cleaner: Cleaner, jobs: int) -> Iterator[ProcessPoolExecutor]:
    """A process pool of ``jobs`` workers holding ``cleaner``, which stops with the run.

    On any exception in the block (a fault, a signal, the consumer closing a generator over it) the
    queued tasks are cancelled and each worker gets SIGTERM, on which it abandons its item (its ``with``
    blocks remove their temporary files) or, idle, exits: otherwise leaving the block would wait for a
    whole window of items, and workers of a main process killed alone would live on."""
    pool = ProcessPoolExecutor(
        max_workers=jobs, initializer=_init_worker, initargs=(cleaner, chatter.silenced())
    )
    try:
        yield pool
    except BaseException:
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
        raise
    pool.shutdown(wait=True)


def _init_worker(cleaner: Cleaner, quiet: bool | None = None) -> None:
    global _worker_cleaner
    _worker_cleaner = cleaner
    raise_on_signals(worker=True)  # SIGTERM stops the worker's item cleanly (see worker_pool)
    if quiet is not None:  # as the command line set the main process, whatever the start method
        chatter.configure(verbose=not quiet)


def _work(item: Item, out_dir: Path | None, html: bool, verbose: bool) -> list[Outcome]:
    return encoded_outcomes(process_item(_worker_cleaner, item, out_dir, html=html, verbose=verbose))


def ordered(
    submit: Callable[[Any], Any],
    items: Iterable[Any],
    window: int,
    get: Callable[[Any], Any] = Future.result,
) -> Iterator[Any]:
    """Results in input order with at most ``window`` items (or batches) in flight, so memory stays
    bounded.

    ``submit`` starts the work for an item and returns a handle; ``get`` waits for a handle's result
    (a Future's ``result`` for process pools, ``ray.get`` for Ray tasks)."""
    pending: deque = deque()
    for item in items:
        pending.append(submit(item))
        if len(pending) >= window:
            yield get(pending.popleft())
    while pending:
        yield get(pending.popleft())


def item_texts(cleaner: Cleaner, item: Item, html: bool = False, spool: Path | None = None) -> Iterator[str]:
    """The texts of one item as the ``names`` stage will roughly see them (HTML: the extracted text).

    With ``spool``, an HTML page's extraction is also written there, for the second pass to carry over
    instead of extracting the page again (see :func:`carried`). Unreadable items and lines yield nothing
    here; the cleaning pass reports them.
    """
    try:
        if item.kind == "jsonl":
            for _, record, error in iter_jsonl(item.path):
                if error is None and isinstance(record.get("text"), str):
                    yield record["text"]
            return
        text, _ = decode(read_bytes(item.path))
    except InputError:
        return
    if html or item.kind == "html":
        extract = next((s for s in cleaner.stages if s.name == "extract"), None)
        try:
            found = extract.apply(Document(text, html=True)) if extract else None
        except Exception:  # the cleaning pass reports it
            return
        if found is None or not found.edits:
            return
        if spool is not None:
            _spool(extract, item, text, found, spool)
        text = found.edits[0].new
    yield text


#: The directory in OUT where the first pass leaves each HTML page's extraction for the second pass.
#: It holds one small JSON file per page (the extracted text, some 5-10% of the page), each removed
#: as the second pass takes it, and the directory when the run completes; so memory holds none of
#: them, a worker on any node of a shared filesystem finds them, and disk holds at most the
#: extracted text of the corpus, for the time between the two passes. No input suffix: a later run
#: over OUT never takes it for input.
SPOOL = ".cleaner-extracted"


def _spool_path(spool: Path, item: Item) -> Path:
    return spool / (hashlib.blake2b(item.rel.encode("utf-8", "surrogatepass"), digest_size=16).hexdigest())


def _spool(extract, item: Item, page: str, found, spool: Path) -> None:
    """Write ``item``'s extraction to the spool, keyed by the stage's carry key and the page digest."""
    from cleaner.stages.extract import page_digest

    entry = {"key": extract.carry_key, "page": page_digest(page), **extract.spooled(found)}
    spool.mkdir(parents=True, exist_ok=True)
    with AtomicWriter(_spool_path(spool, item), spool.parent) as fh:
        fh.write(json.dumps(entry, ensure_ascii=True).encode("ascii"))


def carried(cleaner: Cleaner, item: Item, page: str, spool: Path) -> Cleaner:
    """The cleaner for ``item``'s page: with the extraction the first pass spooled for it when there is
    one made by the same extract code and settings for the same page bytes (else ``cleaner`` as is).
    The spool file is removed once read: the second pass needs it once."""
    target = _spool_path(spool, item)
    try:
        entry = json.loads(target.read_bytes())
    except (OSError, ValueError):
        return cleaner
    target.unlink(missing_ok=True)
    from cleaner.stages.extract import page_digest

    stages = cleaner.stages
    extract = next((s for s in stages if s.name == "extract"), None)
    if extract is None or entry.get("key") != extract.carry_key or entry.get("page") != page_digest(page):
        return cleaner
    return with_carried(cleaner, extract.carrying(page, entry))


def with_carried(cleaner: Cleaner, extract: Stage) -> Cleaner:
    """``cleaner`` with ``extract`` (a stage from :meth:`Extract.carrying`) in place of its own."""
    new = copy.copy(cleaner)
    new.stages = tuple(extract if s.name == "extract" else s for s in cleaner.stages)
    return new


def drop_spool(out_dir: Path | None) -> None:
    """Remove the first pass's spool once the run has cleaned every item (what is left in it is of
    items skipped by --resume or that failed)."""
    if out_dir is not None:
        shutil.rmtree(out_dir / SPOOL, ignore_errors=True)


def stats_of(cleaner: Cleaner, item: Item, html: bool, spool: Path | None = None) -> NameStats:
    """The name statistics of one item (the unit of work of the first pass)."""
    return cleaner.collect_name_stats(item_texts(cleaner, item, html, spool))


def collect_name_stats(
    cleaner: Cleaner,
    items: Iterable[Item],
    *,
    jobs: int = 1,
    html: bool = False,
    engine: str = "local",
    spool: Path | None = None,
) -> NameStats:
    """First pass over the inputs: name statistics, per item in workers and merged (merge is addition,
    so the result does not depend on ``jobs``, the engine or the order items finish in)."""
    if engine == "ray":
        from cleaner import rayengine

        return rayengine.collect_name_stats(cleaner, items, html=html, spool=spool)
    few, items = at_most_one(items)
    if jobs <= 1 or few:
        total = cleaner.collect_name_stats(())  # empty, with the configured memory bound
        for item in items:
            if item.path != STDIN:
                total.absorb(stats_of(cleaner, item, html, spool))
        return total
    with worker_pool(cleaner, jobs) as pool:
        return _stats_in(pool, cleaner, items, html, jobs, spool)


def prepare(
    cleaner: Cleaner,
    items: Iterable[Item],
    *,
    jobs: int = 1,
    html: bool = False,
    engine: str = "local",
    out_dir: Path | None = None,
) -> Cleaner:
    """The first pass: the cleaner for the second, carrying the corpus's name statistics.

    With ``jobs`` > 1 one pool does both steps that need the whole corpus: it collects the statistics,
    then weighs the names stage's candidates against wordfreq's lists, one language per task. The main
    process loads the language profiles meanwhile and never loads those lists (some 370 MB), so the
    cleaning workers it forks next do not carry them either. With ``out_dir``, the HTML pages'
    extractions are spooled there for the second pass (see :func:`carried`)."""
    spool = None if out_dir is None else out_dir / SPOOL
    few, items = at_most_one(items)
    if engine == "ray" or jobs <= 1 or few:
        return cleaner.with_name_stats(
            collect_name_stats(cleaner, items, jobs=jobs, html=html, engine=engine, spool=spool)
        )
    with worker_pool(cleaner, jobs) as pool:
        stats = _stats_in(pool, cleaner, items, html, jobs, spool)

        def weigh(wanted: Mapping[str, Sequence[str]]) -> dict[tuple[str, str], float]:
            tasks = [pool.submit(weigh_here, {lang: words}) for lang, words in wanted.items()]
            cleaner.warm_up()  # while the workers load word lists: the cleaning pool forks after this
            return {key: zipf for task in tasks for key, zipf in task.result().items()}

        return cleaner.with_name_stats(stats, weigh)


def _stats_in(
    pool: ProcessPoolExecutor,
    cleaner: Cleaner,
    items: Iterable[Item],
    html: bool,
    jobs: int,
    spool: Path | None = None,
) -> NameStats:
    total = cleaner.collect_name_stats(())  # empty, with the configured memory bound
    todo = (i for i in items if i.path != STDIN)
    # Items go in batches: a file's statistics take a few milliseconds, less than sending one task and
    # its result through the pool, and one result per batch leaves the main process less to add up.
    # On 586 bench pages the pass took as long with 2 workers as with 1 until it was batched.
    batches = batched(todo, STATS_BATCH)
    for stats in ordered(
        lambda batch: pool.submit(_work_stats, batch, html, spool), batches, window=jobs * 4
    ):
        total.absorb(stats)
    return total


#: Items per first-pass task, in a process pool or on Ray (see :func:`_stats_in`).
STATS_BATCH = 8


def stats_of_batch(cleaner: Cleaner, batch: list[Item], html: bool, spool: Path | None = None) -> NameStats:
    """The name statistics of a batch of items (the unit of work of a parallel first pass)."""
    total = cleaner.collect_name_stats(())
    for item in batch:
        total.absorb(stats_of(cleaner, item, html, spool))
    return total


def _work_stats(batch: list[Item], html: bool, spool: Path | None) -> NameStats:
    return stats_of_batch(_worker_cleaner, batch, html, spool)
