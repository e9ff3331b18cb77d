"""The Stage contract (the stages themselves, in their order, are in :mod:`cleaner.stages`).

A stage has a short registry name (the same in code, rule files, reports and test ids), a frozen
``Settings`` dataclass with a default for every field, and the rule kinds it accepts from rule files. It is
built once (patterns compiled, tables loaded) and then applied to one document at a time. Applying it is
pure: it reads ``doc`` and returns a :class:`StageResult` of edits against ``doc.text``; the pipeline applies
them, enforces the guards and runs the text stages to a fixed point.
"""

from __future__ import annotations

import bisect
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, ClassVar

from cleaner.document import Document, Edit, StageResult
from cleaner.patterns import Pattern

# Field types a rule file may use. Each maps a TOML value to "is it of this type?".
STR, INT, FLOAT, BOOL, STRS, PAIRS, REGEX = "str", "int", "float", "bool", "list[str]", "list[pair]", "regex"


@dataclass(frozen=True)
class Field:
    """One key a rule of some kind may carry: its type, whether it is required, allowed values, help."""

    type: str
    required: bool = False
    choices: tuple[str, ...] = ()
    help: str = ""


@dataclass(frozen=True)
class Rule:
    """A validated rule from a rule file. ``pattern`` is compiled and bound to the rule's time limit."""

    id: str
    stage: str
    kind: str
    reason: str
    examples: tuple[Any, ...]
    keep: tuple[str, ...]
    pattern: Pattern | None = None
    params: Mapping[str, Any] = None  # kind-specific keys, already validated
    source: str = ""  # "file:line", for error messages
    timeout: float = 1.0  # seconds any pattern of this rule may run on one text

    def param(self, key: str, default: Any = None) -> Any:
        return (self.params or {}).get(key, default)


#: Runs ``fn`` over each of ``tasks`` elsewhere (another process), returning the results in order:
#: ``offload(fn, tasks)``; ``fn`` must be picklable (a module-level function).
Offload = Callable[[Callable[[Any], Any], Sequence[Any]], list[Any]]


@dataclass(frozen=True)
class NoSettings:
    """Settings of a stage that has nothing to configure."""


class Stage:
    """Base class of all stages; see the module docstring for the contract."""

    name: ClassVar[str]
    Settings: ClassVar[type] = NoSettings
    #: rule kind -> {key: Field}; the common keys (id, kind, reason, examples, keep) are implied.
    rule_kinds: ClassVar[Mapping[str, Mapping[str, Field]]] = {}
    default_kind: ClassVar[str | None] = None
    #: Text stages are repeated until the text stops changing; others (extract) run once.
    text_stage: ClassVar[bool] = True
    #: Rule kinds whose ``examples`` are [input, expected output] pairs instead of plain texts.
    replace_kinds: ClassVar[tuple[str, ...]] = ()
    #: One line for `cleaner rules`: what the stage removes or repairs.
    description: ClassVar[str] = ""

    def __init__(self, settings: Any = None, rules: Sequence[Rule] = ()):
        self.settings = settings if settings is not None else self.Settings()
        self.rules = tuple(rules)

    def __getstate__(self):
        # caches a stage builds on first use (see cleaner/mechanisms/replace.py) stay out of its pickle: a
        # worker builds its own, and a used cleaner pickles to the same bytes as a fresh one
        return {k: v for k, v in self.__dict__.items() if k not in _CACHES}

    def warm_up(self) -> None:
        """Load now what the stage would load on first use (word lists, language profiles). The process
        pool calls it before it forks its workers, so they share one copy instead of each loading its
        own; a stage with nothing to load does nothing."""

    # --- corpus statistics: the capability behind a two-pass run ------------------------------------
    # A stage that repairs by what the whole corpus says (the names stage's consensus) declares empty
    # statistics; a first pass has it :meth:`observe` every document's text, the parts are merged
    # (``absorb``, which is addition: the order and the split do not matter), and
    # :meth:`with_corpus_stats` builds the stage's second-pass form from the total. The statistics are
    # bounded (they stop growing with the corpus) and offer ``absorb(other)``, ``save(path)``, a class
    # method ``load(path)`` (a two-stage datatrove or Spark job passes them between runs) and
    # ``digest()`` (what a resume keys on). Nothing outside the stage knows what they count.

    def corpus_stats(self) -> Any | None:
        """Empty corpus statistics when this stage builds a second-pass form from them, else None."""
        return None

    def observe(self, stats: Any, text: str) -> None:
        """Count one document's text (as the stages after extraction see it) into ``stats``."""

    def with_corpus_stats(self, stats: Any, offload: Offload | None = None) -> Stage:
        """The second-pass form of this stage, built from the whole corpus's ``stats``. ``offload``, when
        given, runs independent pieces of the building elsewhere (a pool's workers)."""
        return self

    def corpus_digest(self) -> str | None:
        """A digest of the corpus statistics this stage carries (None: none), for the fingerprint."""
        return None

    def apply(self, doc: Document) -> StageResult:  # pragma: no cover - abstract
        raise NotImplementedError

    @classmethod
    def check_rule(cls, rule: Rule) -> list[str]:
        """Run a rule's ``examples`` (must match) and ``keep`` (must not); return one message per failure."""
        return []

    @property
    def max_delete_share(self) -> float:
        """Largest share of non-space characters one application may delete before the pipeline rolls
        it back; a stage sets it through its settings' ``max_delete_share``."""
        return getattr(self.settings, "max_delete_share", 1.0)

    def edit(self, rule: str, start: int, end: int, text: str, new: str, reason: str) -> Edit:
        """An edit of this stage replacing ``text[start:end]`` by ``new``."""
        return Edit(self.name, rule, start, end, text[start:end], new, reason)


