"""MapSpec → the GeoDataFrames a map is drawn from, by SQL on the published DuckDB.

The base units are 町丁目 (from the areas table) or JIS X 0410 mesh cells (built
with jismesh over the city). Each unit gets its population and 65+ population,
the mapped measure (SUM or COUNT of a dataset, optionally divided by population,
65+ population or area) and the results of the chosen analyses.

Privacy: a unit with fewer residents than PUBLICATION_THRESHOLD has its figures
suppressed (the legend says so); point layers come only from geo datasets of
places (facilities, 通いの場), never from records of persons.
"""
from __future__ import annotations

import os
from dataclasses import dataclass, field, replace

import duckdb
import geopandas as gpd
import jismesh.utils as ju
import numpy as np
import pandas as pd
from shapely.geometry import box

from lib.analysis import geo_analysis
from lib.analysis import indicators as named
from lib.analysis.age_groups import band_lower_age
from lib.data.catalog import Dataset
from lib.data.store import quote_identifier as q
from lib.data.store import read_geo
from lib.i18n import STRINGS, t
from lib.maps.classify import Classification, classify_values
from lib.maps.spec import MESH_LEVELS, MapSpec, MeasureSpec, PointLayerSpec, is_raw_count

PUBLICATION_THRESHOLD = int(os.environ.get("WORKBENCH_MAP_MIN_PERSONS", "10"))
MESH_DIGITS = {3: 8, 4: 9, 5: 10}
AREAS, POPULATION, MESH_POPULATION, BOUNDARY, FLOOD = (
    "areas", "population", "elderly_mesh", "city_boundary", "flood_zones")


class MapDataError(ValueError):
    """A spec that the data cannot answer; `key` is a message in lib/locale/maps.yaml."""

    def __init__(self, key: str, **values):
        super().__init__(key)
        self.key = key
        self.values = values

    def text(self, lang: str = "ja") -> str:
        return t(self.key, lang, **self.values)


# --- small helpers -----------------------------------------------------------
def _first_column(ds: Dataset, role: str) -> str | None:
    cols = ds.columns_with_role(role)
    return cols[0].name if cols else None


def _where(filters: dict[str, list], table_alias: str = "") -> tuple[str, list]:
    """WHERE column IN (?, ...) AND ...: identifiers quoted, values bound."""
    prefix = f"{table_alias}." if table_alias else ""
    clauses, params = [], []
    for column, values in filters.items():
        values = list(values)
        if not values:
            continue
        clauses.append(f"{prefix}{q(column)} IN ({', '.join('?' for _ in values)})")
        params.extend(values)
    return (" WHERE " + " AND ".join(clauses)) if clauses else "", params


def snapshot_year_column(ds: Dataset) -> str | None:
    """The year a table's figures refer to (population of 2025, certifications of 2025).

    Geo datasets of places may carry a year too (e.g. the year a place opened); that is an
    attribute of the place, not a snapshot, so it is not filtered by default.
    """
    return None if ds.is_geo else _first_column(ds, "year")


def latest_year(cursor, ds: Dataset) -> int | None:
    year_col = _first_column(ds, "year")
    if year_col is None:
        return None
    return cursor.execute(f"SELECT max({q(year_col)}) FROM {q(ds.name)}").fetchone()[0]


def distinct_values(cursor, ds: Dataset, column: str) -> list:
    rows = cursor.execute(
        f"SELECT DISTINCT {q(column)} FROM {q(ds.name)} WHERE {q(column)} IS NOT NULL ORDER BY 1").fetchall()
    return [r[0] for r in rows]


def resolved_filters(cursor, ds: Dataset, measure: MeasureSpec) -> dict[str, list]:
    """The spec's filters, plus the latest year when a yearly dataset has no year chosen
    (summing over years would count everyone five times)."""
    filters = {k: list(v) for k, v in measure.filters.items() if v}
    year_col = snapshot_year_column(ds)
    if year_col and year_col not in filters:
        filters[year_col] = [latest_year(cursor, ds)]
    return filters


