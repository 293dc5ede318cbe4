"""A saved chart's picture (PDF pages, picture slides) drawn with matplotlib from its ChartData.

The categories, series, colours, titles and the 全体（市平均など） value are the ones the chart's
Plotly figure (lib.charts.figure) and PowerPoint's own chart (lib.deck.native_chart) are drawn
from, so the picture shows the app's chart without reading the figure back. The drawing shared
with an analysis's own figure (bars, the reference line, legend, fitting, PNG) is lib.charts.picture.
"""
from __future__ import annotations

import math

import numpy as np
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator

from lib.charts.chart_data import ChartData, Panel, Series, too_many_to_stand
from lib.charts.figure import FACET_COLUMNS, ols_line, pyramid_ticks
from lib.charts.labels import count_axis_title
from lib.charts.picture import (
    Bars,
    draw_bars,
    finish_picture,
    legend_entries,
    matplotlib_colour,
    new_picture,
    picture_style,
    png_bytes,
    reference_line,
    value_grid,
)
from lib.charts.style import OKABE_ITO
from lib.i18n import format_number, t

ONE_PANEL = ("heatmap", "pyramid", "kpi")  # drawn from the whole frame (a facet is not drawn)
MANY_SLICES = 8  # a pie with more slices names them in the legend; only the larger ones say their share


def _heights(categories: list[str], series: Series) -> np.ndarray:
    """A series' values at the chart's categories; a hidden (small-cell) value is no bar, not a gap that
    swallows the stack."""
    lookup = dict(zip((str(c) for c in series.categories), series.values, strict=True))
    return np.nan_to_num(np.array([lookup.get(c) for c in categories], dtype=float))


def _lies_down(data: ChartData) -> bool:
    """Upright bars or boxes with many long names (町丁目) are drawn lying down, one name per row."""
    if data.chart_type == "bar" and not data.horizontal:
        return too_many_to_stand(data.categories)
    if data.chart_type == "box":
        return too_many_to_stand({s.name or data.value_title for p in data.panels for s in p.series})
    return False


def _bars(ax, data: ChartData, panel: Panel, lying: bool) -> None:
    if data.chart_type == "ranked_bar":  # each panel ranks its own
        categories = [str(c) for c in panel.series[0].categories] if panel.series else []
    else:
        categories = [str(c) for c in data.categories]
    heights = [_heights(categories, s) for s in panel.series]
    if data.percent:
        totals = np.sum(np.abs(heights), axis=0)
        heights = [np.divide(100 * h, totals, out=np.zeros_like(h), where=totals > 0) for h in heights]
    several = len(panel.series) > 1
    bars = [Bars(s.name if several else None, h, s.colour) for s, h in zip(panel.series, heights, strict=True)]
    draw_bars(ax, categories, bars,
              stacked=data.bar_mode != "grouped", sideways=data.horizontal or lying,
              first_on_top=data.horizontal or lying)
    value_grid(ax, data.horizontal or lying)


def _pyramid(ax, data: ChartData, panel: Panel, lying: bool) -> None:
    """The first sex leftwards, the second rightwards, the youngest band at the bottom."""
    categories = [str(c) for c in data.categories]
    bars = [Bars(s.name, (-1 if i == 0 else 1) * _heights(categories, s), s.colour)
            for i, s in enumerate(panel.series)]
    draw_bars(ax, categories, bars, stacked=True, sideways=True, first_on_top=False)
    ticks = pyramid_ticks(data)
    ax.set_xticks(ticks, [format_number(abs(v)) for v in ticks])
    value_grid(ax, sideways=True, numbers=False)


def _lines(ax, data: ChartData, panel: Panel, lying: bool) -> None:
    order = [str(c) for c in data.categories]
    for series in panel.series:
        ax.plot([order.index(str(c)) for c in series.categories], series.values, "-o",
                color=matplotlib_colour(series.colour), label=series.name, linewidth=2.2, markersize=5)
    ax.set_xticks(range(len(order)), order)
    value_grid(ax, sideways=False)


