"""Evidence: the one owner of a saved chart, map, table or analysis — what its spec is, which data it
reads, and how it is drawn. No other module switches on an item's kind.

A saved item ({kind, title, note, spec, …}) holds a spec, never a picture: a ChartSpec, MapSpec,
TableSpec or AnalysisSpec (`from_item`), each of which names the datasets it reads (`datasets()`).
`draw_evidence` draws it into an `Evidence` (data, figure, table, map data, source lines), and
`Evidence.draw(drawer)` hands it to the drawer's `chart`, `map`, `table` or `error` method: the page,
PowerPoint, HTML and PDF each bring a drawer, and none of them asks what kind of item it has.

The chart's DataFrame comes from lib.charts.sql.run_chart and is made ready to draw once
(lib.charts.chart_data, kept as `Evidence.chart_data`); the Plotly figure, a native PowerPoint
chart's series and the picture of a PDF page or picture slide (`chart_picture`) are all drawn from
that, so the slide shows exactly the numbers, order and colours the analysis page shows. An analysis
describes its own chart (lib.charts.analysis_chart, kept as `Evidence.analysis_chart`), which its
figure and picture are drawn from in the same way.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable

import pandas as pd

from lib.analysis.area_indicators import analysis_catalog
from lib.analysis.indicators import Indicator, by_label, of_chart
from lib.charts.analysis_chart import AnalysisChart
from lib.charts.analysis_picture import analysis_chart_png
from lib.charts.chart_data import ChartData, chart_data
from lib.charts.chart_picture import chart_data_png
from lib.charts.figure import plotly_figure
from lib.charts.labels import labelled_table
from lib.charts.result_table import TableSpec
from lib.charts.spec import ChartSpec
from lib.charts.sql import run_chart
from lib.deck.analysis_evidence import AnalysisResult, AnalysisSpec
from lib.deck.native_chart import ChartSeries, native_series
from lib.i18n import t
from lib.maps.data import build_map_data
from lib.maps.export import map_png
from lib.maps.spec import MapSpec
from lib.workspace import output_review

# item kind -> the spec it saves (lib.workspace.items.EVIDENCE_KINDS)
SPEC_TYPES = {"chart": ChartSpec, "map": MapSpec, "table": TableSpec, "analysis": AnalysisSpec}
KIND_ICONS = {"chart": ":material/bar_chart:", "map": ":material/map:", "table": ":material/table:",
              "analysis": ":material/query_stats:"}  # Streamlit's own icon font: shows on any PC
KIND_MARKS = {"chart": "📊", "map": "🗺️", "table": "📋", "analysis": "🔎"}  # where icons cannot show (choices)
TABLE_ROWS = 14  # rows of a saved table that fit on a slide or a PDF page; the rest are counted


@dataclass
class Source:
    dataset: str
    source: str
    anonymization: str


@dataclass
class Evidence:
    kind: str  # "chart", "map", "table" or "analysis"
    title: str
    note: str
    spec: dict
    sources: list[Source] = field(default_factory=list)
    frame: pd.DataFrame | None = None  # the chart's data as run_chart returns it
    table: pd.DataFrame | None = None  # the same with Japanese headers
    figure: object | None = None  # plotly Figure
    chart_data: ChartData | None = None  # a saved chart's data, which its figure, series and picture are drawn from
    analysis_chart: AnalysisChart | None = None  # an analysis's chart, which its figure and picture are drawn from
    series: ChartSeries | None = None
    map_data: object | None = None  # lib.maps.data.MapData
    # kind "table" (a pivot, survey or SQL result): `table` holds it
    error: str = ""  # a sentence when the spec cannot be drawn any more
    indicator: Indicator | None = None  # the named indicator it shows, defined in the footnote
    caution: str = ""  # an analysis's warning against a common misreading, printed above the sources
    result_table: bool = False  # `table` is an analysis's result, shown on a page under its figure or map

    @property
    def drawing(self) -> str:
        """What a page or a slide draws: "chart" (the figure), "map" or "table". An analysis draws its
        figure if it has one, else its map, else its table."""
        if self.kind != "analysis":
            return self.kind
        return "chart" if self.figure is not None else "map" if self.map_data is not None else "table"

    def draw(self, drawer):
        """Hand this evidence to the drawer's `error`, `chart`, `map` or `table` method (what it shows)."""
        return getattr(drawer, "error" if self.error else self.drawing)(self)

    def source_lines(self, lang: str = "ja", short: bool = False) -> list[str]:
        """The indicator's definition, then 出典 and 匿名化 of each dataset used; `short` keeps the first
        sentence of each source (slides)."""
        cut = _first_sentence if short else (lambda text: text)
        definition = ([t("indicator.shown", lang, definition=self.indicator.definition(lang))]
                      if self.indicator else [])
        caution = [t("deck.caution_line", lang, caution=self.caution)] if self.caution else []
        return caution + definition + [t("deck.source_line" if s.source else "deck.source_line_no_source", lang,
                               dataset=s.dataset, source=cut(s.source),
                               anonymization=cut(s.anonymization) or t("deck.no_anonymization", lang))
                             for s in self.sources]

    def source_line(self, lang: str = "ja", short: bool = False) -> str:
        return "　".join(self.source_lines(lang, short))