def measure_label(measure: MeasureSpec, catalog: dict, lang: str = "ja") -> str:
    """The legend title: what is counted, and per what."""
    indicator = named.by_label(measure.label)
    if indicator is not None:
        return indicator.label(lang)
    if measure.label in STRINGS:
        return t(measure.label, lang)
    ds = catalog[measure.dataset]
    if measure.label:
        base = measure.label
    elif measure.column:
        base = ds.column(measure.column).label_in(lang)
    else:
        base = t("map.measure.count_of", lang, dataset=ds.title_in(lang))
    if measure.normalize == "none":
        return base
    per = t(f"map.per.{measure.per}", lang) if measure.normalize != "area_km2" else ""
    return t(f"map.normalize.{measure.normalize}.title", lang, measure=base, per=per)


def measure_unit(measure: MeasureSpec, catalog: dict, lang: str = "ja") -> str:
    if measure.normalize == "area_km2":
        return t("map.unit.per_km2", lang)
    if measure.normalize != "none":
        return "%" if measure.per == 100 else ""
    if measure.column:
        return catalog[measure.dataset].column(measure.column).unit_in(lang)
    return t("map.unit.count", lang)


# --- base units -----------------------------------------------------------------
def area_units(cursor, catalog: dict) -> gpd.GeoDataFrame:
    ds = catalog[AREAS]
    code, name = _first_column(ds, "area"), _first_column(ds, "name")
    district = _first_column(ds, "district")
    extra = f", {q(district)} AS district" if district else ""
    return read_geo(cursor, f"SELECT {q(code)} AS unit_id, {q(name)} AS unit_name{extra}, geometry "
                            f"FROM {q(ds.name)} ORDER BY 1")


def city_boundary(cursor, catalog: dict) -> gpd.GeoDataFrame:
    if BOUNDARY in catalog:
        return read_geo(cursor, f"SELECT geometry FROM {q(BOUNDARY)}")
    return read_geo(cursor, f"SELECT ST_Union_Agg(geometry) AS geometry FROM {q(AREAS)}")


def mesh_cells(boundary: gpd.GeoDataFrame, level: int) -> gpd.GeoDataFrame:
    """Every JIS mesh cell of `level` that touches the city, as squares in EPSG:4326."""
    minx, miny, maxx, maxy = boundary.total_bounds
    dlat, dlon = ju.unit_lat(level), ju.unit_lon(level)
    lats = np.arange(miny, maxy + dlat, dlat / 2)
    lons = np.arange(minx, maxx + dlon, dlon / 2)
    lat_grid, lon_grid = np.meshgrid(lats, lons)
    codes = np.unique(ju.to_meshcode(lat_grid.ravel(), lon_grid.ravel(), level))
    south, west = ju.to_meshpoint(codes, 0, 0)
    north, east = ju.to_meshpoint(codes, 1, 1)
    cells = gpd.GeoDataFrame(
        {"unit_id": codes.astype(str)},
        geometry=[box(w, s, e, n) for s, w, n, e in zip(south, west, north, east)], crs=4326,
    )
    city = boundary.union_all()
    cells = cells[cells.intersects(city)].reset_index(drop=True)
    cells["unit_name"] = cells["unit_id"]
    return cells


def _area_population(cursor, catalog: dict, year: int | None) -> pd.DataFrame:
    """Population, 65+ and 75+ per 町丁目 for a year (latest when None or absent)."""
    ds = catalog[POPULATION]
    area, value = _first_column(ds, "area"), _first_column(ds, "measure")
    band, year_col = _first_column(ds, "age_band"), _first_column(ds, "year")
    years = {r for r in distinct_values(cursor, ds, year_col)} if year_col else set()
    where, params = "", []
    if year_col:
        chosen = year if year in years else max(years)
        where, params = f" WHERE {q(year_col)} = ?", [chosen]
    bands = distinct_values(cursor, ds, band)
    old = [b for b in bands if (band_lower_age(b) or 0) >= 65]
    older = [b for b in bands if (band_lower_age(b) or 0) >= 75]

    def band_sum(chosen: list) -> str:
        if not chosen:
            return "0"
        return f"SUM(CASE WHEN {q(band)} IN ({', '.join('?' for _ in chosen)}) THEN {q(value)} ELSE 0 END)"

    sql = (f"SELECT {q(area)} AS unit_id, SUM({q(value)}) AS population, {band_sum(old)} AS elderly_65plus, "
           f"{band_sum(older)} AS elderly_75plus FROM {q(ds.name)}{where} GROUP BY 1")
    frame = cursor.execute(sql, old + older + params).df()
    return frame.astype({"population": float, "elderly_65plus": float, "elderly_75plus": float})


