"""``names``: repair misspelled names — a curated entity table, corpus consensus, and world evidence.

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
     ("Steve Whitkov" / "Steve Witkoff"). A spelling below the language's ``word_zipf`` is no word
     (wordfreq's lists end in web typos, Zipf 1-2: "fryday" 1.45): within ``garble_similarity`` of
     the dominant form it needs nothing more, further off the dominant form must stand in the same
     document. A spelling above it may be a real name (Rubin, Melton) and needs the shared context;
     two different people can well appear in one document. Garble is the issue's kinds of slip only
     (one that :func:`~cleaner.worldnames.unslip` undoes, or several the skeleton folds); a listed
     name that wordfreq counts as a word (Jonson) is a name of its own, whatever first name it shares;
     and a document that writes both spellings, the variant more than once, writes two names. Without
     evidence the candidate is only flagged in the record (``name_candidates``), never changed.
     Context words as common as "Mr", "President" or "The" (``context_zipf``) are no evidence;
   - only in plainly English documents (``english_only``): German capitalises every noun, so there
     capital letters do not mark names.
3. World evidence (``world``), with or without corpus statistics, for a capitalised token that is no
   word of the document's language (below its ``word_zipf``) and that the corpus does not establish:

   - with ``document`` on, the document itself spells a form the token is one slip of
     (:func:`~cleaner.worldnames.unslip`) more often, at least ``document_min_count`` times
     (``document-consensus``), or
   - a well-known word or name is one slip away (``world-names``, :mod:`cleaner.worldnames`: at least
     ``name_zipf`` in the language), ``world_gap`` Zipf more common than the token;

   and the two are within ``world_similarity``. A plural of the name (the Caldwells) is no slip, and
   when the corpus knows another name of the same key, corpus consensus wins: the token is flagged.

   Each change is an edit whose reason carries its evidence.
"""

from __future__ import annotations

import functools
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import regex

from cleaner.document import Document, Edit, MetadataEdit, StageResult
from cleaner.mechanisms.replace import check_pair_examples
from cleaner.namestats import PARTICLES, NameStats, is_name_token
from cleaner.stage import STR, STRS, Field, Offload, Rule, Stage, non_overlapping
from cleaner.text import BoundedMemo
from cleaner.worldnames import Lexicon, keys, lexicon, skeleton, unslip

ENTITY_KIND = {
    "canonical": Field(STR, True, help="the spelling misspellings are repaired to"),
    "variants": Field(STRS, help="legitimate other spellings, never merged with each other"),
    "misspellings": Field(STRS, True, help="known wrong spellings, repaired to the canonical form"),
}
CONSENSUS = "corpus-consensus"
DOCUMENT = "document-consensus"
WORLD = "world-names"


@dataclass(frozen=True)
class NamesSettings:
    consensus: bool = True
    min_docs: int = 3  # documents that must spell the dominant form
    ratio: float = 3.0  # dominant occurrences per variant occurrence
    max_variant_docs: int = 2  # a spelling in more documents than this is established, not a slip
    min_similarity: float = 0.55  # normalised Levenshtein similarity, lower-cased
    ambiguity_margin: float = 0.1  # how much closer to one established name than to another
    english_zipf: float = 3.0  # wordfreq Zipf frequency from which a word counts as English
    # Zipf from which a token is a real word of the document's language ("lang=zipf"; "*" for the
    # rest): below it wordfreq's lists hold web typos (fryday 1.45, whashington 1.3) next to rare names
    word_zipf: tuple[str, ...] = ("en=2.0", "*=2.5")
    world: bool = True  # world and document evidence, for names the corpus repeats too rarely
    name_zipf: float = 3.0  # a listed name at least this common in the language is well known
    # Zipf by which a well-known name outnumbers a token taken for its slip: web typos of a word run at
    # about a thousandth of it (fryday 1.45 / Friday 4.96), a rare real name nearer (Giorgia 1.96 /
    # Georgia 4.46, Lowey 1.73 / Lowe 3.56)
    world_gap: float = 3.0
    # world evidence's similarity floor (the corpus's is garble_similarity): one slip in a short word
    # (Coch, Rdio) is as far as a real other name, so the world repairs long ones only
    world_similarity: float = 0.75
    document: bool = True  # the document's own, more frequent, spelling is evidence (document-consensus)
    document_min_count: int = 1  # how often the document must spell that form
    # a spelling written more often than this (in the document; for corpus garble, in the corpus) is its
    # own, not a slip, unless a shared first name or particle, or the document's own spelling, says so
    slip_max_count: int = 1
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
        self.word_zipf_of("*")  # validates the entries

    def word_zipf_of(self, lang: str) -> float:
        """The ``word_zipf`` threshold of ``lang`` ("*" when it has none of its own)."""
        table = _thresholds(self.word_zipf)
        return table.get(lang, table["*"])