def _first_sentence(text: str) -> str:
    text = str(text or "").strip()
    for stop in ("。", ". "):
        if stop in text:
            return text.split(stop, 1)[0] + stop.strip()
    return text


def _sources(catalog: dict, names: list[str], lang: str) -> list[Source]:
    found = []
    for name in dict.fromkeys(n for n in names if n):
        ds = catalog.get(name)
        if ds is not None:
            found.append(Source(ds.title_in(lang), ds.source_in(lang), ds.anonymization_in(lang)))
    return found


def from_item(kind: str, payload: dict):
    """The spec of a saved item of `kind` ({title, note, spec, …}): a ChartSpec, MapSpec, TableSpec or
    AnalysisSpec. Raises ValueError (or the spec's own error) for another kind or a damaged spec."""
    spec_type = SPEC_TYPES.get(kind)
    if spec_type is None:
        raise ValueError(f"not a kind of evidence: {kind!r}")
    return spec_type.from_dict((payload or {}).get("spec") or {})


def kind_icon(kind: str) -> str:
    return KIND_ICONS.get(kind, KIND_ICONS["table"])


def kind_mark(kind: str) -> str:
    return KIND_MARKS.get(kind, KIND_MARKS["table"])


def spec_datasets(kind: str, spec: dict) -> list[str]:
    """The datasets a saved chart, map, table or analysis draws on, without running it."""
    try:
        return from_item(kind, {"spec": spec}).datasets()
    except Exception:  # noqa: BLE001 - an old or damaged spec uses nothing we can name
        return []


def spec_sources(catalog: dict, kind: str, spec: dict, lang: str = "ja") -> list[Source]:
    """The source lines of the datasets a saved chart, map or table draws on."""
    return _sources(analysis_catalog(catalog), spec_datasets(kind, spec), lang)


def dependants(name: str, saved: list[dict]) -> list[dict]:
    """The saved items ({kind, spec, …}) that draw on dataset `name`."""
    return [item for item in saved if name in spec_datasets(item.get("kind", ""), item.get("spec") or {})]


def source_text(sources: list[Source], lang: str = "ja", short: bool = False) -> str:
    return Evidence("chart", "", "", {}, sources=sources).source_line(lang, short)


@dataclass
class _Drawing:
    cursor: object
    catalog: dict
    lang: str
    payload: dict
    analyse: Callable[[AnalysisSpec], AnalysisResult] | None


def draw_evidence(cursor, catalog: dict, kind: str, payload: dict, lang: str = "ja",
                  analyse: Callable[[AnalysisSpec], AnalysisResult] | None = None) -> Evidence:
    """Draw one saved chart, map, table or analysis from its spec; raises what drawing it raises.
    `analyse` runs an analysis (a page passes its cached runner); a SQL table shows its saved result,
    once approved (its query is never run here)."""
    catalog = analysis_catalog(catalog)  # charts saved from the statistics page use the derived table
    evidence = Evidence(kind=kind, title=str(payload.get("title") or ""), note=str(payload.get("note") or ""),
                        spec=payload.get("spec") or {})
    spec = from_item(kind, payload)
    _DRAW[type(spec)](evidence, spec, _Drawing(cursor, catalog, lang, payload, analyse))
    return evidence


