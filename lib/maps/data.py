"""MapSpec → the GeoDataFrames a map is drawn from, by SQL on the published DuckDB.

The base units are 町丁目 (from the areas table) or JIS X 0410 mesh cells (built
with jismesh over the city). Each unit gets its population and 65+ population,
the mapped measure (SUM or COUNT of a dataset, optionally divided by population,
65+ population or area) and the results of the chosen analyses.

Privacy: the workbench's one small-cell rule (lib.analysis.disclosure): a unit with
1 … MIN_CELL-1 residents, or whose mapped figure describes 1 … MIN_CELL-1 persons, has its
figures suppressed, and so does the next smallest unit when only one would be hidden (the
city total is known); the legend says so. Point layers come only from geo datasets of
places (facilities, 通いの場), never from records of persons.

The parts: units.py (base units and people), measures.py (the mapped measure),
points.py (point layers), queries.py (shared SQL helpers, MapDataError).
"""
from __future__ import annotations

from dataclasses import dataclass, field, replace

import duckdb
import geopandas as gpd
import numpy as np
import pandas as pd

from lib.analysis import disclosure, geo_analysis
from lib.analysis import indicators as named
from lib.data.query import quote_identifier as q
from lib.data.store import read_geo
from lib.i18n import t
from lib.maps.base_layers import load_base_layers
from lib.maps.classify import Classification, classify_values
from lib.maps.display import geojson_geometries
from lib.maps.measures import (
    as_defined,
    measure_label,
    measure_numerator,
    measure_persons,
    measure_unit,
    measure_values,
    measure_year,
)
from lib.maps.points import load_points, point_counts_sql, point_layer_label
from lib.maps.queries import FLOOD, MapDataError
from lib.maps.spec import MESH_LEVELS, MapSpec, PointLayerSpec, check_map_spec, is_raw_count
from lib.maps.units import area_units, city_boundary, mesh_cells, unit_households, unit_people
from lib.maps.zone_units import records_outside_zones, zone_units

PUBLICATION_THRESHOLD = disclosure.MIN_CELL
FAR_FROM_NEAREST_M = 1000  # "far" in the nearest-distance summary (map.result.nearest_far)


@dataclass(frozen=True)
class NearestSummary:
    """How far units are from the nearest chosen place."""
    median_m: float
    max_m: float
    elderly_far: float  # 65+ living in units farther than FAR_FROM_NEAREST_M


@dataclass
class MapData:
    spec: MapSpec
    units: gpd.GeoDataFrame
    boundary: gpd.GeoDataFrame
    value_label: str = ""
    value_unit: str = ""
    classification: Classification | None = None
    compare_label: str = ""
    compare_unit: str = ""
    compare_classification: Classification | None = None
    points: list[tuple[PointLayerSpec, gpd.GeoDataFrame, str]] = field(default_factory=list)
    catchment: geo_analysis.CatchmentResult | None = None
    catchment_label: str = ""
    flood: geo_analysis.FloodResult | None = None
    flood_zones: gpd.GeoDataFrame | None = None
    base_layers: list[tuple[str, gpd.GeoDataFrame]] = field(default_factory=list)  # (kind, shapes) under the data
    nearest_label: str = ""
    point_count_label: str = ""
    warnings: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    zones_source: str = ""  # a zone map: whose zones they are, for a picture's source line
    # What the notes and warnings say, as message keys and values (the words come later).
    note_keys: list[tuple[str, dict]] = field(default_factory=list)
    warning_keys: list[tuple[str, dict]] = field(default_factory=list)
    # What drawing this data takes, made once and shared with the copies describe_map_data makes, so a cached
    # map does not redo it on every page run: the shapes by "units" / "boundary", a page's rendered map
    # (lib.ui.folium_view) by its own key.
    drawing_cache: dict = field(default_factory=dict, repr=False, compare=False)

    def display_shapes(self, which: str) -> list[dict]:
        """The units' (or the boundary's) shapes for drawing: simplified at city zoom (lib.maps.display)."""
        if which not in self.drawing_cache:
            frame = self.units if which == "units" else self.boundary
            self.drawing_cache[which] = geojson_geometries(frame.geometry.values)
        return self.drawing_cache[which]

    @property
    def suppressed_count(self) -> int:
        return int(self.units["suppressed"].sum())

    def clicked_unit(self, clicked: dict | None) -> pd.Series | None:
        """The unit a click on the map chose (st_folium's last_active_drawing), or None."""
        unit_id = ((clicked or {}).get("properties") or {}).get("unit_id")
        if not unit_id:
            return None
        match = self.units[self.units["unit_id"].astype(str) == str(unit_id)]
        return None if match.empty else match.iloc[0]

    def nearest_summary(self) -> NearestSummary | None:
        if "nearest_m" not in self.units:
            return None
        distance = self.units["nearest_m"]
        return NearestSummary(float(distance.median()), float(distance.max()),
                              float(self.units.loc[distance > FAR_FROM_NEAREST_M, "elderly_65plus"].sum()))

    def units_without_points(self) -> int | None:
        """Units where the counted places number 0 (None when no places were counted)."""
        if "point_count" not in self.units:
            return None
        return int((self.units["point_count"] == 0).sum())


