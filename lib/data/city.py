"""Turning the workbench to a real municipality from an e-Stat 小地域 (町丁・字等) boundary file.

`setup_city(path, "31201")` reads a Shapefile zip or GeoJSON of the 2015 or 2020 edition (a whole
prefecture or one city), keeps the city with that 5-digit 全国地方公共団体コード, repairs invalid
shapes (reported), drops 水面調査区 (HCODE 8154), keeps every code as text, and publishes it as the
workbench's area layer (`areas`), outline (`city_boundary`) and, from JINKO, a first population
dataset (`population`). Published datasets with these names take the demo's place in the catalog;
the demo files stay in datasets/demo/ and the demo course keeps its example. `city.json` in the data
folder records which city the workbench is for.
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field, replace
from datetime import datetime
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd

from lib import i18n, settings
from lib.data.facility_lists import FacilityList, facilities_dictionary, read_facility_list
from lib.data.geo_checks import RepairedShape
from lib.data.import_worker import read_file_guarded
from lib.data.importing import ImportResult
from lib.data.population_layouts import PopulationTable, band_order, read_population
from lib.data.publishing import publish_public_statistics
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
ALL_AGES, BOTH_SEXES = "総数", "総数"


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
    undisclosed: list[str] = field(default_factory=list)
    population_total: int | None = None
    population: PopulationTable | None = None
    facilities: list[FacilityList] = field(default_factory=list)
    datasets: list[str] = field(default_factory=list)

    def lines(self, lang: str = "ja") -> list[str]:
        tr = lambda key, **v: i18n.t(f"city.report.{key}", lang, **v)  # noqa: E731
        out = [tr("done", city=self.city_name, pref=self.pref_name, code=self.city_code, areas=self.areas,
                  year=self.year)]
        out.append(tr("water", count=len(self.water_dropped), codes="、".join(self.water_dropped[:5]) or "-"))
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
        elif self.population_total is not None:
            out.append(tr("population", total=self.population_total, year=self.year))
        else:
            out.append(tr("no_population"))
        for facility_list in self.facilities:
            out.append(tr("facilities", name=facility_list.source, kind=i18n.t(f"facilities.kind.{facility_list.kind}", lang),
                          count=len(facility_list.points), outside=facility_list.outside))
            if facility_list.skipped:
                out.append(tr("facilities_skipped", count=len(facility_list.skipped),
                              names="、".join(facility_list.skipped[:5])))
        if self.undisclosed:
            out.append(tr("undisclosed", count=len(self.undisclosed), codes="、".join(self.undisclosed[:5])))
        out.append(tr("datasets", names="、".join(self.datasets)))
        return out


def _reason(geos_reason: str, lang: str) -> str:
    """GEOS's English reason as a sentence the instructor reads ("Ring Self-intersection[x y]" → its kind)."""
    kind = ("ring" if geos_reason.startswith("Ring Self") else
            "crossing" if geos_reason.startswith("Self-intersection") else "other")
    return i18n.t(f"city.reason.{kind}", lang)


# ---------------------------------------------------------------------------- reading
def _text_codes(series: pd.Series, width: int) -> pd.Series:
    """Codes as text with their leading zeros (a file converted by a spreadsheet may have lost them)."""
    text = series.astype("string").str.strip().str.replace(r"\.0$", "", regex=True)
    return text.where(~text.str.fullmatch(r"\d+", na=False), text.str.zfill(width))


def _column(frame: pd.DataFrame, *names: str) -> pd.Series | None:
    for name in names:
        if name in frame.columns:
            return frame[name]
    return None


def _marked(frame: pd.DataFrame, *columns: str) -> np.ndarray:
    """True where any of the mark columns (KIGO_I 秘匿, KIGO_D 合算) holds a mark; absent columns mark nothing."""
    marked = np.zeros(len(frame), dtype=bool)
    for column in columns:
        if column in frame.columns:
            text = frame[column].astype("string").str.strip()
            marked |= (text.notna() & (text != "") & (text != "-")).to_numpy()
    return marked


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
    """Each row's 5-digit city code and 11-digit small-area code, as text (2015 or 2020 columns)."""
    frame = _upper_columns(frame)
    pref, city = _column(frame, "PREF", "KEN"), _column(frame, "CITY")
    s_area, key = _column(frame, "S_AREA"), _column(frame, "KEY_CODE")
    if pref is None or city is None or (s_area is None and key is None):
        raise CitySetupError("not_estat", columns="、".join(map(str, list(frame.columns)[:8])))
    cities = _text_codes(pref, 2) + _text_codes(city, 3)
    codes = cities + _text_codes(s_area, 6) if s_area is not None else _text_codes(key, 11)
    return cities, codes


