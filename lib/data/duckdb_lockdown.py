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


_signature_checked = False


def connect_with_spatial(database: str, read_only: bool = False, **config) -> duckdb.DuckDBPyConnection:
    """A connection with the spatial extension LOADed from the wheel's file (INSTALL would need the internet).

    DuckDB checks an extension's signature on every LOAD, 0.5–0.9 s for this 80 MB file (most of a publish,
    and of every build a trainee's first query waits for). The first LOAD in a process checks it; later
    connections load the same, already checked file without checking again."""
    global _signature_checked
    trusted = {"allow_unsigned_extensions": True} if _signature_checked else {}
    con = duckdb.connect(database, read_only=read_only, config={**config, **trusted})
    con.execute(f"LOAD '{SPATIAL_EXTENSION.as_posix()}'")
    _signature_checked = True
    return con


def lock(con: duckdb.DuckDBPyConnection) -> duckdb.DuckDBPyConnection:
    """No file or network access and no SET from now on (load extensions before this)."""
    con.execute("SET enable_external_access = false")
    con.execute("SET lock_configuration = true")
    return con


def open_locked_read_only(path: Path, memory_limit: str, threads: int) -> duckdb.DuckDBPyConnection:
    """The published database, read-only, with spatial loaded and then everything external off."""
    return lock(connect_with_spatial(str(path), read_only=True, threads=threads, memory_limit=memory_limit,
                                     **NO_AUTOLOAD))


def locked_memory_connection() -> duckdb.DuckDBPyConnection:
    """An empty in-memory database that can only parse and compute: for checking SQL and converting results."""
    return lock(duckdb.connect(":memory:", config={"threads": 1, **NO_AUTOLOAD}))
