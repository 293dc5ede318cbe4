"""What a cleaning helper returns for one column, and how helpers work on distinct values only."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import pandas as pd


@dataclass
class Cleaned:
    values: pd.Series
    reasons: pd.Series  # "" where nothing to say
    unmatched: pd.DataFrame | None = None  # for name matching: value, rows, reason


def map_distinct(series: pd.Series, fn: Callable[[str], tuple[object, str]]) -> Cleaned:
    """Apply fn(text) -> (value, reason) to each distinct non-missing value, then map back."""
    present = series.dropna()
    distinct = pd.unique(present.astype(str))
    results = {v: fn(v) for v in distinct}
    text = series.astype("string")
    values = text.map(lambda v: results[v][0] if v is not pd.NA and v in results else None)
    reasons = text.map(lambda v: results[v][1] if v is not pd.NA and v in results else "")
    return Cleaned(values, reasons.astype(str))
