"""Progress bars on a terminal: an :class:`~cleaner.run.job.Observer` drawn with tqdm.

The command line plugs one into its Job; a library user can too (``Job(..., observer=ProgressBars())``).
A run with a first pass shows two bars: the documents it read (a count and a rate: the total is what it
is finding out), then the documents cleaned against that total, with rate and ETA. A run of one pass
shows the cleaning bar without a total. Documents, not files, are counted, so a large JSONL file moves
the bar record by record (where the work runs in this process; with worker processes an item's
documents are counted when it finishes). Nothing is drawn when the stream is not a terminal.
"""

from __future__ import annotations

import os
import sys
from typing import IO

from tqdm import tqdm

from cleaner.run.job import Observer


class ProgressBars(Observer):
    """Progress of a run on ``stream`` (default standard error); ``enabled`` None: only when the stream
    is a terminal."""

    def __init__(self, stream: IO[str] | None = None, enabled: bool | None = None):
        self.stream = stream if stream is not None else sys.stderr
        self.enabled = _is_terminal(self.stream) if enabled is None else enabled
        self._bar: tqdm | None = None
        self._phase = ""
        self._total: int | None = None

    def read(self, documents: int) -> None:
        self._advance("first pass", documents)

    def total_documents(self, documents: int) -> None:
        self.close()  # the first pass's bar stays on screen with its count
        self._total = documents

    def cleaned(self, documents: int) -> None:
        self._advance("cleaning", documents)

    def close(self) -> None:
        """End the bar on screen (call once the run is over, however it ended)."""
        if self._bar is not None:
            self._bar.close()
            self._bar = None

    def _advance(self, phase: str, documents: int) -> None:
        if not self.enabled:
            return
        if self._phase != phase:
            self.close()
            self._phase = phase
            total = self._total if phase == "cleaning" else None
            # the terminal's width, followed as it changes; a terminal that reports none gets 80
            width = {"dynamic_ncols": True} if _columns(self.stream) else {"ncols": 80}
            self._bar = tqdm(total=total, desc=f"cleaner: {phase}", unit=" docs", file=self.stream, **width)
        self._bar.update(documents)


def _columns(stream: IO[str]) -> int:
    try:
        return os.get_terminal_size(stream.fileno()).columns
    except (AttributeError, OSError, ValueError):
        return 0


def _is_terminal(stream: IO[str]) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError):  # a closed or odd stream: no terminal to draw on
        return False
