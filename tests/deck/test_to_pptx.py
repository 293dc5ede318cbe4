"""The example group's deck as PowerPoint: slides, native charts with the DataFrame's values, Japanese, notes."""
from __future__ import annotations

import io

import pytest
from pptx import Presentation
from pptx.util import Emu

from lib.charts.spec import ChartSpec, Measure
from lib.charts.sql import run_chart
from lib.data.catalog import load_catalog
from lib.deck.to_pptx import deck_pptx
from lib.workspace import example_group
from tests.fixtures.deck import demo_workspace, example_payloads, prepared_example


@pytest.fixture(scope="module")
def prepared(store):
    return prepared_example(store, demo_workspace(store))


@pytest.fixture(scope="module")
def prs(prepared):
    return Presentation(io.BytesIO(deck_pptx(prepared)))


def _text(slide) -> str:
    return "\n".join(shape.text_frame.text for shape in slide.shapes
                     if shape.has_text_frame and shape.text_frame.text.strip())


def _charts(prs) -> list:
    return [shape.chart for slide in prs.slides for shape in slide.shapes if shape.has_chart]


def test_slide_count_is_title_plus_the_storyline(prs, prepared):
    assert len(prs.slides) == 1 + len(prepared.slides)
    # background, issue, hypotheses, 3 charts + 1 map, evaluation, proposal, impact
    assert len(prepared.slides) == 3 + len(example_group.example_charts()) + len(example_group.example_maps()) + 3
    assert abs(prs.slide_width / prs.slide_height - 16 / 9) < 0.01


def test_title_slide_names_group_members_and_municipality(prs):
    text = _text(prs.slides[0])
    assert "みどり野市" in text and "見本グループ（完成例）" in text
    for name, department in example_group.EXAMPLE_MEMBERS:
        assert name in text and department in text


def test_storyline_headings_are_in_japanese_in_order(prs):
    sections = [_text(s).splitlines()[0] for s in list(prs.slides)[1:]]
    order = ["背景", "課題", "仮説", "分析結果", "評価", "政策提案", "効果・指標"]
    assert [s for s in dict.fromkeys(sections)] == order


def test_native_charts_hold_the_series_values_of_the_specs_dataframe(prs, published):
    catalog = load_catalog()
    charts = _charts(prs)
    assert len(charts) == len(example_group.example_charts())
    for chart, (_title, _note, spec) in zip(charts, example_group.example_charts(), strict=True):
        chart_spec = ChartSpec.from_dict(spec)
        frame = run_chart(published, catalog, chart_spec)
        plot = chart.plots[0]
        categories = [str(c) for c in plot.categories]
        if chart_spec.chart_type == "ranked_bar":
            dim = chart_spec.dimensions[0]
            expected = dict(zip(frame[dim].astype(str), frame["value"], strict=True))
            values = dict(zip(categories, plot.series[0].values, strict=True))
            assert values == pytest.approx(expected)
            # read top-down in PowerPoint (first category at the bottom): the largest is drawn on top
            assert list(plot.series[0].values)[-1] == max(expected.values())
        elif chart_spec.chart_type == "line":
            year, series_dim = chart_spec.dimensions
            assert categories == sorted(frame[year].astype(str).unique())
            assert {s.name for s in plot.series} == set(frame[series_dim])
            for series in plot.series:
                part = frame[frame[series_dim] == series.name].sort_values(year)
                assert list(series.values) == pytest.approx(part["value"].tolist())


def test_chart_types_are_editable_powerpoint_charts(prs):
    from pptx.enum.chart import XL_CHART_TYPE

    kinds = [chart.chart_type for chart in _charts(prs)]
    assert kinds == [XL_CHART_TYPE.BAR_CLUSTERED, XL_CHART_TYPE.LINE_MARKERS, XL_CHART_TYPE.BAR_CLUSTERED]


def test_map_is_a_picture_and_tables_are_powerpoint_tables(prs, store):
    pictures = [shape for slide in prs.slides for shape in slide.shapes if shape.shape_type == 13]
    assert len(pictures) == len(example_group.example_maps())
    assert pictures[0].width > Emu(914400 * 4)
    tables = [shape.table for slide in prs.slides for shape in slide.shapes if shape.has_table]
    assert len(tables) == 2  # evaluation (hypothesis × verdict) and the KPIs
    assert tables[0].cell(0, 0).text == "仮説" and tables[0].cell(1, 1).text == "支持"
    first_kpi = example_payloads(demo_workspace(store), "logic_model")[0]["kpis"][0]
    assert tables[1].cell(1, 0).text == first_kpi["indicator"]


def test_each_evidence_slide_names_source_and_anonymization(prs, prepared):
    for slide, data in zip(list(prs.slides)[1:], prepared.slides, strict=True):
        if data["evidence"]:
            text = _text(slide)
            assert "出典：" in text and "匿名化：" in text


