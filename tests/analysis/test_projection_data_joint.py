"""Projection in a joint course (issue 20, item 7): each municipality projected with its own areas, population
and IPSS projection; the municipal projections follow setup-city (real e-Stat 2015 鳥取市 and 岩美町)."""
from __future__ import annotations

import pandas as pd
import pytest
import yaml

from lib.analysis.projection_data import reference_projection, reference_summary
from lib.data.catalog import load_catalog
from lib.data.city import setup_city
from lib.data.ipss_projection import NAME, publish_ipss_projection, published_projections
from lib.data.publishing import publish_public_statistics
from lib.data.store import Store
from lib.deck.analyses.projection_common import project_published
from lib.deck.analysis_evidence import run_analysis
from tests.conftest import ROOT, copy_demo_data
from tests.data.test_city_joint import IWAMI, TOTTORI, TOTTORI_2015, member_of
from tests.fixtures.ipss import YEARS, values, write_national_workbook

BANDS = ["0-4", "5-9", "10-14", "15-19", "20-24", "25-29", "30-34", "35-39", "40-44", "45-49", "50-54", "55-59",
         "60-64", "65-69", "70-74", "75-79", "80-84", "85-89", "90+"]
# 岩美町's projection shrinks by a fifth every five years, 鳥取市's stays as it is
SHRINKING = values(changes={(sex, year, band): 1000 * 0.8 ** k for sex in ("男性", "女性")
                            for k, year in enumerate(YEARS) for band in range(20)})


def _population(store: Store) -> None:
    """Population by 5-year band and sex of both towns' areas in 2020 and 2025 (the demo's dictionary)."""
    codes = [r[0] for r in store.published().execute("SELECT area_code FROM areas").fetchall()]
    frame = pd.DataFrame([(year, code, band, sex, 60) for year in (2020, 2025) for code in codes for band in BANDS
                          for sex in ("男性", "女性")], columns=["year", "area_code", "age_band", "sex", "population"])
    dictionary = yaml.safe_load((ROOT / "datasets" / "demo" / "population.yaml").read_text(encoding="utf-8"))
    publish_public_statistics([(frame, dictionary)], published_by="tester", source="test", store=store)


@pytest.fixture(scope="module")
def towns(tmp_path_factory, demo_data):
    """A data folder turned to 鳥取市・岩美町 with a population by age and each town's IPSS projection."""
    folder = copy_demo_data(demo_data, tmp_path_factory.mktemp("joint-projection") / "data")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("WORKBENCH_DATA_DIR", str(folder))
        store = Store(folder)
        setup_city(TOTTORI_2015, [TOTTORI, IWAMI], store=store)
        _population(store)
        ipss = write_national_workbook(tmp_path_factory.mktemp("ipss") / "suikei_kekka.xlsx",
                                       {TOTTORI: ("鳥取市", values()), IWAMI: ("岩美町", SHRINKING)})
        for code in (IWAMI, TOTTORI):  # in any order: kept in the course's
            publish_ipss_projection(ipss, code, published_by="tester", store=store, course_cities=[TOTTORI, IWAMI])
        store.close()  # the app opens the data read-only: no read-write connection may stay open beside it
        yield folder, ipss


@pytest.fixture()
def store(towns):
    own = Store(towns[0])
    yield own
    own.close()


def test_each_towns_projection_is_published_beside_the_others(towns, store):
    ipss = towns[1]
    rows = published_projections()
    assert list(dict.fromkeys(rows["city_code"])) == [TOTTORI, IWAMI]
    before = len(rows)
    publish_ipss_projection(ipss, TOTTORI, published_by="tester", store=store, course_cities=[TOTTORI, IWAMI])
    assert len(published_projections()) == before  # its own rows replaced, the other town's kept
    catalog = load_catalog()
    assert catalog[NAME].title_in("ja") == "鳥取市・岩美町の将来推計人口（社人研）"
    cursor = store.published()
    assert reference_summary(cursor, catalog, IWAMI) == ("岩美町", 2020, 2050)
    assert reference_summary(cursor, catalog) == ("岩美町・鳥取市", 2020, 2050)
    assert reference_projection(cursor, catalog, "31203") is None  # a town with no projection published


def _growth(cursor, spec: dict) -> tuple[set[str], float]:
    projection, _areas = project_published(cursor, load_catalog(), spec)
    totals = projection.frame.groupby("year")["population"].sum()
    return {a[:5] for a in projection.frame["area"]}, totals[2030] / totals[2025]


