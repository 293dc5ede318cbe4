"""The store's guarantees: published is read-only and sealed; raw and workspace are elsewhere."""
from __future__ import annotations

import json

import duckdb
import pytest

from lib.data.catalog import load_catalog
from lib.data.store import Store, read_geo
from lib.workspace.items import open_workspace


def test_every_dataset_is_a_published_table_with_its_dictionary_columns(store, published):
    tables = set(store.published_tables())
    for ds in load_catalog().values():
        assert ds.name in tables
        columns = [r[0] for r in published.execute(
            "SELECT column_name FROM information_schema.columns WHERE table_name = ? ORDER BY ordinal_position",
            [ds.name]).fetchall()]
        assert columns == [c.name for c in ds.columns]


def test_geometry_is_spatial_and_reads_back_as_geodataframe(published):
    geo = [ds for ds in load_catalog().values() if ds.is_geo]
    assert geo
    for ds in geo:
        gdf = read_geo(published, f'SELECT * FROM "{ds.name}"')
        assert len(gdf) > 0 and gdf.crs.to_epsg() == 4326
        assert gdf.geometry.is_valid.all()


@pytest.mark.parametrize("statement", [
    "CREATE TABLE x AS SELECT 1",
    "INSERT INTO population SELECT * FROM population LIMIT 1",
    "DROP TABLE population",
    "SELECT * FROM read_csv('/etc/passwd')",
    "SELECT * FROM read_text('/etc/hostname')",
    "COPY population TO '/tmp/leak.csv'",
    "ATTACH '/tmp/other.duckdb' AS other",
    "INSTALL httpfs",
    "LOAD httpfs",
    "SET enable_external_access = true",
    "SET lock_configuration = false",
    "SELECT * FROM read_parquet('https://example.com/x.parquet')",
])
def test_published_connection_itself_refuses_writes_files_and_settings(published, statement):
    with pytest.raises(duckdb.Error):
        published.execute(statement)


def test_published_has_no_raw_or_workspace_tables(store, published):
    # Something is stored in staging and workspace; published must not see it.
    store.staging().execute("CREATE OR REPLACE TABLE raw_secret AS SELECT '山田太郎' AS name")
    ws = open_workspace(store)  # the workspace is SQLite: another engine, another file
    ws.create_course({"name": "ws_secret"}, "講師")
    databases = {r[0] for r in published.execute("SELECT database_name FROM duckdb_databases()").fetchall()}
    assert databases <= {"published", "system", "temp"}
    for table in ("raw_secret", "staging.raw_secret", "courses", "items", "item_history"):
        with pytest.raises(duckdb.Error):
            published.execute(f"SELECT * FROM {table}")
    with pytest.raises(duckdb.Error):  # nor can it open the workspace file
        published.execute("SELECT * FROM sqlite_scan(?, 'courses')", [str(store.data_dir / "workspace.sqlite3")])


def test_database_is_rebuilt_when_a_dataset_file_changes(tmp_path, monkeypatch):
    import shutil

    from lib import settings

    demo = tmp_path / "demo"
    shutil.copytree(settings.DEMO_DATASETS_DIR, demo)
    monkeypatch.setattr(settings, "DEMO_DATASETS_DIR", demo)
    store = Store(tmp_path / "data")
    assert store.refresh_published() is True
    assert store.refresh_published() is False
    yaml_file = sorted(demo.glob("*.yaml"))[0]
    yaml_file.write_text(yaml_file.read_text(encoding="utf-8") + "\n# edited\n", encoding="utf-8")
    assert store.published_is_stale()
    assert store.refresh_published() is True
    store.close()


def _small_demo(tmp_path, monkeypatch):
    """A demo folder with one small table, so that a rebuild takes a fraction of a second."""
    import shutil

    from lib import settings

    demo = tmp_path / "demo"
    demo.mkdir()
    for name in ("population.parquet", "population.yaml"):
        shutil.copy(settings.DEMO_DATASETS_DIR / name, demo / name)
    monkeypatch.setattr(settings, "DEMO_DATASETS_DIR", demo)
    monkeypatch.setenv("WORKBENCH_DATA_DIR", str(tmp_path / "data"))
    return demo


def test_queries_keep_working_while_the_published_database_is_rebuilt_50_times(tmp_path, monkeypatch):
    import threading

    _small_demo(tmp_path, monkeypatch)
    store = Store(tmp_path / "data")
    expected = store.published().execute("SELECT count(*) FROM population").fetchone()[0]
    errors: list[str] = []
    answered = [0] * 8
    stop = threading.Event()

    def trainee(slot: int) -> None:
        while not stop.is_set():
            try:
                cursor = store.published()
                count = cursor.execute("SELECT count(*) FROM population").fetchone()[0]
                cursor.execute("SELECT area_code, sum(population) FROM population GROUP BY 1").df()
                assert count == expected
                answered[slot] += 1
            except Exception as error:  # noqa: BLE001 - every failure is counted
                errors.append(f"{type(error).__name__}: {error}")

    threads = [threading.Thread(target=trainee, args=(i,)) for i in range(8)]
    for thread in threads:
        thread.start()
    try:
        for _ in range(50):
            assert store.refresh_published(force=True) is True
    finally:
        stop.set()
        for thread in threads:
            thread.join()
    assert errors == []
    assert min(answered) > 0
    import gc

    gc.collect()  # every trainee cursor is gone: only the latest build stays on disk
    data = tmp_path / "data"
    assert [p.relative_to(data).as_posix() for p in data.glob("published-builds/*/published.duckdb")] == [
        json.loads((data / "published.json").read_text())["database"]]
    store.close()


def test_a_cursor_keeps_its_build_and_new_cursors_see_the_new_data(tmp_path, monkeypatch):
    import pandas as pd

    demo = _small_demo(tmp_path, monkeypatch)
    store = Store(tmp_path / "data")
    before = store.published()
    rows = before.execute("SELECT count(*) FROM population").fetchone()[0]
    fingerprint = store.published_fingerprint()
    frame = pd.read_parquet(demo / "population.parquet")
    frame.head(10).to_parquet(demo / "population.parquet")
    assert store.refresh_published() is True
    assert store.published_fingerprint() != fingerprint
    assert store.published().execute("SELECT count(*) FROM population").fetchone()[0] == 10
    assert before.execute("SELECT count(*) FROM population").fetchone()[0] == rows
    store.close()
