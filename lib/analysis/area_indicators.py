"""Per-町丁目 indicators derived from the published tables, for scatter charts and statistics.

One row per area: its attributes (地区, 地域特性), population and ageing in the latest
year, the certification rate of residents 65+, and how far the area's centre is from
the nearest 通いの場 / サロン. The table is offered to trainees as a dataset of its
own ("area_indicators"), registered on the cursor that draws it; it never
enters the published database.
"""
from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import duckdb
import geopandas as gpd
import numpy as np
import pandas as pd

from lib.analysis.disclosure import MIN_CELL, is_small
from lib.analysis.geo_analysis import nearest_distance
from lib.analysis.indicators import ELDERLY_AGE, bands_from
from lib.data.catalog import Column, Dataset, load_catalog
from lib.data.store import read_geo

NAME = "area_indicators"


def _col(name, ja, en, type_, role=None, unit=None, order=None) -> Column:
    return Column(name=name, label={"ja": ja, "en": en}, type=type_, role=role,
                  unit={"ja": unit[0], "en": unit[1]} if unit else None, order=order)


def indicator_dataset() -> Dataset:
    """The dictionary of the derived table (labels and units shown in charts)."""
    columns = (
        _col("area_code", "町丁目コード", "Area code", "code", "area"),
        _col("area_name", "町丁目", "Area", "text", "name"),
        _col("district", "地区", "District", "category", "district"),
        _col("area_character", "地域特性", "Area character", "category"),
        _col("ageing_rate", "高齢化率", "Ageing rate", "number", "measure", ("%", "%")),
        _col("care_rate_65plus", "要介護認定率（65歳以上・全年度）", "Care certification rate (65+, all years)",
             "number", "measure", ("%", "%")),
        _col("care_ratio_age_adjusted", "標準化認定比（年齢調整、市全体=100）",
             "Age-adjusted certification ratio (city = 100)", "number", "measure", ("", "")),
        _col("kayoi_nearest_km", "最寄りの通いの場までの距離", "Distance to the nearest 通いの場", "number",
             "measure", ("km", "km")),
        _col("kayoi_places", "通いの場の数", "通いの場 in the area", "integer", "measure", ("か所", "places")),
        _col("kayoi_participants_per_100", "通いの場の参加者数（65歳以上100人当たり）",
             "通いの場 participants per 100 residents 65+", "number", "measure", ("人", "people")),
        _col("population", "人口", "Population", "integer", "measure", ("人", "people")),
        _col("elderly_65plus", "65歳以上人口", "Population 65+", "integer", "measure", ("人", "people")),
        _col("care_certified_65plus", "65歳以上の要介護認定者数（最新年）", "Certified people 65+ (latest year)",
             "integer", "measure", ("人", "people")),
    )
    return Dataset(
        name=NAME, file=Path(f"<derived:{NAME}>"), kind="table",
        title={"ja": "町丁目別の指標（派生）", "en": "Indicators by area (derived)"},
        description={
            "ja": "公開データから町丁目ごとに計算した指標です。人口と高齢化率は最新年。要介護認定率は全年度の"
                  "65 歳以上の認定者数÷65 歳以上人口、標準化認定比は年齢構成の違いを調整した比（市全体 = 100）、"
                  "距離は町丁目の中心から最寄りの通いの場・サロンまでの直線距離です。",
            "en": "Indicators computed per area from the published data (latest year).",
        },
        source={"ja": "ワークベンチが公開データ（人口・要介護認定・通いの場）から計算",
                "en": "computed by the workbench from the published population, care and places data"},
        columns=columns, origin="derived", computed_by=indicators,
        extra={"privacy": {"persons": "care_certified_65plus"}},
        record_unit={"ja": "町丁目 1 つ = 1 行", "en": "one row per area"},
    )


# The figures that describe certified persons (the rest describe residents): an area is left out of a
# model using one of them when its certified persons number 1 … MIN_CELL-1.
CARE_FIGURES = ("care_rate_65plus", "care_ratio_age_adjusted", "care_certified_65plus")


def few_persons(frame: pd.DataFrame, columns: list[str]) -> pd.Series:
    """Areas whose figures describe too few persons to be shown (lib.analysis.disclosure's rule, as maps
    apply it): fewer than MIN_CELL residents, or 1 … MIN_CELL-1 certified persons when a care figure is used.
    Models on areas leave them out and maps grey them; no figure of theirs is shown."""
    few = pd.to_numeric(frame["population"], errors="coerce").fillna(0) < MIN_CELL
    if set(columns) & set(CARE_FIGURES):
        few |= is_small(frame["care_certified_65plus"])
    return few


def analysis_catalog(catalog: dict[str, Dataset] | None = None) -> dict[str, Dataset]:
    """The catalog the analyses read (charts, pivots, statistics, saved evidence): `catalog` (the loaded one,
    its demo datasets marked on a real city, by default) plus the derived per-area table when its sources exist."""
    catalog = load_catalog() if catalog is None else catalog
    needed = {"areas", "population", "care_certification", "kayoi_places"}
    # On a real city the demo's care records and places lie elsewhere: no table of the two mixed.
    if not needed <= set(catalog) or any(catalog[n].demo_on_real_city for n in needed):
        return dict(catalog)
    derived = indicator_dataset()
    areas = catalog["areas"]
    # 地区 and 地域特性 keep the names and the order the area dictionary gives them (one name on every page).
    columns = tuple(
        replace(c, label=areas.column(c.name).label, order=areas.column(c.name).order)
        if areas.has_column(c.name) and c.is_categorical else c
        for c in derived.columns)
    return {**catalog, NAME: replace(derived, columns=columns)}


