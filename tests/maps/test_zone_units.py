"""Published data anonymized to zones, drawn by zone on the map (base unit "zone", issue 20 item 4): through
build_map_data, on the map page, saved and exported. The demo city's areas carry population by age, so the
認定率 per 1,000 aged 65+ is checked against a hand computation from the published rows."""
from __future__ import annotations

from dataclasses import replace

import numpy as np
import pandas as pd
import pytest

from lib.data.address_matching import match_addresses
from lib.data.catalog import load_catalog
from lib.data.query import Filter
from lib.data.store import read_geo
from lib.data.zones import build_zones, default_min_people, with_zones
from lib.deck.evidence import draw_evidence
from lib.maps.data import build_map_data
from lib.maps.export import map_png
from lib.maps.measures import preset_measures
from lib.maps.spec import CatchmentSpec, MapSpec, MapSpecError, NearestSpec, PointLayerSpec
from lib.maps.zone_units import zone_measures
from tests.conftest import app_test, own_store
from tests.data.test_zones_end_to_end import K, publish_by_zone, raw_care_export

NAME = "care_by_zone"
TITLE = "要介護認定者（地区別）"


@pytest.fixture(scope="module")
def store(data_dir, demo_data, tmp_path_factory):
    yield from own_store(demo_data, tmp_path_factory, "zone-maps-data")


@pytest.fixture(scope="module")
def published(store):
    """A made-up care export of the demo city, anonymized to zones of its 町丁・字 and published with them;
    the areas (with population and 65+ of the latest year) and the area → zone table."""
    cursor = store.published()
    areas = read_geo(cursor, "SELECT area_code, area_name, geometry FROM areas ORDER BY 1")
    people = cursor.execute(
        "SELECT area_code, SUM(population) AS population, "
        "SUM(CASE WHEN age_band IN ('65-69','70-74','75-79','80-84','85-89','90+') THEN population ELSE 0 END) "
        "AS elderly FROM population WHERE year = (SELECT MAX(year) FROM population) GROUP BY 1").df()
    areas = areas.merge(people, on="area_code")
    raw = raw_care_export(areas, 4000)
    zones = build_zones(areas, match_addresses(raw["住所"], areas, city_name="鳥取市").values.dropna().value_counts(),
                        default_min_people(K))
    zone_areas = with_zones(pd.DataFrame(areas.drop(columns="geometry")), zones)
    publish_by_zone(store, raw, zone_areas, zones, NAME)
    return zone_areas


def _draw(store, measure_key: str = "map.preset.zone_elderly_rate", **spec):
    measure = zone_measures(NAME)[measure_key]
    return build_map_data(store.published(), load_catalog(), MapSpec(base_unit="zone", zones=NAME, measure=measure,
                                                                      **spec))


def test_care_rate_by_zone_equals_the_published_rows_over_the_areas_65plus(store, published):
    data = _draw(store)
    records = store.published().execute(f"SELECT zone, COUNT(*) AS n FROM {NAME} GROUP BY zone").df()
    by_zone = published.groupby("zone")[["population", "elderly"]].sum()
    counts = records.set_index("zone")["n"].reindex(by_zone.index).fillna(0)
    expected = 1000 * counts / by_zone["elderly"]
    units = data.units.set_index("unit_name")
    assert set(units.index) == set(by_zone.index)  # every published zone is a unit, and nothing else
    assert np.allclose(units["population"], by_zone["population"].reindex(units.index))
    assert np.allclose(units["elderly_65plus"], by_zone["elderly"].reindex(units.index))
    drawn = units["value"].notna()
    assert drawn.sum() >= 10
    assert np.allclose(units.loc[drawn, "value"], expected.reindex(units.index)[drawn])
    # a zone of 1 … K-1 records is greyed, never drawn
    few = counts.reindex(units.index).between(1, K - 1)
    assert units.loc[few, "suppressed"].all() and not units.loc[few, "value"].notna().any()
    assert TITLE in data.value_label and "65歳以上" in data.value_label
    assert any(TITLE in note and f"{len(units)} 地区" in note for note in data.notes)


def test_counts_and_area_measures_by_zone(store, published):
    count = _draw(store, "map.preset.zone_count").units.set_index("unit_name")["value"]
    records = store.published().execute(f"SELECT zone, COUNT(*) AS n FROM {NAME} GROUP BY zone").df()
    shown = count.notna()
    assert np.array_equal(count[shown], records.set_index("zone")["n"].reindex(count.index)[shown])
    # a measure of 町丁目 data (高齢化率 from the population table) sums the areas of each zone
    ageing = preset_measures(store.published(), load_catalog())["indicator.ageing_rate"]
    data = build_map_data(store.published(), load_catalog(), MapSpec(base_unit="zone", zones=NAME, measure=ageing))
    by_zone = published.groupby("zone")[["population", "elderly"]].sum()
    units = data.units.set_index("unit_name")
    assert np.allclose(units["value"], (100 * by_zone["elderly"] / by_zone["population"]).reindex(units.index))


