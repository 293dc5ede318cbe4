"""Turning the workbench to a real municipality from an e-Stat 小地域 (町丁・字等) boundary file.

`setup_city(path, "31201")` reads a Shapefile zip or GeoJSON of the 2015 or 2020 edition (a whole
prefecture or one city), keeps the city with that 5-digit 全国地方公共団体コード, repairs invalid
shapes (reported), drops 水面調査区 (HCODE 8154), keeps every code as text, and publishes it as the
workbench's area layer (`areas`), outline (`city_boundary`) and, from JINKO, a first population
dataset (`population`). Published datasets with these names take the demo's place in the catalog;
the demo files stay in datasets/demo/ and the demo course keeps its example. `city.json` in the data
folder records which city the workbench is for.

A joint course of several municipalities (`setup_city(path, ["31201", "31302"])`) publishes them together:
one `areas` table whose KEY_CODEs (PREF + CITY + S_AREA) never collide, each area naming its `city_code` and
`city_name`, one outline per city, each city's totals checked; its name is 「鳥取市・岩美町」 wherever one
name is shown, and `city.json` lists the cities (`city_list`).
"""
from __future__ import annotations

import json
import unicodedata
from dataclasses import dataclass, field, replace
from datetime import datetime
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd

from lib import i18n, settings
from lib.data.census_households import (
    CensusHouseholds,
    households_dataset,
    households_of_areas,
    read_family_type_table,
)
from lib.data.census_tables import CensusAges, CensusCounts, read_census_ages
from lib.data.city_file import current_city
from lib.data.facility_lists import FacilityList, facilities_dictionary, read_facility_list, unique_ids
from lib.data.geo_checks import RepairedShape
from lib.data.import_worker import read_file_guarded
from lib.data.importing import ImportResult
from lib.data.ipss_projection import projections_left_for
from lib.data.population_layouts import PopulationTable, band_order, read_population
from lib.data.publishing import dataset_dir, publication_log, publish_public_statistics
from lib.errors import WorkbenchError

WATER_HCODE = "8154"  # 水面調査区: a lake or bay surveyed as its own unit, not a place where people live
EDITION_MARKERS = {"R2KA": 2020, "H27KA": 2015}  # the edition's polygon-id column names
DATUM_EDITIONS = {"JGD2011": 2020, "JGD2000": 2015}  # 2020 files are JGD2011, 2015 files JGD2000
LABELS = {
    "area_code": ({"ja": "町丁・字コード", "en": "Small-area code"}, "code", "area"),
    "area_name": ({"ja": "町丁・字名", "en": "Small-area name"}, "text", "name"),
    # 町・大字 (the name without its 丁目) is the district: the instructor pages and charts group by it.
    "district": ({"ja": "町・大字", "en": "Town (大字)"}, "category", "district"),
    "households": ({"ja": "世帯数（国勢調査）", "en": "Households (census)"}, "integer", "measure"),
    "area_km2": ({"ja": "面積", "en": "Area"}, "number", "measure"),
    "city_code": ({"ja": "全国地方公共団体コード", "en": "Local government code"}, "code", "id"),
    "city_name": ({"ja": "市区町村名", "en": "Municipality name"}, "text", "name"),
    "year": ({"ja": "年", "en": "Year"}, "year", "year"),
    "age_band": ({"ja": "年齢", "en": "Age"}, "category", "age_band"),
    "sex": ({"ja": "性別", "en": "Sex"}, "category", "sex"),
    "population": ({"ja": "人口", "en": "Population"}, "integer", "measure"),
    "geometry": ({"ja": "形状", "en": "Geometry"}, "geometry", None),
}
# The areas table names each area's municipality too (a joint course has several): a category to group and
# filter charts by (「areas.city_name」), its code an id.
AREA_CITY_LABELS = {
    "city_code": ({"ja": "市区町村コード", "en": "Municipality code"}, "code", "id"),
    "city_name": ({"ja": "市区町村", "en": "Municipality"}, "category", None),
}
ALL_AGES, BOTH_SEXES = "総数", "総数"
# What setup-city publishes; a rerun withdraws those of an earlier run that it does not publish again.
CITY_DATASETS = ("areas", "city_boundary", "population", "households", "facilities")