@functools.lru_cache(maxsize=16)
def _thresholds(entries: tuple[str, ...]) -> dict[str, float]:
    """``("en=2.0", "*=2.5")`` as ``{"en": 2.0, "*": 2.5}``."""
    table = {}
    for entry in entries:
        code, _, value = entry.partition("=")
        try:
            table[code.strip()] = float(value)
        except ValueError:
            raise ValueError(f"word_zipf entries are 'lang=zipf', got {entry!r}") from None
    if "*" not in table:
        raise ValueError("word_zipf needs a '*=zipf' entry for the other languages")
    return table


@dataclass(frozen=True)
class Candidate:
    """A rare spelling and the dominant spelling it maps to, with the corpus evidence."""

    variant: str
    dominant: str
    evidence: str
    confident: bool  # corpus evidence enough: a shared first name or particle, or close garble
    in_document: bool  # enough when the dominant spelling stands in the same document
    shared: bool = False  # a first name, title or particle stands before both


#: Looks up the wordfreq Zipf frequency of words, by language: ``{lang: words}`` in,
#: ``{(word, lang): zipf}`` out. The CLI's ``--jobs`` pool passes one that asks its workers.
Weigh = Callable[[Mapping[str, Sequence[str]]], Mapping[tuple[str, str], float]]


def weigh_here(wanted: Mapping[str, Sequence[str]]) -> dict[tuple[str, str], float]:
    """Zipf frequencies looked up in this process, one language at a time. Each language's list is
    dropped once its words are weighed: the stage needs them only while it builds its candidates."""
    import wordfreq

    out = {}
    for lang, words in wanted.items():
        try:
            out.update(((w, lang), _zipf(w, lang)) for w in words)
        finally:
            wordfreq.get_frequency_dict.cache_clear()
            wordfreq.get_frequency_list.cache_clear()
    return out


def _lexicon_first(lex: Lexicon, weigh: Weigh) -> Weigh:
    """``weigh``, answering the English words the lexicon holds from it: loading wordfreq's list again
    took half the candidates' time in corpus mode (the lexicon has the same Zipf values)."""

    def first(wanted: Mapping[str, Sequence[str]]) -> dict[tuple[str, str], float]:
        out, rest = {}, {}
        for lang, words in wanted.items():
            for w in words:
                z = lex.weigh(w) if lang == lex.lang else None
                if z is None:
                    rest.setdefault(lang, []).append(w)
                else:
                    out[w, lang] = z
        return {**out, **weigh(rest)} if rest else out

    return first


