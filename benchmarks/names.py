"""Names benchmark: recall and precision on injected misspellings, false repairs of clean text, the cost.

    python -m benchmarks.names                     # all four dev sets, seed 0
    python -m benchmarks.names --limit 100 --no-cost --seed 1

The texts are the human-made gold bodies of the four ``<bench>`` dev sets (``splits/*.dev.txt``):
``articleBody`` of scrapinghub, cleaneval and dragnet, and for trafilatura_eval (whose gold is a list
of snippets) its "with" snippets, one per paragraph. Only plainly English ones are kept (the stage's
own test). They are clean, so:

1. False repairs: every word the ``names`` stage changes in them is wrong. Counted per 100 articles,
   for single documents (no corpus statistics) and for the corpus (statistics over all of them).
2. Injected misspellings: in a share of the documents (``--share``), one capitalised word that stands
   mid-sentence in prose (not in a Title Case heading, where every word is capitalised) and that the
   document never writes in lower case (a name, as a reader sees one) is picked at random, and one
   occurrence of it misspelled by one of the slips machine translation makes (i/y, e/a, v/w, ff/v, a
   dropped or doubled letter, an added h), chosen at random among those that apply. Nothing about
   the repair decides which name or slip is picked; the seed fixes them.
   Each injected document is cleaned alone, and with the statistics of the corpus holding all of them.
   Recall: slips put back to the name at their place; precision: the share of the stage's changes
   in the injected documents that are exactly that. Every miss is put down to a cause.
3. Cost: the ``names`` stage's own time (its applications, plus building its candidates in corpus
   mode) as a share of the pipeline's time over the bench's text inputs (``*/html/*.txt`` of
   scrapinghub and trafilatura_eval), and the once-per-process building of its word lists.

The stage runs alone on the gold bodies (nothing else to change in clean text). Skips (exit 0) when the
bench directory is absent.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import random
import sys
import time
import tomllib
from collections import Counter
from pathlib import Path

import regex

from cleaner import Cleaner, load_rules
from cleaner.namestats import NameStats
from cleaner.rules import RuleSet
from cleaner.stages.names import _derived, _title_case

REPO = Path(__file__).resolve().parent.parent
DEFAULT_BENCH = REPO.parent / "shared" / "bench"
SETS = ("scrapinghub", "trafilatura_eval", "cleaneval", "dragnet")
# The Zipf from which the breakdown of recall calls a name common: fixed, so that the breakdown's rows
# stay the same names whatever name_zipf a run sets
COMMON = 3.0
# A capitalised word of four letters or more, alone (no inner capital, hyphen or apostrophe part)
_TARGET = regex.compile(r"(?<![\p{L}\p{N}\-'’])\p{Lu}\p{Ll}{3,}(?![\p{L}\p{N}\-])")
# What stands before a word that starts a sentence or a line: then its capital says nothing
_SENTENCE_START = regex.compile(r"(?:^|[.!?:;\"“”‘’'(\[—–-]\s*|\n\s*)$")
# The slips of the issue, as (from, to) rewrites tried at every position past the first letter
_SWAPS = (("i", "y"), ("y", "i"), ("e", "a"), ("a", "e"), ("v", "w"), ("w", "v"), ("ff", "v"))


def misspell(name: str, rng: random.Random) -> str | None:
    """One machine-translation-style misspelling of ``name``, or None when none applies."""
    return rng.choice(slips(name)) if slips(name) else None


def slips(name: str) -> list[tuple[str, str]] | list[str]:
    """Every misspelling of ``name`` by the listed kinds, sorted (the random choice is then stable)."""
    return sorted({wrong for wrong, _ in kinds_of(name)})


def kinds_of(name: str) -> list[tuple[str, str]]:
    """(misspelling, kind) for every slip of the listed kinds that applies to ``name``."""
    out = []
    for a, b in _SWAPS:
        for m in regex.finditer(regex.escape(a), name, pos=1, overlapped=False):
            out.append((name[: m.start()] + b + name[m.end() :], f"{a}/{b}"))
    for i in range(1, len(name)):
        out.append((name[:i] + name[i + 1 :], "dropped letter"))
        out.append((name[: i + 1] + name[i] + name[i + 1 :], "doubled letter"))
    if name[1] != "h":
        out.append((name[0] + "h" + name[1:], "added h"))
    return sorted({(w, k) for w, k in out if w != name and len(w) >= 3})


def english(text: str) -> bool:
    """The stage's own test of a plainly English document."""
    from cleaner.stages.language import plainly_english, sample_words

    return plainly_english(sample_words(text, 3000), 0.25)


