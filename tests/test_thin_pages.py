"""Pages only lay out widgets (issue 23): each page in pages/ is at most 150 lines and runs no query itself
(no `.execute(`: queries belong to lib/)."""
from __future__ import annotations

import ast
from pathlib import Path

import pytest

PAGES = Path(__file__).resolve().parents[1] / "pages"
MAX_LINES = 150


def executes(source: str) -> list[int]:
    """Lines that call `.execute(…)` (a cursor's or connection's query)."""
    return sorted(
        node.lineno
        for node in ast.walk(ast.parse(source))
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "execute"
    )


def _pages() -> list[Path]:
    return sorted(PAGES.glob("*.py"))


def test_the_check_sees_a_query_in_a_page():
    assert executes("cursor = store.published()\nrows = cursor.execute('SELECT 1').fetchall()\n") == [2]
    assert executes("run_chart(cursor, catalog, spec)\nst.write('execute')\n") == []


@pytest.mark.parametrize("page_file", _pages(), ids=lambda p: p.name)
def test_a_page_is_short_and_runs_no_query(page_file):
    source = page_file.read_text(encoding="utf-8")
    lines = len(source.splitlines())
    assert lines <= MAX_LINES, (
        f"pages/{page_file.name} has {lines} lines (at most {MAX_LINES}): move its logic into lib/"
    )
    assert not executes(source), f"pages/{page_file.name} calls .execute (lines {executes(source)}): query in lib/"

