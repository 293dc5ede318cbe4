"""The app's Plotly figure of an analysis's chart (lib.charts.analysis_chart)."""
from __future__ import annotations

import plotly.graph_objects as go

from lib.charts.analysis_chart import AnalysisChart, AnalysisSeries
from lib.charts.style import FONT

REFERENCE_LINE = {"line_color": "#555555", "line_width": 1}


def _hover(chart: AnalysisChart, series: AnalysisSeries) -> dict:
    if chart.hover_format is None:
        return {}
    value = "customdata" if series.unsigned is not None else "x" if chart.sideways else "y"
    category = "y" if chart.sideways else "x"
    number = f"%{{{value}:{chart.hover_format}}}" if chart.hover_format else f"%{{{value}}}"
    name = series.name if len(chart.series) > 1 else ""
    return {"hovertemplate": f"%{{{category}}}: {number}{chart.unit}<extra>{name}</extra>"}


def _whiskers(chart: AnalysisChart, series: AnalysisSeries) -> dict:
    if series.whiskers is None:
        return {}
    minus, plus = series.whiskers
    whiskers = {"type": "data", "symmetric": False, "array": list(plus), "arrayminus": list(minus)}
    on_bar = chart.kind == "bar"  # dark on a bar, to show on any fill; a dot's own colour around a dot
    whiskers |= {"color": "#333333"} if on_bar else {"color": series.colour, "thickness": 1.5, "width": 4}
    return {"error_x" if chart.sideways else "error_y": whiskers}


def _trace(chart: AnalysisChart, series: AnalysisSeries) -> go.Bar | go.Scatter:
    along = {"y": chart.categories, "x": series.values} if chart.sideways else \
        {"x": chart.categories, "y": series.values}
    common = along | _hover(chart, series) | {"name": series.name or None}
    if not series.in_legend:
        common["showlegend"] = False
    if series.group is not None:
        common["legendgroup"] = series.group
    if series.unsigned is not None:
        common["customdata"] = series.unsigned
    if chart.kind == "bar":
        labels = {"text": series.values, "textposition": "outside"} if series.value_labels else {}
        return go.Bar(**common, **labels, **_whiskers(chart, series),
                      orientation="h" if chart.sideways else "v", marker={"color": series.colour})
    if chart.kind == "line":
        return go.Scatter(**common, mode="lines+markers", line={"color": series.colour})
    return go.Scatter(**common, **_whiskers(chart, series), mode="markers",
                      marker={"color": series.colour, "size": 10, "symbol": series.symbol})


def _axes(chart: AnalysisChart) -> tuple[dict, dict]:
    categories = {"type": "category", "categoryorder": "array", "categoryarray": chart.categories}
    if chart.category_title:
        categories["title"] = {"text": chart.category_title}
    if chart.first_on_top and chart.sideways:
        categories["autorange"] = "reversed"
    values = {"title": {"text": chart.value_title}} if chart.value_title else {}
    if chart.value_ticks is not None:
        values |= {"tickvals": [v for v, _ in chart.value_ticks], "ticktext": [text for _, text in chart.value_ticks]}
    if chart.value_range is not None:
        values["range"] = list(chart.value_range)
    if chart.from_zero:
        values["rangemode"] = "tozero"
    return categories, values


def analysis_figure(chart: AnalysisChart) -> go.Figure:
    categories, values = _axes(chart)
    layout = {"title": {"text": chart.title}, "font": {"family": FONT},
              "yaxis" if chart.sideways else "xaxis": categories, "xaxis" if chart.sideways else "yaxis": values}
    if chart.kind == "bar":
        layout["barmode"] = "relative" if chart.stacked else "group"
    if chart.height is not None:
        layout["height"] = chart.height
    figure = go.Figure([_trace(chart, s) for s in chart.series], layout)
    figure.update_layout(chart.plotly_layout)
    for rank, name in enumerate(chart.legend_order or []):
        figure.update_traces(selector={"name": name}, legendrank=rank)
    if chart.reference is not None:
        if chart.sideways:
            figure.add_vline(x=chart.reference, **REFERENCE_LINE)
        else:
            figure.add_hline(y=chart.reference, **REFERENCE_LINE)
    return figure
