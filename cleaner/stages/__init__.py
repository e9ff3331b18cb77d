"""The stages, one module each; importing this package registers them (see cleaner.stage.registry)."""

from cleaner.stages import (
    appended,
    boilerplate,
    canonical,
    debris,
    extract,
    language,
    mainblock,
    names,
    repair,
    unicode,
)

__all__ = [
    "appended",
    "boilerplate",
    "canonical",
    "debris",
    "extract",
    "language",
    "mainblock",
    "names",
    "repair",
    "unicode",
]
