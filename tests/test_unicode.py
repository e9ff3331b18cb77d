"""The ``unicode`` stage against ftfy: its own test cases, and a cheap check that misses nothing it fixes."""

from __future__ import annotations

import json
import unicodedata
from pathlib import Path

import ftfy
import pytest
from ftfy.fixes import uncurl_quotes
from hypothesis import given, settings
from hypothesis import strategies as st

from cleaner.stages.unicode import FTFY_CONFIG, line_spans, lines_for_ftfy, needs_ftfy

FTFY_CASES = Path(__file__).parent / "ftfy_cases"  # vendored from rspeer/python-ftfy; see its README
PASS_CASES = [
    (f"{path.stem}:{n}", case)
    for path in sorted(FTFY_CASES.glob("*.json"))
    for n, case in enumerate(json.loads(path.read_text(encoding="utf-8")))
    if case["expect"] == "pass"
]

# The documented policies by which cleaning ftfy's `fixed` text may differ from cleaning its `original`,
# each as the change that takes the difference away:
POLICIES = {
    # README, Canonical text: quotes are kept as the source wrote them; ftfy's `fixed` has them
    # straightened (its uncurl_quotes, which the stage turns off).
    "quotes": uncurl_quotes,
    # README, Canonical text: NFC, not NFKC; the stage turns ftfy's fix_character_width off, because
    # it turns the full-width punctuation of Chinese and Japanese into ASCII.
    "compatibility forms": lambda s: unicodedata.normalize("NFKC", s),
    # README, Canonical text: one paragraph per line, single spaces (no case needs it today).
    "white space": lambda s: " ".join(s.split()),
}

# The cases whose cleaned texts differ, with the policy that explains the difference. Every other case
# must give the same text byte for byte.
DIFFER_BY_POLICY = {
    "Latin-1 / Windows-1252 mixup in German": "quotes",
    "UTF-8 / Windows-1252 mixed up twice in Malay": "quotes",
    "Left quote is UTF-8, right quote is Latin-1, both encoded in Windows-1252": "quotes",
    "UTF-8 / Windows-1252 mixed up three times": "quotes",
    "UTF-8 / sloppy Windows-1250 mixup in English": "quotes",
    "The same text as above, but as a UTF-8 / ISO-8859-2 mixup": "quotes",
    "UTF-8 / Windows-1252 mixup in mixed French and Arabic": "quotes",
    "Lossy decoding can have plain ASCII question marks, as well": "quotes",
    "An absolutely hopeless garble": "quotes",
    "Inconsistent UTF-8 / Latin-1 mojibake": "quotes",
    "Inconsistent UTF-8 / Latin-1 mojibake with an ellipsis from the Windows-1252 character set": "quotes",
    "Handle Afrikaans 'n character": "quotes",  # ftfy's ligature fix gives ʼn, which it then straightens
    "Handle Croatian single-codepoint digraphs": "quotes",
    "Fix 'à' in inconsistent mojibake": "quotes",
    "We can fix 'à' in windows-1251 sometimes as well": "quotes",
    "UTF-8 / Windows-1251 mixup": "quotes",
    "Wide comma in UTF-8 / Windows-1252": "compatibility forms",
    "Negative: Don't fix a multiplication symbol in quotes": "quotes",
    "Negative: 'É' followed by a curly apostrophe": "quotes",
    "Negative: 'é' preceded by curly apostrophe": "quotes",
    "Synthetic, negative: Brontë's name does not end with a Korean syllable": "quotes",
    "Synthetic: curly quotes with mismatched encoding glitches in Latin-1": "quotes",
    "Synthetic: curly quotes with mismatched encoding glitches in Windows-1252": "quotes",
    "Synthetic: lossy decoding in sloppy-windows-1252": "quotes",
    "Synthetic, negative: Be careful around curly apostrophes": "quotes",
}


def test_the_vendored_cases_are_ftfys_pass_cases():
    assert len(PASS_CASES) == 151
    assert set(DIFFER_BY_POLICY) <= {case["label"] for _, case in PASS_CASES}
    assert set(DIFFER_BY_POLICY.values()) <= set(POLICIES)


