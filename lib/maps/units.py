"""The map's base units (町丁目 or JIS X 0410 mesh cells over the city) and their people.

Population, 65+ and 75+ per unit: per 町丁目 from the population table; per mesh cell from a
mesh population table when one is fine enough, else apportioned from 町丁目 by area. General
households (一般世帯), the denominator of household shares, from the census households table.
"""
from __future__ import annotations

import geopandas as gpd
import jismesh.utils as ju
import numpy as np
import pandas as pd
from shapely.geometry import box

from lib.analysis import geo_analysis
from lib.analysis.age_groups import band_lower_age
from lib.data.catalog import Dataset
from lib.data.census_households import GENERAL
from lib.data.query import Table, distinct_values
from lib.data.query import quote_identifier as q
from lib.data.store import read_geo
from lib.maps.queries import (
    AREAS,
    BOUNDARY,
    MESH_DIGITS,
    MESH_POPULATION,
    POPULATION,
    MapDataError,
    first_column,
)
from lib.maps.spec import HOUSEHOLDS, MESH_LEVELS, MapSpec
from lib.maps.zone_units import to_zones

PEOPLE = ("population", "elderly_65plus", "elderly_75plus")


def area_units(cursor, catalog: dict) -> gpd.GeoDataFrame:
    ds = catalog[AREAS]
    code, name = first_column(ds, "area"), first_column(ds, "name")
    district = first_column(ds, "district")
    extra = f", {q(district)} AS district" if district else ""
    return read_geo(cursor, f"SELECT {q(code)} AS unit_id, {q(name)} AS unit_name{extra}, geometry "
                            f"FROM {q(ds.name)} ORDER BY 1")


def city_name(cursor, catalog: dict) -> str | None:
    """The municipality the map is of, from the outline's name column (demo or a real city); a joint course's
    outlines (one per municipality) as one name, 「鳥取市・岩美町」."""
    ds = catalog.get(BOUNDARY)
    column = first_column(ds, "name") if ds is not None else None
    if column is None:
        return None
    names = [str(r[0]) for r in cursor.execute(f"SELECT {q(column)} FROM {q(BOUNDARY)}").fetchall() if r[0] is not None]
    return "・".join(dict.fromkeys(names)) or None


def city_boundary(cursor, catalog: dict, city: str = "") -> gpd.GeoDataFrame:
    """The outline of the workbench's municipality (or municipalities), or of one of a joint course's (`city`)."""
    if city and BOUNDARY in catalog and catalog[BOUNDARY].has_column("city_code"):
        return read_geo(cursor, f"SELECT geometry FROM {q(BOUNDARY)} WHERE city_code = ?", [city])
    if city:  # a 町丁・字's code starts with its municipality's (PREF + CITY)
        return read_geo(cursor, f"SELECT ST_Union_Agg(geometry) AS geometry FROM {q(AREAS)} "
                                f"WHERE starts_with({q(first_column(catalog[AREAS], 'area'))}, ?)", [city])
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
        geometry=[box(w, s, e, n) for s, w, n, e in zip(south, west, north, east, strict=True)], crs=4326,
    )
    city = boundary.union_all()
    cells = cells[cells.intersects(city)].reset_index(drop=True)
    cells["unit_name"] = cells["unit_id"]
    return cells


def area_population(cursor, catalog: dict, year: int | None) -> pd.DataFrame:
    """Population, 65+ and 75+ per 町丁目 for a year (latest when None or absent)."""
    ds = catalog[POPULATION]
    area, value = first_column(ds, "area"), first_column(ds, "measure")
    band, year_col = first_column(ds, "age_band"), first_column(ds, "year")
    years = {r for r in distinct_values(cursor, catalog, ds.name, year_col)} if year_col else set()
    where, params = "", []
    if year_col:
        chosen = year if year in years else max(years)
        where, params = f" WHERE {q(year_col)} = ?", [chosen]
    bands = distinct_values(cursor, catalog, ds.name, band)
    old = [b for b in bands if (band_lower_age(b) or 0) >= 65]
    older = [b for b in bands if (band_lower_age(b) or 0) >= 75]
    by_age = any(band_lower_age(b) is not None for b in bands)  # a census total (総数) has no ages

    def band_sum(chosen: list) -> str:
        if not chosen:
            return "0" if by_age else "NULL"
        return f"SUM(CASE WHEN {q(band)} IN ({', '.join('?' for _ in chosen)}) THEN {q(value)} ELSE 0 END)"

    sql = (f"SELECT {q(area)} AS unit_id, SUM({q(value)}) AS population, {band_sum(old)} AS elderly_65plus, "
           f"{band_sum(older)} AS elderly_75plus FROM {q(ds.name)}{where} GROUP BY 1")
    frame = cursor.execute(sql, old + older + params).df()
    return frame.astype({"population": float, "elderly_65plus": float, "elderly_75plus": float})


