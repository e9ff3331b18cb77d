"""What a run says while and after it runs (issue 16): progress bars on a terminal only, counted by
document (record by record inside a JSONL file, the first pass too), the run's summary, ``--stats`` (the
value ``cleaner stats --json`` computes from the report) and ``--report-level summary``."""

from __future__ import annotations

import fcntl
import json
import os
import pty
import select
import struct
import subprocess
import sys
import termios
from pathlib import Path

import pytest

from cleaner.cli import main
from cleaner.run import Job, Observer

REPO = Path(__file__).resolve().parents[1]
SEEDS = REPO / "seeds"
RECORDS = 40  # a JSONL file of this many records, from the seeds over and over


def jsonl(path: Path, n: int = RECORDS) -> Path:
    texts = [p.read_text(encoding="utf-8") for p in sorted(SEEDS.glob("*.txt"))]
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(
        "".join(json.dumps({"id": f"r{i}", "text": texts[i % len(texts)]}) + "\n" for i in range(n)),
        encoding="utf-8",
    )
    return path


def on_terminal(*argv: str) -> tuple[int, str]:
    """Run the command line with standard error on a pseudo-terminal: its exit code and what the
    terminal showed."""
    controller, terminal = pty.openpty()
    fcntl.ioctl(terminal, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 120, 0, 0))  # 24 rows, 120 columns
    proc = subprocess.Popen(
        [sys.executable, "-m", "cleaner", *argv],
        cwd=REPO,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=terminal,
    )
    os.close(terminal)
    shown = b""
    while True:
        ready, _, _ = select.select([controller], [], [], 60)
        if not ready:
            break
        try:
            chunk = os.read(controller, 65536)
        except OSError:  # the child closed its end
            break
        if not chunk:
            break
        shown += chunk
    os.close(controller)
    return proc.wait(timeout=60), shown.decode("utf-8", "replace")


def test_progress_on_a_terminal_counts_documents_with_their_total(tmp_path):
    src = jsonl(tmp_path / "in" / "docs.jsonl")
    code, shown = on_terminal("clean", str(src.parent), "-o", str(tmp_path / "out"))
    assert code == 0, shown
    assert "cleaner: first pass" in shown  # the first pass shows its count too
    # the second bar runs against the total the first pass counted, in documents, not files
    assert f"{RECORDS}/{RECORDS}" in shown and "docs/s" in shown
    assert "cleaner: cleaning" in shown
    assert "cleaner: 40 cleaned, 0 unchanged, 0 dropped, 0 failed" in shown


def test_no_progress_with_quiet_on_a_terminal(tmp_path):
    src = jsonl(tmp_path / "in" / "docs.jsonl", 5)
    code, shown = on_terminal("clean", str(src.parent), "-o", str(tmp_path / "out"), "-q")
    assert code == 0
    assert shown.strip() == ""  # neither progress nor summary


