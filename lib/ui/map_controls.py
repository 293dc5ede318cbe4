"""The map page's settings: what to map (municipality, unit, measure), the places on top, how the values are
classified. `MapControls` draws their widgets in the page's order and owns their `map_*` keys; the analyses'
settings are lib.ui.map_analyses, and `spec()` turns both into the MapSpec they describe."""
from __future__ import annotations

import streamlit as st

from lib import settings, ui
from lib.data.query import Filter, distinct_values
from lib.maps.queries import snapshot_year_column
from lib.maps.spec import (
    CLASSIFY_METHODS,
    PALETTES,
    ClassificationSpec,
    MapSpec,
    MapSpecError,
    MeasureSpec,
    PointLayerSpec,
    parse_breaks,
)
from lib.ui import derived
from lib.ui.city_choice import city_choice
from lib.ui.map_units import UnitChoice, unit_choice

CUSTOM, NONE = "map.preset.custom", "map.preset.none"  # the measure picker's two choices besides the presets
DEFAULT_CLASSES, DEFAULT_BREAKS = ClassificationSpec(), "10, 20, 30"
# Settings drawn only while their expander or tab is open keep their values while hidden, as long as the page
# stays open (as every map setting: none survives a switch to another page).
SHOWN_ON_PAGE = "page"


def kept(key: str, options, default):
    """A setting's value, drawn this run or kept while hidden; `default` when it has none or it is no longer
    one of `options` (as Streamlit does for a widget whose options changed)."""
    value = st.session_state.get(key, default)
    return value if value in options else default


class MapPlaces:
    """The places a map can show and analyse around: the facilities by category, the 通いの場. Places of the
    made-up demo city are not offered on a real city's map (they would lie elsewhere)."""

    def __init__(self, catalog: dict, facility_categories: list[str]):
        self.datasets = {name for name in ("facilities", "kayoi_places")
                         if name in catalog and not catalog[name].demo_on_real_city}
        self.facility_categories = facility_categories
        # An analysis picks one of these: the 通いの場, or one category of facility.
        self.options = {"kayoi_places": None} if "kayoi_places" in self.datasets else {}
        self.options.update({f"facilities:{c}": c for c in self.facility_categories})

    def label(self, key: str) -> str:
        return ui.tr("map.points.kayoi") if key == "kayoi_places" else self.options[key]

    def layer(self, key: str) -> PointLayerSpec:
        if key == "kayoi_places":
            return PointLayerSpec("kayoi_places")
        return PointLayerSpec("facilities", "category", [self.options[key]])


