"""Quality benchmark: the cleaner next to doing nothing, trafilatura and jusText, on the dev benchmark.

Run from the repository root:

    python -m benchmarks.quality                                # four datasets, text + HTML + gold, dev split
    python -m benchmarks.quality --dataset scrapinghub --mode text --limit 5   # a quick look
    python -m benchmarks.quality --json quality.json            # also write the numbers, per-doc counts too
    python -m benchmarks.quality --rules rules --rules my.toml  # score another rule set
    python -m benchmarks.quality --dataset dragnet --settings keep-comments  # with a preset
    python -m benchmarks.quality --mode html --tool cleaner     # the cleaner alone: the quick loop
    python -m benchmarks.quality --mode html --tool cleaner --cache-dir /tmp/xc  # quicker still, run again
    python -m benchmarks.quality --bench /elsewhere/bench       # default: ../shared/bench from the repo root

What runs, on the same documents of ``<bench>/splits/<dataset>.<split>.txt`` in the same process
(datasets: scrapinghub, trafilatura_eval, cleaneval, dragnet):

- text mode (input ``html/<id>.txt``, the naive full-page text): ``cleaner``
  (``Cleaner().clean(text).text``), ``cleaner_body`` (the same output without the headline the cleaner
  puts first: the gold texts leave titles out), ``identity`` (the naive text as is, doing nothing: the
  floor to beat) and ``text_minwords8`` (score.py's trivial baseline: keep the lines of more than 8 words);
  on a set whose gold keeps readers' comments (dragnet), every tool also as ``<tool>_vs_article``: the same
  output scored against the gold's article part alone, comments cut as the contract cuts them (in HTML
  mode too, so the cleaner and the anchors are compared on the gold the contract asks for);
- HTML mode (input the page ``html/<id>.html``): ``cleaner`` and ``cleaner_body`` (``html=True``, the
  page decoded as score.py's ``read_input`` decodes it), and the anchors: trafilatura with score.py's
  ``trafilatura_default``, ``trafilatura_std`` and ``trafilatura_precision`` settings, and jusText
  (``justext_en``, or ``justext_multi`` on trafilatura_eval, whose pages are mostly German: each
  benchmark's own protocol), fed exactly as score.py feeds them (bytes or str per dataset);
- gold mode: the human-made gold article body of each page (scrapinghub, cleaneval, dragnet; the
  trafilatura_eval gold is snippets, not bodies) cleaned as text. Nothing in it is page furniture by the
  benchmark's judgement, so every word the cleaner removes is counted against it: the share of words
  kept, the pages kept whole, and the rules that removed words (the issue's bar: 99.5% kept per set).
  Words a rule moves to the record (a date, a byline) are counted as removed, and shown apart.
  Where the gold keeps readers' comments, the words lost from them are counted apart (by aligning each
  body's words with the output's), with the words the comment-section rules removed.

Under the table, how often the cleaner found the headline: on the pages whose gold starts with a
heading-like line (3 to 25 words, no closing stop, no digit) that is also a line of the page's text (dragnet's
gold puts the title first; the other sets' gold bodies mostly start with a paragraph), the cleaner's
headline (:func:`cleaner_headline`) is that line, another one,
or none.

``cleaner`` and ``cleaner_body`` are two scores of one cleaning call per document: nothing is cleaned
twice in a run. Every F1 comes from the bench's own ``score.py`` (imported from the bench directory, not
copied): the shingle metric for scrapinghub, cleaneval and dragnet, the snippet metric for
trafilatura_eval. docs/s is documents per second of the cleaning / extraction call alone (reading and
decoding the input are not timed). Nothing is cached across runs.

The bench lives outside the repository and may be absent (a fresh clone, CI): then this prints why on
stderr and exits 0, so nothing depends on it. Tune on the dev split only; the held-out half is for
evaluating the project.
"""

from __future__ import annotations

import argparse
import difflib
import gc
import importlib.util
import json
import logging
import re
import sys
import time
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager, suppress
from functools import partial
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from types import ModuleType
from typing import Any

import regex

