"""Disclosure control: one small-cell rule for every figure a trainee can see.

The rule (`MIN_CELL`, env WORKBENCH_MIN_CELL, default 10 = the most cautious practice the
demo municipality follows, the one its maps already used): a figure that describes 1 to
MIN_CELL-1 persons is not shown (primary suppression). Then, so that a total or a difference
cannot give a hidden figure back:
- secondary suppression: along every dimension of a table (every row, every column, the
  whole list of a one-dimensional chart), a line never has exactly one hidden cell — the
  next smallest cell is hidden too, because the line's total can be asked for separately;
- the complement: a filtered figure is hidden when the persons one of its filters left out
  of the same cell are 1 to MIN_CELL-1 (the figure without that filter can be asked for,
  and the difference would describe them). Limit: two different value lists of the same
  filter (要介護4・5 vs 要介護4) are not compared; suppression cannot close every such
  difference — that would need perturbation (e.g. the cell-key method).
Zero is shown: "nobody" is not a person to protect, and hiding it would hide the map.

Which data describe persons is the data dictionary's `privacy.persons`: "records" (each
row is a person, e.g. care certifications, survey answers) or the name of a column that
counts persons (population tables). Tables of places (facilities, 通いの場) have none.
A dataset an instructor published without saying is treated as one person per record.
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import lru_cache

import duckdb
import numpy as np
import pandas as pd

from lib import settings
from lib.data.catalog import Dataset
from lib.data.query import quote_identifier as q
from lib.i18n import t

MIN_CELL = settings.MIN_CELL
RECORDS = "records"


# ---------------------------------------------------------------------------- which data describe persons
def persons_basis(ds: Dataset) -> str | None:
    """"records", a column counting persons, or None for data that describe no person."""
    privacy = ds.extra.get("privacy") or {}
    if "persons" in privacy:
        return privacy["persons"] or None
    return RECORDS if ds.origin == "published" and not ds.is_geo else None


def declared_rule(ds: Dataset) -> dict:
    """The record-level rule a dataset's dictionary declares: quasi_identifiers, sensitive, k, l."""
    return dict(ds.extra.get("privacy") or {})


def achieved_k_l(cursor, ds: Dataset) -> tuple[int | None, int | None]:
    """k (and l) measured on the published table over its declared quasi-identifiers."""
    rule = declared_rule(ds)
    quasi = [c for c in rule.get("quasi_identifiers") or [] if ds.has_column(c)]
    if not quasi:
        return None, None
    keys = ", ".join(q(c) for c in quasi)
    sensitive = rule.get("sensitive")
    distinct = f", COUNT(DISTINCT {q(sensitive)})" if sensitive and ds.has_column(sensitive) else ", NULL"
    row = cursor.execute(f"SELECT MIN(n), MIN(l) FROM (SELECT COUNT(*) AS n{distinct} AS l "
                         f"FROM {q(ds.name)} GROUP BY {keys})").fetchone()
    return (int(row[0]) if row[0] is not None else None, int(row[1]) if row[1] is not None else None)


def k_l_text(cursor, ds: Dataset) -> str:
    """"k = 5, l = 2" for the catalog's overview ("" when no rule is declared)."""
    k, l_value = achieved_k_l(cursor, ds)
    if k is None:
        return ""
    return f"k = {k}" + (f", l = {l_value}" if l_value is not None else "")


def privacy_summary(cursor, ds: Dataset, lang: str = "ja") -> str:
    """What the catalog says: k (and l) the table achieves, and whether small figures are hidden."""
    parts = []
    k, l_value = achieved_k_l(cursor, ds)
    if k is not None:
        rule = declared_rule(ds)
        labels = "・".join(ds.column(c).label_in(lang) for c in rule["quasi_identifiers"] if ds.has_column(c))
        parts.append(t("disclosure.catalog.k", lang, k=k, quasi=labels))
        if l_value is not None:
            parts.append(t("disclosure.catalog.l", lang, l=l_value,
                           sensitive=ds.column(rule["sensitive"]).label_in(lang)))
    if persons_basis(ds):
        parts.append(t("disclosure.catalog.small_cells", lang, threshold=MIN_CELL))
    return t("disclosure.catalog.separator", lang).join(parts)


