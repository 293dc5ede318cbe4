"""The map page in Streamlit's AppTest (no browser, no JavaScript: st_folium returns its default)."""
from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from lib.i18n import t

APP = str(Path(__file__).resolve().parents[2] / "app.py")
PAGE = "pages/map.py"


def _open(store, lang: str = "ja") -> AppTest:
    at = AppTest.from_file(APP, default_timeout=120)
    at.session_state["lang"] = lang
    at.run()
    at.switch_page(PAGE).run()
    assert not at.exception, at.exception
    return at


def _open_analysis(at: AppTest, name: str) -> None:
    """Click the analysis's tab: only the open tab's settings are drawn."""
    at.session_state["map_analysis_tab"] = t(f"map.analysis.{name}", "ja")
    at.run()


def _saved_spec(at: AppTest, title: str = "地図") -> dict:
    """Save the map as evidence; the spec it was saved with."""
    next(box for box in at.text_input if box.label == "題名").set_value(title)
    next(b for b in at.button if b.label == "根拠として保存").click().run()
    assert not at.exception, at.exception
    return at.session_state["saved_evidence"][-1]["spec"]


def _texts(at: AppTest) -> str:
    parts = [m.value for m in at.markdown] + [c.value for c in at.caption] + [i.value for i in at.info]
    parts += [w.value for w in at.warning] + [e.value for e in at.error] + [m.label for m in at.metric]
    return " ".join(str(p) for p in parts)


def test_default_map_renders_in_japanese(store):
    at = _open(store)
    assert at.title[0].value == "地図"
    assert not at.error
    assert "クリックすると" in _texts(at)  # the side panel's hint
    labels = [b.label for b in at.get("download_button")]
    assert {"地図（HTML）", "Excel でダウンロード", "CSV（UTF-8）", "CSV（Shift_JIS）"} <= set(labels)


@pytest.mark.parametrize("unit", ["area", "mesh1km", "mesh500m", "mesh250m"])
def test_every_unit_draws(store, unit):
    at = _open(store)
    at.radio(key="map_unit").set_value(unit).run()
    assert not at.exception, at.exception
    assert not at.error, [e.value for e in at.error]
    if unit == "mesh500m":
        assert "個人が特定されない" in _texts(at)


def test_catchment_reports_people_inside_and_says_it_apportioned(store):
    at = _open(store)
    at.checkbox(key="map_catchment_on").check().run()
    assert not at.exception, at.exception
    text = _texts(at)
    assert "区域内の人口（人）" in text
    assert "按分" in text
    population = next(m for m in at.metric if m.label == "区域内の人口（人）")
    assert int(population.value.replace(",", "")) > 0


def test_analyses_stay_on_while_another_tab_is_open(store):
    at = _open(store)
    assert at.checkbox(key="map_catchment_on")  # the first tab is open
    assert not [c for c in at.checkbox if c.key == "map_flood_on"]  # the others are not drawn
    for name in ("flood", "nearest", "counts"):
        _open_analysis(at, name)
        at.checkbox(key=f"map_{name}_on").check().run()
        assert not at.exception, at.exception
    results = {"flood": "区域内の施設（か所）", "nearest": "距離の中央値", "counts": "1 つもない区域の数"}
    for name, label in results.items():
        _open_analysis(at, name)
        assert at.checkbox(key=f"map_{name}_on").value
        labels = [m.label for m in at.metric]
        assert label in labels  # under its own settings
        assert not set(results.values()) - {label} & set(labels)  # the hidden tabs' results are not drawn
    spec = _saved_spec(at)
    assert spec["flood_overlay"] and spec["nearest"] and spec["point_counts"]


def test_classification_kept_while_its_settings_are_closed(store):
    at = _open(store)
    assert not [s for s in at.selectbox if s.key == "map_method"]  # closed: not drawn
    at.session_state["map_classes_open"] = True
    at.run()
    at.selectbox(key="map_method").set_value("equal_interval").run()
    at.slider(key="map_k").set_value(7).run()
    at.session_state["map_classes_open"] = False
    at.run()
    assert not [s for s in at.selectbox if s.key == "map_method"]
    classification = _saved_spec(at)["classification"]
    assert (classification["method"], classification["k"]) == ("equal_interval", 7)


def test_a_raw_count_warns(store):
    at = _open(store)
    at.selectbox(key="map_measure").set_value("map.preset.population").run()
    assert any("実数" in w.value for w in at.warning)


def test_invalid_user_breaks_show_a_japanese_sentence(store):
    at = _open(store)
    at.session_state["map_classes_open"] = True
    at.run()
    at.selectbox(key="map_method").set_value("user").run()
    at.text_input(key="map_breaks").set_value("30, 10").run()
    assert not at.exception
    assert any("小さい順" in e.value for e in at.error)


def test_custom_measure_and_side_by_side_comparison(store):
    at = _open(store)
    at.selectbox(key="map_measure").set_value("map.preset.custom").run()
    at.selectbox(key="map_custom_dataset").set_value("care_certification").run()
    assert not at.exception, at.exception
    _open_analysis(at, "compare")
    at.checkbox(key="map_compare_on").check()
    at.radio(key="map_compare_mode").set_value("side_by_side").run()
    assert not at.exception, at.exception
    assert "2 つめの地図" in _texts(at)


def test_saving_a_map_keeps_its_spec_and_draws_it_again(store):
    at = _open(store)
    next(t for t in at.text_input if t.label == "題名").set_value("高齢化率の地図")
    at.text_area[0].set_value("北部が高い")
    next(b for b in at.button if b.label == "根拠として保存").click().run()
    assert not at.exception, at.exception
    saved = at.session_state["saved_evidence"]
    assert saved[-1]["kind"] == "map" and saved[-1]["title"] == "高齢化率の地図"
    assert saved[-1]["spec"]["measure"]["dataset"] == "population"
    assert saved[-1]["note"] == "北部が高い"
    assert any("保存した地図（1 件）" in e.label for e in at.expander)
    assert "北部が高い" in _texts(at)  # the saved map is shown again with its note


def test_english_interface(store):
    at = _open(store, "en")
    assert at.title[0].value == "Map"
    assert not at.error


def test_boundaries_only_with_distance_colours(store):
    at = _open(store)
    at.selectbox(key="map_measure").set_value("map.preset.none").run()
    _open_analysis(at, "nearest")
    at.checkbox(key="map_nearest_on").check().run()
    assert not at.exception, at.exception
    assert not at.error
    assert any(m.label == "距離の中央値" for m in at.metric)


def test_png_is_made_on_request_and_offered_for_download(store):
    at = _open(store)
    next(b for b in at.button if b.label == "画像（PNG）を作る").click().run()
    assert not at.exception, at.exception
    assert "画像（PNG）をダウンロード" in [b.label for b in at.get("download_button")]
