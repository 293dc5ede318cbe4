"""Survey 5-level results and word rankings saved as charts: drawn in the workspace, presentation mode and
every export (the Likert chart natively in PowerPoint), with hidden small cells hidden in each drawing."""
from __future__ import annotations

import io
import json

import numpy as np
import pandas as pd
import pytest
from pptx import Presentation
from pptx.enum.chart import XL_CHART_TYPE
from pptx.oxml.ns import qn

from lib.charts import survey
from lib.charts.analysis_picture import draw_analysis_chart
from lib.charts.style import LIKERT_COLOURS, OKABE_ITO
from lib.data.catalog import load_catalog
from lib.data.query import Filter
from lib.deck import export as deck_export
from lib.deck import model as deck_model
from lib.deck.analyses import survey_likert, survey_words
from lib.deck.analysis_evidence import run_analysis
from lib.workspace import course
from tests.conftest import app_test
from tests.fixtures.deck import demo_workspace

SCALE = {1: "不満", 2: "やや不満", 3: "どちらともいえない", 4: "やや満足", 5: "満足"}
FEW = [Filter("district", "in", ["丘陵地区"]), Filter("age_band", "in", ["80+"])]  # few answers: cells hidden


def _shares_with_hidden() -> pd.DataFrame:
    """Two items; item b's levels 1 and 5 hidden (as the small-cell rule leaves them: blank)."""
    rows = [("a", lv, s) for lv, s in zip(SCALE, [10.0, 20.0, 30.0, 25.0, 15.0], strict=True)]
    rows += [("b", lv, s) for lv, s in zip(SCALE, [np.nan, 25.0, 20.0, 45.0, np.nan], strict=True)]
    return pd.DataFrame(rows, columns=["item", "level", "share"]).assign(count=lambda f: f["share"])


def test_the_native_likert_series_centre_the_neutral_answer_and_leave_hidden_shares_out():
    series = survey_likert.likert_series(_shares_with_hidden(), {"a": "設問A", "b": "設問B"}, SCALE, "ja")
    assert series.kind == "bar" and series.grouping == "stacked" and series.top_first
    assert [name for name, _ in series.series] == ["（中央をそろえる余白）", *SCALE.values()]
    assert series.colours[1:] == LIKERT_COLOURS
    assert series.categories == ["設問B", "設問A"]  # best net agreement first, as the app draws it
    values = dict(series.series)
    assert values["不満"] == [None, 10.0] and values["満足"] == [None, 15.0]  # hidden: no value at all
    # The spacer ends where the bar starts: the centre less the shown shares left of it (hidden counted as none,
    # as the app draws them), so the neutral answer's middle is at the centre and no hidden share can be worked out.
    assert values["（中央をそろえる余白）"] == [100 - (25 + 10), 100 - (10 + 20 + 15)]


def test_the_likert_chart_draws_no_bar_for_a_hidden_share():
    chart = survey.diverging_likert_chart(_shares_with_hidden(), {"a": "設問A", "b": "設問B"}, SCALE)
    outer = {s.name: dict(zip(chart.categories, s.values, strict=True))
             for s in chart.series if s.name in ("不満", "満足")}
    assert np.isnan(outer["不満"]["設問B"]) and np.isnan(outer["満足"]["設問B"])
    assert outer["不満"]["設問A"] == -10.0


def _run(store, spec: dict):
    cursor = store.published()
    try:
        return run_analysis(cursor, load_catalog(), spec, "ja")
    finally:
        cursor.close()


def test_a_saved_likert_chart_keeps_the_pages_hidden_cells_hidden(store):
    result = _run(store, survey_likert.spec_for("survey", ["sat_公共交通", "sat_買い物"], FEW))
    shares = result.table["割合（%）"]
    assert shares.isna().any() and result.table.attrs["suppressed_cells"] > 0
    shown = {name: values for name, values in result.series.series}
    hidden = result.table[shares.isna()]
    for _, row in hidden.iterrows():
        category = result.series.categories.index(row["設問"])
        assert shown[row["回答"]][category] is None
    picture = draw_analysis_chart(result.chart)  # the PDF's picture: a hidden share is no bar
    widths = [abs(patch.get_width()) for patch in picture.axes[0].patches]
    assert sum(1 for w in widths if w > 0) == int(shares.notna().sum())


def _prepared(store, spec: dict, title: str, fmt: str):
    ws = demo_workspace(store)
    group = ws.create_group(ws.courses()[0].course_id, f"{title} {fmt}", f"SRV-{fmt.upper()}{len(title)}")
    item = ws.create_item(group.group_id, "analysis", {"title": title, "spec": spec}, "tester")
    deck = {
        "title": "調査",
        "slides": [{"section": "results", "title": title, "bullets": [], "evidence": item.item_id}],
    }
    cursor = store.published()
    try:
        prepared = deck_model.prepare_deck(ws, cursor, load_catalog(), group, deck=deck)
    finally:
        cursor.close()
    evidence = prepared.evidence[item.item_id]
    assert evidence.error == "" and evidence.drawing == "chart"
    return prepared, evidence


def _charts(data: bytes) -> list:
    return [shape.chart for s in Presentation(io.BytesIO(data)).slides for shape in s.shapes if shape.has_chart]


