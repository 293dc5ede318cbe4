"""Exercise themes: validated on load with clear errors; every auto-checked answer runs on the published data."""
from __future__ import annotations

import pytest

from lib import settings
from lib.workspace import exercises
from lib.workspace.exercises import ExerciseError, parse_exercise

THEMES, LOAD_ERRORS = exercises.load_exercises()
QUESTIONS = [(e.id, q) for e in THEMES for q in e.questions]

VALID = """
id: sample
title: {ja: 見本, en: Sample}
theme: 防災
story: ストーリー
hypotheses: [仮説]
datasets: [facilities]
questions:
  - id: q1
    text: 避難所はいくつ？
    sql: SELECT COUNT(*) FROM facilities WHERE category = '避難所'
    tolerance: 0
"""


def test_the_shipped_themes_load_without_errors():
    assert LOAD_ERRORS == []
    ids = {e.id for e in THEMES}
    assert {"care_needs", "citizen_survey", "elderly_places", "childcare", "disaster"} <= ids
    for e in THEMES:
        assert e.story_in("ja") and e.story_in("en") and e.hypotheses_in("ja") and e.questions
        assert e.path.parent == settings.EXERCISES_DIR


@pytest.mark.parametrize("theme_id, question", QUESTIONS, ids=[f"{t}-{q.id}" for t, q in QUESTIONS])
def test_every_auto_checked_answer_runs_on_the_published_data(store, theme_id, question):
    expected = exercises.expected_answer(question, store.published_path)
    assert expected == expected  # a number, not NaN
    right = exercises.check_answer(question, f"{expected:,.4f}", store.published_path)
    assert right.correct
    off = question.tolerance + max(1.0, abs(expected) * 0.05)
    assert not exercises.check_answer(question, str(expected + off), store.published_path).correct


def test_answers_are_read_as_typed(published):
    assert exercises.parse_number("１，２３４ 人") == 1234
    assert exercises.parse_number("20.5%") == 20.5
    assert exercises.parse_number("-120") == -120
    assert exercises.parse_number("わからない") is None


@pytest.mark.parametrize("change, message", [
    (("id: sample", "id: Sample!"), "id は"),
    (("story: ストーリー\n", ""), "story がありません"),
    (("datasets: [facilities]", "datasets: [no_such_table]"), "no_such_table"),
    (("    tolerance: 0", "    tolerance: -1"), "questions[1].tolerance"),
    (("    sql: SELECT COUNT(*) FROM facilities WHERE category = '避難所'", "    sql: DROP TABLE facilities"),
     "questions[1].sql"),
    (("    text: 避難所はいくつ？\n", ""), "questions[1].text"),
    (("hypotheses: [仮説]", "hypotheses: []"), "hypotheses"),
    (("    tolerance: 0", "    value: 12\n    tolerance: 0"), "sql（問い合わせ）か value（決まった値）のどちらか 1 つ"),
    (("    sql: SELECT COUNT(*) FROM facilities WHERE category = '避難所'", "    value: 十二"), "questions[1].value"),
    (("    sql: SELECT COUNT(*) FROM facilities WHERE category = '避難所'", "    value: .nan"), "questions[1].value"),
])
def test_errors_name_the_file_and_the_field_in_japanese(change, message):
    old, new = change
    assert old in VALID
    with pytest.raises(ExerciseError) as caught:
        parse_exercise(VALID.replace(old, new), "sample.yaml", {"facilities"})
    assert str(caught.value).startswith("sample.yaml: ")
    assert message in str(caught.value)


def test_broken_yaml_says_where():
    with pytest.raises(ExerciseError, match="行目"):
        parse_exercise("id: x\n  title: [", "broken.yaml")


def test_a_fixed_value_is_the_answer_without_a_query(database):
    text = VALID.replace("    sql: SELECT COUNT(*) FROM facilities WHERE category = '避難所'", "    value: 12.5")
    question = parse_exercise(text, "sample.yaml", {"facilities"}).questions[0]
    assert (question.sql, question.value) == ("", 12.5)
    assert exercises.check_answer(question, "12.5 か所", database).correct
    wrong = exercises.check_answer(question, "13", database)
    assert not wrong.correct and wrong.expected == 12.5 and wrong.mistakes == ()


def test_instructor_adds_a_theme_from_text(store, published):
    from lib.workspace.exercise_authoring import add_from_text

    added = add_from_text(VALID)
    assert added.added_by_instructor and added.path.parent == exercises.instructor_exercises_dir()
    themes, errors = exercises.load_exercises()
    assert "sample" in {e.id for e in themes} and errors == []
    with pytest.raises(ExerciseError, match="同梱"):
        add_from_text(VALID.replace("id: sample", "id: disaster"))
    added.path.unlink()