def load_bodies(bench: Path) -> list[tuple[str, str]]:
    """(set/id, gold text) of the plainly English dev documents of the four sets, in a fixed order."""
    out = []
    for name in SETS:
        ids = (bench / "splits" / f"{name}.dev.txt").read_text(encoding="utf-8").split()
        if name == "trafilatura_eval":
            docs = json.loads((bench / name / "annotations.json").read_text(encoding="utf-8"))["documents"]
            texts = {i: "\n\n".join(d.get("with") or ()) for i, d in docs.items()}
        else:
            docs = json.loads((bench / name / "ground_truth.json").read_text(encoding="utf-8"))["documents"]
            texts = {i: d.get("articleBody") or "" for i, d in docs.items()}
        for i in ids:
            text = texts.get(i, "")
            if text.strip() and english(text):
                out.append((f"{name}/{i}", text))
    return out


@dataclasses.dataclass(frozen=True)
class Injection:
    doc: int  # index in the bodies
    start: int  # where the misspelling starts in the injected text
    name: str
    wrong: str
    kind: str


def inject(bodies: list[str], rng: random.Random, share: float) -> tuple[list[str], list[Injection]]:
    """The bodies with one misspelled name in about ``share`` of them, and what was injected."""
    texts, done = list(bodies), []
    for n, text in enumerate(bodies):
        if rng.random() >= share:
            continue
        spots: dict[str, list[int]] = {}
        for m in _TARGET.finditer(text):
            word, at = m.group(), m.start()
            line = text[text.rfind("\n", 0, at) + 1 : (text.find("\n", at) + 1 or len(text) + 1) - 1]
            if at > 0 and not _SENTENCE_START.search(text[max(0, at - 3) : at]) and not _title_case(line):
                spots.setdefault(word, []).append(at)
        lower = set(regex.findall(r"\p{Ll}+", text))
        names = sorted(w for w in spots if w.lower() not in lower)
        if not names:
            continue
        name = rng.choice(names)
        start = rng.choice(spots[name])
        options = [(w, k) for w, k in kinds_of(name) if not regex.search(rf"\b{w}\b", text)]
        if not options:
            continue
        wrong, kind = rng.choice(options)
        texts[n] = text[:start] + wrong + text[start + len(name) :]
        done.append(Injection(n, start, name, wrong, kind))
    return texts, done


def names_edits(result) -> list:
    return [e for e in result.edits if e.stage == "names"]


def cached_weigh():
    """A ``weigh`` that keeps wordfreq's list loaded across the benchmark's many candidate builds."""
    from wordfreq import zipf_frequency

    def weigh(wanted):
        return {(w, lang): zipf_frequency(w.lower(), lang) for lang, words in wanted.items() for w in words}

    return weigh


def false_repairs(
    only: Cleaner, labelled: list[tuple[str, str]], stats: NameStats | None
) -> tuple[Counter, Counter, int]:
    """Words the stage changes in clean text (single documents, or with the corpus's statistics):
    by data set, each change with its count, and how many of them write a form the same body writes
    more often than the one changed (the gold's own misspellings, Cincionnati: often right repairs)."""
    cleaner = only if stats is None else only.with_name_stats(stats, cached_weigh())
    by_set, changed, body_prefers = Counter(), Counter(), 0
    for key, body in labelled:
        for e in names_edits(cleaner.clean(body)):
            changed[f"{e.old} → {e.new} ({e.rule})"] += 1
            by_set[key.split("/")[0]] += 1
            body_prefers += _count(e.new, body) > _count(e.old, body)
    return by_set, changed, body_prefers


def _count(word: str, text: str) -> int:
    """How often ``word`` stands in ``text`` as a whole word."""
    return len(regex.findall(rf"(?<!\p{{L}}){regex.escape(word)}(?!\p{{L}})", text))


