"""A ChartSpec's data (DataFrame) → a Plotly figure.

Figures are assembled as plain trace and layout dicts and handed to Plotly
without its per-property validation (which costs more than the whole query
on a million rows); the tests validate every chart type once. Colours and font come from
lib.charts.style (the same in pictures and PowerPoint); labels, units and category order come from the data dictionary (lib.charts.labels).

One module of ~450 lines on purpose: one small drawer per chart type (ten) sharing the
private grid, axis, series and palette helpers; split, those helpers would become API.
"""
from __future__ import annotations

import math

import numpy as np
import pandas as pd
import plotly.graph_objects as go
import plotly.io as pio

from lib.charts.labels import (
    chart_title,
    column_label,
    column_title,
    composition_axis_title,
    count_axis_title,
    d3_format,
    filter_summary,
    measure_unit,
    prepare_frame,
    sorted_categories,
    value_axis_title,
)
from lib.charts.spec import ChartSpec, role_of
from lib.charts.style import FONT, OKABE_ITO, SEQUENTIAL, colour
from lib.data.catalog import Dataset
from lib.data.query import resolve_column
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


def _figure(traces: list[dict], layout: dict) -> go.Figure:
    return go.Figure(data=traces, layout=layout, _validate=False)


# ---------------------------------------------------------------- facets

def _panels(frame: pd.DataFrame, spec: ChartSpec, orders: dict) -> list[tuple[str | None, pd.DataFrame]]:
    if not spec.facet:
        return [(None, frame)]
    values = orders.get(spec.facet) or sorted(frame[spec.facet].dropna().unique())
    return [(v, frame[frame[spec.facet] == v]) for v in values if (frame[spec.facet] == v).any()]


def _grid(count: int) -> list[dict]:
    """Axis names, domains and title positions of `count` small multiples, in rows of three."""
    if count <= 1:
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


def _axes(cells: list[dict], panels, x_axis: dict, y_axis: dict, layout: dict, share_y: bool = True) -> None:
    """Axes of every panel (titles only on the outer ones) and the facet titles."""
    annotations = layout.setdefault("annotations", [])
    for i, (cell, (value, _)) in enumerate(zip(cells, panels)):
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
        if value is not None:
            annotations.append({"text": f"<b>{value}</b>", "x": sum(cell["domain_x"]) / 2, "y": cell["domain_y"][1],
                                "xref": "paper", "yref": "paper", "xanchor": "center", "yanchor": "bottom",
                                "showarrow": False, "font": {"size": 13}})
    if len(cells) > 1:
        layout["height"] = max(420, 300 * math.ceil(len(cells) / FACET_COLUMNS) + 80)


def _series(frame: pd.DataFrame, dim: str | None, orders: dict) -> list[tuple[str | None, pd.DataFrame]]:
    """The frame split by the colour dimension, in the dictionary's order."""
    if dim is None:
        return [(None, frame)]
    values = orders.get(dim) or list(dict.fromkeys(frame[dim].dropna()))
    return [(v, frame[frame[dim] == v]) for v in values if (frame[dim] == v).any()]


# ---------------------------------------------------------------- aggregated charts

