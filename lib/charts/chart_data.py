"""A ChartSpec's data made ready to draw, once: categories in order, series with their colours,
axis and legend titles, orientation, stacking, facets.

lib.charts.figure draws the Plotly figure from it and lib.deck.native_chart PowerPoint's own
chart, so the app and the slide show the same numbers in the same order and the same colours;
nothing reads a finished figure back (as Plotly Express builds every figure in one pipeline).
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field

import pandas as pd

from lib.charts.labels import (
    chart_title,
    column_label,
    column_title,
    composition_axis_title,
    filter_summary,
    measure_unit,
    prepare_frame,
    sorted_categories,
    value_axis_title,
)
from lib.charts.spec import ChartSpec, role_of
from lib.charts.style import colour
from lib.data.catalog import Dataset
from lib.data.query import resolve_column
from lib.i18n import format_number, t


@dataclass
class Series:
    """One colour of a chart: its values at its categories (the x values of a scatter; none for the
    raw values of a histogram or a box)."""
    name: str | None  # the colour dimension's value; None when the chart has one series
    categories: list
    values: list[float]
    colour: str


@dataclass
class Panel:
    """One small multiple (the whole chart when there is no facet)."""
    title: str | None  # the facet's value
    frame: pd.DataFrame  # its rows
    series: list[Series] = field(default_factory=list)


@dataclass
class ChartData:
    spec: ChartSpec
    frame: pd.DataFrame  # the data with codes as words, in the dictionary's order (labels.prepare_frame)
    orders: dict[str, list]  # a dimension's categories in the dictionary's order
    labels: dict[str, str]  # a grouping column's label ("x": a scatter's x axis title)
    dataset: Dataset
    lang: str
    title: str
    subtitle: str  # the filters, in words
    value_title: str  # the value axis ("share of …" for percent bars)
    measure_title: str  # the measure with its unit
    unit: str
    category: str | None  # the dimension along the category axis (bar, line, pie, pyramid)
    colour_by: str | None  # the dimension the series are split by
    categories: list[str]  # the category axis in drawing order (ranked bars: each panel its own)
    panels: list[Panel]
    horizontal: bool = False
    bar_mode: str = "grouped"  # grouped / stacked / percent
    slice_colours: dict[str, str] = field(default_factory=dict)  # a pie's category -> colour
    overall: float | None = None  # the 市平均 line

    @property
    def chart_type(self) -> str:
        return self.spec.chart_type

    @property
    def category_title(self) -> str:
        return self.labels.get(self.category, "") if self.category else ""

    @property
    def legend_title(self) -> str:
        return self.labels.get(self.colour_by, "") if self.colour_by else ""

    @property
    def percent(self) -> bool:
        return self.bar_mode == "percent" and self.colour_by is not None

    def heatmap_table(self) -> pd.DataFrame:
        """A heatmap's values: its first dimension down, its second across, each in the dictionary's order."""
        rows, cols = self.spec.dimensions
        table = self.frame.pivot_table(index=rows, columns=cols, values="value", aggfunc="sum")
        return table.reindex(index=[v for v in self.orders.get(rows, table.index) if v in table.index],
                             columns=[v for v in self.orders.get(cols, table.columns) if v in table.columns])

    def kpi_reading(self) -> tuple[float | None, str]:
        """A KPI's number, and for a change the years and values it compares (else "")."""
        frame, measure = self.frame, self.spec.measure
        row = frame.iloc[0] if len(frame) else pd.Series({"value": float("nan")})
        value = float(row["value"]) if pd.notna(row["value"]) else None
        detail = ""
        if measure.kind == "change" and "value_to" in row:
            detail = t("chart.kpi.change_detail", self.lang, start=measure.from_year, end=measure.to_year,
                       a=format_number(row["value_from"]), b=format_number(row["value_to"]))
        return value, detail


def _panels(frame: pd.DataFrame, spec: ChartSpec, orders: dict) -> list[Panel]:
    if not spec.facet:
        return [Panel(None, frame)]
    values = orders.get(spec.facet) or sorted(frame[spec.facet].dropna().unique())
    return [Panel(v, frame[frame[spec.facet] == v]) for v in values if (frame[spec.facet] == v).any()]


