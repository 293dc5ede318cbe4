"""Every page in Chromium with the network cut off: it renders, and nothing leaves the machine."""
from __future__ import annotations

import pytest

from tests.browser.conftest import screenshot, wait_for_app

pytestmark = pytest.mark.browser


def test_home_page_renders_in_japanese_offline(app_server, offline_page):
    page = offline_page
    page.goto(f"{app_server}/")
    wait_for_app(page)
    page.get_by_text("4 回の研修の流れ").wait_for()
    page.get_by_text("第3回 分析して評価する").wait_for()
    screenshot(page, "home")
    assert page.external_requests == []


def test_catalog_map_draws_every_area_polygon_offline(app_server, offline_page):
    page = offline_page
    page.goto(f"{app_server}/catalog")
    wait_for_app(page)
    page.get_by_role("heading", name="町丁目").first.wait_for()
    page.get_by_role("tab", name="地図").click()
    frame = page.frame_locator("iframe[title='streamlit_folium.st_folium']")
    frame.locator(".leaflet-container").wait_for()
    paths = frame.locator(".leaflet-overlay-pane path")
    paths.first.wait_for()
    import geopandas as gpd  # noqa: PLC0415

    from lib.data.catalog import load_catalog  # noqa: PLC0415

    areas = gpd.read_file(load_catalog()["areas"].file)
    assert paths.count() == len(areas)
    screenshot(page, "catalog-map")
    assert page.external_requests == []