from cleaner import Cleaner, CleanResult, RuleError
from cleaner.rules import load_rules

REPO = Path(__file__).resolve().parent.parent
DEFAULT_BENCH = REPO.parent / "shared" / "bench"
DEFAULT_DATASETS = ("scrapinghub", "trafilatura_eval", "cleaneval", "dragnet")
MODES = ("text", "html", "gold")
# Reference rows per mode. trafilatura and jusText only read HTML; "identity" only makes sense on the
# naive text. "cleaner" stands for two rows, "cleaner" and "cleaner_body", scored from one call.
TOOLS_BY_MODE = {
    "text": ("cleaner", "identity", "text_minwords8"),
    "html": ("cleaner", "trafilatura_default", "trafilatura_std", "trafilatura_precision", "justext"),
}
# jusText's stoplist per dataset, as each benchmark's protocol runs it: the union of all languages on
# trafilatura_eval (70% German), English on the others.
JUSTEXT = {"trafilatura_eval": "justext_multi"}
JUSTEXT_DEFAULT = "justext_en"
# Rules whose removals from a gold body are listed, most words first.
TOP_RULES = 6
# Dragnet's gold files hold the article, then this line, then the readers' comments (the Dragnet
# corpus's own convention). DESIGN.md cuts comment sections appended after the article, so gold mode
# counts the words lost past this line apart (the part of the 99.5% bar the contract itself gives up),
# and the cleaner is also scored against the article part alone (``cleaner_vs_article``).
COMMENTS_MARKER = "!@#$%^&*() COMMENTS"
# The marker as the gold files write it: a few were typed by hand ("!@ $%^&*() COMMENTS", "!#@$%^&*()
# COMMENTS", "@#$%^&*() COMMENTS"), and split on the exact string their comments counted as article.
_MARKER = regex.compile(r"^[!@#$%^&*() ]{5,16}COMMENTS$", regex.M)


def comments_at(body: str) -> int:
    """Where the readers' comments of a gold body start (its :data:`COMMENTS_MARKER` line), or -1."""
    found = _MARKER.search(body)
    return found.start() if found else -1


def article_part(body: str) -> str:
    """A gold body without the readers' comments after its marker line (all of it without one)."""
    at = comments_at(body)
    return body if at < 0 else body[:at]


SKIP_MESSAGE = "skipping the quality benchmark"
# The document score.py warms every tool up with, so lazy imports (trafilatura in the extract stage)
# and first-call caches are not charged to the first timed document.
WARM_UP = "<html><body><p>warm up text</p></body></html>"
COLUMNS = ("dataset", "mode", "tool", "precision", "recall", "F1", "docs/s")


def load_score(bench: Path) -> ModuleType:
    """Import the bench's score.py by path: its metrics and tools are the reference, never re-implemented."""
    spec = importlib.util.spec_from_file_location("_bench_score", bench / "score.py")
    if spec is None or spec.loader is None:
        raise ImportError(f"cannot import {bench / 'score.py'}")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def bench_score(bench: Path, skipping: str = SKIP_MESSAGE) -> ModuleType | None:
    """The bench's score.py, or None after saying on stderr why the benchmark is skipped (``skipping``).

    The bench is optional development data outside the repository (absent in a fresh clone and in CI):
    its absence is not an error, so every benchmark over it exits 0 then."""
    bench = bench.resolve()
    if (bench / "score.py").is_file():
        return load_score(bench)
    what = "has no score.py" if bench.is_dir() else "not found"
    print(f"{skipping}: bench directory {bench} {what}", file=sys.stderr)
    return None


def bench_plan(
    ap: argparse.ArgumentParser,
    score: ModuleType,
    bench: Path,
    datasets: Sequence[str],
    split: str = "dev",
    limit: int | None = None,
) -> list[tuple[str, dict, list[str]]]:
    """(dataset, gold, ids) for each of ``datasets`` (in order, repeats dropped): the ids of
    ``<bench>/splits/<dataset>.<split>.txt``, the first ``limit`` of them. An unknown dataset or a missing
    split file is a usage error (``ap.error``), before anything is cleaned."""
    plan = []
    for dataset in dict.fromkeys(datasets):
        if dataset not in score.DATASETS:
            ap.error(f"unknown dataset {dataset!r}; score.py knows {', '.join(score.DATASETS)}")
        path = bench / "splits" / f"{dataset}.{split}.txt"
        if not path.is_file():
            ap.error(f"no split file {path}")
        gold = score.load_gold(dataset)
        plan.append((dataset, gold, score.load_ids(str(path), gold)[:limit]))
    return plan


