"""``names``: repair misspelled names — a curated entity table, and corpus consensus.

1. ``entity`` rules (``rules/entities.toml``): a canonical form, its legitimate variants (Zelensky,
   Zelenskyy, Zelenskiy are all right) and known misspellings (Zellinski). Misspellings become the
   canonical form; variants are left alone unless ``normalize_variants`` is on.
2. Corpus consensus, when the cleaner carries :class:`~cleaner.namestats.NameStats` of the corpus
   (``Cleaner.with_name_stats``; the CLI collects them in a first pass). A rare capitalised token is
   mapped to a dominant spelling of the same name when all of these hold, each a setting:

   - same Metaphone key (jellyfish: WTKF = Whitkov/Witkoff), or the same skeleton (h dropped, y/i,
     w/v/f and doubled letters folded: Thaylor/Taylor), and a close spelling (rapidfuzz
     normalised Levenshtein similarity at least ``min_similarity``);
   - the dominant form appears in at least ``min_docs`` documents and ``ratio`` times as often as the
     variant, which appears in at most ``max_variant_docs`` documents;
   - neither is written in lower case anywhere in the corpus, and the variant is not an English word
     (wordfreq Zipf frequency below ``english_zipf``);
   - the two are not known legitimate variants of one entity, and the variant is not a known form;
   - when two established names share the key (Vladimir and Volodymyr), the variant must be clearly
     closer to one of them, or nothing happens;
   - context evidence: the same first name, title or particle before both somewhere in the corpus
     ("Steve Whitkov" / "Steve Witkoff"). A spelling wordfreq has never seen in any of
     ``word_languages`` (Witkov, Zellinski) is garble, not a real name: within ``garble_similarity``
     of the dominant form it needs nothing more, further off the dominant form must stand in the same
     document. A spelling wordfreq knows may be a real name (Rubin, Melton) and needs the shared
     context; two different people can well appear in one document. Without evidence the candidate
     is only flagged in the record (``name_candidates``), never changed. Context words as common as
     "Mr", "President" or "The" (``context_zipf``) are no evidence;
   - only in plainly English documents (``english_only``): German capitalises every noun, so there
     capital letters do not mark names.

   Each change is an edit whose reason carries its evidence.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

import regex

from cleaner.document import Document, Edit, StageResult
from cleaner.namestats import _WORD, NameStats, is_name_token
from cleaner.stage import STR, STRS, Field, Rule, Stage, non_overlapping, register
from cleaner.stages.replace import _Probe, check_pairs

ENTITY_KIND = {
    "canonical": Field(STR, True, help="the spelling misspellings are repaired to"),
    "variants": Field(STRS, help="legitimate other spellings, never merged with each other"),
    "misspellings": Field(STRS, True, help="known wrong spellings, repaired to the canonical form"),
}
#: Lower-case words that still tie a name to its context: particles of surnames.
_PARTICLES = frozenset(
    {"von", "van", "der", "den", "de", "di", "da", "del", "al", "el", "bin", "ben", "la", "le"}
)
CONSENSUS = "corpus-consensus"


@dataclass(frozen=True)
class NamesSettings:
    consensus: bool = True
    min_docs: int = 3  # documents that must spell the dominant form
    ratio: float = 3.0  # dominant occurrences per variant occurrence
    max_variant_docs: int = 2  # a spelling in more documents than this is established, not a slip
    min_similarity: float = 0.55  # normalised Levenshtein similarity, lower-cased
    ambiguity_margin: float = 0.1  # how much closer to one established name than to another
    english_zipf: float = 3.0  # wordfreq Zipf frequency from which a word counts as English
    # languages whose word lists tell garble from real words; each costs about 0.3 s to load, once
    word_languages: tuple[str, ...] = ("en", "de", "fr", "es", "it", "nl", "pt", "pl")
    english_only: bool = True  # consensus only in plainly English documents (German capitalises nouns)
    english_share: float = 0.25  # share of common English words that makes a document plainly English
    garble_similarity: float = 0.75  # garble this close needs no more evidence; further needs the document
    context_zipf: float = 5.0  # a context word this common in English (Mr, President, The) is no evidence
    min_length: int = 4
    normalize_variants: bool = False
    stats_entries: int = 500_000  # the corpus statistics' memory bound (a sample of names beyond it)
    max_delete_share: float = 0.1

    def __post_init__(self):
        if self.stats_entries < 1:
            raise ValueError(f"stats_entries must be at least 1, got {self.stats_entries}")


@dataclass(frozen=True)
class Candidate:
    """A rare spelling and the dominant spelling it maps to, with the corpus evidence."""

    variant: str
    dominant: str
    evidence: str
    confident: bool  # corpus evidence enough: a shared first name or particle, or close garble
    in_document: bool  # enough when the dominant spelling stands in the same document


#: Looks up the wordfreq Zipf frequency of words, by language: ``{lang: words}`` in,
#: ``{(word, lang): zipf}`` out. The CLI's ``--jobs`` pool passes one that asks its workers.
Weigh = Callable[[Mapping[str, Sequence[str]]], Mapping[tuple[str, str], float]]


def weigh_here(wanted: Mapping[str, Sequence[str]]) -> dict[tuple[str, str], float]:
    """Zipf frequencies looked up in this process, one language at a time. Each language's list is
    dropped once its words are weighed: the stage needs them only while it builds its candidates, and
    the eight ``word_languages`` held together came to some 370 MB."""
    import wordfreq

    out = {}
    for lang, words in wanted.items():
        try:
            out.update(((w, lang), _zipf(w, lang)) for w in words)
        finally:
            wordfreq.get_frequency_dict.cache_clear()
            wordfreq.get_frequency_list.cache_clear()
    return out


@register
class Names(Stage):
    """Repair misspelled names from the entity table and, with corpus statistics, by consensus."""

    name = "names"
    rank = 60
    Settings = NamesSettings
    rule_kinds = {"entity": ENTITY_KIND}
    replace_kinds = ("entity",)
    default_kind = "entity"
    description = "misspelled names: curated entity table and corpus consensus (Metaphone + edit distance)"

    def __init__(self, settings=None, rules=(), stats: NameStats | None = None, weigh: Weigh = weigh_here):
        super().__init__(settings, rules)
        self.stats = stats
        self._repairs: dict[str, Rule] = {}
        self.known: dict[str, frozenset[str]] = {}  # every known form -> the forms of its entity
        for rule in self.rules:
            forms = frozenset([rule.param("canonical"), *rule.param("variants", ())])
            for form in sorted(forms):  # sorted: dicts in the same order in every process (pickles)
                self.known[form] = forms
            for wrong in rule.param("misspellings", ()):
                self._repairs[wrong] = rule
            if self.settings.normalize_variants:
                for form in sorted(forms - {rule.param("canonical")}):
                    self._repairs[form] = rule
        alternatives = sorted(self._repairs, key=lambda s: (-len(s), s))  # longest first: "A B" before "B"
        self._table = (
            regex.compile(r"\b(?:" + "|".join(map(regex.escape, alternatives)) + r")\b")
            if alternatives
            else None
        )
        self.candidates: dict[str, Candidate] = (
            build_candidates(stats, self.settings, self.known, weigh)
            if stats is not None and self.settings.consensus
            else {}
        )

    def with_stats(self, stats: NameStats, weigh: Weigh = weigh_here) -> Names:
        """The same stage, carrying the corpus statistics for consensus repairs (``weigh``: where the
        word lists are looked up, see :func:`build_candidates`)."""
        return Names(self.settings, self.rules, stats, weigh)

    @classmethod
    def check_rule(cls, rule: Rule) -> list[str]:
        probe = Names(rules=(rule,))
        return check_pairs(rule, lambda text: probe._table_edits(_Probe(rule.stage), text))

    def apply(self, doc: Document) -> StageResult:
        text = doc.text
        edits = self._table_edits(self, text)
        flagged: list[str] = []
        if self.candidates and self.counts(text):
            words = list(_WORD.finditer(text))
            present = {m.group() for m in words}
            for m in words:
                cand = self.candidates.get(m.group())
                if cand is None:
                    continue
                if cand.confident or (cand.in_document and cand.dominant in present):
                    reason = cand.evidence + (
                        "" if cand.confident else "; the document itself spells it " + cand.dominant
                    )
                    edits.append(self.edit(CONSENSUS, m.start(), m.end(), text, cand.dominant, reason))
                else:
                    flagged.append(
                        f"{cand.variant} → {cand.dominant}? ({cand.evidence}; no context evidence)"
                    )
        meta = {"name_candidates": sorted(set(flagged))} if flagged else {}
        return StageResult(edits=tuple(non_overlapping(edits)), metadata=meta)

    def counts(self, text: str) -> bool:
        """Whether a document's names count for consensus: only where consensus applies."""
        from cleaner.stages.language import plainly_english, sample_words

        return not self.settings.english_only or plainly_english(
            sample_words(text, 3000), self.settings.english_share
        )

    def _table_edits(self, stage, text: str) -> list[Edit]:
        if self._table is None:
            return []
        out = []
        for m in self._table.finditer(text):
            rule = self._repairs[m.group()]
            canonical = rule.param("canonical")
            if self.settings.normalize_variants or m.group() not in self.known:
                out.append(stage.edit(rule.id, m.start(), m.end(), text, canonical, rule.reason))
        return out


