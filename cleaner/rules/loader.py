"""Load a rule set: read the TOML files, apply ``pipeline.toml`` (stage order, limits, settings,
``disable``) and each rule file, and report every problem at once.

A user's rules extend the bundled set when it is loaded with them (``bundled=True``, what ``cleaner
--rules DIR`` does, or the path ``default`` among the paths): a rule of theirs with a bundled rule's
stage and id replaces it where it stood, any other is added. Settings files (``pipeline.toml`` in a rule
directory, or any file given as ``settings``) apply in order, the bundled one first."""

from __future__ import annotations

import tomllib
from collections.abc import Iterable
from dataclasses import fields
from pathlib import Path
from typing import Any

from cleaner.rules.definitions import collect
from cleaner.rules.hints import is_list_of, suggest
from cleaner.rules.rulefile import rule_file
from cleaner.rules.ruleset import PIPELINE_FILE, PRESETS_DIR, Problems, RuleError, RuleSet, default_rules_dir
from cleaner.rules.settings import Limits, check_settings
from cleaner.stage import Rule

_LIMITS = tuple(f.name for f in fields(Limits))
_PIPELINE_KEYS = {"stages", "disable", "settings", *_LIMITS}


def load_rules(
    paths: Iterable[str | Path] | str | Path | None = None,
    *,
    bundled: bool = False,
    settings: Iterable[str | Path] = (),
) -> RuleSet:
    """Load and validate one or more rule directories or files (``None``: the bundled set).

    ``bundled``: the bundled set first, extended and overridden by the paths' rules (see the module's
    docstring); otherwise the paths alone, where the literal path ``default`` stands for the bundled
    set. ``settings``: settings files by any name, read as ``pipeline.toml`` is, after the rule files, or
    the names of bundled presets (:func:`presets`).
    Raises :class:`RuleError` listing every problem found.
    """
    if paths is None:
        paths = [default_rules_dir()]
    elif isinstance(paths, str | Path):
        paths = [paths]
    paths = [default_rules_dir() if str(p) == "default" else Path(p) for p in paths]
    if bundled and default_rules_dir() not in paths:
        paths.insert(0, default_rules_dir())
    files: list[Path] = []
    problems = Problems()
    for p in paths:
        if p.is_dir():
            files.extend(sorted(p.glob("*.toml")))
        elif p.is_file():
            files.append(p)
        else:
            problems.add(p, "no such rule file or directory")
    extra = [settings_file(p) for p in settings]
    for p in extra:
        if not p.is_file():
            names = ", ".join(presets()) or "none"
            problems.add(p, "no such settings file", hint=f"or name a bundled preset: {names}")
    return _Loader(files, problems, [p for p in extra if p.is_file()]).load()


def presets() -> list[str]:
    """The bundled presets' names: settings files in the bundled set's ``presets/`` (``keep-comments``)."""
    return sorted(f.stem for f in (default_rules_dir() / PRESETS_DIR).glob("*.toml"))


def settings_file(name: str | Path) -> Path:
    """A settings file's path: the path itself, or a bundled preset's file when the name is not a file
    but names one (``--settings keep-comments``)."""
    path = Path(name)
    preset = default_rules_dir() / PRESETS_DIR / f"{name}.toml"
    return preset if not path.is_file() and str(name) in presets() else path


