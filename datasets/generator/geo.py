"""The map of Midorino City: boundary, river, flood zones, 町丁目 partition and names.

Shapes are drawn in a local metric plane (transverse Mercator centred on the city), then
moved to EPSG:4326 and snapped to a 1e-6 degree grid. The 町丁目 polygons are built as a
partition (Voronoi cells of seeded points clipped to the city polygon, with the overlay done
on the same fixed grid), so they have no gaps and no overlaps, and the city boundary is
their union.
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from pyproj import Transformer
from shapely.geometry import LineString, MultiPoint, Point, Polygon, box

from .constants import AREA_CRS, DEPTH_CLASSES, GRID, KANJI_NUM, LOCAL_CRS, PREF_CITY5, RIVER_NAME

CENTRE = (400.0, 700.0)  # the station and city hall, local metres
HILL_CENTRE = (-3900.0, -3000.0)  # the hills with the 1970s housing estates
NEW_TOWN_CENTRE = (3300.0, 2800.0)  # the 2000s new town on the north-eastern terrace


@lru_cache(maxsize=1)
def _to_ll() -> Transformer:
    return Transformer.from_crs(LOCAL_CRS, "EPSG:4326", always_xy=True)


@lru_cache(maxsize=1)
def _to_local() -> Transformer:
    return Transformer.from_crs("EPSG:4326", LOCAL_CRS, always_xy=True)


def _ll_coords(xy: np.ndarray) -> np.ndarray:
    return np.round(_ll_coords_raw(xy), 6)


def _ll_coords_raw(xy: np.ndarray) -> np.ndarray:
    lon, lat = _to_ll().transform(xy[:, 0], xy[:, 1])
    return np.column_stack([lon, lat])


def _local_coords(ll: np.ndarray) -> np.ndarray:
    x, y = _to_local().transform(ll[:, 0], ll[:, 1])
    return np.column_stack([x, y])


def to_ll(geom):
    """Local metres → lon/lat on the 1e-6 grid (same input vertex → same output vertex)."""
    return shapely.transform(geom, _ll_coords)


def to_ll_snapped(geom):
    """Local metres → lon/lat, then a valid geometry on the 1e-6 grid."""
    raw = shapely.make_valid(shapely.transform(geom, _ll_coords_raw), method="structure", keep_collapsed=False)
    return _polygonal(shapely.set_precision(raw, GRID))


def _polygonal(geom):
    """Only the polygon parts of a geometry (overlay results may carry stray lines or points)."""
    if geom.geom_type in ("Polygon", "MultiPolygon"):
        return geom
    parts = [g for g in shapely.get_parts(geom) if g.geom_type in ("Polygon", "MultiPolygon")]
    return shapely.union_all(parts, grid_size=GRID)


def to_local(geom):
    return shapely.transform(geom, _local_coords)


def river_y(x: np.ndarray | float, phase: float) -> np.ndarray:
    x = np.asarray(x, dtype=float)
    return -700.0 - 0.2 * x + 380.0 * np.sin(x / 1600.0 + 0.6) + 90.0 * np.sin(x / 430.0 + phase)


def _city_local(rng: np.random.Generator) -> Polygon:
    n = 96
    theta = np.linspace(0, 2 * np.pi, n, endpoint=False)
    r = (1.0 + 0.07 * np.sin(2 * theta + 0.4) + 0.06 * np.sin(3 * theta + 1.9)
         + 0.04 * np.sin(5 * theta + 0.7) + 0.025 * np.sin(8 * theta + rng.uniform(0, 2 * np.pi))
         + rng.normal(0, 0.012, n))
    xy = np.column_stack([6200.0 * r * np.cos(theta), 5000.0 * r * np.sin(theta)])
    return Polygon(xy)


def _flood_local(city: Polygon, phase: float) -> list[Polygon]:
    """Nested 浸水想定区域 (rank 1 = widest, shallowest) along the river, minus the hills."""
    xs = np.arange(-8000.0, 8001.0, 50.0)
    ys = river_y(xs, phase)
    # Narrow valley upstream (west), a wide plain downstream (south-east).
    width = np.interp(xs, [-8000, -3000, 0, 4000, 8000], [0.45, 0.5, 1.0, 1.5, 1.6])
    hills = shapely.affinity.scale(Point(HILL_CENTRE).buffer(1.0, 64), 3000.0, 2300.0)
    new_town_ridge = shapely.affinity.scale(Point(*NEW_TOWN_CENTRE).buffer(1.0, 64), 2200.0, 1500.0)
    outer_radius = {1: 950.0, 2: 620.0, 3: 320.0, 4: 120.0}
    zones = {}
    for rank, radius in outer_radius.items():
        pieces = [
            LineString([(xs[i], ys[i]), (xs[i + 1], ys[i + 1])]).buffer(
                radius * 0.5 * (width[i] + width[i + 1]), 16)
            for i in range(len(xs) - 1)
        ]
        zone = shapely.union_all(pieces).difference(hills).difference(new_town_ridge)
        zones[rank] = zone.intersection(city)
    bands = []
    for rank in (1, 2, 3, 4):
        band = zones[rank] if rank == 4 else zones[rank].difference(zones[rank + 1])
        bands.append(band)
    return bands


def _seeds(rng: np.random.Generator, city: Polygon) -> np.ndarray:
    """Poisson-disk points: small 町丁目 in the centre, large ones at the rural edge."""
    minx, miny, maxx, maxy = city.bounds
    edge = city.exterior
    pts: list[tuple[float, float]] = []
    prepared = shapely.prepared.prep(city)
    cand = rng.uniform([minx, miny], [maxx, maxy], size=(6000, 2))
    for x, y in cand:
        p = Point(x, y)
        if not prepared.contains(p):
            continue
        rc = np.hypot(x - CENTRE[0], y - CENTRE[1])
        d_edge = edge.distance(p)
        if d_edge < 250:
            continue
        hill = np.hypot((x - HILL_CENTRE[0]) / 3000.0, (y - HILL_CENTRE[1]) / 2300.0)
        newtown = np.hypot((x - NEW_TOWN_CENTRE[0]) / 2200.0, (y - NEW_TOWN_CENTRE[1]) / 1500.0)
        if rc < 1500:
            dmin = 780.0
        elif (hill < 0.85 and d_edge > 800) or (newtown < 1.0 and d_edge > 500):
            dmin = 950.0
        elif d_edge < 1300:
            dmin = 1850.0
        else:
            dmin = 1250.0
        if all(np.hypot(x - a, y - b) >= dmin for a, b in pts):
            pts.append((x, y))
    return np.array(pts)


def _classify(cx: float, cy: float, flood_share: float, d_edge: float, phase: float) -> tuple[str, str]:
    rc = np.hypot(cx - CENTRE[0], cy - CENTRE[1])
    yr = float(river_y(cx, phase))
    if rc < 1700:
        return "中央地区", ("中心市街地" if rc < 1250 else "既成住宅地")
    if cx < -1300 and cy < yr - 600:
        return "丘陵地区", ("農村部" if d_edge < 1000 else "丘陵住宅団地")
    if np.hypot((cx - NEW_TOWN_CENTRE[0]) / 2200.0, (cy - NEW_TOWN_CENTRE[1]) / 1500.0) < 1.2:
        return "ニュータウン地区", ("既成住宅地" if d_edge < 450 else "ニュータウン")
    if flood_share >= 0.5:
        if cx > -1500:
            return "川沿い地区", "川沿い低地"
        return ("北部地区" if cy > yr else "丘陵地区"), "川沿い低地"
    if cy > yr:
        return "北部地区", ("農村部" if d_edge < 1300 else "既成住宅地")
    return "南部地区", ("農村部" if d_edge < 1300 else "既成住宅地")


NAME_POOLS = {
    "中心市街地": ["本町", "栄町", "駅前", "仲町", "宮下", "緑町", "元町"],
    "既成住宅地": ["若葉町", "桜台", "東町", "西町", "旭町", "松が枝町", "上町", "日の出町", "柳町", "春日町"],
    "丘陵住宅団地": ["緑ヶ丘", "みどり台", "希望ヶ丘", "富士見台", "桜ヶ丘", "高尾台", "白百合台"],
    "ニュータウン": ["ひかり野", "美園", "はるひ野", "つつじが丘", "みどり野東", "星の丘"],
    "川沿い低地": ["川端", "下河原", "中島", "新田", "水沢", "川原町", "舟渡"],
    "農村部": ["北川", "上野田", "下野田", "大谷", "小松原", "岩井", "長沢", "石田", "柏木", "芹沢",
              "中原", "大畑", "西谷"],
}
# How many 丁目 a 町 has at most, by character (農村部 大字 have none).
MAX_CHOME = {"中心市街地": 3, "既成住宅地": 3, "丘陵住宅団地": 4, "ニュータウン": 4, "川沿い低地": 2, "農村部": 1}


def kanji_number(n: int) -> str:
    if n <= 10:
        return KANJI_NUM[n] if n < 10 else "十"
    return ("" if n < 20 else KANJI_NUM[n // 10]) + "十" + (KANJI_NUM[n % 10] if n % 10 else "")


def _name_areas(rng: np.random.Generator, cells: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """Group touching cells of one district and character into 町; number their 丁目."""
    cells = cells.copy()
    cells["town"] = -1
    cells["chome"] = 0
    touches = {i: set(cells.index[cells.geometry.touches(g)]) for i, g in cells.geometry.items()}
    town_no = 0
    town_char: dict[int, str] = {}
    # West to east, so 町 numbering reads like a map.
    for i in cells.sort_values("cx").index:
        if cells.at[i, "town"] >= 0:
            continue
        char = cells.at[i, "area_character"]
        group = [i]
        limit = int(rng.integers(2, MAX_CHOME[char] + 1)) if MAX_CHOME[char] > 1 else 1
        frontier = sorted(touches[i])
        while len(group) < limit and frontier:
            j = frontier.pop(0)
            if (cells.at[j, "town"] < 0 and j not in group
                    and cells.at[j, "area_character"] == char
                    and cells.at[j, "district"] == cells.at[i, "district"]):
                group.append(j)
                frontier.extend(sorted(touches[j] - set(group)))
        for k, j in enumerate(group, start=1):
            cells.at[j, "town"] = town_no
            cells.at[j, "chome"] = k if len(group) > 1 else 0
        town_char[town_no] = char
        town_no += 1
    pools = {c: list(rng.permutation(NAME_POOLS[c])) for c in NAME_POOLS}
    town_name = {}
    spare = [f"{d}{n}" for n in NAME_POOLS["農村部"] for d in ("東", "西", "南", "北", "新")]
    for t in range(town_no):
        char = town_char[t]
        for source in (char, "既成住宅地", "農村部"):  # fall back to other free names
            if pools[source]:
                town_name[t] = pools[source].pop(0)
                break
        else:
            town_name[t] = spare.pop(0)
    names, codes = [], []
    for _, row in cells.iterrows():
        base = town_name[row["town"]]
        chome = int(row["chome"])
        names.append(base + (kanji_number(chome) + "丁目" if chome else ""))
        codes.append(f"{PREF_CITY5}{(row['town'] + 1) * 10:04d}{chome:02d}")
    cells["area_code"] = codes
    cells["area_name"] = names
    cells["town_name"] = [town_name[t] for t in cells["town"]]
    return cells


@dataclass
class Geography:
    city_local: Polygon
    city_ll: Polygon
    river_local: LineString
    river_ll: LineString
    areas: gpd.GeoDataFrame  # EPSG:4326, sorted by area_code; helper columns cx, cy (local m)
    flood: gpd.GeoDataFrame  # EPSG:4326
    flood_union_ll: object
    phase: float


def build_geography(rng: np.random.Generator) -> Geography:
    phase = float(rng.uniform(0, 2 * np.pi))
    city_local = _city_local(rng)
    city_ll = to_ll_snapped(city_local)
    xs = np.arange(-7600.0, 7601.0, 100.0)
    river_local = LineString(np.column_stack([xs, river_y(xs, phase)])).intersection(city_local.buffer(600))
    river_ll = to_ll(river_local)

    # 町丁目 partition; the city boundary is exactly the union of the cells.
    seeds = _seeds(rng, city_local)
    frame = box(-20000, -20000, 20000, 20000)
    vor = shapely.voronoi_polygons(MultiPoint(seeds), extend_to=frame, ordered=True)
    cells_ll = [shapely.intersection(to_ll(c), city_ll, grid_size=GRID) for c in vor.geoms]
    city_ll = shapely.union_all(cells_ll, grid_size=GRID)

    # Flood zones.
    bands_local = _flood_local(city_local, phase)
    rows = []
    for rank, band in zip((1, 2, 3, 4), bands_local, strict=True):
        band_ll = _polygonal(shapely.intersection(to_ll_snapped(band), city_ll, grid_size=GRID))
        for part in shapely.get_parts(band_ll):
            if part.geom_type != "Polygon" or part.area < 2e-8:  # drop slivers (< ~200 m²)
                continue
            rows.append({"depth_rank": rank, "geometry": part, "cx": part.centroid.x})
    flood = gpd.GeoDataFrame(rows, geometry="geometry", crs="EPSG:4326")
    flood = flood.sort_values(["depth_rank", "cx"], kind="stable").reset_index(drop=True)
    flood["zone_id"] = [f"FZ{i + 1:03d}" for i in range(len(flood))]
    flood["river_name"] = RIVER_NAME
    flood["depth_class"] = [DEPTH_CLASSES[r - 1] for r in flood["depth_rank"]]
    flood = flood[["zone_id", "river_name", "depth_class", "depth_rank", "geometry"]]
    flood_union_ll = shapely.union_all(flood.geometry.values, grid_size=GRID)

    recs = []
    for cell in cells_ll:
        cen = to_local(cell).centroid
        flood_share = shapely.intersection(cell, flood_union_ll).area / cell.area
        d_edge = city_local.exterior.distance(cen)
        district, char = _classify(cen.x, cen.y, flood_share, d_edge, phase)
        recs.append({"geometry": cell, "cx": cen.x, "cy": cen.y, "district": district,
                     "area_character": char, "flood_share": flood_share})
    cells = gpd.GeoDataFrame(recs, geometry="geometry", crs="EPSG:4326")
    cells = _name_areas(rng, cells)
    cells["area_km2"] = np.round(cells.to_crs(AREA_CRS).geometry.area.to_numpy() / 1e6, 3)
    cells = cells.sort_values("area_code").reset_index(drop=True)
    areas = cells[["area_code", "area_name", "district", "area_character", "area_km2", "geometry",
                   "cx", "cy", "town_name", "flood_share"]]
    check_partition(areas, city_ll)
    return Geography(city_local, city_ll, river_local, river_ll, areas, flood, flood_union_ll, phase)


def check_partition(areas: gpd.GeoDataFrame, city_ll) -> None:
    """Fail loudly if the 町丁目 are not a valid gap-free, overlap-free cover of the city."""
    geoms = areas.geometry.to_numpy()
    if not shapely.is_valid(geoms).all():
        raise ValueError("invalid 町丁目 polygon")
    if not shapely.coverage_is_valid(shapely.GeometryCollection(list(geoms))):
        raise ValueError("町丁目 polygons overlap or do not share edges exactly")
    union = shapely.union_all(geoms)
    if union.geom_type != "Polygon" or shapely.symmetric_difference(union, city_ll).area / city_ll.area > 1e-9:
        raise ValueError("町丁目 polygons do not add up to the city boundary")


def random_points_in(rng: np.random.Generator, poly, n: int, margin_m: float = 60.0) -> list[Point]:
    """n seeded points inside a lon/lat polygon, kept margin_m away from its edge (local metres)."""
    local = to_local(poly).buffer(-margin_m)
    if local.is_empty:
        local = to_local(poly)
    minx, miny, maxx, maxy = local.bounds
    out = []
    while len(out) < n:
        x, y = rng.uniform([minx, miny], [maxx, maxy])
        if local.contains(Point(x, y)):
            out.append(Point(x, y))
    return [to_ll(p) for p in out]


def areas_frame(geo: Geography) -> pd.DataFrame:
    """Areas without geometry (for joins inside the generator)."""
    return pd.DataFrame(geo.areas.drop(columns="geometry"))