def test_speaker_notes_are_in_the_notes_pane(prs, prepared):
    noted = [(slide, data) for slide, data in zip(list(prs.slides)[1:], prepared.slides, strict=True) if data["notes"]]
    assert noted
    for slide, data in noted:
        assert slide.notes_slide.notes_text_frame.text == data["notes"]


def test_runs_carry_a_japanese_east_asian_font(prs):
    runs = [run for shape in prs.slides[1].shapes if shape.has_text_frame
            for p in shape.text_frame.paragraphs for run in p.runs]
    assert runs
    for run in runs:
        ea = run.font._rPr.find("{http://schemas.openxmlformats.org/drawingml/2006/main}ea")
        assert ea is not None and ea.get("typeface") == "Meiryo"


def test_a_broken_spec_still_exports_with_a_sentence(store):
    ws = demo_workspace(store)
    cursor = store.published()
    try:
        from lib.deck.evidence import resolve_evidence

        broken = resolve_evidence(cursor, load_catalog(), "chart",
                                  {"title": "古いグラフ", "spec": {"dataset": "no_such_table"}})
    finally:
        cursor.close()
    assert "古いグラフ" in broken.error and "作り直して" in broken.error
    prepared = prepared_example(store, ws)
    first = next(s for s in prepared.slides if s["evidence"])
    prepared.evidence[first["evidence"]] = broken
    text = "\n".join(_text(s) for s in Presentation(io.BytesIO(deck_pptx(prepared))).slides)
    assert broken.error in text


MORE_CHARTS = {
    "pie": ChartSpec(dataset="survey", dimensions=["district"], chart_type="pie"),
    "stacked": ChartSpec(dataset="population", measure=Measure(
        kind="sum", column="population"), dimensions=["areas.district", "sex"], chart_type="bar",
        options={"bar_mode": "stacked"}),
    "pyramid": ChartSpec(dataset="population", measure=Measure(
        kind="sum", column="population"), dimensions=["age_band", "sex"], chart_type="pyramid"),
    "histogram": ChartSpec(dataset="population", measure=Measure("sum", "population"), chart_type="histogram"),
}


@pytest.fixture(scope="module")
def more(store):
    from lib.deck.evidence import resolve_evidence
    from lib.deck.model import DeckContext, PreparedDeck

    catalog = load_catalog()
    cursor = store.published()
    try:
        evidence = {name: resolve_evidence(cursor, catalog, "chart", {"title": name, "spec": spec.to_dict()})
                    for name, spec in MORE_CHARTS.items()}
    finally:
        cursor.close()
    slides = [{"id": name, "section": "results", "title": name, "bullets": [], "evidence": name, "table": None,
               "notes": ""} for name in MORE_CHARTS]
    deck = PreparedDeck("テスト", slides, DeckContext("A班", "みどり野市", "研修", ["試験 太郎（企画課）"]), evidence)
    return evidence, Presentation(io.BytesIO(deck_pptx(deck)))


def test_pie_and_stacked_bars_are_native_with_the_dataframes_values(more, published):
    from pptx.enum.chart import XL_CHART_TYPE

    evidence, prs = more
    assert not any(e.error for e in evidence.values()), [e.error for e in evidence.values()]
    charts = _charts(prs)
    pie, stacked = charts[0], charts[1]
    assert pie.chart_type == XL_CHART_TYPE.PIE
    frame = evidence["pie"].frame
    values = dict(zip([str(c) for c in pie.plots[0].categories], pie.plots[0].series[0].values, strict=True))
    assert values == pytest.approx(dict(zip(frame["district"].astype(str), frame["value"], strict=True)))
    assert stacked.chart_type == XL_CHART_TYPE.COLUMN_STACKED
    frame = evidence["stacked"].frame
    for series in stacked.plots[0].series:
        part = frame[frame["sex"] == series.name].set_index("areas.district")["value"]
        got = dict(zip([str(c) for c in stacked.plots[0].categories], series.values, strict=True))
        assert got == pytest.approx(part.to_dict())


def test_other_chart_types_become_pictures(more):
    _evidence, prs = more
    assert len(_charts(prs)) == 2
    slides = list(prs.slides)[1:]
    for slide in slides[2:]:  # pyramid, histogram
        pictures = [s for s in slide.shapes if s.shape_type == 13]
        assert len(pictures) == 1 and pictures[0].width > Emu(914400 * 5)