def _mesh_source_level(cursor, ds: Dataset) -> int:
    col = _first_column(ds, "mesh")
    code = cursor.execute(f"SELECT CAST({q(col)} AS VARCHAR) FROM {q(ds.name)} LIMIT 1").fetchone()[0]
    return int(ju.to_meshlevel(int(code)))


def _sum_mesh_table(cursor, ds: Dataset, level: int, columns: dict[str, str], filters=None) -> pd.DataFrame:
    """SUM of columns per mesh code truncated to `level` (coarser or equal to the data's own)."""
    source = _mesh_source_level(cursor, ds)
    if MESH_DIGITS.get(source, 0) < MESH_DIGITS[level]:
        raise MapDataError("map.error.mesh_too_fine", dataset=ds.title_in())
    mesh = q(_first_column(ds, "mesh"))
    select = ", ".join(f"SUM({expr}) AS {q(alias)}" for alias, expr in columns.items())
    where, params = _where(filters or {})
    sql = (f"SELECT left(CAST({mesh} AS VARCHAR), {MESH_DIGITS[level]}) AS unit_id, {select} "
           f"FROM {q(ds.name)}{where} GROUP BY 1")
    return cursor.execute(sql, params).df()


def unit_people(cursor, catalog: dict, units: gpd.GeoDataFrame, spec: MapSpec,
                year: int | None, areas: gpd.GeoDataFrame | None) -> tuple[pd.DataFrame, str | None]:
    """Population and 65+ per unit, and a note key saying how mesh figures were made."""
    if not spec.is_mesh:
        return _area_population(cursor, catalog, year), None
    level = MESH_LEVELS[spec.base_unit]
    if MESH_POPULATION in catalog:
        ds = catalog[MESH_POPULATION]
        if MESH_DIGITS.get(_mesh_source_level(cursor, ds), 0) >= MESH_DIGITS[level]:
            cols = {c: q(c) for c in ("population", "elderly_65plus", "elderly_75plus") if ds.has_column(c)}
            return _sum_mesh_table(cursor, ds, level, cols), "map.note.mesh_population"
    people = _area_population(cursor, catalog, year)
    source = areas.merge(people, on="unit_id", how="left")
    cols = ["population", "elderly_65plus", "elderly_75plus"]
    return geo_analysis.areal_interpolate(source, units, cols), "map.note.mesh_apportioned"


# --- measures ----------------------------------------------------------------
def _aggregate(measure: MeasureSpec) -> str:
    return f"SUM({q(measure.column)})" if measure.column else "COUNT(*)"


def _point_mesh_codes(cursor, ds: Dataset, level: int, measure: MeasureSpec, filters) -> pd.DataFrame:
    where, params = _where(filters)
    value = q(measure.column) if measure.column else "1"
    frame = cursor.execute(
        f"SELECT ST_Y(geometry) AS lat, ST_X(geometry) AS lon, {value} AS v FROM {q(ds.name)}{where}",
        params).df()
    if frame.empty:
        return pd.DataFrame({"unit_id": [], "value": []})
    frame["unit_id"] = ju.to_meshcode(frame["lat"].to_numpy(), frame["lon"].to_numpy(), level).astype(str)
    return frame.groupby("unit_id", as_index=False)["v"].sum().rename(columns={"v": "value"})


