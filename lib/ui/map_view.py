"""A map on the map page: the folium map (a second one to compare side by side), the panel with the figures of
the area clicked, its warnings and notes; and the maps saved before, drawn again from their specs."""
from __future__ import annotations

import streamlit as st

from lib import ui
from lib.maps import data as map_data
from lib.maps.queries import MapDataError
from lib.maps.render import render_compare_map, render_map
from lib.maps.spec import MapSpec, MapSpecError
from lib.ui import derived
from lib.ui.folium_view import show_folium
from lib.ui.user_text import literal

# The figures of the clicked unit that an analysis adds: its column, its label and how it is written.
ANALYSIS_FIGURES = (("nearest_m", "map.panel.nearest", "{:,.0f} m"),
                    ("catchment_share", "map.panel.catchment", "{:.0%}"),
                    ("flood_share", "map.panel.flood", "{:.0%}"),
                    ("point_count", "map.panel.count", "{:,.0f}"))


def _show(data: map_data.MapData, spec: MapSpec, key: str, lang: str):
    """The map (and a second one to compare side by side) with its warnings; what a click on it returned.
    Rendered once per map and language (kept with the cached MapData), not on every run."""
    for warning in data.warnings:
        st.warning(warning)
    map_col, panel = st.columns([3, 1])
    with map_col:
        result = show_folium(lambda: render_map(data, lang), data.drawing_cache, ("map", lang), key=key,
                             height=560, use_container_width=True, returned_objects=["last_active_drawing"])
        if spec.compare and spec.compare.mode == "side_by_side":
            st.caption(ui.tr("map.compare.second_map", label=data.compare_label))
            show_folium(lambda: render_compare_map(data, lang), data.drawing_cache, ("compare", lang),
                        key=key + "_second", height=460, use_container_width=True)
    return result, panel


def draw_map(spec: MapSpec, key: str) -> map_data.MapData | None:
    """Validate, build and show one map with its side panel; returns the MapData (None when it cannot be drawn:
    the reason is shown as a sentence)."""
    lang = ui.lang()
    try:
        data = derived.map_data_for(spec, lang)
        result, panel = _show(data, spec, key, lang)
    except MapSpecError as error:
        for problem in error.texts(lang):
            st.error(problem)
        return None
    except MapDataError as error:
        st.error(error.text(lang))
        return None
    except Exception as error:  # noqa: BLE001 - a sentence for the user; the detail for the instructor
        st.error(ui.tr("map.error.failed"))
        with st.expander(ui.tr("map.error.details")):
            st.code(f"{type(error).__name__}: {error}", language=None)
        return None
    with panel:
        _unit_panel(data, (result or {}).get("last_active_drawing"))
    for note in data.notes:
        st.caption("ℹ️ " + note)
    return data


def _unit_panel(data: map_data.MapData, clicked) -> None:
    """The figures of the unit clicked on the map (a hint until one is)."""
    st.markdown(f"**{ui.tr('map.panel.title')}**")
    row = data.clicked_unit(clicked)
    if row is None:
        st.caption(ui.tr("map.panel.hint"))
        return
    st.markdown("### " + literal(row['unit_name']))
    if row["suppressed"]:
        st.info(ui.tr("map.legend.suppressed", threshold=map_data.PUBLICATION_THRESHOLD))
        return
    st.metric(ui.tr("map.table.population"), f"{row['population']:,.0f}")
    st.metric(ui.tr("map.table.ageing_rate"), f"{row['ageing_rate']:.1f}")
    shows_ageing = data.spec.measure is not None and data.spec.measure.label == "indicator.ageing_rate"
    if data.value_label and not shows_ageing and "value" in row and row["value"] == row["value"]:
        st.metric(data.value_label, f"{row['value']:,.1f} {data.value_unit}".strip())
    if data.compare_label and row.get("compare_value") == row.get("compare_value"):
        st.metric(data.compare_label, f"{row['compare_value']:,.1f} {data.compare_unit}".strip())
    for column, key, fmt in ANALYSIS_FIGURES:
        if column in row and row[column] == row[column]:  # NaN: the analysis has no figure for this unit
            st.metric(ui.tr(key), fmt.format(row[column]))


def saved_maps() -> None:
    """The maps saved before (here or in the group), one at a time, drawn again from their specs."""
    saved = ui.saved_evidence("map")
    if not saved:
        return
    with st.expander(ui.tr("map.saved.title", n=len(saved))):
        index = st.selectbox(ui.tr("map.saved.choose"), range(len(saved)), key="map_saved_choice",
                             format_func=lambda i: f"{saved[i]['title']}（{saved[i]['saved_at']}）")
        item = saved[index]
        if item["note"]:
            st.markdown(literal(item["note"]))
        try:
            draw_map(MapSpec.from_dict(item["spec"]), "map_saved")
        except (TypeError, KeyError, ValueError):
            st.error(ui.tr("map.saved.broken"))
