"""A chart as a PNG drawn on the server with matplotlib, from the same Plotly figure the app shows.

Plotly's own image export needs kaleido (which downloads a browser), so slides and
PDF pages draw the figure's traces with matplotlib instead: bars, lines, markers,
pies, histograms, boxes, heatmaps and KPI numbers, with the IPAexGothic font that
japanize-matplotlib ships (no font download). The picture carries what the app's chart
says: axis titles, facet titles, the 市平均 line. It is exactly the size the slide asks
for, so its text prints at its nominal size; lib.charts.picture_layout fits the labels.
"""
from __future__ import annotations

import io
import math
import re

import matplotlib
import matplotlib.ticker
import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.transforms import blended_transform_factory
from plotly.colors import unlabel_rgb

from lib.charts.picture_layout import VALUE_LABEL, add_legend, drop_crowded_value_labels, fit_tick_labels
from lib.charts.style import trace_colour
from lib.fonts import japanese_font
from lib.i18n import format_number

MANY_CATEGORIES = 12  # more upright bars or boxes than this, with long names, are drawn lying down
SHORT_NAME = 5  # characters: a year or an age band ("10-14"), which reads well upright
LABELLED_BARS = 20  # up to this many bars carry their value


def _matplotlib_colour(colour: str):
    """Plotly's "rgb(r, g, b)" (the palette beyond Okabe-Ito) as matplotlib's 0–1 triple."""
    return tuple(v / 255 for v in unlabel_rgb(colour)) if colour.startswith("rgb") else colour


def _colour(trace, index: int):
    return _matplotlib_colour(trace_colour(trace, index))


def _style() -> dict:
    return {"font.family": japanese_font().get_name(), "axes.unicode_minus": False,
            "axes.spines.top": False, "axes.spines.right": False, "font.size": 10}


def _plain(text: str | None) -> str:
    """Plotly's <b>…</b> and <br> as plain text."""
    return re.sub(r"<[^>]+>", "", (text or "").replace("<br>", "\n"))


def _panels(figure) -> list[list]:
    """Traces grouped by the axes they are drawn on (one panel per facet; one per pie or number)."""
    panels: dict[str, list] = {}
    for index, trace in enumerate(figure.data):
        key = f"{trace.type}{index}" if trace.type in ("pie", "indicator") else (trace.xaxis or "x")
        panels.setdefault(key, []).append(trace)
    return list(panels.values())


def _values(values) -> list:
    """A trace's x as a list: plotly keeps a numpy array as it was given, which `or []` cannot test."""
    return [] if values is None else list(values)


def _axis(figure, trace, letter: str):
    """The layout axis a trace is drawn on: ("x2", "x") → layout.xaxis2."""
    ref = getattr(trace, f"{letter}axis", None) or letter
    return figure.layout[f"{letter}axis{ref[1:]}"]


def _category_order(axis, values: list) -> list[str]:
    order = [str(v) for v in axis.categoryarray] if axis.categoryarray else []
    return order or list(dict.fromkeys(str(v) for v in values))


def _lies_down(figure) -> bool:
    """Upright bars or boxes with many long names (町丁目): drawn lying down, one name per row.
    Short names (years, age bands) stay upright and turn if they must."""
    traces = [t for t in figure.data if t.type in ("bar", "box")]
    if not traces or any(t.type == "bar" and t.orientation == "h" for t in traces):
        return False
    if traces[0].type == "box":  # one box per category, on every facet
        names = {str(t.name) for t in traces}
    else:
        names = {c for t in traces for c in _category_order(_axis(figure, t, "x"), _values(t.x))}
    return too_many_to_stand(names)


def too_many_to_stand(names) -> bool:
    """Many long category names (町丁目) read only lying down, one per row (pictures and PowerPoint)."""
    names = [str(n) for n in names]
    return len(names) > MANY_CATEGORIES and max(map(len, names)) > SHORT_NAME


# ---------------------------------------------------------------- one panel's traces

def _whiskers(error, count: int) -> np.ndarray | None:
    """A trace's error bars (Plotly's error_x / error_y of type "data") as matplotlib's [minus, plus] rows, one
    column a point; None when it has none (a model's 95 % intervals, a weighted share's margin)."""
    if error is None or error.visible is False or error.array is None:
        return None
    plus = _values(error.array)
    minus = _values(error.arrayminus) if error.symmetric is False and error.arrayminus is not None else plus
    return np.nan_to_num(np.array([minus[:count], plus[:count]], dtype=float))


