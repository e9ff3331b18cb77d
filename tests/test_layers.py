"""The package's import graph: no cycles, and no module imports a layer above its own.

A short walk over each module's ``import`` statements (``ast``; imports inside functions count, those
under ``if TYPE_CHECKING:`` do not: they never run). The layers, bottom up, are :data:`LAYERS`: a module
belongs to the first layer one of whose prefixes names it. A new module must be placed in a layer here.
"""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[1] / "cleaner"

LAYERS: list[tuple[str, tuple[str, ...]]] = [
    # values, text helpers and I/O that know nothing of stages
    (
        "ground",
        (
            "cleaner.document",
            "cleaner.text",
            "cleaner.patterns",
            "cleaner.prefilter",
            "cleaner.linelocal",
            "cleaner.gates",
            "cleaner.faults",
            "cleaner.chatter",
            "cleaner.pickling",
            "cleaner.io",
            "cleaner.namestats",
            "cleaner.langid",
            "cleaner.worldnames",
            "cleaner.report",
            "cleaner.dates",
            "cleaner.summary",
        ),
    ),
    ("stage contract", ("cleaner.stage",)),
    ("rule-kind mechanisms", ("cleaner.mechanisms",)),
    ("stages", ("cleaner.stages",)),
    ("rules", ("cleaner.rules", "cleaner.scanplan")),
    ("pipeline", ("cleaner.pipeline", "cleaner.fingerprint")),
    (
        "runs and tools over a pipeline",
        (
            "cleaner.run",
            "cleaner.golden",
            "cleaner.golden_diff",
            "cleaner.explain",
            "cleaner.review",
            "cleaner.datatrove",
            "cleaner.pytest_plugin",
        ),
    ),
    ("interfaces", ("cleaner.cli", "cleaner.__main__", "cleaner")),
]


def _modules() -> dict[str, Path]:
    out = {}
    for path in PACKAGE.rglob("*.py"):
        parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
        name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
        out[name] = path
    return out


def _runtime_nodes(tree: ast.AST):
    """Every node, except what sits under ``if TYPE_CHECKING:``."""
    for node in ast.iter_child_nodes(tree):
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            yield from (n for child in node.orelse for n in [child, *_runtime_nodes(child)])
            continue
        yield node
        yield from _runtime_nodes(node)


def _imports(name: str, path: Path, modules: dict[str, Path]) -> set[str]:
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found = set()
    for node in _runtime_nodes(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                up = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*up, base] if base else up)
            # "from cleaner import chatter" imports the module cleaner.chatter
            found.update(f"{base}.{a.name}" if f"{base}.{a.name}" in modules else base for a in node.names)
    return {m for m in found if m in modules and m != name}


def _layer(name: str) -> int:
    best = None
    for n, (_, prefixes) in enumerate(LAYERS):
        for prefix in prefixes:
            if (name == prefix or name.startswith(prefix + ".")) and (best is None or len(prefix) > best[1]):
                best = (n, len(prefix))
    assert best is not None, f"{name} is in no layer: add it to LAYERS"
    return best[0]


GRAPH = {name: _imports(name, path, _modules()) for name, path in _modules().items()}


def test_every_module_is_in_a_layer():
    for name in GRAPH:
        _layer(name)


def test_no_module_imports_a_layer_above_its_own():
    upward = [
        f"{name} ({LAYERS[_layer(name)][0]}) imports {dep} ({LAYERS[_layer(dep)][0]})"
        for name, deps in sorted(GRAPH.items())
        for dep in sorted(deps)
        if _layer(dep) > _layer(name)
    ]
    assert upward == []


def test_the_import_graph_has_no_cycles():
    state: dict[str, int] = {}  # 1: on the current path, 2: done
    cycles = []

    def visit(name: str, path: list[str]) -> None:
        state[name] = 1
        for dep in sorted(GRAPH[name]):
            if state.get(dep) == 1:
                cycles.append(" -> ".join([*path[path.index(dep) :], dep]))
            elif dep not in state:
                visit(dep, [*path, dep])
        state[name] = 2

    for name in sorted(GRAPH):
        if name not in state:
            visit(name, [name])
    assert cycles == []


def test_the_walk_sees_imports():
    # the test would pass on an empty graph: the walk must find what is plainly there
    assert "cleaner.run.engine" in GRAPH["cleaner.run.rayengine"]
    assert "cleaner.pipeline" in GRAPH["cleaner.cli"]
    assert "cleaner.stages" in GRAPH["cleaner.pipeline"]  # imported inside a function
