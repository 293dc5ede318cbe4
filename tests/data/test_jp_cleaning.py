"""Japanese cleaning helpers: each converts what it should, says why it could not, and previews first."""
from __future__ import annotations

import geopandas as gpd
import pandas as pd
import pytest

from lib.data import jp_cleaning as jc
from lib.settings import DEMO_DATASETS_DIR


@pytest.mark.parametrize("raw, expected", [
    ("ＡＢＣ１２３", "ABC123"),
    ("ﾐﾄﾞﾘﾉ ｶﾞｯｺｳ", "ミドリノ ガッコウ"),
    ("ｶﾞｷﾞｸﾞｹﾞｺﾞ ﾊﾟﾋﾟ", "ガギグゲゴ パピ"),
    ("見本　太郎", "見本 太郎"),
    ("①㈱㍻", "①㈱㍻"),  # NFKC would rewrite these; names keep them
    ("ミホン", "ミホン"),
])
def test_width_normalization(raw, expected):
    assert jc.normalize_width_text(raw) == expected


@pytest.mark.parametrize("raw, expected", [
    ("令和6年4月1日", "2024-04-01"),
    ("令和元年5月1日", "2019-05-01"),
    ("R6.4.1", "2024-04-01"),
    ("r6.4.1", "2024-04-01"),
    ("R06.04.01", "2024-04-01"),
    ("H31.4.30", "2019-04-30"),
    ("平成元年1月8日", "1989-01-08"),
    ("昭和64年1月7日", "1989-01-07"),
    ("昭和１５年３月２日", "1940-03-02"),
    ("S15.3.2", "1940-03-02"),
    ("T12.2.1", "1923-02-01"),
    ("大正15年12月24日", "1926-12-24"),
    ("2024/4/1", "2024-04-01"),
    ("2024年4月1日", "2024-04-01"),
    ("20240401", "2024-04-01"),
])
def test_wareki_to_iso(raw, expected):
    value, reason = jc.wareki_to_date(raw)
    assert value is not None and value.isoformat() == expected and reason == ""


@pytest.mark.parametrize("raw, reason", [
    ("平成31年5月1日", "outside_era"),  # that day is 令和元年
    ("昭和64年1月8日", "outside_era"),
    ("令和元年4月30日", "outside_era"),
    ("平成2年2月30日", "no_such_day"),
    ("いつか", "not_a_date"),
])
def test_wareki_refusals_have_reasons(raw, reason):
    assert jc.wareki_to_date(raw) == (None, reason)
    assert jc.reason_text(reason, "ja")


@pytest.mark.parametrize("raw, value, reason", [
    ("1,234", 1234, ""),
    ("１２，３４５", 12345, ""),
    ("▲500", -500, ""),
    ("△1,200", -1200, ""),
    ("(300)", -300, ""),
    ("-", None, "mark_none"),
    ("－", None, "mark_none"),
    ("…", None, "mark_unknown"),
    ("x", None, "mark_secret"),
    ("X", None, "mark_secret"),
    ("χ", None, "mark_secret"),
    ("12.5", 12.5, ""),
    ("多数", None, "not_a_number"),
])
def test_numbers_of_statistical_tables(raw, value, reason):
    assert jc.parse_number(raw) == (value, reason)


def test_numbers_column_becomes_integers_with_reasons():
    cleaned = jc.numbers(pd.Series(["1,234", "x", "▲5", None]))
    assert str(cleaned.values.dtype) == "Int64"
    assert cleaned.values.tolist()[0] == 1234 and cleaned.values.tolist()[2] == -5
    assert pd.isna(cleaned.values[1]) and cleaned.reasons[1] == "mark_secret"
    assert pd.isna(cleaned.values[3]) and cleaned.reasons[3] == ""


