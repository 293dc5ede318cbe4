"""SQL helpers that the map's units, measures and points share, and the map's refusal.

Identifiers are quoted and values bound; a column is found by its role in the data dictionary.
"""
from __future__ import annotations

from lib.data.catalog import Dataset
from lib.data.query import quote_identifier as q
from lib.errors import WorkbenchError

MESH_DIGITS = {3: 8, 4: 9, 5: 10}
AREAS, POPULATION, MESH_POPULATION, BOUNDARY, FLOOD = (
    "areas", "population", "elderly_mesh", "city_boundary", "flood_zones")


class MapDataError(WorkbenchError):
    """A spec that the data cannot answer; `key` is a message in lib/locale/maps.yaml."""


def first_column(ds: Dataset, role: str) -> str | None:
    cols = ds.columns_with_role(role)
    return cols[0].name if cols else None


def snapshot_year_column(ds: Dataset) -> str | None:
    """The year a table's figures refer to (population of 2025, certifications of 2025).

    Geo datasets of places may carry a year too (e.g. the year a place opened); that is an
    attribute of the place, not a snapshot, so it is not filtered by default.
    """
    return None if ds.is_geo else first_column(ds, "year")


def latest_year(cursor, ds: Dataset) -> int | None:
    year_col = first_column(ds, "year")
    if year_col is None:
        return None
    return cursor.execute(f"SELECT max({q(year_col)}) FROM {q(ds.name)}").fetchone()[0]

