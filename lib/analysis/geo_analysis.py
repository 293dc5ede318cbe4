"""Spatial analyses a beginner would do in QGIS or jSTAT MAP, in a metric CRS.

Inputs and outputs are EPSG:4326; lengths and areas are computed in EPSG:6677
(JGD2011 / Japan Plane Rectangular CS IX, which covers the demo city at 139.35E).
"Units" are the map's base polygons (町丁目 or mesh cells) with columns unit_id,
population and elderly_65plus. Partly covered units are apportioned by area:
a unit half inside a circle counts half its people (people are assumed spread
evenly over the unit — the page says so).
"""
from __future__ import annotations

from dataclasses import dataclass

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

METRIC_CRS = "EPSG:6677"
PEOPLE = ("population", "elderly_65plus")


def apportion_by_area(units: gpd.GeoDataFrame, cover, columns=PEOPLE) -> pd.DataFrame:
    """Per unit: the share of its area inside `cover` (a metric geometry) and its people inside."""
    metric = units.to_crs(METRIC_CRS)
    areas = metric.geometry.area.to_numpy()
    if cover is None or cover.is_empty:
        inside = np.zeros(len(metric))
    else:
        inside = shapely.area(shapely.intersection(metric.geometry.values, cover))
    share = np.divide(inside, areas, out=np.zeros_like(areas), where=areas > 0)
    out = pd.DataFrame({"unit_id": metric["unit_id"].to_numpy(), "covered_share": share})
    for col in columns:
        out[f"{col}_inside"] = metric[col].fillna(0).to_numpy() * share
    return out


