"""Facility lists in the 自治体標準オープンデータセット layouts → the map's facility layer, by 町丁・字."""
from __future__ import annotations

from pathlib import Path

import geopandas as gpd
import pytest

from lib.charts.sql import distinct_values
from lib.data.catalog import load_catalog
from lib.data.city import setup_city
from lib.data.facility_lists import FacilityListError, list_kind, read_facility_list
from lib.data.store import Store
from tests.estat_fixtures import estat_frame, write_estat_zip, write_facility_csv

REAL_UTSUNOMIYA = Path(__file__).resolve().parent / "fixtures" / "real" / "utsunomiya_evacuation_sites_row1.csv"


@pytest.fixture()
def areas():
    frame = estat_frame()
    return gpd.GeoDataFrame({"area_code": frame["KEY_CODE"]}, geometry=frame.geometry, crs=6668).to_crs(4326)


def test_aed_list_points_get_their_area_and_rows_without_coordinates_are_counted(tmp_path, areas):
    aed = read_facility_list(write_facility_csv(tmp_path / "aed.csv", "aed"), areas)
    assert aed.kind == "aed" and aed.skipped == ["位置不明の診療所"]
    assert aed.points["area_code"].tolist() == ["31201001001", "312010020", "312010020"]
    assert set(aed.points["category"]) == {"AED"} and aed.outside == 0


def test_medical_list_takes_its_kind_column_as_category(tmp_path, areas):
    medical = read_facility_list(write_facility_csv(tmp_path / "iryo.csv", "medical"), areas)
    assert medical.kind == "medical"
    assert dict(zip(medical.points["name"], medical.points["category"], strict=True)) == {
        "東町病院": "病院", "吉方クリニック": "無床診療所"}


def test_real_utsunomiya_row_outside_the_city_is_kept_and_counted(areas):
    sites = read_facility_list(REAL_UTSUNOMIYA, areas)
    assert sites.points["name"].tolist() == ["中央小学校"] and sites.outside == 1
    assert sites.points.geometry.iloc[0].y == pytest.approx(36.55925966)


def test_list_kinds():
    assert list_kind(["名称", "介護サービスの種類", "緯度", "経度"]) == ("care", "介護サービスの種類")
    assert list_kind(["名称", "緯度", "経度", "種別"]) == ("public", "種別")


def test_list_without_coordinates_columns_is_refused(tmp_path, areas):
    path = tmp_path / "list.csv"
    path.write_text("名称,住所\n東町公民館,東町1-1\n", encoding="utf-8")
    with pytest.raises(FacilityListError) as caught:
        read_facility_list(path, areas)
    assert caught.value.key == "columns" and caught.value.text("en")


def test_facilities_on_the_map_page_and_rate_per_1000_by_area(tmp_path, monkeypatch):
    """The city's facilities replace the demo's; the chart page's rate per 1,000 by 町丁目 uses them."""
    from lib.charts.spec import ChartSpec, Measure
    from lib.charts.sql import run_chart

    monkeypatch.setenv("WORKBENCH_DATA_DIR", str(tmp_path / "data"))
    store = Store(tmp_path / "data")
    try:
        report = setup_city(write_estat_zip(tmp_path / "r2ka31.zip"), "31201", store=store,
                            facilities=[write_facility_csv(tmp_path / "aed.csv", "aed"),
                                        write_facility_csv(tmp_path / "iryo.csv", "medical")])
        assert "AED" in "\n".join(report.lines("ja"))
        catalog = load_catalog()
        cursor = store.published()
        assert distinct_values(cursor, catalog, "facilities", "category") == ["AED", "無床診療所", "病院"]
        spec = ChartSpec("facilities", Measure("rate_per_1000"), ["area_code"], chart_type="ranked_bar")
        rates = run_chart(cursor, spec, catalog).set_index("area_code")  # labelled by the city's own names
        assert rates.loc["大字湖山", "value"] == pytest.approx(1000 * 2 / 1830)  # 2 AED, JINKO 1,830
        assert rates.loc["東町２丁目", "value"] == pytest.approx(1000 * 1 / 515)
    finally:
        store.close()
