"""The first pass of a two-pass run: corpus statistics over every input, so each document of the second
pass is cleaned by the same corpus consensus. What is counted is each stage's business (see
:meth:`cleaner.stage.Stage.corpus_stats`; today the names stage's name statistics).

Each item's statistics are made where the engine runs work and merged here; merging is addition, so
the statistics do not depend on the engine or on the order tasks finish in. The first pass also spools
each HTML page's extraction, for the second pass to carry over instead of extracting the page again.
"""

from __future__ import annotations

import copy
import hashlib
import json
import shutil
from collections.abc import Callable, Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any

from cleaner.document import Document
from cleaner.io import STDIN, AtomicWriter, InputError, Item, decode, iter_jsonl, read_bytes
from cleaner.pipeline import Cleaner
from cleaner.run.engine import Engine, batched
from cleaner.stage import Stage, absorb_stats

#: Items per first-pass task when work runs in other processes: a file's statistics take a few
#: milliseconds, less than sending one task and its result, and one result per batch leaves the main
#: process less to add up. On 586 bench pages the pass took as long with 2 workers as with 1 until it
#: was batched.
STATS_BATCH = 8

#: The directory in OUT where the first pass leaves each HTML page's extraction for the second pass.
#: It holds one small JSON file per page (the extracted text, some 5-10% of the page), each removed
#: as the second pass takes it, and the directory when the run completes; so memory holds none of
#: them, a worker on any node of a shared filesystem finds them, and disk holds at most the
#: extracted text of the corpus, for the time between the two passes. No input suffix: a later run
#: over OUT never takes it for input.
SPOOL = ".cleaner-extracted"


def needed(cleaner: Cleaner, first: Sequence[Item]) -> bool:
    """Whether a run whose first items are ``first`` (up to two) takes a first pass: a stage of the
    cleaner builds its second-pass form from corpus statistics, and the corpus is more than one document."""
    return cleaner.uses_corpus_stats and (len(first) > 1 or any(i.kind == "jsonl" for i in first))


def prepare(
    cleaner: Cleaner,
    items: Iterable[Item],
    engine: Engine,
    *,
    html: bool = False,
    out_dir: Path | None = None,
    seen: Callable[[int], None] | None = None,
) -> Cleaner:
    """The first pass: the cleaner for the second, its stages built from the corpus statistics.

    With worker processes on this machine, the workers also take the independent pieces of that
    building a stage offloads (the names stage weighs its candidates against wordfreq's lists, one
    language per task) while this process loads the language profiles: it never loads those lists
    (some 370 MB), so workers forked from it next do not carry them either. With ``out_dir``, the HTML
    pages' extractions are spooled there for the second pass (see :func:`carried`). ``seen(n)`` hears of
    the documents read, ``n`` at a time (one by one here, a batch's when workers read them), so a progress
    display moves inside a large JSONL file and knows the second pass's total."""
    seen = seen or _ignore
    spool = None if out_dir is None else out_dir / SPOOL
    todo = (i for i in items if i.path != STDIN)
    total = cleaner.corpus_stats()  # empty, each with its stage's memory bound
    if not engine.parallel:
        for item in todo:
            absorb_stats(total, stats_of(cleaner, item, html, spool, seen))
        return cleaner.with_corpus_stats(total)
    engine.broadcast(cleaner)
    for _, (stats, documents) in engine.ordered(_stats_task, batched(todo, STATS_BATCH), html, spool):
        absorb_stats(total, stats)
        seen(documents)
    if not engine.local:  # a cluster's driver forks no workers: it may as well build them itself
        return cleaner.with_corpus_stats(total)

    def offload(fn: Callable[[Any], Any], tasks: Sequence[Any]) -> list[Any]:
        handles = [engine.submit(_offloaded, fn, task) for task in tasks]
        cleaner.warm_up()  # while the workers work: workers forked after this share what it loads
        return [engine.result(h) for h in handles]

    return cleaner.with_corpus_stats(total, offload)


def stats_of(
    cleaner: Cleaner,
    item: Item,
    html: bool,
    spool: Path | None = None,
    seen: Callable[[int], None] | None = None,
) -> dict[str, Any]:
    """The corpus statistics of one item; ``seen(1)`` for each of its documents (see :func:`item_texts`)."""
    return cleaner.collect_corpus_stats(item_texts(cleaner, item, html, spool, seen))


def _stats_task(
    cleaner: Cleaner, batch: list[Item], html: bool, spool: Path | None
) -> tuple[dict[str, Any], int]:
    """The corpus statistics of a batch of items and its number of documents (the unit of work of a
    parallel first pass)."""
    total = cleaner.corpus_stats()
    documents = 0

    def seen(n: int) -> None:
        nonlocal documents
        documents += n

    for item in batch:
        absorb_stats(total, stats_of(cleaner, item, html, spool, seen))
    return total, documents


def _ignore(_n: int) -> None:
    """No one is listening to the first pass's progress."""


def _offloaded(_cleaner: Cleaner, fn: Callable[[Any], Any], task: Any) -> Any:
    return fn(task)


def item_texts(
    cleaner: Cleaner,
    item: Item,
    html: bool = False,
    spool: Path | None = None,
    seen: Callable[[int], None] | None = None,
) -> Iterator[str]:
    """The texts of one item as the stages after extraction will roughly see them (HTML: the extracted
    text).

    With ``spool``, an HTML page's extraction is also written there, for the second pass to carry over
    instead of extracting the page again (see :func:`carried`). Unreadable items and lines yield nothing
    here; the cleaning pass reports them. ``seen(1)`` is called once per document the cleaning pass will
    report: each JSONL line, else the item.
    """
    seen = seen or _ignore
    try:
        if item.kind == "jsonl":
            for _, record, error in iter_jsonl(item.path):
                seen(1)
                if error is None and isinstance(record.get("text"), str):
                    yield record["text"]
            return
        seen(1)
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
