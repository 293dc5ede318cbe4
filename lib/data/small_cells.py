"""Aggregate tables of anonymized data with small cells hidden: primary suppression of
counts under a threshold, and secondary suppression so that totals cannot reveal them."""
from __future__ import annotations

from dataclasses import dataclass

import pandas as pd


@dataclass
class SuppressedTable:
    table: pd.DataFrame  # counts with hidden cells as <NA>, plus 合計 row and column
    primary: pd.DataFrame  # bool masks over the inner cells
    secondary: pd.DataFrame


def suppress_small_cells(counts: pd.DataFrame, threshold: int = 3, total_label: str = "合計") -> SuppressedTable:
    """Hide cells of 1 … threshold-1, then hide more so no row or column total reveals one.

    A row or column with exactly one hidden cell gives it away (total minus the
    rest); the smallest other non-zero cell there is hidden too, until every row
    and column has none or at least two hidden cells (a cell hidden for its row
    may leave its column with one: repeat until stable).
    """
    values = counts.astype("int64")
    primary = (values > 0) & (values < threshold)
    hidden = primary.copy()
    changed = True
    while changed:
        changed = False
        for axis in (1, 0):
            per_line = hidden.sum(axis=axis)
            for label in per_line.index[per_line == 1]:
                line = values.loc[label] if axis == 1 else values[label]
                mask = hidden.loc[label] if axis == 1 else hidden[label]
                candidates = line[~mask & (line > 0)]
                if candidates.empty:
                    candidates = line[~mask]
                if candidates.empty:
                    continue
                pick = candidates.idxmin()
                if axis == 1:
                    hidden.loc[label, pick] = True
                else:
                    hidden.loc[pick, label] = True
                changed = True
    table = values.astype("Int64").mask(hidden)
    table[total_label] = values.sum(axis=1).astype("Int64")
    totals = values.sum(axis=0).astype("Int64")
    totals[total_label] = int(values.to_numpy().sum())
    table.loc[total_label] = totals
    return SuppressedTable(table, primary, hidden & ~primary)


def cross_table(frame: pd.DataFrame, rows: str, columns: str) -> pd.DataFrame:
    return pd.crosstab(frame[rows], frame[columns])
