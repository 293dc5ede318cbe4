"""Multiple regression: checked against NIST's certified values and by hand-made cases."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from lib.analysis.multiple_regression import (
    coefficient_table,
    fit_ols,
    regression_reading,
    related_variables,
    vif_warning,
)
from lib.analysis.stat_tests import StatInputError

# NIST Statistical Reference Datasets, linear regression, "Longley" (higher difficulty):
# https://www.itl.nist.gov/div898/strd/lls/data/Longley.shtml — y = total employment, x1 … x6 =
# GNP deflator, GNP, unemployed, armed forces, population, year (1947–1962).
LONGLEY = """y,x1,x2,x3,x4,x5,x6
60323,83.0,234289,2356,1590,107608,1947
61122,88.5,259426,2325,1456,108632,1948
60171,88.2,258054,3682,1616,109773,1949
61187,89.5,284599,3351,1650,110929,1950
63221,96.2,328975,2099,3099,112075,1951
63639,98.1,346999,1932,3594,113270,1952
64989,99.0,365385,1870,3547,115094,1953
63761,100.0,363112,3578,3350,116219,1954
66019,101.2,397469,2904,3048,117388,1955
67857,104.6,419180,2822,2857,118734,1956
68169,108.4,442769,2936,2798,120445,1957
66513,110.8,444546,4681,2637,121950,1958
68655,112.6,482704,3813,2552,123366,1959
69564,114.2,502601,3931,2514,125368,1960
69331,115.7,518173,4806,2572,127852,1961
70551,116.9,554894,4007,2827,130081,1962
"""
# Certified values (same page): estimates and their standard deviations, B0 … B6.
CERTIFIED_B = [-3482258.63459582, 15.0618722713733, -0.358191792925910e-01, -2.02022980381683,
               -1.03322686717359, -0.511041056535807e-01, 1829.15146461355]
CERTIFIED_SE = [890420.383607373, 84.9149257747669, 0.334910077722432e-01, 0.488399681651699,
                0.214274163161675, 0.226073200069370, 455.478499142212]
CERTIFIED_RESIDUAL_SD = 304.854073561965
CERTIFIED_R2 = 0.995479004577296


def _longley() -> pd.DataFrame:
    from io import StringIO

    return pd.read_csv(StringIO(LONGLEY))


def _significant_digits(computed, certified) -> float:
    """NIST's log relative error: the number of leading digits that agree."""
    return float(np.min(-np.log10(np.abs(np.asarray(computed) - np.asarray(certified)) / np.abs(certified))))


def test_longley_matches_nists_certified_values_to_seven_digits():
    fit = fit_ols(_longley(), "y", [f"x{i}" for i in range(1, 7)])
    assert fit.n == 16
    assert _significant_digits(fit.coefficients["coef"], CERTIFIED_B) >= 7
    assert _significant_digits(fit.coefficients["se"], CERTIFIED_SE) >= 7
    assert _significant_digits([fit.residual_sd], [CERTIFIED_RESIDUAL_SD]) >= 7
    assert _significant_digits([fit.r2], [CERTIFIED_R2]) >= 7


def test_longleys_related_variables_are_named():
    """Longley is the textbook case of collinearity: GNP, population and year move together."""
    data = _longley()
    fit = fit_ols(data, "y", [f"x{i}" for i in range(1, 7)])
    related = related_variables(fit, data)
    named = {x for x, _partner, _vif in related}
    assert {"x2", "x5", "x6"} <= named
    assert all(vif > 10 for x, _p, vif in related if x in {"x2", "x6"})
    text = vif_warning(related, {"x2": "GNP", "x6": "年"}, "ja")
    assert "「GNP」" in text and "強く" in text and "VIF" in text


def _planted(n: int = 200, seed: int = 3) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    a = rng.normal(50, 10, n)
    b = rng.normal(5, 2, n)
    c = rng.normal(0, 1, n)
    y = 2.0 + 0.5 * a - 3.0 * b + rng.normal(0, 1, n)
    return pd.DataFrame({"y": y, "a": a, "b": b, "c": c})


def test_standardized_effects_intervals_and_adjusted_r2_agree_with_numpy():
    data = _planted()
    fit = fit_ols(data, "y", ["a", "b", "c"])
    # Independent: least squares with numpy, and the textbook formulas.
    X = np.column_stack([np.ones(len(data)), data[["a", "b", "c"]].to_numpy()])
    beta, *_ = np.linalg.lstsq(X, data["y"].to_numpy(), rcond=None)
    np.testing.assert_allclose(fit.coefficients["coef"].to_numpy(), beta, rtol=1e-10)
    resid = data["y"].to_numpy() - X @ beta
    n, k = X.shape
    r2 = 1 - resid @ resid / ((data["y"] - data["y"].mean()) ** 2).sum()
    assert fit.adj_r2 == pytest.approx(1 - (1 - r2) * (n - 1) / (n - k), rel=1e-10)
    standardized = beta[1:] * data[["a", "b", "c"]].std().to_numpy() / data["y"].std()
    np.testing.assert_allclose(fit.coefficients["std_effect"].to_numpy()[1:], standardized, rtol=1e-10)
    se = np.sqrt(np.diag(resid @ resid / (n - k) * np.linalg.inv(X.T @ X)))
    from scipy import stats
    half = stats.t.ppf(0.975, n - k) * se
    np.testing.assert_allclose(fit.coefficients["low"].to_numpy(), beta - half, rtol=1e-8)
    # Unrelated columns: VIF near 1, no warning.
    assert (fit.vif < 1.2).all() and related_variables(fit, data) == []


def test_the_reading_names_the_clearest_effect_with_the_other_conditions_equal():
    data = _planted()
    fit = fit_ols(data, "y", ["a", "b", "c"])
    labels = {"y": "認定率", "a": "高齢化率", "b": "距離", "c": "雑音"}
    reading = regression_reading(fit, labels, "ja")
    # b's effect is the larger in standard deviations (3 × 2 against 0.5 × 10): it is the one told.
    assert reading.startswith("ほかの条件が同じなら、「距離」が 1 上がると「認定率」は平均 3.0")
    assert "下がります" in reading and "ほかに 1 つの変数" in reading
    table = coefficient_table(fit, labels, "ja")
    assert list(table["変数"]) == ["切片（すべての x が 0 のとき）", "高齢化率", "距離", "雑音"]
    noise = pd.DataFrame({"y": data["c"], "a": data["a"]})
    assert "はっきりした関係は見られません" in regression_reading(fit_ols(noise, "y", ["a"]), labels, "ja")


def test_bad_input_is_a_clear_sentence():
    data = _planted(20)
    with pytest.raises(StatInputError) as problem:
        fit_ols(data, "y", ["y"])
    assert "説明する変数" in problem.value.text("ja")
    data["d"] = data["a"] * 2  # an exact copy in other units
    with pytest.raises(StatInputError) as problem:
        fit_ols(data, "y", ["a", "d"])
    assert "外してください" in problem.value.text("ja")
    with pytest.raises(StatInputError):
        fit_ols(data.head(4), "y", ["a", "b"])
