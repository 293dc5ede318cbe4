"""The generalizations offered per column: birth dates and addresses always, the city's own name."""
from __future__ import annotations

import pandas as pd

from lib.data import anonymize
from lib.data.generalization_presets import PRESETS, columns_to_generalize, default_preset, preset_spec, presets_for


def test_birth_dates_and_addresses_are_always_offered_with_their_defaults():
    classes = {"氏名": "direct", "生年月日": "other", "現住所": "other", "性別": "quasi", "要介護度": "sensitive"}
    assert columns_to_generalize(classes) == ["生年月日", "現住所", "性別"]
    assert [default_preset(c) for c in ("生年月日", "現住所", "性別")] == ["birth5", "area", "none"]
    assert preset_spec("none") is None and set(PRESETS) >= {"birth5", "area"}


def test_the_address_preset_strips_the_municipalitys_own_name():
    spec = preset_spec("area", "さくら市")
    assert spec["city_name"] == "さくら市"
    areas = pd.DataFrame({"area_code": ["01"], "area_name": ["本町1丁目"], "district": ["中央"]})
    frame = pd.DataFrame({"住所": ["さくら市本町一丁目3-4", "本町1丁目"]})
    out = anonymize.apply_generalization(frame, "住所", spec, areas=areas)
    assert out["area_code"].tolist() == ["01", "01"]
    assert "city_name" not in preset_spec("birth5") and preset_spec("birth5") is not preset_spec("birth5")


def test_each_column_is_offered_only_the_generalizations_that_fit_it():
    """Issue 21: 性別 was offered 年齢 → 5 歳階級 (every preset was offered for every column)."""
    assert presets_for("性別", pd.Series(["男", "女", None])) == ["none", "rare"]
    assert presets_for("年齢", pd.Series([34, 81, 67])) == ["none", "age5", "age10"]
    assert presets_for("生年月日", pd.Series(["昭和２７年７月１５日", "T12.2.1"])) == ["none", "birth5", "birth10"]
    assert presets_for("認定日", pd.Series(["2025/02/08", "R6.12.27"])) == ["none"]  # a date, not a birth date
    assert presets_for("現住所", pd.Series(["みどり野市春日町18番1号"]))[:2] == ["none", "area"]
    assert presets_for("身長", pd.Series([160.5, 170.2])) == ["none"]
    offered = {p for column in ("性別", "年齢", "生年月日", "現住所") for p in presets_for(column, pd.Series(["1"]))}
    assert offered <= set(PRESETS)
