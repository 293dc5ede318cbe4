"""Downloaded tables are data, never formulas: CSV and Excel from every writer."""
from __future__ import annotations

import csv
import io
from datetime import date

import openpyxl
import pandas as pd
import pytest

from lib.deck import course_summary
from lib.table_export import csv_bytes, xlsx_bytes
from lib.workspace.course import CourseInfo

FORMULAS = ["=1+1", "+cmd|' /C calc'!A0", "-2+3", "@SUM(A1:A2)", "\t=1", "\r=1", '=HYPERLINK("http://x","y")']
PLAIN = ["-5", "+81", "-", "12.5%", "ふつうの文", ""]


def _frame() -> pd.DataFrame:
    cells = FORMULAS + PLAIN
    return pd.DataFrame({"=HEADER()": cells, "数": range(len(cells))})


@pytest.mark.parametrize("encoding", ["utf-8-sig", "cp932"])
def test_csv_cells_that_start_a_formula_stay_text(encoding):
    rows = list(csv.reader(io.StringIO(csv_bytes(_frame(), encoding).decode(encoding), newline="")))
    assert rows[0] == ["'=HEADER()", "数"]
    cells = [row[0] for row in rows[1:]]
    assert cells[:len(FORMULAS)] == ["'" + f for f in FORMULAS]
    assert cells[len(FORMULAS):] == PLAIN  # numbers and marks are left as they are
    assert [row[1] for row in rows[1:]] == [str(i) for i in range(len(rows) - 1)]


def _no_formula_cells(data: bytes) -> list:
    book = openpyxl.load_workbook(io.BytesIO(data))
    cells = [cell for sheet in book.worksheets for row in sheet.iter_rows() for cell in row]
    assert not [cell.coordinate for cell in cells if cell.data_type == "f"]
    return [cell.value for cell in cells]


def test_xlsx_keeps_formula_like_text_as_text():
    values = _no_formula_cells(xlsx_bytes(_frame(), title="表"))
    assert "=1+1" in values and "=HEADER()" in values


def test_course_summary_holds_no_formula():
    summary = course_summary.GroupSummary(name="=1+1", members=["@x"], goal="=A1", problem="", theme="+y",
                                          findings=[{"sentence": "=HYPERLINK(\"http://x\")", "strength": "",
                                                     "verdict": "", "hypothesis": ""}])
    info = CourseInfo("c", "研修", "みどり野市", (date.today(),), 1, 1, False)
    values = _no_formula_cells(course_summary.summary_xlsx([summary], info))
    assert "=1+1" in values
