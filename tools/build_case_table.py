"""Build ``cleaner/data/case.tsv``: how often English writes a word capitalised and in lower case.

    pip install truecase==0.0.14   # only to rebuild the table (it needs nltk to unpickle its model)
    python tools/build_case_table.py

wordfreq, which grades the names stage's world evidence, folds case: it cannot tell a name (Madin,
Boneh) from the common word one letter away (main, bone). truecase 0.0.14 ships a unigram model of
cased words counted over NLTK's English corpora (its ``uni_dist``: "Main" 25, "main" 492). This keeps
of it, for every alphabetic word of four letters or more, the count of its Title case form and of its
lower-case form, one ``word<TAB>title<TAB>lower`` line each, sorted: a table of counts, not the model.

Licence: truecase is distributed under the MIT licence (its metadata; the wheel's LICENSE file holds
the Apache License 2.0 text), both permissive; the counts are statistics of NLTK's corpora, derived
as truecase derived them. The table is rebuilt, byte for byte, from the same truecase release.
"""

from __future__ import annotations

import pickle
from collections import Counter
from pathlib import Path

OUT = Path(__file__).resolve().parent.parent / "cleaner" / "data" / "case.tsv"
MIN_LENGTH = 4  # the names stage's min_length: shorter tokens are never repaired


def main() -> None:
    import truecase

    model = Path(truecase.__file__).parent / "data" / "english.dist"
    with open(model, "rb") as f:
        uni = pickle.load(f)["uni_dist"]
    title, lower = Counter(), Counter()
    for word, n in uni.items():
        if len(word) < MIN_LENGTH or not word.isascii() or not word.isalpha():
            continue
        if word.islower():
            lower[word] += n
        elif word[0].isupper() and word[1:].islower():
            title[word.lower()] += n
    lines = [f"{w}\t{title[w]}\t{lower[w]}\n" for w in sorted(title.keys() | lower.keys())]
    OUT.write_text(
        "# word\ttitle\tlower: counts of Title case and lower-case use in NLTK's English corpora, "
        "from truecase 0.0.14's model (tools/build_case_table.py)\n" + "".join(lines),
        encoding="ascii",
    )
    print(f"{OUT}: {len(lines)} words")


if __name__ == "__main__":
    main()