def _series_colours(frame: pd.DataFrame, dim: str | None, orders: dict, scale_size: int) -> dict:
    """A colour per series name, the same on every panel: an answer scale by its place in the scale,
    other series by their place among those present."""
    if dim is None:
        return {None: colour(0)}
    names = orders.get(dim) or list(dict.fromkeys(frame[dim].dropna()))
    if not scale_size:
        present = set(frame[dim].dropna())
        names = [n for n in names if n in present]
    return {name: colour(i, scale_size) for i, name in enumerate(names)}


def _split(panel: Panel, dim: str | None, orders: dict) -> list[tuple[str | None, pd.DataFrame]]:
    """The panel's rows by the colour dimension, in the dictionary's order."""
    if dim is None:
        return [(None, panel.frame)]
    frame = panel.frame
    values = orders.get(dim) or list(dict.fromkeys(frame[dim].dropna()))
    return [(v, frame[frame[dim] == v]) for v in values if (frame[dim] == v).any()]


def _category_series(data: ChartData, colours: dict) -> None:
    """Series of values along the category axis (bar, line): each where it has a value, in axis order.
    Read row by row: the frame is small, and pandas' per-series masks cost more than the chart."""
    adds_up = data.chart_type == "line"  # a line sums the rows of a year (bars have one row a category)
    for panel in data.panels:
        frame = panel.frame
        names = frame[data.colour_by].tolist() if data.colour_by else [None] * len(frame)
        cells: dict = {}
        for name, category, value in zip(names, frame[data.category].tolist(),
                                         frame["value"].to_numpy(float).tolist(), strict=True):
            row = cells.setdefault(name, {})
            row[category] = (row.get(category, 0.0) + (0.0 if math.isnan(value) else value)) if adds_up else value
        order = (data.orders.get(data.colour_by) or list(cells)) if data.colour_by else [None]
        for name in (n for n in order if n in cells):
            row = cells[name]
            categories = [c for c in data.categories if c in row]
            panel.series.append(Series(None if name is None else str(name), categories,
                                       [row[c] for c in categories], colours[name]))


def _ranked_series(data: ChartData) -> None:
    ascending = data.spec.options.get("sort") == "value_asc"
    for panel in data.panels:
        ranked = panel.frame.sort_values("value", ascending=ascending)
        panel.series.append(Series(None, ranked[data.category].tolist(), ranked["value"].to_numpy(float).tolist(),
                                   colour(0)))


def _pie_series(data: ChartData) -> None:
    dim = data.category
    for panel in data.panels:
        part = panel.frame.set_index(dim)["value"].reindex([c for c in data.categories if c in set(panel.frame[dim])])
        panel.series.append(Series(None, part.index.tolist(), part.to_numpy(float).tolist(), ""))


def _pyramid_series(data: ChartData) -> None:
    """The two sexes' counts by age band (the first drawn leftwards by the figure)."""
    frame, age, sex = data.frame, data.category, data.colour_by
    for i, value in enumerate(data.orders.get(sex) or sorted(frame[sex].unique())):
        if i == 2:
            break
        part = frame[frame[sex] == value].groupby(age)["value"].sum().reindex(data.categories).fillna(0)
        data.panels[0].series.append(Series(str(value), data.categories, part.to_numpy(float).tolist(), colour(i)))


def _point_series(data: ChartData, colours: dict) -> None:
    """Rows as points (scatter: x and value) or as raw values (histogram, box)."""
    for panel in data.panels:
        for name, part in _split(panel, data.colour_by, data.orders):
            xs = part["x"].to_numpy(float).tolist() if data.chart_type == "scatter" else []
            panel.series.append(Series(None if name is None else str(name), xs, part["value"].to_numpy(float).tolist(),
                                       colours[name]))


