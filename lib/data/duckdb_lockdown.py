"""DuckDB connections that cannot reach files, the network or their own settings.

Kept apart from lib.data.store (which needs geopandas) so that the trainee-SQL
worker process starts with DuckDB alone.
"""
from __future__ import annotations

from pathlib import Path

import duckdb
import duckdb_extension_spatial

SPATIAL_EXTENSION = (
    Path(duckdb_extension_spatial.__file__).parent
    / "extensions" / f"v{duckdb.__version__}" / "spatial.duckdb_extension"
)
# Extensions are never fetched or loaded behind our back (both would reach the network or files).
NO_AUTOLOAD = {"autoinstall_known_extensions": False, "autoload_known_extensions": False}


def load_spatial(con: duckdb.DuckDBPyConnection) -> None:
    """LOAD the spatial extension from the wheel's file; INSTALL would need the internet."""
    con.execute(f"LOAD '{SPATIAL_EXTENSION.as_posix()}'")


def lock(con: duckdb.DuckDBPyConnection) -> duckdb.DuckDBPyConnection:
    """No file or network access and no SET from now on (load extensions before this)."""
    con.execute("SET enable_external_access = false")
    con.execute("SET lock_configuration = true")
    return con


def open_locked_read_only(path: Path, memory_limit: str, threads: int) -> duckdb.DuckDBPyConnection:
    """The published database, read-only, with spatial loaded and then everything external off."""
    con = duckdb.connect(str(path), read_only=True,
                         config={"threads": threads, "memory_limit": memory_limit, **NO_AUTOLOAD})
    load_spatial(con)
    return lock(con)


def locked_memory_connection() -> duckdb.DuckDBPyConnection:
    """An empty in-memory database that can only parse and compute: for checking SQL and converting results."""
    return lock(duckdb.connect(":memory:", config={"threads": 1, **NO_AUTOLOAD}))
