"""One population year + the national institute's municipal projection (IPSS 「日本の地域別将来推計人口」):
the file as IPSS ships it is read (lib.data.ipss_projection), its city-wide ratios are applied to each
町丁目 (lib.analysis.cohort_projection.project_with_reference), and bad files are refused in Japanese.

The expected numbers are worked out by hand in the comments, not by calling the code again.
"""
from __future__ import annotations

import pandas as pd
import pytest

from lib.analysis.cohort_projection import ProjectionInputError, period_for, project_with_reference
from lib.data.import_result import DataImportError
from lib.data.ipss_projection import IpssProjectionError, read_ipss_projection
from tests.fixtures.ipss import (
    municipality_rows,
    national_rows,
    values,
    write_csv,
    write_national_workbook,
    write_prefecture_workbook,
)

DATA_BANDS = ["0-4", "5-9", "10-14", "15-19", "20-24", "25-29", "30-34", "35-39", "40-44", "45-49", "50-54",
              "55-59", "60-64", "65-69", "70-74", "75-79", "80-84", "85-89", "90+"]
# IPSS's 20 bands by index: 0 = 0～4歳, 1 = 5～9歳, 14 = 70～74歳, 18 = 90～94歳, 19 = 95歳～
# Every cell 1000 persons in 2020, 2025 and 2030 except these of 2030:
IPSS_2030 = {("男性", 2030, 1): 900, ("女性", 2030, 14): 950, ("女性", 2030, 18): 600, ("女性", 2030, 19): 400,
             ("男性", 2030, 0): 700, ("女性", 2030, 0): 630}


def _area(area: str, value: float, changes: dict | None = None, year: int = 2025) -> pd.DataFrame:
    frame = pd.DataFrame([{"area": area, "year": year, "age_band": b, "sex": s, "population": float(value)}
                          for b in DATA_BANDS for s in ("男性", "女性")])
    for (band, sex), people in (changes or {}).items():
        frame.loc[(frame["age_band"] == band) & (frame["sex"] == sex), "population"] = float(people)
    return frame


def _cell(frame, year, band, sex, area="A"):
    row = frame[(frame["area"] == area) & (frame["year"] == year) & (frame["age_band"] == band) & (frame["sex"] == sex)]
    return float(row["population"].iloc[0])


