"""Corpus statistics of capitalised name tokens: the first pass of the two-pass ``names`` flow.

``NameStats`` counts, over a corpus, in how many documents each capitalised token appears, how often,
how often the same word is written in lower case (a sign it is an ordinary word), and which name or
surname particle stands right before it (a first name, title or "von": context evidence). Counting is
order-independent and ``merge`` is addition, so statistics collected by several workers and merged give
exactly what one serial pass gives::

    stats = NameStats.collect(texts)                  # or: sum of per-worker stats via merge()
    cleaner = Cleaner().with_name_stats(stats)        # second pass cleans with them

Memory is bounded: the counters hold at most ``limit`` entries. When a corpus has more, the statistics
keep a sample of the spellings, chosen by a stable hash of their Metaphone key: a key is in when its
hash is below ``theta``, and ``theta`` halves (and the entries above it go) whenever the counters
outgrow ``limit``. Because a key that is in was in from its first occurrence, the counts kept are
exact; because the counters only grow, the final ``theta`` is the largest halving under which the
whole corpus fits, whatever the order of the documents or how they were split between workers; and
because a spelling and its slips share a Metaphone key, they are kept or dropped together. A corpus too
large for ``limit`` is repaired on the sampled keys only (``sampled`` says what share).

Statistics collected in one run (one shard of a dataset, one datatrove task) are kept for the next
with ``save`` and ``load``: JSON, gzipped when the name ends in ``.gz``, keys sorted, so the same
statistics give the same file. ``digest`` names them in a cleaner's fingerprint.
"""

from __future__ import annotations

import functools
import gzip
import hashlib
import json
import re
import zlib
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

import regex


class Scan:
    """One pattern, compiled twice: with Unicode letter classes (the regex module) and with ASCII ones
    (the standard library's re) for a text whose letters are all ASCII (:func:`ascii_letters`), where
    both find the same matches: on the bench's 941 such pages, the lower-case words in 0.46 s instead
    of 1.24, the pairs in 0.68 instead of 1.30. ``template`` writes a letter ``{L}``, an upper-case one
    ``{Lu}``, a lower-case one ``{Ll}`` (and a literal brace doubled)."""

    def __init__(self, template: str):
        self.unicode = regex.compile(template.format(L=r"\p{L}", Lu=r"\p{Lu}", Ll=r"\p{Ll}"))
        self.ascii = re.compile(template.format(L="[A-Za-z]", Lu="[A-Z]", Ll="[a-z]"))

    def findall(self, text: str, ascii_only: bool) -> list:
        """``findall`` of the pattern; ``ascii_only``: :func:`ascii_letters` said so of ``text``."""
        return (self.ascii if ascii_only else self.unicode).findall(text)


# A letter that is not ASCII (not ASCII, and not a non-letter): one scan of a plain class, fast
_OTHER_LETTER = regex.compile(r"[^\x00-\x7F\P{L}]")


def ascii_letters(text: str) -> bool:
    """Every letter of ``text`` is ASCII (half of the bench's pages): :class:`Scan` may use re."""
    return _OTHER_LETTER.search(text) is None


# Words of letters, hyphenated parts kept together (Jean-Claude); an apostrophe ends a word, so
# "Witkoff's" counts as Witkoff. Only plain spaces between two words make one the other's context.
# (A lookbehind of a letter or a hyphen is written as two: the same, in both compilations.)
_NAME_WORD = "{Lu}{Ll}{L}*(?:-{L}+)*"
# (not a Scan: on the bench's pages of ASCII letters, re takes twice the time of this one)
_NAME = regex.compile(r"(?<![\p{L}-])\p{Lu}\p{Ll}\p{L}*(?:-\p{L}+)*")
_LOWER = Scan("(?<!{L})(?<!-){Ll}{{4,}}(?!{L})(?!-)")
#: Lower-case words that still tie a name to its context: particles of surnames.
PARTICLES = frozenset(
    {"von", "van", "der", "den", "de", "di", "da", "del", "al", "el", "bin", "ben", "la", "le"}
)
# The name is matched inside a lookahead, so it can be the next pair's first word (Donald Trump Jr).
# The spaces are consumed, not looked ahead at: the same pairs (checked on the bench's 1,618 pages),
# found in 31% less time, and this pattern was most of the first pass's time. Only a name or a
# particle before a name is counted: no other word is context evidence (see the names stage), and on
# the bench's 1,618 pages this keeps the same evidence, 55% of the pairs, in 2.4 times less time.
_PAIR = Scan(
    "(?<!{L})(?<!-)(" + _NAME_WORD + "|(?:" + "|".join(sorted(PARTICLES)) + ")) +"
    "(?=(" + _NAME_WORD + ")(?!{L})(?!-))"
)