def _bar(frame, spec, ctx):
    dims = spec.dimensions
    category = dims[0]
    order = sorted_categories(frame, category, ctx["orders"], spec.options.get("sort", "auto"))
    colour_dim = dims[1] if len(dims) > 1 else None
    mode = spec.options.get("bar_mode", "grouped")
    horizontal = bool(spec.options.get("horizontal"))
    panels = _panels(frame, spec, ctx["orders"])
    cells = _grid(len(panels))
    traces, seen = [], set()
    for cell, (_, panel) in zip(cells, panels):
        for index, (name, part) in enumerate(_series(panel, colour_dim, ctx["orders"])):
            values = part.set_index(category)["value"].reindex([c for c in order if c in set(part[category])])
            trace = {"type": "bar", "name": str(name) if name is not None else ctx["value_title"],
                     "legendgroup": str(name), "showlegend": colour_dim is not None and name not in seen,
                     "marker": {"color": colour(index, ctx["scale_sizes"].get(colour_dim, 0))},
                     "xaxis": cell["x"], "yaxis": cell["y"],
                     "hovertemplate": "%{x}: %{y:,.4~g}<extra>%{fullData.name}</extra>"}
            cats, nums = values.index.tolist(), values.to_numpy(float).tolist()
            if horizontal:
                trace.update(orientation="h", y=cats, x=nums,
                             hovertemplate="%{y}: %{x:,.4~g}<extra>%{fullData.name}</extra>")
            else:
                trace.update(x=cats, y=nums)
            traces.append(trace)
            seen.add(name)
    category_axis = {"title": {"text": ctx["labels"][category]}, "type": "category", "categoryorder": "array",
                     "categoryarray": order}
    percent = mode == "percent" and colour_dim
    value_axis = {"title": {"text": composition_axis_title(spec, ctx["catalog"], ctx["lang"]) if percent
                            else ctx["value_title"]}, "separatethousands": True}
    if horizontal:
        category_axis["autorange"] = "reversed"
    layout = {"barmode": "group" if mode == "grouped" else "relative",
              "legend": {"title": {"text": ctx["labels"].get(colour_dim, "")}}}
    if mode == "percent" and colour_dim:
        layout["barnorm"] = "percent"
    x_axis, y_axis = (value_axis, category_axis) if horizontal else (category_axis, value_axis)
    _axes(cells, panels, x_axis, y_axis, layout, share_y=not horizontal)
    return traces, layout


def _ranked_bar(frame, spec, ctx):
    dim = spec.dimensions[0]
    ascending = spec.options.get("sort") == "value_asc"
    fmt = d3_format(frame["value"])
    panels = _panels(frame, spec, ctx["orders"])
    cells = _grid(len(panels))
    traces, layout = [], {"showlegend": False}
    longest = 0
    for cell, (_, panel) in zip(cells, panels):
        ranked = panel.sort_values("value", ascending=ascending)
        longest = max(longest, len(ranked))
        traces.append({"type": "bar", "orientation": "h", "y": ranked[dim].tolist(),
                       "x": ranked["value"].to_numpy(float).tolist(), "marker": {"color": OKABE_ITO[0]},
                       "texttemplate": "%{x:" + fmt + "}", "textposition": "outside", "cliponaxis": False,
                       "xaxis": cell["x"], "yaxis": cell["y"], "name": ctx["value_title"],
                       "hovertemplate": "%{y}: %{x:,.4~g}<extra></extra>"})
        layout[cell["yaxis"]] = {}
    _axes(cells, panels, {"title": {"text": ctx["value_title"]}, "separatethousands": True},
          {"title": {"text": ctx["labels"][dim]}, "type": "category", "autorange": "reversed"}, layout,
          share_y=False)
    if len(panels) == 1:
        layout["height"] = max(380, 26 * longest + 140)
    return traces, layout


def _year_dimension(spec, ctx) -> str:
    return next(d for d in spec.dimensions if role_of(ctx["catalog"], ctx["dataset"], d) == "year")


def _line(frame, spec, ctx):
    year = _year_dimension(spec, ctx)
    other = next((d for d in spec.dimensions if d != year), None)
    years = ctx["orders"].get(year) or sorted(frame[year].unique())
    panels = _panels(frame, spec, ctx["orders"])
    cells = _grid(len(panels))
    traces, seen = [], set()
    for cell, (_, panel) in zip(cells, panels):
        for index, (name, part) in enumerate(_series(panel, other, ctx["orders"])):
            values = part.groupby(year)["value"].sum().reindex([y for y in years if y in set(part[year])])
            traces.append({"type": "scatter", "mode": "lines+markers", "x": values.index.tolist(),
                           "y": values.to_numpy(float).tolist(), "name": str(name) if name is not None else "",
                           "legendgroup": str(name), "showlegend": other is not None and name not in seen,
                           "line": {"color": colour(index), "width": 3}, "marker": {"size": 8},
                           "xaxis": cell["x"], "yaxis": cell["y"],
                           "hovertemplate": "%{x}: %{y:,.4~g}<extra>%{fullData.name}</extra>"})
            seen.add(name)
    layout = {"legend": {"title": {"text": ctx["labels"].get(other, "")}}}
    _axes(cells, panels, {"title": {"text": ctx["labels"][year]}, "type": "category", "categoryorder": "array",
                          "categoryarray": years},
          {"title": {"text": ctx["value_title"]}, "separatethousands": True, "rangemode": "tozero"}, layout)
    return traces, layout