class CitySetupError(WorkbenchError):
    """A boundary file or city code that cannot set up the workbench; `text(lang)` says what to do."""
    key_prefix = "city.error."


@dataclass
class CityReport:
    """What setup-city did, for the instructor to check."""
    city_code: str
    city_name: str
    pref_name: str
    year: int
    areas: int
    source: str
    water_dropped: list[str] = field(default_factory=list)
    repairs: list[RepairedShape] = field(default_factory=list)
    island_areas: list[str] = field(default_factory=list)
    population_total: int | None = None
    households_total: int | None = None
    year_given: int | None = None  # a --year that the file's own edition contradicted
    population: PopulationTable | None = None
    census: CensusAges | None = None
    households: CensusHouseholds | None = None
    facilities: list[FacilityList] = field(default_factory=list)
    datasets: list[str] = field(default_factory=list)
    parts: list[CityReport] = field(default_factory=list)  # a joint course: one report per municipality
    withdrawn: list[str] = field(default_factory=list)  # an earlier run's datasets this run did not publish

    def lines(self, lang: str = "ja") -> list[str]:
        tr = lambda key, **v: i18n.t(f"city.report.{key}", lang, **v)  # noqa: E731
        out = [tr("joint_done", city=self.city_name, count=len(self.parts), areas=self.areas, year=self.year)
               if self.parts else
               tr("done", city=self.city_name, pref=self.pref_name, code=self.city_code, areas=self.areas,
                  year=self.year)]
        if self.year_given is not None:
            out.append(tr("year_mismatch", given=self.year_given, year=self.year))
        if not self.parts:
            out += self._city_lines(tr, lang)
        for part in self.parts:  # each municipality's own lines (totals checked per city), then what they share
            out += [tr("joint_city", city=part.city_name, pref=part.pref_name, code=part.city_code,
                       areas=part.areas)] + part._city_lines(tr, lang)
        for facility_list in self.facilities:
            kind = (facility_list.label if facility_list.kind == "other"
                    else i18n.t(f"facilities.kind.{facility_list.kind}", lang))
            out.append(tr("facilities", name=facility_list.source, kind=kind,
                          count=len(facility_list.points), outside=facility_list.outside))
            if facility_list.skipped:
                out.append(tr("facilities_skipped", count=len(facility_list.skipped),
                              names="、".join(facility_list.skipped[:5])))
        out.append(tr("datasets", names="、".join(self.datasets)))
        if self.withdrawn:
            out.append(tr("withdrawn", names="、".join(self.withdrawn)))
        return out

    def _city_lines(self, tr, lang: str) -> list[str]:
        """What was read and checked for one municipality."""
        out = [tr("water", count=len(self.water_dropped), codes="、".join(self.water_dropped[:5]) or "-")]
        out.append(tr("repaired", count=len(self.repairs)))
        out += [tr("repair", ident=r.ident, reason=_reason(r.reason, lang), before=r.area_before_m2,
                   after=r.area_after_m2) for r in self.repairs]
        if self.population is not None:
            people = self.population
            out.append(tr("register", name=people.source, layout=tr(f"layout.{people.layout}"), year=people.year,
                          total=int(people.frame["population"].sum()), matched=people.frame["area_code"].nunique(),
                          read=people.areas_read))
            out.append(tr("unmatched", count=len(people.unmatched)) if len(people.unmatched) else tr("all_matched"))
            out += [tr("unmatched_row", name=r.area_name, population=int(r.population))
                    for r in people.unmatched.itertuples()]
            if people.not_numbers:
                out.append(tr("not_numbers", count=people.not_numbers))
            checked = people.checked
            if checked is not None:
                everyone = checked.ages + checked.unknown_age
                out.append(tr("totals_checked", ages=everyone, unknown=checked.unknown_age,
                              column=checked.total_column) if checked.total is not None
                           else tr("totals_unchecked", ages=everyone))
                if checked.unread:
                    out.append(tr("unread_ages", columns="、".join(checked.unread)))
        elif self.census is not None:
            out.append(tr("census", name=self.census.source, matched=self.census.matched, areas=self.areas,
                          total=int(self.census.frame["population"].sum()), unknown=self.census.unknown_age))
            out += _count_lines(self.census, "census", tr)
        elif self.population_total is not None:
            out.append(tr("population", total=self.population_total, year=self.year))
        if self.population_total is not None:
            out.append(tr("totals", city=self.city_name, population=self.population_total,
                          households=self.households_total or 0))
        else:
            out.append(tr("no_population"))
        if self.households is not None:
            out += _household_lines(self.households, self.areas, tr)
        if self.island_areas:
            out.append(tr("islands", count=len(self.island_areas), codes="、".join(self.island_areas[:5])))
        return out


