"""End-to-end tests of the command line (DESIGN.md sections 2-4): ``python -m cleaner``.

Most tests call ``cleaner.cli.main(argv)`` in-process and read the streams with capsys; a few run the
real ``python -m cleaner`` in a subprocess (standard input, a full run over ``seeds/``).
"""

from __future__ import annotations

import gzip
import json
import re
import shutil
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest

from cleaner import Cleaner, Edit, load_rules, replay
from cleaner.cli import main

REPO = Path(__file__).resolve().parents[1]
SEEDS = REPO / "seeds"
GOLDEN = REPO / "golden"
EXPLAIN_SEED = SEEDS / "004_0268d19a90c2104b.txt"

OK, DIFFERENT, USAGE, FAILURES = 0, 1, 2, 3

ARTICLE_HTML = """<!DOCTYPE html>
<html lang="en"><head><title>Harbour bridge reopens after repairs</title></head>
<body>
<nav><ul><li><a href="/">Home</a></li><li><a href="/world">World</a></li>
<li><a href="/sport">Sport</a></li></ul></nav>
<article>
<h1>Harbour bridge reopens after two years of repairs</h1>
<p>The old harbour bridge reopened to traffic on Monday morning after two years of repairs that cost
the city far more than it had planned, officials said at a ceremony attended by several hundred
residents.</p>
<p>Engineers replaced the corroded steel cables and rebuilt the deck, which had been closed to heavy
lorries since a routine inspection found deep cracks in three of its supporting beams.</p>
<p>The mayor thanked the workers and the neighbours who had put up with the noise, and promised that
the next project, a cycle path along the river, would be finished on time and within its budget.</p>
<p>Local shop owners said they expected business to recover quickly now that visitors from the other
side of the harbour could once again reach the market square without a long detour.</p>
</article>
<footer><p>Copyright 2025 The Harbour Times. All rights reserved.</p></footer>
</body></html>
"""

FRENCH = (
    "Le président a déclaré que la réunion à Genève était très importante pour l'économie française. "
    "Les négociations ont duré toute la journée, et les délégués étaient épuisés à la fin. "
    "« Nous avons fait des progrès », a-t-il ajouté.\n"
)
BINARY = b"\x00\xff\x00\xfe\x01\x02\x03PK\x00\x80\x90\xff" * 40

REPORT_KEYS = {"id", "path", "status", "metadata", "edits"}
EDIT_KEYS = {"stage", "rule", "start", "end", "old", "new", "reason", "step"}


# --- helpers --------------------------------------------------------------------------------------


def run(capsys, *argv) -> tuple[int, str, str]:
    """Run the CLI in-process; returns (exit code, stdout, stderr)."""
    code = main([str(a) for a in argv])
    out, err = capsys.readouterr()
    return code, out, err


def run_sub(*argv, stdin: bytes | None = None, cwd: Path | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "cleaner", *map(str, argv)],
        input=stdin,
        capture_output=True,
        cwd=cwd,
        timeout=120,
        check=False,
    )


def listing(directory: Path) -> list[str]:
    """Every file and directory under ``directory`` (hidden temp files included), sorted."""
    return sorted(p.relative_to(directory).as_posix() for p in directory.rglob("*"))


def tree_bytes(directory: Path) -> dict[str, bytes]:
    return {p.relative_to(directory).as_posix(): p.read_bytes() for p in directory.rglob("*") if p.is_file()}


def snapshot(directory: Path) -> dict[str, tuple[bytes | None, int]]:
    """Bytes and modification times of everything under ``directory``, the directory itself included."""
    snap = {".": (None, directory.stat().st_mtime_ns)}
    for p in directory.rglob("*"):
        st = p.stat()
        snap[p.relative_to(directory).as_posix()] = (p.read_bytes() if p.is_file() else None, st.st_mtime_ns)
    return snap


