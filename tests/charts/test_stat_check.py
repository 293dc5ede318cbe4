"""A statistical check (lib.charts.stat_check): each test runs on the right columns, ordered categories are ranked
for a correlation, and the checked data becomes the chart that is saved as evidence."""
from __future__ import annotations

import pandas as pd
import pytest

from lib.analysis.area_indicators import analysis_catalog
from lib.charts.stat_check import StatCheck

AGES = ["18-29", "30-39", "40-49", "50-59", "60-69", "70-79", "80+"]


@pytest.fixture(scope="module")
def catalog():
    return analysis_catalog()


def test_ordered_categories_are_ranked_for_a_correlation_and_drawn_as_means(catalog):
    # Listed out of order: ranked by the dictionary's order, satisfaction rises with age.
    data = pd.DataFrame({"age_band": AGES[::-1] * 3, "sat_医療": [7, 6, 5, 4, 3, 2, 1] * 3})
    check = StatCheck("corr", "survey", "age_band", "sat_医療", "spearman")
    result = check.run(data, catalog, "ja", "年齢", "満足度")
    assert result.numbers["stat.r"] == pytest.approx(1.0)
    spec = check.chart_spec(catalog)
    assert (spec.chart_type, spec.dimensions, spec.measure.kind, spec.measure.column) == (
        "bar", ["age_band"], "mean", "sat_医療")


@pytest.mark.parametrize("test", ["corr", "reg"])
def test_two_numeric_columns_are_a_scatter_with_its_trend_line(catalog, test):
    data = pd.DataFrame({"sat_医療": [1, 2, 3, 4, 5, 1, 2, 3], "sat_防災": [2, 4, 6, 8, 10, 2, 4, 6]})
    check = StatCheck(test, "survey", "sat_医療", "sat_防災", "pearson")
    result = check.run(data, catalog, "ja", "医療", "防災")
    assert result.test == f"stat.test.{test}"
    assert result.numbers.get("stat.r", result.numbers.get("stat.slope")) == pytest.approx(
        1.0 if test == "corr" else 2.0
    )
    spec = check.chart_spec(catalog)
    assert (spec.chart_type, spec.dimensions, spec.options) == ("scatter", [], {"x": "sat_医療", "trend_line": True})
    assert spec.measure.column == "sat_防災"


def test_means_compare_the_values_between_the_groups(catalog):
    data = pd.DataFrame({"sex": ["男性", "女性"] * 10, "sat_医療": [1, 4, 2, 5] * 5})
    check = StatCheck("means", "survey", "sex", "sat_医療", "parametric")
    result = check.run(data, catalog, "ja", "性別", "満足度")
    assert result.numbers["stat.n"] == 20 and result.numbers["stat.p"] < 0.001
    assert check.chart_spec(catalog).dimensions == ["sex"]


def test_chi_square_counts_rows_by_columns_as_shares(catalog):
    data = pd.DataFrame({"sex": ["男性", "女性"] * 20, "household": ["単身"] * 20 + ["2人以上"] * 20})
    check = StatCheck("chi", "survey", "sex", "household")
    result = check.run(data, catalog, "ja", "性別", "世帯")
    assert result.test == "stat.test.chi" and result.numbers["stat.n"] == 40
    spec = check.chart_spec(catalog)
    assert (spec.measure.kind, spec.dimensions, spec.options) == (
        "count",
        ["sex", "household"],
        {"bar_mode": "percent"},
    )
