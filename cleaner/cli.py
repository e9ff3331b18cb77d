"""The command line: argument parsing, streams and exit codes; the library does the cleaning.

Exit codes: 0 success; 1 ``check`` found differences; 2 usage error or invalid rules; 3 at least one
document failed (the others were still written); 4 the run stopped on a fault of the machine (a full
disk, a read-only or vanished output, an I/O error: see cleaner/faults.py); 130 and 143 stopped by
SIGINT and SIGTERM. Standard output carries data only (cleaned text when
no ``-o`` is given, diffs, explanations, rule listings); progress and diagnostics go to standard error.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import json
import os
import shlex
import sys
from pathlib import Path

from cleaner import chatter
from cleaner.document import FAILED
from cleaner.faults import Fault, Interrupted, stopping
from cleaner.io import (
    MISSING,
    STDIN,
    AtomicWriter,
    InputError,
    decode,
    kind_of,
    read_bytes,
    unwritable,
)
from cleaner.pipeline import Cleaner
from cleaner.report import FULL, REPORT_LEVELS
from cleaner.rules import RuleError, load_rules
from cleaner.run.job import Stopped
from cleaner.run.progress import ProgressBars
from cleaner.scanplan import slow_reasons
from cleaner.stages import registry
from cleaner.summary import one_line

OK, DIFFERENT, USAGE, FAILURES, STOPPED = 0, 1, 2, 3, 4


class _Parser(argparse.ArgumentParser):
    """argparse exits with 2 on usage errors already; this keeps the message on one located line."""

    def error(self, message: str):
        self.print_usage(sys.stderr)
        print(f"cleaner: error: {message}", file=sys.stderr)
        raise SystemExit(USAGE)


def _parser() -> argparse.ArgumentParser:
    p = _Parser(prog="cleaner", description="Turn scraped news articles into clean canonical text.")
    p.add_argument("--version", action="version", version=f"cleaner {_version()}")
    sub = p.add_subparsers(dest="command", required=True, parser_class=_Parser)

    c = sub.add_parser("clean", help="clean files, directories or standard input")
    c.add_argument("inputs", nargs="+", metavar="IN", help="directory, .txt/.html/.jsonl(.gz) file, or -")
    c.add_argument(
        "-o", "--output", metavar="OUT", help="output directory (default: standard output, for one file)"
    )
    _rule_options(c)
    c.add_argument("--jobs", type=int, default=1, metavar="N", help="worker processes (default 1)")
    c.add_argument(
        "--report", metavar="FILE.jsonl", help="write one JSON record per document, with every edit"
    )
    c.add_argument(
        "--report-level",
        choices=REPORT_LEVELS,
        default=FULL,
        help="full: every edit (default); summary: one line per document with its counts per rule, no edits",
    )
    c.add_argument(
        "--stats",
        metavar="FILE.json",
        help="write the run's summary as JSON (what `cleaner stats --json` prints, plus the elapsed time)",
    )
    c.add_argument("--html", action="store_true", help="treat standard input and .txt inputs as HTML")
    c.add_argument(
        "--engine",
        choices=("local", "ray"),
        default="local",
        help="local processes (default) or Ray tasks, one per input file (pip install 'cleaner[ray]')",
    )
    c.add_argument(
        "--ray-address",
        metavar="ADDRESS",
        help="Ray cluster to join (default: RAY_ADDRESS, else a local instance with --jobs CPUs)",
    )
    c.add_argument(
        "--resume",
        action="store_true",
        help="keep the outputs an interrupted run over the same inputs and rules finished (needs -o)",
    )
    g = c.add_mutually_exclusive_group()
    g.add_argument("-q", "--quiet", action="store_true", help="no progress and no summary")
    g.add_argument("-v", "--verbose", action="store_true", help="tracebacks for internal errors")

    k = sub.add_parser("check", help="compare cleaned seeds with their golden files")
    k.add_argument("seeds", metavar="SEEDS_DIR")
    k.add_argument("--golden", required=True, metavar="GOLDEN_DIR")
    _rule_options(k)
    k.add_argument(
        "--update", action="store_true", help="rewrite the goldens (still exits 1 when any changed)"
    )

    e = sub.add_parser("explain", help="show a document with every removal and repair marked")
    e.add_argument("file", metavar="FILE", help=".txt, .html or .jsonl(.gz) file, or -")
    e.add_argument(
        "--record", metavar="N|ID", help="the record of a JSONL file to explain: its id, or its number from 1"
    )
    _rule_options(e)
    e.add_argument("--html", action="store_true", help="treat the input as HTML")
    e.add_argument("--all", action="store_true", help="also show format-only edits of the canonical stage")
    e.add_argument("--json", action="store_true", help="print the report record instead")

    r = sub.add_parser("rules", help="list stages and rules; validate rule files")
    _rule_options(r)
    r.add_argument("--json", action="store_true", help="machine-readable listing")

    s = sub.add_parser("stats", help="summarise a run from its report")
    s.add_argument("report", metavar="REPORT.jsonl", help="the --report file of a clean run, or -")
    s.add_argument("--json", action="store_true", help="machine-readable summary")

    from cleaner.review import FULL_DOCUMENTS, RULE_LINKS

    v = sub.add_parser(
        "review",
        help="write one self-contained HTML page showing what a run did",
        description=(
            "Write one self-contained HTML page (no network) from a run's report and its inputs: an "
            "overview (documents by status, characters removed per stage and per rule, warnings and "
            "rollbacks) and each document with every removal struck through and coloured by stage, every "
            "repair shown as old -> new, the rule and reason on hover, filters by stage and rule. Limits: "
            f"the first {FULL_DOCUMENTS} documents of the report (--documents) are shown in full, the rest "
            f"are listed; each rule links to at most {RULE_LINKS} documents it touched. Text inputs are "
            "read again from the paths in the report (relative to --root); an HTML page shows the text "
            "extraction gave, which the report holds."
        ),
    )
    v.add_argument("report", metavar="REPORT.jsonl", help="the --report file of a clean run")
    v.add_argument("-o", "--output", metavar="PAGE.html", help="where to write the page (default: stdout)")
    v.add_argument(
        "--root",
        default=".",
        metavar="DIR",
        help="directory the run's input paths are relative to (default .)",
    )
    v.add_argument(
        "--documents",
        type=int,
        default=FULL_DOCUMENTS,
        metavar="N",
        help=f"documents shown in full, in report order (default {FULL_DOCUMENTS}); the rest are listed",
    )
    v.add_argument("--all", action="store_true", help="also mark format-only edits of the canonical stage")
    return p


def _rule_options(p: argparse.ArgumentParser) -> None:
    """--rules, --only-rules and --settings, the same for every command that cleans."""
    p.add_argument(
        "--rules",
        action="append",
        metavar="DIR_OR_FILE",
        help="your rule directory or file, repeat to combine: it extends the bundled rules, and a rule "
        "with a bundled rule's stage and id replaces it ('default' names the bundled set)",
    )
    p.add_argument(
        "--only-rules",
        action="store_true",
        help="use only the rules given with --rules, without the bundled set",
    )
    p.add_argument(
        "--settings",
        action="append",
        metavar="FILE.toml",
        help="a settings file by any name (pipeline.toml's keys: stages, settings, disable, limits), "
        "applied after the rule directories' pipeline.toml, or a bundled preset's name (keep-comments); "
        "repeat to combine",
    )


def _version() -> str:
    """The installed distribution's version ("unknown" when run from a source tree never installed)."""
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("cleaner")
    except PackageNotFoundError:
        return "unknown"


