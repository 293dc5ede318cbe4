"""A group's shared PC (issue 21, item 11): joined once with the code, members present named, saves
written as 「グループ PC（A・B・C）」, beside members on their own PCs; the room's font size."""
from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from lib.workspace import course, curriculum, example_group, group_pc
from lib.workspace.items import open_workspace
from tests.conftest import APP

DATES = [__import__("datetime").date(2025, 6, d) for d in (2, 9, 16, 23)]


# --- lib.workspace.group_pc --------------------------------------------------------------

def test_the_history_names_the_group_pc_and_who_is_at_it():
    assert group_pc.actor_text(["山田", "佐藤", "鈴木"]) == "グループ PC（山田・佐藤・鈴木）"
    assert group_pc.actor_text(["山田"], "en") == "Group PC (山田)"


def test_newcomers_are_written_as_name_and_department():
    assert group_pc.parse_newcomers("山田 花子（企画課）\n\n佐藤 一郎 (高齢福祉課)") == [
        ("山田 花子", "企画課"), ("佐藤 一郎", "高齢福祉課")]
    with pytest.raises(course.CourseError, match="「鈴木」は「名前（所属）」の形"):
        group_pc.parse_newcomers("山田 花子（企画課）\n鈴木")


def test_naming_who_is_at_the_pc_keeps_members_and_adds_newcomers(ws):
    _info, groups = course.create_course(ws, "研修", "みどり野市", DATES, ["A班", "B班"], "講師")
    group = groups[0]
    yamada = course.join_group(ws, group.group_id, group.join_code, "山田 花子", "企画課")
    pc = group_pc.name_present(ws, group.group_id, [yamada.member_id], "佐藤 一郎（税務課）\n山田 花子（企画課）")
    assert [m.name for m in pc.present] == ["山田 花子", "佐藤 一郎"]
    assert pc.actor() == "グループ PC（山田 花子・佐藤 一郎）"
    # 佐藤 later joins on their own PC with the same name and department: the same member.
    sato = course.join_group(ws, group.group_id, group.join_code, "佐藤 一郎", "税務課")
    assert sato.member_id == pc.present[1].member_id
    assert len(ws.members(group.group_id)) == 2
    names, _since = group_pc.last_at(ws, ws.group(group.group_id))
    assert names == ["山田 花子", "佐藤 一郎"]
    assert group_pc.last_at(ws, groups[1]) is None
    with pytest.raises(course.CourseError, match="1 人以上"):
        group_pc.name_present(ws, group.group_id, [], "  \n")
    # The font size is kept with the group, beside who was at the PC.
    group_pc.keep_font_size(ws, group.group_id, "x_large")
    assert group_pc.font_size(ws.group(group.group_id)) == "x_large"
    assert group_pc.last_at(ws, ws.group(group.group_id))[0] == names


# --- the join page ---------------------------------------------------------------------

@pytest.fixture()
def demo_ws(store):
    workspace = open_workspace(store)
    example_group.seed_if_empty(workspace)
    return workspace


def _shared_group(ws, name: str):
    demo = course.current_course(ws)
    existing = [g for g in ws.groups(demo.course_id) if g.name == name]
    return existing[0] if existing else ws.create_group(demo.course_id, name, course.new_join_code())


def _own_pc(group, name: str) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=90).run()
    at.switch_page("pages/join.py").run()
    at.selectbox(key="join_group").set_value(group.group_id)
    at.text_input(key="join_code").input(group.join_code)
    at.text_input(key="join_name").input(name)
    at.text_input(key="join_department").input("企画課")
    at.button[0].click().run()
    assert not at.exception, at.exception
    return at


def _shared_pc(group, ticked: list[str], newcomers: str) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=90).run()
    at.switch_page("pages/join.py").run()
    at.radio(key="join_way").set_value("shared").run()
    at.selectbox(key="join_pc_group").set_value(group.group_id)
    at.text_input(key="join_pc_code").input("ZZZ-ZZZ")
    at.button[0].click().run()
    assert "参加コード" in at.error[0].value
    assert not at.checkbox  # no member's name before the code is right
    at.text_input(key="join_pc_code").input(group.join_code.lower())
    at.button[0].click().run()
    for member_id in ticked:
        at.checkbox(key=f"join_pc_present:{member_id}").check()
    at.text_area(key="join_pc_present:newcomers").input(newcomers)
    at.button[0].click().run()
    assert not at.exception, at.exception
    return at


