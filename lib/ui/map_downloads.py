"""What a map page gives to take away: the map's table (Excel, CSV), the map as HTML, and a PNG made on request."""
from __future__ import annotations

import json

import streamlit as st

from lib import ui
from lib.maps import data as map_data
from lib.maps.render import render_map
from lib.maps.spec import MapSpec
from lib.ui import derived
from lib.ui.analysis_controls import download_row


def map_downloads(data: map_data.MapData, spec: MapSpec) -> None:
    lang = ui.lang()
    table = derived.map_table(spec, lang)
    # Drawn once opened: a table's code is the largest the browser loads, and loading it with the map delayed
    # the map's first drawing by about 0.7 s.
    table_box = st.expander(ui.tr("map.export.table"), key="map_table_open", on_change="rerun")
    if table_box.open:
        table_box.dataframe(table, hide_index=True, width="stretch")
    download_row(table, "map", "map_dl_", title=data.value_label or None)
    html_column, png_column = st.columns(2)
    # Built when clicked (without running the page again): rendering the map for the HTML was the page's largest cost.
    html_column.download_button(ui.tr("map.export.html"), lambda: _export().map_html(render_map(data, lang)),
                                "map.html", "text/html", key="map_dl_html", on_click="ignore")
    # The PNG takes seconds: made when asked, and kept for this spec in this session.
    png_key = "map_png_" + json.dumps(spec.to_dict(), sort_keys=True, ensure_ascii=False)
    if png_column.button(ui.tr("map.export.png_make"), key="map_png_make"):
        with st.spinner(ui.tr("map.export.png_wait")):
            st.session_state[png_key] = _export().map_png(data, lang)
    if png_key in st.session_state:
        png_column.download_button(ui.tr("map.export.png"), st.session_state[png_key], "map.png", "image/png",
                                   key="map_dl_png")


def _export():
    """lib.maps.export, imported when a file is made: it loads matplotlib (half a second on the first map)."""
    from lib.maps import export  # noqa: PLC0415

    return export
