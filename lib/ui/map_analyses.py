"""The map page's analyses, one tab each: catchment circles, distance to the nearest place, places per unit,
flood zones, a second measure to compare. `MapAnalyses` draws their settings (keys `map_<analysis>_*`), gives
the MapSpec its analysis fields, and writes each result in plain words under its own settings."""
from __future__ import annotations

import streamlit as st

from lib import ui
from lib.maps import data as map_data
from lib.maps.spec import CatchmentSpec, CompareSpec, NearestSpec, PointLayerSpec
from lib.ui.map_controls import SHOWN_ON_PAGE, MapControls, kept

RADII_M = [250, 300, 500, 800, 1000, 1500, 2000]
ANALYSES = ("catchment", "nearest", "counts", "flood", "compare")
AROUND_PLACE = ("catchment", "nearest", "counts")
DEFAULT_RADIUS_M, DEFAULT_COMPARE_MODE = RADII_M[2], "symbols"


class MapAnalyses:
    """The analyses asked for on top of the map set in `controls` (draw `settings()` after its steps)."""

    def __init__(self, controls: MapControls):
        self.controls = controls
        self.places = controls.places
        catalog = controls.catalog
        self.demo_flood = "flood_zones" in catalog and catalog["flood_zones"].demo_on_real_city
        self.flood_available = "flood_zones" in catalog and not self.demo_flood
        self.boxes: dict = {}  # the open analysis's place on the page, under its settings, for its result

    def settings(self) -> None:
        """One tab per analysis. Only the open tab's settings are drawn (a click on a tab runs the page again):
        drawing all five made the map's first drawing wait for them. The others keep their values for the page
        (persist_state) and are read from the session, so an analysis stays on while another is set."""
        tabs = st.tabs([ui.tr(f"map.analysis.{name}") for name in ANALYSES], key="map_analysis_tab",
                       on_change="rerun")
        drawers = (self._catchment, lambda: self._around_place("nearest", "map.analysis.to"),
                   lambda: self._around_place("counts", "map.analysis.count_what"), self._flood, self._compare)
        for name, tab, draw in zip(ANALYSES, tabs, drawers, strict=True):
            if tab.open:
                with tab:
                    draw()
                    self.boxes[name] = st.container()
        self.on = {name: bool(st.session_state.get(f"map_{name}_on", False)) for name in ANALYSES}
        self.on["flood"] = self.on["flood"] and self.flood_available
        self.around = {name: kept(f"map_{name}_place", self.places.options, next(iter(self.places.options), None))
                       for name in AROUND_PLACE}
        self.radius_m = kept("map_catchment_radius", RADII_M, DEFAULT_RADIUS_M)
        presets = list(self.controls.presets)
        self.compare_with = kept("map_compare_measure", presets, presets[_second(presets)] if presets else None)
        self.compare_mode = kept("map_compare_mode", ("symbols", "side_by_side"), DEFAULT_COMPARE_MODE)
        if self.on["compare"] and self.controls.measure is None and "compare" in self.boxes:
            self.boxes["compare"].info(ui.tr("map.spec.compare_without_measure"))

    def _place_picker(self, column, label_key: str, key: str) -> None:
        if not self.places.options:  # an empty list would say "No options to select" in English
            column.caption(ui.tr("map.analysis.no_places"))
            return
        column.selectbox(ui.tr(label_key), list(self.places.options), format_func=self.places.label, key=key,
                         persist_state=SHOWN_ON_PAGE)

    def _catchment(self) -> None:
        st.caption(ui.tr("map.analysis.catchment.help"))
        a1, a2, a3 = st.columns([1, 2, 2])
        a1.checkbox(ui.tr("map.analysis.on"), key="map_catchment_on", disabled=not self.places.options,
                    persist_state=SHOWN_ON_PAGE)
        self._place_picker(a2, "map.analysis.around", "map_catchment_place")
        a3.select_slider(ui.tr("map.analysis.radius"), RADII_M, DEFAULT_RADIUS_M, key="map_catchment_radius",
                         persist_state=SHOWN_ON_PAGE)

    def _around_place(self, analysis: str, label_key: str) -> None:
        """An analysis about one place (the distance to the nearest, the places per unit): on, and which place."""
        st.caption(ui.tr(f"map.analysis.{analysis}.help"))
        on, place = st.columns([1, 3])
        on.checkbox(ui.tr("map.analysis.on"), key=f"map_{analysis}_on", disabled=not self.places.options,
                    persist_state=SHOWN_ON_PAGE)
        self._place_picker(place, label_key, f"map_{analysis}_place")

    def _flood(self) -> None:
        st.caption(ui.tr("map.analysis.flood.help"))
        if self.demo_flood:
            st.info(ui.tr("map.error.flood_demo_only"))
        st.checkbox(ui.tr("map.analysis.on"), key="map_flood_on", disabled=not self.flood_available,
                    persist_state=SHOWN_ON_PAGE)

    def _compare(self) -> None:
        st.caption(ui.tr("map.analysis.compare.help"))
        presets, unit = self.controls.presets, self.controls.unit
        e1, e2, e3 = st.columns([1, 2, 2])
        e1.checkbox(ui.tr("map.analysis.on"), key="map_compare_on", persist_state=SHOWN_ON_PAGE)
        e2.selectbox(ui.tr("map.analysis.compare_with"), list(presets), format_func=unit.label,
                     index=_second(presets), key="map_compare_measure", persist_state=SHOWN_ON_PAGE)
        e3.radio(ui.tr("map.analysis.compare_mode"), ["symbols", "side_by_side"],
                 format_func=lambda m: ui.tr(f"map.compare.{m}"), key="map_compare_mode", persist_state=SHOWN_ON_PAGE)

    def _place(self, analysis: str) -> PointLayerSpec | None:
        """The place an analysis that is on works around (None when it is off or there are no places)."""
        on = self.on[analysis] and self.places.options
        return self.places.layer(self.around[analysis]) if on else None

    def spec_fields(self) -> dict:
        """The MapSpec's analysis fields."""
        catchment, nearest, counts = self._place("catchment"), self._place("nearest"), self._place("counts")
        return {
            "catchment": CatchmentSpec(catchment, self.radius_m) if catchment else None,
            "nearest": NearestSpec(nearest) if nearest else None,
            "point_counts": counts,
            "flood_overlay": self.on["flood"],
            "compare": (CompareSpec(self.controls.presets[self.compare_with], self.compare_mode)
                        if self.on["compare"] and self.controls.measure is not None else None),
        }

    def places_shown(self) -> list[PointLayerSpec]:
        """Circles and distances are easier to read with their places shown: those places, as unclustered pins."""
        layers = (self._place(analysis) for analysis in ("catchment", "nearest"))
        return [PointLayerSpec(**{**layer.__dict__, "cluster": "off"}) for layer in layers if layer is not None]

    def show_results(self, data: map_data.MapData) -> None:
        """The figures of the analysis whose tab is open, under its settings."""
        for name, box in self.boxes.items():
            with box:
                self._result(name, data)

    def _result(self, name: str, data: map_data.MapData) -> None:
        if name == "catchment" and data.catchment is not None:
            _catchment_result(data.catchment)
        elif name == "nearest" and (nearest := data.nearest_summary()) is not None:
            n1, n2, n3 = st.columns(3)
            n1.metric(ui.tr("map.result.nearest_median"), f"{nearest.median_m:,.0f} m")
            n2.metric(ui.tr("map.result.nearest_max"), f"{nearest.max_m:,.0f} m")
            n3.metric(ui.tr("map.result.nearest_far"), f"{nearest.elderly_far:,.0f}")
        elif name == "counts" and (without := data.units_without_points()) is not None:
            st.metric(ui.tr("map.result.units_without"), f"{without} / {len(data.units)}")
        elif name == "flood" and data.flood is not None:
            _flood_result(data.flood, self.controls.catalog)


