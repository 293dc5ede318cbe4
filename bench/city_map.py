"""The map of a whole real-size city (666 町丁・字, as dense as e-Stat's files): payload and server time.

The city is generated (tests/fixtures/estat.whole_city_frame: a Voronoi of random points clipped to an
outline, edges wiggled at e-Stat's vertex density), because no real whole-city file is in the repository.
It goes through setup-city like a real one. Figures: the map page's payload (the HTML st_folium sends),
its server time cold (figures computed) and warm (figures cached, the map drawn again, as every page run
does), and the catalog's preview map of the areas.

    python bench/run.py --only city_map
"""
from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

from bench.harness import Figure, benchmark, median_seconds


@benchmark("city_map")
def city_map(runs: int) -> list[Figure]:
    from lib.data import profile
    from lib.data.catalog import load_catalog
    from lib.data.city import setup_city
    from lib.data.store import Store
    from lib.maps import data as map_data
    from lib.maps.display import display_frame
    from lib.maps.measures import preset_measures
    from lib.maps.preview import preview_map
    from lib.maps.render import payload_bytes, render_map
    from lib.maps.spec import MapSpec
    from tests.fixtures.estat import WHOLE_CITY_AREAS, write_whole_city_zip

    root = Path(tempfile.mkdtemp(prefix="bench-city-map-"))
    previous = os.environ.get("WORKBENCH_DATA_DIR")
    os.environ["WORKBENCH_DATA_DIR"] = str(root / "data")
    store = Store(root / "data")
    load = os.getloadavg()
    try:
        setup_city(write_whole_city_zip(root / "r2ka31.zip"), "31205", store=store)
        cursor, catalog = store.published(), load_catalog()
        spec = MapSpec(measure=preset_measures(cursor, catalog)["map.preset.density"])
        holder = {}

        def cold():
            holder["figures"] = map_data.compute_map_data(cursor, catalog, spec)
            holder["map"] = render_map(map_data.describe_map_data(holder["figures"], catalog), tiles_url="")
            holder["html"] = holder["map"].get_root().render()

        def warm():
            fmap = render_map(map_data.describe_map_data(holder["figures"], catalog), tiles_url="")
            fmap.get_root().render()

        cold_s = median_seconds(cold, runs)
        warm_s = median_seconds(warm, runs)
        map_bytes = payload_bytes(holder["map"])
        labelled = render_map(map_data.build_map_data(cursor, catalog, MapSpec(measure=spec.measure, labels=True)),
                              tiles_url="")
        areas = catalog["areas"]
        catalog_bytes = payload_bytes(preview_map(areas, display_frame(profile.geo_frame(cursor, areas))))
    finally:
        store.close()
        if previous is None:
            os.environ.pop("WORKBENCH_DATA_DIR", None)
        else:
            os.environ["WORKBENCH_DATA_DIR"] = previous
        shutil.rmtree(root, ignore_errors=True)
    size = f"{WHOLE_CITY_AREAS} areas (generated)"
    note = f"load average {load[0]:.2f} / {load[1]:.2f} before, {os.getloadavg()[0]:.2f} after"
    return [
        Figure("city_map.cold_s", size, "s", cold_s, runs, note="figures + folium + HTML; " + note),
        Figure("city_map.warm_s", size, "s", warm_s, runs, note="folium + HTML from cached figures; " + note),
        Figure("city_map.payload_bytes", size, "bytes", map_bytes, runs, note="population density, no labels"),
        Figure("city_map.payload_labels_bytes", size, "bytes", payload_bytes(labelled), runs, note="with labels"),
        Figure(
            "city_map.catalog_bytes",
            size,
            "bytes",
            catalog_bytes,
            runs,
            note="catalog preview of the areas, as lib.ui.derived.geo_frame gives it",
        ),
    ]
