"""The folium map: one feature per unit, offline assets only, a legend, small payloads."""
from __future__ import annotations

import json
import re
from dataclasses import replace

import geopandas as gpd
import numpy as np
import pytest
from shapely.geometry import Point

from lib.data.catalog import load_catalog
from lib.maps import data as map_data
from lib.maps.measures import preset_measures
from lib.maps.preview import preview_map
from lib.maps.render import (
    CLUSTER_AUTO_OVER,
    FAST_CLUSTER_OVER,
    add_points,
    base_map,
    legend_html,
    payload_bytes,
    render_compare_map,
    render_map,
)
from lib.maps.spec import CatchmentSpec, CompareSpec, MapSpec, PointLayerSpec


@pytest.fixture()
def presets(published):
    return preset_measures(published, load_catalog())


def _html(fmap) -> str:
    return fmap.get_root().render()


def _shows(html: str, text: str) -> bool:
    """Text in the page, as is or as the \\u escapes that JSON in a script uses."""
    return text in html or json.dumps(text)[1:-1] in html


def _choropleth_features(html: str) -> list[dict]:
    """The GeoJSON FeatureCollections embedded in the page, the one with unit_id properties."""
    for match in re.finditer(r'\{"features":\[.*?\],"type":"FeatureCollection"\}', html):
        collection = json.loads(match.group(0))
        if collection["features"] and "unit_id" in collection["features"][0]["properties"]:
            return collection["features"]
    raise AssertionError("no choropleth layer in the map")


def test_city_choropleth_has_one_feature_per_area_and_a_japanese_legend(published, presets):
    spec = MapSpec(measure=presets["indicator.ageing_rate"], labels=True,
                   points=[PointLayerSpec("facilities", "category", ["避難所", "病院"])])
    data = map_data.build_map_data(published, load_catalog(), spec)
    html = _html(render_map(data))
    features = _choropleth_features(html)
    assert len(features) == len(data.units)
    assert {f["properties"]["unit_id"] for f in features} == set(data.units["unit_id"])
    # only what the browser shows or returns on a click: colours go as styles, not per feature
    assert all(set(f["properties"]) == {"unit_id", "name", "value"} for f in features)
    assert _shows(html, "高齢化率") and "dab-legend" in html
    for label in data.classification.labels:
        assert _shows(html, label)


def test_no_network_address_and_no_default_marker_images(published, presets):
    spec = MapSpec(measure=presets["indicator.care_rate"], flood_overlay=True,
                   points=[PointLayerSpec("facilities", cluster="on"), PointLayerSpec("kayoi_places", heat=True)],
                   catchment=CatchmentSpec(PointLayerSpec("kayoi_places"), 500),
                   compare=CompareSpec(presets["indicator.ageing_rate"]))
    html = _html(render_map(map_data.build_map_data(published, load_catalog(), spec)))
    assert not re.search(r'(src|href)="https?://', html)
    assert "/app/static/vendor/markercluster/markercluster.js" in html
    assert "/app/static/vendor/heat/leaflet-heat.min.js" in html
    assert "marker-icon.png" not in html and "L.AwesomeMarkers" not in html
    assert "L.divIcon" in html
    # Flood zones are hatched (one pattern per depth), never a plain blue fill over a blue ramp.
    assert html.count('<pattern id="dab-flood-') == 4 and re.search(r'"className": "dab-flood-[1-4]"', html)


def test_the_credits_are_japanese_without_leaflets_link_and_flag_and_a_slide_gets_a_small_legend(published, presets):
    data = map_data.build_map_data(published, load_catalog(), MapSpec(measure=presets["indicator.ageing_rate"]))
    html = _html(render_map(data))
    assert "attributionControl.setPrefix(" in html and _shows(html, "地図表示：Leaflet")
    assert '"dab-legend dab-compact"' not in html
    assert '"dab-legend dab-compact"' in _html(render_map(data, compact_legend=True))


def test_coordinates_are_rounded_to_five_decimals(published):
    data = map_data.build_map_data(published, load_catalog(), MapSpec())
    for feature in _choropleth_features(_html(render_map(data)))[:5]:
        coords = np.array(feature["geometry"]["coordinates"][0] if feature["geometry"]["type"] == "Polygon"
                          else feature["geometry"]["coordinates"][0][0])
        assert np.allclose(coords, np.round(coords, 5))


def test_suppressed_units_are_grey_and_carry_no_value(published, presets):
    spec = MapSpec(base_unit="mesh500m", measure=presets["indicator.ageing_rate"])
    data = map_data.build_map_data(published, load_catalog(), spec)
    features = _choropleth_features(_html(render_map(data)))
    hidden = set(data.units.loc[data.units["suppressed"], "unit_id"])
    assert len(hidden) == data.suppressed_count > 0
    assert {f["properties"]["unit_id"] for f in features if "秘匿" in f["properties"]["value"]} == hidden
    assert "秘匿（10人未満など）" in legend_html(data, "ja")


