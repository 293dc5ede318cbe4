"""A whole real-size city's map in a browser: seconds until all 666 町丁・字 are drawn, cold and warm.

Sets up the generated 666-area city (tests/fixtures/estat.whole_city_frame) through setup-city in a data
folder of its own, starts `streamlit run app.py` on it (from --app, default this checkout) and opens the
map page in headless Chromium. The time runs from the navigation (or the click) to the moment the map frame
holds every area's path:

- cold: the first visit of a fresh server (the map's figures computed);
- warm, new browser: a browser with nothing cached opens the map page on the same server (cached figures),
  loading all of Streamlit's own frontend;
- warm, returning browser: a browser that opened the workbench before (its HTTP cache holds Streamlit's
  scripts, as a trainee's browser does from the second page on);
- in the app: a member with the app open clicks 地図 in the menu.

Offline: Chromium sends every request not to this machine to a proxy on a closed local port, so it fails
there; the bench counts them (0 expected). Playwright's request interception (--intercept, the browser
tests' way) holds every request for a round trip through this Python process: about 0.15 s more per load.

    python bench/city_map_browser.py [--app DIR] [--runs 5] [--intercept]
"""
from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.harness import cpu_reference_seconds  # noqa: E402

FRAME = "iframe[title='streamlit_folium.st_folium']"
ALL_DRAWN = """([sel, n]) => { const f = document.querySelector(sel); const d = f && f.contentDocument;
                               return d && d.querySelectorAll('path.dab-unit').length >= n; }"""
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
# Every request not to this machine goes to a closed local port and fails (loopback bypasses the proxy).
NOTHING_LEAVES = ["--proxy-server=http://127.0.0.1:9"]
LOCAL = ("http://127.0.0.1", "data:", "blob:")


def _setup(data: Path) -> None:
    from tests.fixtures.estat import write_whole_city_zip

    zipped = write_whole_city_zip(data.parent / "r2ka31.zip")
    subprocess.run([sys.executable, "-m", "lib.cli", "setup-city", "--boundaries", str(zipped), "--city", "31205"],
                   cwd=ROOT, env={**os.environ, "WORKBENCH_DATA_DIR": str(data)}, check=True, capture_output=True)


