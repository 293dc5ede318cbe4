"""Address → 町丁・字 matching on the forms real departmental exports use (issue 20, item 4)."""
from __future__ import annotations

import re
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest

from lib.data.address_matching import REASONS, kanji_number, match_addresses, place_key
from lib.data.city import small_areas
from lib.data.jp_cleaning import preview_cleaning
from lib.i18n import t

REAL = Path(__file__).parents[1] / "fixtures" / "real"

# Real 町丁・字 of the committed e-Stat cuts (tests/fixtures/real/README.md)
CITIES = {
    "31201": (REAL / "estat_h27ka31_cut.zip", "鳥取県", "鳥取市", ""),  # 立川町３丁目, 伏野, 賀露町, 浜坂
    "31302": (REAL / "estat_h27ka31_cut.zip", "鳥取県", "岩美町", "岩美郡"),  # 浦富浜浦富 = 大字浦富字浜浦富, 牧谷
    "13101": (REAL / "estat_r2ka13_cut.zip", "東京都", "千代田区", ""),
}  # 丸の内一丁目, 大手町一丁目, 神田紺屋町


@pytest.fixture(scope="module")
def real_areas() -> dict[str, pd.DataFrame]:
    out = {}
    for code, (path, *_names) in CITIES.items():
        areas, _info = small_areas(gpd.read_file(path, encoding="cp932"), code)
        out[code] = pd.DataFrame(areas.drop(columns="geometry"))
    return out


SENDAI = pd.DataFrame({"area_code": ["041010010", "041010020"], "area_name": ["青葉町", "あけぼの町"]})  # 仙台市青葉区

FORMS = [  # (city code or None for 仙台市, city name as the instructor gives it, address, expected code or reason)
    ("31201", "鳥取市", "鳥取県鳥取市立川町三丁目１２３番地の４", "31201068003"),
    ("31201", "鳥取市", "鳥取市立川町３－１２３－４", "31201068003"),
    ("31201", "鳥取市", "立川町3丁目123", "31201068003"),
    ("31201", "鳥取市", "立川町３ー５", "31201068003"),
    ("31201", "鳥取市", "鳥取県 鳥取市 立川町 3-5-12", "31201068003"),
    ("31201", "鳥取市", "鳥取市　伏野　千二百三十四番地", "312012130"),
    ("31201", "鳥取市", "鳥取県鳥取市大字伏野字大谷１２３４番地", "312012130"),
    ("31201", "鳥取市", "伏野1234-5", "312012130"),
    ("31201", "鳥取市", "賀露町3990番地の1", "312012224"),
    ("31201", "鳥取市", "鳥取市浜坂七丁目12番3号", "no_chome"),  # a 丁目 the boundaries do not have: not the 大字
    ("31201", "鳥取市", "浜坂7-12-3", "312012500"),  # 7 may be a 番地 of the 大字 浜坂
    ("31201", "鳥取市", "立川町5-12", "no_chome"),  # only 立川町３丁目 exists
    ("31201", "鳥取市", "米子市米原1-2", "other_city"),
    ("31201", "鳥取市", "島根県松江市殿町1", "other_city"),
    ("31201", "鳥取市", "鳥取市新町1", "no_area"),
    ("31201", "鳥取市", "  ", "empty"),
    ("31302", "岩美町", "鳥取県岩美郡岩美町大字浦富字浜浦富1234", "31302001001"),  # boundary 「浦富浜浦富」
    ("31302", "岩美町", "岩美町浦富字浜浦富１２３４番地", "31302001001"),
    ("31302", "岩美郡岩美町", "岩美郡岩美町大字牧谷123", "313020020"),
    ("31302", "岩美町", "牧谷字上ノ山５", "313020020"),
    ("13101", "千代田区", "東京都千代田区丸の内1-9-1", "13101001001"),
    ("13101", "千代田区", "千代田区大手町一丁目３番地", "13101002001"),
    ("13101", "千代田区", "東京都千代田区神田紺屋町１５", "131010370"),
    ("13101", "千代田区", "東京都港区台場1-1", "other_city"),
    (None, "仙台市", "宮城県仙台市青葉区青葉町1-2", "041010010"),  # 政令市の区 between the city and the town
    (None, "仙台市", "仙台市青葉区あけぼの町3番5号", "041010020"),
    (None, "仙台市青葉区", "青葉区あけぼの町3-5", "041010020"),
    (None, "仙台市", "青葉町２－１", "041010010"),
]


@pytest.mark.parametrize("city, city_name, address, expected", FORMS)
def test_real_address_forms(real_areas, city, city_name, address, expected):
    areas = real_areas[city] if city else SENDAI
    cleaned = match_addresses(pd.Series([address]), areas, city_name=city_name)
    got = cleaned.values.iloc[0] if pd.notna(cleaned.values.iloc[0]) else cleaned.reasons.iloc[0]
    assert got == expected


def test_kanji_numbers():
    assert [kanji_number(x) for x in ("三", "十", "十二", "二十三", "百五", "千二百三十四", "二〇五")] == \
        [3, 10, 12, 23, 105, 1234, 205]


