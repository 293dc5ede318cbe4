"""A small map of any geographic dataset, for the catalog."""
from __future__ import annotations

import geopandas as gpd
import pandas as pd
from pandas.api.types import is_scalar

from lib.data.catalog import Dataset
from lib.maps.folium_import import folium
from lib.maps.offline import new_map
from lib.maps.render import safe_text

OUTLINE = "#1b6e8a"
FILL = "#7fc8dd"


def _tooltip_fields(ds: Dataset, gdf: gpd.GeoDataFrame, lang: str) -> tuple[list[str], list[str]]:
    preferred = [c for c in ds.data_columns if c.role in {"name", "area", "district"} or c.type == "category"]
    chosen = (preferred or ds.data_columns)[:4]
    fields = [c.name for c in chosen if c.name in gdf.columns]
    return fields, [safe_text(ds.column(f).label_in(lang)) for f in fields]


def preview_map(ds: Dataset, gdf: gpd.GeoDataFrame, lang: str = "ja") -> folium.Map:
    """Polygons outlined and filled lightly; points as small circles; a tooltip with key columns."""
    fmap = new_map(tuple(gdf.total_bounds), lang=lang)
    if gdf.empty:
        return fmap
    fields, aliases = _tooltip_fields(ds, gdf, lang)
    data = gdf[fields + [gdf.geometry.name]].copy()
    for field in fields:  # the tooltip puts values into HTML: they go as inert text
        data[field] = data[field].map(lambda value: None if is_scalar(value) and pd.isna(value) else safe_text(value))
    points = gdf.geom_type.isin(["Point", "MultiPoint"]).all()
    folium.GeoJson(
        data.to_json(default=str),
        name=ds.title_in(lang),
        style_function=lambda _f: {"color": OUTLINE, "weight": 1, "fillColor": FILL, "fillOpacity": 0.35},
        marker=folium.CircleMarker(radius=5, weight=1, color=OUTLINE, fill=True, fill_opacity=0.8)
        if points else None,
        tooltip=folium.GeoJsonTooltip(fields=fields, aliases=aliases) if fields else None,
    ).add_to(fmap)
    return fmap