class Names(Stage):
    """Repair misspelled names from the entity table, by corpus consensus and by world evidence."""

    name = "names"
    Settings = NamesSettings
    rule_kinds = {"entity": ENTITY_KIND}
    replace_kinds = ("entity",)
    default_kind = "entity"
    description = (
        "misspelled names: curated entity table, corpus consensus (Metaphone + edit distance) and "
        "world evidence (well-known names, the document's own spelling)"
    )

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
        #: key -> the entity table's right forms (canonical and variants): world names too
        self._known_keys: dict[str, tuple[str, ...]] = {}
        for form in sorted(self.known):
            if " " not in form:
                for k in dict.fromkeys(keys(form)):
                    self._known_keys[k] = (*self._known_keys.get(k, ()), form)
        self.candidates: dict[str, Candidate] = {}
        #: key -> the names the corpus establishes with it: where corpus consensus overrules the world
        self.established: dict[str, tuple[str, ...]] = {}
        if stats is not None and self.settings.consensus:
            # the listed names are asked for only after the weighing: a run with workers loads the lists
            # in this process while they weigh (see cleaner.run.firstpass), instead of before
            listed = (lambda: self.lexicon("en").listed) if self.settings.world else frozenset
            # weighed here, the words come from the lexicon this process loads anyway; a pool's workers
            # still weigh theirs while this process loads it
            if self.settings.world and weigh is weigh_here:
                weigh = _lexicon_first(self.lexicon("en"), weigh)
            self.candidates = build_candidates(stats, self.settings, self.known, weigh, listed)
            self.established = _established(stats, self.settings)

    def with_stats(self, stats: NameStats, weigh: Weigh = weigh_here) -> Names:
        """The same stage, carrying the corpus statistics for consensus repairs (``weigh``: where the
        word lists are looked up, see :func:`build_candidates`)."""
        return Names(self.settings, self.rules, stats, weigh)

    def corpus_stats(self) -> NameStats | None:
        """Empty name statistics, bounded by ``stats_entries``, when consensus is on."""
        return NameStats(limit=self.settings.stats_entries) if self.settings.consensus else None

    def observe(self, stats: NameStats, text: str) -> None:
        if self.counts(text):
            stats.add(text)

    def with_corpus_stats(self, stats: NameStats, offload: Offload | None = None) -> Names:
        if offload is None:
            return self.with_stats(stats)

        def weigh(wanted: Mapping[str, Sequence[str]]) -> dict[tuple[str, str], float]:
            # one language per task: each worker loads one word list
            parts = offload(weigh_here, [{lang: words} for lang, words in wanted.items()])
            return {key: zipf for part in parts for key, zipf in part.items()}

        return self.with_stats(stats, weigh)

    def corpus_digest(self) -> str | None:
        return None if self.stats is None else self.stats.digest()

    def warm_up(self) -> None:
        if self.settings.consensus and self.settings.world:
            self.lexicon("en")

    def lexicon(self, lang: str) -> Lexicon:
        """The real words and well-known names of ``lang``, built once per process."""
        s = self.settings
        return lexicon(lang, s.word_zipf_of(lang), s.name_zipf, s.min_length)

    @classmethod
    def check_rule(cls, rule: Rule) -> list[str]:
        probe = Names(rules=(rule,))
        return check_pair_examples(rule, lambda stub, text: probe._table_edits(stub, text))

    def apply(self, doc: Document) -> StageResult:
        text = doc.text
        edits = self._table_edits(self, text)
        flagged: list[str] = []
        world = self.settings.consensus and self.settings.world
        lang, given = self._language(doc)
        fixes: dict[str, tuple[str, str, str]] = {}  # variant -> (rule, right form, reason)
        if lang is not None and (self.candidates or world):
            counts = Counter(_NAME_TOKEN.findall(text))  # counted in C: most documents stop here
            lex = self.lexicon(lang) if world else None
            slips = self._slips(counts, lex) if lex else set()
            rare = sorted(slips.union(v for v in counts if v in self.candidates))
            if rare and not given and not self.counts(text):
                rare = []  # the language is checked only when there is something to repair
            words = self.__dict__.setdefault("_line_words", BoundedMemo())  # a cache, as _verdicts
            lower = _LowerCase(text, words)  # the document's words in lower case
            headings = _Headings(text)
            # where each rare token first stands whole: found in one scan in a long text (see _SEARCHED)
            first = _first_whole(text, rare, words) if len(rare) > _SEARCHED else None
            for v in rare:
                cand = self.candidates.get(v)
                # a spelling the document repeats is its own, unless a shared first name says otherwise;
                # a document that also writes the dominant spelling writes two names, not one slipped
                once = counts[v] <= self.settings.slip_max_count or (
                    cand is not None and cand.shared and cand.dominant not in counts
                )
                if (
                    cand is not None
                    and once
                    and (cand.confident or (cand.in_document and cand.dominant in counts))
                ):
                    reason = cand.evidence + (
                        "" if cand.confident else "; the document itself spells it " + cand.dominant
                    )
                    fixes[v] = (CONSENSUS, cand.dominant, reason)
                    continue
                found = None
                # Without the corpus's say-so, the world and the document may still settle it; the
                # corpus's own names of the same key, as close, stop them (see _world_fix)
                if v in slips and v.lower() not in lower:
                    at = max(_find(v, text) if first is None else first.get(v, -1), 0)
                    if not headings.at(at):  # Every Word Capitalised marks no name
                        found = self._world_fix(v, counts, lower, _sentence_start(text, at), lang)
                if found is not None and found[0] is not None:
                    fixes[v] = found
                elif cand is not None:
                    flagged.append(f"{v} → {cand.dominant}? ({cand.evidence}; no context evidence)")
                elif found is not None:
                    flagged.append(found[2])
            edits += self._fix_edits(text, fixes)
        meta = {"name_candidates": sorted(set(flagged))} if flagged else {}
        repaired = self._metadata_edits(doc.metadata, fixes)
        return StageResult(edits=tuple(non_overlapping(edits)), metadata=meta, metadata_edits=repaired)

    def _fix_edits(self, text: str, fixes: Mapping[str, tuple[str, str, str]]) -> list[Edit]:
        """The edits that put the settled ``fixes`` (variant -> rule, right form, reason) into ``text``."""
        if not fixes:
            return []
        return [
            self.edit(fix[0], m.start(), m.end(), text, fix[1], fix[2])
            for m in _NAME_TOKEN.finditer(text)
            if (fix := fixes.get(m.group())) is not None
        ]

    def _metadata_edits(
        self, metadata: Mapping[str, Any], fixes: Mapping[str, tuple[str, str, str]]
    ) -> tuple[MetadataEdit, ...]:
        """The same repairs in the prose earlier stages moved from the text to the metadata (captions,
        credits, bylines): the rule table's, and the fixes the document's text settled. A caption is too
        short to settle a name on its own, so it gets no repair the text did not earn."""
        out: list[MetadataEdit] = []
        for key in METADATA_PROSE:
            value = metadata.get(key) if metadata else None
            values = [value] if isinstance(value, str) else value if isinstance(value, list) else []
            for index, v in enumerate(values):
                if isinstance(v, str):
                    found = non_overlapping([*self._table_edits(self, v), *self._fix_edits(v, fixes)])
                    out += [MetadataEdit(key, None if value is v else index, e) for e in found]
        return tuple(out)

    def _language(self, doc: Document) -> tuple[str | None, bool]:
        """The document's language where names are repaired in it (else None), and whether the record
        gives it (JSONL metadata, or the language stage in an earlier pass). Not given, it is English
        to be checked (:meth:`counts`): with ``english_only`` on, the only language repaired."""
        given = doc.metadata.get("language") if doc.metadata else None
        if isinstance(given, str) and given:
            return (given if given == "en" or not self.settings.english_only else None), True
        return "en", False

    def counts(self, text: str) -> bool:
        """Whether a document's names count for consensus: only where consensus applies."""
        from cleaner.stages.language import plainly_english, sample_words

        return not self.settings.english_only or plainly_english(
            sample_words(text, 3000), self.settings.english_share
        )

    def _slips(self, tokens, lex: Lexicon) -> set[str]:
        """The ``tokens`` that :meth:`_may_slip`. The verdicts are kept: they depend on the token, the
        lexicon and the corpus statistics only, and a corpus repeats its names (asked afresh, 100,000
        tokens took a third of the stage's time on the bench's pages). Bounded: dropped past _VERDICTS."""
        verdicts = self.__dict__.setdefault("_verdicts", {}).setdefault(lex.lang, {})
        if len(verdicts) > _VERDICTS:
            verdicts.clear()
        out = set()
        for v in tokens:
            slip = verdicts.get(v)
            if slip is None:
                slip = verdicts[v] = self._may_slip(v, lex)
            if slip:
                out.add(v)
        return out

    def __getstate__(self):
        # the verdicts (see _slips) and the lines' words (see _line_words) are caches: a worker builds
        # its own
        return {k: v for k, v in super().__getstate__().items() if k not in ("_verdicts", "_line_words")}

    def _may_slip(self, v: str, lex: Lexicon) -> bool:
        """Whether ``v`` may be a slip the world can repair: a plain capitalised ASCII word, no real
        word or listed name, not a known form, that the corpus does not establish nor write in lower
        case. Cheap: every name token of every document is asked."""
        s = self.settings
        if lex.zipf.get(v.lower(), 0.0) >= lex.word_zipf:
            return False  # most tokens: a real word or a name in the word list
        if len(v) < s.min_length or not v.isascii() or not v.isalpha() or not v[1:].islower():
            return False  # accents are a language's own spelling; McDonald's inner capital is lost
        if v in self.known or lex.is_listed(v):
            return False
        return self.stats is None or (
            self.stats.docs[v] <= s.max_variant_docs and not self.stats.lower[v.lower()]
        )

    def _world_fix(
        self, v: str, counts: Counter, lower: _LowerCase, opens: bool, lang: str
    ) -> tuple[str | None, str, str] | None:
        """(rule, right form, reason) for a slip ``v``; (None, form, candidate note) when the evidence
        does not settle it; None when there is no candidate at all. ``opens``: ``v`` opens a sentence."""
        from rapidfuzz.distance import Levenshtein

        s = self.settings
        lex = self.lexicon(lang)
        zv = lex.frequency(v)
        options: dict[str, tuple[str, str]] = {}  # right form -> (rule, evidence)
        # A slip is made once: a spelling the document repeats is its own
        if counts[v] <= s.slip_max_count:
            for d, zd in lex.matches(v):
                # A word the document writes in lower case is no name here (said, same, main); at the
                # start of a sentence the capital says nothing, so only a listed name will do
                # A slip wordfreq has seen (a web typo, or a rare name) must lie world_gap below
                if (
                    (zv == 0.0 or zd - zv >= s.world_gap)
                    and d.lower() not in lower
                    and (not opens or lex.is_listed(d))
                ):
                    listed = ", a listed name" if lex.is_listed(d) else ""
                    options[d] = (WORLD, f"{d} is common in {lang} (Zipf {zd:.2f}{listed})")
            for d in sorted({f for k in keys(v) for f in self._known_keys.get(k, ())}):
                options[d] = (WORLD, f"{d} is a name of the entity table")
        vk = set(keys(v))
        if s.document and counts[v] <= s.slip_max_count:  # the document's own, more often spelling
            low = v.lower()
            for d in sorted(counts):
                if counts[d] < counts[v] or d == v or abs(len(d) - len(v)) > 1 or d[0] != v[0]:
                    continue  # a slip keeps the first letter and changes the length by one at most
                # one of the slips unslip undoes: a shared Metaphone key folds every vowel, a wider
                # net than the slips, and on the bench's clean text caught 17 of 43 wrong
                # changes and no injected slip
                if d.lower() not in unslip(low):
                    continue
                # more often, or as often and more common in the world (a slip is rarer than its name);
                # and, as for the world's names, a slip wordfreq has seen (Granet, 1.37: a real name)
                # must lie world_gap below the form it is taken for
                more = counts[d] > counts[v] or lex.frequency(d) >= lex.frequency(v) + 1.0
                if (
                    more
                    and (zv == 0.0 or lex.frequency(d) - zv >= s.world_gap)
                    and counts[d] >= s.document_min_count
                    and len(d) >= s.min_length
                    and d[1:].islower()
                    and d.lower() not in lower  # For, a word at the start of sentences
                ):
                    options[d] = (DOCUMENT, f"the document spells it {d} {counts[d]}×, {v} {counts[v]}×")
        # (how alike, similarity, Zipf, form, rule, evidence): the best is the largest. Alike first:
        # the same skeleton (a doubled letter, an h, y/i, w/v/f: Annne is Anne, not Annie), then a
        # shared key, then the document's own spelling
        scored = []
        for d, (rule, evidence) in options.items():
            sim = Levenshtein.normalized_similarity(v.lower(), d.lower())
            if sim >= s.world_similarity and not _derived(v, d):
                dk = keys(d)
                alike = 2 if dk[1] == keys(v)[1] else 1 if vk & set(dk) or rule == DOCUMENT else 0
                scored.append((alike, round(sim, 3), lex.frequency(d), d, rule, evidence))
        if not scored:
            return None
        scored.sort(reverse=True)
        shares, sim, zd, d, rule, evidence = scored[0]
        why = (
            f"{v} → {d}: {evidence}; {v} is no word (Zipf {zv:.2f} < {lex.word_zipf} in {lang}); "
            f"Metaphone {keys(d)[0]}; similarity {sim:.2f}"
        )
        # As close to another form (both sharing a key with it, or neither), and not ten times rarer
        rivals = {
            x[3]
            for x in scored[1:]
            if x[0] == shares
            and sim - x[1] < s.ambiguity_margin
            and (rule == x[4] == DOCUMENT or zd - x[2] < 1.0)
            and x[3] not in self.known.get(d, ())
        }
        # The corpus's own names of this key, as close: corpus consensus wins over the world
        corpus = {
            e
            for k in vk
            for e in self.established.get(k, ())
            if e not in (v, d)
            and Levenshtein.normalized_similarity(v.lower(), e.lower()) > sim - s.ambiguity_margin
            and s.ratio * self.stats.count[e] > self.stats.count[d]  # not far rarer than d there
        }
        if rivals or corpus:
            return None, d, f"{v} → {d}? ({why}; but {', '.join(sorted(rivals | corpus))} as close)"
        return rule, d, why

    def _table_edits(self, stage, text: str) -> list[Edit]:
        # a plain search for each misspelling first: most texts hold none, and the searches take half
        # the time of the pattern's scan (the bench's text pages)
        if self._table is None or not any(wrong in text for wrong in self._repairs):
            return []
        out = []
        for m in self._table.finditer(text):
            rule = self._repairs[m.group()]
            canonical = rule.param("canonical")
            if self.settings.normalize_variants or m.group() not in self.known:
                out.append(stage.edit(rule.id, m.start(), m.end(), text, canonical, rule.reason))
        return out


