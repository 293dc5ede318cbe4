"""The published tables a projection reads: population points, areas and their 地区, records of a year,
and the municipality's own projection (the national institute's, published from its file).

Columns are found by their role in the data dictionary (area, year, age_band, sex, measure, district,
name), so that a real city's published tables work as the demo's do. Values are bound, identifiers quoted.
"""
from __future__ import annotations

import pandas as pd

from lib.analysis.cohort_projection import STEP_YEARS, ProjectionInputError
from lib.analysis.disclosure import RECORDS, persons_basis
from lib.data.catalog import Dataset
from lib.data.ipss_projection import NAME as REFERENCE
from lib.data.query import quote_identifier as q

POPULATION, AREAS = "population", "areas"


def _column(ds: Dataset, role: str) -> str | None:
    found = ds.columns_with_role(role)
    return found[0].name if found else None


def _roles(ds: Dataset, roles: list[str]) -> dict[str, str]:
    found = {role: _column(ds, role) for role in roles}
    missing = [role for role, name in found.items() if name is None]
    if missing:
        raise ProjectionInputError("projection.error.columns", dataset=ds.title_in("ja"))
    return found


def population_years(cursor, catalog: dict[str, Dataset]) -> list[int]:
    ds = catalog.get(POPULATION)
    if ds is None:
        return []
    year = _column(ds, "year")
    return [int(r[0]) for r in cursor.execute(f"SELECT DISTINCT {q(year)} FROM {q(ds.name)} ORDER BY 1").fetchall()]


def projection_points(years: list[int]) -> tuple[int, int] | None:
    """(earlier, later): the latest year and the one five years before it, if the data has both."""
    for later in sorted(years, reverse=True):
        if later - STEP_YEARS in years:
            return later - STEP_YEARS, later
    return None


def population_year(cursor, catalog: dict[str, Dataset], year: int) -> pd.DataFrame:
    """area, year, age_band, sex, population of one year."""
    ds = catalog[POPULATION]
    c = _roles(ds, ["area", "year", "age_band", "sex", "measure"])
    return cursor.execute(
        f"SELECT {q(c['area'])} AS area, {q(c['year'])} AS year, {q(c['age_band'])} AS age_band, "
        f"{q(c['sex'])} AS sex, SUM({q(c['measure'])}) AS population FROM {q(ds.name)} "
        f"WHERE {q(c['year'])} = ? GROUP BY ALL", [int(year)]).df()


def _of_city(ds: Dataset, city: str) -> tuple[str, list]:
    """The WHERE clause keeping one municipality of a joint course ("" = all) in a table naming each row's."""
    return ("WHERE city_code = ?", [city]) if city and ds.has_column("city_code") else ("", [])


def area_table(cursor, catalog: dict[str, Dataset], city: str = "") -> pd.DataFrame:
    """area, name, district (district empty when the areas table has none), indexed by area; `city`: the
    areas of one municipality of a joint course only."""
    ds = catalog[AREAS]
    area, name, district = _column(ds, "area"), _column(ds, "name"), _column(ds, "district")
    district_sql = f"{q(district)}" if district else "''"
    name_sql = q(name) if name else q(area)
    where, params = _of_city(ds, city)
    return cursor.execute(f"SELECT {q(area)} AS area, {name_sql} AS name, {district_sql} AS district "
                          f"FROM {q(ds.name)} {where} ORDER BY 1", params).df().set_index("area")


def record_years(cursor, catalog: dict[str, Dataset], dataset: str) -> list[int]:
    ds = catalog[dataset]
    year = _column(ds, "year")
    if year is None:
        return []
    return [int(r[0]) for r in cursor.execute(f"SELECT DISTINCT {q(year)} FROM {q(ds.name)} ORDER BY 1").fetchall()]


def demand_datasets(catalog: dict[str, Dataset]) -> list[str]:
    """Record tables (one row per person) with an area, a year, an age band and a sex column."""
    return [name for name, ds in catalog.items()
            if name != POPULATION and not ds.is_geo
            and persons_basis(ds) == RECORDS
            and all(_column(ds, role) for role in ("area", "year", "age_band", "sex"))]


def records_of_year(cursor, catalog: dict[str, Dataset], dataset: str, year: int) -> pd.DataFrame:
    """area, age_band, sex of every record of the year (blanked values stay missing)."""
    ds = catalog[dataset]
    c = _roles(ds, ["area", "year", "age_band", "sex"])
    return cursor.execute(
        f"SELECT {q(c['area'])} AS area, {q(c['age_band'])} AS age_band, {q(c['sex'])} AS sex "
        f"FROM {q(ds.name)} WHERE {q(c['year'])} = ?", [int(year)]).df()


def reference_projection(cursor, catalog: dict[str, Dataset], city: str = "") -> pd.DataFrame | None:
    """year, age_band, sex, population of the municipality's published projection (`city`: one municipality's
    of a joint course); None when there is none."""
    ds = catalog.get(REFERENCE)
    if ds is None:
        return None
    c = _roles(ds, ["year", "age_band", "sex", "measure"])
    where, params = _of_city(ds, city)
    frame = cursor.execute(
        f"SELECT {q(c['year'])} AS year, {q(c['age_band'])} AS age_band, {q(c['sex'])} AS sex, "
        f"SUM({q(c['measure'])}) AS population FROM {q(ds.name)} {where} GROUP BY ALL ORDER BY 1", params).df()
    return frame if len(frame) else None


def reference_summary(cursor, catalog: dict[str, Dataset], city: str = "") -> tuple[str, int, int] | None:
    """(municipality, first year, last year) of the published projection (`city`: one municipality's of a joint
    course); None when there is none."""
    ds = catalog.get(REFERENCE)
    if ds is None:
        return None
    year, name = _column(ds, "year"), _column(ds, "name")
    where, params = _of_city(ds, city)
    names = f"string_agg(DISTINCT {q(name)}, '・' ORDER BY {q(name)})" if name else "NULL"
    row = cursor.execute(f"SELECT {names}, min({q(year)}), max({q(year)}) FROM {q(ds.name)} {where}",
                         params).fetchone()
    return (str(row[0] or ds.title_in("ja")), int(row[1]), int(row[2])) if row and row[1] is not None else None
