"""``extract``: pull the main content out of an HTML page (HTML inputs only).

The page is parsed once, into one lxml tree, and trafilatura runs on that tree twice:

- with ``favor_precision``: the article without the link-dense blocks (teaser lists, widgets) the text
  stages could no longer see once the links are gone; the page's metadata comes from this run;
- with ``favor_recall``: more of the page, including what precision prunes by mistake (short
  paragraphs, lists, sections of a page laid out in tables).

The article is the recall run's lines, in its order, that the precision run also has or that read as prose
(``prose_words`` words ending like a sentence, or ``long_words`` words); a precision line the recall run
lacks is put back after the line before it, and one it split and pruned (a table precision flattened into
one line) comes back whole in place of its pieces. So the merge never loses what precision found, and adds
from recall only what looks like article text: the link lines and furniture recall over-keeps stay out,
and the text stages take out what is left. Past the last line precision has, recall's prose stops where
more than ``tail_gap`` lines of furniture part it from the line before: the article ended there, and
another block of the page (teasers, a sidebar's offers) begins. Measured on the bench's four dev sets
against either run alone: see the README. When the precision run leaves less than ``fallback_chars`` and
the recall run finds ``fallback_ratio`` times as much, the recall text is taken whole (precision lost the
article; the bench's pages where it did kept 4-30% of it), with the precision lines it lacks put back: on
a one-paragraph post, precision can find the post and recall a sidebar without it (five Dragnet dev pages
had lost their post so). When the precision run leaves less than ``fallback_chars`` and the recall run
holds less than ``elsewhere_share`` of its word pairs, the two runs found different parts of the page: on
a short post, precision can settle on a footer or a sidebar blurb while recall has the post, a line or two
that need not read as prose. Neither is trusted over the other: the recall text is taken whole with the
precision lines put back (rule ``trafilatura-elsewhere``), and the text stages take out the furniture
either brought.

The recall run takes comments apart rather than pruning every section named for them, which loses
pages whose content sits in one. Its comments stay out of the text, except on a thread: when the body
chosen so far is a stub (fewer than ``thread_stub_words`` words: a thread's title or opening line) and the
recall run's text with its comments is ``thread_ratio`` times it, the page is a forum thread or a
guestbook, and the posts are its content (rule ``trafilatura-thread``). A short post of its own is an
article, and its discussion is readers' comments, which DESIGN.md keeps out of the text.

When neither trafilatura run finds any text, jusText, a second extractor of another kind (it classes
paragraphs by their length, link density and share of stop words, where trafilatura looks for the
article's element), gets the page: on a page whose text sits outside anything trafilatura reads as a
content block, it finds the paragraphs (rule ``justext``). Elsewhere it is not asked: where trafilatura
found a body, jusText's further paragraphs were as often reader comments or an appended article as
missed text (see :func:`justext_paragraphs`), and running it on every page would cost its time there.

"The precision run also has" a line means that half of its word pairs (its word, for a one-word line)
occur in the precision text: the two runs sometimes cut the same text into lines differently (a table
flattened into one line by one run, split by the other), so equal lines would miss them.

The headline comes first when trafilatura finds a title the body does not already start with; date,
byline, site name, URL and description go to the document record. Options are pinned here, not left to
trafilatura's defaults, so an upgrade cannot silently change outputs:

- ``deduplicate=False``: trafilatura's deduplication keeps a process-wide cache of paragraphs it has
  seen, which makes a document's output depend on the documents cleaned before it (and on the worker).
- ``include_comments=False`` by default: reader comments are not the article (DESIGN.md section 1).
- date extraction gets a fixed ``max_date``: htmldate's default is *today*, so a page's date (and so
  the record) would depend on the day it is cleaned.
"""

from __future__ import annotations

import copy
import functools
import hashlib
import html
import itertools
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import regex

from cleaner.document import Document, DocumentFailure, StageResult
from cleaner.stage import Stage
from cleaner.text import ends_sentence, word_count, word_count_upto

_META = {
    "title": "title",
    "date": "date",
    "author": "byline",
    "sitename": "source",
    "url": "url",
    "description": "description",
}


