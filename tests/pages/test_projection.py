"""将来人口と需要の見通し: the page in AppTest, and both projections saved as evidence and exported."""
from __future__ import annotations

import io
import json

import pandas as pd
import pytest
from pptx import Presentation

from lib.data.catalog import load_catalog
from lib.deck import export as deck_export
from lib.deck import model as deck_model
from lib.deck.analyses.projection_common import hidden_areas, hide_small, pyramid_cells
from lib.deck.analysis_evidence import run_analysis
from lib.maps.data import MapData
from tests.conftest import app_test
from tests.fixtures.deck import demo_workspace

PAGE = "pages/projection.py"


def _open():
    at = app_test(timeout=120).run()
    at.switch_page(PAGE).run()
    assert not at.exception, at.exception
    return at


def test_the_page_projects_shows_and_saves_both_analyses(store):
    at = _open()
    assert at.title[0].value == "将来人口と需要の見通し"
    assert not at.error, [e.value for e in at.error]
    # the only warnings are the two cautions (population, demand)
    assert [w.value[:7] for w in at.warning] == ["読むときの注意"] * 2
    assert "予言ではありません" in at.warning[0].value
    assert any("2020 年と 2025 年" in c.value for c in at.caption)
    # no IPSS projection published: the one route, and a word on how to get the other
    assert at.radio(key="projection:route").options == ["5 年離れた 2 つの年の人口"]
    assert any("社人研の「日本の地域別将来推計人口」のファイルを公開すると" in c.value for c in at.caption)
    pyramid = json.loads(at.get("plotly_chart")[0].proto.spec)
    assert [trace["name"] for trace in pyramid["data"]] == ["男性 2025", "男性 2035", "女性 2025", "女性 2035"]
    assert any("市全体の人口は 2025 年の" in s.value for s in at.success)
    at.radio(key="projection:show").set_value("map").run()
    assert not at.exception, at.exception
    assert any("いちばん高いのは" in s.value for s in at.success)
    at.radio(key="projection:show").set_value("pyramid").run()
    at.selectbox(key="projection:place").set_value("丘陵地区").run()
    assert not at.exception, at.exception
    at.text_input(key="projection:population:save:title").input("丘陵地区の2035年")
    at.button[0].click().run()  # the first form on the page: the population tab's
    assert not at.exception, at.exception
    saved = at.session_state["saved_evidence"]
    assert any(item["title"] == "丘陵地区の2035年" for item in saved)
    at.radio(key="projection:demand_show").set_value("map").run()
    at.radio(key="projection:rates_by").set_value("district").run()
    assert not at.exception, at.exception
    assert any("要介護認定の人数は" in s.value for s in at.success)
    assert any("増減率（%）" in frame.value.columns for frame in at.dataframe)


def test_the_page_speaks_english_too(store):
    at = app_test(timeout=120).run()
    at.session_state["lang"] = "en"
    at.switch_page(PAGE).run()
    assert not at.exception, at.exception
    assert at.title[0].value == "Future population and demand"
    assert any("The city's population goes from" in s.value for s in at.success)


SPECS = {
    "pyramid": {"method": "cohort_projection", "base_year": 2025, "target_year": 2035, "show": "pyramid"},
    "map": {"method": "cohort_projection", "base_year": 2025, "target_year": 2040, "show": "map", "measure": "p75"},
    "demand": {"method": "demand_projection", "dataset": "care_certification", "base_year": 2025,
               "target_year": 2035, "rates_by": "district", "show": "chart"},
    "demand_map": {"method": "demand_projection", "dataset": "care_certification", "base_year": 2025,
                   "target_year": 2035, "show": "map"},
}


def test_the_map_of_75_plus_is_a_map_of_every_area(published):
    result = run_analysis(published, load_catalog(), SPECS["map"], "ja")
    assert isinstance(result.map_data, MapData)
    units = result.map_data.units
    assert len(units) == published.execute("SELECT COUNT(*) FROM areas").fetchone()[0]
    assert units["value"].notna().all() and result.map_data.value_label == "2040年の75歳以上の人数（推計）"


def test_small_counts_of_persons_are_hidden_with_a_partner():
    # 地区 table: 南 has 4 projected persons in 2035 → hidden, and the next smallest (北, 30) with it,
    # as the city's total row would give a single hidden one back.
    long = pd.DataFrame({"district": ["北", "南", "東"], "y2025": [30.0, 12.0, 500.0], "y2035": [28.0, 4.2, 510.0]})
    shown = hide_small(long, ["district"], ["y2025", "y2035"])
    assert shown["y2035"].isna().tolist() == [True, True, False] and shown.attrs["suppressed_cells"] == 2
    # map: the second area has 3 persons aged 75+ → hidden, with the next smallest area (80 residents)
    assert hidden_areas(pd.Series([100.0, 50.0, 80.0]), pd.Series([20.0, 3.0, 40.0])).tolist() == [False, True, True]
    # pyramid: 男性 90+ of 2035 is 7 persons → blank; then 女性 90+ of 2035 (35, the smallest other bar of
    # that year), 男性 90+ of 2025 (the same bar in the other year) and so 女性 90+ of 2025 (30) too
    frame = pd.DataFrame({"year": [2025] * 4 + [2035] * 4, "sex": ["男性", "男性", "女性", "女性"] * 2,
                          "age_band": ["85-89", "90+"] * 4, "population": [50, 20, 60, 30, 40, 7, 55, 35]})
    cells = pyramid_cells(frame, [2025, 2035]).set_index(["year", "sex", "age_band"])["population"]
    assert sorted(cells[cells.isna()].index) == [(2025, "女性", "90+"), (2025, "男性", "90+"), (2035, "女性", "90+"),
                                                 (2035, "男性", "90+")]


@pytest.fixture(scope="module")
def projection_group(store):
    ws = demo_workspace(store)
    group = ws.create_group(ws.courses()[0].course_id, "将来推計班", "PRJ-EEE")
    items = {name: ws.create_item(group.group_id, "analysis", {"title": f"推計：{name}", "spec": spec}, "tester")
             for name, spec in SPECS.items()}
    return ws, group, items


@pytest.mark.parametrize("fmt", ["pptx", "html", "pdf"])
def test_saved_projections_reach_every_export(store, projection_group, fmt):
    ws, group, items = projection_group
    deck = {"title": "将来推計", "slides": [{"section": "results", "title": item.payload["title"], "bullets": [],
                                          "evidence": item.item_id} for item in items.values()]}
    cursor = store.published()
    try:
        prepared = deck_model.prepare_deck(ws, cursor, load_catalog(), group, deck=deck)
    finally:
        cursor.close()
    drawn = [prepared.evidence[i.item_id] for i in items.values()]
    assert [e.error for e in drawn] == ["", "", "", ""]
    assert [e.drawing for e in drawn] == ["chart", "map", "chart", "map"]
    data = deck_export.export_deck(prepared, fmt)
    if fmt == "pptx":
        slides = list(Presentation(io.BytesIO(data)).slides)
        assert sum(any(shape.shape_type == 13 for shape in s.shapes) for s in slides) >= 4
        text = "".join(shape.text_frame.text for s in slides for shape in s.shapes if shape.has_text_frame)
        assert "予言ではありません" in text and "率が将来も変わらない" in text
    elif fmt == "html":
        text = data.decode("utf-8")
        assert "予言ではありません" in text and "Plotly.newPlot" in text
    else:
        assert data.startswith(b"%PDF") and len(data) > 10_000
