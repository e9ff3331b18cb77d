"""A run over files, directories or standard input: what ``cleaner clean`` does, as a library call.

    >>> from cleaner.run import Job
    >>> job = Job(inputs=["pages/"], out="clean/", resume=True, report="report.jsonl")  # doctest: +SKIP
    >>> summary = job.run()  # doctest: +SKIP

A :class:`Job` owns everything around the per-document pipeline: the inputs and their problems, the
first pass (corpus statistics), the engine the work runs on, the resume journal, the report file and
the tallies; :meth:`Job.run` returns a :class:`Summary`. It stops on a fault of the machine or a signal
by raising :class:`Stopped`, leaving the journal for a resume and no report, and raises
:class:`JobError` before any work for what cannot run at all (the command line's usage errors).
"""

from __future__ import annotations

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
from cleaner.report import RunReport
from cleaner.run.engine import Engine, at_most_one
from cleaner.run.firstpass import drop_spool, needed, prepare
from cleaner.run.items import Done, lines, work
from cleaner.run.journal import Journal, input_digest, remove_temps, run_key
from cleaner.run.pool import PoolEngine
from cleaner.run.reportfile import ReportFile


class JobError(ValueError):
    """The job cannot run as asked (no output directory where one is needed, a missing input, an
    unwritable output): nothing ran. ``problems`` holds one message per problem."""

    def __init__(self, *problems: str):
        self.problems = list(problems)
        super().__init__("; ".join(self.problems))


@dataclass
class Progress:
    """What a run has done so far; an :class:`Observer` sees it after each item."""

    report: RunReport = field(default_factory=RunReport)
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
    """Told of a run's progress (a progress bar, a log): subclass and override what you need."""

    def totals(self, items: int) -> None:
        """The number of items in all, once a first pass has counted them (a run of one pass never
        knows it: the inputs are walked as they are cleaned)."""

    def finished(self, item: Item, progress: Progress) -> None:
        """``item`` is done (cleaned now, or kept from an interrupted run)."""


@dataclass(frozen=True)
class Summary:
    """What a completed run did. ``report`` holds the same tallies with edits by rule (top rules)."""

    elapsed: float  # seconds
    items: int  # inputs done or kept
    written: int  # outputs this run wrote
    kept: int  # items kept from the interrupted run it resumed
    documents: int
    chars_in: int
    chars_out: int
    statuses: dict[str, int]
    warnings: int
    rollbacks: int  # stage applications the pipeline's guards rolled back
    failures: tuple[str, ...]  # "path: reason", one per failed document
    report: RunReport

    @classmethod
    def of(cls, progress: Progress, elapsed: float) -> Summary:
        r = progress.report
        return cls(
            elapsed,
            progress.done + progress.kept,
            progress.written,
            progress.kept,
            r.documents,
            r.chars_in,
            r.chars_out,
            dict(r.statuses),
            r.warnings,
            r.rollbacks,
            tuple(r.failures),
            r,
        )

    @property
    def failed(self) -> int:
        return self.report.failed

    def line(self) -> str:
        """The one-line summary the command line prints."""
        return self.report.summary()


class Job:
    """Clean ``inputs`` (files, directories, "-" for standard input) into ``out`` (a directory; None:
    standard output, for one text or HTML file).

    ``engine``: "local" (this process, or ``jobs`` worker processes), "ray" (a Ray cluster at
    ``ray_address``), or an :class:`~cleaner.run.engine.Engine`. ``resume``: keep what an interrupted
    run over the same inputs, rules and code finished. ``report``: a JSONL file with one record per
    document ("-": standard output). ``html``: treat standard input and .txt inputs as HTML."""

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
        self.html = html
        self.verbose = verbose
        self.ray_address = ray_address
        self.observer = observer or Observer()
        self.progress = Progress()

    def check(self) -> Inputs:
        """The inputs, once what makes the job impossible has been ruled out (else :class:`JobError`)."""
        if self.jobs < 1:
            raise JobError("--jobs must be at least 1")
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

    def run(self) -> Summary:
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
        return Summary.of(self.progress, time.monotonic() - started)

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
                    cleaner = prepare(cleaner, counted, engine, html=self.html, out_dir=out)
                    progress.total = counted.n
                    self.observer.totals(counted.n)
                if out is not None:
                    journal = Journal(out, run_key(cleaner, self.html), resume=self.resume)
                sink = ReportFile(self.report)
                if engine.forks:
                    # workers forked from a warmed-up process share one copy of its language profiles
                    # and word lists (copy on write) instead of each loading its own
                    cleaner.warm_up()
                engine.broadcast(cleaner)
                skip = journal.finished if journal is not None else None
                for item, done in engine.ordered(work, items, out, self.html, self.verbose, skip=skip):
                    self._finish(item, done, journal, sink)
                    self.observer.finished(item, progress)
                drop_spool(out)
            for p in items.problems:  # symlinks not followed, colliding outputs: the user asked for these
                sink.write(progress.report.fail(p.path, p.reason))
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


class _Counted:
    """``items``, counting them as the first pass walks them."""

    def __init__(self, items: Iterable[Item]):
        self.items = items
        self.n = 0

    def __iter__(self) -> Iterator[Item]:
        for item in self.items:
            self.n += 1
            yield item


def _digest(item: Item) -> str | None:
    """The input digest the journal keys an item on (None for standard input or an unreadable file)."""
    if item.path == STDIN:
        return None
    try:
        return input_digest(item.path)
    except OSError:
        return None
