"""The pipeline: builds stages from a validated rule set, runs them, applies guards, collects edits.

``Cleaner`` is the library's entry point (DESIGN.md section 5)::

    from cleaner import Cleaner
    cleaner = Cleaner()                      # the bundled rules; Cleaner("my_rules/") for your own
    result = cleaner.clean(text)             # CleanResult: .text .edits .metadata .status
    for result in cleaner.clean_many(docs):  # str, Document or {"id": ..., "text": ...} items
        ...
    columns = cleaner.clean_batch({"text": [...]})  # for datasets' Dataset.map(batched=True)

A cleaner's ``fingerprint`` is a digest of its code, stages, settings, rules and name statistics, and it
pickles to the same bytes in every process (caches and automata left out, rebuilt on load), so caches
keyed on either, such as ``datasets``' ``map`` cache, hit when the configuration is the same.

Guards the pipeline enforces, whatever the stages do:
- a stage application that would delete more than its ``max_delete_share`` of the document's
  non-space characters, or leave no letters at all, is rolled back and noted in ``warnings``;
- an input with no text, or a result with none, is a failure, never an output;
- text stages repeat until a whole pass changes nothing, so cleaning the output again changes nothing.
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Iterable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from cleaner import gates, pickling
from cleaner.document import (
    CLEANED,
    DROPPED,
    FAILED,
    UNCHANGED,
    CleanResult,
    Document,
    DocumentFailure,
    Edit,
    MetadataEdit,
    apply_edits,
)
from cleaner.fingerprint import fingerprint
from cleaner.namestats import NameStats
from cleaner.patterns import PatternTimeout, time_limit_for
from cleaner.rules import RuleSet, load_rules
from cleaner.stage import Offload, Stage
from cleaner.text import has_letters, nonspace, relines

if TYPE_CHECKING:
    from cleaner.stages.names import Weigh

RulesArg = str | Path | Iterable[str | Path] | RuleSet | None

# The library's one logger. Per-document events (a stage rolled back, a document failed) are INFO: the
# record carries them too, and a program that uses the library decides whether to see them.
log = logging.getLogger("cleaner")


class Cleaner:
    """A pipeline built once from a rule set, then applied to any number of documents; it pickles."""

    def __init__(self, rules: RulesArg = None):
        self.ruleset = rules if isinstance(rules, RuleSet) else load_rules(rules)
        from cleaner.stages import registry  # here: importing cleaner (a pytest plugin) loads no stage

        stages = registry()
        self.stages: tuple[Stage, ...] = tuple(
            stages[name](self.ruleset.settings.get(name), self.ruleset.rules.get(name, ()))
            for name in self.ruleset.stages
        )
        gates.built()  # the stages built their rules' gates: the table they were computed from goes

    def corpus_stats(self) -> dict[str, Any]:
        """Empty corpus statistics of each stage that builds a second-pass form from them, by stage name
        (see :meth:`Stage.corpus_stats`); empty when no stage does, and then a run takes one pass."""
        return {s.name: stats for s in self.stages if (stats := s.corpus_stats()) is not None}

    def collect_corpus_stats(self, texts: Iterable[str]) -> dict[str, Any]:
        """The corpus statistics of ``texts`` (a first pass's share of the corpus; merge the shares with
        :func:`cleaner.stage.absorb_stats`)."""
        stats = self.corpus_stats()
        observing = [s for s in self.stages if s.name in stats]
        for text in texts:
            for stage in observing:
                stage.observe(stats[stage.name], text)
        return stats

    def with_corpus_stats(self, stats: Mapping[str, Any], offload: Offload | None = None) -> Cleaner:
        """The second-pass cleaner: each stage with statistics in ``stats`` in the form built from them."""
        new = self.__copy__()
        new.stages = tuple(
            s.with_corpus_stats(stats[s.name], offload) if s.name in stats else s for s in self.stages
        )
        return new

    @property
    def uses_corpus_stats(self) -> bool:
        """Whether a stage builds a second-pass form from corpus statistics: worth a first pass."""
        return any(s.corpus_stats() is not None for s in self.stages)

    def collect_name_stats(self, texts: Iterable[str]) -> NameStats:
        """Name statistics over a corpus (merge them across workers): the names stage's corpus
        statistics, by the name the library's users (datasets, datatrove) know them. Runs use the
        stage-agnostic :meth:`collect_corpus_stats`."""
        names = next((s for s in self.stages if s.name == "names"), None)
        if names is None:
            return NameStats.collect(texts)
        return NameStats.collect(texts, keep=names.counts, limit=names.settings.stats_entries)

    def with_name_stats(self, stats: NameStats, weigh: Weigh | None = None) -> Cleaner:
        """Second pass: a cleaner whose ``names`` stage repairs by the consensus of ``stats``.

        ``weigh`` looks up the word frequencies that vet its candidates (default: here, see
        :func:`cleaner.stages.names.weigh_here`). Runs use the stage-agnostic :meth:`with_corpus_stats`."""
        new = self.__copy__()
        extra = () if weigh is None else (weigh,)
        new.stages = tuple(
            s.with_stats(stats, *extra) if hasattr(s, "with_stats") else s for s in self.stages
        )
        return new

    def warm_up(self) -> Cleaner:
        """Load every stage's word lists and profiles now (see :meth:`Stage.warm_up`); returns self."""
        for stage in self.stages:
            stage.warm_up()
        return self

    @property
    def fingerprint(self) -> str:
        """A digest of everything that decides this cleaner's output (see :mod:`cleaner.fingerprint`):
        equal for equal configurations in any process, different when a rule, setting or the code
        changes."""
        return fingerprint(self)

    def __repr__(self) -> str:
        # the fingerprint too: caches that key a transformation on its repr then see an edited rule
        stages, rules = [s.name for s in self.stages], len(self.ruleset.all_rules())
        return f"Cleaner(stages={stages}, rules={rules}, fingerprint={self.fingerprint!r})"

    def __reduce__(self):
        # the same bytes for the same configuration in every process (see cleaner/pickling.py), whatever
        # pickler is asked: pickle, cloudpickle, or dill under datasets' Hasher
        return (_restore, (type(self), pickling.dumps(self.__dict__)))

    def __copy__(self) -> Cleaner:
        # shallow, as copy.copy was before __reduce__: stages are shared, not pickled and rebuilt
        new = type(self).__new__(type(self))
        new.__dict__.update(self.__dict__)
        return new

    def clean(
        self,
        text: str,
        *,
        id: str | None = None,
        html: bool = False,
        metadata: Mapping[str, Any] | None = None,
    ) -> CleanResult:
        """Clean one document. Never raises for a bad document: a failure comes back as status ``failed``."""
        if not isinstance(text, str) or not isinstance(metadata, Mapping | None):
            bad = "text must be a string" if not isinstance(text, str) else "metadata must be a mapping"
            return CleanResult("", FAILED, id=id, error=bad)
        doc = Document(text=text, id=id, html=html, metadata=dict(metadata or {}))
        try:
            with time_limit_for(text):
                return _Run(self, doc).result()
        except (PatternTimeout, DocumentFailure) as exc:
            log.info("%s: failed: %s", id or "document", exc)
            return CleanResult("", FAILED, id=id, metadata=doc.metadata, error=str(exc), chars_in=len(text))

    def clean_many(self, docs: Iterable[str | Document | Mapping[str, Any]]) -> Iterator[CleanResult]:
        """Clean a stream of documents lazily, in order; one bad document never stops the stream."""
        for n, item in enumerate(docs):
            if isinstance(item, str):
                yield self.clean(item, id=str(n))
            elif isinstance(item, Document):
                yield self.clean(item.text, id=item.id, html=item.html, metadata=item.metadata)
            else:
                text = item.get("text")
                doc_id = item.get("id", str(n))
                if not isinstance(text, str):
                    yield CleanResult("", FAILED, id=doc_id, error="document has no 'text' string")
                    continue
                yield self.clean(
                    text, id=doc_id, html=item.get("html") is True, metadata=item.get("metadata")
                )

    def clean_batch(self, batch: Mapping[str, list], *, html: bool = False) -> dict[str, list]:
        """Clean a batch of columns, as ``datasets``' ``Dataset.map(batched=True)`` passes them.

        Reads ``text`` (and ``id``, when there is one); returns the columns ``text`` (the canonical text,
        "" unless the status is ``cleaned`` or ``unchanged``), ``status``, ``metadata`` and ``error``
        ("" when there is none). ``metadata`` is the record's metadata as JSON text: its keys differ from
        document to document, and an Arrow column needs one type for every batch::

            ds = ds.map(cleaner.clean_batch, batched=True)
            ds = ds.filter(lambda row: row["status"] in ("cleaned", "unchanged"))
        """
        texts = batch["text"]
        ids = batch.get("id") or [None] * len(texts)
        out: dict[str, list] = {"text": [], "status": [], "metadata": [], "error": []}
        for text, doc_id in zip(texts, ids, strict=True):
            result = self.clean(text, id=None if doc_id is None else str(doc_id), html=html)
            out["text"].append(result.text)
            out["status"].append(result.status)
            out["metadata"].append(json.dumps(dict(result.metadata), ensure_ascii=False, sort_keys=True))
            out["error"].append(result.error or "")
        return out