def build_candidates(
    stats: NameStats, s: NamesSettings, known: dict[str, frozenset[str]], weigh: Weigh = weigh_here
) -> dict[str, Candidate]:
    """Rare spellings that map to a dominant spelling, under every guard of the module docstring.

    The guards that need no word list come first (:func:`_rivals`); the words the remaining guards look
    up are then weighed in one batch, so ``weigh`` can load each language's list once, anywhere."""
    import jellyfish

    rivals = _rivals(stats, s, known)
    wanted: dict[str, set[str]] = {}
    for v, _, _, context in rivals:
        for lang in ("en", *s.word_languages):
            wanted.setdefault(lang, set()).add(v)
        wanted["en"].update(w for w in context if is_name_token(w))
    zipf = weigh({lang: sorted(words) for lang, words in sorted(wanted.items())}) if rivals else {}
    out: dict[str, Candidate] = {}
    for v, d, sim, context in rivals:
        if zipf[v, "en"] >= s.english_zipf:
            continue  # an English word, not a slip
        shared = {
            w for w in context if (is_name_token(w) and zipf[w, "en"] < s.context_zipf) or w in _PARTICLES
        }
        # A spelling no word list knows, in any of the languages checked, is garble: close to a dominant
        # name that is enough, further off it needs the dominant spelling in the same document. A
        # spelling that is known may be a real name (Rubin, Melton, Zhong) or a word of another
        # language (Zeiträume): only a shared first name or particle makes it a slip.
        garble = not shared and all(zipf[v, lang] == 0.0 for lang in s.word_languages)
        evidence = (
            f"{v} → {d}: {stats.docs[d]} docs spell it {d}, {stats.docs[v]} {v}; "
            f"Metaphone {jellyfish.metaphone(d)}; similarity {sim:.2f}"
            + (f"; both after {', '.join(sorted(shared))}" if shared else "")
            + ("; no word or name spelled so" if garble else "")
        )
        confident = bool(shared) or (garble and sim >= s.garble_similarity)
        out[v] = Candidate(v, d, evidence, confident, in_document=garble)
    return out