def test_the_zone_map_is_a_saved_spec_that_names_its_data_and_exports(store, published):
    spec = MapSpec(title="認定率", base_unit="zone", zones=NAME, measure=zone_measures(NAME)["map.preset.zone_rate"])
    assert {NAME, f"{NAME}_zones", "population"} <= set(spec.datasets())
    saved = MapSpec.from_dict(spec.to_dict())
    assert saved == spec
    assert MapSpec.from_dict({"base_unit": "area"}).zones == ""  # a map saved before zones still loads
    # redrawn as the workspace and the presentation draw a saved map: its sources name the dataset
    evidence = draw_evidence(store.published(), load_catalog(), "map", {"title": "認定率", "spec": spec.to_dict()})
    assert any(TITLE in line for line in evidence.source_lines("ja"))
    assert TITLE in evidence.map_data.zones_source  # the picture's source line
    assert map_png(evidence.map_data, dpi=40).startswith(b"\x89PNG")


def test_place_analyses_run_on_zones(store, published):
    facilities = PointLayerSpec("facilities")
    data = _draw(store, point_counts=facilities, nearest=NearestSpec(facilities),
                 catchment=CatchmentSpec(facilities, 500), flood_overlay=True)
    inside = (
        store.published()
        .execute(
            "SELECT COUNT(*) FROM facilities f WHERE EXISTS "
            "(SELECT 1 FROM areas a WHERE ST_Intersects(a.geometry, f.geometry))"
        )
        .fetchone()[0]
    )
    assert data.units["point_count"].sum() == inside > 0  # each place counted once, in its zone
    assert data.units["nearest_m"].notna().all() and data.catchment is not None and data.flood is not None


def test_zones_of_data_without_published_zones_are_refused_in_japanese(store, published):
    catalog = load_catalog()
    with pytest.raises(MapSpecError) as error:
        build_map_data(store.published(), catalog, MapSpec(base_unit="zone", zones="care_certification"))
    assert "地区の形が公開されていない" in error.value.text("ja")


def test_the_map_page_offers_the_zones_and_draws_them(store, published):
    at = app_test(120)
    at.session_state["lang"] = "ja"
    at.run()
    at.switch_page("pages/map.py").run()
    unit = at.radio(key="map_unit")
    assert f"zone:{NAME}" in unit.options or f"地区（{TITLE}）" in unit.options
    unit.set_value(f"zone:{NAME}").run()
    assert not at.exception, at.exception
    assert not at.error, [e.value for e in at.error]
    label = f"{TITLE}の件数（65歳以上人口千人あたり）"
    assert at.selectbox(key=f"map_measure_{NAME}").value == "map.preset.zone_elderly_rate"
    assert label in [t.value for t in at.text_input]  # the evidence title starts from the legend's title
    assert not at.dataframe  # the table is drawn once its expander is opened (its code delays the map)
    at.session_state["map_table_open"] = True
    at.run()
    assert any(label in str(c) for frame in at.dataframe for c in frame.value.columns)



def test_a_filtered_count_by_zone_greys_the_zones_of_few_persons(store, published):
    men_level_5 = [Filter("性別", "in", ["男"]), Filter("要介護度", "in", ["要介護5"])]
    measure = replace(zone_measures(NAME)["map.preset.zone_count"], filters=men_level_5)
    data = build_map_data(store.published(), load_catalog(), MapSpec(base_unit="zone", zones=NAME, measure=measure))
    counted = store.published().execute(
        f"SELECT zone, COUNT(*) AS n FROM {NAME} WHERE 性別 = '男' AND 要介護度 = '要介護5' GROUP BY zone").df()
    units = data.units.set_index("unit_name")
    n = counted.set_index("zone")["n"].reindex(units.index).fillna(0)
    few = n.between(1, K - 1)
    assert few.any() and (~units["suppressed"]).any()
    assert units.loc[few, "suppressed"].all() and units.loc[few, "value"].isna().all()
    shown = ~units["suppressed"]
    assert np.array_equal(units.loc[shown, "value"], n[shown])
    # records without a zone (an address that matched nothing) are left off the map, and the map says so
    assert any("地区が空欄" in note for note in data.notes)
