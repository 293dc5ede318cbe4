"""Moving a workspace of the DuckDB era (`workspace.duckdb`) into the current backend.

Runs by itself on the first start that finds the old file (and by
`python -m lib.cli migrate-workspace`). The old file is kept, renamed
`workspace.duckdb.migrated`, so that a second start does not migrate again.
"""
from __future__ import annotations

import logging
from datetime import datetime
from pathlib import Path

import duckdb

from lib.workspace.backend import TABLES, WorkspaceError

log = logging.getLogger(__name__)

LEGACY_FILE = "workspace.duckdb"
MIGRATED_SUFFIX = ".migrated"


class MigrationError(WorkspaceError):
    """The old workspace cannot be read or the new one is not empty; nothing was changed."""


def legacy_path(data_dir: Path) -> Path:
    return Path(data_dir) / LEGACY_FILE


def _plain(value):
    if isinstance(value, datetime):
        return value.isoformat(timespec="microseconds")
    if isinstance(value, bool):
        return int(value)
    return value


def read_legacy(path: Path) -> dict[str, list[dict]]:
    """Every row of the old DuckDB workspace, with times as ISO text and flags as 0/1."""
    try:
        con = duckdb.connect(str(path), read_only=True)
    except duckdb.Error as exc:
        log.error("old workspace %s cannot be opened: %s", path, exc)
        raise MigrationError("migrate.error.unreadable") from exc
    try:
        tables = {}
        present = {r[0] for r in con.execute("SELECT table_name FROM information_schema.tables").fetchall()}
        for table in TABLES:
            if table not in present:
                tables[table] = []
                continue
            cursor = con.execute(f"SELECT * FROM {table} ORDER BY 1")
            names = [d[0] for d in cursor.description]
            tables[table] = [{n: _plain(v) for n, v in zip(names, row, strict=True)} for row in cursor.fetchall()]
        return tables
    finally:
        con.close()


def migrate(ws, data_dir: Path) -> dict[str, int]:
    """Copy the old workspace into `ws` (which must be empty), then rename the old file. Row counts."""
    path = legacy_path(data_dir)
    if not path.exists():
        raise MigrationError("migrate.error.none")
    if not ws.is_empty():
        raise MigrationError("migrate.error.not_empty")
    tables = read_legacy(path)
    ws.replace_all(tables)
    path.rename(path.with_name(path.name + MIGRATED_SUFFIX))
    counts = {table: len(rows) for table, rows in tables.items()}
    log.info("migrated the DuckDB workspace: %s", counts)
    return counts


def migrate_if_found(ws, data_dir: Path) -> dict[str, int] | None:
    """On start: migrate when an old file is there and the new workspace is still empty."""
    if legacy_path(data_dir).exists() and ws.is_empty():
        return migrate(ws, data_dir)
    return None
