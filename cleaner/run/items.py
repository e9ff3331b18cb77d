"""One input item (a file, a JSONL file, standard input) from reading to the atomic write of its output.

:func:`process_item` is the unit of work of every engine, so the serial, pool and Ray runs write the
same bytes. What it sends back, a :class:`Done`, holds the item's report lines already encoded and
their tally, made once where the work was done: the main process copies the lines to the report and
the journal and adds the tally, and parses nothing back.
"""

from __future__ import annotations

import json
import sys
import tempfile
import traceback
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from dataclasses import replace as _replace
from pathlib import Path
from typing import Any

from cleaner.faults import Fault, of_machine, signalled
from cleaner.io import STDIN, AtomicWriter, InputError, Item, decode, iter_jsonl, make_parent, read_bytes
from cleaner.pipeline import Cleaner
from cleaner.report import FULL, SUMMARY, encoded, failure_record, summary_record
from cleaner.run.firstpass import SPOOL, carried
from cleaner.summary import RunSummary

STDOUT = "standard output"


@dataclass(frozen=True)
class Done:
    """An item's report lines (JSON text, one record each) and their tally; for a JSONL item the lines
    are in the ``spool`` file instead, so a million documents never sit in memory (see :func:`lines`)."""

    tally: RunSummary = field(default_factory=RunSummary)
    lines: tuple[str, ...] = ()
    spool: str | None = None


def lines(done: Done) -> Iterator[str]:
    """The report lines of ``done``, one at a time, without their line breaks; a spool is read, then
    removed."""
    yield from done.lines
    if done.spool is not None:
        try:
            with open(done.spool, encoding="utf-8", errors="surrogatepass") as fh:
                for line in fh:
                    yield line.rstrip("\n")
        finally:
            Path(done.spool).unlink(missing_ok=True)


def work(
    cleaner: Cleaner,
    item: Item,
    out_dir: Path | None,
    html: bool,
    verbose: bool,
    level: str = FULL,
    tick: Callable[[], None] | None = None,
) -> Done:
    """:func:`process_item` as an engine task: the cleaner is the engine's shared value."""
    return process_item(cleaner, item, out_dir, html=html, verbose=verbose, level=level, tick=tick)


def process_item(
    cleaner: Cleaner,
    item: Item,
    out_dir: Path | None,
    *,
    html: bool = False,
    verbose: bool = False,
    level: str = FULL,
    tick: Callable[[], None] | None = None,
) -> Done:
    """Clean one item and write its output (to ``out_dir``, or standard output when it is None).
    ``level``: the report's, :data:`~cleaner.report.FULL` or :data:`~cleaner.report.SUMMARY`. ``tick()``
    is called as each document of a JSONL item is taken up (progress inside a large file; only where the work
    runs in the caller's process)."""
    line = RecordLines(level)
    try:
        if item.kind == "jsonl":
            return _jsonl(cleaner, item, out_dir, line, tick)
        return _single(cleaner, item, out_dir, html, line)
    except InputError as exc:
        return _failed(item, str(exc), line)
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
        return _failed(item, f"internal error: {type(exc).__name__}: {exc}", RecordLines(level))


class RecordLines:
    """Counts an item's (or a run's) records into its tally (from the full record, so a summary-level report
    summarises to the same numbers) and encodes each at the report's level."""

    def __init__(self, level: str):
        self.short = level == SUMMARY
        self.tally = RunSummary()

    def __call__(self, record: dict[str, Any]) -> str:
        self.tally.add(record)
        return encoded(summary_record(record) if self.short else record)


def _failed(item: Item, reason: str, line: RecordLines) -> Done:
    return Done(line.tally, (line(failure_record(item.path, reason, item.id)),))


def _single(cleaner: Cleaner, item: Item, out_dir: Path | None, html: bool, line: RecordLines) -> Done:
    text, encoding = decode(read_bytes(item.path))
    html = html or item.kind == "html"
    if html and out_dir is not None:
        cleaner = carried(cleaner, item, text, out_dir / SPOOL)
    result = cleaner.clean(text, id=item.id, html=html)
    if encoding != "utf-8":
        result = _replace(result, metadata={**result.metadata, "encoding": encoding})
    if result.ok:
        data = result.text.encode("utf-8")
        if out_dir is None:
            sys.stdout.buffer.write(data)
            sys.stdout.flush()
        else:
            target = out_dir / item.rel
            if item.path != STDIN and target.resolve() == Path(item.path).resolve():
                return _failed(item, "refused: output would overwrite the input", line)
            with AtomicWriter(target, out_dir) as fh:
                fh.write(data)
    return Done(line.tally, (line(result.record(item.path)),))


def _jsonl(
    cleaner: Cleaner, item: Item, out_dir: Path | None, line: RecordLines, tick: Callable[[], None] | None
) -> Done:
    """Clean a JSONL file line by line. The documents' report records go to a spool file next to the
    output, not into memory: a JSONL file of a million documents runs in the memory of one."""
    if out_dir is None:
        raise InputError("JSONL input needs an output directory (-o)")
    target = out_dir / item.rel
    if target.resolve() == Path(item.path).resolve():
        return _failed(item, "refused: output would overwrite the input", line)
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
                if tick is not None:
                    tick()
                if error:
                    rec.write(line(failure_record(where, error)) + "\n")
                    continue
                doc_id = str(record.get("id", f"{item.id}:{n}"))
                if not isinstance(record.get("text"), str):
                    rec.write(line(failure_record(where, "record has no 'text' string", doc_id)) + "\n")
                    continue
                result = cleaner.clean(record["text"], id=doc_id, html=record.get("html") is True)
                rec.write(line(result.record(where)) + "\n")
                if result.ok:
                    out.write(_output_line(record, result))
    except BaseException:
        Path(spool).unlink(missing_ok=True)
        raise
    return Done(line.tally, spool=spool)


def _output_line(record: dict[str, Any], result) -> bytes:
    cleaned = {"status": result.status, "metadata": dict(result.metadata)}
    record = {**record, "text": result.text, "cleaner": cleaned}
    return (json.dumps(record, ensure_ascii=False) + "\n").encode("utf-8")
