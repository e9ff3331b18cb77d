"""``--resume``: keep the outputs an interrupted run already finished, and only those that are still right.

Every ``clean -o OUT`` run keeps a journal, ``OUT/.cleaner-journal`` (JSON lines, no known input suffix,
so a later run over ``OUT`` never takes it for an input), and removes it when the run completes: only an
interrupted run leaves one behind. Its first line is the run key; then, after an
item's output has been renamed into place, one line per item with the item's output path, a digest of
its input bytes and the item's report records. A line is written and flushed only after the output it
vouches for is complete, so after ``kill -9`` every journal line names a whole output (a torn last line
is ignored), and an output without a line is simply made again.

``clean --resume`` skips an item when the journal has a line for it, under the same run key, with the
same input digest, and its output is still there; the item's records are replayed into the summary and
the ``--report``, so the resumed run reports exactly what an uninterrupted one would. The run key is a
digest of everything that decides the output bytes: the package's code, the stages with their settings
and rules, the corpus statistics of the first pass (which depend on every input) and ``--html``. Changed
rules, code or inputs therefore never reuse a stale output: the journal's key no longer matches and
everything is cleaned again.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any

from cleaner.faults import Fault, writing
from cleaner.io import STDIN, Item
from cleaner.pipeline import Cleaner
from cleaner.report import FULL, encoded
from cleaner.summary import RunSummary

JOURNAL = ".cleaner-journal"
_RECORD = '{"record": '  # how a record line of the journal starts
# File names that are not UTF-8 reach us as lone surrogates; written "backslashreplace" they become
# \udcXX, the JSON escape of the same character, so every journal line stays valid JSON and reads back
# as the same path. (The file is open for the run and closed by Journal.close.)
_JSON_SAFE = "backslashreplace"
# The names AtomicWriter gives its temporary files: "." + output name + "." + mkstemp's 8 characters + ".tmp"
_TEMP = re.compile(r"\..+\.[A-Za-z0-9_]{8}\.tmp")


def run_key(cleaner: Cleaner, html: bool, level: str = FULL) -> str:
    """A digest of what decides the output bytes of a run: the cleaner's fingerprint and ``--html``, and
    the report's level (a resumed report is of one level throughout)."""
    key = f"{cleaner.fingerprint} html={html}" + ("" if level == FULL else f" report={level}")
    return hashlib.blake2b(key.encode(), digest_size=16).hexdigest()


def remove_temps(out_dir: Path) -> None:
    """Remove the temporary files of writes that never completed (AtomicWriter's, the JSONL records
    spools): after a completed resume, and when a run stops. Nothing else may write in ``out_dir`` during
    a run, so any found are of this run or of one it resumes; a read-only disk keeps them."""
    try:
        for stray in out_dir.rglob(".*.tmp"):
            if _TEMP.fullmatch(stray.name) and stray.is_file():
                stray.unlink(missing_ok=True)
    except OSError:
        pass


def input_digest(path: str) -> str:
    h = hashlib.blake2b(digest_size=16)
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


