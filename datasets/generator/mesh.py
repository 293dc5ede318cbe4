"""Elderly residents on the 500 m JIS X 0410 mesh (level 4, 9-digit code), 2025.

Each 町丁目's population is spread over the meshes it overlaps, in proportion to the overlap
area, with largest-remainder rounding: the mesh values are whole people and add up exactly to
the 町丁目 (and so to the city) totals. No individual location is used or stored.
"""
from __future__ import annotations

import numpy as np
import pandas as pd
import shapely
from jismesh import utils as ju
from shapely.geometry import box

from .constants import IDX_65, IDX_75

LAT_STEP = 1.0 / 240.0  # 500 m mesh: 15" latitude
LON_STEP = 1.0 / 160.0  # 22.5" longitude


def largest_remainder(total: int, weights: np.ndarray) -> np.ndarray:
    """Integers proportional to weights that add up to total (ties go to the earlier index)."""
    if total == 0 or weights.sum() <= 0:
        return np.zeros(len(weights), dtype=np.int64)
    exact = weights / weights.sum() * total
    base = np.floor(exact).astype(np.int64)
    rest = int(total - base.sum())
    order = np.lexsort((np.arange(len(weights)), -(exact - base)))
    base[order[:rest]] += 1
    return base


def mesh_cells(city) -> tuple[list[str], list]:
    minx, miny, maxx, maxy = city.bounds
    lat0 = np.floor(miny / LAT_STEP) * LAT_STEP
    lon0 = 100.0 + np.floor((minx - 100.0) / LON_STEP) * LON_STEP
    lats = np.arange(lat0, maxy, LAT_STEP)
    lons = np.arange(lon0, maxx, LON_STEP)
    codes, boxes = [], []
    for la in lats:
        for lo in lons:
            b = box(lo, la, lo + LON_STEP, la + LAT_STEP)
            if shapely.intersects(b, city):
                code = ju.to_meshcode(la + LAT_STEP / 2, lo + LON_STEP / 2, 4)
                codes.append(str(int(code)))
                boxes.append(b)
    return codes, boxes


def make_elderly_mesh(areas_geom: np.ndarray, pop2025: np.ndarray, city) -> pd.DataFrame:
    """pop2025: area × band × sex array (same order as areas_geom)."""
    codes, boxes = mesh_cells(city)
    boxes_arr = np.array(boxes, dtype=object)
    n_mesh = len(codes)
    under65 = np.zeros(n_mesh, dtype=np.int64)
    y65 = np.zeros(n_mesh, dtype=np.int64)
    y75 = np.zeros(n_mesh, dtype=np.int64)
    per_band = pop2025.sum(axis=2)
    for a, geom in enumerate(areas_geom):
        hit = np.flatnonzero(shapely.intersects(boxes_arr, geom))
        w = shapely.area(shapely.intersection(boxes_arr[hit], geom))
        under65[hit] += largest_remainder(int(per_band[a, :IDX_65].sum()), w)
        y65[hit] += largest_remainder(int(per_band[a, IDX_65:IDX_75].sum()), w)
        y75[hit] += largest_remainder(int(per_band[a, IDX_75:].sum()), w)
    df = pd.DataFrame({
        "mesh_code": codes,
        "population": under65 + y65 + y75,
        "elderly_65plus": y65 + y75,
        "elderly_75plus": y75,
    })
    return df.sort_values("mesh_code").reset_index(drop=True)
