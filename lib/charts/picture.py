"""A chart as a PNG drawn on the server with matplotlib, from the same Plotly figure the app shows.

Plotly's own image export needs kaleido (which downloads a browser), so slides and
PDF pages draw the figure's traces with matplotlib instead: bars, lines, markers,
pies, histograms, boxes, heatmaps and KPI numbers, with the IPAexGothic font that
japanize-matplotlib ships (no font download).
"""
from __future__ import annotations

import io
import math

import matplotlib
import matplotlib.ticker
import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from lib.fonts import japanese_font

PALETTE = ["#0072B2", "#E69F00", "#009E73", "#D55E00", "#CC79A7", "#56B4E9", "#F0E442", "#000000"]


def _colour(trace, index: int) -> str:
    marker = getattr(trace, "marker", None)
    colour = getattr(marker, "color", None) if marker is not None else None
    if isinstance(colour, str):
        return colour
    line = getattr(trace, "line", None)
    colour = getattr(line, "color", None) if line is not None else None
    return colour if isinstance(colour, str) else PALETTE[index % len(PALETTE)]


def _style() -> dict:
    return {"font.family": japanese_font().get_name(), "axes.unicode_minus": False,
            "axes.spines.top": False, "axes.spines.right": False, "font.size": 10}


def _panels(figure) -> list[tuple[str, list]]:
    """Traces grouped by the axes they are drawn on (one panel per facet)."""
    panels: dict[str, list] = {}
    for trace in figure.data:
        key = "pie" if trace.type in ("pie", "indicator") else f"{getattr(trace, 'xaxis', None) or 'x'}"
        if trace.type in ("pie", "indicator"):
            key = f"{trace.type}{len(panels)}"
        panels.setdefault(key, []).append(trace)
    return list(panels.items())


def _axis_title(figure, name: str) -> str:
    axis = getattr(figure.layout, name, None)
    return (axis.title.text or "") if axis is not None and axis.title is not None else ""


def _category_order(figure, axis_name: str, values: list) -> list:
    axis = getattr(figure.layout, axis_name, None)
    order = list(axis.categoryarray) if axis is not None and axis.categoryarray else []
    return [str(v) for v in order] or list(dict.fromkeys(str(v) for v in values))


def _draw_bars(ax, figure, traces) -> None:
    horizontal = traces[0].orientation == "h"
    cats_of = [list(map(str, t.y if horizontal else t.x)) for t in traces]
    values_of = [list(t.x if horizontal else t.y) for t in traces]
    categories = _category_order(figure, "yaxis" if horizontal else "xaxis", [c for cs in cats_of for c in cs])
    stacked = figure.layout.barmode in ("stack", "relative")
    positions = np.arange(len(categories))
    width = 0.8 if stacked or len(traces) == 1 else 0.8 / len(traces)
    # Stacked (relative) bars grow away from zero on each side, as Plotly draws them (e.g. a pyramid).
    above, below = np.zeros(len(categories)), np.zeros(len(categories))
    for index, (trace, cats, values) in enumerate(zip(traces, cats_of, values_of)):
        lookup = dict(zip(cats, values))
        heights = np.array([float(lookup[c]) if lookup.get(c) is not None else 0.0 for c in categories])
        offset = 0 if stacked or len(traces) == 1 else (index - (len(traces) - 1) / 2) * width
        base = np.where(heights >= 0, above, below) if stacked else np.zeros(len(categories))
        draw = ax.barh if horizontal else ax.bar
        kwargs = {"left": base} if horizontal else {"bottom": base}
        bars = draw(positions + offset, heights, width, color=_colour(trace, index),
                    label=trace.name if trace.showlegend is not False and len(traces) > 1 else None, **kwargs)
        if len(traces) == 1 and len(categories) <= 20:
            ax.bar_label(bars, labels=[f"{h:,.4g}" for h in heights], fontsize=8, padding=2)
        if stacked:
            above, below = above + np.clip(heights, 0, None), below + np.clip(heights, None, 0)
    category_axis = figure.layout.yaxis if horizontal else figure.layout.xaxis
    value_axis = figure.layout.xaxis if horizontal else figure.layout.yaxis
    if horizontal:
        ax.set_yticks(positions, categories)
        if category_axis.autorange == "reversed":
            ax.invert_yaxis()
    else:
        ax.set_xticks(positions, categories, rotation=45 if len(categories) > 8 else 0,
                      ha="right" if len(categories) > 8 else "center")
    if value_axis.tickvals and value_axis.ticktext:
        (ax.set_xticks if horizontal else ax.set_yticks)(list(value_axis.tickvals), list(value_axis.ticktext))


def _draw_scatter(ax, figure, traces) -> None:
    categorical = any(isinstance(v, str) for t in traces for v in (t.x or [])[:1])
    order = _category_order(figure, "xaxis", [v for t in traces for v in t.x]) if categorical else None
    for index, trace in enumerate(traces):
        xs = [order.index(str(v)) for v in trace.x] if order else list(trace.x)
        mode = trace.mode or "markers"
        style = "-o" if "lines" in mode and "markers" in mode else ("-" if "lines" in mode else "o")
        ax.plot(xs, list(trace.y), style, color=_colour(trace, index), label=trace.name if trace.showlegend else None,
                linewidth=2.2, markersize=5 if "lines" in mode else 3, alpha=1 if "lines" in mode else 0.6)
    if order:
        ax.set_xticks(range(len(order)), order)


