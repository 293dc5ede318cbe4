"""The picture of an analysis's chart (lib.charts.analysis_chart) for PDF pages and picture slides, drawn with
matplotlib as lib.charts.picture draws every picture; the same categories, order, series and colours as the app's
figure (lib.charts.analysis_figure)."""
from __future__ import annotations

import numpy as np
from matplotlib.figure import Figure

from lib.charts.analysis_chart import AnalysisChart, AnalysisSeries
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


def _numbers(values) -> np.ndarray:
    """Values as floats, none drawn (None, a hidden share) as NaN."""
    return np.array([np.nan if v is None else v for v in values], dtype=float)


def _whiskers(series: AnalysisSeries) -> np.ndarray | None:
    """matplotlib's [minus, plus] rows, one column a category."""
    return None if series.whiskers is None else np.nan_to_num(np.array(series.whiskers, dtype=float))


def _label(chart: AnalysisChart, series: AnalysisSeries) -> str | None:
    return series.name if series.in_legend and len(chart.series) > 1 else None


def _bars(ax, chart: AnalysisChart) -> None:
    # A hidden value is no bar, not a gap that swallows the stack.
    series = [Bars(_label(chart, s), np.nan_to_num(_numbers(s.values)), s.colour, _whiskers(s)) for s in chart.series]
    draw_bars(ax, chart.categories, series, chart.stacked, chart.sideways, chart.first_on_top)


def _lines_and_dots(ax, chart: AnalysisChart) -> None:
    """Lines over the categories (a projection's years) or dots along them (a weighted share per answer)."""
    positions = np.arange(len(chart.categories))
    lines = chart.kind == "line"
    for series in chart.series:
        values, colour = _numbers(series.values), matplotlib_colour(series.colour)
        xs, ys = (values, positions) if chart.sideways else (positions, values)
        ax.plot(xs, ys, "-o" if lines else "o", color=colour, label=_label(chart, series), linewidth=2.2,
                markersize=5 if lines else 3, alpha=1 if lines else 0.6)
        whiskers = _whiskers(series)
        if whiskers is not None:
            ax.errorbar(xs, ys, fmt="none", ecolor=colour, elinewidth=1, capsize=3,
                        **{"xerr" if chart.sideways else "yerr": whiskers})
    (ax.set_yticks if chart.sideways else ax.set_xticks)(positions, chart.categories)
    if chart.sideways and chart.first_on_top:
        ax.invert_yaxis()


def _value_axis(ax, chart: AnalysisChart) -> None:
    """The value axis's own ticks, range, and zero."""
    if chart.value_ticks is not None:
        (ax.set_xticks if chart.sideways else ax.set_yticks)(*zip(*chart.value_ticks, strict=True))
    limits = ax.set_xlim if chart.sideways else ax.set_ylim
    if chart.value_range is not None:
        limits(*chart.value_range)
    elif chart.from_zero:
        limits(0, None)


def draw_analysis_chart(chart: AnalysisChart, width_in: float = 10.0, height_in: float = 5.6,
                        dpi: int = 130) -> Figure:
    """The chart on a matplotlib Figure of exactly this size, laid out so that no tick labels overlap."""
    with picture_style():
        fig, axes = new_picture(width_in, height_in, dpi)
        ax = axes[0, 0]
        (_bars if chart.kind == "bar" else _lines_and_dots)(ax, chart)
        _value_axis(ax, chart)
        value_grid(ax, chart.sideways, numbers=chart.value_ticks is None)
        if chart.reference is not None:
            reference_line(ax, chart.reference, "", across=not chart.sideways)
        ax.set_xlabel(chart.value_title if chart.sideways else chart.category_title)
        ax.set_ylabel(chart.category_title if chart.sideways else chart.value_title)
        handles, labels = legend_entries(fig)
        if chart.legend_order:  # the legend in the chart's order (an answer scale), not in drawing order
            rank = {name: i for i, name in enumerate(chart.legend_order)}
            pairs = sorted(zip(handles, labels, strict=True), key=lambda pair: rank.get(pair[1], len(rank)))
            handles, labels = [h for h, _ in pairs], [label for _, label in pairs]
        finish_picture(fig, handles, labels, None)
    return fig


def analysis_chart_png(chart: AnalysisChart, width_in: float = 10.0, height_in: float = 5.6, dpi: int = 130) -> bytes:
    """The chart's picture as PNG bytes of exactly width × height."""
    return png_bytes(draw_analysis_chart(chart, width_in, height_in, dpi))
