"""The national institute's municipal projection (国立社会保障・人口問題研究所「日本の地域別将来推計人口」)
as IPSS ships it → one municipality's projected population by year × sex × 5-year band, published as
`ipss_projection` for the cohort projection of 町丁目 from one population year (lib.analysis.cohort_projection).

Two layouts are read, from .xlsx or from a CSV saved out of one (UTF-8 or CP932):

- the per-prefecture workbook (令和5年推計 `3kekka/Municipalities/NN.xlsx`): one sheet per municipality
  (the sheet named 「1100_札幌市」, the code and name also in the rows above the table); blocks headed
  「男女計」「男」「女」, each a label column and one column per year (「2020年」 … 「2050年」), side by
  side (令和5年推計) or one under another (平成30年推計); rows 「総数」, 「0～4歳」 … 「90～94歳」「95歳～」
  (or 「90歳以上」), then 「（再掲）」 groups and shares, which are not read;
- the national file (`3kekka/suikei_kekka.xlsx`, one sheet): one row per area × year (code, 市などの別,
  都道府県, 市区町村, 「2020年」) and, under two heading rows, 総数 and the 5-year bands of 男女計, 男 and
  女 in three blocks; the index, 再掲 and share columns after them are not read.

The 2020 column is the census the projection starts from. A file is read whole before anything is
published; whatever does not fit (no such table, another city, a missing sex, bands that do not run
0-4 … open top, years not five apart, cells that are not counts, bands that do not add up to 総数) is
refused with a Japanese message naming it.
"""
from __future__ import annotations

import csv
import io
import re
import unicodedata
from dataclasses import dataclass
from itertools import pairwise
from pathlib import Path

import openpyxl
import pandas as pd
import yaml

from lib import i18n
from lib.data.import_guards import check_size, open_zip
from lib.data.import_result import DataImportError
from lib.data.publishing import dataset_dir, publish_public_statistics
from lib.data.text_encoding import decode_text
from lib.errors import WorkbenchError

NAME = "ipss_projection"
BAND_WIDTH = 5
SEX_HEADINGS = {"男女計": "total", "総数": "total", "男": "男性", "女": "女性"}
SEXES = ("男性", "女性")
EDITIONS = {2020: "令和5（2023）年推計", 2015: "平成30（2018）年推計", 2010: "平成25（2013）年3月推計"}
SOURCE_PAGE = "https://www.ipss.go.jp/pp-shicyoson/j/shicyoson23/t-page.asp"
_BAND = re.compile(r"^(\d+)[~〜\-–](\d+)歳$")
_OPEN = re.compile(r"^(\d+)歳(?:[~〜]|以上)$")
_YEAR = re.compile(r"^(\d{4})年")
_CODE = re.compile(r"^\d{4,5}$")
_SHEET_CODE = re.compile(r"^(\d{4,5})[_＿\s]*(.*)$")
_STOP = ("(再掲", "割合", "指数", "構成比")
_PREFECTURE = re.compile(r"^(北海道|東京都|大阪府|京都府|\S{2,3}県)(計|全体)?$")
HEADING_ROWS = 300  # 「男女計」「男」「女」 headings sit in a sheet's first rows (stacked blocks: ~90)


class IpssProjectionError(WorkbenchError):
    key_prefix = "ipss.error."


@dataclass
class IpssProjection:
    """One municipality's projection as read from the file, and what the instructor should check."""
    frame: pd.DataFrame  # year, sex, age_band, population (sexes 男性 / 女性; bands 0-4 … 95+)
    city_code: str
    city_name: str
    layout: str  # "sheets" (one sheet per municipality) or "rows" (the national file)
    source: str

    @property
    def years(self) -> list[int]:
        return sorted(int(y) for y in self.frame["year"].unique())

    @property
    def edition(self) -> str:
        return EDITIONS.get(self.years[0], f"{self.years[0]}年基準")

    def total(self, year: int) -> int:
        return int(round(self.frame.loc[self.frame["year"] == year, "population"].sum()))

    def lines(self, lang: str = "ja") -> list[str]:
        first, last = self.years[0], self.years[-1]
        return [i18n.t("ipss.report.done", lang, city=self.city_name, code=self.city_code, edition=self.edition,
                       first=first, last=last, n0=f"{self.total(first):,}", n1=f"{self.total(last):,}",
                       bands=len(self.frame["age_band"].unique()), source=self.source)]


# ---------------------------------------------------------------------------- cells
def _text(value) -> str:
    """A cell as text without spaces (NFKC: 「～」 becomes 「~」, 「（」 becomes 「(」)."""
    if value is None or (isinstance(value, float) and value != value):
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", str(value)))


