"""First start (database build), later start, and the catalog page's data loading."""
from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

from bench.harness import Figure, benchmark, median_seconds


def _fresh_store(data_dir: Path):
    from lib.data.store import Store

    return Store(data_dir)


@benchmark("startup")
def startup(runs: int) -> list[Figure]:
    from lib.data.catalog import load_catalog
    from lib.data.store import sources_fingerprint

    datasets = list(load_catalog().values())
    source_bytes = sum(ds.file.stat().st_size for ds in datasets)
    root = Path(tempfile.mkdtemp(prefix="bench-startup-"))
    try:
        def clean():
            shutil.rmtree(root / "data", ignore_errors=True)

        def first_start():
            store = _fresh_store(root / "data")
            store.published().close()
            store.close()

        build = median_seconds(first_start, runs, setup=clean)

        def later_start():
            store = _fresh_store(root / "data")
            store.published().close()
            store.close()

        later = median_seconds(later_start, runs)
        fingerprint = median_seconds(lambda: sources_fingerprint(datasets), runs)
    finally:
        shutil.rmtree(root, ignore_errors=True)
    size = f"{len(datasets)} datasets, {source_bytes:,} bytes of files"
    return [
        Figure("db_build_s", size, "s", build, runs, note="first start: build published DB and open it"),
        Figure("db_open_s", size, "s", later, runs, note="later start: fingerprint check and open"),
        Figure("sources_fingerprint_s", size, "s", fingerprint, runs),
    ]


@benchmark("catalog")
def catalog(runs: int) -> list[Figure]:
    from lib.data import profile as dataset_profile
    from lib.data.catalog import load_catalog

    root = Path(tempfile.mkdtemp(prefix="bench-catalog-"))
    store = _fresh_store(root)
    try:
        cursor = store.published()
        datasets = list(load_catalog().values())
        total_rows = sum(dataset_profile.row_count(cursor, ds) for ds in datasets)

        def load_everything():
            for ds in datasets:
                dataset_profile.row_count(cursor, ds)
                dataset_profile.preview_rows(cursor, ds)
                dataset_profile.column_statistics(cursor, ds)
                if ds.is_geo:
                    dataset_profile.geo_frame(cursor, ds)

        seconds = median_seconds(load_everything, runs)
    finally:
        store.close()
        shutil.rmtree(root, ignore_errors=True)
    return [Figure("catalog_load_all_s", total_rows, "s", seconds, runs,
                   note="row counts, previews, statistics and map data of every dataset; size = rows")]


def _time_to_usable_page(data_dir: Path) -> float:
    """Seconds from `streamlit run app.py` to the home page showing its content in Chromium."""
    import socket
    import subprocess
    import sys
    import time

    from playwright.sync_api import sync_playwright

    root = Path(__file__).resolve().parent.parent
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    env = {**os.environ, "WORKBENCH_DATA_DIR": str(data_dir)}
    started = time.perf_counter()
    server = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", "app.py", "--server.port", str(port),
         "--server.address", "127.0.0.1", "--server.headless", "true"],
        cwd=root, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=[
                "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"])
            page = browser.new_page()
            deadline = time.time() + 120
            while time.time() < deadline:
                try:
                    page.goto(f"http://127.0.0.1:{port}/", timeout=5000)
                    break
                except Exception:  # noqa: BLE001 - server not listening yet
                    time.sleep(0.2)
            page.get_by_text("4 回の研修の流れ").wait_for(timeout=120_000)
            elapsed = time.perf_counter() - started
            browser.close()
    finally:
        server.terminate()
        server.wait(timeout=20)
    return elapsed


@benchmark("app_start")
def app_start(runs: int) -> list[Figure]:
    """`streamlit run app.py` to a usable home page: first start (fresh data folder) and later starts."""
    import statistics

    root = Path(tempfile.mkdtemp(prefix="bench-app-"))
    try:
        first = []
        for run in range(runs):
            first.append(_time_to_usable_page(root / f"first-{run}"))
        later = [_time_to_usable_page(root / "first-0") for _ in range(runs)]
    finally:
        shutil.rmtree(root, ignore_errors=True)
    return [
        Figure("app_first_start_to_page_s", "demo municipality", "s", statistics.median(first), runs,
               note="streamlit run app.py with an empty data folder until the home page shows"),
        Figure("app_later_start_to_page_s", "demo municipality", "s", statistics.median(later), runs,
               note="streamlit run app.py with the database already built"),
    ]