def small_areas(frame: gpd.GeoDataFrame, city_code: str) -> tuple[gpd.GeoDataFrame, dict]:
    """The city's 町丁・字 from an e-Stat frame (2015 or 2020 columns): one row per code, water dropped."""
    cities, codes = file_codes(frame)
    frame = _upper_columns(frame).assign(__city=cities, __code=codes)
    chosen = frame[frame["__city"] == city_code]
    if chosen.empty:
        names = _column(frame, "CITY_NAME", "GST_NAME")
        found = frame.assign(__name=names if names is not None else "").drop_duplicates("__city")
        listed = "、".join(f"{c} {n}" for c, n in zip(found["__city"], found["__name"].fillna(""), strict=True))
        raise CitySetupError("city_not_found", code=city_code, found=listed[:300])
    hcode = _column(chosen, "HCODE")
    water = (_text_codes(hcode, 4) == WATER_HCODE).fillna(False) if hcode is not None else False
    dropped = sorted(set(chosen.loc[water, "__code"]))
    chosen = chosen[~water] if hcode is not None else chosen
    if chosen.empty:
        raise CitySetupError("only_water", code=city_code)

    first = chosen.iloc[0]
    city_name = str(first.get("CITY_NAME") or first.get("GST_NAME") or city_code)
    if not first.get("CITY_NAME") and first.get("CSS_NAME"):  # 2015: a ward of a designated city
        city_name += str(first["CSS_NAME"])
    info = {"city_code": city_code, "city_name": city_name,
            "pref_name": str(first.get("PREF_NAME") or first.get("KEN_NAME") or ""), "water_dropped": dropped}

    names = _column(chosen, "S_NAME", "MOJI")
    chosen = chosen.assign(
        __name=names.astype("string").fillna(chosen["__code"]) if names is not None else chosen["__code"],
        __town=_column(chosen, "MOJI", "S_NAME").astype("string").str.replace(r"[0-9０-９一二三四五六七八九十]+丁目$",
                                                                              "", regex=True)
        if names is not None else chosen["__code"],
        __people=pd.to_numeric(_column(chosen, "JINKO"), errors="coerce") if "JINKO" in chosen else np.nan,
        __households=pd.to_numeric(_column(chosen, "SETAI"), errors="coerce") if "SETAI" in chosen else np.nan,
        __undisclosed=_marked(chosen, "KIGO_I", "KIGO_D"),
        # Several polygons may share a code (飛び地); the statistics are on the largest (AREA_MAX_F = M).
        __main=(_column(chosen, "AREA_MAX_F").astype("string") == "M").fillna(False).to_numpy()
        if "AREA_MAX_F" in chosen else True,
    )
    chosen = chosen.sort_values(["__code", "__main"], ascending=[True, False])
    merged = chosen.dissolve(by="__code", aggfunc="first", as_index=False)
    undisclosed = merged["__undisclosed"].astype(bool)
    metric = merged.estimate_utm_crs()
    areas = gpd.GeoDataFrame({
        "area_code": merged["__code"].astype(str),
        "area_name": merged["__name"].astype(str),
        "district": merged["__town"].astype(str).str.strip(),
        "households": merged["__households"].where(~undisclosed).astype("Int64"),
        "area_km2": (merged.geometry.to_crs(metric).area / 1e6).round(4),
        "population": merged["__people"].where(~undisclosed).astype("Int64"),
    }, geometry=merged.geometry.values, crs=merged.crs)
    info["undisclosed"] = sorted(areas.loc[undisclosed.to_numpy(), "area_code"])
    return areas, info


# ---------------------------------------------------------------------------- dictionaries
def _dictionary(name: str, kind: str, title: dict, description: dict, source: str, columns: list[str]) -> dict:
    entries = []
    for column in columns:
        label, col_type, role = LABELS[column]
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
                  "source": {"ja": f"e-Stat 境界データ 小地域（町丁・字等）「{source}」を加工", "en": f"e-Stat small-area boundaries ({source}), processed"},
                  "anonymization": {"ja": "該当なし（公表されている統計と境界）。", "en": "Not applicable: published statistics and boundaries."},
                  "columns": entries}
    # Population counts persons: the small-cell rule reads that column (places and outlines describe no one).
    dictionary["privacy"] = {"persons": "population" if "population" in columns else None}
    return dictionary


