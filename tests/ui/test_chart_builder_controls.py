"""The chart builder's chart-type options: a saved chart's options come back into the very widgets that set them
(lib.ui.chart_builder_controls), for every chart type that has options."""
from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from lib.charts.spec import ChartSpec, Measure
from lib.ui.chart_builder_controls import OPTION_WIDGETS

# Each chart type with options other than the widgets' defaults.
SAVED = {
    "bar": {"bar_mode": "percent", "sort": "label", "horizontal": True},
    "ranked_bar": {"top_n": 25},
    "pie": {"donut": False},
    "scatter": {"x": "q", "trend_line": False},
    "histogram": {"bins": 42},
}


def _builder():
    import streamlit as st

    from lib.charts.spec import Measure
    from lib.ui.chart_builder_controls import K, chart_type_options, load_into_builder

    if "load" in st.session_state:
        load_into_builder(st.session_state.pop("load"))
    measure = Measure("mean")
    st.session_state["chosen"] = chart_type_options(st.session_state[K + "type"], ["a", "b"], measure,
                                                    ["p", "q", "r"], str)
    st.session_state["value_column"] = measure.column


def test_every_chart_option_has_a_widget():
    assert set(OPTION_WIDGETS) == {option for options in SAVED.values() for option in options}


@pytest.mark.parametrize("chart_type", sorted(SAVED))
def test_a_saved_charts_options_come_back_into_the_widgets(chart_type):
    at = AppTest.from_function(_builder)
    at.session_state["chart:type"] = chart_type
    at.run()
    assert not at.exception, at.exception
    assert at.session_state["chosen"] != SAVED[chart_type]  # the defaults differ from the saved options
    spec = ChartSpec("survey", Measure("mean", "r"), ["a", "b"], chart_type=chart_type, options=SAVED[chart_type])
    at.session_state["load"] = spec.to_dict()
    at.run()
    assert not at.exception, at.exception
    assert at.session_state["chosen"] == SAVED[chart_type]
    if chart_type in {"scatter", "histogram"}:
        assert at.session_state["value_column"] == "r"