def test_a_shared_pc_joins_once_and_saves_as_the_group_pc_beside_a_member_on_their_own_pc(store, demo_ws):
    ws = demo_ws
    group = _shared_group(ws, "共用PC班")
    own = _own_pc(group, "試験 自席")
    own_id = own.session_state["member"]["member_id"]
    pc = _shared_pc(group, [own_id], "試験 共用（税務課）")
    assert "試験 自席・試験 共用" in " ".join(s.value for s in pc.success)
    assert "グループ PC（試験 自席・試験 共用）" in " ".join(m.value for m in pc.sidebar.markdown)
    assert [m.name for m in ws.members(group.group_id)] == ["試験 自席", "試験 共用"]

    # The shared PC saves step 0; the history says who was at it.
    item_id = curriculum.worksheet_id(group.group_id, "step0")
    pc.switch_page("pages/session_1.py").run()
    pc.text_area(key="ws:step0:goal").input("共用 PC の目標")
    pc.button(key="ws:step0:save").click().run()
    assert not pc.exception, pc.exception
    assert ws.item(item_id).updated_by == "グループ PC（試験 自席・試験 共用）"

    # The member on their own PC sees it and saves beside it, as themself.
    own.switch_page("pages/session_1.py").run()
    assert own.text_area(key="ws:step0:goal").value == "共用 PC の目標"
    own.text_area(key="ws:step0:problem").input("自席の問題")
    own.button(key="ws:step0:save").click().run()
    assert ws.item(item_id).payload["goal"] == "共用 PC の目標"
    assert [c.actor for c in reversed(ws.history(item_id=item_id))] == [
        "グループ PC（試験 自席・試験 共用）", "試験 自席（企画課）"]

    # Later, on the same PC and without the code, another member sits down.
    pc.switch_page("pages/join.py").run()
    pc.checkbox(key=f"join_pc_change:{own_id}").uncheck()
    pc.text_area(key="join_pc_change:newcomers").input("試験 交代（福祉課）")
    pc.button(key="FormSubmitter:join_pc_change-メンバーを変える").click().run()
    assert not pc.exception, pc.exception
    assert pc.session_state["member"]["present"] == ["試験 共用", "試験 交代"]
    pc.switch_page("pages/session_1.py").run()
    pc.text_area(key="ws:step0:issue").input("交代後の課題")
    pc.button(key="ws:step0:save").click().run()
    assert ws.item(item_id).updated_by == "グループ PC（試験 共用・試験 交代）"

    # The instructor's overview lists the group PC and who is at it.
    teacher = AppTest.from_file(APP, default_timeout=90)
    teacher.session_state["instructor"] = True
    teacher.run()
    teacher.switch_page("pages/instructor.py").run()
    assert not teacher.exception, teacher.exception
    overview = teacher.table[0].value
    assert overview.loc["共用PC班", "グループ PC"].startswith("試験 共用・試験 交代（")


def test_the_font_size_enlarges_the_text_and_comes_back_with_the_shared_pc(store, demo_ws):
    at = AppTest.from_file(APP, default_timeout=90).run()
    assert not any("html {font-size" in h.proto.body for h in at.get("html"))  # 標準: Streamlit's own size
    # (After a sidebar widget changes, AppTest shows an empty sidebar: the choice is made before the run.)
    at = AppTest.from_file(APP, default_timeout=90)
    at.session_state["font_size"] = "x_large"
    at.run()
    assert any("html {font-size: 24px !important;}" in h.proto.body for h in at.get("html"))

    group = _shared_group(demo_ws, "共用PC班")
    pc = _shared_pc(group, [], "試験 文字（企画課）")
    assert pc.selectbox(key="font_size").value == "normal"
    pc.selectbox(key="font_size").set_value("large").run()
    assert group_pc.font_size(demo_ws.group(group.group_id)) == "large"
    again = _shared_pc(group, [], "試験 文字（企画課）")  # another browser (or after F5) joins as the PC
    assert again.selectbox(key="font_size").value == "large"
    assert any("html {font-size: 20px !important;}" in h.proto.body for h in again.get("html"))
