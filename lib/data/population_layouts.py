"""住民基本台帳 population as municipalities publish it → the long form that rates per 1,000 use.

Two layouts are read:
- 自治体標準オープンデータセット「地域・年齢別人口」: one row per 地域, columns such as
  「0-4歳の男性」「0-4歳の女性」… (or 1-year 「0歳の男性」…, and 「100歳以上の女性」), with 調査年月日;
  also its older form with a 性別 column and age columns 「0-4歳」….
- the usual wide Excel sheet: title and note rows above the table, one row per 町丁目, ages as
  columns (1-year or 5-year, 全角 or 半角, 「０～４歳」), sex in a 性別 column or in a header row
  above the ages (男 / 女, merged cells).

The result has one row per 町丁目 × 5-year age band × sex; 町丁目 names are matched to the city's
boundary codes (全角/半角, 丁目 in 漢数字/算用数字, 大字/字 prefixes) and what did not match is listed.
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from lib.data.file_readers import excel_sheets
from lib.data.import_guards import check_size
from lib.data.import_result import DataImportError
from lib.data.importing import file_format, read_file
from lib.data.jp_cleaning import match_area_names, numbers, wareki_to_date
from lib.errors import WorkbenchError

_AGE = re.compile(r"^(\d+)(?:[-~〜](\d+))?歳(以上)?$")
_WITH_SEX = re.compile(r"^(.+?)の?(男性|女性|男|女)$")
_SEX_BEFORE_OPEN = re.compile(r"^(\d+歳)の?(男性|女性|男|女)以上$")  # 目黒区: 「85歳の男性以上」
_UNKNOWN_AGE = re.compile(r"^(年齢)?不詳(者)?(の?(男性|女性|男|女))?$")  # 「不詳者の男性」「年齢不詳の女性」
_LOOKS_LIKE_AGE = re.compile(r"\d+歳")
SEXES = {"男": "男性", "男性": "男性", "女": "女性", "女性": "女性"}
TOTAL_SEXES = {"計", "総数", "合計", "男女計"}
AREA_HEADERS = ("地域名", "町丁名", "町丁目名", "町丁字名", "町名", "町字名", "地区名", "町丁目", "行政区名", "住所")
SEX_HEADERS = ("性別", "男女", "男女別")
DATE_HEADERS = ("調査年月日", "基準日", "時点", "年月日")
TOTAL_HEADERS = ("総人口", "人口総数", "総数", "合計", "男女計", "計")  # a column the ages must add up to
TOTAL_ROWS = re.compile(r"^(合計|総数|計|総計|市計|全市|市全体|町計|村計)$|合計$")
BAND_WIDTH = 5


class PopulationLayoutError(WorkbenchError):
    key_prefix = "population.error."


@dataclass
class AgeColumn:
    column: str
    low: int
    high: int | None  # None: open-ended (「85歳以上」)
    sex: str | None


@dataclass
class PopulationTable:
    """Population in long form, matched to the boundary codes, and what the instructor should check."""
    frame: pd.DataFrame  # year, area_code, age_band, sex, population
    layout: str
    year: int
    areas_read: int
    unmatched: pd.DataFrame = field(default_factory=pd.DataFrame)  # area_name, population
    not_numbers: int = 0
    source: str = ""
    checked: AgeTotals | None = None


@dataclass
class AgeTotals:
    """The file's persons by age against its own total column: they must agree, or nothing is read."""
    ages: int  # persons in the age columns that were read
    unknown_age: int  # 年齢不詳: counted against the total, not put in an age band
    total: int | None  # the 総人口 / 合計 column's sum; None when the file has none
    total_column: str | None
    unread: list[str] = field(default_factory=list)  # headings with an age that no rule reads


def _clean(text) -> str:
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", str(text))) if text is not None else ""


def parse_age_header(header: str, sex_above: str | None = None) -> AgeColumn | None:
    """「0-4歳の男性」「０～４歳」「100歳以上」「男 5歳」… → its ages and sex; None if not an age column."""
    text = _clean(header)
    open_top = _SEX_BEFORE_OPEN.match(text)
    if open_top:
        text = f"{open_top.group(1)}以上の{open_top.group(2)}"
    sex = SEXES.get(sex_above or "")
    match = _WITH_SEX.match(text)
    if match and _AGE.match(match.group(1)):
        text, sex = match.group(1), SEXES[match.group(2)]
    for prefix, name in SEXES.items():  # 「男0歳」
        if text.startswith(prefix) and _AGE.match(text[len(prefix):]):
            text, sex = text[len(prefix):], name
    age = _AGE.match(text)
    if not age:
        return None
    low = int(age.group(1))
    high = None if age.group(3) else int(age.group(2) or low)
    return AgeColumn(str(header), low, high, sex)


