"""Files in the layouts IPSS publishes 「日本の地域別将来推計人口」 (令和5年推計), built small for tests.

No IPSS file could be found in the stored public repositories (the national suikei_kekka.xlsx, 7 MB, is
beyond what a repository snapshot here holds, and the projects that read the prefecture files download them
without committing them), so no real file is in tests/fixtures/real. The layouts are rebuilt from what
independent readers of the real files state: aiseed-dev/ecitizen `citizenlib/ipss.py` (the prefecture
workbook `3kekka/Municipalities/NN.xlsx`: a sheet per municipality named 「{code}_{name}」, the prefecture's
total first; columns 0-7 男女計 (label + 2020…2050年), 8 a gap, 9-16 男, 17 a gap, 18-25 女; rows 「総数」
「0～4歳」…「90～94歳」「95歳～」, then 「（再掲）」 rows), and readers of the national file
`3kekka/suikei_kekka.xlsx` (one sheet, headings in rows 4-5, data from row 6: コード, 市などの別 (a
都道府県, 0 区, 1 政令市, 2 市, 3 町村), 都道府県, 市区町村, 「2020年」, then 総数 + 20 bands for 男女計, 男
and 女 in blocks 22 columns apart, then index, 再掲 and share columns). IPSS's terms of use allow copying
and adapting its content with the source named and the adaptation stated
(https://www.ipss.go.jp/site-ad/link/anlink.html); the numbers here are made up.
"""
from __future__ import annotations

from pathlib import Path

import openpyxl

IPSS_BANDS = ["0～4歳", "5～9歳", "10～14歳", "15～19歳", "20～24歳", "25～29歳", "30～34歳", "35～39歳",
              "40～44歳", "45～49歳", "50～54歳", "55～59歳", "60～64歳", "65～69歳", "70～74歳", "75～79歳",
              "80～84歳", "85～89歳", "90～94歳", "95歳～"]
YEARS = [2020, 2025, 2030, 2035, 2040, 2045, 2050]
SEX_BLOCKS = [("男女計", None), ("男", "男性"), ("女", "女性")]


def values(years=YEARS, base: float = 1000, changes: dict | None = None) -> dict:
    """{(sex 男性/女性, year, band index): persons}: `base` everywhere except `changes`."""
    cells = {(sex, year, i): float(base) for sex in ("男性", "女性") for year in years for i in range(len(IPSS_BANDS))}
    cells.update(changes or {})
    return cells


def _block(cells: dict, sex: str | None, year: int) -> list[float]:
    if sex:
        return [cells[(sex, year, i)] for i in range(len(IPSS_BANDS))]
    return [cells[("男性", year, i)] + cells[("女性", year, i)] for i in range(len(IPSS_BANDS))]


def _number(value: float):
    return int(value) if float(value).is_integer() else value


def municipality_rows(code: str, name: str, cells: dict, years=YEARS) -> list[list]:
    """One sheet of the prefecture workbook (令和5年推計: the three blocks side by side)."""
    width = 1 + len(years) + 1
    rows = [["男女・年齢（5歳）階級別の推計結果（各年10月1日現在の総人口）"], [int(code), name], []]
    heading = []
    for label, _sex in SEX_BLOCKS:
        heading += [label, *[f"{y}年" for y in years], None]
    rows.append(heading)
    labelled = [("総数", lambda b: sum(b))] + [(band, lambda b, i=i: b[i]) for i, band in enumerate(IPSS_BANDS)]
    labelled += [("（再掲）0～14歳", lambda b: sum(b[:3])), ("（再掲）65歳以上", lambda b: sum(b[13:])),
                 ("（再掲）75歳以上", lambda b: sum(b[15:]))]
    for label, pick in labelled:
        row = []
        for _heading, sex in SEX_BLOCKS:
            row += [label, *[_number(pick(_block(cells, sex, y))) for y in years], None]
        rows.append(row)
    rows.append([])
    rows.append(["指数（2020年=100）", *[100] * len(years)])
    assert all(len(r) <= 3 * width for r in rows)
    return rows


def write_prefecture_workbook(path: Path, cities: dict[str, tuple[str, dict]], years=YEARS) -> Path:
    """A prefecture's workbook: its own total first, then one sheet per municipality."""
    book = openpyxl.Workbook()
    first = book.active
    pref_code = next(iter(cities))[:2]
    first.title = f"{int(pref_code)}000_県計"
    total = {key: sum(c[key] for _name, c in cities.values()) for key in next(iter(cities.values()))[1]}
    for row in municipality_rows(f"{pref_code}000", "県計", total, years):
        first.append(row)
    for code, (name, cells) in cities.items():
        sheet = book.create_sheet(f"{int(code)}_{name}")
        for row in municipality_rows(code, name, cells, years):
            sheet.append(row)
    book.save(path)
    return path


def national_rows(cities: dict[str, tuple[str, dict]], years=YEARS) -> list[list]:
    """The national file's one sheet: headings in rows 4 and 5, one row per area × year from row 6."""
    rows = [["男女5歳階級別将来推計人口"], ["（各年10月1日現在）"], []]
    top = ["コード", "市などの別", "都道府県", "市区町村", "年"]
    second = [None] * 5
    for label, _sex in SEX_BLOCKS:
        top += [label] + [None] * len(IPSS_BANDS) + [None]
        second += ["総数", *IPSS_BANDS, None]
    top += ["総人口指数（2020年=100）"]
    second += [None]
    rows += [top, second]
    pref = next(iter(cities))[:2]
    for year in years:
        total = {key: sum(c[key] for _n, c in cities.values()) for key in next(iter(cities.values()))[1]}
        for code, name, kind, cells in [(f"{pref}000", None, "a", total),
                                        *[(c, n, 2, cells) for c, (n, cells) in cities.items()]]:
            row = [int(code), kind, "県", name, f"{year}年"]
            for _label, sex in SEX_BLOCKS:
                block = _block(cells, sex, year)
                row += [_number(sum(block)), *[_number(v) for v in block], None]
            rows.append(row + [100.0])
    return rows


def write_national_workbook(path: Path, cities: dict[str, tuple[str, dict]], years=YEARS) -> Path:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Sheet1"
    for row in national_rows(cities, years):
        sheet.append(row)
    book.save(path)
    return path


def write_csv(path: Path, rows: list[list], encoding: str = "cp932") -> Path:
    """A layout saved from Excel as CSV (Excel's 「CSV（コンマ区切り）」 is CP932)."""
    import csv
    import io

    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\r\n").writerows([["" if v is None else v for v in r] for r in rows])
    path.write_bytes(buffer.getvalue().encode(encoding))
    return path
