"""The session pages, workspace, exercises and instructor view in AppTest (no browser)."""
from __future__ import annotations

import re
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from lib.workspace import course, curriculum, example_group, instructor_auth
from lib.workspace.items import open_workspace

APP = str(Path(__file__).resolve().parents[2] / "app.py")
PAGES = ["pages/join.py", "pages/session_1.py", "pages/session_2.py", "pages/session_3.py",
         "pages/session_4.py", "pages/workspace.py", "pages/exercises.py", "pages/instructor.py"]


@pytest.fixture()
def ws(store):
    workspace = open_workspace(store)
    example_group.seed_if_empty(workspace)
    return workspace


def _group(ws, name="A班"):
    demo = course.current_course(ws)
    return next(g for g in ws.groups(demo.course_id) if g.name == name)


def _extra_group(ws, name: str):
    """A group of the demo course beyond A–C班, for tests that need one nobody else writes in.

    Made directly in the workspace: other test modules add their own groups to the same course,
    so the course may already hold the six groups the instructor page allows.
    """
    demo = course.current_course(ws)
    existing = [g for g in ws.groups(demo.course_id) if g.name == name]
    return existing[0] if existing else ws.create_group(demo.course_id, name, course.new_join_code())


def _joined(ws, group_name="A班", name="試験 太郎") -> AppTest:
    at = AppTest.from_file(APP, default_timeout=90).run()
    at.switch_page("pages/join.py").run()
    group = _group(ws, group_name)
    at.selectbox(key="join_group").set_value(group.group_id)
    at.text_input(key="join_code").input(group.join_code.lower().replace("-", ""))
    at.text_input(key="join_name").input(name)
    at.text_input(key="join_department").input("企画課")
    at.button[0].click().run()
    assert not at.exception, at.exception
    return at


@pytest.mark.parametrize("page_file", PAGES)
def test_every_page_renders_without_a_group(store, ws, page_file):
    at = AppTest.from_file(APP, default_timeout=90).run()
    at.switch_page(page_file).run()
    assert not at.exception, at.exception
    assert not at.error


def test_wrong_join_code_is_refused_in_japanese(store, ws):
    at = AppTest.from_file(APP, default_timeout=90).run()
    at.switch_page("pages/join.py").run()
    at.selectbox(key="join_group").set_value(_group(ws).group_id)
    at.text_input(key="join_code").input("ZZZ-ZZZ")
    at.text_input(key="join_name").input("試験 花子")
    at.text_input(key="join_department").input("企画課")
    at.button[0].click().run()
    assert "参加コードが違います" in at.error[0].value
    assert "member" not in at.session_state


def test_a_full_width_join_code_joins_and_a_short_one_says_what_to_fix(store, ws):
    group = _group(ws, "B班")
    full_width = "".join(chr(ord(ch) + 0xFEE0) for ch in group.join_code)  # Ｂ８Ｒ－ＳＭＶ
    at = AppTest.from_file(APP, default_timeout=90).run()
    at.switch_page("pages/join.py").run()
    at.selectbox(key="join_group").set_value(group.group_id)
    at.text_input(key="join_code").input(full_width[:-1])
    at.text_input(key="join_name").input("試験 全角")
    at.text_input(key="join_department").input("企画課")
    at.button[0].click().run()
    assert "6 文字" in at.error[0].value and "5 文字" in at.error[0].value
    assert at.text_input(key="join_name").value == "試験 全角"  # what was typed survives
    at.text_input(key="join_code").input(full_width)
    at.button[0].click().run()
    assert not at.exception and not at.error
    assert at.session_state["member"]["group_name"] == "B班"


def test_the_last_session_points_to_the_presentation_not_to_a_next_session(store, ws):
    at = _joined(ws, "C班", "試験 四郎")
    at.switch_page("pages/session_4.py").run()
    assert not at.exception, at.exception
    assert at.warning[0].value.startswith("発表までに残っていること"), at.warning[0].value


def test_a_copied_url_does_not_act_as_the_member_and_joining_again_continues(store, ws):
    joined = _joined(ws, "C班", "試験 次郎")
    member_id = joined.session_state["member"]["member_id"]
    assert "member" not in joined.query_params  # nothing on screen identifies the member
    copied = AppTest.from_file(APP, default_timeout=90)  # another browser, with an old-style link
    copied.query_params["member"] = member_id
    copied.run()
    assert not copied.exception and "member" not in copied.session_state
    assert "member" not in copied.query_params
    again = _joined(ws, "C班", "試験 次郎")  # after a reload: the code, name and department again
    assert again.session_state["member"]["member_id"] == member_id
    assert len([m for m in ws.members(_group(ws, "C班").group_id) if m.name == "試験 次郎"]) == 1


