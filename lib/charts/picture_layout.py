"""Tick labels and legends that fit a chart picture of a fixed size (a slide's or a PDF page's box).

The deck gives a chart a box of a few inches; with the demo city's 46 町丁目, names at
matplotlib's default size overlap. Tick labels are shrunk (down to SMALLEST_PT), x labels
turned upright, and only then thinned; a legend of many series goes below the chart in
as many columns as fit, and names how many it had to leave out.
"""
from __future__ import annotations

import math

import numpy as np
from matplotlib.font_manager import FontProperties
from matplotlib.lines import Line2D
from matplotlib.ticker import FixedLocator

SMALLEST_PT = 5.0  # still legible on a printed A4 page
TURN_BELOW_PT = 7.0  # x labels that would need a smaller size than this are turned upright instead
RIGHT_LEGEND_MAX = 10  # more series than this: the legend goes below the chart, in columns
LEGEND_SHARE = 0.3  # of the picture's height, at most, for a legend below the chart
VALUE_LABEL = "value-label"  # the gid of the numbers drawn on bars
FIT_ROUNDS = 8  # layouts tried at most; shrinking converges in two or three


def _fit_axis(axis, renderer) -> bool:
    """One step towards tick labels that do not overlap; False when they already fit (or cannot)."""
    labels = [label for label in axis.get_ticklabels() if label.get_visible() and label.get_text()]
    if len(labels) < 2:
        return False
    along_x = axis.axis_name == "x"
    boxes = [label.get_window_extent(renderer) for label in labels]
    centres = sorted((box.x0 + box.x1) / 2 if along_x else (box.y0 + box.y1) / 2 for box in boxes)
    pitch = float(np.min(np.diff(centres)))
    size = labels[0].get_fontsize()
    # Stacked labels may touch (a box is a whole em, the ink is smaller); side by side they need a space.
    need = max(box.width if along_x else box.height for box in boxes)
    if along_x and labels[0].get_rotation() == 0:
        need += 0.5 * size * renderer.dpi / 72
    if need <= pitch:
        return False
    fitting = 0.95 * size * pitch / need  # a little under: the layout shifts when labels shrink
    if along_x and labels[0].get_rotation() == 0 and fitting < TURN_BELOW_PT:
        axis.set_tick_params(labelrotation=90)
        return True
    if size > SMALLEST_PT:
        axis.set_tick_params(labelsize=max(SMALLEST_PT, fitting))
        return True
    if isinstance(axis.get_major_locator(), FixedLocator):  # categories: name every n-th
        step = math.ceil(need / pitch)
        ticks, texts = axis.get_ticklocs(), [label.get_text() for label in axis.get_ticklabels()]
        axis.set_ticks(ticks[::step], texts[::step])
        return True
    return False


def fit_tick_labels(fig) -> None:
    """Shrink, turn or thin each axis's tick labels until no two overlap (laid out again each round)."""
    for _ in range(FIT_ROUNDS):
        fig.draw_without_rendering()
        renderer = fig.canvas.get_renderer()
        changed = [_fit_axis(axis, renderer) for ax in fig.axes for axis in (ax.xaxis, ax.yaxis)]
        if not any(changed):
            return


def drop_crowded_value_labels(fig) -> None:
    """The numbers on a panel's bars, left out where two would touch (the value axis still reads them)."""
    renderer = fig.canvas.get_renderer()
    for ax in fig.axes:
        labels = [text for text in ax.texts if text.get_gid() == VALUE_LABEL]
        boxes = [label.get_window_extent(renderer) for label in labels]
        if any(a.overlaps(b) for i, a in enumerate(boxes) for b in boxes[i + 1:]):
            for label in labels:
                label.remove()


def _text_width_pt(renderer, text: str, size: float, family: str) -> float:
    width, _, _ = renderer.get_text_width_height_descent(text, FontProperties(family=family, size=size), False)
    return width * 72 / renderer.dpi


def add_legend(fig, handles: list, labels: list[str], title: str | None, family: str) -> None:
    """A legend beside the chart, or for many series below it in columns (capped with "… +n")."""
    if len(labels) <= RIGHT_LEGEND_MAX:
        fig.legend(handles, labels, loc="outside right upper", title=title or None, frameon=False,
                   fontsize=9, title_fontsize=9)
        return
    renderer = fig.canvas.get_renderer()
    width_pt, height_pt = fig.get_figwidth() * 72 * 0.95, fig.get_figheight() * 72 * LEGEND_SHARE
    for size in (8.0, 7.0, 6.0):
        # handle, text pad and column gap, in font sizes (handlelength 1.5 + 0.8 + columnspacing 1.0)
        entry = max(_text_width_pt(renderer, label, size, family) for label in labels) + 3.6 * size
        columns = max(1, int(width_pt // entry))
        rows = max(1, int(height_pt // (1.6 * size)) - (1 if title else 0))
        if columns * rows >= len(labels):
            break
    room = columns * rows
    if len(labels) > room:
        left_out = len(labels) - room + 1
        handles = handles[:room - 1] + [Line2D([], [], linestyle="none")]
        labels = labels[:room - 1] + [f"… +{left_out}"]
    fig.legend(handles, labels, loc="outside lower center", ncols=columns, title=title or None, frameon=False,
               fontsize=size, title_fontsize=size, handlelength=1.5, columnspacing=1.0)