def care_export_addresses(areas: pd.DataFrame, pref: str, city: str, gun: str, rows: int = 4000,
                          seed: int = 20) -> tuple[pd.Series, pd.Series]:
    """A made-up 要介護認定者一覧's 住所 column for a real city: its 町丁・字 (weighted by population) in the
    mixed forms real exports use, and ~3 % that cannot match (another city, a misspelt town, blanks).
    Returns the addresses and the code each was written for (None for the unmatchable ones)."""
    rng = np.random.default_rng(seed)
    weights = areas["population"].astype(float).to_numpy() + 20
    kanji = "〇一二三四五六七八九"

    def town_forms(name: str) -> list[str]:
        chome = re.match(r"^(.+?)(\d+)丁目$", place_key(name))  # 「立川町３丁目」「丸の内一丁目」
        if chome:
            town, number = chome.group(1), int(chome.group(2))
            return [f"{town}{number}丁目", f"{town}{kanji[number]}丁目", f"{town}{chr(0xFF10 + number)}丁目",
                    f"{town}{number}-", f"{town}{chr(0xFF10 + number)}－"]
        if name == "浦富浜浦富":  # 大字浦富 字浜浦富
            return ["大字浦富字浜浦富", "浦富字浜浦富", "浦富浜浦富"]
        return [name, f"大字{name}", f"{name}字大谷", f"大字{name}字下モ"]

    prefixes = [f"{pref}{gun}{city}", f"{gun}{city}", city, "", f"{pref} {gun}{city} ", f"{city}　"]
    lots = ["{n}番地", "{n}番地の{m}", "{N}番地", "{n}-{m}", "{n}番{m}号", "{w}－{m}", "{n}", "{n}ー{m}"]
    forms = [town_forms(name) for name in areas["area_name"]]
    # every random draw made at once (one call per row would cost seconds at 11,000 rows)
    roll, pick_form = rng.random(rows), rng.random(rows)
    area = rng.choice(len(areas), size=rows, p=weights / weights.sum())
    numbers, branches = rng.integers(1, 3000, rows), rng.integers(1, 30, rows)
    pick_lot, pick_prefix = rng.integers(len(lots), size=rows), rng.integers(len(prefixes), size=rows)
    codes_of = areas["area_code"].astype(str).to_list()
    addresses, codes = [], []
    for row in range(rows):
        if roll[row] < 0.02:  # another city's address, or a blank
            addresses.append("米子市米原二丁目5-3" if roll[row] < 0.01 else "")
            codes.append(None)
            continue
        town_choices = forms[area[row]]
        town = town_choices[int(pick_form[row] * len(town_choices))]
        n, m = int(numbers[row]), int(branches[row])
        lot = "{n}-{m}" if town.endswith(("-", "－")) else lots[pick_lot[row]]  # 「３－」 is followed by the 番
        number = lot.format(
            n=n, m=m, N=_kanji_count(n), w=str(n).translate(str.maketrans("0123456789", "０１２３４５６７８９"))
        )
        address = prefixes[pick_prefix[row]] + town + number
        if roll[row] < 0.03:  # a misspelt town: the first character of the name replaced
            addresses.append(address.replace(town, "■" + town[1:], 1))
            codes.append(None)
        else:
            addresses.append(address)
            codes.append(codes_of[area[row]])
    return pd.Series(addresses, name="住所"), pd.Series(codes, dtype=object)


def _kanji_count(n: int) -> str:
    """1234 → 千二百三十四 (as some 番地 are written)."""
    digits = "〇一二三四五六七八九"
    out = ""
    for value, unit in ((1000, "千"), (100, "百"), (10, "十")):
        q, n = divmod(n, value)
        if q:
            out += ("" if q == 1 else digits[q]) + unit
    return out + (digits[n] if n else "")


@pytest.mark.parametrize("city", list(CITIES))
def test_realistic_care_export_of_a_real_city_is_95_percent_matched_and_the_rest_listed(real_areas, city):
    _path, pref, city_name, gun = CITIES[city]
    areas = real_areas[city]
    addresses, truth = care_export_addresses(areas, pref, city_name, gun)
    cleaned = match_addresses(addresses, areas, city_name=city_name)
    matched = cleaned.values.notna()
    assert matched.mean() >= 0.95
    # every match is the area the address was written for; nothing unmatchable matched
    assert (cleaned.values[matched] == truth[matched]).all()
    assert truth[matched].notna().all()
    # 100 % of what is left is listed, each with a reason in words
    assert int(cleaned.unmatched["rows"].sum()) == int((~matched).sum())
    assert cleaned.unmatched["reason"].isin(REASONS).all()
    assert set(cleaned.unmatched["reason"]) == {"other_city", "no_area", "empty"}
    preview = preview_cleaning(pd.DataFrame({"住所": addresses}), "住所", "area", areas=areas, city_name=city_name)
    assert t("clean.reason.other_city", "ja") in set(preview.unmatched["reason"])
