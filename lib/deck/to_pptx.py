"""The deck as a PowerPoint file (python-pptx), 16:9, that municipal staff can keep editing.

Bar, line and pie charts become native PowerPoint charts holding the values of the
chart's DataFrame (restyle them in PowerPoint, or edit their data sheet); other
charts and maps are pictures drawn on the server with a Japanese font; tables are
PowerPoint tables. Each evidence slide names its data source and how the data was
anonymized; speaker notes go into the notes pane.
"""
from __future__ import annotations

import io
from contextlib import contextmanager

from lxml import etree
from PIL import Image
from pptx import Presentation
from pptx.chart.data import CategoryChartData
from pptx.chart.xlsx import CategoryWorkbookWriter
from pptx.dml.color import RGBColor
from pptx.enum.chart import XL_CHART_TYPE, XL_LABEL_POSITION, XL_LEGEND_POSITION, XL_TICK_LABEL_POSITION
from pptx.enum.shapes import MSO_SHAPE
from pptx.enum.text import MSO_ANCHOR, PP_ALIGN
from pptx.oxml.ns import qn
from pptx.util import Emu, Inches, Pt, lazyproperty
from xlsxwriter import Workbook

from lib.charts import style
from lib.deck.evidence import TABLE_ROWS, Evidence, chart_picture, map_picture, table_cells
from lib.deck.model import PreparedDeck, section_label
from lib.deck.native_chart import ChartSeries
from lib.i18n import date_text, t

FONT = "Meiryo"  # Windows' Japanese UI font; PowerPoint substitutes (e.g. IPAexGothic) where it is missing
SLIDE_W, SLIDE_H = Inches(13.333), Inches(7.5)
MARGIN = Inches(0.6)
GREEN = RGBColor(0x0B, 0x6E, 0x4F)
LIGHT = RGBColor(0xE8, 0xF3, 0xEE)
INK = RGBColor(0x22, 0x2B, 0x28)
GREY = RGBColor(0x66, 0x6E, 0x6B)
WHITE = RGBColor(0xFF, 0xFF, 0xFF)
LABELLED_BARS = 20  # up to this many bars carry their value; more would overlap
CHART_TYPES = {
    ("column", "clustered"): XL_CHART_TYPE.COLUMN_CLUSTERED, ("column", "stacked"): XL_CHART_TYPE.COLUMN_STACKED,
    ("column", "percent"): XL_CHART_TYPE.COLUMN_STACKED_100, ("bar", "clustered"): XL_CHART_TYPE.BAR_CLUSTERED,
    ("bar", "stacked"): XL_CHART_TYPE.BAR_STACKED, ("bar", "percent"): XL_CHART_TYPE.BAR_STACKED_100,
    ("line", "clustered"): XL_CHART_TYPE.LINE_MARKERS, ("pie", "clustered"): XL_CHART_TYPE.PIE,
    ("doughnut", "clustered"): XL_CHART_TYPE.DOUGHNUT,
}


# --- text -----------------------------------------------------------------------------

def set_font(font, size: float | None = None, bold: bool | None = None, colour: RGBColor | None = None) -> None:
    """Size, weight, colour and the Japanese font (both the Latin and the East Asian typeface)."""
    if size is not None:
        font.size = Pt(size)
    if bold is not None:
        font.bold = bold
    if colour is not None:
        font.color.rgb = colour
    font.name = FONT
    rPr = font._rPr if hasattr(font, "_rPr") else font._element
    latin = rPr.find(qn("a:latin"))
    ea = rPr.find(qn("a:ea"))
    if ea is None:
        ea = etree.SubElement(rPr, qn("a:ea"))
        latin.addnext(ea)
    ea.set("typeface", FONT)


def _text_box(slide, x, y, w, h, paragraphs: list[str], size: float, colour=INK, bold=False,
              bullet: bool = False, anchor=MSO_ANCHOR.TOP, align=PP_ALIGN.LEFT, spacing: float = 6):
    box = slide.shapes.add_textbox(x, y, w, h)
    frame = box.text_frame
    frame.word_wrap = True
    frame.vertical_anchor = anchor
    frame.margin_left = frame.margin_right = Inches(0.05)
    for index, text in enumerate(paragraphs):
        paragraph = frame.paragraphs[0] if index == 0 else frame.add_paragraph()
        paragraph.alignment = align
        paragraph.space_after = Pt(spacing)
        run = paragraph.add_run()
        run.text = ("・" + text) if bullet else text
        set_font(run.font, size, bold, colour)
    return box


