"""The mapped measure per unit: SUM or COUNT of a dataset, divided as the measure asks,
its legend words, and the ready-made measures a beginner starts from."""
from __future__ import annotations

from dataclasses import replace

import geopandas as gpd
import jismesh.utils as ju
import numpy as np
import pandas as pd

from lib.analysis import disclosure, geo_analysis
from lib.analysis import indicators as named
from lib.analysis.age_groups import band_lower_age
from lib.charts.labels import count_unit_of
from lib.data.catalog import ZONE_COLUMN, Dataset
from lib.data.query import Filter, Table, distinct_values
from lib.data.query import quote_identifier as q
from lib.i18n import STRINGS, t
from lib.maps.queries import (
    AREAS,
    POPULATION,
    MapDataError,
    first_column,
    latest_year,
    snapshot_year_column,
)
from lib.maps.spec import HOUSEHOLDS, MESH_LEVELS, MapSpec, MeasureSpec
from lib.maps.units import area_population, sum_mesh_table
from lib.maps.zone_units import by_zone_name, to_zones

HOUSEHOLD_SHARES = ("elderly_single", "elderly_couple", "with_65plus")


def resolved_filters(cursor, ds: Dataset, measure: MeasureSpec) -> list[Filter]:
    """The spec's filters, plus the latest year when a yearly dataset has no year chosen
    (summing over years would count everyone five times)."""
    filters = [flt for flt in measure.filters if flt.values]
    year_col = snapshot_year_column(ds)
    if year_col and all(flt.column != year_col for flt in filters):
        filters.append(Filter(year_col, "in", [latest_year(cursor, ds)]))
    return filters


def measure_label(measure: MeasureSpec, catalog: dict, lang: str = "ja") -> str:
    """The legend title: what is counted, and per what."""
    indicator = named.by_label(measure.label)
    if indicator is not None:
        return indicator.label(lang)
    if measure.label in STRINGS:  # a ready-made measure (a zone map's names its dataset)
        return t(measure.label, lang, dataset=catalog[measure.dataset].title_in(lang))
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
    return count_unit_of(catalog[measure.dataset], lang)  # the word charts count the same rows in


def _aggregate(measure: MeasureSpec) -> str:
    return f"SUM({q(measure.column)})" if measure.column else "COUNT(*)"


def _point_mesh_codes(cursor, catalog: dict, ds: Dataset, level: int, measure: MeasureSpec, filters) -> pd.DataFrame:
    where, params = Table(catalog, ds, "").where(filters)
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
    area_col, mesh_col = first_column(ds, "area"), first_column(ds, "mesh")
    ids = units["unit_id"].to_numpy()
    if spec.is_mesh:
        level = MESH_LEVELS[spec.base_unit]
        if mesh_col:
            alias = {"value": _aggregate(measure)}
            frame = sum_mesh_table(cursor, catalog, ds, level, alias, filters)
        elif ds.is_geo:
            frame = _point_mesh_codes(cursor, catalog, ds, level, measure, filters)
        elif area_col:
            by_area = _area_values(cursor, catalog, ds, area_col, measure, filters)
            people = area_population(cursor, catalog, measure_year(measure, catalog))
            source = areas.merge(by_area, on="unit_id", how="left").merge(people, on="unit_id", how="left")
            frame = geo_analysis.areal_interpolate(source, units, ["value", "population", "elderly_65plus"])
            denominators = frame.set_index("unit_id").reindex(ids)[["population", "elderly_65plus"]]
        else:
            raise MapDataError("map.spec.no_place", dataset=ds.title_in())
    elif spec.is_zone:
        frame = _zone_values(cursor, catalog, ds, measure, filters, units, areas, spec.zones)
    elif area_col:
        frame = _area_values(cursor, catalog, ds, area_col, measure, filters)
    elif ds.is_geo:
        frame = _points_in_areas(cursor, catalog, ds, measure, filters)
    else:
        raise MapDataError("map.error.no_area_column", dataset=ds.title_in())
    series = frame.set_index("unit_id")["value"].astype(float)
    return series.reindex(ids, fill_value=0.0), denominators


