"""A whole real-size city's map is light: 666 町丁・字 at e-Stat's vertex density, simplified as one coverage
for drawing (shared edges stay shared), codes and values untouched."""
from __future__ import annotations

import json

import numpy as np
import pytest
import shapely

from lib.data import profile
from lib.data.catalog import load_catalog
from lib.data.city import setup_city
from lib.data.store import Store
from lib.maps import data as map_data
from lib.maps.display import COORD_DECIMALS, city_tolerance, decimals_for, display_frame, display_geometries
from lib.maps.measures import preset_measures
from lib.maps.preview import preview_map
from lib.maps.render import payload_bytes, render_map
from lib.maps.spec import MapSpec
from tests.fixtures.estat import WHOLE_CITY_AREAS, whole_city_frame, write_whole_city_zip

MAP_BUDGET, CATALOG_BUDGET = 400_000, 500_000  # bytes over the websocket (issue 20, item 8)


@pytest.fixture(scope="module")
def city():
    return whole_city_frame().to_crs(4326)


@pytest.fixture(scope="module")
def city_store(tmp_path_factory):
    folder = tmp_path_factory.mktemp("whole-city")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("WORKBENCH_DATA_DIR", str(folder / "data"))
        store = Store(folder / "data")
        setup_city(write_whole_city_zip(folder / "r2ka31.zip"), "31205", store=store)
        yield store
        store.close()


def test_the_generated_city_is_as_dense_as_real_boundaries(city):
    assert len(city) == WHOLE_CITY_AREAS
    assert shapely.coverage_is_valid(city.geometry.values)
    assert shapely.get_num_coordinates(city.geometry.values).mean() > 200  # a vertex every few metres


def test_display_shapes_keep_the_coverage_without_gaps_or_overlaps(city):
    before, after = city.geometry.values, display_geometries(city.geometry.values)
    assert shapely.get_num_coordinates(after).sum() < shapely.get_num_coordinates(before).sum() / 10
    assert shapely.is_valid(after).all() and not shapely.is_empty(after).any()
    assert shapely.coverage_is_valid(after)  # no overlaps, edges still shared exactly
    # no gaps: the pieces add up to their union, which is the city's outline to within the tolerance
    union = shapely.union_all(after)
    assert shapely.area(after).sum() == pytest.approx(union.area, rel=1e-9)
    assert union.geom_type == "Polygon" and not list(union.interiors)
    assert union.area == pytest.approx(shapely.union_all(before).area, rel=2e-3)
    # every pair of neighbours still shares an edge (not a point, not a sliver apart)
    tree = shapely.STRtree(before)
    pairs = {(i, j) for i, j in tree.query(before, "touches").T if i < j
             and shapely.length(shapely.intersection(before[i], before[j])) > 1e-4}
    assert len(pairs) > WHOLE_CITY_AREAS * 2
    assert all(shapely.length(shapely.intersection(after[i], after[j])) > 0 for i, j in pairs)
    coords = shapely.get_coordinates(after)
    # rounded to what a city seen whole can show (about 10 m: 4 decimals), one decimal fewer than other shapes
    assert decimals_for(city_tolerance(before)) == COORD_DECIMALS - 1 == 4
    assert np.array_equal(coords, np.round(coords, 4))


def test_shapes_that_are_not_a_coverage_are_simplified_one_by_one():
    overlapping = np.array([shapely.box(0, 0, 0.01, 0.01), shapely.box(0.005, 0, 0.015, 0.01)], dtype=object)
    after = display_geometries(overlapping)
    assert shapely.equals(after, overlapping).all()  # boxes stay boxes; their overlap is kept as it was


def test_the_map_of_a_666_area_city_is_under_the_budget_with_codes_and_values_unchanged(city_store):
    cursor, catalog = city_store.published(), load_catalog()
    spec = MapSpec(measure=preset_measures(cursor, catalog)["map.preset.density"])
    data = map_data.build_map_data(cursor, catalog, spec)
    fmap = render_map(data, tiles_url="")
    assert len(data.units) == WHOLE_CITY_AREAS
    assert payload_bytes(fmap) < MAP_BUDGET
    html = fmap.get_root().render()
    start = html.index('{"features":[')
    collection = json.JSONDecoder().raw_decode(html, start)[0]
    shown = {f["properties"]["unit_id"]: f["properties"]["value"] for f in collection["features"]}
    source = whole_city_frame()
    assert set(shown) == set(source["KEY_CODE"])  # 9- and 11-digit codes as in the file
    density = data.units.set_index("unit_id")["value"]
    area_km2 = source.to_crs(6677).set_index("KEY_CODE").area / 1e6  # the full shapes, not the drawn ones
    expected = (source.set_index("KEY_CODE")["JINKO"] / area_km2).round()
    assert density.round().reindex(expected.index).equals(expected.astype(float))
    assert all(text.replace(",", "").startswith(str(int(density[code].round()))) for code, text in shown.items())


def test_the_catalog_preview_of_a_666_area_city_is_under_the_budget_with_its_attributes(city_store):
    cursor, areas = city_store.published(), load_catalog()["areas"]
    full = profile.geo_frame(cursor, areas)
    shown = display_frame(full)
    assert payload_bytes(preview_map(areas, shown)) < CATALOG_BUDGET
    assert shown.drop(columns="geometry").equals(full.drop(columns="geometry"))


def test_the_same_shapes_are_simplified_once_and_other_shapes_apart():
    """Every measure mapped on a city's 町丁目 draws the same outlines: they are simplified once and kept."""
    from lib.maps.display import geojson_geometries

    squares = np.array([shapely.box(i, 0, i + 1, 1) for i in range(20)], dtype=object)
    first = geojson_geometries(squares)
    assert geojson_geometries(np.array(list(squares), dtype=object)) is first
    assert geojson_geometries(squares[:10]) is not first and len(geojson_geometries(squares[:10])) == 10
    assert geojson_geometries(squares, tolerance=0.5) is not first