def _rivals(
    stats: NameStats, s: NamesSettings, known: dict[str, frozenset[str]]
) -> list[tuple[str, str, float, set[str]]]:
    """(variant, dominant, similarity, words before both) for each rare spelling that passes the guards
    needing no word list: key, similarity, ambiguity, counts and the entity table."""
    import jellyfish
    from rapidfuzz.distance import Levenshtein

    keys: dict[str, tuple[str, str]] = {}
    groups: dict[str, set[str]] = {}
    for tok in sorted(stats.docs):
        if len(tok) >= s.min_length and is_name_token(tok):
            keys[tok] = (jellyfish.metaphone(tok), skeleton(tok))
            for k in keys[tok]:
                groups.setdefault(k, set()).add(tok)
    established = {t for t in keys if stats.docs[t] >= s.min_docs and not stats.lower[t.lower()]}
    out = []
    for v, (key, skel) in keys.items():
        if stats.docs[v] > s.max_variant_docs or v in known or stats.lower[v.lower()]:
            continue
        rivals = (groups[key] | groups[skel]) & established
        close = sorted(
            ((Levenshtein.normalized_similarity(v.lower(), d.lower()), d) for d in rivals if d != v),
            key=lambda x: (-x[0], x[1]),
        )
        close = [(sim, d) for sim, d in close if sim >= s.min_similarity]
        if not close:
            continue
        sim, d = close[0]
        if len(close) > 1 and sim - close[1][0] < s.ambiguity_margin:
            continue  # as close to two established names: no way to tell which is meant
        if stats.count[d] < s.ratio * stats.count[v] or (d in known and v in known[d]):
            continue
        out.append((v, d, sim, stats.contexts(v) & stats.contexts(d)))
    return out


_SKELETON = (
    (regex.compile(r"(?<=.)h"), ""),  # Whitkov/Witkoff, Thaylor/Taylor: an added or dropped h
    (regex.compile(r"y"), "i"),
    (regex.compile(r"[wf]"), "v"),
    (regex.compile(r"(.)\1+"), r"\1"),  # doubled letters
)


def skeleton(token: str) -> str:
    """A second matching key for the slips Metaphone keeps apart: h, y/i, w/v/f, doubled letters."""
    s = token.lower()
    for pattern, repl in _SKELETON:
        s = pattern.sub(repl, s)
    return s


def _zipf(word: str, lang: str) -> float:
    """wordfreq's Zipf frequency of the word in ``lang`` text (0.0: never seen)."""
    from wordfreq import zipf_frequency

    return zipf_frequency(word.lower(), lang)
