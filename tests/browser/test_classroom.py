"""The classroom benchmark's websocket client sees what Chromium shows; a crowd of first loads all work."""
from __future__ import annotations

import pytest
from playwright.sync_api import expect

from bench.classroom import PAGE_MIX, Trainee, first_loads
from tests.browser.conftest import _serve, wait_for_app
from tests.fixtures.event_loop import run_in_own_thread

pytestmark = pytest.mark.browser

# Streamlit element types as the websocket client names them, and their test ids in the page.
ELEMENTS_IN_PAGE = {
    "plotly_chart": "stPlotlyChart",
    "dataframe": "stDataFrame",
    "metric": "stMetric",
    "heading": "stHeading",
}


async def _client_runs(url: str) -> dict:
    """Each page of the mix through one websocket session, the way the benchmark clicks."""
    async with Trainee(url) as trainee:
        runs = {"": await trainee.open_page("")}
        for page in PAGE_MIX[1:]:
            runs[page] = await trainee.open_page(page)
    return runs


def test_the_benchmark_client_runs_each_page_with_the_elements_chromium_shows(app_server, offline_page):
    runs = run_in_own_thread(_client_runs(app_server))
    page = offline_page
    for path, run in runs.items():
        assert run.errors == [], (path, run.errors)
        page.goto(f"{app_server}/{path}")
        wait_for_app(page)
        counts = run.element_counts()
        for kind, test_id in ELEMENTS_IN_PAGE.items():
            # Some elements' code loads after the run has finished (Plotly's, lazily): expect() waits for them,
            # long enough for a machine loaded by the parallel suite.
            expect(page.locator(f"[data-testid='stMain'] [data-testid='{test_id}']")).to_have_count(
                counts[kind], timeout=30_000)
    assert page.external_requests == []


@pytest.fixture(scope="module")
def first_start_server(tmp_path_factory):
    """A server just started on an empty data folder: the crowd arrives while it builds the database."""
    yield from _serve(tmp_path_factory)


def test_thirty_first_loads_at_a_fresh_start_all_get_their_page(first_start_server):
    """A room opening the app together (arrivals spread over 2 s): every first load must succeed.
    How long they take is bench/classroom.py's figure (--first-loads 30), never a test's."""
    runs = run_in_own_thread(first_loads(first_start_server, 30, 2.0, PAGE_MIX))
    assert len(runs) == 30
    assert [run.errors for run in runs if run.errors] == []
    # Each reached its page through app.py, which draws the sidebar (delta paths under root 1).
    assert [run.page for run in runs if not any(path[0] == 1 for path in run.elements)] == []


def test_map_downloads_are_built_when_clicked(app_server, offline_page):
    page = offline_page
    page.goto(f"{app_server}/map")
    wait_for_app(page)
    for label, check in (("地図（HTML）", lambda body: b"leaflet" in body.lower() and b"<html" in body.lower()),
                         ("CSV（UTF-8）", lambda body: body.startswith(b"\xef\xbb\xbf"))):
        with page.expect_download() as download:
            page.get_by_role("button", name=label).click()
        with open(download.value.path(), "rb") as file:
            assert check(file.read()), label
    assert page.external_requests == []