def _restore(cls: type[Cleaner], state: bytes) -> Cleaner:
    """The cleaner :meth:`Cleaner.__reduce__` pickled."""
    new = cls.__new__(cls)
    new.__dict__.update(pickling.loads(state))
    return new


def load_pipeline(rules: RulesArg = None) -> Cleaner:
    """Build a :class:`Cleaner` from a rules directory or file (``None``: the bundled rules)."""
    return Cleaner(rules)


def _new_values(have: list, values) -> list:
    """The items of ``values`` that are not in ``have``, in order: ``[v for v in values if v not in
    have]``, with a set for the hashable items. The list comprehension alone was quadratic: a 1.6 MB
    document with thousands of credit lines spent 3.5 of its 15 s here."""
    seen, unhashable = set(), []
    for v in have:
        try:
            seen.add(v)
        except TypeError:  # a dict, such as a foreign paragraph's entry: compared one by one
            unhashable.append(v)
    out = []
    for v in values:
        try:
            known = v in seen
        except TypeError:
            known = False
        if not known and not (unhashable and v in unhashable):
            out.append(v)
    return out


def whole_line_runs(text: str, edits: Sequence[Edit]) -> list[tuple[int, int]]:
    """For each edit that removes whole lines of ``text``, where it ends and how many non-blank lines it
    removes: the runs of :func:`removed_runs`, each standing before what follows it."""
    return [(e.end, n) for e in edits if (n := whole_lines(text, e))]