@contextmanager
def quiet_logging() -> Iterator[None]:
    """Silence library logging (trafilatura warns on most pages) as score.py does, then restore it."""
    previous = logging.root.manager.disable
    logging.disable(logging.CRITICAL)
    try:
        yield
    finally:
        logging.disable(previous)


def tools_for(score: ModuleType, cleaner: Cleaner, dataset: str, mode: str, only: Sequence[str] = ()):
    """(name, function, input type) per tool (those of ``only``, when given); a function takes one document
    and returns text or a result.

    The cleaner always gets str (decoded like score.py's ``read_input``); score.py's tools get the
    input type of the dataset's protocol, as ``score.py run --tool`` would give them.
    """
    html = mode == "html"
    protocol_type = score.DATASETS[dataset][2] if html else "str"
    out: list[tuple[str, Callable[[Any], Any], str]] = []
    for name in TOOLS_BY_MODE[mode]:
        if only and name not in only:
            continue
        if name == "cleaner":
            # functools.partial adds no Python frame: the timer measures Cleaner.clean and nothing else.
            out.append((name, partial(cleaner.clean, html=html), "str"))
        else:
            if name == "justext":
                name = JUSTEXT.get(dataset, JUSTEXT_DEFAULT)
            out.append((name, score.TOOLS[name][0](), protocol_type))
    return out


def cleaner_headline(result: CleanResult) -> str | None:
    """The headline the cleaner found: ``metadata["headline"]`` in HTML mode (from the page) and
    ``metadata["title"]`` in text mode (the line ``mainblock`` kept above the article)."""
    return result.metadata.get("headline") or result.metadata.get("title")


def body_only(result: CleanResult) -> str:
    """The cleaner's output without the headline it puts first (:func:`cleaner_headline`).

    The benchmarks' gold texts are article bodies without titles, so the headline DESIGN.md asks for
    costs precision against them; this row shows what the body cleaning alone scores.
    """
    head = cleaner_headline(result)
    if head and result.text.startswith(head + "\n\n"):
        return result.text[len(head) + 2 :]
    return result.text


def gold_headline(body: str, page_text: str) -> str | None:
    """The gold body's first line when it reads as the page's headline: 3 to 25 words, no closing stop,
    no digit, and a line of the page's text as it stands (white space collapsed). None when the gold
    starts with a paragraph, as most gold bodies without titles do, or with a line the page lacks."""
    first = " ".join(next((ln for ln in body.splitlines() if ln.strip()), "").split())
    if not 3 <= len(first.split()) <= 25 or first.endswith((".", ":")) or any(c.isdigit() for c in first):
        return None  # a digit: too often a dateline or byline ("Monday, November 12, 2012, by ...")
    return first if first in {" ".join(ln.split()) for ln in page_text.splitlines()} else None


def headline_outcome(result: CleanResult, expected: str) -> str:
    """``found``, ``other`` (another line was taken for the headline) or ``none``."""
    head = cleaner_headline(result)
    if not head:
        return "none"
    return "found" if " ".join(head.split()) == expected else "other"


def headline_lines(results: list[dict]) -> list[str]:
    """One line per cleaner row that measured headlines (see the module docstring)."""
    out = []
    for r in results:
        h = r.get("headline")
        if h and h["pages"]:
            out.append(
                f"- {r['dataset']}/{r['mode']}: headline found on {h['found']} of {h['pages']} pages "
                f"whose gold starts with one ({h['other']} another line, {h['none']} none)"
            )
    return out


