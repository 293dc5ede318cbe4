"""Display geometry: the shapes a map draws, lighter than the shapes it computes with.

At city zoom a pixel is 15–40 m, yet e-Stat's 町丁・字 carry a vertex every few metres: a real city's 666
areas came to 1.25 MB over the websocket. Polygons that tile the city (a coverage: 町丁目, mesh cells) are
simplified together with shapely's coverage_simplify, so an edge two neighbours share is simplified once
and stays shared (no gaps, no overlaps); anything else (overlapping zones, lines) is simplified shape by
shape with its topology kept. Coordinates are rounded to 5 decimals (about 1 m), a simplified coverage's to
what its tolerance can show (4 decimals, about 10 m, for a city seen whole: a tenth of its bytes). Analyses
(areas, overlays, distances) keep the full geometry; only drawing uses these.
"""
from __future__ import annotations

import hashlib
import math
import threading
from collections import OrderedDict

import numpy as np
import shapely

COORD_DECIMALS = 5
CITY_VIEW_PIXELS = 560  # a coverage is simplified by about one pixel of a map this high (the map page's) fitted to it
SHAPE_TOLERANCE_DEGREES = 2e-5  # about 2 m, for shapes that are not a coverage
KEPT_SHAPE_SETS = 16  # a city's 町丁目, its mesh cells, zones, outlines… (a few MB at most)

_kept: OrderedDict[bytes, list[dict]] = OrderedDict()
_kept_lock = threading.Lock()


def rounded(geometries: np.ndarray, decimals: int = COORD_DECIMALS) -> np.ndarray:
    """Coordinates rounded to `decimals` (5: about 1 m), without the repeated points that rounding makes."""
    return shapely.remove_repeated_points(shapely.transform(geometries, lambda xy: np.round(xy, decimals)))


def decimals_for(tolerance: float) -> int:
    """The fewest decimals whose rounding moves a point by at most half the simplification tolerance (degrees)."""
    return min(COORD_DECIMALS, max(1, math.ceil(-math.log10(tolerance)))) if tolerance > 0 else COORD_DECIMALS


def is_coverage(geometries: np.ndarray) -> bool:
    """Polygons that meet edge to edge without overlaps (shapely's coverage validity)."""
    kinds = set(shapely.get_type_id(geometries).tolist())
    return bool(len(geometries)) and kinds <= {3, 6} and bool(shapely.coverage_is_valid(geometries))


def city_tolerance(geometries: np.ndarray) -> float:
    """About one pixel, in degrees of longitude, of a CITY_VIEW_PIXELS map fitted to all the shapes (north-south
    extents are stretched by 1/cos(latitude) on a web map): a 20-km city ~35 m, a 5-km ward ~9 m (seen closer)."""
    minx, miny, maxx, maxy = shapely.total_bounds(geometries)
    stretch = 1 / math.cos(math.radians((miny + maxy) / 2))
    return max(maxx - minx, (maxy - miny) * stretch) / CITY_VIEW_PIXELS


def display_geometries(geometries, tolerance: float | None = None) -> np.ndarray:
    """Simplified, rounded geometries for drawing (EPSG:4326 degrees): a coverage as one, by `tolerance`
    (default city_tolerance), so neighbours still meet exactly; other shapes each alone, by
    SHAPE_TOLERANCE_DEGREES, keeping their topology."""
    geometries = np.asarray(geometries, dtype=object)
    if is_coverage(geometries):
        tolerance = tolerance or city_tolerance(geometries)
        return rounded(shapely.coverage_simplify(geometries, tolerance), decimals_for(tolerance))
    return rounded(shapely.simplify(geometries, SHAPE_TOLERANCE_DEGREES, preserve_topology=True))


def geojson_geometries(geometries, tolerance: float | None = None) -> list[dict]:
    """display_geometries as GeoJSON geometry objects (what a folium layer sends). Kept for the same shapes:
    every measure mapped on a city's 町丁目 draws the same outlines (0.3 s for 666 areas). Shared: do not
    change them."""
    geometries = np.asarray(geometries, dtype=object)
    key = hashlib.blake2b(b"".join(shapely.to_wkb(geometries).tolist()) + repr(tolerance).encode()).digest()
    with _kept_lock:
        if key in _kept:
            _kept.move_to_end(key)
            return _kept[key]
    shapes = [shapely.geometry.mapping(g) for g in display_geometries(geometries, tolerance)]
    with _kept_lock:
        _kept[key] = shapes
        while len(_kept) > KEPT_SHAPE_SETS:
            _kept.popitem(last=False)
    return shapes


def display_frame(gdf):
    """A copy of a GeoDataFrame (EPSG:4326) whose shapes are display_geometries: for a map that only shows it."""
    if gdf.empty:
        return gdf
    return gdf.set_geometry(display_geometries(gdf.geometry.values), crs=gdf.crs)