def _bullet_size(bullets: list[str], area_chars: int) -> float:
    """A font size that lets the slide's text fit its box."""
    chars = sum(len(b) + 8 for b in bullets)
    for size in (24, 20, 18, 16, 14, 12):
        if chars * (size / 18) ** 2 <= area_chars:
            return size
    return 11


# --- frame of every slide --------------------------------------------------------------

def _frame(slide, section: str, title: str, deck: PreparedDeck, number: int, total: int) -> None:
    band = slide.shapes.add_shape(MSO_SHAPE.RECTANGLE, 0, 0, Inches(0.18), SLIDE_H)
    band.fill.solid()
    band.fill.fore_color.rgb = GREEN
    band.line.fill.background()
    band.shadow.inherit = False
    label = section_label(section, deck.lang)
    if label != title:  # a slide titled like its step needs no second label
        _text_box(slide, MARGIN, Inches(0.3), Inches(6), Inches(0.4), [label], 14, GREEN, bold=True)
    _text_box(slide, MARGIN, Inches(0.65), SLIDE_W - 2 * MARGIN, Inches(0.9), [title], 26 if len(title) < 34 else 21,
              INK, bold=True, anchor=MSO_ANCHOR.MIDDLE)
    rule = slide.shapes.add_shape(MSO_SHAPE.RECTANGLE, MARGIN, Inches(1.6), SLIDE_W - 2 * MARGIN, Pt(2))
    rule.fill.solid()
    rule.fill.fore_color.rgb = GREEN
    rule.line.fill.background()
    rule.shadow.inherit = False
    footer = f"{deck.context.municipality}　{deck.context.group_name}".strip()
    _text_box(slide, MARGIN, SLIDE_H - Inches(0.45), Inches(8), Inches(0.3), [footer], 10, GREY)
    _text_box(slide, SLIDE_W - MARGIN - Inches(2), SLIDE_H - Inches(0.45), Inches(2), Inches(0.3),
              [t("deck.page", deck.lang, n=number, total=total)], 10, GREY, align=PP_ALIGN.RIGHT)


def _title_slide(prs, deck: PreparedDeck) -> None:
    slide = prs.slides.add_slide(prs.slide_layouts[6])
    panel = slide.shapes.add_shape(MSO_SHAPE.RECTANGLE, 0, 0, SLIDE_W, Inches(4.3))
    panel.fill.solid()
    panel.fill.fore_color.rgb = GREEN
    panel.line.fill.background()
    panel.shadow.inherit = False
    ctx = deck.context
    _text_box(slide, Inches(0.9), Inches(0.7), Inches(11.5), Inches(0.5), [ctx.course_name], 16, WHITE)
    _text_box(slide, Inches(0.9), Inches(1.3), Inches(11.5), Inches(2.6), [deck.title],
              36 if len(deck.title) < 40 else 28, WHITE, bold=True, anchor=MSO_ANCHOR.MIDDLE)
    _text_box(slide, Inches(0.9), Inches(4.6), Inches(11.5), Inches(0.6),
              [f"{ctx.municipality}　{ctx.group_name}".strip()], 24, INK, bold=True)
    _text_box(slide, Inches(0.9), Inches(5.3), Inches(11.5), Inches(1.2),
              [f"{t('deck.members', deck.lang)}：" + "、".join(ctx.members)], 16, INK)
    _text_box(slide, Inches(0.9), Inches(6.6), Inches(6), Inches(0.4),
              [t("deck.made_on", deck.lang, date=date_text(ctx.made_on, deck.lang))], 12, GREY)


# --- charts, pictures, tables --------------------------------------------------------------

def _number_format(series: ChartSeries) -> str:
    values = [v for _, vals in series.series for v in vals if v is not None]
    if values and all(float(v).is_integer() for v in values):
        return "#,##0"
    return "#,##0.0" if values and max(abs(v) for v in values) >= 10 else "#,##0.00"