@dataclass(frozen=True)
class ExtractSettings:
    # recall_lines = false: the precision run's text alone (with the fallback below), as before the merge.
    recall_lines: bool = True
    prose_words: int = 8  # a recall-only line of this many words ending like a sentence is prose
    long_words: int = 25  # a recall-only line of this many words is prose however it ends
    # After the last line precision also has, recall-only prose is the article's missed end while each
    # line follows the one before across at most this many lines of furniture (neither the precision
    # run's nor prose); past a wider gap it is another block of the page: a columnist teaser list, card
    # offers, a "Was this article useful?" box. HTML F1 trafilatura_eval +0.0003, six pages moved on the
    # four sets, none down; 2 or 3 also cut a post's last paragraphs after an inline box (dragnet
    # -0.0003), 8 and more cut nothing. A large number keeps every trailing line, as before.
    tail_gap: int = 4
    fallback_chars: int = 1500  # 0 = never take the recall text whole
    fallback_ratio: float = 2.0
    include_comments: bool = False  # true appends the reader comments trafilatura finds (with_comments)
    # The recall run takes comments apart instead of pruning what is named for them (see _extract):
    # cleaneval +0.011 F1, dragnet +0.016 in HTML mode, for about 15% more time in the stage.
    recall_comments: bool = True
    # A page whose body is a stub beside its "comments" is a thread (forum, guestbook, Q&A): its posts are
    # its content. 0 = never take them. A stub is a body of fewer than thread_stub_words words (a thread's
    # title or opening line): a short post of its own with its discussion is an article and its readers'
    # comments (DESIGN.md 1). Taking the posts wherever the body was under fallback_chars took 28 Dragnet
    # blog posts' comment threads (HTML F1 against the article part 0.894, 0.906 without).
    thread_ratio: float = 2.0
    thread_stub_words: int = 30
    # A short precision text of which the recall run holds less than this share of word pairs lies
    # elsewhere on the page than the recall run's: both are kept (rule trafilatura-elsewhere). 0 = never.
    elsewhere_share: float = 0.5
    # jusText's paragraphs when neither trafilatura run finds any text (rule justext)
    justext_fallback: bool = True
    include_tables: bool = True  # tables in news bodies are usually content (results, figures)
    include_headline: bool = True
    max_date: str = "2100-01-01"