#: metadata keys whose values are prose moved out of the text, where names are repaired too
METADATA_PROSE = ("caption", "credit", "byline")

# A name token as the stage's words are cut (_WORD: hyphenated parts kept together), capitalised
# then lower case (is_name_token): found and counted by the regex engine, not a Python loop
_NAME_TOKEN = regex.compile(r"(?<!\p{L})(?<!\p{L}-)\p{Lu}\p{Ll}\p{L}*(?:-\p{L}+)*")
_LINE_WORD = regex.compile(r"\p{L}{4,}")


def _find(word: str, text: str) -> int:
    """Where ``word`` first stands as a whole token in ``text`` (as _WORD cuts them), or -1. A plain
    search: a pattern per word would be compiled per word."""
    at = text.find(word)
    while at >= 0:
        before = text[at - 1] if at else ""
        after = text[at + len(word) : at + len(word) + 1]
        joined = before.isalpha() or (before == "-" and text[at - 2 : at - 1].isalpha())
        if not joined and not (after.isalpha() or after == "-"):
            return at
        at = text.find(word, at + 1)
    return -1


# A run of letters that stands as a whole token: not joined by a hyphen to letters before it, nor
# followed by a hyphen (what _find accepts, for a word of letters only)
_STANDALONE = regex.compile(r"(?<!\p{L})(?<!\p{L}-)\p{L}++(?!-)")
# Words looked up in a document by searching it, before its words are read in one scan instead: a
# scan costs what some hundreds of searches of a 1 MB text cost, and most documents ask a handful
_SEARCHED = 64
_LONG_TEXT = 200_000  # characters: a text this long has its words read at once


