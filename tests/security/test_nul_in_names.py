"""Red team, item 9: a NUL character in a name is named as such, not as a full disk, and nothing is saved."""
from __future__ import annotations

import pytest

from lib.workspace import course
from lib.workspace.backend import SaveFailed, TextRefused


def test_a_nul_in_a_name_is_refused_for_what_it_is(ws):
    demo = ws.create_course({"name": "研修", "current_session": 1}, "講師")
    group = ws.create_group(demo.course_id, "A班", "ABC-234")
    with pytest.raises(TextRefused) as refused:
        course.join_group(ws, group.group_id, "ABC-234", "鈴木\x00誠", "企画課")
    assert not isinstance(refused.value, SaveFailed)
    assert "制御文字" in str(refused.value) and "ディスク" not in str(refused.value)
    assert ws.members(group.group_id) == []
    with pytest.raises(TextRefused):
        ws.create_group(demo.course_id, "B\x00班", "ABC-235")
    member = course.join_group(ws, group.group_id, "ABC-234", "鈴木 誠", "企画課")  # the next save works
    item = ws.create_item(group.group_id, "note", {"title": "メモ\x00", "note": "本文"}, member.name)
    assert ws.item(item.item_id).payload["title"] == "メモ\x00"  # inside a payload it is kept, escaped in JSON
