"""Instructors write their own exercise themes on the instructor page (issue 20, item 6), and trainees answer them.

AppTest on a data folder of this module's own (the demo's published data copied in): the form creates a
theme whose answer is a query or a fixed value, refuses bad SQL keeping what was typed, edits and deletes;
the themes go to another data folder as one zip; a trainee's answer to one is checked like a bundled one.
"""
from __future__ import annotations

import os

import pytest

from lib.workspace import exercise_bundle, exercises
from tests.conftest import app_test, copy_demo_data

INSTRUCTOR = "pages/instructor.py"
COUNT_SQL = "SELECT COUNT(*) FROM facilities WHERE category = '避難所'"


@pytest.fixture(scope="module")
def own_folder(demo_data, tmp_path_factory):
    """A data folder of this module's own: the themes written here must not reach other tests."""
    from lib.data.store import get_store

    previous = os.environ.get("WORKBENCH_DATA_DIR")
    folder = copy_demo_data(demo_data, tmp_path_factory.mktemp("exercise-editor"))
    os.environ["WORKBENCH_DATA_DIR"] = str(folder)
    yield folder
    get_store().close()
    if previous is None:
        os.environ.pop("WORKBENCH_DATA_DIR")
    else:
        os.environ["WORKBENCH_DATA_DIR"] = previous


def _own_files(folder) -> list[str]:
    return sorted(p.name for p in (folder / "exercises").glob("*.yaml"))


def _published_number(sql: str) -> float:
    from lib.data.store import get_store

    cursor = get_store().published()
    try:
        return float(cursor.execute(sql).fetchone()[0])
    finally:
        cursor.close()


def _database():
    from lib.data.store import get_store

    return get_store().published_path


def _editor():
    at = app_test(timeout=120)
    at.session_state["instructor"] = True
    at.run()
    at.switch_page(INSTRUCTOR).run()
    assert not at.exception, at.exception
    return at


def _fill_theme(at, title: str) -> None:
    at.text_input(key="exed:title").input(title)
    at.text_input(key="exed:theme").input("防災")
    at.text_area(key="exed:story").input("防災課は、避難所が足りているかを知りたいと考えています。")
    at.text_area(key="exed:hypotheses").input("避難所が遠い町丁目がある。\n高齢者の多い地区ほど遠い。")
    at.multiselect(key="exed:datasets").set_value(["facilities"])
    at.text_area(key="exed:q0:text").input("避難所はいくつありますか。")
    at.text_input(key="exed:q0:unit").input("か所")
    at.text_area(key="exed:q0:hint").input("category が避難所の行を数えます。")


def test_a_theme_with_a_query_answer_is_previewed_saved_and_loads(own_folder):
    at = _editor()
    _fill_theme(at, "避難所の数")
    at.text_area(key="exed:q0:sql").input(COUNT_SQL)
    at.button(key="exed:q0:preview").click().run()
    right = _published_number(COUNT_SQL)
    assert [s.value for s in at.success] == [f"正解の値：{right:,.6g}"]
    assert _own_files(own_folder) == []  # a preview saves nothing
    at.button(key="exed:save").click().run()
    assert not at.exception and not at.error, [e.value for e in at.error]
    assert any("「避難所の数」を保存しました" in s.value for s in at.success)
    theme = next(e for e in exercises.load_exercises()[0] if e.title_in() == "避難所の数")
    assert theme.added_by_instructor and theme.datasets == ("facilities",)
    assert theme.questions[0].sql == COUNT_SQL and theme.questions[0].hint_in() == "category が避難所の行を数えます。"
    assert exercises.expected_answer(theme.questions[0], _database()) == right
    assert at.selectbox(key="exed:pick").value == theme.id  # saving again edits this theme
    theme.path.unlink()


def test_a_theme_with_a_fixed_value_answer_needs_no_query(own_folder):
    at = _editor()
    _fill_theme(at, "決まった値の問題")
    at.radio(key="exed:q0:kind").set_value("value").run()
    at.text_input(key="exed:q0:value").input("１，２３４")
    at.number_input(key="exed:q0:tolerance").set_value(0.5)
    at.button(key="exed:save").click().run()
    assert not at.error, [e.value for e in at.error]
    theme = next(e for e in exercises.load_exercises()[0] if e.title_in() == "決まった値の問題")
    question = theme.questions[0]
    assert (question.sql, question.value, question.tolerance) == ("", 1234.0, 0.5)
    assert exercises.check_answer(question, "1,234.4 か所", _database()).correct
    assert not exercises.check_answer(question, "1235", _database()).correct
    theme.path.unlink()