def build_map_data(cursor: duckdb.DuckDBPyConnection, catalog: dict, spec: MapSpec,
                   lang: str = "ja") -> MapData:
    """Everything the map and its table show, with its words in `lang`."""
    return describe_map_data(compute_map_data(cursor, catalog, spec), catalog, lang)


def compute_map_data(cursor: duckdb.DuckDBPyConnection, catalog: dict, spec: MapSpec) -> MapData:
    """The map's figures from the published database, in no language (describe_map_data adds the words).

    Raises MapSpecError (every problem of the spec) or MapDataError (what the data cannot answer).
    """
    check_map_spec(spec, catalog)
    spec = as_defined(cursor, catalog, spec)
    boundary = city_boundary(cursor, catalog, spec.city)
    areas = _city_areas(cursor, catalog, spec)
    if spec.is_zone:  # the zones a dataset was anonymized to; each 町丁目 counts in the zone it lies in
        units, areas = zone_units(cursor, spec.zones, areas, only_with_areas=bool(spec.city))
    else:
        units = mesh_cells(boundary, MESH_LEVELS[spec.base_unit]) if spec.is_mesh else areas.copy()
    year = measure_year(spec.measure, catalog)
    people, note = unit_people(cursor, catalog, units, spec, year, areas)
    units = _with_people(units, people, spec)
    if any(
        m is not None and m.normalize == "households" for m in (spec.measure, spec.compare and spec.compare.measure)
    ):
        units["general_households"] = unit_households(cursor, catalog, units, spec, year, areas).to_numpy()
    data = MapData(spec=spec, units=units, boundary=boundary, base_layers=load_base_layers(cursor, catalog))
    if note:
        data.note_keys.append((note, {}))
    if spec.is_zone and records_outside_zones(cursor, spec.zones, units):
        data.note_keys.append(("map.note.zone_unplaced", {}))
    _add_measures(cursor, catalog, data, areas, note)
    _suppress_small_units(cursor, catalog, data, areas)
    _add_places(cursor, catalog, data, boundary)
    if spec.flood_overlay:
        _add_flood_overlay(cursor, catalog, data)
    if spec.measure is None and "nearest_m" in units.columns:
        units["value"] = units["nearest_m"].where(~units["suppressed"])
    elif spec.measure is None and "point_count" in units.columns:
        units["value"] = units["point_count"].astype(float)
    return data


def _city_areas(cursor: duckdb.DuckDBPyConnection, catalog: dict, spec: MapSpec) -> gpd.GeoDataFrame:
    """The areas mapped: on one municipality's map of a joint course, its areas only (classes are computed
    over what is shown)."""
    areas = area_units(cursor, catalog)
    if not spec.city:
        return areas
    areas = areas[areas["unit_id"].astype(str).str.startswith(spec.city)].reset_index(drop=True)
    if areas.empty:
        raise MapDataError("map.error.no_city", code=spec.city)
    return areas


def _with_people(units: gpd.GeoDataFrame, people: pd.DataFrame, spec: MapSpec) -> gpd.GeoDataFrame:
    """The units with their population, elderly and ageing rate, those too few to publish marked."""
    units = units.merge(people, on="unit_id", how="left")
    for col in ("population", "elderly_65plus", "elderly_75plus"):
        if col not in units.columns:
            units[col] = np.nan
    if spec.is_mesh:  # unpopulated cells (forest, river) are not drawn at all
        units = units[units["population"].fillna(0) > 0].reset_index(drop=True)
    units["ageing_rate"] = np.where(
        units["population"] > 0,
        100 * units["elderly_65plus"] / units["population"].where(units["population"] > 0),
        np.nan,
    )
    units["suppressed"] = units["population"].fillna(0) < PUBLICATION_THRESHOLD
    return units


