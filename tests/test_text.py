"""Line helpers: the fast paths give the same answers as the definitions they stand in for."""

from hypothesis import given, settings
from hypothesis import strategies as st

from cleaner.text import _CJK, _WORD, word_count

ASCII = st.text(alphabet=st.characters(max_codepoint=0x7F), max_size=80)


def reference_count(s: str) -> int:
    """The definition: ``_WORD`` words, plus one word per two CJK characters."""
    return len(_WORD.findall(s)) + len(_CJK.findall(s)) // 2


@settings(max_examples=500)
@given(ASCII)
def test_ascii_word_count_is_the_regex_count(s):
    assert word_count.__wrapped__(s) == reference_count(s)


def test_word_count_examples():
    assert word_count("It's a well-known fact, isn't it? 42 x") == 8
    assert word_count("-- ' - _ __") == 0
    assert word_count("état d’esprit") == 2
    assert word_count("中文测试") == 2


EDIT_TEXT = st.text(alphabet="ab \n\t\x85\u2028.", max_size=30)


@settings(max_examples=600)
@given(st.data())
def test_relines_gives_the_lines_of_the_new_text(data):
    """The lines derived from the old text's lines and the edits equal the lines of the new text split
    afresh: positions, numbers, contents and norms."""
    from cleaner.document import Edit, apply_edits
    from cleaner.text import lines, relines

    old = data.draw(EDIT_TEXT)
    cuts = sorted(data.draw(st.lists(st.integers(0, len(old)), max_size=8)))
    edits = [
        Edit("s", "r", a, b, old[a:b], data.draw(EDIT_TEXT), "why")
        for a, b in zip(cuts[::2], cuts[1::2], strict=False)
    ]
    new = apply_edits(old, edits)
    lines.cache_clear()
    derived = relines(old, edits, new)
    lines.cache_clear()
    assert derived == lines(new)


def test_no_cjk_character_comes_before_the_plain_word_path():
    """word_count counts a line whose characters are all below U+2E80 without the CJK look-ahead."""
    import regex

    from cleaner.text import _FIRST_CJK

    below = "".join(chr(i) for i in range(ord(_FIRST_CJK)) if not 0xD800 <= i <= 0xDFFF)
    assert regex.search(r"[\p{Han}\p{Hiragana}\p{Katakana}]", below) is None


@settings(max_examples=500)
@given(st.text(alphabet=st.characters(max_codepoint=0x2E7F), max_size=60))
def test_plain_word_count_is_the_regex_count(s):
    assert word_count.__wrapped__(s) == reference_count(s)


@settings(max_examples=500)
@given(st.text(alphabet="ab 1'-’é中文\n", max_size=40), st.integers(0, 6))
def test_at_least_words_answers_as_the_count(text, n):
    # the prefix shortcut (cut to a few characters here, 10,000 in use) never changes the answer
    import cleaner.text as T

    old, T._PREFIX = T._PREFIX, 5
    try:
        assert T.at_least_words(text, n) == (T.word_count(text) >= n)
    finally:
        T._PREFIX = old


@settings(max_examples=500)
@given(
    st.text(alphabet="ab \n\r\t\x0b\x0c\x85\u2028\u2029.", max_size=40), st.integers(0, 9), st.integers(0, 9)
)
def test_lines_are_split_as_the_definition_splits_them(text, start, index):
    """Each line: its number, its span (with the break), its content (without) and its norm."""
    from cleaner.text import LINE_BREAKS, _split

    expected, pos = [], start
    for i, chunk in enumerate(text.splitlines(keepends=True), index):
        content = chunk.rstrip(LINE_BREAKS)
        expected.append((i, pos, pos + len(chunk), content, " ".join(content.split())))
        pos += len(chunk)
    assert [tuple(line) for line in _split(text, start, index)] == expected