class _Loader:
    def __init__(self, files: list[Path], problems: Problems, settings: list[Path] = ()):
        self.files = files
        self.problems = problems
        self.settings_files = list(settings)  # read as pipeline.toml is, whatever their names
        from cleaner.stages import registry  # here: importing cleaner (a pytest plugin) loads no stage

        self.stages = registry()

    def load(self) -> RuleSet:
        order = [n for n, cls in self.stages.items() if not getattr(cls, "optional", False)]
        pipeline: dict[str, Any] = {"stages": order, "settings": {}, "disable": [], "limits": {}}
        rules: dict[str, list[Rule]] = {}
        seen_ids: dict[str, str] = {}
        parsed: list[tuple[Path, str, dict]] = []
        for f in self.files:
            text, data = self._read(f)
            if data is None:
                continue
            if f.name == PIPELINE_FILE:
                self._pipeline(f, data, pipeline)
            elif _looks_like_settings(data):
                self.problems.add(
                    f,
                    f"settings keys ({', '.join(sorted(set(data) & _PIPELINE_KEYS))}) in a rule file",
                    hint=f"a settings file is named {PIPELINE_FILE} in a rule directory, or given by any "
                    "name with --settings FILE (Python: load_rules(..., settings=[FILE])); a rule file "
                    "has 'stage' and [[rule]] tables",
                )
            else:
                parsed.append((f, text, data))
        for f in self.settings_files:
            _, data = self._read(f)
            if data is not None:
                self._pipeline(f, data, pipeline)
        limits = Limits(**pipeline["limits"])
        timeout = float(limits.pattern_timeout)
        bundled_dir = default_rules_dir().resolve()
        bundled: dict[str, str] = {}  # id -> stage, of the bundled rules a user's rule may replace
        # the set's shared sub-patterns first: a pattern of any file may call one of any other
        definitions = collect(
            ((f, text, data, f.resolve().parent == bundled_dir) for f, text, data in parsed), self.problems
        )
        for f, text, data in parsed:
            mine = f.resolve().parent != bundled_dir
            for rule in rule_file(f, text, data, timeout, self.stages, self.problems, definitions):
                if mine and bundled.get(rule.id) == rule.stage:  # the user's version of a bundled rule
                    del bundled[rule.id]
                    stage_rules = rules[rule.stage]
                    stage_rules[[r.id for r in stage_rules].index(rule.id)] = rule
                    seen_ids[rule.id] = rule.source
                    continue
                if rule.id in seen_ids:
                    where = seen_ids[rule.id]
                    self.problems.add(
                        f,
                        "duplicate rule id",
                        line=int(rule.source.rpartition(":")[2] or 0) or None,
                        rule=rule.id,
                        hint=f"already defined at {where}; ids are unique across the set"
                        + (
                            "; a rule replaces a bundled rule of its own stage only"
                            if rule.id in bundled
                            else ""
                        ),
                    )
                    continue
                seen_ids[rule.id] = rule.source
                if not mine:
                    bundled[rule.id] = rule.stage
                rules.setdefault(rule.stage, []).append(rule)
        for rid in pipeline["disable"]:
            if rid not in seen_ids:
                self.problems.add(
                    pipeline["disable_src"][rid],
                    f"'disable' names unknown rule {rid!r}",
                    hint=suggest(rid, seen_ids) or "list the rules with `cleaner rules`",
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
            max_passes=int(limits.max_passes),
            pattern_timeout=timeout,
            max_document_chars=int(limits.max_document_chars),
            time_budget=float(limits.time_budget),
            sources=tuple(str(f) for f in [*self.files, *self.settings_files]),
        )

    def _read(self, f: Path) -> tuple[str, dict | None]:
        try:
            text = f.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            self.problems.add(f, f"cannot read rule file: {exc}")
            return "", None
        try:
            return text, tomllib.loads(text)
        except tomllib.TOMLDecodeError as exc:
            self.problems.add(
                f,
                f"not valid TOML: {exc}",
                hint="patterns belong in single-quoted literal strings: pattern = '...'",
            )
            return text, None

    def _pipeline(self, f: Path, data: dict, pipeline: dict) -> None:
        for key in sorted(set(data) - _PIPELINE_KEYS):
            self.problems.add(f, f"unknown key {key!r}", hint=suggest(key, _PIPELINE_KEYS))
        if "stages" in data:
            if not is_list_of(data["stages"], str):
                self.problems.add(f, "'stages' must be a list of stage names")
            else:
                pipeline["stages"] = data["stages"]
                pipeline["stages_src"] = str(f)
        _, good = check_settings(
            Limits,
            {k: data[k] for k in _LIMITS if k in data},
            lambda message, hint=None: self.problems.add(f, message, hint=hint),
            owner="the pipeline",
            label=lambda key: f"'{key}'",
        )
        pipeline["limits"].update(good)
        if "disable" in data:
            if not is_list_of(data["disable"], str):
                self.problems.add(f, "'disable' must be a list of rule ids")
            else:
                pipeline["disable"] = [*pipeline["disable"], *data["disable"]]
                pipeline.setdefault("disable_src", {}).update(dict.fromkeys(data["disable"], str(f)))
        settings = data.get("settings", {})
        if not isinstance(settings, dict):
            self.problems.add(f, "'settings' must be a table of [settings.<stage>] tables")
            return
        for stage, values in settings.items():
            pipeline["settings"].setdefault(stage, {}).update(values if isinstance(values, dict) else {})
            pipeline.setdefault("settings_src", {})[stage] = str(f)
            if not isinstance(values, dict):
                self.problems.add(f, f"[settings.{stage}] must be a table")

    def _settings(self, pipeline: dict) -> dict[str, Any]:
        out = {}
        src = pipeline.get("settings_src", {})
        for stage, values in pipeline["settings"].items():
            cls = self.stages.get(stage)
            where = src.get(stage, PIPELINE_FILE)
            if cls is None:
                self.problems.add(
                    where, f"[settings.{stage}] names an unknown stage", hint=suggest(stage, self.stages)
                )
                continue
            built, _ = check_settings(
                cls.Settings,
                values,
                lambda message, hint=None, where=where: self.problems.add(where, message, hint=hint),
                owner=stage,
                label=lambda key, stage=stage: f"[settings.{stage}] {key}",
                prefix=f"[settings.{stage}]",
            )
            if built is not None:
                out[stage] = built
        return out

    def _order(self, names: list[str], src: str) -> list[str]:
        stages = []
        for name in names:
            if name not in self.stages:
                self.problems.add(
                    src,
                    f"unknown stage {name!r} in 'stages'",
                    hint=suggest(name, self.stages) or f"stages: {', '.join(self.stages)}",
                )
            elif name in stages:
                self.problems.add(
                    src, f"stage {name!r} listed twice in 'stages'", hint="list each stage once"
                )
            else:
                stages.append(name)
        order = list(self.stages)  # the default order
        ranks = [order.index(n) for n in stages]
        if ranks != sorted(ranks):
            self.problems.add(
                src,
                f"stages out of order: {', '.join(stages)}",
                hint=f"keep the default order: {', '.join(self.stages)}",
            )
        return stages


def _looks_like_settings(data: dict) -> bool:
    """A file with settings keys and none of a rule file's: a settings file under another name."""
    return bool(set(data) & _PIPELINE_KEYS) and not set(data) & {"stage", "rule"}