# ---------------------------------------------------------------------------- the rule
def is_small(persons, threshold: int | None = None) -> np.ndarray:
    """1 … threshold-1 persons (NaN counts as none)."""
    limit = MIN_CELL if threshold is None else threshold
    values = pd.to_numeric(pd.Series(persons), errors="coerce").fillna(0).to_numpy(dtype=float)
    return (values > 0) & (values < limit)


def suppression_mask(cells: pd.DataFrame, dims: list[str], persons: pd.Series, threshold: int | None = None,
                     also_hidden=None) -> pd.Series:
    """Which cells to hide: primary (small, or `also_hidden`, e.g. a small complement), then
    secondary along every dimension."""
    counts = pd.to_numeric(pd.Series(persons), errors="coerce").fillna(0).to_numpy(dtype=float)
    hidden = is_small(counts, threshold)
    if also_hidden is not None:
        hidden |= np.asarray(also_hidden, dtype=bool)
    if hidden.any() and len(cells):
        keys = cells[dims].astype("string").fillna("\0").reset_index(drop=True) if dims else None
        lines = []  # every row / column / …: positions of the cells varying along one dimension
        for dim in dims or [None]:
            others = [d for d in dims if d != dim]
            lines += [np.asarray(v) for v in keys.groupby(others, sort=False).indices.values()] if others \
                else [np.arange(len(cells))]
        changed = True
        while changed:
            changed = False
            for line in lines:
                if hidden[line].sum() != 1:
                    continue
                shown = line[~hidden[line]]
                if not len(shown):
                    continue
                positive = shown[counts[shown] > 0]
                pool = positive if len(positive) else shown
                hidden[pool[np.argmin(counts[pool])]] = True
                changed = True
    return pd.Series(hidden, index=cells.index)


def hide(frame: pd.DataFrame, hidden: pd.Series, keep: list[str]) -> pd.DataFrame:
    """The frame with every column but `keep` (the dimensions) blanked in hidden rows."""
    out = frame.copy()
    mask = hidden.to_numpy(dtype=bool)
    for column in (c for c in out.columns if c not in keep and mask.any()):
        kind = out[column].dtype
        # Counts stay whole numbers (a CSV shows 12, not 12.0); a hidden one is missing.
        out[column] = out[column].astype("Int64" if pd.api.types.is_integer_dtype(kind) else
                                          "float64" if pd.api.types.is_numeric_dtype(kind) else object)
        out.loc[mask, column] = pd.NA if pd.api.types.is_integer_dtype(out[column].dtype) else np.nan
    out.attrs["suppressed_cells"] = int(mask.sum()) + int(frame.attrs.get("suppressed_cells", 0))
    return out


def suppressed_cells(frame: pd.DataFrame | None) -> int:
    return int(frame.attrs.get("suppressed_cells", 0)) if frame is not None else 0


def notice(count: int, lang: str = "ja") -> str:
    """What the page says when cells are hidden, and why."""
    return t("disclosure.notice", lang, n=count, threshold=MIN_CELL)


def protect_table(table: pd.DataFrame, persons: pd.DataFrame | None = None,
                  threshold: int | None = None) -> tuple[pd.DataFrame, int]:
    """A crosstab of counts (rows × columns, no margins): small cells and their partners hidden."""
    counts = table if persons is None else persons
    long = counts.stack(future_stack=True).rename("persons").reset_index()
    long.columns = ["row", "column", "persons"]
    hidden = suppression_mask(long, ["row", "column"], long["persons"], threshold=threshold)
    mask = pd.DataFrame(hidden.to_numpy().reshape(counts.shape), index=counts.index, columns=counts.columns)
    return table.astype("float64").mask(mask), int(mask.to_numpy().sum())


