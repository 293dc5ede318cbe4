"""Checks that imported geodata is usable: valid shapes, lon/lat (EPSG:4326), inside Japan.

A GeoProblem carries a text key (import.error.<key>) and values; lib.data.importing
turns it into the user's message.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

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


@dataclass
class RepairedShape:
    """One shape that `make_valid` repaired: its row (1-based), how it is named in the report (the row
    number, or a code the caller knows it by), why it was invalid, its area (m²) before and after."""
    row: int
    ident: str
    reason: str
    area_before_m2: float
    area_after_m2: float


def _polygonal_part(geom):
    """The polygons of a repaired shape (make_valid may add stray lines or points); None if there are none."""
    if geom is None or geom.is_empty:
        return None
    if geom.geom_type in ("Polygon", "MultiPolygon"):
        return geom
    parts = [g for g in getattr(geom, "geoms", []) if g.geom_type in ("Polygon", "MultiPolygon")]
    if not parts:
        return None
    return shapely.union_all(parts)


def repair_geometries(frame: gpd.GeoDataFrame) -> tuple[gpd.GeoDataFrame, list[RepairedShape]]:
    """Repair invalid shapes with `make_valid` (GEOS), keeping each row; refuse only what cannot be repaired.

    Real e-Stat boundaries carry the odd ring self-intersection; a municipality without GIS software
    cannot fix it by hand, and `make_valid` does so without changing the area. Polygons that collapse to
    lines or points have nothing left to draw: those raise GeoProblem("unrepairable").
    """
    geoms = frame.geometry.values
    valid = shapely.is_valid(geoms)
    if bool(np.all(valid)):
        return frame, []
    bad = np.flatnonzero(~valid)
    reasons = shapely.is_valid_reason(geoms[bad])
    repaired = shapely.make_valid(geoms[bad])
    polygonal = frame.geometry.iloc[0].geom_type in ("Polygon", "MultiPolygon")
    fixed = [_polygonal_part(g) if polygonal else g for g in repaired]
    idents = [str(i + 1) for i in bad]  # row numbers; a caller may name them by its own codes
    lost = [idents[i] for i, g in enumerate(fixed) if g is None or g.is_empty]
    if lost:
        raise GeoProblem("unrepairable", count=len(lost), rows="、".join(lost[:5]))
    metric = frame.estimate_utm_crs()
    before = gpd.GeoSeries(geoms[bad], crs=frame.crs).to_crs(metric).area.to_numpy()
    after = gpd.GeoSeries(fixed, crs=frame.crs).to_crs(metric).area.to_numpy()
    frame = frame.copy()
    frame.loc[frame.index[bad], frame.geometry.name] = gpd.GeoSeries(fixed, index=frame.index[bad], crs=frame.crs)
    report = [RepairedShape(int(row) + 1, str(ident), str(reason), float(b), float(a))
              for row, ident, reason, b, a in zip(bad, idents, reasons, before, after, strict=True)]
    return frame, report


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