def main(argv: list[str] | None = None) -> int:
    try:
        code = _main(argv)
        sys.stdout.flush()  # here, not at exit, where a closed pipe would print a traceback-like notice
        return code
    except BrokenPipeError:
        # standard output closed early (`cleaner rules | head`): the reader has what it wanted. Later
        # writes, including the interpreter's flush at exit, go to /dev/null so nothing more is said.
        with contextlib.suppress(OSError, ValueError):
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return OK


def _main(argv: list[str] | None) -> int:
    argv = sys.argv[1:] if argv is None else list(argv)
    args = _parser().parse_args(argv)
    args.argv = argv  # to print the command that resumes a stopped run
    chatter.configure(verbose=getattr(args, "verbose", False))
    if args.command in ("stats", "review"):  # read a report: no rules to load
        return {"stats": _stats, "review": _review}[args.command](args)
    try:
        if args.only_rules and not args.rules:
            return _usage("--only-rules needs --rules DIR_OR_FILE")
        # the user's rules extend the bundled set unless --only-rules
        rules = load_rules(args.rules, bundled=not args.only_rules, settings=args.settings or ())
        cleaner = Cleaner(rules)
    except RuleError as exc:
        print(f"cleaner: invalid rules ({len(exc.problems)} problems):", file=sys.stderr)
        for problem in exc.problems:
            print(f"  {problem}", file=sys.stderr)
        return USAGE
    return {"clean": _clean, "check": _check, "explain": _explain, "rules": _rules}[args.command](
        cleaner, args
    )