def _household_lines(found: CensusHouseholds, areas: int, tr) -> list[str]:
    """What the family-type table gave, its total against its own city row, its secret and unread columns."""
    out = [tr("households", name=found.source, matched=found.matched, areas=areas, total=found.total)]
    out += _count_lines(found, "households", tr)
    if "elderly_single" not in found.columns:
        out.append(tr("households_no_single"))
    if found.unread:
        out.append(tr("households_unread", columns="、".join(found.unread[:8])))
    return out


def _count_lines(found: CensusCounts, kind: str, tr) -> list[str]:
    """A census table's total over the areas against its own row for the city, and where its secret areas are
    counted (`kind`: census or households, the texts' prefix)."""
    if found.city_total is None:
        out = [tr(f"{kind}_unchecked", total=found.total)]
    elif found.city_total == found.total:
        out = [tr(f"{kind}_checked", total=found.total, city_total=found.city_total)]
    else:
        out = [tr(f"{kind}_differ", total=found.total, city_total=found.city_total,
                  difference=abs(found.city_total - found.total), count=len(found.unmatched),
                  areas="、".join(f"{name}（{code}）{n:,}" for code, name, n in found.unmatched[:5]) or "-")]
    if found.secret:
        out.append(tr(f"{kind}_secret", count=len(found.secret), pairs="、".join(
            f"{name}（{code}）→ {dest_name}（{dest}）" if dest else f"{name}（{code}）→ ?"
            for code, name, dest, dest_name in found.secret[:5])))
    return out


def _reason(geos_reason: str, lang: str) -> str:
    """GEOS's English reason as a sentence the instructor reads ("Ring Self-intersection[x y]" → its kind)."""
    kind = ("ring" if geos_reason.startswith("Ring Self") else
            "crossing" if geos_reason.startswith("Self-intersection") else "other")
    return i18n.t(f"city.reason.{kind}", lang)


# ---------------------------------------------------------------------------- reading
def _text_codes(series: pd.Series, width: int) -> pd.Series:
    """Fixed-width codes (PREF 2, CITY 3) as text with their leading zeros (a spreadsheet may have lost them)."""
    text = series.astype("string").str.strip().str.replace(r"\.0$", "", regex=True)
    return text.where(~text.str.fullmatch(r"\d+", na=False), text.str.zfill(width))


def _key_codes(series: pd.Series) -> pd.Series:
    """KEY_CODE exactly as written: 9 digits for 町・大字, 11 for 丁目・字 (PREF 2 + CITY 3 + S_AREA 4 or 6).

    Never padded to one width, or nothing from e-Stat's statistics tables would join. Only a 都道府県
    code's lost leading zero (01–09, 8 or 10 digits left by a spreadsheet) is put back.
    """
    text = series.astype("string").str.strip().str.replace(r"\.0$", "", regex=True)
    return text.where(~text.str.fullmatch(r"\d{8}|\d{10}", na=False), "0" + text)


def _column(frame: pd.DataFrame, *names: str) -> pd.Series | None:
    for name in names:
        if name in frame.columns:
            return frame[name]
    return None


def _blank_as_empty(frame: pd.DataFrame, name: str) -> pd.Series:
    """A text column with missing values (NaN, None) as "" (an absent column is all "")."""
    column = _column(frame, name)
    if column is None:
        return pd.Series("", index=frame.index, dtype="string")
    return column.astype("string").fillna("").str.strip()