class _TextWorkbookWriter(CategoryWorkbookWriter):
    """The chart's embedded workbook with every text as text: XlsxWriter would store a category or
    series name starting with "=" (=HYPERLINK(…)) as a formula that Excel runs on "Edit Data"."""

    @contextmanager
    def _open_worksheet(self, xlsx_file):
        workbook = Workbook(xlsx_file, {"in_memory": True, "strings_to_formulas": False, "strings_to_urls": False})
        worksheet = workbook.add_worksheet()
        yield workbook, worksheet
        workbook.close()


class _TextChartData(CategoryChartData):
    @lazyproperty
    def _workbook_writer(self):
        return _TextWorkbookWriter(self)


def _series_colour(series: ChartSeries, index: int) -> RGBColor:
    """The colour the app draws the index-th series (or pie slice) in."""
    drawn = series.colours[index] if index < len(series.colours) else style.colour(index)
    return RGBColor.from_string(style.hex_colour(drawn))


def add_native_chart(slide, series: ChartSeries, x, y, w, h):
    """An editable PowerPoint chart holding the series' values."""
    data = _TextChartData(number_format=_number_format(series))
    horizontal = series.kind == "bar"
    # PowerPoint draws a bar chart's first category at the bottom; feed it reversed so it reads top-down.
    order = list(reversed(range(len(series.categories)))) if horizontal and series.top_first else \
        list(range(len(series.categories)))
    data.categories = [series.categories[i] for i in order]
    for name, values in series.series:
        data.add_series(name or series.value_title, [values[i] for i in order])
    chart_type = CHART_TYPES.get((series.kind, series.grouping), CHART_TYPES[(series.kind, "clustered")])
    chart = slide.shapes.add_chart(chart_type, x, y, w, h, data).chart
    chart.has_title = False  # the slide's heading is the chart's title
    set_font(chart.font, 12, colour=INK)
    many = len(series.series) > 1
    chart.has_legend = many or series.kind in ("pie", "doughnut")
    if chart.has_legend:
        chart.legend.position = XL_LEGEND_POSITION.BOTTOM if series.kind in ("column", "line", "bar") \
            else XL_LEGEND_POSITION.RIGHT
        chart.legend.include_in_layout = False
        set_font(chart.legend.font, 11, colour=INK)
    plot = chart.plots[0]
    if series.kind in ("pie", "doughnut"):
        _style_slices(plot, series)
        return chart
    _style_bars_and_lines(plot, series, many)
    _style_axes(chart, series, w, h)
    if series.diverging_centre is not None:
        _diverging(chart, series)
    return chart


def _style_slices(plot, series: ChartSeries) -> None:
    """A pie's slices in the app's colours, labelled with their percent."""
    for index, point in enumerate(plot.series[0].points):
        point.format.fill.solid()
        point.format.fill.fore_color.rgb = _series_colour(series, index)
    plot.has_data_labels = True
    labels = plot.data_labels
    labels.show_percentage, labels.show_value, labels.show_category_name = True, False, False
    labels.number_format, labels.number_format_is_linked = "0%", False
    set_font(labels.font, 12, colour=WHITE)


def _style_bars_and_lines(plot, series: ChartSeries, many: bool) -> None:
    """Series in the app's colours; bars close together, stacked ones overlapping; a single short series of
    bars labelled with its values."""
    for index, plotted in enumerate(plot.series):
        colour = _series_colour(series, index)
        if series.kind == "line":
            plotted.format.line.color.rgb = colour
            plotted.format.line.width = Pt(2.5)
            plotted.smooth = False
        else:
            plotted.format.fill.solid()
            plotted.format.fill.fore_color.rgb = colour
    if series.kind != "line":
        plot.gap_width = 60
        if series.grouping == "stacked" or series.grouping == "percent":
            plot.overlap = 100
    if not many and series.kind != "line" and len(series.categories) <= LABELLED_BARS:
        plot.has_data_labels = True
        plot.data_labels.number_format = _number_format(series)
        plot.data_labels.number_format_is_linked = False
        plot.data_labels.position = XL_LABEL_POSITION.OUTSIDE_END
        set_font(plot.data_labels.font, 11, colour=INK)