def _add_measures(cursor: duckdb.DuckDBPyConnection, catalog: dict, data: MapData, areas: gpd.GeoDataFrame,
                  people_note: str | None) -> None:
    """The measure's value (and the compared one's) of each unit, with the notes that say how it was counted."""
    spec, units = data.spec, data.units
    if spec.measure is not None:
        numerator, denominators = measure_numerator(cursor, catalog, spec.measure, units, spec, areas)
        units["value"] = measure_values(numerator, units, spec.measure, denominators).to_numpy()
        if denominators is not None and people_note != "map.note.mesh_apportioned":
            data.note_keys.append(("map.note.measure_apportioned", {}))
        if is_raw_count(spec.measure, catalog):
            data.warning_keys.append(("map.warning.raw_count", {}))
        if spec.measure.normalize in ("population", "elderly"):
            data.note_keys.append(("map.note.rate_denominator", {}))
        elif spec.measure.normalize == "households":
            data.note_keys.append(("map.note.household_denominator", {}))
    if spec.compare is not None:
        numerator, denominators = measure_numerator(cursor, catalog, spec.compare.measure, units, spec, areas)
        units["compare_value"] = measure_values(numerator, units, spec.compare.measure, denominators).to_numpy()


def _suppress_small_units(cursor: duckdb.DuckDBPyConnection, catalog: dict, data: MapData,
                          areas: gpd.GeoDataFrame) -> None:
    """Hide the values of units with too few people or too few persons counted by a measure."""
    spec, units = data.spec, data.units
    few = np.zeros(len(units), dtype=bool)
    for measure in (spec.measure, spec.compare and spec.compare.measure):
        counted = measure_persons(cursor, catalog, measure, units, spec, areas) if measure is not None else None
        if counted is not None:
            few |= disclosure.is_small(counted)
    # The city's total is known: a single hidden unit would be the total minus the others.
    units["suppressed"] = disclosure.suppression_mask(
        units, [], units["population"], also_hidden=units["suppressed"].to_numpy() | few).to_numpy()
    if data.suppressed_count:
        data.note_keys.append(("map.note.suppressed", {"n": data.suppressed_count, "threshold": PUBLICATION_THRESHOLD}))
    for col in ("value", "compare_value", "ageing_rate"):
        if col in units.columns:
            units.loc[units["suppressed"], col] = np.nan


def _add_places(cursor: duckdb.DuckDBPyConnection, catalog: dict, data: MapData,
                boundary: gpd.GeoDataFrame) -> None:
    """The place layers drawn, and per unit: places counted, distance to the nearest, share within reach."""
    spec, units = data.spec, data.units
    for layer in spec.points:
        data.points.append((layer, _shown(load_points(cursor, catalog, layer), spec, boundary), ""))
    if spec.point_counts is not None:
        layer = spec.point_counts
        if spec.is_mesh or spec.is_zone:  # mesh cells and zones exist only here, so the join runs in geopandas
            points = load_points(cursor, catalog, layer)
            units["point_count"] = geo_analysis.point_counts(units, points).to_numpy()
        else:  # spatial SQL in DuckDB, where the points live
            counts = point_counts_sql(cursor, catalog, layer.dataset, layer.category_column, layer.categories)
            units["point_count"] = counts.reindex(units["unit_id"], fill_value=0).to_numpy()
    if spec.nearest is not None:
        points = load_points(cursor, catalog, spec.nearest.points)
        units["nearest_m"] = geo_analysis.nearest_distance(units, points).to_numpy()
    if spec.catchment is not None:
        points = load_points(cursor, catalog, spec.catchment.points)
        if not points.empty:
            data.catchment = geo_analysis.catchment(units, points, spec.catchment.radius_m)
            units["catchment_share"] = data.catchment.per_unit["covered_share"].to_numpy()


def _add_flood_overlay(cursor: duckdb.DuckDBPyConnection, catalog: dict, data: MapData) -> None:
    """The flood zones, the share of each unit they cover and the facilities in them."""
    if catalog[FLOOD].demo_on_real_city:  # the made-up city's zones lie elsewhere
        raise MapDataError("map.error.flood_demo_only")
    data.flood_zones = read_geo(cursor, f"SELECT * FROM {q(FLOOD)}")
    own_places = "facilities" in catalog and not catalog["facilities"].demo_on_real_city
    facilities = load_points(cursor, catalog, PointLayerSpec("facilities")) if own_places else None
    data.flood = geo_analysis.flood_overlay(data.units, data.flood_zones, facilities)
    data.units["flood_share"] = data.flood.per_unit["covered_share"].to_numpy()


