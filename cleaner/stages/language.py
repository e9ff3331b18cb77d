"""``language``: the document's language, and paragraphs left in another language.

The document language goes to the record (``language``, with ``language_confidence``). Most documents
are placed by cheap, exact evidence: when the most common English words make up a large share of a
bounded sample (the document's prose lines first, so a menu at the top of a page does not decide), the
text is plainly English; likewise for the ``fast_languages`` (German, French, Spanish, ...), when one of
them has a large share and twice that of any other (confidence 1.0 on both paths); and a sample written
in a script only one language uses (Greek, Hebrew, Hangul, kana, Thai, ...) is that language (confidence
1.0). Otherwise :func:`cleaner.langid.detect` identifies the sample: fastText's lid.176 model, with
seeded langdetect for the rare sample fastText is unsure of. Text without letters, and a text of fewer
than ``min_words`` words that is not plainly English, are ``"und"`` (undetermined).

A paragraph is checked only when it is long enough and almost none of its words are among the
document language's most common words (wordfreq's lists). Then, cheapest first: when one of the fast
languages plainly claims it by its common words, that is its language; when it is written in the
document's script and either that script does not separate words with spaces (CJK, where word lists
cannot judge) or it has fewer than ``detect_words`` words (a caption, a list of names, a reference),
it is left alone; otherwise the identifier decides, on the paragraph's first ``DETECT_CHARS``
characters. A paragraph confidently in another language is flagged in the record
(``foreign_paragraphs``) or, with ``action = "remove"``, removed with its language in the reason.
"""

from __future__ import annotations

import functools
import unicodedata
from collections import Counter
from dataclasses import dataclass

import regex

from cleaner import langid
from cleaner.document import Document, Edit, StageResult
from cleaner.langid import UNDETERMINED, detect
from cleaner.stage import Stage
from cleaner.text import BoundedMemo, at_least_words, lines, word_count

_WORD = regex.compile(r"\p{L}+")
#: A paragraph longer than this is identified by its start: enough for any identifier, and the cost
#: of a huge one-line document stays linear.
DETECT_CHARS = 3000


@dataclass(frozen=True)
class LanguageSettings:
    action: str = "flag"  # "flag" (record only) or "remove"
    sample_chars: int = 1500  # detection looks at this much of the document: prose lines first
    english_share: float = 0.25  # share of common English words that makes a text plainly English
    # Other languages told by their common words alone (no langdetect): the sample is plainly in one
    # of them when its share reaches `common_share` and twice the share of every other one.
    fast_languages: tuple[str, ...] = ("de", "fr", "es", "it", "nl", "pt", "pl", "sv", "da")
    common_share: float = 0.25
    min_words: int = 10  # a shorter document is undetermined unless plainly English
    min_paragraph_words: int = 8  # shorter paragraphs are too short to judge
    detect_words: int = 20  # a paragraph in the document's script needs this many words to identify
    foreign_share: float = 0.03  # a paragraph with fewer common words of the document language is checked
    min_confidence: float = 0.9
    seed: int = 0
    max_delete_share: float = 0.5

    def __post_init__(self):
        if self.action not in ("flag", "remove"):
            raise ValueError(f"action must be flag or remove, got {self.action!r}")


@functools.cache
def common_words(lang: str) -> frozenset[str]:
    """The language's 100 most common words (wordfreq), empty for languages wordfreq lacks.

    From the "small" list: its top 100 are the same words as the default ("best") list's, which is up to
    20 times larger and took 0.07-0.23 s per language to load, against about 0.01 s
    (``tests/test_language.py`` checks that the words agree for every fast-path language)."""
    import wordfreq

    try:
        return frozenset(wordfreq.top_n_list(lang, 100, wordlist="small"))
    except (LookupError, ValueError):
        return frozenset()
    finally:
        # top_n_list keeps the whole list in an unbounded cache; only the 100 words are needed
        wordfreq.get_frequency_list.cache_clear()


def share(words: list[str], common: frozenset[str]) -> float:
    return sum(map(common.__contains__, words)) / len(words) if words else 0.0


def sample_words(text: str, chars: int) -> list[str]:
    """The lower-cased words of the first ``chars`` characters: what detection looks at."""
    return _WORD.findall(text[:chars].lower())


def prose_sample(text: str, chars: int, min_words: int = 8) -> str:
    """Up to ``chars`` characters of ``text``, white space collapsed, taken from its lines of
    ``min_words`` words or more (the prose) in order; the text's start when it has none. On a page, the
    first 1,500 characters are often a menu, and a menu's words say little about the article's language:
    of the 270 bench pages whose start sent them to langdetect, 213 are placed by their prose's common
    words."""
    picked: list[str] = []
    size = 0
    for ln in text.splitlines():
        if size >= chars:
            break
        if at_least_words(ln, min_words):
            picked.append(ln)
            size += len(ln) + 1
    return " ".join(" ".join(picked or [text[: chars * 2]]).split())[:chars]


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


