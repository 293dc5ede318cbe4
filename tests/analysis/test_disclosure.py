"""The one small-cell rule (lib.analysis.disclosure) on every path a trainee has.

One small cell of the demo — 要介護5 certifications in 2025 in one 町丁目, fewer than
MIN_CELL people — is asked for through the chart builder, the pivot table, the statistics
table, the map, trainee SQL and their exports, and worked out by differencing two figures
that are shown: it never appears.
"""
from __future__ import annotations

import io

import numpy as np
import pandas as pd
import pytest

from lib.analysis import disclosure, stat_tests
from lib.analysis.disclosure import MIN_CELL, ResultRefused, check_query_result, suppression_mask
from lib.analysis.user_sql import run_user_sql
from lib.charts import survey
from lib.charts.labels import labelled_table
from lib.charts.pivot import build_pivot
from lib.charts.spec import ChartSpec, Measure
from lib.charts.sql import run_chart
from lib.data.catalog import load_catalog
from lib.data.query import Filter, fetch_columns
from lib.deck.evidence import resolve_evidence
from lib.maps import data as map_data
from lib.maps.data import map_table
from lib.maps.spec import MapSpec, MeasureSpec
from lib.table_export import csv_bytes

CATALOG = load_catalog()
YEAR, LEVEL = 2025, "要介護5"


@pytest.fixture(scope="module")
def small_cell(store):
    """(area code, area name, count) of a 町丁目 with 1 … MIN_CELL-1 要介護5 records in 2025."""
    cursor = store.published()
    row = cursor.execute(
        "SELECT c.area_code, a.area_name, COUNT(*) AS n FROM care_certification c JOIN areas a USING (area_code) "
        "WHERE c.year = ? AND c.care_level = ? GROUP BY ALL HAVING COUNT(*) < ? ORDER BY n, 1 LIMIT 1",
        [YEAR, LEVEL, MIN_CELL]).fetchone()
    cursor.close()
    assert row is not None, "the demo has a small cell to protect"
    return row


# ---------------------------------------------------------------------------- the rule itself
def test_a_single_small_cell_takes_a_partner_so_the_total_does_not_give_it_away():
    cells = pd.DataFrame({"band": ["a", "b", "c", "d"], "n": [3, 40, 12, 55]})
    hidden = suppression_mask(cells, ["band"], cells["n"])
    assert hidden.tolist() == [True, False, True, False]  # 3 is small; 12 is the next smallest


def test_every_row_and_column_of_a_table_has_none_or_at_least_two_hidden_cells():
    rng = np.random.default_rng(3)
    long = pd.DataFrame([(r, c, int(rng.integers(0, 40))) for r in range(6) for c in range(5)],
                        columns=["row", "col", "n"])
    hidden = suppression_mask(long, ["row", "col"], long["n"])
    assert hidden[long["n"].between(1, MIN_CELL - 1)].all()
    for dim in ("row", "col"):
        per_line = hidden.groupby(long[dim]).sum()
        assert not (per_line == 1).any()


def test_threshold_defaults_to_ten_and_the_map_uses_the_same_setting():
    assert MIN_CELL == 10 and map_data.PUBLICATION_THRESHOLD == MIN_CELL


# ---------------------------------------------------------------------------- every path
def _by_area_spec(**changes) -> ChartSpec:
    spec = ChartSpec("care_certification", Measure("count"), ["area_code"], chart_type="bar",
                     filters=[Filter("year", "in", [YEAR]), Filter("care_level", "in", [LEVEL])])
    for key, value in changes.items():
        setattr(spec, key, value)
    return spec


def test_chart_and_its_downloads_hide_the_cell(published, small_cell):
    _, name, count = small_cell
    frame = run_chart(published, CATALOG, _by_area_spec())
    row = frame[frame["area_code"] == name]
    assert len(row) == 1 and row["value"].isna().all()
    assert disclosure.suppressed_cells(frame) >= 2
    table = labelled_table(frame, _by_area_spec(), CATALOG)
    line = csv_bytes(table).decode("utf-8-sig").splitlines()
    assert [x for x in line if x.startswith(name + ",")] == [f"{name},"]


