"""The small-cell rule counted in the chart's own query hides exactly what it hid when it ran
the chart again for persons per cell and once more per filter left out (N filters → N + 2 scans).

The old plan is kept here only as the reference: every case of the chart matrix, bare and with
filters (a year, a category kept or left out, an area attribute, a range), plus rates, changes
and per-area indicators, gives the same protected frame both ways.
"""
from __future__ import annotations

from dataclasses import replace

import numpy as np
import pandas as pd
import pytest

from lib.analysis import disclosure
from lib.charts.spec import ChartSpec, Measure, measure_columns
from lib.charts.sql import build_chart_sql, run_chart
from lib.data.query import Filter, distinct_values, value_range
from tests.charts.test_figure_matrix import CATALOG, MATRIX


# ---------------------------------------------------------------------------- the old plan (reference)
def _old_persons(cursor, spec: ChartSpec, basis: str) -> pd.DataFrame:
    measure = Measure("count") if basis == disclosure.RECORDS else Measure("sum", basis)
    options = {k: v for k, v in spec.options.items() if k != "top_n"}
    if spec.measure.kind == "change":
        year = CATALOG[spec.dataset].columns_with_role("year")[0].name
        per_year = [_old_persons(cursor, replace(spec, measure=measure, filters=[
            *[f for f in spec.filters if f.column != year], Filter(year, "in", [chosen])]), basis)
            for chosen in (spec.measure.from_year, spec.measure.to_year)]
        if not spec.grouping:
            return pd.DataFrame({"persons": [min(f["persons"].sum() for f in per_year)]})
        both = per_year[0].merge(per_year[1], on=spec.grouping, how="outer").fillna({"persons_x": 0, "persons_y": 0})
        return both.assign(persons=both[["persons_x", "persons_y"]].min(axis=1))[spec.grouping + ["persons"]]
    counting = replace(spec, measure=measure, options=options, chart_type=spec.chart_type if spec.grouping else "kpi")
    sql, params = build_chart_sql(CATALOG, counting)
    return cursor.execute(sql, params).df().rename(columns={"value": "persons"})


def _old_run_chart(cursor, spec: ChartSpec) -> pd.DataFrame:
    sql, params = build_chart_sql(CATALOG, spec)
    frame = cursor.execute(sql, params).df()
    basis = disclosure.persons_basis(CATALOG[spec.dataset])
    if basis is None or frame.empty:
        return frame
    dims = spec.grouping
    persons = _old_persons(cursor, spec, basis)
    cells = frame.merge(persons, on=dims, how="left") if dims else frame.assign(persons=persons["persons"].iloc[0])
    also_hidden = np.zeros(len(cells), dtype=bool)
    for dropped in range(len(spec.filters)):
        fewer = [f for i, f in enumerate(spec.filters) if i != dropped]
        wider = _old_persons(cursor, replace(spec, filters=fewer), basis).rename(columns={"persons": "wider"})
        wider = cells[dims].merge(wider, on=dims, how="left")["wider"] if dims else wider["wider"].iloc[0]
        also_hidden |= disclosure.is_small(pd.Series(wider).fillna(0).to_numpy() - cells["persons"].fillna(0))
    if "denominator" in cells:
        also_hidden |= disclosure.is_small(cells["denominator"])
    hidden = disclosure.suppression_mask(cells, dims, cells["persons"], also_hidden=also_hidden)
    return disclosure.hide(frame, hidden, dims)


# ---------------------------------------------------------------------------- the cases
def _first(ds, role):
    return next((c.name for c in ds.data_columns if c.role == role), None)


