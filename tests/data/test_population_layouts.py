"""住民基本台帳 population in the two layouts municipalities publish → long form matched to boundary codes."""
from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from lib.data.population_layouts import (
    PopulationLayoutError,
    band_of,
    check_age_totals,
    parse_age_header,
    read_population,
)
from tests.fixtures.estat import (
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
    ("85歳の男性以上", (85, None, "男性")), ("85歳の女性以上", (85, None, "女性")),  # 目黒区's headings
    ("100歳以上", (100, None, None)), ("0歳の男性", (0, 0, "男性")), ("不詳者の男性", None),
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


REAL_AKISHIMA = Path(__file__).resolve().parents[1] / "fixtures" / "real" / "akishima_population_20250101.csv"


def test_real_register_file_every_age_heading_read_and_checked_against_its_total():
    """昭島市's published file: 5-year bands to 「100歳以上の男性」, 「年齢不詳の女性」, and 総人口 to check them by."""
    table = pd.read_csv(REAL_AKISHIMA, dtype=str)
    ages = [a for a in map(parse_age_header, table.columns) if a is not None]
    assert len(ages) == 42 and (ages[-1].low, ages[-1].high, ages[-1].sex) == (100, None, "女性")
    checked = check_age_totals(table, ages)
    assert checked.total == 115632 and checked.total_column == "総人口" and not checked.unread
    assert checked.ages + checked.unknown_age == 115632
    without_top = [a for a in ages if a.low < 100]  # as if one heading had not been read
    with pytest.raises(PopulationLayoutError) as caught:
        check_age_totals(table, without_top)
    assert caught.value.key == "totals_differ" and "差 70 人" in caught.value.text("ja")


def _renamed_standard_csv(tmp_path, renames: dict[str, str]) -> Path:
    path = write_standard_population_csv(tmp_path / "population.csv")
    text = path.read_bytes().decode("cp932")
    for old, new in renames.items():
        text = text.replace(old, new)
    path.write_bytes(text.encode("cp932"))
    return path


def test_meguro_style_open_top_headings_keep_everyone(tmp_path):
    """目黒区 writes the open band 「85歳の男性以上」: once silently dropped, now read into 85+."""
    ages = {f"{low}-{low + 4}歳の{sex}": None for low in range(85, 100, 5) for sex in ("男性", "女性")}
    path = write_standard_population_csv(tmp_path / "population.csv")
    lines = path.read_bytes().decode("cp932").splitlines()
    header = lines[0].split(",")
    rows = [line.split(",") for line in lines[1:]]
    # fold 85-89 … 100以上 into 目黒区's two 「85歳の…以上」 columns, as that file has them
    keep = [i for i, h in enumerate(header) if h not in ages and not h.startswith("100歳以上")]
    top = {sex: [i for i, h in enumerate(header) if (h in ages or h.startswith("100歳以上")) and h.endswith(sex)]
           for sex in ("男性", "女性")}
    new_header = [header[i] for i in keep] + ["85歳の男性以上", "85歳の女性以上"]
    new_rows = [[r[i] for i in keep] + [str(sum(int(r[i]) for i in top[s])) for s in ("男性", "女性")] for r in rows]
    path.write_bytes("\r\n".join(",".join(r) for r in [new_header, *new_rows]).encode("cp932"))
    table = read_population(path, AREAS, city_name="鳥取市")
    assert "85+" in set(table.frame["age_band"]) and "80-84" in set(table.frame["age_band"])
    assert table.checked.total_column == "総人口" and table.checked.ages == table.checked.total
    for _name, code, per_age in REGISTER_AREAS:
        if code:
            top_women = table.frame.query("area_code == @code and sex == '女性' and age_band == '85+'")["population"]
            assert top_women.tolist() == [register_persons(per_age, "女性", 85, None)]


def test_a_heading_no_rule_reads_refuses_the_file_with_the_counts(tmp_path):
    path = _renamed_standard_csv(tmp_path, {"100歳以上の男性": "百歳以上の男性"})
    with pytest.raises(PopulationLayoutError) as caught:
        read_population(path, AREAS, city_name="鳥取市")
    missing = sum(register_persons(per_age, "男性", 100, None) for _n, _c, per_age in REGISTER_AREAS)
    text = caught.value.text("ja")
    assert caught.value.key == "totals_differ" and f"差 {missing:,} 人" in text and "総人口" in text
