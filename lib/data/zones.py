"""Zones: groups of adjacent 町丁・字 that hold enough people to publish by area.

k = 5 over 町丁・字 × age × sex leaves a real city of 4,000–11,000 records with no area at all
(every area merged to 「その他」). Anonymization needs a coarser geography that still draws on a map:
either the city's own 地区 / 日常生活圏域 / 小学校区 table (`zones_from_table`), or zones the
workbench builds from the boundaries (`build_zones`):

1. Two 町丁・字 are neighbours when their shapes touch, even at one point (queen contiguity; 1 m of
   tolerance for the slivers between e-Stat polygons). Each area starts as its own zone.
2. While some zone holds fewer than `min_people`: take the smallest such zone (ties: lowest code)
   and merge it into its smallest neighbouring zone (ties: lowest code). A zone with no neighbour
   (an island, a part cut off by water) merges into the nearest zone.
3. Zones are numbered Z01, Z02 … by their lowest area code, and named after their most populous area
   (「立川町３丁目ほか4」).

Same input, same zones. Every zone is contiguous unless an island joined it; each holds at least
`min_people` unless the whole city holds fewer. In a joint course (areas with a city_code) each
municipality is zoned on its own: no zone crosses a municipal border.
"""
from __future__ import annotations

import io
from dataclasses import dataclass

import geopandas as gpd
import pandas as pd

from lib import settings
from lib.data.catalog import zone_layer_name
from lib.data.publishing import build_dictionary
from lib.errors import WorkbenchError

ZONE_FACTOR = 10  # a zone holds at least this many × k records by default
TOUCH_METRES = 1.0


class ZoneTableError(WorkbenchError):
    """An instructor's zone table that does not fit the boundaries; `text(lang)` says what to do."""
    key_prefix = "zones.error."


@dataclass
class Zones:
    table: pd.DataFrame  # area_code, zone_code, zone_name (one row per 町丁・字)
    shapes: gpd.GeoDataFrame  # zone_code, zone_name, areas, people, geometry (dissolved)

    def zone_of(self) -> dict[str, str]:
        """area code → zone name (what anonymization writes in place of the code)."""
        return dict(zip(self.table["area_code"], self.table["zone_name"], strict=True))


def with_zones(areas: pd.DataFrame, zones: Zones | None) -> pd.DataFrame:
    """The 町丁・字 table with a `zone` column (the zone's name), which anonymization generalizes to."""
    return areas if zones is None else areas.assign(zone=areas["area_code"].astype(str).map(zones.zone_of()))


def default_min_people(k: int = settings.MIN_CELL) -> int:
    return ZONE_FACTOR * k


def area_neighbours(areas: gpd.GeoDataFrame) -> dict[str, set[str]]:
    """area code → codes of the areas whose shapes touch it (queen contiguity)."""
    metric = areas[["area_code", "geometry"]].to_crs(areas.estimate_utm_crs())
    grown = metric.assign(geometry=metric.buffer(TOUCH_METRES / 2))
    pairs = gpd.sjoin(grown, grown, predicate="intersects")
    pairs = pairs[pairs["area_code_left"] != pairs["area_code_right"]]
    out: dict[str, set[str]] = {str(c): set() for c in areas["area_code"]}
    for left, right in zip(pairs["area_code_left"].astype(str), pairs["area_code_right"].astype(str), strict=True):
        out[left].add(right)
    return out


def _shapes(areas: gpd.GeoDataFrame, table: pd.DataFrame, people: pd.Series) -> gpd.GeoDataFrame:
    merged = areas[["area_code", "geometry"]].assign(area_code=areas["area_code"].astype(str)).merge(
        table, on="area_code")
    merged["people"] = merged["area_code"].map(people).fillna(0).astype(int)
    merged["areas"] = 1
    shapes = merged.dissolve(by=["zone_code", "zone_name"], aggfunc={"people": "sum", "areas": "sum"},
                             as_index=False)
    return shapes[["zone_code", "zone_name", "areas", "people", "geometry"]].sort_values("zone_code",
                                                                                        ignore_index=True)


