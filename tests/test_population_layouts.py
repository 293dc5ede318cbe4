"""住民基本台帳 population in the two layouts municipalities publish → long form matched to boundary codes."""
from __future__ import annotations

import pandas as pd
import pytest

from lib.data.population_layouts import PopulationLayoutError, band_of, parse_age_header, read_population
from tests.estat_fixtures import (
    REGISTER_AREAS,
    register_persons,
    write_standard_population_csv,
    write_wide_population_xlsx,
)

AREAS = pd.DataFrame({  # the boundary names as e-Stat writes them
    "area_code": ["31201001001", "31201001002", "312010020", "312010030", "31201004003"],
    "area_name": ["東町１丁目", "東町２丁目", "大字湖山", "字雲山", "吉方町３丁目"],
})
WRITERS = {"standard": write_standard_population_csv, "wide": write_wide_population_xlsx}


@pytest.mark.parametrize(("layout", "suffix"), [("standard", ".csv"), ("wide", ".xlsx")])
def test_both_layouts_reshape_and_match(tmp_path, layout, suffix):
    table = read_population(WRITERS[layout](tmp_path / f"population{suffix}"), AREAS, city_name="鳥取市")
    assert table.layout == layout and table.year == 2025  # 令和7年 from 調査年月日 / the title row
    frame = table.frame
    assert set(frame.columns) == {"year", "area_code", "age_band", "sex", "population"}
    assert set(frame["sex"]) == {"男性", "女性"}
    assert frame["age_band"].nunique() == 21 and "100+" in set(frame["age_band"])  # 0-4 … 95-99, 100+
    for name, code, per_age in REGISTER_AREAS:
        if code is None:
            continue
        women_65_69 = frame.query("area_code == @code and sex == '女性' and age_band == '65-69'")["population"]
        assert women_65_69.tolist() == [register_persons(per_age, "女性", 65, 69)], name
        total = sum(register_persons(per_age, s, 0, None) for s in ("男性", "女性"))
        assert frame.loc[frame["area_code"] == code, "population"].sum() == total, name
    assert table.unmatched["area_name"].tolist() == ["新町"]
    assert table.unmatched["population"].tolist() == [sum(register_persons(2, s, 0, None) for s in ("男性", "女性"))]
    assert table.areas_read == len(REGISTER_AREAS)  # the 合計 row is not an area


@pytest.mark.parametrize(("header", "expected"), [
    ("0-4歳の男性", (0, 4, "男性")), ("０～４歳", (0, 4, None)), ("100歳以上の女性", (100, None, "女性")),
    ("85歳以上", (85, None, None)), ("男5歳", (5, 5, "男性")), ("総人口", None), ("地域名", None),
])
def test_age_headings(header, expected):
    parsed = parse_age_header(header)
    assert (None if parsed is None else (parsed.low, parsed.high, parsed.sex)) == expected


def test_bands_fold_into_the_open_top_band():
    assert [band_of(a, 85) for a in (0, 4, 5, 84, 85, 99)] == ["0-4", "0-4", "5-9", "80-84", "85+", "85+"]


def test_file_without_ages_is_refused(tmp_path):
    path = tmp_path / "no_ages.csv"
    path.write_text("地域名,総人口\n東町１丁目,100\n", encoding="utf-8")
    with pytest.raises(PopulationLayoutError) as caught:
        read_population(path, AREAS)
    assert caught.value.key == "no_age_columns" and caught.value.text("en")


def test_nothing_matching_is_refused(tmp_path):
    other = pd.DataFrame({"area_code": ["99999000001"], "area_name": ["どこか町"]})
    with pytest.raises(PopulationLayoutError) as caught:
        read_population(write_standard_population_csv(tmp_path / "p.csv"), other)
    assert caught.value.key == "nothing_matched" and "東町" in caught.value.text("ja")
