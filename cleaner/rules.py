"""Load rule files (``rules/*.toml``), validate them, and report every problem at once.

A rule set is a directory of TOML files (or single files). ``pipeline.toml`` holds the stage order, stage
settings and the ids of rules to switch off; every other file holds rules of one concept for one stage::

    stage = "boilerplate"
    concept = "ad-slot markers"

    [[rule]]
    id = "ad-slot-marker"
    pattern = '(?i)(?:story|article) continues (?:below|after) (?:this )?(?:ad|advertisement)'
    reason = "publisher's marker where an ad was cut out of the article"
    examples = ["STORY CONTINUES BELOW THIS AD"]
    keep = ["The story continues below the fold of the newspaper."]

TOML is read with ``tomllib``: duplicate keys are errors with a line number and nothing is typed
implicitly. Nothing in a rule file is executed; patterns are compiled by ``regex`` and run with a timeout.
"""

from __future__ import annotations

import difflib
import tomllib
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any

import regex

from cleaner.patterns import Pattern, compile_checked
from cleaner.stage import BOOL, FLOAT, INT, PAIRS, REGEX, STR, STRS, Field, Rule, Stage

PIPELINE_FILE = "pipeline.toml"
_ID = regex.compile(r"[a-z][a-z0-9]*(?:-[a-z0-9]+)*")
_COMMON = {
    "id": Field(STR, True, help="kebab-case name, unique across the rule set"),
    "kind": Field(STR),
    "reason": Field(STR, True, help="why this text is noise, shown in reports"),
    "examples": Field(STRS, True, help="texts the rule must match"),
    "keep": Field(STRS, True, help="near misses the rule must leave alone"),
}
_FILE_KEYS = {"stage", "concept", "rule"}
_PIPELINE_KEYS = {
    "stages",
    "max_passes",
    "pattern_timeout",
    "max_document_chars",
    "time_budget",
    "disable",
    "settings",
}


def default_rules_dir() -> Path:
    """The bundled rule set: inside an installed wheel, else the repository's top-level ``rules/``."""
    here = Path(__file__).resolve().parent
    packaged = here / "_rules"
    return packaged if packaged.is_dir() else here.parent / "rules"


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a rule file, with where it is and how to fix it."""

    file: str
    message: str
    line: int | None = None
    rule: str | None = None
    hint: str | None = None

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" if self.line else self.file
        who = f" rule {self.rule!r}:" if self.rule else ""
        hint = f" (hint: {self.hint})" if self.hint else ""
        return f"{where}:{who} {self.message}{hint}"


class RuleError(Exception):
    """Raised when a rule set is invalid; carries every problem found, not just the first."""

    def __init__(self, problems: Sequence[Problem]):
        self.problems = list(problems)
        super().__init__("\n".join(str(p) for p in self.problems))


@dataclass(frozen=True)
class RuleSet:
    """A validated rule set: the stage order, each stage's settings and rules, and run limits."""

    stages: tuple[str, ...]
    settings: Mapping[str, Any]
    rules: Mapping[str, tuple[Rule, ...]]
    max_passes: int = 4
    pattern_timeout: float = 1.0
    max_document_chars: int = 20_000_000  # a longer document fails before any stage runs
    time_budget: float = 120.0  # seconds one document may take; checked between stage applications
    sources: tuple[str, ...] = field(default=())

    def all_rules(self) -> list[Rule]:
        return [r for name in self.stages for r in self.rules.get(name, ())]


def load_rules(paths: Iterable[str | Path] | str | Path | None = None) -> RuleSet:
    """Load and validate one or more rule directories or files (``None``: the bundled set).

    The literal path ``default`` stands for the bundled set, so ``--rules default --rules mine.toml``
    extends the defaults. Raises :class:`RuleError` listing every problem found.
    """
    if paths is None:
        paths = [default_rules_dir()]
    elif isinstance(paths, str | Path):
        paths = [paths]
    files: list[Path] = []
    problems: list[Problem] = []
    for p in paths:
        p = default_rules_dir() if str(p) == "default" else Path(p)
        if p.is_dir():
            files.extend(sorted(p.glob("*.toml")))
        elif p.is_file():
            files.append(p)
        else:
            problems.append(Problem(str(p), "no such rule file or directory"))
    return _Loader(files, problems).load()


