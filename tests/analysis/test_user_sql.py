"""Trainee SQL: what is allowed runs; everything hostile is refused or stopped, in Japanese."""
from __future__ import annotations

import contextlib
import os
import signal
import socket
import threading
import time

import pytest

from lib.analysis.user_sql import MAX_SQL_LENGTH, UserQueryError, check_user_sql, run_user_sql, worker_pool


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
    ("/* /* */ SELECT */ PRAGMA database_list", "refused"),  # DuckDB nests comments; a regex did not
    ("/* a /* b */ c */ PRAGMA version", "refused"),
    ("SELECT 1 AS a; PRAGMA database_list", "multiple"),
    # System information: settings, database paths, versions, extensions, logs, SQL run from a string.
    ("SELECT * FROM duckdb_settings()", "system"),
    ("SELECT current_setting('memory_limit')", "system"),
    ("SELECT * FROM duckdb_databases()", "system"),
    ("SELECT * FROM pragma_version()", "system"),
    ("SELECT * FROM duckdb_extensions()", "system"),
    ("SELECT * FROM duckdb_tables", "system"),
    ('SELECT * FROM "DUCKDB_SETTINGS"()', "system"),
    ("SELECT * FROM pg_catalog.pg_settings", "system"),
    ("SELECT * FROM sqlite_master", "system"),
    ("SELECT version()", "system"),
    ("SELECT platform()", "system"),
    ("SELECT * FROM query('SELECT * FROM duckdb_settings()')", "system"),
    ("SELECT * FROM query_table('duckdb_settings')", "system"),
    ("SELECT getenv('HOME')", "system"),
    ("SELECT list_transform([1], x -> current_setting('threads'))", "system"),
    ("DESCRIBE SELECT * FROM duckdb_settings()", "system"),
    ("SELECT * FROM read_csv('/etc/passwd') /* */", "permission"),
])
def test_hostile_or_broken_queries_get_a_japanese_message(database, sql, kind):
    with pytest.raises(UserQueryError) as info:
        run_user_sql(database, sql)
    assert info.value.kind == kind
    assert any("\u3040" <= ch <= "\u30ff" for ch in info.value.message)  # kana: a Japanese sentence


def test_a_recursive_cte_that_never_ends_is_stopped_by_the_time_limit(database):
    with pytest.raises(UserQueryError) as info:
        run_user_sql(
            database,
            "WITH RECURSIVE r(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM r) SELECT count(*) FROM r",
            time_limit_s=1.0,
        )
    assert info.value.kind == "timeout"


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


def test_a_subquery_cannot_escape_into_a_second_statement():
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


def test_import_database_of_a_server_folder_reads_nothing(database, tmp_path):
    (tmp_path / "schema.sql").write_text("SERVERSECRET TABLE x;")
    with pytest.raises(UserQueryError) as info:
        run_user_sql(database, f"PRAGMA import_database('{tmp_path.as_posix()}')")
    assert info.value.kind == "refused"
    assert "SERVERSECRET" not in info.value.message + info.value.detail


def test_import_database_of_a_url_sends_nothing_and_does_not_wait(database):
    with socket.socket() as silent:  # accepts connections and never answers
        silent.bind(("127.0.0.1", 0))
        silent.listen()
        silent.settimeout(0)
        url = f"http://127.0.0.1:{silent.getsockname()[1]}/db"
        for sql in (f"PRAGMA import_database('{url}')", f"/* /* */ x */ PRAGMA import_database('{url}')",
                    f"SELECT * FROM read_csv('{url}')"):
            with pytest.raises(UserQueryError) as info:
                run_user_sql(database, sql)
            assert info.value.kind != "timeout"  # refused before anything could wait on the address
        with pytest.raises(BlockingIOError):
            silent.accept()  # nobody connected


@pytest.mark.parametrize("sql", [
    "SELECT repeat('x', 100000000) AS big FROM range(10001)",
    "SELECT repeat('x', 1000000) AS big FROM range(10001)",
    "SELECT list(i) AS all_numbers FROM range(300000000) t(i)",
])
def test_huge_strings_and_values_are_refused_without_growing_the_server(database, sql):
    before = _rss_mb()
    with pytest.raises(UserQueryError) as info:
        run_user_sql(database, sql)
    assert info.value.kind in {"memory", "too_large"}
    assert any("\u3040" <= ch <= "\u30ff" for ch in info.value.message)
    assert _rss_mb() - before < 200


