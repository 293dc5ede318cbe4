"""Charts that differ only in their filter values read the kept cube of a published build, and
show exactly what computing the cube again shows."""
from __future__ import annotations

import duckdb
import pandas as pd
import pytest

from lib.charts import cubes
from lib.charts.spec import ChartSpec, Measure
from lib.charts.sql import run_chart
from lib.data.query import Filter
from tests.charts.test_figure_matrix import CATALOG

ELDERLY = ["65-69", "70-74", "75-79", "80-84", "85-89", "90+"]


@pytest.fixture(autouse=True)
def no_kept_cubes():
    cubes.clear()
    yield
    cubes.clear()


def _rate(years: list[int]) -> ChartSpec:
    return ChartSpec("care_certification", Measure("rate_per_1000"), ["areas.district", "sex"],
                     filters=[Filter("year", "in", years), Filter("age_band", "in", ELDERLY)])


def _kept() -> list[tuple[str, str]]:
    return list(cubes._kept)


def test_other_filter_values_read_the_kept_cube(published, monkeypatch):
    first = run_chart(published, CATALOG, _rate([2025]))
    assert len(_kept()) == 1
    computed = []
    monkeypatch.setattr(cubes, "_keep", lambda key, table: computed.append(key))
    again = run_chart(published, CATALOG, _rate([2024]))
    assert computed == [] and len(_kept()) == 1  # the 2024 chart read the 2025 chart's cube
    assert not first.equals(again)
    cubes.clear()
    pd.testing.assert_frame_equal(run_chart(published, CATALOG, _rate([2024])), again)


def test_a_writable_database_keeps_nothing(published, tmp_path):
    query = "SELECT path FROM duckdb_databases() WHERE database_name = current_database()"
    path = published.execute(query).fetchone()[0]
    assert cubes.cache_key(published) == path
    writable = duckdb.connect(str(tmp_path / "copy.duckdb"))
    writable.execute(f"ATTACH '{path}' AS src (READ_ONLY)")
    for table in ("care_certification", "population", "areas"):
        writable.execute(f"CREATE TABLE {table} AS SELECT * FROM src.{table}")
    writable.execute("DETACH src")
    assert cubes.cache_key(writable) is None
    pd.testing.assert_frame_equal(run_chart(writable, CATALOG, _rate([2025])),
                                  run_chart(published, CATALOG, _rate([2025])))
    assert len(_kept()) == 1  # the published one only
    assert cubes.cache_key(duckdb.connect()) is None  # in memory


def test_a_large_cube_is_computed_not_kept(published, monkeypatch):
    monkeypatch.setattr(cubes, "MAX_ROWS_ONE", 10)
    run_chart(published, CATALOG, _rate([2025]))
    assert _kept() == []


def test_kept_cubes_stay_within_their_row_budget(published, monkeypatch):
    run_chart(published, CATALOG, _rate([2025]))
    rows = next(iter(cubes._kept.values())).num_rows
    monkeypatch.setattr(cubes, "MAX_ROWS_KEPT", rows)
    run_chart(published, CATALOG, ChartSpec("care_certification", Measure("count"), ["care_level"],
                                   filters=[Filter("year", "in", [2025])]))
    assert len(_kept()) == 1 and "care_level" in _kept()[0][1]  # the older one made room
