"""Chart pictures for slides and PDF pages (matplotlib): readable with the demo city's 46 町丁目 at the
sizes the deck draws them, and saying what the app's chart says (axis titles, panels, shares, the 市平均 line).
A saved chart is drawn from its ChartData (lib.charts.chart_picture); an analysis's chart is tested with
lib.charts.analysis_picture."""
from __future__ import annotations

import io
import re
from itertools import combinations

import numpy as np
import pandas as pd
import pytest
from matplotlib.colors import to_hex
from PIL import Image

from lib.charts.chart_data import chart_data
from lib.charts.chart_picture import chart_data_png, draw_chart_data
from lib.charts.figure import plotly_figure
from lib.charts.labels import value_axis_title
from lib.charts.picture import matplotlib_colour
from lib.charts.spec import ChartSpec, Measure
from lib.charts.sql import run_chart
from lib.data.query import Filter
from lib.i18n import format_number
from tests.charts.test_figure_matrix import CATALOG

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


# ---------------------------------------------------------------- a saved chart drawn from its ChartData

DISTRICT_SEX = ["areas.district", "sex"]
OF_EACH_TYPE = {
    "bar": ChartSpec("population", Measure("sum", "population"), DISTRICT_SEX, filters=YEAR_2025, chart_type="bar"),
    "bar_stacked_lying": ChartSpec("population", Measure("sum", "population"), DISTRICT_SEX, filters=YEAR_2025,
                                   chart_type="bar", options={"bar_mode": "stacked", "horizontal": True}),
    "bar_facets": ChartSpec("care_certification", Measure("count"), ["care_level"], facet="areas.district",
                            chart_type="bar"),
    "ranked_bar": ChartSpec("care_certification", Measure("rate_per_1000"), ["areas.district"], filters=YEAR_2025,
                            chart_type="ranked_bar"),
    "line": ChartSpec("population", Measure("sum", "population"), ["year", "sex"], chart_type="line"),
    "pie": ChartSpec("population", Measure("sum", "population"), ["areas.district"], filters=YEAR_2025,
                     chart_type="pie"),
    "scatter": ChartSpec("area_indicators", Measure("mean", "care_rate_65plus"), ["district"], chart_type="scatter",
                         options={"x": "ageing_rate", "trend_line": True}),
    "histogram": ChartSpec("area_indicators", Measure("mean", "ageing_rate"), ["district"], chart_type="histogram"),
    "box": ChartSpec("area_indicators", Measure("mean", "ageing_rate"), ["district"], chart_type="box"),
    "heatmap": ChartSpec("population", Measure("sum", "population"), ["areas.district", "age_band"],
                         filters=YEAR_2025, chart_type="heatmap"),
    "pyramid": ChartSpec("population", Measure("sum", "population"), ["age_band", "sex"], filters=YEAR_2025,
                         chart_type="pyramid"),
    "kpi": ChartSpec("population", Measure("sum", "population"), [], chart_type="kpi"),
}


def _hex(colour) -> str:
    return to_hex(matplotlib_colour(colour) if isinstance(colour, str) else colour)


def _series_colours_drawn(ax, kind: str) -> list[str]:
    """The colour of each series as the picture drew it, in drawing order."""
    if kind in ("line", "scatter"):
        return [_hex(line.get_color()) for line in ax.lines if line.get_linestyle() != "--"]  # not the trend line
    return [_hex(container.patches[0].get_facecolor()) for container in ax.containers]


def _category_axis_names(ax, sideways: bool) -> list[str]:
    return [label.get_text() for label in (ax.get_yticklabels() if sideways else ax.get_xticklabels())]


def test_every_chart_type_has_a_picture_test():
    from lib.charts.figure import _DRAWERS

    assert {spec.chart_type for spec in OF_EACH_TYPE.values()} == set(_DRAWERS)


