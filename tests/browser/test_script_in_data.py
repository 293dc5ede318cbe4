"""A published dataset whose values and column names carry script: shown on every map surface, it runs none.

The catalog map, a saved map opened in the group's workspace, and the exported HTML report each
draw the dataset and have their tooltips opened by hovering; every payload would log to the
console and set a global if it ran. It must show as plain text instead, with nothing sent off
the machine.
"""
from __future__ import annotations

import functools
import os
import threading
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer

import geopandas as gpd
import pytest
import shapely

from lib import settings
from lib.data import anonymize as an
from lib.data import publishing
from lib.data.catalog import load_catalog
from lib.data.store import Store
from lib.deck import model as deck_model
from lib.deck.to_html import deck_html
from lib.maps.spec import MapSpec, PointLayerSpec
from lib.workspace import course, example_group
from lib.workspace.items import forget_workspace, open_workspace_in
from tests.browser.conftest import _serve, screenshot, wait_for_app
from tests.browser.test_sessions_flow import choose, go, join

pytestmark = pytest.mark.browser

RUN = "console.log('XSS-RAN');window.__xss=1"
VALUE = f"<img src=x onerror=\"{RUN}\">`${{{RUN}}}`"
COLUMN = f"<img src=y onerror=\"{RUN}\">分類"
DATASET = "script_probe"
MAP_TITLE = "検査の地図"


def _hostile_places() -> gpd.GeoDataFrame:
    points = [shapely.Point(139.33 + 0.004 * (i % 6), 35.43 + 0.004 * (i // 6)) for i in range(30)]
    return gpd.GeoDataFrame({"name": [VALUE] * 30, COLUMN: [VALUE + "種類"] * 30}, geometry=points, crs=4326)


@pytest.fixture(scope="module")
def prepared(tmp_path_factory):
    """A data folder with the dataset published, a member, and a saved map of it; the group's HTML report."""
    data_dir = tmp_path_factory.mktemp("script-data")
    previous = os.environ.get("WORKBENCH_DATA_DIR")
    os.environ["WORKBENCH_DATA_DIR"] = str(data_dir)
    store = Store(data_dir)
    try:
        frame = _hostile_places()
        plan = an.Plan({"name": "other", COLUMN: "quasi"}, k=settings.MIN_CELL)
        publishing.publish(frame, publishing.build_dictionary(frame, DATASET, {"ja": "検査用の場所", "en": "Probe"}),
                           plan, published_by="講師", store=store)
        ws = open_workspace_in(data_dir)
        example_group.seed_if_empty(ws, store.published())
        group = next(g for g in ws.groups(course.current_course(ws).course_id) if g.name == "A班")
        spec = MapSpec(title=MAP_TITLE, points=[PointLayerSpec(DATASET, category_column=COLUMN)], labels=True)
        ws.create_item(group.group_id, "map", {"title": MAP_TITLE, "note": "", "spec": spec.to_dict()}, "検査")
        cursor = store.published()  # the pre-filled deck shows every saved map
        report = deck_html(deck_model.prepare_deck(ws, cursor, load_catalog(), group, "ja"))
        cursor.close()
    finally:
        forget_workspace(data_dir)
        store.close()
        if previous is None:
            os.environ.pop("WORKBENCH_DATA_DIR")
        else:
            os.environ["WORKBENCH_DATA_DIR"] = previous
    folder = tmp_path_factory.mktemp("script-report")
    (folder / "report.html").write_bytes(report)
    return data_dir, (group.name, group.join_code), folder


@pytest.fixture(scope="module")
def probe_server(prepared, tmp_path_factory):
    data_dir, _group, _folder = prepared
    yield from _serve(tmp_path_factory, {"WORKBENCH_DATA_DIR": str(data_dir)})


@pytest.fixture(scope="module")
def report_url(prepared):
    handler = functools.partial(SimpleHTTPRequestHandler, directory=str(prepared[2]))
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}/report.html"
    server.shutdown()


@pytest.fixture()
def watched(offline_page):
    page = offline_page
    page.console_texts = []
    page.on("console", lambda message: page.console_texts.append(message.text))
    return page


def _hover_each(frame, selector: str, count: int = 3) -> str:
    """Hover the first features; the tooltip texts they opened."""
    features = frame.locator(selector)
    features.first.wait_for()
    texts = []
    for index in range(min(count, features.count())):
        features.nth(index).hover(force=True)
        tooltip = frame.locator(".leaflet-tooltip").last
        tooltip.wait_for()
        texts.append(tooltip.inner_text())
    return "\n".join(texts)


def _nothing_ran(page, frame_selector: str) -> None:
    assert not [text for text in page.console_texts if "XSS-RAN" in text]
    for frame in page.frames:
        assert frame.evaluate("() => window.__xss === undefined"), frame.url
    assert page.locator(frame_selector).count() >= 1
    assert page.external_requests == []


def test_catalog_map_shows_script_as_text(probe_server, watched):
    page = watched
    page.goto(f"{probe_server}/catalog")
    wait_for_app(page)
    choose(page, "catalog_dataset", f"検査用の場所（{DATASET}）")
    page.get_by_role("tab").filter(has_text="地図").click()
    frame_selector = "iframe[title='streamlit_folium.st_folium']"
    page.locator(frame_selector).first.scroll_into_view_if_needed()
    tips = _hover_each(page.frame_locator(frame_selector).first, "path.leaflet-interactive")
    assert "<img src=x" in tips and "<img src=y" in tips  # shown, as text
    screenshot(page, "script-catalog-map")
    _nothing_ran(page, frame_selector)


def test_saved_map_in_the_workspace_shows_script_as_text(probe_server, prepared, watched):
    page = watched
    group_name, code = prepared[1]
    page.goto(probe_server)  # joining is the way in: no member id travels in the URL
    wait_for_app(page)
    join(page, group_name, code, "検査 太郎")
    go(page, "グループの作業場所")
    page.get_by_text(MAP_TITLE).first.click()
    page.locator("[data-testid='stExpanderDetails']").filter(visible=True).get_by_text("表示").first.click()
    wait_for_app(page)
    frame_selector = "iframe[title='streamlit_folium.st_folium']"
    page.locator(frame_selector).first.scroll_into_view_if_needed()
    frame = page.frame_locator(frame_selector).first
    tips = _hover_each(frame, ".dab-pin")
    assert "<img src=x" in tips
    assert "<img src=x" in frame.locator(".dab-legend").inner_text()
    screenshot(page, "script-workspace-map")
    _nothing_ran(page, frame_selector)


def test_html_report_map_shows_script_as_text(report_url, watched):
    page = watched
    page.goto(report_url)
    frame_selector = f"iframe.map[title='{MAP_TITLE}']"
    page.locator(frame_selector).first.scroll_into_view_if_needed()
    tips = _hover_each(page.frame_locator(frame_selector).first, ".dab-pin")
    assert "<img src=x" in tips
    screenshot(page, "script-html-report")
    _nothing_ran(page, frame_selector)
