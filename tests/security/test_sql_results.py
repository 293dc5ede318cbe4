"""Red team, items 5 and 9: trainee SQL results are converted in the worker, under the byte budget as
Python holds them; one user holds at most one worker; duplicate column names get suffixes."""
from __future__ import annotations

import threading
import time

import pytest

from lib.analysis.sql_worker import NESTED_TEXT_CHARS
from lib.analysis.user_sql import UserQueryError, run_user_sql, worker_pool
from tests.analysis.test_user_sql import _rss_mb


def _japanese(text: str) -> bool:
    return any("\u3040" <= ch <= "\u30ff" for ch in text)


@pytest.mark.parametrize("sql", [
    "SELECT map_from_entries(list(struct_pack(k := i::VARCHAR, v := i))) AS m FROM range(1000000) t(i)",
    "SELECT list(range::VARCHAR) AS m FROM range(3000000)",
    "SELECT list(struct_pack(a := i, b := i::VARCHAR)) AS m FROM range(1000000) t(i) GROUP BY i % 3",
])
def test_small_as_arrow_huge_as_python_does_not_grow_the_server(database, sql):
    run_user_sql(database, "SELECT 1")  # a warm worker, as on a running server
    before = _rss_mb()
    try:
        result = run_user_sql(database, sql, time_limit_s=120)  # the machine may be busy
    except UserQueryError as refused:  # too large for the worker or the budget even as Arrow: refused in Japanese
        assert refused.kind in {"too_large", "memory"} and _japanese(refused.message)
    else:
        assert result.nested_as_text == ("m",)
        assert all(isinstance(v, str) and len(v) <= NESTED_TEXT_CHARS + 1 for v in result.frame["m"])
    assert _rss_mb() - before < 150


def test_the_budget_is_measured_on_the_python_objects(database):
    # 10,000 short strings: about 80 kB as Arrow, ten times that as Python objects.
    result = run_user_sql(database, "SELECT i::VARCHAR AS s FROM range(10000) t(i)", byte_budget=200_000)
    assert result.limited_by_size and result.truncated
    assert 0 < len(result.frame) < 10000
    assert list(result.frame["s"].head(3)) == ["0", "1", "2"]


def test_one_user_holds_at_most_one_worker(database):
    slow = "WITH RECURSIVE r(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM r) SELECT count(*) FROM r"
    first = threading.Thread(target=lambda: pytest.raises(UserQueryError, run_user_sql, database, slow,
                                                         time_limit_s=3, owner="member:A"))
    first.start()
    try:
        while "member:A" not in worker_pool()._owners:
            time.sleep(0.02)
        with pytest.raises(UserQueryError) as second_tab:
            run_user_sql(database, "SELECT 42 AS x", owner="member:A")
        assert second_tab.value.kind == "own_busy" and _japanese(second_tab.value.message)
        assert run_user_sql(database, "SELECT 42 AS x", owner="member:B").frame["x"].iloc[0] == 42
    finally:
        first.join()
    assert run_user_sql(database, "SELECT 42 AS x", owner="member:A").frame["x"].iloc[0] == 42


def test_select_star_over_a_join_names_duplicate_columns_with_suffixes(database):
    frame = run_user_sql(database, "SELECT * FROM areas a JOIN areas b ON a.area_code = b.area_code LIMIT 3").frame
    assert frame.columns.is_unique
    assert {"area_code", "area_code_1", "area_name", "area_name_1"} <= set(frame.columns)
