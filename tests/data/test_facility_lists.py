"""Facility lists in the 自治体標準オープンデータセット layouts → the map's facility layer, by 町丁・字."""
from __future__ import annotations

from pathlib import Path

import geopandas as gpd
import pytest
import shapely

from lib.data.catalog import load_catalog
from lib.data.city import setup_city
from lib.data.facility_lists import FacilityListError, list_kind, parse_column_mapping, read_facility_list
from lib.data.query import distinct_values
from lib.data.store import Store
from tests.fixtures.estat import estat_frame, write_estat_zip, write_facility_csv

REAL_UTSUNOMIYA = Path(__file__).resolve().parents[1] / "fixtures" / "real" / "utsunomiya_evacuation_sites_row1.csv"


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


def test_real_utsunomiya_list_with_another_citys_boundaries_is_refused_with_the_count_and_a_hint(areas):
    with pytest.raises(FacilityListError) as caught:
        read_facility_list(REAL_UTSUNOMIYA, areas)  # 宇都宮市's shelters against 鳥取市's 町丁・字
    text = caught.value.text("ja")
    assert caught.value.key == "all_outside" and "1 件" in text and "別の市区町村の一覧ではありませんか" in text
    assert "宇都宮市中央本町" in text and caught.value.text("en")


def test_real_utsunomiya_shelters_are_named_shelters_not_public_facilities():
    around = gpd.GeoDataFrame({"area_code": ["09201000100"]}, geometry=[shapely.box(139.88, 36.55, 139.89, 36.57)],
                              crs=4326)
    sites = read_facility_list(REAL_UTSUNOMIYA, around)
    assert sites.kind == "shelter" and sites.points["category"].tolist() == ["避難場所・避難所"]
    assert sites.points["name"].tolist() == ["中央小学校"] and sites.outside == 0
    assert sites.points.geometry.iloc[0].y == pytest.approx(36.55925966)


def test_list_kinds():
    assert list_kind(["名称", "介護サービスの種類", "緯度", "経度"]) == ("care", "介護サービスの種類")
    assert list_kind(["名称", "緯度", "経度", "種別"], "公共施設一覧.csv") == ("public", "種別")
    assert list_kind(["名称", "緯度", "経度"], "指定避難所一覧.csv") == ("shelter", None)
    assert list_kind(["名称", "緯度", "経度"], "要配慮者利用施設.csv") == ("other", None)  # never 公共施設 by default


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
        rates = run_chart(cursor, catalog, spec).set_index("area_code")  # labelled by the city's own names
        assert rates.loc["大字湖山", "value"] == pytest.approx(1000 * 2 / 1830)  # 2 AED, JINKO 1,830
        assert rates.loc["東町２丁目", "value"] == pytest.approx(1000 * 1 / 515)
    finally:
        store.close()


def _centre_of(areas, code: str) -> tuple[float, float]:
    point = areas.set_index("area_code").geometry[code].representative_point()
    return point.y, point.x


def test_a_list_the_detector_does_not_know_is_read_with_a_column_mapping(tmp_path, areas):
    lat, lon = _centre_of(areas, "31201001001")
    path = tmp_path / "要配慮者利用施設一覧.csv"
    path.write_text("要配慮者利用施設名称,所在地,北緯,東経,施設区分\n"
                    f"東町ケアホーム,鳥取市東町1丁目,{lat},{lon},社会福祉施設\n"
                    f"東町保育園,鳥取市東町1丁目,{lat},{lon},\n", encoding="utf-8")
    with pytest.raises(FacilityListError) as caught:
        read_facility_list(path, areas)
    assert caught.value.key == "columns" and "要配慮者利用施設名称" in caught.value.text("ja")
    mapping = parse_column_mapping("name=要配慮者利用施設名称, lat=北緯, lon=東経, address=所在地")
    listed = read_facility_list(path, areas, columns=mapping)
    assert listed.kind == "other" and listed.label == "要配慮者利用施設一覧"  # named from the file, not 公共施設
    assert listed.points["category"].tolist() == ["要配慮者利用施設一覧"] * 2
    assert listed.points["address_note"].tolist() == ["鳥取市東町1丁目"] * 2
    kinds = read_facility_list(path, areas, columns={**mapping, "kind": "施設区分"})
    assert kinds.points["category"].tolist() == ["社会福祉施設", "要配慮者利用施設一覧"]
    assert kinds.points["facility_id"].is_unique


@pytest.mark.parametrize(
    ("text", "key"), [("name=施設名", None), ("名前=施設名", "bad_mapping"), ("lat", "bad_mapping")]
)
def test_column_mapping_text(text, key):
    if key is None:
        assert parse_column_mapping(text) == {"name": "施設名"}
        return
    with pytest.raises(FacilityListError) as caught:
        parse_column_mapping(text)
    assert caught.value.key == key and "name=" in caught.value.text("ja")


def test_a_mapped_column_missing_from_the_file_is_refused(tmp_path, areas):
    path = write_facility_csv(tmp_path / "aed.csv", "aed")
    with pytest.raises(FacilityListError) as caught:
        read_facility_list(path, areas, columns={"name": "施設名称"})
    assert (
        caught.value.key == "mapped_missing"
        and "施設名称" in caught.value.text("ja")
        and "名称" in caught.value.text("ja")
    )


def test_points_outside_the_city_are_left_out_and_counted_near_the_edge_kept(tmp_path, areas):
    lat, lon = _centre_of(areas, "31201001001")
    edge = areas.set_index("area_code").geometry["31201001001"].bounds  # minx, miny, maxx, maxy
    path = tmp_path / "公共施設一覧.csv"
    path.write_text("ID,名称,緯度,経度\n1,東町公民館,{},{}\n1,東町倉庫,{},{}\n3,遠くの施設,35.0,135.0\n".format(
        lat, lon, lat, edge[0] - 0.0005), encoding="utf-8")  # 東町倉庫 ~45 m west of the outline
    listed = read_facility_list(path, areas)
    assert listed.kind == "public" and listed.outside == 1
    assert listed.points["name"].tolist() == ["東町公民館", "東町倉庫"]
    assert listed.points["area_code"].tolist() == ["31201001001", "31201001001"]
    assert listed.points["facility_id"].tolist() == ["public-1", "public-1-2"]  # the file repeats ID 1


def test_two_lists_of_one_kind_get_unique_ids_when_published(tmp_path, monkeypatch):
    monkeypatch.setenv("WORKBENCH_DATA_DIR", str(tmp_path / "data"))
    store = Store(tmp_path / "data")
    try:
        setup_city(write_estat_zip(tmp_path / "r2ka31.zip"), "31201", store=store,
                   facilities=[write_facility_csv(tmp_path / "aed1.csv", "aed"),
                               write_facility_csv(tmp_path / "aed2.csv", "aed")])
        ids = [r[0] for r in store.published().execute("SELECT facility_id FROM facilities").fetchall()]
        assert len(ids) == 6 and len(set(ids)) == 6
    finally:
        store.close()