def measure_numerator(cursor, catalog: dict, measure: MeasureSpec, units: gpd.GeoDataFrame,
                      spec: MapSpec, areas: gpd.GeoDataFrame | None) -> tuple[pd.Series, pd.DataFrame | None]:
    """SUM(column) or COUNT(*) of the measure's dataset per unit (0 where nothing is found).

    When 町丁目 figures are spread onto mesh cells, the people columns are spread the same
    way and returned too, so that a rate divides like by like.
    """
    denominators = None
    ds = catalog[measure.dataset]
    filters = resolved_filters(cursor, ds, measure)
    area_col, mesh_col = _first_column(ds, "area"), _first_column(ds, "mesh")
    ids = units["unit_id"].to_numpy()
    if spec.is_mesh:
        level = MESH_LEVELS[spec.base_unit]
        if mesh_col:
            alias = {"value": _aggregate(measure)}
            frame = _sum_mesh_table(cursor, ds, level, alias, filters)
        elif ds.is_geo:
            frame = _point_mesh_codes(cursor, ds, level, measure, filters)
        elif area_col:
            by_area = _area_values(cursor, ds, area_col, measure, filters)
            people = _area_population(cursor, catalog, _measure_year(measure, catalog))
            source = areas.merge(by_area, on="unit_id", how="left").merge(people, on="unit_id", how="left")
            frame = geo_analysis.areal_interpolate(source, units, ["value", "population", "elderly_65plus"])
            denominators = frame.set_index("unit_id").reindex(ids)[["population", "elderly_65plus"]]
        else:
            raise MapDataError("map.spec.no_place", dataset=ds.title_in())
    elif area_col:
        frame = _area_values(cursor, ds, area_col, measure, filters)
    elif ds.is_geo:
        frame = _points_in_areas(cursor, catalog, ds, measure, filters)
    else:
        raise MapDataError("map.error.no_area_column", dataset=ds.title_in())
    series = frame.set_index("unit_id")["value"].astype(float)
    return series.reindex(ids, fill_value=0.0), denominators


def _area_values(cursor, ds: Dataset, area_col: str, measure: MeasureSpec, filters) -> pd.DataFrame:
    where, params = _where(filters)
    sql = f"SELECT {q(area_col)} AS unit_id, {_aggregate(measure)} AS value FROM {q(ds.name)}{where} GROUP BY 1"
    return cursor.execute(sql, params).df()


def _points_in_areas(cursor, catalog: dict, ds: Dataset, measure: MeasureSpec, filters) -> pd.DataFrame:
    """Spatial SQL: points of a geo dataset without an area column, counted per 町丁目."""
    where, params = _where(filters, "p")
    value = f"SUM(p.{q(measure.column)})" if measure.column else "COUNT(*)"
    code = _first_column(catalog[AREAS], "area")
    sql = (f"SELECT a.{q(code)} AS unit_id, {value} AS value FROM {q(ds.name)} p "
           f"JOIN {q(AREAS)} a ON ST_Intersects(a.geometry, p.geometry){where} GROUP BY 1")
    return cursor.execute(sql, params).df()


def point_counts_sql(cursor, catalog: dict, points_table: str, category_column: str | None = None,
                     categories: list | None = None) -> pd.Series:
    """Points per 町丁目 by a spatial join in DuckDB (ST_Intersects)."""
    code = _first_column(catalog[AREAS], "area")
    where, params = "", []
    if category_column and categories:
        where = f" AND p.{q(category_column)} IN ({', '.join('?' for _ in categories)})"
        params = list(categories)
    sql = (f"SELECT a.{q(code)} AS unit_id, COUNT(p.geometry) AS n FROM {q(AREAS)} a "
           f"LEFT JOIN {q(points_table)} p ON ST_Intersects(a.geometry, p.geometry){where} GROUP BY 1 ORDER BY 1")
    return cursor.execute(sql, params).df().set_index("unit_id")["n"].astype(int)