def _filter_choices(cursor, spec: ChartSpec) -> list[list[Filter]]:
    """Filter sets a trainee could add to the spec: none, one, two and three filters, every kind in some."""
    ds = CATALOG[spec.dataset]
    year = _first(ds, "year")
    categories = [c.name for c in ds.data_columns if c.is_categorical and c.name != year]
    single: list[Filter] = []
    if year:
        single.append(Filter(year, "in", distinct_values(cursor, CATALOG, spec.dataset, year)[-1:]))
    for name in categories:
        values = distinct_values(cursor, CATALOG, spec.dataset, name, limit=60)
        if 1 < len(values) < 60 and len(single) < 8:  # not ids: a list a trainee would tick
            single.append(Filter(name, "in", values[: max(1, len(values) // 2)]))
            single.append(Filter(name, "not_in", values[:1]))
    if ds.columns_with_role("area") and ds.name != "areas" and "areas" in CATALOG:
        districts = distinct_values(cursor, CATALOG, "areas", "district")
        single.append(Filter("areas.district", "in", districts[:2]))
        single.append(Filter("areas.district", "not_in", districts[:1]))
    numeric = measure_columns(ds)
    if numeric:
        low, high = value_range(cursor, CATALOG, spec.dataset, numeric[0])
        if low is not None:
            single.append(Filter(numeric[0], "between", [low, low + (high - low) / 3]))
    sets = [[]] + [[f] for f in single[:2] + single[-1:]]  # every kind also comes in the pairs and threes
    sets += [single[i:i + 2] for i in range(0, len(single) - 1, 2)]
    sets += [single[i:i + 3] for i in range(1, len(single) - 2, 3)]
    return sets


def _extra_specs() -> list[tuple[str, str, ChartSpec]]:
    """Measures the matrix does not make: rates, changes, min / max / mean / median, area attributes."""
    care = "care_certification"
    latest, before = 2025, 2023
    return [
        (care, "rate_by_district", ChartSpec(care, Measure("rate_per_1000"), ["areas.district", "sex"])),
        (care, "rate_by_area", ChartSpec(care, Measure("rate_per_1000"), ["area_code"])),
        (care, "rate_kpi", ChartSpec(care, Measure("rate_per_1000"), [], chart_type="kpi")),
        (care, "change_by_level", ChartSpec(care, Measure("change", from_year=before, to_year=latest),
                                            ["care_level"])),
        (care, "change_by_district", ChartSpec(care, Measure("change", from_year=before, to_year=latest,
                                                             relative=True), ["areas.district"])),
        (care, "change_kpi", ChartSpec(care, Measure("change", from_year=before, to_year=latest), [],
                                       chart_type="kpi")),
        (care, "share_by_district", ChartSpec(care, Measure("share"), ["areas.district", "care_level"])),
        (care, "count_by_area_and_level", ChartSpec(care, Measure("count"), ["area_code", "care_level"],
                                                    chart_type="heatmap")),
        (care, "count_ranked", ChartSpec(care, Measure("count"), ["area_code"], chart_type="ranked_bar",
                                         options={"top_n": 8})),
        ("population", "sum_by_district", ChartSpec("population", Measure("sum", "population"),
                                                    ["areas.district", "sex"])),
        ("population", "max_by_district", ChartSpec("population", Measure("max", "population"), ["areas.district"])),
        ("population", "min_by_sex", ChartSpec("population", Measure("min", "population"), ["sex"])),
        ("survey", "mean_by_district", ChartSpec("survey", Measure("mean", "sat_公共交通"), ["district"])),
        ("survey", "median_by_district", ChartSpec("survey", Measure("median", "sat_公共交通"), ["district"])),
        ("area_indicators", "mean_by_district", ChartSpec(
            "area_indicators", Measure("mean", "care_ratio_age_adjusted"), ["areas.district"])),
    ]


CASES = [(n, k, s) for n, k, s in MATRIX if not s.is_raw] + [c for c in _extra_specs() if c[0] in CATALOG]


def _check(cursor, spec: ChartSpec) -> int:
    """Assert both plans give the same frame; the cells hidden."""
    expected = _old_run_chart(cursor, spec)
    got = run_chart(cursor, CATALOG, spec)
    pd.testing.assert_frame_equal(got, expected, check_dtype=False, obj=spec.to_json())
    return disclosure.suppressed_cells(got)


@pytest.mark.parametrize("name,kind,spec", CASES, ids=[f"{n}-{k}" for n, k, _ in CASES])
def test_one_scan_hides_the_cells_the_rerun_queries_hid(published, name, kind, spec):
    for filters in _filter_choices(published, spec):
        if spec.measure.kind == "change" and any(f.column == "year" for f in filters):
            filters = [*filters, Filter("year", "in", [spec.measure.to_year])]  # a change across a year filter
        _check(published, replace(spec, filters=filters))


def test_the_cases_hide_cells_for_every_reason(published):
    """The comparison means something: small cells, a dropped filter's difference and small
    denominators each hide cells in these cases."""
    care = "care_certification"
    by_area = ChartSpec(care, Measure("count"), ["area_code"], filters=[Filter("year", "in", [2025])])
    assert _check(published, by_area) == 0  # whole 町丁目 in a year: nothing small
    level = Filter("care_level", "not_in", ["要介護5"])
    assert _check(published, replace(by_area, filters=[*by_area.filters, level])) > 0  # only the difference
    assert _check(published, replace(by_area, dimensions=["area_code", "care_level"])) > 0  # small cells
    rate = ChartSpec(care, Measure("rate_per_1000"), ["area_code", "age_band"], filters=[Filter("year", "in", [2025])])
    assert _check(published, rate) > 0


def test_the_chart_query_carries_its_counts_and_hands_back_none_of_them(published):
    spec = ChartSpec("care_certification", Measure("count"), ["care_level"],
                     filters=[Filter("year", "in", [2025]), Filter("sex", "in", ["女性"])])
    sql, _ = build_chart_sql(CATALOG, spec, with_cell_counts=True)
    assert sql.count("FROM \"care_certification\"") == 1  # one scan of the records
    assert "__cell_wider1" in sql
    assert list(run_chart(published, CATALOG, spec).columns) == ["care_level", "value"]
    plain, _ = build_chart_sql(CATALOG, spec)
    assert "__cell" not in plain  # what the chart builder shows a trainee is the chart's own query