def mesh_source_level(cursor, ds: Dataset) -> int:
    col = first_column(ds, "mesh")
    code = cursor.execute(f"SELECT CAST({q(col)} AS VARCHAR) FROM {q(ds.name)} LIMIT 1").fetchone()[0]
    return int(ju.to_meshlevel(int(code)))


def sum_mesh_table(cursor, catalog: dict, ds: Dataset, level: int, columns: dict[str, str],
                   filters=None) -> pd.DataFrame:
    """SUM of columns per mesh code truncated to `level` (coarser or equal to the data's own)."""
    source = mesh_source_level(cursor, ds)
    if MESH_DIGITS.get(source, 0) < MESH_DIGITS[level]:
        raise MapDataError("map.error.mesh_too_fine", dataset=ds.title_in())
    mesh = q(first_column(ds, "mesh"))
    select = ", ".join(f"SUM({expr}) AS {q(alias)}" for alias, expr in columns.items())
    where, params = Table(catalog, ds, "").where(filters or [])
    sql = (f"SELECT left(CAST({mesh} AS VARCHAR), {MESH_DIGITS[level]}) AS unit_id, {select} "
           f"FROM {q(ds.name)}{where} GROUP BY 1")
    return cursor.execute(sql, params).df()


def unit_people(cursor, catalog: dict, units: gpd.GeoDataFrame, spec: MapSpec,
                year: int | None, areas: gpd.GeoDataFrame | None) -> tuple[pd.DataFrame, str | None]:
    """Population and 65+ per unit, and a note key saying how mesh figures were made."""
    if spec.is_zone:  # the 町丁目 in each zone
        return to_zones(area_population(cursor, catalog, year), areas, list(PEOPLE)), None
    if not spec.is_mesh:
        return area_population(cursor, catalog, year), None
    level = MESH_LEVELS[spec.base_unit]
    # The made-up demo city's mesh table lies elsewhere: on a real city every cell would count 0 people.
    if MESH_POPULATION in catalog and not catalog[MESH_POPULATION].demo_on_real_city:
        ds = catalog[MESH_POPULATION]
        if MESH_DIGITS.get(mesh_source_level(cursor, ds), 0) >= MESH_DIGITS[level]:
            cols = {c: q(c) for c in ("population", "elderly_65plus", "elderly_75plus") if ds.has_column(c)}
            return sum_mesh_table(cursor, catalog, ds, level, cols), "map.note.mesh_population"
    people = area_population(cursor, catalog, year)
    source = areas.merge(people, on="unit_id", how="left")
    cols = ["population", "elderly_65plus", "elderly_75plus"]
    return geo_analysis.areal_interpolate(source, units, cols), "map.note.mesh_apportioned"


def unit_households(cursor, catalog: dict, units: gpd.GeoDataFrame, spec: MapSpec, year: int | None,
                    areas: gpd.GeoDataFrame | None) -> pd.Series:
    """General households per unit in a census year (latest when None or absent): per 町丁・字 as the census
    table gives them (none for a secret area), apportioned by area onto mesh cells (a secret area as 0 there:
    its households are in the area that counts them)."""
    ds = catalog[HOUSEHOLDS]
    area, year_col = first_column(ds, "area"), first_column(ds, "year")
    where, params = "", []
    if year_col:
        years = set(distinct_values(cursor, catalog, ds.name, year_col))
        where, params = f" WHERE {q(year_col)} = ?", [year if year in years else max(years)]
    frame = cursor.execute(f"SELECT {q(area)} AS unit_id, SUM({q(GENERAL)}) AS households "
                           f"FROM {q(ds.name)}{where} GROUP BY 1", params).df()
    if spec.is_mesh:
        frame = geo_analysis.areal_interpolate(areas.merge(frame, on="unit_id", how="left"), units, ["households"])
    elif spec.is_zone:
        frame = to_zones(frame, areas, ["households"])
    return frame.set_index("unit_id")["households"].astype(float).reindex(units["unit_id"].to_numpy())
