"""Column types of an imported table: inferred from the values, changeable, then applied.

The types are those of the data dictionary (lib.data.catalog.COLUMN_TYPES), so an
import can be published with the types the instructor confirmed.
"""
from __future__ import annotations

import re

import geopandas as gpd
import pandas as pd

EDITABLE_TYPES = ["text", "category", "code", "integer", "number", "year", "date"]
_CODE_NAMES = re.compile(r"(code|コード|番号|KEY_CODE|_id$|^id$|ＩＤ|ID$)", re.I)
_YEAR_NAMES = re.compile(r"(year|年度|^年$)", re.I)
_DATE = re.compile(r"^\d{4}[-/]\d{1,2}[-/]\d{1,2}$")
_DIGITS = re.compile(r"^\d+$")


def infer_type(values: pd.Series, name: str = "") -> str:
    """One column's type from its non-missing values (a sample of up to 5,000)."""
    if isinstance(values.dtype, gpd.array.GeometryDtype):
        return "geometry"
    present = values.dropna()
    if present.empty:
        return "text"
    sample = present.sample(min(len(present), 5000), random_state=0) if len(present) > 5000 else present
    if pd.api.types.is_bool_dtype(sample):
        return "category"
    if pd.api.types.is_datetime64_any_dtype(sample):
        return "date"
    text = sample.astype(str).str.strip()
    digits = text.str.match(_DIGITS).all()
    if digits and (_CODE_NAMES.search(name) or (text.str.startswith("0") & text.str.len().gt(1)).any()):
        return "code"
    numbers = pd.to_numeric(text, errors="coerce")
    if numbers.notna().all():
        if (numbers == numbers.round()).all():
            if _YEAR_NAMES.search(name) and numbers.between(1900, 2100).all():
                return "year"
            return "integer"
        return "number"
    if text.str.match(_DATE).all() and pd.to_datetime(text, errors="coerce", format="mixed").notna().all():
        return "date"
    distinct = present.nunique()
    if distinct <= 30 and distinct <= max(2, len(present) // 2):
        return "category"
    return "text"


def infer_types(frame: pd.DataFrame) -> dict[str, str]:
    return {str(c): infer_type(frame[c], str(c)) for c in frame.columns}


def apply_types(frame: pd.DataFrame, types: dict[str, str]) -> pd.DataFrame:
    """A copy with each column converted; values that do not fit become missing."""
    out = frame.copy()
    for column, kind in types.items():
        if column not in out.columns or kind == "geometry":
            continue
        values = out[column]
        if kind in {"integer", "year"}:
            numbers = pd.to_numeric(values.astype("string").str.strip(), errors="coerce")
            out[column] = numbers.round().astype("Int64")
        elif kind == "number":
            out[column] = pd.to_numeric(values.astype("string").str.strip(), errors="coerce").astype("Float64")
        elif kind == "date":
            out[column] = pd.to_datetime(values.astype("string"), errors="coerce", format="mixed").dt.normalize()
        else:
            out[column] = values.astype("string")
    return out


def conversion_losses(frame: pd.DataFrame, types: dict[str, str]) -> dict[str, int]:
    """How many present values each column would lose (become missing) under `types`."""
    converted = apply_types(frame, types)
    losses = {}
    for column in types:
        if column in frame.columns and types[column] != "geometry":
            lost = int((frame[column].notna() & converted[column].isna()).sum())
            if lost:
                losses[column] = lost
    return losses
