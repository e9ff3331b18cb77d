"""Faults of the machine, not the input (cleaner/faults.py): a full disk, a read-only or vanished output, an
I/O error, a signal. The run stops with one line and a documented exit code, leaves no temporary file,
keeps its journal, and never journals the item the fault hit, so ``--resume`` ends byte for byte where an
uninterrupted run does (outputs and report).

Faults are injected in-process at every write site, as the errors a real disk gives (ENOSPC, EROFS, EIO),
by swapping the ``os``, ``tempfile`` or ``open`` a module writes with for one that fails on the n-th call.
A real tmpfs shows the same end to end where this machine lets a test mount one; signals are sent to a
real ``python -m cleaner`` with worker processes.
"""

from __future__ import annotations

import contextlib
import errno
import io
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import types
from pathlib import Path

import pytest

import cleaner.cli
import cleaner.io
import cleaner.run.items
import cleaner.run.job
import cleaner.run.journal
import cleaner.run.reportfile
from cleaner.cli import main
from cleaner.run.journal import JOURNAL
from tests.test_resume import REPO, SEEDS, hidden, journal_items, make_inputs, outputs, run_sub

OK, USAGE, STOPPED = 0, 2, 4
FAULTS = (errno.ENOSPC, errno.EROFS, errno.EIO)


# --- injection ------------------------------------------------------------------------------------


class Countdown:
    """Lets ``after`` calls through, then fails every later one with ``code`` (a full disk stays full)."""

    def __init__(self, code: int, after: int):
        self.code, self.left = code, after

    def tick(self) -> None:
        if self.left <= 0:
            raise OSError(self.code, os.strerror(self.code))
        self.left -= 1


class FailingFile:
    """A file whose ``write`` (or ``flush``, or ``close`` once the real file is closed) fails by ``count``."""

    def __init__(self, fh, count: Countdown, on: str):
        self._fh, self._count, self._on = fh, count, on

    def write(self, data):
        if self._on == "write":
            self._count.tick()
        return self._fh.write(data)

    def flush(self):
        if self._on == "flush":
            self._count.tick()
        return self._fh.flush()

    def close(self):
        self._fh.close()
        if self._on == "close":
            self._count.tick()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def __getattr__(self, name):
        return getattr(self._fh, name)


def proxy(module, **overrides):
    """``module`` with some of its functions replaced, to swap in for one module's view of it."""

    class Proxy:
        def __getattr__(self, name):
            return overrides[name] if name in overrides else getattr(module, name)

    return Proxy()


def writing_open(count: Countdown, on: str):
    """``open`` whose files opened for writing fail by ``count``."""

    def fake(file, mode="r", *args, **kw):
        fh = open(file, mode, *args, **kw)  # noqa: SIM115 (the caller closes it)
        return FailingFile(fh, count, on) if ("w" in mode or "a" in mode) else fh

    return fake


def inject(monkeypatch, site: str, code: int) -> None:
    """Make the write site ``site`` fail with ``code`` from its third use on (its second for the one
    JSONL item's records spool), so every fault comes mid-run with outputs already written."""
    count = Countdown(code, 1 if site == "spool" else 2)
    if site in ("output", "output-close"):  # the output's bytes (AtomicWriter's file), written or flushed

        def fdopen(fd, *args, **kw):
            return FailingFile(os.fdopen(fd, *args, **kw), count, "write" if site == "output" else "close")

        monkeypatch.setattr(cleaner.io, "os", proxy(os, fdopen=fdopen))
    elif site == "rename":  # the output renamed into place

        def replace(src, dst):
            count.tick()
            os.replace(src, dst)

        monkeypatch.setattr(cleaner.io, "os", proxy(os, replace=replace))
    elif site == "temp":  # creating a temporary file (AtomicWriter's); the check before the run passes

        def mkstemp(*args, prefix="", **kw):
            if not prefix.startswith(".cleaner-probe"):
                count.tick()
            return tempfile.mkstemp(*args, prefix=prefix, **kw)

        monkeypatch.setattr(cleaner.io, "tempfile", proxy(tempfile, mkstemp=mkstemp))
    elif site == "spool":  # a JSONL item's report records, spooled next to its output
        monkeypatch.setattr(cleaner.run.items, "open", writing_open(count, "write"), raising=False)
    elif site in ("journal", "journal-item"):  # a record line; an item line (written and flushed)
        on = "write" if site == "journal" else "flush"
        monkeypatch.setattr(cleaner.run.journal, "open", writing_open(count, on), raising=False)
    elif site == "report":  # a line of --report
        monkeypatch.setattr(cleaner.run.reportfile, "open", writing_open(count, "write"), raising=False)
    elif site == "report-publish":  # the complete report renamed into place, the run's last write

        def replace(src, dst):
            raise OSError(code, os.strerror(code))

        monkeypatch.setattr(cleaner.run.reportfile, "os", proxy(os, replace=replace))
    else:
        raise AssertionError(site)


