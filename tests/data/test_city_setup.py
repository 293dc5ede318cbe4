"""setup-city: an e-Stat 小地域 boundary file turns the workbench to a real municipality."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pytest
import yaml

from lib import settings
from lib.data.catalog import load_catalog
from lib.data.city import CitySetupError, setup_city, small_areas
from lib.data.city_file import current_city
from lib.data.store import Store
from lib.maps import data as map_data
from lib.maps.measures import preset_measures
from lib.maps.spec import MapSpec, MeasureSpec
from lib.maps.units import city_name
from tests.fixtures.estat import (
    REGISTER_AREAS,
    estat_frame,
    register_persons,
    write_census_households_csv,
    write_estat_zip,
    write_wide_population_xlsx,
)

ROOT = Path(__file__).resolve().parents[2]
REAL = ROOT / "tests" / "fixtures" / "real"
REAL_TOYAMA = REAL / "estat_h27ka16_16201001001.geojson"
REAL_TOTTORI_2015 = REAL / "estat_h27ka31_cut.zip"  # the original 2015 layout: GST_NAME + CSS_NAME, no S_AREA
REAL_TOKYO_2020 = REAL / "estat_r2ka13_cut.zip"


@pytest.fixture()
def city_store(tmp_path, monkeypatch):
    """A data folder of the test's own: setting a city must not touch the session's demo database."""
    folder = tmp_path / "data"
    monkeypatch.setenv("WORKBENCH_DATA_DIR", str(folder))
    store = Store(folder)
    yield store
    store.close()


def test_prefecture_zip_sets_the_city_and_reports_what_changed(tmp_path, city_store):
    report = setup_city(write_estat_zip(tmp_path / "r2ka31.zip"), "31201", store=city_store)
    assert (report.city_name, report.pref_name, report.year) == ("鳥取市", "鳥取県", 2020)
    assert report.areas == 5  # 7 rows of 鳥取市: the 飛び地 joined, the 水面調査区 dropped; 米子市 left out
    assert report.water_dropped == ["312010090"]
    [repair] = report.repairs
    assert repair.ident == "31201001002"
    assert repair.area_after_m2 == pytest.approx(repair.area_before_m2, rel=1e-9)
    assert report.island_areas == ["312010030"]
    # every part's JINKO counted: 大字湖山's sits on its smaller part, 字雲山 keeps its island
    assert report.population_total == 420 + 515 + 1830 + 140 + 960
    assert report.households_total == 180 + 230 + 760 + 60 + 410
    text = "\n".join(report.lines("ja"))
    assert "修復" in text and "31201001002" in text and "Ring" not in text
    assert current_city()["city_code"] == "31201"

    catalog = load_catalog()
    assert "鳥取市" in catalog["areas"].title_in("ja") and catalog["areas"].origin == "published"
    cursor = city_store.published()
    codes = [r[0] for r in cursor.execute("SELECT area_code FROM areas ORDER BY 1").fetchall()]
    assert codes == ["31201001001", "31201001002", "312010020", "312010030", "31201004003"]  # as written
    assert cursor.execute("SELECT count(*) FROM areas WHERE NOT ST_IsValid(geometry)").fetchone()[0] == 0
    assert city_name(cursor, catalog) == "鳥取市"
    data = map_data.build_map_data(cursor, catalog, MapSpec(measure=MeasureSpec(
        "population", "population", {}, "none", 1, "map.preset.population")))
    by_code = data.units.set_index("unit_id")
    assert by_code.loc["312010020", "value"] == 1830 and by_code.loc["312010020", "unit_name"] == "大字湖山"
    assert by_code["ageing_rate"].isna().all()  # a census total has no ages: no ageing rate of 0 %


def test_2015_edition_in_jgd2000_is_read_and_dated(tmp_path, city_store):
    report = setup_city(write_estat_zip(tmp_path / "h27ka31.zip", edition=2015), "31202", store=city_store)
    assert (report.city_name, report.year, report.areas) == ("米子市", 2015, 2)
    bounds = city_store.published().execute(
        "SELECT min(ST_XMin(geometry)), max(ST_YMax(geometry)) FROM areas").fetchone()
    assert 133.3 < bounds[0] < 133.4 and 35.4 < bounds[1] < 35.5  # reprojected from EPSG:4612 to lon/lat


def test_geojson_without_edition_columns_is_dated_by_its_datum(tmp_path, city_store):
    frame = estat_frame(2020).drop(columns=["R2KAxx_"])
    path = tmp_path / "tottori.geojson"
    frame.to_file(path, driver="GeoJSON")
    assert setup_city(path, "31201", store=city_store).year == 2020


def test_real_estat_feature_toyama(city_store):
    report = setup_city(REAL_TOYAMA, "16201", store=city_store)
    assert (report.city_name, report.areas, report.population_total, report.year) == ("富山市", 1, 234, 2015)
    area_km2 = city_store.published().execute("SELECT area_km2 FROM areas").fetchone()[0]
    assert area_km2 == pytest.approx(61179.222 / 1e6, rel=0.01)  # e-Stat's own AREA (m²)


def test_file_without_mark_columns():
    areas, info = small_areas(estat_frame(2020).drop(columns=["KIGO_I"]), "31201")
    assert len(areas) == 5 and info["island_areas"] == []
    assert areas.set_index("area_code").loc["312010030", "population"] == 140


def test_lost_leading_zeros_are_restored():
    frame = estat_frame(2020)
    frame["PREF"] = frame["PREF"].astype(int)  # as a spreadsheet round trip leaves them
    frame["S_AREA"] = frame["S_AREA"].astype(int)
    areas, _ = small_areas(frame, "31201")
    assert "31201001001" in set(areas["area_code"])


@pytest.mark.parametrize(("code", "key"), [("31203", "city_not_found"), ("3120", "bad_code"), ("abcde", "bad_code")])
def test_wrong_city_code_is_refused_and_nothing_published(tmp_path, city_store, code, key):
    with pytest.raises(CitySetupError) as caught:
        setup_city(write_estat_zip(tmp_path / "r2ka31.zip"), code, store=city_store)
    assert caught.value.key == key and caught.value.text("en")
    if key == "city_not_found":
        assert "31201 鳥取市" in caught.value.text("ja")
    assert current_city() is None
    assert not (Path(os.environ["WORKBENCH_DATA_DIR"]) / "published").exists()


def test_boundaries_without_estat_columns_are_refused(tmp_path, city_store):
    path = tmp_path / "other.geojson"
    gpd.GeoDataFrame({"name": ["a"]}, geometry=estat_frame().geometry.iloc[:1], crs=6668).to_file(path)
    with pytest.raises(CitySetupError) as caught:
        setup_city(path, "31201", store=city_store)
    assert caught.value.key == "not_estat"


def run_setup_city(data_dir: Path, *args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "WORKBENCH_DATA_DIR": str(data_dir)}
    return subprocess.run([sys.executable, "-m", "lib.cli", "setup-city", *args], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=300)


def test_cli_sets_the_city_on_a_fresh_data_folder(tmp_path):
    boundaries = write_estat_zip(tmp_path / "r2ka31.zip")
    done = run_setup_city(tmp_path / "data", "--boundaries", str(boundaries), "--city", "31201")
    assert done.returncode == 0, done.stderr
    assert "鳥取市" in done.stdout and "修復" in done.stdout and "31201001002" in done.stdout
    assert json.loads((tmp_path / "data" / "city.json").read_text(encoding="utf-8"))["city_name"] == "鳥取市"


def test_cli_refuses_a_wrong_code_with_exit_2(tmp_path):
    boundaries = write_estat_zip(tmp_path / "r2ka31.zip")
    done = run_setup_city(tmp_path / "data", "--boundaries", str(boundaries), "--city", "99999")
    assert done.returncode == 2
    assert "99999" in done.stderr and "Traceback" not in done.stderr and str(tmp_path) not in done.stderr


def test_register_population_replaces_jinko_and_gives_ageing_rates(tmp_path, city_store):
    population = write_wide_population_xlsx(tmp_path / "jinko.xlsx")
    report = setup_city(write_estat_zip(tmp_path / "r2ka31.zip"), "31201", population=population, store=city_store)
    text = "\n".join(report.lines("ja"))
    assert "新町" in text and "町丁目 6 件のうち 5 件" in text
    catalog = load_catalog()
    cursor = city_store.published()
    assert cursor.execute("SELECT DISTINCT year FROM population").fetchall() == [(2025,)]
    data = map_data.build_map_data(cursor, catalog, MapSpec(measure=preset_measures(
        cursor, catalog)["indicator.ageing_rate"]))
    by_code = data.units.set_index("unit_id")
    per_age = dict((code, n) for _name, code, n in REGISTER_AREAS if code)
    code = "312010020"
    old = sum(register_persons(per_age[code], s, 65, None) for s in ("男性", "女性"))
    everyone = sum(register_persons(per_age[code], s, 0, None) for s in ("男性", "女性"))
    assert by_code.loc[code, "value"] == pytest.approx(100 * old / everyone)



def test_the_demo_citys_data_is_marked_in_the_catalog_and_its_places_left_off_the_map(tmp_path, city_store):
    from streamlit.testing.v1 import AppTest

    setup_city(write_estat_zip(tmp_path / "r2ka31.zip"), "31201", store=city_store)
    city_store.close()  # the app opens the data folder's database itself, as one server process does
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120).run()
    at.switch_page("pages/catalog.py").run()
    assert not at.exception, at.exception
    options = at.selectbox(key="catalog_dataset").options
    assert any(o.startswith("要介護") and "（デモ：みどり野市）" in o for o in options)
    assert not any("鳥取市" in o and "デモ" in o for o in options)  # the city's own areas are not marked
    at.selectbox(key="catalog_dataset").set_value("care_certification").run()
    assert any("みどり野市" in w.value and "鳥取市のデータではありません" in w.value for w in at.warning)
    at.selectbox(key="catalog_dataset").set_value("areas").run()  # the city's own 町丁目
    assert not any("鳥取市のデータではありません" in w.value for w in at.warning)
    at.switch_page("pages/map.py").run()  # the demo city's places are not offered on 鳥取市's map
    assert not at.exception, at.exception
    assert not [c for c in at.checkbox if c.key == "map_kayoi"]
    assert not [m for m in at.multiselect if m.key == "map_facilities"][0].options
    presets = at.selectbox(key="map_measure").options
    assert not any("通いの場" in p or "要介護" in p for p in presets) and any("人口" in p for p in presets)
    at.selectbox(key="map_measure").set_value("map.preset.custom").run()
    assert not at.exception, at.exception
    mappable = at.selectbox(key="map_custom_dataset").options
    assert mappable and not any(o.startswith("要介護") for o in mappable)


def run_cli(data_dir: Path, *args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "WORKBENCH_DATA_DIR": str(data_dir)}
    return subprocess.run([sys.executable, "-m", "lib.cli", *args], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=300)


@pytest.mark.parametrize("order", [["setup-city", "prepare", "export"], ["prepare", "setup-city", "export"],
                                   ["setup-city", "export"]])
def test_setup_city_works_in_any_order_with_prepare_and_export(tmp_path, order):
    """README order on a fresh folder: setup-city may come before the first start (the demo course is seeded then)."""
    boundaries = write_estat_zip(tmp_path / "r2ka31.zip")
    commands = {"setup-city": ["setup-city", "--boundaries", str(boundaries), "--city", "31201"],
                "prepare": ["prepare"],
                "export": ["export", "--group", "example", "--format", "html", "--out", str(tmp_path / "deck.html")]}
    for step in order:
        done = run_cli(tmp_path / "data", *commands[step])
        assert done.returncode == 0 and "Traceback" not in done.stderr, (step, done.stderr)
    assert (tmp_path / "deck.html").read_bytes().startswith(b"<!DOCTYPE html>")


def test_join_page_works_when_setup_city_came_before_the_first_start(tmp_path, city_store):
    from streamlit.testing.v1 import AppTest

    from lib.workspace import course
    from lib.workspace.items import open_workspace

    setup_city(write_estat_zip(tmp_path / "r2ka31.zip"), "31201", store=city_store)
    city_store.close()
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120).run()
    at.switch_page("pages/join.py").run()  # the first page run seeds the demo course
    assert not at.exception, at.exception
    ws = open_workspace(city_store)
    group = next(g for g in ws.groups(course.current_course(ws).course_id) if g.name == "A班")
    at.selectbox(key="join_group").set_value(group.group_id)
    at.text_input(key="join_code").input(group.join_code)
    at.text_input(key="join_name").input("試験 太郎")
    at.text_input(key="join_department").input("企画課")
    at.button[0].click().run()
    assert not at.exception, at.exception
    assert "member" in at.session_state


def file_sums(path: Path, city_code: str) -> tuple[int, int]:
    """JINKO and SETAI of every polygon of the city in the file, read straight from it."""
    frame = gpd.read_file(f"zip://{path}", encoding="cp932")
    rows = frame[frame["KEY_CODE"].str[:5] == city_code]
    return int(rows["JINKO"].sum()), int(rows["SETAI"].sum())


def test_real_2015_prefecture_file_keeps_codes_names_and_totals(city_store):
    report = setup_city(REAL_TOTTORI_2015, "31201", store=city_store)
    text = "\n".join(report.lines("ja"))
    assert (report.city_name, report.pref_name, report.year) == ("鳥取市", "鳥取県", 2015)
    assert "nan" not in text.lower() and "nan" not in settings_text()
    codes = [r[0] for r in city_store.published().execute("SELECT area_code FROM areas ORDER BY 1").fetchall()]
    assert codes == ["31201068003", "312012130", "312012224", "312012500"]  # 9 and 11 digits, never padded
    assert (report.population_total, report.households_total) == file_sums(REAL_TOTTORI_2015, "31201")
    by_code = dict(city_store.published().execute("SELECT area_code, population FROM population").fetchall())
    assert by_code["312012500"] == 1027  # 浜坂: JINKO on the part that is not AREA_MAX_F = M
    assert by_code["312012130"] == 833  # 伏野 with its three islands (KIGO_I = 'I'): kept, not a 秘匿 mark
    assert report.island_areas == ["312012130"]
    assert f"{report.population_total:,}" in text and f"{report.households_total:,}" in text


def settings_text() -> str:
    return (Path(os.environ["WORKBENCH_DATA_DIR"]) / "city.json").read_text(encoding="utf-8").lower()


def test_real_2015_town_of_a_gun_is_named_without_nan_and_listed_with_its_gun(city_store):
    report = setup_city(REAL_TOTTORI_2015, "31302", store=city_store)
    assert report.city_name == "岩美町" and "nan" not in settings_text()
    assert (report.population_total, report.households_total) == file_sums(REAL_TOTTORI_2015, "31302")
    with pytest.raises(CitySetupError) as caught:
        setup_city(REAL_TOTTORI_2015, "31303", store=city_store)
    assert "31201 鳥取市、31302 岩美郡岩美町" in caught.value.text("ja") and "nan" not in caught.value.text("ja")


def test_real_2020_file_with_9_and_11_digit_codes_and_a_split_area(city_store):
    report = setup_city(REAL_TOKYO_2020, "13101", store=city_store)
    assert (report.city_name, report.pref_name, report.year) == ("千代田区", "東京都", 2020)
    cursor = city_store.published()
    by_code = dict(cursor.execute("SELECT area_code, households FROM areas").fetchall())
    assert sorted(by_code) == ["13101001001", "13101002001", "131010370"]
    assert by_code["131010370"] == 111  # 神田紺屋町: two polygons, SETAI on the smaller one
    assert (report.population_total, report.households_total) == file_sums(REAL_TOKYO_2020, "13101")
    minato = setup_city(REAL_TOKYO_2020, "13103", store=city_store)
    assert minato.island_areas == ["13103030001"]  # 台場一丁目 with its island
    assert (minato.population_total, minato.households_total) == file_sums(REAL_TOKYO_2020, "13103")


def test_a_year_the_file_contradicts_is_reported_and_the_files_edition_kept(city_store):
    report = setup_city(REAL_TOTTORI_2015, "31201", year=2020, store=city_store)
    assert report.year == 2015 and json.loads(settings_text())["year"] == 2015
    assert "2020 年が指定されましたが、このファイルは 2015 年の境界です" in "\n".join(report.lines("ja"))
    agreeing = setup_city(REAL_TOTTORI_2015, "31201", year=2015, store=city_store)
    assert agreeing.year_given is None and "指定されましたが" not in "\n".join(agreeing.lines("ja"))


def test_key_codes_that_lost_the_prefectures_leading_zero_get_it_back_and_nothing_else():
    frame = estat_frame(2020)
    frame["PREF"] = 1
    frame["KEY_CODE"] = ("01" + frame["CITY"] + frame["S_AREA"]).astype(int)  # 10 and 8 digits left
    areas, _ = small_areas(frame, "01201")
    assert sorted(areas["area_code"]) == ["01201001001", "01201001002", "012010020", "012010030", "01201004003"]


def test_cli_reads_a_facility_list_with_its_column_mapping_and_refuses_a_bad_one(tmp_path):
    boundaries = write_estat_zip(tmp_path / "r2ka31.zip")
    point = estat_frame().geometry.iloc[0].representative_point()
    listed = tmp_path / "要配慮者利用施設一覧.csv"
    listed.write_text(f"要配慮者利用施設名称,北緯,東経\n東町ケアホーム,{point.y},{point.x}\n", encoding="utf-8")
    args = ["--boundaries", str(boundaries), "--city", "31201", "--facilities", str(listed)]
    done = run_setup_city(tmp_path / "data", *args, "--facility-columns", "name=要配慮者利用施設名称,lat=北緯,lon=東経")
    assert done.returncode == 0, done.stderr
    assert "「要配慮者利用施設一覧.csv」（要配慮者利用施設一覧）：1 件" in done.stdout
    refused = run_setup_city(tmp_path / "data2", *args, "--facility-columns", "名前=要配慮者利用施設名称")
    assert refused.returncode == 2 and "列の対応「名前=要配慮者利用施設名称」が読めません" in refused.stderr
    assert "Traceback" not in refused.stderr and not (tmp_path / "data2" / "city.json").exists()


def test_a_rerun_publishes_only_what_it_read_also_for_another_city(tmp_path, city_store):
    """A second setup-city without --households / --facilities (here for 米子市) must not leave 鳥取市's
    households and facilities published beside the new city's areas."""
    from lib.data.publishing import publication_log
    from tests.fixtures.estat import write_facility_csv

    boundaries = write_estat_zip(tmp_path / "r2ka31.zip")
    first = setup_city(boundaries, "31201", store=city_store,
                       households=write_census_households_csv(tmp_path / "tblT001084C31.csv"),
                       facilities=[write_facility_csv(tmp_path / "aed.csv", "aed")])
    assert {"households", "facilities"} <= set(first.datasets) and first.withdrawn == []
    again = setup_city(boundaries, "31201", store=city_store, households=tmp_path / "tblT001084C31.csv")
    assert again.withdrawn == ["facilities"] and load_catalog()["facilities"].origin == "demo"
    other = setup_city(boundaries, "31202", store=city_store)
    assert other.withdrawn == ["households"]
    assert "前の設定で公開した households は、今回は読まなかったため取り下げました" in "\n".join(other.lines("ja"))
    catalog = load_catalog()
    assert "households" not in catalog and catalog["facilities"].origin == "demo"  # the demo's, hidden on a city
    assert "米子市" in catalog["areas"].title_in("ja") and current_city()["datasets"] == other.datasets
    assert publication_log("households")[-1]["action"] == "withdraw"