def _first_whole(text: str, words, memo: BoundedMemo) -> dict[str, int]:
    """Where each of ``words`` (name tokens) first stands whole in ``text``, as :func:`_find` says:
    the first name token that is the word and is not followed by a hyphen (the pattern already refuses
    letters or a hyphenated word before it, and letters after it).

    A word of letters stands so exactly where it is a standalone word (:func:`_line_words`), so only
    the lines whose words hold one of them are read for positions: a later pass of the pipeline meets
    a long document's lines again and knows their words. A hyphenated name is looked for in one scan."""
    wanted = set(words)
    plain = {w for w in wanted if w.isalpha()}
    out = _first_tokens(text, wanted - plain, 0, {})
    at = 0
    for line in text.split("\n"):
        if not plain:
            break
        hit = plain.intersection(_line_words(line, memo))
        if hit:
            plain -= hit
            _first_tokens(line, hit, at, out)
        at += len(line) + 1
    return out


def _first_tokens(text: str, wanted: set[str], at: int, out: dict[str, int]) -> dict[str, int]:
    """Add to ``out`` where each of ``wanted`` first stands whole in ``text`` (which starts at ``at``)."""
    if wanted:
        for m in _NAME_TOKEN.finditer(text):
            word = m.group()
            if word in wanted and word not in out and text[m.end() : m.end() + 1] != "-":
                out[word] = at + m.start()
    return out


