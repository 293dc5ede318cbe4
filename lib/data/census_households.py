"""e-Stat 国勢調査 小地域集計「世帯の家族類型別一般世帯数」 → households by 町丁・字.

The table (2020 tblT001084Cxx, 2015 tblT000851Cxx: one file per prefecture) is in the 小地域集計 layout
that lib.data.census_tables reads. Its columns are told by their names in the second header row (2015
names start with a full-width space): 一般世帯総数, 親族のみの世帯, 核家族世帯, うち夫婦のみの世帯,
うち夫婦と子供から成る世帯, 核家族以外の世帯, and the 一般世帯 with a member under 6, under 18, 65 or over.
It has no 高齢単身世帯 (65歳以上の単独世帯) and no 高齢夫婦世帯: e-Stat publishes those per mesh, not per
町丁・字. A table in the same layout that has them (a city's own tabulation) gives them too, and with them
高齢単身世帯率 and 高齢夫婦世帯率; a heading no rule knows is listed, never dropped silently.

Rows join the boundary areas on KEY_CODE exactly. An area marked 「X」 (秘匿) has its households counted in
the area its HTKSAKI names (the S_AREA part of a code of the same city): it is published with no figures and
the code of that area, never as 0. The areas' sum is checked against the table's own row for the city.
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from lib.data.census_tables import (
    CODE_COLUMNS,
    CensusCounts,
    CensusTable,
    CensusTableError,
    city_total,
    counts,
    read_census_table,
    secret_areas,
    unmatched_areas,
)

NAME = "households"
GENERAL = "general_households"


@dataclass(frozen=True)
class HouseholdColumn:
    name: str
    label: dict
    headings: tuple[str, ...]  # the table's names for it, as `_heading` writes them
    rate: tuple[str, dict] | None = None  # (column, label) of its share of the general households, in %


COLUMNS = (
    HouseholdColumn(GENERAL, {"ja": "一般世帯数", "en": "General households"}, ("一般世帯総数", "一般世帯")),
    HouseholdColumn("relatives_only", {"ja": "親族のみの世帯", "en": "Households of relatives only"},
                    ("親族のみの世帯",)),
    HouseholdColumn("nuclear_families", {"ja": "核家族世帯", "en": "Nuclear-family households"}, ("核家族世帯",)),
    HouseholdColumn("couple_only", {"ja": "夫婦のみの世帯", "en": "Couple-only households"}, ("夫婦のみの世帯",)),
    HouseholdColumn("couple_and_children", {"ja": "夫婦と子供から成る世帯", "en": "Couples with children"},
                    ("夫婦と子供から成る世帯",)),
    HouseholdColumn("other_relatives", {"ja": "核家族以外の世帯", "en": "Other relative households"},
                    ("核家族以外の世帯",)),
    HouseholdColumn("with_under6", {"ja": "6歳未満世帯員のいる一般世帯", "en": "Households with a member under 6"},
                    ("6歳未満世帯員のいる一般世帯総数", "6歳未満世帯員のいる世帯")),
    HouseholdColumn("with_under18", {"ja": "18歳未満世帯員のいる一般世帯", "en": "Households with a member under 18"},
                    ("18歳未満世帯員のいる一般世帯総数", "18歳未満世帯員のいる世帯")),
    HouseholdColumn("with_65plus", {"ja": "65歳以上世帯員のいる一般世帯", "en": "Households with a member aged 65+"},
                    ("65歳以上世帯員のいる一般世帯総数", "65歳以上世帯員のいる世帯"),
                    ("with_65plus_rate", {"ja": "65歳以上世帯員のいる世帯の割合",
                                          "en": "Share of households with a member aged 65+"})),
    HouseholdColumn("elderly_single", {"ja": "高齢単身世帯", "en": "One-person households aged 65+"},
                    ("高齢単身世帯", "65歳以上の単独世帯", "65歳以上の1人世帯"),
                    ("elderly_single_rate", {"ja": "高齢単身世帯率", "en": "Share of one-person households aged 65+"})),
    HouseholdColumn("elderly_couple", {"ja": "高齢夫婦世帯", "en": "Elderly-couple households"},
                    ("高齢夫婦世帯", "夫65歳以上妻60歳以上の夫婦のみの世帯", "夫婦とも65歳以上の夫婦のみの世帯"),
                    ("elderly_couple_rate", {"ja": "高齢夫婦世帯率", "en": "Share of elderly-couple households"})),
)
BY_NAME = {column.name: column for column in COLUMNS}
ELDERLY = {"with_65plus", "elderly_single", "elderly_couple"}  # a family-type table has at least one


def _heading(name: str) -> str:
    """A column name as compared: NFKC, no spaces or 、, no leading 「うち」, 「…世帯数」 as 「…世帯」."""
    text = re.sub(r"[\s、,]", "", unicodedata.normalize("NFKC", name or ""))
    text = text.removeprefix("うち")
    return text[:-1] if text.endswith("世帯数") else text


HEADINGS = {heading: column for column in COLUMNS for heading in column.headings}


@dataclass
class CensusHouseholds(CensusCounts):
    """Households of the boundary areas from the table (frame: area_code, the columns found, missing for a
    secret area, counted_in); `total` is their general households."""
    columns: list[str] = field(default_factory=list)  # the workbench's names of the columns found, in table order
    unread: list[str] = field(default_factory=list)  # headings no rule reads

    @property
    def rates(self) -> list[str]:
        return [BY_NAME[c].rate[0] for c in self.columns if BY_NAME[c].rate]


@dataclass
class FamilyTypeTable:
    """The table as read, before it meets the boundaries: its columns told by their names."""
    census: CensusTable
    found: dict[str, str]  # the table's code column → the workbench's name
    unread: list[str]  # headings no rule reads


def read_family_type_table(path: str | Path, source_name: str | None = None) -> FamilyTypeTable:
    """The table's layout and household columns, refused when it is not a family-type table (read before the
    slow boundaries, so a wrong file is refused at once)."""
    source = source_name or Path(path).name
    census = read_census_table(path, source)
    found, unread = {}, []
    for code, name in zip(census.codes, census.names, strict=True):
        if code in CODE_COLUMNS:
            continue
        column = HEADINGS.get(_heading(name))
        if column is not None and column.name not in found.values():
            found[code] = column.name
        else:
            unread.append(name or code)
    if GENERAL not in found.values() or not ELDERLY & set(found.values()):
        raise CensusTableError("no_households", name=source)
    return FamilyTypeTable(census, found, unread)


def read_census_households(path: str | Path, area_codes: pd.Series,
                           source_name: str | None = None) -> CensusHouseholds:
    """The table's household counts for the boundary areas (`area_codes`), joined on KEY_CODE."""
    return households_of_areas(read_family_type_table(path, source_name), area_codes)


