"""Charts as PNG pictures drawn on the server with matplotlib, for PDF pages, picture slides and downloads.

Plotly's own image export needs kaleido (which downloads a browser), so pictures are drawn with
matplotlib, with the IPAexGothic font that japanize-matplotlib ships (no font download), exactly
the size the slide or page asks for, so their text prints at its nominal size
(lib.charts.picture_layout fits the labels). There are two paths:

- A saved chart (a ChartSpec) is drawn from its ChartData by lib.charts.chart_picture, the same
  categories, series, colours and titles its Plotly figure and PowerPoint's own chart are drawn
  from: every chart type, facets, shares, the 全体（市平均など） line.
- An analysis's own Plotly figure (lib.deck.analyses: survey answers, model effects, projections)
  has no ChartData: `chart_png` reads its traces back. Those figures are one panel of bars or of
  lines and dots, with what only they use: error bars, value ticks of their own (a pyramid's, a
  diverging scale's), a legend order (legendrank) and reference lines (the effects' zero line).

This module holds that figure path and the drawing both paths share.
"""
from __future__ import annotations

import io
import re
from contextlib import contextmanager
from dataclasses import dataclass

import matplotlib
import matplotlib.ticker
import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.transforms import blended_transform_factory
from plotly.colors import unlabel_rgb

from lib.charts.chart_data import too_many_to_stand
from lib.charts.picture_layout import VALUE_LABEL, add_legend, drop_crowded_value_labels, fit_tick_labels
from lib.charts.style import trace_colour
from lib.fonts import japanese_font
from lib.i18n import format_number

LABELLED_BARS = 20  # up to this many bars carry their value
GRID = {"color": "#dddddd", "linewidth": 0.6}


def matplotlib_colour(colour: str):
    """Plotly's "rgb(r, g, b)" (the palette beyond Okabe-Ito) as matplotlib's 0–1 triple."""
    return tuple(v / 255 for v in unlabel_rgb(colour)) if colour.startswith("rgb") else colour


def _plain(text: str | None) -> str:
    """Plotly's <b>…</b> and <br> as plain text."""
    return re.sub(r"<[^>]+>", "", (text or "").replace("<br>", "\n"))


# ---------------------------------------------------------------- drawing both paths share

def _style() -> dict:
    return {"font.family": japanese_font().get_name(), "axes.unicode_minus": False,
            "axes.spines.top": False, "axes.spines.right": False, "font.size": 10}


@contextmanager
def picture_style():
    """The Japanese font and the plain axes every picture is drawn (and saved) with."""
    with matplotlib.rc_context(_style()):
        yield


def new_picture(width_in: float, height_in: float, dpi: int, rows: int = 1, columns: int = 1,
                **share) -> tuple[Figure, np.ndarray]:
    """An empty picture of exactly this size and its grid of axes (call inside `picture_style`)."""
    fig = Figure(figsize=(width_in, height_in), dpi=dpi, layout="constrained")
    FigureCanvasAgg(fig)
    return fig, fig.subplots(rows, columns, squeeze=False, **share)


@dataclass
class Bars:
    """One series of bars: its height at each category (0 where it has none)."""
    label: str | None  # its legend entry; None: none
    heights: np.ndarray
    colour: str | list[str]  # one for the series, or one a category (a model's negative effects)
    whiskers: np.ndarray | None = None  # error bars as [minus, plus] rows, one column a category


