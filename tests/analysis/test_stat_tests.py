"""Statistical tests: right numbers (checked against scipy / by hand) and plain-Japanese readings."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from lib.analysis import stat_tests

RNG = np.random.default_rng(7)


def test_correlation_reads_strength_and_direction_and_warns_about_causation():
    x = np.arange(50, dtype=float)
    y = 2 * x + RNG.normal(0, 5, 50)
    result = stat_tests.correlation(x, y, "ja", "pearson", "距離", "認定率")
    assert result.numbers["stat.r"] == pytest.approx(stats.pearsonr(x, y)[0])
    assert "強い正の相関" in result.reading and "「距離」が大きいほど「認定率」も大きい" in result.reading
    assert "因果" in result.warning
    negative = stat_tests.correlation(x, -y, "ja", "spearman", "a", "b")
    assert "負の相関" in negative.reading
    noise = stat_tests.correlation(x, RNG.normal(0, 1, 50), "ja")
    assert noise.numbers["stat.p"] > 0.05 and "はっきりしません" in noise.reading
    assert "correlation" in stat_tests.correlation(x, y, "en", x_name="a", y_name="b").reading


def test_correlation_ignores_missing_pairs_and_refuses_too_little_data():
    x = pd.Series([1.0, 2.0, None, 4.0, 5.0])
    y = pd.Series([2.0, 4.0, 6.0, None, 10.0])
    assert stat_tests.correlation(x, y).numbers["stat.n"] == 3
    with pytest.raises(stat_tests.StatInputError, match="件"):
        stat_tests.correlation([1.0, 2.0], [1.0, 2.0])
    with pytest.raises(stat_tests.StatInputError, match="同じ"):
        stat_tests.correlation([1.0, 1.0, 1.0, 1.0], [1.0, 2.0, 3.0, 4.0])


def test_chi_square_on_a_crosstab():
    rows = ["A"] * 100 + ["B"] * 100
    columns = ["yes"] * 80 + ["no"] * 20 + ["yes"] * 30 + ["no"] * 70
    result = stat_tests.crosstab_chi_square(rows, columns, "ja", "地区", "回答")
    chi2, p, dof, _ = stats.chi2_contingency(pd.crosstab(pd.Series(rows), pd.Series(columns)).to_numpy())
    assert result.numbers["stat.chi2"] == pytest.approx(chi2) and result.numbers["stat.dof"] == 1
    assert "差があります" in result.reading
    assert result.table.loc["A", "yes"] == 80
    same = stat_tests.crosstab_chi_square(["A", "B"] * 50, ["x"] * 50 + ["y"] * 50)
    assert "言えません" in same.reading
    with pytest.raises(stat_tests.StatInputError):
        stat_tests.crosstab_chi_square(["A"] * 10, ["x", "y"] * 5)


def test_small_expected_counts_are_flagged():
    result = stat_tests.crosstab_chi_square(["A", "A", "B", "B", "C", "C"], ["x", "y", "x", "y", "x", "x"])
    assert "期待度数" in result.warning


def test_compare_means_two_groups_and_many():
    a = RNG.normal(3.5, 0.5, 60)
    b = RNG.normal(2.5, 0.5, 60)
    values = np.concatenate([a, b])
    groups = ["若い"] * 60 + ["高齢"] * 60
    welch = stat_tests.compare_means(values, groups, "ja", "満足度", "年齢")
    assert welch.test == "stat.test.welch"
    assert welch.numbers["stat.p"] == pytest.approx(stats.ttest_ind(b, a, equal_var=False).pvalue)
    assert "最も高い 若い" in welch.reading and "差があります" in welch.reading
    ranks = stat_tests.compare_means(values, groups, "ja", method="rank")
    assert ranks.test == "stat.test.mannwhitney"
    three = stat_tests.compare_means(np.concatenate([a, b, a]), groups + ["中"] * 60)
    assert three.test == "stat.test.anova" and set(three.table["group"]) == {"若い", "高齢", "中"}
    assert stat_tests.compare_means(np.concatenate([a, b, a]), groups + ["中"] * 60, method="rank").test == \
        "stat.test.kruskal"
    with pytest.raises(stat_tests.StatInputError):
        stat_tests.compare_means([1.0, 2.0, 3.0], ["a", "a", "a"])


def test_linear_regression_slope_and_r2():
    x = np.linspace(0, 3, 40)
    y = 1.5 * x + 10 + RNG.normal(0, 0.3, 40)
    result = stat_tests.linear_regression(x, y, "ja", "距離", "認定率")
    fit = stats.linregress(x, y)
    assert result.numbers["stat.slope"] == pytest.approx(fit.slope)
    assert result.numbers["stat.r2"] == pytest.approx(fit.rvalue ** 2)
    assert "1 増えると" in result.reading and "%" in result.reading


def test_ordinal_ranks_follow_the_given_order():
    ranks = stat_tests.ordinal_ranks(["80+", "18-29", None, "30-39"], ["18-29", "30-39", "80+"])
    assert ranks.tolist()[:2] == [2.0, 0.0] and np.isnan(ranks[2]) and ranks[3] == 1.0
