"""DuckDB's English errors are retold in Japanese with the trainee's own names, and never shown as they are."""
from __future__ import annotations

import re

import duckdb
import pytest

from lib.analysis.sql_errors import explain_sql_error


@pytest.fixture(scope="module")
def con():
    con = duckdb.connect()
    con.execute("CREATE TABLE population (year INTEGER, district VARCHAR, persons INTEGER)")
    yield con
    con.close()


def _duckdb_error(con, sql: str) -> str:
    with pytest.raises(duckdb.Error) as caught:
        con.execute(sql).fetchall()
    return str(caught.value)


@pytest.mark.parametrize("sql, words", [
    ("SELECT * FROM populaton", ["テーブル「populaton」はありません", "「population」のことではありませんか"]),
    ("SELECT yeer FROM population", ["列「yeer」", "使える列：", "year"]),
    ("SELECT p.yeer FROM population p", ["テーブル「p」に列「yeer」はありません"]),
    ("SELECT upperr(district) FROM population", ["関数「upperr」はありません", "「upper」のことではありませんか"]),
    ("SELECT district, SUM(persons) FROM population", ["列「district」を GROUP BY に加えるか"]),
    ("SELECT SUM(district) FROM population", ["「sum」はこの種類の値（文字列）には使えません"]),
    ("SELECT CAST('abc' AS INTEGER)", ["「abc」を数値に変換できません"]),
    ("SELEC 1", ["「SELEC」のあたりの書き方に誤りがあります"]),
    ("SELECT * FROM population WHERE", ["SQL が途中で終わっています"]),
    ("SELECT * FROM population LIMIT -1", ["LIMIT・OFFSET に負の数は使えません"]),
])
def test_common_mistakes_are_retold_in_japanese(con, sql, words):
    explanation = explain_sql_error(_duckdb_error(con, sql), "ja")
    for word in words:
        assert word in explanation.summary, (word, explanation.summary)
    assert not re.search(r"Error|Binder|Catalog|Parser|exist|Did you|Candidate", explanation.summary)


def test_the_place_is_the_trainees_line_with_a_caret_under_the_spot(con):
    sql = "SELECT year,\n       yeer\nFROM population"
    explanation = explain_sql_error(_duckdb_error(con, sql), "ja")
    text, caret = explanation.excerpt.split("\n")
    assert explanation.line == 2
    assert "LINE" not in explanation.excerpt
    assert text[caret.index("^"):].startswith("yeer")


def test_an_error_not_recognised_is_not_shown_in_english():
    explanation = explain_sql_error("Invalid Input Error: something nobody expected happened", "ja")
    assert explanation.summary == "" and explanation.excerpt == ""


def test_english_speakers_get_english(con):
    explanation = explain_sql_error(_duckdb_error(con, "SELECT yeer FROM population"), "en")
    assert explanation.summary.startswith('The tables after FROM have no column "yeer"')
