"""cleaner: turn scraped and machine-translated news articles into clean canonical text.

    >>> from cleaner import Cleaner
    >>> result = Cleaner().clean("Putin met Zelensky 's envoy.\\nSTORY CONTINUES BELOW THIS AD\\n")
    >>> result.text
    "Putin met Zelensky's envoy.\\n"
    >>> [(e.stage, e.rule) for e in result.edits][:2]
    [('boilerplate', 'ad-slot-marker'), ('repair', 'space-before-possessive')]

Every change is an :class:`Edit` with the stage, rule id, span, old and new text and the reason;
:func:`replay` rebuilds the output from the input and the edits.
"""

from cleaner.document import CleanResult, Document, Edit, apply_edits, replay
from cleaner.pipeline import Cleaner, load_pipeline
from cleaner.rules import RuleError, load_rules

__all__ = [
    "CleanResult",
    "Cleaner",
    "Document",
    "Edit",
    "RuleError",
    "apply_edits",
    "clean_text",
    "load_pipeline",
    "load_rules",
    "replay",
]

_default: Cleaner | None = None


def clean_text(text: str, *, html: bool = False) -> str:
    """Clean one text with the bundled rules and return the canonical text ("" when it failed)."""
    global _default
    if _default is None:
        _default = Cleaner()
    return _default.clean(text, html=html).text