def _serve(app: Path, data: Path, port: int) -> subprocess.Popen:
    server = subprocess.Popen([sys.executable, "-m", "streamlit", "run", "app.py", "--server.port", str(port),
                               "--server.address", "127.0.0.1", "--server.headless", "true"],
                              cwd=app, env={**os.environ, "WORKBENCH_DATA_DIR": str(data)},
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    for _ in range(180):
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/_stcore/health", timeout=2)
            return server
        except OSError:
            time.sleep(0.5)
    server.kill()
    raise RuntimeError("the server did not start")


class Browser:
    """Headless Chromium whose requests never leave this machine; it counts those that tried to."""

    def __init__(self, playwright, intercept: bool):
        self.intercept = intercept
        self.external: list[str] = []
        self.chromium = playwright.chromium.launch(executable_path="/usr/bin/chromium",
                                                   args=CHROMIUM_ARGS + ([] if intercept else NOTHING_LEAVES))

    def new_context(self):
        context = self.chromium.new_context(viewport={"width": 1400, "height": 1000}, locale="ja-JP")
        if self.intercept:
            context.route("**/*", lambda route: route.continue_() if route.request.url.startswith(LOCAL)
                          else route.abort())
        context.on("request", lambda request: None if request.url.startswith(LOCAL)
                   else self.external.append(request.url))
        return context


def _settle_seconds(context, url: str, areas: int) -> tuple[float, int]:
    """Seconds from navigation in a new tab until the map shows `areas` paths, and the bytes the websocket
    received."""
    page = context.new_page()
    received = []
    page.on("websocket", lambda ws: ws.on("framereceived", lambda payload: received.append(len(payload))))
    started = time.perf_counter()
    page.goto(url)
    page.wait_for_function(ALL_DRAWN, arg=[FRAME, areas], timeout=180_000, polling=50)
    seconds = time.perf_counter() - started
    page.close()
    return seconds, sum(received)


def _new_browser_seconds(browser: Browser, url: str, areas: int) -> tuple[float, int]:
    context = browser.new_context()
    try:
        return _settle_seconds(context, url, areas)
    finally:
        context.close()


def _returning_browser_seconds(browser: Browser, url: str, areas: int, runs: int) -> list[float]:
    """A browser that opened the map page before opens it again in a new tab (as F5 does), `runs` times."""
    context = browser.new_context()
    _settle_seconds(context, url, areas)
    seconds = [_settle_seconds(context, url, areas)[0] for _ in range(runs)]
    context.close()
    return seconds


def _in_app_seconds(browser: Browser, base: str, areas: int, runs: int) -> list[float]:
    """Seconds from a click on 地図 in the menu of an open app (on the home page) until every area is drawn."""
    context = browser.new_context()
    page = context.new_page()
    page.goto(base)
    menu = page.locator("[data-testid='stSidebarNav'] a")
    seconds = []
    for _ in range(runs):
        menu.filter(has_text="ホーム").click()
        page.get_by_text("4 回の研修の流れ").wait_for(timeout=60_000)
        page.wait_for_timeout(500)  # the home page's run is over
        started = time.perf_counter()
        menu.filter(has_text="地図").click()
        page.wait_for_function(ALL_DRAWN, arg=[FRAME, areas], timeout=180_000, polling=50)
        seconds.append(time.perf_counter() - started)
    context.close()
    return seconds


def _figures(seconds: list[float]) -> str:
    return f"median {statistics.median(seconds):.2f} s (all {[round(s, 2) for s in seconds]})"


def main(argv: list[str] | None = None) -> int:
    from playwright.sync_api import sync_playwright

    from tests.fixtures.estat import WHOLE_CITY_AREAS

    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--app", type=Path, default=ROOT, help="the checkout whose app.py is served")
    parser.add_argument("--runs", type=int, default=5, help="timed visits of each warm kind")
    parser.add_argument("--port", type=int, default=8791)
    parser.add_argument("--intercept", action="store_true",
                        help="keep the browser offline by Playwright's request interception instead of a proxy")
    args = parser.parse_args(argv)
    data = Path(tempfile.mkdtemp(prefix="bench-city-browser-")) / "data"
    _setup(data)
    load_before, cpu_before = os.getloadavg(), cpu_reference_seconds()
    server = _serve(args.app, data, args.port)
    try:
        with sync_playwright() as playwright:
            browser = Browser(playwright, args.intercept)
            url = f"http://127.0.0.1:{args.port}/map"
            cold, cold_bytes = _new_browser_seconds(browser, url, WHOLE_CITY_AREAS)
            warm = [_new_browser_seconds(browser, url, WHOLE_CITY_AREAS) for _ in range(args.runs)]
            returning = _returning_browser_seconds(browser, url, WHOLE_CITY_AREAS, args.runs)
            in_app = _in_app_seconds(browser, f"http://127.0.0.1:{args.port}/", WHOLE_CITY_AREAS, args.runs)
            browser.chromium.close()
    finally:
        server.terminate()
        server.wait(timeout=10)
    offline = "Playwright's request interception" if args.intercept else "a proxy on a closed local port"
    print(f"app {args.app}; {WHOLE_CITY_AREAS} areas (generated); load average {load_before[0]:.2f} before, "
          f"{os.getloadavg()[0]:.2f} after; CPU reference {cpu_before:.3f} s before, {cpu_reference_seconds():.3f} s "
          f"after; offline by {offline}: {len(browser.external)} requests beyond this machine, all stopped")
    print(f"cold: {cold:.2f} s to settle, websocket {cold_bytes / 1e3:.0f} KB received")
    print(f"warm, new browser: {_figures([s for s, _ in warm])}, "
          f"websocket {statistics.median(b for _, b in warm) / 1e3:.0f} KB")
    print(f"warm, returning browser (F5 or a new tab): {_figures(returning)}")
    print(f"in the app (click 地図 from the home page): {_figures(in_app)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