def _scatter(ax, data: ChartData, panel: Panel, lying: bool) -> None:
    for series in panel.series:
        ax.plot(series.categories, series.values, "o", color=matplotlib_colour(series.colour), label=series.name,
                markersize=3, alpha=0.6)
    rows = panel.frame
    if data.spec.options.get("trend_line", True) and len(rows) >= 3 and rows["x"].nunique() > 1:
        slope, intercept, r2 = ols_line(rows["x"], rows["value"])
        xs = np.linspace(rows["x"].min(), rows["x"].max(), 50)
        ax.plot(xs, slope * xs + intercept, "--", color=OKABE_ITO[3], linewidth=2,
                label=t("chart.trend_line", data.lang, r2=f"{r2:.2f}"))
    value_grid(ax, sideways=False)


def _histogram(ax, data: ChartData, panel: Panel, lying: bool) -> None:
    """Every series and panel counted in the same bins: bins of each series' own range would overlap as
    slivers of different widths."""
    every = [v for p in data.panels for s in p.series for v in s.values if not math.isnan(v)]
    edges = np.histogram_bin_edges(every, int(data.spec.options.get("bins", 20))) if every else 1
    for series in panel.series:
        values = [v for v in series.values if not math.isnan(v)]
        ax.hist(values, bins=edges, color=matplotlib_colour(series.colour), alpha=0.8, label=series.name,
                edgecolor="white", linewidth=0.5)  # bars apart, as in the app
    ax.yaxis.set_major_locator(MaxNLocator(integer=True))  # counts
    value_grid(ax, sideways=False, numbers=False)


def _boxes(ax, data: ChartData, panel: Panel, lying: bool) -> None:
    groups = [[v for v in s.values if not math.isnan(v)] for s in panel.series]
    ax.boxplot(groups, tick_labels=[s.name or data.value_title for s in panel.series],
               orientation="horizontal" if lying else "vertical")
    if lying:
        ax.invert_yaxis()
    value_grid(ax, lying, numbers=False)


def _heatmap(ax, data: ChartData, panel: Panel, lying: bool) -> None:
    table = data.heatmap_table()
    image = ax.imshow(table.to_numpy(dtype=float), aspect="auto", cmap="cividis")  # Plotly's Cividis
    ax.set_xticks(range(len(table.columns)), [str(c) for c in table.columns])
    ax.set_yticks(range(len(table.index)), [str(i) for i in table.index])
    ax.figure.colorbar(image, ax=ax).set_label(data.value_title)


def _pie(ax, data: ChartData, panel: Panel, lying: bool) -> None:
    if not panel.series:
        ax.axis("off")
        return
    series = panel.series[0]
    names = [str(c) for c in series.categories]
    many = len(names) > MANY_SLICES
    wedges, *_ = ax.pie(series.values, labels=None if many else names,
                        colors=[matplotlib_colour(data.slice_colours[c]) for c in series.categories],
                        autopct=(lambda pct: f"{pct:.1f}%" if pct >= 4 else "") if many else "%1.1f%%",
                        startangle=90, counterclock=False,
                        wedgeprops={"width": 0.55} if data.spec.options.get("donut") else None,
                        textprops={"fontsize": 9})
    for wedge, name in zip(wedges, names, strict=True):
        wedge.set_label(name)  # the legend names every slice, as the app's does
    ax.axis("equal")


def _kpi(ax, data: ChartData, panel: Panel, lying: bool) -> None:
    value, detail = data.kpi_reading()
    suffix = f" {data.unit}" if data.unit else ""
    ax.text(0.5, 0.5, format_number(value) + suffix, ha="center", va="center", fontsize=40, color="#0b6e4f")
    if detail:  # a change's years and values
        ax.text(0.5, 0.2, detail, ha="center", va="center", fontsize=11, color="#333333")
    ax.axis("off")


_DRAWERS = {"bar": _bars, "ranked_bar": _bars, "pyramid": _pyramid, "line": _lines, "scatter": _scatter,
            "histogram": _histogram, "box": _boxes, "heatmap": _heatmap, "pie": _pie, "kpi": _kpi}