def _area_values(cursor, catalog: dict, ds: Dataset, area_col: str, measure: MeasureSpec, filters) -> pd.DataFrame:
    where, params = Table(catalog, ds, "").where(filters)
    sql = f"SELECT {q(area_col)} AS unit_id, {_aggregate(measure)} AS value FROM {q(ds.name)}{where} GROUP BY 1"
    return cursor.execute(sql, params).df()


def _points_in_areas(cursor, catalog: dict, ds: Dataset, measure: MeasureSpec, filters) -> pd.DataFrame:
    """Spatial SQL: points of a geo dataset without an area column, counted per 町丁目."""
    where, params = Table(catalog, ds, "p").where(filters)
    value = f"SUM(p.{q(measure.column)})" if measure.column else "COUNT(*)"
    code = first_column(catalog[AREAS], "area")
    sql = (f"SELECT a.{q(code)} AS unit_id, {value} AS value FROM {q(ds.name)} p "
           f"JOIN {q(AREAS)} a ON ST_Intersects(a.geometry, p.geometry){where} GROUP BY 1")
    return cursor.execute(sql, params).df()


def _zone_values(cursor, catalog: dict, ds: Dataset, measure: MeasureSpec, filters, units: gpd.GeoDataFrame,
                 areas: gpd.GeoDataFrame, zones: str) -> pd.DataFrame:
    """Per zone: the dataset anonymized to these zones by its zone column; any other dataset by its 町丁目
    (or its points in them), summed over the 町丁目 in each zone."""
    if ds.name == zones:
        where, params = Table(catalog, ds, "").where(filters)
        frame = cursor.execute(f"SELECT {q(ZONE_COLUMN)}, {_aggregate(measure)} AS value "
                               f"FROM {q(ds.name)}{where} GROUP BY 1", params).df()
        return by_zone_name(frame, units)
    area_col = first_column(ds, "area")
    if area_col:
        by_area = _area_values(cursor, catalog, ds, area_col, measure, filters)
    elif ds.is_geo:
        by_area = _points_in_areas(cursor, catalog, ds, measure, filters)
    else:
        raise MapDataError("map.error.zone_no_area", dataset=ds.title_in())
    return to_zones(by_area, areas, ["value"])


def measure_values(numerator: pd.Series, units: gpd.GeoDataFrame, measure: MeasureSpec,
                   denominators: pd.DataFrame | None = None) -> pd.Series:
    """The numerator divided as the measure asks (NaN where the denominator is 0)."""
    if measure.normalize == "none":
        return numerator
    if measure.normalize == "area_km2":
        denominator = units.to_crs(geo_analysis.METRIC_CRS).geometry.area.to_numpy() / 1e6
    elif measure.normalize == "households":  # like by like on mesh cells too: both apportioned from 町丁・字
        denominator = units["general_households"].fillna(0).to_numpy(dtype=float)
    else:
        column = "population" if measure.normalize == "population" else "elderly_65plus"
        people = denominators if denominators is not None else units
        denominator = people[column].fillna(0).to_numpy(dtype=float)
    values = np.divide(numerator.to_numpy(dtype=float) * measure.per, denominator,
                       out=np.full(len(denominator), np.nan), where=denominator > 0)
    return pd.Series(values, index=numerator.index)


def measure_year(measure: MeasureSpec | None, catalog: dict) -> int | None:
    if measure is None:
        return None
    ds = catalog[measure.dataset]
    year_col = snapshot_year_column(ds)
    chosen = next((flt.values for flt in measure.filters if flt.column == year_col and flt.op == "in"), None)
    return int(chosen[0]) if chosen and len(chosen) == 1 else None