def draw_bars(ax, categories: list[str], series: list[Bars], stacked: bool, sideways: bool,
              first_on_top: bool) -> None:
    """Grouped or stacked bars, upright or lying; a single series carries its values (up to LABELLED_BARS).
    Stacked bars grow away from zero on each side, as Plotly's relative bars (a pyramid)."""
    positions = np.arange(len(categories))
    width = 0.8 if stacked or len(series) == 1 else 0.8 / len(series)
    above, below = np.zeros(len(categories)), np.zeros(len(categories))
    for index, bars in enumerate(series):
        offset = 0 if stacked or len(series) == 1 else (index - (len(series) - 1) / 2) * width
        base = np.where(bars.heights >= 0, above, below) if stacked else np.zeros(len(categories))
        kwargs = {"left": base} if sideways else {"bottom": base}
        if bars.whiskers is not None and not stacked:
            kwargs["xerr" if sideways else "yerr"] = bars.whiskers
            kwargs["error_kw"] = {"ecolor": "#333333", "capsize": 3, "elinewidth": 1}
        colour = ([matplotlib_colour(c) for c in bars.colour] if isinstance(bars.colour, list)
                  else matplotlib_colour(bars.colour))
        drawn = (ax.barh if sideways else ax.bar)(positions + offset, bars.heights, width, color=colour,
                                                  label=bars.label, **kwargs)
        if len(series) == 1 and len(categories) <= LABELLED_BARS:
            ax.bar_label(drawn, labels=[format_number(h) for h in bars.heights], fontsize=8, padding=2,
                         gid=VALUE_LABEL)
        if stacked:
            above, below = above + np.clip(bars.heights, 0, None), below + np.clip(bars.heights, None, 0)
    (ax.set_yticks if sideways else ax.set_xticks)(positions, categories)
    ax.margins(**{"y" if sideways else "x": 0.01})  # room for one more row of names rather than blank space
    if first_on_top:
        ax.invert_yaxis()


def value_grid(ax, sideways: bool, numbers: bool = True) -> None:
    """Grid lines across the values; their numbers with thousands separators (never 1e+05)."""
    ax.grid(axis="x" if sideways else "y", **GRID)
    ax.set_axisbelow(True)
    if numbers:
        axis = ax.xaxis if sideways else ax.yaxis
        axis.set_major_formatter(matplotlib.ticker.FuncFormatter(lambda v, _pos: f"{v:,.6g}"))


def reference_line(ax, value: float, note: str, across: bool) -> None:
    """A dashed line at one value over the whole panel (the 全体 line), its note outside the bars: in the
    right margin beside a line across, above the axes over an upright one."""
    style = {"color": "#555555", "linestyle": "--", "linewidth": 1.2}
    if across:
        ax.axhline(value, **style)
        where = blended_transform_factory(ax.transAxes, ax.transData)  # right of the bars, never on one
        ax.text(1.01, value, note, transform=where, ha="left", va="center", fontsize=8, color="#333333")
    else:
        ax.axvline(value, **style)
        where = blended_transform_factory(ax.transData, ax.transAxes)
        ax.text(value, 1.0, " " + note if note else "", transform=where, ha="left", va="bottom", fontsize=8,
                color="#333333")


def legend_entries(fig) -> tuple[list, list[str]]:
    """Each legend entry once, in drawing order (facets repeat their series)."""
    handles, labels = [], []
    for ax in fig.axes:
        for handle, label in zip(*ax.get_legend_handles_labels(), strict=True):
            if label not in labels:
                handles.append(handle)
                labels.append(label)
    return handles, labels


def finish_picture(fig, handles: list, labels: list[str], legend_title: str | None) -> None:
    """The legend, then tick labels and numbers on bars fitted so that none overlap."""
    if labels:
        add_legend(fig, handles, labels, legend_title, japanese_font().get_name())
    fit_tick_labels(fig)
    drop_crowded_value_labels(fig)


def png_bytes(fig) -> bytes:
    buffer = io.BytesIO()
    with picture_style():  # tick labels are formatted when drawn
        fig.savefig(buffer, format="png", facecolor="white")
    return buffer.getvalue()


# ---------------------------------------------------------------- an analysis's own figure, read back

def _values(values) -> list:
    """A trace's x as a list: plotly keeps a numpy array as it was given, which `or []` cannot test."""
    return [] if values is None else list(values)