def build_zones(areas: gpd.GeoDataFrame, people: pd.Series, min_people: int) -> Zones:
    """Zones of adjacent areas (columns area_code, area_name, geometry), each with at least `min_people`
    of `people` (persons by area code: records of the table, or a population)."""
    codes = sorted(areas["area_code"].astype(str))
    people = people.rename(index=str).reindex(codes).fillna(0).astype(int)
    touching = area_neighbours(areas)
    metric = areas.assign(area_code=areas["area_code"].astype(str)).set_index("area_code").geometry.to_crs(
        areas.estimate_utm_crs())
    # A joint course's municipalities are zoned apart: a zone never spans a municipal border.
    city = (areas.assign(area_code=areas["area_code"].astype(str)).set_index("area_code")["city_code"].astype(str)
            .to_dict() if "city_code" in areas.columns else dict.fromkeys(codes, ""))
    members = {c: [c] for c in codes}  # zone (named by its first code) → its areas
    size = people.to_dict()
    zone_of = {c: c for c in codes}
    alone: set[str] = set()  # zones of a municipality too small to reach min_people as a whole
    while len(members) > 1:
        small = [z for z in members if size[z] < min_people and z not in alone]
        if not small:
            break
        zone = min(small, key=lambda z: (size[z], z))
        near = {zone_of[n] for a in members[zone] for n in touching[a] if city[n] == city[zone]} - {zone}
        others = [z for z in members if z != zone and city[z] == city[zone]]
        if near:
            into = min(near, key=lambda z: (size[z], z))
        elif others:  # an island: the nearest zone
            shape = metric.loc[members[zone]].union_all()
            into = min(others, key=lambda z: (metric.loc[members[z]].distance(shape).min(), z))
        else:
            alone.add(zone)
            continue
        members[into] += members.pop(zone)
        size[into] += size.pop(zone)
        for a in members[into]:
            zone_of[a] = into
    names = areas.assign(area_code=areas["area_code"].astype(str)).set_index("area_code")["area_name"]
    rows = []
    for number, zone in enumerate(sorted(members, key=lambda z: min(members[z])), start=1):
        inside = sorted(members[zone])
        biggest = max(inside, key=lambda a: (people[a], -codes.index(a)))
        name = str(names[biggest]) + (f"ほか{len(inside) - 1}" if len(inside) > 1 else "")
        rows += [(a, f"Z{number:02d}", name) for a in inside]
    table = pd.DataFrame(rows, columns=["area_code", "zone_code", "zone_name"])
    return Zones(table, _shapes(areas, table, people))


def zone_layer(zones: Zones, dataset: str) -> tuple[gpd.GeoDataFrame, dict]:
    """The zones of a published dataset as a geo dataset `<dataset>_zones` (no counts of persons): its
    zone_name is the values of the dataset's `zone` column, so a map can draw the dataset by zone."""
    layer = zones.shapes[["zone_code", "zone_name", "areas", "geometry"]].to_crs(4326)
    name = zone_layer_name(dataset)
    dictionary = build_dictionary(
        layer,
        name,
        {"ja": f"{dataset} の地区", "en": f"Zones of {dataset}"},
        {
            "ja": f"{dataset} の zone 列の地区の形（となり合う町丁・字をまとめたもの）。",
            "en": f"The shapes of the zones in the zone column of {dataset} (adjacent small areas merged).",
        },
        roles={"zone_name": "district"},
        labels={
            "zone_code": {"ja": "地区コード", "en": "Zone code"},
            "zone_name": {"ja": "地区", "en": "Zone"},
            "areas": {"ja": "町丁・字の数", "en": "Small areas"},
        },
        source={
            "ja": "e-Stat 境界データ 小地域（町丁・字等）を講師がまとめたもの",
            "en": "e-Stat small-area boundaries, merged",
        },
        anonymization={"ja": "該当なし（境界の形）。", "en": "Not applicable: boundaries."},
    )
    return layer, dictionary


def read_zone_table(raw: bytes) -> pd.DataFrame:
    """An uploaded 町丁・字 → 地区 CSV (UTF-8 or CP932), every value as text."""
    for encoding in ("utf-8-sig", "cp932"):
        try:
            return pd.read_csv(io.BytesIO(raw), dtype=str, encoding=encoding)
        except UnicodeDecodeError:
            continue
        except (pd.errors.EmptyDataError, pd.errors.ParserError) as exc:
            raise ZoneTableError("columns", columns="?") from exc
    raise ZoneTableError("columns", columns="?")


def zones_from_table(frame: pd.DataFrame, areas: gpd.GeoDataFrame, people: pd.Series | None = None) -> Zones:
    """The city's own 町丁・字 → 地区 table (CSV columns area_code and a zone name, codes as text).

    Every area of the boundaries must be in it, once; codes not in the boundaries are refused."""
    if "area_code" not in frame.columns or len(frame.columns) < 2:
        raise ZoneTableError("columns", columns="、".join(map(str, frame.columns[:6])))
    name_column = next(c for c in frame.columns if c != "area_code")
    table = pd.DataFrame({"area_code": frame["area_code"].astype(str).str.strip(),
                          "zone_name": frame[name_column].astype(str).str.strip()})
    known = set(areas["area_code"].astype(str))
    unknown = sorted(set(table["area_code"]) - known)
    missing = sorted(known - set(table["area_code"]))
    twice = sorted(table.loc[table["area_code"].duplicated(), "area_code"].unique())
    if unknown or missing or twice:
        raise ZoneTableError("codes", unknown="、".join(unknown[:10]) or "-", missing="、".join(missing[:10]) or "-",
                             twice="、".join(twice[:10]) or "-", n_unknown=len(unknown), n_missing=len(missing))
    order = {name: n for n, name in enumerate(dict.fromkeys(table.sort_values("area_code")["zone_name"]), start=1)}
    table["zone_code"] = table["zone_name"].map(lambda n: f"Z{order[n]:02d}")
    table = table[["area_code", "zone_code", "zone_name"]]
    people = people.rename(index=str) if people is not None else pd.Series(dtype=int)
    return Zones(table, _shapes(areas, table, people))
