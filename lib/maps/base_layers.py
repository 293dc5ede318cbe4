"""Reference layers that make a real city's map read like a map, offline: rivers, railways, stations,
main roads and place names, from files the instructor imports (国土数値情報 or any Shapefile / GeoJSON /
GeoPackage).

Each layer is clipped to the city (with a margin), reduced to its shapes and one name, and published as a
dataset `base_<kind>` whose dictionary says `base_layer: <kind>`; the map draws every such dataset in a
light style beneath the facility points and labels. Nothing is fetched from the internet.
"""
from __future__ import annotations

from pathlib import Path

import geopandas as gpd
import pandas as pd

from lib import i18n
from lib.data.catalog import Dataset
from lib.data.publishing import publish_public_statistics
from lib.data.query import quote_identifier as q
from lib.data.store import read_geo
from lib.errors import WorkbenchError
from lib.maps.layer_kinds import KINDS

# Light styles: the data stays the figure, these are the ground it stands on.
STYLES = {
    "river": {"color": "#6fa8dc", "weight": 2, "opacity": 0.8, "fillColor": "#9fc5e8", "fillOpacity": 0.5},
    "railway": {"color": "#555555", "weight": 2, "opacity": 0.7, "dashArray": "6 4"},
    "road": {"color": "#b0a080", "weight": 2.5, "opacity": 0.7},
    "station": {"color": "#333333", "weight": 1, "fillColor": "#ffffff", "fillOpacity": 1, "radius": 4},
    "place": {},
}
# Name columns of the 国土数値情報 files (W05 河川, N02 鉄道・駅, N01/N10 道路), then generic ones.
NAME_COLUMNS = ("W05_004", "N02_005", "N02_003", "N01_003", "N10_003", "名称", "name", "NAME", "名前", "駅名",
                "路線名", "河川名")
MARGIN_DEGREES = 0.01  # about 1 km around the city, so a river at the edge is not cut at the line


class BaseLayerError(WorkbenchError):
    key_prefix = "base_layer.error."


def prepare_base_layer(path: str | Path, kind: str, city: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """The file's shapes near the city, each with a name (may be empty)."""
    if kind not in KINDS:
        raise BaseLayerError("kind", kind=kind, kinds="、".join(KINDS))
    # The import worker's readers (openpyxl, …) only when a layer is imported, not when maps are drawn.
    from lib.data.import_worker import read_file_guarded  # noqa: PLC0415

    result = read_file_guarded(path)
    if not result.is_geo:
        raise BaseLayerError("not_geo", name=result.source_name)
    frame = result.frame
    name_column = next((c for c in NAME_COLUMNS if c in frame.columns), None)
    minx, miny, maxx, maxy = city.total_bounds
    near = frame.cx[minx - MARGIN_DEGREES:maxx + MARGIN_DEGREES, miny - MARGIN_DEGREES:maxy + MARGIN_DEGREES]
    if near.empty:
        raise BaseLayerError("outside_city", name=result.source_name)
    names = near[name_column].astype("string").fillna("") if name_column else pd.Series("", index=near.index)
    return gpd.GeoDataFrame({"name": names.to_numpy()}, geometry=near.geometry.to_numpy(), crs=4326)


def base_layer_dictionary(kind: str, source: str) -> dict:
    title = i18n.t(f"base_layer.kind.{kind}", "ja")
    return {
        "name": f"base_{kind}", "file": f"base_{kind}.geojson", "kind": "geo", "base_layer": kind,
        "title": {"ja": f"背景：{title}", "en": f"Base layer: {i18n.t(f'base_layer.kind.{kind}', 'en')}"},
        "description": {"ja": f"地図の背景に薄く描く{title}（「{source}」から市の周辺を切り出したもの）。",
                        "en": f"Drawn lightly beneath the map's data (from \"{source}\", around the city)."},
        "source": {"ja": f"講師が取り込んだ「{source}」", "en": f"\"{source}\", imported by the instructor"},
        "anonymization": {"ja": "該当なし（地物の形と名前）。", "en": "Not applicable: shapes and names of features."},
        "columns": [
            {"name": "name", "label": {"ja": "名前", "en": "Name"}, "type": "text", "role": "name"},
            {"name": "geometry", "label": {"ja": "形状", "en": "Geometry"}, "type": "geometry"},
        ],
    }


def add_base_layer(path: str | Path, kind: str, city: gpd.GeoDataFrame, *, added_by: str = "",
                   source_name: str | None = None, store=None) -> int:
    """Prepare and publish one reference layer; the number of features kept."""
    frame = prepare_base_layer(path, kind, city)
    source = source_name or Path(path).name
    publish_public_statistics([(frame, base_layer_dictionary(kind, source))], published_by=added_by or "base-layer",
                              source=source, store=store)
    return len(frame)


def base_layer_datasets(catalog: dict[str, Dataset]) -> list[Dataset]:
    """The published reference layers, drawn in the order of KINDS (rivers first, place names last)."""
    found = [ds for ds in catalog.values() if ds.extra.get("base_layer") in KINDS]
    return sorted(found, key=lambda ds: KINDS.index(ds.extra["base_layer"]))


def load_base_layers(cursor, catalog: dict[str, Dataset]) -> list[tuple[str, gpd.GeoDataFrame]]:
    return [(ds.extra["base_layer"], read_geo(cursor, f"SELECT name, geometry FROM {q(ds.name)}"))
            for ds in base_layer_datasets(catalog)]