def households_of_areas(family: FamilyTypeTable, area_codes: pd.Series) -> CensusHouseholds:
    """The table's rows of the boundary areas, exactly by KEY_CODE; secret ones with where they are counted."""
    rows, source, boundary = family.census.rows, family.census.source, set(area_codes.astype(str))
    mine = rows[rows["KEY_CODE"].isin(boundary)]
    if mine.empty:
        raise CensusTableError("nothing_matched", name=source, examples="、".join(rows["KEY_CODE"].head(5)))
    frame = counts(mine[list(family.found)], source, secret_missing=True).set_axis(list(family.found.values()), axis=1)
    frame.insert(0, "area_code", mine["KEY_CODE"].to_numpy())
    frame = frame.reset_index(drop=True)
    general = frame[GENERAL].astype("Float64")
    for column in family.found.values():
        if BY_NAME[column].rate:
            rate = 100 * frame[column].astype("Float64") / general.where(general > 0)
            frame[BY_NAME[column].rate[0]] = rate.round(2)
    hidden = general.isna().to_numpy()
    secret = secret_areas(rows, mine[hidden], boundary)
    frame["counted_in"] = pd.array([None] * len(frame), dtype="string")
    frame.loc[hidden, "counted_in"] = [dest for _code, _name, dest, _dest_name in secret]
    general_code = [_code_of(family.found, GENERAL)]
    return CensusHouseholds(
        frame=frame, source=source, matched=len(frame), total=int(frame[GENERAL].sum()),
        city_total=city_total(rows, boundary, general_code, source), secret=secret,
        unmatched=unmatched_areas(rows, boundary, general_code, source), columns=list(family.found.values()),
        unread=family.unread)