# ---------------------------------------------------------------------------- trainee SQL results
class ResultRefused(ValueError):
    """An aggregate over person data whose cells cannot be checked; `key` names the message."""

    detail = ""  # shown like a refused query's details (lib.ui.show_query_error): none here

    def __init__(self, key: str):
        super().__init__(key)
        self.key = key

    def text(self, lang: str = "ja") -> str:
        return t(self.key, lang, threshold=MIN_CELL)


@lru_cache(maxsize=1)
def _aggregate_names() -> frozenset[str]:
    with duckdb.connect() as con:
        rows = con.execute("SELECT DISTINCT function_name FROM duckdb_functions() "
                           "WHERE function_type = 'aggregate'").fetchall()
    return frozenset(r[0].lower() for r in rows) | {"count_star"}


# Rows a query can add to a group without reading person data (UNION ALL, range(), VALUES): padding a
# small group up to the threshold, then subtracting the padding, would reveal it.
_PADDING = frozenset({"SET_OPERATION_NODE", "TABLE_FUNCTION", "EXPRESSION_LIST"})


def _walk(node, found: dict) -> None:
    if isinstance(node, dict):
        if node.get("type") == "BASE_TABLE" and node.get("table_name"):
            found["tables"].add(str(node["table_name"]).lower())
        if isinstance(node.get("type"), str) and node["type"] in _PADDING:
            found["padding"] = True
        if node.get("class") == "WINDOW" or (
                node.get("class") == "FUNCTION" and str(node.get("function_name", "")).lower() in _aggregate_names()):
            found["aggregates"] = True
        if node.get("group_expressions"):
            found["aggregates"] = True
        for value in node.values():
            _walk(value, found)
    elif isinstance(node, list):
        for value in node:
            _walk(value, found)


def _parse(query: str) -> dict | None:
    with duckdb.connect() as con:
        tree = json.loads(con.execute("SELECT json_serialize_sql(?)", [query]).fetchone()[0])
    return None if tree.get("error") else tree["statements"][0]["node"]


@dataclass(frozen=True)
class QueryShape:
    """What a trainee query reads and does, as far as its syntax tree tells."""
    node: dict | None  # None: DuckDB cannot serialize it (PIVOT, UNPIVOT, …)
    tables: frozenset[str]
    aggregates: bool
    padding: bool  # UNION / range() / VALUES somewhere in the query


def query_shape(query: str, catalog: dict[str, Dataset]) -> QueryShape:
    node = _parse(query)
    if node is None:
        # The tree cannot be read: the tables it names are the words of its text.
        words = set(re.findall(r"[\w]+", query.lower()))
        return QueryShape(None, frozenset(n.lower() for n in catalog if n.lower() in words), True, False)
    found = {"tables": set(), "aggregates": False, "padding": False}
    _walk(node, found)
    return QueryShape(node, frozenset(found["tables"]), found["aggregates"], found["padding"])


def reads_persons(shape: QueryShape, catalog: dict[str, Dataset]) -> bool:
    return bool(shape.tables & {name.lower() for name, ds in catalog.items() if persons_basis(ds)})


def _limit(node: dict) -> int | None:
    for modifier in node.get("modifiers") or []:
        limit = modifier.get("limit") or {}
        if modifier.get("type") == "LIMIT_MODIFIER" and limit.get("class") == "CONSTANT":
            return int(limit["value"]["value"])
    return None


def _contains_aggregate(node) -> bool:
    found = {"tables": set(), "aggregates": False, "padding": False}
    _walk(node, found)
    return found["aggregates"]


def _top_columns(node: dict, columns: list[str]) -> dict[str, str] | None:
    """Each result column as "count", "figure" (holds an aggregate) or "key"; None if that cannot be told."""
    select = node.get("select_list") if node.get("type") == "SELECT_NODE" else None
    if not select or len(select) != len(columns) or any(e.get("class") == "STAR" for e in select):
        return None
    kinds = {}
    for column, entry in zip(columns, select, strict=True):
        name = str(entry.get("function_name", "")).lower()
        if entry.get("class") == "FUNCTION" and name in {"count", "count_star"}:
            kinds[column] = "count"
        else:
            kinds[column] = "figure" if _contains_aggregate(entry) else "key"
    return kinds


