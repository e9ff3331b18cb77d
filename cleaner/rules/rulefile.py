"""One rule file: its keys, each ``[[rule]]`` checked against its stage's rule kinds, patterns compiled
and bound to the time limit, and the rule's self-test (examples must match, ``keep`` must not)."""

from __future__ import annotations

import unicodedata
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import regex

from cleaner.patterns import Pattern, compile_checked
from cleaner.rules.definitions import VERBOSE, Definition, call_hint, expand
from cleaner.rules.hints import is_int, is_list_of, suggest
from cleaner.rules.ruleset import Problems
from cleaner.stage import BOOL, FLOAT, INT, PAIRS, REGEX, STR, STRS, Field, Rule, Stage

_ID = regex.compile(r"[a-z][a-z0-9]*(?:-[a-z0-9]+)*")
COMMON = {
    "id": Field(STR, True, help="kebab-case name, unique across the rule set"),
    "kind": Field(STR),
    "reason": Field(STR, True, help="why this text is noise, shown in reports"),
    "examples": Field(STRS, True, help="texts the rule must match"),
    "keep": Field(STRS, True, help="near misses the rule must leave alone"),
}
FILE_KEYS = {"stage", "concept", "rule", "define"}


def rule_file(
    f: Path,
    text: str,
    data: dict,
    timeout: float,
    stages: Mapping[str, type[Stage]],
    problems: Problems,
    definitions: Mapping[str, Definition] | None = None,
) -> list[Rule]:
    """The valid rules of one parsed rule file, their patterns calling the set's ``definitions`` (see
    :mod:`cleaner.rules.definitions`); each problem goes to ``problems``."""
    for key in sorted(set(data) - FILE_KEYS):
        problems.add(f, f"unknown top-level key {key!r}", hint=suggest(key, FILE_KEYS))
    if set(data) <= {"define", "concept"} and "define" in data:
        return []  # a file of shared definitions only
    stage = data.get("stage")
    cls = stages.get(stage) if isinstance(stage, str) else None
    if cls is None:
        problems.add(
            f,
            f"unknown or missing 'stage' {stage!r}",
            hint=f"one of: {', '.join(n for n, c in stages.items() if c.rule_kinds)}",
        )
        return []
    if not cls.rule_kinds:
        problems.add(f, f"stage {stage!r} takes no rules")
        return []
    entries = data.get("rule", [])
    if not isinstance(entries, list) or not all(isinstance(e, dict) for e in entries):
        problems.add(f, "rules must be written as [[rule]] tables")
        return []
    out = []
    for n, entry in enumerate(entries, 1):
        rule = _rule(f, text, n, entry, cls, timeout, problems, definitions or {})
        if rule is not None:
            out.append(rule)
    return out


