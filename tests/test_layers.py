"""lib/ follows the flow in layers: a package imports only packages below it, and nothing cycles.

    base (settings, i18n, errors, fonts, table_export, yaml_text, markdown_literal, server_sockets) < data
    < analysis < charts < maps < workspace < deck < ui < cli

Imports are read from the source with `ast` (in-function ones included), so the
rule holds whatever a test happens to import first.
"""
from __future__ import annotations

import ast
from pathlib import Path

import pytest

LIB = Path(__file__).resolve().parents[1] / "lib"
LAYERS = ["base", "data", "analysis", "charts", "maps", "workspace", "deck", "ui", "cli"]
BASE_MODULES = {"settings", "i18n", "errors", "fonts", "table_export", "yaml_text", "markdown_literal",
                "server_sockets"}


def module_name(path: Path) -> str:
    parts = list(path.relative_to(LIB.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def layer_of(module: str) -> str:
    """'lib.charts.sql' → 'charts'; the top-level base modules share the bottom layer."""
    parts = module.split(".")
    if len(parts) == 1:
        return "base"  # lib itself
    return "base" if parts[1] in BASE_MODULES else parts[1]


def imported_modules(source: str, known: set[str]) -> set[str]:
    """The lib modules a source imports (`from lib.x import y` names module lib.x.y when it exists)."""
    found = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names if alias.name.split(".")[0] == "lib"}
        elif isinstance(node, ast.ImportFrom) and node.module and node.module.split(".")[0] == "lib":
            for alias in node.names:
                submodule = f"{node.module}.{alias.name}"
                found.add(submodule if submodule in known else node.module)
    return found


def import_graph(sources: dict[str, str]) -> dict[str, set[str]]:
    known = set(sources)
    return {name: imported_modules(text, known) - {name} for name, text in sources.items()}


def layer_violations(graph: dict[str, set[str]]) -> list[str]:
    rank = {layer: i for i, layer in enumerate(LAYERS)}
    return sorted(f"{module} ({layer_of(module)}) imports {target} ({layer_of(target)})"
                  for module, targets in graph.items() for target in targets
                  if target != "lib" and rank[layer_of(target)] > rank[layer_of(module)])


def find_cycle(graph: dict[str, set[str]]) -> list[str] | None:
    """One import cycle among modules (a package's __init__ counts as its own module), or None."""
    state: dict[str, str] = {}
    stack: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = "open"
        stack.append(node)
        for target in sorted(graph.get(node, ())):
            if state.get(target) == "open":
                return stack[stack.index(target):] + [target]
            if target not in state:
                cycle = visit(target)
                if cycle:
                    return cycle
        stack.pop()
        state[node] = "done"
        return None

    for node in sorted(graph):
        if node not in state:
            cycle = visit(node)
            if cycle:
                return cycle
    return None


@pytest.fixture(scope="module")
def graph() -> dict[str, set[str]]:
    return import_graph({module_name(p): p.read_text(encoding="utf-8") for p in LIB.rglob("*.py")})


def test_every_lib_module_sits_in_a_known_layer(graph):
    assert {layer_of(m) for m in graph} <= set(LAYERS)


def test_no_package_imports_a_higher_one(graph):
    assert layer_violations(graph) == []


def test_no_import_cycle(graph):
    assert find_cycle(graph) is None


def test_only_lib_ui_imports_streamlit():
    importers = [module_name(p) for p in LIB.rglob("*.py")
                 if any(isinstance(n, (ast.Import, ast.ImportFrom)) and
                        any(name.split(".")[0] == "streamlit" for name in
                            ([a.name for a in n.names] if isinstance(n, ast.Import) else [n.module or ""]))
                        for n in ast.walk(ast.parse(p.read_text(encoding="utf-8"))))]
    assert all(layer_of(m) == "ui" for m in importers), importers


def test_the_layer_check_fails_when_a_lower_package_imports_a_higher_one():
    sources = {"lib.data.store": "from lib.charts.spec import ChartSpec\n",
               "lib.charts.spec": "from lib.data import store\n",
               "lib.data": "", "lib.charts": ""}
    graph = import_graph(sources)
    assert layer_violations(graph) == ["lib.data.store (data) imports lib.charts.spec (charts)"]
    assert find_cycle(graph) == ["lib.charts.spec", "lib.data.store", "lib.charts.spec"]


def test_an_import_inside_a_function_counts_too():
    sources = {"lib.maps.data": "def f():\n    from lib.deck import model\n", "lib.deck.model": "",
               "lib.deck": "", "lib.maps": ""}
    assert layer_violations(import_graph(sources)) == ["lib.maps.data (maps) imports lib.deck.model (deck)"]
