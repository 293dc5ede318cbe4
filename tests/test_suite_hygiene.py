"""The quick test run stays free of browser machinery."""
from __future__ import annotations

import ast
from pathlib import Path

TESTS = Path(__file__).resolve().parent


def test_no_non_browser_test_or_fixture_takes_a_parameter_named_page():
    """pytest-playwright parametrizes every test that asks for `page` (its browser page) over browsers,
    which gives AppTest and unit tests a spurious [chromium-…] dimension."""
    offenders = [f"{path.name}::{node.name}" for path in TESTS.glob("*.py")
                 for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
                 if isinstance(node, ast.FunctionDef) and _test_or_fixture(node)
                 and any(a.arg == "page" for a in node.args.args)]
    assert offenders == []


def _test_or_fixture(node: ast.FunctionDef) -> bool:
    return node.name.startswith("test_") or any("fixture" in ast.unparse(d) for d in node.decorator_list)
