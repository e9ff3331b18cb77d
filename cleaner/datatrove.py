"""datatrove pipeline steps: clean documents, and the corpus pass that corpus-wide name repair needs.

Install with ``pip install 'cleaner[datatrove]'``. A datatrove filter can only keep or drop and a
formatter only rewrites the text; :class:`CleanerStep` does both and keeps the record::

    from datatrove.executor import LocalPipelineExecutor
    from datatrove.pipeline.readers import JsonlReader
    from datatrove.pipeline.writers import JsonlWriter
    from cleaner.datatrove import CleanerStep

    LocalPipelineExecutor(
        [JsonlReader("raw/"), CleanerStep(exclusion_writer=JsonlWriter("excluded/")), JsonlWriter("clean/")],
        tasks=4,
    ).run()

Each document's text becomes the canonical text and the record goes to ``doc.metadata["cleaner"]``
(status, metadata; the error and warnings when there are any), as ``cleaner clean`` writes JSONL. The
step's statistics count documents by status and edits by rule (``boilerplate/ad-slot-marker``, format
edits of ``canonical`` left out, as in the run summary), beside datatrove's ``total``, ``forwarded`` and
``dropped``. Documents that fail or are dropped go to the optional exclusion writer with their text as
it came and ``filter_reason`` set, as a datatrove filter's do.

Corpus-wide name repair is two runs: :class:`NameStatsCollector` counts the names of each task's share
and saves them (``<folder>/<rank>.json.gz``); the cleaning run's ``CleanerStep(name_stats=<folder>)``
loads and merges every file there (merging is addition: the result is what one pass over the whole
corpus gives) before its first document.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterable
from typing import Any

from datatrove.data import DocumentsPipeline
from datatrove.io import DataFolderLike, get_datafolder
from datatrove.pipeline.base import PipelineStep
from datatrove.pipeline.writers.disk_base import DiskWriter
from datatrove.utils.batching import batched
from datatrove.utils.typeshelper import StatHints

from cleaner.namestats import NameStats
from cleaner.pipeline import Cleaner, RulesArg
from cleaner.report import rule_counts

#: Documents whose names are counted before their statistics join the task's total: statistics of a
#: batch are merged, not kept per document, and the documents wait for it in memory.
_BATCH = 1000


def _cleaner(rules: RulesArg, cleaner: Cleaner | None) -> Cleaner:
    if cleaner is not None and rules is not None:
        raise ValueError("give rules or a cleaner, not both")
    return cleaner if cleaner is not None else Cleaner(rules)


def load_name_stats(folder: DataFolderLike) -> NameStats:
    """The merged statistics of every ``*.json.gz`` file :class:`NameStatsCollector` saved in ``folder``."""
    df = get_datafolder(folder)
    files = sorted(df.list_files(glob_pattern="*.json.gz"))
    if not files:
        raise FileNotFoundError(f"no name statistics (*.json.gz) in {df.path}")
    total: NameStats | None = None
    for name in files:
        with df.open(name, "rb") as fh:
            stats = NameStats.from_bytes(fh.read())
        if total is None:
            total = stats  # not an empty NameStats(): its default limit would cap the collected one
        else:
            total.absorb(stats)
    return total


class CleanerStep(PipelineStep):
    """Clean ``doc.text``; the record goes to ``doc.metadata["cleaner"]`` (see the module docstring).

    ``rules`` as :class:`~cleaner.Cleaner` takes them (or a built ``cleaner``); ``html``: the texts are
    pages; ``name_stats``: a folder of :class:`NameStatsCollector`'s files, for corpus name repair;
    ``exclusion_writer``: where failed and dropped documents go."""

    name = "🧹 cleaner"
    type = "✂️ - FORMAT"

    def __init__(
        self,
        rules: RulesArg = None,
        *,
        cleaner: Cleaner | None = None,
        html: bool = False,
        name_stats: DataFolderLike | None = None,
        exclusion_writer: DiskWriter | None = None,
    ):
        super().__init__()
        self.cleaner = _cleaner(rules, cleaner)
        self.html = html
        self.name_stats = name_stats
        self.exclusion_writer = exclusion_writer

    def run(self, data: DocumentsPipeline, rank: int = 0, world_size: int = 1) -> DocumentsPipeline:
        if not data:
            return
        cleaner = self.cleaner
        if self.name_stats is not None:
            cleaner = cleaner.with_name_stats(load_name_stats(self.name_stats))
        with self.exclusion_writer or contextlib.nullcontext() as writer:
            for doc in data:
                self.stat_update(StatHints.total)
                with self.track_time():
                    result = cleaner.clean(doc.text, id=str(doc.id), html=self.html)
                self.stat_update(result.status)
                for rule, n in rule_counts((e.stage, e.rule) for e in result.edits).items():
                    self.stat_update(rule, value=n)
                doc.metadata["cleaner"] = _record(result)
                if result.ok:
                    doc.text = result.text
                    self.stat_update(StatHints.forwarded)
                    self.update_doc_stats(doc)
                    yield doc
                else:
                    self.stat_update(StatHints.dropped)
                    if writer is not None:
                        doc.metadata["filter_reason"] = f"{result.status}: {result.error}"
                        writer.write(doc, rank)


def _record(result) -> dict[str, Any]:
    record: dict[str, Any] = {"status": result.status, "metadata": dict(result.metadata)}
    if result.error:
        record["error"] = result.error
    if result.warnings:
        record["warnings"] = list(result.warnings)
    return record


class NameStatsCollector(PipelineStep):
    """Count the names of every document (passed on unchanged) and save this task's statistics to
    ``output_folder/<rank>.json.gz`` for ``CleanerStep(name_stats=output_folder)``."""

    name = "🧹 cleaner name statistics"
    type = "📊 - STATS"

    def __init__(
        self, output_folder: DataFolderLike, rules: RulesArg = None, *, cleaner: Cleaner | None = None
    ):
        super().__init__()
        self.output_folder = get_datafolder(output_folder)
        self.cleaner = _cleaner(rules, cleaner)

    def run(self, data: DocumentsPipeline, rank: int = 0, world_size: int = 1) -> DocumentsPipeline:
        stats = self.cleaner.collect_name_stats(())  # empty, with the names stage's limit
        for batch in batched(data or (), _BATCH):
            with self.track_time("batch"):
                stats.absorb(self.cleaner.collect_name_stats(_texts(batch)))
            self.stat_update("documents", value=len(batch))
            yield from batch
        self.stat_update("names", value=len(stats.count))
        with self.output_folder.open(f"{rank:05d}.json.gz", "wb") as fh:
            fh.write(stats.to_bytes(gzipped=True))


def _texts(docs: Iterable) -> Iterable[str]:
    return (doc.text for doc in docs)