@pytest.mark.parametrize("name", OF_EACH_TYPE)
def test_a_saved_charts_picture_draws_its_chart_datas_series_in_order_and_colour(published, name):
    data = _data(published, OF_EACH_TYPE[name])
    fig = draw_chart_data(data, *DECK_SIZES["pdf_alone"])
    kind, panels = data.chart_type, [ax for ax in fig.axes if ax.has_data() or ax.texts]
    assert_readable(fig)
    if kind == "kpi":
        value, _ = data.kpi_reading()
        assert f"{format_number(value)} {data.unit}" in _all_text(fig)
        return
    if kind == "heatmap":
        image = panels[0].images[0].get_array()
        table = data.heatmap_table()
        assert np.allclose(np.ma.filled(image, np.nan), table.to_numpy(float), equal_nan=True)
        assert [label.get_text() for label in panels[0].get_xticklabels()] == [str(c) for c in table.columns]
        assert panels[0].images[0].colorbar.ax.get_ylabel() == data.value_title
        return
    if kind == "pie":
        wedges = panels[0].patches
        assert [w.get_label() for w in wedges] == [str(c) for c in data.categories]
        assert [_hex(w.get_facecolor()) for w in wedges] == [_hex(data.slice_colours[c]) for c in data.categories]
        return
    assert len(panels) == len(data.panels if kind != "pyramid" else data.panels[:1])
    for ax, panel in zip(panels, data.panels, strict=True):
        if kind == "box":
            assert [label.get_text() for label in ax.get_xticklabels()] == [s.name for s in panel.series]
            continue
        assert _series_colours_drawn(ax, kind) == [_hex(s.colour) for s in panel.series]
        if len(data.panels) > 1:
            assert ax.get_title() == panel.title
        if kind == "ranked_bar":
            assert _category_axis_names(ax, True) == [str(c) for c in panel.series[0].categories]
        elif data.categories:
            assert _category_axis_names(ax, data.horizontal or kind == "pyramid") == [str(c) for c in data.categories]
    if data.colour_by and kind != "box":  # the legend names the series in the chart's order
        entries = [text.get_text() for text in fig.legends[0].get_texts()]
        assert entries[:len(data.panels[0].series)] == [s.name for s in data.panels[0].series]
    if kind == "scatter":
        assert any(line.get_linestyle() == "--" and "R²" in line.get_label() for line in panels[0].lines)


def test_a_pyramids_first_sex_is_drawn_leftwards(published):
    data = _data(published, OF_EACH_TYPE["pyramid"])
    ax = draw_chart_data(data, *DECK_SIZES["pdf_alone"]).axes[0]
    left, right = ax.containers
    assert all(bar.get_width() <= 0 for bar in left) and all(bar.get_width() >= 0 for bar in right)
    assert [-bar.get_width() for bar in left] == pytest.approx(data.panels[0].series[0].values)


def test_the_saved_charts_evidence_keeps_its_chart_data_and_draws_its_picture_from_it(published, monkeypatch):
    from lib.deck import evidence as evidence_module

    spec = OF_EACH_TYPE["heatmap"]
    drawn = evidence_module.draw_evidence(published, CATALOG, "chart", {"title": "", "spec": spec.to_dict()})
    assert drawn.chart_data is not None and drawn.chart_data.spec == spec
    monkeypatch.setattr(evidence_module, "analysis_chart_png", lambda *args, **kwargs: pytest.fail("not its data"))
    with Image.open(io.BytesIO(evidence_module.chart_picture(drawn, 6.0, 4.0, dpi=100))) as picture:
        assert picture.size == (600, 400)


def test_facets_of_lines_keep_every_panels_lines_inside_the_shared_value_axis(published):
    """The value axis starts at zero once every panel is drawn: set on the first panel, the shared axis kept that
    panel's top and cut off the larger districts' lines."""
    spec = ChartSpec("population", Measure("sum", "population"), ["year", "sex"], facet="areas.district",
                     chart_type="line")
    fig = draw_chart_data(_data(published, spec), *DECK_SIZES["pdf_alone"])
    for ax in (ax for ax in fig.axes if ax.lines):
        bottom, top = ax.get_ylim()
        assert bottom == 0
        assert all(top >= max(line.get_ydata()) for line in ax.lines), ax.get_title()


def test_a_histograms_series_share_their_bins_and_count_in_whole_numbers(published):
    data = _data(published, OF_EACH_TYPE["histogram"])
    ax = draw_chart_data(data, *DECK_SIZES["pdf_alone"]).axes[0]
    bins = int(data.spec.options.get("bins", 20))
    lefts = {round(bar.get_x(), 9) for container in ax.containers for bar in container}
    assert len(ax.containers) == len(data.panels[0].series) > 1 and len(lefts) == bins
    assert all(float(tick).is_integer() for tick in ax.get_yticks())


@pytest.mark.parametrize("chart_type", ["bar", "ranked_bar", "line", "pie", "scatter", "histogram", "box"])
def test_a_faceted_chart_whose_filter_leaves_no_row_draws_an_empty_picture(published, chart_type):
    options = {"x": "population"} if chart_type == "scatter" else {}
    dimensions = {"bar": ["age_band"], "ranked_bar": ["age_band"], "pie": ["age_band"], "line": ["year"]}
    spec = ChartSpec("population", Measure("sum" if chart_type in dimensions else "mean", "population"),
                     dimensions.get(chart_type, []), facet="sex", chart_type=chart_type, options=options,
                     filters=[Filter("sex", "in", ["（該当なし）"])])
    data = _data(published, spec)
    assert not data.panels
    fig = draw_chart_data(data, *DECK_SIZES["pdf_alone"])
    assert not any(ax.has_data() for ax in fig.axes)