def _pie(frame, spec, ctx):
    dim = spec.dimensions[0]
    ordered = dim in ctx["orders"]
    panels = _panels(frame, spec, ctx["orders"])
    cells = _grid(len(panels))
    categories = ctx["orders"].get(dim) or frame.groupby(dim)["value"].sum().sort_values(ascending=False).index.tolist()
    colours = {c: colour(i) for i, c in enumerate(categories)}
    traces, layout = [], {"legend": {"title": {"text": ctx["labels"][dim]}}}
    for cell, (value, panel) in zip(cells, panels):
        part = panel.set_index(dim)["value"].reindex([c for c in categories if c in set(panel[dim])])
        traces.append({"type": "pie", "labels": part.index.tolist(), "values": part.to_numpy(float).tolist(),
                       "hole": 0.45 if spec.options.get("donut") else 0, "sort": not ordered,
                       "direction": "clockwise", "textinfo": "percent+label",
                       "marker": {"colors": [colours[c] for c in part.index]},
                       "domain": {"x": cell["domain_x"], "y": cell["domain_y"]},
                       "hovertemplate": "%{label}: %{value:,.4~g} (%{percent})<extra></extra>"})
        if value is not None:
            layout.setdefault("annotations", []).append({
                "text": f"<b>{value}</b>", "x": sum(cell["domain_x"]) / 2, "y": cell["domain_y"][1],
                "xref": "paper", "yref": "paper", "yanchor": "bottom", "showarrow": False})
    return traces, layout


def _heatmap(frame, spec, ctx):
    rows, cols = spec.dimensions
    table = frame.pivot_table(index=rows, columns=cols, values="value", aggfunc="sum")
    orders = ctx["orders"]
    table = table.reindex(index=[v for v in orders.get(rows, table.index) if v in table.index],
                          columns=[v for v in orders.get(cols, table.columns) if v in table.columns])
    z = [[None if pd.isna(v) else float(v) for v in row] for row in table.to_numpy()]
    trace = {"type": "heatmap", "z": z, "x": [str(c) for c in table.columns], "y": [str(i) for i in table.index],
             "colorscale": SEQUENTIAL, "texttemplate": "%{z:" + d3_format(table.stack()) + "}",
             "hoverongaps": False, "colorbar": {"title": {"text": ctx["value_title"], "side": "right"}},
             "hovertemplate": "%{y} × %{x}: %{z:,.4~g}<extra></extra>"}
    layout = {"xaxis": {"title": {"text": ctx["labels"][cols]}, "type": "category", "automargin": True},
              "yaxis": {"title": {"text": ctx["labels"][rows]}, "type": "category", "autorange": "reversed",
                        "automargin": True},
              "height": max(380, 32 * len(table.index) + 160)}
    return [trace], layout


def _pyramid(frame, spec, ctx):
    ds = ctx["dataset"]
    age = next(d for d in spec.dimensions if role_of(ctx["catalog"], ds, d) == "age_band")
    sex = next(d for d in spec.dimensions if role_of(ctx["catalog"], ds, d) == "sex")
    sexes = ctx["orders"].get(sex) or sorted(frame[sex].unique())
    ages = ctx["orders"].get(age) or sorted(frame[age].unique())
    traces = []
    for i, value in enumerate(sexes[:2]):
        part = frame[frame[sex] == value].groupby(age)["value"].sum().reindex(ages).fillna(0)
        sign = -1 if i == 0 else 1
        traces.append({"type": "bar", "orientation": "h", "y": ages, "x": (sign * part).to_numpy(float).tolist(),
                       "name": str(value), "marker": {"color": OKABE_ITO[i]},
                       "customdata": part.to_numpy(float).tolist(),
                       "hovertemplate": "%{y}: %{customdata:,.4~g}<extra>" + str(value) + "</extra>"})
    peak = float(frame.groupby([sex, age])["value"].sum().abs().max() or 1)
    right = nice_ticks(peak)
    ticks = np.array([-v for v in reversed(right[1:])] + right)
    layout = {"barmode": "relative", "bargap": 0.05,
              "xaxis": {"tickvals": ticks.tolist(), "ticktext": [format_number(abs(v)) for v in ticks],
                        "title": {"text": ctx["value_title"]}},
              "yaxis": {"title": {"text": ctx["labels"][age]}, "type": "category", "categoryorder": "array",
                        "categoryarray": ages},
              "legend": {"orientation": "h", "y": 1.02, "x": 1, "xanchor": "right", "yanchor": "bottom"},
              "height": max(420, 24 * len(ages) + 160)}
    return traces, layout


