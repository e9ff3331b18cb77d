"""Stage cases from tests/cases/<stage>/<name>.(txt|html): input, ``=== output ===``, expected output.

A case without an output section must come back unchanged. See tests/cases/README.md.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from cleaner import replay
from tests.conftest import with_stages

CASES = Path(__file__).parent / "cases"
SEPARATOR = "\n=== output ===\n"
FILES = sorted(p for p in CASES.glob("*/*") if p.suffix in (".txt", ".html"))


def _case(path: Path) -> tuple[str, str | None]:
    raw = path.read_bytes().decode("utf-8")
    if SEPARATOR in raw:
        given, expected = raw.split(SEPARATOR, 1)
        return given, expected
    return raw, None


@pytest.fixture(scope="module")
def cleaners(ruleset):
    return {}


@pytest.mark.parametrize("path", FILES, ids=[f"{p.parent.name}/{p.stem}" for p in FILES])
def test_stage_case(path: Path, ruleset, cleaners):
    stage = path.parent.name
    if stage not in cleaners:
        cleaners[stage] = with_stages(ruleset, stage, "canonical")
    cleaner = cleaners[stage]
    given, expected = _case(path)
    html = path.suffix == ".html"
    result = cleaner.clean(given, html=html)
    assert result.ok, result.error
    if expected is None:
        # must-not-change: nothing but the canonical format may differ, and this stage changes nothing
        assert [e for e in result.edits if e.stage == stage] == []
    else:
        assert result.text == expected
        assert any(e.stage == stage for e in result.edits), f"{stage} made no edit; the case tests nothing"
    assert replay(given, result.edits) == result.text
    assert cleaner.clean(result.text).text == result.text, "cleaning the output again changed it"


def test_every_stage_with_rules_or_settings_has_cases(ruleset):
    tested = {p.parent.name for p in FILES}
    assert set(ruleset.stages) <= tested, f"stages without cases: {set(ruleset.stages) - tested}"
