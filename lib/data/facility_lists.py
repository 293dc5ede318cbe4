"""Facility lists in the 自治体標準オープンデータセット layouts → the map page's facility layer.

公共施設一覧, 介護サービス事業所一覧, AED設置箇所一覧, 医療機関一覧, 指定緊急避難場所・指定避難所一覧 (and any
list with a name and 緯度・経度, its columns named by the instructor where the detector does not know them)
become points with a category (the list's kind, named from its columns or file name, or its own kind column
such as 医療機関の種類), the address, and the 町丁・字 code of the area each point lies in, so a rate per
1,000 residents by 町丁目 can be drawn. Rows without usable coordinates and points outside the city are
left out and counted; a list with no point in the city (another city's file) is refused.
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
    # 指定緊急避難場所一覧 / 指定避難所一覧: the hazards a place serves, its capacity
    ("shelter", "災害種別_洪水", None),
    ("shelter", "指定避難所との重複", None),
    ("shelter", "想定収容人数", None),
)
# Words of a file's name that tell its kind when its columns do not (「指定避難所一覧.csv」)
NAME_KINDS = (("避難", "shelter"), ("AED", "aed"), ("医療", "medical"), ("介護", "care"), ("公共施設", "public"))
GENERIC_KIND_COLUMNS = ("種別", "施設種別", "分類", "施設分類", "種類")
MAPPED_FIELDS = ("name", "lat", "lon", "address", "kind")
NEAR_EDGE_M = 100  # e-Stat outlines cut corners at coasts and rivers: a point this close belongs to the city


class FacilityListError(WorkbenchError):
    key_prefix = "facilities.error."


@dataclass
class FacilityList:
    points: gpd.GeoDataFrame  # facility_id, name, category, address_note, area_code, geometry
    source: str
    kind: str  # medical, care, aed, shelter, public, or other (then `label` is the file's own name)
    label: str = ""
    skipped: list[str] = field(default_factory=list)  # names of rows without coordinates
    outside: int = 0  # points outside the city, left out


def _first(columns, wanted: tuple[str, ...]) -> str | None:
    lowered = {str(c).strip().lower(): c for c in columns}
    return next((lowered[w.lower()] for w in wanted if w.lower() in lowered), None)


def list_kind(columns, file_name: str = "") -> tuple[str, str | None]:
    """Which list a table is (medical, care, aed, shelter, public, other) and its category column.

    By its columns first, then by words of its file name; a list neither tells is "other", named by its file.
    """
    for kind, marker, category in LIST_KINDS:
        if marker in columns:
            return kind, category
    named = next((kind for word, kind in NAME_KINDS if word.lower() in file_name.lower()), None)
    return named or "other", _first(columns, GENERIC_KIND_COLUMNS)


def parse_column_mapping(text: str) -> dict[str, str]:
    """「name=要配慮者利用施設名称,lat=緯度」 (the CLI's --facility-columns) → {"name": "要配慮者利用施設名称", …}."""
    mapping = {}
    for part in filter(None, (p.strip() for p in str(text).replace("、", ",").split(","))):
        key, _, column = part.partition("=")
        if key.strip() not in MAPPED_FIELDS or not column.strip():
            raise FacilityListError("bad_mapping", part=part, fields="、".join(MAPPED_FIELDS))
        mapping[key.strip()] = column.strip()
    return mapping


def unique_ids(ids: pd.Series) -> pd.Series:
    """Ids made unique: a repeated one gets 「-2」「-3」… (lists reuse 1, 2, 3 …; files repeat rows)."""
    ids = ids.astype(str).reset_index(drop=True)
    repeat = ids.groupby(ids).cumcount()
    return ids.where(repeat == 0, ids + "-" + (repeat + 1).astype(str))


def _coordinates(values: pd.Series) -> pd.Series:
    return pd.to_numeric(values.map(lambda v: normalize_width_text(str(v)) if pd.notna(v) else None), errors="coerce")


def _in_areas(points: gpd.GeoDataFrame, areas: gpd.GeoDataFrame) -> pd.Series:
    """The 町丁・字 code of each point: the area it lies in, else one within NEAR_EDGE_M; missing outside."""
    areas = areas[["area_code", "geometry"]].to_crs(4326)
    inside = gpd.sjoin(points, areas, how="left", predicate="within")
    codes = inside[~inside.index.duplicated()]["area_code"]
    lost = codes.isna()
    if lost.any():
        metric = areas.estimate_utm_crs()
        near = gpd.sjoin_nearest(points[lost].to_crs(metric), areas.to_crs(metric), how="left",
                                 max_distance=NEAR_EDGE_M)
        codes[lost] = near[~near.index.duplicated()]["area_code"]
    return codes


def read_facility_list(path: str | Path, areas: gpd.GeoDataFrame, *, source_name: str | None = None,
                       encoding: str | None = None, columns: dict[str, str] | None = None) -> FacilityList:
    """One facility list as points tagged with the 町丁・字 they lie in; points outside the city left out.

    `columns` names the file's column for name, lat, lon, address and kind where the detector does not
    know them (「要配慮者利用施設名称」). A list none of whose points lies in the city is refused.
    """
    result = read_file_guarded(path, encoding=encoding, source_name=source_name)
    frame = pd.DataFrame(result.frame)
    found = list(frame.columns)
    chosen = dict(columns or {})
    for column in chosen.values():
        if column not in found:
            raise FacilityListError("mapped_missing", name=result.source_name, column=column,
                                    columns="、".join(map(str, found[:12])))
    name = chosen.get("name") or _first(found, NAME_COLUMNS)
    lat, lon = chosen.get("lat") or _first(found, LAT_COLUMNS), chosen.get("lon") or _first(found, LON_COLUMNS)
    if name is None or lat is None or lon is None:
        raise FacilityListError("columns", name=result.source_name, columns="、".join(map(str, found[:8])))
    kind, category_column = list_kind(found, result.source_name)
    category_column = chosen.get("kind") or category_column
    lats, lons = _coordinates(frame[lat]), _coordinates(frame[lon])
    usable = lats.notna() & lons.notna()
    if not usable.any():
        raise FacilityListError("no_coordinates", name=result.source_name)
    label = (i18n.t(f"facilities.kind.{kind}", "ja") if kind != "other"
             else Path(result.source_name).stem.strip() or i18n.t("facilities.kind.other", "ja"))
    category = (frame[category_column].astype("string").str.strip().replace("", pd.NA).fillna(label)
                if category_column else pd.Series(label, index=frame.index))
    id_column = _first(found, ID_COLUMNS)
    ids = (
        frame[id_column].astype(str)
        if id_column
        else pd.Series(range(1, len(frame) + 1), index=frame.index).astype(str)
    )
    address = chosen.get("address") or _first(found, ADDRESS_COLUMNS)
    points = gpd.GeoDataFrame({
        "facility_id": unique_ids(f"{kind}-" + ids[usable]).to_numpy(),
        "name": frame.loc[usable, name].astype(str).to_numpy(),
        "category": category[usable].astype(str).to_numpy(),
        "address_note": frame.loc[usable, address].astype("string").to_numpy() if address else pd.NA,
    }, geometry=gpd.points_from_xy(lons[usable], lats[usable]), crs=4326)
    points["area_code"] = _in_areas(points, areas).to_numpy()
    outside = points["area_code"].isna()
    if outside.all():
        example = points["address_note"].dropna().astype(str).head(1).tolist() if address else []
        raise FacilityListError("all_outside", name=result.source_name, count=int(outside.sum()),
                                example=example[0] if example else "-")
    return FacilityList(points[~outside].reset_index(drop=True), result.source_name, kind, label,
                        skipped=frame.loc[~usable, name].astype(str).tolist(), outside=int(outside.sum()))


def facilities_dictionary(city_name: str, lists: list[FacilityList]) -> dict:
    """The `facilities` dictionary, in the demo's shape so the map page lists the categories."""
    sources = "、".join(f"「{f.source}」" for f in lists)
    label = lambda ja, en: {"ja": ja, "en": en}  # noqa: E731
    return {
        "name": "facilities",
        "file": "facilities.geojson",
        "kind": "geo",
        "title": label(f"{city_name}の施設", f"Facilities of {city_name}"),
        "description": label(
            f"{city_name}が公開した施設の一覧（{sources}）の位置と種類。area_code は施設のある町丁・字。",
            f"Locations and kinds of the facilities {city_name} publishes. area_code is the small area each lies in.",
        ),
        "themes": ["population"],
        "source": label(f"{city_name} オープンデータ {sources}", f"{city_name} open data {sources}"),
        "anonymization": label("該当なし（施設の一覧）。", "Not applicable: a list of facilities."),
        "columns": [
            {"name": "facility_id", "label": label("施設ID", "Facility ID"), "type": "code", "role": "id"},
            {"name": "name", "label": label("名称", "Name"), "type": "text", "role": "name"},
            {"name": "category", "label": label("種類", "Kind"), "type": "category"},
            {"name": "address_note", "label": label("住所", "Address"), "type": "text"},
            {
                "name": "area_code",
                "label": label("町丁・字コード", "Small-area code"),
                "type": "code",
                "role": "area",
                "joins": "areas.area_code",
            },
            {"name": "geometry", "label": label("位置", "Location"), "type": "geometry"},
        ],
    }
