"""Maps of zones (町丁・字 merged for anonymization, lib.data.zones), as MapData.

`zones_map`: each zone's persons, for the instructor to check the zones before anonymizing with them.
`zone_rate_map`: a rate per zone of a published record table (e.g. 認定率 = records ÷ population),
with zones of fewer persons than the publication threshold greyed.
"""
from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd

from lib.i18n import t
from lib.maps.classify import classify_values
from lib.maps.data import PUBLICATION_THRESHOLD, MapData
from lib.maps.spec import ClassificationSpec, MapSpec


def _map_data(shapes: gpd.GeoDataFrame, values: np.ndarray, suppressed: np.ndarray, label: str, unit: str,
              palette: str, lang: str, title: str) -> MapData:
    units = gpd.GeoDataFrame({"unit_id": shapes["zone_code"].astype(str), "unit_name": shapes["zone_name"].astype(str),
                              "value": np.where(suppressed, np.nan, values), "suppressed": suppressed},
                             geometry=shapes.geometry.values, crs=shapes.crs).to_crs(4326)
    boundary = gpd.GeoDataFrame(geometry=[units.union_all()], crs=4326)
    data = MapData(spec=MapSpec(title=title, classification=ClassificationSpec(palette=palette)), units=units,
                   boundary=boundary, value_label=label, value_unit=unit,
                   classification=classify_values(units["value"].to_numpy(dtype=float), "quantiles", 5, None,
                                                  palette, unit, lang))
    if data.suppressed_count:
        data.notes.append(t("map.note.suppressed", lang, n=data.suppressed_count, threshold=PUBLICATION_THRESHOLD))
    return data


def zones_map(shapes: gpd.GeoDataFrame, lang: str = "ja") -> MapData:
    """The zones coloured by the persons each holds (columns zone_code, zone_name, people, geometry)."""
    people = shapes["people"].to_numpy(dtype=float)
    return _map_data(shapes, people, np.zeros(len(shapes), dtype=bool), t("zones.map.people", lang),
                     t("zones.map.people_unit", lang), "Blues", lang, t("zones.map.title", lang))


def zone_rate_map(shapes: gpd.GeoDataFrame, counts: pd.Series, population: pd.Series, label: str,
                  lang: str = "ja", per: float = 100.0, unit: str = "%") -> MapData:
    """counts and population by zone name → counts ÷ population × per, drawn on the zones."""
    names = shapes["zone_name"].astype(str)
    n = names.map(counts.rename(index=str)).fillna(0).to_numpy(dtype=float)
    base = names.map(population.rename(index=str)).to_numpy(dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        rate = np.where(base > 0, per * n / base, np.nan)
    return _map_data(shapes, rate, n < PUBLICATION_THRESHOLD, label, unit, "YlOrRd", lang, label)