def _draw(ax, figure, traces) -> None:
    kind = traces[0].type
    if kind == "bar":
        _draw_bars(ax, figure, traces)
    elif kind == "scatter":
        _draw_scatter(ax, figure, traces)
    elif kind == "histogram":
        for index, trace in enumerate(traces):
            ax.hist([v for v in trace.x if v is not None], bins=trace.nbinsx or 20, color=_colour(trace, index),
                    alpha=0.8, label=trace.name or None)
    elif kind == "box":
        groups = [[v for v in t.y if v is not None] for t in traces]
        ax.boxplot(groups, tick_labels=[t.name or "" for t in traces])
    elif kind == "heatmap":
        trace = traces[0]
        image = ax.imshow(np.array(trace.z, dtype=float), aspect="auto", cmap="YlGnBu")
        ax.set_xticks(range(len(trace.x)), [str(v) for v in trace.x], rotation=45, ha="right")
        ax.set_yticks(range(len(trace.y)), [str(v) for v in trace.y])
        ax.figure.colorbar(image, ax=ax)
    elif kind == "pie":
        trace = traces[0]
        colours = list(trace.marker.colors) if trace.marker and trace.marker.colors else None
        ax.pie(list(trace.values), labels=[str(v) for v in trace.labels], colors=colours, autopct="%1.1f%%",
               startangle=90, counterclock=False, wedgeprops={"width": 0.55} if trace.hole else None,
               textprops={"fontsize": 9})
        ax.axis("equal")
    elif kind == "indicator":
        trace = traces[0]
        ax.text(0.5, 0.5, f"{trace.value:,.4g}", ha="center", va="center", fontsize=40, color="#0b6e4f")
        ax.axis("off")


def draw_chart(figure, width_in: float = 10.0, height_in: float = 5.6, dpi: int = 130,
               with_title: bool = False) -> Figure:
    """The Plotly figure's traces drawn on a matplotlib Figure (laid out and drawn once)."""
    panels = _panels(figure)
    columns = min(len(panels), 3)
    rows = math.ceil(len(panels) / columns)
    with matplotlib.rc_context(_style()):
        fig = Figure(figsize=(width_in, height_in), dpi=dpi)
        FigureCanvasAgg(fig)
        axes = fig.subplots(rows, columns, squeeze=False)
        for ax, (_, traces) in zip(axes.flat, panels):
            _draw(ax, figure, traces)
            if traces[0].type in ("bar", "scatter", "histogram", "box"):
                ax.grid(axis="x" if traces[0].type == "bar" and traces[0].orientation == "h" else "y",
                        color="#dddddd", linewidth=0.6)
                ax.set_axisbelow(True)
        for ax in list(axes.flat)[len(panels):]:
            ax.axis("off")
        for ax, (_, traces) in zip(axes.flat, panels):
            if traces[0].type == "scatter" and figure.layout.yaxis.rangemode == "tozero":
                ax.set_ylim(bottom=0)
            explicit_ticks = figure.layout.xaxis.ticktext or figure.layout.yaxis.ticktext
            if traces[0].type in ("bar", "scatter") and not explicit_ticks:
                horizontal = traces[0].type == "bar" and traces[0].orientation == "h"
                axis = ax.xaxis if horizontal else ax.yaxis
                axis.set_major_formatter(matplotlib.ticker.FuncFormatter(lambda v, _pos: f"{v:,.6g}"))
        first = axes.flat[0]
        if panels and panels[0][1][0].type not in ("pie", "indicator"):
            first.set_xlabel(_axis_title(figure, "xaxis"))
            first.set_ylabel(_axis_title(figure, "yaxis"))
        handles, labels = first.get_legend_handles_labels()
        if labels:
            legend_title = figure.layout.legend.title.text if figure.layout.legend.title else None
            fig.legend(handles, labels, loc="upper left", bbox_to_anchor=(1.0, 0.95), title=legend_title,
                       frameon=False)
        if with_title and figure.layout.title.text:
            fig.suptitle(figure.layout.title.text, x=0.01, ha="left", fontsize=12)
        fig.tight_layout()
        fig.canvas.draw()
    return fig


def chart_png(figure, width_in: float = 10.0, height_in: float = 5.6, dpi: int = 130,
              with_title: bool = False) -> bytes:
    """The figure's traces drawn with matplotlib, as PNG bytes."""
    fig = draw_chart(figure, width_in, height_in, dpi, with_title)
    buffer = io.BytesIO()
    with matplotlib.rc_context(_style()):  # tick labels are formatted when drawn
        fig.savefig(buffer, format="png", bbox_inches="tight", facecolor="white")
    return buffer.getvalue()
