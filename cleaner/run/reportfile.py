"""The ``--report`` file of a run: written under a temporary name, published by a rename only when the
run completes, so a stopped run leaves the previous report in place and never half a new one."""

from __future__ import annotations

import contextlib
import os
import sys
from pathlib import Path

from cleaner.faults import writing
from cleaner.io import STDIN


class ReportFile:
    """Report lines go to ``path`` ("-": standard output, None: nowhere), one JSON record per line."""

    def __init__(self, path: str | None):
        self.path = path
        self._fh = None
        if path is None:
            return
        if path == STDIN:
            self._fh = sys.stdout
            return
        target = Path(path)
        with writing(path):
            target.parent.mkdir(parents=True, exist_ok=True)
            # "backslashreplace" writes the lone surrogates of a file name that is not UTF-8 as \udcXX,
            # which is the JSON escape of the same character: the record stays valid JSON
            self._fh = open(  # noqa: SIM115 (closed by close)
                target.with_name(f".{target.name}.tmp"), "w", encoding="utf-8", errors="backslashreplace"
            )

    def write(self, line: str) -> None:
        """Write one record's JSON text."""
        if self._fh is not None:
            with writing(self.path or "the report"):
                self._fh.write(line + "\n")

    def close(self, publish: bool) -> None:
        """Publish the report when the run completed; a stopped run removes its temporary report
        (whatever cannot be written of it now) and keeps the previous one."""
        fh = self._fh
        if fh is None or fh is sys.stdout:
            return
        if publish:
            with writing(self.path):
                fh.close()
                os.replace(fh.name, self.path)
            self._fh = None
            return
        self._fh = None
        with contextlib.suppress(OSError):  # what is still buffered is not wanted (and fails on a full disk)
            fh.close()
        with contextlib.suppress(OSError):  # a read-only disk keeps it
            Path(fh.name).unlink(missing_ok=True)