def test_a_rerun_keeps_what_the_instructor_published_since(tmp_path, city_store):
    from lib.data.publishing import publish_public_statistics
    from tests.fixtures.estat import write_facility_csv

    boundaries = write_estat_zip(tmp_path / "r2ka31.zip")
    setup_city(boundaries, "31201", store=city_store, facilities=[write_facility_csv(tmp_path / "aed.csv", "aed")])
    folder = settings.published_sources_dir() / "facilities"  # the instructor publishes a list of their own
    own = gpd.read_file(folder / "facilities.geojson")
    dictionary = yaml.safe_load((folder / "facilities.yaml").read_text(encoding="utf-8"))
    publish_public_statistics([(own, dictionary)], published_by="講師", source="施設一覧（自作）.csv", store=city_store)
    assert setup_city(boundaries, "31201", store=city_store).withdrawn == []
    assert load_catalog()["facilities"].origin == "published"


REAL_AOBA_CENSUS = REAL / "estat_tblT001082C04_aoba_3rows.csv"


def test_real_census_table_gives_bands_by_sex_for_the_boundary_codes():
    from lib.data.census_tables import read_census_ages

    ages = read_census_ages(REAL_AOBA_CENSUS, pd.Series(["041010010", "041010020", "041019999"]))
    assert ages.matched == 2 and ages.secret == [] and ages.unmatched == []  # the city's row (04101) is no area
    assert (ages.total, ages.city_total) == (649 + 741, 311590)  # 青葉区's own row: the file is a 3-row cut
    frame = ages.frame
    assert set(frame["sex"]) == {"男性", "女性"} and frame["age_band"].nunique() == 16  # 0-4 … 70-74, 75+
    one = frame[frame["area_code"] == "041010010"]
    known = one["population"].sum()
    assert known == 48 + 413 + 143  # 15歳未満 + 15〜64歳 + 65歳以上 of 青葉町
    assert one.loc[one["age_band"].isin(["65-69", "70-74", "75+"]), "population"].sum() == 143
    assert one.loc[one["age_band"] == "75+", "population"].sum() == 67
    assert ages.unknown_age == (649 - 604) + (741 - 710)  # 総数 includes unknown ages