class _Loader:
    def __init__(self, files: list[Path], problems: list[Problem]):
        self.files = files
        self.problems = problems
        from cleaner.stages import registry  # here: importing cleaner (a pytest plugin) loads no stage

        self.stages = registry()

    def add(self, file: Path | str, message: str, *, line=None, rule=None, hint=None) -> None:
        self.problems.append(Problem(str(file), message, line, rule, hint))

    def load(self) -> RuleSet:
        order = [n for n, cls in self.stages.items() if not getattr(cls, "optional", False)]
        pipeline: dict[str, Any] = {"stages": order, "settings": {}, "disable": []}
        rules: dict[str, list[Rule]] = {}
        seen_ids: dict[str, str] = {}
        parsed: list[tuple[Path, str, dict]] = []
        for f in self.files:
            text, data = self._read(f)
            if data is None:
                continue
            if f.name == PIPELINE_FILE:
                self._pipeline(f, data, pipeline)
            else:
                parsed.append((f, text, data))
        timeout = float(pipeline.get("pattern_timeout", 1.0))
        for f, text, data in parsed:
            for rule in self._rule_file(f, text, data, timeout):
                if rule.id in seen_ids:
                    self.add(
                        f,
                        "duplicate rule id",
                        line=int(rule.source.rpartition(":")[2] or 0) or None,
                        rule=rule.id,
                        hint=f"already defined at {seen_ids[rule.id]}; ids are unique across the set",
                    )
                    continue
                seen_ids[rule.id] = rule.source
                rules.setdefault(rule.stage, []).append(rule)
        for rid in pipeline["disable"]:
            if rid not in seen_ids:
                self.add(
                    pipeline["disable_src"][rid],
                    f"'disable' names unknown rule {rid!r}",
                    hint=_suggest(rid, seen_ids) or "list the rules with `cleaner rules`",
                )
        settings = self._settings(pipeline)
        stages = self._order(pipeline["stages"], pipeline.get("stages_src", PIPELINE_FILE))
        if self.problems:
            raise RuleError(self.problems)
        disabled = set(pipeline["disable"])
        return RuleSet(
            stages=tuple(stages),
            settings=settings,
            rules={s: tuple(r for r in rs if r.id not in disabled) for s, rs in rules.items()},
            max_passes=int(pipeline.get("max_passes", 4)),
            pattern_timeout=timeout,
            max_document_chars=int(pipeline.get("max_document_chars", RuleSet.max_document_chars)),
            time_budget=float(pipeline.get("time_budget", RuleSet.time_budget)),
            sources=tuple(str(f) for f in self.files),
        )

    def _read(self, f: Path) -> tuple[str, dict | None]:
        try:
            text = f.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            self.add(f, f"cannot read rule file: {exc}")
            return "", None
        try:
            return text, tomllib.loads(text)
        except tomllib.TOMLDecodeError as exc:
            self.add(
                f,
                f"not valid TOML: {exc}",
                hint="patterns belong in single-quoted literal strings: pattern = '...'",
            )
            return text, None

    def _pipeline(self, f: Path, data: dict, pipeline: dict) -> None:
        for key in sorted(set(data) - _PIPELINE_KEYS):
            self.add(f, f"unknown key {key!r}", hint=_suggest(key, _PIPELINE_KEYS))
        if "stages" in data:
            if not _is_list_of(data["stages"], str):
                self.add(f, "'stages' must be a list of stage names")
            else:
                pipeline["stages"] = data["stages"]
                pipeline["stages_src"] = str(f)
        if "max_passes" in data and not (_is_int(data["max_passes"]) and 1 <= data["max_passes"] <= 20):
            self.add(f, "'max_passes' must be an integer from 1 to 20")
        elif "max_passes" in data:
            pipeline["max_passes"] = data["max_passes"]
        if "pattern_timeout" in data:
            t = data["pattern_timeout"]
            if not isinstance(t, int | float) or isinstance(t, bool) or not 0 < t <= 60:
                self.add(f, "'pattern_timeout' must be a number of seconds in (0, 60]")
            else:
                pipeline["pattern_timeout"] = t
        if "max_document_chars" in data:
            n = data["max_document_chars"]
            if not (_is_int(n) and n >= 1):
                self.add(f, "'max_document_chars' must be a positive integer (characters)")
            else:
                pipeline["max_document_chars"] = n
        if "time_budget" in data:
            t = data["time_budget"]
            if not isinstance(t, int | float) or isinstance(t, bool) or not t > 0:
                self.add(f, "'time_budget' must be a positive number of seconds")
            else:
                pipeline["time_budget"] = t
        if "disable" in data:
            if not _is_list_of(data["disable"], str):
                self.add(f, "'disable' must be a list of rule ids")
            else:
                pipeline["disable"] = [*pipeline["disable"], *data["disable"]]
                pipeline.setdefault("disable_src", {}).update(dict.fromkeys(data["disable"], str(f)))
        settings = data.get("settings", {})
        if not isinstance(settings, dict):
            self.add(f, "'settings' must be a table of [settings.<stage>] tables")
            return
        for stage, values in settings.items():
            pipeline["settings"].setdefault(stage, {}).update(values if isinstance(values, dict) else {})
            pipeline.setdefault("settings_src", {})[stage] = str(f)
            if not isinstance(values, dict):
                self.add(f, f"[settings.{stage}] must be a table")

    def _settings(self, pipeline: dict) -> dict[str, Any]:
        out = {}
        src = pipeline.get("settings_src", {})
        for stage, values in pipeline["settings"].items():
            cls = self.stages.get(stage)
            if cls is None:
                self.add(
                    src.get(stage, PIPELINE_FILE),
                    f"[settings.{stage}] names an unknown stage",
                    hint=_suggest(stage, self.stages),
                )
                continue
            known = {f.name: f for f in fields(cls.Settings)}
            good = {}
            for key, value in values.items():
                if key not in known:
                    self.add(
                        src[stage],
                        f"[settings.{stage}] unknown setting {key!r}",
                        hint=_suggest(key, known) or f"settings of {stage}: {', '.join(known) or 'none'}",
                    )
                    continue
                default = getattr(cls.Settings(), key)
                if not _same_type(value, default):
                    self.add(
                        src[stage],
                        f"[settings.{stage}] {key} must be {type(default).__name__}, "
                        f"got {type(value).__name__}",
                        hint=f"the default is {key} = {_toml(default)}",
                    )
                    continue
                good[key] = tuple(value) if isinstance(value, list) else value
            try:
                out[stage] = cls.Settings(**good)
            except (TypeError, ValueError) as exc:
                self.add(src[stage], f"[settings.{stage}] {exc}", hint="`cleaner rules` shows the defaults")
        return out

    def _order(self, names: list[str], src: str) -> list[str]:
        stages = []
        for name in names:
            if name not in self.stages:
                self.add(
                    src,
                    f"unknown stage {name!r} in 'stages'",
                    hint=_suggest(name, self.stages) or f"stages: {', '.join(self.stages)}",
                )
            elif name in stages:
                self.add(src, f"stage {name!r} listed twice in 'stages'", hint="list each stage once")
            else:
                stages.append(name)
        order = list(self.stages)  # the default order
        ranks = [order.index(n) for n in stages]
        if ranks != sorted(ranks):
            self.add(
                src,
                f"stages out of order: {', '.join(stages)}",
                hint=f"keep the default order: {', '.join(self.stages)}",
            )
        return stages

    def _rule_file(self, f: Path, text: str, data: dict, timeout: float) -> list[Rule]:
        for key in sorted(set(data) - _FILE_KEYS):
            self.add(f, f"unknown top-level key {key!r}", hint=_suggest(key, _FILE_KEYS))
        stage = data.get("stage")
        cls = self.stages.get(stage) if isinstance(stage, str) else None
        if cls is None:
            self.add(
                f,
                f"unknown or missing 'stage' {stage!r}",
                hint=f"one of: {', '.join(n for n, c in self.stages.items() if c.rule_kinds)}",
            )
            return []
        if not cls.rule_kinds:
            self.add(f, f"stage {stage!r} takes no rules")
            return []
        entries = data.get("rule", [])
        if not isinstance(entries, list) or not all(isinstance(e, dict) for e in entries):
            self.add(f, "rules must be written as [[rule]] tables")
            return []
        out = []
        for n, entry in enumerate(entries, 1):
            rule = self._rule(f, text, n, entry, cls, timeout)
            if rule is not None:
                out.append(rule)
        return out

    def _rule(self, f: Path, text: str, n: int, entry: dict, cls: type[Stage], timeout: float) -> Rule | None:
        rid = entry.get("id") if isinstance(entry.get("id"), str) else f"#{n}"
        line = _line_of(text, rid, n)
        before = len(self.problems)

        def bad(message: str, hint: str | None = None) -> None:
            self.add(f, message, line=line, rule=rid, hint=hint)

        kind = entry.get("kind", cls.default_kind)
        if kind not in cls.rule_kinds:
            bad(f"unknown kind {kind!r} for stage {cls.name!r}", hint=f"kinds: {', '.join(cls.rule_kinds)}")
            return None
        spec = {**_COMMON, **cls.rule_kinds[kind]}
        if kind in getattr(cls, "replace_kinds", ()):
            spec["examples"] = Field(PAIRS, True, help="[input, expected output] pairs")
        for key in sorted(set(entry) - set(spec)):
            bad(
                f"unknown key {key!r}",
                hint=_suggest(key, spec) or f"keys of a {kind} rule: {', '.join(spec)}",
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
            if fs.type == REGEX and isinstance(entry.get(key), str) and self._pattern(entry[key], key, bad):
                compiled[key] = Pattern(entry[key], rid, timeout)
        if len(self.problems) > before:
            return None
        # Every regex-typed key arrives compiled and bound to the time limit, so stages never compile.
        params = {k: tuple(v) if isinstance(v, list) else v for k, v in entry.items() if k not in _COMMON}
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

    def _pattern(self, source: str, key: str, bad) -> regex.Pattern | None:
        controls = [c for c in source if unicodedata.category(c) == "Cc"]
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


def _line_of(text: str, rid: str, n: int = 0) -> int | None:
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


def _toml(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, tuple):
        return "[" + ", ".join(_toml(v) for v in value) + "]"
    return repr(value) if not isinstance(value, str) else '"' + value + '"'


def _suggest(word: str, choices: Iterable[str]) -> str | None:
    close = difflib.get_close_matches(word, list(choices), n=1)
    return f"did you mean {close[0]!r}?" if close else None


def _is_int(v: Any) -> bool:
    return isinstance(v, int) and not isinstance(v, bool)


def _is_list_of(v: Any, t: type) -> bool:
    return isinstance(v, list) and all(isinstance(x, t) for x in v)


def _same_type(value: Any, default: Any) -> bool:
    if isinstance(default, bool) or isinstance(value, bool):
        return isinstance(value, bool) and isinstance(default, bool)
    if isinstance(default, float):
        return isinstance(value, int | float)
    if isinstance(default, tuple):
        return isinstance(value, list) and all(isinstance(x, str) for x in value)
    return isinstance(value, type(default))


def _type_error(value: Any, fs: Field) -> str | None:
    ok = {
        STR: lambda v: isinstance(v, str),
        REGEX: lambda v: isinstance(v, str),
        INT: _is_int,
        FLOAT: lambda v: isinstance(v, int | float) and not isinstance(v, bool),
        BOOL: lambda v: isinstance(v, bool),
        STRS: lambda v: _is_list_of(v, str),
        PAIRS: lambda v: isinstance(v, list) and all(_is_list_of(x, str) and len(x) == 2 for x in v),
    }[fs.type](value)
    if not ok:
        return f"must be {fs.type}"
    if fs.choices and value not in fs.choices:
        return f"must be one of {', '.join(fs.choices)}"
    if fs.type == STR and not value.strip():
        return "must not be empty"
    return None
