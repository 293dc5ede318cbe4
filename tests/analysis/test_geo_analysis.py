"""Catchment, nearest distance, point counts and flood overlay, checked two ways:
by hand on a fixture of two 1 km squares, and against DuckDB spatial on the demo city."""
from __future__ import annotations

import math

import geopandas as gpd
import pandas as pd
import pytest
from shapely.geometry import Point, box

from lib.analysis import geo_analysis
from lib.data.catalog import load_catalog
from lib.data.store import read_geo
from lib.maps import units as map_units
from lib.maps.points import load_points, point_counts_sql
from lib.maps.spec import PointLayerSpec

METRIC = geo_analysis.METRIC_CRS


def _metric_frame(rows: list[dict]) -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame(rows, geometry="geometry", crs=METRIC).to_crs(4326)


@pytest.fixture()
def squares() -> gpd.GeoDataFrame:
    """Two 1 km squares side by side, 1,000 and 400 residents (300 and 100 aged 65+)."""
    return _metric_frame([
        {"unit_id": "A", "population": 1000, "elderly_65plus": 300, "geometry": box(0, 0, 1000, 1000)},
        {"unit_id": "B", "population": 400, "elderly_65plus": 100, "geometry": box(1000, 0, 2000, 1000)},
    ])


def _points(*xy) -> gpd.GeoDataFrame:
    return _metric_frame([{"name": f"p{i}", "geometry": Point(x, y)} for i, (x, y) in enumerate(xy)])


def test_catchment_apportions_a_circle_on_the_shared_edge_by_hand(squares):
    result = geo_analysis.catchment(squares, _points((1000, 500)), 300)
    half_circle_share = (math.pi * 300 ** 2 / 2) / 1e6  # of each 1 km² square
    shares = result.per_unit.set_index("unit_id")["covered_share"]
    assert shares["A"] == pytest.approx(half_circle_share, rel=1e-3)
    assert shares["B"] == pytest.approx(half_circle_share, rel=1e-3)
    assert result.population == pytest.approx(1400 * half_circle_share, rel=1e-3)
    assert result.elderly_65plus == pytest.approx(400 * half_circle_share, rel=1e-3)
    assert result.population_share == pytest.approx(half_circle_share, rel=1e-3)
    assert result.circles["population"].iloc[0] == pytest.approx(result.population)


def test_overlapping_circles_count_people_once(squares):
    one = geo_analysis.catchment(squares, _points((500, 500)), 200)
    twice = geo_analysis.catchment(squares, _points((500, 500), (500, 500)), 200)
    assert twice.population == pytest.approx(one.population)
    assert twice.circles["population"].sum() == pytest.approx(2 * one.population)


def test_nearest_distance_from_centroids_by_hand(squares):
    distances = geo_analysis.nearest_distance(squares, _points((500, 800), (3000, 500)))
    assert distances["A"] == pytest.approx(300, abs=0.01)
    assert distances["B"] == pytest.approx(math.hypot(1000, 300), abs=0.01)


def test_point_counts_by_hand(squares):
    counts = geo_analysis.point_counts(squares, _points((200, 200), (800, 900), (1500, 500), (5000, 5000)))
    assert counts.to_dict() == {"A": 2, "B": 1}


def test_flood_overlay_by_hand(squares):
    flood = _metric_frame([{"depth_class": "0.5～3m", "depth_rank": 2, "geometry": box(500, 0, 1500, 500)}])
    facilities = _points((600, 100), (1900, 900))
    result = geo_analysis.flood_overlay(squares, flood, facilities)
    assert result.population == pytest.approx(0.25 * 1000 + 0.25 * 400, rel=1e-6)
    assert result.elderly_65plus == pytest.approx(0.25 * 300 + 0.25 * 100, rel=1e-6)
    assert list(result.facilities_inside["name"]) == ["p0"]
    assert list(result.facilities_inside["depth_class"]) == ["0.5～3m"]


def test_areal_interpolation_keeps_totals_by_hand(squares):
    target = _metric_frame([{"unit_id": "T", "geometry": box(500, 0, 1500, 1000)},
                            {"unit_id": "U", "geometry": box(5000, 5000, 6000, 6000)}])
    result = geo_analysis.areal_interpolate(squares, target, ["population"]).set_index("unit_id")
    assert result.loc["T", "population"] == pytest.approx(500 + 200, rel=1e-6)
    assert result.loc["U", "population"] == 0