def _category_order(axis, values: list) -> list[str]:
    order = [str(v) for v in axis.categoryarray] if axis.categoryarray else []
    return order or list(dict.fromkeys(str(v) for v in values))


def _whiskers(error, count: int) -> np.ndarray | None:
    """A trace's error bars (Plotly's error_x / error_y of type "data") as matplotlib's [minus, plus] rows, one
    column a point; None when it has none (a model's 95 % intervals, a weighted share's margin)."""
    if error is None or error.visible is False or error.array is None:
        return None
    plus = _values(error.array)
    minus = _values(error.arrayminus) if error.symmetric is False and error.arrayminus is not None else plus
    return np.nan_to_num(np.array([minus[:count], plus[:count]], dtype=float))


def _figure_bars(ax, figure, traces: list, lying: bool) -> None:
    horizontal = traces[0].orientation == "h"
    cats_of = [list(map(str, t.y if horizontal else t.x)) for t in traces]
    category_axis = figure.layout.yaxis if horizontal else figure.layout.xaxis
    categories = _category_order(category_axis, [c for cs in cats_of for c in cs])
    stacked = figure.layout.barmode in ("stack", "relative")
    series = []
    for index, (trace, cats) in enumerate(zip(traces, cats_of, strict=True)):
        lookup = dict(zip(cats, trace.x if horizontal else trace.y, strict=True))
        # A hidden (small-cell) value is drawn as no bar, not as a gap that swallows the stack.
        heights = np.nan_to_num(np.array([lookup.get(c) for c in categories], dtype=float))
        whiskers = _whiskers(trace.error_x if horizontal else trace.error_y, len(cats))
        if whiskers is not None:  # in the drawn order of the categories
            column = {c: i for i, c in enumerate(cats)}
            whiskers = np.array([[row[column[c]] if c in column else 0.0 for c in categories] for row in whiskers])
        label = trace.name if trace.showlegend is not False and len(traces) > 1 else None
        colour = trace_colour(trace, index)
        per_bar = trace.marker.color if trace.marker else None
        if per_bar is not None and not isinstance(per_bar, str):  # one colour a bar, in the drawn order
            by_category = dict(zip(cats, per_bar, strict=True))
            colour = [by_category.get(c, colour) for c in categories]
        series.append(Bars(label, heights, colour, whiskers))
    draw_bars(ax, categories, series, stacked, horizontal or lying,
              first_on_top=lying or category_axis.autorange == "reversed")
    value_axis = figure.layout.xaxis if horizontal else figure.layout.yaxis
    if value_axis.tickvals and value_axis.ticktext:
        (ax.set_xticks if horizontal or lying else ax.set_yticks)(list(value_axis.tickvals), list(value_axis.ticktext))


def _names_along(figure, traces: list, letter: str) -> list[str] | None:
    """The category names along the x or y axis of lines and dots, in the axis's order (None: numbers)."""
    values = [v for t in traces for v in _values(getattr(t, letter))]
    if not any(isinstance(v, str) for v in values[:1]):
        return None
    return _category_order(figure.layout[f"{letter}axis"], values)


def _figure_lines_and_dots(ax, figure, traces: list) -> None:
    """Lines over categories (a projection's years) or dots along them (a weighted share per answer)."""
    across, down = _names_along(figure, traces, "x"), _names_along(figure, traces, "y")
    legend = figure.layout.showlegend is not False and len(figure.data) > 1
    for index, trace in enumerate(traces):
        xs = [across.index(str(v)) for v in trace.x] if across else list(trace.x)
        ys = [down.index(str(v)) for v in trace.y] if down else list(trace.y)
        mode = trace.mode or "markers"
        style = "-o" if "lines" in mode and "markers" in mode else ("-" if "lines" in mode else "o")
        colour = matplotlib_colour(trace_colour(trace, index))
        ax.plot(xs, ys, style, color=colour, label=trace.name if legend and trace.showlegend is not False else None,
                linewidth=2.2, markersize=5 if "lines" in mode else 3, alpha=1 if "lines" in mode else 0.6)
        whiskers_x, whiskers_y = _whiskers(trace.error_x, len(xs)), _whiskers(trace.error_y, len(xs))
        if whiskers_x is not None or whiskers_y is not None:
            ax.errorbar(xs, ys, xerr=whiskers_x, yerr=whiskers_y, fmt="none", ecolor=colour, elinewidth=1, capsize=3)
    if across:
        ax.set_xticks(range(len(across)), across)
    if down:
        ax.set_yticks(range(len(down)), down)
        if figure.layout.yaxis.autorange == "reversed":
            ax.invert_yaxis()
    if figure.layout.yaxis.rangemode == "tozero":
        ax.set_ylim(bottom=0)
    if figure.layout.xaxis.rangemode == "tozero":
        ax.set_xlim(left=0)


