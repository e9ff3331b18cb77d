"""``--engine ray``: the same bytes as the serial run, on a local Ray instance.

Skipped when Ray is not installed (it is the optional ``cleaner[ray]`` extra; CI does not install it).
"""

from __future__ import annotations

import gzip
import json
import shutil
from pathlib import Path

import pytest

ray = pytest.importorskip("ray")

from cleaner import Cleaner  # noqa: E402  (after the skip: nothing here runs without Ray)
from cleaner.cli import main  # noqa: E402
from cleaner.io import find_inputs  # noqa: E402
from cleaner.run.engine import Engine  # noqa: E402
from cleaner.run.firstpass import prepare  # noqa: E402
from cleaner.run.rayengine import RayEngine, connect  # noqa: E402

REPO = Path(__file__).resolve().parent.parent
SEEDS = REPO / "seeds"


@pytest.fixture(scope="module", autouse=True)
def local_cluster():
    """One local Ray instance for the module (starting one takes seconds)."""
    connect(None, 2)
    yield
    ray.shutdown()


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> Path:
    """The seeds, a nested copy with a changed name, and a JSONL shard: several items, name statistics
    over all of them, and both item kinds."""
    root = tmp_path_factory.mktemp("corpus")
    shutil.copytree(SEEDS, root / "seeds")
    (root / "nested" / "deeper").mkdir(parents=True)
    first = sorted(SEEDS.glob("*.txt"))[0]
    text = first.read_text(encoding="utf-8")
    (root / "nested" / "deeper" / "copy.txt").write_text(text.replace("Witkoff", "Whitkov"), encoding="utf-8")
    records = [
        {"id": p.stem, "text": p.read_text(encoding="utf-8"), "source": "seed"} for p in SEEDS.glob("*.txt")
    ]
    records.append({"id": "broken"})  # no text: a failure inside the shard
    with gzip.open(root / "shard.jsonl.gz", "wt", encoding="utf-8") as fh:
        for r in records:
            fh.write(json.dumps(r) + "\n")
    return root


def _files(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def _run(corpus: Path, out: Path, report: Path, *extra: str) -> int:
    return main(["clean", str(corpus), "-o", str(out), "--report", str(report), "-q", *extra])


def test_ray_output_and_report_are_the_serial_bytes(corpus, tmp_path):
    serial_rc = _run(corpus, tmp_path / "serial", tmp_path / "serial.jsonl")
    ray_rc = _run(corpus, tmp_path / "ray", tmp_path / "ray.jsonl", "--engine", "ray", "--jobs", "2")
    assert serial_rc == ray_rc == 3  # the broken JSONL record fails in both
    serial, on_ray = _files(tmp_path / "serial"), _files(tmp_path / "ray")
    assert set(serial) == {
        *(f"seeds/{p.name}" for p in SEEDS.glob("*.txt")),
        "nested/deeper/copy.txt",
        "shard.jsonl.gz",
    }
    assert on_ray == serial
    assert (tmp_path / "ray.jsonl").read_bytes() == (tmp_path / "serial.jsonl").read_bytes()


def test_name_statistics_merged_from_tasks_equal_the_serial_pass(corpus):
    cleaner = Cleaner()
    items, problems = find_inputs([str(corpus)])
    assert not problems

    def stats(engine):
        return next(s for s in prepare(cleaner, items, engine).stages if s.name == "names").stats

    local, on_ray = stats(Engine()), stats(RayEngine())
    assert on_ray == local
    assert local.n_docs == 5 + 1 + 5  # seeds, the copy, the shard's good records


def test_names_are_repaired_in_documents_cleaned_by_ray_tasks(corpus, tmp_path):
    assert _run(corpus, tmp_path / "ray", tmp_path / "r.jsonl", "--engine", "ray") == 3
    copy = (tmp_path / "ray" / "nested" / "deeper" / "copy.txt").read_text(encoding="utf-8")
    assert "Whitkov" not in copy and "Witkoff" in copy


def test_ray_needs_files_and_an_output_directory(corpus, capsys):
    assert main(["clean", "-", "-o", "/tmp/unused-out", "--engine", "ray"]) == 2
    assert "--engine ray reads input files" in capsys.readouterr().err
