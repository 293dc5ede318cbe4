"""Every chart type on every demo dataset where it makes sense: the spec → SQL → figure path renders,
and a saved spec (to_dict → JSON → from_dict) re-renders the same figure."""
from __future__ import annotations

import json

import pytest

from lib.analysis.area_indicators import analysis_catalog
from lib.charts.figure import build_figure
from lib.charts.spec import CHART_TYPES, ChartSpec, Measure, dimension_choices, measure_columns, validate_spec
from lib.charts.sql import run_chart
from lib.data.query import Filter, resolve_column

CATALOG = analysis_catalog()


def _role(ds, role):
    return next((c.name for c in ds.data_columns if c.role == role), None)


def _specs_for(name: str) -> dict[str, ChartSpec]:
    """The chart a trainee would make of each type on this dataset, where the type makes sense."""
    ds = CATALOG[name]
    dims = dimension_choices(CATALOG, ds)
    numeric = measure_columns(ds)
    year = _role(ds, "year")
    plain = [d for d in dims if d != year]
    specs: dict[str, ChartSpec] = {"kpi": ChartSpec(name, Measure("count"), chart_type="kpi")}
    value = Measure("sum", numeric[0]) if numeric else Measure("count")
    if dims:
        first = plain[0] if plain else dims[0]
        specs["bar"] = ChartSpec(name, value, [first], chart_type="bar")
        specs["ranked_bar"] = ChartSpec(name, value, [first], chart_type="ranked_bar", options={"top_n": 5})
        specs["pie"] = ChartSpec(name, Measure("share"), [first], chart_type="pie", options={"donut": True})
    if len(dims) >= 2:
        a, b = (plain + [year])[:2] if year and len(plain) < 2 else plain[:2]
        specs["heatmap"] = ChartSpec(name, Measure("count"), [a, b], chart_type="heatmap")
        specs["bar_stacked_100"] = ChartSpec(name, Measure("count"), [a, b], chart_type="bar",
                                             options={"bar_mode": "percent"})
    if year:
        other = [d for d in plain if not d.startswith("areas.")][:1] or plain[:1]
        specs["line"] = ChartSpec(name, value, [year] + other[:1], chart_type="line")
    if numeric:
        colour = plain[:1]
        specs["histogram"] = ChartSpec(name, Measure("mean", numeric[0]), colour, chart_type="histogram")
        specs["box"] = ChartSpec(name, Measure("mean", numeric[0]), colour, chart_type="box")
    if len(numeric) >= 2:
        specs["scatter"] = ChartSpec(name, Measure("mean", numeric[1]), [], chart_type="scatter",
                                     options={"x": numeric[0], "trend_line": True})
    if _role(ds, "age_band") and _role(ds, "sex"):
        specs["pyramid"] = ChartSpec(name, value, [_role(ds, "age_band"), _role(ds, "sex")], chart_type="pyramid")
    return specs


MATRIX = [(name, kind, spec) for name in sorted(CATALOG) for kind, spec in _specs_for(name).items()]


def test_the_matrix_covers_every_chart_type_and_dataset():
    kinds = {spec.chart_type for _, _, spec in MATRIX}
    assert kinds == set(CHART_TYPES)
    assert {name for name, _, _ in MATRIX} == set(CATALOG)


@pytest.mark.parametrize("name,kind,spec", MATRIX, ids=[f"{n}-{k}" for n, k, _ in MATRIX])
def test_chart_renders(published, name, kind, spec):
    assert validate_spec(spec, CATALOG) == []
    frame = run_chart(published, CATALOG, spec)
    assert len(frame) > 0
    figure = build_figure(frame, spec, CATALOG, "ja")
    assert figure.data, "the figure has traces"
    title = figure.layout.title.text
    assert CATALOG[name].title_in("ja") in title
    if spec.chart_type in {"bar", "ranked_bar", "line", "heatmap", "pyramid"}:
        labels = [figure.layout.xaxis.title.text or "", figure.layout.yaxis.title.text or ""]
        first = resolve_column(CATALOG, CATALOG[name], spec.dimensions[0])
        assert any(first.label_in("ja") in label or "町丁目" in label for label in labels), labels
    import plotly.graph_objects as go

    go.Figure(figure.to_dict())  # every property is valid Plotly (figures are built unvalidated for speed)
    json.loads(figure.to_json())


@pytest.mark.parametrize("name,kind,spec", MATRIX, ids=[f"{n}-{k}" for n, k, _ in MATRIX])
def test_saved_spec_rerenders_the_same_figure(published, name, kind, spec):
    saved = json.dumps(spec.to_dict(), ensure_ascii=False)
    again = ChartSpec.from_dict(json.loads(saved))
    assert again == spec
    first = build_figure(run_chart(published, CATALOG, spec), spec, CATALOG, "ja")
    second = build_figure(run_chart(published, CATALOG, again), again, CATALOG, "ja")
    assert first.to_json() == second.to_json()


