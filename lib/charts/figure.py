"""A chart's data (lib.charts.chart_data) → a Plotly figure.

Figures are assembled as plain trace and layout dicts and handed to Plotly
without its per-property validation (which costs more than the whole query
on a million rows); the tests validate every chart type once. Categories, series, their colours and
titles come drawn-ready from ChartData, which PowerPoint's own charts draw from too; font and
palette from lib.charts.style.

One module on purpose: one small drawer per chart type (ten) sharing the private grid and axis
helpers; split, those helpers would become API.
"""
from __future__ import annotations

import math

import numpy as np
import pandas as pd
import plotly.graph_objects as go
import plotly.io as pio

from lib.charts.chart_data import ChartData, Panel, Series, chart_data
from lib.charts.labels import count_axis_title, d3_format
from lib.charts.spec import ChartSpec
from lib.charts.style import FONT, OKABE_ITO, SEQUENTIAL
from lib.data.catalog import Dataset
from lib.i18n import format_number, t

TEMPLATE = pio.templates["plotly_white"]
FACET_COLUMNS = 3


def nice_ticks(peak: float, count: int = 3) -> list[float]:
    """Round tick values (1, 2 or 5 × a power of ten) from 0 up to about `peak`."""
    if peak <= 0:
        return [0.0]
    raw = peak / count
    power = 10 ** math.floor(math.log10(raw))
    step = next(m * power for m in (1, 2, 5, 10) if m * power >= raw)
    return [step * i for i in range(int(peak // step) + 1)]


def pyramid_ticks(data: ChartData) -> list[float]:
    """Round values either side of a pyramid's middle (its left side counts leftwards)."""
    peak = float(data.frame.groupby([data.colour_by, data.category])["value"].sum().abs().max() or 1)
    right = nice_ticks(peak)
    return [-v for v in reversed(right[1:])] + right


def _figure(traces: list[dict], layout: dict) -> go.Figure:
    return go.Figure(data=traces, layout=layout, _validate=False)


# ---------------------------------------------------------------- facets

def _grid(count: int) -> list[dict]:
    """Axis names, domains and title positions of `count` small multiples, in rows of three."""
    if count == 0:  # a facet whose every panel was filtered away: no cell, as no panel
        return []
    if count == 1:
        return [{"x": "x", "y": "y", "xaxis": "xaxis", "yaxis": "yaxis", "domain_x": [0, 1], "domain_y": [0, 1],
                 "first_column": True, "bottom_row": True}]
    columns = min(FACET_COLUMNS, count)
    rows = math.ceil(count / columns)
    gap_x, gap_y = 0.06, 0.14 if rows > 1 else 0.0
    width = (1 - gap_x * (columns - 1)) / columns
    height = (1 - gap_y * (rows - 1)) / rows
    cells = []
    for i in range(count):
        row, col = divmod(i, columns)
        suffix = "" if i == 0 else str(i + 1)
        left = col * (width + gap_x)
        top = 1 - row * (height + gap_y)
        cells.append({
            "x": "x" + suffix, "y": "y" + suffix, "xaxis": "xaxis" + suffix, "yaxis": "yaxis" + suffix,
            "domain_x": [left, left + width], "domain_y": [top - height * 0.92, top - height * 0.08],
            "first_column": col == 0, "bottom_row": i + columns >= count,
        })
    return cells


def _axes(cells: list[dict], panels: list[Panel], x_axis: dict, y_axis: dict, layout: dict,
          share_y: bool = True) -> None:
    """Axes of every panel (titles only on the outer ones) and the facet titles."""
    annotations = layout.setdefault("annotations", [])
    for i, (cell, panel) in enumerate(zip(cells, panels, strict=True)):
        x = {**x_axis, "domain": cell["domain_x"], "anchor": cell["y"], "automargin": True}
        y = {**y_axis, "domain": cell["domain_y"], "anchor": cell["x"], "automargin": True}
        if not cell["bottom_row"]:
            x.pop("title", None)
        if not cell["first_column"]:
            y.pop("title", None)
        if i > 0 and share_y and "categoryarray" not in y:
            y["matches"] = "y"
        layout[cell["xaxis"]] = x
        layout[cell["yaxis"]] = y
        if panel.title is not None:
            annotations.append({"text": f"<b>{panel.title}</b>", "x": sum(cell["domain_x"]) / 2,
                                "y": cell["domain_y"][1], "xref": "paper", "yref": "paper", "xanchor": "center",
                                "yanchor": "bottom", "showarrow": False, "font": {"size": 13}})
    if len(cells) > 1:
        layout["height"] = max(420, 300 * math.ceil(len(cells) / FACET_COLUMNS) + 80)


def _legend(data: ChartData, series: Series, seen: set) -> dict:
    """A series' legend entry: once per name across the panels, none when the chart has one series."""
    shown = data.colour_by is not None and series.name not in seen
    seen.add(series.name)
    return {"legendgroup": str(series.name), "showlegend": shown}


# ---------------------------------------------------------------- aggregated charts

def _bar(data: ChartData):
    cells = _grid(len(data.panels))
    traces, seen = [], set()
    for cell, panel in zip(cells, data.panels, strict=True):
        for series in panel.series:
            trace = {"type": "bar", "name": series.name if series.name is not None else data.value_title,
                     **_legend(data, series, seen), "marker": {"color": series.colour},
                     "xaxis": cell["x"], "yaxis": cell["y"],
                     "hovertemplate": "%{x}: %{y:,.4~g}<extra>%{fullData.name}</extra>"}
            if data.horizontal:
                trace.update(orientation="h", y=series.categories, x=series.values,
                             hovertemplate="%{y}: %{x:,.4~g}<extra>%{fullData.name}</extra>")
            else:
                trace.update(x=series.categories, y=series.values)
            traces.append(trace)
    category_axis = {"title": {"text": data.category_title}, "type": "category", "categoryorder": "array",
                     "categoryarray": data.categories}
    value_axis = {"title": {"text": data.value_title}, "separatethousands": True}
    if data.horizontal:
        category_axis["autorange"] = "reversed"
    layout = {"barmode": "group" if data.bar_mode == "grouped" else "relative",
              "legend": {"title": {"text": data.legend_title}}}
    if data.percent:
        layout["barnorm"] = "percent"
    x_axis, y_axis = (value_axis, category_axis) if data.horizontal else (category_axis, value_axis)
    _axes(cells, data.panels, x_axis, y_axis, layout, share_y=not data.horizontal)
    return traces, layout


def _ranked_bar(data: ChartData):
    fmt = d3_format(data.frame["value"])
    cells = _grid(len(data.panels))
    traces, layout = [], {"showlegend": False}
    longest = 0
    for cell, panel in zip(cells, data.panels, strict=True):
        series = panel.series[0]
        longest = max(longest, len(series.categories))
        traces.append({"type": "bar", "orientation": "h", "y": series.categories, "x": series.values,
                       "marker": {"color": series.colour},
                       "texttemplate": "%{x:" + fmt + "}", "textposition": "outside", "cliponaxis": False,
                       "xaxis": cell["x"], "yaxis": cell["y"], "name": data.value_title,
                       "hovertemplate": "%{y}: %{x:,.4~g}<extra></extra>"})
        layout[cell["yaxis"]] = {}
    _axes(cells, data.panels, {"title": {"text": data.value_title}, "separatethousands": True},
          {"title": {"text": data.category_title}, "type": "category", "autorange": "reversed"}, layout,
          share_y=False)
    if len(data.panels) == 1:
        layout["height"] = max(380, 26 * longest + 140)
    return traces, layout


def _line(data: ChartData):
    cells = _grid(len(data.panels))
    traces, seen = [], set()
    for cell, panel in zip(cells, data.panels, strict=True):
        for series in panel.series:
            traces.append({"type": "scatter", "mode": "lines+markers", "x": series.categories, "y": series.values,
                           "name": series.name if series.name is not None else "", **_legend(data, series, seen),
                           "line": {"color": series.colour, "width": 3}, "marker": {"size": 8},
                           "xaxis": cell["x"], "yaxis": cell["y"],
                           "hovertemplate": "%{x}: %{y:,.4~g}<extra>%{fullData.name}</extra>"})
    layout = {"legend": {"title": {"text": data.legend_title}}}
    _axes(cells, data.panels, {"title": {"text": data.category_title}, "type": "category", "categoryorder": "array",
                               "categoryarray": data.categories},
          {"title": {"text": data.value_title}, "separatethousands": True, "rangemode": "tozero"}, layout)
    return traces, layout


def _pie(data: ChartData):
    ordered = data.category in data.orders
    cells = _grid(len(data.panels))
    traces, layout = [], {"legend": {"title": {"text": data.category_title}}}
    for cell, panel in zip(cells, data.panels, strict=True):
        series = panel.series[0]
        traces.append({"type": "pie", "labels": series.categories, "values": series.values,
                       "hole": 0.45 if data.spec.options.get("donut") else 0, "sort": not ordered,
                       "direction": "clockwise", "textinfo": "percent+label",
                       "marker": {"colors": [data.slice_colours[c] for c in series.categories]},
                       "domain": {"x": cell["domain_x"], "y": cell["domain_y"]},
                       "hovertemplate": "%{label}: %{value:,.4~g} (%{percent})<extra></extra>"})
        if panel.title is not None:
            layout.setdefault("annotations", []).append({
                "text": f"<b>{panel.title}</b>", "x": sum(cell["domain_x"]) / 2, "y": cell["domain_y"][1],
                "xref": "paper", "yref": "paper", "yanchor": "bottom", "showarrow": False})
    return traces, layout


def _heatmap(data: ChartData):
    rows, cols = data.spec.dimensions
    table = data.heatmap_table()
    z = [[None if pd.isna(v) else float(v) for v in row] for row in table.to_numpy()]
    trace = {"type": "heatmap", "z": z, "x": [str(c) for c in table.columns], "y": [str(i) for i in table.index],
             "colorscale": SEQUENTIAL, "texttemplate": "%{z:" + d3_format(table.stack()) + "}",
             "hoverongaps": False, "colorbar": {"title": {"text": data.value_title, "side": "right"}},
             "hovertemplate": "%{y} × %{x}: %{z:,.4~g}<extra></extra>"}
    layout = {"xaxis": {"title": {"text": data.labels[cols]}, "type": "category", "automargin": True},
              "yaxis": {"title": {"text": data.labels[rows]}, "type": "category", "autorange": "reversed",
                        "automargin": True},
              "height": max(380, 32 * len(table.index) + 160)}
    return [trace], layout


def _pyramid(data: ChartData):
    traces = []
    for i, series in enumerate(data.panels[0].series):
        sign = -1 if i == 0 else 1
        traces.append({"type": "bar", "orientation": "h", "y": series.categories,
                       "x": [sign * v for v in series.values], "name": series.name,
                       "marker": {"color": series.colour}, "customdata": series.values,
                       "hovertemplate": "%{y}: %{customdata:,.4~g}<extra>" + series.name + "</extra>"})
    ticks = np.array(pyramid_ticks(data))
    layout = {"barmode": "relative", "bargap": 0.05,
              "xaxis": {"tickvals": ticks.tolist(), "ticktext": [format_number(abs(v)) for v in ticks],
                        "title": {"text": data.value_title}},
              "yaxis": {"title": {"text": data.category_title}, "type": "category", "categoryorder": "array",
                        "categoryarray": data.categories},
              "legend": {"orientation": "h", "y": 1.02, "x": 1, "xanchor": "right", "yanchor": "bottom"},
              "height": max(420, 24 * len(data.categories) + 160)}
    return traces, layout


def _kpi(data: ChartData):
    value, detail = data.kpi_reading()
    trace = {"type": "indicator", "mode": "number", "value": value,
             "number": {"suffix": f" {data.unit}" if data.unit else "", "valueformat": ",.4~g"}}
    if detail:
        trace["title"] = {"text": detail}
    return [trace], {"height": 260}


# ---------------------------------------------------------------- charts of individual rows

def ols_line(x, y) -> tuple[float, float, float]:
    """Slope, intercept and R² of the least-squares line y = a·x + b (numpy; no statsmodels)."""
    x = np.asarray(x, dtype=float)
    y = np.asarray(y, dtype=float)
    slope, intercept = np.polyfit(x, y, 1)
    predicted = slope * x + intercept
    total = float(((y - y.mean()) ** 2).sum())
    r2 = 1.0 - float(((y - predicted) ** 2).sum()) / total if total else 0.0
    return float(slope), float(intercept), r2


def _scatter(data: ChartData):
    cells = _grid(len(data.panels))
    traces, seen = [], set()
    for cell, panel in zip(cells, data.panels, strict=True):
        for series in panel.series:
            traces.append({"type": "scatter", "mode": "markers", "x": series.categories, "y": series.values,
                           "name": series.name if series.name is not None else "", **_legend(data, series, seen),
                           "marker": {"color": series.colour, "size": 9, "opacity": 0.75,
                                      "line": {"width": 0.5, "color": "white"}},
                           "xaxis": cell["x"], "yaxis": cell["y"],
                           "hovertemplate": "%{x:,.4~g}, %{y:,.4~g}<extra>%{fullData.name}</extra>"})
        rows = panel.frame
        if data.spec.options.get("trend_line", True) and len(rows) >= 3 and rows["x"].nunique() > 1:
            slope, intercept, r2 = ols_line(rows["x"], rows["value"])
            xs = np.linspace(rows["x"].min(), rows["x"].max(), 50)
            traces.append({"type": "scatter", "mode": "lines", "x": xs.tolist(), "y": (slope * xs + intercept).tolist(),
                           "name": t("chart.trend_line", data.lang, r2=f"{r2:.2f}"),
                           "line": {"color": OKABE_ITO[3], "width": 2, "dash": "dash"},
                           "xaxis": cell["x"], "yaxis": cell["y"], "hoverinfo": "name"})
    layout = {"legend": {"title": {"text": data.legend_title}}}
    _axes(cells, data.panels, {"title": {"text": data.labels["x"]}, "zeroline": False},
          {"title": {"text": data.value_title}, "zeroline": False}, layout)
    return traces, layout


def _histogram(data: ChartData):
    cells = _grid(len(data.panels))
    bins = int(data.spec.options.get("bins", 20))
    traces, seen = [], set()
    for cell, panel in zip(cells, data.panels, strict=True):
        for series in panel.series:
            traces.append({"type": "histogram", "x": series.values, "nbinsx": bins,
                           "name": series.name if series.name is not None else data.value_title,
                           **_legend(data, series, seen),
                           "marker": {"color": series.colour, "line": {"width": 0.5, "color": "white"}},
                           "opacity": 0.75 if data.colour_by else 1, "xaxis": cell["x"], "yaxis": cell["y"]})
    layout = {"barmode": "overlay", "legend": {"title": {"text": data.legend_title}}}
    _axes(cells, data.panels, {"title": {"text": data.value_title}},
          {"title": {"text": count_axis_title(data.dataset, data.lang)}}, layout)
    return traces, layout


def _box(data: ChartData):
    cells = _grid(len(data.panels))
    traces = []
    order = data.orders.get(data.colour_by) if data.colour_by else None
    for cell, panel in zip(cells, data.panels, strict=True):
        for series in panel.series:
            traces.append({"type": "box", "y": series.values,
                           "x": [series.name] * len(series.values) if series.name is not None else None,
                           "name": series.name if series.name is not None else data.value_title,
                           "boxpoints": "outliers", "marker": {"color": series.colour}, "showlegend": False,
                           "xaxis": cell["x"], "yaxis": cell["y"]})
    x_axis = {"title": {"text": data.legend_title}, "type": "category"}
    if order:
        x_axis.update(categoryorder="array", categoryarray=order)
    layout: dict = {}
    _axes(cells, data.panels, x_axis, {"title": {"text": data.value_title}}, layout)
    return traces, layout


_DRAWERS = {
    "bar": _bar, "ranked_bar": _ranked_bar, "line": _line, "pie": _pie, "scatter": _scatter,
    "histogram": _histogram, "box": _box, "heatmap": _heatmap, "pyramid": _pyramid, "kpi": _kpi,
}


OVERALL_MARGIN = 150  # px right of the bars for the 全体 line's label (two lines: 「全体（市平均など）」, the value)


def base_layout(title: str) -> dict:
    return {"template": TEMPLATE, "title": {"text": title, "x": 0.01, "xanchor": "left"},
            "font": {"family": FONT, "size": 14}, "colorway": OKABE_ITO,
            "margin": {"l": 60, "r": 30, "t": 80, "b": 60}, "separators": ".,"}


def build_figure(df: pd.DataFrame, spec: ChartSpec, catalog: dict[str, Dataset], lang: str = "ja") -> go.Figure:
    """The chart of a spec's data (the DataFrame from lib.charts.sql.run_chart)."""
    return plotly_figure(chart_data(df, spec, catalog, lang))


def plotly_figure(data: ChartData) -> go.Figure:
    """The Plotly figure of a chart's data."""
    traces, layout = _DRAWERS[data.chart_type](data)
    title, lang = data.title, data.lang
    colon = t("chart.colon", lang)
    if len(title) > (44 if lang == "ja" else 80) and colon in title:  # Plotly does not wrap titles
        title = title.replace(colon, colon + "<br>", 1)
    figure_layout = {**base_layout(title), **layout}
    if data.subtitle:
        figure_layout["title"]["subtitle"] = {"text": t("chart.filter.prefix", lang) + data.subtitle}
    figure = _figure(traces, figure_layout)
    if data.overall is not None and traces:
        line = {"line_dash": "dash", "line_color": "#555555", "line_width": 1.5, "annotation_font_color": "#333333"}
        label, value = t("chart.overall", lang), f"{data.overall:,.1f}"
        # The label sits outside the bars' area (above it, or in the right margin), never on a bar.
        if traces[0].get("orientation") == "h":
            figure.add_vline(x=data.overall, annotation_position="top", annotation_text=f"{label} {value}", **line)
        else:
            figure.add_hline(y=data.overall, annotation_position="right", annotation_text=f"{label}<br>{value}",
                             annotation_align="left", **line)
            figure.update_layout(margin_r=OVERALL_MARGIN)
    return figure


def quick_figure(frame: pd.DataFrame, lang: str = "ja") -> go.Figure | None:
    """A one-click chart of any query result: bars of the first number by the first other column."""
    numeric = [c for c in frame.columns if pd.api.types.is_numeric_dtype(frame[c])
               and not pd.api.types.is_bool_dtype(frame[c])]
    other = [c for c in frame.columns if c not in numeric]
    if not numeric or frame.empty:
        return None
    layout = {**base_layout(""), "margin": {"l": 60, "r": 30, "t": 40, "b": 60}}
    if not other:
        if len(numeric) < 2:
            return None
        data = frame.head(5000)
        trace = {"type": "scatter", "mode": "markers", "x": pd.to_numeric(data[numeric[0]]).astype(float).tolist(),
                 "y": pd.to_numeric(data[numeric[1]]).astype(float).tolist(), "marker": {"color": OKABE_ITO[0]}}
        layout.update(xaxis={"title": {"text": str(numeric[0])}}, yaxis={"title": {"text": str(numeric[1])}})
        return _figure([trace], layout)
    data = frame[[other[0], numeric[0]]].head(60)
    trace = {"type": "bar", "x": data[other[0]].astype(str).tolist(),
             "y": pd.to_numeric(data[numeric[0]], errors="coerce").astype(float).tolist(),
             "marker": {"color": OKABE_ITO[0]}}
    layout.update(xaxis={"title": {"text": str(other[0])}, "type": "category"},
                  yaxis={"title": {"text": str(numeric[0])}, "separatethousands": True})
    return _figure([trace], layout)
