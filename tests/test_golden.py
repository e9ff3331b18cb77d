"""Golden files: every seed cleans to its golden file, byte for byte.

Each seed also checks that cleaning the golden file changes nothing (canonical text is a fixed point),
that the edit record replays to the output, and that the golden file has the canonical shape of
DESIGN.md section 1. Updating a golden is deliberate: `python -m cleaner check seeds --golden golden
--update`, then review the diff.
"""

from __future__ import annotations

import pytest

from cleaner import replay
from cleaner.golden import seed_files
from tests.conftest import GOLDEN, ROOT, SEEDS

SEED_FILES = seed_files(SEEDS)


def _golden(seed):
    return GOLDEN / f"{seed.name[: -len(seed.suffix)]}.txt"


def test_every_seed_has_a_golden_and_every_golden_a_seed():
    assert SEED_FILES, "no seeds"
    assert {_golden(s).name for s in SEED_FILES} == {g.name for g in GOLDEN.glob("*.txt")}


@pytest.mark.parametrize("seed", SEED_FILES, ids=[s.stem for s in SEED_FILES])
def test_seed_cleans_to_its_golden(seed, corpus_cleaner, cleaner_golden):
    # the package's pytest plugin: golden/<stem>.txt (pyproject's cleaner_golden_dir); on a difference it
    # shows the word-level diff and the rules that made it; pytest --cleaner-update rewrites the golden
    result = cleaner_golden.check(seed.relative_to(ROOT), cleaner=corpus_cleaner)
    assert result.status == "cleaned"
    assert result.text.encode("utf-8") == _golden(seed).read_bytes()
    assert replay(seed.read_text(encoding="utf-8"), result.edits) == result.text


@pytest.mark.parametrize("seed", SEED_FILES, ids=[s.stem for s in SEED_FILES])
def test_golden_is_a_fixed_point(seed, cleaner):
    golden = _golden(seed).read_text(encoding="utf-8")
    again = cleaner.clean(golden)
    assert again.status == "unchanged", [(e.stage, e.rule, e.old) for e in again.edits]
    assert again.text == golden


@pytest.mark.parametrize("seed", SEED_FILES, ids=[s.stem for s in SEED_FILES])
def test_golden_has_canonical_shape(seed):
    raw = _golden(seed).read_bytes()
    text = raw.decode("utf-8")
    assert text.endswith("\n") and not text.endswith("\n\n"), "exactly one trailing newline"
    assert "\r" not in text and "\t" not in text
    paragraphs = text[:-1].split("\n\n")
    for p in paragraphs:
        assert p and "\n" not in p, "one paragraph per line, separated by one blank line"
        assert p == p.strip() and "  " not in p, "single spaces, nothing at the ends"