@contextlib.contextmanager
def before_item(monkeypatch, n: int, action):
    """Run ``action`` before the ``n``-th item is processed (counted in each worker, with ``--jobs``)."""
    real, calls = cleaner.run.items.process_item, []

    def patched(*args, **kw):
        calls.append(1)
        if len(calls) == n:
            action()
        return real(*args, **kw)

    with monkeypatch.context() as m:
        m.setattr(cleaner.run.items, "process_item", patched)
        yield


SITES = (
    "output",
    "output-close",
    "rename",
    "temp",
    "spool",
    "journal",
    "journal-item",
    "report",
    "report-publish",
)


# --- fixtures and checks --------------------------------------------------------------------------


def jsonl_item(path: Path) -> None:
    """A JSONL input of three documents: its output and records spool are write sites of their own."""
    lines = [
        json.dumps({"id": f"j{i}", "text": s.read_text(encoding="utf-8")}) for i, s in enumerate(SEEDS[:3])
    ]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    """Five text inputs and a JSONL one (shared: tests must not modify them), and their uninterrupted run."""
    base = tmp_path_factory.mktemp("faults")
    src = base / "in"
    make_inputs(src, 5)
    jsonl_item(src / "zz.jsonl")
    code, err = quiet(main, ["clean", str(src), "-o", str(base / "ref"), "--report", str(base / "ref.jsonl")])
    assert code == OK, err
    return src, outputs(base / "ref"), (base / "ref.jsonl").read_bytes()


def quiet(fn, argv) -> tuple[int, str]:
    err = io.StringIO()
    with contextlib.redirect_stderr(err), contextlib.redirect_stdout(io.StringIO()):
        code = fn(argv)
    return code, err.getvalue()


def temp_files(root: Path) -> list[str]:
    return sorted(str(p) for p in root.rglob("*.tmp"))


def assert_stopped(code: int, err: str, root: Path, expected: int = STOPPED) -> str:
    """One line, no traceback, the documented exit code, no temporary file under ``root``."""
    assert code == expected, err
    assert "Traceback" not in err, err
    lines = err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("cleaner: stopped"), err
    assert temp_files(root) == []
    return lines[0]


def assert_resumes(src: Path, out: Path, report: Path, ref_outputs, ref_report, *extra) -> None:
    code, err = quiet(main, ["clean", str(src), "-o", str(out), "--report", str(report), "--resume", *extra])
    assert code == OK, err
    assert outputs(out) == ref_outputs
    assert report.read_bytes() == ref_report
    assert hidden(out) == set()  # no journal, no temporary file
    assert temp_files(report.parent) == []


# --- faults at every write site -------------------------------------------------------------------


