"""An analysis's chart is described once and drawn twice: the app's Plotly figure and the picture of a PDF page or
slide show the same categories in the same order, the same series with the same names and colours, the same values,
for each of the analyses' six charts."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from matplotlib.colors import to_hex
from matplotlib.container import BarContainer

from lib.charts import survey
from lib.charts.analysis_figure import analysis_figure
from lib.charts.analysis_picture import draw_analysis_chart
from lib.charts.model_charts import effect_chart
from lib.charts.picture import matplotlib_colour
from lib.charts.projection import population_pyramid, projected_lines

SCALE = {1: "不満", 2: "やや不満", 3: "どちらともいえない", 4: "やや満足", 5: "満足"}
BANDS = ["0-14", "15-64", "65-74", "75+"]


def likert_shares() -> pd.DataFrame:
    """Three items; item c's level 5 hidden by the small-cell rule."""
    rows = [(item, lv, share) for item, shares in (("a", [10, 20, 30, 25, 15]), ("b", [30, 30, 20, 10, 10]),
                                                   ("c", [5, 10, 20, 40, np.nan]))
            for lv, share in zip(SCALE, shares, strict=True)]
    return pd.DataFrame(rows, columns=["item", "level", "share"]).assign(count=lambda f: f["share"])


def weighted_shares() -> pd.DataFrame:
    return pd.DataFrame({"item": ["q1", "q1", "q2"], "level": [1, 2, 1], "share": [20.0, 30.0, 40.0],
                         "low": [15.0, 25.0, 35.0], "high": [25.0, 35.0, 45.0], "w_share": [22.0, 28.0, 41.0],
                         "w_low": [17.0, 23.0, 36.0], "w_high": [27.0, 33.0, 46.0]})


def pyramid_cells() -> pd.DataFrame:
    rows = [{"year": year, "sex": sex, "age_band": band, "population": 100.0 * (i + 1) + (year - 2025) + 7 * s}
            for year in (2025, 2045) for s, sex in enumerate(("男", "女")) for i, band in enumerate(BANDS)]
    return pd.DataFrame(rows)


# The analyses' six charts (lib.deck.analyses) on small data.
SIX = {
    "survey_likert": lambda: survey.diverging_likert_chart(likert_shares(), {"a": "設問A", "b": "設問B", "c": "設問C"},
                                                           SCALE),
    "survey_words": lambda: survey.word_frequency_chart(pd.DataFrame({"word": ["バス", "坂道", "病院"],
                                                                      "count": [9, 5, 2]})),
    "weighted_survey": lambda: survey.weighted_shares_chart(weighted_shares(), {"q1": "交通", "q2": "医療"},
                                                            {"q1": {1: "不満", 2: "満足"}, "q2": {1: "不満"}}),
    "multiple_regression": lambda: effect_chart(["距離", "高齢化率", "世帯人員"], [0.5, -0.2, 0.1],
                                                [0.3, -0.5, -0.1], [0.7, 0.1, 0.3], "効果"),
    "cohort_projection": lambda: population_pyramid(pyramid_cells(), BANDS, ["男", "女"], 2025, 2045, "みどり野市"),
    "demand_projection": lambda: projected_lines(
        pd.DataFrame([{"series": name, "year": year, "value": 100.0 * k + year - 2000}
                      for k, name in enumerate(("中央地区", "北部地区", "丘陵地区")) for year in (2025, 2030, 2035)]),
        "人数（人）", "見通し"),
}


def _hex(colour) -> str:
    return to_hex(matplotlib_colour(colour) if isinstance(colour, str) else colour)


def _figure_shows(figure, sideways: bool) -> dict:
    """What the app's figure shows: its categories from the top (or from the left), each trace's colour and value
    at each of them, and the legend's entries in order."""
    axis = figure.layout.yaxis if sideways else figure.layout.xaxis
    first = figure.data[0].y if sideways else figure.data[0].x
    categories = [str(c) for c in axis.categoryarray or dict.fromkeys(first)]
    if sideways and axis.autorange != "reversed":
        categories = categories[::-1]  # Plotly lists a category axis from the bottom
    series = []
    for trace in figure.data:
        at = [str(c) for c in (trace.y if sideways else trace.x)]
        values = dict(zip(at, trace.x if sideways else trace.y, strict=True))
        colour = trace.line.color if trace.type == "scatter" and "lines" in trace.mode else trace.marker.color
        colours = dict.fromkeys(at, colour) if isinstance(colour, str) else dict(zip(at, colour, strict=True))
        series.append([(_hex(colours[c]), float(np.nan_to_num(values[c]))) for c in categories])
    named = [trace for trace in figure.data if trace.showlegend is not False] if len(figure.data) > 1 else []
    named.sort(key=lambda trace: 1000 if trace.legendrank is None else trace.legendrank)
    return {"categories": categories, "series": series, "legend": list(dict.fromkeys(t.name for t in named))}


def _picture_shows(fig, sideways: bool) -> dict:
    """The same, read off the picture: categories in the order their names appear on the page, each bar or point
    found nearest to its category's name."""
    ax = fig.axes[0]
    where = {t.get_text(): t.get_position()[1 if sideways else 0]
             for t in (ax.get_yticklabels() if sideways else ax.get_xticklabels())}

    def on_page(category: str) -> float:  # from the top of the page, or from its left
        x, y = ax.transData.transform((0, where[category]) if sideways else (where[category], 0))
        return -y if sideways else x

    order = sorted(where, key=on_page)
    series = []
    for bars in (c for c in ax.containers if isinstance(c, BarContainer)):
        centres = {(p.get_y() + p.get_height() / 2 if sideways else p.get_x() + p.get_width() / 2): p
                   for p in bars.patches}
        nearest = [centres[min(centres, key=lambda k, c=c: abs(k - where[c]))] for c in order]
        series.append([(_hex(p.get_facecolor()), p.get_width() if sideways else p.get_height()) for p in nearest])
    for line in (line for line in ax.lines if line.get_marker() == "o"):  # not a whisker's caps
        along, values = (line.get_ydata(), line.get_xdata()) if sideways else (line.get_xdata(), line.get_ydata())
        at = dict(zip(along, values, strict=True))
        series.append([(_hex(line.get_color()), float(np.nan_to_num(at[where[c]]))) for c in order])
    legend = [text.get_text() for text in fig.legends[0].get_texts()] if fig.legends else []
    return {"categories": order, "series": series, "legend": legend}


@pytest.mark.parametrize("name", SIX)
def test_the_figure_and_the_picture_show_the_same_categories_series_and_colours(name):
    chart = SIX[name]()
    shown = _figure_shows(analysis_figure(chart), chart.sideways)
    drawn = _picture_shows(draw_analysis_chart(chart), chart.sideways)
    assert drawn["categories"] == shown["categories"] and len(shown["categories"]) >= 3
    assert drawn["legend"] == shown["legend"]
    assert len(drawn["series"]) == len(shown["series"])
    for picture_series, figure_series in zip(drawn["series"], shown["series"], strict=True):
        assert [c for c, _ in picture_series] == [c for c, _ in figure_series]
        assert [v for _, v in picture_series] == pytest.approx([v for _, v in figure_series])


def test_the_comparison_tells_a_picture_that_turned_its_categories_over():
    """The check above can fail: the same chart drawn bottom-up is caught."""
    chart = SIX["survey_words"]()
    shown = _figure_shows(analysis_figure(chart), sideways=True)
    chart.first_on_top = False
    assert _picture_shows(draw_analysis_chart(chart), sideways=True)["categories"] == shown["categories"][::-1]
