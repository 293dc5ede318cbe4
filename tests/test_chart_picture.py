"""Chart pictures for slides and PDF pages (matplotlib): readable with the demo city's 46 町丁目 at the
sizes the deck draws them, and saying what the app's chart says (axis titles, panels, shares, the 市平均 line).
A saved chart is drawn from its ChartData (lib.charts.chart_picture), an analysis's figure read back
(lib.charts.picture)."""
from __future__ import annotations

import io
import re
from itertools import combinations

import numpy as np
import pandas as pd
import pytest
from PIL import Image

from lib.charts.chart_data import chart_data
from lib.charts.chart_picture import chart_data_png, draw_chart_data
from lib.charts.figure import plotly_figure
from lib.charts.labels import value_axis_title
from lib.charts.picture import draw_chart
from lib.charts.spec import ChartSpec, Measure
from lib.charts.sql import run_chart
from lib.data.query import Filter
from tests.test_chart_matrix import CATALOG

# (width, height in inches, dpi) that lib/deck/to_pdf.py and to_pptx.py ask for, beside bullets or alone.
DECK_SIZES = {
    "pdf_beside_bullets": (6.78, 5.12, 150),
    "pdf_alone": (10.59, 5.12, 150),
    "pptx_beside_bullets": (7.77, 4.39, 130),
    "pptx_alone": (12.13, 4.39, 130),
}
SMALLEST_FONT_PT = 5
# PowerPoint draws bar and line charts itself (editable charts); its pictures are the other kinds.
PPTX_PICTURES = {"heatmap", "box"}
YEAR_2025 = [Filter("year", "in", [2025])]
MANY = {
    "bar": ChartSpec("care_certification", Measure("count"), ["area_code"], chart_type="bar"),
    "ranked_bar": ChartSpec("care_certification", Measure("rate_per_1000"), ["area_code"], filters=YEAR_2025,
                            chart_type="ranked_bar"),
    "stacked": ChartSpec("population", Measure("sum", "population"), ["area_code", "sex"], filters=YEAR_2025,
                         chart_type="bar", options={"bar_mode": "stacked"}),
    "heatmap": ChartSpec("population", Measure("sum", "population"), ["area_code", "age_band"], filters=YEAR_2025,
                         chart_type="heatmap"),
    "box": ChartSpec("population", Measure("sum", "population"), ["area_code"], filters=YEAR_2025, chart_type="box"),
    "line_46_series": ChartSpec("care_certification", Measure("count"), ["year", "area_code"], chart_type="line"),
}


def _data(published, spec: ChartSpec):
    return chart_data(run_chart(published, CATALOG, spec), spec, CATALOG, "ja")


def _shown(texts) -> list:
    return [text for text in texts if text.get_visible() and text.get_text()]


def _overlapping(texts, renderer) -> list[tuple[str, str]]:
    boxes = [(text.get_text(), text.get_window_extent(renderer)) for text in texts]
    return [(a, b) for (a, box_a), (b, box_b) in combinations(boxes, 2) if box_a.overlaps(box_b)]


def _all_text(fig) -> str:
    return "\n".join(text.get_text() for text in fig.findobj(lambda artist: hasattr(artist, "get_text")))


def assert_readable(fig) -> None:
    """No two tick labels of an axis, texts in a panel or legend entries overlap; none is tinier than
    5 pt; the legend stays inside the picture."""
    renderer = fig.canvas.get_renderer()
    for ax in fig.axes:
        for which in ("x", "y"):
            labels = _shown(getattr(ax, f"get_{which}ticklabels")())
            assert not _overlapping(labels, renderer), (which, _overlapping(labels, renderer)[:3])
            assert all(label.get_fontsize() >= SMALLEST_FONT_PT for label in labels)
        assert not _overlapping(_shown(ax.texts), renderer)  # numbers on bars, the 市平均 note
    for legend in fig.legends + [ax.get_legend() for ax in fig.axes if ax.get_legend()]:
        entries = _shown(legend.get_texts())
        assert not _overlapping(entries, renderer), _overlapping(entries, renderer)[:3]
        assert all(entry.get_fontsize() >= SMALLEST_FONT_PT for entry in entries)
        box, page = legend.get_window_extent(renderer), fig.bbox
        assert page.x0 - 1 <= box.x0 and box.x1 <= page.x1 + 1 and page.y0 - 1 <= box.y0 and box.y1 <= page.y1 + 1


