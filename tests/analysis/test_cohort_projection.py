"""The cohort change-ratio projection and the demand projection (lib.analysis), checked by hand.

Every expected number below is worked out by hand in the comments from the two population points,
following the method as the national institute's small-area guides describe it (国立社会保障・人口問題研究所
「日本の地域別将来推計人口」の方法; 0-4 by the child-woman ratio, the open top band from the band below
plus itself), not by calling the code again.
"""
from __future__ import annotations

import pandas as pd
import pytest

from lib.analysis.cohort_projection import ProjectionInputError, project_population
from lib.analysis.demand_projection import current_rates, project_demand
from lib.deck.analysis_evidence import run_analysis

BANDS = ["0-4", "5-9", "10-14", "15-19", "20-24", "25-29", "30-34", "35-39", "40-44", "45-49", "50-54",
         "55-59", "60-64", "65-69", "70-74", "75-79", "80-84", "85-89", "90+"]


def _point(year: int, area: str, value: float, changes: dict | None = None) -> pd.DataFrame:
    rows = [{"area": area, "year": year, "age_band": b, "sex": s, "population": float(value)}
            for b in BANDS for s in ("男性", "女性")]
    frame = pd.DataFrame(rows)
    for (band, sex), people in (changes or {}).items():
        frame.loc[(frame["age_band"] == band) & (frame["sex"] == sex), "population"] = float(people)
    return frame


# 2020: every cell 100. 2025: every cell 100 except these.
LATER = {("0-4", "男性"): 70, ("0-4", "女性"): 63, ("5-9", "男性"): 95, ("10-14", "男性"): 90,
         ("10-14", "女性"): 120, ("85-89", "女性"): 80, ("90+", "女性"): 60}


def _cell(frame, year, band, sex, area="A"):
    row = frame[(frame["area"] == area) & (frame["year"] == year) & (frame["age_band"] == band) & (frame["sex"] == sex)]
    return float(row["population"].iloc[0])


def test_one_area_by_hand():
    p = project_population(_point(2020, "A", 100), _point(2025, "A", 100, LATER), steps=2, min_base=0)
    f = p.frame
    assert p.years == [2025, 2030, 2035]
    # 5-9 男性: ratio = 95 (5-9 in 2025) / 100 (0-4 in 2020) = 0.95; 2030 = 0.95 × 70 (0-4 in 2025) = 66.5
    assert _cell(f, 2030, "5-9", "男性") == pytest.approx(66.5)
    # 10-14 男性: ratio = 90 / 100 = 0.9; 2035 = 0.9 × 66.5 (5-9 in 2030) = 59.85
    assert _cell(f, 2035, "10-14", "男性") == pytest.approx(59.85)
    # 90+ 女性 (open band): ratio = 60 / (100 + 100) (85-89 and 90+ in 2020) = 0.3;
    # 2030 = 0.3 × (80 + 60) (85-89 and 90+ in 2025) = 42
    assert _cell(f, 2030, "90+", "女性") == pytest.approx(42.0)
    # 85-89 女性: ratio = 80 / 100 (80-84 in 2020) = 0.8; 2030 = 0.8 × 100 (80-84 in 2025) = 80
    assert _cell(f, 2030, "85-89", "女性") == pytest.approx(80.0)
    # 0-4 by the child-woman ratio of 2025: women 15-49 in 2025 = 7 bands × 100 = 700;
    # boys 70 / 700 = 0.1, girls 63 / 700 = 0.09. Women 15-49 in 2030: 15-19 = (100 / 100) × 120 (10-14 in
    # 2025) = 120, the other six bands 100 each: 720. So boys 2030 = 0.1 × 720 = 72, girls = 0.09 × 720 = 64.8
    assert _cell(f, 2030, "0-4", "男性") == pytest.approx(72.0)
    assert _cell(f, 2030, "0-4", "女性") == pytest.approx(64.8)
    # the later point itself is returned unchanged as the first year
    assert _cell(f, 2025, "90+", "女性") == 60.0
    assert (p.ratios["source"] == "area").all()


