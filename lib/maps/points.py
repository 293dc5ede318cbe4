"""Point layers (places only: facilities, 通いの場) and their counts per 町丁目."""
from __future__ import annotations

import geopandas as gpd
import pandas as pd

from lib.data.query import Filter, Table
from lib.data.query import quote_identifier as q
from lib.data.store import read_geo
from lib.maps.queries import AREAS, MapDataError, first_column
from lib.maps.spec import PointLayerSpec


def load_points(cursor, catalog: dict, layer: PointLayerSpec) -> gpd.GeoDataFrame:
    ds = catalog[layer.dataset]
    columns = [c.name for c in ds.data_columns]
    filters = (
        [Filter(layer.category_column, "in", layer.categories)] if layer.category_column and layer.categories else []
    )
    where, params = Table(catalog, ds, "").where(filters)
    sql = f"SELECT {', '.join(q(c) for c in columns)}, geometry FROM {q(ds.name)}{where}"
    points = read_geo(cursor, sql, params)
    if not points.empty and not points.geom_type.isin(["Point"]).all():
        raise MapDataError("map.spec.not_points", dataset=ds.title_in())
    return points


def point_layer_label(layer: PointLayerSpec, catalog: dict, lang: str = "ja") -> str:
    title = catalog[layer.dataset].title_in(lang)
    return f"{title}（{'・'.join(layer.categories)}）" if layer.categories else title



def point_counts_sql(cursor, catalog: dict, points_table: str, category_column: str | None = None,
                     categories: list | None = None) -> pd.Series:
    """Points per 町丁目 by a spatial join in DuckDB (ST_Intersects)."""
    code = first_column(catalog[AREAS], "area")
    where, params = "", []
    if category_column and categories:
        where = f" AND p.{q(category_column)} IN ({', '.join('?' for _ in categories)})"
        params = list(categories)
    sql = (f"SELECT a.{q(code)} AS unit_id, COUNT(p.geometry) AS n FROM {q(AREAS)} a "
           f"LEFT JOIN {q(points_table)} p ON ST_Intersects(a.geometry, p.geometry){where} GROUP BY 1 ORDER BY 1")
    return cursor.execute(sql, params).df().set_index("unit_id")["n"].astype(int)