def _band(label: str) -> tuple[int, int | None] | None:
    """「0~4歳」 → (0, 4); 「95歳~」「90歳以上」 → (95, None) / (90, None); anything else None."""
    match = _BAND.match(label)
    if match:
        return int(match.group(1)), int(match.group(2))
    match = _OPEN.match(label)
    return (int(match.group(1)), None) if match else None


def _year(value) -> int | None:
    """「2020年」 (IPSS's headings and year cells), or a year as a number; no municipal code is in 1990-2100."""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return int(value) if value == int(value) and 1990 <= value <= 2100 else None
    match = _YEAR.match(_text(value))
    return int(match.group(1)) if match else None


def _code(value) -> str | None:
    text = _text(value)
    return text.zfill(5) if _CODE.match(text) else None


def _count(value) -> float | None:
    """A cell of persons; None when it is not a count (blank, text, negative)."""
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        number = float(value)
    else:
        text = _text(value).replace(",", "")
        try:
            number = float(text)
        except ValueError:
            return None
    return number if number >= 0 and number == number else None


# ---------------------------------------------------------------------------- files → grids
def _sheets(path: Path, source: str) -> list[tuple[str, list[tuple]]]:
    """(sheet name, rows of cell values) of every sheet of the file; a CSV is one sheet."""
    check_size(path)
    if path.suffix.lower() in {".csv", ".txt"}:
        text = decode_text(path.read_bytes(), None, source)[0]
        return [("", [tuple(row) for row in csv.reader(io.StringIO(text))])]
    if path.suffix.lower() != ".xlsx":
        raise IpssProjectionError("not_a_table", name=source)
    with open_zip(path, "bad_excel"):
        pass
    try:
        book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a damaged file
        raise DataImportError("bad_excel", name=source) from exc
    try:
        return [(sheet.title, [tuple(row) for row in sheet.iter_rows(values_only=True)]) for sheet in book.worksheets]
    finally:
        book.close()


# ---------------------------------------------------------------------------- the two layouts
@dataclass
class _Table:
    """What one municipality's table holds: persons by (sex, year, low age) and the 総数 cells."""
    code: str | None
    name: str
    cells: dict[tuple[str, int, int], float]
    tops: set[int]  # the lower ages of open bands
    highs: dict[int, int]  # low → high of the closed bands
    totals: dict[tuple[str, int], float]
    bad_cells: int = 0

    def add_band(self, low: int, high: int | None) -> None:
        """Note a band's width: open (「90歳以上」) or closed."""
        if high is None:
            self.tops.add(low)
        else:
            self.highs[low] = high


def _block_headings(rows: list[tuple]) -> list[tuple[int, int, str, list[int]]]:
    """(row, column, sex, years) of each heading 「男女計」「男」「女」 followed by year cells."""
    found = []
    for r, row in enumerate(rows[:HEADING_ROWS]):
        for c, cell in enumerate(row):
            sex = SEX_HEADINGS.get(_text(cell))
            if sex is None:
                continue
            years = []
            while c + 1 + len(years) < len(row) and (year := _year(row[c + 1 + len(years)])) is not None:
                years.append(year)
            if years:
                found.append((r, c, sex, years))
    return found


def _sheet_table(title: str, rows: list[tuple]) -> _Table | None:
    """A sheet of the per-prefecture workbook (blocks of rows under 「男女計」「男」「女」), or None."""
    headings = _block_headings(rows)
    if not headings:
        return None
    code, name = _sheet_area(title, rows[:headings[0][0]])
    table = _Table(code, name, {}, set(), {}, {})
    seen = set()
    for r, c, sex, years in headings:
        if sex in seen:  # a later table of the same sheet (shares, indices) repeats the headings
            continue
        seen.add(sex)
        _read_sheet_block(table, rows[r + 1:], c, sex, years)
    return table


def _sheet_area(title: str, above: list[tuple]) -> tuple[str | None, str]:
    """The code and name of a sheet's municipality: from the sheet's title, or 「13101」「千代田区」 above the table."""
    code, name = None, ""
    named = _SHEET_CODE.match(_text(title))
    if named:
        code, name = named.group(1).zfill(5), named.group(2)
    for row in above:
        for c, cell in enumerate(row):
            if _code(cell):
                code = _code(cell)
                name = next((_text(v) for v in row[c + 1:] if _text(v)), name)
                break
    return code, name


