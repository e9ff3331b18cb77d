"""``clean --resume`` (cleaner/run/journal.py): a run interrupted by ``kill -9`` or Ctrl-C, resumed, gives the
bytes and the report of an uninterrupted run, and only the items the journal vouches for are skipped.

Interruptions are made two ways: a real ``kill -9`` of ``python -m cleaner`` in a subprocess, and a
deterministic one in-process, where a patched ``cleaner.run.items.process_item`` (or ``Engine.ordered``, for
``--jobs``) raises KeyboardInterrupt after N items. What a resumed run cleans again is counted through a
patched ``Cleaner.clean`` (in-process) or seen from the inodes of the outputs (an output rewritten by
the atomic writer is a new file; one the run skipped keeps its inode and modification time).
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

import cleaner.run.engine
import cleaner.run.items
from cleaner.cli import main
from cleaner.pipeline import Cleaner
from cleaner.run.journal import JOURNAL

REPO = Path(__file__).resolve().parents[1]
SEEDS = sorted((REPO / "seeds").glob("*.txt"))

OK, USAGE, FAILURES = 0, 2, 3

# A prose line added to every variant, with a number that makes each output different. Digits are
# invisible to the name statistics, so changing the number changes an input without changing the
# run key.
COMMITTEE = (
    "The regional committee met {n} times this year, according to minutes kept by its clerk in the "
    "town hall archive."
)
EXTRA_RULE = f"""\
stage = "boilerplate"
concept = "committee minutes (test)"

[[rule]]
id = "committee-minutes-line"
pattern = 'The regional committee met \\d+ times this year, according to minutes .+ archive\\.'
max_words = 40
reason = "test rule: a line the test inputs carry"
examples = [{json.dumps(COMMITTEE.format(n=3))}]
keep = ["The regional committee met on Monday."]
"""
# What AtomicWriter names its temporary file: tempfile.mkstemp(prefix=".NAME.", suffix=".tmp")
TEMP = re.compile(r"^\.(?P<name>.+)\.[a-z0-9_]{8}\.tmp$")


# --- helpers --------------------------------------------------------------------------------------


def make_inputs(dest: Path, n: int) -> list[str]:
    """``n`` variants of the seeds, each with its own committee line; returns the output names, sorted."""
    dest.mkdir(parents=True)
    names = []
    for i in range(n):
        seed = SEEDS[i % len(SEEDS)]
        name = f"doc{i:03d}_{seed.stem[:3]}.txt"
        text = seed.read_text(encoding="utf-8") + "\n\n" + COMMITTEE.format(n=i + 3) + "\n"
        (dest / name).write_text(text, encoding="utf-8")
        names.append(name)
    return sorted(names)


def outputs(directory: Path) -> dict[str, bytes]:
    """The outputs under ``directory``: every file whose name does not start with a dot."""
    return {
        p.relative_to(directory).as_posix(): p.read_bytes()
        for p in directory.rglob("*")
        if p.is_file() and not p.name.startswith(".")
    }


def hidden(directory: Path) -> set[str]:
    return {p.name for p in directory.rglob(".*")}


def journal_items(out: Path) -> list[str]:
    """The items the journal vouches for, in order (the first line must be the run key; each item's
    line follows its record lines)."""
    text = (out / JOURNAL).read_text(encoding="utf-8")
    # a run that is still going may be writing a line: only whole lines (ending in a newline) count, as
    # they do when a run resumes from the journal
    lines = text[: text.rfind("\n") + 1].splitlines()
    if not lines:  # created, its run key not yet written
        return []
    first = json.loads(lines[0])
    assert set(first) == {"run"} and re.fullmatch(r"[0-9a-f]{32}", first["run"]), first
    entries = [json.loads(line) for line in lines[1:]]
    return [e["item"] for e in entries if "record" not in e]


def inodes(out: Path, names) -> dict[str, tuple[int, int]]:
    return {n: ((out / n).stat().st_ino, (out / n).stat().st_mtime_ns) for n in names}


def stem(name: str) -> str:
    return name[: -len(".txt")]


def timeless(err: str) -> str:
    """Standard error without the summary's elapsed time and rate, which differ from run to run."""
    return "\n".join(line for line in err.splitlines() if not line.startswith("cleaner: elapsed "))