def whole_numbers(column: pd.Series) -> pd.Series:
    """The column's values that are whole numbers, whatever their type (9, 9.0, "9"); others NaN.

    A count stays a count when it is multiplied by 1.0 or cast to text (`sum(…)*1.0`, `count(*)::VARCHAR`).
    """
    if pd.api.types.is_bool_dtype(column):
        return pd.Series(np.nan, index=column.index)
    values = pd.to_numeric(column if pd.api.types.is_numeric_dtype(column) else column.astype("string").str.strip(),
                           errors="coerce").astype("float64")
    return values.where(np.isfinite(values) & (values == np.round(values)))


def _blank(out: pd.DataFrame, column: str, hidden: pd.Series) -> int:
    """Blank the hidden rows of one column (a whole-number column becomes Int64, text stays text)."""
    mask = hidden.to_numpy(dtype=bool)
    if not mask.any():
        return 0
    kind = out[column].dtype
    out[column] = out[column].astype("Int64" if pd.api.types.is_integer_dtype(kind) else
                                      "float64" if pd.api.types.is_numeric_dtype(kind) else object)
    out.loc[mask, column] = pd.NA if pd.api.types.is_integer_dtype(out[column].dtype) else np.nan
    return int(mask.sum())


def check_query_result(query: str, frame: pd.DataFrame, catalog: dict[str, Dataset],
                       threshold: int | None = None) -> pd.DataFrame:
    """Trainee SQL's result as it may be shown.

    Rows of a published record-level table are shown as they are (publishing made them
    k-anonymous), unless fewer than MIN_CELL come back, or a LIMIT under MIN_CELL asks for
    fewer: how many rows come back would be a small count (LIMIT 5 shown / LIMIT 6 refused
    tells a 5). An aggregate over person data must show its COUNT at the top of the query:
    rows counting 1 … MIN_CELL-1 persons are blanked (with secondary suppression down that
    column), and so is every other small whole number in any column, whatever its type (a
    COUNT in an expression, `sum(CASE …)*1.0`, `count(*)::VARCHAR`), with a partner down
    its column. Refused: an aggregate whose counts cannot be told (no COUNT column,
    SELECT *, a top-level UNION), one that adds rows of its own (UNION ALL, range(), VALUES:
    padding a small group up past the threshold), and one DuckDB cannot serialize (PIVOT).
    Arithmetic can still disguise a count (count(*) * 7 + 3): that is what output checking
    (lib.analysis.output_check) and the instructor's review are for.
    """
    limit_value = MIN_CELL if threshold is None else threshold
    shape = query_shape(query, catalog)
    if not reads_persons(shape, catalog):
        return frame
    if shape.node is None:
        raise ResultRefused("disclosure.sql.unreadable")
    node = shape.node
    if not shape.aggregates:
        # Listing records: how many rows came back is itself a count.
        limit = _limit(node)
        if limit is not None and limit < limit_value:
            raise ResultRefused("disclosure.sql.small_limit")
        if is_small([len(frame)], threshold)[0]:
            raise ResultRefused("disclosure.sql.few_records")
        return frame
    if shape.padding:
        raise ResultRefused("disclosure.sql.padding")
    kinds = _top_columns(node, list(frame.columns))
    counts = [c for c, kind in (kinds or {}).items() if kind == "count"]
    if not counts:
        raise ResultRefused("disclosure.sql.count_needed")
    keys = [c for c, kind in kinds.items() if kind == "key"]
    hidden = suppression_mask(frame, [], frame[counts].min(axis=1), threshold=threshold)
    out = hide(frame, hidden, keys)
    small_figures = 0
    for column in (c for c, kind in kinds.items() if kind == "figure"):
        numbers = whole_numbers(out[column])
        if not numbers.notna().any():
            continue
        figure_hidden = suppression_mask(out, [], numbers.fillna(0), threshold=threshold)
        small_figures += _blank(out, column, figure_hidden)
    out.attrs["suppressed_cells"] = suppressed_cells(out) + small_figures
    return out
