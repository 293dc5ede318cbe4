"""The databases behind the workbench, kept apart by guarantees.

- published: what trainees may see and query. Built from the dataset files
  (demo + instructor-published) into one DuckDB file, which the app then opens
  read-only, with the spatial extension loaded offline and then file access,
  network access and configuration changes switched off. Trainee SQL and every
  chart or map run here, and nothing else is attached to it.
- staging: what an instructor imported, before anonymization (own file).
- workspace: not here: lib.workspace keeps it in SQLite or PostgreSQL (transactional writes).

One DuckDB instance per database per process; callers take a cursor per
session or thread, since one connection object is not thread-safe.
"""
from __future__ import annotations

import hashlib
import json
import logging
import os
import secrets
import threading
import time
import weakref
from dataclasses import dataclass
from pathlib import Path

import duckdb
import geopandas as gpd
import pandas as pd
import shapely

from lib import settings
from lib.data.build_holds import BuildHold, remove_if_unused
from lib.data.catalog import Dataset, load_catalog, load_dictionary
from lib.data.duckdb_lockdown import connect_with_spatial, open_locked_read_only
from lib.data.import_result import DataImportError
from lib.data.query import quote_identifier

log = logging.getLogger(__name__)

# Bump when the way tables are built changes, so existing databases are rebuilt.
BUILD_VERSION = "1"
STAGING_WAIT_S = 10  # how long a use of the staging database waits while another process has it


class StagingBusy(DataImportError):
    """Another process (a classroom worker, the CLI) has the staging database for longer than a use waits."""

def sources_fingerprint(datasets: list[Dataset]) -> str:
    """A hash of every dictionary and data file; the database is rebuilt when it changes."""
    digest = hashlib.sha256(BUILD_VERSION.encode())
    for ds in sorted(datasets, key=lambda d: d.name):
        digest.update(ds.name.encode())
        for path in (ds.file.with_suffix(".yaml"), ds.file):
            digest.update(path.name.encode())
            digest.update(path.read_bytes() if path.exists() else b"<missing>")
    return digest.hexdigest()


def _load_dataset(con: duckdb.DuckDBPyConnection, ds: Dataset) -> None:
    table = quote_identifier(ds.name)
    columns = [c for c in ds.columns if c.type != "geometry"]
    select = ", ".join(quote_identifier(c.name) for c in columns)
    suffix = ds.file.suffix.lower()
    if ds.is_geo:
        frame = gpd.read_file(ds.file)
        if frame.crs is not None and frame.crs.to_epsg() != 4326:
            frame = frame.to_crs(4326)
        plain = pd.DataFrame(frame.drop(columns=frame.geometry.name))
        plain["__wkb"] = shapely.to_wkb(frame.geometry.values)
        con.register("__source", plain)
        geo_select = (select + ", " if select else "") + "ST_GeomFromWKB(__wkb) AS geometry"
        con.execute(f"CREATE TABLE {table} AS SELECT {geo_select} FROM __source")
        con.unregister("__source")
    elif suffix == ".parquet":
        con.execute(f"CREATE TABLE {table} AS SELECT {select} FROM read_parquet(?)", [str(ds.file)])
    elif suffix in {".csv", ".tsv"}:
        con.execute(
            f"CREATE TABLE {table} AS SELECT {select} FROM read_csv(?, header=true)", [str(ds.file)]
        )
    else:
        raise ValueError(f"{ds.file.name}: not a file format the store loads (.parquet, .csv, .tsv, or a geo file)")


def build_published_database(path: Path, datasets: list[Dataset]) -> None:
    """Build the published database into a temporary file, then move it to `path` atomically."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".building")
    for leftover in (tmp, tmp.with_name(tmp.name + ".wal")):
        leftover.unlink(missing_ok=True)
    con = connect_with_spatial(str(tmp), threads=settings.DUCKDB_THREADS)
    try:
        for ds in datasets:
            _load_dataset(con, ds)
        con.execute("CHECKPOINT")
    finally:
        con.close()
    os.replace(tmp, path)


def open_demo_database(names: list[str]) -> duckdb.DuckDBPyConnection:
    """The demo city's own datasets `names`, in memory, whatever a real city published under those names."""
    con = connect_with_spatial(":memory:")
    for name in names:
        _load_dataset(con, load_dictionary(settings.DEMO_DATASETS_DIR / f"{name}.yaml"))
    return con


def _write_atomically(path: Path, text: str) -> None:
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, path)


@dataclass(eq=False)
class _PublishedBuild:
    """One built published database, open read-only, and how many cursors on it are alive."""
    path: Path
    fingerprint: str
    connection: duckdb.DuckDBPyConnection
    hold: BuildHold  # tells other processes this one has the build open
    cursors: int = 0
    retired: bool = False
    closed: bool = False

    def close(self) -> None:
        self.connection.close()
        self.hold.release()
        self.closed = True