def _draw_bars(ax, figure, traces, lying: bool) -> None:
    horizontal = traces[0].orientation == "h"
    cats_of = [list(map(str, t.y if horizontal else t.x)) for t in traces]
    values_of = [list(t.x if horizontal else t.y) for t in traces]
    category_axis = _axis(figure, traces[0], "y" if horizontal else "x")
    categories = _category_order(category_axis, [c for cs in cats_of for c in cs])
    heights_of = []
    for cats, values in zip(cats_of, values_of, strict=True):
        lookup = dict(zip(cats, values, strict=True))
        # A hidden (small-cell) value is drawn as no bar, not as a gap that swallows the stack.
        heights_of.append(np.nan_to_num(np.array([lookup.get(c) for c in categories], dtype=float)))
    if figure.layout.barnorm == "percent":
        totals = np.sum(np.abs(heights_of), axis=0)
        heights_of = [np.divide(100 * h, totals, out=np.zeros_like(h), where=totals > 0) for h in heights_of]
    stacked = figure.layout.barmode in ("stack", "relative")
    sideways = horizontal or lying
    positions = np.arange(len(categories))
    width = 0.8 if stacked or len(traces) == 1 else 0.8 / len(traces)
    # Stacked (relative) bars grow away from zero on each side, as Plotly draws them (e.g. a pyramid).
    above, below = np.zeros(len(categories)), np.zeros(len(categories))
    for index, (trace, heights) in enumerate(zip(traces, heights_of, strict=True)):
        offset = 0 if stacked or len(traces) == 1 else (index - (len(traces) - 1) / 2) * width
        base = np.where(heights >= 0, above, below) if stacked else np.zeros(len(categories))
        draw = ax.barh if sideways else ax.bar
        kwargs = {"left": base} if sideways else {"bottom": base}
        whiskers = None if stacked else _whiskers(trace.error_x if horizontal else trace.error_y, len(cats_of[index]))
        if whiskers is not None:  # in the drawn order of the categories
            column = {c: i for i, c in enumerate(cats_of[index])}
            kwargs["xerr" if sideways else "yerr"] = np.array(
                [[row[column[c]] if c in column else 0.0 for c in categories] for row in whiskers])
            kwargs["error_kw"] = {"ecolor": "#333333", "capsize": 3, "elinewidth": 1}
        bars = draw(positions + offset, heights, width, color=_colour(trace, index),
                    label=trace.name if trace.showlegend is not False and len(traces) > 1 else None, **kwargs)
        if len(traces) == 1 and len(categories) <= LABELLED_BARS:
            ax.bar_label(bars, labels=[format_number(h) for h in heights], fontsize=8, padding=2, gid=VALUE_LABEL)
        if stacked:
            above, below = above + np.clip(heights, 0, None), below + np.clip(heights, None, 0)
    (ax.set_yticks if sideways else ax.set_xticks)(positions, categories)
    ax.margins(**{"y" if sideways else "x": 0.01})  # room for one more row of names rather than blank space
    if lying or category_axis.autorange == "reversed":
        ax.invert_yaxis()  # the first category on top, as Plotly's ranked bars and as the upright ones read
    value_axis = _axis(figure, traces[0], "x" if horizontal else "y")
    if value_axis.tickvals and value_axis.ticktext:
        (ax.set_xticks if sideways else ax.set_yticks)(list(value_axis.tickvals), list(value_axis.ticktext))


def _draw_scatter(ax, figure, traces) -> None:
    categorical = any(isinstance(v, str) for t in traces for v in _values(t.x)[:1])
    order = _category_order(_axis(figure, traces[0], "x"), [v for t in traces for v in t.x]) if categorical else None
    for index, trace in enumerate(traces):
        xs = [order.index(str(v)) for v in trace.x] if order else list(trace.x)
        mode = trace.mode or "markers"
        style = "-o" if "lines" in mode and "markers" in mode else ("-" if "lines" in mode else "o")
        ax.plot(xs, list(trace.y), style, color=_colour(trace, index), label=trace.name if trace.showlegend else None,
                linewidth=2.2, markersize=5 if "lines" in mode else 3, alpha=1 if "lines" in mode else 0.6)
        across, up = _whiskers(trace.error_x, len(xs)), _whiskers(trace.error_y, len(xs))
        if across is not None or up is not None:
            ax.errorbar(xs, list(trace.y), xerr=across, yerr=up, fmt="none", ecolor=_colour(trace, index),
                        elinewidth=1, capsize=3)
    if order:
        ax.set_xticks(range(len(order)), order)


def _draw_boxes(ax, traces, lying: bool) -> None:
    groups = [[v for v in t.y if v is not None] for t in traces]
    ax.boxplot(groups, tick_labels=[t.name or "" for t in traces],
               orientation="horizontal" if lying else "vertical")
    if lying:
        ax.invert_yaxis()