@pytest.mark.parametrize("code", FAULTS, ids=lambda c: errno.errorcode[c])
@pytest.mark.parametrize("site", SITES)
def test_a_fault_at_any_write_site_stops_the_run_and_resume_finishes_it(
    tmp_path, monkeypatch, corpus, site, code
):
    src, ref_outputs, ref_report = corpus
    out, report = tmp_path / "out", tmp_path / "R.jsonl"
    with monkeypatch.context() as m:
        inject(m, site, code)
        rc, err = quiet(main, ["clean", str(src), "-o", str(out), "--report", str(report)])
    line = assert_stopped(rc, err, tmp_path)
    where = {
        "journal": out / JOURNAL,
        "journal-item": out / JOURNAL,
        "report": report,
        "report-publish": report,
    }
    assert f"({errno.errorcode[code]}) writing {where.get(site, out)}" in line, line
    assert "rerun with --resume: cleaner clean " in line, line
    assert "--resume" in line.rpartition(": cleaner ")[2]
    assert (out / JOURNAL).is_file()  # kept, for --resume
    assert "internal error" not in (out / JOURNAL).read_text(encoding="utf-8")  # nothing journaled as failed
    assert not report.exists()
    for name, data in outputs(out).items():  # what was written is whole
        assert data == ref_outputs[name], name
    assert_resumes(src, out, report, ref_outputs, ref_report)


def test_a_fault_in_a_worker_stops_the_run(tmp_path, monkeypatch, corpus):
    """With ``--jobs 2`` the fault happens in a worker process and comes back to the main one."""
    src, ref_outputs, ref_report = corpus
    out, report = tmp_path / "out", tmp_path / "R.jsonl"
    with monkeypatch.context() as m:
        inject(m, "output", errno.ENOSPC)  # the workers are forked with it
        rc, err = quiet(main, ["clean", str(src), "-o", str(out), "--report", str(report), "--jobs", "2"])
    line = assert_stopped(rc, err, tmp_path)
    assert "No space left on device (ENOSPC) writing " in line and "free space and rerun" in line, line
    assert_resumes(src, out, report, ref_outputs, ref_report, "--jobs", "2")


def test_a_worker_killed_stops_the_run(tmp_path, monkeypatch, corpus):
    """A worker process killed (by the out-of-memory killer, or by hand) stops the run like a fault."""
    src, ref_outputs, ref_report = corpus
    out, report = tmp_path / "out", tmp_path / "R.jsonl"
    with before_item(monkeypatch, 2, lambda: os.kill(os.getpid(), signal.SIGKILL)):  # in a worker
        rc, err = quiet(main, ["clean", str(src), "-o", str(out), "--report", str(report), "--jobs", "2"])
    line = assert_stopped(rc, err, tmp_path)
    assert line.startswith("cleaner: stopped: a worker process died; "), line
    assert "check free memory and rerun with --resume" in line, line
    assert_resumes(src, out, report, ref_outputs, ref_report, "--jobs", "2")


def test_a_vanished_output_directory_stops_the_run_instead_of_being_made_anew(tmp_path, monkeypatch, corpus):
    src, ref_outputs, ref_report = corpus
    out, report = tmp_path / "out", tmp_path / "R.jsonl"
    with before_item(monkeypatch, 3, lambda: shutil.rmtree(out)):
        rc, err = quiet(main, ["clean", str(src), "-o", str(out), "--report", str(report)])
    line = assert_stopped(rc, err, tmp_path)
    assert "output directory vanished (ENOENT)" in line, line
    assert not out.exists()
    assert_resumes(src, out, report, ref_outputs, ref_report)


def test_standard_output_that_cannot_be_written_stops_the_run(tmp_path, monkeypatch, capsys):
    def failing(data):
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    fake = types.SimpleNamespace(buffer=types.SimpleNamespace(write=failing), flush=lambda: None)
    monkeypatch.setattr(cleaner.run.items, "sys", proxy(sys, stdout=fake))
    code = main(["clean", str(SEEDS[0])])
    err = capsys.readouterr().err
    line = assert_stopped(code, err, tmp_path)
    assert "writing standard output" in line and line.endswith("free space and run it again"), line


