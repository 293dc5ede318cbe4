"""A chart's cube (its records grouped by every column it reads), kept per published build.

A chart with filters reads its records once into a cube (lib.charts.sql._cube) and evaluates its
filters, and the small-cell rule's "one filter left out" counts, on that small table. The cube
depends on which columns a chart reads, not on the values chosen, so the next chart that differs
only in its filter values (a trainee ticking years or age bands) reads the kept cube instead of
every record again.

Kept only for a read-only database file: a published build never changes and a new build has a new
file, so the file's path names the data. Anything else (a scratch or in-memory database that can be
written) gets its cube computed inside the chart's own query, as before.
"""
from __future__ import annotations

import threading
from collections import OrderedDict

import duckdb

MAX_ROWS_KEPT = 2_000_000  # all kept cubes together (about 100 MB at worst)
MAX_ROWS_ONE = 250_000  # a larger cube is as slow to read as the records: computed, not kept

_lock = threading.Lock()
_kept: OrderedDict[tuple[str, str], object] = OrderedDict()  # (database file, cube SQL) → Arrow table


def cache_key(cursor: duckdb.DuckDBPyConnection) -> str | None:
    """The read-only database file this cursor reads, or None when its data may change."""
    row = cursor.execute("SELECT path, readonly FROM duckdb_databases() "
                         "WHERE database_name = current_database()").fetchone()
    return row[0] if row and row[0] and row[1] else None


def register(cursor: duckdb.DuckDBPyConnection, database: str, cubes: dict[str, str]) -> None:
    """Each named cube (name → its SQL, which binds no parameter) as a view on this cursor."""
    for name, sql in cubes.items():
        key = (database, sql)
        with _lock:
            table = _kept.get(key)
            if table is not None:
                _kept.move_to_end(key)
        if table is None:
            table = cursor.execute(sql).to_arrow_table()
            if table.num_rows <= MAX_ROWS_ONE:
                _keep(key, table)
        cursor.register(name, table)


def unregister(cursor: duckdb.DuckDBPyConnection, cubes: dict[str, str]) -> None:
    for name in cubes:
        cursor.unregister(name)


def _keep(key: tuple[str, str], table) -> None:
    with _lock:
        _kept[key] = table
        while sum(t.num_rows for t in _kept.values()) > MAX_ROWS_KEPT:
            _kept.popitem(last=False)


def clear() -> None:
    """Forget every kept cube (tests)."""
    with _lock:
        _kept.clear()
