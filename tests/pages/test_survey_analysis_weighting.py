"""The survey page's 「人口構成で補正（ウェイト）」 section, and the saved weighted analysis in every export."""
from __future__ import annotations

import io
import json

import pytest
from pptx import Presentation

from lib.data.catalog import load_catalog
from lib.data.query import Filter
from lib.deck import export as deck_export
from lib.deck import model as deck_model
from lib.deck.analyses import weighted_survey
from tests.conftest import app_test
from tests.fixtures.deck import demo_workspace

K = "survey:"


def _weighted_page(items: list[str]):
    at = app_test(timeout=120).run()
    at.switch_page("pages/survey_analysis.py").run()
    at.multiselect(key=K + "items").set_value(items).run()
    at.toggle(key=K + "weighted").set_value(True).run()
    assert not at.exception, at.exception
    return at


def test_the_survey_page_shows_weighted_beside_unweighted_and_saves_it(store):
    at = _weighted_page(["imp_子育て支援", "imp_介護福祉"])
    assert not at.error, [e.value for e in at.error]
    reading = at.success[0].value
    assert reading.startswith("人口構成で補正すると、2 個の回答で割合が誤差の幅を超えて変わります。")
    assert any("なぜ答えたか" in w.value for w in at.warning)
    figure = next(f for f in (json.loads(c.proto.spec) for c in at.get("plotly_chart"))
                  if "補正前と補正後" in f["layout"]["title"]["text"])
    assert [trace["name"] for trace in figure["data"]] == ["補正前（回答者そのまま）", "補正後（人口構成に合わせた）"]
    assert "子育て支援の重要度：重要" in figure["data"][1]["y"]
    captions = " ".join(c.value for c in at.caption)
    assert "18-29 ← 15-19 の 40% + 20-24 + 25-29" in captions and "除いた人 73 人" in captions
    margins = next(f.value for f in at.dataframe if "人口の割合（%）" in f.value.columns)
    assert list(margins["分類"][:2]) == ["18-29・女性", "18-29・男性"]

    at.text_input(key=K + "save_weighted:title").input("子育て支援の重要度（補正後）")
    next(b for b in at.button if b.label == "補正した結果を根拠として保存").click()
    at.run()
    assert not at.exception, at.exception
    saved = [i for i in at.session_state["saved_evidence"] if i["kind"] == "analysis"]
    assert [i["title"] for i in saved] == ["子育て支援の重要度（補正後）"]
    assert saved[0]["spec"]["method"] == "weighted_survey" and saved[0]["note"] == reading


def test_a_filter_that_leaves_few_answers_hides_them_on_the_page(store):
    at = app_test(timeout=120).run()
    at.switch_page("pages/survey_analysis.py").run()
    at.multiselect(key=K + "filter_columns").set_value(["district", "age_band"]).run()
    at.multiselect(key=K + "filter:district").set_value(["丘陵地区"]).run()
    at.multiselect(key=K + "filter:age_band").set_value(["80+"]).run()
    at.multiselect(key=K + "items").set_value(["sat_公共交通"]).run()
    at.toggle(key=K + "weighted").set_value(True).run()
    assert not at.exception, at.exception
    table = next(f.value for f in at.dataframe if "補正後（%）" in f.value.columns)
    counts = table["回答者数（人）"].dropna()
    assert table["回答者数（人）"].isna().any() and ((counts == 0) | (counts >= 10)).all()
    assert any("隠しています" in i.value for i in at.info)


@pytest.mark.parametrize("fmt", ["pptx", "html", "pdf"])
def test_a_saved_weighted_survey_reaches_every_export(store, fmt):
    cursor = store.published()
    try:
        spec = weighted_survey.spec_for(cursor, load_catalog(), "survey", ["imp_子育て支援"],
                                        [Filter("household", "in", ["単身"])])
    finally:
        cursor.close()
    ws = demo_workspace(store)
    group = ws.create_group(ws.courses()[0].course_id, f"補正班 {fmt}", f"WGT-{fmt.upper()}")
    item = ws.create_item(group.group_id, "analysis", {"title": "補正した重要度", "spec": spec}, "tester")
    deck = {"title": "補正", "slides": [{"section": "results", "title": "補正した重要度", "bullets": [],
                                        "evidence": item.item_id}]}
    cursor = store.published()
    try:
        prepared = deck_model.prepare_deck(ws, cursor, load_catalog(), group, deck=deck)
    finally:
        cursor.close()
    evidence = prepared.evidence[item.item_id]
    assert evidence.error == "" and evidence.drawing == "chart"
    assert "なぜ答えたか" in evidence.source_lines()[0]
    assert any("市民意識調査" in line for line in evidence.source_lines())
    assert any("町丁目別・年齢別人口" in line for line in evidence.source_lines())
    data = deck_export.export_deck(prepared, fmt)
    if fmt == "pptx":
        slides = list(Presentation(io.BytesIO(data)).slides)
        assert any(shape.shape_type == 13 for s in slides for shape in s.shapes)  # the figure as a picture
        text = "".join(shape.text_frame.text for s in slides for shape in s.shapes if shape.has_text_frame)
        assert "読むときの注意" in text and "なぜ答えたか" in text
    elif fmt == "html":
        text = data.decode("utf-8")
        assert "Plotly.newPlot" in text and "補正後（人口構成に合わせた）" in text and "なぜ答えたか" in text
    else:
        assert data.startswith(b"%PDF") and len(data) > 10_000


def test_a_warm_rerun_of_the_weighted_section_does_not_rake_again(store, monkeypatch):
    from lib.analysis import survey_weighting

    at = _weighted_page(["imp_防災"])
    raked: list = []
    original = survey_weighting.rake
    monkeypatch.setattr(survey_weighting, "rake", lambda *a, **k: raked.append(a) or original(*a, **k))
    at.run()
    assert not at.exception, at.exception
    assert at.success and raked == []
