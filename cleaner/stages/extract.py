"""``extract``: pull the main content out of an HTML page with trafilatura (HTML inputs only).

The headline comes first when trafilatura finds a title the body does not already start with; date,
byline, site name, URL and description go to the document record. Options are pinned here, not left to
trafilatura's defaults, so an upgrade cannot silently change outputs:

- ``deduplicate=False``: trafilatura's deduplication keeps a process-wide cache of paragraphs it has
  seen, which makes a document's output depend on the documents cleaned before it (and on the worker).
- ``include_comments=False``: reader comments are not the article.
- date extraction gets a fixed ``max_date``: htmldate's default is *today*, so a page's date (and so
  the record) would depend on the day it is cleaned.
"""

from __future__ import annotations

from dataclasses import dataclass

import regex

from cleaner.document import Document, DocumentFailure, StageResult
from cleaner.stage import Stage, register

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
    # favor_precision prunes link-dense blocks (teaser lists, widgets) the text stages cannot see once the
    # links are gone; but now and then it prunes the article itself. So: precision first, and when that
    # leaves less than `fallback_chars`, a second extraction without it, taken when it is at least
    # `fallback_ratio` times longer (the bench's pages where precision lost the article: 4-30% left).
    favor_precision: bool = True
    favor_recall: bool = False
    fallback_chars: int = 1500  # 0 = never re-extract
    fallback_ratio: float = 2.0
    include_tables: bool = True  # tables in news bodies are usually content (results, figures)
    include_headline: bool = True
    max_date: str = "2100-01-01"


@register
class Extract(Stage):
    """Main-content extraction from HTML; one edit replaces the page by its article text."""

    name = "extract"
    rank = 0
    text_stage = False
    Settings = ExtractSettings
    description = "HTML main content via trafilatura (HTML inputs only)"

    def apply(self, doc: Document) -> StageResult:
        if not doc.html:
            return StageResult()
        import trafilatura  # imported on first use: text-only runs never pay for it

        s = self.settings
        found = _extract(trafilatura, doc.text, s, s.favor_precision)
        body = found.get("text") or ""
        rule, reason = "trafilatura", "page furniture around the main content, removed by trafilatura"
        if s.favor_precision and len(body) < s.fallback_chars:
            second = _extract(trafilatura, doc.text, s, False)
            if len(second.get("text") or "") >= s.fallback_ratio * max(1, len(body)):
                found, body = second, second.get("text") or ""
                rule = "trafilatura-fallback"
                reason += " (without favor_precision: with it, too little of the page was left)"
        if not body.strip():
            depth = _nesting(doc.text)
            if depth > _PARSER_DEPTH:
                raise DocumentFailure(
                    f"extract: the HTML nests {depth:,} elements deep; the HTML parser stops at "
                    f"{_PARSER_DEPTH} levels, so no content was reached"
                )
            raise DocumentFailure("extract: no main content found in the HTML")
        meta = {key: found[src] for src, key in _META.items() if found.get(src)}
        title = headline(found.get("title") or "", found.get("sitename") or "", found.get("hostname") or "")
        if s.include_headline and title and not body.lstrip().startswith(title):
            body = f"{title}\n\n{body}"
            meta["headline"] = title  # the line put first, so a user can tell it from the body
        edit = self.edit(rule, 0, len(doc.text), doc.text, body, reason)
        return StageResult(edits=(edit,), metadata=meta)


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


def _extract(trafilatura, html: str, s: ExtractSettings, precision: bool) -> dict:
    """One trafilatura run with the pinned options; a dict (empty when it found nothing)."""
    found = trafilatura.bare_extraction(
        html,
        favor_precision=precision,
        favor_recall=s.favor_recall,
        include_comments=False,
        include_tables=s.include_tables,
        include_images=False,
        include_links=False,
        include_formatting=False,
        deduplicate=False,
        with_metadata=True,
        date_extraction_params={"extensive_search": False, "original_date": True, "max_date": s.max_date},
    )
    return found.as_dict() if found is not None else {}


_TITLE_SEP = regex.compile(r"\s+(?:[|–—·•:]{1,2}|-)\s+")
_DATE_LIKE = regex.compile(r"[\d\s./-]+")


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