def _open_build(path: Path, fingerprint: str, hold: BuildHold | None = None) -> _PublishedBuild:
    hold = hold or BuildHold(path.parent)
    try:
        connection = open_locked_read_only(path, settings.DUCKDB_MEMORY_LIMIT, settings.DUCKDB_THREADS)
    except BaseException:
        hold.release()
        raise
    return _PublishedBuild(path, fingerprint, connection, hold)


def _file_stamp(path: Path) -> tuple | None:
    try:
        stat = path.stat()
    except OSError:
        return None
    return stat.st_ino, stat.st_mtime_ns, stat.st_size


class Store:
    """The three databases of one data folder.

    The published database is rebuilt beside the one in use: runs that started
    on the old build keep their cursors, new runs get the new build, and the old
    connection is closed when its last cursor is gone. Closing a connection that
    another thread is querying fails that query, or crashes DuckDB.

    Other processes on the same data folder (classroom workers, the CLI) follow
    published.json: each new cursor is on the latest build, whoever built it. A
    build's folder is removed only when no process holds it (lib.data.build_holds).
    """

    def __init__(self, data_dir: Path):
        self.data_dir = Path(data_dir)
        self.current_build_path = self.data_dir / "published.json"
        self.builds_dir = self.data_dir / "published-builds"
        self.staging_path = self.data_dir / "staging.duckdb"
        self._lock = threading.RLock()
        self._build_lock = threading.Lock()
        self._published: _PublishedBuild | None = None
        self._retired: set[_PublishedBuild] = set()
        self._current_stamp: tuple | None = None  # published.json as last read

    # published -------------------------------------------------------------
    def _current_build(self) -> tuple[str, Path] | None:
        """(fingerprint, database file) of the latest build in this folder, if any."""
        try:
            current = json.loads(self.current_build_path.read_text(encoding="utf-8"))
            path = self.data_dir / current["database"]
            return (current["fingerprint"], path) if path.exists() else None
        except (OSError, ValueError, KeyError, TypeError):
            return None

    def published_is_stale(self) -> bool:
        current = self._current_build()
        return current is None or current[0] != sources_fingerprint(list(load_catalog().values()))

    def refresh_published(self, force: bool = False) -> bool:
        """Rebuild the published database if its sources changed, and switch new cursors to it.

        True if it was rebuilt. Cursors already handed out keep working on the build
        they started on; runs keep querying while a build is under way.
        """
        with self._build_lock:
            datasets = list(load_catalog().values())
            fingerprint = sources_fingerprint(datasets)
            current = self._current_build()
            rebuilt = force or current is None or current[0] != fingerprint
            hold = None
            if rebuilt:
                # Its own folder: DuckDB shares one instance per path, and trainee SQL sees
                # the database by its file name, which stays "published".
                path, hold = self._new_build_folder()
                try:
                    build_published_database(path, datasets)
                except BaseException:
                    hold.release()
                    raise
                _write_atomically(self.current_build_path, json.dumps(
                    {"fingerprint": fingerprint, "database": path.relative_to(self.data_dir).as_posix()}))
            else:
                fingerprint, path = current
            with self._lock:
                if self._published is not None and self._published.path == path:
                    return False
            self._switch_to(_open_build(path, fingerprint, hold))
            self._remove_unused_builds()
            return rebuilt

    def _new_build_folder(self) -> tuple[Path, BuildHold]:
        """A fresh build folder, already held so that no other process removes it half-built."""
        while True:
            folder = self.builds_dir / secrets.token_hex(8)
            folder.mkdir(parents=True)
            try:
                return folder / "published.duckdb", BuildHold(folder)
            except FileNotFoundError:  # another process's clean-up took the empty folder
                continue

    def _switch_to(self, opened: _PublishedBuild) -> None:
        with self._lock:
            previous, self._published = self._published, opened
            if previous is not None:
                previous.retired = True
                self._retired.add(previous)
                self._close_if_unused(previous)

    def _follow_current_build(self) -> None:
        """Switch new cursors to the latest build if another process published since (one stat per call)."""
        stamp = _file_stamp(self.current_build_path)
        if stamp == self._current_stamp:
            return
        # One opener at a time: DuckDB shares one instance per file in a process, and a second
        # open of a build would try to lock an instance already locked. A build under way here
        # switches by itself.
        if not self._build_lock.acquire(blocking=False):
            return
        try:
            current = self._current_build()
            if current is not None and (self._published is None or self._published.path != current[1]):
                try:
                    self._switch_to(_open_build(current[1], current[0]))
                except (FileNotFoundError, duckdb.IOException):
                    return  # replaced again meanwhile: the next call reads the newer one
            self._current_stamp = stamp
        finally:
            self._build_lock.release()

    def published(self) -> duckdb.DuckDBPyConnection:
        """A new cursor on the locked, read-only published database (the latest build)."""
        self._ensure_latest()
        with self._lock:
            build = self._published
            cursor = build.connection.cursor()
            build.cursors += 1
        weakref.finalize(cursor, self._release, build)
        return cursor

    @property
    def published_path(self) -> Path:
        """The database file new cursors read (the latest build): trainee SQL workers open it by path."""
        self._ensure_latest()
        return self._published.path

    def published_fingerprint(self) -> str:
        """The fingerprint of the published data new cursors see: a cache key for derived results.

        Read it before taking the cursor that computes the result: if a rebuild
        switches in between, the old key holds new data, which nobody asks for again.
        """
        self._ensure_latest()
        return self._published.fingerprint

    def _ensure_latest(self) -> None:
        if self._published is None:
            self.refresh_published()
        else:
            self._follow_current_build()

    def _release(self, build: _PublishedBuild) -> None:
        with self._lock:
            build.cursors -= 1
            self._close_if_unused(build)

    def _close_if_unused(self, build: _PublishedBuild) -> None:
        """Close a replaced build once no cursor uses it any more, and remove its file."""
        with self._lock:
            if not build.retired or build.cursors > 0 or build.closed:
                return
            build.close()
            self._retired.discard(build)
        if build.path != (self._current_build() or (None, None))[1]:
            remove_if_unused(build.path.parent)

    def _remove_unused_builds(self) -> None:
        """Delete earlier builds (and the single-file layout of older versions) no process has open."""
        current = self._current_build()
        with self._lock:
            in_use = {b.path for b in self._retired} | ({self._published.path} if self._published else set())
        in_use |= {current[1]} if current else set()
        for folder in self.builds_dir.iterdir() if self.builds_dir.is_dir() else ():
            if folder.is_dir() and folder / "published.duckdb" not in in_use:
                remove_if_unused(folder)
        for legacy in ("published.duckdb", "published.duckdb.wal", "published.fingerprint"):
            (self.data_dir / legacy).unlink(missing_ok=True)

    def published_tables(self) -> list[str]:
        rows = self.published().execute(
            "SELECT table_name FROM information_schema.tables ORDER BY table_name"
        ).fetchall()
        return [r[0] for r in rows]

    # staging (the workspace lives in lib.workspace) -------------------------------------
    def staging(self) -> duckdb.DuckDBPyConnection:
        """A new connection to the instructor's staging database (raw imports); close it when done.

        DuckDB lets one process at a time open a database file for writing, and several processes share
        this one (classroom workers, the CLI): each use opens and closes it (10–20 ms once spatial is
        loaded), so none keeps it from the others. One that finds it in use waits up to STAGING_WAIT_S,
        then StagingBusy says so in Japanese.
        """
        self.data_dir.mkdir(parents=True, exist_ok=True)
        deadline = time.monotonic() + STAGING_WAIT_S
        while True:
            try:
                return connect_with_spatial(str(self.staging_path))
            except duckdb.IOException as exc:
                if time.monotonic() >= deadline:
                    log.warning("staging database %s in use by another process: %s", self.staging_path, exc)
                    raise StagingBusy("staging_busy") from exc
                time.sleep(0.2)

    def close(self) -> None:
        with self._lock:
            for build in (self._published, *self._retired):
                if build is not None and not build.closed:
                    build.close()
            self._published = None
            self._retired.clear()
            self._current_stamp = None


_stores: dict[Path, Store] = {}
_stores_lock = threading.Lock()


def get_store(data_dir: Path | None = None) -> Store:
    """The process-wide store of a data folder (the configured one by default)."""
    path = (data_dir or settings.data_dir()).resolve()
    with _stores_lock:
        if path not in _stores:
            _stores[path] = Store(path)
        return _stores[path]


def read_geo(cursor: duckdb.DuckDBPyConnection, sql: str, params=None, geometry: str = "geometry"):
    """Run a query whose result has a GEOMETRY column and return a GeoDataFrame (EPSG:4326)."""
    relation = cursor.execute(
        f"SELECT * EXCLUDE ({quote_identifier(geometry)}), ST_AsWKB({quote_identifier(geometry)}) AS __wkb "
        f"FROM ({sql})",
        params or [],
    )
    frame = relation.df()
    geoms = shapely.from_wkb(frame.pop("__wkb").map(bytes))
    return gpd.GeoDataFrame(frame, geometry=geoms, crs=4326)