def is_name_token(word: str) -> bool:
    """Capitalised, then lower case: Witkoff, Zelenskyy (not NATO, not iPhone)."""
    return len(word) > 1 and word[0].isupper() and word[1].islower()


#: Hash values are in [0, FULL); a key is sampled when its hash is below ``theta``.
FULL = 1 << 32
#: Entries of the three counters together: about 130 bytes each, so some 65 MB.
DEFAULT_LIMIT = 500_000
#: Names the layout of a saved file; a layout that changes gets a new one, and old files are refused.
FORMAT = "cleaner-namestats/1"


@functools.lru_cache(maxsize=1 << 16)
def key_hash(word: str) -> int:
    """A stable hash (the same on every machine and run) of the word's Metaphone key; case-insensitive,
    so "witkoff" and "Witkoff" and their slips ("Whitkov") share it."""
    import jellyfish

    return zlib.crc32(jellyfish.metaphone(word).encode("utf-8"))


@dataclass
class NameStats:
    """Counts of capitalised tokens over a corpus; add documents, merge, then hand to a Cleaner."""

    docs: Counter = field(default_factory=Counter)  # token -> documents it appears in
    count: Counter = field(default_factory=Counter)  # token -> occurrences
    lower: Counter = field(default_factory=Counter)  # lower-cased word -> occurrences in lower case
    before: Counter = field(default_factory=Counter)  # (previous name or particle, token) -> occurrences
    n_docs: int = 0
    limit: int = DEFAULT_LIMIT  # most entries the counters hold together
    theta: int = FULL  # keys whose hash is below this are counted (FULL: all of them)

    @classmethod
    def collect(
        cls, texts: Iterable[str], keep: Callable[[str], bool] | None = None, limit: int = DEFAULT_LIMIT
    ) -> NameStats:
        """Statistics over ``texts`` (only those ``keep`` accepts, when given)."""
        stats = cls(limit=limit)
        for text in texts:
            if keep is None or keep(text):
                stats.add(text)
        return stats

    @property
    def size(self) -> int:
        return len(self.count) + len(self.lower) + len(self.before)

    @property
    def sampled(self) -> float:
        """Share of Metaphone keys counted: 1.0 until the corpus outgrows ``limit``."""
        return self.theta / FULL

    def add(self, text: str) -> None:
        """Count one document."""
        # Three regex passes that count in C, rather than a Python loop over every word.
        self.n_docs += 1
        plain = ascii_letters(text)
        names = _NAME.findall(text)
        lower = _LOWER.findall(text, plain)
        pairs = _PAIR.findall(text, plain)
        if self.theta < FULL:
            names = [w for w in names if key_hash(w) < self.theta]
            lower = [w for w in lower if key_hash(w) < self.theta]
            pairs = [p for p in pairs if key_hash(p[1]) < self.theta]
        self.count.update(names)
        self.docs.update(set(names))
        self.lower.update(lower)
        self.before.update(pairs)
        self._fit()

    def merge(self, other: NameStats) -> NameStats:
        """The statistics of both corpora together (addition: order and grouping do not matter)."""
        merged = self._cut(min(self.theta, other.theta))
        if merged is self:  # a copy: merge leaves both operands as they were
            merged = NameStats(
                Counter(self.docs), Counter(self.count), Counter(self.lower), Counter(self.before),
                self.n_docs, self.limit, self.theta,
            )  # fmt: skip
        merged.absorb(other)
        return merged

    def absorb(self, other: NameStats) -> None:
        """Add ``other``'s statistics to these, in place. What :meth:`merge` gives, without copying the
        running total for every worker's share: merging 1,172 files' statistics that way took 29 s."""
        theta = min(self.theta, other.theta)
        self._become(self._cut(theta))
        other = other._cut(theta)
        self.docs.update(other.docs)
        self.count.update(other.count)
        self.lower.update(other.lower)
        self.before.update(other.before)
        self.n_docs += other.n_docs
        self.limit = min(self.limit, other.limit)
        self._fit()

    def _become(self, other: NameStats) -> None:
        if other is not self:
            self.docs, self.count, self.lower, self.before, self.theta = (
                other.docs, other.count, other.lower, other.before, other.theta
            )  # fmt: skip

    def _fit(self) -> None:
        """Halve ``theta`` until the counters hold at most ``limit`` entries."""
        while self.size > self.limit and self.theta > 1:
            self._become(self._cut(self.theta // 2))

    def _cut(self, theta: int) -> NameStats:
        """These statistics restricted to the keys whose hash is below ``theta``."""
        if theta >= self.theta:
            return self
        return NameStats(
            docs=Counter({w: n for w, n in self.docs.items() if key_hash(w) < theta}),
            count=Counter({w: n for w, n in self.count.items() if key_hash(w) < theta}),
            lower=Counter({w: n for w, n in self.lower.items() if key_hash(w) < theta}),
            before=Counter({p: n for p, n in self.before.items() if key_hash(p[1]) < theta}),
            n_docs=self.n_docs,
            limit=self.limit,
            theta=theta,
        )

    __add__ = merge

    def __getstate__(self):
        # counters sorted: the statistics of one corpus pickle to the same bytes whatever the order its
        # documents came in; the context index is a cache (``contexts`` rebuilds it)
        state = {k: v for k, v in self.__dict__.items() if k not in ("_index", "_index_size")}
        for name in ("docs", "count", "lower", "before"):
            state[name] = Counter(dict(sorted(state[name].items())))
        return state

    def to_bytes(self, gzipped: bool = False) -> bytes:
        """The statistics as JSON (keys sorted; ``(previous word, token)`` pairs as ``[previous, token,
        n]`` rows), gzipped when asked: the same statistics give the same bytes."""
        data = {
            "format": FORMAT,
            "n_docs": self.n_docs,
            "limit": self.limit,
            "theta": self.theta,
            "docs": self.docs,
            "count": self.count,
            "lower": self.lower,
            "before": [[prev, tok, n] for (prev, tok), n in sorted(self.before.items())],
        }
        text = json.dumps(data, ensure_ascii=False, sort_keys=True).encode("utf-8")
        return gzip.compress(text, mtime=0) if gzipped else text  # mtime 0: no time stamp in the bytes

    @classmethod
    def from_bytes(cls, data: bytes) -> NameStats:
        """The statistics :meth:`to_bytes` wrote (gzipped or not); raises ValueError for anything else."""
        if data[:2] == b"\x1f\x8b":
            data = gzip.decompress(data)
        try:
            d = json.loads(data)
        except ValueError as exc:
            raise ValueError(f"not name statistics: {exc}") from None
        if not isinstance(d, dict) or d.get("format") != FORMAT:
            found = d.get("format") if isinstance(d, dict) else type(d).__name__
            raise ValueError(f"not name statistics of layout {FORMAT!r} (found {found!r})")
        return cls(
            docs=Counter(d["docs"]),
            count=Counter(d["count"]),
            lower=Counter(d["lower"]),
            before=Counter({(prev, tok): n for prev, tok, n in d["before"]}),
            n_docs=d["n_docs"],
            limit=d["limit"],
            theta=d["theta"],
        )

    def save(self, path: str | Path) -> None:
        """Write the statistics to ``path`` (gzipped when the name ends in ``.gz``)."""
        Path(path).write_bytes(self.to_bytes(gzipped=str(path).endswith(".gz")))

    @classmethod
    def load(cls, path: str | Path) -> NameStats:
        """Read statistics :meth:`save` wrote."""
        return cls.from_bytes(Path(path).read_bytes())

    def digest(self) -> str:
        """A digest of the counts (not of their order): equal statistics, equal digest."""
        h = hashlib.blake2b(digest_size=16)
        for name in ("docs", "count", "lower", "before"):
            h.update(repr(sorted(getattr(self, name).items())).encode())
        h.update(f"{self.n_docs} {self.theta}".encode())
        return h.hexdigest()

    def contexts(self, token: str) -> set[str]:
        """Words seen right before ``token`` (first names, titles, particles such as "der")."""
        return {prev for (prev, tok) in self._before_index().get(token, ())}

    def _before_index(self) -> dict[str, list[tuple[str, str]]]:
        index = getattr(self, "_index", None)
        if index is None or getattr(self, "_index_size", -1) != len(self.before):
            index = {}
            for prev, tok in self.before:
                index.setdefault(tok, []).append((prev, tok))
            self._index, self._index_size = index, len(self.before)
        return index