def summary_line(err: str) -> str:
    return [line for line in err.splitlines() if line.strip()][-1]


def run(capsys, *argv) -> tuple[int, str, str]:
    code = main([str(a) for a in argv])
    out, err = capsys.readouterr()
    return code, out, err


def run_quietly(*argv) -> tuple[int, str]:
    """In-process run outside a test (module fixtures): (exit code, standard error)."""
    err = io.StringIO()
    with contextlib.redirect_stderr(err), contextlib.redirect_stdout(io.StringIO()):
        code = main([str(a) for a in argv])
    return code, err.getvalue()


def run_sub(*argv, timeout: float = 120) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "cleaner", *map(str, argv)],
        capture_output=True,
        cwd=REPO,
        timeout=timeout,
        check=False,
    )


@contextlib.contextmanager
def interrupt_after(monkeypatch, n: int, *, output_written: bool = False):
    """Ctrl-C after ``n`` items of a serial run: the next call of ``process_item`` raises KeyboardInterrupt,
    before it cleans its item or, with ``output_written``, after its output is in place but before the
    command line could note it in the journal."""
    real = cleaner.run.items.process_item
    calls = []

    def patched(*args, **kw):
        calls.append(args[1].rel)
        if len(calls) > n:
            if output_written:
                real(*args, **kw)
            raise KeyboardInterrupt
        return real(*args, **kw)

    with monkeypatch.context() as m:
        m.setattr(cleaner.run.items, "process_item", patched)
        yield calls


@contextlib.contextmanager
def interrupt_jobs_after(monkeypatch, n: int):
    """Ctrl-C after ``n`` items reached the run from its engine (any ``--jobs``); the workers may have
    written outputs ahead of that, which the journal knows nothing about."""
    real = cleaner.run.engine.Engine.ordered

    def patched(self, *args, **kw):
        for k, outcome in enumerate(real(self, *args, **kw)):
            if k == n:
                raise KeyboardInterrupt
            yield outcome

    with monkeypatch.context() as m:
        m.setattr(cleaner.run.engine.Engine, "ordered", patched)
        yield


@pytest.fixture
def cleaned_ids(monkeypatch) -> list[str]:
    """The ids of the documents ``Cleaner.clean`` is asked to clean in this process, in order."""
    ids: list[str] = []
    real = Cleaner.clean

    def counting(self, text, *, id=None, **kw):
        ids.append(id)
        return real(self, text, id=id, **kw)

    monkeypatch.setattr(Cleaner, "clean", counting)
    return ids


class Reference:
    """An uninterrupted run over ``src``: its outputs, report bytes and summary line."""

    def __init__(self, src: Path, out: Path, report: Path, *extra):
        code, err = run_quietly("clean", src, "-o", out, "--report", report, *extra)
        assert code == OK, err
        self.outputs = outputs(out)
        self.report = report.read_bytes()
        self.summary = summary_line(err)
        self.hidden = hidden(out)


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    """Ten variants of the seeds and their uninterrupted run (inputs shared: tests must not modify them)."""
    base = tmp_path_factory.mktemp("corpus")
    names = make_inputs(base / "in", 10)
    ref = Reference(base / "in", base / "ref", base / "ref.jsonl")
    assert sorted(ref.outputs) == names
    assert len(set(ref.outputs.values())) == len(names)  # every output is different
    return base / "in", names, ref


@pytest.fixture
def own_corpus(tmp_path):
    """Ten variants in this test's own directory, for tests that change inputs."""
    names = make_inputs(tmp_path / "in", 10)
    return tmp_path / "in", names


def interrupted(monkeypatch, capsys, src: Path, out: Path, n: int, *extra, **kw) -> list[str]:
    """Run ``clean src -o out --report`` and Ctrl-C it after ``n`` items; returns the journal's items."""
    report = out.parent / f"{out.name}-interrupted.jsonl"
    with interrupt_after(monkeypatch, n, **kw), pytest.raises(KeyboardInterrupt):
        main([str(a) for a in ("clean", src, "-o", out, "--report", report, *extra)])
    capsys.readouterr()
    assert not report.exists()  # an interrupted run publishes no report
    assert not list(report.parent.glob(f".{report.name}*"))  # nor leaves its temporary one
    return journal_items(out)