@pytest.mark.parametrize("sql, message", [
    ("SELECT COUNT(*) FROM no_such_table", "テーブルまたは列が見つかりません"),
    ("SELECT no_such_column FROM facilities", "列名や関数の使い方に誤り"),
    ("SELECT name FROM facilities WHERE 1 = 0", "結果を返しません"),
    ("SELECT name FROM facilities LIMIT 1", "は数ではありません"),
    ("DELETE FROM facilities", "SELECT 文だけです"),
])
def test_bad_sql_is_refused_in_japanese_saves_nothing_and_keeps_the_typed_text(own_folder, sql, message):
    at = _editor()
    _fill_theme(at, "誤った SQL")
    at.text_area(key="exed:q0:sql").input(sql)
    at.button(key="exed:q0:preview").click().run()
    assert any(message in e.value for e in at.error), [e.value for e in at.error]
    at.button(key="exed:save").click().run()
    assert not at.exception and any(message in e.value for e in at.error)
    assert all("問 1" in e.value for e in at.error) and not any("Error" in e.value for e in at.error)
    assert _own_files(own_folder) == []
    assert at.text_area(key="exed:q0:sql").value == sql and at.text_input(key="exed:title").value == "誤った SQL"
    assert at.text_area(key="exed:q0:hint").value == "category が避難所の行を数えます。"


def test_an_own_theme_is_edited_in_place_and_deleted(own_folder):
    at = _editor()
    _fill_theme(at, "直す前")
    at.text_area(key="exed:q0:sql").input(COUNT_SQL)
    at.button(key="exed:add").click().run()
    at.text_area(key="exed:q1:text").input("避難所ではない施設はいくつ？")
    at.text_area(key="exed:q1:sql").input("SELECT COUNT(*) FROM facilities WHERE category <> '避難所'")
    at.button(key="exed:save").click().run()
    assert not at.error, [e.value for e in at.error]
    [saved] = _own_files(own_folder)
    theme_id = saved.removesuffix(".yaml")

    at = _editor()  # another visit: pick the theme, change it, save
    assert "exed:q1:text" not in [t.key for t in at.text_area]
    at.selectbox(key="exed:pick").set_value(theme_id).run()
    assert at.text_input(key="exed:title").value == "直す前"
    assert at.text_area(key="exed:q1:text").value == "避難所ではない施設はいくつ？"
    at.text_input(key="exed:title").input("直した後")
    at.button(key="exed:q0:remove").click().run()
    assert at.text_area(key="exed:q0:text").value == "避難所ではない施設はいくつ？"
    at.button(key="exed:save").click().run()
    assert not at.error, [e.value for e in at.error]
    assert _own_files(own_folder) == [saved]  # the same file, not a second theme
    theme = next(e for e in exercises.load_exercises()[0] if e.id == theme_id)
    assert theme.title_in() == "直した後" and [q.id for q in theme.questions] == ["q2"]

    assert at.button(key="exed:delete").disabled  # only once confirmed
    at.checkbox(key="exed:delete_sure").check().run()
    at.button(key="exed:delete").click().run()
    assert not at.exception, at.exception
    assert _own_files(own_folder) == [] and at.selectbox(key="exed:pick").value == ""
    assert at.selectbox(key="exed:pick").options == ["（新しいテーマ）"]  # the picker shows titles


def test_bundled_themes_are_not_offered_for_editing(own_folder):
    at = _editor()
    bundled = {e.title_in() for e in exercises.load_exercises()[0] if not e.added_by_instructor}
    assert bundled and at.selectbox(key="exed:pick").options == ["（新しいテーマ）"]


