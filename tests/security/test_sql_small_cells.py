"""Red team, item 3: "Small cells through SQL". Each query the red team used to read a count of 5 in a cell the
charts hide is replayed against the demo's published data: trainee SQL refuses it or blanks the count, and what is
left (a difference from a published total) is named by the rule checks an instructor reads before export."""
from __future__ import annotations

import pandas as pd
import pytest

from lib.analysis.disclosure import MIN_CELL, ResultRefused, check_query_result
from lib.analysis.output_check import published_totals, rule_checks
from lib.analysis.user_sql import run_user_sql
from lib.data.catalog import load_catalog

CATALOG = load_catalog()
YEAR, LEVEL = 2025, "要介護5"


@pytest.fixture(scope="module")
def cell(store):
    """(area code, count) of the largest 要介護5 cell of 2025 under MIN_CELL: the figure the charts hide."""
    cursor = store.published()
    row = cursor.execute(
        "SELECT area_code, COUNT(*) AS n FROM care_certification WHERE year = ? AND care_level = ? "
        "GROUP BY 1 HAVING COUNT(*) < ? ORDER BY n DESC, 1 LIMIT 1",
        [YEAR, LEVEL, MIN_CELL],
    ).fetchone()
    cursor.close()
    assert row is not None and 1 <= row[1] < MIN_CELL
    return row


def _where(code: str) -> str:
    return f"year = {YEAR} AND care_level = '{LEVEL}' AND area_code = '{code}'"


def _shown(database, sql: str) -> pd.DataFrame:
    return check_query_result(sql, run_user_sql(database, sql).frame, CATALOG)


def _refusal(database, sql: str) -> str:
    with pytest.raises(ResultRefused) as refused:
        _shown(database, sql)
    assert any("\u3040" <= ch <= "\u30ff" for ch in refused.value.text("ja"))  # said in Japanese
    return refused.value.key


def test_pivot_using_count_is_refused(database, cell):
    code, _ = cell
    for sql in (f"PIVOT (SELECT area_code, care_level FROM care_certification WHERE year = {YEAR}) "
                f"ON care_level USING count(*) GROUP BY area_code",
                f"SELECT * FROM (PIVOT care_certification ON care_level IN ('{LEVEL}') USING count(*) "
                f"GROUP BY area_code, year) WHERE year = {YEAR}"):
        assert run_user_sql(database, sql).frame.isin([cell[1]]).any().any()  # the raw result holds the cell
        assert _refusal(database, sql) in {"disclosure.sql.unreadable", "disclosure.sql.count_needed"}
    assert code


def test_a_count_multiplied_by_one_point_zero_is_blanked(database, cell):
    code, count = cell
    sql = (f"SELECT area_code, count(*) AS n, sum(CASE WHEN care_level = '{LEVEL}' THEN 1 ELSE 0 END)*1.0 AS lvl "
           f"FROM care_certification WHERE year = {YEAR} GROUP BY area_code")
    assert run_user_sql(database, sql).frame.set_index("area_code").loc[code, "lvl"] == count
    shown = _shown(database, sql).set_index("area_code")["lvl"]
    assert pd.isna(shown.loc[code]) and not shown.between(1, MIN_CELL - 1).any()


def test_a_count_cast_to_text_is_blanked_or_refused(database, cell):
    code, count = cell
    beside = (f"SELECT area_code, count(*) AS n, count(*) FILTER (WHERE care_level = '{LEVEL}')::VARCHAR AS lvl "
              f"FROM care_certification WHERE year = {YEAR} GROUP BY area_code")
    assert run_user_sql(database, beside).frame.set_index("area_code").loc[code, "lvl"] == str(count)
    shown = _shown(database, beside).set_index("area_code")["lvl"]
    assert pd.isna(shown.loc[code]) and str(count) not in set(shown.dropna())
    alone = (f"SELECT area_code, count(*)::VARCHAR AS n FROM care_certification "
             f"WHERE year = {YEAR} AND care_level = '{LEVEL}' GROUP BY area_code")
    assert _refusal(database, alone) == "disclosure.sql.count_needed"


@pytest.mark.parametrize("padding", [
    "SELECT '{code}' AS area_code FROM range(10)",
    "SELECT * FROM (VALUES ('{code}'), ('{code}'), ('{code}'), ('{code}'), ('{code}'), ('{code}'), ('{code}'),"
    " ('{code}'), ('{code}'), ('{code}')) v(area_code)",
])
def test_padding_a_small_group_with_union_all_is_refused(database, cell, padding):
    code, count = cell
    sql = (f"SELECT area_code, count(*) AS n FROM (SELECT area_code FROM care_certification WHERE {_where(code)} "
           f"UNION ALL {padding.format(code=code)}) GROUP BY area_code")
    assert run_user_sql(database, sql).frame["n"].iloc[0] == count + 10  # 10 padding rows lift it past the rule
    assert _refusal(database, sql) == "disclosure.sql.padding"


def test_limit_probing_tells_nothing(database, cell):
    code, count = cell
    # Before: LIMIT count shown, LIMIT count + 1 refused. Now every LIMIT under MIN_CELL is refused, and so is
    # every listing of fewer than MIN_CELL records, whatever its LIMIT.
    outcomes = {limit: _refusal(database, f"SELECT * FROM care_certification WHERE {_where(code)} LIMIT {limit}")
                for limit in range(1, MIN_CELL)}
    assert set(outcomes.values()) == {"disclosure.sql.small_limit"}
    for limit in (MIN_CELL, 100):
        assert _refusal(database, f"SELECT * FROM care_certification WHERE {_where(code)} LIMIT {limit}") \
            == "disclosure.sql.few_records"


def test_the_rule_checks_name_a_total_minus_a_small_cell(database, published, cell):
    code, count = cell
    totals = published_totals(published, CATALOG)
    assert totals["care_certification"] == published.execute("SELECT COUNT(*) FROM care_certification").fetchone()[0]
    sql = f"SELECT count(*) AS n FROM care_certification WHERE NOT ({_where(code)})"
    shown = _shown(database, sql)
    assert shown["n"].iloc[0] == totals["care_certification"] - count  # exploration shows it
    found = rule_checks(sql, shown, CATALOG, totals)
    assert [(f.key, f.column, f.dataset) for f in found] == [("near_total", "n", "care_certification")]
    assert "care_certification" in found[0].text("ja") and str(MIN_CELL) in found[0].text("ja")


def test_the_rule_checks_name_small_whole_numbers_in_every_numeric_column(cell):
    frame = pd.DataFrame({"area_code": ["a", "b"], "n": [40, 52], "x": [7.0, 30.5], "s": ["3", "88"]})
    found = rule_checks("SELECT area_code, count(*) AS n FROM care_certification GROUP BY 1", frame, CATALOG, {})
    assert [(f.key, f.column, f.values) for f in found] == [("small", "x", "7"), ("small", "s", "3")]
    # The same numbers from a table of places are not counts of persons.
    assert rule_checks("SELECT district, count(*) AS n FROM areas GROUP BY 1", frame, CATALOG, {}) == []
    # A query whose structure cannot be read, or that adds rows, is named.
    keys = {f.key for f in rule_checks("PIVOT care_certification ON sex USING count(*)", frame, CATALOG, {})}
    assert "unreadable" in keys
