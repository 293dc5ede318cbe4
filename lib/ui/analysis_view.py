"""How a saved analysis (lib.deck.analysis_evidence) is shown on a page: its figure or map, its reading,
its caution and its table — the same on the analysis page, in the workspace and in presentation mode; and how
the statistics page shows a test's result (lib.analysis.stat_tests)."""
from __future__ import annotations

import streamlit as st

from lib.analysis.stat_tests import TestResult
from lib.deck.analysis_evidence import AnalysisResult
from lib.maps.render import render_map
from lib.ui import lang, plotly_chart, show_suppressed, tr
from lib.ui.folium_view import show_folium


def show_map(map_data, key: str, on_slide: bool = False) -> None:
    """A map; on a slide as wide as its column with a small legend, so that the legend does not hide it.
    Rendered once per map data (a cached result) and language, not on every run."""
    language = lang()
    show_folium(lambda: render_map(map_data, language, compact_legend=on_slide), map_data.drawing_cache,
                ("page_map", language, on_slide), key=key, height=460, use_container_width=on_slide)


def show_analysis(result: AnalysisResult, key: str, on_slide: bool = False, reading: bool = True) -> None:
    """`reading` off where the member's own note (which starts as the reading) is shown beside it."""
    if reading and result.reading:
        st.success(result.reading, icon=":material/lightbulb:")
    if result.figure is not None:
        plotly_chart(result.figure, key=key + ":figure")
    elif result.map_data is not None:
        show_map(result.map_data, key + ":map", on_slide)
    if result.caution:
        st.warning(tr("analysis.caution", caution=result.caution), icon=":material/warning:")
    if result.figure is None and result.map_data is None:
        st.dataframe(result.table, hide_index=True, key=key + ":table")
    else:
        with st.expander(tr("deck.data_table")):
            st.dataframe(result.table, hide_index=True, key=key + ":table")


def show_test_result(result: TestResult) -> None:
    """A test's name, its reading, its warning and its numbers (counts with separators, p below 0.001 as such)."""
    st.subheader(tr(result.test))
    st.success(result.reading, icon=":material/lightbulb:")
    if result.warning:
        st.warning(result.warning, icon=":material/warning:")
    metrics = st.columns(len(result.numbers))
    for column, (key, value) in zip(metrics, result.numbers.items(), strict=True):
        shown = f"{value:,}" if isinstance(value, int) else ("< 0.001" if key == "stat.p" and value < 0.001
                                                             else f"{value:.3g}")
        column.metric(tr(key), shown)


def show_test_table(result: TestResult, expanded: bool) -> None:
    """The table a test counted, if it has one, folded unless `expanded`; its hidden small cells said."""
    if result.table is not None:
        with st.expander(tr("stat.table"), expanded=expanded):
            st.dataframe(result.table.style.format(precision=0, na_rep="-"), width="stretch")
            show_suppressed(result.extra.get("hidden_cells", 0))