def read_report(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def failed_lines(err: str) -> list[str]:
    return [line for line in err.splitlines() if line.startswith("cleaner: failed: ")]


def timeless(err: str) -> str:
    """Standard error without the summary's elapsed time and rate, which differ from run to run."""
    return "\n".join(line for line in err.splitlines() if not line.startswith("cleaner: elapsed "))


def summary_line(err: str) -> str:
    lines = [line for line in err.splitlines() if line.strip()]
    assert lines, "no summary on standard error"
    return lines[-1]


def copy_seeds(dest: Path) -> Path:
    shutil.copytree(SEEDS, dest)
    return dest


@pytest.fixture(scope="module")
def default_cleaner() -> Cleaner:
    return Cleaner()


@pytest.fixture(scope="module")
def cleaned_seeds(default_cleaner) -> dict[str, bytes]:
    """What the library makes of each seed with the bundled rules: the expected output files."""
    out = {}
    for seed in sorted(SEEDS.glob("*.txt")):
        result = default_cleaner.clean(seed.read_text(encoding="utf-8"), id=seed.stem)
        assert result.ok, seed
        out[seed.name] = result.text.encode("utf-8")
    return out


# --- clean: files, directories, standard input ----------------------------------------------------


def test_clean_seeds_full_run_subprocess(tmp_path, cleaned_seeds):
    out, report = tmp_path / "out", tmp_path / "reports" / "run.jsonl"
    proc = run_sub("clean", SEEDS, "-o", out, "--report", report)
    assert proc.returncode == OK, proc.stderr
    assert proc.stdout == b""  # data only goes to stdout when there is no -o
    err = proc.stderr.decode()
    assert summary_line(err).startswith("cleaner: 5 cleaned, 0 unchanged, 0 dropped, 0 failed")
    seeds = sorted(p.name for p in SEEDS.iterdir() if p.suffix == ".txt")
    assert listing(out) == seeds  # one .txt per seed, no temp files left behind
    assert tree_bytes(out) == cleaned_seeds
    assert listing(report.parent) == ["run.jsonl"]
    assert len(read_report(report)) == len(seeds)


def test_clean_stdin_subprocess():
    proc = run_sub("clean", "-", stdin=b"Putin met Zelensky 's envoy.\nSTORY CONTINUES BELOW THIS AD\n")
    assert proc.returncode == OK, proc.stderr
    assert proc.stdout == b"Putin met Zelensky's envoy.\n"
    assert summary_line(proc.stderr.decode()).startswith("cleaner: 1 cleaned")


def test_clean_single_file_prints_to_stdout(capsys, cleaned_seeds):
    code, out, err = run(capsys, "clean", EXPLAIN_SEED)
    assert code == OK
    assert out.encode("utf-8") == cleaned_seeds[EXPLAIN_SEED.name]
    assert summary_line(err).startswith("cleaner: ")
    assert "STORY CONTINUES BELOW THIS AD" not in out


def test_clean_with_output_writes_nothing_to_stdout(capsys, tmp_path):
    code, out, err = run(capsys, "clean", EXPLAIN_SEED, "-o", tmp_path / "out")
    assert code == OK
    assert out == ""
    assert listing(tmp_path / "out") == [EXPLAIN_SEED.name]
    assert summary_line(err).startswith("cleaner: 1 cleaned")


def test_quiet_has_no_summary(capsys, tmp_path):
    code, out, err = run(capsys, "clean", SEEDS, "-o", tmp_path / "out", "-q")
    assert code == OK
    assert (out, err) == ("", "")


def test_clean_directory_without_output_is_usage_error(capsys):
    code, out, err = run(capsys, "clean", SEEDS)
    assert code == USAGE
    assert out == ""
    assert "cleaner: error:" in err and "-o" in err


def test_clean_jsonl_without_output_is_usage_error(capsys, tmp_path):
    f = tmp_path / "docs.jsonl"
    f.write_text(json.dumps({"id": "a", "text": "Some text."}) + "\n")
    code, out, err = run(capsys, "clean", f)
    assert code == USAGE
    assert out == ""
    assert "-o" in err


def test_unknown_input_path_is_usage_error(capsys, tmp_path):
    missing = tmp_path / "no-such-dir"
    code, out, err = run(capsys, "clean", missing, "-o", tmp_path / "out")
    assert code == USAGE
    assert out == ""
    assert f"{missing}: no such file or directory" in err
    assert not (tmp_path / "out").exists()


def test_unknown_input_next_to_good_one_is_usage_error(capsys, tmp_path):
    code, _, err = run(capsys, "clean", EXPLAIN_SEED, tmp_path / "typo.txt", "-o", tmp_path / "out")
    assert code == USAGE
    assert "typo.txt: no such file or directory" in err


def test_jobs_below_one_is_usage_error(capsys, tmp_path):
    code, _, err = run(capsys, "clean", SEEDS, "-o", tmp_path / "out", "--jobs", "0")
    assert code == USAGE
    assert "--jobs" in err


@pytest.mark.parametrize(
    "argv", [[], ["clean"], ["frobnicate"], ["check", "seeds"], ["clean", "x", "-q", "-v"]]
)
def test_argument_errors_exit_2(capsys, argv):
    with pytest.raises(SystemExit) as exc:
        main(argv)
    assert exc.value.code == USAGE
    out, err = capsys.readouterr()
    assert out == ""
    assert "cleaner: error:" in err


# --- clean: mirroring, formats, failures ----------------------------------------------------------


def test_html_tree_is_mirrored(capsys, tmp_path):
    src, out, report = tmp_path / "in", tmp_path / "out", tmp_path / "report.jsonl"
    (src / "a").mkdir(parents=True)
    (src / "a" / "b.html").write_text(ARTICLE_HTML, encoding="utf-8")
    code, stdout, _ = run(capsys, "clean", src, "-o", out, "--report", report)
    assert code == OK
    assert stdout == ""
    assert listing(out) == ["a", "a/b.txt"]
    text = (out / "a" / "b.txt").read_text(encoding="utf-8")
    assert "Engineers replaced the corroded steel cables" in text
    assert "a long detour." in text
    assert "<p>" not in text and "Copyright 2025" not in text
    (record,) = read_report(report)
    assert record["id"] == "a/b"
    assert record["path"] == str(src / "a" / "b.html")
    assert record["status"] == "cleaned"
    assert record["edits"][0]["stage"] == "extract"


def _jsonl_records(default_cleaner):
    seed = EXPLAIN_SEED.read_text(encoding="utf-8")
    return [
        {"id": "r1", "text": seed, "url": "https://example.com/1", "lang": "en", "score": 0.5},
        {"id": "r3", "text": "Putin met Zelensky 's envoy.\n", "tags": ["a", "b"], "nested": {"k": 1}},
    ]


def _check_jsonl_output(lines: list[str], records: list[dict], default_cleaner: Cleaner) -> None:
    got = [json.loads(line) for line in lines]
    assert [g["id"] for g in got] == [r["id"] for r in records]
    for g, r in zip(got, records, strict=True):
        expected = default_cleaner.clean(r["text"], id=r["id"])
        assert g["text"] == expected.text  # text replaced by the cleaned text
        assert {k: v for k, v in g.items() if k not in ("text", "cleaner")} == {
            k: v for k, v in r.items() if k != "text"
        }  # every other field kept as it was
        assert g["cleaner"]["status"] == expected.status
        assert "metadata" in g["cleaner"]


def test_jsonl_and_gz_keep_fields_and_report_bad_line(capsys, tmp_path, default_cleaner):
    src, out, report = tmp_path / "in", tmp_path / "out", tmp_path / "report.jsonl"
    (src / "a").mkdir(parents=True)
    good = _jsonl_records(default_cleaner)
    lines = [json.dumps(good[0]), '{"id": "r2", "text": "cut off', json.dumps(good[1])]
    (src / "docs.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    with gzip.open(src / "a" / "more.jsonl.gz", "wt", encoding="utf-8") as fh:
        fh.write("".join(json.dumps(r) + "\n" for r in good))

    code, stdout, err = run(capsys, "clean", src, "-o", out, "--report", report)

    assert code == FAILURES
    assert stdout == ""
    assert listing(out) == ["a", "a/more.jsonl.gz", "docs.jsonl"]
    _check_jsonl_output((out / "docs.jsonl").read_text(encoding="utf-8").splitlines(), good, default_cleaner)
    with gzip.open(out / "a" / "more.jsonl.gz", "rt", encoding="utf-8") as fh:
        _check_jsonl_output(fh.read().splitlines(), good, default_cleaner)
    # the bad line is reported as path:line
    bad = f"{src / 'docs.jsonl'}:2"
    (failure,) = failed_lines(err)
    assert failure.startswith(f"cleaner: failed: {bad}: ")
    assert "not JSON" in failure
    assert "1 failed" in summary_line(err)
    records = read_report(report)
    assert [r["status"] for r in records if r["path"] == bad] == ["failed"]
    assert len(records) == 5  # 3 lines of docs.jsonl, 2 of more.jsonl.gz


def test_jsonl_record_without_text_fails(capsys, tmp_path):
    src, out = tmp_path / "in", tmp_path / "out"
    src.mkdir()
    lines = [json.dumps({"id": "x", "body": "no text key"}), json.dumps({"id": "y", "text": "Fine text."})]
    (src / "d.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    code, _, err = run(capsys, "clean", src, "-o", out)
    assert code == FAILURES
    (failure,) = failed_lines(err)
    assert f"{src / 'd.jsonl'}:1" in failure
    assert [json.loads(line)["id"] for line in (out / "d.jsonl").read_text().splitlines()] == ["y"]


def test_binary_txt_fails_and_others_are_written(capsys, tmp_path, cleaned_seeds):
    src, out = tmp_path / "in", tmp_path / "out"
    src.mkdir()
    shutil.copy(EXPLAIN_SEED, src / "good.txt")
    (src / "image.txt").write_bytes(BINARY)
    code, stdout, err = run(capsys, "clean", src, "-o", out)
    assert code == FAILURES
    assert stdout == ""
    assert listing(out) == ["good.txt"]
    assert (out / "good.txt").read_bytes() == cleaned_seeds[EXPLAIN_SEED.name]
    (failure,) = failed_lines(err)
    assert failure.startswith(f"cleaner: failed: {src / 'image.txt'}: ")
    assert "binary" in failure
    assert summary_line(err).startswith("cleaner: 1 cleaned, 0 unchanged, 0 dropped, 1 failed")


def test_binary_single_file_to_stdout_fails(capsys, tmp_path):
    f = tmp_path / "image.txt"
    f.write_bytes(BINARY)
    code, out, err = run(capsys, "clean", f)
    assert code == FAILURES
    assert out == ""
    assert str(f) in err


def test_latin1_txt_is_decoded_and_encoding_recorded(capsys, tmp_path):
    src, out, report = tmp_path / "in", tmp_path / "out", tmp_path / "r.jsonl"
    src.mkdir()
    (src / "fr.txt").write_bytes(FRENCH.encode("latin-1"))
    code, _, _ = run(capsys, "clean", src, "-o", out, "--report", report)
    assert code == OK
    assert (out / "fr.txt").read_bytes().decode("utf-8") == FRENCH
    (record,) = read_report(report)
    assert record["metadata"]["encoding"] not in (None, "utf-8")


def test_utf8_txt_records_no_encoding(capsys, tmp_path):
    src, report = tmp_path / "in", tmp_path / "r.jsonl"
    src.mkdir()
    (src / "fr.txt").write_text(FRENCH, encoding="utf-8")
    code, _, _ = run(capsys, "clean", src, "-o", tmp_path / "out", "--report", report)
    assert code == OK
    (record,) = read_report(report)
    assert "encoding" not in record["metadata"]


@pytest.mark.parametrize("content", [b"", b"  \n\n\t \n"])
def test_empty_txt_fails(capsys, tmp_path, content):
    src, out, report = tmp_path / "in", tmp_path / "out", tmp_path / "r.jsonl"
    src.mkdir()
    (src / "empty.txt").write_bytes(content)
    shutil.copy(EXPLAIN_SEED, src / "good.txt")
    code, _, err = run(capsys, "clean", src, "-o", out, "--report", report)
    assert code == FAILURES
    assert listing(out) == ["good.txt"]
    (failure,) = failed_lines(err)
    assert failure.startswith(f"cleaner: failed: {src / 'empty.txt'}: ")
    assert "empty document" in failure
    statuses = {r["id"]: (r["status"], r["error"]) for r in read_report(report)}
    assert statuses["empty"][0] == "failed"
    assert "empty document" in statuses["empty"][1]
    assert statuses["good"] == ("cleaned", None)


def test_explicit_unsupported_file_is_usage_error(capsys, tmp_path):
    f = tmp_path / "notes.md"
    f.write_text("Some notes.\n")
    code, _, err = run(capsys, "clean", f, "-o", tmp_path / "out")
    assert code == USAGE
    assert f"{f}: not a .txt, .html, .htm, .jsonl or .jsonl.gz file" in err
    assert not (tmp_path / "out").exists()


def test_unsupported_files_in_directory_are_skipped(capsys, tmp_path):
    src, out = tmp_path / "in", tmp_path / "out"
    src.mkdir()
    shutil.copy(EXPLAIN_SEED, src / "good.txt")
    (src / "notes.md").write_text("x")
    (src / "photo.jpg").write_bytes(BINARY)
    code, _, err = run(capsys, "clean", src, "-o", out)
    assert code == OK
    assert listing(out) == ["good.txt"]
    assert failed_lines(err) == []


def test_two_inputs_with_the_same_output_name_are_not_silently_merged(capsys, tmp_path):
    src, out = tmp_path / "in", tmp_path / "out"
    src.mkdir()
    (src / "a.html").write_text(ARTICLE_HTML, encoding="utf-8")
    shutil.copy(EXPLAIN_SEED, src / "a.txt")
    code, _, _ = run(capsys, "clean", src, "-o", out)
    assert code == FAILURES


# --- the report -----------------------------------------------------------------------------------


def test_report_records_and_edits_replay(capsys, tmp_path):
    out, report = tmp_path / "out", tmp_path / "reports" / "report.jsonl"
    code, _, _ = run(capsys, "clean", SEEDS, "-o", out, "--report", report)
    assert code == OK
    assert listing(report.parent) == ["report.jsonl"]  # complete: the temp file was renamed
    assert report.read_text(encoding="utf-8").endswith("\n")
    records = read_report(report)
    seeds = sorted(SEEDS.glob("*.txt"))
    assert [r["path"] for r in records] == [str(p) for p in seeds]
    assert [r["id"] for r in records] == [p.stem for p in seeds]
    for record, seed in zip(records, seeds, strict=True):
        assert set(record) >= REPORT_KEYS
        assert record["status"] in ("cleaned", "unchanged")
        assert isinstance(record["metadata"], dict)
        assert record["edits"], seed.name
        for e in record["edits"]:
            assert set(e) == EDIT_KEYS
            assert isinstance(e["start"], int) and isinstance(e["end"], int)
            assert 0 <= e["start"] <= e["end"]
            assert e["reason"]
        # the edits are enough to replay the change (DESIGN.md section 3)
        edits = [Edit(**e) for e in record["edits"]]
        assert replay(seed.read_text(encoding="utf-8"), edits) == (out / seed.name).read_text(
            encoding="utf-8"
        )


def test_report_replaces_previous_report_and_leaves_no_temp(capsys, tmp_path):
    report = tmp_path / "r.jsonl"
    report.write_text("stale\n")
    code, _, _ = run(capsys, "clean", EXPLAIN_SEED, "-o", tmp_path / "out", "--report", report)
    assert code == OK
    (record,) = read_report(report)
    assert record["status"] == "cleaned"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out", "r.jsonl"]


def test_report_is_not_published_when_the_run_breaks(capsys, tmp_path, monkeypatch):
    from cleaner.run.engine import Engine

    real = Engine.ordered

    def broken(self, *args, **kw):
        gen = real(self, *args, **kw)
        yield next(gen)
        raise RuntimeError("interrupted")

    monkeypatch.setattr(Engine, "ordered", broken)
    src = copy_seeds(tmp_path / "in")
    report = tmp_path / "reports" / "r.jsonl"
    report.parent.mkdir()
    report.write_text("previous complete report\n")
    with pytest.raises(RuntimeError, match="interrupted"):
        main(["clean", str(src), "-o", str(tmp_path / "out"), "--report", str(report)])
    assert report.read_text() == "previous complete report\n"
    assert listing(report.parent) == ["r.jsonl"]


# --- inputs are never modified; determinism; idempotence ------------------------------------------


def test_input_directory_is_never_modified(capsys, tmp_path):
    src = tmp_path / "in"
    copy_seeds(src / "seeds")
    (src / "pages").mkdir()
    (src / "pages" / "b.html").write_text(ARTICLE_HTML, encoding="utf-8")
    (src / "docs.jsonl").write_text(json.dumps({"id": "a", "text": "Zelensky 's envoy.\n"}) + "\nbad\n")
    (src / "docs.jsonl.gz").write_bytes(gzip.compress(b'{"id": "b", "text": "Some text."}\n'))
    (src / "bin.txt").write_bytes(BINARY)
    (src / "empty.txt").write_bytes(b"")
    (src / "latin.txt").write_bytes(FRENCH.encode("latin-1"))
    (src / "notes.md").write_text("skipped")
    before = snapshot(src)
    code, _, _ = run(capsys, "clean", src, "-o", tmp_path / "out", "--report", tmp_path / "r.jsonl")
    assert code == FAILURES  # bin.txt, empty.txt and the bad JSONL line
    code, _, _ = run(capsys, "clean", src, "-o", tmp_path / "out2", "--jobs", "2")
    assert code == FAILURES
    assert snapshot(src) == before


def test_output_dir_inside_input_dir_is_not_read_back(capsys, tmp_path):
    src = copy_seeds(tmp_path / "in")
    out = src / "cleaned"
    for _ in range(2):
        code, _, err = run(capsys, "clean", src, "-o", out)
        assert code == OK
        assert summary_line(err).startswith("cleaner: 5 cleaned")
    assert listing(out) == sorted(p.name for p in SEEDS.glob("*.txt"))


def test_jobs_2_gives_the_same_bytes_as_jobs_1(capsys, tmp_path):
    src = tmp_path / "in"
    for n in range(4):
        copy_seeds(src / f"copy{n}")
    (src / "docs.jsonl").write_text(
        "".join(json.dumps({"id": p.stem, "text": p.read_text()}) + "\n" for p in sorted(SEEDS.glob("*.txt")))
    )
    (src / "bin.txt").write_bytes(BINARY)
    results = []
    for jobs in ("1", "2"):
        out, report = tmp_path / f"out{jobs}", tmp_path / f"report{jobs}.jsonl"
        code, stdout, err = run(capsys, "clean", src, "-o", out, "--jobs", jobs, "--report", report)
        results.append((code, stdout, err, tree_bytes(out), report.read_bytes()))
    (c1, o1, e1, t1, r1), (c2, o2, e2, t2, r2) = results
    assert c1 == c2 == FAILURES  # bin.txt
    assert len(t1) == 4 * 5 + 1
    assert t1 == t2
    assert r1 == r2  # same records, in the same (input) order
    assert (o1, timeless(e1)) == (o2, timeless(e2))


def test_cleaning_the_output_again_changes_nothing(capsys, tmp_path):
    src = tmp_path / "in"
    copy_seeds(src)
    (src / "page.html").write_text(ARTICLE_HTML, encoding="utf-8")
    first, second, report = tmp_path / "first", tmp_path / "second", tmp_path / "r.jsonl"
    assert run(capsys, "clean", src, "-o", first)[0] == OK
    code, _, err = run(capsys, "clean", first, "-o", second, "--report", report)
    assert code == OK
    assert tree_bytes(second) == tree_bytes(first)
    assert {r["status"] for r in read_report(report)} == {"unchanged"}
    assert summary_line(err).startswith("cleaner: 0 cleaned, 6 unchanged")


# --- check ----------------------------------------------------------------------------------------


def test_check_repo_goldens_pass(capsys):
    code, out, err = run(capsys, "check", SEEDS, "--golden", GOLDEN)
    assert code == OK
    assert out == ""
    assert "5 match, 0 differ, 0 missing, 0 orphans, 0 failed" in err


@pytest.fixture
def golden_copy(tmp_path, cleaned_seeds) -> Path:
    """A golden directory that matches the seeds (made from the library, not copied from the repo)."""
    g = tmp_path / "golden"
    g.mkdir()
    for name, data in cleaned_seeds.items():
        (g / name).write_bytes(data)
    return g


def test_check_edited_golden_prints_unified_diff(capsys, golden_copy):
    target = golden_copy / EXPLAIN_SEED.name
    text = target.read_text(encoding="utf-8")
    first_line = text.splitlines()[0]
    target.write_text(text.replace(first_line, "An edited headline", 1), encoding="utf-8")
    code, out, err = run(capsys, "check", SEEDS, "--golden", golden_copy)
    assert code == DIFFERENT
    lines = out.splitlines()
    assert any(line.startswith("--- ") and str(target) in line for line in lines)
    assert any(line.startswith("+++ ") and str(target) in line for line in lines)
    assert any(line.startswith("@@ ") for line in lines)
    assert "-An edited headline" in lines
    assert f"+{first_line}" in lines
    assert f"differs: {target}" in err
    assert "4 match, 1 differ" in err


def test_check_missing_golden_fails(capsys, golden_copy):
    target = golden_copy / EXPLAIN_SEED.name
    target.unlink()
    code, _, err = run(capsys, "check", SEEDS, "--golden", golden_copy)
    assert code == DIFFERENT
    assert f"missing golden: {target}" in err
    assert not target.exists()  # check without --update writes nothing


def test_check_orphan_golden_fails(capsys, golden_copy):
    orphan = golden_copy / "999_no_such_seed.txt"
    orphan.write_text("A golden without a seed.\n")
    code, _, err = run(capsys, "check", SEEDS, "--golden", golden_copy)
    assert code == DIFFERENT
    assert f"orphan golden (no seed): {orphan}" in err
    assert orphan.exists()


def test_check_update_rewrites_then_passes(capsys, golden_copy, cleaned_seeds):
    edited = golden_copy / EXPLAIN_SEED.name
    edited.write_text("stale golden\n")
    missing = sorted(golden_copy.glob("*.txt"))[0]
    missing.unlink()
    (golden_copy / "999_orphan.txt").write_text("orphan\n")
    code, out, err = run(capsys, "check", SEEDS, "--golden", golden_copy, "--update")
    assert code == DIFFERENT  # a person reviews the change before committing it
    assert "-stale golden" in out.splitlines()
    assert f"updated: {edited}" in err
    assert tree_bytes(golden_copy) == cleaned_seeds  # rewritten, recreated, orphan removed
    code, out, err = run(capsys, "check", SEEDS, "--golden", golden_copy)
    assert code == OK
    assert out == ""


def test_check_update_into_new_directory(capsys, tmp_path, cleaned_seeds):
    golden = tmp_path / "new-golden"
    code, _, _ = run(capsys, "check", SEEDS, "--golden", golden, "--update")
    assert code == DIFFERENT
    assert tree_bytes(golden) == cleaned_seeds
    assert run(capsys, "check", SEEDS, "--golden", golden)[0] == OK


def test_check_seeds_not_a_directory_is_usage_error(capsys, tmp_path):
    code, _, err = run(capsys, "check", tmp_path / "nope", "--golden", GOLDEN)
    assert code == USAGE
    assert "not a directory" in err


def test_check_binary_seed_fails(capsys, tmp_path, golden_copy):
    seeds = copy_seeds(tmp_path / "seeds")
    (seeds / "999_binary.txt").write_bytes(BINARY)
    code, _, err = run(capsys, "check", seeds, "--golden", golden_copy)
    assert code == FAILURES
    assert "failed:" in err and "999_binary.txt" in err


def test_check_seeds_with_dots_in_their_names(capsys, tmp_path):
    seeds, golden = tmp_path / "seeds", tmp_path / "golden"
    seeds.mkdir()
    first, second = sorted(SEEDS.glob("*.txt"))[:2]
    shutil.copy(first, seeds / "story.v1.txt")
    shutil.copy(second, seeds / "story.v2.txt")
    run(capsys, "check", seeds, "--golden", golden, "--update")
    code, _, err = run(capsys, "check", seeds, "--golden", golden)
    assert code == OK, err


# --- explain --------------------------------------------------------------------------------------


def test_explain_marks_edits_and_lists_reasons(capsys, default_cleaner):
    code, out, _ = run(capsys, "explain", EXPLAIN_SEED)
    assert code == OK
    assert "⟨ad-slot-marker⟩" in out
    assert "[-STORY CONTINUES BELOW THIS AD" in out
    assert "\033[" not in out  # no colour when stdout is not a terminal
    rules = {r.id: r for r in load_rules().all_rules()}
    result = default_cleaner.clean(EXPLAIN_SEED.read_text(encoding="utf-8"), id=str(EXPLAIN_SEED))
    fired = Counter(e.rule for e in result.edits if e.stage != "canonical")
    assert "ad-slot-marker" in fired
    lines = out.splitlines()
    for rule_id, n in fired.items():
        if rule_id in rules:
            rule = rules[rule_id]
            assert f"⟨{rule_id}⟩ {rule.stage}, {n}×: {rule.reason}" in lines
        else:  # an edit a stage makes without a rule file entry
            assert any(line.startswith(f"⟨{rule_id}⟩ ") for line in lines)
    assert any(line.startswith(f"{EXPLAIN_SEED}: cleaned, ") for line in lines)


def test_explain_all_shows_format_edits(capsys):
    _, plain, _ = run(capsys, "explain", EXPLAIN_SEED)
    code, everything, _ = run(capsys, "explain", EXPLAIN_SEED, "--all")
    assert code == OK
    legend = [line for line in everything.splitlines() if line.startswith("⟨")]
    assert any(" canonical, " in line for line in legend)
    assert not any(" canonical, " in line for line in plain.splitlines() if line.startswith("⟨"))


def test_explain_json_is_the_report_record(capsys):
    code, out, _ = run(capsys, "explain", EXPLAIN_SEED, "--json")
    assert code == OK
    record = json.loads(out)
    assert set(record) >= REPORT_KEYS
    assert record["status"] == "cleaned"
    assert any(e["rule"] == "ad-slot-marker" for e in record["edits"])


def test_explain_binary_file_fails(capsys, tmp_path):
    f = tmp_path / "image.txt"
    f.write_bytes(BINARY)
    code, out, err = run(capsys, "explain", f)
    assert code == FAILURES
    assert out == ""
    assert str(f) in err


# --- rules ----------------------------------------------------------------------------------------


def test_rules_lists_every_rule(capsys):
    code, out, err = run(capsys, "rules")
    assert code == OK
    ids = [r.id for r in load_rules().all_rules()]
    assert ids
    listed = {line.split()[0] for line in out.splitlines() if line.startswith("  ")}
    assert listed == set(ids)
    assert "valid" in err


def test_rules_json(capsys):
    code, out, _ = run(capsys, "rules", "--json")
    assert code == OK
    listing_ = json.loads(out)
    ids = [r["id"] for stage in listing_ for r in stage["rules"]]
    assert ids == [r.id for r in load_rules().all_rules()]


BAD_RULES = """\
stage = "boilerplate"
concept = "broken rules for the test"

[[rule]]
id = "typo-key"
patern = '(?i)subscribe now'
reason = "a typo in the pattern key"
examples = ["Subscribe now"]
keep = ["We did not subscribe now or ever to that view of the world."]

[[rule]]
id = "bad-regex"
pattern = '('
reason = "an unbalanced parenthesis"
examples = ["("]
keep = []

[[rule]]
id = "empty-match"
pattern = 'a*'
reason = "matches the empty string"
examples = ["aaa"]
keep = []

[[rule]]
id = "backspace"
pattern = "\\bsubscribe\\b"
reason = "a double-quoted pattern: TOML turns the word boundary into a backspace"
examples = ["subscribe"]
keep = []

[[rule]]
id = "twin-rule"
pattern = '(?i)sign up for our newsletter'
reason = "first definition"
examples = ["Sign up for our newsletter"]
keep = ["Many readers sign up for our newsletter every week, the editor said."]

[[rule]]
id = "twin-rule"
pattern = '(?i)join our newsletter'
reason = "second definition with the same id"
examples = ["Join our newsletter"]
keep = ["Many readers join our newsletter every week, the editor said."]
"""

BAD_STAGE = """\
stage = "boilerplat"
concept = "a misspelt stage"

[[rule]]
id = "in-bad-stage"
pattern = '(?i)share this'
reason = "a rule of a stage that does not exist"
examples = ["Share this"]
keep = []
"""


@pytest.fixture
def bad_rules(tmp_path) -> tuple[Path, Path]:
    bad, stage = tmp_path / "bad.toml", tmp_path / "badstage.toml"
    bad.write_text(BAD_RULES, encoding="utf-8")
    stage.write_text(BAD_STAGE, encoding="utf-8")
    return bad, stage


def _problems(err: str) -> list[str]:
    lines = err.splitlines()
    header = re.fullmatch(r"cleaner: invalid rules \((\d+) problems\):", lines[0])
    assert header, err
    problems = [line.strip() for line in lines[1:] if line.startswith("  ")]
    assert len(problems) == int(header.group(1))
    return problems


def _find(problems: list[str], *parts: str) -> str:
    hits = [p for p in problems if all(part in p for part in parts)]
    assert hits, f"no problem with {parts} in:\n" + "\n".join(problems)
    return hits[0]


def test_rules_bad_file_lists_every_problem(capsys, bad_rules):
    bad, stage = bad_rules
    code, out, err = run(capsys, "rules", "--rules", bad, "--rules", stage)
    assert code == USAGE
    assert out == ""
    problems = _problems(err)
    b = str(bad)
    typo = _find(problems, b, "rule 'typo-key'", "unknown key 'patern'")
    assert "(hint: did you mean 'pattern'?)" in typo
    _find(problems, b, "rule 'bad-regex'", "does not compile")
    assert "(hint: " in _find(problems, b, "rule 'empty-match'", "matches the empty string")
    backspace = _find(problems, b, "rule 'backspace'", "control character '\\x08'")
    assert "(hint: " in backspace and "single-quoted" in backspace
    dup = _find(problems, b, "rule 'twin-rule'", "duplicate rule id")
    assert "(hint: already defined at " in dup
    wrong_stage = _find(problems, str(stage), "'boilerplat'")
    assert "(hint: " in wrong_stage and "boilerplate" in wrong_stage
    # problems carry line numbers of the rule in its file
    assert _find(problems, "rule 'bad-regex'").startswith(f"{b}:12: ")


def test_rules_every_problem_has_a_hint(capsys, bad_rules):
    code, _, err = run(capsys, "rules", "--rules", bad_rules[0])
    assert code == USAGE
    for problem in _problems(err):
        assert "(hint: " in problem, problem


def test_rules_duplicate_in_same_file_points_at_the_duplicate(capsys, bad_rules):
    bad = bad_rules[0]
    second = BAD_RULES.splitlines().index('id = "twin-rule"', 34) + 1
    code, _, err = run(capsys, "rules", "--rules", bad)
    assert code == USAGE
    dup = _find(_problems(err), "duplicate rule id")
    assert dup.startswith(f"{bad}:{second}: ")


def test_rules_duplicate_of_bundled_rule(capsys, tmp_path):
    extra = tmp_path / "extra.toml"
    extra.write_text(
        'stage = "boilerplate"\nconcept = "x"\n\n[[rule]]\nid = "ad-slot-marker"\n'
        'pattern = \'(?i)advert break here\'\nreason = "again"\nexamples = ["Advert break here"]\n'
        'keep = ["An advert break here and there is fine, the producer said."]\n'
    )
    code, _, err = run(capsys, "rules", "--rules", "default", "--rules", extra)
    assert code == OK, err  # the user's rule of the same stage and id replaces the bundled one
    # the same id in another stage is no replacement: ids are unique across the set
    other = tmp_path / "other.toml"
    other.write_text(extra.read_text().replace('"boilerplate"', '"debris"'))
    code, _, err = run(capsys, "rules", "--rules", other)
    assert code == USAGE
    dup = _find(_problems(err), str(other), "rule 'ad-slot-marker'", "duplicate rule id")
    assert "ads.toml" in dup and "its own stage only" in dup


def test_invalid_rules_stop_clean_too(capsys, tmp_path, bad_rules):
    code, out, err = run(capsys, "clean", SEEDS, "-o", tmp_path / "out", "--rules", bad_rules[0])
    assert code == USAGE
    assert out == ""
    assert "invalid rules" in err
    assert not (tmp_path / "out").exists()


def test_missing_rules_path_is_usage_error(capsys, tmp_path):
    code, _, err = run(capsys, "rules", "--rules", tmp_path / "nope.toml")
    assert code == USAGE
    assert "no such rule file or directory" in err


def test_rules_says_which_rules_are_slow_and_why(capsys, tmp_path):
    """A rule neither the prefilter nor the line-local memo can serve is listed as slow, with the
    reason; the bundled rules the memo serves are not."""
    rules = tmp_path / "slow.toml"
    rules.write_text(
        'stage = "repair"\nconcept = "test"\n\n[[rule]]\nid = "spaces-across-lines"\nkind = "replace"\n'
        "pattern = '(?<=\\w)\\s+(?=;)'\nreason = 'test'\n"
        'examples = [["a ;", "a;"]]\nkeep = ["a; b"]\n',
        encoding="utf-8",
    )
    fuzzy = tmp_path / "fuzzy.toml"
    fuzzy.write_text(
        'stage = "boilerplate"\nconcept = "test"\n\n[[rule]]\nid = "fuzzy-menu"\n'
        "pattern = '(?:menu){e<=1}'\nreason = 'test'\nexamples = [\"menu\"]\nkeep = [\"a line of text\"]\n",
        encoding="utf-8",
    )
    code, out, err = run(
        capsys, "rules", "--rules", "default", "--rules", str(rules), "--rules", str(fuzzy), "--json"
    )
    assert code == OK
    slow = {r["id"]: r["slow"] for stage in json.loads(out) for r in stage["rules"]}
    assert any("whole in every pass" in why for why in slow["spaces-across-lines"])
    assert slow["spaced-hyphen"] == []  # line-local and gated by its "-"
    # no literal every match holds, but an RE2 gate rules lines out; fuzzy matching has no gate
    assert slow["timestamp"] == []
    assert any("every line" in why and "no RE2 gate" in why for why in slow["fuzzy-menu"])
    code, out, err = run(capsys, "rules", "--rules", "default", "--rules", str(rules))
    line = next(ln for ln in out.splitlines() if ln.split()[0] == "spaces-across-lines")
    assert "[slow: " in line and " slow" in err


def test_version(capsys):
    with pytest.raises(SystemExit) as exit_:
        main(["--version"])
    assert exit_.value.code == 0
    out = capsys.readouterr().out
    assert out.startswith("cleaner ") and out.strip() != "cleaner"
