"""The map page's analyses, one tab each: catchment circles, distance to the nearest place, places per unit,
flood zones, a second measure to compare. `MapAnalyses` draws their settings (keys `map_<analysis>_*`), gives
the MapSpec its analysis fields, and writes each result in plain words under its own settings."""
from __future__ import annotations

import streamlit as st

from lib import ui
from lib.maps import data as map_data
from lib.maps.spec import CatchmentSpec, CompareSpec, NearestSpec, PointLayerSpec
from lib.ui.map_controls import MapControls

RADII_M = [250, 300, 500, 800, 1000, 1500, 2000]


class MapAnalyses:
    """The analyses asked for on top of the map set in `controls` (draw `settings()` after its steps)."""

    def __init__(self, controls: MapControls):
        self.controls = controls
        self.places = controls.places
        self.on: dict[str, bool] = {}  # each analysis: asked for or not
        self.around: dict[str, str] = {}  # catchment, nearest, counts: the place (a key of MapPlaces.options)
        self.radius_m = RADII_M[2]
        self.compare_with, self.compare_mode = "", "symbols"
        self.boxes: dict = {}  # each analysis's place on the page, under its settings, for its result

    def settings(self) -> None:
        tabs = st.tabs(
            [ui.tr(f"map.analysis.{name}") for name in ("catchment", "nearest", "counts", "flood", "compare")]
        )
        drawers = (self._catchment, lambda: self._around_place("nearest", "map.analysis.to"),
                   lambda: self._around_place("counts", "map.analysis.count_what"), self._flood, self._compare)
        for tab, draw in zip(tabs, drawers, strict=True):
            with tab:
                draw()

    def _place_picker(self, column, label_key: str, key: str) -> str:
        return column.selectbox(ui.tr(label_key), list(self.places.options), format_func=self.places.label, key=key)

    def _catchment(self) -> None:
        st.caption(ui.tr("map.analysis.catchment.help"))
        a1, a2, a3 = st.columns([1, 2, 2])
        self.on["catchment"] = a1.checkbox(ui.tr("map.analysis.on"), key="map_catchment_on")
        self.around["catchment"] = self._place_picker(a2, "map.analysis.around", "map_catchment_place")
        self.radius_m = a3.select_slider(ui.tr("map.analysis.radius"), RADII_M, 500, key="map_catchment_radius")
        self.boxes["catchment"] = st.container()

    def _around_place(self, analysis: str, label_key: str) -> None:
        """An analysis about one place (the distance to the nearest, the places per unit): on, and which place."""
        st.caption(ui.tr(f"map.analysis.{analysis}.help"))
        on, place = st.columns([1, 3])
        self.on[analysis] = on.checkbox(ui.tr("map.analysis.on"), key=f"map_{analysis}_on")
        self.around[analysis] = self._place_picker(place, label_key, f"map_{analysis}_place")
        self.boxes[analysis] = st.container()

    def _flood(self) -> None:
        st.caption(ui.tr("map.analysis.flood.help"))
        catalog = self.controls.catalog
        demo_flood = "flood_zones" in catalog and catalog["flood_zones"].demo_on_real_city
        if demo_flood:
            st.info(ui.tr("map.error.flood_demo_only"))
        self.on["flood"] = st.checkbox(ui.tr("map.analysis.on"), key="map_flood_on",
                                       disabled="flood_zones" not in catalog or demo_flood)
        self.boxes["flood"] = st.container()

    def _compare(self) -> None:
        st.caption(ui.tr("map.analysis.compare.help"))
        presets, unit = self.controls.presets, self.controls.unit
        e1, e2, e3 = st.columns([1, 2, 2])
        self.on["compare"] = e1.checkbox(ui.tr("map.analysis.on"), key="map_compare_on")
        self.compare_with = e2.selectbox(ui.tr("map.analysis.compare_with"), list(presets), format_func=unit.label,
                                         index=min(1, len(presets) - 1), key="map_compare_measure")
        self.compare_mode = e3.radio(ui.tr("map.analysis.compare_mode"), ["symbols", "side_by_side"],
                                     format_func=lambda m: ui.tr(f"map.compare.{m}"), key="map_compare_mode")
        self.boxes["compare"] = st.container()
        if self.on["compare"] and self.controls.measure is None:
            self.boxes["compare"].info(ui.tr("map.spec.compare_without_measure"))

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
        """Each analysis's figures under its settings."""
        if data.catchment is not None:
            with self.boxes["catchment"]:
                _catchment_result(data.catchment)
        nearest = data.nearest_summary()
        if nearest is not None:
            with self.boxes["nearest"]:
                n1, n2, n3 = st.columns(3)
                n1.metric(ui.tr("map.result.nearest_median"), f"{nearest.median_m:,.0f} m")
                n2.metric(ui.tr("map.result.nearest_max"), f"{nearest.max_m:,.0f} m")
                n3.metric(ui.tr("map.result.nearest_far"), f"{nearest.elderly_far:,.0f}")
        without = data.units_without_points()
        if without is not None:
            with self.boxes["counts"]:
                st.metric(ui.tr("map.result.units_without"), f"{without} / {len(data.units)}")
        if data.flood is not None:
            with self.boxes["flood"]:
                _flood_result(data.flood, self.controls.catalog)


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