def _line_words(line: str, memo: BoundedMemo) -> frozenset[str]:
    """A line's standalone words (:data:`_STANDALONE`). The pattern is line-local (no letter or hyphen
    is a newline), so a text's words are its lines' words; remembered by the line's content for the
    pipeline's later passes, which meet a long document's lines again (a scan of the whole text per
    pass made the stage's cost grow faster than the document)."""
    found = memo.get(line)
    if found is None:
        found = memo.put(line, frozenset(_STANDALONE.findall(line)))
    return found


class _LowerCase:
    """Whether the document writes a word in lower case, asked of the few words that matter. After
    ``_SEARCHED`` words the document's words are collected once: searched per word, a 1.5 MB page asked
    about thousands of rare tokens cost seconds (every search of an absent word reads the whole text)."""

    def __init__(self, text: str, memo: BoundedMemo):
        self.text, self.seen, self.memo = text, {}, memo
        self.tokens: set[str] | None = None

    def __contains__(self, word: str) -> bool:
        if word not in self.seen:
            # a long text's words are read from its lines at once (a later pass knows most of them),
            # not after dozens of searches each reading the whole text for an absent word
            if (len(self.seen) >= _SEARCHED or len(self.text) > _LONG_TEXT) and word.isalpha():
                if self.tokens is None:
                    lines = self.text.split("\n")
                    self.tokens = set().union(*(_line_words(ln, self.memo) for ln in lines))
                self.seen[word] = word in self.tokens
            else:
                self.seen[word] = _find(word, self.text) >= 0
        return self.seen[word]


