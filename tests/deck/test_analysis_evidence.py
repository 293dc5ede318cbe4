"""A saved analysis (kind "analysis") is run again from its spec in the workspace, the deck and every export.

The methods themselves are tested with their own modules; here one small method, registered only for this
test, proves the plumbing: figure, table, caution line, source line, and an unknown method that does not
stop the deck."""
from __future__ import annotations

import io
import sys
import types

import pytest
from pptx import Presentation

from lib.charts.analysis_chart import AnalysisChart, AnalysisSeries
from lib.data.catalog import load_catalog
from lib.deck import analysis_evidence
from lib.deck import export as deck_export
from lib.deck import model as deck_model
from lib.deck.analysis_evidence import AnalysisResult
from lib.deck.evidence import spec_datasets
from lib.workspace import course
from tests.conftest import app_test
from tests.fixtures.deck import demo_workspace


def _run(cursor, catalog, spec, lang):
    frame = cursor.execute("SELECT district, COUNT(*) AS n FROM survey GROUP BY district ORDER BY district").df()
    chart = AnalysisChart("bar", frame["district"].tolist(), [AnalysisSeries("", frame["n"].tolist(), "#0072B2")],
                          "回答者数") if spec.get("figure") else None
    return AnalysisResult(frame.rename(columns={"district": "地区", "n": "回答者数"}), reading="丘陵地区が最多です。",
                          caution="回答者数は人口ではありません。", chart=chart, datasets=["survey"])


@pytest.fixture(autouse=True)
def counting_method(monkeypatch):
    module = types.ModuleType("lib.deck.analyses.survey_counts")
    module.run, module.datasets = _run, (lambda spec: ["survey"])
    monkeypatch.setitem(sys.modules, module.__name__, module)
    monkeypatch.setitem(analysis_evidence.METHODS, "survey_counts", "survey_counts")


SPECS = {"figure": {"method": "survey_counts", "figure": True}, "table": {"method": "survey_counts"},
         "unknown": {"method": "no_such_method"}}


@pytest.fixture(scope="module")
def group_with_analyses(store):
    ws = demo_workspace(store)
    group = ws.create_group(ws.courses()[0].course_id, "分析班", "ANL-EEE")
    items = {name: ws.create_item(group.group_id, "analysis", {"title": f"分析：{name}", "spec": spec}, "tester")
             for name, spec in SPECS.items()}
    return ws, group, items


def test_an_analysis_names_its_datasets_without_running():
    assert spec_datasets("analysis", SPECS["table"]) == ["survey"]
    assert spec_datasets("analysis", SPECS["unknown"]) == []


@pytest.mark.parametrize("fmt", ["pptx", "html", "pdf"])
def test_analyses_reach_every_export(store, group_with_analyses, fmt):
    ws, group, items = group_with_analyses
    assert [i.item_id for i in ws.evidence(group.group_id)] == [i.item_id for i in items.values()]
    deck = {"title": "分析", "slides": [{"section": "results", "title": item.payload["title"], "bullets": [],
                                        "evidence": item.item_id} for item in items.values()]}
    cursor = store.published()
    try:
        prepared = deck_model.prepare_deck(ws, cursor, load_catalog(), group, deck=deck)
    finally:
        cursor.close()
    drawn = [prepared.evidence[i.item_id] for i in items.values()]
    assert [e.drawing for e in drawn[:2]] == ["chart", "table"]
    assert drawn[0].error == drawn[1].error == "" and "分析：unknown" in drawn[2].error
    assert drawn[1].source_lines()[0] == "読むときの注意：回答者数は人口ではありません。"
    data = deck_export.export_deck(prepared, fmt)
    if fmt == "pptx":
        slides = list(Presentation(io.BytesIO(data)).slides)
        pictures = [s for s in slides if any(shape.shape_type == 13 for shape in s.shapes)]
        tables = [shape.table for s in slides for shape in s.shapes if shape.has_table]
        assert pictures and any(t.cell(0, 1).text == "回答者数" for t in tables)
        text = "".join(shape.text_frame.text for s in slides for shape in s.shapes if shape.has_text_frame)
        assert "読むときの注意" in text
    elif fmt == "html":
        text = data.decode("utf-8")
        assert text.count('<table class="data">') == 2 and "回答者数は人口ではありません" in text
        assert "Plotly.newPlot" in text
    else:
        assert data.startswith(b"%PDF") and len(data) > 10_000


def test_the_workspace_draws_a_saved_analysis(store, group_with_analyses):
    ws, group, items = group_with_analyses
    member = course.join_group(ws, group.group_id, group.join_code, "分析 花子", "企画課")
    at = app_test(timeout=120).run()
    at.session_state["member"] = {"member_id": member.member_id, "group_id": group.group_id,
                                  "group_name": group.name, "course_id": group.course_id,
                                  "name": "分析 花子", "department": "企画課"}
    at.switch_page("pages/workspace.py").run()
    for name in ("figure", "table", "unknown"):
        at.toggle(key=f"show:{items[name].item_id}").set_value(True).run()
    assert not at.exception, at.exception
    assert any("回答者数" in frame.value.columns for frame in at.dataframe)
    assert any("回答者数は人口ではありません" in w.value for w in at.warning)
    assert at.error and all("Traceback" not in e.value for e in at.error)