def test_member_walks_session_1_and_sees_progress(store, ws):
    at = _joined(ws, "B班", "試験 一郎")
    group = _group(ws, "B班")
    assert at.session_state["member"]["group_name"] == "B班"
    at.switch_page("pages/session_1.py").run()
    assert not at.exception, at.exception
    at.text_area(key="ws:step0:goal").input("高齢者が元気に暮らせる")
    at.text_area(key="ws:step0:problem").input("丘陵地区の認定率が高い")
    at.text_area(key="ws:step0:issue").input("通いの場を増やす")
    at.button(key="ws:step0:save").click().run()
    assert not at.exception, at.exception
    sheet = ws.item(curriculum.worksheet_id(group.group_id, "step0"))
    assert sheet.payload["problem"] == "丘陵地区の認定率が高い"
    assert sheet.created_by == "試験 一郎（企画課）"
    # The logic tree starts from the problem and grows to three levels.
    at.button(key="tree:start").click().run()
    tree_item = ws.item(curriculum.logic_tree_id(group.group_id))
    assert tree_item.payload["nodes"][0]["label"] == "丘陵地区の認定率が高い"
    at.text_input(key="tree:add_label").input("外出が少ない")
    at.button(key="tree:add").click().run()
    nodes = ws.item(curriculum.logic_tree_id(group.group_id)).payload["nodes"]
    at.selectbox(key="tree:add_parent").set_value(nodes[1]["id"])
    at.text_input(key="tree:add_label").input("通いの場が遠い")
    at.button(key="tree:add").click().run()
    assert not at.exception, at.exception
    assert len(at.graphviz_chart) >= 1 if hasattr(at, "graphviz_chart") else True
    from lib.workspace import logic_tree

    assert logic_tree.depth(ws.item(curriculum.logic_tree_id(group.group_id)).payload) == 3
    # A hypothesis with a column that the dataset lacks is refused; a valid one is stored.
    at.text_input(key="hyp:new:text").input("通いの場から遠いほど認定率が高い")
    at.selectbox(key="hyp:new:dataset").set_value("care_certification").run()
    at.button(key="hyp:new:save").click().run()
    assert any("列を 1 つ以上" in e.value for e in at.error)
    at.multiselect(key="hyp:new:columns").set_value(["area_code", "year"])
    at.button(key="hyp:new:save").click().run()
    assert not at.exception, at.exception
    hypotheses = ws.items(group.group_id, "hypothesis")
    assert [h.payload["columns"] for h in hypotheses] == [["area_code", "year"]]
    markdown = " ".join(m.value for m in at.markdown)
    assert "**Step 0 目標・問題・課題** — 完了" in markdown
    assert any("現状" in w.value for w in at.warning)  # step 1 still misses the situation text


def test_concurrent_edit_shows_both_versions_and_keeps_mine(store, ws):
    at = _joined(ws, "C班", "試験 次郎")
    group = _group(ws, "C班")
    at.switch_page("pages/session_1.py").run()
    at.text_area(key="ws:step1:situation").input("最初の版")
    at.button(key="ws:step1:save").click().run()
    item_id = curriculum.worksheet_id(group.group_id, "step1")
    # Another member saves while this one is typing.
    current = ws.item(item_id)
    ws.update_item(item_id, {"situation": "他のメンバーの版"}, current.version, "別の 人（税務課）")
    at.text_area(key="ws:step1:situation").input("自分の版")
    at.button(key="ws:step1:save").click().run()
    assert not at.exception, at.exception
    assert ws.item(item_id).payload["situation"] == "他のメンバーの版"  # nothing overwritten silently
    warnings = " ".join(w.value for w in at.warning)
    assert "別の 人（税務課）" in warnings
    texts = " ".join(t.value for t in at.text)
    assert "自分の版" in texts and "他のメンバーの版" in texts
    at.button(key="ws:step1:situation:keep_mine" if False else "ws:step1:keep_mine").click().run()
    assert ws.item(item_id).payload["situation"] == "自分の版"
    history = ws.history(item_id=item_id)
    assert [c.after["situation"] for c in reversed(history)] == ["最初の版", "他のメンバーの版", "自分の版"]


def test_save_evidence_goes_to_the_group_workspace(store, ws):
    at = _joined(ws, "A班", "試験 三郎")
    group = _group(ws, "A班")
    at.switch_page("pages/session_3.py").run()
    assert not at.exception, at.exception
    chart = example_group.example_charts()[0][2]
    from lib import ui  # noqa: F401  (the page helpers run inside AppTest only)

    before = len(ws.items(group.group_id, "chart"))
    ws.create_item(group.group_id, "chart", {"title": "試験のグラフ", "note": "", "spec": chart}, "試験 三郎（企画課）")
    at.switch_page("pages/workspace.py").run()
    assert not at.exception, at.exception
    assert len(ws.items(group.group_id, "chart")) == before + 1
    assert any("試験のグラフ" in e.label for e in at.expander)