def _category_labels(fig) -> set[str]:
    return {label.get_text() for ax in fig.axes for which in ("x", "y")
            for label in _shown(getattr(ax, f"get_{which}ticklabels")())}


@pytest.mark.parametrize("size", DECK_SIZES)
@pytest.mark.parametrize("kind", MANY)
def test_46_areas_stay_readable_at_the_decks_sizes(published, kind, size):
    data = _data(published, MANY[kind])
    figure = plotly_figure(data)
    fig = draw_chart_data(data, *DECK_SIZES[size])
    assert_readable(fig)
    areas = set(run_chart(published, CATALOG, MANY[kind])["area_code"].dropna())
    assert len(areas) == 46
    if kind == "line_46_series":
        assert fig.legends or any(ax.get_legend() for ax in fig.axes)
    elif size.startswith("pdf") or kind in PPTX_PICTURES:
        assert _category_labels(fig) >= areas  # every 町丁目 is named
    text = _all_text(fig)
    x_title, y_title = figure.layout.xaxis.title.text, figure.layout.yaxis.title.text
    assert x_title in text and y_title in text


@pytest.mark.parametrize("size", DECK_SIZES)
def test_the_picture_is_the_size_the_slide_asks_for(published, size):
    width, height, dpi = DECK_SIZES[size]
    png = chart_data_png(_data(published, MANY["line_46_series"]), width, height, dpi=dpi)
    with Image.open(io.BytesIO(png)) as picture:
        assert picture.size == pytest.approx((width * dpi, height * dpi), abs=2)


def test_a_line_over_many_years_keeps_its_year_labels_apart():
    spec = ChartSpec("care_certification", Measure("count"), ["year"], chart_type="line")
    frame = pd.DataFrame({"year": range(1980, 2026), "value": np.linspace(100, 900, 46)})
    for size in DECK_SIZES.values():
        assert_readable(draw_chart_data(chart_data(frame, spec, CATALOG), *size))


def test_percent_bars_reach_100_even_with_hidden_cells(published):
    spec = ChartSpec("survey", Measure("count"), ["district", "sat_公共交通"], chart_type="bar",
                     options={"bar_mode": "percent"})
    frame = run_chart(published, CATALOG, spec)
    assert frame["value"].isna().any()  # cells below the small-cell threshold are hidden
    fig = draw_chart_data(_data(published, spec), *DECK_SIZES["pdf_beside_bullets"])
    ax = fig.axes[0]
    totals: dict[float, float] = {}
    for bar in ax.patches:
        centre = round(bar.get_x() + bar.get_width() / 2, 3)
        totals[centre] = totals.get(centre, 0) + bar.get_height()
    assert len([total for total in totals.values() if total > 0]) == frame["district"].nunique()
    assert all(total == pytest.approx(100) for total in totals.values() if total > 0), totals
    assert "構成比（%）" in ax.get_ylabel()


def test_facet_panels_have_their_titles_and_the_axis_titles(published):
    spec = ChartSpec("care_certification", Measure("count"), ["care_level"], facet="areas.district",
                     chart_type="bar")
    fig = draw_chart_data(_data(published, spec), *DECK_SIZES["pdf_beside_bullets"])
    text = _all_text(fig)
    for district in run_chart(published, CATALOG, spec)["areas.district"].dropna().unique():
        assert district in text
    assert value_axis_title(spec, CATALOG, "ja") in text and "要介護度" in text
    assert_readable(fig)


