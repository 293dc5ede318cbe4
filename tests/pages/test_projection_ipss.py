"""The national institute's projection published from its file: the projection page's second route (one
population year + IPSS's ratios) in AppTest, the saved evidence drawn again in an export, the CLI, and a
bad file that changes nothing. A data folder of this module's own: the demo city plus the published file."""
from __future__ import annotations

import os

import pytest

from lib.analysis.cohort_projection import project_with_reference
from lib.analysis.projection_data import population_year, reference_projection
from lib.cli import main as cli_main
from lib.data.catalog import load_catalog
from lib.data.ipss_projection import IpssProjectionError, publish_ipss_projection
from lib.deck import export as deck_export
from lib.deck import model as deck_model
from lib.deck.analyses.projection_common import reference_caution
from lib.deck.analysis_evidence import run_analysis
from tests.conftest import app_test, copy_demo_data
from tests.fixtures.deck import demo_workspace
from tests.fixtures.ipss import YEARS, values, write_csv, write_national_workbook

PAGE = "pages/projection.py"
# みどり野市 as IPSS might project it: 1 % fewer people each five years in every band, and fewer in each
# older band (deaths), so that ratios differ by age.
CITY = values(changes={(sex, year, band): 1000 * 0.99 ** k * (0.9 ** max(0, band - 11))
                       for sex in ("男性", "女性") for k, year in enumerate(YEARS) for band in range(20)})
SPEC = {"method": "cohort_projection", "base_year": 2025, "target_year": 2040, "show": "map", "measure": "p75",
        "ratios": "ipss"}


@pytest.fixture(scope="module")
def ipss_store(data_dir, demo_data, tmp_path_factory):
    from lib.data.store import get_store

    previous = os.environ["WORKBENCH_DATA_DIR"]
    os.environ["WORKBENCH_DATA_DIR"] = str(copy_demo_data(demo_data, tmp_path_factory.mktemp("ipss-data")))
    own = get_store()
    files = tmp_path_factory.mktemp("ipss-files")
    path = write_national_workbook(files / "suikei_kekka.xlsx",
                                   {"14999": ("みどり野市", CITY), "14998": ("ほか町", values(base=40))})
    publish_ipss_projection(path, "14999", published_by="tester", store=own)
    yield own, files
    own.close()
    os.environ["WORKBENCH_DATA_DIR"] = previous


def test_the_page_offers_one_year_plus_ipss_ratios_and_saves_it(ipss_store):
    at = app_test(timeout=120).run()
    at.switch_page(PAGE).run()
    assert not at.exception, at.exception
    route = at.radio(key="projection:route")
    assert route.options == ["5 年離れた 2 つの年の人口", "最新の年の人口＋社人研の推計の率"]
    route.set_value("ipss").run()
    assert not at.exception, at.exception
    assert not at.error, [e.value for e in at.error]
    assert any("社人研「日本の地域別将来推計人口」のみどり野市の推計（2020〜2050 年）" in c.value for c in at.caption)
    assert "市全体と同じ率で変わる" in at.warning[0].value and "社人研の推計の市全体の率" in at.warning[1].value
    assert any("市全体の人口は 2025 年の" in s.value for s in at.success)
    assert any("どの町丁目も同じ率" in m.value for m in at.markdown)  # the method tab says how and its limits
    at.text_input(key="projection:population:save:title").input("社人研の率で2035年")
    at.button[0].click().run()
    assert not at.exception, at.exception
    [saved] = [i for i in at.session_state["saved_evidence"] if i["title"] == "社人研の率で2035年"]
    assert saved["spec"]["ratios"] == "ipss" and saved["spec"]["base_year"] == 2025


def test_saved_ipss_projections_are_drawn_again_with_their_source(ipss_store):
    store, _files = ipss_store
    cursor = store.published()
    try:
        catalog = load_catalog()
        own = run_analysis(cursor, catalog, {**SPEC, "ratios": "own"}, "ja")
        ipss = run_analysis(cursor, catalog, SPEC, "ja")
    finally:
        cursor.close()
    assert ipss.map_data is not None and ipss.datasets == ["population", "areas", "ipss_projection"]
    assert ipss.map_data.units["value"].notna().all()
    # the same 2025 population, other ratios: the 75+ of 2040 differ from the two-year projection's
    assert not own.map_data.units["value"].equals(ipss.map_data.units["value"])
    assert "社人研の推計（みどり野市、2020〜2050 年）" in ipss.caution

    cursor = store.published()
    try:
        # a base year between the projection's years takes the nearest periods, and says so
        off = run_analysis(cursor, catalog, {**SPEC, "base_year": 2024, "target_year": 2044}, "ja")
        assert "2024 年は社人研の推計の 5 年おきの年と合わない" in off.caution
        # past the projection's last year its last period goes on, and says so
        later = population_year(cursor, catalog, 2025).assign(year=2045)
        beyond = project_with_reference(later, reference_projection(cursor, catalog))
        assert beyond.periods[-1] == (2045, 2050)
        assert "2050 年より先は、社人研の推計の最後の期間（2045〜2050 年）の率が続く" in reference_caution(
            cursor, catalog, beyond, 2060, "ja")
    finally:
        cursor.close()

    ws = demo_workspace(store)
    group = ws.create_group(ws.courses()[0].course_id, "社人研班", "IPS-SSS")
    items = [ws.create_item(group.group_id, "analysis", {"title": title, "spec": spec}, "tester") for title, spec in [
        ("75歳以上（社人研の率）", SPEC),
        ("要介護（社人研の率）", {"method": "demand_projection", "dataset": "care_certification", "base_year": 2025,
                           "target_year": 2035, "show": "chart", "ratios": "ipss"})]]
    deck = {"title": "社人研", "slides": [{"section": "results", "title": i.payload["title"], "bullets": [],
                                         "evidence": i.item_id} for i in items]}
    cursor = store.published()
    try:
        prepared = deck_model.prepare_deck(ws, cursor, load_catalog(), group, deck=deck)
    finally:
        cursor.close()
    assert [prepared.evidence[i.item_id].error for i in items] == ["", ""]
    html = deck_export.export_deck(prepared, "html").decode("utf-8")
    assert "国立社会保障・人口問題研究所「日本の地域別将来推計人口（令和5（2023）年推計）」" in html
    assert "を加工して作成" in html and "社人研の推計の市全体の率" in html


def test_a_bad_file_is_refused_and_changes_nothing(ipss_store, capsys):
    store, files = ipss_store
    before = store.published_fingerprint(), sorted(load_catalog())
    bad = write_csv(files / "bad.csv", [["町丁目", "人口"], ["本町", "120"]])
    with pytest.raises(IpssProjectionError):
        publish_ipss_projection(bad, "14999", published_by="tester", store=store)
    assert cli_main(["ipss-projection", str(bad), "--city", "14999"]) == 2
    assert "見つかりません" in capsys.readouterr().err
    assert (store.published_fingerprint(), sorted(load_catalog())) == before
    assert cli_main(["ipss-projection", str(files / "suikei_kekka.xlsx"), "--city", "14999"]) == 0
    assert "みどり野市（14999）の推計を公開しました" in capsys.readouterr().out