def measure_values(numerator: pd.Series, units: gpd.GeoDataFrame, measure: MeasureSpec,
                   denominators: pd.DataFrame | None = None) -> pd.Series:
    """The numerator divided as the measure asks (NaN where the denominator is 0)."""
    if measure.normalize == "none":
        return numerator
    if measure.normalize == "area_km2":
        denominator = units.to_crs(geo_analysis.METRIC_CRS).geometry.area.to_numpy() / 1e6
    else:
        column = "population" if measure.normalize == "population" else "elderly_65plus"
        people = denominators if denominators is not None else units
        denominator = people[column].fillna(0).to_numpy(dtype=float)
    values = np.divide(numerator.to_numpy(dtype=float) * measure.per, denominator,
                       out=np.full(len(denominator), np.nan), where=denominator > 0)
    return pd.Series(values, index=numerator.index)


# --- points -------------------------------------------------------------------
def load_points(cursor, catalog: dict, layer: PointLayerSpec) -> gpd.GeoDataFrame:
    ds = catalog[layer.dataset]
    columns = [c.name for c in ds.data_columns]
    filters = {layer.category_column: layer.categories} if layer.category_column and layer.categories else {}
    where, params = _where(filters)
    sql = f"SELECT {', '.join(q(c) for c in columns)}, geometry FROM {q(ds.name)}{where}"
    points = read_geo(cursor, sql, params)
    if not points.empty and not points.geom_type.isin(["Point"]).all():
        raise MapDataError("map.spec.not_points", dataset=ds.title_in())
    return points


def point_layer_label(layer: PointLayerSpec, catalog: dict, lang: str = "ja") -> str:
    title = catalog[layer.dataset].title_in(lang)
    return f"{title}（{'・'.join(layer.categories)}）" if layer.categories else title


# --- the whole map ------------------------------------------------------------
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
    nearest_label: str = ""
    point_count_label: str = ""
    warnings: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def suppressed_count(self) -> int:
        return int(self.units["suppressed"].sum())


def _measure_year(measure: MeasureSpec | None, catalog: dict) -> int | None:
    if measure is None:
        return None
    ds = catalog[measure.dataset]
    year_col = snapshot_year_column(ds)
    chosen = measure.filters.get(year_col) if year_col else None
    return int(chosen[0]) if chosen and len(chosen) == 1 else None