def test_pivot_hides_the_cell_and_its_row_cannot_be_subtracted(published, small_cell):
    _, name, count = small_cell
    spec = ChartSpec("care_certification", Measure("count"), ["area_code", "care_level"], chart_type="heatmap",
                     filters=[Filter("year", "in", [YEAR])])
    pivot = build_pivot(published, CATALOG, spec)
    inner = pivot.table.drop(index=pivot.table.index[-1], columns=pivot.table.columns[-1])
    assert np.isnan(inner.loc[name, LEVEL])
    assert pivot.hidden_cells >= 2
    # Row total minus the shown cells = the sum of at least two hidden cells, never the small one alone.
    assert inner.loc[name].isna().sum() >= 2
    assert inner[LEVEL].isna().sum() >= 2


def test_statistics_table_hides_the_cell(published, small_cell):
    _, name, count = small_cell
    rows = fetch_columns(published, CATALOG, "care_certification", ["area_code", "care_level"],
                         [Filter("year", "in", [YEAR])])
    result = stat_tests.crosstab_chi_square(rows["area_code"], rows["care_level"], "ja", "町丁目", "要介護度")
    assert np.isnan(result.table.loc[name, LEVEL])
    assert result.extra["hidden_cells"] >= 2
    assert result.numbers["stat.n"] == len(rows)  # the test itself still uses every record


def test_map_and_its_exports_hide_the_cell(published, small_cell):
    code, name, count = small_cell
    measure = MeasureSpec(
        "care_certification", None, [Filter("year", "in", [YEAR]), Filter("care_level", "in", [LEVEL])], "none", 1
    )
    data = map_data.build_map_data(published, CATALOG, MapSpec(measure=measure))
    unit = data.units.set_index("unit_id").loc[code]
    assert unit["suppressed"] and np.isnan(unit["value"])
    shown = data.units.loc[~data.units["suppressed"], "value"]
    assert not shown.between(1, MIN_CELL - 1).any()
    assert (data.units["suppressed"] & (data.units["population"] >= MIN_CELL)).sum() >= 2  # with a partner
    table = map_table(data).set_index(map_table(data).columns[0])
    assert table.loc[code].iloc[2:-1].isna().all()


def test_evidence_redraws_hide_the_cell(published, small_cell):
    code, name, count = small_cell
    chart = resolve_evidence(published, CATALOG, "chart", {"title": "t", "spec": _by_area_spec().to_dict()})
    assert not chart.error
    values = dict(zip(chart.series.categories, chart.series.series[0][1], strict=True))
    assert values[name] is None
    measure = MeasureSpec(
        "care_certification", None, [Filter("year", "in", [YEAR]), Filter("care_level", "in", [LEVEL])], "none", 1
    )
    mapped = resolve_evidence(published, CATALOG, "map", {"title": "m", "spec": MapSpec(measure=measure).to_dict()})
    assert np.isnan(mapped.map_data.units.set_index("unit_id").loc[code, "value"])


