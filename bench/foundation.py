"""First start (database build), later start, and the catalog page's data loading."""
from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

from bench.harness import Figure, benchmark, median_seconds


def _fresh_store(data_dir: Path):
    from lib.store import Store

    return Store(data_dir)


@benchmark("startup")
def startup(runs: int) -> list[Figure]:
    from lib.catalog import load_catalog
    from lib.store import sources_fingerprint

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
    from lib import dataset_profile
    from lib.catalog import load_catalog

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