#: Scripts a single language writes in (for the languages langdetect knows): no detection needed.
SCRIPT_LANGUAGE = {
    "GREEK": "el", "HEBREW": "he", "HANGUL": "ko", "HIRAGANA": "ja", "KATAKANA": "ja", "THAI": "th",
    "GEORGIAN": "ka", "ARMENIAN": "hy", "GUJARATI": "gu", "GURMUKHI": "pa", "TAMIL": "ta", "TELUGU": "te",
    "KANNADA": "kn", "MALAYALAM": "ml", "SINHALA": "si", "KHMER": "km", "LAO": "lo",
}  # fmt: skip
#: Scripts whose writing does not separate words with spaces: common-word shares cannot judge them.
UNSPACED = frozenset({"CJK", "HIRAGANA", "KATAKANA", "HANGUL", "THAI", "LAO", "KHMER", "MYANMAR"})
_LETTERS = regex.compile(r"\p{L}")


def script(text: str, sample: int = 200) -> str:
    """The script most of the first ``sample`` letters of ``text`` are written in ("LATIN", "CYRILLIC",
    "CJK", ...: the first word of the letters' Unicode names); "" without letters."""
    counts: Counter[str] = Counter()
    # name each distinct letter once: a few dozen lookups, not one per letter
    for c, n in Counter(_LETTERS.findall(text, 0, sample * 4)[:sample]).items():
        counts["LATIN" if c.isascii() else unicodedata.name(c, "?").split(" ", 1)[0]] += n
    return max(sorted(counts), key=counts.__getitem__) if counts else ""  # sorted: ties break alike


class Language(Stage):
    """Detect the document's language; flag or remove paragraphs in another one."""

    name = "language"
    Settings = LanguageSettings
    description = "document language (fastText lid.176, seeded langdetect when unsure); foreign paragraphs"

    def __init__(self, settings=None, rules=()):
        super().__init__(settings, rules)
        self._memo = BoundedMemo()

    def __getstate__(self):
        return {**self.__dict__, "_memo": BoundedMemo()}  # a cache: a worker builds its own

    def warm_up(self) -> None:
        langid.warm_up()  # the fastText model and langdetect's 55 language profiles
        for lang in ("en", *self.settings.fast_languages):
            common_words(lang)

    def apply(self, doc: Document) -> StageResult:
        s = self.settings
        text = doc.text
        # white space collapsed, so a pass that only reformats the text meets the cached detection
        sample = prose_sample(text, s.sample_chars)
        words = sample_words(sample, s.sample_chars)
        if not words:
            return StageResult(metadata={"language": UNDETERMINED})
        home = script(sample)
        if plainly_english(words, s.english_share):
            lang, prob = "en", 1.0
        elif word_count(sample) < s.min_words:  # CJK-aware: two Han characters count as a word
            return StageResult(metadata={"language": UNDETERMINED})  # a few words: any guess is noise
        elif fast := plainly(words, ("en", *s.fast_languages), s.common_share):
            lang, prob = fast, 1.0
        elif home in SCRIPT_LANGUAGE:
            lang, prob = SCRIPT_LANGUAGE[home], 1.0
        else:
            lang, prob = detect(sample, s.seed)
        meta: dict = {"language": lang, "language_confidence": round(prob, 3)}
        common = common_words(lang)
        if not common:
            return StageResult(metadata=meta)
        edits: list[Edit] = []
        foreign = []
        for n, ln in enumerate(ln for ln in lines(text) if not ln.blank):
            key = (ln.content, lang, home)
            found = self._memo.get(key)
            if found is None:
                found = self._memo.put(key, self._foreign(ln.content, lang, home, common))
            if not found:
                continue
            other, p = found
            foreign.append({"paragraph": n, "language": other, "text": ln.content[:80]})
            if s.action == "remove":
                reason = f"paragraph in {other} (p={p:.2f}) in a {lang} document"
                edits.append(self.edit("foreign-paragraph", ln.start, ln.end, text, "", reason))
        if foreign:
            meta["foreign_paragraphs"] = foreign
        return StageResult(edits=tuple(edits), metadata=meta)

    def _foreign(
        self, content: str, lang: str, home: str, common: frozenset[str]
    ) -> tuple[str, float] | tuple:
        """(language, confidence) of a paragraph confidently in another language than ``lang``, else ().

        A function of the paragraph and the document's language and script, remembered by the stage:
        the later passes of the pipeline meet the same paragraphs again."""
        s = self.settings
        if not at_least_words(content, s.min_paragraph_words):  # cached: the line stages counted it
            return ()
        low = content.lower()
        # split() words first: five times cheaper than the regex, and a paragraph in the document's
        # language has so many common words (a third, not the 3% asked) that the punctuation a split
        # word keeps cannot hide them all
        if share(low.split(), common) >= s.foreign_share:
            return ()
        pw = _WORD.findall(low)
        if len(pw) < s.min_paragraph_words or share(pw, common) >= s.foreign_share:
            return ()
        other, p = self._paragraph_language(content, pw, home)
        if other in (lang, UNDETERMINED) or p < s.min_confidence:
            return ()
        return other, p

    def _paragraph_language(self, content: str, words: list[str], home: str) -> tuple[str, float]:
        """The language of a paragraph that has almost no common words of the document's language."""
        s = self.settings
        if claimed := plainly(words, ("en", *s.fast_languages), s.common_share):
            return claimed, 1.0
        if script(content) == home and (home in UNSPACED or len(words) < s.detect_words):
            return UNDETERMINED, 0.0  # same script, and nothing cheap or reliable to tell it by
        return detect(content[:DETECT_CHARS], s.seed)
