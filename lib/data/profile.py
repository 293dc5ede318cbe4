"""What the catalog shows about a published dataset: size, first rows, column statistics."""
from __future__ import annotations

import math

import duckdb
import geopandas as gpd
import pandas as pd

from lib.data.catalog import Dataset
from lib.data.query import quote_identifier
from lib.data.store import read_geo


def row_count(cursor: duckdb.DuckDBPyConnection, ds: Dataset) -> int:
    return cursor.execute(f"SELECT count(*) FROM {quote_identifier(ds.name)}").fetchone()[0]


def preview_rows(cursor: duckdb.DuckDBPyConnection, ds: Dataset, limit: int = 20) -> pd.DataFrame:
    """The first rows, without the geometry (shown on the map instead)."""
    columns = ", ".join(quote_identifier(c.name) for c in ds.data_columns)
    return cursor.execute(f"SELECT {columns} FROM {quote_identifier(ds.name)} LIMIT ?", [limit]).df()


def column_statistics(cursor: duckdb.DuckDBPyConnection, ds: Dataset) -> pd.DataFrame:
    """Per column: count, missing share, distinct values, min / max / mean / median (DuckDB SUMMARIZE)."""
    columns = ", ".join(quote_identifier(c.name) for c in ds.data_columns)
    summary = cursor.execute(f"SUMMARIZE (SELECT {columns} FROM {quote_identifier(ds.name)})").df()
    numeric = {c.name for c in ds.data_columns if c.is_numeric}
    rows = []
    for rec in summary.to_dict("records"):
        name = rec["column_name"]
        is_num = name in numeric
        rows.append({
            "column": name,
            "count": int(rec["count"]),
            "missing_pct": float(rec["null_percentage"]),
            "distinct": int(rec["approx_unique"]),
            "min": rec["min"],
            "max": rec["max"],
            "mean": float(rec["avg"]) if is_num and rec["avg"] is not None else None,
            "median": float(rec["q50"]) if is_num and rec["q50"] is not None else None,
        })
    return pd.DataFrame(rows)


def readable_number(value) -> str:
    """A figure for a table cell: thousands separated, at most two decimals, "—" when there is none."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "—"
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return f"{value:,.0f}" if float(value).is_integer() else f"{value:,.2f}".rstrip("0").rstrip(".")
    return str(value)


def readable_statistics(stats: pd.DataFrame) -> pd.DataFrame:
    """column_statistics for people: min / max / mean / median as text, "—" where a column has none."""
    shown = stats.copy()
    for name in ("min", "max", "mean", "median"):
        shown[name] = [readable_number(v) for v in shown[name].astype(object)]
    return shown


def geo_frame(cursor: duckdb.DuckDBPyConnection, ds: Dataset, limit: int = 5000) -> gpd.GeoDataFrame:
    """The dataset's features for a preview map (at most `limit`)."""
    columns = ", ".join(quote_identifier(c.name) for c in ds.columns)
    return read_geo(cursor, f"SELECT {columns} FROM {quote_identifier(ds.name)} LIMIT {int(limit)}")