@pytest.mark.parametrize(("case_id", "case"), PASS_CASES, ids=[i for i, _ in PASS_CASES])
def test_ftfy_case(case_id, case, cleaner):
    # Cleaning the garbled text gives what cleaning ftfy's repair of it gives. A case whose cleaned
    # text has no letters (a kaomoji) is dropped or failed on both sides: the text is "" either way.
    garbled = cleaner.clean(case["original"])
    fixed = cleaner.clean(case["fixed"])
    policy = DIFFER_BY_POLICY.get(case["label"])
    if policy is None:
        assert garbled.text == fixed.text
    else:
        assert garbled.text != fixed.text, f"{case['label']!r} no longer differs: remove it from the list"
        assert POLICIES[policy](garbled.text) == POLICIES[policy](fixed.text)
    assert cleaner.clean(garbled.text).text == garbled.text or not garbled.text


def _ftfy_changes(line: str) -> bool:
    return ftfy.fix_and_explain(line, FTFY_CONFIG).text != line


# Mojibake, the characters ftfy fixes wherever they stand, line breaks of every kind, an entity's
# pieces, decomposed accents and plain letters.
_ALPHABET = "az É\tÃÂâ€™œ©®é¢Ñ¦ñ“•°²ßæ—¥ä½ВСвЂўΒØ\xad\x85\x9d\x1b\x0b\x1c\r\n\u2028\ufb01ǆŉ\ufeff&;#x\u0301"


@settings(max_examples=3000, deadline=None)
@given(st.text(alphabet=_ALPHABET, max_size=16))
def test_the_check_picks_every_line_ftfy_changes(text):
    for a, b in line_spans(text):
        if _ftfy_changes(text[a:b]):
            assert needs_ftfy(text[a:b]), text[a:b]
    # one scan of the page picks exactly the lines the check of each line (with ftfy's is_bad) picks
    assert lines_for_ftfy(text) == [(a, b) for a, b in line_spans(text) if needs_ftfy(text[a:b])]


def test_the_check_picks_every_character_ftfy_changes():
    # every character of the scripts and symbol blocks ftfy's tables and mojibake pattern draw on, in a
    # word: ftfy changes it only where the check looks (CJK ideographs, Hangul and the like are left
    # out: ftfy never changes one of them alone, and there are 100,000 of them)
    ranges = [(0, 0x3000), (0xF900, 0x10000), (0x1D100, 0x1D200), (0xE0000, 0xE0080)]
    chars = [chr(c) for lo, hi in ranges for c in range(lo, hi) if not 0xD800 <= c < 0xE000]
    missed = [c for c in chars if c not in "\r\n" and _ftfy_changes(f"x{c}y") and not needs_ftfy(f"x{c}y")]
    assert missed == []


def test_separators_ftfy_reads_are_repaired_inside_their_line(cleaner):
    # "\x85" is a mis-decoded "…", not a line break (str.splitlines treats it as one)
    out = cleaner.clean("C'est vrai que nous n'en avons pas encore parlé\x85 Tu sais, ça fait des années")
    assert out.text == "C'est vrai que nous n'en avons pas encore parlé… Tu sais, ça fait des années\n"
    assert [e.rule for e in out.edits if e.stage == "unicode"] == ["ftfy"]


def test_a_page_of_mojibake_is_repaired_whole(cleaner):
    # three characters become one: no deletion guard may roll this back
    out = cleaner.clean("æ—¥æœ¬èªž\n\nç®€ä½“ä¸\xadæ–‡\n")
    assert out.text == "日本語\n\n简体中文\n"
    assert not out.warnings


def test_symbols_that_were_mojibake_are_no_text(cleaner):
    out = cleaner.clean("Ã¢â€\x9dâ€™(Ã¢Å’Â£Ã‹â€ºÃ¢Å’Â£)Ã¢â€\x9dÅ½")
    assert out.status == "dropped" and out.text == ""
    assert "not text" in out.error


def test_invisible_character_rules_leave_unrepaired_mojibake_alone(ruleset):
    # ftfy cannot decode "¦¦" (no encoding maps it to UTF-8 that decodes): a soft hyphen in that line
    # may be a byte of the same garble, so it stays; in a clean line it goes
    from tests.conftest import with_stages

    unicode_only = with_stages(ruleset, "unicode")
    assert unicode_only.clean("¦¦ Bundes\xadregierung").text == "¦¦ Bundes\xadregierung"
    assert unicode_only.clean("Die Bundes\xadregierung").text == "Die Bundesregierung"