def _read_sheet_block(table: _Table, rows: list[tuple], c: int, sex: str, years: list[int]) -> None:
    """The rows of one sex's block, from the band labels in column `c` down to where the block ends."""
    for row in rows:
        label = _text(row[c]) if c < len(row) else ""
        if not label:
            if table.cells:
                break
            continue
        if label.startswith(_STOP) or any(word in label for word in _STOP[1:]):
            break
        band = _band(label)
        if band is None and label not in ("総数", "計"):
            break
        _read_sheet_row(table, row[c + 1:], sex, years, band)
        if band is not None:
            table.add_band(*band)


def _read_sheet_row(table: _Table, cells: tuple, sex: str, years: list[int], band: tuple | None) -> None:
    """One row's count per year: of a band, or the 総数 when `band` is None."""
    for j, year in enumerate(years):
        value = _count(cells[j]) if j < len(cells) else None
        if value is None:
            table.bad_cells += 1
        elif band is None:
            table.totals[(sex, year)] = value
        else:
            table.cells[(sex, year, band[0])] = value


def _national_tables(rows: list[tuple], wanted: str | None) -> dict[str, _Table]:
    """The national file: a heading row of bands repeated per sex, then one row per area × year. Only the
    rows of `wanted` (of every area when None) are read past their code and name."""
    header = next((r for r, row in enumerate(rows[:30])
                   if sum(_band(_text(v)) == (0, 4) for v in row) >= 2), None)
    if header is None:
        return {}
    blocks = _band_blocks(rows, header)
    year_column = next((c for row in rows[header + 1:header + 40] for c, v in enumerate(row) if _year(v)), None)
    if year_column is None:
        return {}
    tables: dict[str, _Table] = {}
    for row in rows[header + 1:]:
        code = next((_code(v) for v in row[:year_column] if _code(v)), None)
        year = _year(row[year_column]) if year_column < len(row) else None
        if code is None or year is None:
            continue
        if code not in tables:
            name = next((_text(v) for v in reversed(row[:year_column]) if _text(v) and not _code(v)), "")
            tables[code] = _Table(code, name, {}, set(), {}, {})
        if wanted in (None, code):
            _read_national_row(tables[code], row, year, blocks)
    return tables


def _band_blocks(rows: list[tuple], header: int) -> list[list]:
    """(sex, total column or None, {column: (low, high)}) of the first block of bands of each sex."""
    labels = [_text(v) for v in rows[header]]
    blocks = []
    for start, label in enumerate(labels):
        if _band(label) != (0, 4):
            continue
        bands = _block_bands(labels, start)
        sex = _block_sex(rows[max(0, header - 3):header], range(max(0, start - 1), start + len(bands)))
        total = start - 1 if start and _text(labels[start - 1]) in ("総数", "計", "") else None
        blocks.append([sex, total, bands])
    if len(blocks) == 3 and not all(b[0] for b in blocks):  # headings merged away: the order IPSS uses
        for block, sex in zip(blocks, ("total", "男性", "女性"), strict=True):
            block[0] = sex
    seen = set()
    return [b for b in blocks if not (b[0] in seen or seen.add(b[0]))]


def _block_bands(labels: list[str], start: int) -> dict[int, tuple[int, int | None]]:
    """The columns of the consecutive bands 0–4, 5–9, … from `start`, up to the open one."""
    bands, c = {}, start
    while c < len(labels) and (band := _band(labels[c])) is not None and band[0] == BAND_WIDTH * len(bands):
        bands[c] = band
        c += 1
        if band[1] is None:
            break
    return bands


def _block_sex(above: list[tuple], columns: range) -> str | None:
    """The sex written over a block (or over its 総数): 「男」「女」 in the rows above the heading."""
    sex = None
    for row in above:
        for column in columns:
            sex = SEX_HEADINGS.get(_text(row[column])) if column < len(row) else None
            if sex:
                break
        if sex:
            break
    return sex


def _read_national_row(table: _Table, row: tuple, year: int, blocks: list[list]) -> None:
    """One area × year row: the 総数 and band counts of each sex's block."""
    for sex, total, bands in blocks:
        if sex is None:
            continue
        if total is not None and (value := _count(row[total])) is not None:
            table.totals[(sex, year)] = value
        for column, (low, high) in bands.items():
            value = _count(row[column]) if column < len(row) else None
            if value is None:
                table.bad_cells += 1
                continue
            table.cells[(sex, year, low)] = value
            table.add_band(low, high)


