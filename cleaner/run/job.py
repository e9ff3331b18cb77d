"""A run over files, directories or standard input: what ``cleaner clean`` does, as a library call.

    >>> from cleaner.run import Job
    >>> job = Job(inputs=["pages/"], out="clean/", resume=True, report="report.jsonl")  # doctest: +SKIP
    >>> summary = job.run()  # doctest: +SKIP

A :class:`Job` owns everything around the per-document pipeline: the inputs and their problems, the
first pass (corpus statistics), the engine the work runs on, the resume journal, the report file and
the tallies; :meth:`Job.run` returns the run's :class:`~cleaner.summary.RunSummary`, the value
``cleaner stats`` computes from the run's report, with the elapsed time. It stops on a fault of the
machine or a signal by raising :class:`Stopped`, leaving the journal for a resume and no report, and raises
:class:`JobError` before any work for what cannot run at all (the command line's usage errors).
"""

from __future__ import annotations

import copy
import itertools
import time
from collections.abc import Iterable, Iterator, Sequence
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from os import PathLike
from pathlib import Path

from cleaner.faults import Fault, Interrupted, signalled
from cleaner.io import STDIN, Inputs, Item, unwritable
from cleaner.pipeline import Cleaner
from cleaner.report import FULL, REPORT_LEVELS, failure_record
from cleaner.run.engine import Engine, at_most_one
from cleaner.run.firstpass import drop_spool, needed, prepare
from cleaner.run.items import Done, RecordLines, lines, work
from cleaner.run.journal import Journal, input_digest, remove_temps, run_key
from cleaner.run.pool import PoolEngine
from cleaner.run.reportfile import ReportFile
from cleaner.summary import RunSummary


class JobError(ValueError):
    """The job cannot run as asked (no output directory where one is needed, a missing input, an
    unwritable output): nothing ran. ``problems`` holds one message per problem."""

    def __init__(self, *problems: str):
        self.problems = list(problems)
        super().__init__("; ".join(self.problems))


@dataclass
class Progress:
    """What a run has done so far; an :class:`Observer` sees it after each item."""

    report: RunSummary = field(default_factory=RunSummary)  # of the documents done so far
    done: int = 0  # items finished by this run
    kept: int = 0  # items an interrupted run had finished, skipped
    written: int = 0  # outputs this run wrote
    total: int | None = None  # items in all, once a first pass has counted them


class Stopped(Exception):
    """The run stopped before the end: ``cause`` is the :class:`Fault`, :class:`Interrupted` or lost
    worker that stopped it, ``progress`` what it had done."""

    def __init__(self, cause: BaseException, progress: Progress):
        self.cause = cause
        self.progress = progress
        super().__init__(str(cause))


class Observer:
    """Told of a run's progress (a progress bar, a log): subclass and override what you need. Documents
    are counted as they are read and cleaned: one by one where the work runs in this process (inside a
    JSONL file too), an item's (or a first-pass batch's) at once where it runs in workers."""

    def read(self, documents: int) -> None:
        """The first pass read ``documents`` more documents (only runs that take one)."""

    def totals(self, items: int) -> None:
        """The number of items in all, once a first pass has counted them (a run of one pass never
        knows it: the inputs are walked as they are cleaned)."""

    def total_documents(self, documents: int) -> None:
        """The number of documents in all (JSONL records, other files), told after :meth:`totals`."""

    def cleaned(self, documents: int) -> None:
        """``documents`` more documents are cleaned (or failed, or kept from an interrupted run)."""

    def finished(self, item: Item, progress: Progress) -> None:
        """``item`` is done (cleaned now, or kept from an interrupted run)."""


