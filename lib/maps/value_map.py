"""A choropleth of values an analysis computed per 町丁目 (a projection, a cluster, …), as MapData.

The analysis gives one row per area: the value, the area's population today and its 65+ (for the
map's table) and which areas its small-cell rule hides; the map draws it like any other map (the
app's folium map, the slide picture, the exports' table).
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from lib.i18n import t
from lib.maps.base_layers import load_base_layers
from lib.maps.classify import classify_values
from lib.maps.data import PUBLICATION_THRESHOLD, MapData
from lib.maps.spec import ClassificationSpec, MapSpec
from lib.maps.units import area_units, city_boundary


def area_value_map(cursor, catalog: dict, values: pd.DataFrame, label: str, unit: str, lang: str = "ja",
                   title: str = "", palette: str = "YlOrRd", notes: list[str] | None = None,
                   city: str = "") -> MapData:
    """values: columns area, value, population, elderly_65plus, suppressed (bool); `city`: one municipality of a
    joint course, whose 町丁・字 alone are drawn (their codes start with its code)."""
    units = area_units(cursor, catalog)
    if city:
        units = units[units["unit_id"].astype(str).str.startswith(city)].reset_index(drop=True)
    frame = values.rename(columns={"area": "unit_id"})
    units = units.merge(frame, on="unit_id", how="left")
    units["suppressed"] = units["suppressed"].fillna(False).astype(bool)
    units.loc[units["suppressed"], "value"] = np.nan
    units["ageing_rate"] = np.where(units["population"] > 0,
                                    100 * units["elderly_65plus"] / units["population"].where(units["population"] > 0),
                                    np.nan)
    spec = MapSpec(title=title, classification=ClassificationSpec(palette=palette))
    data = MapData(spec=spec, units=units, boundary=city_boundary(cursor, catalog, city),
                   base_layers=load_base_layers(cursor, catalog), value_label=label, value_unit=unit,
                   classification=classify_values(units["value"].to_numpy(dtype=float), "quantiles", 5, None,
                                                  palette, unit, lang),
                   notes=list(notes or []))
    if data.suppressed_count:
        data.notes.append(t("map.note.suppressed", lang, n=data.suppressed_count, threshold=PUBLICATION_THRESHOLD))
    return data
