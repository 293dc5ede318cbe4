"""Checked imports in the STAGING database (never the published one), with their metadata."""
from __future__ import annotations

import json
import re
from datetime import datetime
from pathlib import Path

import pandas as pd
import shapely

from lib.data.column_types import apply_types
from lib.data.import_result import DataImportError, ImportResult
from lib.data.query import quote_identifier
from lib.data.store import get_store, read_geo

METADATA_TABLE = "_imports"
_NAME = re.compile(r"^[a-z][a-z0-9_]{0,62}$")


def suggest_name(source_name: str) -> str:
    stem = Path(source_name).stem.lower()
    stem = re.sub(r"[^a-z0-9_]+", "_", stem).strip("_")
    if not stem or not stem[0].isalpha():
        stem = "import_" + stem if stem else "import_" + datetime.now().strftime("%Y%m%d_%H%M%S")
    return stem[:60]


def check_name(name: str) -> str:
    if not name or not _NAME.match(name):
        raise DataImportError("bad_name", name=name)
    return name


def _ensure_metadata(cursor) -> None:
    cursor.execute(
        f"CREATE TABLE IF NOT EXISTS {METADATA_TABLE} (name VARCHAR PRIMARY KEY, source VARCHAR, "
        "format VARCHAR, encoding VARCHAR, sheet VARCHAR, rows BIGINT, columns VARCHAR, types VARCHAR, "
        "geometry BOOLEAN, warnings VARCHAR, imported_at TIMESTAMP, imported_by VARCHAR)"
    )


def store_import(result: ImportResult, name: str, *, types: dict[str, str] | None = None,
                 imported_by: str = "", store=None, replace: bool = True) -> str:
    """Put a checked import into the STAGING database (table `name`) with its metadata."""
    check_name(name)
    store = store or get_store()
    chosen_types = {**result.types, **(types or {})}
    frame = apply_types(result.frame, chosen_types)
    cursor = store.staging()
    try:
        _ensure_metadata(cursor)
        exists = cursor.execute(f"SELECT count(*) FROM {METADATA_TABLE} WHERE name = ?", [name]).fetchone()[0]
        if exists and not replace:
            raise DataImportError("name_taken", name=name)
        plain = pd.DataFrame(frame.drop(columns=frame.geometry.name)) if result.is_geo else frame
        if result.is_geo:
            plain = plain.copy()
            plain["__wkb"] = shapely.to_wkb(frame.geometry.values)
        cursor.register("__import", plain)
        select = "* EXCLUDE (__wkb), ST_GeomFromWKB(__wkb) AS geometry" if result.is_geo else "*"
        cursor.execute("BEGIN TRANSACTION")
        try:
            cursor.execute(f"CREATE OR REPLACE TABLE {quote_identifier(name)} AS SELECT {select} FROM __import")
            cursor.execute(f"DELETE FROM {METADATA_TABLE} WHERE name = ?", [name])
            summary = result.summary()
            cursor.execute(
                f"INSERT INTO {METADATA_TABLE} VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [name, result.source_name, result.format, result.encoding, result.sheet, len(frame),
                 json.dumps(summary["columns"], ensure_ascii=False),
                 json.dumps(chosen_types, ensure_ascii=False), result.is_geo,
                 json.dumps(summary["warnings"], ensure_ascii=False), datetime.now(), imported_by],
            )
            cursor.execute("COMMIT")
        except Exception:
            cursor.execute("ROLLBACK")
            raise
        finally:
            cursor.unregister("__import")
    finally:
        cursor.close()
    return name


def staged_imports(store=None) -> pd.DataFrame:
    """The imports in staging, newest first."""
    cursor = (store or get_store()).staging()
    try:
        _ensure_metadata(cursor)
        return cursor.execute(f"SELECT * FROM {METADATA_TABLE} ORDER BY imported_at DESC").df()
    finally:
        cursor.close()


def load_staged(name: str, store=None) -> tuple[pd.DataFrame, dict[str, str]]:
    """A staged import as a (Geo)DataFrame, with its column types."""
    check_name(name)
    cursor = (store or get_store()).staging()
    try:
        _ensure_metadata(cursor)
        row = cursor.execute(f"SELECT types, geometry FROM {METADATA_TABLE} WHERE name = ?", [name]).fetchone()
        if row is None:
            raise DataImportError("not_staged", name=name)
        types = json.loads(row[0])
        if row[1]:
            frame = read_geo(cursor, f"SELECT * FROM {quote_identifier(name)}")
        else:
            frame = cursor.execute(f"SELECT * FROM {quote_identifier(name)}").df()
        return frame, types
    finally:
        cursor.close()


def drop_staged(name: str, store=None) -> None:
    check_name(name)
    cursor = (store or get_store()).staging()
    try:
        _ensure_metadata(cursor)
        cursor.execute(f"DROP TABLE IF EXISTS {quote_identifier(name)}")
        cursor.execute(f"DELETE FROM {METADATA_TABLE} WHERE name = ?", [name])
    finally:
        cursor.close()