class Job:
    """Clean ``inputs`` (files, directories, "-" for standard input) into ``out`` (a directory; None:
    standard output, for one text or HTML file).

    ``engine``: "local" (this process, or ``jobs`` worker processes), "ray" (a Ray cluster at
    ``ray_address``), or an :class:`~cleaner.run.engine.Engine`. ``resume``: keep what an interrupted
    run over the same inputs, rules and code finished. ``report``: a JSONL file with one record per
    document ("-": standard output), each with every edit (``report_level`` "full") or one count per
    rule ("summary"). ``html``: treat standard input and .txt inputs as HTML."""

    def __init__(
        self,
        cleaner: Cleaner | None = None,
        inputs: Sequence[str | PathLike] = (),
        out: str | PathLike | None = None,
        *,
        engine: str | Engine = "local",
        jobs: int = 1,
        resume: bool = False,
        report: str | PathLike | None = None,
        report_level: str = FULL,
        html: bool = False,
        verbose: bool = False,
        ray_address: str | None = None,
        observer: Observer | None = None,
    ):
        self.cleaner = cleaner if cleaner is not None else Cleaner()
        self.inputs = [str(p) for p in inputs]
        self.out = None if out is None or str(out) == STDIN else Path(out)
        self.engine = engine
        self.jobs = jobs
        self.resume = resume
        self.report = None if report is None else str(report)
        self.report_level = report_level
        self.html = html
        self.verbose = verbose
        self.ray_address = ray_address
        self.observer = observer or Observer()
        self.progress = Progress()
        self._ticks = 0  # documents of the item in hand the observer has been told of

    def check(self) -> Inputs:
        """The inputs, once what makes the job impossible has been ruled out (else :class:`JobError`)."""
        if self.jobs < 1:
            raise JobError("--jobs must be at least 1")
        if self.report_level not in REPORT_LEVELS:
            raise JobError(f"--report-level must be one of {', '.join(REPORT_LEVELS)}")
        out, ray = self.out, self.engine == "ray"
        first = list(itertools.islice(Inputs(self.inputs), 2))  # before leaving out what is inside out
        if out is None and (len(first) != 1 or first[0].kind == "jsonl" or Path(self.inputs[0]).is_dir()):
            raise JobError(
                "give an output directory with -o (standard output takes exactly one text or HTML file)"
            )
        if self.resume and out is None:
            raise JobError("--resume needs an output directory (-o)")
        if ray and (out is None or STDIN in self.inputs):
            raise JobError(
                "--engine ray reads input files and writes to an output directory: give files and -o"
            )
        items = Inputs(self.inputs, out)
        if items.usage:  # something named cannot be an input: nothing runs
            raise JobError(*map(str, items.usage))
        # checked before any work: a read-only, full or misnamed output is a usage error, not a fault later
        report_dir = Path(self.report).parent if self.report and self.report != STDIN else None
        for directory, name in ((out, "output directory"), (report_dir, "report's directory")):
            if directory is not None and (why := unwritable(directory)):
                raise JobError(f"cannot write to the {name} {directory}: {why}")
        return items

    def run(self) -> RunSummary:
        """Clean every item and publish the report; raises :class:`JobError` (nothing ran) or
        :class:`Stopped` (a fault or a signal: the journal stays for a resume; no report, no temporary
        file is left)."""
        items = self.check()
        engine = self._engine(items)
        started = time.monotonic()
        try:
            self._run(engine, items)
        except (Fault, Interrupted, BrokenProcessPool) as exc:
            raise Stopped(signalled() or exc, self.progress) from exc
        except Exception as exc:
            if stop := signalled():  # turned into another exception by library code on its way up
                raise Stopped(stop, self.progress) from exc
            raise
        summary = copy.deepcopy(self.progress.report)
        summary.elapsed = time.monotonic() - started
        return summary

    def _engine(self, items: Iterable[Item]) -> Engine:
        if isinstance(self.engine, Engine):
            return self.engine
        if self.engine == "ray":
            from cleaner.run.rayengine import RayEngine, RayUnavailable

            try:
                return RayEngine(self.ray_address, self.jobs)
            except RayUnavailable as exc:
                raise JobError(str(exc)) from exc
        few, _ = at_most_one(items)  # one item or none: a pool would be all overhead
        return Engine() if self.jobs <= 1 or few else PoolEngine(self.jobs)

    def _run(self, engine: Engine, items: Inputs) -> None:
        out, progress = self.out, self.progress
        journal = sink = None
        completed = False
        try:
            with engine:
                cleaner = self.cleaner
                if needed(cleaner, list(itertools.islice(items, 2))):
                    # two passes: corpus statistics over the whole input first, so every document is
                    # cleaned by the same corpus consensus
                    counted = _Counted(items)
                    read = _Read(self.observer)
                    cleaner = prepare(cleaner, counted, engine, html=self.html, out_dir=out, seen=read)
                    progress.total = counted.n
                    self.observer.totals(counted.n)
                    self.observer.total_documents(read.n)
                if out is not None:
                    journal = Journal(out, run_key(cleaner, self.html, self.report_level), resume=self.resume)
                sink = ReportFile(self.report)
                if engine.forks:
                    # workers forked from a warmed-up process share one copy of its language profiles
                    # and word lists (copy on write) instead of each loading its own
                    cleaner.warm_up()
                engine.broadcast(cleaner)
                skip = journal.finished if journal is not None else None
                # documents are counted one by one only where the work runs in this process
                tick = None if engine.parallel else self._tick
                args = (out, self.html, self.verbose, self.report_level, tick)
                for item, done in engine.ordered(work, items, *args, skip=skip):
                    self._finish(item, done, journal, sink)
                    self.observer.finished(item, progress)
                drop_spool(out)
            problems = RecordLines(self.report_level)
            for p in items.problems:  # symlinks not followed, colliding outputs: the user asked for these
                sink.write(problems(failure_record(p.path, p.reason)))
            progress.report.absorb(problems.tally)
            completed = True
            sink.close(publish=True)
            if journal:  # the journal goes only once the report is in place: a resume can still remake it
                journal.close(completed=True)
                journal = None
        finally:
            if sink is not None:
                sink.close(publish=False)  # a no-op once published
            if journal:
                journal.close(completed=False)
            if not completed and out is not None:
                remove_temps(out)

    def _finish(self, item: Item, done: Done | None, journal: Journal | None, sink: ReportFile) -> None:
        """Report an item's lines and tally (and journal them); ``done`` None: kept from the interrupted
        run, whose lines and tally the journal holds."""
        progress = self.progress
        if done is None:
            kept, tally = journal.replay(item)
            for line in kept:
                sink.write(line)
            progress.report.absorb(tally)
            progress.kept += 1
            self._cleaned(tally.documents)
            return
        keep = journal is not None and item.path != STDIN
        for line in lines(done):  # one at a time: a JSONL item may hold millions
            sink.write(line)
            if keep:
                journal.record(line)
        progress.report.absorb(done.tally)
        if keep:
            progress.written += journal.add(item, _digest(item), done.tally)
        progress.done += 1
        self._cleaned(done.tally.documents)

    def _tick(self) -> None:
        """One document of the item in hand taken up (the serial engine: progress inside a JSONL file)."""
        self._ticks += 1
        self.observer.cleaned(1)

    def _cleaned(self, documents: int) -> None:
        """An item of ``documents`` finished: tell the observer of those not ticked off one by one."""
        if documents > self._ticks:
            self.observer.cleaned(documents - self._ticks)
        self._ticks = 0


class _Counted:
    """``items``, counting them as the first pass walks them."""

    def __init__(self, items: Iterable[Item]):
        self.items = items
        self.n = 0

    def __iter__(self) -> Iterator[Item]:
        for item in self.items:
            self.n += 1
            yield item


class _Read:
    """Counts the documents the first pass reads and passes the news on to the observer."""

    def __init__(self, observer: Observer):
        self.observer = observer
        self.n = 0

    def __call__(self, documents: int) -> None:
        self.n += documents
        self.observer.read(documents)


def _digest(item: Item) -> str | None:
    """The input digest the journal keys an item on (None for standard input or an unreadable file)."""
    if item.path == STDIN:
        return None
    try:
        return input_digest(item.path)
    except OSError:
        return None