def _metric_points(points: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    return points.to_crs(METRIC_CRS)


@dataclass
class CatchmentResult:
    circles: gpd.GeoDataFrame  # one circle per point, EPSG:4326, with that circle's people
    per_unit: pd.DataFrame  # unit_id, covered_share, population_inside, elderly_65plus_inside
    population: float  # inside the union of circles (no one counted twice)
    elderly_65plus: float
    population_share: float  # of the units' total
    elderly_share: float


def catchment(units: gpd.GeoDataFrame, points: gpd.GeoDataFrame, radius_m: float) -> CatchmentResult:
    """People within radius_m of any point, and within each point's own circle."""
    metric_points = _metric_points(points)
    circles = metric_points.geometry.buffer(radius_m, 64)
    union = shapely.union_all(circles.values)
    per_unit = apportion_by_area(units, union)
    circle_frame = gpd.GeoDataFrame(
        points.drop(columns=points.geometry.name).reset_index(drop=True),
        geometry=gpd.GeoSeries(circles.values, crs=METRIC_CRS).to_crs(4326).values, crs=4326,
    )
    # Each circle on its own (a place's own catchment): pieces of circle × unit, apportioned.
    metric_units = units.to_crs(METRIC_CRS).reset_index(drop=True)
    circle_index, unit_index = gpd.GeoSeries(circles.values).sindex.query(
        metric_units.geometry.values, predicate="intersects")[::-1]
    pieces = shapely.area(shapely.intersection(circles.values[circle_index],
                                               metric_units.geometry.values[unit_index]))
    share = pieces / metric_units.geometry.area.to_numpy()[unit_index]
    for col in PEOPLE:
        people = metric_units[col].fillna(0).to_numpy(dtype=float)[unit_index] * share
        circle_frame[col] = np.bincount(circle_index, weights=people, minlength=len(circle_frame))
    total_pop = float(units["population"].fillna(0).sum())
    total_old = float(units["elderly_65plus"].fillna(0).sum())
    pop = float(per_unit["population_inside"].sum())
    old = float(per_unit["elderly_65plus_inside"].sum())
    return CatchmentResult(
        circle_frame, per_unit, pop, old,
        pop / total_pop if total_pop else 0.0, old / total_old if total_old else 0.0,
    )


def nearest_distance(units: gpd.GeoDataFrame, points: gpd.GeoDataFrame) -> pd.Series:
    """Metres from each unit's centroid to the nearest point (NaN when there are no points)."""
    if points.empty:
        return pd.Series(np.nan, index=units["unit_id"].to_numpy(), name="nearest_m")
    metric = units.to_crs(METRIC_CRS)
    centres = gpd.GeoDataFrame({"unit_id": metric["unit_id"].to_numpy()},
                               geometry=metric.geometry.centroid.values, crs=METRIC_CRS)
    joined = gpd.sjoin_nearest(centres, _metric_points(points)[[points.geometry.name]],
                               distance_col="nearest_m")
    distances = joined.groupby("unit_id")["nearest_m"].min()
    return distances.reindex(centres["unit_id"]).rename("nearest_m")


def point_counts(units: gpd.GeoDataFrame, points: gpd.GeoDataFrame) -> pd.Series:
    """How many points fall in each unit (a point on a shared edge counts once)."""
    if points.empty:
        return pd.Series(0, index=units["unit_id"].to_numpy(), name="point_count")
    joined = gpd.sjoin(points[[points.geometry.name]], units[["unit_id", units.geometry.name]],
                       predicate="intersects", how="inner")
    joined = joined[~joined.index.duplicated(keep="first")]
    counts = joined.groupby("unit_id").size()
    return counts.reindex(units["unit_id"].to_numpy(), fill_value=0).astype(int).rename("point_count")


@dataclass
class FloodResult:
    per_unit: pd.DataFrame  # unit_id, covered_share, population_inside, elderly_65plus_inside
    population: float
    elderly_65plus: float
    population_share: float
    elderly_share: float
    facilities_inside: gpd.GeoDataFrame  # with depth_class of the deepest zone they lie in


def flood_overlay(units: gpd.GeoDataFrame, flood: gpd.GeoDataFrame,
                  facilities: gpd.GeoDataFrame | None = None) -> FloodResult:
    """People (apportioned by area) and facilities inside the flood zone."""
    zone = shapely.union_all(flood.to_crs(METRIC_CRS).geometry.values)
    per_unit = apportion_by_area(units, zone)
    total_pop = float(units["population"].fillna(0).sum())
    total_old = float(units["elderly_65plus"].fillna(0).sum())
    pop = float(per_unit["population_inside"].sum())
    old = float(per_unit["elderly_65plus_inside"].sum())
    inside = gpd.GeoDataFrame(geometry=[], crs=4326)
    if facilities is not None and not facilities.empty:
        cols = [c for c in ("depth_class", "depth_rank") if c in flood.columns]
        hits = gpd.sjoin(facilities, flood[cols + [flood.geometry.name]], predicate="intersects", how="inner")
        if "depth_rank" in hits.columns:
            hits = hits.sort_values("depth_rank", ascending=False)
        inside = hits[~hits.index.duplicated(keep="first")].drop(columns="index_right").sort_index()
    return FloodResult(per_unit, pop, old, pop / total_pop if total_pop else 0.0,
                       old / total_old if total_old else 0.0, inside)


def areal_interpolate(source: gpd.GeoDataFrame, target: gpd.GeoDataFrame, columns: list[str]) -> pd.DataFrame:
    """Counts of source polygons spread onto target polygons in proportion to overlapping area.

    Returns target unit_id with the summed columns (what jSTAT MAP calls 按分).
    """
    src = source.to_crs(METRIC_CRS)
    tgt = target.to_crs(METRIC_CRS)
    src = src.assign(__src_area=src.geometry.area)
    pieces = gpd.overlay(src[columns + ["__src_area", src.geometry.name]],
                         tgt[["unit_id", tgt.geometry.name]], how="intersection", keep_geom_type=True)
    weight = pieces.geometry.area / pieces["__src_area"]
    sums = pd.DataFrame({col: pieces[col].fillna(0) * weight for col in columns})
    sums["unit_id"] = pieces["unit_id"].to_numpy()
    out = sums.groupby("unit_id")[columns].sum()
    return out.reindex(tgt["unit_id"].to_numpy(), fill_value=0.0).rename_axis("unit_id").reset_index()
