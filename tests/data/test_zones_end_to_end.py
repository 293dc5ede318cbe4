"""A raw care export of a real city with many 町丁・字 (set up from its e-Stat boundaries) → address matching → zones →
anonymize (k = the small-cell threshold) → publish → a choropleth of 認定率 by zone on the map's own pipeline
(issue 20, item 4 acceptance)."""
from __future__ import annotations

import re
from datetime import date

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely

from lib import settings
from lib.data import anonymize as an
from lib.data import publishing
from lib.data.address_matching import match_addresses
from lib.data.catalog import load_catalog
from lib.data.city import setup_city
from lib.data.generalization_presets import preset_spec
from lib.data.store import read_geo
from lib.data.zones import build_zones, default_min_people, with_zones, zone_layer
from lib.maps.data import build_map_data
from lib.maps.render import render_map
from lib.maps.spec import MapSpec, MeasureSpec
from lib.maps.zone_map import zones_map
from tests.data.test_address_matching import care_export_addresses
from tests.fixtures.estat import write_frame_zip

CELL = 0.01
K = settings.MIN_CELL  # k of the records = the small-cell threshold (one number)


@pytest.fixture(scope="module")
def store(data_dir, tmp_path_factory):
    """A data folder of this module's own, set up for the generated city from its e-Stat boundaries (population
    = the file's JINKO): a real city whose only welfare data is what is published here by zone."""
    from lib.data.store import get_store

    folder = tmp_path_factory.mktemp("zones-city")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("WORKBENCH_DATA_DIR", str(folder / "data"))
        own = get_store()
        setup_city(write_frame_zip(estat_city(city_areas()), folder / "r2ka31.zip"), "31201", store=own)
        yield own
        own.close()