def test_area_names_match_demo_codes_in_every_notation():
    areas = gpd.read_file(DEMO_DATASETS_DIR / "areas.geojson")[["area_code", "area_name"]]
    chome = areas[areas["area_name"].str.contains("ヶ丘一丁目")].iloc[0]
    base = chome["area_name"].replace("一丁目", "")
    variants = [f"{base}一丁目", f"{base}1丁目", f"{base}１丁目", f"{base.replace('ヶ', 'ケ')}1丁目",
                f"{base.replace('ヶ', 'が')}一丁目", f"みどり野市{base}一丁目2番3号", f"{base}1-2-3",
                f" {base} 一丁目 "]
    cleaned = jc.match_area_names(pd.Series(variants + ["となり町本町1-2-3"]), areas, city_name="みどり野市")
    assert cleaned.values.tolist()[:-1] == [chome["area_code"]] * len(variants)
    assert pd.isna(cleaned.values.iloc[-1]) and cleaned.reasons.iloc[-1] == "no_area"
    assert cleaned.unmatched.to_dict("records") == [{"value": "となり町本町1-2-3", "rows": 1, "reason": "no_area"}]


def test_chome_numbers_do_not_collide():
    areas = pd.DataFrame({"area_code": ["a1", "a11"], "area_name": ["本町一丁目", "本町十一丁目"]})
    cleaned = jc.match_area_names(pd.Series(["本町11丁目", "本町1丁目5番", "本町十一丁目"]), areas)
    assert cleaned.values.tolist() == ["a11", "a1", "a11"]


@pytest.mark.parametrize("raw, expected, reason", [
    ("14999", "149993", ""), ("149993", "149993", ""), ("131016", "131016", ""),
    ("011002", "011002", ""), ("149994", None, "lg_bad_check_digit"), ("1499", None, "lg_bad_form"),
])
def test_local_government_code_check_digit(raw, expected, reason):
    assert jc.check_lg_code(raw) == (expected, reason)


def test_preview_shows_changes_and_changes_nothing():
    frame = pd.DataFrame({"生年月日": ["令和6年4月1日", "2020-01-01", "いつか", None]})
    original = frame.copy()
    preview = jc.preview_cleaning(frame, "生年月日", "wareki")
    pd.testing.assert_frame_equal(frame, original)
    assert preview.changed == 2 and preview.became_missing == 1 and preview.total == 4
    first = preview.sample.iloc[0]
    assert (first["row"], first["before"], first["after"]) == (1, "令和6年4月1日", "2024-04-01")
    assert "日付" in preview.sample.iloc[1]["reason"]
    applied = jc.apply_cleaning(frame, "生年月日", "wareki", target="birth")
    assert applied["birth"].tolist()[:2] == ["2024-04-01", "2020-01-01"]
    assert applied["生年月日"].tolist() == frame["生年月日"].tolist()


def test_helpers_work_on_the_raw_sample():
    from lib.data.importing import read_file
    from lib.settings import REPO_ROOT

    raw = read_file(REPO_ROOT / "datasets" / "raw_sample" / "kaigo_ninteisha_raw.csv").frame
    assert jc.preview_cleaning(raw, "生年月日", "wareki").became_missing == 0
    assert jc.preview_cleaning(raw, "月額利用額", "number").reasons  # the "-" marks
    areas = gpd.read_file(DEMO_DATASETS_DIR / "areas.geojson")
    matched = jc.match_area_names(raw["住所"], areas, city_name="みどり野市")
    assert matched.values.notna().mean() > 0.95 and not matched.unmatched.empty


def test_statistical_table_of_the_excel_sample():
    from lib.data.importing import read_file
    from lib.settings import REPO_ROOT

    table = read_file(REPO_ROOT / "datasets" / "raw_sample" / "kaigo_ninteisha_raw.xlsx", sheet="町丁目別集計").frame
    levels = pd.concat([table[c] for c in ("要支援1", "要介護1", "要介護5")])
    cleaned = jc.numbers(levels)
    assert {"mark_secret", "mark_none"} <= set(cleaned.reasons)
    assert cleaned.values.dropna().ge(3).all()  # what is left are the cells big enough to show
    change = jc.numbers(table["前年差"])
    assert change.values.dropna().lt(0).any()