def score(cleaner: Cleaner, texts: list[str], injections: list[Injection], stats) -> dict:
    """Recall, precision and the misses by cause of one mode."""
    hits, made, right, causes, examples = 0, 0, 0, Counter(), {}
    names = next(s for s in cleaner.stages if s.name == "names")
    lex = names.lexicon("en")
    by_target, hits_by_target, by_rule = Counter(), Counter(), Counter()
    for inj in injections:
        result = cleaner.clean(texts[inj.doc])
        edits = names_edits(result)
        made += len(edits)
        hit = [e for e in edits if e.start == inj.start and e.old == inj.wrong and e.new == inj.name]
        ok = bool(hit)
        hits += ok
        if hit:
            by_rule[hit[0].rule] += 1
        right += ok
        # what the name is, by the world's lists (a breakdown only: every name was picked blind)
        target = (
            "listed name"
            if lex.is_listed(inj.name) and lex.frequency(inj.name) >= COMMON
            else "other common word"
            if lex.frequency(inj.name) >= COMMON
            else "rare name"
        )
        by_target[target] += 1
        hits_by_target[target] += ok
        if not ok:
            cause = miss_cause(inj, edits, result, lex, names, texts[inj.doc], stats)
            causes[cause] += 1
            examples.setdefault(cause, []).append(f"{inj.wrong} (for {inj.name}, {inj.kind})")
    return {
        "injected": len(injections),
        "repaired": hits,
        "recall": round(hits / len(injections), 3) if injections else None,
        "repaired_by_rule": dict(sorted(by_rule.items())),
        "changes_in_injected_docs": made,
        "precision": round(right / made, 3) if made else None,
        "recall_by_target": {
            t: f"{hits_by_target[t]}/{n} = {hits_by_target[t] / n:.3f}" for t, n in sorted(by_target.items())
        },
        "misses_by_cause": dict(causes.most_common()),
        "miss_examples": {c: sorted(v)[:6] for c, v in sorted(examples.items())},
    }


def miss_cause(inj, edits, result, lex, names, text, stats) -> str:
    """Why a slip was not put back, from what the stage said and what it knows."""
    from rapidfuzz.distance import Levenshtein

    from cleaner.worldnames import skeleton, unslip

    s = names.settings
    if any(e.old == inj.wrong for e in edits):
        return "repaired to another form"
    if any(c.startswith(f"{inj.wrong} → ") for c in result.metadata.get("name_candidates", ())):
        return "flagged only (ambiguous, the corpus knows another, or no context evidence)"
    if lex.is_word(inj.wrong):
        return f"the slip is a word (Zipf >= {lex.word_zipf})"
    if lex.is_listed(inj.wrong):
        return "the slip is a listed name"
    if len(inj.wrong) < s.min_length:
        return f"the slip is shorter than {s.min_length} letters"
    if not inj.wrong.isascii():
        return "the slip has accented letters"
    wrong, name = inj.wrong.lower(), inj.name.lower()
    if skeleton(wrong) != skeleton(name) and name not in unslip(wrong):
        return "the slip is not one the stage undoes (unslip, skeleton)"
    elsewhere = _count(inj.name, text)
    corpus = stats is not None and stats.docs[inj.name] >= s.min_docs
    if Levenshtein.normalized_similarity(wrong, name) < s.world_similarity and not corpus:
        return "the slip is too far from the name for the world (world_similarity)"
    if _derived(wrong, name):
        return "the slip looks like a plural or demonym of the name"
    if lex.frequency(name) >= s.name_zipf:
        if lex.frequency(name) - lex.frequency(wrong) < s.world_gap:
            return "the name is not common enough above the slip"
        return "other guard"
    if elsewhere and not corpus and not s.document:
        return "the name is rare; the document spells it, but that alone is no evidence (document off)"
    if elsewhere == 1 and not corpus:
        return "the document spells the name right only once"
    if elsewhere or corpus:
        return "other guard"
    return "the name is neither common nor elsewhere in the document" + (
        " or corpus" if stats is not None else ""
    )