def resolve_evidence(cursor, catalog: dict, kind: str, payload: dict, lang: str = "ja") -> Evidence:
    """Draw one saved item for an export; on failure, an Evidence with `error` set (the deck still exports)."""
    try:
        return draw_evidence(cursor, catalog, kind, payload, lang)
    except Exception:  # noqa: BLE001 - a data change may break an old spec; the deck still exports
        title = str(payload.get("title") or "")
        return Evidence(kind=kind, title=title, note=str(payload.get("note") or ""), spec=payload.get("spec") or {},
                        error=t("deck.evidence_failed", lang, title=title))


def _draw_chart(evidence: Evidence, chart: ChartSpec, at: _Drawing) -> None:
    catalog, lang = at.catalog, at.lang
    evidence.sources = _sources(catalog, chart.datasets(), lang)
    evidence.frame = run_chart(at.cursor, catalog, chart)
    evidence.table = labelled_table(evidence.frame, chart, catalog, lang)
    evidence.chart_data = drawn = chart_data(evidence.frame, chart, catalog, lang)
    evidence.figure = plotly_figure(drawn)
    evidence.title = evidence.title or drawn.title
    evidence.series = native_series(drawn)
    evidence.indicator = of_chart(evidence.spec, catalog)


def _draw_table(evidence: Evidence, table: TableSpec, at: _Drawing) -> None:
    if table.from_sql:  # its saved (checked) result once the instructor approved it
        if output_review.exportable(at.payload):
            evidence.table = output_review.result_frame(at.payload)
        else:
            evidence.error = output_review.placeholder(at.lang)
        return
    evidence.sources = _sources(at.catalog, table.datasets(), at.lang)
    evidence.table = table.draw(at.cursor, at.catalog, at.lang)


def _draw_analysis(evidence: Evidence, analysis: AnalysisSpec, at: _Drawing) -> None:
    result = at.analyse(analysis) if at.analyse else analysis.run(at.cursor, at.catalog, at.lang)
    evidence.sources = _sources(at.catalog, result.datasets or analysis.datasets(), at.lang)
    evidence.table, evidence.figure, evidence.map_data = result.table, result.figure, result.map_data
    evidence.analysis_chart = result.chart
    evidence.series = result.series if result.figure is not None else None
    evidence.caution, evidence.result_table = result.caution, True
    if evidence.map_data is not None:
        evidence.title = evidence.title or evidence.map_data.value_label


def _draw_map(evidence: Evidence, spec: MapSpec, at: _Drawing) -> None:
    evidence.sources = _sources(at.catalog, spec.datasets(), at.lang)
    evidence.map_data = build_map_data(at.cursor, at.catalog, spec, at.lang)
    evidence.title = evidence.title or spec.title or evidence.map_data.value_label
    evidence.indicator = by_label(spec.measure.label) if spec.measure is not None else None


_DRAW = {ChartSpec: _draw_chart, MapSpec: _draw_map, TableSpec: _draw_table, AnalysisSpec: _draw_analysis}


def table_cells(
    frame: pd.DataFrame, max_rows: int | None = None, lang: str = "ja"
) -> tuple[list[str], list[list[str]]]:
    """Headers and rows as text for a slide or a page: thousands separated, no "nan"; at most `max_rows`
    rows (the rest are counted in a last row)."""
    shown = frame.copy()
    for name in shown.columns:
        if shown[name].dtype.kind in "fi":
            shown[name] = shown[name].map(lambda v: "" if pd.isna(v) else f"{v:,.4g}" if isinstance(v, float)
                                          and not float(v).is_integer() else f"{v:,.0f}")
    rows = shown.astype(str).values.tolist()
    if max_rows is not None and len(rows) > max_rows:
        rest = len(rows) - max_rows
        rows = rows[:max_rows] + [[t("deck.more_rows", lang, n=rest)] + [""] * (len(shown.columns) - 1)]
    return [str(c) for c in shown.columns], rows


def chart_picture(evidence: Evidence, width_in: float, height_in: float, dpi: int = 130) -> bytes:
    """The chart as a PNG of exactly this size: a saved chart drawn from its ChartData, an analysis's from
    its own chart."""
    if evidence.chart_data is not None:
        return chart_data_png(evidence.chart_data, width_in, height_in, dpi)
    return analysis_chart_png(evidence.analysis_chart, width_in, height_in, dpi)


def map_picture(evidence: Evidence, lang: str = "ja") -> bytes:
    """The map as a PNG drawn on the server (Japanese font from japanize-matplotlib)."""
    return map_png(evidence.map_data, lang, title=evidence.title, dpi=110)

