"""Third-party chatter on standard error: silenced by the command line, shown again with ``-v``.

wordfreq logs a warning whenever a language is served by its nearest match ("You asked for word
frequencies in language 'no'. Using the nearest match, which is 'nb'."), once per language and process;
trafilatura and the libraries it uses log about pages they find odd. None of it is about the user's run,
and standard error is where the cleaner's own one-line diagnostics go. The library itself configures
nothing: a program that uses it keeps its own logging.
"""

from __future__ import annotations

import logging
import warnings

#: the loggers of the libraries the stages use
LOGGERS = (
    "wordfreq",
    "langcodes",
    "langdetect",
    "trafilatura",
    "htmldate",
    "courlan",
    "justext",
    "charset_normalizer",
    "ftfy",
)

_silenced: bool | None = None  # None: never configured here (the library in someone else's program)


def configure(verbose: bool) -> None:
    """Silence the libraries' loggers and warnings, or (``verbose``) show their warnings on standard
    error, with the logger's name in front."""
    global _silenced
    _silenced = not verbose
    for name in LOGGERS:
        logger = logging.getLogger(name)
        # above CRITICAL: nothing passes; NOTSET: the level comes from the root again
        logger.setLevel(logging.CRITICAL + 1 if _silenced else logging.NOTSET)
    if _silenced:
        warnings.filterwarnings("ignore")
    elif not logging.getLogger().handlers:
        # trafilatura gives its logger a NullHandler, so without a handler on the root its warnings
        # would never show, even here
        logging.basicConfig(level=logging.WARNING, format="%(name)s: %(levelname)s: %(message)s")


def silenced() -> bool | None:
    """Whether :func:`configure` silenced the chatter in this process, None when it never ran; pool
    workers are configured the same way."""
    return _silenced
