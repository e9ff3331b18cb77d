"""``appended`` in one application: every inline box goes at once, then the cut to the end."""

from __future__ import annotations

from cleaner.document import Document, apply_edits

PROSE = [
    "Russian President Vladimir Putin has agreed in principle to let the United States extend guarantees.",
    "European diplomats said the offer could provide a pathway around the opposition to membership.",
    "Speaking on Sunday, Witkoff described the concession as game-changing, the first time Moscow did.",
    "Rubio said there would be consequences if there was no peace agreement by the end of the month.",
    "Officials in Kyiv said they would study the offer closely before the talks resume later this week.",
    "The article goes on after the first box: European leaders will meet at the White House on Monday.",
    "It goes on after the second box too, with one more paragraph of its own about who will attend.",
]
BOX = ["More stories", "Zelensky arrives at White House", "Trump meets Zelenskyy"]


def test_every_inline_box_goes_in_one_application(cleaner):
    stage = next(s for s in cleaner.stages if s.name == "appended")
    text = "\n".join([*PROSE[:5], *BOX, PROSE[5], *BOX, PROSE[6], *BOX]) + "\n"
    result = stage.apply(Document(text, None, False, {}))
    # two boxes inside the article, and the last one, with nothing of the article after it, to the end:
    # a page of pages glued together used to lose one box a pass and run out of passes
    assert len(result.edits) == 3
    assert apply_edits(text, result.edits) == "\n".join(PROSE) + "\n"
    assert not stage.apply(Document(apply_edits(text, result.edits), None, False, {})).edits
