"""Saving an edit field by field: only changed fields are written, merged onto the newest version."""
from __future__ import annotations

import pytest

from lib.workspace.drafts import Draft, Drafts
from lib.workspace.field_merge import merge_fields, save_fields
from lib.workspace.items import Conflict

NAMES = ["goal", "problem", "issue"]
BASE = {"goal": "目標A", "problem": "問題A", "issue": "課題A"}


def same(values: dict) -> dict:
    return dict(values)


@pytest.fixture()
def group(ws):
    course = ws.create_course({"name": "研修", "municipality": "みどり野市"}, "講師")
    return ws.create_group(course.course_id, "A班", "ABC-234")


def _save(ws, group, base_version, base_values, mine, actor="B（企画課）"):
    return save_fields(ws, item_id=f"{group.group_id}:worksheet:step0", group_id=group.group_id, kind="worksheet",
                       base_version=base_version, base_values=base_values, mine=mine, actor=actor,
                       to_payload=same, from_payload=same)


def test_each_field_takes_the_side_that_changed_it():
    merge = merge_fields(BASE, {**BASE, "goal": "目標B"}, {**BASE, "problem": "問題C"}, NAMES)
    assert merge.merged == {"goal": "目標B", "problem": "問題C", "issue": "課題A"}
    assert merge.conflicts == ()


def test_the_same_change_on_both_sides_is_no_conflict():
    merge = merge_fields(BASE, {**BASE, "goal": "同じ"}, {**BASE, "goal": "同じ"}, NAMES)
    assert merge.merged["goal"] == "同じ" and merge.conflicts == ()


def test_different_changes_to_one_field_are_a_conflict_holding_mine():
    merge = merge_fields(BASE, {**BASE, "goal": "目標B", "issue": "課題B"}, {**BASE, "goal": "目標C"}, NAMES)
    assert merge.conflicts == ("goal",)
    assert merge.merged == {"goal": "目標B", "problem": "問題A", "issue": "課題B"}


def test_a_stale_empty_screen_never_empties_a_saved_field(ws, group):
    """Issue 21: B started from A's version 1, changed only 目標; 問題・課題 stay A's."""
    first = _save(ws, group, 0, dict.fromkeys(NAMES, ""), BASE, actor="A（福祉課）")
    assert first.item.version == 1
    result = _save(ws, group, 1, BASE, {**BASE, "goal": "目標B"})
    assert result.conflict is None
    assert ws.item(first.item.item_id).payload == {"goal": "目標B", "problem": "問題A", "issue": "課題A"}


def test_a_save_over_a_newer_version_writes_only_my_changed_fields(ws, group):
    created = _save(ws, group, 0, dict.fromkeys(NAMES, ""), BASE, actor="A（福祉課）").item
    ws.update_item(created.item_id, {**BASE, "problem": "問題C"}, 1, "C（税務課）")
    result = _save(ws, group, 1, BASE, {**BASE, "issue": "課題B"})
    assert result.conflict is None and result.item.version == 3
    assert result.values == {"goal": "目標A", "problem": "問題C", "issue": "課題B"}
    assert ws.item(created.item_id).payload == result.values


def test_a_conflict_writes_nothing_and_keeps_both_texts(ws, group):
    created = _save(ws, group, 0, dict.fromkeys(NAMES, ""), BASE, actor="A（福祉課）").item
    ws.update_item(created.item_id, {**BASE, "goal": "目標C"}, 1, "C（税務課）")
    result = _save(ws, group, 1, BASE, {**BASE, "goal": "目標B", "issue": "課題B"})
    assert result.item is None
    assert result.conflict.conflicts == ("goal",)
    assert result.conflict.mine["goal"] == "目標B" and result.conflict.theirs_values["goal"] == "目標C"
    assert ws.item(created.item_id).version == 2  # nothing written


def test_two_first_saves_of_one_worksheet_merge(ws, group):
    empty = dict.fromkeys(NAMES, "")
    _save(ws, group, 0, empty, {**empty, "goal": "目標A"}, actor="A（福祉課）")
    result = _save(ws, group, 0, empty, {**empty, "problem": "問題B"})
    assert result.item.payload == {"goal": "目標A", "problem": "問題B", "issue": ""}


def test_a_deleted_item_is_a_conflict_to_choose(ws, group):
    created = _save(ws, group, 0, dict.fromkeys(NAMES, ""), BASE, actor="A（福祉課）").item
    ws.delete_item(created.item_id, 1, "C（税務課）")
    with pytest.raises(Conflict) as raised:
        _save(ws, group, 1, BASE, {**BASE, "goal": "目標B"})
    assert raised.value.theirs.deleted


def test_drafts_are_kept_per_member_and_editor_and_survive_a_new_process(tmp_path):
    draft = Draft(2, BASE, {**BASE, "goal": "書きかけ"})
    Drafts(tmp_path).put("abc123", "ws:step0", draft)
    Drafts(tmp_path).put("def456", "ws:step0", Draft(0, {}, {"goal": "別の人"}))
    again = Drafts(tmp_path)  # as after a restart: only the folder is shared
    assert again.get("abc123", "ws:step0") == draft
    assert again.get("abc123", "ws:step1") is None
    again.drop("abc123", "ws:step0")
    assert again.get("abc123", "ws:step0") is None
    assert again.get("def456", "ws:step0").values == {"goal": "別の人"}


def test_a_draft_that_cannot_be_written_does_not_break_typing(tmp_path):
    (tmp_path / "drafts").write_text("not a folder")
    Drafts(tmp_path).put("abc123", "ws:step0", Draft(0, {}, {"goal": "x"}))  # logged, no exception
    assert Drafts(tmp_path).get("abc123", "ws:step0") is None


def test_a_member_id_cannot_name_a_path(tmp_path):
    with pytest.raises(ValueError):
        Drafts(tmp_path).put("../x", "ws:step0", Draft(0, {}, {}))