class Extract(Stage):
    """Main-content extraction from HTML; one edit replaces the page by its article text."""

    name = "extract"
    text_stage = False
    Settings = ExtractSettings
    description = "HTML main content via trafilatura (precision run plus the recall run's prose lines)"

    #: (page digest, spooled result) of a page whose extraction was carried over from the first pass
    _carried: tuple[str, dict[str, Any]] | None = None

    def apply(self, doc: Document) -> StageResult:
        if not doc.html:
            return StageResult()
        if self._carried is not None and self._carried[0] == page_digest(doc.text):
            got = self._carried[1]
            edit = self.edit(got["rule"], 0, len(doc.text), doc.text, got["text"], got["reason"])
            return StageResult(edits=(edit,), metadata=got["metadata"])
        return self.choose(doc.text, *self.runs(doc.text))

    #: The settings :meth:`runs` reads: what the extractors find depends on the page and on these only
    #: (a cache of the runs keys on them; every other setting is :meth:`choose`'s).
    RUN_SETTINGS = (
        "recall_lines",
        "fallback_chars",
        "include_comments",
        "recall_comments",
        "include_tables",
        "justext_fallback",
        "max_date",
    )

    def runs(self, page: str) -> tuple[dict[str, Any], str | None, str, str | None]:
        """What the extractors find in ``page``, all :meth:`choose` decides from: the precision run's
        dict, the recall run's text (None: not run), the comments the recall run set apart, and jusText's
        paragraphs (None: not run). The slow part of the stage, and a function of the page and of
        :attr:`RUN_SETTINGS` (benchmarks/extract_cache.py keeps it on disk between benchmark runs)."""
        s = self.settings
        tree = parse(page)
        precise = _extract(tree, s, "precision", metadata=True)
        recalled, thread = None, ""
        if s.recall_lines or (s.fallback_chars and len(precise.get("text") or "") < s.fallback_chars):
            found = _extract(tree, s, "recall", metadata=False)
            recalled, thread = found.get("text") or "", found.get("comments") or ""
        return precise, recalled, thread, fallback_paragraphs(tree, s, precise, recalled, thread)

    def with_precise(self, precise: str, recalled: str) -> str:
        """The recall run's text whole, with what the precision run found (see :func:`restored`)."""
        s = self.settings
        return restored(
            precise, [ln for ln in recalled.split("\n") if ln.strip()], s.long_words, s.prose_words
        )

    def choose(
        self,
        page: str,
        precise: dict[str, Any],
        recalled: str | None,
        thread: str = "",
        paragraphs: str | None = None,
    ) -> StageResult:
        """The stage's result from the precision run's dict, the recall run's text (None: not run), the
        comments the recall run found (``thread``) and jusText's paragraphs (None: not run)."""
        s = self.settings
        body = precise.get("text") or ""
        short = len(body) < s.fallback_chars
        rule, reason = "trafilatura", "page furniture around the main content, removed by trafilatura"
        if recalled is not None:
            if (
                s.fallback_chars
                and len(body) < s.fallback_chars
                and len(recalled) >= s.fallback_ratio * max(1, len(body))
            ):
                # with what precision found put back: the recall run does not always hold it
                body = self.with_precise(body, recalled)
                rule = "trafilatura-fallback"
                reason += " (its recall run: the precision run left too little of the page)"
            elif short and recalled.strip() and shared_share(body, recalled) < s.elsewhere_share:
                rule = "trafilatura-elsewhere"
                body = self.with_precise(body, recalled)
                reason += (
                    " (its recall run whole, with the precision run's lines: the two runs found different"
                    " parts of the page)"
                )
            elif s.recall_lines:
                merged, added = merge(body, recalled, s.prose_words, s.long_words, s.tail_gap)
                if added:
                    body, rule = merged, "trafilatura-recall"
                    lines = f"{added} prose line{'s' * (added > 1)}"
                    reason += f" (precision run, with {lines} only its recall run kept)"
        if (
            s.thread_ratio
            and thread
            and not s.include_comments
            and word_count_upto(body, s.thread_stub_words) < s.thread_stub_words  # a stub
        ):
            whole = f"{recalled}\n{thread}".strip()
            if len(whole) >= s.thread_ratio * max(1, len(body)):
                body, rule = whole, "trafilatura-thread"
                reason = (
                    "page furniture around the main content, removed by trafilatura (its recall run with "
                    "the posts it took for comments: the body is a stub beside them, the page a thread)"
                )
        if s.include_comments and precise.get("comments"):
            body = with_comments(body, precise["comments"])
        if not body.strip() and paragraphs:  # given only where the fallback is on (fallback_paragraphs)
            body, rule = paragraphs, "justext"
            reason = "page furniture around the main content, removed by jusText (trafilatura found no text)"
        if not body.strip():
            depth = _nesting(page)
            if depth > _PARSER_DEPTH:
                raise DocumentFailure(
                    f"extract: the HTML nests {depth:,} elements deep; the HTML parser stops at "
                    f"{_PARSER_DEPTH} levels, so no content was reached"
                )
            raise DocumentFailure("extract: no main content found in the HTML")
        meta = {key: precise[src] for src, key in _META.items() if precise.get(src)}
        title = headline(
            precise.get("title") or "", precise.get("sitename") or "", precise.get("hostname") or ""
        )
        post = banner_title(page, title) if title else None
        if post is not None:  # the title was the site's banner: the post's own, or none
            meta.pop("title", None)
            meta.setdefault("source", title)  # the banner is the site's name
            title = post
        if s.include_headline and title and not body.lstrip().startswith(title):
            body = f"{title}\n\n{body}"
            meta["headline"] = title  # the line put first, so a user can tell it from the body
            if post:
                meta["title"] = post
        edit = self.edit(rule, 0, len(page), page, body, reason)
        return StageResult(edits=(edit,), metadata=meta)

    def spooled(self, result: StageResult) -> dict[str, Any]:
        """What the first pass keeps of a page's result for the second (see :meth:`carrying`): the
        edit's text, rule and reason and the metadata, not the page it replaces."""
        (edit,) = result.edits
        return {"rule": edit.rule, "reason": edit.reason, "text": edit.new, "metadata": dict(result.metadata)}

    def carrying(self, page: str, spooled: dict[str, Any]) -> Extract:
        """This stage, answering ``page`` with the result the first pass spooled instead of extracting
        it again (any other page is extracted as usual). The result is the one :meth:`apply` computes,
        so carrying it changes no byte of the output."""
        new = copy.copy(self)
        new._carried = (page_digest(page), spooled)
        return new

    @functools.cached_property
    def carry_key(self) -> str:
        """A digest of what decides this stage's results (its code, settings and trafilatura's version):
        a spooled result is carried only under the same key, so an old run's spool is never used."""
        from importlib.metadata import version

        h = hashlib.blake2b(digest_size=16)
        h.update(Path(__file__).read_bytes())
        h.update(f"{self.settings!r} {version('trafilatura')}".encode())
        return h.hexdigest()