def _second(presets) -> int:
    """The measure offered to compare with: the second preset (the first is the map's own default)."""
    return min(1, len(presets) - 1)


def _people_inside(column_1, column_2, result) -> None:
    """The population and the 65+ inside an area (circles, flood zones), with their shares of the city."""
    column_1.metric(ui.tr("map.result.population_inside"), f"{result.population:,.0f}")
    column_1.caption(ui.tr("map.result.share", share=f"{result.population_share:.1%}"))
    column_2.metric(ui.tr("map.result.elderly_inside"), f"{result.elderly_65plus:,.0f}")
    column_2.caption(ui.tr("map.result.share_elderly", share=f"{result.elderly_share:.1%}"))


def _catchment_result(catchment) -> None:
    m1, m2 = st.columns(2)
    _people_inside(m1, m2, catchment)
    st.info(ui.tr("map.result.apportioned"))
    per_place = catchment.circles.drop(columns="geometry")
    show = [col for col in ("name", "population", "elderly_65plus") if col in per_place]
    st.dataframe(per_place[show].round(0).rename(columns={
        "name": ui.tr("map.table.unit_name"), "population": ui.tr("map.result.population_circle"),
        "elderly_65plus": ui.tr("map.result.elderly_circle")}), hide_index=True, width="stretch")


def _flood_result(flood, catalog: dict) -> None:
    f1, f2, f3 = st.columns(3)
    _people_inside(f1, f2, flood)
    f3.metric(ui.tr("map.result.facilities_inside"), len(flood.facilities_inside))
    st.info(ui.tr("map.result.apportioned"))
    if not flood.facilities_inside.empty:
        st.dataframe(map_data.labelled_facilities(flood.facilities_inside, catalog, ui.lang()), hide_index=True,
                     width="stretch")