class MapControls:
    """The settings of the map being made, read from their widgets (call the steps in order)."""

    def __init__(self, cursor, catalog: dict):
        self.cursor, self.catalog = cursor, catalog
        choices = derived.map_choices()
        self.places = MapPlaces(catalog, choices.facility_categories)
        self.presets = choices.presets
        self.city = ""
        self.unit = UnitChoice("area")
        self.measure: MeasureSpec | None = None
        self.points: list[PointLayerSpec] = []
        self.labels = self.tiles = False
        self.classification = ClassificationSpec()

    def what_to_map(self) -> None:
        """Step 1: the municipality (a joint course), the unit and the measure."""
        self.city = city_choice("map_city")  # a joint course: the group's municipality first, or all of them
        c1, c2 = st.columns([2, 1])
        self.unit = unit_choice(c2, self.catalog)  # 町丁目, a mesh, or the zones a dataset was anonymized to
        self.presets = self.unit.presets(self.presets)
        choice = c1.selectbox(ui.tr("map.measure.choose"), [*self.presets, CUSTOM, NONE],
                              format_func=self.unit.label, key=self.unit.measure_key)
        self.measure = self._custom_measure() if choice == CUSTOM else self.presets.get(choice)

    def _custom_measure(self) -> MeasureSpec:
        """A column (or a count of records) of any dataset with 町丁目 or mesh codes, per population, 65+ or km²."""
        catalog, lang = self.catalog, ui.lang()
        mappable = [n for n, ds in catalog.items() if not ds.demo_on_real_city
                    and (ds.columns_with_role("area") or ds.columns_with_role("mesh") or n == self.unit.zones)]
        d1, d2, d3, d4 = st.columns(4)
        name = d1.selectbox(ui.tr("map.custom.dataset"), mappable,
                            format_func=lambda n: catalog[n].title_in(lang), key="map_custom_dataset")
        ds = catalog[name]
        numeric = [None] + [c.name for c in ds.data_columns if c.is_numeric and c.role not in ("year",)]
        column = d2.selectbox(ui.tr("map.custom.column"), numeric, key="map_custom_column",
                              format_func=lambda c: ui.tr("map.custom.count") if c is None
                              else ds.column(c).label_in(lang))
        normalize = d3.selectbox(ui.tr("map.custom.normalize"), ["population", "elderly", "area_km2", "none"],
                                 format_func=lambda v: ui.tr(f"map.normalize.{v}"), key="map_custom_normalize")
        unscaled = normalize in ("none", "area_km2")
        per = d4.selectbox(ui.tr("map.custom.per"), [1000, 100, 10000, 1], key="map_custom_per",
                           format_func=lambda v: ui.tr(f"map.per_choice.{v}"), disabled=unscaled)
        filters = []
        year_col = snapshot_year_column(ds)
        if year_col:
            years = distinct_values(self.cursor, catalog, name, year_col)
            year = st.select_slider(ui.tr("map.custom.year"), years, value=years[-1], key=f"map_year_{name}")
            filters.append(Filter(year_col, "in", [year]))
        return MeasureSpec(name, column, filters, normalize, 1 if unscaled else per)

    def places_on_top(self) -> None:
        """Step 2: facilities by category, 通いの場, as pins or a heat map; area names; the background tiles."""
        p1, p2, p3 = st.columns([3, 1, 1])
        categories = p1.multiselect(ui.tr("map.points.facilities"), self.places.facility_categories,
                                    key="map_facilities", placeholder=ui.tr("map.points.placeholder"),
                                    select_all=False)
        kayoi = (p2.checkbox(ui.tr("map.points.kayoi"), key="map_kayoi")
                 if "kayoi_places" in self.places.datasets else False)
        heat = p2.checkbox(ui.tr("map.points.heat"), key="map_heat")
        self.labels = p3.checkbox(ui.tr("map.labels"), key="map_labels", value=False)
        self.tiles = p3.checkbox(ui.tr("map.tiles"), key="map_tiles", disabled=not settings.TILE_URL,
                                 help=ui.tr("map.tiles.help") if settings.TILE_URL else ui.tr("map.tiles.none"))
        self.points = []
        if categories:
            self.points.append(PointLayerSpec("facilities", "category", categories, heat=heat))
        if kayoi:
            self.points.append(PointLayerSpec("kayoi_places", heat=heat and not categories))

    def classes(self) -> None:
        """How values become colours: the method, the number of classes (or the user's breaks), the palette.
        Drawn only while their expander is open (fewer elements for a browser to draw before the map); closed,
        they keep their values for the page (persist_state)."""
        box = st.expander(ui.tr("map.classify.title"), key="map_classes_open", on_change="rerun")
        if box.open:
            with box:
                k1, k2, k3 = st.columns(3)
                method = k1.selectbox(ui.tr("map.classify.method"), CLASSIFY_METHODS, persist_state=SHOWN_ON_PAGE,
                                      format_func=lambda m: ui.tr(f"map.method.{m}"), key="map_method")
                k2.slider(ui.tr("map.classify.k"), 2, 9, DEFAULT_CLASSES.k, key="map_k", disabled=method == "user",
                          persist_state=SHOWN_ON_PAGE)
                k3.selectbox(ui.tr("map.classify.palette"), PALETTES, key="map_palette", persist_state=SHOWN_ON_PAGE)
                if method == "user":
                    st.text_input(ui.tr("map.classify.breaks"), DEFAULT_BREAKS, key="map_breaks",
                                  persist_state=SHOWN_ON_PAGE)
                st.caption(ui.tr("map.classify.help"))
        method = kept("map_method", CLASSIFY_METHODS, DEFAULT_CLASSES.method)
        breaks: list[float] = []
        if method == "user":
            try:
                breaks = parse_breaks(st.session_state.get("map_breaks", DEFAULT_BREAKS))
            except MapSpecError as error:
                (box if box.open else st).error(error.text(ui.lang()))
        self.classification = ClassificationSpec(method, kept("map_k", range(2, 10), DEFAULT_CLASSES.k), breaks,
                                                 kept("map_palette", PALETTES, DEFAULT_CLASSES.palette))

    def spec(self, analysis_fields: dict, places_analysed: list) -> MapSpec:
        """The map these settings describe, with the analyses' fields and the places they are about
        (lib.ui.map_analyses: MapAnalyses.spec_fields, places_shown)."""
        spec = MapSpec(base_unit=self.unit.unit, zones=self.unit.zones, measure=self.measure,
                       classification=self.classification, points=self.points, labels=self.labels,
                       background_tiles=bool(self.tiles), city=self.city, **analysis_fields)
        for layer in places_analysed:
            if layer not in spec.points:
                spec.points.append(layer)
        return spec
