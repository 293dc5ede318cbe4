"""Checks that imported geodata is usable: valid shapes, lon/lat (EPSG:4326), inside Japan.

A GeoProblem carries a text key (import.error.<key>) and values; lib.data.importing
turns it into the user's message.
"""
from __future__ import annotations

import re

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

# Japan, generously: Okinotorishima to Etorofu, Yonaguni to Minamitorishima.
JAPAN_LON = (122.0, 154.0)
JAPAN_LAT = (20.0, 46.0)
_LAT_NAMES = re.compile(r"^(lat|latitude|緯度)$", re.I)
_LON_NAMES = re.compile(r"^(lon|lng|long|longitude|経度)$", re.I)


class GeoProblem(ValueError):
    def __init__(self, key: str, **values):
        super().__init__(key)
        self.key = key
        self.values = values


def _inside(lon_min, lat_min, lon_max, lat_max) -> bool:
    return (JAPAN_LON[0] <= lon_min and lon_max <= JAPAN_LON[1]
            and JAPAN_LAT[0] <= lat_min and lat_max <= JAPAN_LAT[1])


def check_lonlat_bounds(xmin: float, ymin: float, xmax: float, ymax: float) -> None:
    """Refuse coordinates that are swapped (lat, lon), projected (metres) or outside Japan."""
    if _inside(xmin, ymin, xmax, ymax):
        return
    if _inside(ymin, xmin, ymax, xmax):
        raise GeoProblem("swapped_latlon")
    if max(abs(xmin), abs(xmax)) > 180 or max(abs(ymin), abs(ymax)) > 90:
        raise GeoProblem("not_lonlat")
    raise GeoProblem("outside_japan", bounds=f"{xmin:.3f}, {ymin:.3f} – {xmax:.3f}, {ymax:.3f}")


def to_lonlat(frame: gpd.GeoDataFrame) -> tuple[gpd.GeoDataFrame, str]:
    """The frame in EPSG:4326 and a note of the CRS it came from ('' if already lon/lat)."""
    frame = frame[~(frame.geometry.isna() | frame.geometry.is_empty)] if len(frame) else frame
    if frame.empty:
        raise GeoProblem("no_geometry")
    note = ""
    crs = frame.crs
    if crs is not None and not crs.is_geographic:
        note = crs.name + (f" (EPSG:{crs.to_epsg()})" if crs.to_epsg() else "")
        frame = frame.to_crs(4326)
    elif crs is not None and crs.to_epsg() not in (4326, None):
        note = crs.name
        frame = frame.to_crs(4326)
    elif crs is None:
        frame = frame.set_crs(4326)
    bounds = frame.total_bounds
    if not np.all(np.isfinite(bounds)):
        raise GeoProblem("no_geometry")
    check_lonlat_bounds(*bounds)
    return frame, note


def check_geometries(frame: gpd.GeoDataFrame) -> None:
    """Refuse invalid shapes (self-intersections, unclosed rings), naming the first few rows."""
    geoms = frame.geometry.values
    valid = shapely.is_valid(geoms)
    if bool(np.all(valid)):
        return
    bad = np.flatnonzero(~valid)
    reasons = shapely.is_valid_reason(geoms[bad[:3]])
    rows = "、".join(str(i + 1) for i in bad[:5])
    kind = "self_intersection" if any("Self-intersection" in r or "Ring Self" in r for r in reasons) else "invalid_geometry"
    raise GeoProblem(kind, count=len(bad), rows=rows, reason=reasons[0])


def check_lonlat_columns(frame: pd.DataFrame) -> None:
    """In a table with latitude / longitude columns, refuse swapped or non-Japanese values."""
    lat = next((c for c in frame.columns if _LAT_NAMES.match(str(c).strip())), None)
    lon = next((c for c in frame.columns if _LON_NAMES.match(str(c).strip())), None)
    if lat is None or lon is None:
        return
    lats = pd.to_numeric(frame[lat], errors="coerce").dropna()
    lons = pd.to_numeric(frame[lon], errors="coerce").dropna()
    if lats.empty or lons.empty:
        return
    check_lonlat_bounds(lons.min(), lats.min(), lons.max(), lats.max())
