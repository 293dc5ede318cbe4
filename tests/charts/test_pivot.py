"""Pivot tables: totals from the database, percentages by row / column / total, and exports."""
from __future__ import annotations

import io

import pandas as pd
import pytest
from openpyxl import load_workbook

from lib.analysis.area_indicators import analysis_catalog
from lib.charts.pivot import assemble_pivot, build_pivot, percentages
from lib.charts.spec import ChartSpec, Measure
from lib.data.query import Filter
from lib.table_export import csv_bytes, xlsx_bytes

CATALOG = analysis_catalog()


def test_assemble_and_percentages_by_hand():
    cells = pd.DataFrame({"r": ["a", "a", "b", "b"], "c": ["x", "y", "x", "y"], "value": [1.0, 3.0, 2.0, 4.0]})
    rows = pd.DataFrame({"r": ["a", "b"], "value": [4.0, 6.0]})
    cols = pd.DataFrame({"c": ["x", "y"], "value": [3.0, 7.0]})
    table = assemble_pivot(cells, rows, cols, 10.0, "r", "c", "合計", ["b", "a"], ["y", "x"])
    assert list(table.index) == ["b", "a", "合計"]
    assert list(table.columns) == ["y", "x", "合計"]
    assert table.loc["合計", "合計"] == 10
    assert percentages(table, "row", "合計").loc["a", "y"] == 75.0
    assert percentages(table, "column", "合計").loc["b", "x"] == pytest.approx(66.7)
    assert percentages(table, "total", "合計").loc["合計", "合計"] == 100.0
    assert percentages(table, "none", "合計").equals(table)


def test_care_pivot_totals_match_the_records(published):
    spec = ChartSpec("care_certification", Measure("count"), ["areas.district", "care_level"],
                     filters=[Filter("year", "in", [2025])])
    pivot = build_pivot(published, CATALOG, spec)
    table = pivot.table
    n = published.execute("SELECT COUNT(*) FROM care_certification WHERE year = 2025").fetchone()[0]
    assert table.loc["合計", "合計"] == n
    body = table.drop(index="合計", columns="合計")
    assert body.sum(axis=1).to_numpy() == pytest.approx(table["合計"].drop("合計").to_numpy())
    assert list(body.columns) == list(CATALOG["care_certification"].column("care_level").order)
    assert list(body.index) == list(CATALOG["areas"].column("district").order)
    assert pivot.additive and pivot.row_label == "地区"


def test_totals_of_means_are_recomputed_not_summed(published):
    spec = ChartSpec("survey", Measure("mean", "sat_公共交通"), ["district", "sex"])
    pivot = build_pivot(published, CATALOG, spec)
    overall = published.execute('SELECT AVG("sat_公共交通") FROM survey').fetchone()[0]
    assert "全体" in pivot.table.index and not pivot.additive
    assert pivot.table.loc["全体", "全体"] == pytest.approx(overall)


def test_one_dimensional_pivot(published):
    spec = ChartSpec("population", Measure("sum", "population"), ["areas.district"],
                     filters=[Filter("year", "in", [2025])])
    table = build_pivot(published, CATALOG, spec).table
    assert list(table.columns) == ["合計"]
    assert table.loc["合計", "合計"] == table["合計"].drop("合計").sum()


def test_csv_opens_in_japanese_excel_and_cp932_on_request():
    frame = pd.DataFrame({"地区": ["丘陵地区", "中央地区"], "人数": [3, 4]})
    data = csv_bytes(frame)
    assert data.startswith(b"\xef\xbb\xbf")
    assert data.decode("utf-8-sig").splitlines()[0] == "地区,人数"
    assert csv_bytes(frame, "cp932").decode("cp932").splitlines()[1] == "丘陵地区,3"
    with pytest.raises(ValueError):
        csv_bytes(frame, "latin-1")


def test_a_pivot_of_counts_exports_integers(published):
    spec = ChartSpec("care_certification", Measure("count"), ["areas.district", "sex"],
                     filters=[Filter("year", "in", [2025])])
    table = build_pivot(published, CATALOG, spec).table
    assert table.dtypes.eq(float).all()  # filled with 0.0 where a cell has no records
    lines = csv_bytes(table).decode("utf-8-sig").splitlines()
    assert not any(".0" in cell for line in lines[1:] for cell in line.split(",")[1:])
    rates = pd.DataFrame({"地区": ["北部", "南部"], "率": [19.7, None]})
    assert csv_bytes(rates).decode("utf-8-sig").splitlines()[1:] == ["北部,19.7", "南部,"]


def test_xlsx_has_a_japanese_header_row_and_title():
    frame = pd.DataFrame({"地区": ["丘陵地区", "中央地区"], "人数": [3, 4]})
    book = load_workbook(io.BytesIO(xlsx_bytes(frame, title="要介護認定")))
    sheet = book.active
    assert sheet["A1"].value == "要介護認定"
    assert [c.value for c in sheet[3]] == ["地区", "人数"]
    assert sheet["A3"].font.bold
    assert [c.value for c in sheet[4]] == ["丘陵地区", 3]


def test_pivot_table_exports_with_its_row_labels(published):
    spec = ChartSpec("care_certification", Measure("count"), ["sex", "care_level"])
    table = build_pivot(published, CATALOG, spec).table
    table.index.name = "性別"
    sheet = load_workbook(io.BytesIO(xlsx_bytes(table))).active
    header = [c.value for c in sheet[1]]
    assert header[0] == "性別" and header[-1] == "合計"
    assert [sheet.cell(row=r, column=1).value for r in range(2, 6)] == ["男性", "女性", "（不明）", "合計"]
