"""The store's guarantees: published is read-only and sealed; raw and workspace are elsewhere."""
from __future__ import annotations

import json
import time

import duckdb
import pytest

from lib.data.catalog import load_catalog
from lib.data.store import Store, read_geo
from lib.workspace.items import forget_workspace, open_workspace
from tests.conftest import copy_demo_data


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


def test_published_has_no_raw_or_workspace_tables(demo_data, tmp_path, monkeypatch):
    # Something is stored in staging and workspace; published must not see it. A data folder of this test's own:
    # its course is no real course (no municipality, no dates), and no other test may find it.
    folder = copy_demo_data(demo_data, tmp_path / "data")
    monkeypatch.setenv("WORKBENCH_DATA_DIR", str(folder))
    store = Store(folder)
    published = store.published()
    try:
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
    finally:
        published.close()
        forget_workspace(folder)
        store.close()


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


def query_until_told(data_dir: str, demo: str, stop_file: str, report_file: str, ready_file: str) -> None:
    """Another process on the same data folder (a second classroom worker): trainee SQL and cursors in a
    loop, until `stop_file` names the row count of the last publish and both ways have answered it.
    `ready_file` is written once the first answers are in, so the publishes start while it queries."""
    from pathlib import Path

    from lib import settings
    from lib.analysis.user_sql import run_user_sql

    settings.DEMO_DATASETS_DIR = Path(demo)
    store = Store(Path(data_dir))
    stop, errors, seen, answers = Path(stop_file), [], set(), 0
    final, seen_last = None, set()
    while final is None or seen_last != {final}:
        final = int(stop.read_text()) if stop.exists() else None
        seen_last = set()
        try:
            cursor = store.published()
            seen_last.add(cursor.execute("SELECT count(*) FROM population").fetchone()[0])
            cursor.close()
            frame = run_user_sql(store.published_path, "SELECT count(*) AS n FROM population").frame
            seen_last.add(int(frame["n"][0]))
            answers += 1
            if answers == 1:
                Path(ready_file).write_text("ready")
        except Exception as error:  # noqa: BLE001 - every failure is counted
            errors.append(f"{type(error).__name__}: {error}")
        seen |= seen_last
        if len(errors) > 50:
            break
    store.close()
    Path(report_file).write_text(json.dumps({"errors": errors[:10], "error_count": len(errors), "answers": answers,
                                 "counts_seen": sorted(seen)}))


def test_a_process_querying_while_another_publishes_20_times_sees_no_error_and_follows(tmp_path, monkeypatch):
    import os
    import subprocess
    import sys
    from pathlib import Path

    import pandas as pd

    demo = _small_demo(tmp_path, monkeypatch)
    data = tmp_path / "data"
    frame = pd.read_parquet(demo / "population.parquet")
    publisher = Store(data)
    publisher.published().close()
    stop_file, report_file, ready_file = tmp_path / "last-publish", tmp_path / "report.json", tmp_path / "ready"
    root = Path(__file__).resolve().parents[2]
    querier = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import sys; from tests.data.test_store import query_until_told; query_until_told(*sys.argv[1:])",
            str(data),
            str(demo),
            str(stop_file),
            str(report_file),
            str(ready_file),
        ],
        cwd=root,
        env={**os.environ, "WORKBENCH_DATA_DIR": str(data)},
    )
    try:
        for _ in range(600):  # a loaded machine can take seconds to start a Python process
            if ready_file.exists() or querier.poll() is not None:
                break
            time.sleep(0.1)
        for publish in range(20):
            rows = 100 + publish
            frame.head(rows).to_parquet(demo / "population.parquet")
            assert publisher.refresh_published() is True
        stop_file.write_text(str(rows))
        querier.wait(timeout=600)
    finally:
        querier.kill()
    report = json.loads(report_file.read_text())
    assert report["error_count"] == 0, report["errors"]
    # It followed the publishes (it saw more than the first build) and ended on the last one.
    assert rows in report["counts_seen"] and len(report["counts_seen"]) > 1
    # The querier has gone: the next publish removes every build but the latest.
    frame.head(10).to_parquet(demo / "population.parquet")
    assert publisher.refresh_published() is True
    assert [p.name for p in (data / "published-builds").iterdir()] == [
        Path(json.loads((data / "published.json").read_text())["database"]).parent.name]
    publisher.close()
