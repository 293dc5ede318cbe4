"""Reference layers (rivers, place names …) under the map's data, from files the instructor imports."""
from __future__ import annotations

import json

import pytest

from lib.data.catalog import load_catalog
from lib.data.city import setup_city
from lib.data.store import Store
from lib.maps import data as map_data
from lib.maps.base_layers import BaseLayerError, add_base_layer, base_layer_datasets
from lib.maps.render import BASE_PANE, render_map
from lib.maps.spec import MapSpec
from tests.fixtures.estat import write_estat_zip, write_places_geojson, write_river_geojson


@pytest.fixture()
def city_store(tmp_path, monkeypatch):
    monkeypatch.setenv("WORKBENCH_DATA_DIR", str(tmp_path / "data"))
    store = Store(tmp_path / "data")
    setup_city(write_estat_zip(tmp_path / "r2ka31.zip"), "31201", store=store)
    yield store
    store.close()


def _city(store):
    return map_data.city_boundary(store.published(), load_catalog())


def test_river_and_place_names_are_clipped_published_and_drawn_light(tmp_path, city_store):
    assert add_base_layer(write_river_geojson(tmp_path / "W05.geojson"), "river", _city(city_store),
                          store=city_store) == 1  # the far river is cut off
    assert add_base_layer(write_places_geojson(tmp_path / "places.geojson"), "place", _city(city_store),
                          store=city_store) == 2
    catalog = load_catalog()
    assert [ds.name for ds in base_layer_datasets(catalog)] == ["base_river", "base_place"]
    data = map_data.build_map_data(city_store.published(), catalog, MapSpec())
    kinds = dict(data.base_layers)
    assert kinds["river"]["name"].tolist() == ["湖山川"]
    html = render_map(data).get_root().render()
    escaped = json.dumps("湖山池")[1:-1]  # folium writes the label into JavaScript as \\u escapes
    assert f'"{BASE_PANE}"' in html and escaped in html and "dab-place" in html


def test_no_base_layers_no_pane(city_store):
    html = render_map(map_data.build_map_data(city_store.published(), load_catalog(), MapSpec())).get_root().render()
    assert BASE_PANE not in html


def test_layer_away_from_the_city_is_refused(tmp_path, city_store):
    import geopandas as gpd
    import shapely

    path = tmp_path / "osaka.geojson"
    gpd.GeoDataFrame({"name": ["淀川"]}, geometry=[shapely.LineString([(135.5, 34.7), (135.52, 34.71)])],
                     crs=4326).to_file(path)
    with pytest.raises(BaseLayerError) as caught:
        add_base_layer(path, "river", _city(city_store), store=city_store)
    assert caught.value.key == "outside_city"
