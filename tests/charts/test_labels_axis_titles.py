"""Every chart says on its axes what its numbers are, with their unit, and what its categories are."""
from __future__ import annotations

import re

import pandas as pd
import pytest

from lib.charts import survey
from lib.charts.figure import build_figure
from lib.charts.labels import column_label, count_unit_of, measure_label, measure_unit, value_axis_title
from lib.charts.spec import ChartSpec, Measure
from lib.charts.sql import run_chart
from lib.data.query import resolve_column
from tests.charts.test_figure_matrix import CATALOG, MATRIX

# A title a reader cannot use: a column key ("value", "area_code", "x"), a bare unit ("%") or nothing.
RAW = re.compile(r"^[A-Za-z0-9_.%()* ]*$")
AXIS_CHARTS = [(name, kind, spec) for name, kind, spec in MATRIX if spec.chart_type not in {"kpi", "pie"}]


def _titles(figure) -> tuple[str, str]:
    """The x and y axis titles (on a facet grid, the outer panels' ones)."""
    layout = figure.to_dict()["layout"]
    found = {"x": "", "y": ""}
    for key, axis in layout.items():
        text = (axis.get("title") or {}).get("text") if key.startswith(("xaxis", "yaxis")) else None
        if text and not found[key[0]]:
            found[key[0]] = text
    return found["x"], found["y"]


def _words(title: str) -> bool:
    return bool(title) and not RAW.match(title)


@pytest.mark.parametrize("name,kind,spec", AXIS_CHARTS, ids=[f"{n}-{k}" for n, k, _ in AXIS_CHARTS])
def test_axes_say_what_the_numbers_and_the_categories_are(published, name, kind, spec):
    figure = build_figure(run_chart(published, CATALOG, spec), spec, CATALOG, "ja")
    x, y = _titles(figure)
    ds = CATALOG[name]
    unit = measure_unit(spec, CATALOG, "ja")
    value = {"ranked_bar": x, "pyramid": x, "histogram": x}.get(spec.chart_type, y)
    if spec.chart_type == "heatmap":
        value = figure.data[0].colorbar.title.text
    assert _words(value), (x, y, value)
    if kind == "bar_stacked_100":  # each bar's parts as % of the bar
        assert value == measure_label(spec, CATALOG, "ja") + "の構成比（%）", value
    else:
        assert measure_label(spec, CATALOG, "ja") in value and (not unit or f"（{unit}）" in value), value
    if spec.chart_type == "histogram":
        assert _words(y) and f"（{count_unit_of(ds, 'ja')}）" in y, y
    if spec.chart_type == "scatter":
        column = resolve_column(CATALOG, ds, spec.options["x"])
        assert x.startswith(column.label_in("ja")) and (not column.unit or f"（{column.unit_in('ja')}）" in x), x
    roles = {d: getattr(resolve_column(CATALOG, ds, d), "role", None) for d in spec.dimensions}
    first = spec.dimensions[0] if spec.dimensions else None
    on_axes = []  # (axis title, the dimension it names)
    if spec.chart_type in {"bar", "box"} and first:
        on_axes = [(x, first)]
    elif spec.chart_type == "ranked_bar":
        on_axes = [(y, first)]
    elif spec.chart_type == "heatmap":
        on_axes = [(y, first), (x, spec.dimensions[1])]
    elif spec.chart_type in {"line", "pyramid"}:
        on_axes = [(x if spec.chart_type == "line" else y,
                    next(d for d in spec.dimensions if roles[d] in {"year", "age_band"}))]
    for title, dim in on_axes:
        assert title == column_label(CATALOG, spec, dim, "ja"), (title, dim)


def test_a_count_of_people_says_people_in_english_too():
    spec = ChartSpec("care_certification", Measure("count"), ["area_code"])
    assert value_axis_title(spec, CATALOG, "ja") == "認定者数（人）"
    assert value_axis_title(spec, CATALOG, "en") == "Number of people (persons)"
    places = ChartSpec("kayoi_places", Measure("count"), ["place_type"])
    assert value_axis_title(places, CATALOG, "en") == "Count (places)"


def test_a_rate_names_what_is_counted_and_its_denominator():
    spec = ChartSpec("care_certification", Measure("rate_per_1000"), ["area_code"], chart_type="ranked_bar")
    assert value_axis_title(spec, CATALOG, "ja") == "認定者数（人口千人当たり）"
    assert value_axis_title(spec, CATALOG, "en") == "Number of people (per 1,000 population)"


def test_a_relative_change_says_percent_once():
    spec = ChartSpec("care_certification", Measure("change", base="count", from_year=2021, to_year=2025,
                                                   relative=True), ["areas.district"])
    for lang in ("ja", "en"):
        assert value_axis_title(spec, CATALOG, lang).count("%") == 1, value_axis_title(spec, CATALOG, lang)


def test_survey_charts_name_both_axes():
    shares = pd.DataFrame({"item": ["a", "a", "b", "b"], "level": [1, 2, 1, 2], "share": [40.0, 60.0, 70.0, 30.0]})
    likert = survey.diverging_likert_chart(shares, {"a": "設問A", "b": "設問B"}, {1: "不満", 2: "満足"})
    assert "（%" in likert.value_title and _words(likert.category_title)
    words = survey.word_frequency_chart(pd.DataFrame({"word": ["バス"], "count": [3]}))
    assert words.value_title.endswith("（回）") and _words(words.category_title)