def test_46_areas_lie_down_in_powerpoint_each_named_without_crowded_value_labels(store):
    from pptx.enum.chart import XL_CHART_TYPE
    from pptx.oxml.ns import qn

    from lib.deck.evidence import resolve_evidence
    from lib.deck.model import DeckContext, PreparedDeck

    spec = ChartSpec("care_certification", Measure("count"), ["area_code"], chart_type="bar")
    cursor = store.published()
    try:
        evidence = {
            "areas": resolve_evidence(cursor, load_catalog(), "chart", {"title": "町丁目別", "spec": spec.to_dict()})
        }
    finally:
        cursor.close()
    slide = {
        "id": "areas",
        "section": "results",
        "title": "町丁目別",
        "bullets": ["多い町丁目がある"],
        "evidence": "areas",
        "table": None,
        "notes": "",
    }
    deck = PreparedDeck("テスト", [slide], DeckContext("A班", "みどり野市", "研修", []), evidence)
    chart = _charts(Presentation(io.BytesIO(deck_pptx(deck))))[0]
    assert chart.chart_type == XL_CHART_TYPE.BAR_CLUSTERED
    names = [str(c) for c in chart.plots[0].categories]
    assert len(names) == 46 and not chart.plots[0].has_data_labels
    axis = chart.category_axis._element
    assert axis.find(qn("c:tickLblSkip")).get("val") == "1"
    order = [child.tag for child in axis]
    assert order.index(qn("c:tickLblSkip")) < order.index(qn("c:noMultiLvlLbl"))  # where the schema puts it
    assert chart.category_axis.tick_labels.font.size.pt >= 6
    assert chart.value_axis.axis_title.text_frame.text.startswith("認定者数")


@pytest.mark.parametrize("spec", [
    # seven care levels: the series past Okabe-Ito's fourth colour are where the copies used to differ
    ChartSpec("care_certification", Measure("count"), ["areas.district", "care_level"], chart_type="bar",
              options={"bar_mode": "stacked"}),
    # a 5-point answer scale: the app's diverging colours, not the palette
    ChartSpec("survey", Measure("count"), ["district", "sat_公共交通"], chart_type="bar",
              options={"bar_mode": "stacked"}),
    ChartSpec("survey", Measure("count"), ["district"], chart_type="pie"),
], ids=["seven-series", "likert", "pie"])
def test_native_chart_colours_are_the_apps(store, spec):
    from lib.charts.style import hex_colour
    from lib.deck.evidence import resolve_evidence
    from lib.deck.model import DeckContext, PreparedDeck

    cursor = store.published()
    try:
        evidence = resolve_evidence(cursor, load_catalog(), "chart", {"title": "色", "spec": spec.to_dict()})
    finally:
        cursor.close()
    assert not evidence.error and evidence.series is not None
    slide = {"id": "c", "section": "results", "title": "色", "bullets": [], "evidence": "c", "table": None, "notes": ""}
    deck = PreparedDeck("テスト", [slide], DeckContext("A班", "みどり野市", "研修", []), {"c": evidence})
    plot = _charts(Presentation(io.BytesIO(deck_pptx(deck))))[0].plots[0]
    if spec.chart_type == "pie":
        drawn = [hex_colour(c) for c in evidence.figure.data[0].marker.colors]
        filled = [str(point.format.fill.fore_color.rgb) for point in plot.series[0].points]
    else:
        drawn = [hex_colour(trace.marker.color) for trace in evidence.figure.data]
        filled = [str(series.format.fill.fore_color.rgb) for series in plot.series]
    assert len(filled) == len(drawn) >= 3
    assert filled == drawn


def test_native_series_take_the_apps_palette_in_order(store):
    """Seven care levels as seven PowerPoint series: each filled with the palette's colour of its place,
    and the app's figure draws the same (a copy of Okabe-Ito once had colours 5 and 6 swapped)."""
    from lib.charts.style import PALETTE, hex_colour
    from lib.deck.evidence import resolve_evidence
    from lib.deck.model import DeckContext, PreparedDeck

    spec = ChartSpec("care_certification", Measure("count"), ["areas.district", "care_level"], chart_type="bar",
                     options={"bar_mode": "stacked"})
    cursor = store.published()
    try:
        evidence = resolve_evidence(cursor, load_catalog(), "chart", {"title": "色", "spec": spec.to_dict()})
    finally:
        cursor.close()
    slide = {"id": "c", "section": "results", "title": "色", "bullets": [], "evidence": "c", "table": None, "notes": ""}
    deck = PreparedDeck("テスト", [slide], DeckContext("A班", "みどり野市", "研修", []), {"c": evidence})
    plot = _charts(Presentation(io.BytesIO(deck_pptx(deck))))[0].plots[0]
    filled = [str(series.format.fill.fore_color.rgb) for series in plot.series]
    assert len(filled) >= 6
    assert filled == [hex_colour(c) for c in PALETTE[:len(filled)]]
    assert [trace.marker.color for trace in evidence.figure.data] == PALETTE[:len(filled)]
    assert [series.name for series in plot.series] == [trace.name for trace in evidence.figure.data]