def _code_of(found: dict[str, str], column: str) -> str:
    return next(code for code, name in found.items() if name == column)


def households_dataset(households: CensusHouseholds, city: str, year: int) -> tuple[pd.DataFrame, dict]:
    """The published table `households` (one row per 町丁・字) and its data dictionary."""
    columns = [{"name": "year", "label": {"ja": "年", "en": "Year"}, "type": "year", "role": "year"},
               {"name": "area_code", "label": {"ja": "町丁・字コード", "en": "Small-area code"}, "type": "code",
                "role": "area", "joins": "areas.area_code"}]
    for name in households.columns:
        columns.append({"name": name, "label": BY_NAME[name].label, "type": "integer", "role": "measure",
                        "unit": {"ja": "世帯", "en": "households"}})
    for name in households.columns:
        rate = BY_NAME[name].rate
        if rate:
            columns.append(
                {
                    "name": rate[0],
                    "label": rate[1],
                    "type": "number",
                    "role": "measure",
                    "unit": {"ja": "%", "en": "%"},
                    "description": {
                        "ja": f"{BY_NAME[name].label['ja']} ÷ 一般世帯数 × 100（町丁・字ごと）",
                        "en": f"{BY_NAME[name].label['en']} / general households × 100 (per area)",
                    },
                }
            )
    columns.append({"name": "counted_in", "label": {"ja": "秘匿の町丁・字の世帯を数えた町丁・字",
                                                    "en": "Area that counts a secret area's households"},
                    "type": "text", "role": "text"})
    source = households.source
    dictionary = {
        "name": NAME,
        "file": f"{NAME}.parquet",
        "kind": "table",
        "title": {
            "ja": f"{city}の町丁・字別 世帯の家族類型（国勢調査）",
            "en": f"Households of {city} by small area and family type (census)",
        },
        "description": {
            "ja": f"{year}年国勢調査 小地域集計「{source}」の町丁・字別の一般世帯数と家族類型。"
            "割合（%）は町丁・字ごとの値です（地区などにまとめるときは世帯数の合計から計算し直します）。秘匿（X）の町丁・字は、世帯が"
            "「秘匿の町丁・字の世帯を数えた町丁・字」に合算されているため値がありません（0 ではありません）。",
            "en": f"{year} census small-area general households by family type ({source}). Shares (%) are per area "
            "(recompute them from the counts when grouping areas). A secret area (X) has no figures: its "
            "households are counted in the area named in counted_in (not 0).",
        },
        "themes": ["population", "welfare"],
        "source": {
            "ja": f"e-Stat 国勢調査 小地域集計「{source}」を加工",
            "en": f"e-Stat census small-area table ({source}), processed",
        },
        "anonymization": {
            "ja": "該当なし（公表されている統計。秘匿は e-Stat による）。",
            "en": "Not applicable: published statistics (secret cells as e-Stat publishes them).",
        },
        "columns": columns,
        "privacy": {"persons": None},  # published counts of households, e-Stat's own 秘匿 applied
    }
    frame = households.frame.assign(year=year)[[c["name"] for c in columns]]
    return frame, dictionary