def _axis_titles(data: ChartData) -> tuple[str, str]:
    """(x, y) titles as the app's figure has them, before bars lie down."""
    kind = data.chart_type
    if kind == "heatmap":
        rows, cols = data.spec.dimensions
        return data.labels[cols], data.labels[rows]
    if kind == "scatter":
        return data.labels["x"], data.value_title
    if kind == "histogram":
        return data.value_title, count_axis_title(data.dataset, data.lang)
    if kind == "box":
        return data.legend_title, data.value_title
    if data.horizontal or kind == "pyramid":
        return data.value_title, data.category_title
    return data.category_title, data.value_title


def _legend_title(data: ChartData) -> str:
    return {"pie": data.category_title, "pyramid": ""}.get(data.chart_type, data.legend_title)


def _overall(ax, data: ChartData, lying: bool) -> None:
    """The 全体（市平均など） line: across upright bars with its label in the right margin; over lying bars
    with its label above them."""
    label, value = t("chart.overall", data.lang), f"{data.overall:,.1f}"
    note = f"{label} {value}" if data.horizontal else f"{label}\n{value}"
    reference_line(ax, data.overall, note, across=not (data.horizontal or lying))


def _lines_from_zero(axes: list, panels: list[Panel]) -> None:
    """The value axis from zero, as the app's: set once every panel is drawn, or a shared axis would keep the
    first panel's top and cut off the others' lines."""
    low = min([0.0] + [v for p in panels for s in p.series for v in s.values if not math.isnan(v)])
    for ax in axes:
        ax.set_ylim(bottom=low)


def _write_axis_titles(fig, ax, data: ChartData, facets: bool, lying: bool) -> None:
    """The axis titles: on the panel, or once for the whole grid of facets."""
    x_title, y_title = _axis_titles(data)
    if lying:
        x_title, y_title = y_title, x_title
    if facets:
        fig.supxlabel(x_title, fontsize=10)
        fig.supylabel(y_title, fontsize=10)
    else:
        ax.set_xlabel(x_title)
        ax.set_ylabel(y_title)


def draw_chart_data(data: ChartData, width_in: float = 10.0, height_in: float = 5.6, dpi: int = 130) -> Figure:
    """The chart drawn on a matplotlib Figure of exactly this size, laid out so that no tick labels overlap."""
    panels = data.panels[:1] if data.chart_type in ONE_PANEL else data.panels
    columns = max(1, min(len(panels), FACET_COLUMNS))
    rows = max(1, math.ceil(len(panels) / columns))
    lying = _lies_down(data)
    # facets share the value axis, as the app's do (not lying bars, whose names differ per panel)
    shared = len(panels) > 1 and data.chart_type in ("bar", "line", "scatter", "histogram", "box") \
        and not data.horizontal
    with picture_style():
        fig, axes = new_picture(width_in, height_in, dpi, rows, columns, sharex=shared and lying,
                                sharey=shared and not lying)
        for ax, panel in zip(axes.flat, panels, strict=False):  # the last row may have spare axes, hidden below
            _DRAWERS[data.chart_type](ax, data, panel, lying)
            if len(panels) > 1:
                ax.set_title(str(panel.title), fontsize=10)
        for ax in list(axes.flat)[len(panels):]:
            ax.axis("off")
        if data.chart_type == "line":
            _lines_from_zero(list(axes.flat)[:len(panels)], panels)
        if data.overall is not None and panels:
            _overall(axes.flat[0], data, lying)
        if data.chart_type not in ("pie", "kpi"):
            _write_axis_titles(fig, axes.flat[0], data, len(panels) > 1, lying)
        finish_picture(fig, *legend_entries(fig), _legend_title(data))
    return fig


def chart_data_png(data: ChartData, width_in: float = 10.0, height_in: float = 5.6, dpi: int = 130) -> bytes:
    """The chart drawn with matplotlib, as PNG bytes of exactly width × height."""
    return png_bytes(draw_chart_data(data, width_in, height_in, dpi))