def test_census_table_turns_into_ageing_and_old_old_rates_on_the_citys_map(tmp_path, city_store):
    from tests.fixtures.estat import CENSUS_AREAS, write_census_age_csv

    report = setup_city(write_estat_zip(tmp_path / "r2ka31.zip"), "31201", store=city_store,
                        census=write_census_age_csv(tmp_path / "tblT001082C31.csv"))
    text = "\n".join(report.lines("ja"))
    assert "町丁・字 5 件のうち 5 件" in text
    # 字雲山 is secret: counted in the area its HTKSAKI names, published without figures (not as 0 persons)
    assert report.census.secret == [("312010030", "字雲山", "312010020", "大字湖山")]
    assert (
        "値なし（0 ではありません）で公開しました。地図では色が付きません：字雲山（312010030）→ 大字湖山（312010020）"
        in text
    )
    known = sum(2 * (15 * p + o) for p, o in filter(None, CENSUS_AREAS.values()))
    everyone = known + 2 * 4  # one person of unknown age per sex in each of the 4 areas with figures
    assert (
        f"町丁・字の人口の合計 {everyone:,} 人（年齢不詳を含む）は、表の市区町村の行（{everyone:,} 人）と一致します"
        in text
    )
    catalog = load_catalog()
    cursor = city_store.published()
    presets = preset_measures(cursor, catalog)
    assert {"indicator.ageing_rate", "map.preset.old_old_rate"} <= set(presets)
    per_band, old = CENSUS_AREAS["312010020"]
    everyone = 2 * (15 * per_band + old)
    ageing = map_data.build_map_data(cursor, catalog, MapSpec(measure=presets["indicator.ageing_rate"]))
    old_old = map_data.build_map_data(cursor, catalog, MapSpec(measure=presets["map.preset.old_old_rate"]))
    assert ageing.units.set_index("unit_id").loc["312010020", "value"] == pytest.approx(
        100 * 2 * (2 * per_band + old) / everyone)
    assert old_old.units.set_index("unit_id").loc["312010020", "value"] == pytest.approx(100 * 2 * old / everyone)
    total = cursor.execute("SELECT sum(population) FROM population").fetchone()[0]
    assert total == known  # no 町 total twice
    assert cursor.execute("SELECT count(*) FROM population WHERE area_code = '312010030'").fetchone()[0] == 0