def whole_lines(text: str, e: Edit) -> int:
    """The non-blank lines of ``text`` that the edit ``e`` removes whole (from a line's start to its
    end): a line a stage took out as furniture, not a word taken from inside a sentence."""
    if e.new or (e.start and text[e.start - 1] != "\n"):
        return 0
    if e.old.endswith("\n") or e.end == len(text) or text[e.end] == "\n":
        return sum(1 for line in e.old.split("\n") if line.strip())
    return 0


def removed_runs(runs: Iterable[tuple[int, int]], edits: Sequence[Edit]) -> tuple[tuple[int, int], ...]:
    r"""``runs`` ((offset, lines) in a text; see ``Document.removed_runs``) moved to the text ``edits``
    make of it, by offset.

    An offset after an edit moves by what the edit added or took; one inside an edit's span goes to the
    end of its replacement; one at an edit's start stays before it. Runs that meet at one offset (two
    lines removed by two edits, one removed where an earlier stage removed others) become one entry,
    so a run's lines are counted together however many edits took them.

    >>> e = Edit("s", "r", 2, 6, "b\nc\n", "", "why")
    >>> removed_runs([(6, 1), *whole_line_runs("a\nb\nc\nd", [e])], [e])
    ((2, 3),)
    """
    ordered = sorted(edits, key=lambda e: (e.start, e.end))
    points = sorted(runs)
    moved: dict[int, int] = {}
    k, delta = 0, 0
    for offset, n in points:
        while k < len(ordered) and ordered[k].end <= offset and ordered[k].start < offset:
            delta += len(ordered[k].new) - (ordered[k].end - ordered[k].start)
            k += 1
        if k < len(ordered) and ordered[k].start < offset:  # inside the edit: after its replacement
            at = ordered[k].start + delta + len(ordered[k].new)
        else:
            at = offset + delta
        moved[at] = moved.get(at, 0) + n
    return tuple(sorted(moved.items()))


