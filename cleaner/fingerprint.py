"""A cleaner's fingerprint: a digest of everything that decides its output bytes.

That is the package's code, the stages in order with their settings and rules (every field of every
rule but the file and line it came from, which move with a checkout), the run limits of
``pipeline.toml``, and the digest of the corpus statistics a stage carries (``Stage.corpus_digest``).
Two cleaners built from the same rules by the same code have the same fingerprint in any process and
on any machine; edit any rule, setting or line of code and it changes. Caches built while cleaning
are not part of it, so a cleaner's fingerprint does not change with use. Caches keyed on a
transformation (``datasets``' ``map``, a ``--resume`` journal, an LLM framework's node cache) key on it
instead of on ``repr``.
"""

from __future__ import annotations

import dataclasses
import functools
import hashlib
import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from cleaner.patterns import Pattern

_PACKAGE = Path(__file__).resolve().parent


@functools.cache
def code_digest() -> str:
    """A digest of the package's Python files (read once per process)."""
    h = hashlib.blake2b(digest_size=16)
    for path in sorted(_PACKAGE.rglob("*.py")):
        h.update(path.relative_to(_PACKAGE).as_posix().encode())
        h.update(path.read_bytes())
    return h.hexdigest()


def canonical(value: Any) -> Any:
    """``value`` as plain JSON data whose text does not depend on the process: sets sorted, dataclasses
    as their fields, patterns as their source."""
    if isinstance(value, Pattern):
        return value.source
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: canonical(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, Mapping):
        return {str(k): canonical(v) for k, v in value.items()}
    if isinstance(value, set | frozenset):
        return sorted((canonical(v) for v in value), key=lambda v: json.dumps(v, sort_keys=True))
    if isinstance(value, list | tuple):
        return [canonical(v) for v in value]
    if value is None or isinstance(value, str | int | float | bool):
        return value
    return repr(value)


def _rule(rule) -> dict[str, Any]:
    out = canonical(rule)
    out.pop("source", None)  # "file:line": where the rule was read, not what it does
    return out


def fingerprint(cleaner) -> str:
    """The hex digest described in the module docstring, of a :class:`cleaner.pipeline.Cleaner` (not
    imported: the pipeline imports this module)."""
    rs = cleaner.ruleset
    config = {
        "code": code_digest(),
        "limits": [rs.max_passes, rs.pattern_timeout, rs.max_document_chars, rs.time_budget],
        "stages": [
            {
                "name": s.name,
                "settings": canonical(s.settings),
                "rules": [_rule(r) for r in s.rules],
                "stats": s.corpus_digest(),
            }
            for s in cleaner.stages
        ],
    }
    text = json.dumps(config, sort_keys=True, ensure_ascii=False)
    return hashlib.blake2b(text.encode("utf-8"), digest_size=16).hexdigest()
