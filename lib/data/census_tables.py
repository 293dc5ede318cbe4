"""e-Stat 国勢調査 小地域集計 tables (CSV as downloaded) → population by 町丁・字, age band and sex.

A 小地域集計 file (e.g. 2020 tblT001082Cxx「年齢（5歳階級）男女別人口」) has two header rows: the
codes (KEY_CODE, HYOSYO, CITYNAME, NAME, HTKSYORI, HTKSAKI, GASSAN, T001082001 …) and their names
(「男０〜４歳」…「男７５歳以上」). Its cells hold 「-」 for 0, 「X」 for a 秘匿 area whose persons are counted
in another one (HTKSAKI), 「…」 for not applicable. Rows are joined to the boundaries on KEY_CODE exactly
(9 or 11 digits), so the same table's totals of 町・大字 and of the city are left aside by themselves.
The 5-year bands of each sex become the population table (the top band 「75歳以上」 gives 75+), from which
the map and charts compute 高齢化率 and 後期高齢者率; persons of unknown age are counted, not banded.

What every table of this layout tells the instructor (`CensusCounts`, shared with lib.data.census_households):
each secret area with the area its HTKSAKI names (its persons are counted there: it is published with no
figures, never as 0), the areas' total against the table's own row for the city, and the city's rows that
no boundary area took.
"""
from __future__ import annotations

import csv
import io
import unicodedata
from dataclasses import dataclass, field
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
class CensusCounts:
    """The rows of a 小地域集計 table that fall on the boundary areas, and how they account for the city."""
    frame: pd.DataFrame
    source: str
    matched: int  # boundary areas with a row in the table
    total: int  # over those areas (a secret area's in the area that counts it)
    city_total: int | None  # the table's own row for the city; None when it has none
    secret: list[tuple[str, str, str | None, str]] = field(default_factory=list)  # code, name, counted in, its name
    unmatched: list[tuple[str, str, int]] = field(default_factory=list)  # the city's rows with no boundary area


@dataclass
class CensusAges(CensusCounts):
    """Population of the boundary areas from a 小地域集計 table: frame has area_code, age_band, sex, population;
    a secret area has no rows. The totals count persons of unknown age too."""
    unknown_age: int = 0  # persons of unknown age in the matched areas (in 総数, not in a band)


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
    boundary = set(area_codes.astype(str))
    table = census.rows[census.rows["KEY_CODE"].isin(boundary)]
    if table.empty:
        raise CensusTableError("nothing_matched", name=source, examples="、".join(census.rows["KEY_CODE"].head(5)))
    hidden = (table[list(ages)] == SECRET).any(axis=1)
    shown = table[~hidden]
    banded = counts(shown[list(ages)], source)
    everyone = _unknown_columns(codes, names) or list(ages)  # 男・女 totals with unknown ages, else the bands
    top = next(low for _sex, low, high in ages.values() if high is None) if any(
        a[2] is None for a in ages.values()) else None
    long = banded.assign(area_code=shown["KEY_CODE"].to_numpy()).melt(
        id_vars="area_code", var_name="column", value_name="population")
    long["sex"] = long["column"].map(lambda c: ages[c][0])
    long["age_band"] = long["column"].map(lambda c: band_of(ages[c][1], top if top is not None else 10 ** 3))
    frame = long.groupby(["area_code", "age_band", "sex"], as_index=False, sort=False)["population"].sum()
    total = int(counts(shown[everyone], source).to_numpy().sum())
    return CensusAges(frame=frame, source=source, matched=int(table["KEY_CODE"].nunique()), total=total,
                      city_total=city_total(census.rows, boundary, everyone, source),
                      secret=secret_areas(census.rows, table[hidden], boundary),
                      unmatched=unmatched_areas(census.rows, boundary, everyone, source),
                      unknown_age=max(total - int(banded.to_numpy().sum()), 0))


# ---------------------------------------------------------------------------- how a table accounts for the city
def _city(boundary: set[str]) -> str:
    return next(iter(boundary))[:5]


def counted_in(city: str, htksaki: str, codes: set[str]) -> str | None:
    """The KEY_CODE a secret area's HTKSAKI names: the S_AREA of an area of the same city (4 or 6 digits,
    leading zeros possibly lost by a spreadsheet) or, in some files, the whole code."""
    digits = str(htksaki or "").strip()
    if not digits.isdigit():
        return None
    return next((c for c in (digits, city + digits, city + digits.zfill(4), city + digits.zfill(6)) if c in codes),
                None)


def secret_areas(
    rows: pd.DataFrame, hidden: pd.DataFrame, boundary: set[str]
) -> list[tuple[str, str, str | None, str]]:
    """Each secret (X) row of the boundary areas: its code and name, the area that counts it and that one's name."""
    codes, names = set(rows["KEY_CODE"]), dict(zip(rows["KEY_CODE"], rows["NAME"], strict=True))
    out = []
    for code, htksaki in zip(hidden["KEY_CODE"], hidden["HTKSAKI"], strict=True):
        dest = counted_in(_city(boundary), htksaki, codes)
        out.append((code, names.get(code, ""), dest, names.get(dest, "") if dest else ""))
    return out


def city_total(rows: pd.DataFrame, boundary: set[str], columns: list[str], source: str) -> int | None:
    """The table's own row for the city, summed over `columns`; None when the table has no such row."""
    row = rows[rows["KEY_CODE"] == _city(boundary)]
    return int(counts(row[columns], source).to_numpy().sum()) if len(row) else None


def unmatched_areas(
    rows: pd.DataFrame, boundary: set[str], columns: list[str], source: str
) -> list[tuple[str, str, int]]:
    """The city's 町丁・字 rows with a count but no boundary area (a 町's total over its 丁目 left aside)."""
    city, keys = _city(boundary), rows["KEY_CODE"]
    mine = rows[keys.str.startswith(city) & keys.str.len().isin([9, 11]) & ~keys.isin(boundary)]
    totals_of_parts = {k[:9] for k in keys if len(k) == 11}
    mine = mine[~mine["KEY_CODE"].isin(totals_of_parts)]
    found = counts(mine[columns], source, secret_missing=True).sum(axis=1, min_count=1)
    return [(code, name, int(n)) for code, name, n in zip(mine["KEY_CODE"], mine["NAME"], found, strict=True)
            if pd.notna(n) and n > 0]