class _Run:
    """The state of cleaning one document: current text, metadata, edits so far, warnings."""

    def __init__(self, cleaner: Cleaner, doc: Document):
        self.cleaner = cleaner
        self.doc = doc
        self.text = doc.text
        self.metadata: dict[str, Any] = dict(doc.metadata)
        self.edits: list[Edit] = []
        self.metadata_edits: list[MetadataEdit] = []
        self.warnings: list[str] = []
        self.step = 0
        self.dropped: str | None = None
        # lines removed whole, by stage (Document.removed_lines); every stage of the run is there, so a
        # stage can tell a stage that removed nothing from one that is not in the run
        self.removed_lines: dict[str, int] = dict.fromkeys((s.name for s in cleaner.stages), 0)
        # where they stood in the current text, by stage (Document.removed_runs): kept in step with every
        # edit, so a later stage finds them where they were whatever stood between
        self.removed_runs: dict[str, tuple[tuple[int, int], ...]] = {}

    def result(self) -> CleanResult:
        limit = self.cleaner.ruleset.max_document_chars
        if len(self.text) > limit:
            return self._done(
                FAILED, f"document too large: {len(self.text):,} characters (max_document_chars = {limit:,})"
            )
        if not self.text.strip():
            return self._done(FAILED, "empty document: no text to clean")
        self.deadline = time.monotonic() + self.cleaner.ruleset.time_budget
        self.nonspace = nonspace(self.text)  # kept up to date from each applied stage's edits
        text_stages = [s for s in self.cleaner.stages if s.text_stage]
        for stage in self.cleaner.stages:
            if not stage.text_stage and self._apply(stage) and self.dropped:
                return self._done(DROPPED, self.dropped)
        for _ in range(self.cleaner.ruleset.max_passes):
            changed = False
            for stage in text_stages:
                changed |= self._apply(stage)
                if self.dropped:
                    return self._done(DROPPED, self.dropped)
            if not changed:
                break
        else:
            self._warn(f"no fixed point after {self.cleaner.ruleset.max_passes} passes")
        if not has_letters(self.text):
            return self._done(FAILED, "nothing left after cleaning")
        status = UNCHANGED if self.text == self.doc.text and not self.doc.html else CLEANED
        return self._done(status)

    def _apply(self, stage: Stage) -> bool:
        """Apply one stage under the guards; True when the text changed (or the document was dropped)."""
        if time.monotonic() > self.deadline:
            budget = self.cleaner.ruleset.time_budget
            raise DocumentFailure(
                f"time budget of {budget:g} s spent before stage {stage.name} (time_budget)"
            )
        doc = Document(
            self.text,
            self.doc.id,
            self.doc.html,
            self.metadata,
            dict(self.removed_lines),
            dict(self.removed_runs),
        )
        res = stage.apply(doc)
        if res.drop:
            self.dropped = f"{stage.name}: {res.drop}"
            return True
        if res.metadata_edits:
            self._edit_metadata(res.metadata_edits)
        if not res.edits:
            self._merge(res.metadata)
            return False
        new = apply_edits(self.text, res.edits)
        if new == self.text:
            return False
        # the non-space characters of the new text, from the edits alone: each is a replacement of
        # ``old`` by ``new`` in the text, so the count changes by theirs (no pass over the whole text)
        before = self.nonspace
        after = before - sum(nonspace(e.old) - nonspace(e.new) for e in res.edits)
        share = (before - after) / before if before else 0.0
        if share > stage.max_delete_share:
            self._warn(
                f"{stage.name}: rolled back, it would delete {share:.0%} of the text "
                f"(limit {stage.max_delete_share:.0%})"
            )
            return False
        if has_letters(self.text) and not has_letters(new):
            self._warn(f"{stage.name}: rolled back, it would leave no text")
            return False
        self.edits.extend(e.at_step(self.step) for e in res.edits)
        self.step += 1
        if whole := whole_line_runs(self.text, res.edits):
            self.removed_lines[stage.name] += sum(n for _, n in whole)
            self.removed_runs.setdefault(stage.name, ())
        for name, runs in self.removed_runs.items():
            self.removed_runs[name] = removed_runs([*runs, *whole] if name == stage.name else runs, res.edits)
        relines(self.text, res.edits, new)  # the next stage finds the new text's lines ready
        self.text = new
        self.nonspace = after
        self._merge(res.metadata)
        return True

    def _warn(self, warning: str) -> None:
        if warning not in self.warnings:  # a guard trips again on every pass: logged once, as recorded
            log.info("%s: %s", self.doc.id or "document", warning)
        self.warnings.append(warning)

    def _edit_metadata(self, edits: Sequence[MetadataEdit]) -> None:
        """Apply a stage's repairs of metadata values. A value is replaced, never changed in place: a
        list may be the caller's own (a JSONL record's metadata). Repairs that no longer fit their value
        are left out, like a text edit that does not fit."""
        by_value: dict[tuple[str, int | None], list[MetadataEdit]] = {}
        for e in edits:
            by_value.setdefault((e.key, e.index), []).append(e)
        for (key, index), group in by_value.items():
            value = self.metadata.get(key)
            if index is None:
                old = value
            else:
                old = value[index] if isinstance(value, list) and index < len(value) else None
            if not isinstance(old, str):
                continue
            try:
                new = apply_edits(old, [e.edit for e in group])
            except ValueError:
                continue
            self.metadata[key] = new if index is None else [*value[:index], new, *value[index + 1 :]]
            self.metadata_edits.extend(e.at_step(self.step) for e in group)

    def _merge(self, found: Mapping[str, Any]) -> None:
        # The first value found wins (it comes from the earliest stage and position), except lists,
        # which collect every value, e.g. several credit lines.
        for key, value in found.items():
            if isinstance(value, list | tuple):
                have = list(self.metadata.get(key, []))
                self.metadata[key] = have + _new_values(have, value)
            else:
                self.metadata.setdefault(key, value)

    def _done(self, status: str, error: str | None = None) -> CleanResult:
        if error:
            log.info("%s: %s: %s", self.doc.id or "document", status, error)
        text = self.text if status in (CLEANED, UNCHANGED) else ""
        return CleanResult(
            text=text,
            status=status,
            id=self.doc.id,
            edits=tuple(self.edits),
            metadata=self.metadata,
            warnings=tuple(dict.fromkeys(self.warnings)),  # a guard trips again on every pass; say it once
            error=error,
            chars_in=len(self.doc.text),
            metadata_edits=tuple(self.metadata_edits),
        )