def nearest_distance_km(areas: gpd.GeoDataFrame, points: gpd.GeoDataFrame) -> np.ndarray:
    """Straight-line distance from each area's centroid to the nearest point, in km."""
    units = gpd.GeoDataFrame({"unit_id": areas["area_code"].to_numpy()}, geometry=areas.geometry.values,
                             crs=areas.crs)
    metres = nearest_distance(units, points)
    return np.round(metres.to_numpy(dtype=float) / 1000.0, 3)


def compute_indicators(cursor: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """The per-area table from the published tables (latest population year)."""
    areas = read_geo(cursor, "SELECT area_code, area_name, district, area_character, geometry FROM areas")
    areas = areas.sort_values("area_code").reset_index(drop=True)
    year = cursor.execute("SELECT MAX(year) FROM population").fetchone()[0]
    bands = [b for (b,) in cursor.execute("SELECT DISTINCT age_band FROM population").fetchall()]
    elderly = bands_from(bands, ELDERLY_AGE)
    marks = ", ".join("?" for _ in elderly)
    pop = cursor.execute(
        f"SELECT area_code, SUM(population) AS population, "
        f"SUM(population) FILTER (WHERE age_band IN ({marks})) AS elderly_65plus "
        f"FROM population WHERE year = ? GROUP BY area_code", [*elderly, year],
    ).df()
    care = _care_rates(cursor, elderly, year)
    places = read_geo(cursor, "SELECT area_code, weekly_participants, geometry FROM kayoi_places")
    per_area = places.groupby("area_code").agg(
        kayoi_places=("area_code", "size"), participants=("weekly_participants", "sum"))

    frame = pd.DataFrame(areas.drop(columns="geometry"))
    frame = frame.merge(pop, on="area_code", how="left").merge(care, on="area_code", how="left")
    frame = frame.merge(per_area, left_on="area_code", right_index=True, how="left")
    frame[["kayoi_places", "participants", "care_certified_65plus", "observed"]] = frame[
        ["kayoi_places", "participants", "care_certified_65plus", "observed"]].fillna(0)
    population = frame["population"].astype(float)
    elderly_pop = frame["elderly_65plus"].astype(float).replace(0, np.nan)
    frame["ageing_rate"] = (100 * elderly_pop / population.replace(0, np.nan)).round(2)
    frame["care_rate_65plus"] = (100 * frame["observed"] / frame["elderly_years"].replace(0, np.nan)).round(2)
    frame["care_ratio_age_adjusted"] = (100 * frame["observed"] / frame["expected"].replace(0, np.nan)).round(1)
    frame["kayoi_nearest_km"] = nearest_distance_km(areas, places)
    frame["kayoi_participants_per_100"] = (100 * frame["participants"] / elderly_pop).round(2)
    columns = [c.name for c in indicator_dataset().columns]
    frame = frame[columns]
    for name in ("population", "elderly_65plus", "care_certified_65plus", "kayoi_places"):
        frame[name] = frame[name].fillna(0).astype("int64")
    return frame


def _care_rates(cursor: duckdb.DuckDBPyConnection, elderly: list[str], latest_year) -> pd.DataFrame:
    """Per area, over every year with both records and population (residents 65+):
    observed records, person-years, records expected at the city's rate of each
    (year, age band) — the basis of the indirectly standardized ratio — and
    the latest year's count. Not by sex: anonymization blanks sex in small groups."""
    marks = ", ".join("?" for _ in elderly)
    sql = f"""
        WITH rec AS (
            SELECT year, area_code, age_band, COUNT(*) AS n FROM care_certification
            WHERE age_band IN ({marks}) GROUP BY ALL),
        pop AS (
            SELECT year, area_code, age_band, SUM(population) AS people FROM population
            WHERE age_band IN ({marks}) AND year IN (SELECT DISTINCT year FROM care_certification)
            GROUP BY ALL),
        cells AS (
            SELECT pop.*, COALESCE(rec.n, 0) AS n FROM pop
            LEFT JOIN rec USING (year, area_code, age_band)),
        city AS (
            SELECT year, age_band, SUM(n) / NULLIF(SUM(people), 0) AS rate FROM cells GROUP BY ALL)
        SELECT area_code, SUM(n) AS observed, SUM(people) AS elderly_years,
               SUM(people * city.rate) AS expected,
               SUM(n) FILTER (WHERE year = ?) AS care_certified_65plus
        FROM cells JOIN city USING (year, age_band) GROUP BY area_code"""
    return cursor.execute(sql, [*elderly, *elderly, latest_year]).df()


def _sources_signature() -> tuple:
    catalog = load_catalog()
    files = [catalog[n].file for n in ("areas", "population", "care_certification", "kayoi_places") if n in catalog]
    return tuple((str(f), f.stat().st_mtime_ns if f.exists() else 0) for f in files)


_CACHE: dict[tuple, pd.DataFrame] = {}


def indicators(cursor: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """The per-area table, computed once per version of the source files."""
    signature = _sources_signature()
    if signature not in _CACHE:
        _CACHE.clear()
        _CACHE[signature] = compute_indicators(cursor)
    return _CACHE[signature]