def test_no_progress_when_standard_error_is_a_pipe(tmp_path):
    src = jsonl(tmp_path / "in" / "docs.jsonl", 5)
    done = subprocess.run(
        [sys.executable, "-m", "cleaner", "clean", str(src.parent), "-o", str(tmp_path / "out")],
        cwd=REPO,
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stderr
    assert "\r" not in done.stderr and "first pass" not in done.stderr and "docs/s" not in done.stderr
    assert done.stderr.splitlines()[-1] == "cleaner: 5 cleaned, 0 unchanged, 0 dropped, 0 failed"


class _Steps(Observer):
    def __init__(self):
        self.reads, self.cleans, self.total = [], [], None

    def read(self, documents):
        self.reads.append(documents)

    def total_documents(self, documents):
        self.total = documents

    def cleaned(self, documents):
        self.cleans.append(documents)


@pytest.mark.parametrize("jobs", [1, 2])
def test_an_observer_hears_of_documents_record_by_record_on_the_serial_engine(tmp_path, jobs):
    src = tmp_path / "in"
    jsonl(src / "a.jsonl", 7)
    jsonl(src / "b.jsonl", 5)
    seen = _Steps()
    Job(inputs=[src], out=tmp_path / "out", jobs=jobs, observer=seen).run()
    assert seen.total == 12 and sum(seen.reads) == 12 and sum(seen.cleans) == 12
    if jobs == 1:  # in this process: one by one, inside each JSONL file
        assert seen.reads == [1] * 12 and seen.cleans == [1] * 12
    else:  # in workers: a file's (a batch's) at once
        assert seen.cleans == [7, 5]


def _stats(argv: list[str], capsys) -> dict:
    assert main(argv) == 0
    return json.loads(capsys.readouterr().out)


def test_stats_of_a_run_is_cleaner_stats_of_its_report(tmp_path, capsys):
    src = tmp_path / "in"
    jsonl(src / "docs.jsonl", 9)
    for seed in sorted(SEEDS.glob("*.txt")):
        (src / seed.name).write_bytes(seed.read_bytes())
    (src / "bin.txt").write_bytes(b"\x00\xff\x00\xfe\x01PK\x00\x80" * 20)  # a failure counts too
    report, stats = tmp_path / "run.jsonl", tmp_path / "stats" / "run.json"
    for jobs in ("1", "2"):
        argv = ["clean", str(src), "-o", str(tmp_path / f"out{jobs}"), "--report", str(report)]
        code = main([*argv, "--stats", str(stats), "--jobs", jobs])
        assert code == 3  # bin.txt failed
        err = capsys.readouterr().err
        from_run = json.loads(stats.read_text(encoding="utf-8"))
        from_report = _stats(["stats", str(report), "--json"], capsys)
        assert from_run["elapsed"] > 0 and from_run["docs_per_second"] > 0
        assert from_report["elapsed"] is None
        for timed in ("elapsed", "docs_per_second"):
            del from_run[timed], from_report[timed]
        assert from_run == from_report
        assert from_run["documents"] == 9 + 5 + 1 and from_run["statuses"]["failed"] == 1
        # the summary on standard error: elapsed and rate, sizes, rollbacks, warnings, top rules
        assert "cleaner: elapsed " in err and "documents/s" in err and "characters in " in err
        assert "rollbacks: " in err and "warnings: " in err and "top rules by characters removed:" in err
    assert not [p for p in stats.parent.iterdir() if p.name != "run.json"]  # no temporary file left


def test_stats_in_a_directory_that_cannot_be_written_stops_before_the_run(tmp_path, capsys):
    (tmp_path / "file").write_text("x")
    code = main(
        ["clean", str(SEEDS), "-o", str(tmp_path / "out"), "--stats", str(tmp_path / "file" / "s.json")]
    )
    assert code == 2
    assert "--stats" in capsys.readouterr().err
    assert not (tmp_path / "out").exists()  # nothing ran


def test_a_summary_level_report_is_smaller_and_summarises_the_same(tmp_path, capsys):
    src = tmp_path / "in"
    jsonl(src / "docs.jsonl", 10)
    full, short = tmp_path / "full.jsonl", tmp_path / "short.jsonl"
    assert main(["clean", str(src), "-o", str(tmp_path / "o1"), "--report", str(full), "-q"]) == 0
    argv = ["clean", str(src), "-o", str(tmp_path / "o2"), "--report", str(short), "-q"]
    assert main([*argv, "--report-level", "summary"]) == 0
    capsys.readouterr()
    assert (tmp_path / "o1" / "docs.jsonl").read_bytes() == (tmp_path / "o2" / "docs.jsonl").read_bytes()
    assert short.stat().st_size < full.stat().st_size / 2
    records = [json.loads(line) for line in short.read_text(encoding="utf-8").splitlines()]
    assert len(records) == 10 and all("edits" not in r and r["rules"] for r in records)
    first = records[0]
    assert {"status", "chars_in", "chars_out", "warnings", "metadata"} <= set(first)
    assert all(len(entry) == 4 for entry in first["rules"])  # stage, rule, edits, characters removed
    assert _stats(["stats", str(short), "--json"], capsys) == _stats(["stats", str(full), "--json"], capsys)
    # the review page of a summary-level report shows what it can and says the edits are absent
    page = tmp_path / "review.html"
    assert main(["review", str(short), "-o", str(page)]) == 0
    html = page.read_text(encoding="utf-8")
    assert "--report-level summary: the edits are absent" in html and "characters removed" in html