def city_areas(rows: int = 12, cols: int = 12) -> gpd.GeoDataFrame:
    """A generated city of rows × cols 町丁・字 cells as e-Stat codes them: towns of 4 丁目 (11 digits) and
    大字 (9 digits), with a population each (60,000 in all)."""
    rng = np.random.default_rng(4)
    syllables = "松川桜岡浜坂吉田栄緑港宮"
    records = []
    for n in range(rows * cols):
        r, c = divmod(n, cols)
        town = n // 4
        stem = syllables[town % 12] + syllables[(town // 12 + 5) % 12]
        if town % 2:
            code, name = f"31201{town:04d}", f"大字{stem}" if n % 4 == 0 else None
        else:
            code, name = f"31201{town:04d}{n % 4 + 1:02d}", f"{stem}町{'一二三四'[n % 4]}丁目"
        if name is None:  # a 大字 is one area: its 4 cells are one polygon
            continue
        width = 4 if town % 2 else 1
        records.append((code, name, shapely.box(134.2 + c * CELL, 35.4 + r * CELL, 134.2 + (c + width) * CELL,
                                                35.4 + (r + 1) * CELL)))
    return gpd.GeoDataFrame({"area_code": [r[0] for r in records], "area_name": [r[1] for r in records],
                             "population": rng.integers(100, 900, len(records))},
                            geometry=[r[2] for r in records], crs=4326)


def estat_city(areas: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """The generated city as an e-Stat 2020 boundary frame (KEY_CODE as written, JINKO its population)."""
    codes = areas["area_code"].astype(str)
    return gpd.GeoDataFrame({
        "KEY_CODE": codes, "PREF": "31", "CITY": "201", "S_AREA": codes.str[5:], "PREF_NAME": "鳥取県",
        "CITY_NAME": "鳥取市", "S_NAME": areas["area_name"], "HCODE": 8101, "R2KAxx_": range(1, len(areas) + 1),
        "JINKO": areas["population"], "SETAI": areas["population"] // 2}, geometry=areas.geometry.values,
        crs=4326).to_crs(6668)


def raw_care_export(areas: gpd.GeoDataFrame, n: int) -> pd.DataFrame:
    """要介護認定者一覧 as a department exports it: 氏名, 住所 (mixed forms), 和暦の生年月日, 性別, 要介護度."""
    rng = np.random.default_rng(n)
    addresses, _truth = care_export_addresses(pd.DataFrame(areas.drop(columns="geometry")), "鳥取県", "鳥取市", "",
                                              rows=n, seed=n)
    born = pd.to_datetime("1925-04-01") + pd.to_timedelta(rng.integers(0, 365 * 35, n), unit="D")
    return pd.DataFrame({
        "氏名": [f"見本 {i}" for i in range(n)],
        "住所": addresses,
        "生年月日": [f"昭和{d.year - 1925}年{d.month}月{d.day}日" if d.year > 1926 else f"{d.year}/{d.month}/{d.day}"
                 for d in born],
        "性別": rng.choice(["男", "女"], n, p=[0.35, 0.65]),
        "要介護度": rng.choice(["要支援1", "要支援2", "要介護1", "要介護2", "要介護3", "要介護4", "要介護5"], n),
    })


def publish_by_zone(store, raw: pd.DataFrame, zone_areas: pd.DataFrame, zones, name: str):
    """The export anonymized (k = K) with its areas generalized to the zones, published as `name` with the
    zones' shapes beside it, as the data page publishes it; the result, the report and the dictionary."""
    plan = an.Plan({"氏名": "direct", "住所": "direct", "生年月日": "quasi", "性別": "quasi", "要介護度": "sensitive"},
                   k=K, generalize={"住所": preset_spec("area", "鳥取市"), "生年月日": preset_spec("birth5")})
    result, report = an.anonymize(raw, plan, reference=date(2025, 4, 1), areas=zone_areas)
    applied = an.applied_plan(plan, report)
    dictionary = publishing.build_dictionary(result, name, {"ja": "要介護認定者（地区別）", "en": "Care by zone"},
                                             anonymization=publishing.anonymization_summary(applied, report.to_dict()))
    publishing.publish(result, dictionary, applied, published_by="test", store=store)
    publishing.publish_public_statistics([zone_layer(zones, name)], published_by="test", source="test")
    return result, report, dictionary


@pytest.mark.parametrize("n", [4000, 11000])
def test_raw_care_export_to_a_published_choropleth_of_care_rates_by_zone(store, n):
    areas = city_areas()
    raw = raw_care_export(areas, n)
    matched = match_addresses(raw["住所"], areas, city_name="鳥取市")
    assert matched.values.notna().mean() >= 0.95

    # zones: adjacent areas merged until each holds 10 × k records of the table
    records = matched.values.dropna().value_counts()
    zones = build_zones(areas, records, default_min_people(K))
    assert (zones.shapes["people"] >= default_min_people(K)).all()
    assert len(zones.shapes) >= 10
    assert len(zones_map(zones.shapes).units) == len(zones.shapes)  # the map shown before use

    zone_areas = with_zones(pd.DataFrame(areas.drop(columns="geometry")), zones)
    result, report, dictionary = publish_by_zone(store, raw, zone_areas, zones, f"care_zones_{n}")
    assert report.passed and report.k_achieved >= K
    assert report.renamed == {"area_code": "zone"}
    assert result["zone"].nunique() >= 10
    assert report.suppressed_share <= 0.05 + 0.05  # unmatched addresses (blank area) may be suppressed too
    assert {c["name"]: c.get("role") for c in dictionary["columns"]}["zone"] == "district"
    published = store.published().execute(f'SELECT zone, count(*) AS n FROM "care_zones_{n}" GROUP BY zone').df()

    # the zones published beside the data, and the data drawn by zone as the map page draws it
    shapes = read_geo(store.published(), f'SELECT zone_code, zone_name, geometry FROM "care_zones_{n}_zones"')
    assert set(published["zone"].dropna()) <= set(shapes["zone_name"])
    rate = MeasureSpec(f"care_zones_{n}", None, [], "population", 100, "認定率")
    data = build_map_data(store.published(), load_catalog(), MapSpec(base_unit="zone", zones=f"care_zones_{n}",
                                                                     measure=rate))
    drawn = data.units["value"].notna()
    assert drawn.sum() >= 10
    # 認定率 of each drawn zone, computed again from the published rows and the areas' population
    population = zone_areas.groupby("zone")["population"].sum()
    expected = 100 * published.set_index("zone")["n"] / population
    assert np.allclose(data.units.loc[drawn, "value"], data.units.loc[drawn, "unit_name"].map(expected))
    html = render_map(data).get_root().render()  # the folium map the page shows: one shape per zone
    assert set(re.findall(r'"unit_id":\s*"([^"]+)"', html)) == set(data.units["unit_id"]) == set(shapes["zone_code"])