def test_themes_go_to_a_fresh_data_folder_as_one_zip_and_come_back_the_same(own_folder, demo_data, tmp_path):
    at = _editor()
    _fill_theme(at, "持っていくテーマ")
    at.text_area(key="exed:q0:sql").input(COUNT_SQL)
    at.button(key="exed:save").click().run()
    assert not at.error, [e.value for e in at.error]
    [saved] = _own_files(own_folder)
    text = (own_folder / "exercises" / saved).read_text(encoding="utf-8")
    bundle = exercise_bundle.export_bundle()  # what the download button serves
    assert [b.label for b in at.get("download_button") if b.key == "exed:export"] == [
        "講師が作ったテーマを書き出す（1 件）"
    ]
    (own_folder / "exercises" / saved).unlink()

    fresh = copy_demo_data(demo_data, tmp_path / "next-year")
    os.environ["WORKBENCH_DATA_DIR"] = str(fresh)
    try:
        at = _editor()
        at.file_uploader(key="exed:bundle").upload(exercise_bundle.bundle_name(), bundle, "application/zip")
        at.run()
        at.button(key="exed:import").click().run()
        assert not at.exception and not at.error, [e.value for e in at.error]
        assert "新しいテーマ 1 件" in at.success[-1].value and "持っていくテーマ" in at.success[-1].value
        assert (fresh / "exercises" / saved).read_text(encoding="utf-8") == text
        assert at.selectbox(key="exed:pick").options == ["（新しいテーマ）", "持っていくテーマ"]
    finally:
        os.environ["WORKBENCH_DATA_DIR"] = str(own_folder)


def test_a_trainee_answers_an_instructors_theme_right_and_wrong(own_folder, monkeypatch):
    from lib import settings
    from lib.workspace import exercise_authoring
    from lib.workspace.exercise_authoring import QuestionDraft, ThemeDraft

    draft = ThemeDraft(title="講師の問題", theme="防災", story="ストーリー", hypotheses="仮説", datasets=["facilities"],
                       questions=[QuestionDraft(text="避難所の数は？", sql=COUNT_SQL, unit="か所", hint="数えます。"),
                                  QuestionDraft(text="目標の数は？", kind="value", value="40", tolerance=1)])
    # This test is about answers, not the time limit: a loaded CI machine once stopped the answer query at 10 s.
    monkeypatch.setattr(settings, "USER_SQL_TIME_LIMIT_S", 120.0)
    theme, _answers = exercise_authoring.save(draft, _database())
    try:
        at = app_test(timeout=120).run()
        at.switch_page("pages/exercises.py").run()
        at.selectbox(key="ex_theme").set_value(theme.id).run()
        assert at.header[0].value == "講師の問題"
        first, second = (f"ex:{theme.id}:{q.id}" for q in theme.questions)
        at.text_input(key=first).input(f"{_published_number(COUNT_SQL):,.0f} か所")
        at.button(key=first + ":check").click().run()
        assert [s.value for s in at.success] == [f"正解です（データの値: {_published_number(COUNT_SQL):,.6g}）。"]
        at.text_input(key=second).input("42")
        at.button(key=second + ":check").click().run()
        assert [e.value for e in at.error] == [
            "違うようです。集計の条件（年・地区・分母）を見直して、もう一度試してください。"
        ]
        at.text_input(key=second).input("41")
        at.button(key=second + ":check").click().run()
        assert not at.error and [s.value for s in at.success] == ["正解です（データの値: 40）。"]
    finally:
        theme.path.unlink()


def test_pasted_yaml_is_added_and_offered_for_editing_and_a_bad_one_keeps_the_text(own_folder):
    from tests.workspace.test_exercises import VALID

    at = _editor()
    at.text_area(key="inst_theme_yaml").input(VALID.replace("datasets: [facilities]", "datasets: [no_such]"))
    at.button(key="FormSubmitter:inst_theme-テーマを追加").click().run()
    assert [e.value for e in at.error if "no_such" in e.value] and _own_files(own_folder) == []
    assert "no_such" in at.text_area(key="inst_theme_yaml").value
    at.text_area(key="inst_theme_yaml").input(VALID)
    at.button(key="FormSubmitter:inst_theme-テーマを追加").click().run()
    assert "テーマ「見本」を追加しました。" in [s.value for s in at.success]
    assert at.selectbox(key="exed:pick").options == ["（新しいテーマ）", "見本"]
    at.selectbox(key="exed:pick").set_value("sample").run()
    assert at.text_area(key="exed:q0:sql").value == "SELECT COUNT(*) FROM facilities WHERE category = '避難所'"
    at.text_area(key="exed:q0:text").input("避難所は全部でいくつ？")
    at.button(key="exed:save").click().run()
    assert not at.error, [e.value for e in at.error]
    theme = next(e for e in exercises.load_exercises()[0] if e.id == "sample")
    assert theme.title == {"ja": "見本", "en": "Sample"}  # English kept where the Japanese did not change
    assert theme.questions[0].text == {"ja": "避難所は全部でいくつ？", "en": "避難所は全部でいくつ？"}
    theme.path.unlink()
