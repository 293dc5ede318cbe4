"""Issue 25: a save that fails keeps the typed title and note (forms were emptied on submit);
they are emptied only once the save succeeded."""
from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from lib.workspace import course, example_group
from lib.workspace.backend import SaveFailed
from lib.workspace.items import Workspace, open_workspace

APP = str(Path(__file__).resolve().parents[2] / "app.py")
CHART_TITLE, CHART_NOTE = "タイトル", "メモ（このグラフから分かること）"


@pytest.fixture()
def member(store):
    ws = open_workspace(store)
    example_group.seed_if_empty(ws)
    group = next(g for g in ws.groups(course.current_course(ws).course_id) if g.name == "A班")
    joined = course.join_group(ws, group.group_id, group.join_code, "保存 試子", "企画課")
    return ws, group, {"member_id": joined.member_id, "group_id": group.group_id, "group_name": group.name,
                       "course_id": group.course_id, "name": "保存 試子", "department": "企画課"}


def _open(page: str, session: dict) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=120)
    for key, value in session.items():
        at.session_state[key] = value
    at.run()
    at.switch_page(page).run()
    assert not at.exception, at.exception
    return at


def _failing_saves(monkeypatch):
    def refuse(*_args, **_kwargs):
        raise SaveFailed()
    monkeypatch.setattr(Workspace, "create_item", refuse)


def _box(elements, label: str):
    """The form's input by its label (the last one: the save form comes after the page's other inputs)."""
    return [e for e in elements if e.label == label][-1]


def _fill_fail_then_save(at, monkeypatch, title_label: str | None, note_label: str, button: str):
    if title_label:
        _box(at.text_input, title_label).input("失敗しても残る題名")
    _box(at.text_area, note_label).input("失敗しても残るメモ")
    with monkeypatch.context() as patch:
        _failing_saves(patch)
        next(b for b in at.button if b.label == button).click().run()
    assert not at.exception, at.exception
    assert "入力した内容はこの画面に残っています" in " ".join(e.value for e in at.error)
    if title_label:
        assert _box(at.text_input, title_label).value == "失敗しても残る題名"
    assert _box(at.text_area, note_label).value == "失敗しても残るメモ"
    next(b for b in at.button if b.label == button).click().run()  # the cause is gone: saved, then emptied
    assert not at.exception, at.exception
    assert not at.error
    if title_label:
        assert _box(at.text_input, title_label).value != "失敗しても残る題名"
    assert _box(at.text_area, note_label).value != "失敗しても残るメモ"


def _saved_titles(ws, group, kind):
    return [i.payload["title"] for i in ws.items(group.group_id, kind)]


def test_chart_form_keeps_text_when_a_save_fails(member, monkeypatch):
    ws, group, who = member
    at = _open("pages/chart_builder.py", {"member": who})
    _fill_fail_then_save(at, monkeypatch, CHART_TITLE, CHART_NOTE, "保存する")
    assert "失敗しても残る題名" in _saved_titles(ws, group, "chart")


def test_map_form_keeps_text_when_a_save_fails(member, monkeypatch):
    ws, group, who = member
    at = _open("pages/map.py", {"member": who})
    _fill_fail_then_save(at, monkeypatch, "題名", "メモ（この地図から分かること）", "根拠として保存")
    assert "失敗しても残る題名" in _saved_titles(ws, group, "map")


def test_statistics_form_keeps_text_when_a_save_fails(member, monkeypatch):
    ws, group, who = member
    at = _open("pages/statistics.py", {"member": who})
    button = next(b.label for b in at.button if "保存" in b.label)
    _fill_fail_then_save(at, monkeypatch, CHART_TITLE, CHART_NOTE, button)
    assert "失敗しても残る題名" in _saved_titles(ws, group, "chart")


def test_table_form_keeps_text_when_a_save_fails(member, monkeypatch):
    ws, group, who = member
    at = _open("pages/pivot_table.py", {"member": who})
    _fill_fail_then_save(at, monkeypatch, CHART_TITLE, CHART_NOTE, "根拠として保存（表）")
    assert "失敗しても残る題名" in _saved_titles(ws, group, "table")


def test_instructor_comment_keeps_text_when_sending_fails(member, monkeypatch):
    ws, group, _who = member
    at = _open("pages/instructor.py", {"instructor": True})
    _fill_fail_then_save(at, monkeypatch, None, "コメント", "コメントを送る")
    assert any(c.payload["text"] == "失敗しても残るメモ" for g in ws.groups(group.course_id)
               for c in ws.items(g.group_id, "comment"))