# ---------------------------------------------------------------------------- checks
def _checked_frame(table: _Table, source: str) -> pd.DataFrame:
    """year, sex, age_band, population of 男性 and 女性, after the checks."""
    if table.bad_cells:
        raise IpssProjectionError("numbers", name=source, count=table.bad_cells)
    sexes = {sex for sex, _year, _low in table.cells}
    if not set(SEXES) <= sexes:
        raise IpssProjectionError("sexes", name=source)
    years = sorted({year for _sex, year, _low in table.cells})
    if len(years) < 2 or any(b - a != BAND_WIDTH for a, b in pairwise(years)):
        raise IpssProjectionError("years", name=source, years="、".join(map(str, years)) or "-")
    lows = sorted({low for _sex, _year, low in table.cells})
    closed_ok = all(table.highs.get(low) == low + BAND_WIDTH - 1 for low in lows[:-1])
    if (len(table.tops) != 1 or lows[-1] not in table.tops or lows != list(range(0, lows[-1] + 1, BAND_WIDTH))
            or not closed_ok or len(lows) < 12):
        raise IpssProjectionError("bands", name=source)
    rows = []
    for sex in SEXES:
        for year in years:
            values = [table.cells.get((sex, year, low)) for low in lows]
            if any(v is None for v in values):
                raise IpssProjectionError("numbers", name=source, count=sum(v is None for v in values))
            total = table.totals.get((sex, year))
            if total is not None and abs(sum(values) - total) > max(2.0, 0.001 * total):
                raise IpssProjectionError("totals", name=source, sex=sex, year=year, total=f"{total:,.0f}",
                                          bands=f"{sum(values):,.0f}")
            rows += [(year, sex, f"{low}+" if low == lows[-1] else f"{low}-{low + BAND_WIDTH - 1}", value)
                     for low, value in zip(lows, values, strict=True)]
    return pd.DataFrame(rows, columns=["year", "sex", "age_band", "population"])


def read_ipss_projection(path: str | Path, city_code: str | None = None,
                         source_name: str | None = None) -> IpssProjection:
    """The projection of `city_code` (5 digits) from an IPSS file.

    Without a code (the demo city has no real one) a file of one municipality is taken as it is, and a
    file of several is refused; with one, the municipality of that code is taken or the file refused.
    """
    path = Path(path)
    source = source_name or path.name
    wanted = str(city_code).strip().zfill(5) if city_code else None
    tables: dict[str, _Table] = {}
    layout = "sheets"
    for title, rows in _sheets(path, source):
        table = _sheet_table(title, rows)
        if table is not None and table.cells:
            key = table.code or f"sheet:{title}"
            tables.setdefault(key, table)
            continue
        national = _national_tables(rows, wanted)
        if national:
            layout = "rows"
            for code, found in national.items():
                tables.setdefault(code, found)
    # a prefecture's own total (code PP000, or a sheet named after the prefecture) is no municipality
    places = {code: t for code, t in tables.items() if not code.endswith("000") and not _PREFECTURE.match(t.name)}
    if not places:
        raise IpssProjectionError("not_a_table", name=source)
    if wanted and wanted in places:
        code = wanted
    elif len(places) == 1 and wanted is None:
        code = next(iter(places))
    elif len(places) == 1:
        only = next(iter(places.values()))
        raise IpssProjectionError("wrong_city", name=source, found=f"{only.name}（{only.code or '-'}）", code=wanted)
    elif wanted:
        raise IpssProjectionError("city_missing", name=source, code=wanted, count=len(places))
    else:
        raise IpssProjectionError("several_cities", name=source, count=len(places))
    table = places[code]
    frame = _checked_frame(table, source)
    return IpssProjection(frame, table.code or (wanted or ""), table.name or source, layout, source)


