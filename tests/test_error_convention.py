"""The one error convention (lib/errors.py): an error is made from a message key, never from a sentence
written in Japanese or translated where it is raised."""
from __future__ import annotations

import ast
import re
from collections import Counter
from pathlib import Path

import pytest

from lib.errors import WorkbenchError
from lib.workspace.backend import SaveFailed, WorkspaceError, WorkspaceUnavailable
from lib.workspace.instructor_auth import PasscodeError, check_new_passcode

ROOT = Path(__file__).resolve().parents[1]
JAPANESE = re.compile(r"[\u3040-\u30ff\u3400-\u9fff\uff00-\uffef]")

# Raises still made from a sentence, per file; lower a count when you convert one (the list only shrinks).
# course.py / group_pc.py / exercises.py were being changed by other work when the workspace errors were
# converted; the data layer's dictionary and recipe checks name places in Japanese.
NOT_YET = {
    "lib/workspace/course.py": 14, "lib/workspace/group_pc.py": 2,
    "lib/data/catalog.py": 9, "lib/data/recipe.py": 13, "lib/data/preparation.py": 1,
    "lib/data/ipss_projection.py": 1,
}


def _literal_text(node: ast.AST) -> str:
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    if isinstance(node, ast.JoinedStr):
        return "".join(part.value for part in node.values if isinstance(part, ast.Constant))
    return ""


def _is_translation(node: ast.AST) -> bool:
    return isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "t"


def sentence_raises(source: str) -> list[int]:
    """Lines that raise an error made from Japanese text or from a translation (`t(...)`)."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Raise) and isinstance(node.exc, ast.Call):
            arguments = [*node.exc.args, *(k.value for k in node.exc.keywords)]
            if any(_is_translation(a) or JAPANESE.search(_literal_text(a)) for a in arguments):
                found.append(node.lineno)
    return found


def test_the_check_sees_a_sentence_written_or_translated_at_the_raise():
    assert sentence_raises('raise WorkspaceError("その項目は見つかりません。")') == [1]
    assert sentence_raises('raise ValueError(f"版 {v} は見つかりません。")') == [1]
    assert sentence_raises('raise CourseError(t("course.error.session", lang))') == [1]
    assert sentence_raises('raise PasscodeError("too_short", n=8)') == []
    assert sentence_raises('raise ValueError(f"unknown table source: {s!r}")') == []


def test_no_lib_module_makes_an_error_from_a_sentence():
    found = Counter()
    for path in ROOT.glob("lib/**/*.py"):
        found[str(path.relative_to(ROOT))] += len(sentence_raises(path.read_text(encoding="utf-8")))
    assert +found == NOT_YET


def test_workspace_errors_are_workbench_errors_said_in_the_users_language():
    error = WorkspaceError("ws.error.group_taken", name="A班")
    assert isinstance(error, WorkbenchError)
    assert str(error) == error.text("ja") and "A班" in str(error)
    assert error.text("en").startswith('The group name "A班"')
    assert SaveFailed().text("en").startswith("Could not save")
    unavailable = WorkspaceUnavailable("missing")
    assert unavailable.reason == "missing" and not JAPANESE.search(unavailable.text("en"))
    with pytest.raises(PasscodeError) as refused:
        check_new_passcode("short")
    assert "文字以上" in str(refused.value) and "at least" in refused.value.text("en")
