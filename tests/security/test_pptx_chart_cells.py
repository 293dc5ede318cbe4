"""Red team, item 9: a chart's embedded workbook in the PPTX keeps =HYPERLINK(…) categories as text."""
from __future__ import annotations

import io

import openpyxl
from pptx import Presentation

from lib.deck.evidence import ChartSeries
from lib.deck.to_pptx import add_native_chart

FORMULA = '=HYPERLINK("http://evil.example/x","クリック")'


def test_embedded_chart_cells_are_text_not_formulas():
    deck = Presentation()
    slide = deck.slides.add_slide(deck.slide_layouts[6])
    series = ChartSeries("column", [FORMULA, "北部地区"], [("=1+1", [3.0, 4.0])])
    add_native_chart(slide, series, 0, 0, 4_000_000, 3_000_000)
    saved = io.BytesIO()
    deck.save(saved)
    shown = Presentation(io.BytesIO(saved.getvalue()))
    charts = [shape.chart for shape in shown.slides[0].shapes if shape.has_chart]
    assert len(charts) == 1
    book = openpyxl.load_workbook(io.BytesIO(charts[0].part.chart_workbook.xlsx_part.blob))
    cells = [cell for row in book.active.iter_rows() for cell in row if cell.value is not None]
    assert FORMULA in [cell.value for cell in cells] and "=1+1" in [cell.value for cell in cells]
    assert all(cell.data_type != "f" for cell in cells)
