"""The analysis finds the relationships planted in the demo data, through the specs and tests a trainee
would build (tests/planted_relationships.yaml; the app never shows that file)."""
from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from scipy import stats

from lib.analysis import stat_tests
from lib.analysis.area_indicators import analysis_catalog
from lib.charts.spec import ChartSpec, Measure
from lib.charts.sql import run_chart
from lib.data.query import Filter, fetch_columns

CATALOG = analysis_catalog()
PLANTED = {p["id"]: p for p in yaml.safe_load((Path(__file__).parents[1] / "planted_relationships.yaml").read_text())}


def test_care_rate_is_higher_far_from_kayoi_places(published):
    """Scatter: distance to the nearest 通いの場 (x) × age-adjusted certification ratio (y), per 町丁目."""
    thresholds = PLANTED["care_rate_vs_kayoi_distance"]["thresholds"]
    spec = ChartSpec("area_indicators", Measure("mean", "care_ratio_age_adjusted"), [], chart_type="scatter",
                     options={"x": "kayoi_nearest_km", "trend_line": True})
    frame = run_chart(published, CATALOG, spec)
    assert len(frame) == published.execute("SELECT COUNT(*) FROM areas").fetchone()[0]
    adjusted = stat_tests.correlation(frame["x"], frame["value"], "ja", "pearson", "距離", "標準化認定比")
    assert adjusted.numbers["stat.r"] >= thresholds["adjusted_r_min"]
    assert adjusted.numbers["stat.p"] < 0.05
    assert "正の相関" in adjusted.reading and "因果" in adjusted.warning

    crude = fetch_columns(published, CATALOG, "area_indicators", ["kayoi_nearest_km", "care_rate_65plus"])
    result = stat_tests.correlation(crude["kayoi_nearest_km"], crude["care_rate_65plus"])
    assert result.numbers["stat.r"] > 0.3 and result.numbers["stat.p"] < 0.05
    regression = stat_tests.linear_regression(frame["x"], frame["value"], "ja", "距離", "標準化認定比")
    assert regression.numbers["stat.slope"] > 0 and regression.numbers["stat.r2"] > 0.2


def test_care_rate_per_1000_by_area_agrees_with_the_indicator(published):
    """The bar chart a trainee makes first (rate per 1,000 aged 65+, by 町丁目) gives the same ranking."""
    elderly = [
        b for b in CATALOG["care_certification"].column("age_band").order if int(b.rstrip("+").split("-")[0]) >= 65
    ]
    spec = ChartSpec("care_certification", Measure("rate_per_1000"), ["area_code"], chart_type="ranked_bar",
                     filters=[Filter("age_band", "in", elderly)])
    rates = run_chart(published, CATALOG, spec).set_index("area_code")["value"]
    indicators = fetch_columns(published, CATALOG, "area_indicators", ["area_code", "care_rate_65plus"])
    indicators = indicators.set_index("area_code")["care_rate_65plus"]
    assert (rates / 10).round(2).reindex(indicators.index).to_numpy() == pytest.approx(indicators.to_numpy(), abs=0.01)


def test_hillside_transport_satisfaction_falls_with_age(published):
    thresholds = PLANTED["hill_transport_satisfaction_falls_with_age"]["thresholds"]
    order = list(CATALOG["survey"].column("age_band").order)
    # The chart: mean satisfaction by age band, in the hillside district.
    spec = ChartSpec("survey", Measure("mean", "sat_公共交通"), ["age_band"], chart_type="bar",
                     filters=[Filter("district", "in", ["丘陵地区"])])
    means = run_chart(published, CATALOG, spec).set_index("age_band")["value"].reindex(order)
    assert stats.spearmanr(range(len(order)), means).statistic < -0.9
    # The statistics page: rank correlation of age band and the answer, hill vs the other districts.
    hill = fetch_columns(published, CATALOG, "survey", ["age_band", "sat_公共交通"],
                         [Filter("district", "in", ["丘陵地区"])])
    result = stat_tests.correlation(stat_tests.ordinal_ranks(hill["age_band"], order), hill["sat_公共交通"],
                                    "ja", "spearman", "年齢", "公共交通の満足度")
    assert result.numbers["stat.r"] <= thresholds["hill_rho_max"]
    assert "負の相関" in result.reading
    others = fetch_columns(published, CATALOG, "survey", ["age_band", "sat_公共交通"],
                           [Filter("district", "not_in", ["丘陵地区"])])
    elsewhere = stat_tests.correlation(stat_tests.ordinal_ranks(others["age_band"], order), others["sat_公共交通"],
                                       "ja", "spearman")
    assert abs(elsewhere.numbers["stat.r"]) <= thresholds["others_abs_rho_max"]
    means_test = stat_tests.compare_means(hill["sat_公共交通"], hill["age_band"], "ja", "満足度", "年齢")
    assert means_test.numbers["stat.p"] < 0.05 and "差があります" in means_test.reading


def test_new_town_is_least_satisfied_with_childcare_support(published):
    spec = ChartSpec("survey", Measure("mean", "sat_子育て支援"), ["district"], chart_type="bar")
    means = run_chart(published, CATALOG, spec).set_index("district")["value"]
    assert means.idxmin() == "ニュータウン地区"
    others = means.drop("ニュータウン地区").mean()
    assert (
        means["ニュータウン地区"] - others <= PLANTED["new_town_childcare_satisfaction"]["thresholds"]["difference_max"]
    )


def test_waiting_children_concentrate_in_new_town_areas(published):
    spec = ChartSpec("childcare", Measure("share", "waiting_children", base="sum"), ["areas.area_character"],
                     chart_type="pie")
    shares = run_chart(published, CATALOG, spec).set_index("areas.area_character")["value"]
    assert shares.idxmax() == "ニュータウン"
    assert shares["ニュータウン"] >= 100 * PLANTED["waiting_children_in_new_town"]["thresholds"]["new_town_share_min"]