def _draw_heatmap(ax, figure, trace) -> None:
    image = ax.imshow(np.array(trace.z, dtype=float), aspect="auto", cmap="cividis")  # Plotly's Cividis
    ax.set_xticks(range(len(trace.x)), [str(v) for v in trace.x])
    ax.set_yticks(range(len(trace.y)), [str(v) for v in trace.y])
    bar = ax.figure.colorbar(image, ax=ax)
    bar.set_label(_plain(trace.colorbar.title.text if trace.colorbar and trace.colorbar.title else ""))


def _draw_pie(ax, trace) -> None:
    colours = [_matplotlib_colour(c) for c in trace.marker.colors] if trace.marker and trace.marker.colors else None
    many = len(trace.labels) > 8  # the names go to the legend; only the larger slices say their share
    ax.pie(list(trace.values), labels=None if many else [str(v) for v in trace.labels], colors=colours,
           autopct=(lambda pct: f"{pct:.1f}%" if pct >= 4 else "") if many else "%1.1f%%",
           startangle=90, counterclock=False, wedgeprops={"width": 0.55} if trace.hole else None,
           textprops={"fontsize": 9})
    if many:
        for wedge, label in zip(ax.patches, trace.labels, strict=True):
            wedge.set_label(str(label))
    ax.axis("equal")


def _draw(ax, figure, traces, lying: bool) -> None:
    kind = traces[0].type
    if kind == "bar":
        _draw_bars(ax, figure, traces, lying)
    elif kind == "scatter":
        _draw_scatter(ax, figure, traces)
    elif kind == "histogram":
        for index, trace in enumerate(traces):
            ax.hist([v for v in trace.x if v is not None], bins=trace.nbinsx or 20, color=_colour(trace, index),
                    alpha=0.8, label=trace.name if trace.showlegend else None)
    elif kind == "box":
        _draw_boxes(ax, traces, lying)
    elif kind == "heatmap":
        _draw_heatmap(ax, figure, traces[0])
    elif kind == "pie":
        _draw_pie(ax, traces[0])
    elif kind == "indicator":
        trace = traces[0]
        suffix = trace.number.suffix if trace.number and trace.number.suffix else ""
        ax.text(0.5, 0.5, format_number(trace.value) + suffix, ha="center", va="center", fontsize=40,
                color="#0b6e4f")
        if trace.title and trace.title.text:  # a change's years and values
            ax.text(0.5, 0.2, _plain(trace.title.text), ha="center", va="center", fontsize=11, color="#333333")
        ax.axis("off")
    if kind in ("bar", "scatter", "histogram", "box"):
        sideways = lying or (kind == "bar" and traces[0].orientation == "h")
        ax.grid(axis="x" if sideways else "y", color="#dddddd", linewidth=0.6)
        ax.set_axisbelow(True)
        explicit_ticks = any(_axis(figure, traces[0], letter).ticktext for letter in "xy")
        if kind in ("bar", "scatter") and not explicit_ticks:
            axis = ax.xaxis if sideways else ax.yaxis
            axis.set_major_formatter(matplotlib.ticker.FuncFormatter(lambda v, _pos: f"{v:,.6g}"))
        if kind == "scatter" and _axis(figure, traces[0], "y").rangemode == "tozero":
            ax.set_ylim(bottom=0)


# ---------------------------------------------------------------- what the chart says around its traces

def _panel_title(figure, traces) -> str:
    """A facet's title: the annotation Plotly sets on top of the panel's domain."""
    trace = traces[0]
    if trace.type in ("pie", "indicator"):
        domain_x, domain_y = trace.domain.x, trace.domain.y
    else:
        domain_x, domain_y = _axis(figure, trace, "x").domain, _axis(figure, trace, "y").domain
    if not domain_x or not domain_y:
        return ""
    for note in figure.layout.annotations:
        if note.xref == "paper" and note.x is not None and note.y is not None and \
                math.isclose(note.x, sum(domain_x) / 2) and math.isclose(note.y, domain_y[1]):
            return _plain(note.text)
    return ""


def _axis_titles(figure, panels) -> tuple[str, str]:
    """The x and y titles of the figure (on a facet grid, the outer panels carry them)."""
    titles = {}
    for letter in "xy":
        texts = [_axis(figure, traces[0], letter).title.text for traces in panels
                 if traces[0].type not in ("pie", "indicator")]
        titles[letter] = _plain(next((text for text in texts if text), ""))
    return titles["x"], titles["y"]