def page_digest(page: str) -> str:
    """A digest of a page's text, to check that a carried result belongs to it."""
    return hashlib.blake2b(page.encode("utf-8", "surrogatepass"), digest_size=16).hexdigest()


# libxml2's HTML parser (under lxml, under trafilatura) gives up past this depth and keeps nothing.
_PARSER_DEPTH = 255
_TAG = regex.compile(r"<(/?)([a-zA-Z][a-zA-Z0-9]*)[^>]*?(/?)>")
_VOID = frozenset(
    [
        "area",
        "base",
        "br",
        "col",
        "embed",
        "hr",
        "img",
        "input",
        "link",
        "meta",
        "param",
        "source",
        "track",
        "wbr",
    ]
)


def _nesting(html: str) -> int:
    """The deepest element nesting of ``html``, counted from its tags: only to explain an empty parse."""
    depth = deepest = 0
    for m in _TAG.finditer(html):
        closing, name, self_closing = m.group(1), m.group(2).lower(), m.group(3)
        if name in _VOID or self_closing:
            continue
        depth = max(0, depth - 1) if closing else depth + 1
        deepest = max(deepest, depth)
    return deepest


def parse(page: str) -> Any:
    """The page as one lxml tree for every extraction run (None when libxml2 finds nothing in it).

    As trafilatura's own ``load_html`` (its repairs, its parser settings), less its check that a page
    with fewer than two top-level elements and no "html" in its first 50 characters is not HTML: the
    caller says it is, and CleanEval's pages (wrapped in ``<text ...>``) failed that check, leaving 16
    of its 341 dev pages with no text at all.
    """
    from lxml.html import fromstring
    from trafilatura.utils import HTML_PARSER, repair_faulty_html

    page = repair_faulty_html(page, page[:50].lower())
    try:
        tree = fromstring(page, parser=HTML_PARSER)
    except ValueError:  # "Unicode strings with encoding declaration are not supported"
        tree = None
    except Exception:  # libxml2 found no document at all
        return None
    if tree is None or len(tree) < 1:
        try:
            tree = fromstring(page.encode("utf-8", "surrogatepass"), parser=HTML_PARSER)
        except Exception:
            return None
    return tree


def _extract(tree: Any, s: ExtractSettings, focus: str, metadata: bool) -> dict:
    """One trafilatura run over ``tree`` with the pinned options; a dict (empty when it found nothing).

    trafilatura works on a copy of a tree it is given, so every run starts from the same parse."""
    if tree is None:
        return {}
    import trafilatura  # imported on first use: text-only runs never pay for it

    found = trafilatura.bare_extraction(
        tree,
        favor_precision=focus == "precision",
        favor_recall=focus == "recall",
        # Without comments, trafilatura first prunes every section (and list) whose id or class names
        # comments, and text a page wraps in one goes with it. With them, the recall run takes the
        # comment sections it recognises apart, into "comments" (a forum's posts into the body): its
        # text is the page less its comments, which only ExtractSettings.thread_ratio may take back.
        include_comments=s.include_comments or (focus == "recall" and s.recall_comments),
        include_tables=s.include_tables,
        include_images=False,
        include_links=False,
        include_formatting=False,
        deduplicate=False,
        with_metadata=metadata,
        date_extraction_params={"extensive_search": False, "original_date": True, "max_date": s.max_date},
    )
    return found.as_dict() if found is not None else {}


_WORD = regex.compile(r"\w+")
# A line shares this much of its word pairs with the other run's text to count as the same text.
_SHARED = 0.5


def _pairs(text: str, unigrams: bool = True) -> set[tuple[str, ...]]:
    """The word pairs of ``text`` (lower case), with its single words when ``unigrams``."""
    words = _WORD.findall(text.lower())
    pairs: set[tuple[str, ...]] = set(itertools.pairwise(words))
    if unigrams or len(words) < 2:
        pairs.update((w,) for w in words)
    return pairs


