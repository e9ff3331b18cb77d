"""Property tests over the public API with random input (hypothesis).

For any text, HTML-ish string or splice of the seed articles, ``Cleaner.clean``:
- never raises (a document it cannot clean comes back ``failed`` with an error, never an exception);
- returns either the empty string (failed or dropped) or canonical text no longer than the input plus
  what its repairs inserted (nothing appears from nowhere);
- agrees with its own edit record (``replay``);
- is idempotent: cleaning the output again changes nothing.

Derandomized (a fixed example database) and bounded so the whole file runs in CI in well under a minute.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cleaner import Cleaner, replay

SEEDS = sorted((Path(__file__).resolve().parent.parent / "seeds").glob("*.txt"))
SEED_TEXTS = [p.read_text(encoding="utf-8") for p in SEEDS]
SEED_LINES = [ln for t in SEED_TEXTS for ln in t.splitlines() if ln.strip()]

FUZZ = settings(
    max_examples=200,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)

# Text with the characters scraped news is made of, and the ones that break naive code: controls,
# combining marks, surrogates' neighbours, zero-width and bidi marks, CJK, emoji, mojibake pairs.
_ALPHABET = st.characters(codec="utf-8", categories=("L", "M", "N", "P", "S", "Z", "Cc", "Cf"))
_ODD = st.sampled_from(
    ["\u200b", "\u00ad", "\ufeff", "\u202e", "Ã©", "â€™", "\r\n", "\x00", "&amp;", "&#8217;", "\t", "\u2028"]
)
random_text = st.lists(st.one_of(st.text(_ALPHABET, max_size=40), _ODD), max_size=30).map("".join)

_TAG = st.sampled_from(["p", "div", "span", "a", "script", "style", "h1", "li", "table", "td", "br", "img"])
_ATTR = st.sampled_from(["", ' class="x"', ' href="/a?b=1&c=2"', " src='i.jpg'", " data-x=<"])


@st.composite
def html_ish(draw) -> str:
    parts = []
    for _ in range(draw(st.integers(0, 25))):
        tag, attr = draw(_TAG), draw(_ATTR)
        kind = draw(st.integers(0, 4))
        if kind == 0:
            parts.append(f"<{tag}{attr}>")
        elif kind == 1:
            parts.append(f"</{tag}>")
        elif kind == 2:
            parts.append(draw(st.sampled_from(SEED_LINES)))
        else:
            parts.append(draw(random_text))
    return "".join(parts)


seed_splices = st.lists(st.sampled_from(SEED_LINES + SEED_TEXTS), min_size=1, max_size=12).map("\n".join)


@pytest.fixture(scope="module")
def cleaner() -> Cleaner:
    return Cleaner()


def _inserted(result) -> int:
    """Characters the repairs put in: the most the output may exceed the input by."""
    return sum(len(e.new) for e in result.edits if e.new and e.stage not in ("extract",))


def check(cleaner: Cleaner, text: str, html: bool = False) -> None:
    result = cleaner.clean(text, html=html)  # must not raise
    assert result.status in ("cleaned", "unchanged", "dropped", "failed")
    if result.status in ("failed", "dropped"):
        assert result.text == ""
        assert result.error or result.status == "dropped"
        return
    assert result.text.strip(), "an empty result must be a failure, not an output"
    assert result.text.endswith("\n") and not result.text.endswith("\n\n")
    if not html:
        assert len(result.text) <= len(text) + _inserted(result) + 1  # +1: the final newline
        assert replay(text, result.edits) == result.text
    again = cleaner.clean(result.text)
    assert again.text == result.text, "cleaning the output again changed it"


@FUZZ
@given(random_text)
def test_random_unicode(cleaner, text):
    check(cleaner, text)


@FUZZ
@given(html_ish())
def test_random_html(cleaner, page):
    check(cleaner, page, html=True)


@FUZZ
@given(seed_splices)
def test_seed_splices(cleaner, text):
    check(cleaner, text)


def test_html_output_cleaned_again_as_text_is_unchanged(cleaner):
    """Found by test_random_html: a short line left above the article by trafilatura was removed when
    the output was cleaned again as text (``mainblock`` runs on text only). ``mainblock`` now works only
    on page layout (a block per line), which canonical output never has."""
    body = " ".join(SEED_LINES[:6])
    page = "<p><p><p>0\x85" + body + "<p><div>" + " ".join(SEED_LINES[6:10])
    check(cleaner, page, html=True)