def build_map_data(cursor: duckdb.DuckDBPyConnection, catalog: dict, spec: MapSpec,
                   lang: str = "ja") -> MapData:
    """Everything the map and its table show, computed from the published database."""
    spec = _as_defined(cursor, catalog, spec)
    boundary = city_boundary(cursor, catalog)
    areas = area_units(cursor, catalog)
    units = mesh_cells(boundary, MESH_LEVELS[spec.base_unit]) if spec.is_mesh else areas.copy()
    year = _measure_year(spec.measure, catalog)
    people, note = unit_people(cursor, catalog, units, spec, year, areas)
    units = units.merge(people, on="unit_id", how="left")
    for col in ("population", "elderly_65plus", "elderly_75plus"):
        if col not in units.columns:
            units[col] = np.nan
    if spec.is_mesh:  # unpopulated cells (forest, river) are not drawn at all
        units = units[units["population"].fillna(0) > 0].reset_index(drop=True)
    units["ageing_rate"] = np.where(units["population"] > 0,
                                    100 * units["elderly_65plus"] / units["population"].where(units["population"] > 0), np.nan)
    units["suppressed"] = units["population"].fillna(0) < PUBLICATION_THRESHOLD
    data = MapData(spec=spec, units=units, boundary=boundary)
    if note:
        data.notes.append(t(note, lang))
    if data.suppressed_count:
        data.notes.append(t("map.note.suppressed", lang, n=data.suppressed_count, threshold=PUBLICATION_THRESHOLD))
    for measure in (spec.measure, spec.compare.measure if spec.compare else None):
        indicator = named.by_label(measure.label) if measure is not None else None
        if indicator is not None:
            data.notes.append(t("indicator.shown", lang, definition=indicator.definition(lang)))

    cls = spec.classification
    if spec.measure is not None:
        numerator, denominators = measure_numerator(cursor, catalog, spec.measure, units, spec, areas)
        units["value"] = measure_values(numerator, units, spec.measure, denominators).to_numpy()
        if denominators is not None and note != "map.note.mesh_apportioned":
            data.notes.append(t("map.note.measure_apportioned", lang))
        data.value_label = measure_label(spec.measure, catalog, lang)
        data.value_unit = measure_unit(spec.measure, catalog, lang)
        if is_raw_count(spec.measure, catalog):
            data.warnings.append(t("map.warning.raw_count", lang))
        if spec.measure.normalize in ("population", "elderly"):
            data.notes.append(t("map.note.rate_denominator", lang))
    if spec.compare is not None:
        numerator, denominators = measure_numerator(cursor, catalog, spec.compare.measure, units, spec, areas)
        units["compare_value"] = measure_values(numerator, units, spec.compare.measure, denominators).to_numpy()
        data.compare_label = measure_label(spec.compare.measure, catalog, lang)
        data.compare_unit = measure_unit(spec.compare.measure, catalog, lang)
    for col in ("value", "compare_value", "ageing_rate"):
        if col in units.columns:
            units.loc[units["suppressed"], col] = np.nan

    for layer in spec.points:
        data.points.append((layer, load_points(cursor, catalog, layer), point_layer_label(layer, catalog, lang)))
    if spec.point_counts is not None:
        layer = spec.point_counts
        if spec.is_mesh:  # mesh cells exist only here, so the join runs in geopandas
            points = load_points(cursor, catalog, layer)
            units["point_count"] = geo_analysis.point_counts(units, points).to_numpy()
        else:  # spatial SQL in DuckDB, where the points live
            counts = point_counts_sql(cursor, catalog, layer.dataset, layer.category_column, layer.categories)
            units["point_count"] = counts.reindex(units["unit_id"], fill_value=0).to_numpy()
        data.point_count_label = point_layer_label(layer, catalog, lang)
    if spec.nearest is not None:
        points = load_points(cursor, catalog, spec.nearest.points)
        units["nearest_m"] = geo_analysis.nearest_distance(units, points).to_numpy()
        data.nearest_label = point_layer_label(spec.nearest.points, catalog, lang)
    if spec.catchment is not None:
        points = load_points(cursor, catalog, spec.catchment.points)
        if not points.empty:
            data.catchment = geo_analysis.catchment(units, points, spec.catchment.radius_m)
            units["catchment_share"] = data.catchment.per_unit["covered_share"].to_numpy()
        data.catchment_label = point_layer_label(spec.catchment.points, catalog, lang)
    if spec.flood_overlay:
        data.flood_zones = read_geo(cursor, f"SELECT * FROM {q(FLOOD)}")
        facilities = load_points(cursor, catalog, PointLayerSpec("facilities")) if "facilities" in catalog else None
        data.flood = geo_analysis.flood_overlay(units, data.flood_zones, facilities)
        units["flood_share"] = data.flood.per_unit["covered_share"].to_numpy()

    if spec.measure is None and "nearest_m" in units.columns:
        units["value"] = units["nearest_m"].where(~units["suppressed"])
        data.value_label = t("map.value.nearest", lang, label=data.nearest_label)
        data.value_unit = "m"
    elif spec.measure is None and "point_count" in units.columns:
        units["value"] = units["point_count"].astype(float)
        data.value_label = t("map.value.point_count", lang, label=data.point_count_label)
        data.value_unit = t("map.unit.places", lang)
    if "value" in units.columns:
        data.classification = classify_values(units["value"].to_numpy(dtype=float), cls.method, cls.k,
                                              cls.breaks, cls.palette, data.value_unit, lang)
    if "compare_value" in units.columns:
        data.compare_classification = classify_values(units["compare_value"].to_numpy(dtype=float), cls.method,
                                                      cls.k, [], cls.palette, data.compare_unit, lang)
    data.units = units
    return data