def _shared(own: set[tuple[str, ...]], known: set[tuple[str, ...]]) -> bool:
    """Does ``known`` (from :func:`_pairs`) hold at least half of a line's word pairs, ``own`` (its
    ``_pairs(line, unigrams=False)``)? A line without words is shared: it holds nothing to lose."""
    return not own or sum(p in known for p in own) >= _SHARED * len(own)


def merge(
    precise: str, recalled: str, prose_words: int = 8, long_words: int = 25, tail_gap: int = 4
) -> tuple[str, int]:
    r"""The recall run's lines that the precision run has or that are prose, with every precision line
    the recall run lacks put back after its predecessor; and how many lines only recall gave. A line
    the precision run has counts among those when it brings ``long_words`` word pairs more: a table
    or list the recall run flattened whole into one line, of which precision kept only a part. After
    the last line the precision run has, prose stops at the first line that more than ``tail_gap``
    lines of furniture part from the line before: there another block of the page begins.

    >>> merge("Body one.", "Menu\nBody one.\nA second paragraph of it, which the precision run cut.")
    ('Body one.\nA second paragraph of it, which the precision run cut.', 1)
    """
    known = _pairs(precise)
    out: list[str] = []
    added = 0
    # recall-only lines since the last line the precision run has: (index in out, furniture lines before)
    tail: list[tuple[int, int]] = []
    furniture = 0
    for line in recalled.split("\n"):
        if not line.strip():
            continue
        own = _pairs(line, unigrams=False)
        if _shared(own, known):
            out.append(line)
            # a table or list the precision run cut short, flattened by recall into one long line
            added += sum(p not in known for p in own) >= long_words
            tail, furniture = [], 0
        elif (n := word_count(line)) >= long_words or (n >= prose_words and ends_sentence(line)):
            tail.append((len(out), furniture))
            out.append(line)
            added += 1
            furniture = 0
        else:
            furniture += 1
    cut = next((at for at, before in tail if before > tail_gap), None)
    if cut is not None:  # another block of the page after the article: none of it is the article's
        added -= len(out) - cut
        del out[cut:]
    if not added:
        return precise, 0
    return restored(precise, out, long_words, prose_words), added


def restored(precise: str, out: list[str], long_words: int = 25, prose_words: int = 8) -> str:
    """The recall lines ``out`` with what the precision run found and they lack: every precision line
    put back (:func:`put_back`, the recall run does not always hold it), and each long precision line
    they hold only part of whole again (:func:`whole_again`)."""
    return whole_again(precise, put_back(precise, out).split("\n"), long_words, prose_words)


def with_comments(body: str, comments: str) -> str:
    """The body with the comments after it, less the comment lines it holds already: the recall run
    keeps in its text the comments it does not take apart, and the merge puts them in the body. Each
    body line stands for one comment line, so a line a thread says several times ("Thanks!", "Hi Tim,")
    stays as many times as the body lacks it."""
    have = Counter(" ".join(line.split()) for line in body.split("\n"))
    new = []
    for line in comments.split("\n"):
        key = " ".join(line.split())
        if have[key] > 0:
            have[key] -= 1
        else:
            new.append(line)
    return "\n".join([body, *new])


def put_back(precise: str, out: list[str]) -> str:
    """The lines ``out``, with every line of ``precise`` they lack put back after the output line holding
    the precision line before it, so nothing precision found is lost (the recall run prunes differently,
    now and then)."""
    have = _pairs("\n".join(out))
    out = list(out)
    # each output line's word pairs, computed once: the search below reads them again for every
    # precision line (a page of a few hundred lines each way spent 30 ms a page building them again)
    pairs = [_pairs(line, unigrams=False) for line in out]
    at = 0  # output index after the last precision line seen
    for line in precise.split("\n"):
        if not line.strip():
            continue
        own = _pairs(line, unigrams=False)
        if _shared(own, have):
            at = next((i + 1 for i in range(at, len(out)) if own and _shared(pairs[i], own)), at)
        else:
            out.insert(at, line)
            pairs.insert(at, own)
            at += 1
    return "\n".join(out)