class Journal:
    """The journal of one output directory: what a resumed run may skip, and where this run appends."""

    def __init__(self, out_dir: Path, key: str, resume: bool):
        self.out_dir = out_dir
        self.path = out_dir / JOURNAL
        self.key = key
        self.resumed = resume
        # item -> (input digest, output written, input path as given, byte offset of its first record
        # line, number of records). The records stay in the file until replayed, so memory does not grow
        # with them, and each is a line of its own, so neither does it with a JSONL item's million records.
        self.done: dict[str, tuple[str, bool, str, int, int, RunSummary]] = {}
        self._written = 0  # record lines since the last item line
        valid_end = self._index() if resume else 0
        with writing(self.path):
            out_dir.mkdir(parents=True, exist_ok=True)
            if valid_end:
                # cut a line torn by the interruption, so this run's lines do not follow it (a reader
                # stops at the first bad line)
                os.truncate(self.path, valid_end)
                self._fh: IO[str] = open(self.path, "a", encoding="utf-8", errors=_JSON_SAFE)  # noqa: SIM115
            else:  # a fresh run, or the rules, code or inputs changed: start over
                self._fh = open(self.path, "w", encoding="utf-8", errors=_JSON_SAFE)  # noqa: SIM115
                self._append({"run": key})

    def finished(self, item: Item) -> bool:
        """Can ``item``'s output from the interrupted run be kept? (Its line is there under this run key,
        its input has the same digest, and its output, if it had one, is still in place.)"""
        entry = self.done.get(str(item.rel))
        if entry is None or item.path == STDIN:
            return False
        digest, written = entry[:2]
        if written and not (self.out_dir / item.rel).is_file():
            return False
        try:
            return digest == input_digest(item.path)
        except OSError:
            return False

    def replay(self, item: Item) -> tuple[Iterator[str], RunSummary]:
        """The report lines the interrupted run made for a :meth:`finished` item, as it encoded them, and
        their tally. The lines name the input as that run was given it: when this run spells it
        otherwise, they are spelled anew (the one case a line is parsed)."""
        _, _, old, offset, count, tally = self.done[str(item.rel)]
        respell = old != item.path
        if respell:
            for entry in (*tally.failures, *tally.warnings, *tally.rollbacks):
                if entry["document"].startswith(old):
                    entry["document"] = item.path + entry["document"][len(old) :]

        def lines() -> Iterator[str]:
            with open(self.path, "rb") as fh:
                fh.seek(offset)
                for _ in range(count):
                    line = fh.readline().decode("utf-8")[len(_RECORD) : -len("}\n")]
                    if respell:
                        r = json.loads(line)
                        if isinstance(r.get("path"), str) and r["path"].startswith(old):
                            line = encoded({**r, "path": item.path + r["path"][len(old) :]})
                    yield line

        return lines(), tally

    def record(self, line: str) -> None:
        """Note one report line (a record's JSON text) of the item being finished; :meth:`add` commits
        them."""
        with writing(self.path):
            self._fh.write(_RECORD + line + "}\n")  # what json.dumps would write
        self._written += 1

    def add(self, item: Item, digest: str | None, tally: RunSummary) -> bool:
        """Note a finished item, whose lines :meth:`record` wrote just before, with their ``tally``; call
        only after its output is in place. The item's line comes after its records: it is what vouches
        for them, so an interruption while the records are being written leaves the item unfinished.
        Returns whether the item has an output."""
        count, self._written = self._written, 0
        written = (self.out_dir / item.rel).is_file()
        if item.path == STDIN or digest is None:
            return written  # its record lines stay unreferenced
        self._append(
            {
                "item": str(item.rel),
                "path": item.path,
                "input": digest,
                "output": written,
                "records": count,
                "tally": tally.to_json(),
            }
        )
        return written

    def close(self, completed: bool) -> None:
        """Close the journal; a completed run removes it (only an interrupted run has anything to resume),
        and a completed resume also removes the temporary files of writes the interruption cut short, so
        a finished output directory holds the outputs and nothing else.

        A run that stopped keeps its journal even when the lines still buffered cannot be written (a
        full disk): every item line was flushed when it was added, so what is lost vouches for nothing."""
        try:
            with writing(self.path):
                self._fh.close()
        except Fault:
            if completed:
                raise
        if completed:
            with writing(self.path):
                self.path.unlink(missing_ok=True)
            if self.resumed:
                remove_temps(self.out_dir)

    def _append(self, entry: dict[str, Any]) -> None:
        with writing(self.path):
            self._fh.write(json.dumps(entry, ensure_ascii=False, sort_keys=True) + "\n")
            # Flushed, not fsynced: once written, the bytes belong to the kernel and survive the process
            # being killed (kill -9 included), which is what --resume is for. Surviving a power cut would
            # take an fsync per document here and for every output, a cost a million-document run should
            # not pay.
            self._fh.flush()

    def _index(self) -> int:
        """Read the journal of an interrupted run into ``done``; the byte length of its valid part (0
        when there is none, or it belongs to another run key)."""
        try:
            fh = open(self.path, "rb")  # noqa: SIM115 (closed below)
        except OSError:
            return 0
        with fh:
            try:
                if json.loads(fh.readline()).get("run") != self.key:
                    return 0
            except (json.JSONDecodeError, UnicodeDecodeError, AttributeError):
                return 0
            end = fh.tell()
            pending: list[int] = []  # offsets of the record lines since the last item line
            while raw := fh.readline():
                try:
                    if not raw.endswith(b"\n"):
                        raise ValueError("torn line")
                    e = json.loads(raw)
                    if "record" in e:
                        pending.append(end)
                    else:
                        count = int(e["records"])
                        if count > len(pending):
                            raise ValueError("records missing")
                        first = pending[-count] if count else end
                        tally = RunSummary.from_json(e["tally"])
                        self.done[e["item"]] = (e["input"], bool(e["output"]), e["path"], first, count, tally)
                        pending = []
                except (ValueError, KeyError, TypeError):
                    break  # torn by the interruption; nothing after it can be trusted
                end = fh.tell()
        return end