def _style_axes(chart, series: ChartSeries, w, h) -> None:
    """Light gridlines, every category named, and the axes' titles."""
    value_axis, category_axis = chart.value_axis, chart.category_axis
    value_axis.has_major_gridlines = True
    value_axis.major_gridlines.format.line.color.rgb = RGBColor(0xDD, 0xDD, 0xDD)
    value_axis.format.line.fill.background()
    set_font(value_axis.tick_labels.font, 11, colour=GREY)
    # Every category named: the names shrink to the room one row (or column) has, down to 6 pt.
    room = (h if series.kind == "bar" else w) * 0.8 / max(len(series.categories), 1)
    set_font(category_axis.tick_labels.font, max(6, min(12, int(Emu(room).pt * 0.8))), colour=INK)
    if series.kind == "bar":
        _name_every_category(category_axis._element)
    for axis, text in ((value_axis, series.value_title), (category_axis, series.category_title)):
        if text:
            axis.has_title = True
            axis.axis_title.text_frame.text = text
            set_font(axis.axis_title.text_frame.paragraphs[0].runs[0].font, 11, bold=False, colour=GREY)


DIVERGING_LABEL_FORMAT = '[<3]"";0'  # each share as a whole percent; slivers under 3 % unlabelled


def _diverging(chart, series: ChartSeries) -> None:
    """A diverging answer scale (ChartSeries.diverging_centre): the spacer unseen and out of the legend,
    each answer labelled with its share, the value axis fixed so that its middle line is the centre."""
    plot = chart.plots[0]
    spacer, answers = plot.series[0], list(plot.series)[1:]
    spacer.format.fill.background()
    spacer.format.line.fill.background()
    for index, plotted in enumerate(answers, start=1):
        labels = plotted.data_labels
        labels.number_format, labels.number_format_is_linked = DIVERGING_LABEL_FORMAT, False
        labels.position = XL_LABEL_POSITION.CENTER
        labels.show_value = True
        set_font(labels.font, 10, colour=WHITE if _is_dark(_series_colour(series, index)) else INK)
    axis = chart.value_axis
    axis.minimum_scale, axis.maximum_scale = 0, 2 * series.diverging_centre
    axis.major_unit = series.diverging_centre  # gridlines at both ends and at the centre
    axis.major_gridlines.format.line.color.rgb = GREY
    axis.tick_label_position = XL_TICK_LABEL_POSITION.NONE  # positions on a spacer's axis are no shares
    legend = chart.legend._element
    entry = legend.makeelement(qn("c:legendEntry"), {})
    entry.append(entry.makeelement(qn("c:idx"), {"val": "0"}))
    entry.append(entry.makeelement(qn("c:delete"), {"val": "1"}))
    legend.find(qn("c:legendPos")).addnext(entry)


def _is_dark(colour: RGBColor) -> bool:
    red, green, blue = colour
    return 0.299 * red + 0.587 * green + 0.114 * blue < 140


def _name_every_category(axis) -> None:
    """PowerPoint skips category names it thinks crowded; c:tickLblSkip = 1 names each one. The
    element goes where the schema puts it (before tickMarkSkip / noMultiLvlLbl / extLst)."""
    skip = axis.makeelement(qn("c:tickLblSkip"), {"val": "1"})
    successor = next((child for child in axis if child.tag in {qn("c:tickMarkSkip"), qn("c:noMultiLvlLbl"),
                                                               qn("c:extLst")}), None)
    if successor is None:
        axis.append(skip)
    else:
        successor.addprevious(skip)


