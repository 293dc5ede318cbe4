"""Acceptance: on a fresh data folder, README's setup-city command turns the workbench to a real city
from a prefecture-wide e-Stat zip with one invalid polygon; the map page draws that city's 町丁・字 and
names the city (a river imported as its base layer), with every non-localhost request aborted and none attempted."""
from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from tests.browser.conftest import ROOT, _serve, screenshot, wait_for_app
from tests.fixtures.estat import write_estat_zip, write_river_geojson

pytestmark = pytest.mark.browser

MAP_FRAME = "iframe[title='streamlit_folium.st_folium']"


@pytest.fixture(scope="module")
def city_server(tmp_path_factory):
    data = tmp_path_factory.mktemp("city-data")
    boundaries = write_estat_zip(tmp_path_factory.mktemp("estat") / "r2ka31.zip")
    done = subprocess.run([sys.executable, "-m", "lib.cli", "setup-city", "--boundaries", str(boundaries),
                           "--city", "31201"], cwd=ROOT, env={**os.environ, "WORKBENCH_DATA_DIR": str(data)},
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    assert "修復しました" in done.stdout and "31201001002" in done.stdout
    assert json.loads((data / "city.json").read_text(encoding="utf-8"))["city_code"] == "31201"
    river = write_river_geojson(tmp_path_factory.mktemp("ksj") / "W05.geojson")
    done = subprocess.run([sys.executable, "-m", "lib.cli", "base-layer", str(river), "--kind", "river"], cwd=ROOT,
                          env={**os.environ, "WORKBENCH_DATA_DIR": str(data)}, capture_output=True, text=True,
                          timeout=300)
    assert done.returncode == 0, done.stderr
    yield from _serve(tmp_path_factory, {"WORKBENCH_DATA_DIR": str(data)})


def test_map_page_draws_the_citys_areas_and_names_it_offline(city_server, offline_page):
    page = offline_page
    page.goto(f"{city_server}/map")
    page.get_by_text("対象の市区町村：鳥取市").wait_for(timeout=120_000)  # the first run builds the database
    wait_for_app(page)
    page.locator(MAP_FRAME).first.scroll_into_view_if_needed()
    frame = page.frame_locator(MAP_FRAME).first
    frame.locator("path.dab-unit").first.wait_for()
    assert frame.locator("path.dab-unit").count() == 5  # 鳥取市's 町丁・字: water dropped, 飛び地 joined
    assert frame.locator(".leaflet-dab-base-pane path").count() == 1  # the river, drawn from the app itself
    page.get_by_test_id("stCheckbox").filter(has_text="町丁目名を表示").click()
    wait_for_app(page)
    frame = page.frame_locator(MAP_FRAME).first
    for name in ("東町１丁目", "東町２丁目", "大字湖山", "字雲山", "吉方町３丁目"):
        frame.get_by_text(name, exact=True).first.wait_for()
    assert frame.get_by_text("湖山池").count() == 0  # the 水面調査区 is not an area
    screenshot(page, "city_setup_map")
    assert page.external_requests == []


@pytest.fixture(scope="module")
def page_server(tmp_path_factory):
    """A server of its own on a fresh data folder: the city is set on the instructor page, not by the CLI."""
    yield from _serve(tmp_path_factory, {"WORKBENCH_DATA_DIR": str(tmp_path_factory.mktemp("page-city-data"))})


def test_instructor_sets_the_city_with_a_facility_list_named_by_its_column_mapping(page_server, offline_page,
                                                                                   tmp_path):
    from tests.browser.test_data_prep_browser import _css_key, enter_as_instructor, fill
    from tests.fixtures.estat import estat_frame

    page = offline_page
    page.set_default_timeout(120_000)
    enter_as_instructor(page, page_server, "instructor_data")
    page.get_by_role("tab", name="自分の市区町村").click()
    wait_for_app(page)
    boundaries = write_estat_zip(tmp_path / "r2ka31.zip")
    point = estat_frame().geometry.iloc[0].representative_point()
    listed = tmp_path / "要配慮者利用施設一覧.csv"
    listed.write_text(f"要配慮者利用施設名称,北緯,東経\n東町ケアホーム,{point.y},{point.x}\n", encoding="utf-8")
    page.locator(f"{_css_key('city_file')} input[type='file']").set_input_files(str(boundaries))
    wait_for_app(page)
    page.locator(f"{_css_key('city_facilities')} input[type='file']").set_input_files(str(listed))
    wait_for_app(page)
    page.get_by_text("施設の一覧の列の対応").click()
    for key, column in (("city_column_name", "要配慮者利用施設名称"), ("city_column_lat", "北緯"),
                        ("city_column_lon", "東経"), ("city_code", "31201")):
        fill(page, key, column)
    page.locator(f"{_css_key('city_run')} button").click()
    page.get_by_text("「要配慮者利用施設一覧.csv」（要配慮者利用施設一覧）：1 件").wait_for()
    assert "Traceback" not in page.locator("body").inner_text() and "nan" not in page.locator("body").inner_text()
    screenshot(page, "city_setup_page_column_mapping")
    # The map's background from the same page, as `base-layer` does: a far river is refused, a near one added.
    far = tmp_path / "far.geojson"  # a river of another prefecture
    far.write_text(json.dumps({"type": "FeatureCollection", "features": [{
        "type": "Feature", "properties": {"W05_004": "遠い川"},
        "geometry": {"type": "LineString", "coordinates": [[139.7, 35.6], [139.8, 35.7]]}}]}), encoding="utf-8")
    for upload, said in (
        (far, "ファイル「far.geojson」には対象の市区町村の周りの地物がありません"),
        (write_river_geojson(tmp_path / "W05.geojson"), "地図の背景「川」を取り込みました：市の周辺の 1 件"),
    ):
        page.locator(f"{_css_key('base_layer_file')} input[type='file']").set_input_files(str(upload))
        wait_for_app(page)
        page.locator(f"{_css_key('base_layer_run')} button").click()
        page.get_by_text(said).wait_for()
    page.get_by_text("取り込み済み：背景：川").wait_for()
    screenshot(page, "city_setup_page_base_layer")
    assert page.external_requests == []