def run_tool(
    score: ModuleType,
    dataset: str,
    mode: str,
    name: str,
    fn: Callable[[Any], Any],
    input_type: str,
    ids: list[str],
    gold: dict,
) -> list[dict]:
    """Run one tool over ``ids`` and score it with score.py's metric for ``dataset``: one row, or two for
    the cleaner (``cleaner`` and ``cleaner_body``, both from the same call)."""
    metric = score.DATASETS[dataset][1]
    with suppress(Exception):  # untimed warm-up, as in score.py
        fn(WARM_UP.encode() if input_type == "bytes" else WARM_UP)
    names = (name, f"{name}_body") if name == "cleaner" else (name,)
    # Where the gold keeps readers' comments, every tool is also scored against the article part alone:
    # what the contract asks of the cleaner (comment sections cut) rather than what the annotators kept,
    # and the anchors on the same gold, so the two can be compared.
    against_article = metric == "shingle" and any(
        comments_at(gold[doc_id]["articleBody"]) >= 0 for doc_id in ids
    )
    if against_article:
        names += (f"{name}_vs_article",)
    per_doc: dict[str, list[dict]] = {n: [] for n in names}
    headlines: Counter[str] = Counter()
    statuses: Counter[str] = Counter()
    errors = 0
    first_error = None
    total = 0.0
    # Collect the previous tool's garbage now rather than in the middle of this tool's timings.
    gc.collect()
    for doc_id in ids:
        doc = score.read_input(dataset, doc_id, mode, input_type)
        status = None
        t0 = time.perf_counter()
        try:
            out = fn(doc)
        except Exception as exc:  # a crash is a full miss for this document, as in score.py
            out = None
            errors += 1
            first_error = first_error or f"{doc_id}: {type(exc).__name__}: {str(exc)[:200]}"
        elapsed = time.perf_counter() - t0
        total += elapsed
        outputs = dict.fromkeys(names, out)
        if isinstance(out, CleanResult):
            # A failed or dropped document comes back as "" (never an exception): count it, score "".
            status = out.status
            statuses[status] += 1
            if out.error and status == "failed":
                first_error = first_error or f"{doc_id}: {out.error[:200]}"
            outputs = {name: out.text, f"{name}_body": body_only(out)}
            if metric == "shingle":
                page_text = doc if mode == "text" else score.read_input(dataset, doc_id, "text", "str")
                expected = gold_headline(gold[doc_id]["articleBody"], page_text)
                if expected:
                    headlines["pages"] += 1
                    headlines[headline_outcome(out, expected)] += 1
            if against_article:
                outputs[f"{name}_vs_article"] = out.text
        for row_name, text in outputs.items():
            if text is not None and not isinstance(text, str):
                text = str(text)
            if metric == "snippet":
                counts = score.snippet_counts(gold[doc_id], text)
            else:
                true = gold[doc_id]["articleBody"]
                if row_name.endswith("_vs_article"):
                    true = article_part(true)
                counts = score.shingle_counts(true, text)
            row = {"id": doc_id, "time": round(elapsed, 5), "out_chars": len(text or ""), "counts": counts}
            if status is not None:
                row["status"] = status
            per_doc[row_name].append(row)
    results = []
    for row_name, docs in per_doc.items():
        rows = [r["counts"] for r in docs]
        scores = set_scores(score, metric, rows)
        results.append(
            {
                "dataset": dataset,
                "mode": mode,
                "tool": row_name,
                "metric": metric,
                "n_docs": len(ids),
                "precision": scores["precision"],
                "recall": scores["recall"],
                "f1": scores["f1"],
                "scores": scores,
                "time_total_s": total,
                "docs_per_s": len(ids) / total if total > 0 else None,
                "errors": errors,
                "first_error": first_error,
                "empty_outputs": sum(1 for r in docs if r["out_chars"] == 0),
                "statuses": dict(statuses),
                "per_doc": docs,
            }
        )
        if row_name == name and headlines:
            results[-1]["headline"] = {k: headlines[k] for k in ("pages", "found", "other", "none")}
    return results


def set_scores(score: ModuleType, metric: str, counts: list) -> dict:
    """score.py's precision, recall and F1 of a set from its pages' ``counts``, by the set's ``metric``:
    snippets summed over the pages, shingles' precision and recall averaged per page."""
    return score.snippet_scores(counts) if metric == "snippet" else score.shingle_scores(counts)


