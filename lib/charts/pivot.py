"""Pivot tables (クロス集計) with row / column totals and percentages.

Totals are computed by the database for each margin (the same spec with fewer
dimensions), so that a total of means or rates is the mean or rate of all the
records, not a sum of cell values.
"""
from __future__ import annotations

from dataclasses import dataclass, replace

import pandas as pd

from lib.analysis.disclosure import suppressed_cells
from lib.charts.labels import column_label, measure_label, measure_unit, paren, prepare_frame
from lib.charts.spec import ChartSpec, check_spec
from lib.charts.sql import run_chart
from lib.data.catalog import Dataset
from lib.i18n import t

PERCENT_BY = ("none", "row", "column", "total")
# Measures whose cells add up to their totals, so that percentages of a total make sense.
ADDITIVE = {"count", "sum"}


@dataclass
class Pivot:
    table: pd.DataFrame  # rows × columns, with the total row and column
    row_label: str
    column_label: str
    value_label: str
    additive: bool
    hidden_cells: int = 0  # cells and totals hidden by the small-cell rule (shown blank)


def _labels(frame: pd.DataFrame, spec: ChartSpec, catalog) -> tuple[pd.DataFrame, dict]:
    return prepare_frame(frame, spec, catalog)


def assemble_pivot(cells: pd.DataFrame, row_totals: pd.DataFrame, column_totals: pd.DataFrame | None,
                   grand_total: float, row: str, column: str | None, total_label: str,
                   row_order: list | None = None, column_order: list | None = None) -> pd.DataFrame:
    """Cells (row, column, value) and the margins → one table with a total row and column."""
    if column is None:
        table = row_totals.set_index(row)[["value"]].rename(columns={"value": total_label})
    else:
        table = cells.pivot(index=row, columns=column, values="value")  # a hidden cell stays NaN
        table = table.reindex(index=pd.unique(cells[row]), columns=pd.unique(cells[column]))
        if column_order:
            table = table.reindex(columns=[c for c in column_order if c in table.columns])
        table[total_label] = row_totals.set_index(row)["value"].reindex(table.index)
    if row_order:
        table = table.reindex([r for r in row_order if r in table.index])
    bottom = {total_label: grand_total}
    if column is not None:
        bottom.update(column_totals.set_index(column)["value"].to_dict())
    table = table.astype(float)
    table.loc[total_label] = pd.Series(bottom, dtype=float).reindex(table.columns)
    table.index.name = None
    table.columns.name = None
    return table


def percentages(table: pd.DataFrame, by: str, total_label: str) -> pd.DataFrame:
    """Each cell as % of its row total, column total or the grand total."""
    if by == "row":
        result = table.div(table[total_label], axis=0)
    elif by == "column":
        result = table.div(table.loc[total_label], axis=1)
    elif by == "total":
        result = table / table.loc[total_label, total_label]
    else:
        return table
    return (result * 100).round(1)


def build_pivot(cursor, catalog: dict[str, Dataset], spec: ChartSpec, lang: str = "ja") -> Pivot:
    """Run the spec (dimensions = [row] or [row, column]) and its margins; assemble the table.

    ChartSpecError if the spec itself is invalid (checked before its margins are run)."""
    check_spec(spec, catalog)
    row = spec.dimensions[0]
    column = spec.dimensions[1] if len(spec.dimensions) > 1 else None
    plain = replace(spec, chart_type="bar", facet=None, options={})
    additive = spec.measure.kind in ADDITIVE
    total_label = t("pivot.total" if additive else "pivot.overall", lang)

    hidden = 0

    def query(dims: list[str]) -> tuple[pd.DataFrame, dict]:
        nonlocal hidden
        trial = replace(plain, dimensions=dims, chart_type="bar" if dims else "kpi")
        frame = run_chart(cursor, catalog, trial)
        hidden += suppressed_cells(frame)
        return _labels(frame, trial, catalog)

    cells, orders = query([row, column]) if column else (None, {})
    row_totals, row_orders = query([row])
    column_totals, column_orders = query([column]) if column else (None, {})
    grand, _ = query([])
    grand_value = float(grand["value"].iloc[0]) if len(grand) else float("nan")
    table = assemble_pivot(
        cells, row_totals, column_totals, grand_value, row, column, total_label,
        row_order=row_orders.get(row), column_order=column_orders.get(column) if column else None,
    )
    if additive and column is not None:  # no records in a cell: a count or sum of 0; hidden cells stay blank
        recorded = cells.assign(recorded=True).pivot(index=row, columns=column, values="recorded")
        never = recorded.reindex(index=table.index, columns=table.columns).isna()
        never.loc[total_label, :] = False
        never.loc[:, total_label] = False
        table = table.mask(never & table.isna(), 0.0)
    unit = measure_unit(spec, catalog, lang)
    return Pivot(
        table=table,
        row_label=column_label(catalog, spec, row, lang),
        column_label=column_label(catalog, spec, column, lang) if column else "",
        value_label=measure_label(spec, catalog, lang) + paren(unit, lang),
        additive=additive,
        hidden_cells=hidden,
    )
