"""The databases behind the workbench, kept apart by guarantees.

- published: what trainees may see and query. Built from the dataset files
  (demo + instructor-published) into one DuckDB file, which the app then opens
  read-only, with the spatial extension loaded offline and then file access,
  network access and configuration changes switched off. Trainee SQL and every
  chart or map run here, and nothing else is attached to it.
- staging: what an instructor imported, before anonymization (own file).
- workspace: groups, worksheets, saved specs and history (own file).

One DuckDB instance per database per process; callers take a cursor per
session or thread, since one connection object is not thread-safe.
"""
from __future__ import annotations

import hashlib
import os
import threading
from pathlib import Path

import duckdb
import duckdb_extension_spatial
import geopandas as gpd
import pandas as pd
import shapely

from lib import settings
from lib.data.catalog import Dataset, load_catalog

# Bump when the way tables are built changes, so existing databases are rebuilt.
BUILD_VERSION = "1"

SPATIAL_EXTENSION = (
    Path(duckdb_extension_spatial.__file__).parent
    / "extensions" / f"v{duckdb.__version__}" / "spatial.duckdb_extension"
)


def load_spatial(con: duckdb.DuckDBPyConnection) -> None:
    """LOAD the spatial extension from the wheel's file; INSTALL would need the internet."""
    con.execute(f"LOAD '{SPATIAL_EXTENSION.as_posix()}'")


def quote_identifier(name: str) -> str:
    """A DuckDB identifier, quoted so that any name (Japanese, spaces, quotes) is safe."""
    return '"' + str(name).replace('"', '""') + '"'


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
        raise ValueError(f"{ds.file.name}: 読み込めない形式です。")


def build_published_database(path: Path, datasets: list[Dataset]) -> None:
    """Build the published database into a temporary file, then swap it in atomically."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".building")
    for leftover in (tmp, tmp.with_name(tmp.name + ".wal")):
        leftover.unlink(missing_ok=True)
    con = duckdb.connect(str(tmp), config={"threads": settings.DUCKDB_THREADS})
    try:
        load_spatial(con)
        for ds in datasets:
            _load_dataset(con, ds)
        con.execute("CHECKPOINT")
    finally:
        con.close()
    os.replace(tmp, path)


def _open_locked_read_only(path: Path) -> duckdb.DuckDBPyConnection:
    con = duckdb.connect(
        str(path),
        read_only=True,
        config={
            "threads": settings.DUCKDB_THREADS,
            "memory_limit": settings.DUCKDB_MEMORY_LIMIT,
            "autoinstall_known_extensions": False,
            "autoload_known_extensions": False,
        },
    )
    load_spatial(con)
    con.execute("SET enable_external_access = false")
    con.execute("SET lock_configuration = true")
    return con


class Store:
    """The three databases of one data folder."""

    def __init__(self, data_dir: Path):
        self.data_dir = Path(data_dir)
        self.published_path = self.data_dir / "published.duckdb"
        self.fingerprint_path = self.data_dir / "published.fingerprint"
        self.staging_path = self.data_dir / "staging.duckdb"
        self._lock = threading.RLock()
        self._published: duckdb.DuckDBPyConnection | None = None
        self._staging: duckdb.DuckDBPyConnection | None = None

    # published -------------------------------------------------------------
    def published_is_stale(self) -> bool:
        if not self.published_path.exists() or not self.fingerprint_path.exists():
            return True
        current = sources_fingerprint(list(load_catalog().values()))
        return self.fingerprint_path.read_text().strip() != current

    def refresh_published(self, force: bool = False) -> bool:
        """Rebuild the published database if its sources changed; True if it was rebuilt."""
        with self._lock:
            datasets = list(load_catalog().values())
            fingerprint = sources_fingerprint(datasets)
            stale = force or not self.published_path.exists() or (
                not self.fingerprint_path.exists()
                or self.fingerprint_path.read_text().strip() != fingerprint
            )
            if not stale:
                return False
            if self._published is not None:
                self._published.close()
                self._published = None
            build_published_database(self.published_path, datasets)
            self.fingerprint_path.write_text(fingerprint)
            return True

    def published(self) -> duckdb.DuckDBPyConnection:
        """A new cursor on the locked, read-only published database."""
        with self._lock:
            if self._published is None:
                self.refresh_published()
                self._published = _open_locked_read_only(self.published_path)
            return self._published.cursor()

    def published_tables(self) -> list[str]:
        rows = self.published().execute(
            "SELECT table_name FROM information_schema.tables ORDER BY table_name"
        ).fetchall()
        return [r[0] for r in rows]

    # staging (the workspace lives in lib.workspace) -------------------------------------
    def staging(self) -> duckdb.DuckDBPyConnection:
        """A new cursor on the instructor's staging database (raw imports)."""
        with self._lock:
            if self._staging is None:
                self.data_dir.mkdir(parents=True, exist_ok=True)
                self._staging = duckdb.connect(str(self.staging_path))
                load_spatial(self._staging)
            return self._staging.cursor()

    def close(self) -> None:
        with self._lock:
            for con in (self._published, self._staging):
                if con is not None:
                    con.close()
            self._published = self._staging = None


_stores: dict[Path, Store] = {}
_stores_lock = threading.Lock()


def get_store() -> Store:
    """The process-wide store of the configured data folder."""
    path = settings.data_dir().resolve()
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
