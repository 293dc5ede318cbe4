"""Charts as PNG pictures drawn on the server with matplotlib, for PDF pages, picture slides and downloads:
the drawing every picture shares.

Plotly's own image export needs kaleido (which downloads a browser), so pictures are drawn with
matplotlib, with the IPAexGothic font that japanize-matplotlib ships (no font download), exactly
the size the slide or page asks for, so their text prints at its nominal size
(lib.charts.picture_layout fits the labels). Each picture is drawn from the description its Plotly
figure is drawn from, never from the figure:

- a saved chart (a ChartSpec) from its ChartData, by lib.charts.chart_picture: every chart type,
  facets, shares, the 全体（市平均など） line;
- an analysis's own chart (survey answers, model effects, projections) from its AnalysisChart, by
  lib.charts.analysis_picture.
"""
from __future__ import annotations

import io
from contextlib import contextmanager
from dataclasses import dataclass

import matplotlib
import matplotlib.ticker
import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.transforms import blended_transform_factory
from plotly.colors import unlabel_rgb

from lib.charts.picture_layout import VALUE_LABEL, add_legend, drop_crowded_value_labels, fit_tick_labels
from lib.fonts import japanese_font
from lib.i18n import format_number

LABELLED_BARS = 20  # up to this many bars carry their value
GRID = {"color": "#dddddd", "linewidth": 0.6}


def matplotlib_colour(colour: str):
    """Plotly's "rgb(r, g, b)" (the palette beyond Okabe-Ito) as matplotlib's 0–1 triple."""
    return tuple(v / 255 for v in unlabel_rgb(colour)) if colour.startswith("rgb") else colour


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