def whole_again(precise: str, out: list[str], long_words: int = 25, prose_words: int = 8) -> str:
    """The lines ``out`` with each long precision line they hold only part of whole again.

    A table or a list the precision run flattened into one line, the recall run splits a row a line and
    prunes. put_back leaves the line out when the rows it kept hold half of its word pairs, and the
    pruned rows are lost: on one CleanEval page precision's single line of 2,368 words came out as
    recall's 1,404. A precision line the output lacks ``long_words`` word pairs of takes the place of the
    output lines lying within it (rows of ``prose_words`` pairs or more, nine tenths of them in the
    line), where the first of them stood. Shorter lines are left: a heading or a pull quote lies within
    a paragraph as well, and is not a piece of it."""
    have = _pairs("\n".join(out), unigrams=False)
    rows: list[set[tuple[str, ...]]] | None = None  # each output line's pairs, built when first asked for
    for line in precise.split("\n"):
        own = _pairs(line, unigrams=False)
        if sum(p not in have for p in own) < long_words:
            continue
        if rows is None:
            rows = [_pairs(row, unigrams=False) for row in out]
        parts = {
            i
            for i, mine in enumerate(rows)
            if len(mine) >= prose_words and sum(p in own for p in mine) >= 0.9 * len(mine)
        }
        if not parts:
            continue
        first = min(parts)
        keep = [i for i in range(len(out)) if i == first or i not in parts]
        out = [line if i == first else out[i] for i in keep]
        rows = [own if i == first else rows[i] for i in keep]
        have = _pairs("\n".join(out), unigrams=False)
    return "\n".join(out)


def fallback_paragraphs(
    tree: Any, settings: ExtractSettings, precise: dict[str, Any], recalled: str | None, thread: str
) -> str | None:
    """jusText's paragraphs when the fallback is on and trafilatura's runs found no text at all, else
    None (jusText is not run). Every body :meth:`Extract.choose` can make is built from these texts: when
    all are blank, it is empty."""
    texts = (precise.get("text"), precise.get("comments"), recalled, thread)
    if not settings.justext_fallback or tree is None or any(t and t.strip() for t in texts):
        return None
    return justext_paragraphs(tree)


def justext_paragraphs(tree: Any) -> str:
    """The paragraphs jusText does not class as boilerplate, one a line, from the page's parsed tree.

    jusText's own preprocessing (scripts, styles, forms and the head removed, on a copy of the tree) and
    classification, with the settings of the benchmarks' jusText runs and the union of its languages'
    stop words, as trafilatura asks it when the page's language is not known. The tree is parsed once
    for both extractors: jusText's own parser also fails on text with NULL bytes, which libxml2 took.

    Only a fallback: taking jusText's paragraphs wherever they held trafilatura's body and three times
    more lifted CleanEval by 0.003 F1 (body, extraction only), but on the other sets its further
    paragraphs were mostly reader comments trafilatura had not recognised as such, and scrapinghub fell
    0.9795 -> 0.9749 with the text stages (one page's comments, 1.00 -> 0.28).
    """
    from justext.core import (
        ParagraphMaker,
        classify_paragraphs,
        preprocessor,
        revise_paragraph_classification,
    )

    try:
        found = ParagraphMaker.make_paragraphs(preprocessor(tree))
        classify_paragraphs(found, _stop_words(), 50, 200, 0.1, 0.2, 0.2, True)
        revise_paragraph_classification(found, 200)
    except Exception:  # jusText's failure leaves trafilatura's result as it is
        return ""
    return "\n".join(p.text for p in found if not p.is_boilerplate)


@functools.cache
def _stop_words() -> frozenset[str]:
    """The union of jusText's stop-word lists, built once a process."""
    from justext import get_stoplist, get_stoplists

    return frozenset(word for language in get_stoplists() for word in get_stoplist(language))


def shared_share(precise: str, recalled: str) -> float:
    """The share of ``precise``'s word pairs that ``recalled`` holds (1.0 for a text without any)."""
    own, known = _pairs(precise, unigrams=False), _pairs(recalled)
    return sum(p in known for p in own) / len(own) if own else 1.0


_TITLE_SEP = regex.compile(r"\s+(?:[|–—·•:]{1,2}|-)\s+")
_DATE_LIKE = regex.compile(r"[\d\s./-]+")


