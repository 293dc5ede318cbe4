"""Address matching in a joint course (issue 20, item 7): a care export of 鳥取市 and 岩美郡岩美町 together, each
address matched to the 町丁・字 of the municipality it names (real e-Stat 2015 areas, tests/fixtures/real)."""
from __future__ import annotations

import geopandas as gpd
import pandas as pd
import pytest

from lib.data.address_matching import REASONS, match_addresses
from lib.data.city import small_areas
from lib.data.city_areas import CityAreas
from lib.data.jp_cleaning import preview_cleaning
from lib.data.store import Store
from lib.i18n import t
from tests.data.test_address_matching import CITIES, care_export_addresses
from tests.data.test_city_joint import IWAMI, TOTTORI, joint  # noqa: F401 (the joint course's data folder)


@pytest.fixture(scope="module")
def both_towns() -> pd.DataFrame:
    """The areas of 鳥取市 and 岩美町 as a joint course publishes them: full codes, each naming its town."""
    parts = []
    for code in (TOTTORI, IWAMI):
        path, _pref, _name, _gun = CITIES[code]
        areas, info = small_areas(gpd.read_file(path, encoding="cp932"), code)
        parts.append(pd.DataFrame(areas.drop(columns="geometry")).assign(city_code=code, city_name=info["city_name"]))
    return pd.concat(parts, ignore_index=True)


FORMS = [  # a joint course's export: the prefecture, 郡 and town written or not
    ("鳥取県鳥取市立川町三丁目１２３番地の４", "31201068003"),
    ("鳥取市　伏野　千二百三十四番地", "312012130"),
    ("伏野1234-5", "312012130"),  # no town named: only 鳥取市 has 伏野
    ("鳥取県岩美郡岩美町大字浦富字浜浦富1234", "31302001001"),
    ("鳥取県岩美町浦富字浜浦富１２３４番地", "31302001001"),  # the 郡 left out
    ("岩美町大字牧谷123", "313020020"),
    ("鳥取県牧谷字上ノ山５", "313020020"),  # the prefecture and no town: only 岩美町 has 牧谷
    ("岩美町伏野1234", "no_area"),  # 伏野 is 鳥取市's, not 岩美町's
    ("米子市米原1-2", "other_city"),
    ("", "empty"),
]


@pytest.mark.parametrize("address, expected", FORMS)
def test_each_address_goes_to_the_town_it_names(both_towns, address, expected):
    cleaned = match_addresses(pd.Series([address]), both_towns, city_name="鳥取市・岩美町")
    got = cleaned.values.iloc[0] if pd.notna(cleaned.values.iloc[0]) else cleaned.reasons.iloc[0]
    assert got == expected


def test_an_area_name_of_both_towns_needs_the_town_written():
    areas = pd.DataFrame({"area_code": ["312010010", "313020010"], "area_name": ["本町", "本町"],
                          "city_code": [TOTTORI, IWAMI], "city_name": ["鳥取市", "岩美町"]})
    cleaned = match_addresses(pd.Series(["本町1-2", "岩美郡岩美町本町1-2", "鳥取市本町3"]), areas)
    assert cleaned.values.fillna("").tolist() == ["", "313020010", "312010010"]
    assert cleaned.reasons.iloc[0] == "two_cities" and "two_cities" in REASONS
    assert t("clean.reason.two_cities", "ja").startswith("合同研修の複数の市町")


def test_a_joint_care_export_is_95_percent_matched_and_the_rest_listed_with_its_town(both_towns):
    exports = []
    for seed, code in enumerate((TOTTORI, IWAMI)):
        _path, pref, name, gun = CITIES[code]
        exports.append(care_export_addresses(both_towns[both_towns["city_code"] == code], pref, name, gun,
                                             rows=3000, seed=seed))
    addresses = pd.concat([a for a, _ in exports], ignore_index=True)
    truth = pd.concat([c for _, c in exports], ignore_index=True)
    cleaned = match_addresses(addresses, both_towns, city_name="鳥取市・岩美町")
    matched = cleaned.values.notna()
    assert matched.mean() >= 0.95
    assert (cleaned.values[matched] == truth[matched]).all()  # each to its own town's area, by full code
    assert set(cleaned.values[matched].str[:5]) == {TOTTORI, IWAMI}
    assert int(cleaned.unmatched["rows"].sum()) == int((~matched).sum())
    assert list(cleaned.unmatched.columns) == ["value", "city", "rows", "reason"]
    towns = dict(zip(cleaned.unmatched["value"], cleaned.unmatched["city"], strict=True))
    assert towns["米子市米原二丁目5-3"] == ""  # not one of the course's towns
    misspelt = [v for v in towns if "■" in v]
    assert {towns[v] for v in misspelt if v.startswith("鳥取県鳥取市")} == {"鳥取市"}
    assert {towns[v] for v in misspelt if v.startswith("岩美郡岩美町")} == {"岩美町"}


def test_the_data_page_and_the_recipe_match_against_every_town_of_the_course(joint):  # noqa: F811
    folder, _report = joint
    store = Store(folder)
    try:
        areas = CityAreas(store)
        assert set(areas.table()["city_name"]) == {"鳥取市", "岩美町"}
        assert set(areas.shapes()["city_name"]) == {"鳥取市", "岩美町"}
        frame = pd.DataFrame({"住所": ["鳥取県岩美郡岩美町大字浦富字浜浦富1234", "鳥取市伏野1234", "岩美町伏野1"]})
        preview = preview_cleaning(frame, "住所", "area", areas=areas.table(), city_name="鳥取市・岩美町")
        assert list(preview.sample.set_index("before").loc[frame["住所"][:2], "after"]) == ["31302001001", "312012130"]
        assert preview.unmatched[["value", "city"]].values.tolist() == [["岩美町伏野1", "岩美町"]]
    finally:
        store.close()