def stage_cost(bench: Path, limit: int | None, rules: RuleSet) -> dict:
    """The names stage's own time against the pipeline's (``rules``), over the bench's text inputs."""
    from cleaner.worldnames import lexicon

    texts = [
        p.read_text(encoding="utf-8")
        for name in ("scrapinghub", "trafilatura_eval")
        for p in sorted((bench / name / "html").glob("*.txt"))
    ][:limit]
    cleaner = Cleaner(rules)
    names = next(s for s in cleaner.stages if s.name == "names")
    t0 = time.perf_counter()
    lexicon.cache_clear()
    names.warm_up()
    build = time.perf_counter() - t0
    out = {"cost_documents": len(texts), "seconds_word_lists_once_per_process": round(build, 2)}
    for mode in ("single", "corpus"):
        spent = [0.0]
        staged = cleaner
        if mode == "corpus":  # the first pass and the candidates are the stage's cost too
            t0 = time.perf_counter()
            stats = cleaner.collect_name_stats(texts)
            t1 = time.perf_counter()
            staged = cleaner.with_name_stats(stats)
            t2 = time.perf_counter()
            out["corpus_seconds_first_pass"] = round(t1 - t0, 3)
            out["corpus_seconds_candidates"] = round(t2 - t1, 3)
            spent[0] += t2 - t0
        stage = next(s for s in staged.stages if s.name == "names")
        apply = stage.apply

        def timed(doc, apply=apply, spent=spent):
            t = time.perf_counter()
            try:
                return apply(doc)
            finally:
                spent[0] += time.perf_counter() - t

        stage.apply = timed
        t0 = time.perf_counter()
        for text in texts:
            staged.clean(text)
        total = time.perf_counter() - t0 + (spent[0] if mode == "corpus" else 0.0)
        del stage.apply
        out[f"{mode}_seconds_pipeline"] = round(total, 2)
        out[f"{mode}_seconds_names"] = round(spent[0], 3)
        out[f"{mode}_names_share"] = round(spent[0] / total, 3)
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--bench", type=Path, default=DEFAULT_BENCH)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--share", type=float, default=0.6, help="share of documents misspelled (0.6)")
    ap.add_argument("--limit", type=int, help="only the first N English documents")
    ap.add_argument("--no-cost", action="store_true", help="skip the timing")
    ap.add_argument("--json", type=Path, help="also write the figures here")
    ap.add_argument(
        "--set",
        action="append",
        default=[],
        metavar="KEY=VALUE",
        help="a names setting for this run, as TOML (world=true, name_zipf=3.5); repeatable",
    )
    args = ap.parse_args(argv)
    if not (args.bench / "splits").is_dir():
        print(f"skipping the names benchmark: {args.bench / 'splits'} not found", file=sys.stderr)
        return 0
    labelled = load_bodies(args.bench)[: args.limit]
    bodies = [text for _, text in labelled]
    rs = load_rules()
    overrides = {
        k: tuple(v) if isinstance(v, list) else v for k, v in tomllib.loads("\n".join(args.set)).items()
    }
    rs = dataclasses.replace(
        rs, settings={**rs.settings, "names": dataclasses.replace(rs.settings["names"], **overrides)}
    )
    only = Cleaner(dataclasses.replace(rs, stages=("names",)))
    figures: dict = {
        "settings": overrides,
        "articles": len(bodies),
        "by_set": dict(Counter(k.split("/")[0] for k, _ in labelled)),
    }

    stats = only.collect_name_stats(bodies)
    for mode, st in (("single", None), ("corpus", stats)):
        by_set, changed, body_prefers = false_repairs(only, labelled, st)
        n = sum(by_set.values())
        figures[f"clean_{mode}_changed_words"] = n
        figures[f"clean_{mode}_changed_per_100_articles"] = round(100 * n / len(bodies), 2)
        # A second figure, never the headline: without the changes to a form the body itself prefers
        figures[f"clean_{mode}_changed_per_100_without_body_preferred"] = round(
            100 * (n - body_prefers) / len(bodies), 2
        )
        figures[f"clean_{mode}_changed_by_rule"] = dict(
            sorted(Counter(k.rpartition(" (")[2].rstrip(")") for k in changed.elements()).items())
        )
        figures[f"clean_{mode}_changed_per_100_by_set"] = {
            name: round(100 * by_set[name] / k, 2) for name, k in figures["by_set"].items()
        }
        figures[f"clean_{mode}_changes"] = sorted(changed.items())

    texts, injections = inject(bodies, random.Random(args.seed), args.share)
    figures["injected_by_kind"] = dict(sorted(Counter(i.kind for i in injections).items()))
    figures["single"] = score(only, texts, injections, None)
    injected_stats = only.collect_name_stats(texts)
    with_stats = only.with_name_stats(injected_stats, cached_weigh())
    figures["corpus"] = score(with_stats, texts, injections, injected_stats)

    if not args.no_cost:
        figures.update(stage_cost(args.bench, None, rs))

    for key, value in figures.items():
        if isinstance(value, dict) and key in ("single", "corpus"):
            for k, v in value.items():
                print(f"{key}.{k}: {v}")
        else:
            print(f"{key}: {value}")
    if args.json:
        args.json.write_text(json.dumps(figures, ensure_ascii=False, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