@pytest.mark.parametrize("fmt", ["pptx", "html", "pdf"])
def test_a_saved_likert_chart_reaches_every_export_natively_in_powerpoint(store, fmt):
    spec = survey_likert.spec_for("survey", ["sat_公共交通", "sat_医療", "sat_買い物"], [])
    prepared, evidence = _prepared(store, spec, "満足度の分布", fmt)
    assert any("市民意識調査" in line for line in evidence.source_lines())
    data = deck_export.export_deck(prepared, fmt)
    if fmt == "pptx":
        charts = _charts(data)
        assert len(charts) == 1
        chart = charts[0]
        assert chart.chart_type == XL_CHART_TYPE.BAR_STACKED
        names = [s.name for s in chart.plots[0].series]
        assert names == ["（中央をそろえる余白）", "不満", "やや不満", "どちらともいえない", "やや満足", "満足"]
        fills = [str(s.format.fill.fore_color.rgb) for s in list(chart.plots[0].series)[1:]]
        assert fills == [c.lstrip("#").upper() for c in LIKERT_COLOURS]
        assert chart.plots[0].series[0].format.fill.type == 5  # MSO_FILL.BACKGROUND: the spacer is unseen
        entries = chart.legend._element.findall(qn("c:legendEntry"))  # the spacer is out of the legend
        assert [(e.find(qn("c:idx")).get("val"), e.find(qn("c:delete")).get("val")) for e in entries] == [("0", "1")]
        assert set(chart.plots[0].categories) == {"公共交通の満足度", "医療の満足度", "買い物の便利さの満足度"}
        assert chart.value_axis.minimum_scale == 0 and chart.value_axis.maximum_scale == 200
    elif fmt == "html":
        text = data.decode("utf-8")
        assert "Plotly.newPlot" in text and "どちらともいえない" in text and "公共交通の満足度" in text
    else:
        assert data.startswith(b"%PDF") and len(data) > 10_000


@pytest.mark.parametrize("fmt", ["pptx", "html", "pdf"])
def test_a_saved_word_ranking_reaches_every_export_as_a_bar_chart(store, fmt):
    spec = survey_words.spec_for("survey", "comment", [Filter("district", "in", ["丘陵地区"])], 12)
    prepared, evidence = _prepared(store, spec, "丘陵地区の自由記述", fmt)
    assert "バス" in list(evidence.figure.data[0].y)[:10]
    data = deck_export.export_deck(prepared, fmt)
    if fmt == "pptx":
        chart = _charts(data)[0]
        assert chart.chart_type == XL_CHART_TYPE.BAR_CLUSTERED
        assert len(list(chart.plots[0].categories)) == 12 and "バス" in list(chart.plots[0].categories)
        bottom_up = list(chart.plots[0].categories)  # PowerPoint lists a lying chart's categories from the bottom
        assert bottom_up[::-1] == evidence.analysis_chart.categories
        assert str(chart.plots[0].series[0].format.fill.fore_color.rgb) == OKABE_ITO[0].lstrip("#")
    elif fmt == "html":
        assert "Plotly.newPlot" in data.decode("utf-8") and "バス" in data.decode("utf-8")
    else:
        assert data.startswith(b"%PDF")


def test_the_survey_page_saves_the_likert_chart_and_the_word_ranking_as_charts(store):
    at = app_test(timeout=120).run()
    at.switch_page("pages/survey_analysis.py").run()
    at.multiselect(key="survey:items").set_value(["sat_公共交通", "sat_医療"]).run()
    next(b for b in at.button if b.label == "根拠として保存（グラフ）").click()
    at.run()
    assert not at.exception, at.exception
    buttons = [b for b in at.button if b.label == "根拠として保存（グラフ）"]
    assert len(buttons) == 2  # the Likert tab's and the free-text tab's
    buttons[1].click()
    at.run()
    assert not at.exception, at.exception
    saved = at.session_state["saved_evidence"]
    assert [(i["kind"], i["spec"]["method"]) for i in saved] == [("analysis", "survey_likert"),
                                                                 ("analysis", "survey_words")]
    assert saved[0]["spec"]["items"] == ["sat_公共交通", "sat_医療"] and saved[1]["spec"]["column"] == "comment"
    assert saved[1]["title"] == "市民意識調査 2025：「自由記述」によく出てくる言葉"
    figure = json.loads(at.get("plotly_chart")[1].proto.spec)
    assert figure["data"][0]["orientation"] == "h"
    # Without a group the save is listed nowhere else, and the message says so instead of naming a page.
    messages = [s.value for s in at.success]
    assert messages and all("「グループの作業場所」と「発表資料」には表示されません" in m for m in messages)


def test_a_members_saved_pivot_says_where_it_is_listed_and_is_listed_there(store):
    ws = demo_workspace(store)
    group = ws.create_group(ws.courses()[0].course_id, "集計保存班", "PVT-SAV")
    joined = course.join_group(ws, group.group_id, group.join_code, "集計 太郎", "企画課")
    at = app_test(timeout=120).run()
    at.session_state["member"] = {"group_id": group.group_id, "group_name": group.name, "course_id": group.course_id,
                                  "member_id": joined.member_id, "name": joined.name, "department": joined.department}
    at.switch_page("pages/pivot_table.py").run()
    at.selectbox(key="pivot:dataset").set_value("care_certification").run()
    at.selectbox(key="pivot:rows").set_value("areas.district").run()
    at.selectbox(key="pivot:columns").set_value("care_level").run()
    at.text_input(key="pivot:save:title").input("地区×要介護度")
    next(b for b in at.button if b.label == "根拠として保存（表）").click()
    at.run()
    assert not at.exception, at.exception
    message = at.success[0].value
    assert "「グループの作業場所」の「グラフ・地図」" in message and "「発表資料」" in message
    assert "グラフ作成" not in message
    at.switch_page("pages/workspace.py").run()
    assert not at.exception, at.exception
    assert any("地区×要介護度" in e.label for e in at.expander)
