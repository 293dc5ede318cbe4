"""The catalog's map opens fitted to the city, also the first time its (hidden) tab is shown."""
from __future__ import annotations

import re

import pytest

from tests.browser.conftest import screenshot, wait_for_app
from tests.browser.test_sessions_flow import choose

pytestmark = pytest.mark.browser


def _scale_metres(frame) -> float:
    """The metric scale bar's length in metres."""
    text = frame.locator(".leaflet-control-scale-line").first.inner_text()
    number, unit = re.match(r"\s*([\d.]+)\s*(km|m)", text).groups()
    return float(number) * (1000 if unit == "km" else 1)


def test_the_first_map_tab_of_a_session_is_fitted_to_the_city(app_server, offline_page):
    page = offline_page
    page.goto(f"{app_server}/catalog")
    wait_for_app(page)
    # Another dataset: its map is made while the tab is hidden (0 px wide), then shown.
    choose(page, "catalog_dataset", "通いの場")
    page.get_by_role("tab", name="地図").click()
    frame = page.frame_locator("iframe[title='streamlit_folium.st_folium']").first
    frame.locator(".leaflet-overlay-pane path").first.wait_for()
    page.wait_for_timeout(1500)  # a late fit would move the map within this
    screenshot(page, "catalog-map-first-tab")
    # The demo city is about 10 km across: a scale bar of a few km at most, never the world's 10000 km.
    assert _scale_metres(frame) <= 5000
    assert page.external_requests == []
