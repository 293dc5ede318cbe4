"""What the area analyses share: the per-町丁目 indicators they read, the areas the small-cell rule leaves
out, and the columns' words."""
from __future__ import annotations

import pandas as pd

from lib.analysis.area_indicators import NAME as AREAS_TABLE
from lib.analysis.area_indicators import few_persons
from lib.analysis.disclosure import MIN_CELL
from lib.data.query import Filter, fetch_columns, resolve_column
from lib.i18n import t

KEYS = ["area_code", "area_name", "population", "care_certified_65plus"]


def column_labels(catalog: dict, dataset: str, columns: list[str], lang: str) -> dict[str, str]:
    ds = catalog[dataset]
    found = {c: resolve_column(catalog, ds, c) for c in columns}
    return {c: (col.label_in(lang) if col is not None else c) for c, col in found.items()}


def filters_of(spec: dict) -> list[Filter]:
    return [Filter.from_dict(f) for f in spec.get("filters") or []]


def area_rows(cursor, catalog: dict, columns: list[str], filters: list[Filter] | None = None
              ) -> tuple[pd.DataFrame, pd.Series]:
    """The indicators (one row per area, indexed by area code) and which areas are left out (too few persons)."""
    frame = fetch_columns(cursor, catalog, AREAS_TABLE, list(dict.fromkeys([*KEYS, *columns])), filters,
                          area_codes=True)
    frame = frame.set_index(frame["area_code"].astype(str))
    return frame, few_persons(frame, columns)


def left_out_sentence(hidden: pd.Series, lang: str) -> str:
    return t("area.left_out", lang, n=int(hidden.sum()), threshold=MIN_CELL) if hidden.any() else ""