# --- the demo city, against DuckDB spatial -----------------------------------
TO_METRIC = "ST_Transform({}, 'EPSG:4326', 'EPSG:6677', always_xy := true)"


@pytest.fixture()
def demo_units(published):
    catalog = load_catalog()
    units = map_units.area_units(published, catalog)
    people = map_units.area_population(published, catalog, None)
    return units.merge(people, on="unit_id")


def _duckdb_people_inside(published, cover_sql: str, year: int) -> tuple[float, float]:
    """Residents and 65+ inside a cover geometry, apportioned by area, all in SQL."""
    a = TO_METRIC.format("a.geometry")
    sql = f"""
        WITH cover AS ({cover_sql}),
        people AS (
            SELECT area_code, SUM(population) AS pop,
                   SUM(CASE WHEN TRY_CAST(regexp_extract(age_band, '^(\\d+)', 1) AS INTEGER) >= 65
                            THEN population ELSE 0 END) AS old
            FROM population WHERE year = ? GROUP BY 1)
        SELECT SUM(p.pop * ST_Area(ST_Intersection({a}, cover.g)) / ST_Area({a})),
               SUM(p.old * ST_Area(ST_Intersection({a}, cover.g)) / ST_Area({a}))
        FROM areas a JOIN people p USING (area_code), cover"""
    return published.execute(sql, [year]).fetchone()


def _latest_population_year(published) -> int:
    return published.execute("SELECT max(year) FROM population").fetchone()[0]


def test_catchment_matches_duckdb_spatial(published, demo_units):
    catalog = load_catalog()
    places = load_points(published, catalog, PointLayerSpec("kayoi_places"))
    result = geo_analysis.catchment(demo_units, places, 500)
    cover = f"SELECT ST_Union_Agg(ST_Buffer({TO_METRIC.format('geometry')}, 500, 64)) AS g FROM kayoi_places"
    pop, old = _duckdb_people_inside(published, cover, _latest_population_year(published))
    assert result.population == pytest.approx(pop, rel=1e-3)
    assert result.elderly_65plus == pytest.approx(old, rel=1e-3)
    assert 0 < result.population < demo_units["population"].sum()


def test_flood_overlay_matches_duckdb_spatial(published, demo_units):
    catalog = load_catalog()
    flood = read_geo(published, "SELECT * FROM flood_zones")
    facilities = load_points(published, catalog, PointLayerSpec("facilities"))
    result = geo_analysis.flood_overlay(demo_units, flood, facilities)
    cover = f"SELECT ST_Union_Agg({TO_METRIC.format('geometry')}) AS g FROM flood_zones"
    pop, old = _duckdb_people_inside(published, cover, _latest_population_year(published))
    assert result.population == pytest.approx(pop, rel=1e-6)
    assert result.elderly_65plus == pytest.approx(old, rel=1e-6)
    inside = published.execute(
        "SELECT count(DISTINCT f.facility_id) FROM facilities f JOIN flood_zones z "
        "ON ST_Intersects(f.geometry, z.geometry)").fetchone()[0]
    assert len(result.facilities_inside) == inside > 0


def test_nearest_distance_matches_duckdb_spatial(published, demo_units):
    catalog = load_catalog()
    layer = PointLayerSpec("facilities", "category", ["病院", "診療所"])
    hospitals = load_points(published, catalog, layer)
    ours = geo_analysis.nearest_distance(demo_units, hospitals)
    expected = published.execute(f"""
        SELECT a.area_code, MIN(ST_Distance(ST_Centroid({TO_METRIC.format('a.geometry')}),
                                            {TO_METRIC.format('f.geometry')}))
        FROM areas a, facilities f WHERE f.category IN ('病院', '診療所') GROUP BY 1""").df()
    expected = expected.set_index("area_code").iloc[:, 0]
    pd.testing.assert_series_equal(ours.sort_index(), expected.reindex(ours.index).sort_index(),
                                   check_names=False, atol=0.01, rtol=0)


def test_point_counts_match_duckdb_spatial_join(published, demo_units):
    catalog = load_catalog()
    places = load_points(published, catalog, PointLayerSpec("kayoi_places"))
    ours = geo_analysis.point_counts(demo_units, places)
    sql_counts = point_counts_sql(published, catalog, "kayoi_places")
    assert ours.sort_index().to_dict() == sql_counts.sort_index().to_dict()
    assert ours.sum() == len(places)