_WORD = regex.compile(r"\w+")


def words(text: str) -> Counter[str]:
    """The words of a text as score.py counts them (``\\w+`` tokens), as a multiset."""
    return Counter(_WORD.findall(text or ""))


_CONTROLS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def comment_rule(rule_id: str, source: str) -> bool:
    """Is this one of the rules that cut comment sections (rules/comments.toml, ``comment-*`` boundaries)?"""
    return rule_id.startswith("comment-") or Path(source.rpartition(":")[0]).name == "comments.toml"


def lost_in_comments(body: str, text: str) -> tuple[int, int]:
    """The words of a gold body's comment part (after :data:`COMMENTS_MARKER`), and how many of them the
    output lost, by a word-level alignment of the body with the output (0, 0 without the marker).

    Where a word went is read from the alignment, not from the rules, because ``mainblock`` also takes
    comment threads that no comment rule recognised.
    """
    at = comments_at(body)
    if at < 0:
        return 0, 0
    before = _WORD.findall(body[:at])
    source, output = before + _WORD.findall(body[at:]), _WORD.findall(text)
    matcher = difflib.SequenceMatcher(None, source, output, autojunk=False)
    kept = sum(
        max(0, min(a + n, len(source)) - max(a, len(before))) for a, _b, n in matcher.get_matching_blocks()
    )
    comment_words = len(source) - len(before)
    return comment_words, comment_words - kept


def run_gold(cleaner: Cleaner, dataset: str, ids: list[str], gold: dict) -> dict:
    """Clean each page's gold article body as text and count the words that do not come out.

    A word is kept when the output still holds it (multisets, so a word removed once of three times
    counts once). Each edit is charged the words it took out (old text minus new), a repair that rewrote
    words under its rule id with " (rewritten)"; a rule with ``metadata`` moved what it took to the
    record rather than dropping it, and ``to_record`` says how many words.
    """
    recorded = {r.id for stage in cleaner.stages for r in stage.rules if r.param("metadata")}
    comment_rules = {r.id for stage in cleaner.stages for r in stage.rules if comment_rule(r.id, r.source)}
    total = kept = whole = docs = 0
    comment_words = comment_lost = comment_docs = by_comment_rules = 0
    by_rule: Counter[str] = Counter()
    to_record: Counter[str] = Counter()
    for doc_id in ids:
        body = gold[doc_id].get("articleBody") or ""
        # what a reader of the gold sees: a few dragnet bodies are UTF-16 read as bytes, a NUL between
        # every two characters, so \w+ counts each letter as a word and the unicode stage's removal of
        # the NULs would show as the loss of all of them
        before = words(_CONTROLS.sub("", body))
        if not before:
            continue
        docs += 1
        result = cleaner.clean(body)
        after = words(result.text)
        n_before, n_kept = sum(before.values()), sum((before & after).values())
        total, kept, whole = total + n_before, kept + n_kept, whole + (n_kept == n_before)
        in_comments, lost = lost_in_comments(_CONTROLS.sub("", body), result.text)
        comment_words, comment_lost, comment_docs = (
            comment_words + in_comments,
            comment_lost + lost,
            comment_docs + bool(in_comments),
        )
        for e in result.edits:
            lost = sum((words(_CONTROLS.sub("", e.old)) - words(e.new)).values())
            if lost:
                # A repair that rewrites a word (mojibake, a split name) is not a removal: shown apart.
                key = f"{e.stage}/{e.rule}" + ("" if not e.new.strip() else " (rewritten)")
                by_rule[key] += lost
                by_comment_rules += lost if e.rule in comment_rules else 0
                if e.rule in recorded:
                    to_record[key] += lost
    return {
        "dataset": dataset,
        "mode": "gold",
        "n_docs": docs,
        "words": total,
        "kept": kept,
        "kept_share": kept / total if total else None,
        "whole_docs": whole,
        "removed_by_rule": dict(by_rule.most_common()),
        "to_record_by_rule": dict(to_record.most_common()),
        "to_record": sum(to_record.values()),
        # the readers' comments some gold bodies keep (dragnet's), which the contract cuts
        "comment_docs": comment_docs,
        "comment_words": comment_words,
        "comment_lost": comment_lost,
        "removed_by_comment_rules": by_comment_rules,
    }