def _clean(cleaner: Cleaner, args) -> int:
    from cleaner.run import Job, JobError

    job = Job(
        cleaner,
        args.inputs,
        args.output,
        engine=args.engine,
        jobs=args.jobs,
        resume=args.resume,
        report=args.report,
        report_level=args.report_level,
        html=args.html,
        verbose=args.verbose,
        ray_address=args.ray_address,
        observer=ProgressBars(sys.stderr, enabled=False if args.quiet else None),
    )
    stats = Path(args.stats) if args.stats else None
    if stats is not None and (why := unwritable(stats.parent)):  # before the run, not after it
        return _usage(f"cannot write to the --stats file's directory {stats.parent}: {why}")
    try:
        with stopping():  # SIGINT and SIGTERM raise Interrupted, which stops the run like a fault
            summary = job.run()
    except JobError as exc:
        for problem in exc.problems:
            print(f"cleaner: error: {problem}", file=sys.stderr)
        return USAGE
    except Stopped as exc:
        return _stopped(exc, args, job.out)
    finally:
        job.observer.close()
    for line in summary.failure_lines():
        # a file name may hold a line break; each failure stays one line for line-based readers
        print(f"cleaner: failed: {one_line(line)}", file=sys.stderr)
    if summary.failed > len(summary.failures):
        more = summary.failed - len(summary.failures)
        print(f"cleaner: failed: {more:,} more (see --report)", file=sys.stderr)
    if stats is not None:
        try:
            with AtomicWriter(stats) as fh:
                fh.write((json.dumps(summary.to_dict(), ensure_ascii=False, indent=1) + "\n").encode())
        except OSError as exc:
            print(f"cleaner: cannot write {stats}: {exc}", file=sys.stderr)
            return STOPPED
    if not args.quiet:
        # the run's summary (what `cleaner stats` prints of its report), then the verdict on one line
        _, first, *rest = summary.text(top=5, failures=False).splitlines()  # the counts come last
        print("\n  ".join([f"cleaner: {first}", *rest]), file=sys.stderr)
        print(summary.status_line(), file=sys.stderr)
    return FAILURES if summary.failed else OK


def _stopped(stop: Stopped, args, out_dir: Path | None) -> int:
    """The one line for a stopped run (what, where, what was done, how to go on) and its exit code."""
    exc, run = stop.cause, stop.progress
    if isinstance(exc, Interrupted):
        what, remedy, code = f"stopped by {exc.signal_name}", "", exc.code
    elif isinstance(exc, Fault):
        what, remedy, code = f"stopped: {exc}", exc.remedy, STOPPED
    else:  # BrokenProcessPool: killed by the out-of-memory killer, or by hand
        what, remedy, code = "stopped: a worker process died", "check free memory", STOPPED
    done = f"{_count(run.written, 'output')} written ({_count(run.done, 'input')} done"
    done += f", {run.kept} kept from the interrupted run)" if run.kept else ")"
    go_on = f"{remedy} and " if remedy else "to go on, "
    if out_dir is None:
        go_on += "run it again"
    else:
        argv = [a for a in args.argv if a != "--resume"] + ["--resume"]
        go_on += f"rerun with --resume: cleaner {shlex.join(argv)}"
    print(f"cleaner: {what}; {done}; {go_on}", file=sys.stderr)
    return code


def _count(n: int, noun: str) -> str:
    return f"{n:,} {noun}" + ("" if n == 1 else "s")


def _check(cleaner: Cleaner, args) -> int:
    from cleaner.golden import check

    seeds, golden = Path(args.seeds), Path(args.golden)
    if not seeds.is_dir():
        return _usage(f"{seeds}: not a directory")
    res = check(cleaner, seeds, golden, update=args.update)
    for diff in res.diffs:
        sys.stdout.write(diff)
    for label, paths in (
        ("differs", res.differ),
        ("missing golden", res.missing),
        ("orphan golden (no seed)", res.orphans),
        ("failed", res.failed),
        ("updated", res.updated),
    ):
        for p in paths:
            print(f"cleaner check: {label}: {p}", file=sys.stderr)
    print(
        f"cleaner check: {len(res.matched)} match, {len(res.differ)} differ, {len(res.missing)} missing, "
        f"{len(res.orphans)} orphans, {len(res.failed)} failed",
        file=sys.stderr,
    )
    if res.failed:
        return FAILURES
    return OK if res.ok else DIFFERENT


