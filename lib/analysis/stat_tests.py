"""Statistics for Step 5 評価: each test returns its numbers and a one-line plain reading.

The readings avoid jargon where they can ("差がある可能性が高い" rather than
"帰無仮説を棄却"), give the strength of a result, and warn where a result is
often misread (a correlation is not a cause).
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from scipy import stats

from lib.analysis.disclosure import protect_table
from lib.errors import WorkbenchError
from lib.i18n import t

SIGNIFICANCE = 0.05
MIN_ROWS = 3


class StatInputError(WorkbenchError):
    """The data cannot be tested as asked; `key` is a message in lib/locale."""


@dataclass
class TestResult:
    test: str  # i18n key of the test's name
    numbers: dict  # label key → value
    reading: str
    warning: str = ""
    table: pd.DataFrame | None = None
    extra: dict = field(default_factory=dict)


def p_text(p: float) -> str:
    return "p < 0.001" if p < 0.001 else f"p = {p:.3f}"


def _clean_pairs(x, y) -> tuple[np.ndarray, np.ndarray]:
    frame = pd.DataFrame({"x": pd.to_numeric(pd.Series(x), errors="coerce"),
                          "y": pd.to_numeric(pd.Series(y), errors="coerce")}).dropna()
    return frame["x"].to_numpy(float), frame["y"].to_numpy(float)


def ordinal_ranks(values, order: list) -> pd.Series:
    """Ordered categories (age bands, Likert words) as ranks 0, 1, 2… for a rank correlation."""
    position = {str(v): i for i, v in enumerate(order)}
    return pd.Series(values).map(lambda v: position.get(str(v)) if pd.notna(v) else None).astype(float)


def _enough(n: int, minimum: int = MIN_ROWS) -> None:
    if n < minimum:
        raise StatInputError("stat.error.too_few", n=n, minimum=minimum)


def strength_of_r(r: float, lang: str) -> str:
    size = abs(r)
    key = "strong" if size >= 0.7 else "moderate" if size >= 0.4 else "weak" if size >= 0.2 else "none"
    return t(f"stat.strength.{key}", lang)


# ---------------------------------------------------------------- crosstab + chi-square

def crosstab_chi_square(rows, columns, lang: str = "ja", row_name: str = "", column_name: str = "",
                        about_persons: bool = True) -> TestResult:
    """Is the distribution of one category different across the other? (χ² test of independence)

    The test uses every count; the table shown hides small cells when the rows are persons."""
    frame = pd.DataFrame({"r": pd.Series(rows), "c": pd.Series(columns)}).dropna()
    _enough(len(frame))
    table = pd.crosstab(frame["r"], frame["c"])
    if table.shape[0] < 2 or table.shape[1] < 2:
        raise StatInputError("stat.error.two_categories")
    chi2, p, dof, expected = stats.chi2_contingency(table.to_numpy())
    n = int(table.to_numpy().sum())
    cramers_v = float(np.sqrt(chi2 / (n * (min(table.shape) - 1))))
    low_expected = float((expected < 5).mean())
    reading = t("stat.chi.reading_yes" if p < SIGNIFICANCE else "stat.chi.reading_no", lang,
                row=row_name, column=column_name, p=p_text(p), v=f"{cramers_v:.2f}")
    warning = t("stat.chi.warning_small", lang) if low_expected > 0.2 else ""
    hidden = 0
    if about_persons:
        table, hidden = protect_table(table)
    table.index.name = row_name or None
    table.columns.name = column_name or None
    return TestResult("stat.test.chi", {"stat.n": n, "stat.chi2": float(chi2), "stat.dof": int(dof),
                                        "stat.p": float(p), "stat.cramers_v": cramers_v},
                      reading, warning, table, extra={"hidden_cells": hidden})


# ---------------------------------------------------------------- correlation

def correlation(x, y, lang: str = "ja", method: str = "pearson", x_name: str = "", y_name: str = "") -> TestResult:
    """How closely two numbers move together (Pearson r, or Spearman ρ for ranks / outliers)."""
    xs, ys = _clean_pairs(x, y)
    _enough(len(xs))
    if np.ptp(xs) == 0 or np.ptp(ys) == 0:
        raise StatInputError("stat.error.constant")
    result = stats.pearsonr(xs, ys) if method == "pearson" else stats.spearmanr(xs, ys)
    r, p = float(result[0]), float(result[1])
    direction = t("stat.corr.positive" if r > 0 else "stat.corr.negative", lang)
    key = "stat.corr.reading_yes" if p < SIGNIFICANCE else "stat.corr.reading_no"
    hint = t("stat.corr.hint_positive" if r > 0 else "stat.corr.hint_negative", lang, x=x_name, y=y_name)
    reading = t(key, lang, x=x_name, y=y_name, strength=strength_of_r(r, lang), direction=direction,
                hint=hint, r=f"{r:.2f}", p=p_text(p), n=len(xs))
    return TestResult("stat.test.corr", {"stat.n": len(xs), "stat.r": r, "stat.p": p},
                      reading, t("stat.corr.causation", lang), extra={"method": method})


# ---------------------------------------------------------------- comparison of means

def compare_means(values, groups, lang: str = "ja", value_name: str = "", group_name: str = "",
                  method: str = "parametric") -> TestResult:
    """Do groups differ in their average? 2 groups: Welch t / Mann-Whitney U; more: ANOVA / Kruskal-Wallis."""
    frame = pd.DataFrame({"v": pd.to_numeric(pd.Series(values), errors="coerce"),
                          "g": pd.Series(groups)}).dropna()
    samples = {str(g): part["v"].to_numpy(float) for g, part in frame.groupby("g", sort=True)
               if len(part) >= 2}
    if len(samples) < 2:
        raise StatInputError("stat.error.two_groups")
    arrays = list(samples.values())
    if len(arrays) == 2:
        if method == "parametric":
            stat, p = stats.ttest_ind(*arrays, equal_var=False)
            name = "stat.test.welch"
        else:
            stat, p = stats.mannwhitneyu(*arrays, alternative="two-sided")
            name = "stat.test.mannwhitney"
    elif method == "parametric":
        stat, p = stats.f_oneway(*arrays)
        name = "stat.test.anova"
    else:
        stat, p = stats.kruskal(*arrays)
        name = "stat.test.kruskal"
    summary = pd.DataFrame({
        "group": list(samples), "n": [len(a) for a in arrays],
        "mean": [a.mean() for a in arrays], "median": [float(np.median(a)) for a in arrays],
        "std": [a.std(ddof=1) for a in arrays],
    })
    top = summary.loc[summary["mean"].idxmax()]
    bottom = summary.loc[summary["mean"].idxmin()]
    key = "stat.means.reading_yes" if p < SIGNIFICANCE else "stat.means.reading_no"
    reading = t(key, lang, value=value_name, group=group_name, high=top["group"], high_mean=f"{top['mean']:.2f}",
                low=bottom["group"], low_mean=f"{bottom['mean']:.2f}", p=p_text(float(p)))
    return TestResult(name, {"stat.n": int(summary["n"].sum()), "stat.statistic": float(stat), "stat.p": float(p)},
                      reading, t("stat.means.note", lang), summary)


# ---------------------------------------------------------------- regression

def linear_regression(x, y, lang: str = "ja", x_name: str = "", y_name: str = "") -> TestResult:
    """y = slope·x + intercept by least squares, with R² (share of y's variation x accounts for)."""
    xs, ys = _clean_pairs(x, y)
    _enough(len(xs))
    if np.ptp(xs) == 0:
        raise StatInputError("stat.error.constant")
    fit = stats.linregress(xs, ys)
    r2 = float(fit.rvalue ** 2)
    key = "stat.reg.reading_yes" if fit.pvalue < SIGNIFICANCE else "stat.reg.reading_no"
    reading = t(key, lang, x=x_name, y=y_name, slope=f"{fit.slope:.3g}", r2=f"{r2:.2f}",
                pct=f"{100 * r2:.0f}", p=p_text(float(fit.pvalue)))
    return TestResult("stat.test.reg", {"stat.n": len(xs), "stat.slope": float(fit.slope),
                                        "stat.intercept": float(fit.intercept), "stat.r2": r2,
                                        "stat.p": float(fit.pvalue)},
                      reading, t("stat.corr.causation", lang))