def gold_table(results: list[dict]) -> str:
    lines = [
        "| dataset | gold bodies | words | kept | kept or in the record | pages whole "
        "| rules that removed words (words) |",
        "|---|---|---|---|---|---|---|",
    ]
    for r in results:
        top = ", ".join(f"{k} {v}" for k, v in list(r["removed_by_rule"].items())[:TOP_RULES])
        share = f"{100 * r['kept_share']:.2f}%"
        with_record = f"{100 * (r['kept'] + r['to_record']) / r['words']:.2f}%"
        cells = (r["dataset"], str(r["n_docs"]), str(r["words"]), share, with_record)
        lines.append("| " + " | ".join((*cells, f"{r['whole_docs']}/{r['n_docs']}", top or "-")) + " |")
    return "\n".join(lines)


def comment_lines(results: list[dict]) -> list[str]:
    """One line per set whose gold bodies keep readers' comments: how many of the lost words were in
    them, and what the article parts alone kept (the bar the contract can be held to)."""
    out = []
    for r in results:
        if not r["comment_docs"]:
            continue
        lost = r["words"] - r["kept"]
        article_words = r["words"] - r["comment_words"]
        article_lost = lost - r["comment_lost"]
        out.append(
            f"- {r['dataset']}: {r['comment_docs']} of {r['n_docs']} gold bodies keep readers' comments "
            f"({r['comment_words']} words, {100 * r['comment_words'] / r['words']:.1f}% of all); of the "
            f"{lost} words lost, {r['comment_lost']} were in the comments and {article_lost} in the "
            f"articles, which alone keep {100 * (article_words - article_lost) / article_words:.2f}%. "
            f"By rule: comment-section rules removed {r['removed_by_comment_rules']} words, the others "
            f"{sum(r['removed_by_rule'].values()) - r['removed_by_comment_rules']}."
        )
    return out


def markdown_table(results: list[dict]) -> str:
    lines = ["| " + " | ".join(COLUMNS) + " |", "|" + "---|" * len(COLUMNS)]
    for r in results:
        dps = "-" if not r["docs_per_s"] else f"{r['docs_per_s']:.{0 if r['docs_per_s'] >= 100 else 1}f}"
        cells = (r["dataset"], r["mode"], r["tool"], f"{r['precision']:.3f}", f"{r['recall']:.3f}")
        lines.append("| " + " | ".join((*cells, f"{r['f1']:.3f}", dps)) + " |")
    return "\n".join(lines)


def notes(results: list[dict]) -> list[str]:
    """One line per row whose numbers hide something: crashes, failed/dropped documents, empty outputs."""
    out = []
    for r in results:
        parts = []
        if r["errors"]:
            parts.append(f"{r['errors']} crashed")
        parts += [f"{n} {s}" for s, n in sorted(r["statuses"].items()) if s in ("failed", "dropped")]
        if r["empty_outputs"]:
            parts.append(f"{r['empty_outputs']} empty outputs")
        if parts:
            first = f"; first error: {r['first_error']}" if r["first_error"] else ""
            out.append(f"- {r['dataset']}/{r['mode']}/{r['tool']}: {', '.join(parts)}{first}")
    return out


def package_versions() -> dict:
    """The versions of cleaner and of the extractors a run's figures depend on, as installed."""
    found = {}
    for package in ("cleaner", "trafilatura", "justext", "lxml"):
        with suppress(PackageNotFoundError):
            found[package] = version(package)
    return found


