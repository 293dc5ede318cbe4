"""Maps: a city-wide choropleth with every facility, and 50,000 points."""
from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

from bench.harness import Figure, benchmark, median_seconds

POINTS = 50_000


def _synthetic_points(bounds, n: int):
    import geopandas as gpd
    import numpy as np

    rng = np.random.default_rng(2018)
    minx, miny, maxx, maxy = bounds
    xy = rng.uniform([minx, miny], [maxx, maxy], size=(n, 2))
    return gpd.GeoDataFrame({"name": np.arange(n).astype(str)},
                            geometry=gpd.points_from_xy(xy[:, 0], xy[:, 1]), crs=4326)


@benchmark("maps")
def maps(runs: int) -> list[Figure]:
    from lib.data.catalog import load_catalog
    from lib.data.store import Store
    from lib.maps import data as map_data
    from lib.maps.measures import preset_measures
    from lib.maps.points import load_points
    from lib.maps.render import add_points, base_map, payload_bytes, render_map
    from lib.maps.spec import MapSpec, PointLayerSpec
    from lib.maps.units import area_units, city_boundary

    root = Path(tempfile.mkdtemp(prefix="bench-maps-"))
    store = Store(root)
    try:
        cursor = store.published()
        catalog = load_catalog()
        presets = preset_measures(cursor, catalog)
        spec = MapSpec(measure=presets["indicator.ageing_rate"], labels=True,
                       points=[PointLayerSpec("facilities", "category")])
        facilities = len(load_points(cursor, catalog, spec.points[0]))
        areas = len(area_units(cursor, catalog))
        holder = {}

        def build_city():
            data = map_data.build_map_data(cursor, catalog, spec)
            holder["map"] = render_map(data, tiles_url="")
            holder["html"] = holder["map"].get_root().render()

        city_s = median_seconds(build_city, runs)
        city_bytes = payload_bytes(holder["map"])

        bounds = tuple(city_boundary(cursor, catalog).total_bounds)
        points = _synthetic_points(bounds, POINTS)

        def build_points():
            fmap = base_map(bounds, tiles_url="")
            add_points(fmap, PointLayerSpec("synthetic"), points, "synthetic", {"synthetic": "#0072b2"})
            holder["points"] = fmap
            holder["points_html"] = fmap.get_root().render()

        points_s = median_seconds(build_points, runs)
        points_bytes = payload_bytes(holder["points"])
    finally:
        store.close()
        shutil.rmtree(root, ignore_errors=True)
    city_size = f"{areas} 町丁目, {facilities} facilities"
    return [
        Figure("map_city_build_s", city_size, "s", city_s, runs,
               note="SQL → GeoDataFrame → folium → rendered HTML; ageing rate, labels, all facilities"),
        Figure("map_city_payload_bytes", city_size, "bytes", city_bytes, runs, note="rendered HTML/JS st_folium sends"),
        Figure("map_points_build_s", POINTS, "s", points_s, runs, note="FastMarkerCluster, rendered HTML"),
        Figure("map_points_payload_bytes", POINTS, "bytes", points_bytes, runs, note="must stay under 3 MB"),
    ]
