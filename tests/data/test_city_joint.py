"""Joint courses (issue 20, item 7): several municipalities in one workbench, each group assigned its own.

The real e-Stat 2015 鳥取県 cut holds 鳥取市 (31201) and 岩美郡岩美町 (31302): a real joint course of two.
"""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import geopandas as gpd
import pytest

from lib.charts.spec import ChartSpec, Measure
from lib.charts.sql import run_chart
from lib.data.catalog import load_catalog
from lib.data.city import CitySetupError, setup_city
from lib.data.city_file import city_list
from lib.data.store import Store
from lib.maps import data as map_data
from lib.maps.spec import MapSpec, MeasureSpec
from lib.maps.units import city_name
from tests.conftest import copy_demo_data

ROOT = Path(__file__).resolve().parents[2]
TOTTORI_2015 = ROOT / "tests" / "fixtures" / "real" / "estat_h27ka31_cut.zip"
TOTTORI, IWAMI = "31201", "31302"
POPULATION = MeasureSpec("population", "population", [], "none", 1, "map.preset.population")


def file_sums(city_code: str) -> tuple[int, int]:
    """JINKO and SETAI of every polygon of the city, read straight from the file."""
    frame = gpd.read_file(f"zip://{TOTTORI_2015}", encoding="cp932")
    rows = frame[frame["KEY_CODE"].str[:5] == city_code]
    return int(rows["JINKO"].sum()), int(rows["SETAI"].sum())


def test_cli_sets_up_both_towns_with_totals_per_town(tmp_path):
    data = tmp_path / "data"
    env = {**os.environ, "WORKBENCH_DATA_DIR": str(data)}
    done = subprocess.run([sys.executable, "-m", "lib.cli", "setup-city", "--boundaries", str(TOTTORI_2015),
                           "--city", TOTTORI, "--city", IWAMI], cwd=ROOT, env=env, capture_output=True, text=True,
                          timeout=300)
    assert done.returncode == 0, done.stderr
    out = done.stdout
    assert "合同研修「鳥取市・岩美町」" in out and "nan" not in out.lower()
    for code, name in ((TOTTORI, "鳥取市"), (IWAMI, "岩美町")):
        population, households = file_sums(code)
        assert f"{name}（{code}）" in out
        assert f"人口 {population:,} 人・世帯 {households:,} は、ファイルにある{name}の全部分の合計と一致" in out
    city = json.loads((data / "city.json").read_text(encoding="utf-8"))
    assert city["city_name"] == "鳥取市・岩美町"
    assert [(c["city_code"], c["city_name"]) for c in city["cities"]] == [(TOTTORI, "鳥取市"), (IWAMI, "岩美町")]


@pytest.fixture(scope="module")
def joint(tmp_path_factory, demo_data):
    """A data folder turned to 鳥取市・岩美町 (the demo built in it first, as after a first start)."""
    folder = copy_demo_data(demo_data, tmp_path_factory.mktemp("joint") / "data")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("WORKBENCH_DATA_DIR", str(folder))
        store = Store(folder)
        report = setup_city(TOTTORI_2015, [TOTTORI, IWAMI], store=store)
        store.close()
        yield folder, report


@pytest.fixture()
def published(joint):
    store = Store(joint[0])
    yield store.published()
    store.close()


def test_one_areas_table_keyed_by_full_code_with_each_towns_totals(joint, published):
    _folder, report = joint
    assert [(p.city_code, p.city_name, p.areas) for p in report.parts] == [(TOTTORI, "鳥取市", 4), (IWAMI, "岩美町", 2)]
    for part in report.parts:
        assert (part.population_total, part.households_total) == file_sums(part.city_code)
    rows = published.execute("SELECT area_code, city_code, city_name FROM areas ORDER BY 1").fetchall()
    assert all(code.startswith(city) for code, city, _ in rows)
    assert {name for *_, name in rows} == {"鳥取市", "岩美町"}
    per_city = dict(published.execute("SELECT left(area_code, 5), sum(population) FROM population GROUP BY 1")
                    .fetchall())
    assert per_city == {TOTTORI: file_sums(TOTTORI)[0], IWAMI: file_sums(IWAMI)[0]}
    catalog = load_catalog()
    assert catalog["areas"].title_in("ja") == "鳥取市・岩美町の町丁・字"
    assert city_name(published, catalog) == "鳥取市・岩美町"