def _line_at(text: str, at: int) -> str:
    return text[text.rfind("\n", 0, at) + 1 : (text.find("\n", at) + 1 or len(text) + 1) - 1]


class _Headings:
    """Whether the line at a position of the text is title case (see :func:`_title_case`), decided once
    per line: the rare tokens of a document that is one long line all stand on it, and reading its
    words again for each of them made the stage quadratic (130 s for a 1.6 MB line)."""

    def __init__(self, text: str):
        self.text, self.seen = text, {}

    def at(self, at: int) -> bool:
        start = self.text.rfind("\n", 0, at) + 1
        if start not in self.seen:
            self.seen[start] = _title_case(_line_at(self.text, at))
        return self.seen[start]


_OPENS = regex.compile(r"(?:^|[.!?:;\"“”‘’'(\[—–]|\n)\s*$")


def _sentence_start(text: str, at: int) -> bool:
    """The word at ``at`` opens a sentence, a line or a quotation."""
    return _OPENS.search(text, max(0, at - 4), at) is not None


def _title_case(line: str) -> bool:
    """Most of the line's words of four letters or more are capitalised: a heading, not prose."""
    words = _LINE_WORD.findall(line)
    return len(words) >= 2 and 2 * sum(w[0].isupper() for w in words) > len(words)


#: Most verdicts of :meth:`Names._slips` kept per language (some 100 bytes each)
_VERDICTS = 200_000

#: Endings that make another word of a name: plurals (the Caldwells), demonyms (Texans, Albertan)
_DERIVED = ("s", "es", "an", "ans", "ian", "ians")


def _derived(v: str, d: str) -> bool:
    """One is the other with an ending (the Caldwells, an Albertan): another word, not a slip."""
    a, b = sorted((v.lower(), d.lower()), key=len)
    if a.endswith("y") and b == a[:-1] + "ies":
        return True
    # -n and -ns make demonyms after a vowel only (Korea, Korean); Alan/Alann, Collins/Collinss are
    # doubled letters
    if b[len(a) :] == a[-1]:
        return False
    return any(b == a + end for end in _DERIVED) or (a[-1] in "aeio" and b in (a + "n", a + "ns"))