def _rule(
    f: Path,
    text: str,
    n: int,
    entry: dict,
    cls: type[Stage],
    timeout: float,
    problems: Problems,
    definitions: Mapping[str, Definition],
) -> Rule | None:
    rid = entry.get("id") if isinstance(entry.get("id"), str) else f"#{n}"
    line = line_of(text, rid, n)
    before = len(problems)

    def bad(message: str, hint: str | None = None) -> None:
        problems.add(f, message, line=line, rule=rid, hint=hint)

    kind = entry.get("kind", cls.default_kind)
    if kind not in cls.rule_kinds:
        bad(f"unknown kind {kind!r} for stage {cls.name!r}", hint=f"kinds: {', '.join(cls.rule_kinds)}")
        return None
    spec = {**COMMON, **cls.rule_kinds[kind]}
    if kind in getattr(cls, "replace_kinds", ()):
        spec["examples"] = Field(PAIRS, True, help="[input, expected output] pairs")
    for key in sorted(set(entry) - set(spec)):
        bad(
            f"unknown key {key!r}",
            hint=suggest(key, spec) or f"keys of a {kind} rule: {', '.join(spec)}",
        )
    for key, fs in spec.items():
        if key not in entry:
            if fs.required:
                bad(f"missing required key {key!r}", hint=fs.help or None)
            continue
        err = _type_error(entry[key], fs)
        if err:
            bad(f"{key!r} {err}", hint=fs.help or None)
    if "id" in entry and isinstance(entry["id"], str) and not _ID.fullmatch(entry["id"]):
        kebab = "-".join(regex.findall(r"[a-z0-9]+", entry["id"].lower()))
        bad(
            "id must be kebab-case (lower-case letters, digits and single hyphens)",
            hint=f"e.g. {kebab!r}",
        )
    for key in ("examples",):
        if isinstance(entry.get(key), list) and not entry[key]:
            bad(f"{key!r} is empty", hint="give at least one text the rule must change")
    compiled: dict[str, Pattern] = {}
    for key, fs in spec.items():
        if fs.type != REGEX or not isinstance(entry.get(key), str):
            continue
        source, wrong = expand(entry[key], definitions)
        for name, message in wrong:
            bad(f"{key!r} {message}", hint=call_hint(name, definitions))
        if not wrong and _pattern(source, key, bad):
            compiled[key] = Pattern(source, rid, timeout)
    if len(problems) > before:
        return None
    # Every regex-typed key arrives compiled and bound to the time limit, so stages never compile.
    params = {k: tuple(v) if isinstance(v, list) else v for k, v in entry.items() if k not in COMMON}
    params.update(compiled)
    pattern = params.pop("pattern", None)
    rule = Rule(
        id=entry["id"],
        stage=cls.name,
        kind=kind,
        reason=entry["reason"],
        examples=tuple(tuple(e) if isinstance(e, list) else e for e in entry["examples"]),
        keep=tuple(entry["keep"]),
        pattern=pattern,
        params=params,
        source=f"{f}:{line}",
        timeout=timeout,
    )
    try:
        failures = cls.check_rule(rule)
    except Exception as exc:  # a self-test that crashes is a problem of the rule, reported as such
        failures = [f"self-test raised {type(exc).__name__}: {exc}"]
    for message in failures:
        bad(message, hint="fix the pattern, or move the text between 'examples' and 'keep'")
    return None if failures else rule


def _pattern(source: str, key: str, bad) -> regex.Pattern | None:
    # A pattern in verbose mode may be laid out over several lines: there a line break is white space,
    # and a long pattern (mainblock's byline) is readable only so. Elsewhere it is a mistake.
    layout = "\n" if VERBOSE.match(source) else ""
    controls = [c for c in source if unicodedata.category(c) == "Cc" and c not in layout]
    if controls:
        bad(
            f"{key!r} contains control character {controls[0]!r}",
            hint='write patterns in single-quoted TOML strings: in "..." a \\b becomes a backspace',
        )
        return None
    compiled, err = compile_checked(source)
    if compiled is None:
        bad(
            f"{key!r} does not compile: {err}",
            hint="escape literal ( ) [ ] { } . * + ? | with a backslash; syntax is the `regex` module's",
        )
        return None
    if compiled.fullmatch("") is not None:
        bad(f"{key!r} matches the empty string", hint="a rule must require at least one character")
        return None
    return compiled


def line_of(text: str, rid: str, n: int = 0) -> int | None:
    """Line of the n-th rule's ``id = "..."`` in its file (tomllib does not keep positions).

    The n-th ``[[rule]]`` header locates the rule even when its id is repeated or missing; the id's own
    line inside that rule is more precise, when there is one.
    """
    headers = [m.start() for m in regex.finditer(r"(?m)^[ \t]*\[\[rule\]\]", text)]
    start = headers[n - 1] if 0 < n <= len(headers) else 0
    m = regex.compile(r"(?m)^\s*id\s*=\s*[\"']" + regex.escape(rid) + r"[\"']").search(text, start)
    if m and (n >= len(headers) or n == 0 or m.start() < headers[n]):
        return text.count("\n", 0, m.start()) + 1
    return text.count("\n", 0, start) + 1 if 0 < n <= len(headers) else None


def _type_error(value: Any, fs: Field) -> str | None:
    ok = {
        STR: lambda v: isinstance(v, str),
        REGEX: lambda v: isinstance(v, str),
        INT: is_int,
        FLOAT: lambda v: isinstance(v, int | float) and not isinstance(v, bool),
        BOOL: lambda v: isinstance(v, bool),
        STRS: lambda v: is_list_of(v, str),
        PAIRS: lambda v: isinstance(v, list) and all(is_list_of(x, str) and len(x) == 2 for x in v),
    }[fs.type](value)
    if not ok:
        return f"must be {fs.type}"
    if fs.choices and value not in fs.choices:
        return f"must be one of {', '.join(fs.choices)}"
    if fs.type == STR and not value.strip():
        return "must not be empty"
    return None