def test_a_one_city_city_json_is_still_read(tmp_path, monkeypatch):
    monkeypatch.setenv("WORKBENCH_DATA_DIR", str(tmp_path))
    (tmp_path / "city.json").write_text(json.dumps({"city_code": TOTTORI, "city_name": "鳥取市", "pref_name": "鳥取県",
                                                    "year": 2015, "source": "h27ka31.zip"}), encoding="utf-8")
    assert city_list() == [{"city_code": TOTTORI, "city_name": "鳥取市", "pref_name": "鳥取県"}]


def test_a_town_missing_from_every_file_is_refused_with_the_files_towns(tmp_path, monkeypatch):
    monkeypatch.setenv("WORKBENCH_DATA_DIR", str(tmp_path))
    with pytest.raises(CitySetupError) as refused:
        setup_city(TOTTORI_2015, [TOTTORI, "31303"], store=Store(tmp_path))
    assert "31303" in refused.value.text("ja") and "31302 岩美郡岩美町" in refused.value.text("ja")
    assert not (tmp_path / "city.json").exists()


def test_towns_of_two_prefectures_files_and_editions_that_disagree(tmp_path, monkeypatch):
    from tests.fixtures.estat import write_estat_zip

    monkeypatch.setenv("WORKBENCH_DATA_DIR", str(tmp_path / "data"))
    tokyo_2020 = ROOT / "tests" / "fixtures" / "real" / "estat_r2ka13_cut.zip"
    store = Store(tmp_path / "data")
    with pytest.raises(CitySetupError) as refused:
        setup_city([TOTTORI_2015, tokyo_2020], [TOTTORI, "13101"], store=store)
    assert refused.value.key == "mixed_editions" and "2015・2020" in refused.value.text("ja")
    with pytest.raises(CitySetupError) as refused:
        setup_city(TOTTORI_2015, [TOTTORI, IWAMI], population=tmp_path / "one.csv", store=store)
    assert refused.value.key == "population_per_city"
    assert not (tmp_path / "data" / "city.json").exists()
    report = setup_city([write_estat_zip(tmp_path / "r2ka31.zip"), tokyo_2020], ["13101", "31202"], store=store)
    store.close()
    assert [(p.city_name, p.source) for p in report.parts] == [("千代田区", "estat_r2ka13_cut.zip"),
                                                              ("米子市", "r2ka31.zip")]
    assert (report.city_name, report.pref_name, report.year) == ("千代田区・米子市", "東京都・鳥取県", 2020)


def test_map_of_one_town_shows_its_areas_only_and_classes_over_them(joint, published):
    catalog = load_catalog()
    both = map_data.build_map_data(published, catalog, MapSpec(measure=POPULATION))
    iwami = map_data.build_map_data(published, catalog, MapSpec(measure=POPULATION, city=IWAMI))
    assert len(both.units) == 6 and set(iwami.units["unit_id"]) == {"31302001001", "313020020"}
    assert iwami.classification.lower == iwami.units["value"].min()  # classes over the town shown
    west, south, east, north = iwami.boundary.total_bounds
    assert west > both.boundary.total_bounds[0] + 0.15 and north <= both.boundary.total_bounds[3]  # zoomed to it
    assert MapSpec.from_dict(MapSpec(city=IWAMI).to_dict()).city == IWAMI


def test_chart_by_town_and_filtered_to_one(joint, published):
    catalog = load_catalog()
    by_town = run_chart(published, catalog, ChartSpec("population", Measure("sum", "population"), ["areas.city_name"]))
    assert dict(zip(by_town["areas.city_name"], by_town["value"], strict=True)) == {
        "鳥取市": file_sums(TOTTORI)[0], "岩美町": file_sums(IWAMI)[0]}


def test_no_per_area_table_mixing_the_demos_care_records_with_the_towns(joint, published):
    from lib.analysis.area_indicators import NAME, analysis_catalog

    assert NAME not in analysis_catalog()  # its columns exist only in the demo's areas


def test_deck_source_line_names_both_towns(joint, published):
    from lib.deck.evidence import resolve_evidence

    catalog = load_catalog()
    spec = MapSpec(measure=POPULATION, city=IWAMI).to_dict()
    evidence = resolve_evidence(published, catalog, "map", {"title": "人口", "spec": spec})
    line = evidence.source_line("ja")
    assert "鳥取市・岩美町" in line and "nan" not in line.lower()


