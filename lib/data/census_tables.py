"""e-Stat 国勢調査 小地域集計 tables (CSV as downloaded) → population by 町丁・字, age band and sex.

A 小地域集計 file (e.g. 2020 tblT001082Cxx「年齢（5歳階級）男女別人口」) has two header rows: the
codes (KEY_CODE, HYOSYO, CITYNAME, NAME, HTKSYORI, HTKSAKI, GASSAN, T001082001 …) and their names
(「男０〜４歳」…「男７５歳以上」). Its cells hold 「-」 for 0, 「X」 for a 秘匿 area whose persons are counted
in another one (HTKSAKI), 「…」 for not applicable. Rows are joined to the boundaries on KEY_CODE exactly
(9 or 11 digits), so the same table's totals of 町・大字 and of the city are left aside by themselves.
The 5-year bands of each sex become the population table (the top band 「75歳以上」 gives 75+), from which
the map and charts compute 高齢化率 and 後期高齢者率; persons of unknown age are counted, not banded.
"""
from __future__ import annotations

import csv
import io
import unicodedata
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from lib.data.import_guards import check_size
from lib.data.population_layouts import BAND_WIDTH, band_of, parse_age_header
from lib.data.text_encoding import decode_text
from lib.errors import WorkbenchError

CODE_COLUMNS = ("KEY_CODE", "HYOSYO", "CITYNAME", "NAME", "HTKSYORI", "HTKSAKI", "GASSAN")
SECRET, NONE, NOT_APPLICABLE = "X", "-", "…"


class CensusTableError(WorkbenchError):
    key_prefix = "census.error."


@dataclass
class CensusAges:
    """Population of the boundary areas from a 小地域集計 table, and what the instructor should check."""
    frame: pd.DataFrame  # area_code, age_band, sex, population
    source: str
    matched: int  # boundary areas with a row in the table
    secret: list[str]  # areas marked 「X」 (秘匿): counted in another area, 0 here
    unknown_age: int  # persons of unknown age in the matched areas (in 総数, not in a band)


@dataclass
class CensusTable:
    """A 小地域集計 CSV as downloaded: its code row, its name row and its data rows (text, stripped)."""
    codes: list[str]
    names: list[str]
    rows: pd.DataFrame  # the data rows, columns named by the code row
    source: str


def read_census_table(path: str | Path, source: str) -> CensusTable:
    """The file's two header rows and its rows; refused unless the first row is the e-Stat code row."""
    path = Path(path)
    check_size(path)
    text = decode_text(path.read_bytes(), None, source)[0]
    rows = [row for row in csv.reader(io.StringIO(text)) if any(cell.strip() for cell in row)]
    if len(rows) < 3:
        raise CensusTableError("not_census", name=source, columns="-")
    width = max(len(r) for r in rows)
    cells = pd.DataFrame([r + [""] * (width - len(r)) for r in rows], dtype="string").apply(lambda c: c.str.strip())
    codes, names = list(cells.iloc[0].fillna("")), list(cells.iloc[1].fillna(""))
    if codes[:1] != ["KEY_CODE"] or not set(CODE_COLUMNS) <= set(codes):
        raise CensusTableError("not_census", name=source, columns="、".join(c for c in codes[:8] if c))
    return CensusTable(codes, names, cells.iloc[2:].set_axis(codes, axis=1), source)


def counts(cells: pd.DataFrame, source: str, *, secret_missing: bool = False) -> pd.DataFrame:
    """Numbers from cells as e-Stat writes them: 「-」「…」 and blank are 0; 「X」 (秘匿: counted in another
    area) is 0, or missing when `secret_missing`."""
    values = cells.replace({NONE: "0", NOT_APPLICABLE: "0", "": "0"})
    secret = values == SECRET
    try:
        numbers = values.mask(secret, "0").apply(lambda c: pd.to_numeric(c.str.replace(",", ""), errors="raise"))
        return numbers.astype("Int64").mask(secret) if secret_missing else numbers
    except (ValueError, TypeError) as exc:
        raise CensusTableError("not_numbers", name=source) from exc


def _age_columns(codes: list[str], names: list[str]) -> dict[str, tuple[str, int, int | None]]:
    """{code column: (sex, low, high)} for the 5-year bands of 男 and 女 and their open top band."""
    parsed = {}
    for code, name in zip(codes, names, strict=True):
        age = parse_age_header(unicodedata.normalize("NFKC", name))
        if age is not None and age.sex and (age.high is None or age.high - age.low == BAND_WIDTH - 1):
            parsed[code] = (age.sex, age.low, age.high)
    opens = [low for _sex, low, high in parsed.values() if high is None]
    top = max(opens) if opens else None  # 「６５歳以上」 and 「７５歳以上」 overlap the bands: keep the top one
    return {c: a for c, a in parsed.items() if a[2] is not None or a[1] == top}


def _unknown_columns(codes: list[str], names: list[str]) -> list[str]:
    """The 男・女 totals that include unknown age (「男の総数、年齢「不詳」含む」)."""
    return [c for c, n in zip(codes, names, strict=True) if "不詳" in n and n[:1] in ("男", "女")]


def read_census_ages(path: str | Path, area_codes: pd.Series, source_name: str | None = None) -> CensusAges:
    """The table's 5-year bands by sex for the boundary areas (`area_codes`), joined on KEY_CODE."""
    source = source_name or Path(path).name
    census = read_census_table(path, source)
    codes, names = census.codes, census.names
    ages = _age_columns(codes, names)
    if not ages:
        raise CensusTableError("no_ages", name=source)
    table = census.rows[census.rows["KEY_CODE"].isin(set(area_codes.astype(str)))]
    if table.empty:
        raise CensusTableError("nothing_matched", name=source, examples="、".join(census.rows["KEY_CODE"].head(5)))
    secret = sorted(table.loc[(table[list(ages)] == SECRET).any(axis=1), "KEY_CODE"])
    banded, totals = counts(table[list(ages)], source), counts(table[_unknown_columns(codes, names)], source)
    top = next(low for _sex, low, high in ages.values() if high is None) if any(
        a[2] is None for a in ages.values()) else None
    long = banded.assign(area_code=table["KEY_CODE"].to_numpy()).melt(
        id_vars="area_code", var_name="column", value_name="population")
    long["sex"] = long["column"].map(lambda c: ages[c][0])
    long["age_band"] = long["column"].map(lambda c: band_of(ages[c][1], top if top is not None else 10 ** 3))
    frame = long.groupby(["area_code", "age_band", "sex"], as_index=False, sort=False)["population"].sum()
    unknown = int(totals.to_numpy().sum() - banded.to_numpy().sum()) if len(totals.columns) else 0
    return CensusAges(frame, source, int(table["KEY_CODE"].nunique()), secret, max(unknown, 0))
