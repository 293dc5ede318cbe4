"""What an editable (native) PowerPoint chart needs: categories and one list of values per series.

A saved chart's series come from its ChartData (`native_series`), the same the app's figure is
drawn from; an analysis (lib.deck.analyses) may give its own; lib.deck.to_pptx draws it with python-pptx.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from lib.charts.chart_data import ChartData, too_many_to_stand

NATIVE_CHART_TYPES = ("bar", "ranked_bar", "line", "pie")
GROUPINGS = {"stacked": "stacked", "percent": "percent"}  # the bar mode → PowerPoint's grouping


@dataclass
class ChartSeries:
    kind: str  # "column", "bar" (horizontal), "line", "pie", "doughnut"
    categories: list[str]
    series: list[tuple[str, list[float | None]]]
    grouping: str = "clustered"  # clustered / stacked / percent
    value_title: str = ""
    category_title: str = ""
    top_first: bool = False  # horizontal bars listed from the top
    colours: list[str] = field(default_factory=list)  # as the app draws them: one per series (per slice of a pie)
    # A diverging answer scale (5-level Likert): stacked bars whose FIRST series is an unseen spacer that puts
    # the middle of the neutral answer at the middle of the value axis (0–2 × `centre`); the others are the
    # answers' shares in scale order, each labelled with its share. PowerPoint stacks negative values from
    # zero outwards in series order, so bars left of zero cannot list the answers in scale order: a spacer can.
    diverging_centre: float | None = None


def _aligned(categories: list[str], at: list, values: list[float]) -> list[float | None]:
    """A series' values at every category of the chart (None where it has none or hides it)."""
    lookup = dict(zip((str(c) for c in at), values, strict=True))
    return [None if lookup.get(c) is None or pd.isna(lookup[c]) else float(lookup[c]) for c in categories]


def native_series(data: ChartData) -> ChartSeries | None:
    """The series of a bar / ranked bar / line / pie chart (None for other charts and facets)."""
    kind = data.chart_type
    if kind not in NATIVE_CHART_TYPES or data.spec.facet:
        return None
    drawn = data.panels[0].series
    if not drawn:
        return None
    if kind == "pie":
        pie = drawn[0]
        return ChartSeries("doughnut" if data.spec.options.get("donut") else "pie", [str(c) for c in pie.categories],
                           [("", list(pie.values))], colours=[data.slice_colours[c] for c in pie.categories])
    categories = [str(c) for c in (data.categories or drawn[0].categories)]
    series = [(s.name if s.name is not None else (data.value_title if kind != "line" else ""),
               _aligned(categories, s.categories, s.values)) for s in drawn]
    grouping = GROUPINGS.get(data.bar_mode, "clustered") if len(series) > 1 else "clustered"
    horizontal = data.horizontal
    if kind != "line" and not horizontal and too_many_to_stand(categories):
        horizontal = True  # 46 町丁目 under upright bars would be unreadable: they lie down, as in pictures
    return ChartSeries("line" if kind == "line" else ("bar" if horizontal else "column"), categories, series,
                       grouping, data.value_title, data.category_title, top_first=horizontal,
                       colours=[s.colour for s in drawn])