def _figure_reference_lines(ax, figure, lying: bool) -> None:
    """The figure's lines at one value across the panel, with their annotation (a model's zero line)."""
    for shape in figure.layout.shapes:
        if shape.type != "line":
            continue
        across = shape.xref == "x domain" and shape.yref == "y" and shape.y0 == shape.y1
        upright = shape.yref == "y domain" and shape.xref == "x" and shape.x0 == shape.x1
        if not (across or upright):
            continue
        value = shape.y0 if across else shape.x0
        note = next((n.text for n in figure.layout.annotations
                     if (across and n.yref == "y" and n.y == value) or (upright and n.xref == "x" and n.x == value)),
                    "")
        reference_line(ax, value, _plain(note), across and not lying)


def draw_chart(figure, width_in: float = 10.0, height_in: float = 5.6, dpi: int = 130) -> Figure:
    """An analysis's Plotly figure (one panel of bars, or of lines and dots) drawn on a matplotlib Figure of
    exactly this size, laid out so that no tick labels overlap."""
    bars = [t for t in figure.data if t.type == "bar"]
    lines_and_dots = [t for t in figure.data if t.type == "scatter"]
    lying = bool(bars) and all(t.orientation != "h" for t in bars) and too_many_to_stand(
        {c for t in bars for c in _category_order(figure.layout.xaxis, _values(t.x))})
    with picture_style():
        fig, axes = new_picture(width_in, height_in, dpi)
        ax = axes[0, 0]
        if bars:
            _figure_bars(ax, figure, bars, lying)
        if lines_and_dots:
            _figure_lines_and_dots(ax, figure, lines_and_dots)
        sideways = lying or any(t.orientation == "h" for t in bars) or \
            _names_along(figure, lines_and_dots, "y") is not None
        explicit_ticks = bool(figure.layout.xaxis.ticktext or figure.layout.yaxis.ticktext)
        value_grid(ax, sideways, numbers=not explicit_ticks)
        _figure_reference_lines(ax, figure, lying)
        x_title, y_title = _plain(figure.layout.xaxis.title.text), _plain(figure.layout.yaxis.title.text)
        ax.set_xlabel(y_title if lying else x_title)
        ax.set_ylabel(x_title if lying else y_title)
        handles, labels = legend_entries(fig)
        ranks = {trace.name: trace.legendrank for trace in figure.data if trace.legendrank is not None}
        if ranks:  # the legend in the figure's order (an answer scale), not in drawing order
            pairs = sorted(zip(handles, labels, strict=True), key=lambda pair: ranks.get(pair[1], 1000))
            handles, labels = [h for h, _ in pairs], [label for _, label in pairs]
        legend_title = figure.layout.legend.title.text if figure.layout.legend.title else None
        finish_picture(fig, handles, labels, _plain(legend_title))
    return fig


def chart_png(figure, width_in: float = 10.0, height_in: float = 5.6, dpi: int = 130) -> bytes:
    """An analysis's figure drawn with matplotlib, as PNG bytes of exactly width × height."""
    return png_bytes(draw_chart(figure, width_in, height_in, dpi))
