"""Every action that can take over a second shows a Japanese spinner or steps while it runs (issue 21, item 4).

Measured on the issue's walk: a slow query, map reruns with circles and distances (7.7 s), the PNG map
(7.8 s), deck exports (7–8.5 s), the instructor's zip (9.4 s), data import and publishing, the analysis
pages on a cold cache. Each call that does such work must sit inside `with st.spinner(...)` or
`with st.status(...)` (which show our own text); this reads the code, so a new call outside one fails.
"""
from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

SLOW_CALLS = {
    "pages/sql_console.py": {"run_user_sql"},
    "lib/ui/map_downloads.py": {"map_png"},
    # every map, analysis, pivot table, weighted survey and word ranking (tokenizing answers), on a cold cache
    "lib/ui/derived.py": {"_described_map", "_analysis", "_pivot", "_weighted_survey", "_word_ranking"},
    "lib/ui/session_widgets.py": {"draw_evidence"},  # saved charts and maps: workspace, slides, presentation
    "pages/chart_builder.py": {"run_chart"},
    "pages/statistics.py": {"fetch_columns"},
    "lib/ui/deck_downloads.py": {"prepare_deck", "export_deck"},
    "pages/instructor_exports.py": {"deliverables_zip"},
    "pages/instructor_data.py": {"store_import", "anonymize", "publish"},
    "lib/ui/publication_manager.py": {"withdraw", "restore"},
}
WAITING = {"spinner", "status"}


def _name(call: ast.Call) -> str | None:
    func = call.func
    return func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", None)


def _unwaited_calls(source: str, names: set[str]) -> tuple[list[str], set[str]]:
    """Calls of `names` outside any `with …spinner(…)` / `with …status(…)`, and the names found at all."""
    found, bare = set(), []

    def visit(node: ast.AST, waited: bool) -> None:
        if isinstance(node, ast.With | ast.AsyncWith):
            waited = waited or any(isinstance(item.context_expr, ast.Call) and _name(item.context_expr) in WAITING
                                   for item in node.items)
        if isinstance(node, ast.Call) and _name(node) in names:
            found.add(_name(node))
            if not waited:
                bare.append(f"{_name(node)} (line {node.lineno})")
        for child in ast.iter_child_nodes(node):
            visit(child, waited)

    visit(ast.parse(source), False)
    return bare, found


@pytest.mark.parametrize("path", sorted(SLOW_CALLS))
def test_slow_calls_sit_inside_a_spinner_or_status(path):
    bare, found = _unwaited_calls((ROOT / path).read_text(encoding="utf-8"), SLOW_CALLS[path])
    assert found == SLOW_CALLS[path], f"{path} no longer calls {SLOW_CALLS[path] - found}: update SLOW_CALLS"
    assert not bare, f"{path}: {', '.join(bare)} run without a spinner or status"


def test_the_checker_sees_a_call_outside_a_spinner():
    source = "import streamlit as st\nwith st.spinner('…'):\n    work()\nwork()\nwith open('x'):\n    work()\n"
    bare, found = _unwaited_calls(source, {"work"})
    assert found == {"work"} and bare == ["work (line 4)", "work (line 6)"]
