"""The deck as a PDF with Japanese text (reportlab), one landscape page per slide.

Text is real text in the IPAexGothic font that japanize-matplotlib ships (embedded,
so the PDF can be searched and copied); charts are drawn with matplotlib (a saved chart from
its ChartData, an analysis from its figure: lib.deck.evidence.chart_picture) and maps on the
server (lib.maps.export).
"""
from __future__ import annotations

import io
from functools import lru_cache
from xml.sax.saxutils import escape

from PIL import Image as PILImage
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.platypus import (
    Image,
    ListFlowable,
    ListItem,
    PageBreak,
    Paragraph,
    SimpleDocTemplate,
    Spacer,
    Table,
    TableStyle,
)
from reportlab.platypus.flowables import HRFlowable

from lib.deck.evidence import TABLE_ROWS, Evidence, chart_picture, map_picture, table_cells
from lib.deck.model import PreparedDeck, section_label
from lib.fonts import FONT_FILE
from lib.i18n import date_text, t

FONT = "IPAexGothic"
PAGE = landscape(A4)
MARGIN = 14 * mm
GREEN = colors.HexColor("#0b6e4f")
LIGHT = colors.HexColor("#e8f3ee")
INK = colors.HexColor("#222b28")
GREY = colors.HexColor("#66706b")
BODY_W = PAGE[0] - 2 * MARGIN
BODY_H = PAGE[1] - 2 * MARGIN - 30 * mm  # below the heading, above the footer


@lru_cache(maxsize=1)
def _register_font() -> str:
    pdfmetrics.registerFont(TTFont(FONT, str(FONT_FILE)))
    return FONT


@lru_cache(maxsize=1)
def _font_characters() -> frozenset[int]:
    _register_font()
    return frozenset(pdfmetrics.getFont(FONT).face.charToGlyph)


def printable(text: str) -> str:
    """The text without the characters the PDF font cannot draw (emoji would print as ⊠)."""
    known = _font_characters()
    return "".join(ch for ch in text if ord(ch) in known or ch in "\n\t")


def _styles() -> dict[str, ParagraphStyle]:
    font = _register_font()
    base = ParagraphStyle("base", fontName=font, fontSize=12, leading=18, textColor=INK, wordWrap="CJK")
    return {
        "base": base,
        "step": ParagraphStyle("step", parent=base, fontSize=11, textColor=GREEN),
        "h1": ParagraphStyle("h1", parent=base, fontSize=26, leading=36, textColor=colors.white),
        "course": ParagraphStyle("course", parent=base, fontSize=13, textColor=colors.white),
        "h2": ParagraphStyle("h2", parent=base, fontSize=20, leading=28, spaceAfter=4),
        "who": ParagraphStyle("who", parent=base, fontSize=14, leading=22),
        "bullet": ParagraphStyle("bullet", parent=base, fontSize=15, leading=24, spaceAfter=8),
        "bullet_large": ParagraphStyle("bullet_large", parent=base, fontSize=18, leading=29, spaceAfter=12),
        "cell": ParagraphStyle("cell", parent=base, fontSize=10, leading=14),
        "head": ParagraphStyle("head", parent=base, fontSize=10, leading=14, textColor=colors.white),
        "source": ParagraphStyle("source", parent=base, fontSize=8, leading=11, textColor=GREY),
    }


def _p(text, style) -> Paragraph:
    return Paragraph(escape(printable(str(text if text is not None else ""))).replace("\n", "<br/>"), style)


def _bullets(items: list[str], style) -> ListFlowable:
    return ListFlowable([ListItem(_p(b, style), leftIndent=12, value="•") for b in items], bulletType="bullet",
                        start="•", leftIndent=14, bulletFontName=FONT, bulletColor=GREEN)


def _table(columns: list[str], rows: list[list], styles: dict, width: float) -> Table:
    lengths = [max([len(str(c))] + [len(str(r[i])) for r in rows]) for i, c in enumerate(columns)]
    weights = [min(max(n, 6), 40) for n in lengths]
    widths = [width * w / sum(weights) for w in weights]
    data = [[_p(c, styles["head"]) for c in columns]] + [[_p(v, styles["cell"]) for v in row] for row in rows]
    table = Table(data, colWidths=widths, repeatRows=1)
    table.setStyle(TableStyle([
        ("BACKGROUND", (0, 0), (-1, 0), GREEN), ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("ROWBACKGROUNDS", (0, 1), (-1, -1), [colors.white, LIGHT]),
        ("LINEBELOW", (0, 1), (-1, -1), 0.3, colors.HexColor("#cfdcd6")),
        ("TOPPADDING", (0, 0), (-1, -1), 4), ("BOTTOMPADDING", (0, 0), (-1, -1), 4),
    ]))
    return table