def _axes_dimensions(spec: ChartSpec, catalog: dict[str, Dataset]) -> tuple[str | None, str | None]:
    """(the category axis's dimension, the colour dimension) of the chart type."""
    dims, ds, kind = spec.dimensions, catalog[spec.dataset], spec.chart_type
    first = dims[0] if dims else None
    if kind == "line":
        year = next(d for d in dims if role_of(catalog, ds, d) == "year")
        return year, next((d for d in dims if d != year), None)
    if kind == "pyramid":
        return (next(d for d in dims if role_of(catalog, ds, d) == "age_band"),
                next(d for d in dims if role_of(catalog, ds, d) == "sex"))
    if kind == "bar":
        return first, dims[1] if len(dims) > 1 else None
    if kind in ("ranked_bar", "pie"):
        return first, None
    if kind in ("scatter", "histogram", "box"):
        return None, first
    return None, None  # heatmap (rows × columns) and kpi draw from the frame


def _categories(data: ChartData, catalog: dict[str, Dataset]) -> list:
    frame, dim, orders = data.frame, data.category, data.orders
    if dim is None or data.chart_type == "ranked_bar":
        return []
    if data.chart_type == "bar":
        column = resolve_column(catalog, data.dataset, dim)
        return sorted_categories(frame, dim, orders, data.spec.options.get("sort", "auto"),
                                 natural_order=column is None or column.has_natural_order)
    if data.chart_type == "pie":
        return orders.get(dim) or frame.groupby(dim)["value"].sum().sort_values(ascending=False).index.tolist()
    return orders.get(dim) or sorted(frame[dim].unique())


def chart_data(df: pd.DataFrame, spec: ChartSpec, catalog: dict[str, Dataset], lang: str = "ja") -> ChartData:
    """The chart of a spec's data (the DataFrame of lib.charts.sql.run_chart), ready to draw."""
    frame, orders = prepare_frame(df, spec, catalog)
    ds = catalog[spec.dataset]
    labels = {name: column_label(catalog, spec, name, lang) for name in spec.grouping}
    if spec.chart_type == "scatter":
        labels["x"] = column_title(catalog, spec, spec.options["x"], lang)
    category, colour_by = _axes_dimensions(spec, catalog)
    measure_title = value_axis_title(spec, catalog, lang)
    data = ChartData(spec, frame, orders, labels, ds, lang, chart_title(spec, catalog, lang),
                     filter_summary(spec, catalog, lang), measure_title, measure_title,
                     measure_unit(spec, catalog, lang), category, colour_by, [], _panels(frame, spec, orders),
                     horizontal=spec.chart_type == "ranked_bar" or (spec.chart_type == "bar"
                                                                    and bool(spec.options.get("horizontal"))),
                     bar_mode=spec.options.get("bar_mode", "grouped"), overall=df.attrs.get("overall"))
    data.categories = _categories(data, catalog)
    if data.percent and spec.chart_type == "bar":
        data.value_title = composition_axis_title(spec, catalog, lang)
    col = resolve_column(catalog, ds, colour_by) if colour_by and spec.chart_type == "bar" else None
    # bars of a 5-point answer scale are coloured as a diverging scale; other series take the palette
    colours = _series_colours(frame, colour_by, orders, len(col.scale) if col is not None and col.scale else 0)
    if spec.chart_type in ("bar", "line"):
        _category_series(data, colours)
    elif spec.chart_type == "ranked_bar":
        _ranked_series(data)
    elif spec.chart_type == "pie":
        data.slice_colours = {c: colour(i) for i, c in enumerate(data.categories)}
        _pie_series(data)
    elif spec.chart_type == "pyramid":
        _pyramid_series(data)
    elif spec.chart_type in ("scatter", "histogram", "box"):
        _point_series(data, colours)
    return data


MANY_CATEGORIES = 12  # more upright bars or boxes than this, with long names, are drawn lying down
SHORT_NAME = 5  # characters: a year or an age band ("10-14"), which reads well upright


def too_many_to_stand(names) -> bool:
    """Many long category names (町丁目) read only lying down, one per row (pictures and PowerPoint)."""
    names = [str(n) for n in names]
    return len(names) > MANY_CATEGORIES and max(map(len, names)) > SHORT_NAME
