"""An analysis's own chart (survey answers, a model's effects, a projection) described once: one panel of
bars, of lines or of dots over named categories.

lib.charts.analysis_figure draws the app's Plotly figure from it and lib.charts.analysis_picture the picture of
a PDF page or picture slide, so both show the same categories in the same order and the same series in the same
colours; nothing reads a finished figure back (a saved chart's description is lib.charts.chart_data).
"""
from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class AnalysisSeries:
    """One series along the chart's categories."""
    name: str  # its legend entry ("" when the chart has one series)
    values: list  # the drawn value at each category, signed where it is drawn leftwards; None or NaN: none drawn
    colour: str | list[str]  # one colour, or one a category (a model's negative effects)
    unsigned: list | None = None  # the values as read on hover where the drawn ones are signed (a pyramid's left)
    whiskers: tuple[list, list] | None = None  # an interval's reach below and above each value
    in_legend: bool = True  # False: the legend names it already (the neutral answer's left half)
    group: str | None = None  # series the app's legend shows and hides together
    symbol: str = "circle"  # a dot's marker (Plotly's symbol names)
    value_labels: bool = False  # each bar carries its value in the app


@dataclass
class AnalysisChart:
    kind: str  # "bar", "line" (lines with markers) or "dots"
    categories: list[str]  # in drawing order: left to right, or bottom to top (first_on_top: top to bottom)
    series: list[AnalysisSeries]
    title: str
    category_title: str = ""
    value_title: str = ""
    sideways: bool = False  # categories down the side, values across
    first_on_top: bool = False
    stacked: bool = False  # bars grow away from zero on each side (a diverging scale); else side by side
    value_ticks: list[tuple[float, str]] | None = None  # the value axis's own ticks (a pyramid counts both ways)
    value_range: tuple[float, float] | None = None
    from_zero: bool = False  # the value axis starts at zero
    reference: float | None = None  # a line at this value across the panel (a model's zero)
    legend_order: list[str] | None = None  # legend entries in this order, not drawing order (an answer scale)
    hover_format: str | None = None  # a value on hover as this d3 format ("" as it is); None: Plotly's own hover
    unit: str = ""  # written after a value on hover
    height: int | None = None  # of the app's figure, in pixels
    plotly_layout: dict = field(default_factory=dict)  # the app's look alone: template, margins, legend place
