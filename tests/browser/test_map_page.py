"""The map page in Chromium with every non-localhost request aborted."""
from __future__ import annotations

import re

import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeout
from playwright.sync_api import expect

from tests.browser.conftest import open_tab, screenshot, wait_for_app

pytestmark = pytest.mark.browser

MAP_FRAME = "iframe[title='streamlit_folium.st_folium']"


def _areas_count() -> int:
    import geopandas as gpd  # noqa: PLC0415

    from lib.data.catalog import load_catalog  # noqa: PLC0415

    return len(gpd.read_file(load_catalog()["areas"].file))


def _open_map(page, app_server):
    page.goto(f"{app_server}/map")
    wait_for_app(page)
    page.locator(MAP_FRAME).first.scroll_into_view_if_needed()
    frame = page.frame_locator(MAP_FRAME).first
    frame.locator(".leaflet-container").wait_for()
    frame.locator("path.dab-unit").first.wait_for()
    return frame


def _show_map(page, name: str) -> None:
    page.locator(MAP_FRAME).first.scroll_into_view_if_needed()
    page.wait_for_timeout(300)
    screenshot(page, name)


def _choose(page, label: str, options: list[str]) -> None:
    """Pick `options` in the multiselect `label`; a pick lost while a loaded server redraws the box is made again."""
    box = page.get_by_test_id("stMultiSelect").filter(has_text=label)
    for option in options:
        tag = box.get_by_text(option, exact=True)
        for _attempt in range(3):
            if tag.is_visible():  # a late pick landed after all
                break
            box.locator("input").click()
            page.get_by_role("option", name=option, exact=True).click()
            try:
                expect(tag).to_be_visible(timeout=10_000)
                break
            except AssertionError:
                page.keyboard.press("Escape")
                wait_for_app(page)
    page.keyboard.press("Escape")
    wait_for_app(page)


def test_choropleth_markers_clusters_and_legend_offline(app_server, offline_page):
    page = offline_page
    frame = _open_map(page, app_server)
    assert frame.locator("path.dab-unit").count() == _areas_count()
    legend = frame.locator(".dab-legend")
    legend.wait_for()
    assert "高齢化率" in legend.inner_text()
    assert frame.locator(".leaflet-tile").count() == 0  # no background tiles by default

    _choose(page, "施設の種類", ["避難所"])
    frame = page.frame_locator(MAP_FRAME).first
    frame.locator(".dab-pin").first.wait_for(timeout=60_000)  # the map's frame reloads after the run
    assert frame.locator(".dab-pin").count() >= 20  # every shelter as a pin (no cluster yet)
    assert frame.locator(".marker-cluster").count() == 0
    _show_map(page, "map-choropleth-pins")

    _choose(page, "施設の種類", ["診療所", "保育所"])
    frame = page.frame_locator(MAP_FRAME).first
    frame.locator(".marker-cluster").first.wait_for()
    assert frame.locator(".marker-cluster").count() > 0
    assert "避難所" in frame.locator(".dab-legend").inner_text()
    _show_map(page, "map-clusters")
    assert page.external_requests == []


def test_flood_zones_are_hatched_over_the_choropleth(app_server, offline_page):
    """Issue 21: the flood zone was blue on a blue choropleth; now it is striped, as on the map pictures."""
    page = offline_page
    _open_map(page, app_server)
    open_tab(page, "浸水想定区域と重ねる")
    page.locator(".st-key-map_flood_on label").click()
    wait_for_app(page)
    frame = page.frame_locator(MAP_FRAME).first
    zone = frame.locator("path[class*='dab-flood-']").first
    zone.wait_for()
    assert zone.evaluate("z => getComputedStyle(z).fill").startswith("url(")
    assert frame.locator("pattern[id^='dab-flood-']").count() == 4
    _show_map(page, "map-flood-hatched")
    assert page.external_requests == []


def test_clicking_an_area_shows_its_figures(app_server, offline_page):
    page = offline_page
    frame = _open_map(page, app_server)
    container = frame.locator(".leaflet-container")
    size = container.bounding_box()
    # The middle of the map is the city centre: some 町丁目 is there.
    labels = page.get_by_test_id("stMetricLabel")
    population = labels.filter(has_text=re.compile(r"^人口（人）$")).first
    for attempt in range(3):  # st_folium hooks its click handler a moment after the map draws
        page.wait_for_timeout(1000)
        container.click(position={"x": size["width"] / 2, "y": size["height"] / 2})
        try:
            population.wait_for(timeout=10_000)
            break
        except PlaywrightTimeout:
            if attempt == 2:
                raise
    labels.filter(has_text=re.compile(r"^高齢化率（%）$")).first.wait_for()
    _show_map(page, "map-clicked-area")
    assert page.external_requests == []


def _mesh_cells(published) -> int:
    from lib.data.catalog import load_catalog  # noqa: PLC0415
    from lib.maps import data as map_data  # noqa: PLC0415
    from lib.maps.spec import MapSpec  # noqa: PLC0415

    return len(map_data.build_map_data(published, load_catalog(), MapSpec(base_unit="mesh500m")).units)


def test_catchment_and_mesh_offline(app_server, offline_page, published):
    page = offline_page
    _open_map(page, app_server)
    page.get_by_role("tab", name="圏域（○m 以内）").click()
    page.get_by_test_id("stCheckbox").filter(has_text="使う").first.click()
    wait_for_app(page)
    page.get_by_text("区域内の人口（人）").first.wait_for()
    frame = page.frame_locator(MAP_FRAME).first
    frame.locator(".dab-legend").get_by_text("圏域（半径 500m）").wait_for()
    _show_map(page, "map-catchment")

    page.get_by_test_id("stRadio").filter(has_text="単位").get_by_text("500m メッシュ").click()
    wait_for_app(page)
    frame = page.frame_locator(MAP_FRAME).first
    expect(frame.locator("path.dab-unit")).to_have_count(_mesh_cells(published), timeout=30_000)
    frame.locator(".dab-legend").get_by_text("秘匿（10人未満など）").wait_for()
    _show_map(page, "map-mesh")
    assert page.external_requests == []


def test_fifty_thousand_points_cluster_in_the_browser(offline_page):
    """The 50,000-point map of the benchmark, as the self-contained export, draws clusters."""
    import geopandas as gpd  # noqa: PLC0415
    import numpy as np  # noqa: PLC0415

    from lib.maps.export import map_html  # noqa: PLC0415
    from lib.maps.render import add_points, base_map  # noqa: PLC0415
    from lib.maps.spec import PointLayerSpec  # noqa: PLC0415

    rng = np.random.default_rng(1)
    xy = rng.uniform([139.30, 35.41], [139.40, 35.49], size=(50_000, 2))
    points = gpd.GeoDataFrame(geometry=gpd.points_from_xy(xy[:, 0], xy[:, 1]), crs=4326)
    fmap = base_map((139.30, 35.41, 139.40, 35.49))
    add_points(fmap, PointLayerSpec("x"), points, "x", {"x": "#0072b2"})
    page = offline_page
    page.set_content(map_html(fmap).decode("utf-8"))
    page.locator(".marker-cluster").first.wait_for()
    page.wait_for_timeout(1500)  # let the fit-bounds zoom animation finish (old clusters fade out)
    total = sum(int(t.replace(",", "")) for t in page.locator(".marker-cluster span").all_inner_texts())
    assert total == 50_000
    screenshot(page, "map-50000-points")
    assert page.external_requests == []