def municipality_names(frame: pd.DataFrame) -> tuple[pd.Series, pd.Series]:
    """Each row's municipality as the file writes it, and its own name.

    CITY_NAME where the file has it (2020, later 2015 files); else 郡市名 GST_NAME + 区町村名 CSS_NAME,
    where CSS_NAME is empty outside 政令市 and 郡: 「鳥取市」, 「札幌市中央区」, 「岩美郡岩美町」. The own name
    leaves out the 郡 (「岩美町」).
    """
    frame = _upper_columns(frame)
    city_name, gst, css = (_blank_as_empty(frame, c) for c in ("CITY_NAME", "GST_NAME", "CSS_NAME"))
    written = city_name.where(city_name != "", gst + css)
    own = written.where(~(gst.str.endswith("郡") & (css != "") & (city_name == "")), css)
    return written, own


def edition_year(result: ImportResult) -> int | None:
    """2015 or 2020, from the edition's column names, else from the datum the file was in."""
    for column in result.frame.columns:
        for marker, year in EDITION_MARKERS.items():
            if str(column).upper().startswith(marker):
                return year
    notes = " ".join(str(w.values.get("crs", "")) for w in result.warnings if w.key == "reprojected")
    return next((year for datum, year in DATUM_EDITIONS.items() if datum in notes), None)