def _kpi(frame, spec, ctx):
    row = frame.iloc[0] if len(frame) else pd.Series({"value": np.nan})
    value = float(row["value"]) if pd.notna(row["value"]) else None
    trace = {"type": "indicator", "mode": "number", "value": value,
             "number": {"suffix": f" {ctx['unit']}" if ctx["unit"] else "", "valueformat": ",.4~g"}}
    if spec.measure.kind == "change" and "value_to" in row:
        trace["title"] = {"text": t("chart.kpi.change_detail", ctx["lang"], start=spec.measure.from_year,
                                    end=spec.measure.to_year, a=format_number(row["value_from"]),
                                    b=format_number(row["value_to"]))}
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


def _scatter(frame, spec, ctx):
    colour_dim = spec.dimensions[0] if spec.dimensions else None
    panels = _panels(frame, spec, ctx["orders"])
    cells = _grid(len(panels))
    traces, seen = [], set()
    for cell, (_, panel) in zip(cells, panels):
        for index, (name, part) in enumerate(_series(panel, colour_dim, ctx["orders"])):
            traces.append({"type": "scatter", "mode": "markers", "x": part["x"].to_numpy(float).tolist(),
                           "y": part["value"].to_numpy(float).tolist(), "name": str(name) if name is not None else "",
                           "legendgroup": str(name), "showlegend": colour_dim is not None and name not in seen,
                           "marker": {"color": colour(index), "size": 9, "opacity": 0.75,
                                      "line": {"width": 0.5, "color": "white"}},
                           "xaxis": cell["x"], "yaxis": cell["y"],
                           "hovertemplate": "%{x:,.4~g}, %{y:,.4~g}<extra>%{fullData.name}</extra>"})
            seen.add(name)
        if spec.options.get("trend_line", True) and len(panel) >= 3 and panel["x"].nunique() > 1:
            slope, intercept, r2 = ols_line(panel["x"], panel["value"])
            xs = np.linspace(panel["x"].min(), panel["x"].max(), 50)
            traces.append({"type": "scatter", "mode": "lines", "x": xs.tolist(), "y": (slope * xs + intercept).tolist(),
                           "name": t("chart.trend_line", ctx["lang"], r2=f"{r2:.2f}"),
                           "line": {"color": "#D55E00", "width": 2, "dash": "dash"},
                           "xaxis": cell["x"], "yaxis": cell["y"], "hoverinfo": "name"})
    layout = {"legend": {"title": {"text": ctx["labels"].get(colour_dim, "")}}}
    _axes(cells, panels, {"title": {"text": ctx["labels"]["x"]}, "zeroline": False},
          {"title": {"text": ctx["value_title"]}, "zeroline": False}, layout)
    return traces, layout


def _histogram(frame, spec, ctx):
    colour_dim = spec.dimensions[0] if spec.dimensions else None
    panels = _panels(frame, spec, ctx["orders"])
    cells = _grid(len(panels))
    bins = int(spec.options.get("bins", 20))
    traces, seen = [], set()
    for cell, (_, panel) in zip(cells, panels):
        for index, (name, part) in enumerate(_series(panel, colour_dim, ctx["orders"])):
            traces.append({"type": "histogram", "x": part["value"].to_numpy(float).tolist(), "nbinsx": bins,
                           "name": str(name) if name is not None else ctx["value_title"],
                           "legendgroup": str(name), "showlegend": colour_dim is not None and name not in seen,
                           "marker": {"color": colour(index), "line": {"width": 0.5, "color": "white"}},
                           "opacity": 0.75 if colour_dim else 1, "xaxis": cell["x"], "yaxis": cell["y"]})
            seen.add(name)
    layout = {"barmode": "overlay", "legend": {"title": {"text": ctx["labels"].get(colour_dim, "")}}}
    _axes(cells, panels, {"title": {"text": ctx["value_title"]}},
          {"title": {"text": count_axis_title(ctx["dataset"], ctx["lang"])}}, layout)
    return traces, layout