def build_candidates(
    stats: NameStats,
    s: NamesSettings,
    known: dict[str, frozenset[str]],
    weigh: Weigh = weigh_here,
    listed: Callable[[], frozenset[str]] = frozenset,
) -> dict[str, Candidate]:
    """Rare spellings that map to a dominant spelling, under every guard of the module docstring.

    The guards that need no word list come first (:func:`_rivals`); the words the remaining guards look
    up are then weighed in one batch, so ``weigh`` can load the list once, anywhere. ``listed()``: the
    lower-cased listed names (:mod:`cleaner.worldnames`), real names however rare, asked for after the
    weighing."""
    rivals = _rivals(stats, s, known)
    wanted: set[str] = set()
    for v, d, _, context in rivals:
        wanted.update((v, d))
        wanted.update(w for w in context if is_name_token(w))
    zipf = weigh({"en": sorted(wanted)}) if rivals else {}
    listed_names = listed() if rivals else frozenset()
    garble_below = s.word_zipf_of("en")
    out: dict[str, Candidate] = {}
    for v, d, sim, context in rivals:
        if zipf[v, "en"] >= s.english_zipf:
            continue  # an English word, not a slip
        shared = {
            w for w in context if (is_name_token(w) and zipf[w, "en"] < s.context_zipf) or w in PARTICLES
        }
        # A spelling wordfreq has never seen, or one below the language's word threshold and world_gap
        # below the dominant one (fryday, Friday), is garble: close to a dominant name that is enough,
        # further off it needs the dominant spelling in the same document. A spelling above it may be a
        # real name (Rubin, Melton, Zhong), and so may a rare one near a common name (Cortney, Liisa),
        # a listed one or an accented one (Danièle): only a shared first name or particle makes those
        # a slip.
        zv = zipf[v, "en"]
        listed = v.lower() in listed_names
        # A listed name that wordfreq also counts as a real word (Jonson: a census surname of Zipf 2.55)
        # is a name in its own right: a first name it shares with the dominant one is no evidence of a
        # slip (Ben Jonson, Ben Johnson). One only the census knows (Patin, 1.74) may still be a slip.
        if listed and zv >= garble_below:
            shared = set()
        # Garble is the kinds of slip: one of them (unslip), or several that the skeleton folds
        # (Whitkov, Witkoff). Another letter added, or two changed (Koreana, Cloie), makes another name
        garble = (
            not shared
            and (zv == 0.0 or (zv < garble_below and zipf[d, "en"] - zv >= s.world_gap))
            and v.isascii()
            and not listed
            and _slipped(v, d)
        )
        evidence = (
            f"{v} → {d}: {stats.docs[d]} docs spell it {d}, {stats.docs[v]} {v}; "
            f"Metaphone {keys(d)[0]}; similarity {sim:.2f}"
            + (f"; both after {', '.join(sorted(shared))}" if shared else "")
            + (f"; no word (Zipf {zipf[v, 'en']:.2f} < {garble_below} in en)" if garble else "")
        )
        slip = stats.count[v] <= s.slip_max_count
        confident = bool(shared) or (garble and slip and sim >= s.garble_similarity)
        out[v] = Candidate(v, d, evidence, confident, in_document=garble, shared=bool(shared))
    return out


def _slipped(v: str, d: str) -> bool:
    """``v`` is ``d`` with the slips machine translation makes: one (:func:`unslip`), or any number the
    skeleton folds (an h, y/i, w/v/f, doubled letters)."""
    low = v.lower()
    return d.lower() in unslip(low) or skeleton(low) == skeleton(d)


def _established(stats: NameStats, s: NamesSettings) -> dict[str, tuple[str, ...]]:
    """Key -> the names the corpus establishes (in ``min_docs`` documents, never in lower case)."""
    out: dict[str, list[str]] = {}
    for tok in sorted(stats.docs):
        if (
            stats.docs[tok] >= s.min_docs
            and len(tok) >= s.min_length
            and is_name_token(tok)
            and not stats.lower[tok.lower()]
        ):
            for k in dict.fromkeys(keys(tok)):
                out.setdefault(k, []).append(tok)
    return {k: tuple(v) for k, v in out.items()}


def _rivals(
    stats: NameStats, s: NamesSettings, known: dict[str, frozenset[str]]
) -> list[tuple[str, str, float, set[str]]]:
    """(variant, dominant, similarity, words before both) for each rare spelling that passes the guards
    needing no word list: key, similarity, ambiguity, counts and the entity table."""
    from rapidfuzz.distance import Levenshtein

    tokens = [t for t in sorted(stats.docs) if len(t) >= s.min_length and is_name_token(t)]
    established = [t for t in tokens if stats.docs[t] >= s.min_docs and not stats.lower[t.lower()]]
    groups: dict[str, set[str]] = {}  # key -> the established names that have it: the only rivals
    for tok in established:
        for k in keys(tok):
            groups.setdefault(k, set()).add(tok)
    out = []
    for v in tokens:
        if stats.docs[v] > s.max_variant_docs or v in known or stats.lower[v.lower()]:
            continue
        key, skel = keys(v)
        rivals = groups.get(key, set()) | groups.get(skel, set())
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


def _zipf(word: str, lang: str) -> float:
    """wordfreq's Zipf frequency of the word in ``lang`` text (0.0: never seen)."""
    from wordfreq import zipf_frequency

    return zipf_frequency(word.lower(), lang)
