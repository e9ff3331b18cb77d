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