#: Attributes stages add to themselves on first use.
_CACHES = frozenset({"_replace_requirements"})


def absorb_stats(total: dict[str, Any], part: Mapping[str, Any]) -> None:
    """Add the corpus statistics ``part`` (by stage name, from :meth:`Cleaner.collect_corpus_stats`) to
    ``total``, in place."""
    for name, stats in part.items():
        total[name].absorb(stats)


def check_matches(
    rule: Rule, matches: Callable[[str], bool], examples: Sequence[str] | None = None
) -> list[str]:
    """Shared self-test: every example must satisfy ``matches`` and no ``keep`` entry may."""
    problems = []
    for ex in rule.examples if examples is None else examples:
        if not matches(ex):
            problems.append(f"example does not match: {ex!r}")
    for near in rule.keep:
        if matches(near):
            problems.append(f"near miss in 'keep' matches: {near!r}")
    return problems


def non_overlapping(edits: Sequence[Edit]) -> list[Edit]:
    """Keep edits in the order given (rule order is priority) and drop any that overlap a kept one.

    Rules of one stage all look at the same input text, so two of them can claim the same characters;
    the loser gets its chance in the next pass, on the text the winner left. Kept edits stay sorted by
    span, so each new edit is checked against its two neighbours only.
    """
    ordered = sorted(edits, key=lambda e: (e.start, e.end))
    if _all_disjoint(ordered):
        return ordered  # the usual case: nothing to choose, and the one-by-one inserts are quadratic
    kept: list[Edit] = []
    keys: list[tuple[int, int]] = []
    for e in edits:
        i = bisect.bisect_left(keys, (e.start, e.end))
        if all(_disjoint(e, kept[j]) for j in range(max(0, i - 1), min(len(kept), i + 2))):
            kept.insert(i, e)
            keys.insert(i, (e.start, e.end))
    return kept


def _all_disjoint(ordered: Sequence[Edit]) -> bool:
    """Whether no two of ``ordered`` (sorted by span) clash in the sense of :func:`_disjoint`: then
    :func:`non_overlapping` keeps them all, in this order."""
    reach = -1  # furthest end of the non-empty edits so far (all start at or before the current one)
    point = None  # the last insertion's position
    for e in ordered:
        if e.start == e.end:
            if reach > e.start or point == e.start:  # strictly inside an earlier edit, or a second one here
                return False
            point = e.start
        else:
            if e.start < reach:
                return False
            reach = max(reach, e.end)
    return True


def _disjoint(a: Edit, b: Edit) -> bool:
    if a.start == a.end or b.start == b.end:
        # an insertion clashes with another insertion at its point, or with an edit strictly around it
        point, other = (a, b) if a.start == a.end else (b, a)
        if other.start == other.end:
            return point.start != other.start
        return not other.start < point.start < other.end
    return a.end <= b.start or b.end <= a.start
