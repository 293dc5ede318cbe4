"""Courses: four dates, 2–6 groups, readable join codes, joining, the current session."""
from __future__ import annotations

import re
from datetime import date

import pytest

from lib.workspace import course

DATES = [date(2026, 6, 5), date(2026, 6, 19), date(2026, 7, 3), date(2026, 7, 17)]


def test_create_course_with_groups_and_readable_join_codes(ws):
    info, groups = course.create_course(ws, "令和8年度 研修", "みどり野市", DATES, ["A班", "B班", "C班"], "講師")
    assert info.current_session == 1 and info.session_dates == tuple(DATES)
    assert [g.name for g in groups] == ["A班", "B班", "C班"]
    for g in groups:
        assert len(g.join_code) == 7 and g.join_code[3] == "-"
        assert not set(g.join_code.replace("-", "")) & set("01ILO")
    assert len({g.join_code for g in groups}) == 3


@pytest.mark.parametrize("names, dates, message", [
    (["A班"], DATES, "2〜6"),
    ([f"{n}班" for n in "ABCDEFG"], DATES, "2〜6"),
    (["A班", "A班"], DATES, "同じ名前"),
    (["A班", "B班"], DATES[:3], "4 回"),
    (["A班", "B班"], list(reversed(DATES)), "順に"),
])
def test_bad_courses_are_refused_in_japanese(ws, names, dates, message):
    with pytest.raises(course.CourseError, match=message):
        course.create_course(ws, "研修", "みどり野市", dates, names, "講師")


def test_join_checks_code_name_and_department(ws):
    _info, groups = course.create_course(ws, "研修", "みどり野市", DATES, ["A班", "B班"], "講師")
    group = groups[0]
    typed = group.join_code.lower().replace("-", " ")
    member = course.join_group(ws, group.group_id, typed, "山田 花子", "企画課")
    assert ws.members(group.group_id)[0].member_id == member.member_id
    with pytest.raises(course.CourseError, match="「B班」の参加コードです"):
        course.join_group(ws, group.group_id, groups[1].join_code, "佐藤", "税務課")
    with pytest.raises(course.CourseError, match="氏名と所属"):
        course.join_group(ws, group.group_id, group.join_code, "", "税務課")
    assert len(ws.members(group.group_id)) == 1


def _full_width(code: str) -> str:
    """The code as a Japanese keyboard in full-width mode types it: letters, digits and the hyphen."""
    return "".join(chr(ord(ch) + 0xFEE0) if "!" <= ch <= "~" else ch for ch in code)


@pytest.mark.parametrize("typing", [
    _full_width,                                      # Ｂ８Ｒ－ＳＭＶ
    lambda code: _full_width(code.lower()),           # ｂ８ｒ－ｓｍｖ
    lambda code: code.replace("-", "ー"),              # the long-vowel mark for the hyphen
    lambda code: code.replace("-", "―").lower(),       # a dash, lower case
    lambda code: f"　{code.replace('-', '　')} ",       # full-width spaces around and between
])
def test_a_code_typed_in_full_width_or_with_a_dash_joins(ws, typing):
    _info, groups = course.create_course(ws, "研修", "みどり野市", DATES, ["A班", "B班"], "講師")
    group = groups[0]
    member = course.join_group(ws, group.group_id, typing(group.join_code), "山田 花子", "企画課")
    assert member.group_id == group.group_id


@pytest.mark.parametrize("typed, hint", [
    ("", "参加コードを入力してください"),
    ("ABCーあいう", "ひらがな・カタカナ・漢字"),
    ("ABC-23", "英数字 6 文字です（例: ABC-234）。入力されたのは 5 文字"),
    ("AB0-234", "0 は使っていません"),
    ("ＡＢ１－２Ｏ４", "1・O は使っていません"),
    ("XYZ-789", "参加コードが違います"),
])
def test_a_wrong_code_is_refused_with_a_hint_of_what_to_fix(ws, typed, hint):
    _info, groups = course.create_course(ws, "研修", "みどり野市", DATES, ["A班", "B班"], "講師")
    with pytest.raises(course.CourseError, match=re.escape(hint)):
        course.join_group(ws, groups[0].group_id, typed, "山田 花子", "企画課")
    assert ws.members(groups[0].group_id) == []


def test_example_group_cannot_be_joined(ws):
    info, _ = course.create_course(ws, "研修", "みどり野市", DATES, ["A班", "B班"], "講師")
    example = course.add_group(ws, info.course_id, "見本", example=True)
    with pytest.raises(course.CourseError, match="完成例"):
        course.join_group(ws, example.group_id, example.join_code, "山田", "企画課")


def test_move_to_next_session_and_current_course(ws):
    demo, _ = course.create_course(ws, "デモ", "みどり野市", DATES, ["A班", "B班"], "system", is_demo=True)
    assert course.current_course(ws).course_id == demo.course_id
    real, _ = course.create_course(ws, "本番", "みどり野市", DATES, ["A班", "B班"], "講師")
    assert course.current_course(ws).course_id == real.course_id
    moved = course.move_to_session(ws, real.course_id, 2, "講師")
    assert moved.current_session == 2 and moved.version == 2
    with pytest.raises(course.CourseError):
        course.move_to_session(ws, real.course_id, 5, "講師")
    with pytest.raises(course.CourseError, match="2〜6"):
        for n in range(5):
            course.add_group(ws, real.course_id, f"追加{n}")


def test_the_municipality_and_every_groups_evidence_come_from_the_courses(ws):
    assert course.current_municipality(ws) == ""
    course.create_course(ws, "デモ", "みどり野市", DATES, ["A班", "B班"], "system", is_demo=True)
    real, (first, second) = course.create_course(ws, "本番", "さくら市", DATES, ["A班", "B班"], "講師")
    assert course.current_municipality(ws) == "さくら市"
    chart = ws.create_item(second.group_id, "chart", {"title": "グラフ", "spec": {"dataset": "x"}}, "a")
    ws.create_item(first.group_id, "map", {"title": "地図"}, "b")
    ws.create_item(first.group_id, "note", {"text": "メモ"}, "b")
    ws.delete_item(chart.item_id, chart.version, "a")
    assert course.saved_evidence_of_every_group(ws) == [
        {"kind": "map", "title": "地図", "spec": {}, "group": "A班"}]
