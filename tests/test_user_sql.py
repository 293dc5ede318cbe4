"""Trainee SQL: what is allowed runs; everything hostile is refused or stopped, in Japanese."""
from __future__ import annotations

import time

import pytest

from lib.analysis.user_sql import UserQueryError, check_user_sql, run_user_sql


@pytest.fixture()
def database(store):
    """The published database file, which trainee SQL reaches through a worker process."""
    return store.published_path


def test_a_plain_select_runs(database):
    result = run_user_sql(database, "SELECT area_code, area_name FROM areas ORDER BY area_code")
    assert len(result.frame) >= 30 and not result.truncated
    assert list(result.frame.columns) == ["area_code", "area_name"]


def test_with_comments_and_trailing_semicolon(database):
    result = run_user_sql(database, "-- 人口の合計\nSELECT sum(population) AS total FROM population; ")
    assert result.frame["total"].iloc[0] > 0


@pytest.mark.parametrize("sql, kind", [
    ("SELECT * FROM read_csv('/etc/passwd')", "permission"),
    ("SELECT * FROM read_text('/etc/hostname')", "permission"),
    ("SELECT * FROM read_parquet('http://example.com/a.parquet')", "permission"),
    ("COPY population TO '/tmp/out.csv'", "refused"),
    ("EXPORT DATABASE '/tmp/dump'", "refused"),
    ("ATTACH '/tmp/x.duckdb' AS x", "refused"),
    ("INSTALL httpfs", "refused"),
    ("LOAD spatial", "refused"),
    ("SET threads = 1", "refused"),
    ("PRAGMA database_list", "refused"),
    ("CALL pragma_version()", "refused"),
    ("CREATE TABLE t AS SELECT 1", "refused"),
    ("CREATE VIEW v AS SELECT 1", "refused"),
    ("DROP TABLE population", "refused"),
    ("DELETE FROM population", "refused"),
    ("UPDATE population SET population = 0", "refused"),
    ("INSERT INTO population SELECT * FROM population", "refused"),
    ("SELECT 1; DROP TABLE population", "multiple"),
    ("SELECT 1; SELECT 2", "multiple"),
    ("SELEC * FROM population", "syntax"),
    ("SELECT * FROM no_such_table", "catalog"),
    ("SELECT * FROM staging.raw_secret", "catalog"),
    ("SELECT no_such_column FROM population", "binder"),
    ("", "empty"),
    ("-- only a comment", "empty"),
])
def test_hostile_or_broken_queries_get_a_japanese_message(database, sql, kind):
    with pytest.raises(UserQueryError) as info:
        run_user_sql(database, sql)
    assert info.value.kind == kind
    assert any("\u3040" <= ch <= "\u30ff" for ch in info.value.message)  # kana: a Japanese sentence


def test_a_recursive_cte_that_never_ends_is_stopped_by_the_time_limit(database):
    started = time.perf_counter()
    with pytest.raises(UserQueryError) as info:
        run_user_sql(
            database,
            "WITH RECURSIVE r(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM r) SELECT count(*) FROM r",
            time_limit_s=1.0,
        )
    assert info.value.kind == "timeout"
    assert time.perf_counter() - started < 5


def test_a_huge_cross_join_is_stopped(database):
    with pytest.raises(UserQueryError) as info:
        run_user_sql(database, "SELECT sum(a.population * b.population) FROM population a, population b, "
                                "population c", time_limit_s=1.0)
    assert info.value.kind in {"timeout", "memory"}


def test_a_huge_result_is_capped(database):
    result = run_user_sql(database, "SELECT * FROM range(1000000) t(i)", row_cap=500)
    assert len(result.frame) == 500 and result.truncated


def test_the_cursor_still_works_after_an_interrupt(database):
    with pytest.raises(UserQueryError):
        run_user_sql(database, "WITH RECURSIVE r(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM r) "
                                "SELECT count(*) FROM r", time_limit_s=0.5)
    assert run_user_sql(database, "SELECT 42 AS x").frame["x"].iloc[0] == 42


def test_a_subquery_cannot_escape_the_row_cap_wrapper():
    # ") ; DROP ..." would break out of the wrapper; the single-statement check stops it.
    with pytest.raises(UserQueryError):
        check_user_sql("SELECT 1) AS q; DROP TABLE population; SELECT (1")


@pytest.mark.parametrize("sql", ["DESCRIBE population", "SUMMARIZE areas", "FROM areas LIMIT 3",
                                 "VALUES (1, 'a')", "(SELECT 1)"])
def test_other_read_only_forms_are_allowed(database, sql):
    assert len(run_user_sql(database, sql).frame) >= 1


@pytest.mark.parametrize("sql", ["SELECT 1 AS x; -- 終わり", "SELECT ';--' AS x;", "SELECT 1 AS x /* c */ ;"])
def test_trailing_semicolons_and_comments_are_fine(database, sql):
    assert len(run_user_sql(database, sql).frame) == 1