def test_map_pictures_source_line_names_the_town_shown(joint):
    from lib.maps.export import source_line

    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("WORKBENCH_DATA_DIR", str(joint[0]))
        assert source_line("ja").startswith("出典：鳥取市・岩美町の公開データ")
        assert source_line("ja", IWAMI).startswith("出典：岩美町の公開データ")


def member_of(ws, group) -> dict:
    from lib.workspace import course

    member = course.join_group(ws, group.group_id, group.join_code, "合同 花子", "企画課")
    return {"member_id": member.member_id, "group_id": group.group_id, "group_name": group.name,
            "course_id": group.course_id, "name": "合同 花子", "department": "企画課"}


def test_a_group_of_the_second_town_sees_it_first_and_can_switch(joint):
    from streamlit.testing.v1 import AppTest

    from lib.workspace import course
    from lib.workspace.items import open_workspace_in

    folder, _report = joint
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("WORKBENCH_DATA_DIR", str(folder))
        at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120).run()  # the first run seeds the demo course
        ws = open_workspace_in(folder)
        info = course.current_course(ws)
        with pytest.raises(course.CourseError):
            course.add_group(ws, info.course_id, "岩美班", city_code="99999")
        group = course.add_group(ws, info.course_id, "岩美班", city_code=IWAMI)
        assert course.group_city(group) == IWAMI
        example = next(g for g in ws.groups(info.course_id) if course.is_example(g))
        assert course.group_city(example) == TOTTORI  # the example group: the first town
        at.session_state["member"] = member_of(ws, group)
        at.session_state["map_table_open"] = True  # the map's table (drawn once its expander is opened)
        at.switch_page("pages/map.py").run()
        assert not at.exception, at.exception
        assert at.selectbox(key="map_city").value == IWAMI
        assert "岩美町の町丁・字" not in " ".join(e.value for e in at.error)
        shown = " ".join(str(frame.value.to_dict()) for frame in at.dataframe)
        assert "浦富浜浦富" in shown and "伏野" not in shown
        at.selectbox(key="map_city").set_value("").run()  # 全市町
        assert not at.exception, at.exception
        shown = " ".join(str(frame.value.to_dict()) for frame in at.dataframe)
        assert "浦富浜浦富" in shown and "伏野" in shown

        at.switch_page("pages/chart_builder.py").run()
        assert not at.exception, at.exception
        at.selectbox(key="chart:dataset").set_value("population").run()
        assert at.selectbox(key="chart:city").value == IWAMI
        at.selectbox(key="chart:dim1").set_value("areas.city_name").run()
        assert not at.exception, at.exception
        table = next(f.value for f in at.dataframe if "市区町村" in f.value.columns)
        assert list(table["市区町村"]) == ["岩美町"]
        at.selectbox(key="chart:city").set_value("").run()
        table = next(f.value for f in at.dataframe if "市区町村" in f.value.columns)
        assert sorted(table["市区町村"]) == ["岩美町", "鳥取市"]

        at.switch_page("pages/pivot_table.py").run()  # every analysis page's filters offer the town
        at.selectbox(key="pivot:dataset").set_value("population").run()
        assert not at.exception, at.exception
        assert at.selectbox(key="pivot:city").value == IWAMI
        at.switch_page("pages/statistics.py").run()
        assert not at.exception, at.exception


def test_instructor_assigns_a_town_and_sees_each_towns_totals(joint):
    from streamlit.testing.v1 import AppTest

    from lib.workspace import course
    from lib.workspace.items import open_workspace_in

    folder, _report = joint
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("WORKBENCH_DATA_DIR", str(folder))
        at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
        at.session_state["instructor"] = True
        at.run()
        at.switch_page("pages/instructor.py").run()
        assert not at.exception, at.exception
        ws = open_workspace_in(folder)
        group = next(g for g in ws.groups(course.current_course(ws).course_id) if g.name == "A班")
        at.selectbox(key=f"inst_group_city_{group.group_id}").set_value(IWAMI).run()
        assert not at.exception, at.exception
        assert course.group_city(ws.group(group.group_id)) == IWAMI
        at.switch_page("pages/instructor_data.py").run()
        assert not at.exception, at.exception
        totals = next(f.value for f in at.dataframe if "町丁・字" in f.value.columns)
        assert list(totals["市区町村"]) == ["鳥取市", "岩美町"]
        assert list(totals["人口（最新年）"]) == [file_sums(TOTTORI)[0], file_sums(IWAMI)[0]]
        assert at.text_input(key="city_code").value == f"{TOTTORI}, {IWAMI}"
