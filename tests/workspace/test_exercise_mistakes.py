"""A wrong exercise answer is explained by its likely cause: the answer query with a typical mistake made
(another year, a wider denominator, records counted instead of distinct ones, a condition left out) gives
the same number. Each planted mistake below is computed by a query written by hand, as a trainee would."""
from __future__ import annotations

import pytest

from lib.analysis.user_sql import run_user_sql
from lib.workspace import exercises
from lib.workspace.exercise_mistakes import typical_mistakes
from tests.conftest import app_test

THEMES, _ = exercises.load_exercises()
QUESTIONS = {q.id: q for e in THEMES for q in e.questions}
AGES_65 = "('65-69', '70-74', '75-79', '80-84', '85-89', '90+')"


def _value(store, sql: str) -> float:
    return float(run_user_sql(store.published_path, sql).frame.iat[0, 0])


def _explained(store, question_id: str, answer: float) -> list[str]:
    result = exercises.check_answer(QUESTIONS[question_id], f"{answer:g}", store.published_path)
    assert not result.correct
    return [m.explain("ja") for m in result.mistakes]


def test_the_mistakes_are_made_of_the_querys_own_parts():
    sql = ("SELECT SUM(a) / (SELECT SUM(b) FROM t WHERE g = 1 AND year = 2020) FROM t "
           "WHERE year = 2020 AND kind = 'x'")
    found = typical_mistakes(sql, {"year"}, lambda column: [2019, 2020])
    assert [(m.kind, m.values.get("condition") or m.values.get("other")) for m in found] == [
        ("year", 2019), ("denominator", "g = 1"), ("denominator", '"year" = 2020'),
        ("filter", '"year" = 2020'), ("filter", "kind = 'x'")]
    assert "2019" in found[0].sql and "2020" not in found[0].sql  # the year changed everywhere it is compared
    assert found[1].sql.count("g = 1") == 0 and "kind = 'x'" in found[1].sql
    records = typical_mistakes("SELECT COUNT(DISTINCT id) FROM t", set(), lambda column: [])
    assert [(m.kind, m.values) for m in records] == [("records", {"column": "id"})]
    assert "DISTINCT" not in records[0].sql.upper()
    assert typical_mistakes("SELEC nothing", set(), lambda column: []) == []


def test_another_year_is_named(store):
    answer = _value(store, "SELECT COUNT(*) FROM care_certification WHERE year = 2024")
    assert _explained(store, "certified_2025", answer) == [
        "2025 年ではなく 2024 年のデータで計算した値と同じです。年の条件（`year` = 2025）を確かめましょう。"]


def test_everyones_population_as_the_denominator_is_named(store):
    answer = _value(
        store,
        f"""SELECT ROUND(1000.0 * (SELECT COUNT(*) FROM care_certification
        WHERE year = 2025 AND age_band IN {AGES_65})
        / (SELECT SUM(population) FROM population WHERE year = 2025), 1)""",
    )
    reasons = _explained(store, "rate_65plus_2025", answer)
    assert len(reasons) == 1 and reasons[0].startswith("割り算の分母を「`age_band IN ('65-69'")
    assert "全年齢の人口で割っている" in reasons[0]


def test_a_dropped_district_filter_is_named(store):
    city_rate = exercises.expected_answer(QUESTIONS["rate_65plus_2025"], store.published_path)
    assert _explained(store, "hill_rate_2025", city_rate) == [
        "「`a.district = '丘陵地区'`」の絞り込み（WHERE の条件）が抜けた値と同じです。条件を見直しましょう。"]


def test_records_counted_instead_of_distinct_ones_are_named(store):
    answer = _value(store, "SELECT COUNT(*) FROM nurseries")
    reasons = _explained(store, "nurseries_count", answer)
    assert reasons == ["重複を除かずに行（記録）の数を数えた値と同じです。同じ `facility_id` が何行にも出てくるので、"
                       "`COUNT(DISTINCT facility_id)` で 1 つを 1 回だけ数えます。"]


@pytest.mark.parametrize("question_id", sorted(QUESTIONS))
def test_a_random_wrong_answer_gets_no_made_up_cause(store, question_id):
    expected = exercises.expected_answer(QUESTIONS[question_id], store.published_path)
    assert _explained(store, question_id, expected + 7919.37) == []


def test_every_shipped_question_has_a_hint_in_both_languages():
    missing = [(e.id, q.id) for e in THEMES for q in e.questions if not (q.hint and q.hint.get("en"))]
    assert missing == []


def test_the_exercises_page_says_the_likely_cause(store):
    at = app_test(timeout=120).run()
    at.switch_page("pages/exercises.py").run()
    at.selectbox(key="ex_theme").set_value("care_needs").run()
    answer = _value(store, "SELECT COUNT(*) FROM care_certification WHERE year = 2023")
    at.text_input(key="ex:care_needs:certified_2025").input(f"{answer:,.0f} 人")
    at.button(key="ex:care_needs:certified_2025:check").click().run()
    assert not at.exception, at.exception
    assert [e.value for e in at.error] == [
        "違うようです。2025 年ではなく 2023 年のデータで計算した値と同じです。"
        "年の条件（`year` = 2025）を確かめましょう。"
    ]
    at.text_input(key="ex:care_needs:certified_2025").input("12")
    at.button(key="ex:care_needs:certified_2025:check").click().run()
    assert [e.value for e in at.error] == [
        "違うようです。集計の条件（年・地区・分母）を見直して、もう一度試してください。"
    ]
