"""``language``: the document's language, and paragraphs left in another language.

The document language goes to the record (``language``, with ``language_confidence``). Most documents
never pay for detection: when the most common English words make up a large share of a bounded sample,
the text is plainly English; likewise for the ``fast_languages`` (German, French, Spanish, ...), when one
of them has a large share and twice that of any other (confidence 1.0 on both paths). Otherwise
langdetect runs on the sample, seeded so the answer is the same
on every run and machine (langdetect is random by default). Text without letters, where langdetect
raises, and a text of fewer than ``min_words`` words that is not plainly English, are ``"und"``
(undetermined).

A paragraph is checked only when it is long enough and almost none of its words are among the
document language's most common words (wordfreq's lists); langdetect then decides, and a paragraph
confidently in another language is flagged in the record (``foreign_paragraphs``) or, with
``action = "remove"``, removed with its language in the reason.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

import regex

from cleaner.document import Document, Edit, StageResult
from cleaner.stage import Stage, register
from cleaner.text import lines

_WORD = regex.compile(r"\p{L}+")
UNDETERMINED = "und"


@dataclass(frozen=True)
class LanguageSettings:
    action: str = "flag"  # "flag" (record only) or "remove"
    sample_chars: int = 1500  # detection looks at this much of the document, from its start
    english_share: float = 0.25  # share of common English words that makes a text plainly English
    # Other languages told by their common words alone (no langdetect): the sample is plainly in one
    # of them when its share reaches `common_share` and twice the share of every other one.
    fast_languages: tuple[str, ...] = ("de", "fr", "es", "it", "nl", "pt", "pl", "sv", "da")
    common_share: float = 0.25
    min_words: int = 10  # a shorter document is undetermined unless plainly English
    min_paragraph_words: int = 8  # shorter paragraphs are too short to judge
    foreign_share: float = 0.03  # a paragraph with fewer common words of the document language is checked
    min_confidence: float = 0.9
    seed: int = 0
    max_delete_share: float = 0.5

    def __post_init__(self):
        if self.action not in ("flag", "remove"):
            raise ValueError(f"action must be flag or remove, got {self.action!r}")


@functools.cache
def common_words(lang: str) -> frozenset[str]:
    """The language's 100 most common words (wordfreq), empty for languages wordfreq lacks."""
    import wordfreq

    try:
        return frozenset(wordfreq.top_n_list(lang, 100))
    except (LookupError, ValueError):
        return frozenset()
    finally:
        # top_n_list loads the language's whole frequency list (about 20 MB of Python objects) into an
        # unbounded cache; with ten languages on the fast path that was 250 MB per process for 1,000 words.
        wordfreq.get_frequency_list.cache_clear()


def share(words: list[str], common: frozenset[str]) -> float:
    return sum(1 for w in words if w in common) / len(words) if words else 0.0


def sample_words(text: str, chars: int) -> list[str]:
    """The lower-cased words of the first ``chars`` characters: what detection looks at."""
    return [w.lower() for w in _WORD.findall(text[:chars])]


def plainly_english(words: list[str], threshold: float) -> bool:
    """The fast path: the most common English words make up at least ``threshold`` of ``words``."""
    return share(words, common_words("en")) >= threshold


def plainly(words: list[str], languages: tuple[str, ...], threshold: float) -> str | None:
    """The language of ``languages`` whose most common words make up at least ``threshold`` of
    ``words`` and twice the share of any other, if there is one: cheap and, on prose, unambiguous."""
    shares = sorted(((share(words, common_words(lang)), lang) for lang in languages), reverse=True)
    if not shares or shares[0][0] < threshold:
        return None
    if len(shares) > 1 and shares[0][0] < 2 * shares[1][0]:
        return None
    return shares[0][1]


@functools.lru_cache(maxsize=1024)
def detect(text: str, seed: int) -> tuple[str, float]:
    """(language, probability) by langdetect, seeded; ``("und", 0.0)`` when it cannot tell.

    Cached: the pipeline's second pass usually hands the stage the same sample again (the stages after
    it change only white space), and langdetect is the most expensive call in the pipeline.
    """
    from langdetect import DetectorFactory, detect_langs
    from langdetect.lang_detect_exception import LangDetectException

    DetectorFactory.seed = seed  # langdetect is random unless seeded; the seed is global to it
    try:
        best = detect_langs(text)[0]
    except LangDetectException:
        return UNDETERMINED, 0.0
    return best.lang.split("-")[0], best.prob


@register
class Language(Stage):
    """Detect the document's language; flag or remove paragraphs in another one."""

    name = "language"
    rank = 70
    Settings = LanguageSettings
    description = "document language (langdetect, seeded; fast path for plain English); foreign paragraphs"

    def apply(self, doc: Document) -> StageResult:
        s = self.settings
        text = doc.text
        # white space collapsed, so a pass that only reformats the text meets the cached detection
        sample = " ".join(text[: s.sample_chars].split())
        words = sample_words(sample, s.sample_chars)
        if not words:
            return StageResult(metadata={"language": UNDETERMINED})
        if plainly_english(words, s.english_share):
            lang, prob = "en", 1.0
        elif len(words) < s.min_words:
            return StageResult(metadata={"language": UNDETERMINED})  # a few words: any guess is noise
        elif fast := plainly(words, ("en", *s.fast_languages), s.common_share):
            lang, prob = fast, 1.0
        else:
            lang, prob = detect(sample, s.seed)
        meta: dict = {"language": lang, "language_confidence": round(prob, 3)}
        common = common_words(lang)
        if not common:
            return StageResult(metadata=meta)
        edits: list[Edit] = []
        foreign = []
        for n, ln in enumerate(ln for ln in lines(text) if not ln.blank):
            pw = [w.lower() for w in _WORD.findall(ln.content)]
            if len(pw) < s.min_paragraph_words or share(pw, common) >= s.foreign_share:
                continue
            other, p = detect(ln.content, s.seed)
            if other in (lang, UNDETERMINED) or p < s.min_confidence:
                continue
            foreign.append({"paragraph": n, "language": other, "text": ln.content[:80]})
            if s.action == "remove":
                reason = f"paragraph in {other} (p={p:.2f}) in a {lang} document"
                edits.append(self.edit("foreign-paragraph", ln.start, ln.end, text, "", reason))
        if foreign:
            meta["foreign_paragraphs"] = foreign
        return StageResult(edits=tuple(edits), metadata=meta)