def test_the_files_ratios_applied_to_one_area_by_hand(tmp_path):
    path = write_prefecture_workbook(tmp_path / "14.xlsx", {
        "14999": ("みどり野市", values([2020, 2025, 2030], 1000, IPSS_2030)),
        "14998": ("ほか町", values([2020, 2025, 2030], 30))}, years=[2020, 2025, 2030])
    reference = read_ipss_projection(path, "14999")
    assert (reference.city_name, reference.layout, reference.years) == ("みどり野市", "sheets", [2020, 2025, 2030])
    # 町丁目 A in 2025: 10 in every cell except these; B: 20 everywhere
    a = _area("A", 10, {("0-4", "男性"): 8, ("65-69", "女性"): 40, ("85-89", "女性"): 12, ("90+", "女性"): 6})
    p = project_with_reference(pd.concat([a, _area("B", 20)]), reference.frame, steps=2)
    f = p.frame
    assert p.years == [2025, 2030, 2035] and p.earlier_year is None
    # 5-9 男性: the file's ratio 900 (5～9歳 2030) / 1000 (0～4歳 2025) = 0.9; A's 2030 = 0.9 × 8 = 7.2
    assert _cell(f, 2030, "5-9", "男性") == pytest.approx(7.2)
    # every area takes the city's ratio: B = 0.9 × 20 = 18
    assert _cell(f, 2030, "5-9", "男性", "B") == pytest.approx(18.0)
    # 70-74 女性: 950 / 1000 (65～69歳 2025) = 0.95; A = 0.95 × 40 = 38
    assert _cell(f, 2030, "70-74", "女性") == pytest.approx(38.0)
    # the data's top band is 90+: the file's 90～94歳 and 95歳～ are added up first. 女性 90+ in 2030 =
    # 600 + 400 = 1000; in 2025 85-89 = 1000 and 90+ = 2000: ratio 1000 / (1000 + 2000) = 1/3;
    # A = (12 + 6) / 3 = 6. 男性: 2000 / 3000 = 2/3 × (10 + 10) = 13.33
    assert _cell(f, 2030, "90+", "女性") == pytest.approx(6.0)
    assert _cell(f, 2030, "90+", "男性") == pytest.approx(40 / 3)
    # 0-4 by the file's child-woman ratio of 2030: women 15-49 = 7 × 1000 = 7000; boys 700 / 7000 = 0.1,
    # girls 630 / 7000 = 0.09. A's women 15-49 in 2030 = 7 bands × (1000 / 1000 × 10) = 70 → 7.0 and 6.3
    assert _cell(f, 2030, "0-4", "男性") == pytest.approx(7.0)
    assert _cell(f, 2030, "0-4", "女性") == pytest.approx(6.3)
    # 2030 → 2035 lies past the file's last period: 2025 → 2030's ratios go on.
    # 10-14 男性 = (1000 / 1000) × 7.2 = 7.2; 5-9 男性 = 0.9 × 7.0 = 6.3
    assert p.periods == [(2025, 2030), (2025, 2030)]
    assert _cell(f, 2035, "10-14", "男性") == pytest.approx(7.2)
    assert _cell(f, 2035, "5-9", "男性") == pytest.approx(6.3)
    assert p.borrowed_share() == 0.0
    # a base year off the file's years takes the period starting nearest it
    assert period_for(2024, [(2020, 2025), (2025, 2030)]) == (2025, 2030)
    assert period_for(2022, [(2020, 2025), (2025, 2030)]) == (2020, 2025)


def test_the_national_file_the_prefecture_file_and_csv_give_the_same_projection(tmp_path):
    cities = {"14999": ("みどり野市", values(changes={("女性", 2050, 19): 1234})), "14998": ("ほか町", values(base=7))}
    read = [read_ipss_projection(write_prefecture_workbook(tmp_path / "14.xlsx", cities), "14999"),
            read_ipss_projection(write_national_workbook(tmp_path / "suikei_kekka.xlsx", cities), "14999"),
            read_ipss_projection(write_csv(tmp_path / "national.csv", national_rows(cities)), "14999"),
            read_ipss_projection(write_csv(tmp_path / "one.csv", municipality_rows("14999", "みどり野市",
                                                                                   cities["14999"][1]), "utf-8-sig"))]
    assert [r.layout for r in read] == ["sheets", "rows", "rows", "sheets"]
    for other in read[1:]:
        pd.testing.assert_frame_equal(other.frame, read[0].frame)
    frame = read[0].frame.set_index(["year", "sex", "age_band"])["population"]
    assert frame[(2050, "女性", "95+")] == 1234 and frame[(2020, "男性", "0-4")] == 1000
    assert read[0].years == [2020, 2025, 2030, 2035, 2040, 2045, 2050]
    assert "令和5（2023）年推計" in read[0].lines("ja")[0] and "みどり野市（14999）" in read[0].lines("ja")[0]


def _refusal(path, code="14999", error=IpssProjectionError) -> str:
    with pytest.raises(error) as problem:
        read_ipss_projection(path, code)
    text = problem.value.text("ja")
    assert path.name in text and path.name in problem.value.text("en")  # both languages fill their blanks
    return text


