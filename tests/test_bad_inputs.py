"""End to end: a folder that mixes the seed articles with every kind of bad input a scrape produces.

README ("Bad input never stops a run"): a binary, undecodable or empty file, or a malformed JSONL line, is
reported with its path and a one-line reason and the run goes on; bytes that are not UTF-8 are decoded by
detection and the guess is recorded; inputs are never modified. ``test_mixed_folder_end_to_end`` runs the
real ``python -m cleaner clean IN -o OUT --report R.jsonl`` once over such a folder (file names with
spaces and non-ASCII characters, some in a non-ASCII subdirectory) and checks every input's outcome
against what cleaning that file alone gives.

The tests after it look closer at inputs that once went wrong: a few NULs in UTF-8 prose, HTML nested
past the parser's limit, file names that are not UTF-8 or hold a line break.

The single huge line is 1 MB (about 4 s to clean), not 10 MB, which takes 10-35 s: too slow for the test
suite. (Before pattern time limits grew with the document, one megabyte at a time, a 10 MB line failed
or not depending on the machine's load.)
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import json
import os
import random
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

from cleaner.cli import main

REPO = Path(__file__).resolve().parents[1]
SEEDS = sorted((REPO / "seeds").glob("*.txt"))
OK, FAILURES = 0, 3
SUB = "Nachrichten/Übersee 2"  # a nested, non-ASCII input directory: the output tree mirrors it

FRENCH = (
    "Le président a déclaré que la réunion à Genève était très importante pour l'économie française. "
    "Les négociations ont duré toute la journée au café de la gare, et les délégués étaient épuisés "
    "à la fin. « Nous avons fait des progrès », a-t-il ajouté.\n"
)
GERMAN = (
    "Der Stadtrat von Zürich hat am Montag beschlossen, die alte Brücke über die Limmat zu sanieren. "
    "Die Arbeiten sollen im Frühjahr beginnen und rund zwei Jahre dauern, sagte die Präsidentin.\n\n"
    "Anwohner begrüßten den Entscheid, fürchten aber Lärm und Umleitungen während der Bauzeit.\n"
)
HUGE_CHARS = 1_000_000
NESTING = 20_000


def _seed_bytes(index: int) -> bytes:
    return SEEDS[index].read_bytes()


def _huge_line(chars: int) -> bytes:
    """The seeds' words as one line of ``chars`` characters: prose, with no line break anywhere."""
    words = " ".join(b.decode("utf-8") for b in map(Path.read_bytes, SEEDS)).split()
    line = " ".join(words)
    return (" ".join([line] * (chars // len(line) + 1)))[:chars].rstrip().encode("utf-8") + b"\n"


def _binary() -> bytes:
    rng = random.Random(20250101)
    data = bytearray(rng.randbytes(4096))
    data[100:120] = bytes(20)  # a run of NULs, as every binary format has
    return bytes(data)


def _png() -> bytes:
    rng = random.Random(7)
    return (
        b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x02\x80\x00\x00\x01\xe0\x08\x06\x00\x00\x00"
        + rng.randbytes(2000)
        + b"\x00\x00\x00\x00IEND\xaeB`\x82"
    )


BROKEN_HTML = (
    "<html><head><title>Harbour bridge reopens</title></head><body>\n"
    "<h1>Harbour bridge reopens after two years of repairs\n"
    "<p>The old harbour bridge reopened to traffic on Monday morning after two years of repairs that "
    "cost the city far more than planned, officials said at a ceremony in the < old market square.\n"
    "<p>Engineers replaced the corroded cables and rebuilt the deck, which had been closed to lorries "
    "since an inspection found cracks in three of its beams <b>last spring.\n"
    "<div><span>The mayor thanked the workers and the neighbours for their patience, and said 3 < 4 "
    "lanes would be open by the summer.\n"
    "<script>var tracking = {id: 42}; document.write('<p>Subscribe now to read more')"
)


def _jsonl() -> bytes:
    good = [
        {"id": "köln-1", "source": "wire", "text": GERMAN},
        {"id": "köln-3", "source": "wire", "text": FRENCH},
    ]
    lines = [
        json.dumps(good[0], ensure_ascii=False),
        '{"id": "köln-2", "source": "wire", "text": "the scraper cut this record off',
        json.dumps(good[1], ensure_ascii=False),
    ]
    return ("\n".join(lines) + "\n").encode("utf-8")


@dataclass(frozen=True)
class Case:
    """One input file and its correct outcome: ``cleaned`` (an output exists) or ``failed``."""

    rel: str  # path inside IN
    data: bytes
    outcome: str  # "cleaned" or "failed"
    reason: str | None = None  # for failures: text the one-line reason must contain
    encoding: tuple[str, ...] | None = None  # acceptable encoding guesses recorded in the metadata


EMPTY = "empty document: no text to clean"
BINARY = "binary file (NUL bytes), not text"
LATIN = ("cp1252", "latin_1", "iso8859_15")  # charset-normalizer's names; all decode this text alike

CASES = [
    Case("empty file.txt", b"", "failed", EMPTY),
    Case("whitespace only ☃.txt", b"  \n\n\t \r\n   \n\xc2\xa0\n", "failed", EMPTY),
    Case("Zürich binary.txt", _binary(), "failed", BINARY),
    Case(f"{SUB}/photo «copie».html", _png(), "failed", BINARY),
    Case("Genève café.txt", FRENCH.encode("latin-1"), "cleaned", encoding=LATIN),
    Case("Zürich news 2.txt", GERMAN.encode("utf-16"), "cleaned", encoding=("utf-16",)),
    Case(f"{SUB}/crlf München.txt", _seed_bytes(0).replace(b"\n", b"\r\n"), "cleaned"),
    Case("one stray NUL Ω.txt", _seed_bytes(1).replace(b". ", b".\x00 ", 1), "cleaned"),
    Case("NULs inside Ω.txt", _seed_bytes(1).replace(b". ", b".\x00 ", 3), "cleaned"),
    Case("huge line 1 MB.txt", _huge_line(HUGE_CHARS), "cleaned"),
    Case(  # past libxml2's 255 levels the parser keeps nothing: a failure that says so
        f"{SUB}/nested {NESTING} divs.html",
        ("<div>" * NESTING + "<p>" + FRENCH + "</p>" + "</div>" * NESTING).encode("utf-8"),
        "failed",
        f"extract: the HTML nests {NESTING + 1:,} elements deep; the HTML parser stops at 255 levels",
    ),
    Case("broken markup Ärger.html", BROKEN_HTML.encode("utf-8"), "cleaned"),
    Case("docs Köln.jsonl", _jsonl(), "cleaned"),  # lines 1 and 3; line 2 fails (see JSONL_BAD_LINE)
    Case(
        "not gzip Łódź.jsonl.gz",
        b'{"id": "g1", "text": "plain JSONL, not compressed"}\n',
        "failed",
        "cannot read JSONL: Not a gzipped file",
    ),
    Case(f"{SUB}/empty page Ōsaka.html", b"", "failed", EMPTY),
]
JSONL_BAD_LINE = ("docs Köln.jsonl", 2, "line 2: not JSON (")


def _out_rel(rel: str) -> str:
    if rel.endswith((".jsonl", ".jsonl.gz")):
        return rel
    return rel.rsplit(".", 1)[0] + ".txt"


def _tree(root: Path) -> dict[str, tuple[str, str | None]]:
    """Every file and directory under ``root``: relative path → (kind, SHA-256 of the bytes for files)."""
    return {
        p.relative_to(root).as_posix(): (
            ("file", hashlib.sha256(p.read_bytes()).hexdigest()) if p.is_file() else ("dir", None)
        )
        for p in root.rglob("*")
    }


def _records(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def _before_summary(stderr: str) -> list[str]:
    """The lines of standard error before the run's summary, which is checked to be one: its first line
    (elapsed time), lines indented under it, and the status line last."""
    lines = stderr.splitlines()
    start = next(n for n, line in enumerate(lines) if line.startswith("cleaner: elapsed "))
    assert all(line.startswith("  ") for line in lines[start + 1 : -1]), stderr
    assert lines[-1].startswith("cleaner: ") and " cleaned, " in lines[-1], stderr
    return lines[:start]


def _failed_lines(stderr: str) -> list[str]:
    return [line for line in stderr.splitlines() if line.startswith("cleaner: failed: ")]


def _clean_alone(path: Path, out: Path) -> bytes | None:
    """What ``python -m cleaner clean PATH -o OUT`` makes of one file on its own (in-process)."""
    with contextlib.redirect_stderr(io.StringIO()):
        main(["clean", str(path), "-o", str(out)])
    target = out / _out_rel(path.name)
    return target.read_bytes() if target.is_file() else None


@dataclass
class Run:
    src: Path
    out: Path
    proc: subprocess.CompletedProcess
    stderr: str
    records: list[dict]
    before: dict
    after: dict

    def path(self, rel: str) -> str:
        return str(self.src / rel)

    def records_of(self, rel: str) -> list[dict]:
        p = self.path(rel)
        return [r for r in self.records if r["path"] == p or r["path"].startswith(f"{p}:")]


def _clean_cli(src: Path, out: Path, report: Path) -> subprocess.CompletedProcess:
    """``python -m cleaner clean SRC -o OUT --report REPORT`` as a user runs it (no -v)."""
    return subprocess.run(
        [sys.executable, "-m", "cleaner", "clean", str(src), "-o", str(out), "--report", str(report)],
        capture_output=True,
        cwd=REPO,
        timeout=120,
        check=False,
    )


@pytest.fixture(scope="module")
def run(tmp_path_factory) -> Run:
    base = tmp_path_factory.mktemp("bad_inputs")
    src, out, report = base / "IN", base / "OUT", base / "reports" / "R.jsonl"
    for seed in SEEDS:
        (src / seed.name).parent.mkdir(parents=True, exist_ok=True)
        (src / seed.name).write_bytes(seed.read_bytes())
    for case in CASES:
        (src / case.rel).parent.mkdir(parents=True, exist_ok=True)
        (src / case.rel).write_bytes(case.data)
    before = _tree(src)
    proc = _clean_cli(src, out, report)  # a hang on a bad input fails at the subprocess's timeout
    records = _records(report) if report.is_file() else []
    return Run(src, out, proc, proc.stderr.decode("utf-8"), records, before, _tree(src))


@pytest.fixture(scope="module")
def alone(run, tmp_path_factory) -> dict[str, bytes | None]:
    """The output of each input cleaned on its own (output path → bytes, None when it fails alone)."""
    base = tmp_path_factory.mktemp("alone")
    rels = [s.name for s in SEEDS] + [c.rel for c in CASES if c.outcome == "cleaned"]
    return {_out_rel(rel): _clean_alone(run.src / rel, base / str(n)) for n, rel in enumerate(rels)}


def test_mixed_folder_end_to_end(run, alone):
    good = [s.name for s in SEEDS] + [c.rel for c in CASES if c.outcome == "cleaned"]
    bad = [c for c in CASES if c.outcome == "failed"]
    jsonl_rel, jsonl_line, jsonl_reason = JSONL_BAD_LINE

    # the run went to the end and says some documents failed; stdout carries no data with -o
    assert run.proc.returncode == FAILURES, run.stderr
    assert run.proc.stdout == b""
    assert "Traceback" not in run.stderr

    # the input tree is byte for byte what it was: same files and directories, same bytes
    assert run.after == run.before

    # standard error: one line per failure, then the summary, nothing else
    failed = _failed_lines(run.stderr)
    assert _before_summary(run.stderr) == failed, run.stderr

    # every input has its records: one per file, one per JSONL line; every failure is on stderr once
    assert {r["path"] for r in run.records} == {
        *(run.path(s.name) for s in SEEDS),
        *(run.path(c.rel) for c in CASES if c.rel != jsonl_rel),
        *(f"{run.path(jsonl_rel)}:{n}" for n in (1, 2, 3)),
    }
    assert len(run.records) == len({r["path"] for r in run.records}), "an input reported twice"
    for r in run.records:
        if r["status"] == "failed":
            assert "\n" not in r["error"], r
            assert failed.count(f"cleaner: failed: {r['path']}: {r['error']}") == 1, r
        else:
            assert r["status"] in ("cleaned", "unchanged"), r
    assert len(failed) == sum(r["status"] == "failed" for r in run.records)

    # the good documents: an output each, byte-identical to cleaning that file alone
    for rel in good:
        target = run.out / _out_rel(rel)
        assert target.is_file(), f"no output for {rel}"
        assert alone[_out_rel(rel)] is not None, f"{rel} fails when cleaned alone"
        assert target.read_bytes() == alone[_out_rel(rel)], f"{rel}: differs from cleaning it alone"
        if rel != jsonl_rel:
            (record,) = run.records_of(rel)
            assert record["status"] in ("cleaned", "unchanged"), record

    # the bad ones: exactly one located failure each, on stderr and in the report, and no output
    for case in bad:
        (record,) = run.records_of(case.rel)
        assert record["status"] == "failed"
        assert case.reason in record["error"], record
        (line,) = [x for x in failed if x.startswith(f"cleaner: failed: {run.path(case.rel)}: ")]
        assert case.reason in line
        assert not (run.out / _out_rel(case.rel)).exists(), f"{case.rel} failed but left an output"

    # the malformed JSONL line is located by line number; the good lines around it are written
    (bad_line,) = [r for r in run.records if r["path"] == f"{run.path(jsonl_rel)}:{jsonl_line}"]
    assert bad_line["status"] == "failed" and bad_line["error"].startswith(jsonl_reason)
    kept = [json.loads(x) for x in (run.out / jsonl_rel).read_text(encoding="utf-8").splitlines()]
    assert [(r["id"], r["source"]) for r in kept] == [("köln-1", "wire"), ("köln-3", "wire")]

    # text in another encoding is decoded (not mojibake) and the guess is in the record's metadata
    for case in CASES:
        if case.rel == jsonl_rel:
            continue
        (record,) = run.records_of(case.rel)
        if case.encoding:
            assert record["metadata"].get("encoding") in case.encoding, record["metadata"]
        elif record["status"] != "failed":  # UTF-8 (CRLF, a stray NUL, markup): no guess to record
            assert "encoding" not in record["metadata"], (case.rel, record["metadata"])
    latin = (run.out / "Genève café.txt").read_text(encoding="utf-8")
    assert "Genève" in latin and "café" in latin and "Ã" not in latin
    german = (run.out / "Zürich news 2.txt").read_text(encoding="utf-8")
    assert "Zürich" in german and "begrüßten" in german and "\x00" not in german

    # CRLF and a stray NUL are normalised away: the same output as the plain seed's
    assert (run.out / SUB / "crlf München.txt").read_bytes() == (run.out / SEEDS[0].name).read_bytes()
    assert (run.out / "one stray NUL Ω.txt").read_bytes() == (run.out / SEEDS[1].name).read_bytes()

    # the huge line is cleaned in one piece; broken markup keeps its prose and drops the script
    assert len((run.out / "huge line 1 MB.txt").read_bytes()) > 0.9 * HUGE_CHARS
    broken = (run.out / "broken markup Ärger.txt").read_text(encoding="utf-8")
    assert "reopened to traffic on Monday" in broken and "lanes would be open" in broken
    assert "tracking" not in broken and "Subscribe" not in broken

    # the output tree holds the good outputs and nothing else (no temp files, no journal)
    expected = {_out_rel(rel) for rel in good}
    outputs = {p.relative_to(run.out).as_posix() for p in run.out.rglob("*") if p.is_file()}
    assert outputs == expected

    summary = run.stderr.splitlines()[-1]
    assert f"{sum(r['status'] == 'failed' for r in run.records)} failed" in summary


# --- inputs that once went wrong -----------------------------------------------------------------


def test_text_with_a_few_nul_bytes_is_cleaned(run):
    rel = "NULs inside Ω.txt"
    (record,) = run.records_of(rel)
    assert record["status"] in ("cleaned", "unchanged"), record["error"]
    output = (run.out / _out_rel(rel)).read_bytes()
    assert b"\x00" not in output
    assert output == (run.out / SEEDS[1].name).read_bytes()


def test_deeply_nested_html_keeps_its_text_or_says_why(run):
    rel = f"{SUB}/nested {NESTING} divs.html"
    (record,) = run.records_of(rel)
    if record["status"] == "failed":
        assert "nest" in record["error"] or "depth" in record["error"], record["error"]
    else:
        assert "Genève" in (run.out / _out_rel(rel)).read_text(encoding="utf-8")


def test_a_file_name_that_is_not_utf8_does_not_crash_the_run(tmp_path):
    src, out, report = tmp_path / "IN", tmp_path / "OUT", tmp_path / "R.jsonl"
    src.mkdir()
    latin_name = os.fsencode(src) + b"/caf\xe9 Gen\xe8ve.txt"  # a Latin-1 name, as old archives have
    with open(latin_name, "wb") as fh:
        fh.write(FRENCH.encode("utf-8"))
    (src / "zz later seed.txt").write_bytes(SEEDS[0].read_bytes())
    proc = _clean_cli(src, out, report)
    stderr = proc.stderr.decode("utf-8", "replace")
    assert "Traceback" not in stderr
    assert proc.returncode == OK, stderr
    assert (out / "zz later seed.txt").is_file()
    assert sorted(os.listdir(os.fsencode(out))) == [b"caf\xe9 Gen\xe8ve.txt", b"zz later seed.txt"]
    assert len(_records(report)) == 2


def test_a_file_name_with_a_newline_still_gives_a_one_line_failure(tmp_path):
    src = tmp_path / "IN"
    src.mkdir()
    (src / "first line\nsecond line.txt").write_bytes(b"")
    err = io.StringIO()
    with contextlib.redirect_stderr(err):
        code = main(["clean", str(src), "-o", str(tmp_path / "OUT")])
    assert code == FAILURES
    lines = _before_summary(err.getvalue())
    assert len(lines) == 1, lines  # the failure, then the summary
    assert lines[0].startswith("cleaner: failed: ") and "empty document" in lines[0]