def _reference_lines(ax, figure, traces, lying: bool) -> None:
    """Lines across the whole panel at one value (the 市平均 line), with their annotation."""
    x_ref, y_ref = traces[0].xaxis or "x", traces[0].yaxis or "y"
    for shape in figure.layout.shapes:
        if shape.type != "line":
            continue
        across = shape.xref == f"{x_ref} domain" and shape.yref == y_ref and shape.y0 == shape.y1
        upright = shape.yref == f"{y_ref} domain" and shape.xref == x_ref and shape.x0 == shape.x1
        if not (across or upright):
            continue
        value = shape.y0 if across else shape.x0
        note = next((n.text for n in figure.layout.annotations
                     if (across and n.yref == y_ref and n.y == value) or (upright and n.xref == x_ref and n.x == value)),
                    "")
        style = {"color": "#555555", "linestyle": "--", "linewidth": 1.2}
        if across and not lying:
            ax.axhline(value, **style)
            where = blended_transform_factory(ax.transAxes, ax.transData)  # right of the bars, never on one
            ax.text(1.01, value, _plain(note), transform=where, ha="left", va="center", fontsize=8, color="#333333")
        else:
            ax.axvline(value, **style)
            where = blended_transform_factory(ax.transData, ax.transAxes)
            ax.text(value, 1.0, " " + _plain(note), transform=where, ha="left", va="bottom", fontsize=8,
                    color="#333333")


def _legend_entries(fig) -> tuple[list, list[str]]:
    handles, labels = [], []
    for ax in fig.axes:
        for handle, label in zip(*ax.get_legend_handles_labels(), strict=True):
            if label not in labels:
                handles.append(handle)
                labels.append(label)
    return handles, labels


def draw_chart(figure, width_in: float = 10.0, height_in: float = 5.6, dpi: int = 130,
               with_title: bool = False) -> Figure:
    """The Plotly figure drawn on a matplotlib Figure of exactly this size, laid out so that no
    tick labels overlap."""
    panels = _panels(figure)
    columns = min(len(panels), 3)
    rows = math.ceil(len(panels) / columns)
    lying = _lies_down(figure)
    shared = any(figure.layout[key].matches for key in figure.layout if key.startswith("yaxis"))
    with matplotlib.rc_context(_style()):
        fig = Figure(figsize=(width_in, height_in), dpi=dpi, layout="constrained")
        FigureCanvasAgg(fig)
        axes = fig.subplots(rows, columns, squeeze=False, sharex=shared and lying, sharey=shared and not lying)
        for ax, traces in zip(axes.flat, panels, strict=False):  # the last row may have spare axes, hidden below
            _draw(ax, figure, traces, lying)
            if traces[0].type not in ("pie", "indicator"):
                _reference_lines(ax, figure, traces, lying)
            if len(panels) > 1:
                ax.set_title(_panel_title(figure, traces), fontsize=10)
        for ax in list(axes.flat)[len(panels):]:
            ax.axis("off")
        if panels and panels[0][0].type not in ("pie", "indicator"):
            x_title, y_title = _axis_titles(figure, panels)
            if lying:
                x_title, y_title = y_title, x_title
            if len(panels) > 1:
                fig.supxlabel(x_title, fontsize=10)
                fig.supylabel(y_title, fontsize=10)
            else:
                axes.flat[0].set_xlabel(x_title)
                axes.flat[0].set_ylabel(y_title)
        if with_title and figure.layout.title.text:
            fig.suptitle(_plain(figure.layout.title.text), x=0.01, ha="left", fontsize=12)
        handles, labels = _legend_entries(fig)
        ranks = {trace.name: trace.legendrank for trace in figure.data if trace.legendrank is not None}
        if ranks:  # the legend in the figure's order (an answer scale), not in drawing order
            pairs = sorted(zip(handles, labels, strict=True), key=lambda pair: ranks.get(pair[1], 1000))
            handles, labels = [h for h, _ in pairs], [label for _, label in pairs]
        if labels:
            legend_title = figure.layout.legend.title.text if figure.layout.legend.title else None
            add_legend(fig, handles, labels, _plain(legend_title), japanese_font().get_name())
        fit_tick_labels(fig)
        drop_crowded_value_labels(fig)
    return fig


def chart_png(figure, width_in: float = 10.0, height_in: float = 5.6, dpi: int = 130,
              with_title: bool = False) -> bytes:
    """The figure's traces drawn with matplotlib, as PNG bytes of exactly width × height."""
    fig = draw_chart(figure, width_in, height_in, dpi, with_title)
    buffer = io.BytesIO()
    with matplotlib.rc_context(_style()):  # tick labels are formatted when drawn
        fig.savefig(buffer, format="png", facecolor="white")
    return buffer.getvalue()