# --- checked before the first pass ----------------------------------------------------------------


@pytest.fixture
def no_first_pass(monkeypatch):
    def refuse(*args, **kw):
        raise AssertionError("the first pass ran")

    monkeypatch.setattr(cleaner.run.job, "prepare", refuse)


def test_an_output_directory_that_cannot_be_written_is_a_usage_error(tmp_path, monkeypatch, no_first_pass):
    src = tmp_path / "in"
    make_inputs(src, 3)

    def mkstemp(*args, **kw):
        raise OSError(errno.EROFS, os.strerror(errno.EROFS))

    monkeypatch.setattr(cleaner.io, "tempfile", proxy(tempfile, mkstemp=mkstemp))
    code, err = quiet(main, ["clean", str(src), "-o", str(tmp_path / "out")])
    assert code == USAGE
    assert (
        err
        == f"cleaner: error: cannot write to the output directory {tmp_path / 'out'}: Read-only file system\n"
    )


def test_an_output_directory_that_is_a_file_is_a_usage_error(tmp_path, no_first_pass):
    src = tmp_path / "in"
    make_inputs(src, 3)
    (tmp_path / "out").write_text("not a directory\n")
    code, err = quiet(main, ["clean", str(src), "-o", str(tmp_path / "out")])
    assert code == USAGE
    assert (
        err == f"cleaner: error: cannot write to the output directory {tmp_path / 'out'}: not a directory\n"
    )


def test_a_report_directory_that_cannot_be_written_is_a_usage_error(tmp_path, no_first_pass):
    src = tmp_path / "in"
    make_inputs(src, 3)
    (tmp_path / "file").write_text("x\n")
    code, err = quiet(
        main, ["clean", str(src), "-o", str(tmp_path / "out"), "--report", str(tmp_path / "file" / "R.jsonl")]
    )
    assert code == USAGE
    assert (
        err.startswith("cleaner: error: cannot write to the report's directory ") and err.count("\n") == 1
    ), err


# --- signals --------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def signal_corpus(tmp_path_factory):
    """Thirty inputs and their uninterrupted run, made by the real command."""
    base = tmp_path_factory.mktemp("signals")
    make_inputs(base / "in", 30)
    ref = run_sub("clean", base / "in", "-o", base / "ref", "--report", base / "ref.jsonl")
    assert ref.returncode == OK, ref.stderr
    return base / "in", outputs(base / "ref"), (base / "ref.jsonl").read_bytes()


@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM], ids=lambda s: signal.Signals(s).name)
def test_a_signal_stops_the_run_and_its_workers_cleanly(tmp_path, signal_corpus, signum):
    """SIGINT as Ctrl-C sends it (to the whole process group), SIGTERM as ``kill`` does (to the main
    process alone): either way the workers stop too, and the line says how to go on."""
    src, ref_outputs, ref_report = signal_corpus
    out, report = tmp_path / "out", tmp_path / "R.jsonl"
    argv = ["clean", str(src), "-o", str(out), "--report", str(report), "--jobs", "2"]
    proc = subprocess.Popen(
        [sys.executable, "-m", "cleaner", *argv],
        cwd=REPO,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        start_new_session=True,  # its own process group, as a shell job has
    )
    deadline = time.monotonic() + 120
    while proc.poll() is None and time.monotonic() < deadline:
        if (out / JOURNAL).is_file() and len(journal_items(out)) >= 3:
            break
        time.sleep(0.01)
    if proc.poll() is not None:
        pytest.skip(f"the run finished (rc {proc.returncode}) before the signal")
    if signum == signal.SIGINT:
        os.killpg(proc.pid, signum)
    else:
        os.kill(proc.pid, signum)
    _, err = proc.communicate(timeout=120)
    err = err.decode()
    line = assert_stopped(proc.returncode, err, tmp_path, expected=128 + signum)
    assert line.startswith(f"cleaner: stopped by {signal.Signals(signum).name}; "), line
    assert line.endswith(f"to go on, rerun with --resume: cleaner {' '.join(argv)} --resume"), line
    for _ in range(200):  # the workers are gone with it (waiting for the process table, not timing it)
        try:
            os.killpg(proc.pid, 0)
        except ProcessLookupError:
            break
        time.sleep(0.05)
    else:
        raise AssertionError("a worker process outlived the run")
    assert_resumes(src, out, report, ref_outputs, ref_report, "--jobs", "2")