def test_no_demo_content_on_a_real_city_unless_marked(tmp_path, city_store):
    """Issue 20, item 6: the chart builder opens on the city's own data, the demo city's flood zones are not
    overlaid on the real city, and exercises on the demo city's data are hidden (no raw error)."""
    from streamlit.testing.v1 import AppTest

    from lib.maps.queries import MapDataError

    setup_city(write_estat_zip(tmp_path / "r2ka31.zip"), "31201", store=city_store,
               households=write_census_households_csv(tmp_path / "tblT001084C31.csv"))
    with pytest.raises(MapDataError) as refused:
        map_data.build_map_data(city_store.published(), load_catalog(), MapSpec(flood_overlay=True))
    assert "浸水想定区域" in refused.value.text("ja")
    city_store.close()
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120).run()
    at.switch_page("pages/chart_builder.py").run()
    assert not at.exception, at.exception
    assert at.selectbox(key="chart:dataset").value == "population"  # 鳥取市's own, not the demo's care data
    at.switch_page("pages/map.py").run()
    assert not at.exception, at.exception
    assert at.checkbox(key="map_catchment_on").disabled  # no places of its own: nothing to draw circles around
    assert any("施設・通いの場のデータがまだありません" in c.value for c in at.caption)
    at.session_state["map_analysis_tab"] = "浸水想定区域と重ねる"
    at.run()
    assert [c for c in at.checkbox if c.key == "map_flood_on"][0].disabled
    assert "高齢単身世帯率（一般世帯に占める割合）" in at.selectbox(key="map_measure").options  # the census households
    at.switch_page("pages/exercises.py").run()
    assert not at.exception, at.exception
    assert any("この市では表示しません" in c.value for c in at.caption)
    assert not at.warning and not at.error, [w.value for w in at.warning]