def labelled_facilities(facilities: pd.DataFrame, catalog: dict, lang: str = "ja") -> pd.DataFrame:
    """Facilities in the flood zones: name, kind and depth, headed by their dictionary labels."""
    labels = {}
    for dataset, column in (("facilities", "name"), ("facilities", "category"), (FLOOD, "depth_class")):
        if column in facilities.columns:
            ds = catalog.get(dataset)
            labels[column] = ds.column(column).label_in(lang) if ds is not None and ds.has_column(column) else column
    return pd.DataFrame(facilities[list(labels)]).rename(columns=labels)


# --- ready-made measures for beginners ------------------------------------------
def indicator_measure(cursor, catalog: dict, indicator: named.Indicator,
                      filters: dict | None = None) -> MeasureSpec | None:
    """A named indicator as a map measure: its numerator's ages and its denominator (other filters kept)."""
    if indicator.numerator_dataset not in catalog or POPULATION not in catalog:
        return None
    ds = catalog[indicator.numerator_dataset]
    band = _first_column(ds, "age_band")
    filters = {k: list(v) for k, v in (filters or {}).items() if k != band}
    if indicator.numerator_min_age is not None and band:
        filters[band] = named.bands_from(distinct_values(cursor, ds, band), indicator.numerator_min_age)
    # The map divides by a unit's whole population or its population aged 65+.
    normalize = {None: "population", named.ELDERLY_AGE: "elderly"}[indicator.denominator_min_age]
    return MeasureSpec(ds.name, indicator.numerator_column, filters, normalize, indicator.per,
                       named.label_key(indicator))


def _as_defined(cursor, catalog: dict, spec: MapSpec) -> MapSpec:
    """The spec with each measure that names an indicator computed as the indicator is defined
    (a map saved before the definition was fixed shows the same number as everywhere else)."""
    def defined(measure: MeasureSpec | None) -> MeasureSpec | None:
        indicator = named.by_label(measure.label) if measure is not None else None
        if indicator is None:
            return measure
        return indicator_measure(cursor, catalog, indicator, measure.filters) or measure

    compare = replace(spec.compare, measure=defined(spec.compare.measure)) if spec.compare else None
    return replace(spec, measure=defined(spec.measure), compare=compare)


def preset_measures(cursor, catalog: dict) -> dict[str, MeasureSpec]:
    """Measures a beginner usually wants, keyed by their label key (only those the data allows)."""
    presets: dict[str, MeasureSpec] = {}
    care_rate, ageing_rate = (indicator_measure(cursor, catalog, named.INDICATORS[key])
                              for key in ("care_rate", "ageing_rate"))
    if POPULATION in catalog:
        ds = catalog[POPULATION]
        value, band = _first_column(ds, "measure"), _first_column(ds, "age_band")
        bands = distinct_values(cursor, ds, band) if band else []
        older = [b for b in bands if (band_lower_age(b) or 0) >= 75]
        if ageing_rate is not None and ageing_rate.filters.get(band):
            presets[ageing_rate.label] = ageing_rate
            presets["map.preset.old_old_rate"] = MeasureSpec(
                POPULATION, value, {band: older}, "population", 100, "map.preset.old_old_rate")
        presets["map.preset.density"] = MeasureSpec(POPULATION, value, {}, "area_km2", 1, "map.preset.density")
    if care_rate is not None:
        presets[care_rate.label] = care_rate
    if "kayoi_places" in catalog:
        presets["map.preset.kayoi_rate"] = MeasureSpec(
            "kayoi_places", None, {}, "elderly", 1000, "map.preset.kayoi_rate")
        if catalog["kayoi_places"].has_column("weekly_participants"):
            presets["map.preset.kayoi_participation"] = MeasureSpec(
                "kayoi_places", "weekly_participants", {}, "elderly", 1000, "map.preset.kayoi_participation")
    if POPULATION in catalog:
        presets["map.preset.population"] = MeasureSpec(
            POPULATION, _first_column(catalog[POPULATION], "measure"), {}, "none", 1, "map.preset.population")
    return presets
