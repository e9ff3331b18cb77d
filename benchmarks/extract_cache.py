"""An on-disk cache of the extract stage's extractor runs, for benchmark runs over the same pages again.

In HTML mode nearly all of a benchmark run's time is trafilatura's two runs and jusText on each page
(:meth:`cleaner.stages.extract.Extract.runs`), while what is being tuned is usually what comes after: the
merge of the two runs, its settings, the text stages, the rules. Those runs are a function of the page, of
the settings in :attr:`Extract.RUN_SETTINGS` and of the extractors' versions (with cleaner's, as
:func:`benchmarks.quality.package_versions` reports them), so they are kept in a directory under a key
made of exactly those, and a second run over the same pages reads them back: ``python -m
benchmarks.quality --mode html --tool cleaner --cache-dir /tmp/extract-cache`` scores the four dev sets in
43 s instead of 2 min 28 s (measured on the dev halves). A change to any of those settings or versions, or
to the page, is a new key: nothing stale is read. Each entry is JSON (the precision run's text fields; its
parsed elements are not used after it and are not kept), written atomically.

Only for benchmarks: a clean run extracts each page once, and its outputs never depend on this.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from pathlib import Path
from typing import Any

from benchmarks.quality import package_versions
from cleaner import Cleaner
from cleaner.stages.extract import Extract

#: Bumped when the layout of an entry changes, so old entries are never read as new ones.
FORMAT = 1


class CachedExtract(Extract):
    """The extract stage, with :meth:`runs` read from ``directory`` when this page was extracted there
    before with the same run settings and extractor versions, and written there when not."""

    def __init__(self, settings=None, rules=(), directory: str | Path = ""):
        super().__init__(settings, rules)
        self.directory = Path(directory)
        self.hits = self.misses = 0
        run_settings = {name: getattr(self.settings, name) for name in self.RUN_SETTINGS}
        # the versions the benchmark reports (cleaner's, the extractors'): a new release is a new key
        self._salt = json.dumps([FORMAT, package_versions(), run_settings], sort_keys=True, default=str)

    def key(self, page: str) -> str:
        digest = hashlib.sha256(self._salt.encode())
        digest.update(page.encode("utf-8", "surrogatepass"))
        return digest.hexdigest()

    def runs(self, page: str) -> tuple[dict[str, Any], str | None, str, str | None]:
        key = self.key(page)
        path = self.directory / key[:2] / f"{key}.json"
        try:
            precise, recalled, thread, paragraphs = json.loads(path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            pass
        else:
            self.hits += 1
            return precise, recalled, thread, paragraphs
        self.misses += 1
        precise, recalled, thread, paragraphs = super().runs(page)
        kept = {k: v for k, v in precise.items() if isinstance(v, str)}  # what choose() reads
        _write_atomically(path, json.dumps([kept, recalled, thread, paragraphs], ensure_ascii=False))
        return kept, recalled, thread, paragraphs


def with_cache(cleaner: Cleaner, directory: str | Path) -> Cleaner:
    """``cleaner`` with its extract stage reading and writing its runs in ``directory`` (a copy: the
    cleaner given is left as it is)."""
    new = cleaner.__copy__()
    new.stages = tuple(
        CachedExtract(stage.settings, stage.rules, directory) if type(stage) is Extract else stage
        for stage in cleaner.stages
    )
    return new


def _write_atomically(path: Path, text: str) -> None:
    # two benchmark processes may fill the same directory: each entry appears whole or not at all
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            f.write(text)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