def bench_parser(prog: str, doc: str | None) -> argparse.ArgumentParser:
    """The options every benchmark over the bench takes: ``--bench`` and ``--limit``."""
    ap = argparse.ArgumentParser(
        prog=prog, description=doc, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument(
        "--bench", type=Path, default=DEFAULT_BENCH, help="bench directory (default: %(default)s)"
    )
    ap.add_argument("--limit", type=int, help="only the first N documents of each split (quick run)")
    return ap


def build_parser() -> argparse.ArgumentParser:
    ap = bench_parser("python -m benchmarks.quality", __doc__)
    ap.add_argument(
        "--dataset",
        action="append",
        help=f"repeatable; default: {', '.join(DEFAULT_DATASETS)}",
    )
    ap.add_argument(
        "--mode",
        choices=(*MODES, "all"),
        default="all",
        help="text, html or gold (the gold bodies cleaned as text); default: all three",
    )
    ap.add_argument("--split", default="dev", help="ids from splits/<dataset>.<split>.txt (default: dev)")
    ap.add_argument(
        "--json", type=Path, help="also write the numbers, with per-document counts, to this file"
    )
    ap.add_argument("--rules", action="append", help="rules directory or file for Cleaner(...); repeatable")
    ap.add_argument(
        "--settings",
        action="append",
        help="a settings file or a bundled preset (keep-comments), as clean --settings takes; repeatable",
    )
    ap.add_argument(
        "--cache-dir",
        type=Path,
        help="keep the extract stage's trafilatura and jusText runs in this directory and read them back "
        "on the next run over the same pages (HTML mode: the quick loop while tuning what comes after "
        "them; see benchmarks/extract_cache.py)",
    )
    tools = sorted({name for names in TOOLS_BY_MODE.values() for name in names})
    ap.add_argument(
        "--tool",
        action="append",
        choices=tools,
        help="repeatable; only these rows (the cleaner alone is the quick loop while tuning); default: all",
    )
    return ap


def main(argv: list[str] | None = None) -> int:
    ap = build_parser()
    args = ap.parse_args(argv)
    if args.limit is not None and args.limit < 1:
        ap.error("--limit must be at least 1")
    bench: Path = args.bench.resolve()
    score = bench_score(bench)
    if score is None:
        return 0
    modes = list(MODES) if args.mode == "all" else [args.mode]
    plan = bench_plan(ap, score, bench, args.dataset or DEFAULT_DATASETS, args.split, args.limit)

    try:
        cleaner = Cleaner(load_rules(args.rules, settings=args.settings or ()))  # built once, untimed
    except RuleError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    if args.cache_dir:
        from benchmarks.extract_cache import with_cache  # it builds on this module

        cleaner = with_cache(cleaner, args.cache_dir)

    results, gold_results = [], []
    with quiet_logging():
        for dataset, gold, ids in plan:
            for mode in modes:
                if mode == "gold":
                    if score.DATASETS[dataset][1] == "shingle":  # the snippet gold has no bodies
                        gold_results.append(run_gold(cleaner, dataset, ids, gold))
                    continue
                for name, fn, input_type in tools_for(score, cleaner, dataset, mode, args.tool or ()):
                    rows = run_tool(score, dataset, mode, name, fn, input_type, ids, gold)
                    # Progress on stderr: a full run takes minutes and stdout is kept for the table.
                    print(
                        f"{dataset}/{mode}/{name}: {rows[0]['n_docs']} docs, F1 {rows[0]['f1']:.3f}, "
                        f"{rows[0]['time_total_s']:.1f} s",
                        file=sys.stderr,
                        flush=True,
                    )
                    results.extend(rows)

    if results:
        print(markdown_table(results))
    extra = headline_lines(results)
    if extra:
        print("\n" + "\n".join(extra))
    extra = notes(results)
    if extra:
        print("\n" + "\n".join(extra))
    if gold_results:
        print("\nGold article bodies cleaned as text (every removed word is article text):\n")
        print(gold_table(gold_results))
        extra = comment_lines(gold_results)
        if extra:
            print("\n" + "\n".join(extra))
    if args.json:
        payload = {
            "bench": str(bench),
            "split": args.split,
            "limit": args.limit,
            "rules": args.rules,
            "settings": args.settings,
            "versions": package_versions(),
            "results": results,
            "gold": gold_results,
        }
        args.json.write_text(json.dumps(payload, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
