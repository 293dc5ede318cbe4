"""The deck as one self-contained HTML report that opens offline in any browser.

Plotly charts are inline (plotly.js embedded once, at the first chart); Leaflet
maps are inline too, each as a complete offline map page (lib.maps.offline) in an
iframe's srcdoc. Nothing in the file refers to a network address.
"""
from __future__ import annotations

import html

import plotly.io as pio

from lib.deck.evidence import Evidence, table_cells
from lib.deck.model import PreparedDeck, section_label
from lib.i18n import date_text, t
from lib.maps.offline import standalone_html
from lib.maps.render import render_map


def map_page(evidence: Evidence, lang: str = "ja") -> str:
    """The map as one self-contained offline HTML document."""
    return standalone_html(render_map(evidence.map_data, lang, tiles_url=""))


STYLE = """
:root { --green: #0b6e4f; --light: #e8f3ee; --ink: #222b28; --grey: #66706b; }
* { box-sizing: border-box; }
body { margin: 0; font-family: "Meiryo", "Yu Gothic", "Hiragino Sans", "IPAexGothic", "IPAGothic", sans-serif;
       color: var(--ink); background: #f4f6f5; line-height: 1.7; }
header { background: var(--green); color: white; padding: 40px 8vw 32px; }
header .course { opacity: .85; margin: 0; }
header h1 { font-size: 2rem; margin: .4em 0 .6em; line-height: 1.4; }
header .who { margin: 0; }
main { max-width: 1180px; margin: 0 auto; padding: 24px 4vw 48px; }
nav.contents { background: white; border-radius: 8px; padding: 12px 24px; margin-bottom: 24px; }
nav.contents ol { columns: 2; margin: 0; }
nav.contents a { color: var(--green); text-decoration: none; }
section.slide { background: white; border-radius: 8px; padding: 24px 32px; margin-bottom: 24px;
                border-left: 8px solid var(--green); box-shadow: 0 1px 3px rgba(0,0,0,.08); }
section.slide .step { color: var(--green); font-weight: bold; margin: 0; }
section.slide h2 { margin: .2em 0 .6em; font-size: 1.5rem;
                   border-bottom: 2px solid var(--green); padding-bottom: .3em; }
section.slide ul { font-size: 1.1rem; }
.chart { width: 100%; min-height: 420px; }
iframe.map { width: 100%; height: 560px; border: 1px solid #ccc; border-radius: 4px; }
table.data { border-collapse: collapse; width: 100%; margin: 12px 0; font-size: .95rem; }
table.data th { background: var(--green); color: white; text-align: left; padding: 6px 10px; }
table.data td { border-bottom: 1px solid #dde5e1; padding: 6px 10px; vertical-align: top; }
table.data tr:nth-child(even) td { background: var(--light); }
.source { color: var(--grey); font-size: .85rem; margin-top: 8px; }
.error { color: #a33; }
details { margin-top: 10px; }
details summary { cursor: pointer; color: var(--green); }
footer { text-align: center; color: var(--grey); font-size: .85rem; padding: 16px; }
@media print { section.slide { page-break-inside: avoid; } nav.contents { display: none; } }
"""


def _e(text) -> str:
    return html.escape(str(text if text is not None else ""))


def _table(columns: list[str], rows: list[list]) -> str:
    head = "".join(f"<th>{_e(c)}</th>" for c in columns)
    body = "".join("<tr>" + "".join(f"<td>{_e(v)}</td>" for v in row) + "</tr>" for row in rows)
    return f'<table class="data"><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>'


class _PlotlyOnce:
    """plotly.js goes into the file once, with the first chart."""

    def __init__(self):
        self.included = False

    def chart(self, figure, div_id: str) -> str:
        markup = pio.to_html(figure, full_html=False, include_plotlyjs=not self.included, div_id=div_id,
                             config={"displaylogo": False, "responsive": True}, default_width="100%")
        self.included = True
        return f'<div class="chart">{markup}</div>'


class _HtmlFigure:
    """The markup of one evidence in the report (see Evidence.draw); a chart or map has its data below it."""

    def __init__(self, index: int, plotly: _PlotlyOnce, lang: str):
        self.index, self.plotly, self.lang = index, plotly, lang

    def error(self, evidence: Evidence) -> str:
        return f'<p class="error">{_e(evidence.error)}</p>'

    def table(self, evidence: Evidence) -> str:
        return _table(*table_cells(evidence.table)) + self._sources(evidence)

    def chart(self, evidence: Evidence) -> str:
        return self.plotly.chart(evidence.figure, f"chart-{self.index}") + self._data(evidence)

    def map(self, evidence: Evidence) -> str:
        # Scripts run in the map, but in an opaque origin: they cannot reach the report around it.
        frame = (f'<iframe class="map" sandbox="allow-scripts" title="{_e(evidence.title)}" '
                 f'srcdoc="{_e(map_page(evidence, self.lang))}"></iframe>')
        notes = "".join(f'<p class="source">{_e(note)}</p>' for note in evidence.map_data.notes)
        return frame + notes + self._data(evidence)

    def _data(self, evidence: Evidence) -> str:
        table = "" if evidence.table is None else (f"<details><summary>{_e(t('deck.data_table', self.lang))}</summary>"
                                                   f"{_table(*table_cells(evidence.table))}</details>")
        return table + self._sources(evidence)

    def _sources(self, evidence: Evidence) -> str:
        return '<p class="source">' + "<br>".join(_e(line) for line in evidence.source_lines(self.lang)) + "</p>"


def deck_html(deck: PreparedDeck) -> bytes:
    lang, ctx = deck.lang, deck.context
    plotly = _PlotlyOnce()
    contents = "".join(f'<li><a href="#slide-{i}">{_e(s["title"])}</a></li>' for i, s in enumerate(deck.slides, 1))
    sections = []
    for index, slide in enumerate(deck.slides, start=1):
        label = section_label(slide["section"], lang)
        body = [f'<p class="step">{_e(label)}</p>' if label != slide["title"] else "", f'<h2>{_e(slide["title"])}</h2>']
        if slide["bullets"]:
            body.append("<ul>" + "".join(f"<li>{_e(b)}</li>" for b in slide["bullets"]) + "</ul>")
        evidence = deck.evidence.get(slide["evidence"])
        if evidence is not None:
            body.append(evidence.draw(_HtmlFigure(index, plotly, lang)))
        if slide["table"]:
            body.append(_table(slide["table"]["columns"], slide["table"]["rows"]))
        if slide["notes"]:
            body.append(f"<details><summary>{_e(t('deck.notes_heading', lang))}</summary><p>{_e(slide['notes'])}</p>"
                        "</details>")
        sections.append(f'<section class="slide" id="slide-{index}">{"".join(body)}</section>')
    page = f"""<!DOCTYPE html>
<html lang="{lang}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>{_e(deck.title)}｜{_e(ctx.group_name)}</title><style>{STYLE}</style></head>
<body><header><p class="course">{_e(ctx.course_name)}</p><h1>{_e(deck.title)}</h1>
<p class="who"><strong>{_e(ctx.municipality)}　{_e(ctx.group_name)}</strong></p>
<p class="who">{_e(t('deck.members', lang))}：{_e('、'.join(ctx.members))}</p>
<p class="who">{_e(t('deck.made_on', lang, date=date_text(ctx.made_on, lang)))}</p></header>
<main><nav class="contents"><strong>{_e(t('deck.contents', lang))}</strong><ol>{contents}</ol></nav>
{''.join(sections)}</main><footer>{_e(t('deck.report_footer', lang))}</footer></body></html>"""
    return page.encode("utf-8")