# A site's banner: an <h1> that is one link to the site's home or to a section of it ("/", "/blog/",
# "http://example.typepad.com/seths_blog/"), not to a post's own page (a path of two parts or more).
# Bounded repeats: a page of many unclosed <h1><a ...> must not make each match scan to its end.
_BANNER = regex.compile(
    r"<h1[^>]*>\s*<a\s[^>]*?href\s*=\s*[\"']([^\"']{0,500})[\"'][^>]*>(.{0,300}?)</a>\s*</h1>",
    regex.S | regex.I,
)
_PAGE_TITLE = regex.compile(r"<title[^>]*>(.{0,1000}?)</title>", regex.S | regex.I)
_MARKUP = regex.compile(r"<[^>]+>")
# A path of one part at most, without the hyphens or digits of a post's slug ("/my-first-post").
_HOME_PATH = regex.compile(r"(?:[a-z]+:)?(?://[^/]+)?/?(?:[^/.?#\d-]{1,30}/?)?", regex.I)
# Separators between a <title>'s parts: at the start or end of what is left once the banner's name is
# taken off ("Seth's Blog: The post", "The post « Rand's Blog", "» The post :zenhabits").
_SEPS = "|–—·•:»«-"
_LEAD_SEP = regex.compile(rf"\s*[{_SEPS}]{{1,2}}")
_TRAIL_SEP = regex.compile(rf"[{_SEPS}]{{1,2}}\s*$")
_EDGE_SEPS = regex.compile(rf"^[\s{_SEPS}]+|[\s{_SEPS}]+$")
# What parts a <title> further ("Blog Archive » The post"); a post's title may hold ":" and " - ".
_STRONG_SEP = regex.compile(r"\s+[|»«·•]\s+")


def banner_title(page: str, title: str) -> str | None:
    """The post's title when ``title`` (trafilatura's) is the site's banner instead, or None.

    On many blogs the only <h1> is the site's name linking home ("<h1><a href="/blog">Rand's Blog</a>
    </h1>"), and trafilatura takes it for the title, so every post was headed "Rand's Blog". The page's
    <title> then carries both: "The Dangerous Hubris of the Startup World « Rand's Blog", "Seth's Blog:
    The false choice of mediocrity". The post's title is the <title> less the banner's name at either
    end; "" (no headline) when the <title> is nothing else."""

    def text(fragment: str) -> str:
        return " ".join(html.unescape(_MARKUP.sub(" ", fragment)).split())

    name = title.casefold()
    for m in _BANNER.finditer(page):
        if text(m.group(2)).casefold() == name and _HOME_PATH.fullmatch(html.unescape(m.group(1))):
            break
    else:
        return None
    found = _PAGE_TITLE.search(page)
    full = text(found.group(1)) if found else ""
    if full.casefold().startswith(name) and _LEAD_SEP.match(full[len(name) :]):
        parts = _STRONG_SEP.split(_EDGE_SEPS.sub("", full[len(name) :]))
        return parts[-1]  # "Site » Blog Archive » The post": the part farthest from the name
    if full.casefold().endswith(name) and _TRAIL_SEP.search(full[: len(full) - len(name)]):
        return _STRONG_SEP.split(_EDGE_SEPS.sub("", full[: len(full) - len(name)]))[0]
    return ""  # the <title> is the banner's name too, or holds it mid-way: no post title to take


def headline(title: str, sitename: str, hostname: str) -> str:
    """The page title without the site name or date a ``<title>`` tends to carry.

    "La perte des terres | DW | 23.05.2011" → "La perte des terres". Only segments that are the site's
    name, part of its host name, or a bare date go; a title that is nothing but those stays as it is.
    """
    parts = _TITLE_SEP.split(title.strip())
    site = {s.casefold() for s in (sitename, hostname) if s}
    host = hostname.casefold()

    def furniture(part: str) -> bool:
        p = part.casefold().strip()
        return p in site or (len(p) > 1 and p.replace(" ", "") in host) or _DATE_LIKE.fullmatch(p) is not None

    kept = [p for p in parts if not furniture(p)]
    if not kept or len(kept) == len(parts):
        return title.strip()
    # The separators inside the kept run are the title's own ("Trump – the interview").
    first, last = parts.index(kept[0]), len(parts) - 1 - parts[::-1].index(kept[-1])
    seps = _TITLE_SEP.findall(title.strip())
    out = parts[first]
    for i in range(first + 1, last + 1):
        out += seps[i - 1] + parts[i]
    return out
