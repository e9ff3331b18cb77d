"""The README's integration examples run as they stand (each follows a ``<!-- example: NAME -->`` line)."""

from __future__ import annotations

import gzip
import json
import re

import pytest

from cleaner.stages import registry
from tests.conftest import ROOT, SEEDS

README = (ROOT / "README.md").read_text(encoding="utf-8")
EXAMPLES = dict(
    (name, code) for name, code in re.findall(r"<!-- example: (\S+) -->\n```\w+\n(.*?)```", README, re.S)
)
registry()  # the stage modules stay imported across pytester's in-process runs (see test_pytest_plugin)


def _run(name: str, where, monkeypatch) -> dict:
    monkeypatch.chdir(where)
    scope = {"__name__": f"readme_{name}"}
    exec(compile(EXAMPLES[name], f"README.md example {name}", "exec"), scope)
    return scope


def test_the_readme_has_every_example():
    assert set(EXAMPLES) == {
        "fingerprint",
        "job",
        "datasets",
        "datasets-names",
        "datatrove",
        "pytest-ini",
        "pytest-test",
    }


def test_fingerprint_example(tmp_path, monkeypatch):
    _run("fingerprint", tmp_path, monkeypatch)


def test_job_example_runs_a_resumable_directory_job_with_a_report(tmp_path, monkeypatch):
    (tmp_path / "pages").mkdir()
    for seed in sorted(SEEDS.glob("*.txt"))[:3]:
        (tmp_path / "pages" / seed.name).write_bytes(seed.read_bytes())
    scope = _run("job", tmp_path, monkeypatch)
    summary = scope["summary"]
    assert summary.documents == summary.statuses["cleaned"] == 3 and summary.failed == 0
    assert sorted(p.name for p in (tmp_path / "clean").iterdir()) == sorted(
        p.name for p in (tmp_path / "pages").iterdir()
    )  # outputs only: a completed run leaves no journal
    records = [json.loads(line) for line in (tmp_path / "report.jsonl").read_text().splitlines()]
    assert [r["status"] for r in records] == ["cleaned"] * 3
    assert 0 < summary.chars_out < summary.chars_in
    # run again over the finished output: the same report, byte for byte
    first = (tmp_path / "report.jsonl").read_bytes()
    _run("job", tmp_path, monkeypatch)
    assert (tmp_path / "report.jsonl").read_bytes() == first


def test_datasets_examples(tmp_path, monkeypatch):
    pytest.importorskip("datasets", reason="datasets is not installed (pip install -e '.[test]')")
    _run("datasets", tmp_path, monkeypatch)
    _run("datasets-names", tmp_path, monkeypatch)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["names-0.json.gz", "names-1.json.gz"]


def test_datatrove_example(tmp_path, monkeypatch):
    pytest.importorskip("datatrove", reason="datatrove is not installed (pip install -e '.[datatrove]')")
    (tmp_path / "raw").mkdir()
    docs = [{"id": p.stem, "text": p.read_text(encoding="utf-8")} for p in sorted(SEEDS.glob("*.txt"))]
    docs.append({"id": "empty", "text": "  "})
    for shard, part in enumerate((docs[::2], docs[1::2])):
        (tmp_path / "raw" / f"{shard}.jsonl").write_text("".join(json.dumps(d) + "\n" for d in part))
    _run("datatrove", tmp_path, monkeypatch)

    def read(folder):
        files = sorted((tmp_path / folder).glob("*.jsonl.gz"))
        return {
            d["id"]: d for f in files for d in map(json.loads, gzip.decompress(f.read_bytes()).splitlines())
        }

    clean, excluded = read("clean"), read("excluded")
    assert set(clean) == {p.stem for p in SEEDS.glob("*.txt")} and set(excluded) == {"empty"}
    assert all(d["metadata"]["cleaner"]["status"] == "cleaned" for d in clean.values())
    assert len(list((tmp_path / "names").glob("*.json.gz"))) == 2


def test_pytest_example(pytester):
    pytester.makefile(".toml", pyproject=EXAMPLES["pytest-ini"])
    (pytester.path / "my_rules").mkdir()
    (pytester.path / "my_rules" / "house.toml").write_text(
        'stage = "boilerplate"\nconcept = "house promos"\n\n[[rule]]\nid = "house-promo"\n'
        "pattern = '(?i)subscribe to the daily bugle.*'\nreason = \"our newsletter promo\"\n"
        'examples = ["Subscribe to the Daily Bugle today"]\nkeep = ["He did not subscribe."]\n'
    )
    (pytester.path / "pages").mkdir()
    story = "The talks in Geneva went on for a second day, and both delegations said they would meet again.\n"
    (pytester.path / "pages" / "story.txt").write_text(story + "Subscribe to the Daily Bugle now\n")
    pytester.makepyfile(test_readme=EXAMPLES["pytest-test"])
    pytester.runpytest("-p", "cleaner.pytest_plugin", "--cleaner-update").assert_outcomes(failed=2)
    assert (pytester.path / "tests" / "golden" / "story.txt").read_text() == story  # the house rule's work
    pytester.runpytest("-p", "cleaner.pytest_plugin").assert_outcomes(passed=2)