def test_bad_files_are_refused_with_a_japanese_message(tmp_path):
    good = {"14999": ("みどり野市", values())}
    rows = municipality_rows("14999", "みどり野市", values())
    # not IPSS's table at all
    assert "見つかりません" in _refusal(write_csv(tmp_path / "other.csv", [["町丁目", "人口"], ["本町", "120"]]))
    # another city's file, or a code the file does not have
    assert "ワークベンチの市区町村（31201）" in _refusal(write_national_workbook(tmp_path / "a.xlsx", good), "31201")
    several = write_national_workbook(tmp_path / "b.xlsx", {**good, "14998": ("ほか町", values())})
    assert "14997 の推計がありません" in _refusal(several, "14997")
    assert "5 桁で指定" in _refusal(several, None)
    # a cell that is not a count (IPSS writes no 「…」 in a projection)
    broken = [list(r) for r in rows]
    broken[5][3] = "…"
    assert "人数でない" in _refusal(write_csv(tmp_path / "c.csv", broken))
    # a band changed by hand: the bands no longer add up to 総数
    shifted = [list(r) for r in rows]
    shifted[6][12] += 500  # 5～9歳 of 男 in 2020 (the 男 block starts in column 9)
    assert "総数" in _refusal(write_csv(tmp_path / "d.csv", shifted)) and "合いません" in _refusal(tmp_path / "d.csv")
    # the 女 block missing
    no_women = [[("不明" if v == "女" else v) for v in r] for r in rows]
    assert "「男」と「女」" in _refusal(write_csv(tmp_path / "e.csv", no_women))
    # years ten apart
    assert "5 年おき" in _refusal(write_csv(tmp_path / "f.csv", municipality_rows(
        "14999", "みどり野市", values([2020, 2030]), years=[2020, 2030])))
    # bands that stop before an open top band
    cut = [r for r in rows if not (r and str(r[0]).startswith(("90～", "95")))]
    assert "5 歳刻み" in _refusal(write_csv(tmp_path / "g.csv", cut))
    # a damaged workbook
    (tmp_path / "h.xlsx").write_bytes(b"PK\x03\x04 not really a workbook")
    with pytest.raises(DataImportError) as problem:
        read_ipss_projection(tmp_path / "h.xlsx", "14999")
    assert "h.xlsx" in problem.value.text("ja")


def test_a_reference_without_five_year_steps_or_a_female_sex_is_refused():
    later = _area("A", 10)
    reference = pd.DataFrame([{"year": y, "age_band": b, "sex": s, "population": 100.0}
                              for y in (2020, 2030) for b in DATA_BANDS for s in ("男性", "女性")])
    with pytest.raises(ProjectionInputError) as problem:
        project_with_reference(later, reference)
    assert "5 年おき" in problem.value.text("ja")
    with pytest.raises(ProjectionInputError) as problem:
        project_with_reference(later, reference.assign(sex=reference["sex"].map({"男性": "A", "女性": "B"})))
    assert "女性" in problem.value.text("ja")


def test_the_2018_edition_with_blocks_one_under_another_is_read(tmp_path):
    """平成30年推計: 「男女計」「男」「女」 one under another, the top band 「90歳以上」, 2015 first."""
    bands = [f"{low}～{low + 4}歳" for low in range(0, 90, 5)] + ["90歳以上"]
    rows = [["男女・年齢（5歳）階級別の推計結果"], ["1202", "函館市"]]
    for heading, persons in (("男女計", 30), ("男", 10), ("女", 20)):
        rows += [[heading, "2015年", "2020年"], ["総数", persons * 19, persons * 19 - 19]]
        rows += [[band, persons, persons - 1] for band in bands] + [["（再掲）65歳以上", persons * 6, 0], []]
    projection = read_ipss_projection(write_csv(tmp_path / "01.csv", rows), "01202")
    assert (projection.city_code, projection.city_name, projection.edition) == (
        "01202",
        "函館市",
        "平成30（2018）年推計",
    )
    frame = projection.frame.set_index(["year", "sex", "age_band"])["population"]
    assert frame[(2020, "女性", "90+")] == 19 and frame[(2015, "男性", "0-4")] == 10 and len(frame) == 2 * 2 * 19