def band_of(low: int, top: int) -> str:
    """The 5-year band label of an age (「0-4」), or the open top band (「85+」)."""
    if low >= top:
        return f"{top}+"
    start = low // BAND_WIDTH * BAND_WIDTH
    return f"{start}-{start + BAND_WIDTH - 1}"


# ---------------------------------------------------------------------------- reading
def _header_row(grid: pd.DataFrame) -> int:
    """The first row with several age headings: the table's header, below any title rows."""
    for i in range(min(len(grid), 30)):
        if sum(parse_age_header(v) is not None for v in grid.iloc[i].dropna()) >= 3:
            return i
    raise PopulationLayoutError("no_age_columns")


def _frame_with_header(grid: pd.DataFrame) -> tuple[pd.DataFrame, list[str]]:
    """The table under its header row, and the texts above it (title, 「令和7年3月31日現在」).

    A sex written in a row above the ages (男 / 女, one merged cell each) goes into the age headings.
    """
    row = _header_row(grid)
    header = [_clean(v) if pd.notna(v) else "" for v in grid.iloc[row]]
    above = (grid.iloc[row - 1].map(lambda v: _clean(v) if pd.notna(v) else pd.NA).ffill() if row > 0
             else pd.Series([pd.NA] * len(header)))
    names = []
    for i, heading in enumerate(header):
        sex = above.iloc[i] if above.iloc[i] in SEXES else None
        names.append(f"{heading}の{SEXES[sex]}" if sex and parse_age_header(heading) else heading or f"列{i + 1}")
    table = grid.iloc[row + 1:].copy()
    table.columns = names
    table = table.dropna(how="all")
    titles = [str(v) for v in grid.iloc[:row].to_numpy().ravel() if pd.notna(v)]
    return table.loc[:, ~pd.Index(names).duplicated()], titles


def read_grid(path: Path, sheet: str | None = None, encoding: str | None = None) -> pd.DataFrame:
    """The file's cells, without assuming that the header is the first row."""
    path = Path(path)
    check_size(path)
    fmt = file_format(path)
    if fmt == "xlsx":
        sheets = excel_sheets(path)
        try:
            grid = pd.read_excel(path, sheet_name=sheet or sheets[0], header=None, dtype=object, engine="openpyxl")
        except Exception as exc:  # openpyxl raises many kinds for a damaged file
            raise DataImportError("bad_excel", name=path.name) from exc
        return grid.dropna(how="all").dropna(axis=1, how="all").reset_index(drop=True)
    if fmt in {"csv", "tsv"}:
        result = read_file(path, encoding=encoding)
        header = pd.DataFrame([list(result.frame.columns)], columns=result.frame.columns)
        grid = pd.concat([header, result.frame], ignore_index=True)
        grid.columns = range(grid.shape[1])
        return grid
    raise PopulationLayoutError("not_a_table", name=path.name)


def _first(columns: list[str], wanted: tuple[str, ...]) -> str | None:
    for name in wanted:
        if name in columns:
            return name
    return None


def _year(table: pd.DataFrame, date_column: str | None, titles: list[str], given: int | None) -> int:
    """The given year, else the 調査年月日 column's, else a date in the title rows (「令和7年3月31日現在」)."""
    if given:
        return int(given)
    texts = list(table[date_column].dropna().astype(str)) if date_column else []
    for value in texts + [re.sub(r"(現在|時点|末日?)$", "", _clean(t)) for t in titles]:
        day, _ = wareki_to_date(value)
        if day:
            return day.year
    raise PopulationLayoutError("no_year")


def _sum(table: pd.DataFrame, columns: list[str]) -> int:
    if not columns:
        return 0
    cells = table[columns].stack(future_stack=True)
    return int(pd.to_numeric(numbers(cells.astype("string")).values, errors="coerce").fillna(0).sum())


def check_age_totals(table: pd.DataFrame, ages: list[AgeColumn], sex_column: str | None = None) -> AgeTotals:
    """Add up the age columns (and 年齢不詳) of the area rows and compare them with the file's 総人口 / 合計.

    A heading no rule reads would otherwise drop its persons without a word: with a total column the
    difference refuses the file (saying how many and which headings); without one they are listed.
    """
    columns = list(table.columns)
    if sex_column:  # rows of 計 repeat the sum of 男 and 女
        table = table[table[sex_column].map(lambda v: _clean(v) in SEXES)]
    unknown = [c for c in columns if _UNKNOWN_AGE.match(_clean(c))]
    unread = [c for c in columns if _LOOKS_LIKE_AGE.search(_clean(c)) and parse_age_header(c) is None]
    total_column = _first(columns, TOTAL_HEADERS)
    checked = AgeTotals(_sum(table, [a.column for a in ages]), _sum(table, unknown),
                        _sum(table, [total_column]) if total_column else None, total_column, unread)
    if checked.total is not None and checked.ages + checked.unknown_age != checked.total:
        raise PopulationLayoutError(
            "totals_differ", ages=checked.ages + checked.unknown_age, column=total_column, total=checked.total,
            difference=checked.total - checked.ages - checked.unknown_age, unread="、".join(unread) or "-")
    return checked


