"""Tables as files a Japanese office opens without trouble: CSV for Excel, and .xlsx.

Japanese Excel reads a CSV as CP932 unless it starts with a byte-order mark, so
the default CSV is UTF-8 with BOM; CP932 is there for older tools (characters
CP932 lacks become "?").

Cells are data, never formulas: a text cell that a spreadsheet would run (it starts with
= + - @, a tab or a carriage return) is written so that it stays text.
"""
from __future__ import annotations

import io
import re

import pandas as pd
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

CSV_ENCODINGS = {"utf-8-sig": "UTF-8 (BOM)", "cp932": "Shift_JIS (CP932)"}
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_PLAIN_NUMBER = re.compile(r"[+-]?[\d,]*\.?\d+%?|[+-]")  # "-5", "+81", "-" are not formulas


def inert_text(value):
    """A text that a spreadsheet would read as a formula, with a leading ' so that it stays text."""
    if isinstance(value, str) and value.startswith(_FORMULA_START) and not _PLAIN_NUMBER.fullmatch(value):
        return "'" + value
    return value


def without_formulas(frame: pd.DataFrame) -> pd.DataFrame:
    """The frame with every text cell and column name made inert (for CSV)."""
    out = frame.rename(columns=inert_text)
    for column in range(out.shape[1]):
        values = out.iloc[:, column]
        if not pd.api.types.is_numeric_dtype(values) and not pd.api.types.is_datetime64_any_dtype(values):
            out.isetitem(column, values.astype(object).map(inert_text))
    return out


def keep_text_as_text(sheet) -> None:
    """openpyxl stores a text starting with "=" as a formula: store every such cell as text."""
    for row in sheet.iter_rows():
        for cell in row:
            if cell.data_type == "f":
                cell.data_type = "s"


def _flat(frame: pd.DataFrame) -> pd.DataFrame:
    """A named or meaningful index becomes an ordinary first column; whole-number columns are integers."""
    if frame.index.name is not None or not isinstance(frame.index, pd.RangeIndex):
        frame = frame.reset_index()
        frame = frame.rename(columns={"index": ""})
    return whole_numbers_as_integers(frame)


def whole_numbers_as_integers(frame: pd.DataFrame) -> pd.DataFrame:
    """Float columns holding only whole numbers (counts that a join or a fill made float) as integers,
    so that a CSV says 40, not 40.0; missing values stay empty."""
    frame = frame.copy()
    for name in frame.columns:
        values = frame[name]
        if values.dtype.kind == "f" and values.notna().any() and (values.dropna() % 1 == 0).all():
            frame[name] = values.astype("Int64")
    return frame


def csv_bytes(frame: pd.DataFrame, encoding: str = "utf-8-sig") -> bytes:
    """The table as CSV bytes; "utf-8-sig" (UTF-8 with BOM) or "cp932"."""
    if encoding not in CSV_ENCODINGS:
        raise ValueError(f"unknown encoding {encoding}")
    text = without_formulas(_flat(frame)).to_csv(index=False, lineterminator="\r\n")
    if encoding == "cp932":
        return text.encode("cp932", errors="replace")
    return text.encode("utf-8-sig")


def xlsx_bytes(frame: pd.DataFrame, sheet_name: str = "データ", title: str | None = None) -> bytes:
    """The table as an Excel workbook: optional title line, a bold Japanese header row, fitted widths."""
    frame = _flat(frame)
    buffer = io.BytesIO()
    start_row = 2 if title else 0
    with pd.ExcelWriter(buffer, engine="openpyxl") as writer:
        frame.to_excel(writer, sheet_name=sheet_name[:31], index=False, startrow=start_row)
        sheet = writer.sheets[sheet_name[:31]]
        if title:
            sheet.cell(row=1, column=1, value=title).font = Font(bold=True, size=13)
        header_row = start_row + 1
        for index, name in enumerate(frame.columns, start=1):
            cell = sheet.cell(row=header_row, column=index)
            cell.font = Font(bold=True)
            cell.fill = PatternFill("solid", fgColor="DDEBF7")
            cell.alignment = Alignment(wrap_text=True, vertical="center")
            values = [str(name)] + [str(v) for v in frame.iloc[:200, index - 1].tolist()]
            width = max(_display_width(v) for v in values)
            sheet.column_dimensions[get_column_letter(index)].width = min(max(8, width + 2), 50)
        sheet.freeze_panes = sheet.cell(row=header_row + 1, column=1)
        keep_text_as_text(sheet)
    return buffer.getvalue()


def _display_width(text: str) -> int:
    """Columns a string takes in Excel: full-width (Japanese) characters count twice."""
    return sum(2 if ord(ch) > 0x2E80 else 1 for ch in text)