def _picture(slide, png: bytes, x, y, w, h):
    """A picture fitted into the box, keeping its proportions, centred."""
    with Image.open(io.BytesIO(png)) as image:
        width, height = image.size
    scale = min(w / width, h / height)
    pw, ph = int(width * scale), int(height * scale)
    return slide.shapes.add_picture(io.BytesIO(png), x + (w - pw) // 2, y + (h - ph) // 2, pw, ph)


def add_table(slide, columns: list[str], rows: list[list], x, y, w, h):
    """A PowerPoint table: a green header row, then the rows."""
    shape = slide.shapes.add_table(len(rows) + 1, len(columns), x, y, w, Emu(min(h, Inches(0.45) * (len(rows) + 1))))
    table = shape.table
    lengths = [max([len(str(c))] + [len(str(r[i])) for r in rows]) for i, c in enumerate(columns)]
    weights = [min(max(n, 8), 40) for n in lengths]
    for i, weight in enumerate(weights):
        table.columns[i].width = int(w * weight / sum(weights))
    size = 14 if len(rows) <= 4 else (12 if len(rows) <= 8 else 10)
    for r, values in enumerate([columns] + rows):
        for c, value in enumerate(values):
            cell = table.cell(r, c)
            cell.text = "" if value is None else str(value)
            cell.margin_left = cell.margin_right = Inches(0.08)
            cell.fill.solid()
            cell.fill.fore_color.rgb = GREEN if r == 0 else (LIGHT if r % 2 == 0 else WHITE)
            for paragraph in cell.text_frame.paragraphs:
                for run in paragraph.runs:
                    set_font(run.font, size, r == 0, WHITE if r == 0 else INK)
    return table


# --- slides -----------------------------------------------------------------------------------

BODY_TOP = Inches(1.8)
BODY_BOTTOM = SLIDE_H - Inches(0.95)


class _SlideFigure:
    """Draws one evidence on a slide, in the box left of the bullets (see Evidence.draw)."""

    def __init__(self, slide, width: int, height: int, lang: str):
        self.slide, self.width, self.height, self.lang = slide, width, height, lang

    def error(self, evidence: Evidence) -> None:
        _text_box(self.slide, MARGIN, BODY_TOP, self.width, self.height, [evidence.error], 16, GREY)

    def chart(self, evidence: Evidence) -> None:
        if evidence.series is not None:
            add_native_chart(self.slide, evidence.series, MARGIN, BODY_TOP, self.width, self.height)
        else:
            self._picture(chart_picture(evidence, self.width / 914400, self.height / 914400))

    def table(self, evidence: Evidence) -> None:
        add_table(self.slide, *table_cells(evidence.table, TABLE_ROWS, self.lang), MARGIN, BODY_TOP, self.width,
                  self.height)

    def map(self, evidence: Evidence) -> None:
        self._picture(map_picture(evidence, self.lang))

    def _picture(self, png: bytes) -> None:
        _picture(self.slide, png, MARGIN, BODY_TOP, self.width, self.height)


def _evidence_slide(slide, slide_data: dict, evidence: Evidence, lang: str) -> None:
    bullets = slide_data["bullets"]
    width = SLIDE_W - 2 * MARGIN
    figure_w = int(width * 0.64) if bullets else width
    height = BODY_BOTTOM - BODY_TOP - Inches(0.2 + 0.16 * max(1, len(evidence.sources)))
    evidence.draw(_SlideFigure(slide, figure_w, height, lang))
    if bullets:
        x = MARGIN + figure_w + Inches(0.3)
        text_w = width - figure_w - Inches(0.3)
        _text_box(slide, x, BODY_TOP + Inches(0.2), text_w, height - Inches(0.2), bullets,
                  _bullet_size(bullets, 260), INK, bullet=True, spacing=10)
    lines = evidence.source_lines(lang, short=True)
    _text_box(slide, MARGIN, BODY_BOTTOM - Inches(0.12 + 0.16 * len(lines)), width, Inches(0.16 * len(lines) + 0.1),
              lines, 9, GREY, spacing=0)


def _content_slide(slide, slide_data: dict) -> None:
    bullets, table = slide_data["bullets"], slide_data["table"]
    width = SLIDE_W - 2 * MARGIN
    top = BODY_TOP
    if bullets:
        room = (BODY_BOTTOM - top) if not table else Inches(0.55) * min(len(bullets), 4) + Inches(0.2)
        size = _bullet_size(bullets, 900 if not table else 300)
        _text_box(slide, MARGIN, top, width, room, bullets, size, INK, bullet=True, spacing=12)
        top += room
    if table:
        add_table(slide, table["columns"], table["rows"], MARGIN, top + Inches(0.1), width, BODY_BOTTOM - top)


def deck_pptx(deck: PreparedDeck) -> bytes:
    prs = Presentation()
    prs.slide_width, prs.slide_height = SLIDE_W, SLIDE_H
    _title_slide(prs, deck)
    total = len(deck.slides) + 1
    for number, slide_data in enumerate(deck.slides, start=2):
        slide = prs.slides.add_slide(prs.slide_layouts[6])
        _frame(slide, slide_data["section"], slide_data["title"], deck, number, total)
        evidence = deck.evidence.get(slide_data["evidence"])
        if evidence is not None:
            _evidence_slide(slide, slide_data, evidence, deck.lang)
        else:
            _content_slide(slide, slide_data)
        if slide_data["notes"]:
            slide.notes_slide.notes_text_frame.text = slide_data["notes"]
    buffer = io.BytesIO()
    prs.save(buffer)
    return buffer.getvalue()