def city_datasets(areas: gpd.GeoDataFrame, info: dict, year: int, source: str,
                  population: PopulationTable | None = None) -> list[tuple[pd.DataFrame, dict]]:
    """The frames and dictionaries that turn the workbench to the city: areas, outline, population.

    The population is the 住民基本台帳 file when one is given, else the census JINKO of the boundaries.
    """
    city = info["city_name"]
    out = [(areas.drop(columns=["population"]), _dictionary(
        "areas", "geo", {"ja": f"{city}の町丁・字", "en": f"Small areas of {city}"},
        {"ja": f"{info['pref_name']}{city}の町丁・字等の境界（{year}年国勢調査、水面調査区を除く）。ほかのデータは area_code でここにつながります。",
         "en": f"Boundaries of the small areas of {city} ({year} census, water areas left out). Other datasets join here on area_code."},
        source, ["area_code", "area_name", "district", "households", "area_km2", "geometry"]))]
    outline = gpd.GeoDataFrame({"city_code": [info["city_code"]], "city_name": [city],
                                "area_km2": [round(float(areas["area_km2"].sum()), 3)]},
                               geometry=[areas.union_all()], crs=areas.crs)
    out.append((outline, _dictionary(
        "city_boundary", "geo", {"ja": f"{city}の市域", "en": f"Outline of {city}"},
        {"ja": f"{city}の全体の境界（町丁・字を合わせた形）。", "en": f"The outline of {city}: the union of its small areas."},
        source, ["city_code", "city_name", "area_km2", "geometry"])))
    if population is not None:
        dictionary = _dictionary(
            "population", "table", {"ja": f"{city}の町丁目別・年齢別人口", "en": f"Population of {city} by area, age and sex"},
            {"ja": f"住民基本台帳人口（{population.year}年）を町丁目・5歳階級・男女別にしたもの。",
             "en": f"Resident-register population ({population.year}) by small area, five-year age band and sex."},
            population.source, ["year", "area_code", "age_band", "sex", "population"])
        dictionary["source"] = {"ja": f"{city}の住民基本台帳人口「{population.source}」を加工",
                                "en": f"Resident register of {city} ({population.source}), processed"}
        for column in dictionary["columns"]:
            if column["name"] == "age_band":
                column["order"] = band_order(population.frame["age_band"])
        out.append((population.frame, dictionary))
    elif areas["population"].notna().any():
        people = pd.DataFrame({"year": year, "area_code": areas["area_code"], "age_band": ALL_AGES,
                               "sex": BOTH_SEXES, "population": areas["population"]})
        out.append((people.dropna(subset=["population"]).reset_index(drop=True), _dictionary(
            "population", "table", {"ja": f"{city}の町丁・字別人口", "en": f"Population of {city} by small area"},
            {"ja": f"{year}年国勢調査の町丁・字別人口（境界データの JINKO）。年齢・男女別の人口を取り込むと置き換わります。",
             "en": f"{year} census population by small area (JINKO of the boundary file). Replaced when population by age and sex is imported."},
            source, ["year", "area_code", "age_band", "sex", "population"])))
    return out


# ---------------------------------------------------------------------------- the setting
def current_city() -> dict | None:
    """Which city the workbench is for ({city_code, city_name, ...}); None while it is on the demo city."""
    path = settings.city_file()
    if not path.exists():
        return None
    return json.loads(path.read_text(encoding="utf-8"))


def is_demo_on_real_city(ds) -> bool:
    """A dataset of the made-up demo city still listed after the workbench was turned to a real one:
    its places and areas are みどり野市's, so maps of the real city do not offer it."""
    return ds.origin == "demo" and current_city() is not None


def setup_city(path: str | Path, city_code: str, *, year: int | None = None, population: str | Path | None = None,
               population_year: int | None = None, facilities: list[str | Path] = (), set_by: str = "",
               source_name: str | None = None, population_name: str | None = None,
               facility_names: list[str] | None = None, store=None) -> CityReport:
    """Read the boundary file (and population, facility lists), keep the city, publish, record the setting."""
    city_code = str(city_code).strip()
    if not (len(city_code) == 5 and city_code.isdigit()):
        raise CitySetupError("bad_code", code=city_code)
    result = read_file_guarded(path, source_name=source_name)
    if not result.is_geo:
        raise CitySetupError("not_boundaries", name=result.source_name)
    edition = year or edition_year(result)
    if edition is None:
        raise CitySetupError("no_year", name=result.source_name)
    areas, info = small_areas(result.frame, city_code)
    cities, codes = file_codes(result.frame)
    repairs = [replace(r, ident=codes.iloc[r.row - 1]) for r in result.repairs if cities.iloc[r.row - 1] == city_code]
    people = None
    if population is not None:
        people = read_population(Path(population), areas[["area_code", "area_name"]],
                                 city_name=info["city_name"], year=population_year)
        people.source = population_name or Path(population).name
    names = facility_names or [None] * len(facilities)
    lists = [read_facility_list(path, areas, source_name=name) for path, name in zip(facilities, names, strict=True)]
    datasets = city_datasets(areas, info, edition, result.source_name, people)
    if lists:
        points = gpd.GeoDataFrame(pd.concat([f.points for f in lists], ignore_index=True), crs=4326)
        datasets.append((points, facilities_dictionary(info["city_name"], lists)))
    publish_public_statistics(datasets, published_by=set_by or "setup-city", source=result.source_name, store=store)
    report = CityReport(
        city_code=city_code, city_name=info["city_name"], pref_name=info["pref_name"], year=edition,
        areas=len(areas), source=result.source_name, water_dropped=info["water_dropped"], repairs=repairs,
        undisclosed=info["undisclosed"],
        population_total=int(areas["population"].sum()) if areas["population"].notna().any() else None,
        population=people, facilities=lists,
        datasets=[d["name"] for _, d in datasets])
    record = {"city_code": city_code, "city_name": report.city_name, "pref_name": report.pref_name,
              "year": edition, "source": report.source, "set_at": datetime.now().isoformat(timespec="seconds")}
    settings.city_file().parent.mkdir(parents=True, exist_ok=True)
    settings.city_file().write_text(json.dumps(record, ensure_ascii=False, indent=1), encoding="utf-8")
    return report
