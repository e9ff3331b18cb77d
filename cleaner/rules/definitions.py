"""Named sub-patterns shared by the whole rule set: a rule file's ``[define]`` table.

A vocabulary that several rules need (month and weekday names in the sources' languages) is written once,
as ``name = 'pattern'`` under ``[define]`` in any rule file, and a pattern anywhere in the set calls it
as ``(?&name)``, the syntax of the ``regex`` module's call of a named group. The loader writes each call
out as the definition in a group (and the calls in a definition in turn), so the compiled pattern, its
fingerprint and its pickled source are whole, and a pattern without the regex module's own syntax still
gets its fast RE2 gate (a call of a group would have cost it that). A pattern may still define a group
of its own under a shared name (in a ``(?(DEFINE)...)`` group): its own is the one called. In a verbose
pattern a definition is written out in ``(?-x:...)``, so that the white-space rule does not change it;
it takes the calling pattern's other flags (a ``(?i)`` pattern matches it in any case). A definition
may not call itself.

A user's rule directory may redefine a bundled name, as a user's rule may replace a bundled rule.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

import regex

from cleaner.patterns import compile_checked
from cleaner.rules.hints import suggest
from cleaner.rules.ruleset import Problems

_IDENTIFIER = r"[A-Za-z_][A-Za-z0-9_]*"  # a group name, as the regex module takes it
_NAME = regex.compile(_IDENTIFIER)
_CALL = regex.compile(rf"\(\?&({_IDENTIFIER})\)")
_OWN = regex.compile(rf"\(\?P?<({_IDENTIFIER})>")
# A pattern in verbose mode ("(?x)" first): white space in it is layout, not text to match.
VERBOSE = regex.compile(r"\(\?[a-wyz]*x")


@dataclass(frozen=True)
class Definition:
    pattern: str
    source: str  # "file:line", for messages
    bundled: bool


def collect(files: Iterable[tuple[Path, str, dict, bool]], problems: Problems) -> dict[str, Definition]:
    """The ``[define]`` tables of the parsed rule files ``(path, text, data, bundled)``, checked: each name
    an identifier, each pattern a string that compiles on its own, each name defined once (a user's file
    may redefine a bundled name)."""
    found: dict[str, Definition] = {}
    for f, text, data, bundled in files:
        table = data.get("define", {})
        if not isinstance(table, dict):
            problems.add(f, "'define' must be a table", hint="a [define] header, then lines of name = '...'")
            continue
        for name, pattern in table.items():
            line = _line(text, name)
            if not _NAME.fullmatch(name):
                hint = "letters, digits and underscores, not starting with a digit"
                problems.add(f, f"definition name {name!r} is not a group name", line=line, hint=hint)
                continue
            if not isinstance(pattern, str):
                hint = "write it in single quotes: name = '...'"
                problems.add(f, f"definition {name!r} must be a pattern string", line=line, hint=hint)
                continue
            _, err = compile_checked(f"(?:{pattern})")
            if err is not None and not _CALL.search(pattern):  # one that calls others compiles expanded
                hint = "escape literal ( ) [ ] { } . * + ? | with a backslash; syntax is the `regex` module's"
                problems.add(f, f"definition {name!r} does not compile: {err}", line=line, hint=hint)
                continue
            here = Definition(pattern, f"{f}:{line}", bundled)
            before = found.get(name)
            if before is not None and not (before.bundled and not bundled):
                hint = f"already defined at {before.source}; names are unique across the set"
                problems.add(f, f"definition {name!r} is defined twice", line=line, hint=hint)
                continue
            found[name] = here
    return found


def expand(source: str, definitions: Mapping[str, Definition]) -> tuple[str, list[tuple[str, str]]]:
    """``source`` with each call of a shared definition replaced by the definition, in a group, and the
    calls that cannot be written out, as (name, what is wrong): a name neither the pattern nor
    ``definitions`` defines, or a definition that calls itself."""
    own = set(_OWN.findall(source))
    wrong: list[tuple[str, str]] = []
    wrap = "(?-x:{})" if VERBOSE.match(source) else "(?:{})"

    def inline(text: str, calling: tuple[str, ...]) -> str:
        def one(m: regex.Match) -> str:
            name = m.group(1)
            if name in own:
                return m.group(0)
            if name not in definitions:
                wrong.append((name, f"calls (?&{name}), which is not defined"))
            elif name in calling:
                wrong.append((name, f"calls (?&{name}), whose definition calls itself"))
            else:
                return wrap.format(inline(definitions[name].pattern, (*calling, name)))
            return m.group(0)

        return _CALL.sub(one, text)

    return inline(source, ()), wrong


def call_hint(name: str, definitions: Mapping[str, Definition]) -> str:
    if name in definitions:
        return "a definition is written out where it is called, so it cannot call itself"
    return suggest(name, definitions) or (
        "define it under [define] in a rule file"
        + (f" (defined: {', '.join(sorted(definitions))})" if definitions else "")
    )


def _line(text: str, name: str) -> int | None:
    """Line of ``name = ...`` under the file's ``[define]`` header (tomllib does not keep positions)."""
    header = regex.search(r"(?m)^\s*\[define\]\s*$", text)
    if header is None:
        return None
    m = regex.compile(r"(?m)^\s*" + regex.escape(name) + r"\s*=").search(text, header.end())
    return text.count("\n", 0, m.start()) + 1 if m else None