# words of a long line: plain ASCII, right accents, mojibake of several kinds (one with the space ftfy
# reads as a mis-decoded no-break space), an entity and markup that turns entities off for the line
_LONG_LINE_WORDS = st.sampled_from(
    [
        "the",
        "minister",
        "said.",
        "café",
        "naïve",
        "cafÃ©",
        "â€œquotedâ€\x9d",
        "Ã ",
        "AT&amp;T",
        "<b>",
        "x\x85",
    ]
)


@settings(max_examples=300)
@given(st.lists(_LONG_LINE_WORDS, min_size=1, max_size=60))
def test_a_long_line_is_repaired_as_ftfy_repairs_each_of_its_segments(words):
    # segments of 40 characters stand for those of 10,000. They cover the line, cut only after a space
    # between printable ASCII characters (never inside a mis-decoded sequence), and each is repaired as
    # ftfy repairs it alone, entities left alone in all of them when the line holds markup. (Not always
    # as ftfy repairs the whole line: fix_encoding decides for a whole segment, as it does for ftfy's own
    # segments of max_decode_length characters.)
    from unittest import mock

    from cleaner.document import apply_edits
    from cleaner.stages import unicode

    line = " ".join(words)
    config = FTFY_CONFIG if "<" not in line else FTFY_CONFIG._replace(unescape_html=False)
    with mock.patch.object(unicode, "SEGMENT", 40):
        pieces = unicode.segments(line, 0, len(line))
        edits, _ = unicode.Unicode()._ftfy(line)
    assert "".join(line[a:b] for a, b in pieces) == line
    assert all(line[b - 2 : b + 1].isascii() and line[b - 1] == " " for _, b in pieces[:-1])
    want = "".join(ftfy.fix_and_explain(line[a:b], config)[0] for a, b in pieces)
    assert apply_edits(line, edits) == want


def test_a_long_line_goes_to_ftfy_only_in_the_segments_that_need_it():
    from cleaner.stages.unicode import SEGMENT, Unicode

    clean = "word " * (3 * SEGMENT // 5)
    line = clean + "cafÃ© " + clean
    (edit,) = Unicode()._ftfy(line)[0]
    assert edit.old.startswith("word") and "cafÃ©" in edit.old and len(edit.old) <= SEGMENT + 10
    assert edit.new == edit.old.replace("cafÃ©", "café")


@pytest.mark.parametrize(
    ("text", "spans"),
    [
        ("", []),
        ("clean\nlines\r\n", []),
        ("a\r\nAT&amp;T\r\n", [(3, 11)]),  # the "\r\n" is the line's break, not content
        ("old\rmac", [(0, 7)]),  # a lone "\r" is ftfy's to turn into "\n"
        ("é\ncafÃ©\nTschüss", [(2, 7)]),
        ("x\n\ufb01ne\u2028line", [(2, 10)]),
    ],
)
def test_lines_for_ftfy(text, spans):
    assert lines_for_ftfy(text) == spans


def test_the_check_benchmark_skips_without_bench(tmp_path, capsys):
    from benchmarks import unicode_check

    assert unicode_check.main(["--bench", str(tmp_path / "absent")]) == 0
    assert "skipping the unicode check benchmark" in capsys.readouterr().err


def test_the_check_benchmark_reports_its_seconds_and_misses(tmp_path, capsys):
    from benchmarks import unicode_check

    (tmp_path / "a.txt").write_text("The cafÃ© opened.\nA clean line.\n", encoding="utf-8")
    (tmp_path / "b.txt").write_text("AT&amp;T said\x85 no.\n", encoding="utf-8")
    assert unicode_check.main([str(tmp_path), "--repeat", "1", "--verify"]) == 0
    out = capsys.readouterr().out
    assert "pages: 2" in out and "unicode pre-check: " in out and "2 lines picked for ftfy" in out
    assert "lines ftfy would change that the check missed: 0" in out