EMPTY_FACETED = {  # one spec per drawer that lays out facet panels; the filter matches no row
    "bar": ("care_certification", Measure("count"), ["care_level"], {}),
    "ranked_bar": ("care_certification", Measure("count"), ["care_level"], {}),
    "line": ("care_certification", Measure("count"), ["year"], {}),
    "pie": ("care_certification", Measure("share"), ["care_level"], {}),
    "scatter": ("population", Measure("mean", "population"), [], {"x": "population"}),
    "histogram": ("population", Measure("mean", "population"), [], {}),
    "box": ("population", Measure("mean", "population"), [], {}),
}


@pytest.mark.parametrize("chart_type", sorted(EMPTY_FACETED))
def test_a_faceted_chart_whose_filter_leaves_no_row_draws_empty(published, chart_type):
    dataset, measure, dimensions, options = EMPTY_FACETED[chart_type]
    spec = ChartSpec(dataset, measure, dimensions, facet="sex", chart_type=chart_type, options=options,
                     filters=[Filter("sex", "in", ["（該当なし）"])])
    frame = run_chart(published, CATALOG, spec)
    assert frame.empty
    assert not build_figure(frame, spec, CATALOG).data


def test_english_labels_come_from_the_dictionary(published):
    spec = ChartSpec("care_certification", Measure("count"), ["care_level"], chart_type="bar")
    figure = build_figure(run_chart(published, CATALOG, spec), spec, CATALOG, "en")
    assert "Long-term care certification" in figure.layout.title.text
    assert figure.layout.xaxis.title.text == "Care level"


def test_bars_follow_the_dictionary_order_or_are_sorted_by_value(published):
    ordered = ChartSpec("care_certification", Measure("count"), ["age_band"], chart_type="bar")
    figure = build_figure(run_chart(published, CATALOG, ordered), ordered, CATALOG)
    present = set(run_chart(published, CATALOG, ordered)["age_band"].dropna())
    order = [band for band in CATALOG["care_certification"].column("age_band").order if band in present]
    assert list(figure.data[0].x)[:len(order)] == order

    unordered = ChartSpec("care_certification", Measure("count"), ["area_code"], chart_type="bar")
    figure = build_figure(run_chart(published, CATALOG, unordered), unordered, CATALOG)
    values = dict(zip(figure.data[0].x, figure.data[0].y, strict=True))
    categories = list(figure.layout.xaxis.categoryarray)
    assert [values[c] for c in categories] == sorted(values.values(), reverse=True)


def test_ranked_bar_keeps_the_top_n_largest(published):
    spec = ChartSpec("care_certification", Measure("count"), ["area_code"], chart_type="ranked_bar",
                     options={"top_n": 5})
    frame = run_chart(published, CATALOG, spec)
    every = run_chart(published, CATALOG, ChartSpec("care_certification", Measure("count"), ["area_code"]))
    assert sorted(frame["value"], reverse=True) == sorted(every["value"], reverse=True)[:5]
    figure = build_figure(frame, spec, CATALOG)
    assert figure.layout.yaxis.autorange == "reversed"  # the largest at the top


def test_scatter_trend_line_is_the_least_squares_line(published):
    import numpy as np

    spec = ChartSpec("area_indicators", Measure("mean", "care_ratio_age_adjusted"), [], chart_type="scatter",
                     options={"x": "kayoi_nearest_km", "trend_line": True})
    frame = run_chart(published, CATALOG, spec)
    figure = build_figure(frame, spec, CATALOG)
    line = figure.data[-1]
    slope, intercept = np.polyfit(frame["x"].astype(float), frame["value"].astype(float), 1)
    assert line.y[0] == pytest.approx(slope * line.x[0] + intercept)
    assert "R²" in line.name


def test_pyramid_puts_one_sex_left_and_the_other_right(published):
    spec = ChartSpec("population", Measure("sum", "population"), ["age_band", "sex"], chart_type="pyramid")
    figure = build_figure(run_chart(published, CATALOG, spec), spec, CATALOG)
    left, right = figure.data
    assert (left.name, right.name) == ("男性", "女性")
    assert max(left.x) <= 0 <= min(right.x)


def test_palette_is_okabe_ito():
    from lib.charts.style import OKABE_ITO

    assert OKABE_ITO[:3] == ["#0072B2", "#E69F00", "#009E73"]


@pytest.mark.parametrize("name", sorted(CATALOG))
def test_every_grouping_column_is_offered_once(name):
    """A per-area table that carries 地区 itself does not offer the area's 地区 again (or its 地域特性 twice)."""
    ds = CATALOG[name]
    resolved = [resolve_column(CATALOG, ds, choice).name for choice in dimension_choices(CATALOG, ds)]
    labels = [resolve_column(CATALOG, ds, choice).label_in("ja") for choice in dimension_choices(CATALOG, ds)]
    assert len(resolved) == len(set(resolved)), resolved
    assert len(labels) == len(set(labels)), labels


def test_area_attributes_have_one_name_in_every_table():
    """Issue 21: the statistics page listed 地域の特性 (the per-area table) beside 地域特性 (the area's own)."""
    areas = CATALOG["areas"]
    for name in ("district", "area_character"):
        labels = {resolve_column(CATALOG, ds, choice).label_in("ja") for ds in CATALOG.values()
                  for choice in dimension_choices(CATALOG, ds) if choice.split(".")[-1] == name}
        assert labels == {areas.column(name).label_in("ja")}, labels
