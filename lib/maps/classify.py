"""Class breaks for a choropleth (mapclassify), their legend labels and colours."""
from __future__ import annotations

import math
import warnings
from dataclasses import dataclass

import numpy as np
from matplotlib import colormaps
from matplotlib.colors import to_hex

from lib.i18n import t

SUPPRESSED_COLOUR = "#bdbdbd"
NO_DATA_COLOUR = "#ffffff"



@dataclass
class Classification:
    """Upper bounds of the classes, ascending, and one colour and label per class."""
    lower: float
    bins: list[float]
    colours: list[str]
    labels: list[str]
    categorical: bool = False  # values are class numbers 0 … k-1 (a cluster map): a unit's text is its label

    def text_of(self, value: float) -> str | None:
        """A categorical unit's label (None for numbers, which are shown as numbers)."""
        i = self.class_of(value) if self.categorical else None
        return None if i is None else self.labels[i]

    def class_of(self, value: float) -> int | None:
        """Index of the class holding value (None for a missing value)."""
        if value is None or (isinstance(value, float) and math.isnan(value)):
            return None
        for i, upper in enumerate(self.bins):
            if value <= upper:
                return i
        return len(self.bins) - 1

    def colour_of(self, value: float) -> str:
        i = self.class_of(value)
        return NO_DATA_COLOUR if i is None else self.colours[i]


def ramp(palette: str, k: int) -> list[str]:
    """k colours of a sequential, colour-blind-safe palette, light to dark."""
    cmap = colormaps[palette]
    if palette == "viridis":  # dark-to-light in matplotlib; read it reversed so "more" is darker
        positions = np.linspace(0.95, 0.05, k)
    else:
        positions = np.linspace(0.15, 0.95, k)
    return [to_hex(cmap(p)) for p in positions]


def decimals_for(values: np.ndarray) -> int:
    """Enough decimals to tell classes apart, never more than 2."""
    span = float(np.nanmax(values) - np.nanmin(values)) if len(values) else 0.0
    if span >= 100 or (np.allclose(values, np.round(values)) and span >= 5):
        return 0
    return 1 if span >= 5 else 2


def format_number(value: float, decimals: int) -> str:
    return f"{value:,.{decimals}f}"


def _quantile_bins(data: np.ndarray, k: int) -> list[float]:
    """mapclassify.Quantiles' breaks (the same arithmetic; tests compare them), without importing it: the
    default map of every page and export would pay 1.9 s for scipy.stats."""
    step = 100.0 / k
    percents = np.arange(step, 100 + step, step)
    percents[-1] = min(percents[-1], 100.0)
    return [float(b) for b in np.unique(np.percentile(data, percents))]


def _equal_interval_bins(data: np.ndarray, k: int) -> list[float]:
    """mapclassify.EqualInterval's breaks, computed the same way."""
    low, high = float(data.min()), float(data.max())
    width = (high - low) / k
    cuts = np.arange(low + width, high + width, width)[:k]
    cuts[-1] = high
    return [float(b) for b in cuts]


def classify_values(values, method: str = "quantiles", k: int = 5, breaks: list[float] | None = None,
                    palette: str = "YlGnBu", unit: str = "", lang: str = "ja") -> Classification:
    """Breaks by the chosen method; fewer classes when the data has fewer distinct values."""
    data = np.asarray([v for v in values if v is not None and not math.isnan(v)], dtype=float)
    if data.size == 0:
        return Classification(0.0, [], [], [])
    low, high = float(data.min()), float(data.max())
    if method == "user":
        bins = sorted(float(b) for b in (breaks or []) if float(b) < high) + [high]
    else:
        distinct = np.unique(data)
        if len(distinct) <= k:  # one class per value: nothing to estimate
            bins = [float(v) for v in distinct]
        elif method == "quantiles":
            bins = _quantile_bins(data, k)
        elif method == "equal_interval":
            bins = _equal_interval_bins(data, k)
        else:
            # mapclassify loads scipy.stats and scikit-learn (1.9 s): only for natural breaks, when asked.
            import mapclassify  # noqa: PLC0415

            with warnings.catch_warnings():  # "Numba not installed": only slower, same breaks
                warnings.simplefilter("ignore", UserWarning)
                bins = [float(b) for b in mapclassify.FisherJenks(data, k=k).bins]
    bins = list(dict.fromkeys(bins))  # mapclassify may repeat a bound when values tie
    decimals = decimals_for(data)
    colours = ramp(palette, len(bins))
    labels = []
    previous = low
    for upper in bins:
        labels.append(t("map.legend.range", lang, low=format_number(previous, decimals),
                        high=format_number(upper, decimals), unit=unit).strip())
        previous = upper
    return Classification(low, bins, colours, labels)
