"""A map of one figure per 町丁目 computed by an analysis (residuals, clusters, groups), drawn like every
other map (lib.maps.render, lib.maps.export) from a MapData."""
from __future__ import annotations

import numpy as np
import pandas as pd

from lib.maps.classify import Classification
from lib.maps.data import MapData
from lib.maps.spec import MapSpec
from lib.maps.units import area_units, city_boundary


def area_result_map(cursor, catalog: dict, values: pd.Series, hidden: pd.Series, classification: Classification,
                    label: str, unit: str = "") -> MapData:
    """`values` by area code (NaN: no figure), `hidden` by area code (True: too few persons: greyed)."""
    units = area_units(cursor, catalog)
    codes = units["unit_id"].astype(str)
    units["value"] = codes.map(values.rename(index=str)).astype(float).to_numpy()
    units["suppressed"] = codes.map(hidden.rename(index=str)).fillna(False).astype(bool).to_numpy()
    units.loc[units["suppressed"], "value"] = np.nan
    return MapData(spec=MapSpec(), units=units, boundary=city_boundary(cursor, catalog), value_label=label,
                   value_unit=unit, classification=classification)


def category_classes(labels: list[str], colours: list[str]) -> Classification:
    """Classes for the values 0 … k-1, one label and colour each."""
    return Classification(lower=0.0, bins=[float(i) for i in range(len(labels))], colours=list(colours),
                          labels=list(labels), categorical=True)


def diverging_classes(values: pd.Series, bounds: list[float], colours: list[str], labels: list[str]) -> Classification:
    """Classes of a figure around zero (residuals): `bounds` are the inner upper bounds; the first class
    starts at the lowest value and the last ends at the highest."""
    finite = values[np.isfinite(values)]
    low = min(float(finite.min()), bounds[0]) if len(finite) else bounds[0]
    high = max(float(finite.max()), bounds[-1]) if len(finite) else bounds[-1]
    return Classification(lower=low, bins=[*bounds, high], colours=colours, labels=labels)


def unit_classes(data: MapData) -> pd.DataFrame:
    """Each shown area and the class it is in (a categorical map's list under the map), by class."""
    units = data.units[data.units["value"].notna()]
    labels = data.classification.labels
    return pd.DataFrame({"area": units["unit_name"].to_numpy(), "class": [labels[int(v)] for v in units["value"]],
                         "order": units["value"].to_numpy()}).sort_values("order", kind="stable")[["area", "class"]]
