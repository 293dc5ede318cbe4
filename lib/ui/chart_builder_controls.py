"""The chart builder's own widgets: the options of the chosen chart type, and putting a saved chart's settings
back into the widgets (to change it and save a new version). Every widget key is under `chart:`."""
from __future__ import annotations

from typing import Callable

import streamlit as st

from lib.charts.spec import BAR_MODES, ChartSpec, Measure
from lib.ui import tr
from lib.ui.analysis_controls import KEEP

K = "chart:"
# A chart option and the widget (key under K) that sets it.
OPTION_WIDGETS = {"bar_mode": "bar_mode", "sort": "sort", "horizontal": "horizontal", "top_n": "top_n",
                  "donut": "donut", "x": "x", "trend_line": "trend", "bins": "bins"}


def _key(option: str) -> str:
    return K + OPTION_WIDGETS[option]


def chart_type_options(chart_type: str, dimensions: list[str], measure: Measure, numeric: list[str],
                       label_of: Callable[[str | None], str]) -> dict:
    """The widgets of `chart_type`'s options, and the options chosen. A scatter, histogram or box of a measure
    that has no column asks for the value column and sets it on `measure`."""
    options: dict = {}
    if chart_type == "bar":
        if len(dimensions) == 2:
            options["bar_mode"] = st.radio(tr("chart.bar_mode"), BAR_MODES, horizontal=True, key=_key("bar_mode"),
                                           persist_state=KEEP,
                                           format_func=lambda m: tr(f"chart.bar_mode.{m}"))
        options["sort"] = st.radio(tr("chart.sort"), ["auto", "value_desc", "label"], horizontal=True,
                                   key=_key("sort"), persist_state=KEEP, format_func=lambda s: tr(f"chart.sort.{s}"))
        options["horizontal"] = st.checkbox(tr("chart.horizontal"), key=_key("horizontal"), persist_state=KEEP)
    if chart_type == "ranked_bar":
        options["top_n"] = int(st.number_input(tr("chart.top_n"), 3, 100, 10, key=_key("top_n"), persist_state=KEEP))
    if chart_type == "pie":
        options["donut"] = st.checkbox(tr("chart.donut"), value=True, key=_key("donut"), persist_state=KEEP)
    if chart_type in {"scatter", "histogram", "box"} and not measure.column and numeric:
        measure.column = st.selectbox(tr("chart.value_column"), numeric, key=K + "raw_column", persist_state=KEEP,
                                      format_func=label_of)
    if chart_type == "scatter":
        options["x"] = st.selectbox(tr("chart.x_column"), [c for c in numeric if c != measure.column] or numeric,
                                    key=_key("x"), persist_state=KEEP, format_func=label_of)
        options["trend_line"] = st.checkbox(tr("chart.trend"), value=True, key=_key("trend_line"), persist_state=KEEP)
    if chart_type == "histogram":
        options["bins"] = int(st.slider(tr("chart.bins"), 5, 60, 20, key=_key("bins"), persist_state=KEEP))
    return options


def load_into_builder(saved_spec: dict) -> None:
    """Put a saved chart's settings back into the widgets, to change it and save a new version."""
    spec = ChartSpec.from_dict(saved_spec)
    m, state = spec.measure, st.session_state
    state[K + "dataset"] = spec.dataset
    state[K + "measure"] = m.kind
    state[K + "base"] = m.base
    if m.column:
        state[K + "measure_column"] = state[K + "raw_column"] = m.column
    if m.kind == "change":
        state[K + "from_year"], state[K + "to_year"], state[K + "relative"] = m.from_year, m.to_year, m.relative
    dims = spec.dimensions + [None, None]
    state[K + "dim1"], state[K + "dim2"], state[K + "facet"] = dims[0], dims[1], spec.facet
    shown = [f for f in spec.filters if f.op in {"in", "between"}]
    state[K + "filter_columns"] = [f.column for f in shown]
    for flt in shown:
        state[f"{K}filter:{flt.column}"] = list(flt.values) if flt.op == "in" else tuple(flt.values)
    state[K + "type"] = spec.chart_type
    for option in OPTION_WIDGETS:
        if option in spec.options:
            state[_key(option)] = spec.options[option]
    state[K + "title"] = spec.title