# --- 1. a real kill -9 ----------------------------------------------------------------------------


def test_kill_9_then_resume_gives_the_uninterrupted_bytes_and_report(tmp_path):
    src = tmp_path / "in"
    names = make_inputs(src, 80)
    out0, out, reports = tmp_path / "out0", tmp_path / "out", tmp_path / "reports"
    r0, r1, r2 = reports / "R0.jsonl", reports / "R1.jsonl", reports / "R2.jsonl"

    ref = run_sub("clean", src, "-o", out0, "--report", r0)
    assert ref.returncode == OK, ref.stderr
    expected = outputs(out0)
    assert sorted(expected) == names and len(set(expected.values())) == len(names)
    assert hidden(out0) == set()  # a completed run leaves neither journal nor temp files

    proc = subprocess.Popen(
        [sys.executable, "-m", "cleaner", "clean", str(src), "-o", str(out), "--report", str(r1)],
        cwd=REPO,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    journal = out / JOURNAL
    deadline = time.monotonic() + 60
    try:
        while proc.poll() is None and time.monotonic() < deadline:
            if journal.exists() and journal.read_text(encoding="utf-8").count('"item": ') >= 3:
                break
            time.sleep(0.002)
        finished = proc.poll() is not None
        if not finished:
            os.kill(proc.pid, signal.SIGKILL)
    finally:
        if proc.poll() is None and time.monotonic() >= deadline:
            os.kill(proc.pid, signal.SIGKILL)
        proc.wait(timeout=30)
    if finished:
        pytest.skip(f"the run over {len(names)} inputs finished (rc {proc.returncode}) before it was killed")
    assert proc.returncode == -signal.SIGKILL

    # after the kill: the journal is there and every line in it names a whole output
    assert journal.is_file()
    done = journal_items(out)
    assert len(done) >= 3 and done == names[: len(done)]
    partial = outputs(out)
    assert set(done) <= set(partial)
    # at most the one output renamed into place just before its journal line could be written
    unvouched = set(partial) - set(done)
    assert unvouched <= set(names[len(done) : len(done) + 1]), unvouched
    for name, data in partial.items():  # no output is partial: each is the uninterrupted run's bytes
        assert data == expected[name], name
    strays = hidden(out) - {JOURNAL}
    assert all(TEMP.match(s) for s in strays), strays  # only the atomic writer's temp files
    assert not r1.exists()  # a killed run publishes no report
    before = inodes(out, done)
    remade = inodes(out, unvouched)

    res = run_sub("clean", src, "-o", out, "--resume", "--report", r2)
    assert res.returncode == OK, res.stderr
    assert outputs(out) == expected  # same set of outputs, byte for byte
    assert r2.read_bytes() == r0.read_bytes()
    assert summary_line(res.stderr.decode()) == summary_line(ref.stderr.decode())
    assert not journal.exists()  # removed once the resumed run completed
    # the resumed run left nothing hidden: its own temp files and the killed run's are gone
    assert hidden(out) == set()
    # the items the journal vouched for were skipped: not rewritten, across processes
    assert inodes(out, done) == before
    for name, (ino, _) in remade.items():  # an output without a journal line is made again
        assert (out / name).stat().st_ino != ino


# --- 2. a deterministic interruption --------------------------------------------------------------


def test_resume_skips_finished_items_and_matches_uninterrupted_run(
    tmp_path, capsys, monkeypatch, corpus, cleaned_ids
):
    src, names, ref = corpus
    out, report = tmp_path / "out", tmp_path / "R2.jsonl"
    assert interrupted(monkeypatch, capsys, src, out, 4) == names[:4]
    assert sorted(outputs(out)) == names[:4]
    assert outputs(out) == {n: ref.outputs[n] for n in names[:4]}
    before = inodes(out, names[:4])

    cleaned_ids.clear()
    code, stdout, err = run(capsys, "clean", src, "-o", out, "--resume", "--report", report)
    assert code == OK, err
    assert stdout == ""
    assert cleaned_ids == [stem(n) for n in names[4:]]  # the finished four were not cleaned again
    assert inodes(out, names[:4]) == before  # nor rewritten
    assert outputs(out) == ref.outputs
    assert report.read_bytes() == ref.report
    assert summary_line(err) == ref.summary
    assert hidden(out) == set()


def test_output_in_place_without_journal_line_is_made_again(
    tmp_path, capsys, monkeypatch, corpus, cleaned_ids
):
    src, names, ref = corpus
    out, report = tmp_path / "out", tmp_path / "R2.jsonl"
    # the fifth item's output is renamed into place, then the run stops before its journal line
    assert interrupted(monkeypatch, capsys, src, out, 4, output_written=True) == names[:4]
    assert sorted(outputs(out)) == names[:5]
    fifth = (out / names[4]).stat().st_ino

    cleaned_ids.clear()
    code, _, err = run(capsys, "clean", src, "-o", out, "--resume", "--report", report)
    assert code == OK, err
    assert cleaned_ids == [stem(n) for n in names[4:]]
    assert (out / names[4]).stat().st_ino != fifth
    assert outputs(out) == ref.outputs
    assert report.read_bytes() == ref.report


def test_failures_and_jsonl_records_are_replayed(tmp_path, capsys, monkeypatch, cleaned_ids):
    src = tmp_path / "in"
    src.mkdir()
    (src / "a_binary.txt").write_bytes(b"\x00\xff\x00\xfe\x01PK\x00\x80" * 20)
    (src / "b_empty.txt").write_bytes(b"")
    (src / "c_docs.jsonl").write_text(
        json.dumps({"id": "r1", "text": "Putin met Zelensky 's envoy.\n", "url": "u"})
        + "\nnot json\n"
        + json.dumps({"id": "r3", "text": SEEDS[1].read_text(encoding="utf-8")})
        + "\n",
        encoding="utf-8",
    )
    for seed in SEEDS[:3]:
        shutil.copy(seed, src / f"z{seed.name}")  # after the three above
    code, _, ref_err = run(capsys, "clean", src, "-o", tmp_path / "ref", "--report", tmp_path / "R0.jsonl")
    assert code == FAILURES
    assert len([line for line in ref_err.splitlines() if line.startswith("cleaner: failed: ")]) == 3

    out = tmp_path / "out"
    done = interrupted(monkeypatch, capsys, src, out, 4)
    assert done == ["a_binary.txt", "b_empty.txt", "c_docs.jsonl", f"z{SEEDS[0].name}"]
    cleaned_ids.clear()
    code, _, err = run(capsys, "clean", src, "-o", out, "--resume", "--report", tmp_path / "R2.jsonl")
    assert code == FAILURES  # the replayed failures still fail the run
    assert cleaned_ids == [f"z{s.stem}" for s in SEEDS[1:3]]
    assert timeless(err) == timeless(ref_err)  # the same failure lines and summary
    assert (tmp_path / "R2.jsonl").read_bytes() == (tmp_path / "R0.jsonl").read_bytes()
    assert outputs(out) == outputs(tmp_path / "ref")
    assert hidden(out) == set()


# --- 3. a torn journal line -----------------------------------------------------------------------


def test_torn_last_journal_line_is_ignored(tmp_path, capsys, monkeypatch, corpus, cleaned_ids):
    src, names, ref = corpus
    out, report = tmp_path / "out", tmp_path / "R2.jsonl"
    interrupted(monkeypatch, capsys, src, out, 4)
    with open(out / JOURNAL, "a", encoding="utf-8") as fh:  # the fifth line, cut by the kill
        fh.write('{"input": "0123456789abcdef", "item": "' + names[4] + '", "outp')

    cleaned_ids.clear()
    code, _, err = run(capsys, "clean", src, "-o", out, "--resume", "--report", report)
    assert code == OK, err
    assert cleaned_ids == [stem(n) for n in names[4:]]  # the whole lines before it still count
    assert outputs(out) == ref.outputs
    assert report.read_bytes() == ref.report
    assert not (out / JOURNAL).exists()


def test_torn_line_is_not_followed_by_the_next_runs_lines(tmp_path, capsys, monkeypatch, corpus, cleaned_ids):
    """Resume after a torn line, interrupt that run too, resume again: nothing finished is lost."""
    src, names, ref = corpus
    out, report = tmp_path / "out", tmp_path / "R3.jsonl"
    interrupted(monkeypatch, capsys, src, out, 3)
    with open(out / JOURNAL, "a", encoding="utf-8") as fh:
        fh.write('{"input": "01234')
    # the resumed run does two more items, then is interrupted as well
    assert interrupted(monkeypatch, capsys, src, out, 2, "--resume") == names[:5]
    for line in (out / JOURNAL).read_text(encoding="utf-8").splitlines():
        json.loads(line)  # the torn line is gone: every line parses

    cleaned_ids.clear()
    code, _, err = run(capsys, "clean", src, "-o", out, "--resume", "--report", report)
    assert code == OK, err
    assert cleaned_ids == [stem(n) for n in names[5:]]
    assert outputs(out) == ref.outputs
    assert report.read_bytes() == ref.report


# --- 4. changed rules, --html ---------------------------------------------------------------------


def test_changed_rules_reuse_nothing(tmp_path, capsys, monkeypatch, corpus, cleaned_ids):
    src, names, ref = corpus
    extra = tmp_path / "extra.toml"
    extra.write_text(EXTRA_RULE, encoding="utf-8")
    rules = ("--rules", "default", "--rules", extra)
    new = Reference(src, tmp_path / "new", tmp_path / "new.jsonl", *rules)
    # the extra rule changes the output of every document, the finished ones among them
    assert all(new.outputs[n] != ref.outputs[n] for n in names)
    assert all(b"regional committee" not in data for data in new.outputs.values())

    out, report = tmp_path / "out", tmp_path / "R2.jsonl"
    assert interrupted(monkeypatch, capsys, src, out, 4) == names[:4]
    cleaned_ids.clear()
    code, _, err = run(capsys, "clean", src, "-o", out, "--resume", "--report", report, *rules)
    assert code == OK, err
    assert cleaned_ids == [stem(n) for n in names]  # everything cleaned again
    assert outputs(out) == new.outputs  # the finished documents too: nothing stale reused
    assert report.read_bytes() == new.report
    assert summary_line(err) == new.summary


def test_html_flag_is_part_of_the_run_key(tmp_path, capsys, monkeypatch, cleaned_ids):
    """.txt inputs holding HTML: interrupted without --html, resumed with it, nothing is kept."""
    src = tmp_path / "in"
    src.mkdir()
    names = []
    for i, seed in enumerate(SEEDS):
        paras = [p for p in seed.read_text(encoding="utf-8").split("\n") if p.strip()]
        body = "".join(f"<p>{p}</p>\n" for p in [*paras, COMMITTEE.format(n=i)])
        page = f"<html><body><nav><a href='/'>Home</a></nav><article>{body}</article></body></html>\n"
        names.append(f"page{i}.txt")
        (src / names[-1]).write_text(page, encoding="utf-8")
    # without the names stage there are no name statistics, which differ between the two modes and
    # would change the run key by themselves: only --html is left to tell the runs apart
    rules = tmp_path / "rules"
    shutil.copytree(REPO / "rules", rules)
    pipeline = (rules / "pipeline.toml").read_text(encoding="utf-8")
    assert '"names", ' in pipeline
    (rules / "pipeline.toml").write_text(pipeline.replace('"names", ', ""), encoding="utf-8")
    rules_arg = ("--rules", rules)
    text = Reference(src, tmp_path / "text", tmp_path / "text.jsonl", *rules_arg)
    html = Reference(src, tmp_path / "html", tmp_path / "html.jsonl", "--html", *rules_arg)
    assert sorted(html.outputs) == names
    assert all(html.outputs[n] != text.outputs[n] for n in names[:2])  # the two finished ones

    out, report = tmp_path / "out", tmp_path / "R2.jsonl"
    assert interrupted(monkeypatch, capsys, src, out, 2, *rules_arg) == names[:2]
    cleaned_ids.clear()
    code, _, err = run(capsys, "clean", src, "-o", out, "--resume", "--html", "--report", report, *rules_arg)
    assert code == OK, err
    assert cleaned_ids == [stem(n) for n in names]
    assert outputs(out) == html.outputs
    assert report.read_bytes() == html.report


# --- 5. changed inputs ----------------------------------------------------------------------------


def test_changed_input_is_cleaned_again_and_only_it(tmp_path, capsys, monkeypatch, own_corpus, cleaned_ids):
    src, names = own_corpus
    out, report = tmp_path / "out", tmp_path / "R2.jsonl"
    assert interrupted(monkeypatch, capsys, src, out, 4) == names[:4]
    changed = src / names[1]
    text = changed.read_text(encoding="utf-8")
    # only digits change: the name statistics (and so the run key) stay the same
    assert COMMITTEE.format(n=4) in text
    changed.write_text(text.replace(COMMITTEE.format(n=4), COMMITTEE.format(n=4004)), encoding="utf-8")
    before = inodes(out, [names[0], names[2], names[3]])

    cleaned_ids.clear()
    code, _, err = run(capsys, "clean", src, "-o", out, "--resume", "--report", report)
    assert code == OK, err
    assert cleaned_ids == [stem(names[1])] + [stem(n) for n in names[4:]]
    assert inodes(out, [names[0], names[2], names[3]]) == before
    assert b"met 4004 times" in (out / names[1]).read_bytes()
    fresh = Reference(src, tmp_path / "fresh", tmp_path / "fresh.jsonl")
    assert outputs(out) == fresh.outputs
    assert report.read_bytes() == fresh.report


def test_input_change_that_moves_name_statistics_recleans_everything(
    tmp_path, capsys, monkeypatch, own_corpus, cleaned_ids
):
    """The name statistics depend on every input, so they are in the run key: a new name in one input
    may change how another is repaired, and no output of the interrupted run is kept."""
    src, names = own_corpus
    out, report = tmp_path / "out", tmp_path / "R2.jsonl"
    interrupted(monkeypatch, capsys, src, out, 4)
    with open(src / names[6], "a", encoding="utf-8") as fh:  # an item that was not finished
        fh.write("\nAmbassador Kowalczyk and Minister Obradovic attended the ceremony in Warsaw.\n")

    cleaned_ids.clear()
    code, _, err = run(capsys, "clean", src, "-o", out, "--resume", "--report", report)
    assert code == OK, err
    assert cleaned_ids == [stem(n) for n in names]
    fresh = Reference(src, tmp_path / "fresh", tmp_path / "fresh.jsonl")
    assert outputs(out) == fresh.outputs
    assert report.read_bytes() == fresh.report


# --- 6. a deleted output --------------------------------------------------------------------------


def test_deleted_output_of_finished_item_is_recreated(tmp_path, capsys, monkeypatch, corpus, cleaned_ids):
    src, names, ref = corpus
    out, report = tmp_path / "out", tmp_path / "R2.jsonl"
    interrupted(monkeypatch, capsys, src, out, 4)
    (out / names[2]).unlink()

    cleaned_ids.clear()
    code, _, err = run(capsys, "clean", src, "-o", out, "--resume", "--report", report)
    assert code == OK, err
    assert cleaned_ids == [stem(names[2])] + [stem(n) for n in names[4:]]
    assert outputs(out) == ref.outputs
    assert report.read_bytes() == ref.report


# --- 7. usage, and --resume with nothing to resume ------------------------------------------------


@pytest.mark.parametrize("output", [[], ["-o", "-"]], ids=["no -o", "-o -"])
def test_resume_without_output_directory_is_usage_error(capsys, output):
    code, out, err = run(capsys, "clean", SEEDS[0], "--resume", *output)
    assert code == USAGE
    assert out == ""  # nothing was cleaned to standard output
    assert err == "cleaner: error: --resume needs an output directory (-o)\n"


def test_resume_of_directory_without_output_is_usage_error(capsys, corpus):
    src, _, _ = corpus
    code, out, err = run(capsys, "clean", src, "--resume")
    assert code == USAGE
    assert out == ""
    assert err.startswith("cleaner: error: ") and "-o" in err


@pytest.mark.parametrize("state", ["missing", "empty", "completed"])
def test_resume_without_journal_runs_everything(tmp_path, capsys, corpus, cleaned_ids, state):
    src, names, ref = corpus
    out, report = tmp_path / "out", tmp_path / "R.jsonl"
    if state == "empty":
        out.mkdir()
    elif state == "completed":  # a completed run's outputs, and no journal vouching for them
        shutil.copytree(src.parent / "ref", out)
        assert not (out / JOURNAL).exists()
    cleaned_ids.clear()
    code, _, err = run(capsys, "clean", src, "-o", out, "--resume", "--report", report)
    assert code == OK, err
    assert cleaned_ids == [stem(n) for n in names]
    assert outputs(out) == ref.outputs
    assert report.read_bytes() == ref.report
    assert summary_line(err) == ref.summary
    assert hidden(out) == set()


# --- 8. --jobs ------------------------------------------------------------------------------------


@pytest.mark.parametrize("jobs_before", [1, 2])
def test_jobs_resume_gives_the_serial_bytes(tmp_path, capsys, monkeypatch, corpus, jobs_before):
    src, names, ref = corpus
    out, report = tmp_path / "out", tmp_path / "R2.jsonl"
    with interrupt_jobs_after(monkeypatch, 4), pytest.raises(KeyboardInterrupt):
        main(["clean", str(src), "-o", str(out), "--jobs", str(jobs_before)])
    capsys.readouterr()
    assert journal_items(out) == names[:4]
    made = outputs(out)
    assert set(names[:4]) <= set(made)  # with --jobs the workers may have written more
    assert all(data == ref.outputs[n] for n, data in made.items())
    before = inodes(out, names[:4])

    code, _, err = run(capsys, "clean", src, "-o", out, "--jobs", "2", "--resume", "--report", report)
    assert code == OK, err
    assert inodes(out, names[:4]) == before  # skipped, although the cleaning is in worker processes
    assert outputs(out) == ref.outputs
    assert report.read_bytes() == ref.report
    assert summary_line(err) == ref.summary
    assert hidden(out) == set()


# --- 9. the journal is never an input -------------------------------------------------------------


def test_journal_of_interrupted_output_is_not_an_input(tmp_path, capsys, monkeypatch, corpus):
    src, names, _ = corpus
    out = tmp_path / "out"
    interrupted(monkeypatch, capsys, src, out, 4)
    assert (out / JOURNAL).is_file()
    out2, report = tmp_path / "out2", tmp_path / "R.jsonl"
    code, _, err = run(capsys, "clean", out, "-o", out2, "--report", report)
    assert code == OK, err
    records = [json.loads(line) for line in report.read_text(encoding="utf-8").splitlines()]
    assert [r["path"] for r in records] == [str(out / n) for n in names[:4]]
    assert sorted(p.name for p in out2.iterdir()) == names[:4]  # no journal, no trace of one
    # cleaning is idempotent: the outputs come back unchanged
    assert summary_line(err) == "cleaner: 0 cleaned, 4 unchanged, 0 dropped, 0 failed"


def test_completed_runs_leave_no_journal(tmp_path, capsys, monkeypatch, corpus):
    src, names, ref = corpus
    assert ref.hidden == set()  # the uninterrupted run of the fixture
    out = tmp_path / "out"
    interrupted(monkeypatch, capsys, src, out, 4)
    code, _, err = run(capsys, "clean", src, "-o", out, "--resume")
    assert code == OK, err
    assert sorted(p.name for p in out.iterdir()) == names
    # and a later run over the output directory sees the outputs only
    code, _, err = run(capsys, "clean", out, "-o", tmp_path / "again", "-q")
    assert (code, err) == (OK, "")
    assert sorted(p.name for p in (tmp_path / "again").iterdir()) == names


def test_output_directory_inside_input_directory(tmp_path, capsys, monkeypatch, own_corpus, cleaned_ids):
    """OUT under IN: neither the outputs nor the journal become inputs of the resumed run."""
    src, names = own_corpus
    ref = Reference(src, tmp_path / "ref", tmp_path / "R0.jsonl")
    out, report = src / "out", tmp_path / "R2.jsonl"
    interrupted(monkeypatch, capsys, src, out, 4)
    cleaned_ids.clear()
    code, _, err = run(capsys, "clean", src, "-o", out, "--resume", "--report", report)
    assert code == OK, err
    assert cleaned_ids == [stem(n) for n in names[4:]]
    assert outputs(out) == ref.outputs
    assert report.read_bytes() == ref.report


# --- problems the tests found, fixed ------------------------------------------------------------


def test_resume_removes_temp_files_of_the_killed_run(tmp_path, capsys, monkeypatch, corpus):
    src, names, ref = corpus
    out = tmp_path / "out"
    interrupted(monkeypatch, capsys, src, out, 4)
    # what kill -9 leaves when it lands between AtomicWriter's mkstemp and its rename
    stray = out / f".{names[4]}.k3x9q2wz.tmp"
    stray.write_bytes(ref.outputs[names[4]][:100])
    code, _, err = run(capsys, "clean", src, "-o", out, "--resume")
    assert code == OK, err
    assert outputs(out) == ref.outputs
    assert hidden(out) == set()


def test_report_of_resume_with_other_spelling_of_input(tmp_path, capsys, monkeypatch, corpus):
    src = corpus[0]
    ref = Reference(src, tmp_path / "ref", tmp_path / "R0.jsonl")  # IN given as an absolute path
    out, report = tmp_path / "out", tmp_path / "R2.jsonl"
    monkeypatch.chdir(src.parent)
    interrupted(monkeypatch, capsys, Path(src.name), out, 4)  # IN given relative to the cwd
    code, _, err = run(capsys, "clean", src, "-o", out, "--resume", "--report", report)
    assert code == OK, err
    assert outputs(out) == ref.outputs  # the bytes are right
    assert report.read_bytes() == ref.report  # the replayed records name IN as this run spells it


def _journal_with(out: Path, item_file: Path, records: int, commit: bool):
    from cleaner.io import find_inputs
    from cleaner.report import encoded
    from cleaner.run.journal import Journal, input_digest
    from cleaner.summary import RunSummary

    (item,), _ = find_inputs([str(item_file)])
    journal = Journal(out, "k" * 32, resume=False)
    for n in range(records):
        journal.record(encoded({"id": str(n), "path": f"{item.path}:{n}", "status": "cleaned"}))
    if commit:
        journal.add(item, input_digest(item.path), RunSummary())
    journal.close(completed=False)
    return item


def test_a_jsonl_items_records_are_lines_of_their_own_read_back_in_order(tmp_path):
    from cleaner.run.journal import Journal

    src = tmp_path / "in.jsonl"
    src.write_text('{"id": "a", "text": "x"}\n', encoding="utf-8")
    out = tmp_path / "out"
    item = _journal_with(out, src, records=3, commit=True)
    (out / item.rel).write_text("", encoding="utf-8")  # its output is in place
    again = Journal(out, "k" * 32, resume=True)
    assert again.finished(item)
    lines, tally = again.replay(item)
    assert [json.loads(line)["id"] for line in lines] == ["0", "1", "2"]
    assert tally.documents == 0  # the tally the run noted with the item, not one made again
    again.close(completed=True)


def test_records_without_their_items_line_vouch_for_nothing(tmp_path):
    # killed while the records of a JSONL item were being written: the item's line never came
    from cleaner.run.journal import Journal

    src = tmp_path / "in.jsonl"
    src.write_text('{"id": "a", "text": "x"}\n', encoding="utf-8")
    out = tmp_path / "out"
    item = _journal_with(out, src, records=2, commit=False)
    (out / item.rel).write_text("", encoding="utf-8")
    again = Journal(out, "k" * 32, resume=True)
    assert not again.finished(item)
    again.close(completed=True)


def test_a_jsonl_run_leaves_no_spool_behind(tmp_path, capsys):
    src = tmp_path / "in"
    src.mkdir()
    text = "Paragraph {} of a short article about the talks."
    lines = [json.dumps({"id": str(n), "text": text.format(n)}) for n in range(5)]
    (src / "docs.jsonl").write_text("\n".join(lines) + "\nnot json\n", encoding="utf-8")
    out = tmp_path / "out"
    report = tmp_path / "report.jsonl"
    assert main(["clean", str(src), "-o", str(out), "--report", str(report), "-q"]) == 3  # the bad line
    assert sorted(p.name for p in out.rglob("*")) == ["docs.jsonl"]
    records = [json.loads(line) for line in report.read_text(encoding="utf-8").splitlines()]
    assert [r["status"] for r in records] == ["cleaned"] * 5 + ["failed"]