def test_trainee_sql_hides_the_cell(store, small_cell):
    database = store.published_path
    code, name, count = small_cell
    query = (f"SELECT area_code, COUNT(*) AS n FROM care_certification WHERE year = {YEAR} "
             f"AND care_level = '{LEVEL}' GROUP BY area_code")
    shown = check_query_result(query, run_user_sql(database, query).frame, CATALOG)
    assert pd.isna(shown.set_index("area_code").loc[code, "n"])
    assert shown["n"].isna().sum() >= 2
    assert not shown["n"].between(1, MIN_CELL - 1).any()
    # Listing the records of the cell would count them.
    listing = (
        f"SELECT * FROM care_certification WHERE year = {YEAR} AND care_level = '{LEVEL}' AND area_code = '{code}'"
    )
    with pytest.raises(ResultRefused):
        check_query_result(listing, run_user_sql(database, listing).frame, CATALOG)
    # A count hidden inside an expression is caught among the figures; an uncountable aggregate is refused.
    sneaky = (f"SELECT care_level, COUNT(*) AS n, (SELECT COUNT(*) FROM care_certification WHERE year = {YEAR} "
              f"AND care_level = '{LEVEL}' AND area_code = '{code}') AS leak FROM care_certification GROUP BY 1")
    assert check_query_result(sneaky, run_user_sql(database, sneaky).frame, CATALOG)["leak"].isna().all()
    for refused in (f"SELECT AVG(year) FROM care_certification WHERE area_code = '{code}'",
                    "SELECT * FROM (SELECT area_code, COUNT(*) FROM care_certification GROUP BY 1)"):
        with pytest.raises(ResultRefused) as caught:
            check_query_result(refused, run_user_sql(database, refused).frame, CATALOG)
        assert "COUNT(*)" in caught.value.text("ja")
    # Records listed with a LIMIT of at least MIN_CELL, and tables of places, are shown as they are; a smaller
    # LIMIT is refused whatever comes back (LIMIT 5 shown / LIMIT 6 refused would tell a 5).
    preview = f"SELECT * FROM care_certification LIMIT {MIN_CELL}"
    assert len(check_query_result(preview, run_user_sql(database, preview).frame, CATALOG)) == MIN_CELL
    with pytest.raises(ResultRefused, match="small_limit"):
        check_query_result("SELECT * FROM care_certification LIMIT 3",
                           run_user_sql(database, "SELECT * FROM care_certification LIMIT 3").frame, CATALOG)
    places = "SELECT district, COUNT(*) AS n FROM areas GROUP BY 1"
    assert check_query_result(places, run_user_sql(database, places).frame, CATALOG)["n"].notna().all()


def test_differencing_a_filtered_and_an_unfiltered_chart_reveals_nothing(published, small_cell):
    _, name, count = small_cell
    everyone = _by_area_spec(filters=[Filter("year", "in", [YEAR])])
    all_but = _by_area_spec(filters=[Filter("year", "in", [YEAR]), Filter("care_level", "not_in", [LEVEL])])
    total = run_chart(published, CATALOG, everyone).set_index("area_code")["value"]
    rest = run_chart(published, CATALOG, all_but).set_index("area_code")["value"]
    difference = (total - rest).dropna()
    assert name not in difference.index
    assert not difference.between(1, MIN_CELL - 1).any()


def test_survey_shares_hide_small_answer_counts(published):
    rows = fetch_columns(published, CATALOG, "survey", ["sat_公共交通"], [Filter("district", "in", ["丘陵地区"]),
                                                                       Filter("age_band", "in", ["18-29"])])
    shares = survey.likert_shares(rows, ["sat_公共交通"], [1, 2, 3, 4, 5])
    raw = pd.to_numeric(rows["sat_公共交通"], errors="coerce").value_counts()
    assert raw.between(1, MIN_CELL - 1).any(), "the filtered group has small answer counts"
    assert not shares["count"].between(1, MIN_CELL - 1).any()
    assert shares["count"].isna().sum() != 1 and shares.loc[shares["count"].isna(), "share"].isna().all()


def test_the_notice_says_why_in_japanese_and_english():
    assert "個人が特定" in disclosure.notice(3, "ja") and "10" in disclosure.notice(3, "ja")
    assert "identifying" in disclosure.notice(3, "en")


def test_place_data_are_not_suppressed(published):
    spec = ChartSpec("kayoi_places", Measure("count"), ["place_type"], chart_type="bar")
    frame = run_chart(published, CATALOG, spec)
    assert frame["value"].notna().all() and disclosure.suppressed_cells(frame) == 0


def test_xlsx_export_of_a_hidden_cell_is_blank(published, small_cell):
    from openpyxl import load_workbook

    from lib.table_export import xlsx_bytes
    _, name, count = small_cell
    table = labelled_table(run_chart(published, CATALOG, _by_area_spec()), _by_area_spec(), CATALOG)
    sheet = load_workbook(io.BytesIO(xlsx_bytes(table))).active
    rows = {r[0]: r[1] for r in sheet.iter_rows(values_only=True) if r and r[0] == name}
    assert rows == {name: None}
