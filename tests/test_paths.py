"""Where outputs may go: never outside OUT, never onto an input, never through a symlink out of IN."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

from cleaner.cli import main

SEED = sorted((Path(__file__).resolve().parent.parent / "seeds").glob("*.txt"))[0]


def _tree(root: Path) -> dict[str, str]:
    """Every file under root (symlinks as their target), with a digest of its bytes."""
    out = {}
    for p in sorted(root.rglob("*")):
        if p.is_symlink():
            out[p.relative_to(root).as_posix()] = f"-> {p.readlink()}"
        elif p.is_file():
            out[p.relative_to(root).as_posix()] = hashlib.sha256(p.read_bytes()).hexdigest()
    return out


def test_jsonl_ids_that_look_like_paths_never_leave_the_output_directory(tmp_path):
    src, out = tmp_path / "in", tmp_path / "out"
    src.mkdir()
    text = SEED.read_text(encoding="utf-8")
    hostile = ["../../escaped", "/tmp/absolute-escape", "..", "a/../../b", "C:\\\\evil", "nul\u0000byte"]
    with open(src / "docs.jsonl", "w", encoding="utf-8") as fh:
        for doc_id in hostile:
            fh.write(json.dumps({"id": doc_id, "text": text}) + "\n")
    before = _tree(tmp_path)
    assert main(["clean", str(src), "-o", str(out), "-q"]) == 0
    # one output, mirroring the one input; nothing anywhere else under tmp_path changed
    assert sorted(p.relative_to(out).as_posix() for p in out.rglob("*")) == ["docs.jsonl"]
    after = _tree(tmp_path)
    assert {k: v for k, v in after.items() if not k.startswith("out/")} == before
    assert not Path("/tmp/absolute-escape").exists()
    records = [json.loads(line) for line in (out / "docs.jsonl").read_text(encoding="utf-8").splitlines()]
    assert [r["id"] for r in records] == hostile  # the ids are data, passed through untouched


def test_symlink_out_of_the_input_tree_is_not_followed(tmp_path, capsys):
    src, out, outside = tmp_path / "in", tmp_path / "out", tmp_path / "secret"
    src.mkdir()
    outside.mkdir()
    (outside / "private.txt").write_text(SEED.read_text(encoding="utf-8"), encoding="utf-8")
    (src / "good.txt").write_text(SEED.read_text(encoding="utf-8"), encoding="utf-8")
    (src / "link.txt").symlink_to(outside / "private.txt")
    assert main(["clean", str(src), "-o", str(out), "-q"]) == 3
    err = capsys.readouterr().err
    assert f"cleaner: failed: {src / 'link.txt'}: symlink out of {src} not followed" in err
    assert sorted(p.name for p in out.iterdir()) == ["good.txt"]


def test_an_output_that_would_overwrite_its_input_is_refused(tmp_path, capsys):
    src = tmp_path / "in"
    src.mkdir()
    doc = src / "a.txt"
    doc.write_text(SEED.read_text(encoding="utf-8"), encoding="utf-8")
    before = doc.read_bytes()
    # OUT is IN: the output of a.txt would be a.txt itself
    assert main(["clean", str(doc), "-o", str(src), "-q"]) == 3
    assert "refused: output would overwrite the input" in capsys.readouterr().err
    assert doc.read_bytes() == before