# --- a real full disk -----------------------------------------------------------------------------


@pytest.fixture
def tmpfs(tmp_path):
    """A 128 KiB tmpfs, where this machine lets a test mount one (root, no container restriction)."""
    point = tmp_path / "mnt"
    point.mkdir()
    try:
        res = subprocess.run(
            ["mount", "-t", "tmpfs", "-o", "size=128k", "tmpfs", str(point)], capture_output=True, text=True
        )
    except FileNotFoundError:
        pytest.skip("no mount command")
    if res.returncode != 0:
        pytest.skip(f"mount -t tmpfs is not permitted here: {res.stderr.strip()}")
    try:
        yield point
    finally:
        subprocess.run(["umount", str(point)], check=False)


def test_a_full_disk_then_resume_gives_the_uninterrupted_bytes(tmp_path, tmpfs, signal_corpus):
    src, ref_outputs, ref_report = signal_corpus
    out, report = tmpfs / "out", tmpfs / "R.jsonl"
    res = run_sub("clean", src, "-o", out, "--report", report)
    err = res.stderr.decode()
    line = assert_stopped(res.returncode, err, tmpfs)
    assert "No space left on device (ENOSPC)" in line and "free space and rerun with --resume" in line, line
    assert (out / JOURNAL).is_file()

    subprocess.run(["mount", "-o", "remount,size=16m", str(tmpfs)], check=True)
    res = run_sub("clean", src, "-o", out, "--report", report, "--resume")
    assert res.returncode == OK, res.stderr
    assert outputs(out) == ref_outputs
    assert report.read_bytes() == ref_report
    assert hidden(out) == set()


def test_a_read_only_disk_is_a_usage_error_before_any_work(tmp_path, tmpfs, signal_corpus):
    src, _, _ = signal_corpus
    subprocess.run(["mount", "-o", "remount,ro", str(tmpfs)], check=True)
    res = run_sub("clean", src, "-o", tmpfs / "out")
    assert res.returncode == USAGE
    assert (
        res.stderr.decode()
        == f"cleaner: error: cannot write to the output directory {tmpfs / 'out'}: Read-only file system\n"
    )


# --- third-party chatter --------------------------------------------------------------------------

NORWEGIAN = (
    "Hvordan skal vi løse dette? Jeg vet ikke hva som skjer nå, men vi må gjøre noe før det blir for sent "
    "for barna våre.\n\nNorske myndigheter sier at de ikke kjenner til saken, men at de vil undersøke hva "
    "som har skjedd i kommunen i løpet av helgen.\n\nOrdføreren i kommunen sier til NRK at hun er bekymret "
    "for utviklingen og at hun ønsker et møte med regjeringen så snart som mulig.\n"
)


def test_third_party_chatter_is_silent_unless_verbose(tmp_path):
    """wordfreq serves Norwegian ('no', what the language stage finds here) from its 'nb' list, and says
    so on standard error each time: not the user's business, except with -v."""
    doc = tmp_path / "no.txt"
    doc.write_text(NORWEGIAN, encoding="utf-8")
    plain, verbose = run_sub("clean", doc, "-q"), run_sub("clean", doc, "-v")
    assert plain.returncode == verbose.returncode == OK
    assert plain.stderr.decode() == ""
    assert "wordfreq: WARNING: You asked for word frequencies in language 'no'" in verbose.stderr.decode()
    assert plain.stdout == verbose.stdout