def test_a_result_is_cut_at_the_byte_budget(database):
    result = run_user_sql(database, "SELECT i, repeat('x', 1000) AS text FROM range(5000) t(i)",
                          byte_budget=1_000_000)
    assert result.truncated and result.limited_by_size
    assert 500 <= len(result.frame) < 1000
    assert list(result.frame["i"].head(3)) == [0, 1, 2]


def test_one_row_larger_than_the_budget_is_refused_in_japanese(database):
    with pytest.raises(UserQueryError) as info:
        run_user_sql(database, "SELECT repeat('x', 200000) AS big", byte_budget=100_000)
    assert info.value.kind == "too_large" and "MB" in info.value.message


def test_a_worker_that_stops_answering_is_killed_at_the_deadline(database):
    run_user_sql(database, "SELECT 1")
    worker_pids = [w.process.pid for w in worker_pool()._idle]
    for pid in worker_pids:
        os.kill(pid, signal.SIGSTOP)  # as a parse that holds the GIL would: the interrupt cannot run
    try:
        with pytest.raises(UserQueryError) as info:
            run_user_sql(database, "SELECT 1", time_limit_s=0.5)  # returns at all: the stopped worker was killed
        assert info.value.kind == "timeout"
    finally:
        for pid in worker_pids:
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGCONT)
    assert run_user_sql(database, "SELECT 42 AS x").frame["x"].iloc[0] == 42  # a fresh worker took over


HOSTILE = [
    "WITH RECURSIVE r(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM r) SELECT count(*) FROM r",
    "SELECT repeat('x', 100000000) AS big FROM range(10001)",
    "SELECT * FROM range(100000000) t(i) ORDER BY random()",
    "SELECT count(*) FROM population a, population b, population c",
    "PRAGMA import_database('http://127.0.0.1:9/db')",
]


@pytest.mark.parametrize("hostile", HOSTILE)
def test_another_users_work_does_not_wait_for_a_hostile_query(store, database, hostile):
    """Another user's SQL and the pages' own queries are answered while the hostile query still runs.

    What must hold is the order, not a time: neither waits behind the hostile query (a machine
    under load may take its time to start a worker, but never as long as the hostile query's limit).
    """
    run_user_sql(database, "SELECT 1")  # a warm worker, as on a running server
    cursor = store.published()
    attack_ended, attack_stopped_by = [], []

    def attack():
        try:
            run_user_sql(database, hostile, time_limit_s=8)
        except UserQueryError as stopped:
            attack_stopped_by.append(stopped.kind)
        attack_ended.append(time.monotonic())

    attacker = threading.Thread(target=attack)
    attacker.start()
    try:
        time.sleep(0.5)
        started = time.monotonic()
        answer = run_user_sql(database, "SELECT area_name, count(*) AS n FROM areas GROUP BY ALL").frame
        sql_ended = time.monotonic()
        page_query = cursor.execute(  # what a chart page runs on the server itself
            "SELECT district, sum(population) AS p FROM population JOIN areas USING (area_code) GROUP BY ALL").df()
        page_ended = time.monotonic()
    finally:
        attacker.join()
        cursor.close()
    assert len(answer) > 10 and len(page_query) > 1
    # A query that ran to its time limit was running all along: the others were answered before it ended.
    # (One refused at once, or stopped by its memory limit at some moment, leaves nothing to wait behind.)
    if attack_stopped_by == ["timeout"]:
        assert started < attack_ended[0]
        assert sql_ended < attack_ended[0] and page_ended < attack_ended[0], "another user waited for the hostile query"


def test_pivot_runs(database):
    result = run_user_sql(database, "PIVOT population ON sex USING sum(population) GROUP BY year")
    assert len(result.frame) >= 1 and len(result.frame.columns) >= 3


def test_sql_just_under_the_length_limit_runs(database):
    sql = "SELECT 1 AS x -- " + "あ" * (MAX_SQL_LENGTH - 40)
    assert len(sql) < MAX_SQL_LENGTH
    assert run_user_sql(database, sql).frame["x"].iloc[0] == 1
    with pytest.raises(UserQueryError) as info:
        run_user_sql(database, sql + " " * 100 + "-- more")
    assert info.value.kind == "too_long"


def _rss_mb() -> float:
    with open("/proc/self/status", encoding="ascii") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    raise AssertionError("no VmRSS")