def test_instructor_sees_every_group_after_passcode(store, ws):
    instructor_auth.set_passcode("correct horse 1")
    at = AppTest.from_file(APP, default_timeout=90).run()
    at.switch_page("pages/instructor.py").run()
    at.text_input(key="auth_passcode").input("wrong passcode")
    at.button[0].click().run()
    assert "パスコードが違います" in at.error[0].value
    at.text_input(key="auth_passcode").input("correct horse 1")
    at.button[0].click().run()
    assert not at.exception, at.exception
    frames = [t.value for t in at.table]
    overview = frames[0]
    example_row = overview.loc[example_group.EXAMPLE_GROUP_NAME]  # its name says 完成例 once
    assert all(example_row[f"Step {n}"] == "完了" for n in range(8))
    codes = next(f for f in frames if "参加コード" in f.columns)
    assert set(codes.index) >= {"A班", "B班", "C班"}
    assert set(codes["参加コード"]) >= {g.join_code for g in ws.groups(course.current_course(ws).course_id)
                                      if g.name in ("A班", "B班", "C班")}


def test_instructor_moves_course_to_next_session(store, ws):
    demo = course.current_course(ws)
    at = AppTest.from_file(APP, default_timeout=90)
    at.session_state["instructor"] = True
    at.run()
    at.switch_page("pages/instructor.py").run()
    before = course.course_info(ws.course(demo.course_id)).current_session
    at.button(key="inst_next").click().run()
    assert not at.exception, at.exception
    assert course.course_info(ws.course(demo.course_id)).current_session == before + 1
    course.move_to_session(ws, demo.course_id, before, "test")


def test_exercise_answer_is_checked(store, ws):
    at = AppTest.from_file(APP, default_timeout=90).run()
    at.switch_page("pages/exercises.py").run()
    at.selectbox(key="ex_theme").set_value("disaster").run()
    at.text_input(key="ex:disaster:shelters").input("999")
    at.button(key="ex:disaster:shelters:check").click().run()
    assert "違うようです" in at.error[0].value
    from lib.workspace.exercises import expected_answer, load_exercises

    question = next(e for e in load_exercises()[0] if e.id == "disaster").questions[0]
    right = expected_answer(question, store.published_path)
    at.text_input(key="ex:disaster:shelters").input(f"{right:.0f} か所")
    at.button(key="ex:disaster:shelters:check").click().run()
    assert "正解です" in at.success[0].value


@pytest.mark.parametrize("section", ["evidence", "findings", "notes", "homework", "comments", "history"])
def test_workspace_sections_of_the_example_group(store, ws, section):
    demo = course.current_course(ws)
    example = next(g for g in ws.groups(demo.course_id) if course.is_example(g))
    at = AppTest.from_file(APP, default_timeout=90)
    at.session_state["member"] = {"group_id": example.group_id, "group_name": example.name,
                                  "course_id": demo.course_id, "member_id": "viewer", "name": "見る人",
                                  "department": "企画課"}
    at.run()
    at.switch_page("pages/workspace.py").run()
    if section != "evidence":
        at.segmented_control(key="ws_section").set_value(section).run()
    assert not at.exception, at.exception
    assert not at.error
    if section == "findings":
        assert len(at.table[0].value) == 2
    if section == "history":
        assert len(at.dataframe[0].value) >= 20


def test_session_page_names_the_city_the_course_is_about(store, ws, data_dir):
    from lib import settings

    at = _joined(ws)
    at.switch_page("pages/session_1.py").run()
    assert not any("この研修の対象は" in c.value for c in at.caption)  # the demo city: no such line
    settings.city_file().write_text('{"city_code": "31201", "city_name": "鳥取市"}', encoding="utf-8")
    try:
        at.run()
        assert any("この研修の対象は鳥取市" in c.value for c in at.caption)
    finally:
        settings.city_file().unlink()


def test_an_empty_worksheet_is_not_saved(store, ws):
    at = _joined(ws, "B班", "試験 三郎")
    group = _group(ws, "B班")
    at.switch_page("pages/session_2.py").run()
    at.button(key="ws:step2:save").click().run()
    assert not at.exception, at.exception
    assert ws.item(curriculum.worksheet_id(group.group_id, "step2")) is None
    assert any("内容を入力してください" in e.value for e in at.error)