def _synthetic_points(n: int) -> gpd.GeoDataFrame:
    rng = np.random.default_rng(7)
    xy = rng.uniform([139.30, 35.41], [139.40, 35.49], size=(n, 2))
    return gpd.GeoDataFrame({"name": [f"p{i}" for i in range(n)]},
                            geometry=[Point(x, y) for x, y in xy], crs=4326)


@pytest.mark.parametrize("n, expected", [
    (CLUSTER_AUTO_OVER - 10, "L.featureGroup"),
    (CLUSTER_AUTO_OVER + 10, "L.markerClusterGroup"),
    (FAST_CLUSTER_OVER + 10, "L.markerClusterGroup"),
])
def test_many_points_are_clustered(n, expected):
    fmap = base_map((139.30, 35.41, 139.40, 35.49), tiles_url="")
    add_points(fmap, PointLayerSpec("x"), _synthetic_points(n), "x", {"x": "#0072b2"})
    html = _html(fmap)
    assert expected in html
    assert '"maxZoom": 18' in html  # MarkerCluster throws without it when there are no tiles
    if n > FAST_CLUSTER_OVER:
        assert html.count("L.marker(") < 5  # sent as an array, markers made in the browser


def test_fifty_thousand_points_stay_under_three_megabytes():
    fmap = base_map((139.30, 35.41, 139.40, 35.49), tiles_url="")
    add_points(fmap, PointLayerSpec("x"), _synthetic_points(50_000), "x", {"x": "#0072b2"})
    assert payload_bytes(fmap) < 3_000_000


def test_side_by_side_map_draws_the_second_measure(published, presets):
    spec = MapSpec(measure=presets["indicator.ageing_rate"],
                   compare=CompareSpec(presets["indicator.care_rate"], "side_by_side"))
    data = map_data.build_map_data(published, load_catalog(), spec)
    html = _html(render_compare_map(data))
    assert _shows(html, "要介護認定率")
    assert len(_choropleth_features(html)) == len(data.units)


def test_tiles_only_when_asked_and_configured(published, monkeypatch):
    data = map_data.build_map_data(published, load_catalog(), MapSpec(background_tiles=False))
    assert "L.tileLayer" not in _html(render_map(data, tiles_url=None))
    data.spec.background_tiles = True
    html = _html(render_map(data, tiles_url="https://tiles.example/{z}/{x}/{y}.png"))
    assert "L.tileLayer" in html


HOSTILE = "<img src=x onerror=alert(1)>`${alert(2)}`\\"


def _runs_nothing(html: str) -> None:
    """The hostile text is in the page only as inert text: no tag, no template-literal expression."""
    for form in ("<img src=x", "\\u003cimg src=x", "${alert(2)}"):
        assert form not in html, form
    assert "&lt;img src=x onerror=alert(1)&gt;&#96;&#36;{alert(2)}&#96;&#92;" in html.replace("\\u0026", "&")


def test_hostile_names_and_labels_are_inert_in_every_map_part(published, presets):
    spec = MapSpec(measure=presets["indicator.ageing_rate"], labels=True,
                   points=[PointLayerSpec("facilities", "category")],
                   catchment=CatchmentSpec(PointLayerSpec("facilities"), 500),
                   compare=CompareSpec(presets["indicator.care_rate"], mode="symbols"))
    data = map_data.build_map_data(published, load_catalog(), spec)
    data.units["unit_name"] = HOSTILE
    data.value_label = HOSTILE
    data.compare_unit = HOSTILE
    data.catchment.circles["name"] = HOSTILE
    for _layer, points, _label in data.points:
        points["name"] = HOSTILE
        points["category"] = HOSTILE
    _runs_nothing(_html(render_map(data)))
    _runs_nothing(_html(render_compare_map(data)))


def test_hostile_values_and_column_labels_are_inert_in_the_catalog_map():
    ds = load_catalog()["facilities"]
    hostile_columns = tuple(replace(c, label={"ja": HOSTILE, "en": HOSTILE}) for c in ds.columns)
    hostile = replace(ds, columns=hostile_columns)
    points = _synthetic_points(3)
    for column in hostile.data_columns:
        points[column.name] = HOSTILE
    html = _html(preview_map(hostile, points))
    _runs_nothing(html)


def test_points_whose_category_column_has_any_name():
    points = _synthetic_points(5)
    points[HOSTILE] = HOSTILE
    fmap = base_map((139.30, 35.41, 139.40, 35.49), tiles_url="")
    add_points(fmap, PointLayerSpec("x", category_column=HOSTILE), points, "x", {HOSTILE: "#0072b2"})
    html = _html(fmap)
    assert html.count("dab-pin-icon") >= 5
    _runs_nothing(html)