def _upper_columns(frame: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    return frame.rename(columns={c: str(c).upper() for c in frame.columns if c != frame.geometry.name})


def file_codes(frame: gpd.GeoDataFrame) -> tuple[pd.Series, pd.Series]:
    """Each row's 5-digit city code and its small-area code (KEY_CODE, 9 or 11 digits), as text."""
    frame = _upper_columns(frame)
    pref, city = _column(frame, "PREF", "KEN"), _column(frame, "CITY")
    s_area, key = _column(frame, "S_AREA"), _column(frame, "KEY_CODE")
    if pref is None or city is None or (s_area is None and key is None):
        raise CitySetupError("not_estat", columns="、".join(map(str, list(frame.columns)[:8])))
    cities = _text_codes(pref, 2) + _text_codes(city, 3)
    # S_AREA is 4 or 6 digits as written; its lost zeros cannot be told apart, so KEY_CODE comes first.
    codes = _key_codes(key) if key is not None else cities + s_area.astype("string").str.strip()
    return cities, codes


def municipalities_in(frame: gpd.GeoDataFrame) -> list[str]:
    """The municipalities a boundary file holds, as 「31201 鳥取市」 (with the 郡: 「31302 岩美郡岩美町」), by code."""
    cities, _codes = file_codes(frame)
    written, _own = municipality_names(frame)
    found = pd.DataFrame({"code": cities, "name": written}).drop_duplicates("code").sort_values("code")
    return [f"{c} {n}".strip() for c, n in zip(found["code"], found["name"], strict=True)]


def _numbers(frame: pd.DataFrame, name: str) -> pd.Series:
    column = _column(frame, name)
    return pd.to_numeric(column, errors="coerce") if column is not None else pd.Series(np.nan, index=frame.index)


def small_areas(frame: gpd.GeoDataFrame, city_code: str) -> tuple[gpd.GeoDataFrame, dict]:
    """The city's 町丁・字 from an e-Stat frame (2015 or 2020 columns): one row per KEY_CODE.

    A 町丁・字 may be several polygons (飛び地 KIGO_D, islands KIGO_I = 'I', parts split by water): they
    are joined and their JINKO / SETAI summed, since the statistics sit on one part, not always the
    largest. 水面調査区 (HCODE 8154) where no one lives are left out; one with residents is kept, so the
    published totals are the file's totals for the city.
    """
    cities, codes = file_codes(frame)
    written, own = municipality_names(frame)
    frame = _upper_columns(frame).assign(__city=cities, __code=codes, __written=written, __own=own)
    chosen = frame[frame["__city"] == city_code]
    if chosen.empty:
        raise CitySetupError("city_not_found", code=city_code, found="、".join(municipalities_in(frame))[:400])
    people, households = _numbers(chosen, "JINKO"), _numbers(chosen, "SETAI")
    hcode = _column(chosen, "HCODE")
    water = ((_text_codes(hcode, 4) == WATER_HCODE).fillna(False) if hcode is not None
             else pd.Series(False, index=chosen.index))
    empty_water = water & (people.fillna(0) == 0) & (households.fillna(0) == 0)
    land = chosen[~empty_water]
    dropped = sorted(set(chosen.loc[empty_water, "__code"]) - set(land["__code"]))
    if land.empty:
        raise CitySetupError("only_water", code=city_code)

    first = land.iloc[0]
    info = {"city_code": city_code, "city_name": str(first["__own"]) or city_code,
            "pref_name": str(_blank_as_empty(land, "PREF_NAME").iloc[0] or _blank_as_empty(land, "KEN_NAME").iloc[0]),
            "water_dropped": dropped,
            "island_areas": sorted(set(land.loc[_blank_as_empty(land, "KIGO_I").str.upper().isin(["I", "Ｉ"]),
                                                "__code"])),
            "file_population": _total(people), "file_households": _total(households)}

    names = _column(land, "S_NAME", "MOJI")
    main = (_column(land, "AREA_MAX_F").astype("string") == "M").fillna(False) if "AREA_MAX_F" in land else True
    land = land.assign(
        __name=names.astype("string").str.strip().replace("", pd.NA).fillna(land["__code"])
        if names is not None else land["__code"],
        __people=people, __households=households, __main=main,
    )
    # The name of the largest part (AREA_MAX_F = M) names the area; the statistics are the parts' sum.
    land = land.sort_values(["__code", "__main"], ascending=[True, False])
    merged = land.dissolve(by="__code", aggfunc={"__name": "first"}, as_index=False)
    sums = land.groupby("__code")[["__people", "__households"]].sum(min_count=1).reindex(merged["__code"])
    metric = merged.estimate_utm_crs()
    areas = gpd.GeoDataFrame({
        "area_code": merged["__code"].astype(str),
        "area_name": merged["__name"].astype(str),
        "district": merged["__name"].astype(str).str.replace(r"[0-9０-９一二三四五六七八九十]+丁目$", "", regex=True)
        .str.strip(),
        "households": sums["__households"].round().astype("Int64").to_numpy(),
        "area_km2": (merged.geometry.to_crs(metric).area / 1e6).round(4),
        "population": sums["__people"].round().astype("Int64").to_numpy(),
    }, geometry=merged.geometry.values, crs=merged.crs)
    for column, key in (("population", "file_population"), ("households", "file_households")):
        published = _total(areas[column])
        if published != info[key]:  # a guard: the sums above must keep every person the file counts
            raise CitySetupError("totals_differ", code=city_code, published=published or 0, file=info[key] or 0)
    return areas, info


def _total(values: pd.Series) -> int | None:
    """The sum of a statistics column, None when the file has none."""
    return int(values.sum()) if values.notna().any() else None


# ---------------------------------------------------------------------------- dictionaries
def _dictionary(name: str, kind: str, title: dict, description: dict, source: str, columns: list[str],
                labels: dict | None = None) -> dict:
    entries = []
    for column in columns:
        label, col_type, role = {**LABELS, **(labels or {})}[column]
        entry = {"name": column, "label": label, "type": col_type}
        if role:
            entry["role"] = role
        if column == "area_code":
            entry["joins"] = "areas.area_code"
        if column == "area_km2":
            entry["unit"] = {"ja": "km²", "en": "km²"}
        entries.append(entry)
    dictionary = {"name": name, "file": f"{name}.{'geojson' if kind == 'geo' else 'parquet'}", "kind": kind,
                  "title": title, "description": description, "themes": ["population"],
                  "source": {"ja": f"e-Stat 境界データ 小地域（町丁・字等）「{source}」を加工",
                             "en": f"e-Stat small-area boundaries ({source}), processed"},
                  "anonymization": {"ja": "該当なし（公表されている統計と境界）。",
                                    "en": "Not applicable: published statistics and boundaries."},
                  "columns": entries}
    # Population counts persons: the small-cell rule reads that column (places and outlines describe no one).
    dictionary["privacy"] = {"persons": "population" if "population" in columns else None}
    return dictionary


def city_datasets(areas: gpd.GeoDataFrame, info: dict, year: int, source: str,
                  population: PopulationTable | None = None,
                  census: CensusAges | None = None,
                  households: CensusHouseholds | None = None) -> list[tuple[pd.DataFrame, dict]]:
    """The frames and dictionaries that turn the workbench to the city: areas (with each area's `city_code`
    and `city_name`), one outline per city, population, and the census households by family type when that
    table is given.

    The population is the 住民基本台帳 file when one is given, else the census 小地域集計 table by age
    and sex, else the census JINKO of the boundaries.
    """
    city = info["city_name"]
    out = [(areas.drop(columns=["population"]), _dictionary(
        "areas", "geo", {"ja": f"{city}の町丁・字", "en": f"Small areas of {city}"},
        {"ja": f"{info['pref_name']}{city}の町丁・字等の境界（{year}年国勢調査、水面調査区を除く）。"
               "ほかのデータは area_code でここにつながります。",
         "en": f"Boundaries of the small areas of {city} ({year} census, water areas left out). "
               "Other datasets join here on area_code."},
        source, ["area_code", "area_name", "district", "households", "area_km2", "city_code", "city_name", "geometry"],
        AREA_CITY_LABELS))]
    # One outline per municipality (a joint course has several), in the order they were given.
    outline = areas.dissolve(by="city_code", aggfunc={"city_name": "first", "area_km2": "sum"}, as_index=False,
                             sort=False)
    outline = outline.assign(area_km2=outline["area_km2"].astype(float).round(3))[
        ["city_code", "city_name", "area_km2", "geometry"]]
    out.append((outline, _dictionary(
        "city_boundary", "geo", {"ja": f"{city}の市域", "en": f"Outline of {city}"},
        {"ja": f"{city}の全体の境界（町丁・字を合わせた形）。",
         "en": f"The outline of {city}: the union of its small areas."},
        source, ["city_code", "city_name", "area_km2", "geometry"])))
    if population is not None:
        dictionary = _dictionary(
            "population", "table",
            {"ja": f"{city}の町丁目別・年齢別人口", "en": f"Population of {city} by area, age and sex"},
            {"ja": f"住民基本台帳人口（{population.year}年）を町丁目・5歳階級・男女別にしたもの。",
             "en": f"Resident-register population ({population.year}) by small area, five-year age band and sex."},
            population.source, ["year", "area_code", "age_band", "sex", "population"])
        dictionary["source"] = {"ja": f"{city}の住民基本台帳人口「{population.source}」を加工",
                                "en": f"Resident register of {city} ({population.source}), processed"}
        for column in dictionary["columns"]:
            if column["name"] == "age_band":
                column["order"] = band_order(population.frame["age_band"])
        out.append((population.frame, dictionary))
    elif census is not None:
        dictionary = _dictionary(
            "population", "table", {"ja": f"{city}の町丁・字別・年齢別人口（国勢調査）",
                                    "en": f"Population of {city} by small area, age and sex (census)"},
            {"ja": f"{year}年国勢調査 小地域集計「{census.source}」の年齢（5歳階級）男女別人口。"
                   "年齢不詳の人は含みません。",
             "en": f"{year} census small-area population by five-year age band and sex ({census.source}); "
                   "unknown ages left out."},
            census.source, ["year", "area_code", "age_band", "sex", "population"])
        dictionary["source"] = {"ja": f"e-Stat 国勢調査 小地域集計「{census.source}」を加工",
                                "en": f"e-Stat census small-area table ({census.source}), processed"}
        for column in dictionary["columns"]:
            if column["name"] == "age_band":
                column["order"] = band_order(census.frame["age_band"])
        out.append((census.frame.assign(year=year)[["year", "area_code", "age_band", "sex", "population"]],
                    dictionary))
    elif areas["population"].notna().any():
        people = pd.DataFrame({"year": year, "area_code": areas["area_code"], "age_band": ALL_AGES,
                               "sex": BOTH_SEXES, "population": areas["population"]})
        out.append((people.dropna(subset=["population"]).reset_index(drop=True), _dictionary(
            "population", "table", {"ja": f"{city}の町丁・字別人口", "en": f"Population of {city} by small area"},
            {"ja": f"{year}年国勢調査の町丁・字別人口（境界データの JINKO）。"
                   "年齢・男女別の人口を取り込むと置き換わります。",
             "en": f"{year} census population by small area (JINKO of the boundary file). "
                   "Replaced when population by age and sex is imported."},
            source, ["year", "area_code", "age_band", "sex", "population"])))
    if households is not None:
        out.append(households_dataset(households, city, year))
    return out


# ---------------------------------------------------------------------------- the setting
def _left_from_before(published: set[str]) -> list[str]:
    """The datasets an earlier setup-city published that this run does not: its households or facilities
    (or anything else of the old city) must not stay beside the new city's. Only those still as that run
    published them are meant (the last log entry is its publication), not a dataset published since."""
    before = current_city()
    if before is None:
        return []
    names = before.get("datasets") or CITY_DATASETS  # a city.json of an older version has no list
    stale = []
    for name in names:
        log = publication_log(name)
        if (name not in published and dataset_dir(name).exists() and log
                and log[-1]["action"] in ("publish", "replace") and log[-1].get("source") == before.get("source")):
            stale.append(name)
    return stale


def _listed(value) -> list:
    """One value or several (a joint course) as a list; None as an empty one."""
    if value is None:
        return []
    return [value] if isinstance(value, (str, Path)) else list(value)


def city_codes(given) -> list[str]:
    """The 5-digit codes of the course's municipalities, in the order given, each once."""
    codes: list[str] = []
    for code in _listed(given) or [""]:
        code = unicodedata.normalize("NFKC", str(code)).strip()
        if not (len(code) == 5 and code.isdigit()):
            raise CitySetupError("bad_code", code=code)
        if code not in codes:
            codes.append(code)
    return codes


def joint_name(names: list[str]) -> str:
    """The name shown where one name is shown: 「鳥取市」, or 「鳥取市・岩美町」 for a joint course."""
    return "・".join(dict.fromkeys(n for n in names if n))


def _combined(found: list, **fields):
    """Several municipalities' tables of one kind (population, census ages, households) as one."""
    if not found:
        return None
    frame = pd.concat([f.frame for f in found], ignore_index=True)
    return replace(found[0], frame=frame, **fields) if len(found) > 1 else found[0]


def setup_city(path, city_code, *, year: int | None = None, population=None,
               population_year: int | None = None, facilities: list[str | Path] = (), set_by: str = "",
               source_name=None, population_name=None,
               facility_names: list[str] | None = None, facility_columns: dict[str, str] | None = None,
               census: str | Path | None = None, census_name: str | None = None,
               households: str | Path | None = None, households_name: str | None = None, store=None) -> CityReport:
    """Read the boundary file(s) (and population, facility lists), keep the city or cities, publish, record.

    A joint course of several municipalities gives several codes (`city_code` a list) and, when they are in
    different prefectures' files, several boundary files (`path` a list; each city is read from the first
    file that holds it); a 住基 population file is per municipality (`population` a list in the codes' order).
    The areas table holds every city's 町丁・字 with its `city_code` and `city_name`; totals are checked per city.
    `facility_columns` names the facility lists' columns the detector does not know (name, lat, lon, address, kind).
    `census` is an e-Stat 小地域集計 table of population by age and sex (instead of a 住基 file);
    `households` its table of households by family type.
    """
    codes = city_codes(city_code)
    populations, population_names = _listed(population), _listed(population_name)
    if populations and census is not None:
        raise CitySetupError("two_populations")
    if populations and len(populations) != len(codes):
        raise CitySetupError("population_per_city", files=len(populations), cities=len(codes))
    family_table = read_family_type_table(households, households_name) if households is not None else None
    paths, names = _listed(path), _listed(source_name)
    results = [read_file_guarded(p, source_name=names[i] if i < len(names) else None) for i, p in enumerate(paths)]
    for result in results:
        if not result.is_geo:
            raise CitySetupError("not_boundaries", name=result.source_name)
    editions = sorted({found for found in map(edition_year, results) if found})
    if len(editions) > 1:
        raise CitySetupError("mixed_editions", years="・".join(map(str, editions)))
    edition = editions[0] if editions else year
    if edition is None:
        raise CitySetupError("no_year", name=results[0].source_name)
    file_cities = [file_codes(r.frame) for r in results]

    parts, frames, infos = [], [], []
    for n, code in enumerate(codes):
        at = next((i for i, (cities, _) in enumerate(file_cities) if (cities == code).any()), None)
        if at is None:
            listed = "、".join(m for r in results for m in municipalities_in(r.frame))
            raise CitySetupError("city_not_found", code=code, found=listed[:400])
        result, (cities, area_codes) = results[at], file_cities[at]
        areas, info = small_areas(result.frame, code)
        repairs = [replace(r, ident=area_codes.iloc[r.row - 1]) for r in result.repairs
                   if cities.iloc[r.row - 1] == code]
        people = None
        if populations:
            people = read_population(Path(populations[n]), areas[["area_code", "area_name"]],
                                     city_name=info["city_name"], year=population_year)
            people.source = population_names[n] if n < len(population_names) else Path(populations[n]).name
        ages = read_census_ages(census, areas["area_code"], census_name) if census is not None else None
        family_types = households_of_areas(family_table, areas["area_code"]) if family_table is not None else None
        frames.append(areas.assign(city_code=code, city_name=info["city_name"]))
        infos.append(info)
        parts.append(CityReport(
            city_code=code, city_name=info["city_name"], pref_name=info["pref_name"], year=edition,
            areas=len(areas), source=result.source_name, water_dropped=info["water_dropped"], repairs=repairs,
            island_areas=info["island_areas"], population_total=info["file_population"],
            households_total=info["file_households"], population=people, census=ages, households=family_types))

    areas = gpd.GeoDataFrame(pd.concat(frames, ignore_index=True), geometry="geometry", crs=frames[0].crs)
    name = joint_name([p.city_name for p in parts])
    pref = joint_name([p.pref_name for p in parts])
    source = "、".join(dict.fromkeys(r.source_name for r in results))
    people = _combined([p.population for p in parts if p.population is not None],
                       source="、".join(p.population.source for p in parts if p.population is not None))
    datasets = city_datasets(areas, {"city_code": codes[0], "city_name": name, "pref_name": pref}, edition, source,
                             people, _combined([p.census for p in parts if p.census is not None]),
                             _combined([p.households for p in parts if p.households is not None]))
    facility_list_names = facility_names or [None] * len(facilities)
    lists = [read_facility_list(f, areas, source_name=n, columns=facility_columns)
             for f, n in zip(facilities, facility_list_names, strict=True)]
    if lists:
        points = gpd.GeoDataFrame(pd.concat([f.points for f in lists], ignore_index=True), crs=4326)
        points["facility_id"] = unique_ids(points["facility_id"])  # two lists of one kind may share ids
        datasets.append((points, facilities_dictionary(name, lists)))
    stale = _left_from_before({d["name"] for _, d in datasets})
    # the municipal projections (ipss-projection) of municipalities no longer set up go in the same step
    projections, projection_gone = projections_left_for(codes)
    publish_public_statistics(datasets + projections, published_by=set_by or "setup-city", source=source,
                              store=store, withdraw=(*stale, *projection_gone),
                              reason=i18n.t("city.withdraw_reason", "ja"))
    stale += projection_gone
    found = editions[0] if editions else None
    extra = {"year_given": year if found and year and year != found else None, "facilities": lists,
             "datasets": [d["name"] for _, d in datasets], "withdrawn": stale}
    if len(parts) == 1:
        report = replace(parts[0], **extra)
    else:
        total = lambda key: (sum(getattr(p, key) for p in parts)  # noqa: E731
                             if all(getattr(p, key) is not None for p in parts) else None)
        report = CityReport(
            city_code=codes[0], city_name=name, pref_name=pref, year=edition, areas=len(areas), source=source,
            water_dropped=[c for p in parts for c in p.water_dropped], repairs=[r for p in parts for r in p.repairs],
            island_areas=[c for p in parts for c in p.island_areas], population_total=total("population_total"),
            households_total=total("households_total"), parts=parts, **extra)
    record = {"city_code": codes[0], "city_name": name, "pref_name": pref, "year": edition, "source": source,
              "cities": [{"city_code": p.city_code, "city_name": p.city_name, "pref_name": p.pref_name}
                         for p in parts],
              "set_at": datetime.now().isoformat(timespec="seconds"), "datasets": report.datasets}
    settings.city_file().parent.mkdir(parents=True, exist_ok=True)
    settings.city_file().write_text(json.dumps(record, ensure_ascii=False, indent=1), encoding="utf-8")
    return report
