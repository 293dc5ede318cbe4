"""A Streamlit server of the tests' own, and a Chromium page that may reach only localhost.

Every request to anything but the local server is aborted and counted: that
count is the offline proof each browser test asserts to be 0.
"""
from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from urllib.parse import urlparse

import pytest
from playwright.sync_api import expect

from tests.conftest import copy_demo_data

ROOT = Path(__file__).resolve().parent.parent.parent
ARTIFACTS = ROOT / "test-artifacts"
# Debian's headless shell of Chromium (same engine, no browser window code): ~10 % less CPU for the same tests.
CHROMIUM = "/usr/bin/chromium-headless-shell"
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _serve(tmp_path_factory, extra_env: dict | None = None, demo_data: Path | None = None, port: int | None = None):
    """`streamlit run app.py` on a free port (or `port`) with its own data folder; yields the base URL.

    The data folder starts as a copy of `demo_data` (the demo's published database already built)
    when it is given, else empty: the first visit then waits for the build, as on a first start.
    """
    data = tmp_path_factory.mktemp("server-data")
    if demo_data is not None:
        copy_demo_data(demo_data, data)
    env = {**os.environ, "WORKBENCH_DATA_DIR": str(data), **(extra_env or {})}
    log = tmp_path_factory.mktemp("server-log") / "streamlit.log"
    # Another xdist worker may take the free port before this server binds it: then start again on another.
    wanted = port
    for _attempt in range(3):
        port = wanted or _free_port()
        with open(log, "wb") as out:
            process = subprocess.Popen(
                [sys.executable, "-m", "streamlit", "run", "app.py", "--server.port", str(port),
                 "--server.address", "127.0.0.1", "--server.headless", "true"],
                cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT,
            )
        if _wait_until_healthy(process, port):
            break
        if process.poll() is None:
            process.kill()
            raise RuntimeError("Streamlit did not start:\n" + log.read_text(errors="replace"))
        time.sleep(3)  # a port just given up by the server before takes a moment to free
    else:
        raise RuntimeError("Streamlit did not start:\n" + log.read_text(errors="replace"))
    yield f"http://127.0.0.1:{port}"
    process.terminate()
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()


def _wait_until_healthy(process: subprocess.Popen, port: int) -> bool:
    """True once the server answers its health check; False if it exited (or never answered)."""
    deadline = time.time() + 90
    while time.time() < deadline and process.poll() is None:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/_stcore/health", timeout=2) as response:
                if response.status == 200:
                    return process.poll() is None
        except OSError:
            time.sleep(0.5)
    return False


@pytest.fixture(scope="session")
def app_server(tmp_path_factory, demo_data):
    """The server most browser tests share (its workspace and passcode carry over between tests)."""
    yield from _serve(tmp_path_factory, demo_data=demo_data)


@pytest.fixture(scope="module")
def fresh_app_server(tmp_path_factory, demo_data):
    """A server of the module's own, for tests that need a first start (e.g. no passcode set yet)."""
    yield from _serve(tmp_path_factory, demo_data=demo_data)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {**browser_type_launch_args, "executable_path": CHROMIUM, "args": CHROMIUM_ARGS, "headless": True}


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    return {**browser_context_args, "viewport": {"width": 1400, "height": 1000}, "locale": "ja-JP",
            "accept_downloads": True}


class ExternalRequests(list):
    """The URLs of requests that tried to leave the machine."""


def guard_offline(page):
    """Abort every request that is not to this machine; record them in page.external_requests."""
    external = ExternalRequests()

    def guard(route):
        host = urlparse(route.request.url).hostname or ""
        if route.request.url.startswith(("data:", "blob:")) or host in {"127.0.0.1", "localhost", "::1"}:
            route.continue_()
        else:
            external.append(route.request.url)
            route.abort()

    page.context.route("**/*", guard)
    page.context.add_init_script(COUNT_RUNS)
    page.external_requests = external
    page.set_default_timeout(30_000)
    return page


@pytest.fixture()
def offline_page(page):
    """A page whose non-localhost requests are aborted and recorded in page.external_requests."""
    yield guard_offline(page)


def wait_until_drawn(page) -> None:
    """Wait until what a finished run only starts drawing is there: Plotly charts (their code loads lazily)
    and the documents of frames (maps)."""
    page.wait_for_function("""() => [...document.querySelectorAll('[data-testid=stPlotlyChart]')]
        .every(chart => chart.querySelector('.main-svg'))""", timeout=30_000)
    for frame in page.frames[1:]:
        try:
            frame.wait_for_load_state("load", timeout=30_000)
        except Exception:  # noqa: BLE001 - a frame that went away while the page reran
            continue


def screenshot(page, name: str) -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


