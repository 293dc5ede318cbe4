"""Multiple regression, hot spots and similar areas on the demo city: pages (AppTest), the planted
relationships they recover, and saved analyses drawn in every export."""
from __future__ import annotations

import io
import json

import pytest
from pptx import Presentation

from lib.analysis.area_indicators import analysis_catalog
from lib.data.catalog import load_catalog
from lib.deck import export as deck_export
from lib.deck import model as deck_model
from lib.deck.analysis_evidence import run_analysis
from tests.conftest import app_test
from tests.fixtures.deck import demo_workspace

REGRESSION = {"method": "multiple_regression", "dataset": "area_indicators", "y": "care_ratio_age_adjusted",
              "x": ["kayoi_nearest_km", "ageing_rate", "kayoi_participants_per_100"]}
SPECS = {
    "effects": REGRESSION,
    "residual_map": {**REGRESSION, "view": "residual_map"},
    "hot_spots": {"method": "hot_spots", "column": "ageing_rate"},
    "similar_areas": {"method": "similar_areas", "columns": ["ageing_rate", "care_rate_65plus", "kayoi_nearest_km",
                                                             "kayoi_participants_per_100"]},
}


def _run(published, name: str):
    return run_analysis(published, analysis_catalog(), SPECS[name], "ja")


def test_regression_recovers_the_planted_distance_effect_with_ageing_held_equal(published):
    # Planted (tests/planted_relationships.yaml, care_rate_vs_kayoi_distance): the farther from a 通いの場,
    # the higher the age-adjusted certification ratio. Found: +30 points per km, p < 0.001.
    result = _run(published, "effects")
    assert result.reading.startswith("ほかの条件が同じなら、「最寄りの通いの場までの距離」が 1 上がると")
    table = result.table.set_index("変数")
    distance = table.loc["最寄りの通いの場までの距離"]
    assert 20 < distance["係数（x が 1 上がると y が変わる量）"] < 40 and distance["p 値"] < 0.001
    assert distance["95% の範囲（下）"] > 0
    assert result.figure is not None and "生態学的誤謬" in result.caution
    residuals = _run(published, "residual_map")
    assert residuals.map_data is not None and residuals.figure is None
    assert residuals.map_data.units["value"].notna().sum() == 46


def test_hot_spots_find_the_ageing_clusters_of_the_hillside_estate(published):
    result = _run(published, "hot_spots")
    assert "モランの I = 0.6" in result.reading and "p = 0.001" in result.reading
    clusters = dict(zip(result.table["町丁目"], result.table["かたまりの種類"], strict=True))
    assert clusters["桜ヶ丘三丁目"] == "高-高（高い値のかたまり）"  # 丘陵住宅団地: the oldest areas, side by side
    assert result.map_data.classification.categorical


def test_similar_areas_set_the_rural_areas_apart(published):
    result = _run(published, "similar_areas")
    rural = result.table[result.table["特徴"].str.contains("「最寄りの通いの場までの距離」が高く")]
    assert len(rural) == 1 and rural["町丁目の数"].iloc[0] >= 5


def test_areas_with_few_persons_are_left_out_and_greyed():
    import pandas as pd

    from lib.analysis.area_indicators import few_persons

    frame = pd.DataFrame({"population": [500, 8, 400, 0], "care_certified_65plus": [30, 1, 4, 0]})
    assert list(few_persons(frame, ["ageing_rate"])) == [False, True, False, True]
    assert list(few_persons(frame, ["care_rate_65plus"])) == [False, True, True, True]


def _open(page: str):
    at = app_test(timeout=120).run()
    at.switch_page(page).run()
    assert not at.exception, at.exception
    return at


def test_statistics_page_fits_a_multiple_regression_and_saves_it(store):
    at = _open("pages/statistics.py")
    at.radio(key="stat:test").set_value("mreg").run()
    at.selectbox(key="stat:mreg_y").set_value("care_rate_65plus").run()
    at.multiselect(key="stat:mreg_x").set_value(["kayoi_nearest_km", "ageing_rate"]).run()
    assert not at.exception, at.exception
    assert any(s.value.startswith("ほかの条件が同じなら") for s in at.success)
    assert json.loads(at.get("plotly_chart")[0].proto.spec)["data"][0]["orientation"] == "h"
    at.radio(key="stat:mreg_view").set_value("residual_map").run()
    assert not at.exception, at.exception
    at.button[-1].click().run()
    assert not at.exception, at.exception
    saved = [i for i in at.session_state["saved_evidence"] if i["kind"] == "analysis"]
    assert saved and saved[-1]["spec"]["method"] == "multiple_regression"


def test_area_patterns_page_shows_hot_spots_and_similar_areas_in_japanese(store):
    at = _open("pages/area_patterns.py")
    assert at.title[0].value == "地区の特徴を調べる"
    at.selectbox(key="area:column").set_value("ageing_rate").run()
    assert any("モランの I" in s.value for s in at.success)
    assert any("隣接" in w.value or "となり" in w.value for w in at.warning)
    at.radio(key="area:task").set_value("similar_areas").run()
    assert not at.exception, at.exception
    assert any("グループ" in s.value for s in at.success)
    at.multiselect(key="area:columns").set_value(["ageing_rate"]).run()
    assert any("2 つ以上" in w.value for w in at.warning) and not at.exception


@pytest.mark.parametrize("fmt", ["pptx", "html", "pdf"])
def test_saved_area_analyses_reach_every_export(store, fmt):
    ws = demo_workspace(store)
    group = ws.create_group(ws.courses()[0].course_id, f"地区分析班{fmt}", f"ARM-{fmt.upper()}")
    items = [ws.create_item(group.group_id, "analysis", {"title": f"分析：{name}", "spec": spec}, "tester")
             for name, spec in SPECS.items()]
    deck = {"title": "地区の分析", "slides": [{"section": "results", "title": item.payload["title"], "bullets": [],
                                           "evidence": item.item_id} for item in items]}
    cursor = store.published()
    try:
        prepared = deck_model.prepare_deck(ws, cursor, load_catalog(), group, deck=deck)
    finally:
        cursor.close()
    drawn = [prepared.evidence[i.item_id] for i in items]
    assert [e.error for e in drawn] == [""] * 4
    assert [e.drawing for e in drawn] == ["chart", "map", "map", "map"]
    data = deck_export.export_deck(prepared, fmt)
    if fmt == "pptx":
        slides = list(Presentation(io.BytesIO(data)).slides)
        assert sum(any(shape.shape_type == 13 for shape in s.shapes) for s in slides) >= 4
        text = "".join(shape.text_frame.text for s in slides for shape in s.shapes if shape.has_text_frame)
        assert "読むときの注意" in text and "町丁目別の指標（派生）" in text
    elif fmt == "html":
        text = data.decode("utf-8")
        assert "Plotly.newPlot" in text and "生態学的誤謬" in text and "高-高" in text
    else:
        assert data.startswith(b"%PDF") and len(data) > 20_000