# ---------------------------------------------------------------------------- publishing
def ipss_dictionary(projection: IpssProjection, city: str | None = None) -> dict:
    """The published dataset's dictionary: a public statistic of the whole municipality (no small cells);
    `city` names every municipality it holds (「鳥取市・岩美町」 in a joint course)."""
    city, edition = city or projection.city_name, projection.edition
    first, last = projection.years[0], projection.years[-1]
    bands = list(dict.fromkeys(projection.frame["age_band"]))

    def column(name, ja, en, kind, role=None, **extra):
        entry = {"name": name, "label": {"ja": ja, "en": en}, "type": kind, **extra}
        if role:
            entry["role"] = role
        return entry

    return {
        "name": NAME, "file": f"{NAME}.parquet", "kind": "table",
        "title": {"ja": f"{city}の将来推計人口（社人研）", "en": f"Projected population of {city} (IPSS)"},
        "description": {
            "ja": f"国立社会保障・人口問題研究所「日本の地域別将来推計人口（{edition}）」の{city}の男女・5歳階級別人口"
                  f"（{first}年は推計のもとの国勢調査、{first + BAND_WIDTH}〜{last}年は推計）。将来人口の画面で、"
                  "この比（コーホート変化率と子ども女性比）を町丁目の人口に当てはめます。",
            "en": f"Population of {city} by sex and five-year age band from IPSS's regional projection ({edition}): "
                  f"{first} is the census it starts from, {first + BAND_WIDTH}–{last} projected. The future-population "
                  "page applies its ratios to the population of each area."},
        "themes": ["population"],
        "source": {"ja": f"国立社会保障・人口問題研究所「日本の地域別将来推計人口（{edition}）」（{SOURCE_PAGE}）"
                         f"「{projection.source}」を加工して作成",
                   "en": f"National Institute of Population and Social Security Research, Regional Population "
                         f"Projections for Japan ({edition}, {SOURCE_PAGE}), file {projection.source}, processed"},
        "anonymization": {"ja": "該当なし（公表されている市区町村全体の推計値）。",
                          "en": "Not applicable: the published projection of the whole municipality."},
        "record_unit": {"ja": "年・性別・年齢階級の組合せ1件", "en": "one year × sex × age band"},
        "columns": [
            column("city_code", "全国地方公共団体コード", "Local government code", "code", "id"),
            column("city_name", "市区町村名", "Municipality", "text", "name"),
            column("year", "年", "Year", "year", "year",
                   description={"ja": "各年10月1日。最初の年は国勢調査の人口です。",
                                "en": "1 October of the year; the first year is the census."}),
            column("sex", "性別", "Sex", "category", "sex", order=list(SEXES)),
            column("age_band", "年齢（5歳階級）", "Age band (5 years)", "category", "age_band", order=bands),
            column("population", "人口（推計）", "Population (projected)", "number", "measure",
                   unit={"ja": "人", "en": "persons"}),
        ],
        # The whole municipality's published projection describes no one: no small-cell rule on it.
        "privacy": {"persons": None},
    }


COLUMNS = ["city_code", "city_name", "year", "sex", "age_band", "population"]


def published_projections() -> pd.DataFrame:
    """The rows of `ipss_projection` as published (every municipality's), empty when none is."""
    path = dataset_dir(NAME) / f"{NAME}.parquet"
    return pd.read_parquet(path)[COLUMNS] if path.exists() else pd.DataFrame(columns=COLUMNS)


def _joint_city_name(frame: pd.DataFrame) -> str:
    return "・".join(dict.fromkeys(frame["city_name"].astype(str)))


def publish_ipss_projection(path: str | Path, city_code: str | None = None, *, published_by: str,
                            source_name: str | None = None, store=None,
                            course_cities: list[str] = ()) -> IpssProjection:
    """Read the file whole, then publish the city's projection as `ipss_projection` (replacing one). In a joint
    course (`course_cities`: the codes of its municipalities) each municipality's is published beside the
    others': only this city's rows are replaced, in the course's order."""
    projection = read_ipss_projection(path, city_code, source_name)
    frame = projection.frame.assign(city_code=projection.city_code, city_name=projection.city_name)[COLUMNS]
    if len(course_cities) > 1 and projection.city_code in course_cities:
        others = published_projections()
        others = others[others["city_code"].isin(course_cities) & (others["city_code"] != projection.city_code)]
        frame = pd.concat([others, frame], ignore_index=True)
        frame = frame.sort_values("city_code", key=lambda c: c.map(list(course_cities).index), kind="stable")
        frame = frame.reset_index(drop=True)
    publish_public_statistics([(frame, ipss_dictionary(projection, _joint_city_name(frame)))],
                              published_by=published_by, source=projection.source, store=store)
    return projection


def projections_left_for(codes: list[str]) -> tuple[list[tuple[pd.DataFrame, dict]], list[str]]:
    """When the workbench is turned to `codes` (setup-city), the municipal projections of other municipalities
    must go: (the dataset again with the rows of `codes` only, to publish) or (its name, to withdraw); both
    empty when nothing is to change."""
    published = published_projections()
    kept = published[published["city_code"].isin(codes)].reset_index(drop=True)
    if len(kept) == len(published):
        return [], []
    if kept.empty:
        return [], [NAME]
    dictionary = yaml.safe_load((dataset_dir(NAME) / f"{NAME}.yaml").read_text(encoding="utf-8"))
    before, after = _joint_city_name(published), _joint_city_name(kept)
    for key in ("title", "description"):
        dictionary[key] = {lang: text.replace(before, after) for lang, text in dictionary[key].items()}
    return [(kept, dictionary)], []