# Counts the script runs the page sees start (its stApp element's data-test-script-state turning to "running"),
# the reruns it asks the server for (a BackMsg whose first field is rerun_script, tag 90: clicks, keystrokes and
# the live-changes fragment's timer) and the runs the server reports finished (a ForwardMsg script_finished,
# field 6, other than "finished early for a rerun"), so that waiting can end as soon as the run an action asked
# for is over, however late a loaded server starts it.
COUNT_RUNS = """
window.__wbRuns = 0;
window.__wbSeen = 0;
window.__wbAsked = 0;
window.__wbAskedSeen = 0;
window.__wbFinished = 0;
window.__wbFinishedWhenAsked = 0;
new MutationObserver(changes => {
  for (const change of changes) {
    if (change.target.getAttribute('data-test-script-state') === 'running' && change.oldValue !== 'running') {
      window.__wbRuns += 1;
    }
  }
}).observe(document, {subtree: true, attributes: true, attributeOldValue: true,
                      attributeFilter: ['data-test-script-state']});
const scriptFinished = bytes => {  // the status of a ForwardMsg's script_finished field, or undefined
  let at = 0;
  const varint = () => { let value = 0, shift = 0, byte; do { byte = bytes[at++]; value += (byte & 127) * 2 ** shift;
                                                              shift += 7; } while (byte & 128); return value; };
  while (at < bytes.length) {
    const tag = varint(), field = Math.floor(tag / 8), wire = tag % 8;
    if (wire === 0) { const value = varint(); if (field === 6) return value; }
    else if (wire === 2) { const length = varint(); at += length; }
    else if (wire === 1) { at += 8; }
    else if (wire === 5) { at += 4; }
    else return undefined;
  }
  return undefined;
};
const heard = new WeakSet();
const send = WebSocket.prototype.send;
WebSocket.prototype.send = function (data) {
  if (!heard.has(this)) {
    heard.add(this);
    this.addEventListener('message', event => {
      if (!(event.data instanceof ArrayBuffer)) return;
      const status = scriptFinished(new Uint8Array(event.data));
      if (status !== undefined && status !== 2) window.__wbFinished += 1;
    });
  }
  const first = data instanceof ArrayBuffer ? new Uint8Array(data)[0]
    : ArrayBuffer.isView(data) ? new Uint8Array(data.buffer, data.byteOffset, 1)[0] : undefined;
  if (first === 90) {
    window.__wbAsked += 1;
    window.__wbFinishedWhenAsked = window.__wbFinished;
  }
  return send.call(this, data);
};
"""
RUN_STARTED = """(limit) => new Promise(done => {
  const start = Date.now();
  const look = () => (window.__wbRuns > window.__wbSeen || window.__wbAsked > window.__wbAskedSeen
                      || Date.now() - start > limit) ? done() : setTimeout(look, 20);
  look();
})"""
# The server has reported a run finished since the last rerun the page asked for.
ASKED_RUN_FINISHED = ("() => window.__wbAsked === window.__wbAskedSeen"
                      " || window.__wbFinished > window.__wbFinishedWhenAsked")
SCRIPT_IDLE = ("() => ['notRunning', 'compilationError'].includes("
               "document.querySelector('[data-testid=\"stApp\"]')?.getAttribute('data-test-script-state'))")


def wait_for_app(page) -> None:
    """Wait until Streamlit has finished running the script (and any rerun the last action asked for).

    The browser asks for the rerun within 300 ms of a click or keystroke; the wait ends as soon as every
    rerun asked for has started and finished (and no other run followed within 100 ms), not after fixed
    pauses."""
    page.wait_for_selector("[data-testid='stApp']")
    counted = page.evaluate("() => window.__wbRuns !== undefined")
    if counted:
        page.evaluate(RUN_STARTED, 300)
    else:
        page.wait_for_timeout(300)
    while True:
        if counted:  # a loaded server can start the rerun asked for seconds later
            page.wait_for_function(ASKED_RUN_FINISHED, timeout=120_000)
        page.wait_for_function(SCRIPT_IDLE, timeout=120_000)
        runs = page.evaluate("() => window.__wbRuns")
        page.wait_for_timeout(100 if counted else 300)
        if not counted or (page.evaluate("() => window.__wbRuns") == runs and page.evaluate(SCRIPT_IDLE)):
            break
    if counted:
        page.evaluate("() => { window.__wbSeen = window.__wbRuns; window.__wbAskedSeen = window.__wbAsked; }")
    # Streamlit's modal for an unknown URL: a page must never be reached that way.
    assert page.get_by_text("Page not found").count() == 0, "Streamlit showed 'Page not found'"


def open_tab(page, name: str) -> None:
    """Click the tab `name` until it is the selected one: a rerun that redraws the tabs while the click
    arrives (a loaded server) can leave the tab before selected. A tab drawn only while open (on_change="rerun")
    has its content once the run its click started is over."""
    tab = page.get_by_role("tab", name=name)
    for _attempt in range(5):
        wait_for_app(page)
        tab.click()
        try:
            expect(tab).to_have_attribute("aria-selected", "true", timeout=5_000)
            break
        except AssertionError:
            continue
    expect(tab).to_have_attribute("aria-selected", "true")
    wait_for_app(page)
