"""Census 小地域集計「世帯の家族類型別一般世帯数」: households by 町丁・字, joined on KEY_CODE (issue 20, item 2)."""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from lib.data.catalog import load_catalog
from lib.data.census_households import read_census_households
from lib.data.census_tables import CensusTableError, counted_in
from lib.data.city import setup_city
from lib.data.import_result import DataImportError
from lib.data.store import Store
from lib.maps import data as map_data
from lib.maps.measures import preset_measures
from lib.maps.spec import MapSpec
from tests.fixtures.estat import HOUSEHOLD_AREAS, write_census_households_csv, write_estat_zip

REAL = Path(__file__).resolve().parents[1] / "fixtures" / "real"
REAL_MINUMA = REAL / "estat_tblT001084C11_minuma_cut.csv"  # さいたま市見沼区, 2020, values as published
REAL_AOBA_AGES = REAL / "estat_tblT001082C04_aoba_3rows.csv"
MINUMA_AREAS = pd.Series(["111040070", "111040220", "111040230", "111040240", "111040250"])
TOTTORI_AREAS = pd.Series(list(HOUSEHOLD_AREAS))


@pytest.fixture()
def city_store(tmp_path, monkeypatch):
    """A data folder of the test's own: setting a city must not touch the session's demo database."""
    folder = tmp_path / "data"
    monkeypatch.setenv("WORKBENCH_DATA_DIR", str(folder))
    store = Store(folder)
    yield store
    store.close()


def test_real_family_type_rows_read_to_hand_checked_numbers():
    households = read_census_households(REAL_MINUMA, MINUMA_AREAS)
    by_code = households.frame.set_index("area_code")
    assert households.matched == 5 and households.unread == []
    assert "elderly_single" not in households.columns  # e-Stat's 小地域 table has no 高齢単身世帯
    assert by_code.loc["111040070", ["general_households", "couple_only", "with_65plus"]].tolist() == [695, 178, 426]
    assert by_code.loc["111040250", "with_65plus_rate"] == pytest.approx(round(100 * 139 / 229, 2))
    assert by_code.loc["111040220", "general_households"] == 0  # 「-」 is 0 households …
    assert pd.isna(by_code.loc["111040220", "with_65plus_rate"])  # … and no share of 0 households
    assert households.total == 695 + 229 and households.city_total == 70469  # the ward's own row


def test_a_secret_area_is_counted_where_htksaki_says_never_shown_as_0():
    households = read_census_households(REAL_MINUMA, MINUMA_AREAS)
    secret = households.frame.set_index("area_code").loc["111040230"]
    assert pd.isna(secret["general_households"]) and pd.isna(secret["with_65plus_rate"])
    assert secret["counted_in"] == "111040070"
    assert households.secret == [("111040230", "大字西山新田", "111040070", "大字片柳"),
                                 ("111040240", "大字見山", "111040070", "大字片柳")]
    codes = {"111040070", "11104010002"}  # HTKSAKI is the S_AREA; a spreadsheet may have dropped its zeros
    assert [counted_in("11104", h, codes) for h in ("0070", "70", "10002", "111040070", "", "9999")] == [
        "111040070", "111040070", "11104010002", "111040070", None, None]


def test_2015_names_and_a_total_short_of_the_city_row(tmp_path):
    table = write_census_households_csv(tmp_path / "tblT000851C31.csv", year=2015)  # names after a 全角 space
    households = read_census_households(table, TOTTORI_AREAS[TOTTORI_AREAS != "31201004003"])
    assert households.columns[-2:] == ["elderly_single", "elderly_couple"] and not households.unread
    assert (households.total, households.city_total) == (650, 850)  # 東町's total (312010010) not counted twice
    assert households.unmatched == [("31201004003", "吉方町３丁目", 200)]


def test_real_city_setup_maps_the_elderly_single_share_and_charts_it(tmp_path, city_store):
    from lib.charts.spec import ChartSpec, Measure
    from lib.charts.sql import run_chart

    report = setup_city(write_estat_zip(tmp_path / "r2ka31.zip"), "31201", store=city_store,
                        households=write_census_households_csv(tmp_path / "tblT001084C31.csv"))
    text = "\n".join(report.lines("ja"))
    assert "一般世帯数の合計 850 は、表の市区町村の行（850）と一致します" in text
    assert "字雲山（312010030）→ 大字湖山（312010020）" in text and "households" in report.datasets
    catalog, cursor = load_catalog(), city_store.published()
    presets = preset_measures(cursor, catalog)
    assert {"map.preset.elderly_single_rate", "map.preset.elderly_couple_rate",
            "map.preset.with_65plus_rate"} <= set(presets)
    spec = MapSpec(measure=presets["map.preset.elderly_single_rate"])
    mapped = map_data.build_map_data(cursor, catalog, spec).units.set_index("unit_id")["value"]
    assert mapped["312010020"] == pytest.approx(100 * 50 / 400)
    assert np.isnan(mapped["312010030"])  # secret: no colour, not 0
    mesh = map_data.build_map_data(cursor, catalog, MapSpec(base_unit="mesh1km", measure=spec.measure))
    assert mesh.units["value"].between(0, 100).any()  # both households and singles apportioned by area
    chart = run_chart(cursor, catalog,
                      ChartSpec("households", Measure("mean", "elderly_single_rate"), ["area_code"]))
    by_name = chart.set_index("area_code")["value"]  # the chart names each 町丁・字
    assert by_name["東町１丁目"] == pytest.approx(12.0) and np.isnan(by_name["字雲山"])


def test_bad_households_files_get_a_japanese_message_and_change_nothing(tmp_path, city_store):
    boundaries = write_estat_zip(tmp_path / "r2ka31.zip")
    garbled = tmp_path / "tblT001084C31.csv"
    garbled.write_bytes(b"KEY_CODE,HYOSYO\r\n" + bytes(range(128, 256)) * 4)
    for bad, error, words in ((REAL_AOBA_AGES, CensusTableError, "「世帯の家族類型別一般世帯数」の表を選んでください"),
                              (garbled, DataImportError, "文字コード")):
        with pytest.raises(error) as refused:  # refused before the boundaries are read
            setup_city(boundaries, "31201", store=city_store, households=bad)
        assert words in refused.value.text("ja"), refused.value.text("ja")
    assert not (city_store.data_dir / "city.json").exists() and "households" not in load_catalog()


def test_cli_passes_the_households_table_on(tmp_path, city_store, capsys):
    from lib.cli import main

    boundaries = str(write_estat_zip(tmp_path / "r2ka31.zip"))
    assert main(["setup-city", "--boundaries", boundaries, "--city", "31201", "--households", str(REAL_AOBA_AGES)]) == 2
    err = capsys.readouterr().err
    assert "「世帯の家族類型別一般世帯数」の表を選んでください" in err and "Traceback" not in err
    assert not (city_store.data_dir / "city.json").exists()


def test_the_report_says_what_the_real_table_lacks():
    from lib import i18n
    from lib.data.city import _household_lines

    households = read_census_households(REAL_MINUMA, MINUMA_AREAS)
    lines = _household_lines(households, 5, lambda key, **v: i18n.t(f"city.report.{key}", "ja", **v))
    text = "\n".join(lines)
    assert "町丁・字 5 件のうち 5 件、一般世帯 924 世帯" in text
    assert "表の市区町村の行（70,469）と 69,545 世帯違います" in text  # a cut file: the ward's other areas
    assert "大字西山新田（111040230）→ 大字片柳（111040070）" in text
    assert "高齢単身世帯・高齢夫婦世帯の列がありません" in text
