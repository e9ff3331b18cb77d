"""Corpus statistics of capitalised name tokens: the first pass of the two-pass ``names`` flow.

``NameStats`` counts, over a corpus, in how many documents each capitalised token appears, how often,
how often the same word is written in lower case (a sign it is an ordinary word), and which word
stands right before it (a first name or title: context evidence). Counting is order-independent and
``merge`` is addition, so statistics collected by several workers and merged give exactly what one
serial pass gives::

    stats = NameStats.collect(texts)                  # or: sum of per-worker stats via merge()
    cleaner = Cleaner().with_name_stats(stats)        # second pass cleans with them
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

import regex

# Words of letters, hyphenated parts kept together (Jean-Claude); an apostrophe ends a word, so
# "Witkoff's" counts as Witkoff. Only plain spaces between two words make one the other's context.
_WORD = regex.compile(r"\p{L}+(?:-\p{L}+)*")
_NAME = regex.compile(r"(?<![\p{L}-])\p{Lu}\p{Ll}\p{L}*(?:-\p{L}+)*")
_LOWER = regex.compile(r"(?<![\p{L}-])\p{Ll}{4,}(?![\p{L}-])")
# The name is matched inside a lookahead, so it can be the next pair's first word (Donald Trump Jr).
_PAIR = regex.compile(r"(?<![\p{L}-])(\p{L}+(?:-\p{L}+)*)(?= +(\p{Lu}\p{Ll}\p{L}*(?:-\p{L}+)*)(?![\p{L}-]))")


def is_name_token(word: str) -> bool:
    """Capitalised, then lower case: Witkoff, Zelenskyy (not NATO, not iPhone)."""
    return len(word) > 1 and word[0].isupper() and word[1].islower()


@dataclass
class NameStats:
    """Counts of capitalised tokens over a corpus; add documents, merge, then hand to a Cleaner."""

    docs: Counter = field(default_factory=Counter)  # token -> documents it appears in
    count: Counter = field(default_factory=Counter)  # token -> occurrences
    lower: Counter = field(default_factory=Counter)  # lower-cased word -> occurrences in lower case
    before: Counter = field(default_factory=Counter)  # (previous word, token) -> occurrences
    n_docs: int = 0

    @classmethod
    def collect(cls, texts: Iterable[str], keep: Callable[[str], bool] | None = None) -> NameStats:
        """Statistics over ``texts`` (only those ``keep`` accepts, when given)."""
        stats = cls()
        for text in texts:
            if keep is None or keep(text):
                stats.add(text)
        return stats

    def add(self, text: str) -> None:
        """Count one document."""
        # Three regex passes that count in C, rather than a Python loop over every word.
        self.n_docs += 1
        names = _NAME.findall(text)
        self.count.update(names)
        self.docs.update(set(names))
        self.lower.update(_LOWER.findall(text))
        self.before.update(_PAIR.findall(text))

    def merge(self, other: NameStats) -> NameStats:
        """The statistics of both corpora together (addition: order and grouping do not matter)."""
        return NameStats(
            docs=self.docs + other.docs,
            count=self.count + other.count,
            lower=self.lower + other.lower,
            before=self.before + other.before,
            n_docs=self.n_docs + other.n_docs,
        )

    __add__ = merge

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