def test_a_small_area_borrows_its_district_ratio():
    # Area B has 5 persons in every cell of 2020 (under the minimum base of 20) and 1 in 5-9 男性 in 2025.
    earlier = pd.concat([_point(2020, "A", 100), _point(2020, "B", 5)])
    later = pd.concat([_point(2025, "A", 100, LATER), _point(2025, "B", 5, {("5-9", "男性"): 1})])
    groups = pd.Series({"A": "北地区", "B": "北地区"})
    p = project_population(earlier, later, steps=1, groups=groups, min_base=20)
    ratio = p.ratios.set_index(["area", "age_band", "sex"])
    # B's own ratio would be 1 / 5 = 0.2; the 地区's is (95 + 1) / (100 + 5) = 96 / 105
    assert ratio.loc[("B", "5-9", "男性"), "ratio"] == pytest.approx(96 / 105)
    assert ratio.loc[("B", "5-9", "男性"), "source"] == "district"
    assert ratio.loc[("A", "5-9", "男性"), "ratio"] == pytest.approx(0.95)
    # B in 2030: 96 / 105 × 5 (0-4 男性 of B in 2025)
    assert _cell(p.frame, 2030, "5-9", "男性", "B") == pytest.approx(96 / 105 * 5)
    # Without a 地区 the city's sums are used: the same two areas here
    city = project_population(earlier, later, steps=1, groups=None, min_base=20)
    assert city.ratios.set_index(["area", "age_band", "sex"]).loc[("B", "5-9", "男性"), "source"] == "city"


def test_points_not_five_years_apart_and_odd_bands_are_refused_in_japanese():
    with pytest.raises(ProjectionInputError) as problem:
        project_population(_point(2021, "A", 100), _point(2025, "A", 100))
    assert "5 年離れていません" in problem.value.text("ja")
    ten_year = _point(2020, "A", 100).replace({"age_band": {"0-4": "0-9"}})
    with pytest.raises(ProjectionInputError) as problem:
        project_population(ten_year, _point(2025, "A", 100).replace({"age_band": {"0-4": "0-9"}}))
    assert "5 歳刻み" in problem.value.text("ja")


def test_demand_is_projected_people_times_todays_rate_by_hand():
    p = project_population(_point(2020, "A", 100), _point(2025, "A", 100, LATER), steps=1, min_base=0)
    # 2025: three records 75-79 男性 and one whose sex was blanked
    records = pd.DataFrame({"area": ["A"] * 4, "age_band": ["75-79"] * 4, "sex": ["男性", "男性", "男性", None]})
    rates = current_rates(records, p.frame[p.frame["year"] == 2025])
    # rate = 3 / 100 (75-79 男性 in 2025), scaled by all / known records = 4 / 3 → 0.04
    assert rates.scale == pytest.approx(4 / 3)
    demand = project_demand(p.frame, rates).set_index("year")["demand"]
    assert demand[2025] == pytest.approx(4.0)  # today's total again: 100 × 0.04
    # 75-79 男性 in 2030 = (100 / 100) × 100 (70-74 in 2025) = 100 → 100 × 0.04 = 4
    assert demand[2030] == pytest.approx(4.0)


def test_demand_rates_by_district_give_each_districts_total_today():
    earlier = pd.concat([_point(2020, "A", 100), _point(2020, "B", 100)])
    later = pd.concat([_point(2025, "A", 100), _point(2025, "B", 100)])
    groups = pd.Series({"A": "北地区", "B": "南地区"})
    p = project_population(earlier, later, steps=1, groups=groups)
    records = pd.DataFrame({"area": ["A"] * 6 + ["B"] * 2, "age_band": ["80-84"] * 8, "sex": ["女性"] * 8})
    rates = current_rates(records, p.frame[p.frame["year"] == 2025], groups)
    demand = project_demand(p.frame, rates, groups).set_index(["area", "year"])["demand"]
    # 北地区: 6 / 100 = 0.06 → A has 6 today; 南地区: 2 / 100 → B has 2 (a city rate would give 4 and 4)
    assert demand[("A", 2025)] == pytest.approx(6.0) and demand[("B", 2025)] == pytest.approx(2.0)


def test_the_planted_migration_is_recovered_from_the_published_demo(published):
    """Planted in datasets/generator/population.py (MIGRATION, tests/planted_relationships.yaml
    hillside_young_leave_new_town_grows): 丘陵住宅団地 areas lose 20-34 year olds (-4 %/year), the new
    town gains 25-44 year olds (+3.8 %/year). The projection carries it on: by 2035 the 丘陵地区 shrinks
    (measured -23.1 %) and ages (75+ 28.5 % → 35.6 %), the ニュータウン地区 grows (+24.0 %)."""
    from lib.data.catalog import load_catalog

    result = run_analysis(published, load_catalog(), {"method": "cohort_projection", "target_year": 2035}, "ja")
    table = result.table.set_index("地区")
    assert table.loc["丘陵地区", "増減率（%）"] < -15
    assert table.loc["丘陵地区", "2035年 75歳以上の割合（%）"] > table.loc["丘陵地区", "2025年 75歳以上の割合（%）"] + 5
    assert table.loc["ニュータウン地区", "増減率（%）"] > 15
    assert table.loc["市全体", "2025年 総人口（人）"] == published.execute(
        "SELECT SUM(population) FROM population WHERE year = 2025").fetchone()[0]
    assert "2020〜2025" in result.caution
