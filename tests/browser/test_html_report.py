"""The exported HTML report opened in Chromium with the network cut off; and the presentation page."""
from __future__ import annotations

import functools
import threading
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer

import pytest

from lib.deck.to_html import deck_html
from lib.workspace import example_group
from tests.browser.conftest import open_tab, screenshot, wait_for_app
from tests.fixtures.deck import demo_workspace, prepared_example

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def report_url(store, tmp_path_factory):
    """The example group's report, served from a localhost http.server (file:// has no host to allow)."""
    folder = tmp_path_factory.mktemp("report")
    (folder / "report.html").write_bytes(deck_html(prepared_example(store, demo_workspace(store))))
    handler = functools.partial(SimpleHTTPRequestHandler, directory=str(folder))
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/report.html"
    server.shutdown()


def test_report_draws_charts_and_maps_offline(offline_page, report_url):
    page = offline_page
    page.goto(report_url)
    charts = page.locator(".js-plotly-plot")
    charts.first.wait_for()
    assert charts.count() == len(example_group.example_charts())
    page.wait_for_function("() => [...document.querySelectorAll('.js-plotly-plot')]"
                           ".every(p => p.querySelector('svg.main-svg .trace'))")
    maps = page.locator("iframe.map")
    assert maps.count() == len(example_group.example_maps())
    frame = page.frame_locator("iframe.map").first
    frame.locator(".leaflet-container").wait_for()
    # Drawing the 町丁目 of every map can take a loaded machine (the parallel suite) over 30 s.
    frame.locator("path.leaflet-interactive").first.wait_for(timeout=90_000)
    assert frame.locator("path.leaflet-interactive").count() > 20  # the 町丁目 polygons
    page.locator("iframe.map").scroll_into_view_if_needed()
    page.wait_for_timeout(800)
    assert page.external_requests == []
    screenshot(page, "html_report")


def test_presentation_page_and_presentation_mode(offline_page, app_server):
    page = offline_page
    page.goto(f"{app_server}/presentation")
    wait_for_app(page)
    page.get_by_text("見本グループ（完成例）").first.wait_for()
    open_tab(page, "プレビュー")
    page.get_by_text("目標：高齢になっても").filter(visible=True).first.wait_for()
    screenshot(page, "presentation_page")
    open_tab(page, "編集")
    page.get_by_text("【分析結果】 地区別 公共交通の満足度").filter(visible=True).click()
    opened = page.locator("[data-testid='stExpander']", has_text="【分析結果】 地区別 公共交通の満足度")
    opened.get_by_label("発表メモ（話すこと）").wait_for()
    screenshot(page, "presentation_edit")
    open_tab(page, "ダウンロード")
    page.get_by_role("button", name="書き出す（PPTX）").click()
    with page.expect_download(timeout=60_000) as download:
        page.get_by_role("button", name="PowerPoint（.pptx）").click()
    assert download.value.suggested_filename.endswith(".pptx")
    from pptx import Presentation

    assert len(Presentation(download.value.path()).slides) == 11
    page.get_by_role("button", name="発表モード").click()
    page.get_by_text("スライド 1 / 11").wait_for()
    for number in range(2, 6):
        page.get_by_role("button", name="次へ").click()
        page.get_by_text(f"スライド {number} / 11").wait_for()
        wait_for_app(page)
    page.locator(".js-plotly-plot .main-svg").first.wait_for()
    assert not page.locator("[data-testid='stSidebar']").is_visible()
    page.wait_for_timeout(800)
    screenshot(page, "presentation_mode")
    assert page.external_requests == []