def test_the_city_average_line_reaches_the_picture(published):
    spec = ChartSpec("care_certification", Measure("rate_per_1000"), ["areas.district"], filters=YEAR_2025,
                     chart_type="ranked_bar")
    frame = run_chart(published, CATALOG, spec)
    overall = frame.attrs["overall"]
    fig = draw_chart_data(_data(published, spec), *DECK_SIZES["pdf_beside_bullets"])
    ax = fig.axes[0]
    assert any(np.allclose(line.get_xdata(), overall) for line in ax.lines)
    assert f"{overall:,.1f}" in _all_text(fig)


def test_the_city_average_label_sits_beside_the_bars_never_on_one(published):
    """Issue 21: the 全体 label was written at the left end of the line, over the first (tallest) bar."""
    spec = ChartSpec("care_certification", Measure("rate_per_1000"), ["areas.district"], filters=YEAR_2025,
                     chart_type="bar")
    data = _data(published, spec)
    figure = plotly_figure(data)
    (note,) = [a for a in figure.layout.annotations if "全体" in a.text]
    assert note.xref == "x domain" and note.x >= 1 and note.xanchor == "left"  # in the right margin
    assert figure.layout.margin.r >= 120
    fig = draw_chart_data(data, *DECK_SIZES["pdf_beside_bullets"])
    (drawn,) = [text for text in fig.axes[0].texts if "全体" in text.get_text()]
    assert drawn.get_position()[0] >= 1 and drawn.get_horizontalalignment() == "left"  # right of the axes


def test_numbers_read_with_thousands_separators_and_their_unit(published):
    bars = ChartSpec("population", Measure("sum", "population"), ["areas.district"], chart_type="bar")
    kpi = ChartSpec("population", Measure("sum", "population"), [], chart_type="kpi")
    for spec in (bars, kpi):
        text = _all_text(draw_chart_data(_data(published, spec), *DECK_SIZES["pdf_beside_bullets"]))
        assert "e+" not in text and re.search(r"\d{1,3},\d{3}", text), text
    assert "人" in _all_text(draw_chart_data(_data(published, kpi), *DECK_SIZES["pdf_beside_bullets"]))


def test_a_legend_of_more_series_than_fit_says_how_many_it_left_out():
    spec = ChartSpec("care_certification", Measure("count"), ["year", "area_code"], chart_type="line")
    names = [f"架空の町{i}丁目" for i in range(150)]
    frame = pd.DataFrame([{"year": year, "area_code": name, "value": float(i + year % 7)}
                          for i, name in enumerate(names) for year in (2024, 2025)])
    fig = draw_chart_data(chart_data(frame, spec, CATALOG), *DECK_SIZES["pptx_beside_bullets"])
    assert_readable(fig)
    entries = [text.get_text() for text in fig.legends[0].get_texts()]
    shown = len(entries) - 1
    assert entries[-1] == f"… +{len(names) - shown}" and shown > 20


def test_error_bars_of_a_models_effects_and_a_weighted_share_reach_the_picture():
    """The multiple-regression effect bars and the weighted survey's dots carry 95 % intervals: the slide's
    picture draws them as whiskers, each around its own bar or dot."""
    import plotly.graph_objects as go

    from lib.charts.model_figures import effect_figure

    effects = effect_figure(["距離", "高齢化率"], [0.5, -0.2], [0.3, -0.5], [0.7, 0.1], "効果")
    dots = go.Figure(go.Scatter(x=[20.0, 20.0, 40.0], y=["A", "B", "C"], mode="markers",
                                error_x={"type": "data", "array": [1.0, 2.0, 3.0], "arrayminus": [1.0, 2.0, 3.0]}))
    for figure, spans in ((effects, [(0.3, 0.7), (-0.5, 0.1)]), (dots, [(19, 21), (18, 22), (37, 43)])):
        ax = draw_chart(figure).axes[0]
        drawn = sorted(tuple(round(float(x), 6) for x in segment[:, 0])
                       for collection in ax.collections for segment in collection.get_segments())
        assert drawn == sorted(spans)
