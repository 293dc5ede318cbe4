"""The city's 町丁・字 as data preparation uses them: names to match addresses to, shapes to build zones from.

Both are read from the published `areas` table (the demo's, or the city's from setup-city) when first
asked for, once per object: the data page keeps one per published build, the CLI one per run.
"""
from __future__ import annotations

import geopandas as gpd
import pandas as pd

from lib.data.store import Store, get_store, read_geo


class CityAreas:
    def __init__(self, store: Store | None = None):
        self.store = store or get_store()
        self.fingerprint = self.store.published_fingerprint()  # which build these are of
        self._table: pd.DataFrame | None = None
        self._shapes: gpd.GeoDataFrame | None = None

    def _columns(self, cursor, wanted: str) -> str:
        """`wanted`, and each area's municipality where the areas name it (a real city's: a joint course
        matches an address to the municipality it names)."""
        have = {row[0] for row in cursor.execute("DESCRIBE areas").fetchall()}
        return wanted + (", city_code, city_name" if {"city_code", "city_name"} <= have else "")

    def table(self) -> pd.DataFrame:
        """area_code, area_name, district (and city_code, city_name): what address matching and the 地区 step
        of anonymization use."""
        if self._table is None:
            cursor = self.store.published()
            try:
                self._table = cursor.execute(
                    f"SELECT {self._columns(cursor, 'area_code, area_name, district')} FROM areas").df()
            finally:
                cursor.close()
        return self._table

    def shapes(self) -> gpd.GeoDataFrame:
        """area_code, area_name (city_code, city_name), geometry (EPSG:4326), by code: what zones are built from."""
        if self._shapes is None:
            cursor = self.store.published()
            try:
                self._shapes = read_geo(
                    cursor, f"SELECT {self._columns(cursor, 'area_code, area_name')}, geometry FROM areas ORDER BY 1")
            finally:
                cursor.close()
        return self._shapes
