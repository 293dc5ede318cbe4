"""The zones being built (町丁・字 merged for anonymization, lib.data.zones) as MapData: each zone's persons,
for the instructor to check the zones before anonymizing with them. Published data is drawn by zone through
the map's own pipeline (base unit "zone": lib.maps.zone_units)."""
from __future__ import annotations

import geopandas as gpd

from lib.i18n import t
from lib.maps.classify import classify_values
from lib.maps.data import MapData
from lib.maps.spec import ClassificationSpec, MapSpec


def zones_map(shapes: gpd.GeoDataFrame, lang: str = "ja") -> MapData:
    """The zones coloured by the persons each holds (columns zone_code, zone_name, people, geometry)."""
    people = shapes["people"].to_numpy(dtype=float)
    units = gpd.GeoDataFrame({"unit_id": shapes["zone_code"].astype(str), "unit_name": shapes["zone_name"].astype(str),
                              "value": people, "suppressed": False},
                             geometry=shapes.geometry.values, crs=shapes.crs).to_crs(4326)
    label, unit, palette = t("zones.map.people", lang), t("zones.map.people_unit", lang), "Blues"
    return MapData(spec=MapSpec(title=t("zones.map.title", lang), classification=ClassificationSpec(palette=palette)),
                   units=units, boundary=gpd.GeoDataFrame(geometry=[units.union_all()], crs=4326),
                   value_label=label, value_unit=unit,
                   classification=classify_values(people, "quantiles", 5, None, palette, unit, lang))