def test_a_save_after_another_members_save_keeps_their_fields(store, ws):
    """Issue 21: a save writes only the fields this member changed, merged onto the newest version."""
    group = _extra_group(ws, "E班")
    at = _joined(ws, "E班", "試験 五郎")
    item_id = curriculum.worksheet_id(group.group_id, "step0")
    ws.create_item(group.group_id, "worksheet", {"goal": "目標A", "problem": "問題A", "issue": "課題A"},
                   "試験 A（福祉課）", item_id=item_id)
    at.switch_page("pages/session_1.py").run()
    assert at.text_area(key="ws:step0:problem").value == "問題A"
    ws.update_item(item_id, {"goal": "目標A", "problem": "問題C", "issue": "課題A"}, 1, "試験 C（税務課）")
    at.text_area(key="ws:step0:goal").input("目標B")
    at.button(key="ws:step0:save").click().run()
    assert not at.exception, at.exception
    assert ws.item(item_id).payload == {"goal": "目標B", "problem": "問題C", "issue": "課題A"}
    assert "まだ保存されていません" not in " ".join(w.value for w in at.warning)  # no conflict: different fields
    assert at.text_area(key="ws:step0:problem").value == "問題C"


def test_a_conflict_shows_only_the_field_both_changed(store, ws):
    group = _extra_group(ws, "D班")
    at = _joined(ws, "D班", "試験 六郎")
    item_id = curriculum.worksheet_id(group.group_id, "step0")
    at.switch_page("pages/session_1.py").run()
    current = ws.item(item_id) or ws.create_item(group.group_id, "worksheet", {"goal": "目標A", "problem": "問題A",
                                                                              "issue": "課題A"}, "試験 A（福祉課）",
                                                 item_id=item_id)
    at.button(key="refresh_1").click().run()
    ws.update_item(item_id, {**current.payload, "goal": "相手の目標"}, current.version, "試験 C（税務課）")
    at.text_area(key="ws:step0:goal").input("自分の目標")
    at.text_area(key="ws:step0:issue").input("自分の課題")
    at.button(key="ws:step0:save").click().run()
    assert "試験 C（税務課）" in " ".join(w.value for w in at.warning)
    shown = [t.value for t in at.text]
    assert "自分の目標" in shown and "相手の目標" in shown
    assert current.payload["problem"] not in shown  # a field only one side changed is not asked about
    at.button(key="ws:step0:take_theirs").click().run()
    assert ws.item(item_id).payload == {**current.payload, "goal": "相手の目標", "issue": "自分の課題"}


def test_unsaved_text_comes_back_after_leaving_and_after_a_reload(store, ws):
    _extra_group(ws, "E班")
    at = _joined(ws, "E班", "試験 七郎")
    at.switch_page("pages/session_1.py").run()
    at.text_area(key="ws:step1:situation").input("書きかけの現状")
    at.run()
    at.switch_page("pages/catalog.py").run()
    at.switch_page("pages/session_1.py").run()
    assert at.text_area(key="ws:step1:situation").value == "書きかけの現状"
    again = _joined(ws, "E班", "試験 七郎")  # F5: a new browser session, joining again
    again.switch_page("pages/session_1.py").run()
    assert again.text_area(key="ws:step1:situation").value == "書きかけの現状"
    assert "まだ保存していない" in " ".join(i.value for i in again.info)
    again.button(key="ws:step1:save").click().run()
    group = _group(ws, "E班")
    assert ws.item(curriculum.worksheet_id(group.group_id, "step1")).payload["situation"] == "書きかけの現状"
    later = _joined(ws, "E班", "試験 七郎")
    later.switch_page("pages/session_1.py").run()
    assert "まだ保存していない" not in " ".join(i.value for i in later.info)  # the saved draft is gone


def test_leaving_and_coming_back_while_a_conflict_waits_keeps_both_texts(store, ws):
    group = _extra_group(ws, "D班")
    at = _joined(ws, "D班", "試験 八郎")
    item_id = curriculum.worksheet_id(group.group_id, "step1")
    at.switch_page("pages/session_1.py").run()
    at.text_area(key="ws:step1:situation").input("八郎の最初の版")
    at.button(key="ws:step1:save").click().run()
    current = ws.item(item_id)
    ws.update_item(item_id, {"situation": "他の人の版"}, current.version, "試験 C（税務課）")
    at.text_area(key="ws:step1:situation").input("八郎の二つ目の版")
    at.button(key="ws:step1:save").click().run()
    at.switch_page("pages/catalog.py").run()
    at.switch_page("pages/session_1.py").run()
    assert not at.exception, at.exception
    assert at.text_area(key="ws:step1:situation").value == "八郎の二つ目の版"
    shown = [t.value for t in at.text]
    assert "八郎の二つ目の版" in shown and "他の人の版" in shown


def test_session_2_examples_name_the_data_in_japanese(store, ws):
    """Issue 21: the session 2 placeholder asked for English table names (care_certification)."""
    at = _joined(ws, "B班", "例文 花子")
    at.switch_page("pages/session_2.py").run()
    assert not at.exception, at.exception
    placeholders = [w.proto.placeholder for w in [*at.text_area, *at.text_input] if w.proto.placeholder]
    assert placeholders
    assert not [p for p in placeholders if re.search(r"[A-Za-z_]{3,}", p)], placeholders