def _shown(points: gpd.GeoDataFrame, spec: MapSpec, boundary: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """The places drawn: on one municipality's map of a joint course, those inside it."""
    if not spec.city or points.empty:
        return points
    return points[points.intersects(boundary.union_all())].reset_index(drop=True)


def indicator_notes(spec: MapSpec, lang: str = "ja") -> list[str]:
    """The one-line definition of each named indicator the map shows."""
    measures = (spec.measure, spec.compare.measure if spec.compare else None)
    indicators = [named.by_label(m.label) for m in measures if m is not None]
    return [t("indicator.shown", lang, definition=i.definition(lang)) for i in indicators if i is not None]


def labelled_facilities(facilities: pd.DataFrame, catalog: dict, lang: str = "ja") -> pd.DataFrame:
    """Facilities in the flood zones: name, kind and depth, headed by their dictionary labels."""
    labels = {}
    for dataset, column in (("facilities", "name"), ("facilities", "category"), (FLOOD, "depth_class")):
        if column in facilities.columns:
            ds = catalog.get(dataset)
            labels[column] = ds.column(column).label_in(lang) if ds is not None and ds.has_column(column) else column
    return pd.DataFrame(facilities[list(labels)]).rename(columns=labels)


def describe_map_data(data: MapData, catalog: dict, lang: str = "ja") -> MapData:
    """The map's words in `lang` (labels, units, legend classes, notes) on a copy sharing the figures:
    as a chart's words are put in when it is drawn, one computed map serves every language."""
    spec, units = data.spec, data.units

    def place(layer: PointLayerSpec | None) -> str:
        return point_layer_label(layer, catalog, lang) if layer is not None else ""

    nearest_label, point_count_label = place(spec.nearest.points if spec.nearest else None), place(spec.point_counts)
    if spec.measure is not None:
        value_label, value_unit = measure_label(spec.measure, catalog, lang), measure_unit(spec.measure, catalog, lang)
    elif "nearest_m" in units.columns:
        value_label, value_unit = t("map.value.nearest", lang, label=nearest_label), "m"
    elif "point_count" in units.columns:
        value_label, value_unit = t("map.value.point_count", lang, label=point_count_label), t("map.unit.places", lang)
    else:
        value_label, value_unit = "", ""
    compare = spec.compare.measure if spec.compare is not None else None
    compare_label = measure_label(compare, catalog, lang) if compare is not None else ""
    compare_unit = measure_unit(compare, catalog, lang) if compare is not None else ""
    cls = spec.classification
    zones_title = catalog[spec.zones].title_in(lang) if spec.is_zone and spec.zones in catalog else ""

    def classes(column: str, breaks: list, unit: str) -> Classification | None:
        if column not in units.columns:
            return None
        return classify_values(units[column].to_numpy(dtype=float), cls.method, cls.k, breaks, cls.palette, unit, lang)

    return replace(
        data, value_label=value_label, value_unit=value_unit, compare_label=compare_label, compare_unit=compare_unit,
        classification=classes("value", cls.breaks, value_unit),
        compare_classification=classes("compare_value", [], compare_unit),
        points=[(layer, frame, place(layer)) for layer, frame, _ in data.points],
        nearest_label=nearest_label, point_count_label=point_count_label,
        catchment_label=place(spec.catchment.points if spec.catchment else None),
        notes=[t(key, lang, **values) for key, values in data.note_keys] + indicator_notes(spec, lang)
        + ([t("map.note.zones", lang, dataset=zones_title, n=len(units))] if zones_title else []),
        zones_source=t("map.source.zones", lang, dataset=zones_title) if zones_title else "",
        warnings=[t(key, lang, **values) for key, values in data.warning_keys])


def map_table(data: MapData, lang: str = "ja") -> pd.DataFrame:
    """One row per unit with the mapped figures; suppressed units show no figures."""
    units = data.units
    table = pd.DataFrame({
        t("map.table.unit_id", lang): units["unit_id"].astype(str),
        t("map.table.unit_name", lang): units["unit_name"].astype(str),
    })
    people = units[["population", "elderly_65plus"]].round(0)
    people.loc[units["suppressed"].to_numpy()] = np.nan
    table[t("map.table.population", lang)] = people["population"].to_numpy()
    table[t("map.table.elderly_65plus", lang)] = people["elderly_65plus"].to_numpy()
    table[t("map.table.ageing_rate", lang)] = units["ageing_rate"].round(1).to_numpy()
    if data.value_label and "value" in units:
        table[_with_unit(data.value_label, data.value_unit)] = units["value"].round(2).to_numpy()
    if data.compare_label and "compare_value" in units:
        table[_with_unit(data.compare_label, data.compare_unit)] = units["compare_value"].round(2).to_numpy()
    if "point_count" in units:
        table[t("map.table.point_count", lang, label=data.point_count_label)] = units["point_count"].to_numpy()
    if "nearest_m" in units:
        table[t("map.table.nearest_m", lang, label=data.nearest_label)] = units["nearest_m"].round(0).to_numpy()
    if "catchment_share" in units:
        table[t("map.table.catchment_share", lang)] = (100 * units["catchment_share"]).round(1).to_numpy()
    if "flood_share" in units:
        table[t("map.table.flood_share", lang)] = (100 * units["flood_share"]).round(1).to_numpy()
    table[t("map.table.suppressed", lang)] = np.where(units["suppressed"], "○", "")
    return table


def _with_unit(label: str, unit: str) -> str:
    return f"{label}（{unit}）" if unit else label
