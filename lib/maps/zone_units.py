"""Zones as the map's base unit: the zones a published dataset was anonymized to (lib.data.zones).

A dataset anonymized to zones has a `zone` column of zone names and, beside it, the zones' shapes
(`<dataset>_zones`: zone_code, zone_name, geometry). On its map the units are those zones:

- the dataset's own figures are counted by its zone column;
- everything known per 町丁・字 (population, 65+, households, other datasets' records, places counted in
  areas) is summed over the 町丁・字 whose inside point (representative point) lies in the zone: zones are
  unions of 町丁・字, so each lies in exactly one.
"""
from __future__ import annotations

import geopandas as gpd
import pandas as pd

from lib.data.catalog import ZONE_COLUMN, zone_layer_name
from lib.data.query import quote_identifier as q
from lib.data.store import read_geo
from lib.maps.spec import MeasureSpec


def zone_units(cursor, dataset: str, areas: gpd.GeoDataFrame, only_with_areas: bool = False
               ) -> tuple[gpd.GeoDataFrame, gpd.GeoDataFrame]:
    """The zones of `dataset` as units (unit_id = zone code, unit_name = zone name) and the 町丁・字 with the
    zone each lies in (`zone_id`; none for an area outside every zone). only_with_areas: keep only zones
    holding one of `areas` (one municipality of a joint course)."""
    units = read_geo(cursor, f"SELECT CAST(zone_code AS VARCHAR) AS unit_id, CAST(zone_name AS VARCHAR) AS unit_name, "
                             f"geometry FROM {q(zone_layer_name(dataset))} ORDER BY 1")
    inside = gpd.GeoDataFrame({"area": range(len(areas))}, geometry=areas.geometry.representative_point().values,
                              crs=areas.crs)
    joined = gpd.sjoin(inside, units[["unit_id", "geometry"]].to_crs(areas.crs), predicate="intersects", how="left")
    zone_of = joined.drop_duplicates("area").set_index("area")["unit_id"]
    areas = areas.assign(zone_id=zone_of.reindex(range(len(areas))).to_numpy())
    if only_with_areas:
        units = units[units["unit_id"].isin(areas["zone_id"].dropna())].reset_index(drop=True)
    return units, areas


def to_zones(frame: pd.DataFrame, areas: gpd.GeoDataFrame, columns: list[str]) -> pd.DataFrame:
    """Figures per 町丁・字 (unit_id and `columns`) summed into the zones their areas lie in (all-unknown stays
    unknown: a census total without ages has no 65+)."""
    zone_of = pd.Series(areas["zone_id"].to_numpy(), index=areas["unit_id"].astype(str))
    by_zone = frame.assign(unit_id=frame["unit_id"].astype(str).map(zone_of)).dropna(subset=["unit_id"])
    return by_zone.groupby("unit_id", as_index=False)[columns].sum(min_count=1)


def by_zone_name(frame: pd.DataFrame, units: gpd.GeoDataFrame) -> pd.DataFrame:
    """Figures per zone name (column `zone`) as figures per unit (zone code); names of no zone dropped."""
    codes = pd.Series(units["unit_id"].to_numpy(), index=units["unit_name"].astype(str))
    return frame.assign(unit_id=frame[ZONE_COLUMN].astype(str).map(codes)).dropna(subset=["unit_id"])


def records_outside_zones(cursor, dataset: str, units: gpd.GeoDataFrame) -> bool:
    """Whether some rows of `dataset` name no drawn zone (blank, 「その他」, another municipality's)."""
    names = units["unit_name"].astype(str).tolist()
    marks = ", ".join("?" for _ in names) or "NULL"
    row = cursor.execute(f"SELECT COUNT(*) FROM {q(dataset)} WHERE {q(ZONE_COLUMN)} IS NULL "
                         f"OR CAST({q(ZONE_COLUMN)} AS VARCHAR) NOT IN ({marks})", names).fetchone()
    return bool(row[0])


ZONE_PRESETS = (("map.preset.zone_elderly_rate", "elderly", 1000), ("map.preset.zone_rate", "population", 1000),
                ("map.preset.zone_count", "none", 1))


def zone_measures(dataset: str) -> dict[str, MeasureSpec]:
    """What a zone map of `dataset` starts from: its records per 1,000 aged 65+ (認定率 of a care list), per
    1,000 residents, and as a count; keyed (and labelled) by their label key."""
    return {key: MeasureSpec(dataset, None, [], normalize, per, key) for key, normalize, per in ZONE_PRESETS}