def test_each_town_is_projected_with_its_own_areas_and_ratios(store):
    cursor = store.published()
    ipss = {"method": "cohort_projection", "base_year": 2025, "ratios": "ipss"}
    iwami_towns, iwami = _growth(cursor, {**ipss, "city": IWAMI})
    tottori_towns, tottori = _growth(cursor, {**ipss, "city": TOTTORI})
    assert (iwami_towns, tottori_towns) == ({IWAMI}, {TOTTORI})
    assert iwami == pytest.approx(0.8, abs=0.02) and tottori == pytest.approx(1.0, abs=0.05)
    own_towns, _own = _growth(cursor, {"method": "cohort_projection", "base_year": 2025, "city": IWAMI})
    assert own_towns == {IWAMI}
    result = run_analysis(cursor, load_catalog(), {**ipss, "city": IWAMI, "target_year": 2035}, "ja")
    assert result.table.iloc[-1, 0] == "岩美町"  # the whole is the town, not 「市全体」
    assert set(result.table.iloc[:-1, 0]) == {"浦富浜浦富", "牧谷"}
    # saved before the course was joint: every municipality together, and its last row says so
    both = run_analysis(cursor, load_catalog(), {"method": "cohort_projection", "base_year": 2025,
                                                 "target_year": 2035}, "ja")
    assert both.table.iloc[-1, 0] == "参加 2 市町村の合計"


def test_the_page_projects_the_groups_town_and_offers_no_all_towns(towns):
    from lib.workspace import course
    from lib.workspace.items import open_workspace_in
    from tests.conftest import app_test

    folder = towns[0]
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("WORKBENCH_DATA_DIR", str(folder))
        at = app_test(timeout=120).run()
        ws = open_workspace_in(folder)
        group = course.add_group(ws, course.current_course(ws).course_id, "岩美班", city_code=IWAMI)
        at.session_state["member"] = member_of(ws, group)
        at.switch_page("pages/projection.py").run()
        assert not at.exception, at.exception
        choice = at.selectbox(key="projection:city")
        assert choice.value == IWAMI and choice.options == ["鳥取市", "岩美町"]
        at.radio(key="projection:route").set_value("ipss").run()
        assert not at.exception, at.exception
        assert any("岩美町の推計（2020〜2050 年）" in c.value for c in at.caption)
        at.radio(key="projection:show").set_value("map").run()
        assert not at.exception, at.exception
        shown = " ".join(str(frame.value.to_dict()) for frame in at.dataframe)
        assert "牧谷" in shown or "浦富" in shown
        assert "伏野" not in shown  # 鳥取市's areas are not in 岩美町's projection
        at.selectbox(key="projection:city").set_value(TOTTORI).run()
        assert not at.exception, at.exception
        assert any("鳥取市の推計（2020〜2050 年）" in c.value for c in at.caption)

        at.session_state["instructor"] = True  # the instructor publishes one town's projection at a time
        at.switch_page("pages/instructor_data.py").run()
        assert not at.exception, at.exception
        assert at.selectbox(key="ipss_code").options == ["鳥取市（31201）", "岩美町（31302）"]


def test_setup_city_of_one_town_after_a_joint_course_keeps_only_its_projection(tmp_path, demo_data, monkeypatch):
    folder = copy_demo_data(demo_data, tmp_path / "data")
    monkeypatch.setenv("WORKBENCH_DATA_DIR", str(folder))
    store = Store(folder)
    try:
        setup_city(TOTTORI_2015, [TOTTORI, IWAMI], store=store)
        ipss = write_national_workbook(tmp_path / "suikei_kekka.xlsx",
                                       {TOTTORI: ("鳥取市", values()), IWAMI: ("岩美町", SHRINKING)})
        for code in (TOTTORI, IWAMI):
            publish_ipss_projection(ipss, code, published_by="tester", store=store, course_cities=[TOTTORI, IWAMI])
        setup_city(TOTTORI_2015, TOTTORI, store=store)  # back to one town
        assert set(published_projections()["city_code"]) == {TOTTORI}
        assert load_catalog()[NAME].title_in("ja") == "鳥取市の将来推計人口（社人研）"
        assert set(store.published().execute(f"SELECT DISTINCT city_code FROM {NAME}").fetchall()) == {(TOTTORI,)}
        report = setup_city(TOTTORI_2015, IWAMI, store=store)  # a town whose projection was never published
        assert NAME in report.withdrawn and NAME not in load_catalog()
    finally:
        store.close()