def to_long(grid: pd.DataFrame, year: int | None = None) -> tuple[pd.DataFrame, str, int, int, AgeTotals]:
    """(long frame of area_name, age_band, sex, population; layout; year; cells not numbers; the totals check)."""
    table, titles = _frame_with_header(grid)
    columns = list(table.columns)
    ages = [a for a in (parse_age_header(c) for c in columns) if a is not None]
    area = _first(columns, AREA_HEADERS) or next(
        (c for c in columns if parse_age_header(c) is None and table[c].astype(str).str.contains(r"\D").any()), None)
    if area is None:
        raise PopulationLayoutError("no_area_column", columns="、".join(columns[:8]))
    sex_column = _first(columns, SEX_HEADERS)
    layout = "standard" if any(a.sex for a in ages) and "地域名" in columns else "wide"
    table = table[table[area].notna()]
    table = table[~table[area].map(_clean).str.match(TOTAL_ROWS)]
    checked = check_age_totals(table, ages, sex_column)
    opens = [a.low for a in ages if a.high is None]
    top = min(opens) if opens else max(a.low for a in ages) + 1
    top = top // BAND_WIDTH * BAND_WIDTH  # 1-year ages up to 「100歳以上」 fold into a 5-year top band
    melted = table.melt(id_vars=[area] + ([sex_column] if sex_column else []),
                        value_vars=[a.column for a in ages], var_name="column", value_name="raw")
    by_column = {a.column: a for a in ages}
    cleaned = numbers(melted["raw"].astype("string"))
    not_numbers = int((cleaned.values.isna() & melted["raw"].notna()).sum())
    melted["population"] = pd.to_numeric(cleaned.values, errors="coerce").fillna(0)
    melted["age_band"] = melted["column"].map(lambda c: band_of(by_column[c].low, top))
    if sex_column:
        melted["sex"] = melted[sex_column].map(lambda v: SEXES.get(_clean(v)))
        melted = melted[melted["sex"].notna()]  # rows of 計 are the sum of 男 and 女
    else:
        melted["sex"] = melted["column"].map(lambda c: by_column[c].sex or "総数")
    if {"男性", "女性"} <= set(melted["sex"]):
        melted = melted[melted["sex"] != "総数"]
    melted = melted.rename(columns={area: "area_name"})
    long = melted.groupby(["area_name", "age_band", "sex"], as_index=False, sort=False)["population"].sum()
    date_column = _first(columns, DATE_HEADERS)
    return long, layout, _year(table, date_column, titles, year), not_numbers, checked


def read_population(path: Path, areas: pd.DataFrame, *, city_name: str = "", year: int | None = None,
                    sheet: str | None = None, encoding: str | None = None) -> PopulationTable:
    """Read, reshape and match one population file to the areas (area_code, area_name)."""
    grid = read_grid(Path(path), sheet, encoding)
    long, layout, found_year, not_numbers, checked = to_long(grid, year)
    if long.empty:
        raise PopulationLayoutError("no_rows", name=Path(path).name)
    matched = match_area_names(long["area_name"], areas, city_name=city_name)
    long["area_code"] = matched.values.astype("string").to_numpy()
    missed = long[long["area_code"].isna()]
    unmatched = (missed.groupby("area_name", as_index=False, sort=False)["population"].sum()
                 .sort_values("population", ascending=False))
    kept = long[long["area_code"].notna()]
    if kept.empty:
        raise PopulationLayoutError("nothing_matched", examples="、".join(unmatched["area_name"].head(5)))
    frame = (kept.groupby(["area_code", "age_band", "sex"], as_index=False, sort=False)["population"].sum()
             .assign(year=found_year))
    frame["population"] = frame["population"].round().astype(np.int64)
    return PopulationTable(frame[["year", "area_code", "age_band", "sex", "population"]], layout, found_year,
                           int(long["area_name"].nunique()), unmatched.reset_index(drop=True), not_numbers,
                           Path(path).name, checked)


def band_order(bands: pd.Series) -> list[str]:
    """Bands in age order (「5-9」 before 「10-14」), for the dictionary."""
    return sorted(set(bands), key=lambda b: int(re.match(r"\d+", b).group()))