def _image(png: bytes, max_w: float, max_h: float) -> Image:
    with PILImage.open(io.BytesIO(png)) as picture:
        width, height = picture.size
    scale = min(max_w / width, max_h / height)
    return Image(io.BytesIO(png), width=width * scale, height=height * scale)


class _PageFigure:
    """The flowable of one evidence on a page (see Evidence.draw)."""

    def __init__(self, width: float, height: float, styles: dict, lang: str):
        self.width, self.height, self.styles, self.lang = width, height, styles, lang

    def error(self, evidence: Evidence):
        return _p(evidence.error, self.styles["base"])

    def chart(self, evidence: Evidence):
        return _image(chart_picture(evidence, self.width / 72, self.height / 72, dpi=150), self.width, self.height)

    def table(self, evidence: Evidence):
        return _table(*table_cells(evidence.table, TABLE_ROWS, self.lang), self.styles, self.width)

    def map(self, evidence: Evidence):
        return _image(map_picture(evidence, self.lang), self.width, self.height)


def _evidence_flowables(evidence: Evidence, bullets: list[str], styles: dict, lang: str) -> list:
    picture_w = BODY_W * (0.64 if bullets else 1.0)
    picture_h = BODY_H - 22 * mm
    figure = evidence.draw(_PageFigure(picture_w, picture_h, styles, lang))
    if bullets:
        body = Table([[figure, _bullets(bullets, styles["bullet"])]],
                     colWidths=[picture_w, BODY_W - picture_w])
        body.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP"), ("LEFTPADDING", (1, 0), (1, 0), 10)]))
    else:
        body = figure
    return [body, Spacer(1, 4 * mm), _p("\n".join(evidence.source_lines(lang, short=True)), styles["source"])]


def _title_page(deck: PreparedDeck, styles: dict) -> list:
    ctx = deck.context
    banner = Table([[_p(ctx.course_name, styles["course"])], [_p(deck.title, styles["h1"])]], colWidths=[BODY_W])
    banner.setStyle(TableStyle([("BACKGROUND", (0, 0), (-1, -1), GREEN), ("LEFTPADDING", (0, 0), (-1, -1), 18),
                                ("TOPPADDING", (0, 0), (-1, 0), 18), ("BOTTOMPADDING", (0, -1), (-1, -1), 28)]))
    return [
        Spacer(1, 20 * mm),
        banner,
        Spacer(1, 12 * mm),
        _p(f"{ctx.municipality}　{ctx.group_name}", ParagraphStyle("g", parent=styles["who"], fontSize=18, leading=26)),
        _p(f"{t('deck.members', deck.lang)}：" + "、".join(ctx.members), styles["who"]),
        Spacer(1, 6 * mm),
        _p(t("deck.made_on", deck.lang, date=date_text(ctx.made_on, deck.lang)), styles["source"]),
    ]


def deck_pdf(deck: PreparedDeck) -> bytes:
    styles = _styles()
    lang, ctx = deck.lang, deck.context
    story = _title_page(deck, styles)
    for slide in deck.slides:
        label = section_label(slide["section"], lang)
        story += [
            PageBreak(),
            _p(label if label != slide["title"] else "", styles["step"]),
            _p(slide["title"], styles["h2"]),
            HRFlowable(width="100%", thickness=1.2, color=GREEN, spaceBefore=2, spaceAfter=8),
        ]
        evidence = deck.evidence.get(slide["evidence"])
        if evidence is not None:
            story += _evidence_flowables(evidence, slide["bullets"], styles, lang)
        else:
            if slide["bullets"]:
                story.append(_bullets(slide["bullets"], styles["bullet" if slide["table"] else "bullet_large"]))
            if slide["table"]:
                story += [Spacer(1, 5 * mm), _table(slide["table"]["columns"], slide["table"]["rows"], styles, BODY_W)]
    total = len(deck.slides) + 1

    def decorate(canvas, document) -> None:
        canvas.saveState()
        canvas.setFillColor(GREEN)
        canvas.rect(0, 0, 5 * mm, PAGE[1], stroke=0, fill=1)
        canvas.setFont(FONT, 8)
        canvas.setFillColor(GREY)
        canvas.drawString(MARGIN, 8 * mm, printable(f"{ctx.municipality}　{ctx.group_name}"))
        canvas.drawRightString(PAGE[0] - MARGIN, 8 * mm, t("deck.page", lang, n=document.page, total=total))
        canvas.restoreState()

    buffer = io.BytesIO()
    document = SimpleDocTemplate(buffer, pagesize=PAGE, leftMargin=MARGIN, rightMargin=MARGIN, topMargin=MARGIN,
                                 bottomMargin=MARGIN, title=deck.title, author=ctx.group_name,
                                 subject=ctx.course_name)
    document.build(story, onFirstPage=decorate, onLaterPages=decorate)
    return buffer.getvalue()
