"""A chart's table as shown on screen: numbers read as on the chart (6,232 and 49.4, not 6232 and 49.4096);
downloads keep every digit."""
from __future__ import annotations

import pandas as pd
from pandas.io.formats.style import Styler

from lib.charts.labels import display_decimals


def styled_for_display(table: pd.DataFrame) -> Styler:
    """Each number column with thousands separators and the decimals its chart labels show (none for counts,
    one for rates and percentages, two below 10); a missing value as 「-」."""
    formats = {name: f"{{:,.{display_decimals(table[name])}f}}" for name in table.columns
               if pd.api.types.is_numeric_dtype(table[name]) and not pd.api.types.is_bool_dtype(table[name])}
    return table.style.format(formats, na_rep="-")