def _explain(cleaner: Cleaner, args) -> int:
    from cleaner.explain import pick_record, render

    if args.file != STDIN and Path(args.file).is_dir():
        return _usage(
            f"{args.file} is a directory; explain shows one document: give one of its files, or see the "
            f"whole run with: cleaner clean {args.file} -o OUT --report run.jsonl && cleaner review run.jsonl"
        )
    if args.file != STDIN and not Path(args.file).is_file():
        return _usage(f"{args.file}: {MISSING}")
    doc_id, html = args.file, args.html or kind_of(args.file) == "html"
    if kind_of(args.file) == "jsonl":
        try:
            picked = pick_record(args.file, args.record)
        except (ValueError, InputError) as exc:
            return _usage(str(exc))
        print(
            f"cleaner explain: {args.file}: record {picked.number:,} of {picked.total:,} (id {picked.id})",
            file=sys.stderr,
        )
        text, doc_id, html = picked.text, picked.id, html or picked.html
    elif args.record is not None:
        return _usage("--record picks a record of a .jsonl file")
    else:
        try:
            text, _ = decode(read_bytes(args.file))
        except InputError as exc:
            print(f"cleaner explain: {args.file}: {exc}", file=sys.stderr)
            return FAILURES
    result = cleaner.clean(text, id=doc_id, html=html)
    if args.json:
        print(json.dumps(result.record(args.file), ensure_ascii=False, indent=1))
    else:
        color = sys.stdout.isatty() and "NO_COLOR" not in os.environ
        sys.stdout.write(render(text, result, color=color, everything=args.all))
    return FAILURES if result.status == FAILED else OK


def _rules(cleaner: Cleaner, args) -> int:
    stages = registry()
    listing = []
    for stage in cleaner.stages:
        listing.append(
            {
                "stage": stage.name,
                "description": stages[stage.name].description,
                "settings": {k: v for k, v in vars(stage.settings).items()},
                "rules": [
                    {
                        "id": r.id,
                        "kind": r.kind,
                        "reason": r.reason,
                        "source": r.source,
                        "slow": slow_reasons(r),
                    }
                    for r in stage.rules
                ],
            }
        )
    if args.json:
        print(json.dumps(listing, ensure_ascii=False, indent=1))
        return OK
    for entry in listing:
        settings = ", ".join(f"{k}={v!r}" for k, v in entry["settings"].items())
        print(f"{entry['stage']}: {entry['description']}" + (f"  [{settings}]" if settings else ""))
        for r in entry["rules"]:
            slow = f"  [slow: {'; '.join(r['slow'])}]" if r["slow"] else ""
            print(f"  {r['id']:<34} {r['kind']:<9} {r['reason']}{slow}")
    total = sum(len(e["rules"]) for e in listing)
    slow = sum(1 for e in listing for r in e["rules"] if r["slow"])
    print(f"cleaner rules: {len(listing)} stages, {total} rules, valid; {slow} slow", file=sys.stderr)
    return OK


def _stats(args) -> int:
    from cleaner.summary import RunSummary

    try:
        with _report_lines(args.report) as lines:
            summary = RunSummary.from_records(json.loads(line) for line in lines if line.strip())
    except BrokenPipeError:
        raise
    except (OSError, ValueError, KeyError, TypeError) as exc:
        return _usage(f"{args.report}: not a readable report ({type(exc).__name__}: {exc})")
    if args.json:
        print(json.dumps(summary.to_dict(), ensure_ascii=False, indent=1))
    else:
        sys.stdout.write(summary.text())
    return OK


def _review(args) -> int:
    from cleaner.review import write_page

    if args.documents < 0:
        return _usage("--documents must be 0 or more")
    try:
        with _report_lines(args.report) as lines:
            records = (json.loads(line) for line in lines if line.strip())
            with contextlib.ExitStack() as stack:
                out = sys.stdout
                if args.output and args.output != STDIN:
                    # written to a temporary file and renamed into place, like every output
                    raw = stack.enter_context(_output(args.output))
                    out = stack.enter_context(io.TextIOWrapper(raw, encoding="utf-8"))
                shown = write_page(records, out, root=Path(args.root), full=args.documents, all=args.all)
    except BrokenPipeError:  # standard output closed early: main ends quietly
        raise
    except _CannotWrite as exc:
        return _usage(f"cannot write {args.output}: {exc.__cause__}")
    except (OSError, ValueError, KeyError, TypeError) as exc:
        return _usage(f"{args.report}: not a readable report ({type(exc).__name__}: {exc})")
    print(f"cleaner review: {shown}", file=sys.stderr)
    return OK


class _CannotWrite(Exception):
    """The review page's file cannot be created or written (its cause says why)."""


@contextlib.contextmanager
def _output(path: str):
    try:
        with AtomicWriter(Path(path)) as raw:
            yield raw
    except OSError as exc:
        raise _CannotWrite from exc


@contextlib.contextmanager
def _report_lines(path: str):
    """The lines of a report file, or of standard input for ``-``."""
    if path == STDIN:
        yield sys.stdin
        return
    with open(path, encoding="utf-8", errors="surrogatepass") as fh:
        yield fh


def _usage(message: str) -> int:
    print(f"cleaner: error: {message}", file=sys.stderr)
    return USAGE
