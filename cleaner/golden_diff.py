"""A word-level diff of a golden file against a cleaned text, with the rules behind each difference.

A line diff of canonical text shows whole paragraphs for one changed word; this shows each change as
``[-golden words-]{+cleaned words+}`` with a few words of context, a paragraph break as ``¶``. Under
each change it names the rules whose edits lie between the nearest words both texts share (in the
input, mapped back through the document's edit record as ``explain`` does), and of those the ones
that removed the golden's words when some did. So a failing golden says which rule made the
difference, or, when none acted there, that no rule touched what the golden expects changed.
Format-only edits (white space) are left out.

    >>> print(word_diff("A b c d.\\n", "A b x d.\\n"))
    1. A b [-c-]{+x+} d.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass

from cleaner.document import CleanResult, Edit
from cleaner.explain import base_text, to_base

#: Words shown on each side of a change.
CONTEXT = 6
_TOKEN = re.compile(r"\S+|\n\s*\n")


@dataclass(frozen=True)
class Change:
    """One difference: the golden's words, the cleaned text's words, their context and the rules."""

    want: str
    got: str
    before: str
    after: str
    rules: tuple[Edit, ...] = ()


def _tokens(text: str) -> list[tuple[str, int, int]]:
    return [(m.group() if m.group().strip() else "¶", m.start(), m.end()) for m in _TOKEN.finditer(text)]


def changes(
    want: str, got: str, source: str | None = None, result: CleanResult | None = None
) -> list[Change]:
    """The word-level differences between ``want`` (the golden) and ``got`` (the cleaned text), each with
    the rules that acted where it is when ``source`` and its ``result`` are given."""
    a, b = _tokens(want), _tokens(got)
    words_a, words_b = [t for t, _, _ in a], [t for t, _, _ in b]
    base = base_text(source, result)[1] if result is not None and source is not None else None
    out = []
    ops = difflib.SequenceMatcher(None, words_a, words_b, autojunk=False).get_opcodes()
    for op, i1, i2, j1, j2 in ops:
        if op == "equal":
            continue
        rules: tuple[Edit, ...] = ()
        if base is not None:
            # the gap between the neighbouring words both texts share, in the input: every edit there
            k, m = j1 - 1, j2
            while k >= 0 and b[k][0] == "¶":
                k -= 1
            while m < len(b) and b[m][0] == "¶":
                m += 1
            start = b[k][2] if k >= 0 else 0
            end = b[m][1] if m < len(b) else len(got)
            lo, hi = to_base(source, result, start, end)
            near = [e for e in base if e.start <= hi and lo <= e.end and (e.old.strip() or e.new.strip())]
            # of those, the ones that took away the golden's words, when some did
            gone = [e for e in near if any(w in e.old for w in words_a[i1:i2] if len(w) > 2)]
            rules = tuple(gone or near)
        out.append(
            Change(
                " ".join(words_a[i1:i2]),
                " ".join(words_b[j1:j2]),
                " ".join(words_b[max(0, j1 - CONTEXT) : j1]),
                " ".join(words_b[j2 : j2 + CONTEXT]),
                rules,
            )
        )
    return out


def word_diff(want: str, got: str, source: str | None = None, result: CleanResult | None = None) -> str:
    """:func:`changes` as text, one numbered change a line, its rules indented under it."""
    lines = []
    for n, c in enumerate(changes(want, got, source, result), 1):
        mark = (f"[-{c.want}-]" if c.want else "") + (f"{{+{c.got}+}}" if c.got else "")
        lines.append(f"{n}. " + " ".join(part for part in (c.before, mark, c.after) if part))
        if result is not None:
            seen = dict.fromkeys((e.stage, e.rule, e.reason) for e in c.rules)
            lines.extend(f"   ⟨{rule}⟩ {stage}: {reason}" for stage, rule, reason in seen)
            if not seen:
                lines.append("   no rule acted here")
    return "\n".join(lines)