# --- ready-made measures for beginners ------------------------------------------
def indicator_measure(cursor, catalog: dict, indicator: named.Indicator,
                      filters: list[Filter] | None = None) -> MeasureSpec | None:
    """A named indicator as a map measure: its numerator's ages and its denominator (other filters kept)."""
    if indicator.numerator_dataset not in catalog or POPULATION not in catalog:
        return None
    ds = catalog[indicator.numerator_dataset]
    band = first_column(ds, "age_band")
    kept = [f for f in filters or [] if f.column != band]
    if indicator.numerator_min_age is not None and band:
        bands = distinct_values(cursor, catalog, ds.name, band)
        kept.append(Filter(band, "in", named.bands_from(bands, indicator.numerator_min_age)))
    # The map divides by a unit's whole population or its population aged 65+.
    normalize = {None: "population", named.ELDERLY_AGE: "elderly"}[indicator.denominator_min_age]
    return MeasureSpec(ds.name, indicator.numerator_column, kept, normalize, indicator.per,
                       named.label_key(indicator))


def as_defined(cursor, catalog: dict, spec: MapSpec) -> MapSpec:
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
    """Measures a beginner usually wants, keyed by their label key (only those the data allows; on a real
    city, none of the made-up demo city's records or places, which would count 0 in every area)."""
    catalog = {name: ds for name, ds in catalog.items() if not ds.demo_on_real_city}
    presets: dict[str, MeasureSpec] = {}
    care_rate, ageing_rate = (indicator_measure(cursor, catalog, named.INDICATORS[key])
                              for key in ("care_rate", "ageing_rate"))
    if POPULATION in catalog:
        ds = catalog[POPULATION]
        value, band = first_column(ds, "measure"), first_column(ds, "age_band")
        bands = distinct_values(cursor, catalog, POPULATION, band) if band else []
        older = [b for b in bands if (band_lower_age(b) or 0) >= 75]
        if ageing_rate is not None and any(f.column == band and f.values for f in ageing_rate.filters):
            presets[ageing_rate.label] = ageing_rate
            presets["map.preset.old_old_rate"] = MeasureSpec(
                POPULATION, value, [Filter(band, "in", older)], "population", 100, "map.preset.old_old_rate")
        presets["map.preset.density"] = MeasureSpec(POPULATION, value, [], "area_km2", 1, "map.preset.density")
    if care_rate is not None:
        presets[care_rate.label] = care_rate
    if HOUSEHOLDS in catalog:  # shares of the census's general households, per 町丁・字
        for column in HOUSEHOLD_SHARES:
            if catalog[HOUSEHOLDS].has_column(column):
                key = f"map.preset.{column}_rate"
                presets[key] = MeasureSpec(HOUSEHOLDS, column, [], "households", 100, key)
    if "kayoi_places" in catalog:
        presets["map.preset.kayoi_rate"] = MeasureSpec(
            "kayoi_places", None, [], "elderly", 1000, "map.preset.kayoi_rate")
        if catalog["kayoi_places"].has_column("weekly_participants"):
            presets["map.preset.kayoi_participation"] = MeasureSpec(
                "kayoi_places", "weekly_participants", [], "elderly", 1000, "map.preset.kayoi_participation")
    if POPULATION in catalog:
        presets["map.preset.population"] = MeasureSpec(
            POPULATION, first_column(catalog[POPULATION], "measure"), [], "none", 1, "map.preset.population")
    return presets


def measure_persons(cursor, catalog: dict, measure: MeasureSpec, units: gpd.GeoDataFrame, spec: MapSpec,
                    areas: gpd.GeoDataFrame | None) -> np.ndarray | None:
    """Persons behind a measure's figure per unit (None when its dataset describes no person)."""
    basis = disclosure.persons_basis(catalog[measure.dataset])
    if basis is None:
        return None
    counting = replace(measure, column=None if basis == disclosure.RECORDS else basis)
    return measure_numerator(cursor, catalog, counting, units, spec, areas)[0].to_numpy(dtype=float)
