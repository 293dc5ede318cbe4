"""ChartData: a chart's series and colours made once, the same for the app's figure and PowerPoint."""
from __future__ import annotations

import pandas as pd
import pytest

from lib.charts.chart_data import chart_data
from lib.charts.figure import plotly_figure
from lib.charts.spec import ChartSpec, Measure
from lib.charts.style import LIKERT_COLOURS, PALETTE
from lib.data.catalog import load_catalog
from lib.deck.native_chart import native_series


@pytest.fixture(scope="module")
def catalog():
    return load_catalog()


def test_an_answer_keeps_its_scale_colour_when_another_answer_is_missing(catalog):
    # nobody answered 1 (不満): やや不満 … 満足 still take the scale's 2nd … 5th colours
    frame = pd.DataFrame({"district": ["中央地区"] * 4, "sat_公共交通": [2, 3, 4, 5], "value": [5, 6, 7, 8]})
    spec = ChartSpec("survey", Measure("count"), ["district", "sat_公共交通"], chart_type="bar",
                     options={"bar_mode": "stacked"})
    figure = plotly_figure(chart_data(frame, spec, catalog))
    assert [trace.name for trace in figure.data] == ["やや不満", "どちらともいえない", "やや満足", "満足"]
    assert [trace.marker.color for trace in figure.data] == LIKERT_COLOURS[1:]


def test_a_series_has_one_colour_on_every_panel(catalog):
    # the first panel has no 男性: 女性 is still the second colour there, as in its legend entry
    frame = pd.DataFrame({"age_band": ["18-29", "30-39", "30-39"], "district": ["中央地区"] * 3,
                          "sex": ["女性", "男性", "女性"], "value": [3, 4, 5]})
    spec = ChartSpec("survey", Measure("count"), ["district", "sex"], chart_type="bar", facet="age_band")
    figure = plotly_figure(chart_data(frame, spec, catalog))
    colours = {(trace.xaxis, trace.name): trace.marker.color for trace in figure.data}
    assert colours == {("x", "女性"): PALETTE[1], ("x2", "男性"): PALETTE[0], ("x2", "女性"): PALETTE[1]}


def test_powerpoint_series_line_up_with_the_categories_and_keep_the_colours(catalog):
    frame = pd.DataFrame({"district": ["中央地区", "中央地区", "北部地区"], "sex": ["男性", "女性", "女性"],
                          "value": [1, 2, 3]})
    spec = ChartSpec("survey", Measure("count"), ["district", "sex"], chart_type="bar")
    data = chart_data(frame, spec, catalog)
    series = native_series(data)
    assert series.categories == ["中央地区", "北部地区"]
    assert series.series == [("男性", [1.0, None]), ("女性", [2.0, 3.0])]
    assert series.colours == PALETTE[:2] == [trace.marker.color for trace in plotly_figure(data).data]
    assert series.kind == "column" and series.grouping == "clustered"
