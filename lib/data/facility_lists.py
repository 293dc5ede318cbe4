"""Facility lists in the 自治体標準オープンデータセット layouts → the map page's facility layer.

公共施設一覧, 介護サービス事業所一覧, AED設置箇所一覧, 医療機関一覧 (and any list with 名称, 緯度, 経度,
such as 指定緊急避難場所一覧) become points with a category (the list, or its own kind column such as
医療機関の種類), the address, and the 町丁・字 code of the area each point lies in, so a rate per 1,000
residents by 町丁目 can be drawn. Rows without usable coordinates are left out and counted.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import geopandas as gpd
import pandas as pd

from lib import i18n
from lib.data.import_worker import read_file_guarded
from lib.data.jp_cleaning import normalize_width_text
from lib.errors import WorkbenchError

NAME_COLUMNS = ("名称", "施設名", "事業所名", "医療機関名称", "設置場所名称")
LAT_COLUMNS = ("緯度", "lat", "latitude")
LON_COLUMNS = ("経度", "lon", "lng", "longitude")
ADDRESS_COLUMNS = ("住所", "所在地_連結表記", "所在地")
ID_COLUMNS = ("ID", "NO", "No", "番号")
# (list, the column that tells a list of this kind, the column whose value is a point's category)
LIST_KINDS = (
    ("medical", "医療機関の種類", "医療機関の種類"),
    ("care", "介護サービスの種類", "介護サービスの種類"),
    ("care", "サービス種類", "サービス種類"),
    ("care", "事業所番号", None),
    ("aed", "設置位置", None),
)
GENERIC_KIND_COLUMNS = ("種別", "施設種別", "分類", "施設分類", "種類")


class FacilityListError(WorkbenchError):
    key_prefix = "facilities.error."


@dataclass
class FacilityList:
    points: gpd.GeoDataFrame  # facility_id, name, category, address_note, area_code, geometry
    source: str
    kind: str
    skipped: list[str] = field(default_factory=list)  # names of rows without coordinates
    outside: int = 0  # points outside the city's areas


def _first(columns, wanted: tuple[str, ...]) -> str | None:
    lowered = {str(c).strip().lower(): c for c in columns}
    return next((lowered[w.lower()] for w in wanted if w.lower() in lowered), None)


def list_kind(columns) -> tuple[str, str | None]:
    """Which standard list a table is ("medical", "care", "aed", "public") and its category column."""
    for kind, marker, category in LIST_KINDS:
        if marker in columns:
            return kind, category
    return "public", _first(columns, GENERIC_KIND_COLUMNS)


def read_facility_list(path: str | Path, areas: gpd.GeoDataFrame, *, source_name: str | None = None,
                       encoding: str | None = None) -> FacilityList:
    """One facility list as points tagged with the 町丁・字 they lie in."""
    result = read_file_guarded(path, encoding=encoding, source_name=source_name)
    frame = pd.DataFrame(result.frame)
    columns = list(frame.columns)
    name, lat, lon = _first(columns, NAME_COLUMNS), _first(columns, LAT_COLUMNS), _first(columns, LON_COLUMNS)
    if name is None or lat is None or lon is None:
        raise FacilityListError("columns", name=result.source_name, columns="、".join(map(str, columns[:8])))
    kind, category_column = list_kind(columns)
    lats = pd.to_numeric(frame[lat].map(lambda v: normalize_width_text(str(v)) if pd.notna(v) else None),
                         errors="coerce")
    lons = pd.to_numeric(frame[lon].map(lambda v: normalize_width_text(str(v)) if pd.notna(v) else None),
                         errors="coerce")
    usable = lats.notna() & lons.notna()
    if not usable.any():
        raise FacilityListError("no_coordinates", name=result.source_name)
    label = i18n.t(f"facilities.kind.{kind}", "ja")
    category = (frame[category_column].fillna(label).astype(str) if category_column
                else pd.Series(label, index=frame.index))
    id_column = _first(columns, ID_COLUMNS)
    ids = frame[id_column].astype(str) if id_column else pd.Series(range(1, len(frame) + 1), index=frame.index).astype(str)
    address = _first(columns, ADDRESS_COLUMNS)
    points = gpd.GeoDataFrame({
        "facility_id": f"{kind}-" + ids[usable],
        "name": frame.loc[usable, name].astype(str),
        "category": category[usable],
        "address_note": frame.loc[usable, address].astype("string") if address else pd.NA,
    }, geometry=gpd.points_from_xy(lons[usable], lats[usable]), crs=4326)
    joined = gpd.sjoin(points, areas[["area_code", "geometry"]].to_crs(4326), how="left", predicate="within")
    joined = joined[~joined.index.duplicated()].drop(columns="index_right")
    return FacilityList(joined.reset_index(drop=True), result.source_name, kind,
                        skipped=frame.loc[~usable, name].astype(str).tolist(),
                        outside=int(joined["area_code"].isna().sum()))


def facilities_dictionary(city_name: str, lists: list[FacilityList]) -> dict:
    """The `facilities` dictionary, in the demo's shape so the map page lists the categories."""
    sources = "、".join(f"「{f.source}」" for f in lists)
    label = lambda ja, en: {"ja": ja, "en": en}  # noqa: E731
    return {
        "name": "facilities", "file": "facilities.geojson", "kind": "geo",
        "title": label(f"{city_name}の施設", f"Facilities of {city_name}"),
        "description": label(f"{city_name}が公開した施設の一覧（{sources}）の位置と種類。area_code は施設のある町丁・字。",
                             f"Locations and kinds of the facilities {city_name} publishes. area_code is the small area each lies in."),
        "themes": ["population"],
        "source": label(f"{city_name} オープンデータ {sources}", f"{city_name} open data {sources}"),
        "anonymization": label("該当なし（施設の一覧）。", "Not applicable: a list of facilities."),
        "columns": [
            {"name": "facility_id", "label": label("施設ID", "Facility ID"), "type": "code", "role": "id"},
            {"name": "name", "label": label("名称", "Name"), "type": "text", "role": "name"},
            {"name": "category", "label": label("種類", "Kind"), "type": "category"},
            {"name": "address_note", "label": label("住所", "Address"), "type": "text"},
            {"name": "area_code", "label": label("町丁・字コード", "Small-area code"), "type": "code", "role": "area",
             "joins": "areas.area_code"},
            {"name": "geometry", "label": label("位置", "Location"), "type": "geometry"},
        ],
    }