def _box(frame, spec, ctx):
    dim = spec.dimensions[0] if spec.dimensions else None
    panels = _panels(frame, spec, ctx["orders"])
    cells = _grid(len(panels))
    traces = []
    order = ctx["orders"].get(dim) if dim else None
    for cell, (_, panel) in zip(cells, panels):
        for index, (name, part) in enumerate(_series(panel, dim, ctx["orders"])):
            traces.append({"type": "box", "y": part["value"].to_numpy(float).tolist(),
                           "x": [str(name)] * len(part) if name is not None else None,
                           "name": str(name) if name is not None else ctx["value_title"], "boxpoints": "outliers",
                           "marker": {"color": colour(index)}, "showlegend": False,
                           "xaxis": cell["x"], "yaxis": cell["y"]})
    x_axis = {"title": {"text": ctx["labels"].get(dim, "")}, "type": "category"}
    if order:
        x_axis.update(categoryorder="array", categoryarray=order)
    layout: dict = {}
    _axes(cells, panels, x_axis, {"title": {"text": ctx["value_title"]}}, layout)
    return traces, layout


_DRAWERS = {
    "bar": _bar, "ranked_bar": _ranked_bar, "line": _line, "pie": _pie, "scatter": _scatter,
    "histogram": _histogram, "box": _box, "heatmap": _heatmap, "pyramid": _pyramid, "kpi": _kpi,
}


def base_layout(title: str) -> dict:
    return {"template": TEMPLATE, "title": {"text": title, "x": 0.01, "xanchor": "left"},
            "font": {"family": FONT, "size": 14}, "colorway": OKABE_ITO,
            "margin": {"l": 60, "r": 30, "t": 80, "b": 60}, "separators": ".,"}


def build_figure(df: pd.DataFrame, spec: ChartSpec, catalog: dict[str, Dataset], lang: str = "ja") -> go.Figure:
    """The chart of a spec's data (the DataFrame from lib.charts.sql.run_chart)."""
    frame, orders = prepare_frame(df, spec, catalog)
    labels = {name: column_label(catalog, spec, name, lang) for name in spec.grouping}
    if spec.chart_type == "scatter":
        labels["x"] = column_title(catalog, spec, spec.options["x"], lang)
    scale_sizes = {}
    for name in spec.grouping:
        col = resolve_column(catalog, catalog[spec.dataset], name)
        if col is not None and col.scale:
            scale_sizes[name] = len(col.scale)
    ctx = {"orders": orders, "labels": labels, "lang": lang, "catalog": catalog, "dataset": catalog[spec.dataset],
           "value_title": value_axis_title(spec, catalog, lang), "unit": measure_unit(spec, catalog, lang),
           "scale_sizes": scale_sizes}
    traces, layout = _DRAWERS[spec.chart_type](frame, spec, ctx)
    title = chart_title(spec, catalog, lang)
    colon = t("chart.colon", lang)
    if len(title) > (44 if lang == "ja" else 80) and colon in title:  # Plotly does not wrap titles
        title = title.replace(colon, colon + "<br>", 1)
    figure_layout = {**base_layout(title), **layout}
    filters = filter_summary(spec, catalog, lang)
    if filters:
        figure_layout["title"]["subtitle"] = {"text": t("chart.filter.prefix", lang) + filters}
    figure = _figure(traces, figure_layout)
    overall = df.attrs.get("overall")
    if overall is not None and traces:
        line = {"line_dash": "dash", "line_color": "#555555", "line_width": 1.5,
                "annotation_text": t("chart.overall", lang, value=f"{overall:,.1f}"),
                "annotation_font_color": "#333333"}
        if traces[0].get("orientation") == "h":
            figure.add_vline(x=overall, annotation_position="top", **line)
        else:
            figure.add_hline(y=overall, annotation_position="top left", **line)
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
